"""Handing each new user their username and temporary password, at their real work email.

Four methods, best first (``DeliveryMethod``):

- **Graph sendMail** from the signed-in admin's mailbox (``POST /me/sendMail``, one message per person).
  Needs ``Mail.Send`` and ``Mail.Read`` (asked for incrementally, ``enable_send_mail``) and an Exchange
  Online mailbox, which a brand-new tenant's admin usually lacks (no licence).

  **At most once**: each message carries a single-value extended property (``DELIVERY_PROPERTY_ID``) whose
  value is unique to the run, the person and the attempt (``delivery_id``), and is saved to Sent Items
  (``saveToSentItems: true``: a copy of the welcome message, temporary password included, stays in the
  admin's Sent Items). When the answer to a sendMail is lost (the connection dropped after sending, a
  timeout, a 500/502/504), the mail may have been sent: before sending again the service looks for it in
  Sent Items with Graph's documented filter (``singleValueExtendedProperties/Any(ep: ep/id eq '…' and
  ep/value eq '…')``; that needs ``Mail.Read``: ``Mail.ReadBasic`` excludes extended properties). Found:
  sent. Not found (looked twice, a moment apart: Exchange files a sent message shortly after accepting
  it): sent again. Can't be checked (the lookup fails after its retries, Sent Items isn't readable): the
  outcome is *in doubt* ("may have been sent"), and the page asks before sending again. A 429 or 503
  means Graph did not take the message: it is sent again under the shared ``RetryPolicy`` without a
  lookup.
- **Default mail client**: a prefilled ``mailto:`` link per person (``build_mailto``).
- **Clipboard** and **welcome sheet** (PDF): Qt work, done by the page (``ui``); this service only records
  them in the journal.

Does the admin have a mailbox? Graph has no cheap, permission-free "has a mailbox" call
(``/me/mailboxSettings`` needs MailboxSettings.Read and 404s/403s in ways that vary; the sandbox does not
serve it). ``probe_mailbox`` reads ``/me``'s ``mail`` property instead, which Exchange Online sets when it
provisions a mailbox: empty means no mailbox (offer the mail client first); set means "probably" (offer
sendMail first). ``mail`` can be set without a mailbox (synced or hybrid users, a hand-set address), so the
first send's ``404 MailboxNotEnabledForRESTAPI`` is still handled: ``DeliveryProblem.NO_MAILBOX``, and the
page falls back to the mail client.

202 Accepted means accepted, not delivered. Mail from an ``*.onmicrosoft.com`` address reaches at most 100
external recipients per organisation a day (``domain.mail_cap``): ``plan_mail`` counts the last 24 hours
from the journal and says who is beyond it; over the cap Exchange still answers 202 and bounces the mail
later. ``find_bounces`` reads bounce reports in the Inbox (``Mail.ReadBasic``, asked for incrementally by
``enable_bounce_check``: subject and sender only), matches them to people by their mail's own subject and
records them as bounced.

Password resets (``reset_password``) need ``User-PasswordProfile.ReadWrite.All`` (asked for incrementally,
``enable_password_reset``); a 403 is ``RESET_NOT_ALLOWED``: the account's role or the wizard's permission
does not allow it.

Passwords live in memory only: in ``WelcomeMessage`` objects and the Graph request bodies. They are never
logged (only recipients' counts and problems are), never in an exception message, never in the journal
(which records the method and the time per person). Reset passwords (``reset_password``) are generated
here and returned to the caller, nothing else. No Qt here: msgraph is imported inside functions only.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from c2t_wizard.config import DEFAULT_CLIENT_ID
from c2t_wizard.domain.mail_cap import (
    CAP_WINDOW,
    CapPlan,
    InboxMessage,
    bounced_keys,
    is_capped_sender,
    is_external,
    plan_sends,
)
from c2t_wizard.domain.passwords import generate_password
from c2t_wizard.domain.welcome_message import MICROSOFT_SIGN_IN_URL, WelcomeMessage
from c2t_wizard.lazy import lazy_import
from c2t_wizard.logging_setup import redact
from c2t_wizard.services.auth import MAIL_SCOPES, AuthError, AuthProblem
from c2t_wizard.services.http_retry import (
    RetryPolicy,
    Transient,
    http_transient,
    status_transient,
)

if TYPE_CHECKING:
    import asyncio

    import httpx

    from c2t_wizard.services.auth import AuthService
    from c2t_wizard.services.backend import Backend
    from c2t_wizard.services.graph import GraphSession
    from c2t_wizard.services.journal import Journal, PersonRecord
else:
    asyncio = lazy_import("asyncio")
    httpx = lazy_import("httpx")


log = logging.getLogger(__name__)

MAILTO_SAFE_LENGTH = 2000
"""The longest ``mailto:`` URL every common mail client and browser hands over whole (the limit usually
quoted for Internet Explorer/Outlook; longer ones are cut off or not opened at all)."""
RESET_NOT_FOUND_RETRIES = 4
"""``PATCH /users/{id}`` answering 404 (a user moments old, not replicated yet) is retried this often."""
SEND_TIMEOUT = 30.0
DELIVERY_PROPERTY_ID = "String {6f3b8d5e-2c41-4a9e-9b7d-0c2a5e8f1d34} Name C2tDeliveryId"
"""The single-value extended property each welcome mail carries (a GUID of the wizard's own)."""
PASSWORD_RESET_SCOPES: tuple[str, ...] = ("User-PasswordProfile.ReadWrite.All",)
"""What a password reset needs (docs/microsoft-rules.md §1.7): the least privileged permission that may update
``passwordProfile`` (it needs admin consent)."""
SEND_MAIL_SCOPES: tuple[str, ...] = (*MAIL_SCOPES, "Mail.Read")
"""Sending (Mail.Send) and checking Sent Items for a mail whose answer was lost (Mail.Read: Mail.ReadBasic
excludes extended properties, so it cannot filter on them)."""
BOUNCE_SCOPES: tuple[str, ...] = ("Mail.ReadBasic",)
"""Reading bounce reports in the Inbox: subject, sender and date are enough (least privileged)."""
BOUNCE_POLLS = 4
"""After a send, the Inbox is looked at this often for bounce reports (then on request)."""
BOUNCE_POLL_INTERVAL = 20.0
"""Seconds between those looks (Exchange usually bounces within a minute)."""
BOUNCE_PAGE = 50
BOUNCE_MAX_PAGES = 10
"""A bounce check reads at most this many pages of the Inbox (newest first)."""
LOST_ANSWER_ROUNDS = 2
"""A sendMail whose answer was lost is checked and sent again at most this often."""
SENT_ITEMS_SETTLE = 2.0
"""Seconds between the two looks into Sent Items before a lost mail counts as not sent."""
_UNSENT_STATUS = frozenset({429, 503})
"""sendMail answers that say Graph did not take the message (safe to send again without a lookup)."""
_MAX_DETAIL = 300


class DeliveryMethod(Enum):
    """How a person's credentials were (or will be) handed over; the value goes into the journal."""

    SEND_MAIL = "sendmail"
    MAILTO = "mailto"
    CLIPBOARD = "clipboard"
    WELCOME_SHEET = "pdf"


class MailboxStatus(Enum):
    """What ``probe_mailbox`` found out about the signed-in admin's mailbox."""

    LIKELY = "likely"
    """``/me`` has a ``mail`` address: sendMail will probably work."""
    NONE = "none"
    """No ``mail`` address: no Exchange Online mailbox (no licence)."""
    UNKNOWN = "unknown"
    """The probe failed (network, permissions): try sendMail only if the admin picks it."""


class DeliveryProblem(Enum):
    """Why sending failed (the UI words each one)."""

    NO_MAILBOX = "no_mailbox"
    """404 ``MailboxNotEnabledForRESTAPI``/``MailboxNotFound``: the admin has no Exchange Online mailbox;
    401 ``OrganizationFromTenantGuidNotFound``: the tenant has no Exchange organisation at all."""
    NOT_ALLOWED = "not_allowed"
    """401/403 (``ErrorAccessDenied``): no Mail.Send in the token, or the mailbox may not send."""
    CONSENT_DENIED = "consent_denied"
    """Mail.Send was not granted (the admin said no, or the tenant needs admin consent)."""
    SIGN_IN_NEEDED = "sign_in_needed"
    """The sign-in expired and only an interactive one can help."""
    INVALID_RECIPIENT = "invalid_recipient"
    THROTTLED = "throttled"
    NETWORK = "network"
    SERVER = "server"
    USER_NOT_FOUND = "user_not_found"
    """Password reset: the user is not (or no longer) in the directory."""
    RESET_NOT_ALLOWED = "reset_not_allowed"
    """Password reset: 403, the signed-in account's role or the permission given to the wizard does not
    allow it (``User-PasswordProfile.ReadWrite.All`` missing, or the person is an administrator), or the
    permission was not given."""
    CANNOT_CHECK = "cannot_check"
    """A mail whose answer was lost could not be looked up in Sent Items (not readable)."""
    UNKNOWN = "unknown"

    @property
    def stops_sending(self) -> bool:
        """The same answer would come for everyone: stop after the first."""
        return self in (
            DeliveryProblem.NO_MAILBOX,
            DeliveryProblem.NOT_ALLOWED,
            DeliveryProblem.CONSENT_DENIED,
            DeliveryProblem.SIGN_IN_NEEDED,
        )


class DeliveryError(Exception):
    """A delivery or reset failure: ``problem`` for the UI, a technical ``detail`` that never holds a
    password or a token. ``in_doubt``: the mail may have been sent (its answer was lost and Sent Items
    could not tell)."""

    def __init__(self, problem: DeliveryProblem, detail: str = "", *, in_doubt: bool = False) -> None:
        self.problem = problem
        self.detail = _clean(detail)
        self.in_doubt = in_doubt
        super().__init__(problem, self.detail)

    def __str__(self) -> str:
        return f"{self.problem.name}: {self.detail}" if self.detail else self.problem.name


def _clean(text: str) -> str:
    return redact(" ".join(text.split()))[:_MAX_DETAIL]


# --- the onmicrosoft.com cap and bounce reports ------------------------------------------------------


@dataclass(frozen=True)
class Mailed:
    """A person whose welcome mail Graph accepted: what a bounce report of it looks like."""

    key: str
    run_id: str | None
    email: str
    subject: str


# --- mailto ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailtoLink:
    """A ``mailto:`` URL; ``includes_body`` False when the body did not fit (copy it to the clipboard)."""

    url: str = field(repr=False)
    includes_body: bool


def _encode(text: str) -> str:
    """RFC 6068 percent-encoding: every reserved character, spaces as ``%20``, line breaks as ``%0D%0A``."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    return quote(normalised, safe="")


def mailto_url(to: str, subject: str, body: str | None = None) -> str:
    """``mailto:to?subject=…&body=…`` (``body`` left out when None)."""
    address = quote(to.strip(), safe="@")
    query = f"subject={_encode(subject)}"
    if body is not None:
        query += f"&body={_encode(body)}"
    return f"mailto:{address}?{query}"


def build_mailto(to: str, subject: str, body: str, *, limit: int = MAILTO_SAFE_LENGTH) -> MailtoLink:
    """The full link when it fits in ``limit`` characters; otherwise one with only recipient and subject."""
    full = mailto_url(to, subject, body)
    if len(full) <= limit:
        return MailtoLink(full, includes_body=True)
    return MailtoLink(mailto_url(to, subject), includes_body=False)


# --- Graph errors ------------------------------------------------------------------------------------


def classify_send_error(status: int, code: str) -> DeliveryProblem:
    """The problem behind a Graph error answering ``sendMail`` (status and ``error.code``).

    The code is looked at before the status: a tenant with no Exchange organisation at all answers 401
    ``OrganizationFromTenantGuidNotFound`` ("The tenant for tenant guid '…' does not exist."), which is not
    a permission problem but the same as having no mailbox: deliver another way
    (``docs/microsoft-rules.md`` §1.8).
    """
    lowered = code.lower()
    if lowered in (
        "mailboxnotenabledforrestapi",
        "mailboxnotfound",
        "resourcenotfound",
        "organizationfromtenantguidnotfound",
    ) or (status == 404 and "mailbox" in lowered):
        return DeliveryProblem.NO_MAILBOX
    if status in (401, 403):
        return DeliveryProblem.NOT_ALLOWED
    if status == 400 and "recipient" in lowered:
        return DeliveryProblem.INVALID_RECIPIENT
    if status == 429:
        return DeliveryProblem.THROTTLED
    if status >= 500:
        return DeliveryProblem.SERVER
    if status == 404:
        return DeliveryProblem.NO_MAILBOX
    return DeliveryProblem.UNKNOWN


_SIGN_IN_AGAIN = frozenset(
    {
        AuthProblem.INTERACTION_REQUIRED,
        AuthProblem.MFA_REQUIRED,
        AuthProblem.CONDITIONAL_ACCESS,
        AuthProblem.WRONG_CREDENTIALS,
        AuthProblem.USER_NOT_FOUND,
        AuthProblem.TENANT_NOT_FOUND,
    }
)
"""What only a new sign-in cures (an expired or revoked sign-in is INTERACTION_REQUIRED)."""


def classify_reset_error(status: int) -> DeliveryProblem:
    """The problem behind a Graph error answering a password reset (``PATCH /users/{id}``)."""
    if status == 404:
        return DeliveryProblem.USER_NOT_FOUND
    if status in (401, 403):
        return DeliveryProblem.RESET_NOT_ALLOWED
    if status == 429:
        return DeliveryProblem.THROTTLED
    if status >= 500:
        return DeliveryProblem.SERVER
    return DeliveryProblem.UNKNOWN


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _from_exception(exc: BaseException, *, sending: bool) -> DeliveryError:
    """A DeliveryError for what msgraph, httpx or the AuthService raised."""
    from kiota_abstractions.api_error import APIError
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError

    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, AuthError):
        if exc.problem in (
            AuthProblem.CONSENT_DENIED,
            AuthProblem.ADMIN_APPROVAL_NEEDED,
            AuthProblem.ADMIN_APPROVAL_REQUESTED,
        ):
            return DeliveryError(DeliveryProblem.CONSENT_DENIED, str(exc))
        if exc.problem is AuthProblem.NETWORK:
            return DeliveryError(DeliveryProblem.NETWORK, str(exc))
        if exc.problem is AuthProblem.SERVICE_BUSY:  # busy throughout: no reason to sign in again
            return DeliveryError(DeliveryProblem.THROTTLED, str(exc))
        if exc.problem in _SIGN_IN_AGAIN:
            return DeliveryError(DeliveryProblem.SIGN_IN_NEEDED, str(exc))
        # Cancelled or timed out (the consent prompt), or not understood: signing in again is not the cure.
        return DeliveryError(DeliveryProblem.UNKNOWN, str(exc))
    if isinstance(exc, ODataError):
        status = int(exc.response_status_code or 0)
        code = str(exc.error.code or "") if exc.error is not None else ""
        message = str(exc.error.message or "") if exc.error is not None else ""
        detail = f"{status} {code}: {message}"
        if sending:
            return DeliveryError(classify_send_error(status, code), detail)
        if status == 404:
            return DeliveryError(DeliveryProblem.USER_NOT_FOUND, detail)
        if status in (401, 403):
            return DeliveryError(DeliveryProblem.NOT_ALLOWED, detail)
        if status == 429:
            return DeliveryError(DeliveryProblem.THROTTLED, detail)
        if status >= 500:
            return DeliveryError(DeliveryProblem.SERVER, detail)
        return DeliveryError(DeliveryProblem.UNKNOWN, detail)
    if isinstance(exc, APIError):
        status = int(exc.response_status_code or 0)
        problem = classify_send_error(status, "") if sending else DeliveryProblem.UNKNOWN
        return DeliveryError(problem, f"{status} {type(exc).__name__}")
    if isinstance(exc, httpx.TransportError | TimeoutError | OSError):
        return DeliveryError(DeliveryProblem.NETWORK, type(exc).__name__)
    return DeliveryError(DeliveryProblem.UNKNOWN, type(exc).__name__)


# --- the service -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """One message to send: the person's journal key (and run), their real work email, the message."""

    key: str
    to: str
    message: WelcomeMessage = field(repr=False)
    run_id: str | None = None
    """Where the journal records the delivery (None: not recorded)."""
    earlier_id: str | None = None
    """The ``delivery_id`` of an earlier attempt that may have been sent: looked up in Sent Items first
    (found: not sent again; can't be checked: sent again, the partner said so)."""


@dataclass(frozen=True)
class SendOutcome:
    """What became of one ``Outgoing``: ``problem`` None means 202 Accepted (and recorded).
    ``in_doubt``: not confirmed either way, it may have been sent (``problem`` says why it couldn't be
    checked). ``delivery_id``: the value of the message's extended property (for a later check)."""

    key: str
    problem: DeliveryProblem | None = None
    detail: str = ""
    attempted: bool = True
    """False: not sent because an earlier message met a problem that stops sending (``stops_sending``)."""
    in_doubt: bool = False
    delivery_id: str | None = None

    @property
    def sent(self) -> bool:
        return self.problem is None and not self.in_doubt


class DeliveryService:
    """Sends the welcome messages, resets passwords on resume and records deliveries in the journal.

    Use it on the service thread's loop. The journal is passed to each call that records (the app opens it
    after the first paint); None records nothing.
    """

    def __init__(
        self,
        graph: GraphSession,
        auth: AuthService,
        backend: Backend,
        *,
        sandbox: bool = False,
        client_id: str = DEFAULT_CLIENT_ID,
        sleep: Callable[[float], Any] | None = None,
        policy: RetryPolicy | None = None,
        sent_items_settle: float = SENT_ITEMS_SETTLE,
    ) -> None:
        self._graph = graph
        self._auth = auth
        self._backend = backend
        self._sandbox = sandbox
        self._client_id = client_id
        self._sleep = sleep
        self._policy = policy or RetryPolicy()
        self._settle = sent_items_settle

    # --- where to sign in -----------------------------------------------------------------------------

    async def sign_in_url(self, domain: str = "") -> str:
        """Where the new users sign in: Microsoft's My Account page, or in sandbox mode the sandbox's
        sign-in page (which asks a new user to choose a password, as Microsoft's does)."""
        if not self._sandbox:
            return MICROSOFT_SIGN_IN_URL
        endpoints = await self._backend.endpoints()
        query = urlencode(
            {
                "client_id": self._client_id,
                "response_type": "code",
                "redirect_uri": "http://localhost",
            }
        )
        tenant = domain.strip().lower() or "organizations"
        return f"{endpoints.login}/{tenant}/oauth2/v2.0/authorize?{query}"

    # --- sendMail -------------------------------------------------------------------------------------

    async def probe_mailbox(self) -> MailboxStatus:
        """``GET /me?$select=mail``: is there (probably) a mailbox to send from? See the module doc."""
        try:
            me = await self._me(["mail", "userPrincipalName"])
        except Exception as exc:
            log.info("Mailbox probe failed: %s", _from_exception(exc, sending=False))
            return MailboxStatus.UNKNOWN
        status = MailboxStatus.LIKELY if _text(me.get("mail")).strip() else MailboxStatus.NONE
        log.info("Mailbox probe: %s", status.value)
        return status

    async def enable_send_mail(self) -> None:
        """Get consent for Mail.Send and Mail.Read (silently when already granted; else the browser asks)."""
        try:
            await self._auth.acquire_additional_scopes(SEND_MAIL_SCOPES)
        except Exception as exc:
            raise _from_exception(exc, sending=True) from None

    # --- the onmicrosoft.com cap and bounce reports -----------------------------------------------------

    async def sender_address(self) -> str | None:
        """The signed-in admin's mail address (what sendMail sends from), None when unknown or none."""
        try:
            me = await self._me(["mail"])
        except Exception as exc:
            log.info("Sender address unknown: %s", _from_exception(exc, sending=False))
            return None
        return _text(me.get("mail")).strip() or None

    async def _me(self, select: list[str]) -> dict[str, Any]:
        """``GET /me?$select=…`` as plain JSON (``graph.get_json``: reading it into msgraph's ``User`` model
        would import msgraph's whole model graph, 1.5 s of CPU, on the way to the first welcome mail)."""
        from kiota_abstractions.base_request_configuration import RequestConfiguration
        from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder

        from c2t_wizard.services.graph import get_json

        query = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(select=select)
        client = await self._graph.client()
        return await get_json(client.me, RequestConfiguration(query_parameters=query))

    async def plan_mail(
        self,
        journal: Journal | None,
        tenant_id: str,
        tenant_domains: Sequence[str],
        people: Sequence[tuple[str, str]],
    ) -> CapPlan:
        """Who of ``people`` (key, work email) can be mailed now under the onmicrosoft.com cap: the sender's
        address decides whether it applies; the journal says how many external recipients the wizard mailed
        from this organisation in the last 24 hours (a lower bound: other mail counts too)."""
        sender = await self.sender_address() or ""
        sent = bounced = 0
        if journal is not None and is_capped_sender(sender):
            since = datetime.now(UTC) - CAP_WINDOW
            emails = await asyncio.to_thread(journal.mailed_since, tenant_id, since)
            sent = sum(1 for email in emails if is_external(email, tenant_domains))
            bounced = await asyncio.to_thread(journal.bounced_since, tenant_id, since)
        plan = plan_sends(sender, tenant_domains, sent, people, bounced_recently=bounced)
        log.info(
            "Mail cap: capped=%s, %d external recipient(s) in 24 h, %d beyond",
            plan.capped,
            plan.sent,
            len(plan.beyond),
        )
        return plan

    async def enable_bounce_check(self) -> None:
        """Get consent for Mail.ReadBasic, to read bounce reports in the Inbox (silently when granted)."""
        try:
            await self._auth.acquire_additional_scopes(BOUNCE_SCOPES)
        except Exception as exc:
            raise _from_exception(exc, sending=False) from None

    async def find_bounces(
        self, since: datetime, mailed: Sequence[Mailed], *, journal: Journal | None = None
    ) -> set[str]:
        """The keys of ``mailed`` whose mail bounced: bounce reports received in the admin's Inbox since
        ``since`` (``Mail.ReadBasic``: subject and sender only), matched by their subject
        (``domain.mail_cap.bounced_keys``). Each is recorded in the journal as BOUNCED (credentials pending
        again). Raises DeliveryError when the Inbox can't be read."""
        if not mailed:
            return set()
        moment = since.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
        params: dict[str, str] | None = {
            "$filter": f"receivedDateTime ge {moment}",
            "$select": "subject,from,receivedDateTime",
            "$top": str(BOUNCE_PAGE),
        }
        endpoints = await self._backend.endpoints()
        url = f"{endpoints.graph}/me/mailFolders/inbox/messages"
        messages: list[InboxMessage] = []
        for _page in range(BOUNCE_MAX_PAGES):

            async def get(target: str = url, query: dict[str, str] | None = params) -> httpx.Response:
                token = await self._auth.access_token(BOUNCE_SCOPES)
                http = await self._backend.http()
                return await http.get(
                    target, params=query, headers={"Authorization": f"Bearer {token}"}, timeout=SEND_TIMEOUT
                )

            try:
                response = await self._policy.run(
                    get, classify=http_transient, sleep=self._sleep, what="bounce check"
                )
            except Exception as exc:
                raise _from_exception(exc, sending=False) from None
            if response.status_code != 200:
                code, text = _graph_error(response)
                status = response.status_code
                unreadable = status in (401, 403)
                problem = DeliveryProblem.CANNOT_CHECK if unreadable else classify_send_error(status, code)
                raise DeliveryError(problem, f"{status} {code}: {text}")
            try:
                page = response.json()
                values = page.get("value") or []
                following = page.get("@odata.nextLink")
            except (ValueError, AttributeError):
                raise DeliveryError(DeliveryProblem.UNKNOWN, "unreadable answer") from None
            for item in values:
                if isinstance(item, dict):
                    messages.append(_inbox_message(item))
            if not isinstance(following, str) or not following:
                break
            url, params = following, None
        found = bounced_keys(
            messages,
            {person.key: person.subject for person in mailed},
            {person.key: person.email for person in mailed},
        )
        log.info("Bounce check: %d report(s) read, %d person(s) bounced", len(messages), len(found))
        if journal is not None and found:
            bounced = [(p.run_id, p.key) for p in mailed if p.key in found and p.run_id is not None]

            def write() -> None:
                with journal.transaction():
                    for run_id, key in bounced:
                        assert run_id is not None
                        journal.mark_bounced(run_id, key, "ndr")

            await asyncio.to_thread(write)
        return found

    async def send_mail(self, to: str, message: WelcomeMessage, *, delivery_id: str | None = None) -> None:
        """``POST /me/sendMail`` with ``message`` to ``to`` (202 Accepted, or DeliveryError).

        Sent with the shared httpx client and the documented JSON body, not msgraph's request builder:
        msgraph-sdk writes the action's parameters as ``Message``/``SaveToSentItems``, which Microsoft
        accepts but the sandbox (and the documentation) spell ``message``/``saveToSentItems``. A 429 or 503
        is retried under the shared ``RetryPolicy`` (after its Retry-After). With a ``delivery_id`` the
        message carries it and a lost answer is checked in Sent Items before sending again (module doc);
        without one, a lost answer is a NETWORK/SERVER error.
        """
        payload: dict[str, Any] = {
            "message": {
                "subject": message.subject,
                "body": {"contentType": "HTML", "content": _html_document(message)},
                "toRecipients": [{"emailAddress": {"address": to.strip()}}],
            },
            "saveToSentItems": True,
        }
        if delivery_id is not None:
            payload["message"]["singleValueExtendedProperties"] = [
                {"id": DELIVERY_PROPERTY_ID, "value": delivery_id}
            ]
        lost: DeliveryError | None = None
        """The last attempt's answer was lost: it may have been sent."""
        for _round in range(LOST_ANSWER_ROUNDS + 1):
            if lost is not None and delivery_id is not None:
                if await self.was_sent(delivery_id):
                    log.info("sendMail: a lost answer's message is in Sent Items: not sent again")
                    return
                log.info("sendMail: a lost answer's message is not in Sent Items: sending again")
            try:
                response = await self._policy.run(
                    lambda: self._post(payload), classify=_send_transient, sleep=self._sleep, what="sendMail"
                )
            except Exception as exc:
                error = _from_exception(exc, sending=True)
                if delivery_id is None or not _answer_lost(exc):
                    raise error from None
                log.info("sendMail: the answer was lost (%s)", type(exc).__name__)
                lost = error
                continue
            if 200 <= response.status_code < 300:
                return
            code, text = _graph_error(response)
            error = DeliveryError(
                classify_send_error(response.status_code, code), f"{response.status_code} {code}: {text}"
            )
            if delivery_id is None or response.status_code < 500 or response.status_code in _UNSENT_STATUS:
                raise error
            log.info("sendMail: %d, it may have been sent", response.status_code)
            lost = error  # a 500, 502 or 504: Graph may have taken it
        assert lost is not None
        assert delivery_id is not None
        if await self.was_sent(delivery_id):
            return
        raise lost

    async def _post(self, payload: dict[str, Any]) -> httpx.Response:
        # The session's msgraph client asks for the sign-in scopes; sendMail needs Mail.Send.
        token = await self._auth.access_token(SEND_MAIL_SCOPES)
        endpoints = await self._backend.endpoints()
        http = await self._backend.http()
        return await http.post(
            f"{endpoints.graph}/me/sendMail",
            json=payload,
            headers={"Authorization": f"Bearer {token}"},
            timeout=SEND_TIMEOUT,
        )

    async def was_sent(self, delivery_id: str) -> bool:
        """Is the message carrying ``delivery_id`` in the admin's Sent Items? Looks twice, ``settle``
        seconds apart, before answering no. Raises DeliveryError (``in_doubt``) when it can't be checked."""
        quoted = delivery_id.replace("'", "''")
        query = {
            "$filter": (
                f"singleValueExtendedProperties/Any(ep: ep/id eq '{DELIVERY_PROPERTY_ID}' and "
                f"ep/value eq '{quoted}')"
            ),
            "$select": "id",
            "$top": "1",
        }

        async def get() -> httpx.Response:
            token = await self._auth.access_token(SEND_MAIL_SCOPES)
            endpoints = await self._backend.endpoints()
            http = await self._backend.http()
            return await http.get(
                f"{endpoints.graph}/me/mailFolders/SentItems/messages",
                params=query,
                headers={"Authorization": f"Bearer {token}"},
                timeout=SEND_TIMEOUT,
            )

        for look in range(2):
            if look:
                await self._pause(self._settle)
            try:
                response = await self._policy.run(
                    get, classify=http_transient, sleep=self._sleep, what="Sent Items lookup"
                )
            except Exception as exc:
                error = _from_exception(exc, sending=False)
                raise DeliveryError(error.problem, error.detail, in_doubt=True) from None
            if response.status_code != 200:
                code, text = _graph_error(response)
                status = response.status_code
                problem = (
                    DeliveryProblem.CANNOT_CHECK
                    if status in (401, 403, 404)
                    else classify_send_error(status, code)
                )
                raise DeliveryError(problem, f"{status} {code}: {text}", in_doubt=True)
            try:
                found = response.json().get("value")
            except (ValueError, AttributeError):
                raise DeliveryError(DeliveryProblem.UNKNOWN, "unreadable answer", in_doubt=True) from None
            if found:
                return True
        return False

    async def send_each(
        self,
        outgoing: Sequence[Outgoing],
        *,
        journal: Journal | None = None,
        report: Callable[[SendOutcome], None] | None = None,
        stop: threading.Event | None = None,
    ) -> list[SendOutcome]:
        """Send one message per person, in order; each 202 is recorded in ``journal`` at once (for items
        with a ``run_id``). Once ``stop`` is set (from any thread), the message on its way is finished and
        recorded, and the rest are left out of the outcomes (not attempted: they can be sent later).

        A problem that would come for everyone (no mailbox, not allowed, no consent, signed out) stops the
        run: the people after it come back ``attempted=False`` with the same problem. ``report`` hears each
        outcome as it happens (on the service thread).
        """
        outcomes: list[SendOutcome] = []
        stopped: DeliveryError | None = None
        for item in outgoing:
            if stop is not None and stop.is_set():
                log.info("sendMail: stopped before %d message(s)", len(outgoing) - len(outcomes))
                break
            if stopped is not None:
                outcome = SendOutcome(item.key, stopped.problem, stopped.detail, attempted=False)
            else:
                delivery_id = new_delivery_id(item)
                if item.run_id is not None and journal is not None:
                    # Written before the mail leaves: a process killed before the answer is recorded is
                    # followed by one that finds the mail in Sent Items (``find_unrecorded_mail``).
                    await asyncio.to_thread(journal.mark_delivery_attempt, item.run_id, item.key, delivery_id)
                outcome = await self._send_one(item, delivery_id)
                if outcome.problem is not None and outcome.problem.stops_sending and not outcome.in_doubt:
                    stopped = DeliveryError(outcome.problem, outcome.detail)
                if item.run_id is not None:
                    await record_send_outcome(journal, item.run_id, outcome)
            outcomes.append(outcome)
            if report is not None:
                report(outcome)
        sent = sum(1 for outcome in outcomes if outcome.sent)
        log.info("sendMail: %d of %d message(s) accepted", sent, len(outcomes))
        return outcomes

    async def _send_one(self, item: Outgoing, delivery_id: str) -> SendOutcome:
        if item.earlier_id is not None:
            try:
                if await self.was_sent(item.earlier_id):
                    log.info("sendMail: the earlier message is in Sent Items: not sent again")
                    return SendOutcome(item.key, delivery_id=item.earlier_id)
            except DeliveryError as exc:  # still can't tell: the partner chose to send again
                log.info("sendMail: the earlier message can't be checked (%s): sending again", exc)
        try:
            await self.send_mail(item.to, item.message, delivery_id=delivery_id)
        except DeliveryError as exc:
            log.info("sendMail failed for one recipient: %s (in doubt: %s)", exc, exc.in_doubt)
            return SendOutcome(
                item.key, exc.problem, exc.detail, in_doubt=exc.in_doubt, delivery_id=delivery_id
            )
        return SendOutcome(item.key, delivery_id=delivery_id)

    # --- password reset on resume ---------------------------------------------------------------------

    async def enable_password_reset(self) -> None:
        """Get consent for ``User-PasswordProfile.ReadWrite.All`` (silently when already granted: the
        directory step asks for it with the rest; else the browser asks). Refused: RESET_NOT_ALLOWED."""
        try:
            await self._auth.acquire_additional_scopes(PASSWORD_RESET_SCOPES)
        except Exception as exc:
            error = _from_exception(exc, sending=False)
            if error.problem is DeliveryProblem.CONSENT_DENIED:
                raise DeliveryError(DeliveryProblem.RESET_NOT_ALLOWED, error.detail) from None
            raise error from None

    async def reset_password(self, user_id: str) -> str:
        """A new temporary password for the user (``PATCH /users/{id}``, change required at next sign-in);
        returns it (memory only). A 404 is retried a few times (a user moments old may not be readable).

        Needs ``User-PasswordProfile.ReadWrite.All`` (``User.ReadWrite.All`` is not enough, Graph answers
        403): asked for incrementally first (``enable_password_reset``), and the PATCH is sent with a token
        for it. A 403 means the signed-in account's role, or the permission given to the wizard, does not
        allow resetting this person's password: ``RESET_NOT_ALLOWED`` (docs/microsoft-rules.md §1.7).

        Transient answers and lost connections are retried under the shared ``RetryPolicy``: every attempt
        sends the same password, so sending it again after a lost answer sets what the first one set.
        """
        await self.enable_password_reset()
        password = generate_password()
        body = {"passwordProfile": {"password": password, "forceChangePasswordNextSignIn": True}}

        async def patch() -> httpx.Response:
            token = await self._auth.access_token(PASSWORD_RESET_SCOPES)
            endpoints = await self._backend.endpoints()
            http = await self._backend.http()
            return await http.patch(
                f"{endpoints.graph}/users/{quote(user_id, safe='@')}",
                json=body,
                headers={"Authorization": f"Bearer {token}"},
                timeout=SEND_TIMEOUT,
            )

        attempt = 0
        while True:
            try:
                response = await self._policy.run(
                    patch, classify=http_transient, sleep=self._sleep, what="password reset"
                )
            except Exception as exc:
                raise _from_exception(exc, sending=False) from None
            status = response.status_code
            if 200 <= status < 300:
                log.info("Reset the temporary password of user %s", user_id)
                return password
            if status == 404 and attempt < RESET_NOT_FOUND_RETRIES:
                attempt += 1
                await self._pause(0.5 * 2**attempt)
                continue
            code, text = _graph_error(response)
            raise DeliveryError(classify_reset_error(status), f"{status} {code}: {text}")

    async def _pause(self, seconds: float) -> None:
        if self._sleep is not None:
            await self._sleep(seconds)
        else:
            await asyncio.sleep(seconds)


def new_delivery_id(item: Outgoing) -> str:
    """The value a welcome mail carries (unique to the run, the person and the attempt)."""
    return f"{item.run_id or '-'}:{item.key}:{secrets.token_hex(8)}"


async def find_unrecorded_mail(
    service: DeliveryService, journal: Journal, person: PersonRecord
) -> SendOutcome | None:
    """Was ``person``'s last welcome mail sent by a process that died before recording it?

    Only for a person whose credentials are pending and whose journal row names the mail's id (written
    before sending, ``Journal.mark_delivery_attempt``). Found in Sent Items: recorded as sent and returned
    (sent): the person has their sign-in details, their password must not be reset nor mailed again. Can't
    be checked: recorded as in doubt and returned (not sent). Not found, or nothing to look for: None (send
    it, after a reset when the password is lost)."""
    attempt = person.delivery_attempt
    if not person.credentials_pending or attempt is None:
        return None
    try:
        found = await service.was_sent(attempt)
    except DeliveryError as exc:
        outcome = SendOutcome(person.key, exc.problem, exc.detail, in_doubt=True, delivery_id=attempt)
    else:
        if not found:
            return None
        log.info("sendMail: a mail sent before the app stopped is in Sent Items: not sent again")
        outcome = SendOutcome(person.key, delivery_id=attempt)
    await record_send_outcome(journal, person.run_id, outcome)
    return outcome


async def record_delivered(
    journal: Journal | None, people: Sequence[tuple[str, str]], method: DeliveryMethod
) -> None:
    """The journal notes ``method`` and the time for each (run id, key), in one commit; never the password.
    Runs the SQLite write in a worker thread."""
    if journal is None or not people:
        return

    def write() -> None:
        with journal.transaction():
            for run_id, key in people:
                journal.mark_credentials_delivered(run_id, key, method.value)

    await asyncio.to_thread(write)


async def record_password_replaced(journal: Journal | None, people: Sequence[tuple[str, str]]) -> None:
    """The journal notes that each (run id, key) got a new temporary password: the one delivered before no
    longer works, so their credentials are pending again. Runs the SQLite write in a worker thread."""
    if journal is None or not people:
        return

    def write() -> None:
        with journal.transaction():
            for run_id, key in people:
                journal.mark_password_replaced(run_id, key)

    await asyncio.to_thread(write)


async def record_send_outcome(journal: Journal | None, run_id: str, outcome: SendOutcome) -> None:
    """The journal notes what became of one sendMail: sent, in doubt or not delivered (never the password).
    Runs the SQLite write in a worker thread."""
    if journal is None or not outcome.attempted:
        return

    def write() -> None:
        if outcome.sent:
            journal.mark_credentials_delivered(run_id, outcome.key, DeliveryMethod.SEND_MAIL.value)
        else:
            problem = outcome.problem.value if outcome.problem is not None else ""
            journal.mark_delivery_not_confirmed(
                run_id,
                outcome.key,
                DeliveryMethod.SEND_MAIL.value,
                in_doubt=outcome.in_doubt,
                problem=problem,
            )

    await asyncio.to_thread(write)


def _send_transient(outcome: Any) -> Transient | None:
    """sendMail is retried at once only when Graph did not take the message: a 429 or 503 (Retry-After
    honoured), or no connection before the request went out. A lost answer is checked first (send_mail)."""
    if isinstance(outcome, httpx.Response):
        if outcome.status_code in _UNSENT_STATUS:
            return status_transient(outcome.status_code, outcome.headers)
        return None
    if isinstance(outcome, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Transient(f"no connection ({type(outcome).__name__})")
    return None


def _answer_lost(exc: BaseException) -> bool:
    """The request may have reached Graph but its answer never came back."""
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return False
    return isinstance(exc, httpx.TransportError | TimeoutError)


def _graph_error(response: httpx.Response) -> tuple[str, str]:
    """``error.code`` and ``error.message`` of a Graph error answer ("" when it has none)."""
    try:
        body = response.json()
    except ValueError:
        return "", ""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return "", ""
    return str(error.get("code") or ""), str(error.get("message") or "")


def _inbox_message(item: dict[str, Any]) -> InboxMessage:
    sender = item.get("from") or item.get("sender") or {}
    address = sender.get("emailAddress", {}).get("address") if isinstance(sender, dict) else None
    body = item.get("body")
    text = body.get("content") if isinstance(body, dict) else item.get("bodyPreview")
    return InboxMessage(
        subject=str(item.get("subject") or ""),
        sender=str(address or ""),
        body=text if isinstance(text, str) else None,
    )


def _html_document(message: WelcomeMessage) -> str:
    return (
        '<html><head><meta charset="utf-8"></head><body style="font-family:Segoe UI,Arial,sans-serif">'
        f"{message.html}</body></html>"
    )


async def load_people_to_deliver(
    service: DeliveryService, journal: Journal, run_ids: Sequence[str], known: Collection[str]
) -> list[PersonRecord]:
    """``load_created_people``, after asking Sent Items about each person whose welcome mail was on its way
    when an earlier process stopped (a ``delivery_attempt`` recorded, nothing after it) and whose password
    this process does not know (``known``: their keys): found, they have their sign-in details and are
    neither reset nor mailed again; can't be checked, they are in doubt (``find_unrecorded_mail``)."""
    people = await load_created_people(journal, run_ids)
    known_keys = set(known)
    for n, person in enumerate(people):
        if person.key in known_keys or person.delivery_attempt is None or not person.credentials_pending:
            continue
        if await find_unrecorded_mail(service, journal, person) is not None:
            people[n] = await asyncio.to_thread(journal.person, person.run_id, person.key)
    return people


async def load_created_people(journal: Journal, run_ids: Sequence[str]) -> list[PersonRecord]:
    """The people of these runs that were created by the wizard (state CREATED), in run and row order;
    read in a worker thread."""
    from c2t_wizard.services.journal import PersonState

    def read() -> list[PersonRecord]:
        people: list[PersonRecord] = []
        for run_id in run_ids:
            people += [p for p in journal.people(run_id) if p.state is PersonState.CREATED]
        return people

    return await asyncio.to_thread(read)
