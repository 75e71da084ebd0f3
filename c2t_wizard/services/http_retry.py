"""One retry policy for every call to Microsoft; the Retry-After header read the same way by every service.

``RetryPolicy`` is the bounded, jittered exponential back-off that user creation uses, with Retry-After
honoured (capped), a bound on attempts and on the total wait. ``RetryPolicy.run`` retries an async operation
while a classifier calls its outcome transient::

    policy = RetryPolicy()
    response = await policy.run(lambda: http.get(url), classify=http_transient)
    # a write whose answer may be lost: only answers that say "not done" are retried
    response = await policy.run(lambda: http.post(url, json=body), classify=http_transient_write)

The classifier sees what the operation returned or raised and answers a ``Transient`` (retry, after its
``retry_after`` if known) or None (final: returned or raised as it is). When the attempts or the total wait
run out, the last outcome is returned or raised unchanged: callers word it as before (a 503 that outlived
its retries is still a 503, never "sign in again").

Transient: HTTP 429, 502, 503, 504; OAuth ``temporarily_unavailable`` and transient AADSTS codes (90033 …)
in MSAL's result dicts; a connection that failed before any request was sent. A dropped connection or a
timeout after the request went out is retried only for reads and token requests (``http_transient``,
``oauth_transient``): a write whose answer was lost may have happened (user creation and mail check
before sending again, ``http_transient_write`` does not retry it).
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

log = logging.getLogger(__name__)

RETRY_AFTER_CAP = 300.0
"""The longest wait a Retry-After header is believed for."""
BACKOFF_BASE = 0.5
"""The first back-off's ceiling (seconds); it doubles per retry."""
BACKOFF_CAP = 30.0
"""No back-off is longer than this."""
ATTEMPTS = 5
"""Attempts of one call (the first one included) in the default policy."""
MAX_TOTAL_WAIT = 60.0
"""The default policy gives up once its waits would add up to more than this (seconds)."""

TRANSIENT_STATUS = frozenset({429, 502, 503, 504})
"""HTTP answers that say "not now, try again" (the request was not carried out)."""
TRANSIENT_AADSTS = frozenset({90033, 90006, 50087, 90100})
"""Identity codes that say "try again": 90033 transient error (service unavailable), 90006 external server
retryable error, 50087 strong-authentication retryable error, 90100 … temporarily unavailable."""
TRANSIENT_OAUTH_ERRORS = frozenset({"temporarily_unavailable"})

_HTTP_ERROR_STATUS = re.compile(r"HTTP (?:Error: |status: )(\d{3})")

T = TypeVar("T")


def parse_retry_after(
    value: str | None, *, now: datetime | None = None, cap: float = RETRY_AFTER_CAP
) -> float | None:
    """Seconds from a Retry-After header (a number, possibly fractional, or an HTTP date), between 0 and
    ``cap``; None if absent or unreadable."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = (moment - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), cap)


def retry_delay(
    value: str | None, *, now: datetime | None = None, cap: float = RETRY_AFTER_CAP
) -> float | None:
    """The wait a Retry-After header asks for; None (the caller's back-off) when absent or not positive: a
    zero wait (or a date already past) would retry at once, forever, never adding to a bounded total."""
    return parse_retry_after(value, now=now, cap=cap) or None


@dataclass(frozen=True)
class Transient:
    """A classifier's verdict "try again": after ``retry_after`` seconds when the answer said so."""

    reason: str
    retry_after: float | None = None


Classifier = Callable[[Any], Transient | None]
"""Gets what an attempt returned or raised; a ``Transient`` to retry it, None when it is final."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry a call to Microsoft (see the module doc).

    ``attempts`` bounds the calls (the first included); ``max_total_wait`` the sum of the waits; each wait
    is the answer's Retry-After (believed up to ``retry_after_cap``) or ``backoff``. ``rng`` makes the
    jitter reproducible in tests, ``sleep`` the waits.
    """

    attempts: int = ATTEMPTS
    base: float = BACKOFF_BASE
    cap: float = BACKOFF_CAP
    retry_after_cap: float = RETRY_AFTER_CAP
    max_total_wait: float = MAX_TOTAL_WAIT
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)
    sleep: Callable[[float], Awaitable[Any]] | None = field(default=None, compare=False, repr=False)
    """The wait of ``run`` when its caller gives none (default ``asyncio.sleep``); for tests."""

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if not 0 < self.base <= self.cap:
            raise ValueError("base must be positive and not above cap")

    def backoff(self, retries: int) -> float:
        """Exponential back-off with jitter for the ``retries``-th retry (1, 2, …): between half and all of
        ``min(cap, base * 2**(retries-1))``."""
        ceiling = min(self.cap, self.base * float(2 ** min(max(retries - 1, 0), 16)))
        return ceiling * (0.5 + self.rng.random() / 2)

    def delay(self, retries: int, retry_after: float | None = None) -> float:
        """The wait before the ``retries``-th retry: the answer's Retry-After (capped) when positive, else
        the back-off."""
        if retry_after is not None and retry_after > 0:
            return min(retry_after, self.retry_after_cap)
        return self.backoff(retries)

    async def run(
        self,
        operation: Callable[[], Awaitable[T]],
        *,
        classify: Classifier,
        sleep: Callable[[float], Awaitable[Any]] | None = None,
        what: str = "request",
    ) -> T:
        """``await operation()`` until its outcome is not transient, or the attempts or the total wait run
        out; then return (or raise) the last outcome as it is. ``sleep`` (default ``asyncio.sleep``) waits
        between attempts; cancelling the caller cancels the wait."""
        if sleep is None:
            sleep = self.sleep
        if sleep is None:
            import asyncio

            sleep = asyncio.sleep
        waited = 0.0
        attempt = 1
        while True:
            try:
                result = await operation()
            except Exception as exc:
                verdict = classify(exc)
                if verdict is None:
                    raise
                outcome: Any = exc
            else:
                verdict = classify(result)
                if verdict is None:
                    return result
                outcome = result
            wait = self._next_wait(verdict, attempt, waited, what)
            if wait is None:
                return _settle(outcome)  # type: ignore[no-any-return]
            await sleep(wait)
            waited += wait
            attempt += 1

    def run_blocking(
        self,
        operation: Callable[[], T],
        *,
        classify: Classifier,
        wait: Callable[[float], bool],
        what: str = "request",
    ) -> T:
        """``run`` for a worker thread: ``operation()`` blocks; ``wait(seconds)`` waits between attempts and
        answers False to stop retrying (e.g. the user cancelled): the last outcome stands then."""
        waited = 0.0
        attempt = 1
        while True:
            try:
                result = operation()
            except Exception as exc:
                verdict = classify(exc)
                if verdict is None:
                    raise
                outcome: Any = exc
            else:
                verdict = classify(result)
                if verdict is None:
                    return result
                outcome = result
            delay = self._next_wait(verdict, attempt, waited, what)
            if delay is None or not wait(delay):
                return _settle(outcome)  # type: ignore[no-any-return]
            waited += delay
            attempt += 1

    def _next_wait(self, verdict: Transient, attempt: int, waited: float, what: str) -> float | None:
        """The wait before the next attempt after a transient outcome, or None: the attempts or the total
        wait have run out, and the last outcome stands."""
        delay = self.delay(attempt, verdict.retry_after)
        if attempt >= self.attempts or waited + delay > self.max_total_wait:
            log.info("%s: %s, giving up after %d attempt(s)", what, verdict.reason, attempt)
            return None
        log.info("%s: %s, retry %d in %.2f s", what, verdict.reason, attempt, delay)
        return delay


def _settle(outcome: Any) -> Any:
    """The last outcome as it is: raised if it is an exception, else returned."""
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


# --- classifiers -------------------------------------------------------------------------------------


def _header(headers: Mapping[str, str] | Any, name: str) -> str | None:
    if headers is None:
        return None
    getter = getattr(headers, "get", None)
    if getter is None:
        return None
    value = getter(name) or getter(name.title()) or getter(name.lower())
    if value is None and isinstance(headers, Mapping):
        value = next((v for k, v in headers.items() if str(k).lower() == name.lower()), None)
    return str(value) if value is not None else None


def status_transient(status: int, headers: Mapping[str, str] | Any = None) -> Transient | None:
    """An HTTP status (and its headers) as a verdict: 429, 502, 503, 504 are transient."""
    if status not in TRANSIENT_STATUS:
        return None
    return Transient(f"HTTP {status}", retry_delay(_header(headers, "Retry-After")))


def _before_request(exc: BaseException) -> bool:
    """A connection error that happened before the request was sent (so it was not carried out)."""
    import httpx

    before = httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout | ConnectionRefusedError
    return isinstance(exc, before)


def _http_outcome(outcome: Any, *, idempotent: bool) -> Transient | None:
    import httpx

    if isinstance(outcome, httpx.Response):
        return status_transient(outcome.status_code, outcome.headers)
    if isinstance(outcome, BaseException):
        status = getattr(outcome, "response_status_code", None)  # kiota's APIError / msgraph's ODataError
        if isinstance(status, int) and status:
            return status_transient(status, getattr(outcome, "response_headers", None))
        if _before_request(outcome):
            return Transient(f"no connection ({type(outcome).__name__})")
        if idempotent and isinstance(outcome, httpx.TransportError | TimeoutError):
            return Transient(f"no answer ({type(outcome).__name__})")
    return None


def http_transient(outcome: Any) -> Transient | None:
    """Classifier for an idempotent request (a GET, or a PUT/PATCH that sends the same body each time)
    through httpx or msgraph: transient statuses, and any connection error or timeout."""
    return _http_outcome(outcome, idempotent=True)


def http_transient_write(outcome: Any) -> Transient | None:
    """Classifier for a write that must not happen twice (POST): transient statuses (the request was
    refused, not carried out) and connection errors before the request was sent. A dropped connection or a
    timeout afterwards is final: the write may have happened (the caller decides, e.g. checks first)."""
    return _http_outcome(outcome, idempotent=False)


def oauth_transient(outcome: Any, *, retry_after: float | None = None) -> Transient | None:
    """Classifier for a token request through MSAL (a result dict, or what MSAL raised): OAuth
    ``temporarily_unavailable``, transient AADSTS codes, HTTP 429/5xx, and connection errors (a token
    request may be sent again). ``retry_after``: the answer's Retry-After, when the caller saw it."""
    if isinstance(outcome, Mapping):
        if "access_token" in outcome or not outcome.get("error"):
            return None
        error = str(outcome.get("error") or "")
        codes = outcome.get("error_codes")
        code_list = [c for c in codes if isinstance(c, int)] if isinstance(codes, list) else []
        if error in TRANSIENT_OAUTH_ERRORS or any(c in TRANSIENT_AADSTS for c in code_list):
            shown = f" AADSTS{code_list[0]}" if code_list else ""
            return Transient(f"{error}{shown}", retry_after)
        return None
    if isinstance(outcome, BaseException):
        return _exception_chain_transient(outcome, retry_after)
    return None


def _exception_chain_transient(exc: BaseException, retry_after: float | None) -> Transient | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        verdict = _one_exception_transient(current, retry_after)
        if verdict is not None:
            return verdict
        current = current.__cause__ or current.__context__
    return None


def _one_exception_transient(exc: BaseException, retry_after: float | None) -> Transient | None:
    module = type(exc).__module__
    name = type(exc).__name__
    if module.startswith(("requests", "urllib3")):
        response = getattr(exc, "response", None)
        status = getattr(response, "status_code", None)
        if isinstance(status, int) and status:
            verdict = status_transient(status, getattr(response, "headers", None))
            if verdict is not None and verdict.retry_after is None and retry_after:
                return Transient(verdict.reason, retry_after)
            return verdict
        if name in ("ConnectionError", "ConnectTimeout", "ReadTimeout", "Timeout", "ChunkedEncodingError"):
            return Transient(f"no answer ({name})")
        if "Connection" in name or "Protocol" in name:
            return Transient(f"no answer ({name})")
        return None
    if isinstance(exc, ConnectionError | TimeoutError):
        return Transient(f"no answer ({name})")
    # MSAL: "HTTP Error: 503" (raise_for_status of a token or discovery answer), "OIDC Discovery failed on
    # …. HTTP status: 429, Error: {…temporarily_unavailable…}".
    match = _HTTP_ERROR_STATUS.search(str(exc))
    if match:
        status = int(match.group(1))
        if status in TRANSIENT_STATUS or status >= 500:
            return Transient(f"HTTP {status}", retry_after)
    if "temporarily_unavailable" in str(exc) or "AADSTS90033" in str(exc):
        return Transient("temporarily_unavailable", retry_after)
    return None
