"""Printable welcome sheets (PDF, one page per person) and a clipboard that forgets passwords.

Qt GUI code, so it lives in ``ui``: QPdfWriter + QTextDocument for the sheet, QClipboard + QTimer for the
clipboard. Neither keeps a password beyond what the user asked for: the PDF is written only where the user
chose to save it, and the clipboard is cleared after a minute unless something else was copied meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from c2t_wizard.domain.welcome_message import WelcomeMessage, welcome_sheet_warning

CLIPBOARD_CLEAR_MS = 60_000
"""How long a copied message stays on the clipboard."""
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


def write_welcome_sheet(path: Path, pages: Sequence[SheetPage], *, title: str = "Welcome") -> int:
    """Write ``pages`` to a PDF at ``path``, one A4 page each; returns the number of pages written.

    Raises WelcomeSheetError when the file cannot be written (nothing half-written is left behind).
    """
    if not pages:
        raise ValueError("no pages to write")
    path = Path(path)
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("c2t-wizard")
    writer.setResolution(SHEET_RESOLUTION)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(18, 18, 18, 18),
            QPageLayout.Unit.Millimeter,
        )
    )
    painter = QPainter()
    if not painter.begin(writer):
        raise _cannot_write(path)
    try:
        area = writer.pageLayout().paintRectPixels(SHEET_RESOLUTION)
        for number, page in enumerate(pages):
            if number:
                writer.newPage()
            document = QTextDocument()
            # Lay out in the writer's own units, so that a point is a point on paper.
            document.documentLayout().setPaintDevice(writer)
            font = document.defaultFont()
            font.setPointSizeF(10.5)
            document.setDefaultFont(font)
            document.setDocumentMargin(0)
            document.setTextWidth(area.width())
            document.setHtml(sheet_page_html(page))
            height = document.size().height()
            painter.save()
            if height > area.height():  # one page per person, always: shrink what would spill over
                factor = area.height() / height
                painter.scale(factor, factor)
            document.drawContents(painter)
            painter.restore()
    finally:
        painter.end()
    if not path.is_file() or path.stat().st_size == 0:
        path.unlink(missing_ok=True)
        raise _cannot_write(path)
    return len(pages)


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
