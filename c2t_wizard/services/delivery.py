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

Passwords live in memory only: in ``WelcomeMessage`` objects and the Graph request bodies. They are never
logged (only recipients' counts and problems are), never in an exception message, never in the journal
(which records the method and the time per person). Reset passwords (``reset_password``) are generated
here and returned to the caller, nothing else. No Qt here: msgraph is imported inside functions only.
"""

from __future__ import annotations

import functools
import logging
import secrets
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from c2t_wizard.config import DEFAULT_CLIENT_ID
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
SEND_MAIL_SCOPES: tuple[str, ...] = (*MAIL_SCOPES, "Mail.Read")
"""Sending (Mail.Send) and checking Sent Items for a mail whose answer was lost (Mail.Read: Mail.ReadBasic
excludes extended properties, so it cannot filter on them)."""
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
        from kiota_abstractions.base_request_configuration import RequestConfiguration
        from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder

        query = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(
            select=["mail", "userPrincipalName"]
        )
        try:
            client = await self._graph.client()
            me = await client.me.get(request_configuration=RequestConfiguration(query_parameters=query))
        except Exception as exc:
            log.info("Mailbox probe failed: %s", _from_exception(exc, sending=False))
            return MailboxStatus.UNKNOWN
        status = MailboxStatus.LIKELY if me is not None and (me.mail or "").strip() else MailboxStatus.NONE
        log.info("Mailbox probe: %s", status.value)
        return status

    async def enable_send_mail(self) -> None:
        """Get consent for Mail.Send and Mail.Read (silently when already granted; else the browser asks)."""
        try:
            await self._auth.acquire_additional_scopes(SEND_MAIL_SCOPES)
        except Exception as exc:
            raise _from_exception(exc, sending=True) from None

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
                outcome = await self._send_one(item)
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

    async def _send_one(self, item: Outgoing) -> SendOutcome:
        if item.earlier_id is not None:
            try:
                if await self.was_sent(item.earlier_id):
                    log.info("sendMail: the earlier message is in Sent Items: not sent again")
                    return SendOutcome(item.key, delivery_id=item.earlier_id)
            except DeliveryError as exc:  # still can't tell: the partner chose to send again
                log.info("sendMail: the earlier message can't be checked (%s): sending again", exc)
        delivery_id = f"{item.run_id or '-'}:{item.key}:{secrets.token_hex(8)}"
        try:
            await self.send_mail(item.to, item.message, delivery_id=delivery_id)
        except DeliveryError as exc:
            log.info("sendMail failed for one recipient: %s (in doubt: %s)", exc, exc.in_doubt)
            return SendOutcome(
                item.key, exc.problem, exc.detail, in_doubt=exc.in_doubt, delivery_id=delivery_id
            )
        return SendOutcome(item.key, delivery_id=delivery_id)

    # --- password reset on resume ---------------------------------------------------------------------

    async def reset_password(self, user_id: str) -> str:
        """A new temporary password for the user (``PATCH /users/{id}``, change required at next sign-in);
        returns it (memory only). A 404 is retried a few times (a user moments old may not be readable).

        Transient answers and lost connections are retried under the shared ``RetryPolicy``: every attempt
        sends the same password, so sending it again after a lost answer sets what the first one set.
        """
        from kiota_abstractions.base_request_configuration import RequestConfiguration
        from kiota_http.middleware.options import RetryHandlerOption
        from msgraph.generated.models.o_data_errors.o_data_error import ODataError
        from msgraph.generated.models.password_profile import PasswordProfile
        from msgraph.generated.models.user import User

        password = generate_password()
        update = User(
            password_profile=PasswordProfile(password=password, force_change_password_next_sign_in=True)
        )
        # msgraph's own retries off: every wait is the policy's, and bounded.
        config = RequestConfiguration[Any](options=[RetryHandlerOption(max_retries=0, should_retry=False)])
        attempt = 0
        while True:
            try:
                client = await self._graph.client()
                request = client.users.by_user_id(user_id)
                patch = functools.partial(request.patch, update, request_configuration=config)
                await self._policy.run(
                    patch,
                    classify=http_transient,
                    sleep=self._sleep,
                    what="password reset",
                )
            except ODataError as exc:
                if exc.response_status_code == 404 and attempt < RESET_NOT_FOUND_RETRIES:
                    attempt += 1
                    await self._pause(0.5 * 2**attempt)
                    continue
                raise _from_exception(exc, sending=False) from None
            except Exception as exc:
                raise _from_exception(exc, sending=False) from None
            log.info("Reset the temporary password of user %s", user_id)
            return password

    async def _pause(self, seconds: float) -> None:
        if self._sleep is not None:
            await self._sleep(seconds)
        else:
            await asyncio.sleep(seconds)


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


def _html_document(message: WelcomeMessage) -> str:
    return (
        '<html><head><meta charset="utf-8"></head><body style="font-family:Segoe UI,Arial,sans-serif">'
        f"{message.html}</body></html>"
    )


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
