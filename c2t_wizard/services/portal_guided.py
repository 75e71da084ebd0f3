"""``GuidedPortal``: the portal backend against the real Call2Teams, which publishes no API.

The partner invites each person in the portal in their browser; the wizard opens the portal (through an
injectable opener), shows per person where to click (``click_path``: "My Customer Portal" when the account is
a customer's, then Account -> Invite Administrative User), what to enter (email, first and last name, for
copy buttons) and the roles, and records the partner's "Done: invited" mark: the page sends that mark
through ``invite_people`` like any backend's invite, so the journal holds planned -> sending -> invited for
guided invitations too. ``invite`` itself contacts nothing.

When the partner chose "copy link" in the portal, they paste the activation link; the wizard hands it to the
person's real work email by the credentials step's methods: ``send_link_by_mail`` (Graph sendMail through
``DeliveryService``), the mail app, the clipboard or the welcome sheet (Qt work on the page, recorded with
``record_link_delivered``). The link lives in memory only, never in the journal or a log.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from c2t_wizard.domain.portal import (
    ROLE_ORDER,
    AccountKind,
    Invitation,
    InvitationRequest,
    InvitationStatus,
    PortalAccount,
    PortalAdministrator,
    PortalRole,
    effective_roles,
)
from c2t_wizard.domain.welcome_message import WelcomeMessage
from c2t_wizard.services.delivery import DeliveryMethod, DeliveryService
from c2t_wizard.services.journal import DEFAULT_DELIVERY_STATES, DeliveryState, Journal
from c2t_wizard.services.portal import BackendKind, InviteOutcome, InviteResult

log = logging.getLogger(__name__)

DEFAULT_PORTAL_URL = "https://admin.call2teams.com"
GUIDED_ACCOUNT_ID = "guided-partner"
"""The one account guided mode knows: the partner's own (customers are chosen in the portal itself)."""


class ClickStep(Enum):
    """One step of the way to the portal's invite form (the page words each in the guide's words)."""

    MY_CUSTOMER_PORTAL = "my_customer_portal"
    """"My Customer Portal" at the top, if shown (then the customer's account)."""
    ACCOUNT_MENU = "account_menu"
    INVITE_ADMINISTRATIVE_USER = "invite_administrative_user"


@dataclass(frozen=True)
class GuidedStep:
    """What the partner needs for one person in the portal's invite form."""

    click_path: tuple[ClickStep, ...]
    email: str
    first_name: str
    last_name: str
    roles: tuple[PortalRole, ...]
    """The roles to tick, in the guide's order."""
    implied: tuple[PortalRole, ...]
    """Roles the chosen ones include anyway (Account Owner includes the two service roles)."""
    account_name: str


class GuidedPortal:
    """The guided backend (see the module doc); ``open_url`` is the browser opener (replaced in tests)."""

    def __init__(
        self,
        open_url: Callable[[str], bool],
        *,
        portal_url: str = DEFAULT_PORTAL_URL,
        accounts: Sequence[PortalAccount] = (),
    ) -> None:
        self._open_url = open_url
        self.portal_url = portal_url.rstrip("/") or DEFAULT_PORTAL_URL
        self._accounts = list(accounts) or [
            PortalAccount(GUIDED_ACCOUNT_ID, "Call2Teams", AccountKind.PARTNER, None)
        ]
        self._invitations: dict[str, dict[str, Invitation]] = {}
        """Account id -> idempotency key -> what the partner marked as invited (this session)."""

    @property
    def kind(self) -> BackendKind:
        return BackendKind.GUIDED

    def open_portal(self) -> bool:
        """Open the portal in the browser; False when no browser opened."""
        opened = self._open_url(self.portal_url)
        log.info("Guided portal: opened %s in the browser: %s", self.portal_url, opened)
        return opened

    def step(self, account: PortalAccount, request: InvitationRequest) -> GuidedStep:
        path: tuple[ClickStep, ...] = (ClickStep.ACCOUNT_MENU, ClickStep.INVITE_ADMINISTRATIVE_USER)
        if account.kind is AccountKind.CUSTOMER:
            path = (ClickStep.MY_CUSTOMER_PORTAL, *path)
        chosen = tuple(role for role in ROLE_ORDER if role in request.roles)
        implied = tuple(
            role
            for role in ROLE_ORDER
            if role in effective_roles(request.roles) and role not in request.roles
        )
        return GuidedStep(
            path, request.email.strip(), request.first_name, request.last_name, chosen, implied, account.name
        )

    # --- PortalBackend ----------------------------------------------------------------------------------

    async def accounts(self) -> list[PortalAccount]:
        return list(self._accounts)

    async def invite(self, account_id: str, request: InvitationRequest) -> InviteOutcome:
        """The partner has invited this person in the portal ("Done: invited"): recorded, nothing sent.
        The same request (its Idempotency-Key) marked twice is one invitation."""
        made = self._invitations.setdefault(account_id, {})
        invitation = made.get(request.key)
        if invitation is None:
            invitation = Invitation(
                id=f"guided-{uuid.uuid5(uuid.NAMESPACE_URL, request.key)}",
                email=request.email.strip(),
                roles=request.roles,
                status=InvitationStatus.PENDING,
            )
            made[request.key] = invitation
        return InviteOutcome(request.key, InviteResult.INVITED, invitation)

    async def invitations(self, account_id: str) -> list[Invitation]:
        return list(self._invitations.get(account_id, {}).values())

    async def revoke(self, account_id: str, invitation_id: str) -> None:
        """Recorded only: the partner removes the invitation (or administrator) in the portal."""
        made = self._invitations.get(account_id, {})
        for key, invitation in made.items():
            if invitation.id == invitation_id:
                made[key] = Invitation(
                    invitation.id, invitation.email, invitation.roles, InvitationStatus.REVOKED
                )

    async def administrators(self, account_id: str) -> list[PortalAdministrator]:
        """Not known in guided mode (the portal shows them)."""
        return []


def guided_from_environment(open_url: Callable[[str], bool]) -> GuidedPortal:
    """The guided backend, opening ``C2T_PORTAL_ADMIN_URL`` when set, else ``DEFAULT_PORTAL_URL``."""
    import os

    return GuidedPortal(open_url, portal_url=os.environ.get("C2T_PORTAL_ADMIN_URL", "") or DEFAULT_PORTAL_URL)


async def send_link_by_mail(
    delivery: DeliveryService,
    journal: Journal | None,
    run_id: str,
    key: str,
    to: str,
    message: WelcomeMessage,
) -> None:
    """Send the activation-link message from the admin's mailbox (Graph sendMail, at most once: see
    ``services.delivery``) and record it; a ``DeliveryError`` says why not (recorded as not delivered)."""
    from c2t_wizard.services.delivery import DeliveryError

    delivery_id = f"portal:{run_id}:{key}:{secrets.token_hex(8)}"
    try:
        await delivery.send_mail(to, message, delivery_id=delivery_id)
    except DeliveryError as exc:
        state = DeliveryState.IN_DOUBT if exc.in_doubt else DeliveryState.NOT_DELIVERED
        await record_link_delivered(journal, [(run_id, key)], DeliveryMethod.SEND_MAIL, state)
        raise
    await record_link_delivered(journal, [(run_id, key)], DeliveryMethod.SEND_MAIL)


async def record_link_delivered(
    journal: Journal | None,
    people: Sequence[tuple[str, str]],
    method: DeliveryMethod,
    state: DeliveryState | None = None,
) -> None:
    """The journal notes how each (run id, key)'s activation link was handed over (never the link)."""
    if journal is None or not people:
        return
    chosen = state or DEFAULT_DELIVERY_STATES.get(method.value, DeliveryState.CONFIRMED)

    def write() -> None:
        with journal.transaction():
            for run_id, key in people:
                journal.mark_invitation_link_delivered(run_id, key, method.value, chosen)

    await asyncio.to_thread(write)
