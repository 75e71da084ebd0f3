"""The role rule: who may create users, and what to tell those who may not."""

from __future__ import annotations

import pytest

from c2t_wizard.domain.roles import (
    ROLES_THAT_MAY_CREATE_USERS,
    DirectoryRole,
    KnownRole,
    SignedInUser,
    TenantFacts,
    VerifiedDomain,
    check_may_create_users,
)

GA = "62e90394-69f5-4237-9190-012177145e10"
UA = "fe930be7-5e62-47db-91af-98c3a49a38b1"
PRA = "e8611ab8-c189-46e8-94e1-60213ab1f814"
READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
HELPDESK = "729827e3-9c14-49f7-bb1b-9608f156bbb8"


def test_template_ids_are_microsofts() -> None:
    assert KnownRole.GLOBAL_ADMINISTRATOR.value == GA
    assert KnownRole.USER_ADMINISTRATOR.value == UA
    assert KnownRole.PRIVILEGED_ROLE_ADMINISTRATOR.value == PRA


@pytest.mark.parametrize(
    ("templates", "granted_by"),
    [
        ([GA], KnownRole.GLOBAL_ADMINISTRATOR),
        ([UA], KnownRole.USER_ADMINISTRATOR),
        ([HELPDESK, UA], KnownRole.USER_ADMINISTRATOR),
        ([UA, GA], KnownRole.GLOBAL_ADMINISTRATOR),
        ([GA.upper()], KnownRole.GLOBAL_ADMINISTRATOR),
        ([f" {UA} "], KnownRole.USER_ADMINISTRATOR),
    ],
)
def test_allowed(templates: list[str], granted_by: KnownRole) -> None:
    check = check_may_create_users(DirectoryRole(t, id=f"per-tenant-{i}") for i, t in enumerate(templates))
    assert check.allowed
    assert check.granted_by is granted_by
    assert check.missing == ()
    assert check.grantable_by == ()
    assert len(check.roles) == len(templates)


@pytest.mark.parametrize("templates", [[], [READER], [PRA], [HELPDESK, READER], ["not-a-guid"]])
def test_not_allowed_names_what_is_missing_and_who_can_grant(templates: list[str]) -> None:
    check = check_may_create_users(DirectoryRole(t) for t in templates)
    assert not check.allowed
    assert check.granted_by is None
    assert check.missing == (KnownRole.GLOBAL_ADMINISTRATOR, KnownRole.USER_ADMINISTRATOR)
    assert check.missing == ROLES_THAT_MAY_CREATE_USERS
    assert check.grantable_by == (KnownRole.GLOBAL_ADMINISTRATOR, KnownRole.PRIVILEGED_ROLE_ADMINISTRATOR)


def test_role_is_compared_by_template_not_by_per_tenant_id() -> None:
    # A directoryRole's id differs per tenant; only roleTemplateId counts.
    check = check_may_create_users([DirectoryRole(role_template_id=HELPDESK, id=GA)])
    assert not check.allowed


def test_tenant_facts_domains() -> None:
    user = SignedInUser("1", "Ada", "ada@contoso.onmicrosoft.com")
    facts = TenantFacts(
        "t",
        "Contoso",
        user,
        check_may_create_users([]),
        (
            VerifiedDomain("contoso.onmicrosoft.com", is_initial=True),
            VerifiedDomain("contoso.com", is_default=True),
            VerifiedDomain("alpha.contoso.com"),
        ),
    )
    assert facts.initial_domain == "contoso.onmicrosoft.com"
    assert facts.default_domain == "contoso.com"
    assert facts.domain_names == ("contoso.com", "alpha.contoso.com", "contoso.onmicrosoft.com")
    only_initial = TenantFacts("t", "C", user, facts.roles, (VerifiedDomain("c.onmicrosoft.com", True),))
    assert only_initial.default_domain == "c.onmicrosoft.com"
    assert TenantFacts("t", "C", user, facts.roles).initial_domain is None


def test_eligible_but_not_active_roles_are_named_in_preference_order() -> None:
    check = check_may_create_users([DirectoryRole(READER)], [HELPDESK, UA, GA.upper()])
    assert not check.allowed
    assert check.eligible == (KnownRole.GLOBAL_ADMINISTRATOR, KnownRole.USER_ADMINISTRATOR)
    assert check.eligibility_known
    assert check.missing == ROLES_THAT_MAY_CREATE_USERS


def test_eligible_only_for_roles_that_do_not_help_is_eligible_for_none() -> None:
    check = check_may_create_users([], [HELPDESK, READER])
    assert check.eligible == ()
    assert check.eligibility_known


def test_eligibility_that_could_not_be_read_is_unknown() -> None:
    check = check_may_create_users([DirectoryRole(HELPDESK)], None)
    assert not check.allowed
    assert check.eligible == ()
    assert not check.eligibility_known


def test_an_active_role_wins_over_eligibility() -> None:
    check = check_may_create_users([DirectoryRole(UA)], [GA])
    assert check.allowed
    assert check.granted_by is KnownRole.USER_ADMINISTRATOR
    assert check.eligible == ()
