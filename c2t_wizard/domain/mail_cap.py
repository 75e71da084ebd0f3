"""Exchange Online's cap on mail from ``*.onmicrosoft.com`` addresses, and recognising its bounce reports.

Mail whose sender address is on an ``onmicrosoft.com`` domain (a new tenant's administrator, until a custom
domain becomes their primary address) may reach at most ``MOERA_CAP`` external recipients per organisation
in a rolling 24 hours; over it ``sendMail`` still answers 202 Accepted and the message bounces later with a
non-delivery report (NDR, ``550 5.7.236``) in the sender's Inbox (``docs/microsoft-rules.md`` §3.1–3.2).
Recipients on the tenant's own domains are internal and never counted.

``plan_sends`` splits the people to mail into those within what is left of the cap and those beyond it (to
be offered another way). The count comes from the wizard's own journal: other mail the organisation sent
counts too, so it is a lower bound.

``bounced_keys`` matches NDRs to people. With ``Mail.ReadBasic`` only the subject, sender and date are
visible, so each person's welcome mail has a subject of its own (it names them); an NDR's subject is a
localised prefix ("Undeliverable:", "Unzustellbar:", …) followed by the original subject, and it comes from
Exchange's ``MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@…`` sender (or a ``postmaster@`` one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

MOERA_CAP = 100
"""External recipients per organisation per rolling 24 hours from onmicrosoft.com senders."""
CAP_WINDOW = timedelta(hours=24)
NDR_SENDERS = ("microsoftexchange329e71ec88ae4615bbc36ab6ce41109e@", "postmaster@", "mailer-daemon@")
"""How the local part of a non-delivery report's sender starts (lower case)."""
MAX_PREFIX = 40
"""The longest prefix ("Undeliverable:", "Non remis :", …) put before the original subject."""


def _domain(address: str) -> str:
    return address.strip().rpartition("@")[2].lower()


def is_capped_sender(address: str) -> bool:
    """Is mail from ``address`` subject to the onmicrosoft.com cap?"""
    return _domain(address).endswith(".onmicrosoft.com")


def is_external(address: str, tenant_domains: Iterable[str]) -> bool:
    """Is ``address`` outside the organisation (not on one of its domains)?"""
    return _domain(address) not in {domain.strip().lower() for domain in tenant_domains}


@dataclass(frozen=True)
class CapPlan:
    """Who can be mailed now and who is beyond the cap."""

    capped: bool
    """The sender's address is on onmicrosoft.com (the cap applies)."""
    sent: int
    """External recipients the wizard mailed from this organisation in the last 24 hours."""
    within: tuple[str, ...]
    """Keys of the people that can be mailed now, in the order given."""
    beyond: tuple[str, ...]
    """Keys of the people over the cap: deliver to them another way (or tomorrow)."""
    bounced: int = 0
    """Mails from this organisation that bounced in the last 24 hours (the cap may be reached already:
    the organisation's other mail counts too, and the journal can't see it)."""

    @property
    def remaining(self) -> int | None:
        """External recipients left before the cap (None: not capped)."""
        return max(0, MOERA_CAP - self.sent) if self.capped else None


def plan_sends(
    sender: str,
    tenant_domains: Iterable[str],
    sent_recently: int,
    people: Sequence[tuple[str, str]],
    *,
    bounced_recently: int = 0,
) -> CapPlan:
    """Split ``people`` (key, work email) for a sender: internal recipients always go; external ones as long
    as the cap allows, given ``sent_recently`` external recipients in the last 24 hours."""
    domains = tuple(tenant_domains)
    if not is_capped_sender(sender):
        return CapPlan(False, sent_recently, tuple(key for key, _email in people), (), bounced_recently)
    left = max(0, MOERA_CAP - sent_recently)
    within: list[str] = []
    beyond: list[str] = []
    for key, email in people:
        if not is_external(email, domains):
            within.append(key)
        elif left > 0:
            within.append(key)
            left -= 1
        else:
            beyond.append(key)
    return CapPlan(True, sent_recently, tuple(within), tuple(beyond), bounced_recently)


@dataclass(frozen=True)
class InboxMessage:
    """A message in the sender's Inbox, as much as the permission shows (no body under Mail.ReadBasic)."""

    subject: str
    sender: str
    body: str | None = None


def is_bounce_report(message: InboxMessage) -> bool:
    return message.sender.strip().lower().startswith(NDR_SENDERS)


def _reports_subject(report_subject: str, original: str) -> bool:
    """``report_subject`` is a short localised prefix ending in ":" followed by ``original``."""
    text, wanted = report_subject.strip().casefold(), original.strip().casefold()
    if not wanted or not text.endswith(wanted):
        return False
    prefix = text[: len(text) - len(wanted)].strip()
    return prefix.endswith(":") and 1 < len(prefix) <= MAX_PREFIX


def bounced_keys(
    messages: Iterable[InboxMessage], subjects: Mapping[str, str], emails: Mapping[str, str]
) -> set[str]:
    """The keys of the people whose mail bounced: a bounce report whose subject is a prefix and their mail's
    subject (``subjects``), or, when its body is readable, one that names their work email (``emails``)."""
    found: set[str] = set()
    for message in messages:
        if not is_bounce_report(message):
            continue
        for key, subject in subjects.items():
            if _reports_subject(message.subject, subject):
                found.add(key)
        if message.body:
            found.update(key for key, email in emails.items() if _names(message.body, email))
    return found


def _names(body: str, email: str) -> bool:
    """Does ``body`` name ``email`` as a whole address (not ``anna@x`` inside ``joanna@x``)?"""
    address = email.strip()
    if not address:
        return False
    pattern = rf"(?<![\w.+-]){re.escape(address)}(?![\w.-])"
    return re.search(pattern, body, re.IGNORECASE) is not None
