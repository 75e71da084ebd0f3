"""Handing each new user their username and temporary password, at their real work email.

Four methods, best first (``DeliveryMethod``):

- **Graph sendMail** from the signed-in admin's mailbox (``POST /me/sendMail``, one message per person,
  ``saveToSentItems: false`` so no copy of a password stays in the admin's Sent Items). Needs ``Mail.Send``
  (asked for incrementally, ``enable_send_mail``) and an Exchange Online mailbox, which a brand-new tenant's
  admin usually lacks (no licence).
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

import logging
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
from c2t_wizard.services.http_retry import retry_delay

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
SEND_RETRIES = 3
"""A throttled (429) or unavailable (503) sendMail is retried this often."""
SEND_TIMEOUT = 30.0
MAX_RETRY_WAIT = 30.0
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
    """404 ``MailboxNotEnabledForRESTAPI``/``MailboxNotFound``: the admin has no Exchange Online mailbox."""
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
    password or a token."""

    def __init__(self, problem: DeliveryProblem, detail: str = "") -> None:
        self.problem = problem
        self.detail = _clean(detail)
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
    """The problem behind a Graph error answering ``sendMail`` (status and ``error.code``)."""
    lowered = code.lower()
    if lowered in ("mailboxnotenabledforrestapi", "mailboxnotfound", "resourcenotfound") or (
        status == 404 and "mailbox" in lowered
    ):
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


def _from_exception(exc: BaseException, *, sending: bool) -> DeliveryError:
    """A DeliveryError for what msgraph, httpx or the AuthService raised."""
    from kiota_abstractions.api_error import APIError
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError

    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, AuthError):
        if exc.problem is AuthProblem.CONSENT_DENIED:
            return DeliveryError(DeliveryProblem.CONSENT_DENIED, str(exc))
        if exc.problem is AuthProblem.NETWORK:
            return DeliveryError(DeliveryProblem.NETWORK, str(exc))
        return DeliveryError(DeliveryProblem.SIGN_IN_NEEDED, str(exc))
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


@dataclass(frozen=True)
class SendOutcome:
    """What became of one ``Outgoing``: ``problem`` None means 202 Accepted (and recorded)."""

    key: str
    problem: DeliveryProblem | None = None
    detail: str = ""
    attempted: bool = True
    """False: not sent because an earlier message met a problem that stops sending (``stops_sending``)."""

    @property
    def sent(self) -> bool:
        return self.problem is None


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
    ) -> None:
        self._graph = graph
        self._auth = auth
        self._backend = backend
        self._sandbox = sandbox
        self._client_id = client_id
        self._sleep = sleep

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
        """Get consent for Mail.Send (silently when already granted; else the browser asks)."""
        try:
            await self._auth.acquire_additional_scopes(MAIL_SCOPES)
        except Exception as exc:
            raise _from_exception(exc, sending=True) from None

    async def send_mail(self, to: str, message: WelcomeMessage) -> None:
        """``POST /me/sendMail`` with ``message`` to ``to`` (202 Accepted, or DeliveryError).

        Sent with the shared httpx client and the documented JSON body, not msgraph's request builder:
        msgraph-sdk writes the action's parameters as ``Message``/``SaveToSentItems``, which Microsoft
        accepts but the sandbox (and the documentation) spell ``message``/``saveToSentItems``. A 429 or 503
        is retried after its Retry-After (at most ``SEND_RETRIES`` times, each wait capped).
        """
        payload = {
            "message": {
                "subject": message.subject,
                "body": {"contentType": "HTML", "content": _html_document(message)},
                "toRecipients": [{"emailAddress": {"address": to.strip()}}],
            },
            "saveToSentItems": False,
        }
        attempt = 0
        while True:
            try:
                # The session's msgraph client asks for the sign-in scopes; sendMail needs Mail.Send.
                token = await self._auth.access_token(MAIL_SCOPES)
                endpoints = await self._backend.endpoints()
                http = await self._backend.http()
                response = await http.post(
                    f"{endpoints.graph}/me/sendMail",
                    json=payload,
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=SEND_TIMEOUT,
                )
            except Exception as exc:
                raise _from_exception(exc, sending=True) from None
            if response.status_code == 202 or 200 <= response.status_code < 300:
                return
            if response.status_code in (429, 503) and attempt < SEND_RETRIES:
                attempt += 1
                await self._pause(_retry_after(response.headers.get("Retry-After"), attempt))
                continue
            code, text = _graph_error(response)
            raise DeliveryError(
                classify_send_error(response.status_code, code), f"{response.status_code} {code}: {text}"
            )

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
                try:
                    await self.send_mail(item.to, item.message)
                except DeliveryError as exc:
                    log.info("sendMail failed for one recipient: %s", exc)
                    outcome = SendOutcome(item.key, exc.problem, exc.detail)
                    if exc.problem.stops_sending:
                        stopped = exc
                else:
                    outcome = SendOutcome(item.key)
                    if item.run_id is not None:
                        await record_delivered(journal, [(item.run_id, item.key)], DeliveryMethod.SEND_MAIL)
            outcomes.append(outcome)
            if report is not None:
                report(outcome)
        sent = sum(1 for outcome in outcomes if outcome.sent)
        log.info("sendMail: %d of %d message(s) accepted", sent, len(outcomes))
        return outcomes

    # --- password reset on resume ---------------------------------------------------------------------

    async def reset_password(self, user_id: str) -> str:
        """A new temporary password for the user (``PATCH /users/{id}``, change required at next sign-in);
        returns it (memory only). A 404 is retried a few times (a user moments old may not be readable)."""
        from msgraph.generated.models.o_data_errors.o_data_error import ODataError
        from msgraph.generated.models.password_profile import PasswordProfile
        from msgraph.generated.models.user import User

        password = generate_password()
        update = User(
            password_profile=PasswordProfile(password=password, force_change_password_next_sign_in=True)
        )
        attempt = 0
        while True:
            try:
                client = await self._graph.client()
                await client.users.by_user_id(user_id).patch(update)
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


def _retry_after(value: str | None, attempt: int) -> float:
    """Seconds to wait: Retry-After when given (seconds or an HTTP date; capped), else exponential back-off
    (also for a zero wait or a date already past, which would retry at once)."""
    delay = retry_delay(value, cap=MAX_RETRY_WAIT)
    return delay if delay is not None else min(2.0**attempt, MAX_RETRY_WAIT)


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
