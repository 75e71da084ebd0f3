"""The create step of an onboarding run, for the Users page and ``OnboardingRun`` alike.

``create_people`` starts a journal run for new people (or goes on with earlier runs, their failed people
tried again when asked), creates them through ``DirectoryService.create_users`` and reports, as it goes,
which people's journal entries changed: ``CreationStarted`` once a new run has its id, then
``CreationChanges`` after each batch's answer and every ``TICK_S`` meanwhile (so a person shows "creating"
when their batch goes out, not only when the batch before it is answered).

The journal reads and writes around it (the runs to offer for resuming, the people of runs coming back,
closing runs the partner gave up) are here too, so the page only shows them. No Qt; no passwords leave
``CreationResult``.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from c2t_wizard.domain.users import NewUser
    from c2t_wizard.services.directory import CreationProgress, CreationResult, DirectoryService
    from c2t_wizard.services.journal import Journal, PersonRecord, PersonState, RunSummary

TICK_S = 0.25
"""How often a running creation looks at the journal for people on the wire."""

PersonEntry = tuple["PersonState", str | None, str | None]
"""A person's journal entry as the create step shows it: (state, failure code, failure detail)."""


@dataclass(frozen=True)
class CreationStarted:
    """A new journal run was started for the new people."""

    run_id: str


@dataclass(frozen=True)
class CreationChanges:
    """People of ``run_id`` whose journal entry changed since the last report."""

    run_id: str
    progress: CreationProgress | None
    """The run's own progress (None: a tick, nothing new from the run itself)."""
    changed: dict[str, PersonEntry] = field(default_factory=dict)
    """key -> (state, failure code, failure detail)."""


def entries(people: Sequence[PersonRecord]) -> dict[str, PersonEntry]:
    """key -> (state, failure code, failure detail) of each person."""
    return {p.key: (p.state, p.failure_code, p.failure_detail) for p in people}


def changes_reporter(
    journal: Journal, run_id: str, report: Callable[[object], None]
) -> Callable[[CreationProgress | None], None]:
    """A progress callback for ``create_users`` that reports ``CreationChanges``: the people whose entry
    changed since its last call. It runs on the loop and reads only the people written since its last call
    (the whole run the first time): the service thread holds the GIL for that read, which the window waits
    for, so it must not grow with the run."""
    seen: dict[str, PersonEntry] = {}
    mark: int | None = None

    def progressed(progress: CreationProgress | None) -> None:
        nonlocal mark
        people, mark = journal.people_written_after(run_id, mark)
        now = entries(people)
        changed = {key: value for key, value in now.items() if seen.get(key) != value}
        seen.update(changed)
        report(CreationChanges(run_id, progress, changed))

    return progressed


async def with_ticks(
    creation: Coroutine[Any, Any, CreationResult],
    tick: Callable[[CreationProgress | None], None],
    every: float = TICK_S,
) -> CreationResult:
    """Await ``creation``, calling ``tick(None)`` every ``every`` seconds meanwhile."""
    task = asyncio.ensure_future(creation)
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=every)
            if done:
                return task.result()
            tick(None)
    finally:
        if not task.done():  # cancelled from outside: the run records what is on the wire, then stops
            task.cancel()
            await asyncio.wait({task})


async def create_people(
    journal: Journal,
    directory: DirectoryService,
    *,
    tenant_id: str = "",
    organisation: str = "",
    people: Sequence[NewUser] = (),
    runs: Sequence[str] = (),
    requeue: bool = False,
    report: Callable[[object], None],
    stop: threading.Event,
) -> list[CreationResult]:
    """Create ``people`` in a new run of ``tenant_id`` (named ``organisation``), after going on with
    ``runs`` (their failed people tried again when ``requeue``), one run after the other until one is
    stopped. ``stop`` is looked at between runs; within one, ``DirectoryService.cancel_creation`` stops it."""
    todo = list(runs)
    if people:
        run_id = await asyncio.to_thread(
            functools.partial(journal.start_run, organisation=organisation), tenant_id, list(people)
        )
        report(CreationStarted(run_id))
        todo.append(run_id)
    results: list[CreationResult] = []
    for run_id in todo:
        if stop.is_set():
            break
        if requeue:
            await asyncio.to_thread(journal.requeue, run_id)
        progressed = changes_reporter(journal, run_id, report)
        result = await with_ticks(directory.create_users(run_id, report=progressed), progressed)
        results.append(result)
        if result.cancelled:
            break
    return results


class ResumeAction(Enum):
    NOTHING = "nothing"
    RESTORE = "restore"
    """Bring back the runs chosen on the Welcome page (creation goes on with them)."""
    OFFER = "offer"
    """Look for the tenant's unfinished runs and offer them (``runs_to_offer``)."""


@dataclass(frozen=True)
class ResumeCheck:
    action: ResumeAction
    runs: tuple[str, ...] = ()
    """RESTORE: the runs to bring back, in order."""
    marker: str = ""
    """What this check is about (the runs, or the tenant id): the same is never checked twice."""


def resume_check(
    *,
    journal_open: bool,
    shown: Sequence[str],
    checked_for: str | None,
    resume_tenant_id: str | None,
    continued_runs: Sequence[str],
    resume_answered: bool,
    tenant_id: str | None,
) -> ResumeCheck:
    """What the Users page does about earlier runs when it is shown (or its services arrive): the runs the
    partner chose to continue on the Welcome page come back (``continued_runs`` of ``resume_tenant_id``);
    else, unless the Welcome page's offer was answered, the tenant's unfinished runs are offered. Nothing
    while runs are ``shown`` already, and nothing twice for the same ``checked_for`` marker."""
    nothing = ResumeCheck(ResumeAction.NOTHING)
    if journal_open and resume_tenant_id and not shown:
        continued = tuple(run_id for run_id in continued_runs if run_id not in shown)
        marker = ",".join(continued)
        if continued and checked_for != marker:
            return ResumeCheck(ResumeAction.RESTORE, continued, marker)
        return nothing
    if resume_answered or not journal_open or tenant_id is None or shown or checked_for == tenant_id:
        return nothing
    return ResumeCheck(ResumeAction.OFFER, marker=tenant_id)


async def read_runs(journal: Journal, runs: Sequence[str]) -> list[tuple[str, list[PersonRecord]]]:
    """The people of each run, as the journal has them now."""

    def read() -> list[tuple[str, list[PersonRecord]]]:
        return [(run_id, journal.people(run_id)) for run_id in runs]

    return await asyncio.to_thread(read)


async def runs_to_offer(journal: Journal, tenant_id: str) -> list[RunSummary]:
    """The tenant's unfinished runs with people in them, newest first: what to offer for resuming."""
    runs = await asyncio.to_thread(journal.unfinished_runs, tenant_id)
    return [run for run in runs if run.total]


async def close_runs(journal: Journal, runs: Sequence[str]) -> None:
    """The partner started over: these runs are finished as they are (whoever was created stays)."""

    def close() -> None:
        for run_id in runs:
            journal.finish_run(run_id)

    await asyncio.to_thread(close)
