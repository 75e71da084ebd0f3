"""Directory roles and the facts about a tenant read after sign-in; the rule "may this user create users".

Pure rules and models, no I/O. Roles are compared by ``roleTemplateId`` (the same in every tenant), never
by the per-tenant directoryRole ``id`` (reference §5). Results are codes, not words: the UI names them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum


class KnownRole(Enum):
    """Built-in Entra roles the wizard talks about; the value is the role template id."""

    GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
    USER_ADMINISTRATOR = "fe930be7-5e62-47db-91af-98c3a49a38b1"
    PRIVILEGED_ROLE_ADMINISTRATOR = "e8611ab8-c189-46e8-94e1-60213ab1f814"
    GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"

    @classmethod
    def from_template_id(cls, template_id: str) -> KnownRole | None:
        try:
            return cls(template_id.strip().lower())
        except ValueError:
            return None


ROLES_THAT_MAY_CREATE_USERS: tuple[KnownRole, ...] = (
    KnownRole.GLOBAL_ADMINISTRATOR,
    KnownRole.USER_ADMINISTRATOR,
)
"""Holding any one of these lets the signed-in user create users (in this order of preference)."""
ROLES_THAT_MAY_GRANT: tuple[KnownRole, ...] = (
    KnownRole.GLOBAL_ADMINISTRATOR,
    KnownRole.PRIVILEGED_ROLE_ADMINISTRATOR,
)
"""Who in the tenant can assign a missing role."""


@dataclass(frozen=True)
class DirectoryRole:
    """An active directory role of the signed-in user: held directly or through a role-assignable group."""

    role_template_id: str
    display_name: str = ""
    id: str = ""

    @property
    def known(self) -> KnownRole | None:
        return KnownRole.from_template_id(self.role_template_id)


@dataclass(frozen=True)
class RoleCheck:
    """The answer to "may this user create users?".

    ``granted_by`` is the role that allows it (None when not allowed). When not allowed, ``missing`` lists
    the roles of which the user needs one and ``grantable_by`` who in the tenant can assign it;
    ``eligible`` the missing roles the user is eligible for in PIM (they must activate one first), and
    ``eligibility_known`` whether their eligibility could be read at all (False: nobody can say).
    ``known`` is False when Graph did not say which roles the user holds (the limited view of memberships,
    or a refusal of the role endpoints): then the answer is "unknown, you can try", never "not allowed".
    """

    allowed: bool
    granted_by: KnownRole | None
    roles: tuple[DirectoryRole, ...]
    missing: tuple[KnownRole, ...] = ()
    grantable_by: tuple[KnownRole, ...] = ()
    eligible: tuple[KnownRole, ...] = ()
    eligibility_known: bool = True
    known: bool = True

    @property
    def may_try(self) -> bool:
        """Allowed, or nobody could tell: the partner may go on and let Microsoft decide."""
        return self.allowed or not self.known


def check_may_create_users(
    roles: Iterable[DirectoryRole], eligible_template_ids: Iterable[str] | None = (), *, complete: bool = True
) -> RoleCheck:
    """Global Administrator or User Administrator may go on; anybody else is told what is missing.

    ``roles`` are the active roles (direct or through a group). ``eligible_template_ids`` are the template
    ids of the roles the user is eligible for in PIM (an eligible role is not held until activated);
    None when they could not be read. ``complete`` is False when some held roles could not be named
    (their ``roleTemplateId`` was hidden): without a role that allows it, the answer is then unknown.
    """
    held = tuple(roles)
    known = {role.known for role in held}
    for candidate in ROLES_THAT_MAY_CREATE_USERS:
        if candidate in known:
            return RoleCheck(allowed=True, granted_by=candidate, roles=held)
    eligible_known = {KnownRole.from_template_id(t) for t in eligible_template_ids or ()}
    return RoleCheck(
        allowed=False,
        granted_by=None,
        roles=held,
        missing=ROLES_THAT_MAY_CREATE_USERS,
        grantable_by=ROLES_THAT_MAY_GRANT,
        eligible=tuple(role for role in ROLES_THAT_MAY_CREATE_USERS if role in eligible_known),
        eligibility_known=eligible_template_ids is not None,
        known=complete,
    )


@dataclass(frozen=True)
class VerifiedDomain:
    """One of the tenant's verified domains."""

    name: str
    is_initial: bool = False
    is_default: bool = False


@dataclass(frozen=True)
class SignedInUser:
    """The signed-in user as Graph's ``/me`` describes them."""

    id: str
    display_name: str
    user_principal_name: str
    mail: str | None = None


@dataclass(frozen=True)
class TenantFacts:
    """What the sign-in page shows: the tenant, its domains, the user and the role check."""

    tenant_id: str
    display_name: str
    user: SignedInUser
    roles: RoleCheck
    verified_domains: tuple[VerifiedDomain, ...] = field(default=())

    @property
    def initial_domain(self) -> str | None:
        """The ``*.onmicrosoft.com`` domain the tenant was created with."""
        for domain in self.verified_domains:
            if domain.is_initial:
                return domain.name
        return None

    @property
    def default_domain(self) -> str | None:
        """The domain new users get by default (the initial one when none is marked default)."""
        for domain in self.verified_domains:
            if domain.is_default:
                return domain.name
        return self.initial_domain

    @property
    def domain_names(self) -> tuple[str, ...]:
        """Verified domain names, the default first."""
        default = self.default_domain
        names = [d.name for d in self.verified_domains]
        return tuple(sorted(names, key=lambda name: (name != default, name)))
