"""The service runner: one background thread owning an asyncio loop, where all I/O happens.

The GUI submits coroutines and hears back through Qt signals delivered on the GUI thread, so the GUI
thread never waits on the network. (Measured: qasync froze the GUI ~2 s on msgraph's first request;
QtAsyncio cannot open connections; a loop in its own thread stalls the GUI < 100 ms.)
"""

from __future__ import annotations

import functools
import inspect
import itertools
import logging
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from c2t_wizard.lazy import lazy_import

if TYPE_CHECKING:
    import asyncio
    import concurrent.futures
else:
    asyncio = lazy_import("asyncio")
    lazy_import("concurrent.futures")
    import concurrent


log = logging.getLogger(__name__)

T = TypeVar("T")
Report = Callable[[object], None]
"""Thread-safe: a coroutine calls it with progress; the job's ``progress`` signal carries it to the GUI."""
Work = Coroutine[Any, Any, Any] | Callable[[Report], Coroutine[Any, Any, Any]]


class Job(QObject):
    """One coroutine submitted to the runner; lives on the GUI thread.

    The service thread never touches a job: it posts what happens through the runner's outbox, by the job's
    number, and the runner hands it to the job here. A job is done only when its coroutine has really ended
    (a cancelled coroutine may take a while to stop: it still reports progress meanwhile).

    Signals:
        succeeded(object): the coroutine's result.
        failed(object): the exception it raised.
        progress(object): whatever it reported.
        cancelled(): it was cancelled and has stopped.
        finished(): after any of succeeded / failed / cancelled.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    progress = Signal(object)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, name: str, runner: ServiceRunner, task: _Task) -> None:
        super().__init__(runner)
        self.name = name
        self._runner = runner
        self._task = task
        self._done = False
        self.handles_failure = False
        self.essential = False
        """It records what happened (the journal): never cancelled, and waited for at shutdown."""

    @property
    def done(self) -> bool:
        """The coroutine has ended and the GUI thread has heard how."""
        return self._done

    @property
    def outcome(self) -> concurrent.futures.Future[None]:
        """Resolved (on the service thread) as soon as the coroutine has ended, before the GUI hears of it:
        for tests that must wait without running the GUI's event loop."""
        return self._task.ended

    def cancel(self) -> None:
        """Ask the coroutine to stop; ``cancelled`` follows once it has. An essential job is not stopped."""
        if not self._done and not self.essential:
            self._runner._cancel(self._task)

    def _deliver(self, kind: str, value: object) -> None:
        if kind == "progress":
            self.progress.emit(value)
            return
        self._done = True
        if kind == "succeeded":
            self.succeeded.emit(value)
        elif kind == "failed":
            self.failed.emit(value)
        else:
            self.cancelled.emit()
        self.finished.emit()


class _Outbox:
    """The only way from the service thread to the GUI thread: a queued signal on the runner, by job number.

    Thread-safe. Once closed (the runner is shutting down) it drops what is posted, so nothing is ever emitted
    on a runner that is gone. It holds no Qt object itself after closing.
    """

    def __init__(self, emit: Callable[[int, str, object], None]) -> None:
        self._lock = threading.Lock()
        self._emit: Callable[[int, str, object], None] | None = emit

    def post(self, number: int, kind: str, value: object) -> None:
        with self._lock:
            if self._emit is not None:
                self._emit(number, kind, value)

    def close(self) -> None:
        with self._lock:
            self._emit = None


class _Task:
    """The service thread's side of a job: plain Python, no Qt. Touched only on the service loop, except
    ``ended``, a thread-safe future."""

    def __init__(self, number: int, outbox: _Outbox) -> None:
        self.number = number
        self.outbox = outbox
        self.task: asyncio.Task[None] | None = None
        self.cancel_requested = False
        self.ended: concurrent.futures.Future[None] = concurrent.futures.Future()

    def report(self, value: object) -> None:
        """Thread-safe: progress for the GUI thread."""
        self.outbox.post(self.number, "progress", value)

    def start(self, loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any]) -> None:
        """On the loop."""
        self.task = loop.create_task(self._drive(coro))
        self.task.add_done_callback(lambda _task: self._ended_early(coro))

    def _ended_early(self, coro: Coroutine[Any, Any, Any]) -> None:
        """A task cancelled before its first step never runs ``_drive``'s body: it ends here instead (for
        any other task, ``_drive`` has already said how it ended, and this does nothing)."""
        coro.close()
        self._end("cancelled", None)

    def cancel(self) -> None:
        """On the loop (always after ``start``: both come through the loop's FIFO of callbacks)."""
        self.cancel_requested = True
        if self.task is not None:
            self.task.cancel()

    async def _drive(self, coro: Coroutine[Any, Any, Any]) -> None:
        try:
            result = await coro
        except asyncio.CancelledError:
            self._end("cancelled", None)
        except BaseException as exc:  # the GUI decides what a failure means
            self._end("failed", exc)
        else:
            self._end("succeeded", result)

    def _end(self, kind: str, value: object) -> None:
        """The coroutine has ended: say so once."""
        if self.ended.done():
            return
        self.ended.set_result(None)
        self.outbox.post(self.number, kind, value)


class JobGroup:
    """Jobs one page submits and stops together (when the partner leaves it, or starts over).

    A job leaves the group when it finishes; the runner keeps its own record until then too. The page's
    defaults go here once: ``on_failure`` for jobs submitted without their own, and ``on_finished``, told
    of each job once it has finished (and left the group).
    """

    def __init__(
        self,
        runner: ServiceRunner,
        *,
        on_failure: Callable[[BaseException], None] | None = None,
        on_finished: Callable[[Job], None] | None = None,
    ) -> None:
        self._runner = runner
        self._jobs: set[Job] = set()
        self._on_failure = on_failure
        self._on_finished = on_finished

    def submit(
        self,
        work: Work,
        name: str = "",
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[object], None] | None = None,
        *,
        essential: bool = False,
    ) -> Job:
        """``ServiceRunner.submit``, remembering the job until it finishes."""
        job = self._runner.submit(
            work,
            name=name,
            on_success=on_success,
            on_failure=on_failure or self._on_failure,
            on_progress=on_progress,
            essential=essential,
        )
        self._jobs.add(job)
        job.finished.connect(lambda: self._jobs.discard(job))
        finished = self._on_finished
        if finished is not None:
            job.finished.connect(lambda: finished(job))
        return job

    def __iter__(self) -> Iterator[Job]:
        return iter(list(self._jobs))

    @property
    def busy(self) -> bool:
        return any(not job.done for job in self._jobs)

    def cancel_all(self) -> None:
        for job in list(self._jobs):
            job.cancel()
        self._jobs.clear()


class ServiceRunner(QObject):
    """Owns the service thread and its event loop.

    Signals:
        unhandled(object, str): a job failed and nobody handles its failure (exception, job name).
    """

    unhandled = Signal(object, str)
    _posted = Signal(int, str, object)
    """From the service thread (queued): job number, what happened, its value."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._jobs: dict[int, Job] = {}
        self._work: dict[int, object] = {}
        self._numbers = itertools.count(1)
        self._outbox: _Outbox | None = None
        self._started = threading.Event()
        self._listening = False

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError("the service runner is not started")
        return self._loop

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._started.clear()
        if not self._listening:
            # Queued even if something were ever posted from the GUI thread: a job hears of its work only
            # from the event loop, after ``submit`` has returned it. (Qt's enums: after the first paint.)
            from PySide6.QtCore import Qt

            self._posted.connect(self._on_posted, Qt.ConnectionType.QueuedConnection)
            self._listening = True
        self._outbox = _Outbox(self._posted.emit)
        self._thread = threading.Thread(target=self._run, name="c2t-service", daemon=True)
        self._thread.start()
        self._started.wait()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        loop.set_exception_handler(self._loop_exception)
        self._started.set()
        try:
            loop.run_forever()
        finally:
            try:
                # Jobs submitted while stopping start (and at once end as cancelled) here, so every job
                # reports an end.
                loop.run_until_complete(asyncio.sleep(0))
                while pending := [t for t in asyncio.all_tasks(loop) if not t.done()]:
                    for task in pending:
                        task.cancel()
                    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
            finally:
                loop.close()

    def _loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        log.error("Unhandled error on the service thread: %s", context.get("message"), exc_info=exc)

    def submit(
        self,
        work: Work,
        *,
        name: str = "",
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[object], None] | None = None,
        essential: bool = False,
    ) -> Job:
        """Run ``work`` on the service thread.

        ``work`` is a coroutine, or a function taking a progress reporter and returning one. A failure with no
        ``on_failure`` (and nothing connected later to ``failed`` that sets ``handles_failure``) goes to
        ``unhandled``, which the app shows to the user once. An ``essential`` job (a short write that records
        what happened) is never cancelled: ``cancel`` leaves it be, and ``shutdown`` waits for it.
        """
        if self._loop is None and self._outbox is not None:
            return self._refuse(work, name)
        loop = self.loop
        assert self._outbox is not None
        task = _Task(next(self._numbers), self._outbox)
        job = Job(name or getattr(work, "__qualname__", "job"), self, task)
        job.essential = essential
        if on_success is not None:
            job.succeeded.connect(on_success)
        if on_failure is not None:
            job.failed.connect(on_failure)
            job.handles_failure = True
        if on_progress is not None:
            job.progress.connect(on_progress)
        coro = work if inspect.iscoroutine(work) else work(task.report)  # type: ignore[operator]
        assert inspect.iscoroutine(coro)
        self._jobs[task.number] = job
        # What the work's closure holds (a page, say) is let go here, on the GUI thread, when the job ends.
        self._work[task.number] = work
        loop.call_soon_threadsafe(task.start, loop, coro)
        return job

    def _refuse(self, work: Work, name: str) -> Job:
        """After ``shutdown``: a job that ended meanwhile still reports its end, and its page may react with a
        new job. Nothing runs any more: the new job ends as cancelled on the next events, like a job cancelled
        before it started (its coroutine is closed, never run)."""
        assert self._outbox is not None
        if inspect.iscoroutine(work):
            work.close()
        task = _Task(next(self._numbers), self._outbox)
        job = Job(name or getattr(work, "__qualname__", "job"), self, task)
        log.debug("%s: not started, the service thread has stopped", job.name)
        self._jobs[task.number] = job
        QTimer.singleShot(0, self, functools.partial(self._on_posted, task.number, "cancelled", None))
        return job

    def _cancel(self, task: _Task) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(task.cancel)

    @Slot(int, str, object)
    def _on_posted(self, number: int, kind: str, value: object) -> None:
        job = self._jobs.get(number)
        if job is None:  # a job that has ended reports nothing more
            return
        if kind != "progress":
            del self._jobs[number]
            self._work.pop(number, None)
            if kind == "failed" and not job.handles_failure:
                self.unhandled.emit(value, job.name)
        job._deliver(kind, value)
        if kind != "progress":
            job.deleteLater()

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run a coroutine and wait for it: for tests and shutdown only, never from a page."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    @property
    def active_jobs(self) -> int:
        """Jobs whose end the GUI thread has not heard yet."""
        return len(self._jobs)

    def shutdown(
        self, timeout: float = 5.0, cleanup: Callable[[], Coroutine[Any, Any, None]] | None = None
    ) -> None:
        """Cancel what is running, run ``cleanup`` on the loop, and stop the thread.

        Jobs that end meanwhile still report their end (queued, for the GUI's next events); after the thread
        has stopped, nothing more is posted.
        """
        if not self.running or self._loop is None:
            return
        loop = self._loop
        jobs = list(self._jobs.values())
        for job in jobs:
            job.cancel()
        essential = [job.outcome for job in jobs if job.essential]
        if essential:
            _done, unfinished = concurrent.futures.wait(essential, timeout)
            if unfinished:
                log.warning("%d essential job(s) did not end within %.1f s", len(unfinished), timeout)
        if cleanup is not None:
            try:
                asyncio.run_coroutine_threadsafe(cleanup(), loop).result(timeout)
            except Exception:
                log.exception("Cleanup on shutdown failed")
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("The service thread did not stop within %.1f s", timeout)
        if self._outbox is not None:
            self._outbox.close()
        self._thread = None
        self._loop = None
