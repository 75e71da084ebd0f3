"""The welcome message each new user gets: their username, temporary password, where to sign in, and what
to expect from the Call2Teams portal invitation that follows.

Pure: no Qt, no I/O. The same words serve every delivery method (Graph ``sendMail``, the mail client's
``mailto:``, the clipboard and the printed welcome sheet), in plain text and HTML. The message itself is
written in every supported language here (the wizard's own words go through Qt's ``tr()``): the admin may
run the wizard in English and welcome a German-speaking colleague in German.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from c2t_wizard.domain.users import NewUser

MICROSOFT_SIGN_IN_URL = "https://myaccount.microsoft.com"
"""Where a new work user signs in, changes the temporary password and sets up MFA (no licence needed)."""
MICROSOFT_PORTAL_URL = "https://portal.office.com"
"""Microsoft 365's start page: works too, and is what many people know."""

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class _Words:
    subject: str
    greeting: str
    """``{name}``"""
    intro: str
    intro_with_org: str
    """``{organisation}``"""
    username: str
    password: str
    steps_title: str
    step_sign_in: str
    """``{url}``"""
    step_sign_in_alternative: str
    """``{url}``: the other address, for the Microsoft sign-in only."""
    step_change: str
    step_mfa: str
    portal_title: str
    portal_intro: str
    """``{email}``"""
    portal_private: str
    portal_username: str
    """``{upn}``, ``{email}``"""
    portal_junk: str
    keep_private: str
    closing: str
    sheet_warning: str
    """Printed at the top of every welcome-sheet page."""


_WORDS: dict[str, _Words] = {
    "en": _Words(
        subject="Your new Microsoft work account",
        greeting="Hello {name},",
        intro="your Microsoft work account is ready.",
        intro_with_org="your Microsoft work account at {organisation} is ready.",
        username="Username",
        password="Temporary password",  # noqa: S106 (a label)
        steps_title="Your first sign-in",
        step_sign_in="Go to {url} and sign in with the username and temporary password above.",
        step_sign_in_alternative="({url} works too.)",
        step_change="You must then choose a new password of your own.",
        step_mfa=(
            "You may be asked to set up multi-factor authentication (e.g. the Microsoft Authenticator app): "
            "follow the steps on screen."
        ),
        portal_title="Your invitation to the Call2Teams portal",
        portal_intro=(
            "An invitation to the Call2Teams portal will follow, at this same email address ({email})."
        ),
        portal_private=(
            "Open its link in a private (incognito) browser window, so no other Microsoft account gets in "
            "the way (the portal would say “Unknown Account”)."
        ),
        portal_username="Sign in there with your username {upn}, not with {email}.",
        portal_junk=(
            "No invitation? Check your Junk folder: mail from new Microsoft accounts is often filtered."
        ),
        keep_private=("Keep this message to yourself, and delete it once you have chosen your own password."),
        closing="Welcome aboard!",
        sheet_warning=(
            "CONFIDENTIAL: this sheet contains a password. Hand it to this person only, and shred it "
            "once they have signed in and chosen their own password."
        ),
    ),
    "de": _Words(
        subject="Ihr neues Microsoft-Arbeitskonto",
        greeting="Hallo {name},",
        intro="Ihr Microsoft-Arbeitskonto ist eingerichtet.",
        intro_with_org="Ihr Microsoft-Arbeitskonto bei {organisation} ist eingerichtet.",
        username="Benutzername",
        password="Vorläufiges Kennwort",  # noqa: S106 (a label)
        steps_title="Ihre erste Anmeldung",
        step_sign_in="Öffnen Sie {url} und melden Sie sich mit Benutzername und vorläufigem Kennwort an.",
        step_sign_in_alternative="({url} funktioniert auch.)",
        step_change="Danach müssen Sie ein eigenes, neues Kennwort wählen.",
        step_mfa=(
            "Eventuell werden Sie gebeten, die mehrstufige Authentifizierung einzurichten (z. B. mit der App "
            "Microsoft Authenticator): Folgen Sie den Schritten auf dem Bildschirm."
        ),
        portal_title="Ihre Einladung in das Call2Teams-Portal",
        portal_intro=("Eine Einladung in das Call2Teams-Portal folgt, an dieselbe E-Mail-Adresse ({email})."),
        portal_private=(
            "Öffnen Sie den Link darin in einem privaten Browserfenster (Inkognito), damit kein anderes "
            "Microsoft-Konto dazwischenkommt (das Portal meldet sonst „Unknown Account“)."
        ),
        portal_username="Melden Sie sich dort mit Ihrem Benutzernamen {upn} an, nicht mit {email}.",
        portal_junk=(
            "Keine Einladung? Sehen Sie im Junk-E-Mail-Ordner nach: E-Mails neuer Microsoft-Konten werden "
            "oft herausgefiltert."
        ),
        keep_private=(
            "Geben Sie diese Nachricht nicht weiter und löschen Sie sie, sobald Sie Ihr eigenes Kennwort "
            "gewählt haben."
        ),
        closing="Willkommen an Bord!",
        sheet_warning=(
            "VERTRAULICH: Dieses Blatt enthält ein Kennwort. Geben Sie es nur dieser Person und vernichten "
            "Sie es, sobald sie sich angemeldet und ein eigenes Kennwort gewählt hat."
        ),
    ),
}

SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(_WORDS)
"""Languages the message is written in (ISO 639-1 codes), English first."""
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "de": "Deutsch"}
"""Each language in its own words (what a language picker shows)."""


def message_language(locale_name: str | None) -> str:
    """The supported language for a locale name such as ``de_AT`` or ``en-GB``; English otherwise."""
    code = (locale_name or "").replace("-", "_").split("_")[0].strip().lower()
    return code if code in _WORDS else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class WelcomeMessage:
    """One person's welcome message. It holds a password: never log it, never write it to a file the user
    did not ask for (``repr`` leaves the bodies out)."""

    subject: str
    text: str = field(repr=False)
    """Plain text, lines separated by ``\\n``."""
    html: str = field(repr=False)
    """An HTML document fragment (no scripts, no external resources)."""
    language: str = DEFAULT_LANGUAGE


def build_welcome_message(
    user: NewUser,
    password: str,
    *,
    language: str,
    sign_in_url: str,
    portal_note: bool = True,
    organisation: str = "",
) -> WelcomeMessage:
    """The welcome message for ``user`` (their username is the tenant UPN) with ``password``.

    ``language`` is a code from ``SUPPORTED_LANGUAGES`` (anything else: English); ``sign_in_url`` where to
    sign in (``MICROSOFT_SIGN_IN_URL``, or the sandbox's sign-in page); ``portal_note`` adds the paragraph
    about the Call2Teams portal invitation that follows.
    """
    lang = message_language(language)
    words = _WORDS[lang]
    name = user.first_name.strip() or user.display_name.strip() or user.username
    upn = user.upn
    email = user.email.strip() or upn
    intro = words.intro_with_org.format(organisation=organisation) if organisation.strip() else words.intro
    alternative = (
        words.step_sign_in_alternative.format(url=MICROSOFT_PORTAL_URL)
        if sign_in_url.rstrip("/") == MICROSOFT_SIGN_IN_URL
        else ""
    )
    sign_in = words.step_sign_in.format(url=sign_in_url)
    steps = [f"{sign_in} {alternative}".strip(), words.step_change, words.step_mfa]
    portal = [
        words.portal_private,
        words.portal_username.format(upn=upn, email=email),
        words.portal_junk,
    ]

    lines = [
        words.greeting.format(name=name),
        "",
        intro,
        "",
        f"{words.username}: {upn}",
        f"{words.password}: {password}",
        "",
        words.steps_title,
        *(f"{number}. {step}" for number, step in enumerate(steps, start=1)),
    ]
    if portal_note:
        lines += [
            "",
            words.portal_title,
            words.portal_intro.format(email=email),
            *(f"- {item}" for item in portal),
        ]
    lines += ["", words.keep_private, "", words.closing]
    text = "\n".join(lines) + "\n"

    e = escape
    mono = "font-family:Consolas,'Courier New',monospace;font-size:1.1em"
    html_parts = [
        f"<p>{e(words.greeting.format(name=name))}</p>",
        f"<p>{e(intro)}</p>",
        '<table cellpadding="4" style="border-collapse:collapse">',
        f'<tr><td>{e(words.username)}:</td><td style="{mono}"><b>{e(upn)}</b></td></tr>',
        f'<tr><td>{e(words.password)}:</td><td style="{mono}"><b>{e(password)}</b></td></tr>',
        "</table>",
        f"<h3>{e(words.steps_title)}</h3>",
        "<ol>",
        f"<li>{_linked(words.step_sign_in, sign_in_url)}"
        + (f" {_linked(words.step_sign_in_alternative, MICROSOFT_PORTAL_URL)}" if alternative else "")
        + "</li>",
        f"<li>{e(words.step_change)}</li>",
        f"<li>{e(words.step_mfa)}</li>",
        "</ol>",
    ]
    if portal_note:
        html_parts += [
            f"<h3>{e(words.portal_title)}</h3>",
            f"<p>{e(words.portal_intro.format(email=email))}</p>",
            "<ul>",
            *(f"<li>{e(item)}</li>" for item in portal),
            "</ul>",
        ]
    html_parts += [f"<p><i>{e(words.keep_private)}</i></p>", f"<p>{e(words.closing)}</p>"]
    # A subject of its own per person (their name and username): a bounce report repeats it, and with
    # Mail.ReadBasic the subject is all the wizard can see of a bounce (domain/mail_cap.py).
    subject = f"{words.subject}: {user.display_name.strip() or name} ({upn})"
    return WelcomeMessage(subject=subject, text=text, html="\n".join(html_parts) + "\n", language=lang)


def welcome_sheet_warning(language: str) -> str:
    """The warning printed on every page of a welcome sheet, in the message's language."""
    return _WORDS[message_language(language)].sheet_warning


def _linked(template: str, url: str) -> str:
    """``template`` with ``{url}`` as a link, everything escaped."""
    before, _, after = template.partition("{url}")
    return f'{escape(before)}<a href="{escape(url, quote=True)}">{escape(url)}</a>{escape(after)}'
