"""The tenant prefix rules: proposal, normalisation, validation, alternatives, availability."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from c2t_wizard.domain.tenant_name import (
    ONMICROSOFT,
    RECOMMENDED_MAX_LENGTH,
    Availability,
    AvailabilityState,
    PrefixIssue,
    normalise_prefix,
    propose_prefix,
    suggest_prefixes,
    tenant_domain,
    validate_prefix,
)

# --- propose_prefix -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("organisation", "expected"),
    [
        ("Müller & Söhne GmbH", "mullersohnegmbh"),
        ("Crème Brûlée S.A.", "cremebruleesa"),
        ("Straßenbau Nord", "strassenbaunord"),
        ("ÆØ Łódź Þing Đakovo", "aeolodzthingdakovo"),
        ("Fabrikam 365, Inc.", "fabrikam365inc"),
        ("ACME", "acme"),
        ("  spaced   out  ", "spacedout"),
        ("Mu\u0308ller", "muller"),  # already decomposed
        ("Ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
        ("東京", ""),
        ("!!!", ""),
        ("", ""),
    ],
)
def test_propose_prefix(organisation: str, expected: str) -> None:
    assert propose_prefix(organisation) == expected


@given(st.text())
def test_propose_prefix_output_is_valid_or_empty(text: str) -> None:
    proposal = propose_prefix(text)
    if proposal:
        assert validate_prefix(proposal).error is None
        assert normalise_prefix(proposal) == proposal


@given(st.text())
def test_propose_prefix_is_idempotent(text: str) -> None:
    assert propose_prefix(propose_prefix(text)) == propose_prefix(text)


# --- normalise_prefix / validate_prefix -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Acme ", "acme"),
        ("ACME", "acme"),
        ("acme.onmicrosoft.com", "acme"),
        ("https://Acme.OnMicrosoft.COM", "acme"),
        ("https://acme.onmicrosoft.com/", "acme"),
        (" https:// acme ", "acme"),
        ("acme.com", "acme.com"),
        ("a_b", "a_b"),
        ("", ""),
    ],
)
def test_normalise_prefix(text: str, expected: str) -> None:
    assert normalise_prefix(text) == expected


@given(st.text())
def test_normalise_prefix_is_idempotent(text: str) -> None:
    once = normalise_prefix(text)
    assert normalise_prefix(once) == once


def test_validate_accepts_letters_and_digits() -> None:
    check = validate_prefix(" Contoso365 ")
    assert check.ok
    assert check.prefix == "contoso365"
    assert check.error is None
    assert check.warning is None
    assert check.bad_characters == ""


@pytest.mark.parametrize("text", ["", "   ", "\t\n", ".onmicrosoft.com", "https://"])
def test_validate_empty(text: str) -> None:
    check = validate_prefix(text)
    assert not check.ok
    assert check.error is PrefixIssue.EMPTY


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("a_b", "_"),
        ("acme-corp.eu", "-."),
        ("my company", " "),
        ("müller", "ü"),
        ("a-b-c_d-", "-_"),
        ("acme.onmicrosoft.com.de", "."),
    ],
)
def test_validate_reports_each_bad_character_once_in_order(text: str, bad: str) -> None:
    check = validate_prefix(text)
    assert not check.ok
    assert check.error is PrefixIssue.INVALID_CHARACTERS
    assert check.bad_characters == bad


def test_long_prefix_is_a_warning_not_an_error() -> None:
    at_limit = validate_prefix("a" * RECOMMENDED_MAX_LENGTH)
    assert at_limit.ok
    assert at_limit.warning is None
    too_long = validate_prefix("a" * (RECOMMENDED_MAX_LENGTH + 1))
    assert too_long.ok
    assert too_long.warning is PrefixIssue.LONGER_THAN_RECOMMENDED


@given(st.text())
def test_validate_prefix_never_raises(text: str) -> None:
    check = validate_prefix(text)
    assert check.ok == (check.error is None)
    assert check.prefix == normalise_prefix(text)
    if check.ok:
        assert check.bad_characters == ""


# --- suggest_prefixes -----------------------------------------------------------------------------


def test_suggestions_for_a_plain_prefix() -> None:
    suggestions = suggest_prefixes("acme")
    assert suggestions[:7] == [
        "acmeltd",
        "acmepartners",
        "acmeuk",
        "acmegroup",
        "acmeteam",
        "acme2",
        "acmehq",
    ]
    assert len(suggestions) == 8


def test_suggestions_use_the_organisation_name() -> None:
    suggestions = suggest_prefixes("acmewidgetsltd", "Acme Widgets Ltd")
    assert suggestions[:3] == ["acmewidgets", "awl", "acme"]
    # The legal form is dropped from the stem: no "acmewidgetsltdgroup".
    assert "acmewidgetsgroup" in suggestions
    assert all("ltdgroup" not in s for s in suggestions)


def test_suggestions_number_without_stacking_digits() -> None:
    suggestions = suggest_prefixes("acme2", count=20)
    assert "acme3" in suggestions
    assert "acme23" not in suggestions
    assert "acme2" not in suggestions


def test_suggestions_stay_within_the_recommended_length() -> None:
    suggestions = suggest_prefixes("a" * 40, count=30)
    assert len(suggestions) == 30
    assert all(len(s) <= RECOMMENDED_MAX_LENGTH for s in suggestions)


def test_suggestions_are_deterministic() -> None:
    assert suggest_prefixes("contoso", "Contoso Pharmaceuticals") == suggest_prefixes(
        "contoso", "Contoso Pharmaceuticals"
    )


@pytest.mark.parametrize("prefix", ["", "  ", "a_b", "müller"])
def test_no_suggestions_for_invalid_input(prefix: str) -> None:
    assert suggest_prefixes(prefix) == []


def test_no_suggestions_for_zero_count() -> None:
    assert suggest_prefixes("acme", count=0) == []


def test_suggestions_normalise_the_input() -> None:
    assert "acme" not in suggest_prefixes(" ACME.onmicrosoft.com ", count=50)


@given(st.text(max_size=40), st.text(max_size=60), st.integers(min_value=-2, max_value=40))
def test_suggest_prefixes_properties(prefix: str, organisation: str, count: int) -> None:
    suggestions = suggest_prefixes(prefix, organisation, count)
    assert len(suggestions) <= max(count, 0)
    assert len(set(suggestions)) == len(suggestions)
    assert normalise_prefix(prefix) not in suggestions
    for suggestion in suggestions:
        assert validate_prefix(suggestion).error is None
        assert normalise_prefix(suggestion) == suggestion


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=40),
    st.text(max_size=60),
    st.integers(min_value=1, max_value=40),
)
def test_valid_prefix_always_gets_count_suggestions(prefix: str, organisation: str, count: int) -> None:
    suggestions = suggest_prefixes(prefix, organisation, count)
    assert len(suggestions) == count
    assert all(len(s) <= RECOMMENDED_MAX_LENGTH for s in suggestions)


# --- tenant_domain / Availability -----------------------------------------------------------------


def test_tenant_domain() -> None:
    assert tenant_domain("acme") == "acme.onmicrosoft.com"
    assert tenant_domain("acme").endswith(ONMICROSOFT)


@pytest.mark.parametrize(
    ("state", "taken", "may_continue"),
    [
        (AvailabilityState.TAKEN, True, False),
        (AvailabilityState.PROBABLY_FREE, False, True),
        (AvailabilityState.INVALID, False, False),
        (AvailabilityState.UNKNOWN, False, False),
    ],
)
def test_availability_flags(state: AvailabilityState, taken: bool, may_continue: bool) -> None:
    availability = Availability("acme", state)
    assert availability.is_taken is taken
    assert availability.may_continue is may_continue
