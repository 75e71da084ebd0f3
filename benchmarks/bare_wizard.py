"""Baseline for benchmarks/startup.py: a bare PySide6 QWizard with three pages, first paint then quit.

"First paint" is measured where the app measures it (``C2T_QUIT_AFTER_FIRST_PAINT``): once the window's
first Paint event has been handled, i.e. from a zero-timer started by that event.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWizard, QWizardPage


class Probe(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.done and event.type() == QEvent.Type.Paint:
            self.done = True
            QTimer.singleShot(0, self.report_and_quit)
        return False

    def report_and_quit(self) -> None:
        sys.stdout.write(f"first-paint {time.monotonic():.6f}\n")
        # Peak memory so far (KiB; VmHWM, as ru_maxrss survives exec): benchmarks/run.py's memory baseline.
        peak = next(
            (
                line.split()[1]
                for line in Path("/proc/self/status").read_text().splitlines()
                if line.startswith("VmHWM:")
            ),
            str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
        )
        sys.stdout.write(f"max-rss-kib {peak}\n")
        sys.stdout.flush()
        QApplication.quit()


def main() -> int:
    app = QApplication(sys.argv)
    wizard = QWizard()
    for n in range(3):
        page = QWizardPage()
        page.setTitle(f"Page {n + 1}")
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("Hello"))
        wizard.addPage(page)
    probe = Probe()
    wizard.installEventFilter(probe)
    wizard.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
