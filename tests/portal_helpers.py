"""A portal backend for tests of the code above the backend (orchestration, the page)."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

from c2t_wizard.domain.portal import (
    AccountKind,
    Invitation,
    InvitationRequest,
    InvitationStatus,
    PortalAccount,
    PortalAdministrator,
)
from c2t_wizard.services.journal import InvitationState, Journal
from c2t_wizard.services.portal import BackendKind, InviteOutcome, InviteResult, PortalError, PortalProblem

EXPIRY = datetime(2031, 5, 6, tzinfo=UTC)


class RecordingPortal:
    """A portal backend for service tests: one invitation per Idempotency-Key (as the contract says), 409
    for a second key on a pending email, scripted failures, and an optional gate that holds calls."""

    def __init__(
        self,
        *,
        fail: dict[str, PortalProblem] | None = None,
        gate: threading.Event | None = None,
        journal: Journal | None = None,
    ) -> None:
        self.keys: list[str] = []
        self.by_key: dict[str, Invitation] = {}
        self.fail = dict(fail or {})
        self.gate = gate
        self.in_flight = 0
        self.most_in_flight = 0
        self.states_seen: list[InvitationState | None] = []
        self._journal = journal
        self.revoked: list[str] = []

    @property
    def kind(self) -> BackendKind:
        return BackendKind.API

    async def accounts(self) -> list[PortalAccount]:
        return [PortalAccount("acc", "Partner", AccountKind.PARTNER)]

    async def invite(self, account_id: str, request: InvitationRequest) -> InviteOutcome:
        self.keys.append(request.key)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self._journal is not None:  # what the journal said while this call was on the wire
                rows = [r for r in self._journal_rows() if r.idempotency_key == request.key]
                self.states_seen.append(rows[0].state if rows else None)
            if self.gate is not None:
                await asyncio.to_thread(self.gate.wait)
            await asyncio.sleep(0)
        finally:
            self.in_flight -= 1
        problem = self.fail.get(request.email)
        if problem is not None:
            raise PortalError(problem, "scripted")
        if request.key in self.by_key:
            return InviteOutcome(request.key, InviteResult.INVITED, self.by_key[request.key])
        for invitation in self.by_key.values():
            if invitation.email == request.email and invitation.status is InvitationStatus.PENDING:
                return InviteOutcome(request.key, InviteResult.ALREADY_INVITED)
        number = len(self.by_key)
        invitation = Invitation(
            f"inv-{number}", request.email, request.roles, InvitationStatus.PENDING, expires_at=EXPIRY
        )
        self.by_key[request.key] = invitation
        return InviteOutcome(request.key, InviteResult.INVITED, invitation)

    def _journal_rows(self) -> list:  # type: ignore[type-arg]
        assert self._journal is not None
        runs = self._journal._db.execute("SELECT DISTINCT run_id FROM portal_invitations").fetchall()
        return [r for (run_id,) in runs for r in self._journal.invitations(run_id)]

    async def invitations(self, account_id: str) -> list[Invitation]:
        return list(self.by_key.values())

    async def revoke(self, account_id: str, invitation_id: str) -> None:
        self.revoked.append(invitation_id)
        for key, inv in self.by_key.items():
            if inv.id == invitation_id:
                self.by_key[key] = Invitation(inv.id, inv.email, inv.roles, InvitationStatus.REVOKED)

    async def administrators(self, account_id: str) -> list[PortalAdministrator]:
        return []
