"""Is ``NAME.onmicrosoft.com`` taken? Asked of the public OpenID discovery document, without signing in.

200 means a tenant exists; 400 with AADSTS90002 means none was found (probably free: Microsoft's
sign-up has the final word); anything we cannot read with certainty is UNKNOWN, never "free"
(reference §1.1). Transient answers (429, 5xx) and failed connections are asked again a few times with the
shared ``RetryPolicy`` (short: a partner is typing) before the answer is UNKNOWN.
Used on the service thread's asyncio loop only; the loop-bound parts are created there, on first use.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from c2t_wizard.domain.tenant_name import (
    Availability,
    AvailabilityState,
    PrefixCheck,
    PrefixIssue,
    tenant_domain,
    validate_prefix,
)
from c2t_wizard.lazy import lazy_import
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.http_retry import RetryPolicy, http_transient

if TYPE_CHECKING:
    import asyncio
    import ssl

    import httpx
else:
    asyncio = lazy_import("asyncio")
    ssl = lazy_import("ssl")
    httpx = lazy_import("httpx")


log = logging.getLogger(__name__)

TENANT_NOT_FOUND = 90002
"""AADSTS90002: no tenant by that name."""
MALFORMED_TENANT = 900023
"""AADSTS900023: neither a valid DNS name nor a valid external domain."""

_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
_MAX_REASON = 160
_MAX_CACHE = 512
DISCOVERY_ATTEMPTS = 3
DISCOVERY_MAX_WAIT = 3.0
"""A check waits at most this long in all between its attempts (the page shows "checking" meanwhile)."""


class TenantDiscovery:
    """Is NAME.onmicrosoft.com taken? Asks the public OpenID discovery document (no sign-in)."""

    def __init__(
        self,
        backend: Backend,
        *,
        timeout: float = 5.0,
        cache_ttl: float = 30.0,
        max_concurrency: int = 6,
        clock: Callable[[], float] = time.monotonic,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        self._backend = backend
        self._retry = retry_policy or RetryPolicy(
            attempts=DISCOVERY_ATTEMPTS, max_total_wait=DISCOVERY_MAX_WAIT, retry_after_cap=DISCOVERY_MAX_WAIT
        )
        self._timeout = timeout
        self._cache_ttl = cache_ttl
        self._max_concurrency = max(1, max_concurrency)
        self._clock = clock
        self._cache: dict[str, tuple[float, Availability]] = {}
        """prefix -> (expiry on the injected clock, answer); only TAKEN and PROBABLY_FREE."""
        # Bound to the loop that first uses them (constructed on the GUI thread, used on the service loop).
        self._loop: asyncio.AbstractEventLoop | None = None
        self._semaphore: asyncio.Semaphore | None = None
        self._in_flight: dict[str, asyncio.Task[Availability]] = {}

    async def check(self, prefix: str, *, fresh: bool = False) -> Availability:
        """The availability of ``prefix``; invalid input is answered without a request.

        ``fresh`` skips the cache (and refreshes it): the sign-up page polls with it. Identical
        concurrent checks share one request; a caller cancelled while waiting does not cancel it for
        the others.
        """
        check = validate_prefix(prefix)
        if check.error is not None:
            return Availability(check.prefix, AvailabilityState.INVALID, reason=_issue_reason(check))
        name = check.prefix
        if not fresh:
            cached = self._cached(name)
            if cached is not None:
                log.debug("tenant discovery %s: %s (cached)", name, cached.state.value)
                return cached
        self._bind_loop()
        task = self._in_flight.get(name)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._ask(name))
            self._in_flight[name] = task
            task.add_done_callback(lambda done: self._forget(name, done))
        return await asyncio.shield(task)

    async def check_many(self, prefixes: Sequence[str]) -> list[Availability]:
        """Check several prefixes concurrently (at most ``max_concurrency`` at once), in input order."""
        return list(await asyncio.gather(*(self.check(prefix) for prefix in prefixes)))

    def clear_cache(self) -> None:
        """Forget every cached answer."""
        self._cache.clear()

    # --- internals --------------------------------------------------------------------------------

    def _bind_loop(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop = loop
            self._semaphore = asyncio.Semaphore(self._max_concurrency)
            self._in_flight = {}

    def _forget(self, name: str, task: asyncio.Task[Availability]) -> None:
        if self._in_flight.get(name) is task:
            del self._in_flight[name]

    def _cached(self, name: str) -> Availability | None:
        entry = self._cache.get(name)
        if entry is None:
            return None
        expiry, answer = entry
        if self._clock() < expiry:
            return answer
        del self._cache[name]
        return None

    def _remember(self, answer: Availability) -> None:
        if answer.state not in (AvailabilityState.TAKEN, AvailabilityState.PROBABLY_FREE):
            return
        now = self._clock()
        if len(self._cache) >= _MAX_CACHE:
            self._cache = {key: entry for key, entry in self._cache.items() if entry[0] > now}
        self._cache[answer.prefix] = (now + self._cache_ttl, answer)

    async def _ask(self, name: str) -> Availability:
        """One request (under the concurrency bound), its answer logged and cached."""
        assert self._semaphore is not None
        async with self._semaphore:
            started = time.perf_counter()
            answer = await self._request(name)
            elapsed_ms = (time.perf_counter() - started) * 1000
        self._remember(answer)
        log.debug(
            "tenant discovery %s: %s in %.0f ms%s",
            name,
            answer.state.value,
            elapsed_ms,
            f" ({answer.reason})" if answer.reason else "",
        )
        return answer

    async def _request(self, name: str) -> Availability:
        try:
            endpoints = await self._backend.endpoints()
            client = await self._backend.http()
        except Exception as exc:  # the sandbox did not start, or will not: not a reason to crash a check
            return _unknown(name, f"no endpoints: {exc or type(exc).__name__}")
        url = f"{endpoints.login.rstrip('/')}/{tenant_domain(name)}/v2.0/.well-known/openid-configuration"

        async def get() -> httpx.Response:
            async with asyncio.timeout(self._timeout):
                return await client.get(url, timeout=self._timeout)

        def transient(outcome: object) -> Any:
            # A timeout is final here: the partner has waited long enough for one name.
            if isinstance(outcome, TimeoutError | httpx.TimeoutException):
                return None
            return http_transient(outcome)

        try:
            response = await self._retry.run(get, classify=transient, what=f"discovery of {name}")
        except (TimeoutError, httpx.TimeoutException):
            return _unknown(name, f"timed out after {self._timeout:g} s")
        except httpx.HTTPError as exc:
            return _unknown(name, _network_reason(exc))
        except OSError as exc:
            return _unknown(name, _network_reason(exc))
        return _interpret(name, response)


def _interpret(name: str, response: httpx.Response) -> Availability:
    """Turn a discovery response into an answer; whatever is not clearly one thing is UNKNOWN."""
    status = response.status_code
    if status == httpx.codes.OK:
        document = _json_object(response)
        if document is None:
            return _unknown(name, "HTTP 200 without a discovery document")
        for key in ("issuer", "token_endpoint", "authorization_endpoint"):
            value = document.get(key)
            match = _GUID.search(value) if isinstance(value, str) else None
            if match:
                return Availability(name, AvailabilityState.TAKEN, tenant_id=match.group(0).lower())
        return _unknown(name, "HTTP 200 without a tenant id")
    if status == httpx.codes.BAD_REQUEST:
        body = _json_object(response)
        codes = body.get("error_codes") if body is not None else None
        if isinstance(codes, list):
            if TENANT_NOT_FOUND in codes:
                return Availability(name, AvailabilityState.PROBABLY_FREE)
            if MALFORMED_TENANT in codes:
                return Availability(
                    name, AvailabilityState.INVALID, reason="AADSTS900023: not a valid tenant name"
                )
            listed = ", ".join(f"AADSTS{code}" for code in codes[:3] if isinstance(code, int))
            return _unknown(name, f"HTTP 400 ({listed or 'no error code'})")
        return _unknown(name, "HTTP 400 without error codes")
    if status == httpx.codes.TOO_MANY_REQUESTS:
        retry_after = response.headers.get("Retry-After", "")
        hint = f", retry after {retry_after[:10]} s" if retry_after.isdigit() else ""
        return _unknown(name, f"HTTP 429 (throttled{hint})")
    return _unknown(name, f"HTTP {status}")


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        document = response.json()
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def _unknown(name: str, reason: str) -> Availability:
    return Availability(name, AvailabilityState.UNKNOWN, reason=reason[:_MAX_REASON])


def _issue_reason(check: PrefixCheck) -> str:
    if check.error is PrefixIssue.EMPTY:
        return "empty"
    return f"invalid characters: {check.bad_characters!r}"


def _network_reason(exc: BaseException) -> str:
    """A short reason for a failed connection, from the most telling exception in the chain."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError):
            return "connection refused"
        if isinstance(current, ssl.SSLCertVerificationError):
            return "TLS certificate not trusted"
        if isinstance(current, ssl.SSLError):
            return "TLS error"
        current = current.__cause__ or current.__context__
    if isinstance(exc, httpx.RemoteProtocolError):
        return "connection closed by the server"
    if isinstance(exc, httpx.ConnectError):
        detail = str(exc)
        return f"could not connect ({detail})" if detail else "could not connect"
    detail = str(exc)
    return f"network error: {type(exc).__name__}" + (f" ({detail})" if detail else "")
