"""The service runner: results, failures, progress and cancellation reach the GUI thread; clean shutdown."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from PySide6.QtCore import QThread

from c2t_wizard.ui.runner import Report, ServiceRunner


def test_result_arrives_on_the_gui_thread(qtbot: Any, runner: ServiceRunner) -> None:
    seen: list[tuple[object, bool]] = []

    async def work() -> str:
        assert threading.current_thread().name == "c2t-service"
        await asyncio.sleep(0.01)
        return "done"

    job = runner.submit(
        work(), on_success=lambda value: seen.append((value, QThread.currentThread().isMainThread()))
    )
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert seen == [("done", True)]
    assert job.done


def test_failure_goes_to_its_handler_not_to_unhandled(qtbot: Any, runner: ServiceRunner) -> None:
    failures: list[BaseException] = []
    unhandled: list[object] = []
    runner.unhandled.connect(lambda exc, name: unhandled.append(exc))

    async def boom() -> None:
        raise RuntimeError("broken")

    job = runner.submit(boom(), on_failure=failures.append)
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert [str(e) for e in failures] == ["broken"]
    assert unhandled == []


def test_unhandled_failure_is_reported_once(qtbot: Any, runner: ServiceRunner) -> None:
    async def boom() -> None:
        raise KeyError("nobody catches this")

    with qtbot.waitSignal(runner.unhandled, timeout=5000) as blocker:
        runner.submit(boom(), name="boom job")
    exc, name = blocker.args
    assert isinstance(exc, KeyError)
    assert name == "boom job"


def test_progress_is_delivered_in_order(qtbot: Any, runner: ServiceRunner) -> None:
    progress: list[object] = []

    async def work(report: Report) -> int:
        for i in range(5):
            report(i)
            await asyncio.sleep(0)
        return 5

    job = runner.submit(work, on_progress=progress.append)
    with qtbot.waitSignal(job.succeeded, timeout=5000) as blocker:
        pass
    assert blocker.args == [5]
    assert progress == [0, 1, 2, 3, 4]


def test_cancel_stops_the_coroutine(qtbot: Any, runner: ServiceRunner) -> None:
    started = threading.Event()
    stopped = threading.Event()

    async def forever() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        finally:
            stopped.set()

    job = runner.submit(forever())
    assert started.wait(5)
    with qtbot.waitSignal(job.cancelled, timeout=5000):
        job.cancel()
    assert stopped.wait(5)


def test_shutdown_cancels_running_jobs_and_stops_the_thread(qapp: Any) -> None:
    service_runner = ServiceRunner()
    service_runner.start()
    stopped = threading.Event()
    cleaned = threading.Event()

    async def forever() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            stopped.set()

    async def cleanup() -> None:
        cleaned.set()

    service_runner.submit(forever())
    service_runner.shutdown(timeout=5, cleanup=cleanup)
    assert not service_runner.running
    assert stopped.is_set()
    assert cleaned.is_set()
    assert "c2t-service" not in {t.name for t in threading.enumerate()}
    service_runner.deleteLater()


def test_submit_before_start_is_an_error(qapp: Any) -> None:
    service_runner = ServiceRunner()

    async def nothing() -> None:
        return None

    coro = nothing()
    with pytest.raises(RuntimeError, match="not started"):
        service_runner.submit(coro)
    coro.close()
    service_runner.deleteLater()


def test_a_job_group_forgets_finished_jobs_and_cancels_the_rest(qtbot: Any, runner: ServiceRunner) -> None:
    from c2t_wizard.ui.runner import JobGroup

    group = JobGroup(runner)
    quick = group.submit(asyncio.sleep(0), name="quick")
    slow = group.submit(asyncio.sleep(30), name="slow", on_failure=lambda _e: None)
    with qtbot.waitSignal(quick.finished, timeout=5000):
        pass
    assert list(group) == [slow]
    assert group.busy
    with qtbot.waitSignal(slow.cancelled, timeout=5000):
        group.cancel_all()
    assert list(group) == []
    assert not group.busy
