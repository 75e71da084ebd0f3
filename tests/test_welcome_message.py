"""The welcome message: what it says, in English and German, as text and HTML."""

from __future__ import annotations

import html
import re

import pytest

from c2t_wizard.domain.users import NewUser
from c2t_wizard.domain.welcome_message import (
    MICROSOFT_PORTAL_URL,
    MICROSOFT_SIGN_IN_URL,
    SUPPORTED_LANGUAGES,
    WelcomeMessage,
    build_welcome_message,
    message_language,
    welcome_sheet_warning,
)

PASSWORD = "Tq7$wPx2!mZr9vKa"
ANNA = NewUser(
    first_name="Anna",
    last_name="Müller",
    display_name="Anna Müller",
    username="anna.mueller",
    domain="contoso.onmicrosoft.com",
    email="anna.mueller@example.com",
)


def build(language: str = "en", **kwargs: object) -> WelcomeMessage:
    options: dict[str, object] = {"language": language, "sign_in_url": MICROSOFT_SIGN_IN_URL, **kwargs}
    return build_welcome_message(ANNA, PASSWORD, **options)  # type: ignore[arg-type]


def visible_text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_the_message_holds_username_password_and_where_to_sign_in(language: str) -> None:
    message = build(language)
    for body in (message.text, visible_text(message.html)):
        assert ANNA.upn in body
        assert PASSWORD in body
        assert MICROSOFT_SIGN_IN_URL in body
        assert MICROSOFT_PORTAL_URL in body
        assert "Anna" in body
    assert message.language == language
    assert PASSWORD not in message.subject
    assert PASSWORD not in repr(message)


def test_english_says_change_password_mfa_and_the_portal_rules() -> None:
    text = build("en").text
    assert "choose a new password" in text
    assert "multi-factor authentication" in text
    assert "Call2Teams portal" in text
    assert ANNA.email in text  # the invitation comes to this same address
    assert "private (incognito) browser window" in text
    assert f"username {ANNA.upn}, not with {ANNA.email}" in text
    assert "Junk" in text


def test_german_says_the_same_in_german() -> None:
    text = build("de").text
    assert build("de").subject == f"Ihr neues Microsoft-Arbeitskonto: Anna Müller ({ANNA.upn})"
    assert "Vorläufiges Kennwort: " + PASSWORD in text
    assert "Benutzername: " + ANNA.upn in text
    assert "neues Kennwort" in text
    assert "mehrstufige Authentifizierung" in text
    assert "privaten Browserfenster" in text
    assert f"Benutzernamen {ANNA.upn} an, nicht mit {ANNA.email}" in text
    assert "Junk" in text
    assert "Hello" not in text


def test_the_portal_paragraph_can_be_left_out() -> None:
    without = build("en", portal_note=False)
    assert "Call2Teams" not in without.text
    assert "Call2Teams" not in without.html
    assert PASSWORD in without.text


def test_a_sandbox_sign_in_address_replaces_microsofts() -> None:
    url = "https://127.0.0.1:1234/contoso.onmicrosoft.com/oauth2/v2.0/authorize?client_id=x&a=b"
    message = build("en", sign_in_url=url)
    assert url in message.text
    assert MICROSOFT_PORTAL_URL not in message.text
    assert html.escape(url, quote=True) in message.html


def test_html_escapes_everything_it_is_given() -> None:
    tricky = NewUser(
        first_name="<b>Eve</b>",
        last_name="O'Neil & Co",
        display_name="Eve",
        username="eve",
        domain="contoso.onmicrosoft.com",
        email="eve@example.com",
    )
    message = build_welcome_message(tricky, "a<b>&c", language="en", sign_in_url=MICROSOFT_SIGN_IN_URL)
    assert "<b>Eve</b>" not in message.html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in message.html
    assert "a&lt;b&gt;&amp;c" in message.html
    assert "<script" not in message.html


def test_organisation_is_named_when_known() -> None:
    assert "at Contoso" in build("en", organisation="Contoso").text
    assert "bei Contoso" in build("de", organisation="Contoso").text


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("de_DE", "de"), ("de-AT", "de"), ("en_GB", "en"), ("fr_FR", "en"), ("", "en"), (None, "en")],
)
def test_message_language_from_a_locale(locale: str | None, expected: str) -> None:
    assert message_language(locale) == expected


def test_unknown_language_falls_back_to_english() -> None:
    assert build("fr").language == "en"


def test_the_sheet_warning_speaks_of_a_password() -> None:
    assert "password" in welcome_sheet_warning("en")
    assert "Kennwort" in welcome_sheet_warning("de")


def test_each_person_has_a_subject_of_their_own() -> None:
    """A bounce report repeats the subject, and under Mail.ReadBasic that is all the wizard sees of it."""
    other = NewUser("Anna", "Müller", "Anna Müller", "anna.mueller2", ANNA.domain, ANNA.email)
    mine = build("en").subject
    theirs = build_welcome_message(other, PASSWORD, language="en", sign_in_url=MICROSOFT_SIGN_IN_URL).subject
    assert mine == f"Your new Microsoft work account: Anna Müller ({ANNA.upn})"
    assert mine != theirs
