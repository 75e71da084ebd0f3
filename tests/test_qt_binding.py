"""Guards against a Qt binding that corrupts Python's reference counts (PySide6 6.12.0 on Python 3.11).

PySide6 6.12.0 drops one reference to ``True`` per ``Signal.emit()`` and one to ``None`` per call that returns
nothing; on Python 3.11, where those objects are not immortal, the app aborts after a few hundred signals.
"""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget


class _Emitter(QObject):
    value = Signal(object)


def test_signals_and_void_calls_keep_reference_counts(qapp: Any) -> None:
    label, widget, timer, emitter = QLabel(), QWidget(), QTimer(), _Emitter()
    received: list[object] = []
    emitter.value.connect(received.append)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for i in range(200):
        label.setText("x")
        label.setVisible(False)
        timer.start(1000)
        timer.stop()
        widget.findChild(QLabel, "missing")
        emitter.value.emit(i)
    none_drift = sys.getrefcount(None) - none_before
    true_drift = sys.getrefcount(True) - true_before
    assert len(received) == 200
    # Small positive drift is ordinary (objects holding None); losing one per call is the bug.
    assert none_drift > -50, f"None lost {-none_drift} references"
    assert true_drift > -50, f"True lost {-true_drift} references"
    for obj in (label, widget, emitter):
        obj.deleteLater()
