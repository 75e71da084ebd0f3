"""The Call2Teams portal step's service interface: one interface, two backends.

- ``ApiPortal`` (``services/portal_api.py``): an httpx client of ``resources/portal-api.yaml``.
- ``GuidedPortal`` (``services/portal_guided.py``): the default against the real portal, which publishes no
  API: opens the portal in the browser and walks the partner through each invitation; a pasted activation
  link is delivered to the person through the credentials step's delivery methods.

Both record every step in the journal (planned -> invited -> accepted). Everything here runs on the service
thread; nothing here imports Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from c2t_wizard.domain.portal import (
    Invitation,
    InvitationRequest,
    PortalAccount,
    PortalAdministrator,
)


class BackendKind(Enum):
    API = "api"
    GUIDED = "guided"


class InviteResult(Enum):
    INVITED = "invited"
    ALREADY_INVITED = "already_invited"
    """The portal already has a pending invitation for this email on this account (409): not a failure."""
    FAILED = "failed"


class PortalProblem(Enum):
    """Why a portal call failed, as a code: the page words it."""

    NOT_SIGNED_IN = "not_signed_in"
    """The API refused the credentials (401): a wrong or revoked API key, or a token for the wrong scope."""
    NOT_ALLOWED = "not_allowed"
    """403: the caller may not invite on this account (not an Account Owner there)."""
    INVALID = "invalid"
    """400/422: the portal refused the request (the problem's ``detail`` says which field)."""
    NOT_FOUND = "not_found"
    BUSY = "busy"
    """429/503 after the retry policy gave up."""
    UNREACHABLE = "unreachable"
    """No answer (network, DNS, TLS) after the retry policy gave up."""
    UNEXPECTED = "unexpected"


@dataclass(frozen=True)
class InviteOutcome:
    key: str
    result: InviteResult
    invitation: Invitation | None = None
    problem: PortalProblem | None = None
    detail: str = ""
    """The portal's own words (problem+json ``detail``), for the log and a "details" line; never a secret."""


class PortalError(Exception):
    """A portal call that failed for good (after retries)."""

    def __init__(self, problem: PortalProblem, detail: str = "", status: int | None = None) -> None:
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)
        self.problem = problem
        self.detail = detail
        self.status = status


class PortalBackend(Protocol):
    """What the portal page and the summary need from a backend."""

    @property
    def kind(self) -> BackendKind: ...

    async def accounts(self) -> list[PortalAccount]:
        """The accounts the signed-in partner administers (their own partner account first)."""
        ...

    async def invite(self, account_id: str, request: InvitationRequest) -> InviteOutcome:
        """Invite one person; safe to call again for the same ``request.key`` (never two invitations)."""
        ...

    async def invitations(self, account_id: str) -> list[Invitation]: ...

    async def revoke(self, account_id: str, invitation_id: str) -> None: ...

    async def administrators(self, account_id: str) -> list[PortalAdministrator]: ...
