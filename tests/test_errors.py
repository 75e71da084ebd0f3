"""Uncaught errors reach the user once, without blocking, and reach the log without secrets."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from c2t_wizard.ui.errors import ErrorReporter


@pytest.fixture
def reporter(qapp: Any) -> Iterator[ErrorReporter]:
    errors = ErrorReporter(show_dialogs=True)
    errors.install()
    try:
        yield errors
    finally:
        errors.uninstall()
        errors.deleteLater()


def test_error_in_a_thread_is_shown_once_non_blocking(qtbot: Any, reporter: ErrorReporter) -> None:
    shown: list[str] = []
    reporter.reported.connect(shown.append)

    def fail() -> None:
        raise RuntimeError("disk on fire")

    for _ in range(2):
        thread = threading.Thread(target=fail, name="worker")
        thread.start()
        thread.join()
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
    qtbot.wait(50)
    assert shown == ["RuntimeError: disk on fire"]
    dialogs = reporter._dialogs
    assert len(dialogs) == 1
    assert dialogs[0].isVisible()
    assert not dialogs[0].isModal()


def test_gui_thread_excepthook_reports(qtbot: Any, reporter: ErrorReporter) -> None:
    with qtbot.waitSignal(reporter.reported, timeout=5000) as blocker:
        try:
            raise ValueError("bad value")
        except ValueError:
            sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    assert blocker.args == ["ValueError: bad value"]


def test_secrets_are_not_shown(qtbot: Any, reporter: ErrorReporter) -> None:
    with qtbot.waitSignal(reporter.reported, timeout=5000) as blocker:
        reporter.report(RuntimeError("login failed: password=hunter2"))
    assert "hunter2" not in blocker.args[0]
