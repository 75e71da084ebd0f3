"""Uncaught errors reach the user once, as a non-blocking dialog, and the log."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from c2t_wizard.logging_setup import redact

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)


class ErrorReporter(QObject):
    """Catches what nobody else caught (GUI thread, other threads, failed jobs) and tells the user.

    Each distinct error is shown once; dialogs are non-modal so the wizard keeps running.

    Signals:
        reported(str): the summary shown to the user (for tests).
    """

    reported = Signal(str)
    _incoming = Signal(str, str)

    def __init__(self, parent_window: QWidget | None = None, *, show_dialogs: bool = True) -> None:
        super().__init__()
        self._window = parent_window
        self.show_dialogs = show_dialogs
        self._seen: set[str] = set()
        self._dialogs: list[QMessageBox] = []
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        # From another thread the signal is queued to the GUI thread; _later then puts even a report made on
        # the GUI thread (inside an excepthook, perhaps mid-paint) behind the event loop.
        self._incoming.connect(self._later)

    def set_window(self, window: QWidget | None) -> None:
        self._window = window

    def install(self) -> None:
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook

    def uninstall(self) -> None:
        sys.excepthook = self._previous_hook
        threading.excepthook = self._previous_thread_hook
        for dialog in self._dialogs:
            dialog.close()
        self._dialogs.clear()

    def _excepthook(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        self.report(exc, where="the application", tb=tb)

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            name = args.thread.name if args.thread else "a background thread"
            self.report(args.exc_value, where=name, tb=args.exc_traceback)

    def report(self, exc: BaseException | object, where: str = "", tb: TracebackType | None = None) -> None:
        """Log the error and show it once; safe to call from any thread."""
        if isinstance(exc, BaseException):
            tb = tb or exc.__traceback__
            details = "".join(traceback.format_exception(type(exc), exc, tb))
            summary = redact(f"{type(exc).__name__}: {exc}")
        else:
            details = summary = redact(str(exc))
        log.error("Unexpected error in %s: %s", where or "the application", details)
        self._incoming.emit(summary, where)

    @Slot(str, str)
    def _later(self, summary: str, where: str) -> None:
        QTimer.singleShot(0, self, lambda: self._show(summary, where))

    def _show(self, summary: str, where: str) -> None:
        key = f"{where}|{summary}"
        if key in self._seen:
            return
        self._seen.add(key)
        self.reported.emit(summary)
        if not self.show_dialogs:
            return
        # Imported here, not with the module: the reporter is built before the first paint, which then
        # needn't wait for these enums (see ui/choice_card.py).
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self._window)
        box.setObjectName("error_dialog")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Something went wrong"))
        box.setText(
            self.tr(
                "Something unexpected went wrong. Nothing you entered is lost; you can carry on or "
                "try again. The details are in the log file."
            )
        )
        box.setDetailedText(summary)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        box.finished.connect(lambda _result, b=box: self._forget(b))
        self._dialogs.append(box)
        box.show()

    def _forget(self, box: QMessageBox) -> None:
        if box in self._dialogs:
            self._dialogs.remove(box)
