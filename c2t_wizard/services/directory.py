"""Creating the partner's staff in their tenant: ``POST /users`` in Graph ``$batch`` requests.

Users are created **without a licence** (no ``assignLicense``, no ``usageLocation``), enabled, with a
generated password that must be changed at first sign-in, and the person's real work email in ``otherMails``.

How a run goes (``DirectoryService.create_users``):

- Everyone of the run still ``PLANNED`` or ``SENDING`` in the journal is sent, up to ``batch_size`` (20) per
  ``$batch`` and ``max_in_flight`` (``MAX_IN_FLIGHT``, 8) batches at a time, through msgraph-sdk (its auth
  and middleware; the SDK's own retry handler is switched off for these requests so that every wait is ours
  and bounded).
- The journal is written before each request (``SENDING``) and after each answer, one commit per batch.
- Retried, per item: 429 and 503/5xx (after the item's Retry-After, or exponential back-off with jitter),
  a whole batch answered 429/424/5xx, a dropped connection or a timeout. Items retried together wait for the
  longest Retry-After among them (Microsoft's advice for batches). An item whose waits would add up to more
  than ``max_total_wait`` fails (``THROTTLED_TOO_LONG``, ``SERVER`` or ``NETWORK``).
- Idempotency: "Another object with the same value for property userPrincipalName already exists" on the
  first attempt ever means the user existed before: ``EXISTS``, never modified. After an attempt whose answer
  was never seen (``in_doubt``), the user is read back and counted as ours (``CREATED``) only when its
  displayName, mailNickname and otherMails are the ones we sent and its createdDateTime is not older than our
  first attempt (less ``CLOCK_SKEW``); otherwise ``EXISTS``.
  A conflict on anything else (``proxyAddresses``: a group, contact or shared mailbox holds the address) is
  not "existed": the person fails with ``ADDRESS_IN_USE`` and nothing is read back.
- Paced to Graph's identity write quota (``write_quota``: 3,000 writes per 150 s per app and tenant,
  ``throttling-limits.md``): a batch waits until the writes sent in the last window leave room for its items
  (each item is one write), with a small margin for the clock and the network, so a run of thousands does not
  run into a storm of 429s; the quota's window also gives the run's ``eta_seconds``.
- Cancel (``cancel_creation`` from any thread, or cancelling the task): no new batch starts, batches on the
  wire are answered and recorded, people never sent stay ``PLANNED``: the run can be resumed.

Passwords are generated per person (``passwords`` may supply them), kept in memory only and returned in the
``CreationResult`` for the credentials step, never written anywhere and never logged.
msgraph is imported inside functions only (start-up budget).
"""

from __future__ import annotations

import logging
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

from c2t_wizard.domain.passwords import generate_password
from c2t_wizard.lazy import lazy_import
from c2t_wizard.logging_setup import redact
from c2t_wizard.services.http_retry import BACKOFF_BASE as BACKOFF_BASE  # kept importable from here
from c2t_wizard.services.http_retry import BACKOFF_CAP as BACKOFF_CAP
from c2t_wizard.services.http_retry import RETRY_AFTER_CAP as RETRY_AFTER_CAP
from c2t_wizard.services.http_retry import RetryPolicy, retry_delay
from c2t_wizard.services.http_retry import parse_retry_after as parse_retry_after
from c2t_wizard.services.journal import Journal, PersonRecord, PersonState

if TYPE_CHECKING:
    import asyncio

    import httpx
    from kiota_abstractions.request_information import RequestInformation
    from msgraph.graph_service_client import GraphServiceClient

    from c2t_wizard.services.graph import GraphSession
else:
    asyncio = lazy_import("asyncio")
    httpx = lazy_import("httpx")


log = logging.getLogger(__name__)

BATCH_LIMIT = 20
MAX_IN_FLIGHT = 8
"""``$batch`` requests on the wire at once while creating users. Graph documents no limit on concurrent
directory requests, only quotas (``throttling-limits.md``: the write quota, which ``write_quota`` paces to,
and resource units); 8 batches of 20 are 160 writes, 5% of the 3,000-write window. Measured at 150 ms latency
(``stack-measurements.md`` and ``make bench``): 4 in flight 58x faster than one request per user, 8 in flight
75x."""
WRITE_QUOTA = (3000, 150.0)
"""Graph's identity write quota per app and tenant: (writes, seconds)."""
QUOTA_MARGIN = 0.02
"""The quota's window is taken this much longer (plus ``QUOTA_SLACK`` s): our clock is not Graph's."""
QUOTA_SLACK = 0.2
"""Graph's maximum number of requests in one ``$batch``."""
CLOCK_SKEW = timedelta(minutes=2)
"""How far Microsoft's clock may be behind ours when comparing createdDateTime with our first attempt."""
READ_BACK_WAIT = 30.0
"""How long reading a user back after "already exists" may wait (throttling, replication lag)."""
GIVE_UP_READ_WAIT = 5.0
VISIBLE_POLL_CAP = 2.0
"""``wait_until_visible`` asks at least this often."""
_SELECT = ["id", "userPrincipalName", "displayName", "mailNickname", "otherMails", "createdDateTime"]
_MAX_DETAIL = 300

_CONFLICT = "another object with the same value for property userprincipalname already exists"
_PASSWORD = "password complexity"  # noqa: S105 (words of Graph's error message)
_DOMAIN = "domain portion of the userprincipalname"
_OTHER_CONFLICT = (
    "another object with the same value for property",  # …proxyAddresses (or another property) already exists
    "a conflicting object with one or more of the specified property values is present",  # no property named
)


class FailureCode(Enum):
    """Why a person was not created (``failure_code`` in the journal)."""

    DUPLICATE_EXISTED = "DUPLICATE_EXISTED"
    """The username belonged to someone before this run (with state ``EXISTS``)."""
    ADDRESS_IN_USE = "ADDRESS_IN_USE"
    """Another directory object (a mail-enabled group, a contact, a shared mailbox) already uses the
    address: an ``ObjectConflict`` on ``proxyAddresses`` (or on anything but ``userPrincipalName``). Nobody
    was created; another username is needed."""
    PASSWORD_POLICY = "PASSWORD_POLICY"  # noqa: S105 (a code)
    DOMAIN_NOT_VERIFIED = "DOMAIN_NOT_VERIFIED"
    INVALID_PROPERTY = "INVALID_PROPERTY"
    FORBIDDEN = "FORBIDDEN"
    THROTTLED_TOO_LONG = "THROTTLED_TOO_LONG"
    NETWORK = "NETWORK"
    SERVER = "SERVER"
    UNKNOWN = "UNKNOWN"


class NotVisibleError(TimeoutError):
    """A user did not become readable within the time allowed (``wait_until_visible``)."""


@dataclass(frozen=True)
class DirectoryUser:
    """A user as ``GET /users/{id|upn}?$select=…`` answers (``_SELECT``), read from plain JSON; the same
    attribute names as msgraph's ``User`` model."""

    id: str | None
    user_principal_name: str | None = None
    display_name: str | None = None
    mail_nickname: str | None = None
    other_mails: list[str] = field(default_factory=list)
    created_date_time: datetime | None = None

    @classmethod
    def from_json(cls, answer: dict[str, Any]) -> DirectoryUser:
        def text(name: str) -> str | None:
            value = answer.get(name)
            return value if isinstance(value, str) else None

        mails = answer.get("otherMails")
        created = text("createdDateTime")
        try:
            # Graph writes "2026-01-01T12:00:00Z" (3.11's fromisoformat reads the "Z")
            when = datetime.fromisoformat(created) if created else None
        except ValueError:
            when = None
        return cls(
            id=text("id"),
            user_principal_name=text("userPrincipalName"),
            display_name=text("displayName"),
            mail_nickname=text("mailNickname"),
            other_mails=[m for m in mails if isinstance(m, str)] if isinstance(mails, list) else [],
            created_date_time=when,
        )


@dataclass(frozen=True)
class CreationProgress:
    """Where a run stands (counts over the whole run, earlier sessions included)."""

    created: int
    existed: int
    failed: int
    remaining: int
    total: int
    waiting: int = 0
    """People held back by throttling or an outage right now."""
    eta_seconds: float | None = None
    """Seconds until everyone still to send is answered, from the pace so far and the write quota (None
    before the first answer)."""
    last: PersonRecord | None = None
    """The person whose outcome was recorded last (None in the first report)."""

    @property
    def done(self) -> int:
        return self.created + self.existed + self.failed


@dataclass(frozen=True)
class CreationResult:
    """The run after ``create_users``: every person as the journal has them, and the passwords we know."""

    run_id: str
    people: tuple[PersonRecord, ...]
    passwords: Mapping[str, str] = field(repr=False)
    """key -> password for each user created by this process with that password (never persisted)."""
    cancelled: bool = False

    def _count(self, state: PersonState) -> int:
        return sum(1 for person in self.people if person.state is state)

    @property
    def created(self) -> int:
        return self._count(PersonState.CREATED)

    @property
    def existed(self) -> int:
        return self._count(PersonState.EXISTS)

    @property
    def failed(self) -> int:
        return self._count(PersonState.FAILED)

    @property
    def remaining(self) -> int:
        return self._count(PersonState.PLANNED) + self._count(PersonState.SENDING)

    @property
    def needs_password_reset(self) -> tuple[str, ...]:
        """Created users whose password is not known here and was never delivered: the credentials step
        resets their password before delivering it."""
        return tuple(
            person.key
            for person in self.people
            if person.state is PersonState.CREATED
            and person.credentials_pending
            and person.key not in self.passwords
        )


@dataclass
class _Item:
    """One person being created in this call."""

    record: PersonRecord
    password: str = field(repr=False)
    in_doubt: bool
    waited: float = 0.0
    retries: int = 0
    """Back-offs so far (retries without a Retry-After): the exponent of the next one."""
    problem: FailureCode | None = None
    problem_detail: str = ""

    @property
    def key(self) -> str:
        return self.record.key


@dataclass(frozen=True)
class _Answer:
    """One item's answer in a batch response."""

    status: int
    headers: Mapping[str, str]
    body: Any

    @property
    def error(self) -> tuple[str, str, list[Any]]:
        error = self.body.get("error") if isinstance(self.body, dict) else None
        if not isinstance(error, dict):
            return "", "", []
        details = error.get("details")
        return (
            str(error.get("code") or ""),
            str(error.get("message") or ""),
            details if isinstance(details, list) else [],
        )

    @property
    def detail(self) -> str:
        code, message, _ = self.error
        return _detail(f"{self.status} {code}: {message}".strip())


def _detail(text: str) -> str:
    return redact(" ".join(text.split()))[:_MAX_DETAIL]


def _retry_delay(headers: Mapping[str, str] | None) -> float | None:
    """The wait a Retry-After header asks for; None (our back-off) when absent or not positive: a zero wait
    (or a date already past) would retry at once, forever, without ever adding to the bounded total."""
    return retry_delay(_header(headers, "retry-after"))


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if str(key).lower() == name:
            return str(value)
    return None


def classify_error(status: int, code: str, message: str, details: Iterable[Any] = ()) -> FailureCode:
    """The failure code of a final (not retried) Graph error answering ``POST /users``.

    A conflict is classified by its target (docs/microsoft-rules.md §4.3): only one on ``userPrincipalName``
    (an ``ObjectConflict`` detail with that target, or the message naming it) means "a user with this username
    exists"; one on ``proxyAddresses``, on another property or on none named is ``ADDRESS_IN_USE``.
    """
    text = message.lower()
    conflicts = [
        str(d.get("target", "")).lower()
        for d in details
        if isinstance(d, dict) and str(d.get("code", "")).lower() == "objectconflict"
    ]
    if status == 400 and (_CONFLICT in text or "userprincipalname" in conflicts):
        return FailureCode.DUPLICATE_EXISTED
    if status == 400 and (conflicts or any(words in text for words in _OTHER_CONFLICT)):
        return FailureCode.ADDRESS_IN_USE
    if status in (401, 403):
        return FailureCode.FORBIDDEN
    if status == 400 and _PASSWORD in text:
        return FailureCode.PASSWORD_POLICY
    if status == 400 and _DOMAIN in text:
        return FailureCode.DOMAIN_NOT_VERIFIED
    if status == 400:
        return FailureCode.INVALID_PROPERTY
    if status >= 500:
        return FailureCode.SERVER
    return FailureCode.UNKNOWN


def _retryable(status: int) -> bool:
    return status in (408, 424, 429) or status >= 500


class DirectoryService:
    """Graph users for the wizard: bulk creation, availability of a username, waiting for a new user."""

    def __init__(
        self,
        graph: GraphSession,
        journal: Journal,
        *,
        batch_size: int = BATCH_LIMIT,
        max_in_flight: int = MAX_IN_FLIGHT,
        max_total_wait: float = 120.0,
        write_quota: tuple[int, float] | None = WRITE_QUOTA,
        sleep: Callable[[float], Awaitable[Any]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        if not 1 <= batch_size <= BATCH_LIMIT:
            raise ValueError(f"batch_size must be 1..{BATCH_LIMIT}")
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        self._graph = graph
        self._journal = journal
        self.batch_size = batch_size
        self.max_in_flight = max_in_flight
        self.max_total_wait = max_total_wait
        self.write_quota = write_quota
        """(writes, seconds) to pace to; None: no pacing (429s only)."""
        self._sent_at: deque[float] = deque()
        """When each write of the quota's current window was sent (this service's clock)."""
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._policy = RetryPolicy(base=BACKOFF_BASE, cap=BACKOFF_CAP, rng=self._rng)
        """The back-off every call to Microsoft uses (``http_retry``); creation keeps its own loop (per item
        waits, a whole-run budget, in-doubt checks) around it."""
        self._passwords: dict[tuple[str, str], str] = {}
        """Passwords this process sent, per (run, key): a resumed run in the same process reuses them."""
        self._sent_here: dict[tuple[str, str], int] = {}
        """How many attempts per (run, key) this process sent (all of them: the password is known)."""
        self._known: set[tuple[str, str]] = set()
        """(run, key) of users created with the password in ``_passwords``."""
        self._locks: dict[str, asyncio.Lock] = {}
        self._creations: dict[str, _Creation] = {}

    async def sleep(self, seconds: float) -> None:
        if self._sleep is not None:
            await self._sleep(seconds)
        else:
            await asyncio.sleep(seconds)

    def backoff(self, retries: int) -> float:
        """Exponential back-off with jitter for the ``retries``-th retry (1, 2, …): the shared policy's."""
        return self._policy.backoff(retries)

    def _quota_window(self) -> float:
        assert self.write_quota is not None
        return self.write_quota[1] * (1 + QUOTA_MARGIN) + QUOTA_SLACK

    async def pace(self, writes: int) -> None:
        """Wait until ``writes`` more fit in the write quota's window, then count them as sent now."""
        if self.write_quota is None:
            return
        limit = self.write_quota[0]
        writes = min(writes, limit)
        while True:
            now = self._clock()
            window = self._quota_window()
            while self._sent_at and self._sent_at[0] <= now - window:
                self._sent_at.popleft()
            over = len(self._sent_at) + writes - limit
            if over <= 0:
                self._sent_at.extend([now] * writes)
                return
            await self.sleep(max(self._sent_at[over - 1] + window - now, 0.001))

    def eta(self, remaining: int, per_second: float) -> float:
        """Seconds until ``remaining`` more writes are sent at ``per_second`` (the pace so far), none of
        them before the write quota's window has room."""
        now = self._clock()
        if self.write_quota is None:
            return remaining / per_second
        limit, window = self.write_quota[0], self._quota_window()
        sent = [t for t in self._sent_at if t > now - window]
        times: list[float] = []
        for n in range(1, remaining + 1):
            at = now + n / per_second
            earlier = len(sent) + len(times) - limit  # the write whose window must end first
            if earlier >= 0:
                at = max(at, (sent[earlier] if earlier < len(sent) else times[earlier - len(sent)]) + window)
            times.append(at)
        return (times[-1] - now) if times else 0.0

    # --- creation -------------------------------------------------------------------------------------

    async def create_users(
        self,
        run_id: str,
        passwords: Mapping[str, str] | None = None,
        report: Callable[[CreationProgress], None] | None = None,
    ) -> CreationResult:
        """Create everyone of ``run_id`` not created yet (``PLANNED`` or ``SENDING``); see the module doc.

        ``passwords`` (key -> password) overrides the generated ones. ``report`` is called on the service
        thread with a ``CreationProgress`` at the start and after each batch's answer. Raises what is not a
        Graph answer or a network failure (e.g. an ``AuthError`` when the sign-in expired): the journal is
        true then too.
        """
        lock = self._locks.setdefault(run_id, asyncio.Lock())
        async with lock:  # a resumed run waits for a cancelled one to finish recording
            creation = _Creation(self, run_id, passwords or {}, report)
            self._creations[run_id] = creation
            try:
                await creation.run()
            finally:
                self._creations.pop(run_id, None)
            people = tuple(self._journal.people(run_id))
            known = {
                person.key: self._passwords[(run_id, person.key)]
                for person in people
                if person.state is PersonState.CREATED
                and person.credentials_pending
                and (run_id, person.key) in self._known
            }
            return CreationResult(run_id, people, known, cancelled=creation.stopping)

    def cancel_creation(self, run_id: str) -> None:
        """Stop scheduling new batches of ``run_id`` (callable from any thread); ``create_users`` returns
        once the batches on the wire are answered, with ``cancelled=True``."""
        creation = self._creations.get(run_id)
        if creation is not None:
            creation.request_stop()

    def _password_for(self, run_id: str, key: str, given: Mapping[str, str]) -> str:
        password = given.get(key) or self._passwords.get((run_id, key)) or generate_password()
        self._passwords[(run_id, key)] = password
        return password

    # --- single-user reads ----------------------------------------------------------------------------

    async def _get_user_once(self, client: GraphServiceClient, upn_or_id: str) -> DirectoryUser | None:
        """``GET /users/{id|upn}?$select=…`` once (msgraph's own retries off); None on 404. Read as plain
        JSON: msgraph's ``User`` model would import its whole model graph (``graph.get_json``)."""
        from kiota_abstractions.base_request_configuration import RequestConfiguration
        from kiota_http.middleware.options import RetryHandlerOption
        from msgraph.generated.models.o_data_errors.o_data_error import ODataError
        from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder

        from c2t_wizard.services.graph import get_json

        query = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(select=list(_SELECT))
        config = RequestConfiguration(
            query_parameters=query, options=[RetryHandlerOption(max_retries=0, should_retry=False)]
        )
        try:
            answer = await get_json(client.users.by_user_id(upn_or_id), config)
        except ODataError as exc:
            if exc.response_status_code == 404:
                return None
            raise
        return DirectoryUser.from_json(answer)

    async def get_user(self, upn_or_id: str, *, max_wait: float | None = None) -> DirectoryUser | None:
        """The user (id, UPN, displayName, mailNickname, otherMails, createdDateTime), None on 404.

        429, 5xx, dropped connections and timeouts are retried after their Retry-After (or back-off) for at
        most ``max_wait`` seconds of waiting in all (default ``max_total_wait``); then the last error
        raises (``APIError``/``ODataError``, ``httpx.TransportError`` or ``TimeoutError``)."""
        from kiota_abstractions.api_error import APIError

        client = await self._graph.client()
        budget = self.max_total_wait if max_wait is None else max_wait
        waited = 0.0
        retries = 0
        while True:
            try:
                return await self._get_user_once(client, upn_or_id)
            except APIError as exc:
                status = exc.response_status_code or 0
                if not _retryable(status):
                    raise
                delay = _retry_delay(exc.response_headers)
                error: BaseException = exc
            except (httpx.TransportError, TimeoutError) as exc:
                delay, error = None, exc
            retries += 1
            if delay is None:
                delay = self.backoff(retries)
            if waited + delay > budget:
                raise error
            await self.sleep(delay)
            waited += delay

    async def is_username_free(self, upn: str, *, max_wait: float = 10.0) -> bool | None:
        """``GET /users/{upn}``: True when nobody has it (404), False when taken, None when Graph could not
        tell (network, throttling, permissions): never guess "free"."""
        from kiota_abstractions.api_error import APIError

        try:
            user = await self.get_user(upn, max_wait=max_wait)
        except (APIError, httpx.HTTPError, TimeoutError) as exc:
            log.info("could not check whether %s is free: %s", upn, type(exc).__name__)
            return None
        return user is None

    async def usernames_free(self, upns: Iterable[str], *, max_wait: float = 10.0) -> dict[str, bool | None]:
        """Whether each of up to ``BATCH_LIMIT`` usernames is free, in one Graph ``$batch`` of
        ``GET /users/{upn}``: True when nobody has it (404), False when taken (200), None when Graph could not
        tell (network, throttling, permissions): never guess "free".

        Items (or the whole batch) answered 429, 424, 5xx, and a batch without an answer are sent again after
        their Retry-After (or the back-off), for at most ``max_wait`` seconds of waiting in all."""
        todo = list(dict.fromkeys(upns))
        if len(todo) > BATCH_LIMIT:
            raise ValueError(f"at most {BATCH_LIMIT} usernames per batch")
        answers: dict[str, bool | None] = dict.fromkeys(todo)
        if not todo:
            return answers
        client = await self._graph.client()
        waited = 0.0
        retries = 0
        while todo:
            again: list[str] = []
            delay: float | None = None
            try:
                answer = await self._get_users_batch(client, todo)
            except (httpx.TransportError, TimeoutError) as exc:
                log.info("$batch of %d username checks: no answer (%s)", len(todo), type(exc).__name__)
                again = todo
            else:
                if answer.status != 200:
                    if not _retryable(answer.status):
                        log.info("$batch of %d username checks answered %s", len(todo), answer.status)
                        break
                    again, delay = todo, _retry_delay(answer.headers)
                for number, upn in enumerate(todo if answer.status == 200 else (), start=1):
                    item = answer.items.get(str(number))
                    if item is not None and item.status == 404:
                        answers[upn] = True
                    elif item is not None and 200 <= item.status < 300:
                        answers[upn] = False
                    elif item is None or _retryable(item.status):
                        again.append(upn)
                        wanted = _retry_delay(item.headers) if item is not None else None
                        if wanted is not None:
                            delay = max(delay or 0.0, wanted)  # Microsoft: wait the longest in a batch
            if not again:
                break
            retries += 1
            if delay is None:
                delay = self.backoff(retries)
            if waited + delay > max_wait:
                log.info("%d username checks unanswered after %.1f s of waiting", len(again), waited)
                break
            await self.sleep(delay)
            waited += delay
            todo = again
        return answers

    async def _get_users_batch(self, client: GraphServiceClient, upns: list[str]) -> _BatchAnswer:
        """One ``$batch`` of ``GET /users/{upn}?$select=id`` (item ids 1, 2, … in the order of ``upns``)."""
        from kiota_abstractions.base_request_configuration import RequestConfiguration
        from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder

        query = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(select=["id"])
        requests = {
            str(number): client.users.by_user_id(upn).to_get_request_information(
                RequestConfiguration(query_parameters=query)
            )
            for number, upn in enumerate(upns, start=1)
        }
        return await _send_batch(client, requests)

    async def wait_until_visible(self, upn_or_id: str, *, timeout: float = 60.0) -> str:
        """The user's id once ``GET /users/{upn_or_id}`` finds them: a user created moments ago may answer
        404 for a while (Entra's replication). Waits with back-off, at most ``timeout`` seconds in all
        (the sum of the waits, throttling included); then ``NotVisibleError``. Errors that are not
        retried (403, …) raise as ``get_user`` raises them."""
        waited = 0.0
        retries = 0
        while True:
            try:
                user = await self.get_user(upn_or_id, max_wait=max(timeout - waited, 0.0))
            except (httpx.TransportError, TimeoutError) as exc:
                raise NotVisibleError(f"{upn_or_id}: no answer ({type(exc).__name__})") from exc
            if user is not None and user.id:
                return str(user.id)
            retries += 1
            delay = min(self.backoff(retries), VISIBLE_POLL_CAP, max(timeout - waited, 0.0))
            if delay <= 0:
                raise NotVisibleError(f"{upn_or_id} is not visible after {waited:.1f} s")
            await self.sleep(delay)
            waited += delay

    async def warm_up(self) -> None:
        """Import and exercise what creating users and checking usernames need (the ``$batch`` request, its
        options, the username checks' batch serialisation, the error model) without sending anything. Call it
        early (e.g. after sign-in): the first batch then does not pay it while the partner watches."""
        from kiota_abstractions.native_response_handler import NativeResponseHandler  # noqa: F401
        from kiota_http.middleware.options import ResponseHandlerOption, RetryHandlerOption  # noqa: F401
        from msgraph.generated.models.o_data_errors.o_data_error import ODataError  # noqa: F401
        from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder  # noqa: F401
        from msgraph_core.requests.batch_request_content import BatchRequestContent
        from msgraph_core.requests.batch_request_item import BatchRequestItem
        from msgraph_core.requests.batch_response_content import BatchResponseContent  # noqa: F401

        from c2t_wizard.domain.users import NewUser

        client = await self._graph.client()
        sample = NewUser("Warm", "Up", "Warm Up", "warm.up", "example.com", "warm.up@example.com")
        _creation_batch(client, {"1": _user_json(sample, generate_password())})
        content = BatchRequestContent({})
        info = client.users.by_user_id(sample.upn).to_get_request_information()
        content.add_request("1", BatchRequestItem(request_information=info, id="1"))
        await client.batch.to_post_request_information(content)

    # --- one $batch -------------------------------------------------------------------------------------

    async def post_batch(self, client: GraphServiceClient, items: Mapping[str, _Item]) -> _BatchAnswer:
        """Send one ``$batch`` of ``POST /users`` through msgraph's adapter; the raw answer (status, headers,
        items). The bodies are written as JSON, not as msgraph ``User`` models: building and serialising
        those took most of the service thread's time while creating users (py-spy), time in which it holds
        the GIL the window needs to stay smooth."""
        bodies = {request_id: _user_json(item.record, item.password) for request_id, item in items.items()}
        return await _post_batch(client, _creation_batch(client, bodies), set(bodies))


def _creation_batch(client: GraphServiceClient, bodies: Mapping[str, dict[str, Any]]) -> RequestInformation:
    """``POST /$batch`` of one ``POST /users`` per body (item id -> body), as msgraph's batch builder sends
    it, with its content written as JSON."""
    import json

    from kiota_abstractions.method import Method
    from kiota_abstractions.request_information import RequestInformation

    requests = [
        {
            "id": request_id,
            "method": "POST",
            "url": "/users",
            "headers": {"accept": "application/json", "content-type": "application/json"},
            "body": body,
        }
        for request_id, body in bodies.items()
    ]
    request = RequestInformation(Method.POST, client.batch.url_template)
    request.set_stream_content(json.dumps({"requests": requests}).encode(), "application/json")
    return request


async def _send_batch(client: GraphServiceClient, requests: Mapping[str, RequestInformation]) -> _BatchAnswer:
    """One ``$batch`` of ``requests`` (item id -> request), built by msgraph (see ``_post_batch``)."""
    from msgraph_core.requests.batch_request_content import BatchRequestContent
    from msgraph_core.requests.batch_request_item import BatchRequestItem

    content = BatchRequestContent({})
    for request_id, info in requests.items():
        content.add_request(request_id, BatchRequestItem(request_information=info, id=request_id))
    return await _post_batch(client, await client.batch.to_post_request_information(content), set(requests))


async def _post_batch(client: GraphServiceClient, request: RequestInformation, ids: set[str]) -> _BatchAnswer:
    """Send the ``$batch`` ``request`` (of items ``ids``) through msgraph's adapter, with our own retries only
    (bounded, journaled: msgraph's are off); the raw answer, with every item's status, headers and body
    (items whose id was not asked for are left out)."""
    from kiota_abstractions.native_response_handler import NativeResponseHandler
    from kiota_http.middleware.options import ResponseHandlerOption, RetryHandlerOption
    from msgraph_core.requests.batch_response_content import BatchResponseContent

    request.add_request_options(
        [
            RetryHandlerOption(max_retries=0, should_retry=False),
            ResponseHandlerOption(NativeResponseHandler()),
        ]
    )
    response: httpx.Response = await client.request_adapter.send_async(request, BatchResponseContent, {})
    try:
        body = response.json() if response.content else None
    except ValueError:
        body = None
    answers: dict[str, _Answer] = {}
    if response.status_code == 200 and isinstance(body, dict):
        for entry in body.get("responses") or []:
            if not isinstance(entry, dict) or str(entry.get("id")) not in ids:
                continue
            try:
                status = int(entry.get("status", 0))
            except (TypeError, ValueError):
                status = 0
            headers = entry.get("headers") if isinstance(entry.get("headers"), dict) else {}
            answers[str(entry["id"])] = _Answer(status, headers or {}, entry.get("body"))
    return _BatchAnswer(response.status_code, dict(response.headers), body, answers)


@dataclass(frozen=True)
class _BatchAnswer:
    status: int
    headers: Mapping[str, str]
    body: Any
    items: Mapping[str, _Answer]

    @property
    def as_item(self) -> _Answer:
        return _Answer(self.status, self.headers, self.body)


class _Person(Protocol):
    """What a user's body is made of (a ``NewUser`` or a journal ``PersonRecord``)."""

    @property
    def upn(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def mail_nickname(self) -> str: ...


def _user_json(person: _Person, password: str) -> dict[str, Any]:
    """The body of ``POST /users``: enabled, no licence, a password to change at first sign-in (the
    properties msgraph's ``User`` model writes for the same values)."""
    user: dict[str, Any] = {
        "accountEnabled": True,
        "displayName": person.display_name,
        "mailNickname": person.mail_nickname,
        "userPrincipalName": person.upn,
        "passwordProfile": {"forceChangePasswordNextSignIn": True, "password": password},
    }
    if person.first_name:
        user["givenName"] = person.first_name
    if person.last_name:
        user["surname"] = person.last_name
    if person.email:
        user["otherMails"] = [person.email]
    return user


class _Creation:
    """The state of one ``create_users`` call: a queue of people, workers sending batches, sleepers holding
    throttled people back."""

    def __init__(
        self,
        service: DirectoryService,
        run_id: str,
        passwords: Mapping[str, str],
        report: Callable[[CreationProgress], None] | None,
    ) -> None:
        self.service = service
        self.journal = service._journal
        self.run_id = run_id
        self.given = passwords
        self.report_to = report
        self.ready: deque[_Item] = deque()
        self.outstanding = 0
        self.total_at_start = 0
        self.started = 0.0
        self.waiting = 0
        self.stopping = False
        self.sleepers: set[asyncio.Task[None]] = set()
        self.tasks: set[asyncio.Task[None]] = set()
        self.resolvers: set[asyncio.Task[None]] = set()
        """Reading users back (after a conflict, before giving up): their outcome is still to record."""
        self.failures: list[BaseException] = []
        """What a read-back raised (e.g. the journal could not be written): ``create_users`` raises it."""
        self.cond = asyncio.Condition()
        self.loop = asyncio.get_running_loop()
        self.last: PersonRecord | None = None

    # --- control ----------------------------------------------------------------------------------------

    def request_stop(self) -> None:
        """Thread-safe."""
        self.loop.call_soon_threadsafe(self._spawn, self._stop())

    def _spawn(self, coro: Coroutine[Any, Any, None], into: set[asyncio.Task[None]] | None = None) -> None:
        tasks = self.tasks if into is None else into
        task = self.loop.create_task(coro)
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    async def _stop(self) -> None:
        self.stopping = True
        for task in list(self.sleepers):
            task.cancel()
        async with self.cond:
            self.cond.notify_all()

    async def run(self) -> None:
        records = self.journal.people(self.run_id)
        # SENDING here: the answer to the last attempt was never recorded (the app stopped): in doubt, and
        # the journal says so before anything else happens (a 429 on the next attempt must not forget it).
        unanswered = [r.key for r in records if r.state is PersonState.SENDING]
        if unanswered:
            self.journal.mark_retry(self.run_id, unanswered, in_doubt=True)
        for record in records:
            if record.state in (PersonState.PLANNED, PersonState.SENDING):
                password = self.service._password_for(self.run_id, record.key, self.given)
                in_doubt = record.in_doubt or record.state is PersonState.SENDING
                self.ready.append(_Item(record, password, in_doubt))
        self.outstanding = self.total_at_start = len(self.ready)
        self.started = self.service._clock()
        self.report()
        if not self.ready:
            return
        client = await self.service._graph.client()
        workers = [
            asyncio.create_task(self._worker(client), name=f"c2t-create-{n}")
            for n in range(min(self.service.max_in_flight, -(-len(self.ready) // self.service.batch_size)))
        ]
        everything = asyncio.ensure_future(self._drain(workers))
        try:
            results = await asyncio.shield(everything)
        except asyncio.CancelledError:
            # Cancelled from outside: let the batches on the wire finish and be recorded, then stop.
            await self._stop()
            await everything
            raise
        finally:
            for task in list(self.sleepers):
                task.cancel()
            await asyncio.gather(*self.sleepers, *self.tasks, return_exceptions=True)
        errors = [result for result in results if isinstance(result, BaseException)] + self.failures
        if errors:
            raise errors[0]

    async def _drain(self, workers: list[asyncio.Task[None]]) -> list[BaseException | None]:
        """Wait for the workers, then for the read-backs still deciding outcomes."""
        results = await asyncio.gather(*workers, return_exceptions=True)
        while self.resolvers:
            await asyncio.gather(*self.resolvers, return_exceptions=True)
        return results

    # --- workers ----------------------------------------------------------------------------------------

    async def _worker(self, client: GraphServiceClient) -> None:
        try:
            while True:
                async with self.cond:
                    await self.cond.wait_for(self._worth_waking)
                    if self.stopping or not self.ready:
                        return
                    batch = [
                        self.ready.popleft() for _ in range(min(self.service.batch_size, len(self.ready)))
                    ]
                # Waiting for the quota is a sleeper: a stop ends the wait (the people stay planned).
                pacing = asyncio.ensure_future(self.service.pace(len(batch)))
                self.sleepers.add(pacing)
                pacing.add_done_callback(self.sleepers.discard)
                try:
                    await pacing
                except asyncio.CancelledError:
                    if not self._stopped():
                        raise
                if self._stopped():
                    async with self.cond:
                        self.ready.extendleft(reversed(batch))
                    return
                await self._send(client, batch)
        except BaseException:
            await self._stop()
            raise

    def _stopped(self) -> bool:
        return self.stopping

    def _worth_waking(self) -> bool:
        return bool(self.ready) or self.stopping or not self.outstanding

    async def _send(self, client: GraphServiceClient, batch: list[_Item]) -> None:
        items = {str(n): item for n, item in enumerate(batch, start=1)}
        self.journal.mark_sending(self.run_id, [item.key for item in batch])
        for item in batch:
            self.service._sent_here[(self.run_id, item.key)] = (
                self.service._sent_here.get((self.run_id, item.key), 0) + 1
            )
        try:
            answer = await self.service.post_batch(client, items)
        except (httpx.TransportError, TimeoutError) as exc:
            log.info("$batch of %d: no answer (%s); retrying", len(batch), type(exc).__name__)
            detail = _detail(f"no answer: {type(exc).__name__}")
            await self._retry(batch, None, in_doubt=True, problem=FailureCode.NETWORK, detail=detail)
            return
        except BaseException:
            # Not a Graph answer (e.g. the sign-in expired): the attempt may or may not have gone out.
            self.journal.mark_retry(self.run_id, [item.key for item in batch], in_doubt=True)
            raise
        if answer.status != 200:
            await self._whole_batch(batch, answer)
            return
        await self._items(batch, items, answer)

    async def _whole_batch(self, batch: list[_Item], answer: _BatchAnswer) -> None:
        whole = answer.as_item
        log.info("$batch of %d answered %s", len(batch), answer.status)
        if _retryable(answer.status):
            delay = _retry_delay(answer.headers)
            problem = FailureCode.THROTTLED_TOO_LONG if answer.status == 429 else FailureCode.SERVER
            # Nothing ran when the batch is refused as a whole with 429; a 424 or 5xx may hide anything.
            await self._retry(
                batch, delay, in_doubt=answer.status != 429, problem=problem, detail=whole.detail
            )
            return
        code, message, details = whole.error
        failure = classify_error(answer.status, code, message, details)
        if failure is FailureCode.DUPLICATE_EXISTED:
            failure = FailureCode.UNKNOWN
        with self.journal.transaction():
            for item in batch:
                self.journal.mark_failed(self.run_id, item.key, failure.value, whole.detail)
        self._finished(batch)

    async def _items(self, batch: list[_Item], items: Mapping[str, _Item], answer: _BatchAnswer) -> None:
        retry: list[tuple[_Item, float | None, bool, FailureCode, str]] = []
        conflicts: list[tuple[_Item, _Answer]] = []
        finished: list[_Item] = []
        with self.journal.transaction():
            for request_id, item in items.items():
                reply = answer.items.get(request_id)
                if reply is None:  # an item the answer forgot: unknown outcome
                    retry.append((item, None, True, FailureCode.SERVER, "no answer for this item"))
                    continue
                if reply.status in (200, 201):
                    user_id = reply.body.get("id") if isinstance(reply.body, dict) else None
                    self.journal.mark_created(self.run_id, item.key, str(user_id or ""))
                    self.service._known.add((self.run_id, item.key))
                    finished.append(item)
                    continue
                if _retryable(reply.status):
                    delay = _retry_delay(reply.headers)
                    problem = FailureCode.THROTTLED_TOO_LONG if reply.status == 429 else FailureCode.SERVER
                    retry.append((item, delay, reply.status not in (424, 429), problem, reply.detail))
                    continue
                code, message, details = reply.error
                failure = classify_error(reply.status, code, message, details)
                if failure is FailureCode.DUPLICATE_EXISTED:
                    if not item.in_doubt:
                        # Our very first attempt was refused: the user was there before us.
                        self.journal.mark_exists(
                            self.run_id, item.key, code=failure.value, detail=reply.detail
                        )
                        finished.append(item)
                    else:
                        conflicts.append((item, reply))
                    continue
                self.journal.mark_failed(self.run_id, item.key, failure.value, reply.detail)
                finished.append(item)
        self._finished(finished)
        for item, reply in conflicts:  # reading users back must not hold this batch slot
            self._spawn(self._resolving(self._resolve_conflict(item, reply)), self.resolvers)
        if retry:
            delay = max((d for _, d, _, _, _ in retry if d is not None), default=None)
            groups: dict[bool, list[_Item]] = {}
            for item, _, in_doubt, problem, detail in retry:
                item.problem, item.problem_detail = problem, detail
                groups.setdefault(in_doubt, []).append(item)
            for in_doubt, group in groups.items():
                await self._retry(group, delay, in_doubt=in_doubt, problem=None, detail="")

    async def _resolving(self, outcome: Coroutine[Any, Any, None]) -> None:
        """Run a read-back; if it fails before recording its person, stop the run (the workers would
        otherwise wait for that person forever) and let ``create_users`` raise what happened."""
        try:
            await outcome
        except Exception as exc:
            self.failures.append(exc)
            await self._stop()

    async def _resolve_conflict(self, item: _Item, reply: _Answer) -> None:
        """ "Already exists" after an attempt whose answer we never saw: ours, or someone else's?"""
        service = self.service
        try:
            user = await service.get_user(item.record.upn, max_wait=READ_BACK_WAIT)
            if user is None:  # it exists (the POST said so) but is not readable yet
                await service.wait_until_visible(item.record.upn, timeout=READ_BACK_WAIT)
                user = await service.get_user(item.record.upn, max_wait=READ_BACK_WAIT)
        except Exception as exc:
            log.info("could not read back %s after a conflict: %s", item.record.upn, type(exc).__name__)
            user = None
        if user is None:
            self.journal.mark_failed(
                self.run_id,
                item.key,
                FailureCode.UNKNOWN.value,
                "already exists, and could not be read back to tell whether this run created it",
            )
        elif _is_ours(self.journal.person(self.run_id, item.key), user):
            self.journal.mark_created(self.run_id, item.key, str(user.id or ""))
            if (
                self.service._sent_here.get((self.run_id, item.key), 0)
                >= self.journal.person(self.run_id, item.key).attempts
            ):
                self.service._known.add((self.run_id, item.key))  # every attempt carried this password
        else:
            self.journal.mark_exists(
                self.run_id,
                item.key,
                str(user.id or "") or None,
                code=FailureCode.DUPLICATE_EXISTED.value,
                detail=reply.detail,
            )
        self._finished([item])

    async def _retry(
        self,
        batch: list[_Item],
        delay: float | None,
        *,
        in_doubt: bool,
        problem: FailureCode | None,
        detail: str,
    ) -> None:
        """Back to the queue after ``delay`` (None: back-off), or failed when the waits would exceed the
        bound."""
        for item in batch:
            item.in_doubt = item.in_doubt or in_doubt
            if problem is not None:
                item.problem, item.problem_detail = problem, detail
        if delay is None:
            # Only waits we choose ourselves grow: a Retry-After is the server's own measure.
            for item in batch:
                item.retries += 1
            delay = self.service.backoff(min(item.retries for item in batch))
        keep = [item for item in batch if item.waited + delay <= self.service.max_total_wait]
        give_up = [item for item in batch if item.waited + delay > self.service.max_total_wait]
        with self.journal.transaction():  # the journal keeps each person's doubt, whatever this answer was
            for doubt in (False, True):
                keys = [item.key for item in batch if item.in_doubt is doubt]
                if keys:
                    self.journal.mark_retry(self.run_id, keys, in_doubt=doubt)
        for item in give_up:
            self._spawn(self._resolving(self._give_up(item)), self.resolvers)
        if not keep:
            return
        for item in keep:
            item.waited += delay
        if self.stopping:
            return
        self.waiting += len(keep)
        task = asyncio.create_task(self._requeue_after(delay, keep), name="c2t-create-wait")
        self.sleepers.add(task)
        task.add_done_callback(self.sleepers.discard)

    async def _requeue_after(self, delay: float, items: list[_Item]) -> None:
        try:
            await self.service.sleep(delay)
        finally:
            self.waiting -= len(items)
        async with self.cond:
            if not self.stopping:
                self.ready.extend(items)
            self.cond.notify_all()

    async def _give_up(self, item: _Item) -> None:
        problem = item.problem or FailureCode.UNKNOWN
        if item.in_doubt:
            # An earlier attempt may have worked: look before calling it a failure.
            try:
                user = await self.service.get_user(item.record.upn, max_wait=GIVE_UP_READ_WAIT)
            except Exception:
                user = None
            person = self.journal.person(self.run_id, item.key)
            if user is not None and _is_ours(person, user):
                self.journal.mark_created(self.run_id, item.key, str(user.id or ""))
                if self.service._sent_here.get((self.run_id, item.key), 0) >= person.attempts:
                    self.service._known.add((self.run_id, item.key))
                self._finished([item])
                return
        waited = f"gave up after waiting {item.waited:.0f} s in all"
        detail = f"{waited}; last: {item.problem_detail}" if item.problem_detail else waited
        self.journal.mark_failed(self.run_id, item.key, problem.value, _detail(detail))
        self._finished([item])

    def _finished(self, items: list[_Item]) -> None:
        if not items:
            return
        self.outstanding -= len(items)
        self.last = self.journal.person(self.run_id, items[-1].key)
        self.report()
        if not self.outstanding:
            self._spawn(self._notify())

    async def _notify(self) -> None:
        async with self.cond:
            self.cond.notify_all()

    def report(self) -> None:
        if self.report_to is None:
            return
        summary = self.journal.run(self.run_id)
        remaining = summary.planned + summary.sending
        eta: float | None = None
        answered = self.total_at_start - self.outstanding
        elapsed = self.service._clock() - self.started
        if answered > 0 and elapsed > 0:
            eta = self.service.eta(remaining, answered / elapsed)
        progress = CreationProgress(
            created=summary.created,
            existed=summary.exists,
            failed=summary.failed,
            remaining=remaining,
            total=summary.total,
            waiting=self.waiting,
            last=self.last,
            eta_seconds=eta,
        )
        try:
            self.report_to(progress)
        except Exception:
            log.exception("the progress callback failed")


def _is_ours(person: PersonRecord, user: DirectoryUser) -> bool:
    """Whether ``user`` (read back after "already exists") is the one an earlier attempt of ours created."""
    if (user.display_name or "") != person.display_name:
        return False
    if (user.mail_nickname or "").lower() != person.mail_nickname.lower():
        return False
    if person.email and person.email.lower() not in {m.lower() for m in (user.other_mails or [])}:
        return False
    created = user.created_date_time
    first = person.first_sent_at
    if created is None or first is None:
        return False
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return bool(created >= first.replace(microsecond=0) - CLOCK_SKEW)
