"""The Call2Teams portal step: roles, accounts, invitations and the rule for the invitation email.

Pure rules and models, no I/O. The portal publishes no API (reference ``call2teams-portal.md``), so the
service layer has two backends behind one interface (``services/portal.py``); both speak these models.
The contract of the API backend is ``resources/portal-api.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum


class PortalRole(Enum):
    """A Call2Teams administrator role; the value is the contract's role id."""

    ACCOUNT_OWNER = "account_owner"
    SERVICE_CONTRIBUTOR = "service_contributor"
    SERVICE_VIEWER = "service_viewer"
    SUBSCRIPTION_CONTRIBUTOR = "subscription_contributor"


ROLE_ORDER: tuple[PortalRole, ...] = (
    PortalRole.ACCOUNT_OWNER,
    PortalRole.SERVICE_CONTRIBUTOR,
    PortalRole.SERVICE_VIEWER,
    PortalRole.SUBSCRIPTION_CONTRIBUTOR,
)
"""The order the guide names them in (and the page shows them in)."""

IMPLIED_ROLES: dict[PortalRole, frozenset[PortalRole]] = {
    PortalRole.ACCOUNT_OWNER: frozenset({PortalRole.SERVICE_CONTRIBUTOR, PortalRole.SERVICE_VIEWER}),
}
"""Roles another role already includes (Account Owner implies Service Contributor and Service Viewer)."""

DEFAULT_ROLES: frozenset[PortalRole] = frozenset({PortalRole.SERVICE_CONTRIBUTOR})
"""What a new person gets unless the partner chooses otherwise: they can support customers, not invite."""


def effective_roles(roles: frozenset[PortalRole]) -> frozenset[PortalRole]:
    """``roles`` plus every role they imply."""
    result = set(roles)
    for role in roles:
        result |= IMPLIED_ROLES.get(role, frozenset())
    return frozenset(result)


def parse_roles(ids: list[str] | tuple[str, ...]) -> frozenset[PortalRole]:
    """Role ids from the contract -> roles; an unknown id raises ``ValueError``."""
    return frozenset(PortalRole(value) for value in ids)


class AccountKind(Enum):
    PARTNER = "partner"
    CUSTOMER = "customer"


@dataclass(frozen=True)
class PortalAccount:
    """A Call2Teams account the signed-in partner administers (the partner's own, or a customer under it)."""

    id: str
    name: str
    kind: AccountKind
    parent_id: str | None = None


class InvitationStatus(Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"


class SendMode(Enum):
    """How the portal hands the activation link over: it emails it, or the inviter copies it."""

    EMAIL = "email"
    LINK = "link"


@dataclass(frozen=True)
class InvitationRequest:
    """One person to invite. ``key`` is the journal's key for the person (stable across retries)."""

    key: str
    email: str
    first_name: str
    last_name: str
    roles: frozenset[PortalRole]
    send: SendMode = SendMode.EMAIL


@dataclass(frozen=True)
class Invitation:
    id: str
    email: str
    roles: frozenset[PortalRole]
    status: InvitationStatus
    activation_url: str | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class PortalAdministrator:
    """Someone who accepted an invitation: their roles and the Microsoft account they signed in with."""

    id: str
    email: str
    sign_in_name: str
    roles: frozenset[PortalRole] = field(default_factory=frozenset)


class EmailProblem(Enum):
    """Why an address cannot receive a portal invitation, or should be double-checked."""

    EMPTY = "empty"
    MALFORMED = "malformed"
    IS_TENANT_USERNAME = "is_tenant_username"
    ON_ONMICROSOFT = "on_onmicrosoft"
    ON_TENANT_DOMAIN = "on_tenant_domain"
    """A warning, not a refusal: the person's new account has no mailbox (no licence)."""


REFUSING_PROBLEMS = frozenset(
    {EmailProblem.EMPTY, EmailProblem.MALFORMED, EmailProblem.IS_TENANT_USERNAME, EmailProblem.ON_ONMICROSOFT}
)


def check_invitation_email(
    email: str, *, tenant_username: str, tenant_domains: tuple[str, ...]
) -> EmailProblem | None:
    """The invitation goes to the person's **real work email**, never their new tenant username.

    Refused: empty, malformed, equal to the tenant username, any ``*.onmicrosoft.com`` address. Warned
    (``ON_TENANT_DOMAIN``): an address on one of the tenant's own domains.
    """
    value = email.strip()
    if not value:
        return EmailProblem.EMPTY
    local, at, domain = value.rpartition("@")
    if not at or not local or "." not in domain or any(ch.isspace() for ch in value) or "@" in local:
        return EmailProblem.MALFORMED
    lowered = value.lower()
    domain = domain.lower()
    if tenant_username and lowered == tenant_username.strip().lower():
        return EmailProblem.IS_TENANT_USERNAME
    if domain == "onmicrosoft.com" or domain.endswith(".onmicrosoft.com"):
        return EmailProblem.ON_ONMICROSOFT
    if domain in {d.lower() for d in tenant_domains}:
        return EmailProblem.ON_TENANT_DOMAIN
    return None
