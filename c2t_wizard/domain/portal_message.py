"""The message that hands a person their Call2Teams portal activation link, when the partner chose "copy
link" in the portal instead of letting the portal send it.

Pure: no Qt, no I/O. Written in every language the welcome message is (the person may read another
language than the partner's), in plain text and HTML, with the two known pitfalls: "Unknown Account" when
the link is opened while signed in to another Microsoft account, and invitations filtered into Junk. The
link makes whoever opens it an administrator: the message is for the person only (``repr`` leaves it out).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from c2t_wizard.domain.welcome_message import WelcomeMessage, message_language


@dataclass(frozen=True)
class _Words:
    subject: str
    greeting: str
    intro: str
    """``{organisation}``"""
    steps_title: str
    step_private: str
    step_open: str
    """``{url}``"""
    step_sign_in: str
    """``{upn}``"""
    unknown_account: str
    junk: str
    keep_private: str
    closing: str


_WORDS: dict[str, _Words] = {
    "en": _Words(
        subject="Your invitation to the Call2Teams portal",
        greeting="Hello {name},",
        intro="you are invited to administer {organisation} in the Call2Teams portal.",
        steps_title="How to accept it",
        step_private=(
            "Open a private (incognito) window in Chrome or Edge, so no other Microsoft account gets in the "
            "way."
        ),
        step_open="Open this link there: {url}",
        step_sign_in="Sign in with your Microsoft work account {upn}.",
        unknown_account=(
            "If the portal says “Unknown Account”, you were signed in to another Microsoft account: sign out "
            "of all Microsoft accounts (or use a private window) and open the link again."
        ),
        junk=(
            "Mail from new Microsoft accounts is often filtered: if a message from the portal is missing, "
            "look in your Junk folder."
        ),
        keep_private="The link works only once and for whoever opens it first: don't forward it.",
        closing="Welcome aboard!",
    ),
    "de": _Words(
        subject="Ihre Einladung in das Call2Teams-Portal",
        greeting="Hallo {name},",
        intro="Sie sind eingeladen, {organisation} im Call2Teams-Portal zu verwalten.",
        steps_title="So nehmen Sie die Einladung an",
        step_private=(
            "Öffnen Sie ein privates Fenster (Inkognito) in Chrome oder Edge, damit kein anderes "
            "Microsoft-Konto dazwischenkommt."
        ),
        step_open="Öffnen Sie dort diesen Link: {url}",
        step_sign_in="Melden Sie sich mit Ihrem Microsoft-Arbeitskonto {upn} an.",
        unknown_account=(
            "Meldet das Portal „Unknown Account“, waren Sie mit einem anderen Microsoft-Konto angemeldet: "
            "Melden Sie sich von allen Microsoft-Konten ab (oder nutzen Sie ein privates Fenster) und öffnen "
            "Sie den Link erneut."
        ),
        junk=(
            "E-Mails neuer Microsoft-Konten werden oft herausgefiltert: Fehlt eine Nachricht des Portals, "
            "sehen Sie im Junk-E-Mail-Ordner nach."
        ),
        keep_private=(
            "Der Link gilt nur einmal und für den, der ihn zuerst öffnet: Leiten Sie ihn nicht weiter."
        ),
        closing="Willkommen an Bord!",
    ),
}


def build_invitation_message(
    *,
    first_name: str,
    upn: str,
    activation_url: str,
    language: str,
    organisation: str = "",
) -> WelcomeMessage:
    """The message for one person: their activation link, how to open it, and the two known pitfalls."""
    words = _WORDS[message_language(language)]
    name = first_name.strip() or upn
    org = organisation.strip() or "Call2Teams"
    steps = [
        words.step_private,
        words.step_open.format(url=activation_url),
        words.step_sign_in.format(upn=upn),
    ]
    notes = [words.unknown_account, words.junk, words.keep_private]
    text = "\n".join(
        [
            words.greeting.format(name=name),
            "",
            words.intro.format(organisation=org),
            "",
            words.steps_title,
            *(f"{n}. {step}" for n, step in enumerate(steps, start=1)),
            "",
            *(f"- {note}" for note in notes),
            "",
            words.closing,
        ]
    )
    e = escape
    before, _, after = words.step_open.partition("{url}")
    link = f'{e(before)}<a href="{e(activation_url, quote=True)}">{e(activation_url)}</a>{e(after)}'
    html = "\n".join(
        [
            f"<p>{e(words.greeting.format(name=name))}</p>",
            f"<p>{e(words.intro.format(organisation=org))}</p>",
            f"<h3>{e(words.steps_title)}</h3>",
            "<ol>",
            f"<li>{e(words.step_private)}</li>",
            f"<li>{link}</li>",
            f"<li>{e(words.step_sign_in.format(upn=upn))}</li>",
            "</ol>",
            "<ul>",
            *(f"<li>{e(note)}</li>" for note in notes),
            "</ul>",
            f"<p>{e(words.closing)}</p>",
        ]
    )
    return WelcomeMessage(words.subject, text + "\n", html + "\n", message_language(language))
