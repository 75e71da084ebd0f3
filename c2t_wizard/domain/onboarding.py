"""The onboarding the partner is going through: which path, and what each page has settled so far."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


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

    @property
    def tenant_domain(self) -> str:
        return f"{self.tenant_prefix}.onmicrosoft.com" if self.tenant_prefix else ""
