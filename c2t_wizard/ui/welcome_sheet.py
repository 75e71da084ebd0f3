"""Printable welcome sheets (PDF, one page per person) and a clipboard that forgets passwords.

Qt GUI code, so it lives in ``ui``: QPdfWriter + QTextDocument for the sheet, QClipboard + QTimer for the
clipboard. Neither keeps a password beyond what the user asked for: the PDF is written only where the user
chose to save it, and the clipboard is cleared after a minute unless something else was copied meanwhile.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from c2t_wizard.domain.welcome_message import WelcomeMessage, welcome_sheet_warning

CLIPBOARD_CLEAR_MS = 60_000
"""How long a copied message stays on the clipboard."""
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


class _SheetPdf:
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
    The wizard uses ``SheetWriter`` instead, which keeps the window responsive.
    """
    if not pages:
        raise ValueError("no pages to write")
    pdf = _SheetPdf(path, title)
    try:
        for page in pages:
            pdf.add(page)
    except BaseException:
        pdf.abandon()
        raise
    return pdf.finish()


class SheetWriter(QObject):
    """Writes a welcome sheet one page per turn of the event loop, so the window never waits for it.

    Qt's text layout and fonts belong to the GUI thread; instead of a worker thread, the pages are spread
    over event-loop turns (a page takes about a millisecond or two).

    Signals:
        finished(int): the file is written; the number of pages.
        failed(object): a WelcomeSheetError (or another error); nothing half-written is left behind.
    """

    finished = Signal(int)
    failed = Signal(object)

    def __init__(
        self, path: Path, pages: Sequence[SheetPage], *, title: str = "Welcome", parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        if not pages:
            raise ValueError("no pages to write")
        self._path = Path(path)
        self._title = title
        self._pages = list(pages)
        self._pdf: _SheetPdf | None = None
        self._timer = QTimer(self)
        self._timer.setObjectName("welcome_sheet_timer")
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        try:
            self._pdf = _SheetPdf(self._path, self._title)
        except Exception as error:  # reported, not raised: the caller listens to ``failed``
            self.failed.emit(error)
            return
        self._timer.start()

    def cancel(self) -> None:
        """Stop; the partial file is removed."""
        self._timer.stop()
        if self._pdf is not None:
            self._pdf.abandon()
            self._pdf = None

    def _step(self) -> None:
        pdf = self._pdf
        if pdf is None:
            self._timer.stop()
            return
        try:
            pdf.add(self._pages[pdf.pages])
            if pdf.pages < len(self._pages):
                return
            self._timer.stop()
            self._pdf = None
            count = pdf.finish()
        except Exception as error:
            self.cancel()
            pdf.abandon()
            self.failed.emit(error)
            return
        self.finished.emit(count)


class SecretClipboard(QObject):
    """Copies a secret to the clipboard and clears it after ``clear_after_ms`` unless it changed meanwhile.

    ``stop(clear=True)`` (page cleanup, closing) clears it at once if it still holds what was copied.

    Signals:
        cleared(): the clipboard was cleared because it still held the secret.
    """

    cleared = Signal()

    def __init__(self, parent: QObject | None = None, *, clear_after_ms: int = CLIPBOARD_CLEAR_MS) -> None:
        super().__init__(parent)
        self._copied: str | None = None
        self._timer = QTimer(self)
        self._timer.setObjectName("clipboard_clear_timer")
        self._timer.setSingleShot(True)
        self._timer.setInterval(clear_after_ms)
        self._timer.timeout.connect(self._expire)

    @property
    def clear_after_ms(self) -> int:
        return self._timer.interval()

    @property
    def pending(self) -> bool:
        """A copied secret is waiting to be cleared."""
        return self._timer.isActive()

    def copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self._copied = text
        self._timer.start()

    def _expire(self) -> None:
        self._clear_if_unchanged()

    def _clear_if_unchanged(self) -> None:
        copied, self._copied = self._copied, None
        if copied is None:
            return
        clipboard = QGuiApplication.clipboard()
        if clipboard.text() == copied:
            clipboard.clear()
            self.cleared.emit()

    def stop(self, *, clear: bool = True) -> None:
        """Stop the timer; with ``clear``, clear the clipboard now if it still holds the secret."""
        self._timer.stop()
        if clear:
            self._clear_if_unchanged()
        else:
            self._copied = None
