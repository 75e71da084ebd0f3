"""The wizard's side of the welcome sheet: writing it without blocking the window, and a clipboard that
forgets passwords.

The PDF itself is drawn by ``c2t_wizard.sheet_pdf`` (QtGui only, shared with the headless command);
``SheetWriter`` spreads its pages over event-loop turns. ``SecretClipboard`` clears a copied message after a
minute unless something else was copied meanwhile. Neither keeps a password beyond what the user asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from c2t_wizard.sheet_pdf import (
    SHEET_RESOLUTION,
    SheetPage,
    SheetPdf,
    WelcomeSheetError,
    sheet_page_html,
    write_welcome_sheet,
)

__all__ = [
    "CLIPBOARD_CLEAR_MS",
    "SHEET_RESOLUTION",
    "SecretClipboard",
    "SheetPage",
    "SheetWriter",
    "WelcomeSheetError",
    "sheet_page_html",
    "write_welcome_sheet",
]

CLIPBOARD_CLEAR_MS = 60_000
"""How long a copied message stays on the clipboard."""

_SheetPdf = SheetPdf
"""The renderer under its former name (tests slow its pages down through it)."""


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
        self._pdf: SheetPdf | None = None
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
