"""Which organisation the Sign-in page signs in to, and when the one signed in is the wrong one: rules
from the journey so far, without a window."""

from __future__ import annotations

from c2t_wizard.domain.onboarding import Onboarding, StartChoice
from c2t_wizard.domain.roles import RoleCheck, SignedInUser, TenantFacts, VerifiedDomain
from c2t_wizard.domain.sign_in_target import DEMO_TENANT, SignInTarget, is_wrong_tenant, sign_in_target


def facts(tenant_id: str, *domains: str) -> TenantFacts:
    return TenantFacts(
        tenant_id,
        "Org",
        SignedInUser("u", "Admin", f"admin@{domains[0] if domains else 'x.example'}"),
        RoleCheck(True, None, ()),
        tuple(VerifiedDomain(name, is_initial=name.endswith(".onmicrosoft.com")) for name in domains),
    )


def test_the_demo_signs_in_to_the_demo_organisation_or_the_demo_accounts() -> None:
    demo = Onboarding(StartChoice.DEMO)
    assert sign_in_target(demo) == SignInTarget(DEMO_TENANT, DEMO_TENANT)
    assert sign_in_target(demo, "Admin@FourthCoffee.onmicrosoft.com") == SignInTarget(
        "fourthcoffee.onmicrosoft.com", "fourthcoffee.onmicrosoft.com"
    )


def test_a_new_tenant_signs_in_to_it_by_id_once_known_else_by_its_domain() -> None:
    new = Onboarding(StartChoice.NEW_TENANT, tenant_prefix="contoso")
    assert sign_in_target(new) == SignInTarget("contoso.onmicrosoft.com", "contoso.onmicrosoft.com")
    new.tenant_id = "tid-1"
    assert sign_in_target(new) == SignInTarget("tid-1", "contoso.onmicrosoft.com")
    assert is_wrong_tenant(new, "contoso.onmicrosoft.com", facts("tid-2", "contoso.onmicrosoft.com"))
    assert not is_wrong_tenant(new, "contoso.onmicrosoft.com", facts("TID-1", "other.onmicrosoft.com"))


def test_a_continued_run_signs_in_to_its_tenant_and_more_people_to_the_remembered_domain() -> None:
    resumed = Onboarding(StartChoice.EXISTING_TENANT)
    resumed.resume_tenant_id = "tid-9"
    resumed.resume_domain = "contoso.com"
    assert sign_in_target(resumed) == SignInTarget("tid-9", "contoso.com")
    assert is_wrong_tenant(resumed, "contoso.com", facts("tid-8", "contoso.com"))
    assert not is_wrong_tenant(resumed, "contoso.com", facts("tid-9", "contoso.com"))
    more = Onboarding(StartChoice.EXISTING_TENANT)
    more.resume_domain = "contoso.com"
    assert sign_in_target(more) == SignInTarget("contoso.com", "contoso.com")
    assert is_wrong_tenant(more, "contoso.com", facts("tid-1", "fabrikam.com", "fabrikam.onmicrosoft.com"))
    assert not is_wrong_tenant(more, "Contoso.com", facts("tid-1", "contoso.com", "contoso.onmicrosoft.com"))


def test_an_existing_tenant_takes_any_organisation() -> None:
    anyone = Onboarding(StartChoice.EXISTING_TENANT)
    assert sign_in_target(anyone) == SignInTarget(None, "")
    assert not is_wrong_tenant(anyone, "", facts("tid-1", "anything.example"))
