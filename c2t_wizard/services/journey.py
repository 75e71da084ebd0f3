"""Where an onboarding run stands across the whole journey, read from the journal: for the resume offer,
the history of runs and deciding when a run is over.

A run goes create -> deliver -> invite -> summary. ``RunProgress.next_step`` is the first step with work
left, so a resumed wizard lands on that step's page with the earlier ones done:

- ``CREATE``: someone is still to be created (never sent, or on the wire when the app stopped);
- ``DELIVER``: someone created by the wizard still waits for their sign-in details;
- ``INVITE``: someone with a Microsoft account is not invited to the portal yet (or the invitation failed);
- ``SUMMARY``: nothing left to send; failures, if any, are retried from the summary.

A run is over (``Journal.finish_run``) only when the summary is reached with nothing left
(``nothing_left``) or the partner says so; until then it is offered again on the next start.
``resume_offer`` and ``run_history`` are what the Welcome page shows; they decide, the page only words it.
No Qt.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from c2t_wizard.domain.onboarding import JourneyStep
from c2t_wizard.services.journal import InvitationState, Journal, PersonState, RunSummary

__all__ = [
    "JourneyStep",
    "RunProgress",
    "close_runs",
    "finish_if_done",
    "resume_offer",
    "run_history",
    "run_progress",
]


@dataclass(frozen=True)
class RunProgress:
    """One run and how far its people got, step by step."""

    run_id: str
    tenant_id: str
    domain: str
    """The domain most of the run's people got their username in (names the organisation when
    ``organisation`` is unknown)."""
    created_at: datetime
    finished_at: datetime | None
    total: int
    to_create: int
    """Not created yet: never sent, or on the wire when the app stopped."""
    with_account: int
    """Created by the wizard, or there before."""
    creation_failed: int
    made_by_wizard: int
    delivered: int
    """Created by the wizard and their sign-in details handed over."""
    invited: int
    """Invited to the portal (or already invited, or accepted)."""
    invitation_failed: int
    organisation: str = ""
    """The organisation's display name, recorded when the run started ("" in older journals)."""

    @property
    def organisation_name(self) -> str:
        """The organisation in words: its display name, else the domain ("" when neither is known)."""
        return self.organisation or self.domain

    @property
    def to_deliver(self) -> int:
        return self.made_by_wizard - self.delivered

    @property
    def to_invite(self) -> int:
        return self.with_account - self.invited

    @property
    def next_step(self) -> JourneyStep:
        """The first step with work left."""
        if self.to_create:
            return JourneyStep.CREATE
        if self.to_deliver:
            return JourneyStep.DELIVER
        if self.to_invite:
            return JourneyStep.INVITE
        return JourneyStep.SUMMARY

    @property
    def done_steps(self) -> tuple[JourneyStep, ...]:
        """The steps before ``next_step`` (finished: shown as done)."""
        steps = list(JourneyStep)
        return tuple(steps[: steps.index(self.next_step)])

    @property
    def nothing_left(self) -> bool:
        """Everyone has an account, their sign-in details and an invitation: the run is over."""
        return self.next_step is JourneyStep.SUMMARY and not self.creation_failed

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def counts(self) -> tuple[int, int]:
        """(done, of) for the step with work left: people added, given their details, invited."""
        step = self.next_step
        if step is JourneyStep.CREATE:
            return self.with_account, self.total
        if step is JourneyStep.DELIVER:
            return self.delivered, self.made_by_wizard
        return self.invited, self.with_account


def _progress(journal: Journal, summary: RunSummary) -> RunProgress:
    people = journal.people(summary.run_id)
    invitations = {row.key: row for row in journal.invitations(summary.run_id)}
    account = [p for p in people if p.state in (PersonState.CREATED, PersonState.EXISTS)]
    ours = [p for p in people if p.state is PersonState.CREATED]
    domains = Counter(p.domain.lower() for p in people if p.domain)
    invited = failed = 0
    for person in account:
        invitation = invitations.get(person.key)
        if invitation is None:
            continue
        invited += invitation.state.done
        failed += invitation.state is InvitationState.FAILED
    return RunProgress(
        run_id=summary.run_id,
        tenant_id=summary.tenant_id,
        domain=domains.most_common(1)[0][0] if domains else "",
        created_at=summary.created_at,
        finished_at=summary.finished_at,
        total=summary.total,
        to_create=summary.planned + summary.sending,
        with_account=len(account),
        creation_failed=summary.failed,
        made_by_wizard=len(ours),
        delivered=sum(1 for p in ours if not p.credentials_pending),
        invited=invited,
        invitation_failed=failed,
        organisation=summary.organisation,
    )


def run_progress(journal: Journal, run_id: str) -> RunProgress:
    return _progress(journal, journal.run(run_id))


def resume_offer(journal: Journal, tenant_id: str | None = None) -> RunProgress | None:
    """The run to offer on start: the newest unfinished run with people in it (of ``tenant_id`` if given)."""
    for summary in journal.unfinished_runs(tenant_id):
        if summary.total:
            return _progress(journal, summary)
    return None


def run_history(journal: Journal) -> list[RunProgress]:
    """Every run with people in it, newest first (finished or not)."""
    return [_progress(journal, summary) for summary in journal.all_runs() if summary.total]


def finish_if_done(journal: Journal, run_ids: list[str]) -> list[str]:
    """The summary was reached: each run with nothing left is over (no longer offered). Returns those."""
    finished = []
    for run_id in run_ids:
        progress = run_progress(journal, run_id)
        if progress.nothing_left and not progress.finished:
            journal.finish_run(run_id)
            finished.append(run_id)
    return finished


def close_runs(journal: Journal, run_ids: list[str]) -> None:
    """The partner said these runs are over (whatever is left stays as it is, in the history)."""
    with journal.transaction():
        for run_id in run_ids:
            journal.finish_run(run_id)
