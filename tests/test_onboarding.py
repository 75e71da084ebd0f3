"""The record the pages share: sensible defaults, and a repr that never shows a password."""

from __future__ import annotations

from c2t_wizard.domain.onboarding import Onboarding, StartChoice


def test_defaults_and_keywords() -> None:
    first, second = Onboarding(), Onboarding(StartChoice.DEMO, tenant_prefix="acme")
    assert first.choice is StartChoice.NEW_TENANT
    assert (first.organisation_name, first.tenant_prefix, first.tenant_domain) == ("", "", "")
    assert first.tenant_id is None
    assert first.tenant_facts is None
    assert (second.choice, second.tenant_domain) == (StartChoice.DEMO, "acme.onmicrosoft.com")
    first.user_run_ids.append("run-1")
    first.passwords["ada@acme.onmicrosoft.com"] = "x"
    assert second.user_run_ids == [], "no list is shared between runs"
    assert second.passwords == {}, "no dict is shared between runs"


def test_repr_never_shows_a_password() -> None:
    onboarding = Onboarding(tenant_prefix="acme")
    onboarding.passwords["ada@acme.onmicrosoft.com"] = "Tr0ub4dor&3"
    text = repr(onboarding)
    assert "Tr0ub4dor" not in text
    assert "acme" in text
    assert "passwords_to_deliver=1" in text
