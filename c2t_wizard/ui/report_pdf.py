"""The run report as a PDF (QPdfWriter + QTextDocument, so it lives in ``ui``): a title, the counts, and a
table with one row per person in plain words; the header row repeats on every page.

Qt's own pagination lays the whole table out at once (measured: 1.9 s on the GUI thread for 500 people on
a loaded 2-core machine, 6.9 s in all), and only the GUI thread may touch Qt. So ``ReportPdfWriter`` draws one
page per turn of the event loop: each page is a small document of the rows that fit, and the window stays
responsive, shows progress and can stop.

The report holds no password or token (``services.report``), so neither does the PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QObject, QRectF, QTimer, Signal
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument, QTextTable

from c2t_wizard.services.report import PersonReport, Report
from c2t_wizard.ui.report_words import (
    account_words,
    delivery_words,
    invitation_words,
    role_words,
    when,
)

PDF_RESOLUTION = 300
_COLUMN_WIDTHS = (15, 23, 10, 22, 30)
_FIRST_GUESS = 40
"""Rows laid out for the first page; later pages lay out half as many again as the last page held."""


def _title_html(report: Report, organisation: str) -> str:
    totals = report.totals()
    title = QCoreApplication.translate("ReportPdf", "Onboarding summary")
    if organisation:
        title = f"{title} — {organisation}"
    counts = QCoreApplication.translate(
        "ReportPdf", "{ok} of {people} people fully onboarded; created {created}, invited {invited}."
    ).format(
        ok=totals["ok"],
        people=totals["people"],
        created=totals["account_created"],
        invited=totals["invitation_invited"]
        + totals["invitation_already_invited"]
        + totals["invitation_accepted"],
    )
    moment = escape(when(report.generated_at))
    return f"<h2>{escape(title)}</h2><p>{escape(counts)}<br/><small>{moment}</small></p>"


def _row_html(person: PersonReport) -> str:
    roles = ", ".join(role_words(role) for role in person.invitation.roles)
    invitation = invitation_words(person) + (f"<br/><small>{escape(roles)}</small>" if roles else "")
    colour = "" if person.ok else ' style="background:#fde7e9"'
    return (
        f"<tr{colour}><td>{escape(person.display_name)}</td>"
        f"<td>{escape(person.username)}<br/><small>{escape(person.email)}</small></td>"
        f"<td>{escape(account_words(person))}</td><td>{escape(delivery_words(person))}</td>"
        f"<td>{invitation if roles else escape(invitation)}</td></tr>"
    )


def _table_html(people: Sequence[PersonReport]) -> str:
    heads = (
        QCoreApplication.translate("ReportPdf", "Name"),
        QCoreApplication.translate("ReportPdf", "Username and work email"),
        QCoreApplication.translate("ReportPdf", "Account"),
        QCoreApplication.translate("ReportPdf", "Sign-in details"),
        QCoreApplication.translate("ReportPdf", "Portal invitation"),
    )
    # Fixed widths: each page is a table of its own, and the columns must line up from page to page.
    header = "".join(
        f'<th align="left" width="{width}%">{escape(head)}</th>'
        for head, width in zip(heads, _COLUMN_WIDTHS, strict=True)
    )
    return (
        '<table width="100%" cellspacing="0" cellpadding="4" border="1" style="border-collapse:collapse">'
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(_row_html(p) for p in people)}</tbody></table>"
    )


def report_html(report: Report, organisation: str = "") -> str:
    """The whole report as HTML, in the partner's language (one document: for a preview or a test)."""
    return _title_html(report, organisation) + _table_html(report.people)


class ReportPdfWriter(QObject):
    """Writes the report's PDF one page per turn of the event loop (GUI thread only).

    Written next to ``path`` and moved over it at the end, so a failed or stopped export leaves no half file.

    Signals:
        progress(int, int): people drawn so far, people in all.
        finished(object): the path written.
        failed(object): the OSError that stopped it.
    """

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(
        self, path: Path, report: Report, organisation: str = "", parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self._temporary = self.path.with_name(f".{self.path.name}.partial")
        self._report = report
        self._organisation = organisation
        self._next = 0
        self._pages = 0
        self._guess = _FIRST_GUESS
        self._writer: QPdfWriter | None = None
        self._painter: QPainter | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._draw_page)
        temporary = self._temporary
        # Closed with its window mid-way: no half file is left behind.
        self.destroyed.connect(lambda: temporary.unlink(missing_ok=True))

    @property
    def running(self) -> bool:
        return self._painter is not None

    def start(self) -> None:
        try:  # the reason (no such folder, no permission, disk full) for the partner: Qt gives none
            with self._temporary.open("wb"):
                pass
        except OSError as exc:
            self.failed.emit(exc)
            return
        self._writer = QPdfWriter(str(self._temporary))
        self._writer.setTitle(QCoreApplication.translate("ReportPdf", "Onboarding summary"))
        self._writer.setCreator("c2t-wizard")
        self._writer.setResolution(PDF_RESOLUTION)
        self._writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Landscape,
                QMarginsF(12, 12, 12, 12),
                QPageLayout.Unit.Millimeter,
            )
        )
        self._painter = QPainter()
        if not self._painter.begin(self._writer):
            self._painter = None
            self._writer = None
            self._temporary.unlink(missing_ok=True)
            self.failed.emit(OSError(f"{self.path.name} could not be written"))
            return
        self._timer.start()

    def write_all(self) -> None:
        """Every page now, without returning to the event loop (the command line, tests)."""
        self.start()
        while self._timer.isActive():
            self._timer.stop()
            self._draw_page()

    def cancel(self) -> None:
        """Stop; the half-written file is removed."""
        if self._painter is None:
            return
        self._timer.stop()
        self._close()
        self._temporary.unlink(missing_ok=True)

    def _close(self) -> None:
        if self._painter is not None:
            self._painter.end()
        self._painter = None
        self._writer = None  # closes the file

    def _page_document(self, people: Sequence[PersonReport], width: float) -> QTextDocument:
        document = QTextDocument()
        assert self._writer is not None
        document.documentLayout().setPaintDevice(self._writer)
        font = document.defaultFont()
        font.setPointSizeF(9)
        document.setDefaultFont(font)
        title = _title_html(self._report, self._organisation) if self._pages == 0 else ""
        document.setHtml(title + _table_html(people))
        document.setTextWidth(width)
        return document

    def _draw_page(self) -> None:
        painter, writer = self._painter, self._writer
        if painter is None or writer is None:
            return
        people = self._report.people
        area = painter.viewport()
        width, height = float(area.width()), float(area.height())
        chunk = people[self._next : self._next + self._guess]
        document = self._page_document(chunk, width)
        fits, bottom = _rows_that_fit(document, len(chunk), height)
        if self._pages:
            writer.newPage()
        painter.save()
        document.drawContents(painter, QRectF(0, 0, width, bottom))
        painter.restore()
        self._pages += 1
        self._next += fits
        self._guess = max(fits + fits // 2, 1)
        self.progress.emit(self._next, len(people))
        if self._next < len(people):
            self._timer.start()
            return
        self._close()
        try:
            if not self._temporary.is_file() or self._temporary.stat().st_size == 0:
                raise OSError(f"{self.path.name} could not be written")
            self._temporary.replace(self.path)
        except OSError as exc:
            self._temporary.unlink(missing_ok=True)
            self.failed.emit(exc)
            return
        self.finished.emit(self.path)


def _rows_that_fit(document: QTextDocument, rows: int, height: float) -> tuple[int, float]:
    """How many of the table's ``rows`` (after its header) fit in ``height``, and where to cut below them
    (between that row and the next). At least one row, even one taller than the page."""
    table = next(
        (frame for frame in document.rootFrame().childFrames() if isinstance(frame, QTextTable)), None
    )
    layout = document.documentLayout()
    if table is None or rows == 0:
        return rows, min(document.size().height(), height)

    def top(row: int) -> float:
        return min(
            layout.blockBoundingRect(table.cellAt(row, column).firstCursorPosition().block()).top()
            for column in range(table.columns())
        )

    def bottom(row: int) -> float:
        return max(
            layout.blockBoundingRect(table.cellAt(row, column).lastCursorPosition().block()).bottom()
            for column in range(table.columns())
        )

    end = layout.frameBoundingRect(table).bottom()
    if end <= height:
        return rows, end
    fits = 0
    cut = 0.0
    for row in range(1, rows + 1):  # row 0 is the header
        cut_here = (bottom(row) + top(row + 1)) / 2 if row < rows else end
        if cut_here > height and fits:
            break
        fits, cut = row, cut_here
        if cut_here > height:  # one row taller than a page: cut it off at the page's edge
            cut = height
            break
    return fits, cut


def write_report_pdf(path: Path, report: Report, organisation: str = "") -> None:
    """Write the whole PDF now (the command line, tests); raises OSError when it cannot be written."""
    writer = ReportPdfWriter(path, report, organisation)
    errors: list[OSError] = []
    writer.failed.connect(errors.append)
    writer.write_all()
    writer.deleteLater()
    if errors:
        raise errors[0]
