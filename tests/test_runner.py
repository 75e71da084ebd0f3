"""The service runner: results, failures, progress and cancellation reach the GUI thread; clean shutdown."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from PySide6.QtCore import QThread

from c2t_wizard.ui.runner import Job, Report, ServiceRunner


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


def test_shutdown_cancels_running_jobs_and_stops_the_thread(qtbot: Any) -> None:
    service_runner = ServiceRunner()
    service_runner.start()
    started = threading.Event()
    stopped = threading.Event()
    cleaned = threading.Event()

    async def forever() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        finally:
            stopped.set()

    async def cleanup() -> None:
        cleaned.set()

    job = service_runner.submit(forever())
    assert started.wait(5)
    service_runner.shutdown(timeout=5, cleanup=cleanup)
    assert not service_runner.running
    assert stopped.is_set()
    assert cleaned.is_set()
    assert "c2t-service" not in {t.name for t in threading.enumerate()}
    assert job.outcome.done()
    with qtbot.waitSignal(job.cancelled, timeout=5000):  # its end was posted before the thread stopped
        pass
    service_runner.deleteLater()


def test_a_job_submitted_in_reply_to_an_end_reported_after_shutdown_ends_cancelled(qtbot: Any) -> None:
    """A job that ends while the app shuts down still reports its end on the next events; a page that reacts
    with a new job (the Credentials page works out the mail limit after sending) gets a job that ends
    cancelled without running, not an error in a slot."""
    service_runner = ServiceRunner()
    service_runner.start()
    ran: list[str] = []
    followers: list[Job] = []

    async def send() -> str:
        return "sent"

    async def follow_up() -> None:
        ran.append("follow-up")

    def on_sent(_value: object) -> None:
        follower = service_runner.submit(follow_up(), name="follow-up")
        followers.append(follower)

    first = service_runner.submit(send(), on_success=on_sent, essential=True)
    service_runner.shutdown(timeout=5)  # the end of ``first`` is queued for the GUI's next events
    with qtbot.waitSignal(first.succeeded, timeout=5000):
        pass
    assert len(followers) == 1
    with qtbot.waitSignals([followers[0].cancelled, followers[0].finished], timeout=5000):
        pass
    assert ran == []
    assert service_runner.active_jobs == 0
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


def test_a_cancelled_job_that_finishes_its_work_first_ends_only_when_it_has(
    qtbot: Any, runner: ServiceRunner
) -> None:
    """Like user creation: on cancel, the batch on the wire is finished and recorded (shielded), and it
    keeps reporting meanwhile. The job stays alive and not done until then, and nothing is emitted on a
    deleted job (the reporter outlives the job without harm)."""
    started = threading.Event()
    release = threading.Event()
    progress: list[object] = []
    ended: list[str] = []
    reporters: list[Report] = []

    async def batch_on_the_wire(report: Report) -> None:
        await asyncio.to_thread(release.wait, 10)
        report("batch recorded")

    async def creation(report: Report) -> str:
        reporters.append(report)
        inner = asyncio.ensure_future(batch_on_the_wire(report))
        started.set()
        try:
            await asyncio.shield(inner)
        except asyncio.CancelledError:
            await inner  # finish what is on the wire, then stop
            raise
        return "all created"

    job = runner.submit(creation, on_progress=progress.append)
    job.cancelled.connect(lambda: ended.append("cancelled"))
    job.finished.connect(lambda: ended.append("finished"))
    assert started.wait(5)
    job.cancel()
    # The cancel has reached the coroutine, which is still finishing its batch: the job is not done.
    qtbot.waitUntil(lambda: job._task.cancel_requested, timeout=5000)
    qtbot.wait(50)
    assert not job.done
    assert ended == []
    assert runner.active_jobs == 1
    release.set()
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert progress == ["batch recorded"]
    assert ended == ["cancelled", "finished"]
    assert job.done
    assert runner.active_jobs == 0
    # A reporter kept past the end (a shielded task, a stray reference) reaches nobody and breaks nothing.
    reporters[0]("too late")
    qtbot.wait(20)
    assert progress == ["batch recorded"]


def test_a_job_cancelled_before_its_first_step_ends_cancelled_without_running(
    qtbot: Any, runner: ServiceRunner
) -> None:
    ran = threading.Event()
    holding = threading.Event()
    queued = threading.Event()

    async def hold_the_loop() -> None:
        holding.set()
        queued.wait(10)  # blocks the loop itself: the next job's start and cancel queue up behind it

    async def never() -> None:
        ran.set()

    blocker = runner.submit(hold_the_loop())
    # Only once the loop is held: else it may take both starts in one turn and step the job before the
    # cancel arrives (then the job has run, and rightly ends as it ended, not as cancelled).
    assert holding.wait(10)
    job = runner.submit(never())
    job.cancel()
    queued.set()
    with qtbot.waitSignals([job.cancelled, blocker.finished], timeout=5000):
        pass
    assert not ran.is_set()
    assert job.done


def test_failures_and_results_are_delivered_on_the_gui_thread_for_many_jobs(
    qtbot: Any, runner: ServiceRunner
) -> None:
    """Many short jobs, some failing, some cancelled, with progress: every job ends exactly once."""
    ends: dict[int, list[str]] = {}

    async def work(n: int, report: Report) -> int:
        for i in range(3):
            report(i)
            await asyncio.sleep(0)
        if n % 3 == 0:
            raise ValueError(n)
        if n % 3 == 1:
            await asyncio.sleep(3600)
        return n

    jobs = []
    for n in range(60):
        job = runner.submit(lambda report, n=n: work(n, report), name=f"job {n}", on_failure=lambda _e: None)
        for signal, kind in ((job.succeeded, "ok"), (job.failed, "failed"), (job.cancelled, "cancelled")):
            signal.connect(lambda *_args, n=n, kind=kind: ends.setdefault(n, []).append(kind))
        jobs.append(job)
    for n, job in enumerate(jobs):
        if n % 3 == 1:
            job.cancel()
    qtbot.waitUntil(lambda: runner.active_jobs == 0, timeout=10000)
    assert ends == {n: ["failed" if n % 3 == 0 else "cancelled" if n % 3 == 1 else "ok"] for n in range(60)}


def test_an_essential_job_is_not_cancelled_and_shutdown_waits_for_it(qtbot: Any) -> None:
    """A short write that records what happened (the journal) completes even when the page cancels its jobs
    or the app quits at once."""
    service_runner = ServiceRunner()
    service_runner.start()
    gate = threading.Event()
    written: list[str] = []

    async def record(what: str) -> None:
        await asyncio.to_thread(gate.wait, 10)
        written.append(what)

    first = service_runner.submit(record("confirmed"), essential=True)
    first.cancel()  # as a page's cancel_all does
    second = service_runner.submit(record("finished"), essential=True)
    threading.Timer(0.2, gate.set).start()  # the writes take a while; shutdown must wait for them
    service_runner.shutdown(timeout=10)
    assert sorted(written) == ["confirmed", "finished"]
    with qtbot.waitSignals([first.succeeded, second.succeeded], timeout=5000):
        pass
    service_runner.deleteLater()
