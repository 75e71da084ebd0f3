"""The onboarding the partner is going through: which path, and what each page has settled so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from c2t_wizard.domain.roles import TenantFacts
    from c2t_wizard.domain.users import NewUser


class StartChoice(Enum):
    """What the partner chose on the Welcome page."""

    NEW_TENANT = "new_tenant"
    EXISTING_TENANT = "existing_tenant"
    DEMO = "demo"


@dataclass
class Onboarding:
    """Shared by the pages of one wizard run; pages read what earlier pages settled."""

    choice: StartChoice = StartChoice.NEW_TENANT
    organisation_name: str = ""
    tenant_prefix: str = ""
    tenant_id: str | None = None
    """Known once the tenant exists (discovery answered "taken" after sign-up, or after sign-in)."""
    signed_in_username: str = ""
    """Who signed in on the Sign-in page (their user principal name)."""
    tenant_facts: TenantFacts | None = None
    """The tenant, its domains and the role check, as read after sign-in."""
    user_run_ids: list[str] = field(default_factory=list)
    """The journal runs the Users page created people in (oldest first)."""
    created_users: list[NewUser] = field(default_factory=list)
    """People who now have a user in the tenant: created by us, or already there (reported, not changed)."""
    passwords: dict[str, str] = field(default_factory=dict, repr=False)
    """Lower-cased UPN -> temporary password of each user created in this process. Memory only: never
    persisted, logged or shown outside the credentials step."""
    credentials_delivery: dict[str, str] = field(default_factory=dict)
    """Lower-cased UPN -> how the Credentials page delivered that person's password (``DeliveryMethod``
    value: "sendmail", "mailto", "clipboard", "pdf"). Delivered passwords are dropped from ``passwords``."""

    @property
    def tenant_domain(self) -> str:
        return f"{self.tenant_prefix}.onmicrosoft.com" if self.tenant_prefix else ""
