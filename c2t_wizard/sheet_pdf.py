"""The welcome sheet's PDF (one A4 page per person), drawn with QtGui only: QPdfWriter + QTextDocument.

The one sheet renderer: the wizard's Credentials page (``ui.welcome_sheet.SheetWriter``, page by page on
the event loop) and the headless ``c2t-wizard onboard --deliver pdf:PATH`` both write through ``SheetPdf``.
No QtWidgets here, so the headless command can write a sheet on a server without display libraries: it
imports this module only when a PDF is asked for, and ``ensure_gui_application`` makes a
``QGuiApplication`` on the ``offscreen`` platform when none exists (text layout and fonts need one).

The sheet holds passwords: it is written to a private (0600) file beside the target and moved over it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from c2t_wizard.domain.welcome_message import WelcomeMessage, welcome_sheet_warning

__all__ = [
    "SHEET_RESOLUTION",
    "SheetPage",
    "SheetPdf",
    "WelcomeSheetError",
    "ensure_gui_application",
    "sheet_page_html",
    "write_welcome_sheet",
]

_PRIVATE = stat.S_IRUSR | stat.S_IWUSR
"""0600: the sheet holds passwords, like the token cache file."""
SHEET_RESOLUTION = 300
"""Dots per inch of the PDF's coordinate system (text stays vector: this only sets the layout grid)."""


@dataclass(frozen=True)
class SheetPage:
    """One person's page: who it is for (shown in the header) and their welcome message."""

    name: str
    message: WelcomeMessage = field(repr=False)


class WelcomeSheetError(OSError):
    """The PDF could not be written (no permission, disk full, a bad path); its text is for the user."""


def _cannot_write(path: Path) -> WelcomeSheetError:
    return WelcomeSheetError(
        QCoreApplication.translate(
            "WelcomeSheet",
            "{name} can't be written there (the folder may be read-only, or the file open in another "
            "program)",
        ).format(name=path.name)
    )


def sheet_page_html(page: SheetPage) -> str:
    """The page as HTML: the confidentiality warning, the person, their message."""
    warning = welcome_sheet_warning(page.message.language)
    return (
        '<table width="100%" cellpadding="8" style="border:2px solid #a4262c;background:#fde7e9">'
        f'<tr><td style="color:#a4262c"><b>⚠ {escape(warning)}</b></td></tr></table>'
        f'<h2 style="margin-top:14px">{escape(page.message.subject)} — {escape(page.name)}</h2>'
        f"{page.message.html}"
    )


class SheetPdf:
    """An open PDF being written page by page (QPdfWriter + a QTextDocument per page)."""

    def __init__(self, path: Path, title: str) -> None:
        self.path = Path(path)
        self.pages = 0
        # Written to a private (0600) file beside the target, then moved over it: the sheet holds passwords,
        # so it is never readable by others, not even for a moment, and a file it replaces ends up 0600 too.
        try:
            handle, temporary = tempfile.mkstemp(
                prefix=f".{self.path.stem}-", suffix=".pdf.part", dir=self.path.parent
            )
        except OSError as exc:
            raise _cannot_write(self.path) from exc
        os.close(handle)
        self._temporary = Path(temporary)
        self._writer = QPdfWriter(str(self._temporary))
        self._writer.setTitle(title)
        self._writer.setCreator("c2t-wizard")
        self._writer.setResolution(SHEET_RESOLUTION)
        self._writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Portrait,
                QMarginsF(18, 18, 18, 18),
                QPageLayout.Unit.Millimeter,
            )
        )
        self._painter = QPainter()
        if not self._painter.begin(self._writer):
            self._temporary.unlink(missing_ok=True)
            raise _cannot_write(self.path)
        self._area = self._writer.pageLayout().paintRectPixels(SHEET_RESOLUTION)

    def add(self, page: SheetPage) -> None:
        if self.pages:
            self._writer.newPage()
        document = QTextDocument()
        # Lay out in the writer's own units, so that a point is a point on paper.
        document.documentLayout().setPaintDevice(self._writer)
        font = document.defaultFont()
        font.setPointSizeF(10.5)
        document.setDefaultFont(font)
        document.setDocumentMargin(0)
        document.setTextWidth(self._area.width())
        document.setHtml(sheet_page_html(page))
        height = document.size().height()
        painter = self._painter
        painter.save()
        if height > self._area.height():  # one page per person, always: shrink what would spill over
            factor = self._area.height() / height
            painter.scale(factor, factor)
        document.drawContents(painter)
        painter.restore()
        self.pages += 1

    def finish(self) -> int:
        """Close the file; it must exist and hold something. Then it takes the target's place (0600)."""
        self.abandon(remove=False)
        temporary = self._temporary
        try:
            if not temporary.is_file() or temporary.stat().st_size == 0:
                raise _cannot_write(self.path)
            os.chmod(temporary, _PRIVATE)  # mkstemp made it so; a no-op unless the platform differs
            os.replace(temporary, self.path)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            if isinstance(exc, WelcomeSheetError):
                raise
            raise _cannot_write(self.path) from exc
        return self.pages

    def abandon(self, *, remove: bool = True) -> None:
        """Stop writing; unless ``remove`` is False, the partial file goes (the target is left as it was)."""
        if self._painter.isActive():
            self._painter.end()
        if remove:
            self._temporary.unlink(missing_ok=True)


def write_welcome_sheet(path: Path, pages: Sequence[SheetPage], *, title: str = "Welcome") -> int:
    """Write ``pages`` to a PDF at ``path``, one A4 page each, at once; returns the number of pages written.

    Raises WelcomeSheetError when the file cannot be written (nothing half-written is left behind).
    Needs a ``QGuiApplication`` on this thread (``ensure_gui_application``). The wizard uses
    ``ui.welcome_sheet.SheetWriter`` instead, which spreads the same pages over event-loop turns.
    """
    if not pages:
        raise ValueError("no pages to write")
    pdf = SheetPdf(path, title)
    try:
        for page in pages:
            pdf.add(page)
    except BaseException:
        pdf.abandon()
        raise
    return pdf.finish()


_application: QCoreApplication | None = None
"""The ``QGuiApplication`` made by ``ensure_gui_application`` (kept alive for the process)."""


def ensure_gui_application() -> QCoreApplication:
    """The running Qt application, or a new ``QGuiApplication`` on the ``offscreen`` platform (no display
    needed). Call it on the thread that writes the sheet, before writing."""
    global _application
    existing = QCoreApplication.instance()
    if existing is not None:
        return existing
    _application = QGuiApplication(["c2t-wizard", "-platform", "offscreen"])
    return _application
