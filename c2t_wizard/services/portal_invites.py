"""Inviting people into the Call2Teams portal through any ``PortalBackend``, recorded in the journal.

- ``invite_people``: invite all, the selected or the failed ones. Each invitation is planned in the journal
  (with its Idempotency-Key) before anything is sent, marked ``SENDING`` before its call and written with
  the answer after it, so a resume sends again with the same key and never makes two invitations. At most
  ``concurrency`` (default 8) calls are in flight. "Already invited" (409) counts as done, not failed.
  Setting ``stop`` (from any thread) starts nothing new: what is in flight finishes and is recorded.
- ``revoke_invitations``: withdraw invitations (the ones with an id; one without is looked up by email).
- ``refresh_invitations``: the portal's view of each invitation (accepted, revoked, expired) into the
  journal.
- ``plan_invitation``, ``load_portal_people``, ``revoke_recorded``, ``refresh_recorded``: the invite step as
  the Portal page and ``OnboardingRun`` both drive it (who can be invited, with what, from the journal).

``report`` hears an ``InviteProgress`` after each answer (on the service thread), with running counts.
No Qt here.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from c2t_wizard.domain.portal import (
    ROLE_ORDER,
    Invitation,
    InvitationRequest,
    InvitationStatus,
    PortalRole,
    SendMode,
    parse_roles,
)
from c2t_wizard.services.journal import (
    InvitationPlan,
    InvitationRecord,
    InvitationState,
    Journal,
    PersonRecord,
    PersonState,
)
from c2t_wizard.services.portal import (
    InviteOutcome,
    InviteResult,
    PortalBackend,
    PortalError,
    PortalProblem,
)

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 8
"""Invitations in flight at once (the portal API's bounded concurrency)."""


@dataclass(frozen=True)
class InviteProgress:
    """After one answer: the person's row as now recorded, and the counts of this run so far."""

    record: InvitationRecord
    total: int
    """People this run sends to (done ones before it are not counted)."""
    invited: int
    already: int
    failed: int
    in_flight: int
    outcome: InviteOutcome | None = None

    @property
    def answered(self) -> int:
        return self.invited + self.already + self.failed


@dataclass(frozen=True)
class InviteSummary:
    records: list[InvitationRecord]
    """Every planned person's row at the end, in plan order."""
    invited: int
    already: int
    failed: int
    not_sent: int
    """Stopped before their turn (still planned or failed, with the same key)."""


def _request(record: InvitationRecord) -> InvitationRequest:
    """The request for a journal row; its ``key`` is the row's Idempotency-Key (the same on every retry)."""
    return InvitationRequest(
        key=record.idempotency_key,
        email=record.email,
        first_name=record.first_name,
        last_name=record.last_name,
        roles=parse_roles(record.roles),
        send=SendMode(record.send_mode),
    )


async def invite_people(
    backend: PortalBackend,
    journal: Journal,
    plans: Sequence[InvitationPlan],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    report: Callable[[InviteProgress], None] | None = None,
    stop: threading.Event | None = None,
) -> InviteSummary:
    """Plan, then invite everyone in ``plans`` not invited yet (see the module doc)."""
    records = await asyncio.to_thread(journal.plan_invitations, plans)
    todo = [record for record in records if not record.state.done]
    counts = {"invited": 0, "already": 0, "failed": 0, "in_flight": 0}
    gate = asyncio.Semaphore(max(1, concurrency))
    final: dict[tuple[str, str], InvitationRecord] = {(r.run_id, r.key): r for r in records}

    def progress(record: InvitationRecord, snapshot: dict[str, int], outcome: InviteOutcome | None) -> None:
        final[(record.run_id, record.key)] = record
        if report is not None:
            report(
                InviteProgress(
                    record,
                    len(todo),
                    snapshot["invited"],
                    snapshot["already"],
                    snapshot["failed"],
                    snapshot["in_flight"],
                    outcome,
                )
            )

    async def one(record: InvitationRecord) -> bool:
        async with gate:
            if stop is not None and stop.is_set():
                return False
            counts["in_flight"] += 1
            try:
                await asyncio.to_thread(journal.mark_invitation_sending, record.run_id, record.key)
                outcome = await _invite(backend, record)
                await asyncio.to_thread(_record_outcome, journal, record, outcome)
                updated = await asyncio.to_thread(journal.invitation, record.run_id, record.key)
            finally:
                counts["in_flight"] -= 1
            # Counted and reported with no await in between: the counts only grow, report by report.
            if outcome.result is InviteResult.INVITED:
                counts["invited"] += 1
            elif outcome.result is InviteResult.ALREADY_INVITED:
                counts["already"] += 1
            else:
                counts["failed"] += 1
            progress(updated or record, dict(counts), outcome)
            return True

    sent = await asyncio.gather(*(one(record) for record in todo))
    not_sent = sum(1 for went in sent if not went)
    log.info(
        "Portal invitations: %d invited, %d already invited, %d failed, %d not sent (of %d)",
        counts["invited"],
        counts["already"],
        counts["failed"],
        not_sent,
        len(todo),
    )
    return InviteSummary(
        [final[(r.run_id, r.key)] for r in records],
        counts["invited"],
        counts["already"],
        counts["failed"],
        not_sent,
    )


async def _invite(backend: PortalBackend, record: InvitationRecord) -> InviteOutcome:
    try:
        return await backend.invite(record.account_id, _request(record))
    except PortalError as exc:
        return InviteOutcome(
            record.idempotency_key, InviteResult.FAILED, problem=exc.problem, detail=exc.detail
        )
    except asyncio.CancelledError:
        raise  # the row stays SENDING: a resume sends it again with the same key
    except Exception as exc:
        log.warning("Portal invite failed unexpectedly: %s", type(exc).__name__)
        return InviteOutcome(
            record.idempotency_key,
            InviteResult.FAILED,
            problem=PortalProblem.UNEXPECTED,
            detail=type(exc).__name__,
        )


def _record_outcome(journal: Journal, record: InvitationRecord, outcome: InviteOutcome) -> None:
    invitation = outcome.invitation
    if outcome.result is InviteResult.FAILED:
        problem = outcome.problem or PortalProblem.UNEXPECTED
        journal.mark_invitation_failed(record.run_id, record.key, problem.value, outcome.detail)
        return
    journal.mark_invitation_invited(
        record.run_id,
        record.key,
        invitation.id if invitation is not None else None,
        invitation.expires_at if invitation is not None else None,
        already=outcome.result is InviteResult.ALREADY_INVITED,
    )


def plan_invitation(
    run_id: str,
    key: str,
    account_id: str,
    *,
    email: str,
    first_name: str,
    last_name: str,
    roles: Iterable[PortalRole],
    send: SendMode = SendMode.EMAIL,
) -> InvitationPlan:
    """One person's invitation into ``account_id`` with ``roles`` (named in the portal's order)."""
    chosen = set(roles)
    ordered = tuple(role.value for role in ROLE_ORDER if role in chosen)
    return InvitationPlan(run_id, key, account_id, email, first_name, last_name, ordered, send.value)


@dataclass(frozen=True)
class RevokeOutcome:
    record: InvitationRecord
    problem: PortalProblem | None = None
    detail: str = ""


async def revoke_invitations(
    backend: PortalBackend,
    journal: Journal,
    records: Sequence[InvitationRecord],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    report: Callable[[RevokeOutcome], None] | None = None,
    stop: threading.Event | None = None,
) -> list[RevokeOutcome]:
    """Withdraw each invitation that was made (invited or already invited); others are left out."""
    targets = [r for r in records if r.state in (InvitationState.INVITED, InvitationState.ALREADY_INVITED)]
    gate = asyncio.Semaphore(max(1, concurrency))
    pending: dict[str, list[Invitation]] = {}

    async def find(record: InvitationRecord) -> str | None:
        if record.invitation_id:
            return record.invitation_id
        if record.account_id not in pending:
            pending[record.account_id] = await backend.invitations(record.account_id)
        email = record.email.strip().lower()
        for invitation in pending[record.account_id]:
            if invitation.status is InvitationStatus.PENDING and invitation.email.strip().lower() == email:
                return invitation.id
        return None

    async def one(record: InvitationRecord) -> RevokeOutcome | None:
        async with gate:
            if stop is not None and stop.is_set():
                return None
            try:
                invitation_id = await find(record)
                if invitation_id is not None:
                    await backend.revoke(record.account_id, invitation_id)
            except PortalError as exc:
                if exc.problem is not PortalProblem.NOT_FOUND:  # gone already: revoked all the same
                    result = RevokeOutcome(record, exc.problem, exc.detail)
                    if report is not None:
                        report(result)
                    return result
            await asyncio.to_thread(journal.mark_invitation_revoked, record.run_id, record.key)
            updated = await asyncio.to_thread(journal.invitation, record.run_id, record.key)
            result = RevokeOutcome(updated or record)
            if report is not None:
                report(result)
            return result

    done = await asyncio.gather(*(one(record) for record in targets))
    return [outcome for outcome in done if outcome is not None]


async def refresh_invitations(
    backend: PortalBackend, journal: Journal, records: Sequence[InvitationRecord]
) -> list[InvitationRecord]:
    """Ask the portal what became of each invitation with an id and record it: accepted, revoked (by
    someone in the portal) or expired (a new invitation then needs a new request). Returns the changed
    rows."""
    by_account: dict[str, list[InvitationRecord]] = {}
    for record in records:
        if record.invitation_id and record.state in (
            InvitationState.INVITED,
            InvitationState.ALREADY_INVITED,
        ):
            by_account.setdefault(record.account_id, []).append(record)
    changed: list[InvitationRecord] = []
    for account_id, rows in by_account.items():
        status = {inv.id: inv.status for inv in await backend.invitations(account_id)}
        for record in rows:
            now = status.get(record.invitation_id or "")
            if now is InvitationStatus.ACCEPTED:
                await asyncio.to_thread(journal.mark_invitation_accepted, record.run_id, record.key)
            elif now is InvitationStatus.REVOKED:
                await asyncio.to_thread(journal.mark_invitation_revoked, record.run_id, record.key)
            elif now is InvitationStatus.EXPIRED:
                await asyncio.to_thread(journal.mark_invitation_expired, record.run_id, record.key)
            else:
                continue
            updated = await asyncio.to_thread(journal.invitation, record.run_id, record.key)
            if updated is not None:
                changed.append(updated)
    return changed


async def load_portal_people(
    journal: Journal, run_ids: Sequence[str]
) -> list[tuple[PersonRecord, InvitationRecord | None]]:
    """The people of these runs who have a Microsoft account now (created by the wizard, or there before),
    each with their invitation row if there is one; read in a worker thread."""

    def read() -> list[tuple[PersonRecord, InvitationRecord | None]]:
        result: list[tuple[PersonRecord, InvitationRecord | None]] = []
        for run_id in run_ids:
            invitations = {row.key: row for row in journal.invitations(run_id)}
            result += [
                (person, invitations.get(person.key))
                for person in journal.people(run_id)
                if person.state in (PersonState.CREATED, PersonState.EXISTS)
            ]
        return result

    return await asyncio.to_thread(read)


async def recorded_invitations(journal: Journal, people: Sequence[tuple[str, str]]) -> list[InvitationRecord]:
    """The journal's invitation rows of these (run id, key) pairs, those that have one."""

    def read() -> list[InvitationRecord]:
        return [row for run_id, key in people if (row := journal.invitation(run_id, key)) is not None]

    return await asyncio.to_thread(read)


async def revoke_recorded(
    backend: PortalBackend,
    journal: Journal,
    people: Sequence[tuple[str, str]],
    *,
    report: Callable[[RevokeOutcome], None] | None = None,
    stop: threading.Event | None = None,
) -> list[RevokeOutcome]:
    """``revoke_invitations`` for these (run id, key) pairs, as the journal has their invitations now."""
    records = await recorded_invitations(journal, people)
    return await revoke_invitations(backend, journal, records, report=report, stop=stop)


async def refresh_recorded(
    backend: PortalBackend, journal: Journal, people: Sequence[tuple[str, str]]
) -> list[InvitationRecord]:
    """``refresh_invitations`` for these (run id, key) pairs, as the journal has their invitations now."""
    return await refresh_invitations(backend, journal, await recorded_invitations(journal, people))
