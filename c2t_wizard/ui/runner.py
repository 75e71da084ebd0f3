"""The service runner: one background thread owning an asyncio loop, where all I/O happens.

The GUI submits coroutines and hears back through Qt signals delivered on the GUI thread, so the GUI
thread never waits on the network. (Measured: qasync froze the GUI ~2 s on msgraph's first request;
QtAsyncio cannot open connections; a loop in its own thread stalls the GUI < 100 ms.)
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

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
    """One coroutine submitted to the runner.

    Signals:
        succeeded(object): the coroutine's result.
        failed(object): the exception it raised.
        progress(object): whatever it reported.
        cancelled(): it was cancelled before finishing.
        finished(): after any of succeeded / failed / cancelled.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    progress = Signal(object)
    cancelled = Signal()
    finished = Signal()
    _deliver = Signal(str, object)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._future: concurrent.futures.Future[Any] | None = None
        self._done = False
        self.handles_failure = False
        from PySide6.QtCore import Qt  # jobs come after the first paint; the runner's module comes before

        self._deliver.connect(self._on_deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def done(self) -> bool:
        return self._done

    def cancel(self) -> None:
        """Ask the coroutine to stop; ``cancelled`` follows once it has."""
        if self._future is not None and not self._done:
            self._future.cancel()

    def _report(self, value: object) -> None:
        self._deliver.emit("progress", value)

    def _on_future_done(self, future: concurrent.futures.Future[Any]) -> None:
        # Runs on the service thread (or wherever the future completes); hand over to the GUI thread.
        if future.cancelled():
            self._deliver.emit("cancelled", None)
            return
        exc = future.exception()
        if exc is not None:
            self._deliver.emit("failed", exc)
        else:
            self._deliver.emit("succeeded", future.result())

    @Slot(str, object)
    def _on_deliver(self, kind: str, value: object) -> None:
        if kind == "progress":
            if not self._done:
                self.progress.emit(value)
            return
        if self._done:
            return
        self._done = True
        if kind == "succeeded":
            self.succeeded.emit(value)
        elif kind == "failed":
            self.failed.emit(value)
        else:
            self.cancelled.emit()
        self.finished.emit()


class JobGroup:
    """Jobs one page submits and stops together (when the partner leaves it, or starts over).

    A job leaves the group when it finishes; the runner keeps its own record until then too.
    """

    def __init__(self, runner: ServiceRunner) -> None:
        self._runner = runner
        self._jobs: set[Job] = set()

    def submit(self, work: Work, **kwargs: Any) -> Job:
        """``ServiceRunner.submit``, remembering the job until it finishes."""
        job = self._runner.submit(work, **kwargs)
        self._jobs.add(job)
        job.finished.connect(lambda: self._jobs.discard(job))
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

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._jobs: set[Job] = set()
        self._started = threading.Event()

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
                pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
                for task in pending:
                    task.cancel()
                if pending:
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
    ) -> Job:
        """Run ``work`` on the service thread.

        ``work`` is a coroutine, or a function taking a progress reporter and returning one. A failure with no
        ``on_failure`` (and nothing connected later to ``failed`` that sets ``handles_failure``) goes to
        ``unhandled``, which the app shows to the user once.
        """
        loop = self.loop
        job = Job(name or getattr(work, "__qualname__", "job"), self)
        if on_success is not None:
            job.succeeded.connect(on_success)
        if on_failure is not None:
            job.failed.connect(on_failure)
            job.handles_failure = True
        if on_progress is not None:
            job.progress.connect(on_progress)
        job.failed.connect(lambda exc: self._maybe_unhandled(job, exc))
        job.finished.connect(lambda: self._forget(job))
        coro = work if inspect.iscoroutine(work) else work(job._report)  # type: ignore[operator]
        assert inspect.iscoroutine(coro)
        self._jobs.add(job)
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        job._future = future
        future.add_done_callback(job._on_future_done)
        return job

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run a coroutine and wait for it: for tests and shutdown only, never from a page."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def _maybe_unhandled(self, job: Job, exc: object) -> None:
        if not job.handles_failure:
            self.unhandled.emit(exc, job.name)

    def _forget(self, job: Job) -> None:
        self._jobs.discard(job)
        job.deleteLater()

    @property
    def active_jobs(self) -> int:
        return len(self._jobs)

    def shutdown(
        self, timeout: float = 5.0, cleanup: Callable[[], Coroutine[Any, Any, None]] | None = None
    ) -> None:
        """Cancel what is running, run ``cleanup`` on the loop, and stop the thread."""
        if not self.running or self._loop is None:
            return
        loop = self._loop
        for job in list(self._jobs):
            job.cancel()
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
        self._thread = None
        self._loop = None
