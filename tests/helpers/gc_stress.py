"""The crash of issue 9, on demand: closed wizards held in reference cycles, garbage made on a worker thread,
a spinner painting on the main thread.

    python tests/helpers/gc_stress.py auto 10   # CPython's automatic collection: segfaults within a second
    python tests/helpers/gc_stress.py gui 10    # the app's GUI-thread collector: survives

Prints how many collections started on another thread; exits 0 if it survived.
"""

from __future__ import annotations

import gc
import os
import sys
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWizard, QWizardPage

from c2t_wizard.ui.collector import GuiThreadCollector
from c2t_wizard.ui.widgets import BusySpinner


def main(policy: str, seconds: float) -> int:
    app = QApplication([])
    collector = GuiThreadCollector(app, interval_ms=5)
    if policy == "gui":
        collector.start()
    foreign: list[str] = []

    def record(phase: str, _info: dict[str, int]) -> None:
        if phase == "start" and threading.current_thread() is not threading.main_thread():
            foreign.append(threading.current_thread().name)

    gc.callbacks.append(record)
    spinner = BusySpinner()
    spinner.resize(64, 64)
    spinner.show()
    stop = threading.Event()

    def churn() -> None:
        """A worker that makes cyclic garbage, as msgraph and MSAL do on the service thread."""
        while not stop.is_set():
            junk = []
            for _ in range(2000):
                first: dict[str, object] = {}
                first["second"] = {"first": first}
                junk.append(first)
            del junk

    def closed_windows_in_cycles() -> None:
        for _ in range(5):
            wizard = QWizard()
            wizard.addPage(QWizardPage())
            wizard.show()
            wizard.close()
            holder: dict[str, object] = {"wizard": wizard}
            holder["self"] = holder
        spinner.update()

    windows = QTimer()
    windows.timeout.connect(closed_windows_in_cycles)
    windows.start(1)
    painting = QTimer()
    painting.timeout.connect(spinner.repaint)
    painting.start(0)
    worker = threading.Thread(target=churn, name="churn")
    worker.start()
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    stop.set()
    worker.join()
    collector.stop()
    print(f"survived {seconds:.0f} s; collections on other threads: {len(foreign)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 10))
