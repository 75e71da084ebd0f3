"""Python's cyclic garbage collection, on the GUI thread only.

CPython collects on whichever thread crosses the allocation threshold: in this app mostly the service thread
and MSAL's worker threads, which allocate heavily. When such a collection frees a Qt object held in a
reference cycle (a closed window, a signal blocker's event loop), shiboken defers the C++ delete to the main
thread with ``Py_AddPendingCall``, and the main thread runs it at its next Python bytecode — often the first
line of a Python ``paintEvent``, in the middle of Qt's repaint: a crash (seen as a segmentation fault in
``BusySpinner.paintEvent``; native stack: ``BindingManager::runDeletionInMainThread``, called from
``make_pending_calls``).

So automatic collection stays off and the GUI thread collects from a timer, between events, the generations
that CPython's own thresholds say are due (the remedy long-lived Qt for Python apps use, e.g. OpenCue's
``cuegui/GarbageCollector.py``). Collecting between events also means a collection never lands in a paint.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 100
"""How often the thresholds are looked at: a look costs microseconds, a young collection about 1 ms."""


def collect_due() -> int:
    """Collect the oldest generation whose count has passed its threshold, as CPython would have; the number
    of objects found unreachable (0 when nothing was due)."""
    counts = gc.get_count()
    thresholds = gc.get_threshold()
    due = -1
    for generation in range(3):
        if counts[generation] > thresholds[generation] > 0:
            due = generation
    return gc.collect(due) if due >= 0 else 0


class GuiThreadCollector(QObject):
    """Turns automatic collection off and collects what is due from a timer on the GUI thread."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setObjectName("gui_thread_collector")
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(collect_due)

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Stop collecting (automatic collection stays off: whoever turned it off at start turns it on)."""
        self._timer.stop()
