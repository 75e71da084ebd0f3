"""Which Microsoft organisation to sign in to, and whether the one signed in is the wrong one.

Decisions from the journey so far (``Onboarding``), for the Sign-in page: a new tenant signs in to that
tenant; the demo to the demo's; a continued run to the run's tenant; "more people" to the domain remembered;
else any organisation. No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

from c2t_wizard.domain.onboarding import Onboarding, StartChoice
from c2t_wizard.domain.roles import TenantFacts
from c2t_wizard.domain.tenant_name import tenant_domain

DEMO_TENANT = "contoso.onmicrosoft.com"
"""The sandbox's demo organisation, when no demo account names another."""


@dataclass(frozen=True)
class SignInTarget:
    authority: str | None
    """The tenant to sign in to (its id or a domain); None: any organisation."""
    expected: str
    """The domain (or id) to name in messages; "" when any organisation will do."""


def sign_in_target(onboarding: Onboarding, demo_username: str | None = None) -> SignInTarget:
    if onboarding.choice is StartChoice.DEMO:
        domain = DEMO_TENANT
        if demo_username is not None and "@" in demo_username:
            domain = demo_username.rpartition("@")[2].lower()
        return SignInTarget(domain, domain)
    if onboarding.choice is StartChoice.NEW_TENANT and (onboarding.tenant_id or onboarding.tenant_prefix):
        domain = tenant_domain(onboarding.tenant_prefix) if onboarding.tenant_prefix else ""
        return SignInTarget(onboarding.tenant_id or domain, domain or str(onboarding.tenant_id))
    resumed = onboarding.resume_tenant_id
    if resumed:  # continuing a run: its tenant, named by its people's domain
        return SignInTarget(resumed, onboarding.resume_domain or resumed)
    if onboarding.resume_domain:  # more people where the remembered account signed in before
        return SignInTarget(onboarding.resume_domain, onboarding.resume_domain)
    return SignInTarget(None, "")


def is_wrong_tenant(onboarding: Onboarding, expected: str, facts: TenantFacts) -> bool:
    """The organisation signed in to is not the one ``expected`` (by tenant id when the journey knows it,
    else by its domains)."""
    expected = expected.lower()
    if not expected:
        return False
    tenant_id = (onboarding.tenant_id or "").lower()
    if onboarding.choice is StartChoice.NEW_TENANT and tenant_id and facts.tenant_id:
        return facts.tenant_id.lower() != tenant_id
    resumed = (onboarding.resume_tenant_id or "").lower()
    if resumed and facts.tenant_id:
        return facts.tenant_id.lower() != resumed
    names = {name.lower() for name in facts.domain_names}
    return bool(names) and expected not in names and expected != facts.tenant_id.lower()
