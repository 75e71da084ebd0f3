"""The rules for a new work user: UPN, mailNickname, names, the real work email, duplicates, suggestions."""

from __future__ import annotations

import string

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given
from hypothesis import strategies as st

from c2t_wizard.domain.users import (
    DISPLAY_NAME_MAX,
    DOMAIN_MAX,
    LOCAL_MAX,
    MAIL_NICKNAME_ALLOWED,
    MAIL_NICKNAME_MAX,
    NAME_MAX,
    UPN_ALLOWED,
    UPN_MAX,
    Field,
    FieldProblem,
    NewUser,
    Problem,
    derive_display_name,
    derive_mail_nickname,
    find_duplicates,
    is_tenant_address,
    is_valid_email,
    normalise_user,
    suggest_username,
    validate_user,
)

TENANT = "acmepartners.onmicrosoft.com"
CUSTOM = "acmepartners.de"
VERIFIED = (TENANT, CUSTOM)


def user(**changes: str) -> NewUser:
    """A valid user, with some fields changed."""
    fields = {
        "first_name": "Anna",
        "last_name": "Müller",
        "display_name": "Anna Müller",
        "username": "anna.mueller",
        "domain": TENANT,
        "email": "anna@mueller-consulting.de",
    }
    fields.update(changes)
    return NewUser(**fields)


def problems_of(new_user: NewUser, verified: tuple[str, ...] = VERIFIED) -> set[tuple[Field, Problem, str]]:
    return {(item.field, item.problem, item.detail) for item in validate_user(new_user, verified)}


# --- constants ------------------------------------------------------------------------------------------


def test_limits_are_entras() -> None:
    assert (LOCAL_MAX, DOMAIN_MAX, UPN_MAX, DISPLAY_NAME_MAX, NAME_MAX) == (64, 48, 113, 256, 64)
    assert set(string.ascii_letters + string.digits + "'.-_!#^~") == UPN_ALLOWED
    assert LOCAL_MAX + 1 + DOMAIN_MAX == UPN_MAX


# --- validate_user: examples ----------------------------------------------------------------------------


def test_a_valid_user_has_no_problems() -> None:
    assert validate_user(user(), VERIFIED) == []
    assert user().upn == "anna.mueller@acmepartners.onmicrosoft.com"


def test_every_problem_is_reported_not_just_the_first() -> None:
    bad = user(first_name="", display_name="", username="anna müller.", domain="fabrikam.com", email="nope")
    assert validate_user(bad, VERIFIED) == [
        FieldProblem(Field.DISPLAY_NAME, Problem.REQUIRED),
        FieldProblem(Field.USERNAME, Problem.INVALID_CHARACTERS, " ü"),
        FieldProblem(Field.USERNAME, Problem.DOT_BEFORE_AT),
        FieldProblem(Field.DOMAIN, Problem.DOMAIN_NOT_VERIFIED),
        FieldProblem(Field.EMAIL, Problem.INVALID_EMAIL),
    ]


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("", {(Field.USERNAME, Problem.REQUIRED, "")}),
        ("a" * 64, set()),
        ("a" * 65, {(Field.USERNAME, Problem.TOO_LONG, "64")}),
        ("o'brien", set()),
        ("a.b-c_d!e#f^g~h", set()),
        ("anna müller", {(Field.USERNAME, Problem.INVALID_CHARACTERS, " ü")}),
        ("anna@x", {(Field.USERNAME, Problem.INVALID_CHARACTERS, "@")}),
        ("a+b$c", {(Field.USERNAME, Problem.INVALID_CHARACTERS, "+$")}),
        ("anna.", {(Field.USERNAME, Problem.DOT_BEFORE_AT, "")}),
        (".anna", {(Field.USERNAME, Problem.LEADING_OR_TRAILING_DOT, "")}),
        ("an..na", {(Field.USERNAME, Problem.CONSECUTIVE_DOTS, "")}),
        (
            ".a..b.",
            {
                (Field.USERNAME, Problem.LEADING_OR_TRAILING_DOT, ""),
                (Field.USERNAME, Problem.CONSECUTIVE_DOTS, ""),
                (Field.USERNAME, Problem.DOT_BEFORE_AT, ""),
            },
        ),
    ],
)
def test_username_rules(username: str, expected: set[tuple[Field, Problem, str]]) -> None:
    assert problems_of(user(username=username)) == expected


@pytest.mark.parametrize(
    ("domain", "verified", "expected"),
    [
        (TENANT, VERIFIED, set()),
        ("AcmePartners.DE", VERIFIED, set()),  # case-insensitive
        (CUSTOM, (" ACMEPARTNERS.DE ",), set()),
        ("fabrikam.com", VERIFIED, {(Field.DOMAIN, Problem.DOMAIN_NOT_VERIFIED, "")}),
        ("fabrikam.com", (), set()),  # verified domains not known yet: only the form is checked
        ("", VERIFIED, {(Field.DOMAIN, Problem.REQUIRED, "")}),
        ("a" * 45 + ".de", (), set()),
        ("a" * 46 + ".de", (), {(Field.DOMAIN, Problem.TOO_LONG, "48")}),
        ("mü ller.de", VERIFIED, {(Field.DOMAIN, Problem.INVALID_CHARACTERS, "ü ")}),
        (".acme.de", (), {(Field.DOMAIN, Problem.LEADING_OR_TRAILING_DOT, "")}),
        ("acme.de.", (), {(Field.DOMAIN, Problem.LEADING_OR_TRAILING_DOT, "")}),
        ("acme..de", (), {(Field.DOMAIN, Problem.CONSECUTIVE_DOTS, "")}),
    ],
)
def test_domain_rules(
    domain: str, verified: tuple[str, ...], expected: set[tuple[Field, Problem, str]]
) -> None:
    assert problems_of(user(domain=domain), verified) == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"first_name": ""}, set()),
        ({"last_name": ""}, set()),
        ({"first_name": "x" * 64, "last_name": "y" * 64}, set()),
        ({"first_name": "x" * 65}, {(Field.FIRST_NAME, Problem.TOO_LONG, "64")}),
        ({"last_name": "y" * 65}, {(Field.LAST_NAME, Problem.TOO_LONG, "64")}),
        ({"display_name": "z" * 256}, set()),
        ({"display_name": "z" * 257}, {(Field.DISPLAY_NAME, Problem.TOO_LONG, "256")}),
        ({"display_name": ""}, {(Field.DISPLAY_NAME, Problem.REQUIRED, "")}),
        ({"display_name": "Anna\nMüller"}, {(Field.DISPLAY_NAME, Problem.INVALID_CHARACTERS, "\n")}),
        ({"first_name": "An\tna\x00"}, {(Field.FIRST_NAME, Problem.INVALID_CHARACTERS, "\t\x00")}),
        ({"display_name": "Ægir Þórsson, Ph.D. (IT) 🚀"}, set()),
    ],
)
def test_name_rules(changes: dict[str, str], expected: set[tuple[Field, Problem, str]]) -> None:
    assert problems_of(user(**changes)) == expected


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("anna@mueller-consulting.de", None),
        ("anna.m+crm@mueller.de", None),
        ("", Problem.REQUIRED),
        ("anna", Problem.INVALID_EMAIL),
        ("anna@", Problem.INVALID_EMAIL),
        ("anna@localhost", Problem.INVALID_EMAIL),
        ("anna müller@x.de", Problem.INVALID_EMAIL),
        ("anna@@x.de", Problem.INVALID_EMAIL),
        ("anna@acmepartners.onmicrosoft.com", Problem.EMAIL_IS_TENANT_ADDRESS),
        ("Anna@Other.OnMicrosoft.com", Problem.EMAIL_IS_TENANT_ADDRESS),  # any tenant's, any case
        ("anna.mueller@ACMEPARTNERS.de", Problem.EMAIL_IS_TENANT_ADDRESS),  # a verified domain
    ],
)
def test_work_email_rules(email: str, expected: Problem | None) -> None:
    found = validate_user(user(email=email), VERIFIED)
    assert found == ([] if expected is None else [FieldProblem(Field.EMAIL, expected)])


@pytest.mark.parametrize(
    ("email", "characters"),
    [
        ("anna.müller@firma.de", "ü"),  # Graph: otherMails "can't contain accent characters"
        ("anna@müller.de", "ü"),  # an internationalised domain, in Unicode form
        ("josé.garcía@empresa.es", "éí"),
        ("ÅSA@Örebro.se", "ÅÖ"),
        ("李@例え.jp", "李例え"),
        ("anna müller@x.de", None),  # not a valid address at all: that problem comes first
    ],
)
def test_a_work_email_with_accents_is_refused_at_the_field(email: str, characters: str | None) -> None:
    expected = (
        FieldProblem(Field.EMAIL, Problem.INVALID_EMAIL)
        if characters is None
        else FieldProblem(Field.EMAIL, Problem.EMAIL_NOT_ASCII, characters)
    )
    assert validate_user(user(email=email), VERIFIED) == [expected]
    # An import (email optional) gets the same rule.
    assert validate_user(user(email=email), VERIFIED, require_email=False) == [expected]


@given(st.text(st.characters(codec="utf-8", min_codepoint=0x80, categories=("L",)), min_size=1, max_size=5))
def test_any_non_ascii_letter_in_a_valid_work_email_is_refused(letters: str) -> None:
    email = f"anna.{letters}@firma.de"
    found = validate_user(user(email=email), VERIFIED)
    assert [item.problem for item in found] in ([Problem.EMAIL_NOT_ASCII], [Problem.INVALID_EMAIL])


def test_email_may_be_missing_when_asked_later_but_is_still_checked_when_given() -> None:
    assert validate_user(user(email=""), VERIFIED, require_email=False) == []
    assert validate_user(user(email="x"), VERIFIED, require_email=False) == [
        FieldProblem(Field.EMAIL, Problem.INVALID_EMAIL)
    ]


def test_the_users_own_upn_is_a_tenant_address_even_in_an_unknown_domain() -> None:
    own = user(domain="acme.com", email="Anna.Mueller@acme.com")
    assert validate_user(own, ()) == [FieldProblem(Field.EMAIL, Problem.EMAIL_IS_TENANT_ADDRESS)]
    assert is_tenant_address("x@sub.onmicrosoft.com")
    assert is_tenant_address("x@onmicrosoft.com")
    assert not is_tenant_address("x@notonmicrosoft.com")
    assert not is_tenant_address("x@gmail.com", "y@acme.com", ["acme.com"])


def test_validate_user_strips_nothing_and_normalise_user_does() -> None:
    padded = user(first_name=" Anna ", username=" anna ", domain=" AcmePartners.DE ", email=" a@b.de ")
    fields = {item.field for item in validate_user(padded, VERIFIED)}
    assert fields == {Field.USERNAME, Field.DOMAIN, Field.EMAIL}
    clean = normalise_user(padded)
    assert clean == user(first_name="Anna", username="anna", domain=CUSTOM, email="a@b.de")
    assert validate_user(clean, VERIFIED) == []


# --- validate_user: properties --------------------------------------------------------------------------

_LOCAL_CHARS = "".join(sorted(UPN_ALLOWED))
valid_usernames = st.text(_LOCAL_CHARS, min_size=1, max_size=LOCAL_MAX).filter(
    lambda name: not name.startswith(".") and not name.endswith(".") and ".." not in name
)
names = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=NAME_MAX).map(str.strip)


@st.composite
def valid_users(draw: st.DrawFn) -> NewUser:
    first, last = draw(names), draw(names)
    display = draw(st.one_of(st.just(derive_display_name(first, last)), names)) or "Someone"
    email = draw(
        st.from_regex(
            r"[a-z][a-z0-9_+-]{0,10}(\.[a-z0-9_+-]{1,10})?@[a-z]{2,12}\.(de|com|fr)", fullmatch=True
        )
    )
    return NewUser(first, last, display, draw(valid_usernames), draw(st.sampled_from(VERIFIED)), email)


@given(valid_users())
def test_generated_valid_users_pass_and_fit_the_upn_limit(new_user: NewUser) -> None:
    assert validate_user(new_user, VERIFIED) == []
    assert len(new_user.upn) <= UPN_MAX


@given(valid_usernames, st.text(st.characters(codec="utf-8"), min_size=1, max_size=3))
def test_any_character_outside_the_allowed_set_is_named(username: str, extra: str) -> None:
    bad = username + extra
    problems = {item.problem: item.detail for item in validate_user(user(username=bad), VERIFIED)}
    outside = [char for char in extra if char not in UPN_ALLOWED]
    if outside:
        assert set(outside) <= set(problems[Problem.INVALID_CHARACTERS])
    else:
        assert Problem.INVALID_CHARACTERS not in problems


@given(st.builds(NewUser, st.text(), st.text(), st.text(), st.text(), st.text(), st.text()))
def test_validate_user_never_raises_and_normalise_is_idempotent(new_user: NewUser) -> None:
    validate_user(new_user, VERIFIED)
    once = normalise_user(new_user)
    assert normalise_user(once) == once
    assert once.domain == once.domain.lower()


# --- mail_nickname --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "nickname"),
    [
        ("anna.mueller", "anna.mueller"),
        ("o'brien", "obrien"),
        ("a!b#c^d~e_f-g", "a!b#c^d~e_f-g"),
        ("'.anna", "anna"),  # dropping the apostrophe must not leave a leading dot
        ("anna.'", "anna"),
        ("a.'.b", "a.b"),
        ("x" * 70, "x" * 64),
        ("x" * 63 + ".y", "x" * 63),  # no trailing dot after trimming
    ],
)
def test_mail_nickname_examples(username: str, nickname: str) -> None:
    assert user(username=username).mail_nickname == nickname


def test_mail_nickname_falls_back_to_something_stable_and_valid() -> None:
    first = user(username="'''").mail_nickname
    assert first.startswith("user")
    assert len(first) == 12
    assert first == user(username="'''").mail_nickname
    assert first != user(username="'''", domain=CUSTOM).mail_nickname
    assert derive_mail_nickname("").startswith("user")


@given(st.text(), st.text(max_size=60))
@example("'", "")
@example("." * 80, "x")
def test_mail_nickname_is_always_valid(username: str, seed: str) -> None:
    nickname = derive_mail_nickname(username, fallback_seed=seed)
    assert 0 < len(nickname) <= MAIL_NICKNAME_MAX
    assert set(nickname) <= MAIL_NICKNAME_ALLOWED
    assert not set(nickname) & set(" @()/[]';:<>,\\\"")
    assert not nickname.startswith(".")
    assert not nickname.endswith(".")
    assert ".." not in nickname


# --- display name and username suggestions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "display"),
    [
        ("Anna", "Müller", "Anna Müller"),
        ("  Anna  Lena ", " Müller ", "Anna Lena Müller"),
        ("", "Müller", "Müller"),
        ("Anna", "", "Anna"),
        ("", " ", ""),
    ],
)
def test_derive_display_name(first: str, last: str, display: str) -> None:
    assert derive_display_name(first, last) == display


@pytest.mark.parametrize(
    ("first", "last", "username"),
    [
        ("Anna-Lena", "Müller", "anna-lena.muller"),
        ("Anna-Lena Müller", "", "anna-lena.muller"),
        ("Jörg", "Weiß", "jorg.weiss"),
        ("Jan", "van der Berg", "jan.van.der.berg"),
        ("Seán", "O'Brien", "sean.obrien"),
        ("Łukasz", "Żółć", "lukasz.zolc"),
        ("ANNA", "", "anna"),
        ("", "Smith", "smith"),
        ("-Anna-", ".Smith.", "anna.smith"),
        ("東京", "太郎", ""),
        ("", "", ""),
    ],
)
def test_suggest_username(first: str, last: str, username: str) -> None:
    assert suggest_username(first, last) == username


@given(st.text(max_size=80), st.text(max_size=80))
def test_a_suggested_username_is_empty_or_valid(first: str, last: str) -> None:
    suggested = suggest_username(first, last)
    if suggested:
        fields = {item.field for item in validate_user(user(username=suggested), VERIFIED)}
        assert Field.USERNAME not in fields
        assert suggested == suggested.lower()
        assert len(suggested) <= LOCAL_MAX


# --- duplicates -----------------------------------------------------------------------------------------


def test_find_duplicates_compares_upns_case_insensitively() -> None:
    people = [
        user(username="anna"),
        user(username="ben"),
        user(username="ANNA"),
        user(username="anna", domain=CUSTOM),  # another domain: another UPN
        user(username="Anna", domain=TENANT.upper()),
        user(username=""),
        user(username=""),
    ]
    assert find_duplicates(people) == {2: 0, 4: 0}


@given(st.lists(st.sampled_from(["a", "A", "b", "c", ""]), max_size=12))
def test_find_duplicates_matches_a_brute_force_count(usernames: list[str]) -> None:
    people = [user(username=name) for name in usernames]
    found = find_duplicates(people)
    for index, name in enumerate(usernames):
        earlier = [i for i in range(index) if name and usernames[i].lower() == name.lower()]
        if earlier:
            assert found[index] == earlier[0]
        else:
            assert index not in found


# --- is_valid_email agrees with email_validator ---------------------------------------------------------

_LOCAL_ALPHABET = string.ascii_letters + string.digits + "!#$%&'*+/=?^_`{|}~-. \"@\\äé"
_DOMAINS = ["example.de", "müller.de", "localhost", "x.test", "-bad.de", "a..b.de", "ok.co.uk", "1.2.3.4", ""]


@given(st.text(_LOCAL_ALPHABET, max_size=70), st.sampled_from(_DOMAINS))
@example("a" * 65, "example.de")
@example("a" * 64, "b" * 60 + ".de")
def test_is_valid_email_agrees_with_email_validator(local: str, domain: str) -> None:
    address = f"{local}@{domain}"
    try:
        validate_email(address, check_deliverability=False)
        expected = True
    except EmailNotValidError:
        expected = False
    assert is_valid_email(address) is expected
