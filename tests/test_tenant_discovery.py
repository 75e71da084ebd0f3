"""Tenant discovery against the real sandbox over HTTP, plus response shapes it may not produce."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import uuid
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest

from c2t_wizard.config import Endpoints
from c2t_wizard.domain.tenant_name import Availability, AvailabilityState
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.tenant_discovery import DISCOVERY_ATTEMPTS, TenantDiscovery

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DISCOVERY_PATH = re.compile(r"^/([^/]+)\.onmicrosoft\.com/v2\.0/\.well-known/openid-configuration$")


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Requests:
    """Counts the requests a client sends, and how many were in flight at once."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.active = 0
        self.peak = 0

    async def on_request(self, request: httpx.Request) -> None:
        self.urls.append(str(request.url))
        self.active += 1
        self.peak = max(self.peak, self.active)

    async def on_response(self, response: httpx.Response) -> None:
        self.active -= 1

    @property
    def count(self) -> int:
        return len(self.urls)


def fresh_name() -> str:
    """A prefix no tenant has."""
    return "c2tfree" + uuid.uuid4().hex[:12]


def run_with(backend: Backend, body: Callable[[Backend, Requests], Awaitable[None]]) -> Requests:
    """Run ``body`` on a new loop with request counting, closing the backend's client afterwards."""
    requests = Requests()

    async def main() -> None:
        client = await backend.http()
        client.event_hooks["request"].append(requests.on_request)
        client.event_hooks["response"].append(requests.on_response)
        try:
            await body(backend, requests)
        finally:
            await backend.aclose()

    asyncio.run(main())
    return requests


@pytest.fixture
def backend(sandbox: Any) -> Backend:
    return Backend(Endpoints.from_sandbox_line(sandbox.info))


# --- against the sandbox --------------------------------------------------------------------------


def test_known_tenant_is_taken_with_its_id(backend: Backend) -> None:
    async def body(backend: Backend, requests: Requests) -> None:
        answer = await TenantDiscovery(backend).check("Contoso")
        assert answer.state is AvailabilityState.TAKEN
        assert answer.prefix == "contoso"
        assert answer.is_taken
        assert not answer.may_continue
        assert answer.tenant_id is not None
        assert GUID.match(answer.tenant_id)
        assert requests.urls[0].endswith("/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration")

    run_with(backend, body)


def test_unknown_name_is_probably_free(backend: Backend) -> None:
    async def body(backend: Backend, requests: Requests) -> None:
        answer = await TenantDiscovery(backend).check(fresh_name())
        assert answer.state is AvailabilityState.PROBABLY_FREE
        assert answer.may_continue
        assert answer.tenant_id is None

    run_with(backend, body)


@pytest.mark.parametrize("prefix", ["a_b", "", "  ", "acme-corp", "müller"])
def test_invalid_prefix_sends_nothing(backend: Backend, prefix: str) -> None:
    async def body(backend: Backend, requests: Requests) -> None:
        answer = await TenantDiscovery(backend).check(prefix)
        assert answer.state is AvailabilityState.INVALID
        assert answer.reason
        assert not answer.may_continue

    assert run_with(backend, body).count == 0


def test_a_name_too_long_for_dns_is_invalid_by_the_server(backend: Backend) -> None:
    """Our rules only warn about length; a label over 63 characters is Microsoft's AADSTS900023."""

    async def body(backend: Backend, requests: Requests) -> None:
        answer = await TenantDiscovery(backend).check("a" * 64)
        assert answer.state is AvailabilityState.INVALID
        assert answer.reason is not None
        assert answer.reason.startswith("AADSTS900023")
        assert not answer.may_continue

    assert run_with(backend, body).count == 1


def test_answers_are_cached_until_they_expire(backend: Backend) -> None:
    clock = FakeClock()

    async def body(backend: Backend, requests: Requests) -> None:
        discovery = TenantDiscovery(backend, cache_ttl=30.0, clock=clock)
        free = fresh_name()
        first = await discovery.check("fabrikam")
        await discovery.check(free)
        assert requests.count == 2
        clock.now += 29.0
        assert await discovery.check("FABRIKAM") == first
        assert (await discovery.check(free)).state is AvailabilityState.PROBABLY_FREE
        assert requests.count == 2
        clock.now += 1.5
        assert await discovery.check("fabrikam") == first
        assert requests.count == 3
        discovery.clear_cache()
        await discovery.check("fabrikam")
        assert requests.count == 4

    run_with(backend, body)


def test_fresh_bypasses_and_refreshes_the_cache(backend: Backend) -> None:
    clock = FakeClock()

    async def body(backend: Backend, requests: Requests) -> None:
        discovery = TenantDiscovery(backend, clock=clock)
        await discovery.check("northwind")
        await discovery.check("northwind", fresh=True)
        assert requests.count == 2
        clock.now += 20.0
        await discovery.check("northwind", fresh=True)
        assert requests.count == 3
        clock.now += 20.0  # 40 s after the first answer, 20 s after the refreshed one
        await discovery.check("northwind")
        assert requests.count == 3

    run_with(backend, body)


def test_identical_concurrent_checks_share_one_request(backend: Backend) -> None:
    async def body(backend: Backend, requests: Requests) -> None:
        discovery = TenantDiscovery(backend)
        answers = await asyncio.gather(
            discovery.check("woodgrove"),
            discovery.check("Woodgrove"),
            discovery.check("woodgrove", fresh=True),
        )
        assert {answer.state for answer in answers} == {AvailabilityState.TAKEN}
        assert requests.count == 1

    run_with(backend, body)


def test_check_many_runs_concurrently_in_input_order(backend: Backend, clean_faults: Any) -> None:
    names = [fresh_name() for _ in range(5)]

    async def body(backend: Backend, requests: Requests) -> None:
        discovery = TenantDiscovery(backend)
        await discovery.check("litware")  # connect before the faults, so both timings include the same work
        clean_faults.set_faults("latency=300ms")
        answers = await discovery.check_many([*names[:3], "tailspintoys", *names[3:]])
        assert [answer.prefix for answer in answers] == [*names[:3], "tailspintoys", *names[3:]]
        assert [answer.state for answer in answers] == [
            *[AvailabilityState.PROBABLY_FREE] * 3,
            AvailabilityState.TAKEN,
            *[AvailabilityState.PROBABLY_FREE] * 2,
        ]
        assert requests.peak == 6, "all six were on the wire at once"

    run_with(backend, body)


def test_concurrency_is_bounded(backend: Backend, clean_faults: Any) -> None:
    clean_faults.set_faults("latency=150ms")

    async def body(backend: Backend, requests: Requests) -> None:
        discovery = TenantDiscovery(backend, max_concurrency=2)
        answers = await discovery.check_many([fresh_name() for _ in range(4)])
        assert all(answer.state is AvailabilityState.PROBABLY_FREE for answer in answers)
        assert requests.peak == 2

    run_with(backend, body)


def test_timeout_is_unknown(backend: Backend, clean_faults: Any) -> None:
    clean_faults.set_faults("latency=60s")

    async def body(backend: Backend, requests: Requests) -> None:
        discovery = TenantDiscovery(backend, timeout=0.3)
        # The answer would take a minute: a coarse bound that no load can break shows the timeout acted.
        answer = await asyncio.wait_for(discovery.check(fresh_name()), timeout=20)
        assert answer.state is AvailabilityState.UNKNOWN
        assert answer.reason == "timed out after 0.3 s"
        assert not answer.may_continue

    run_with(backend, body)


@pytest.mark.parametrize(
    ("faults", "reason"),
    [("503=1", "HTTP 503"), ("429=1", "HTTP 429"), ("drop=1", None)],
)
def test_server_trouble_is_unknown_and_not_cached(
    backend: Backend, clean_faults: Any, faults: str, reason: str | None
) -> None:
    name = fresh_name()

    async def body(backend: Backend, requests: Requests) -> None:
        discovery = TenantDiscovery(backend)
        clean_faults.set_faults(faults)
        answer = await discovery.check(name)
        assert answer.state is AvailabilityState.UNKNOWN
        assert answer.reason
        if reason is not None:
            assert answer.reason.startswith(reason)
        clean_faults.set_faults("")
        assert (await discovery.check(name)).state is AvailabilityState.PROBABLY_FREE
        assert requests.count >= 2

    run_with(backend, body)


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port bound but not listening: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_connection_refused_is_unknown_never_free(sandbox: Any, closed_port: int) -> None:
    endpoints = Endpoints.from_sandbox_line(sandbox.info)._replace(login=f"https://127.0.0.1:{closed_port}")

    async def body(backend: Backend, requests: Requests) -> None:
        discovery = TenantDiscovery(backend)
        answers = await discovery.check_many([fresh_name(), "contoso"])
        assert [answer.state for answer in answers] == [AvailabilityState.UNKNOWN] * 2
        assert all(answer.reason == "connection refused" for answer in answers)
        await discovery.check("contoso")
        # Nothing cached: three checks, each tried as often as the policy allows (a refused connection
        # was never a request, so asking again is safe).
        assert requests.count == 3 * DISCOVERY_ATTEMPTS

    run_with(Backend(endpoints), body)


def test_usable_from_successive_loops(sandbox: Any) -> None:
    """Built outside any loop (as on the GUI thread), then used on whichever loop runs it."""
    backend = Backend(Endpoints.from_sandbox_line(sandbox.info))
    discovery = TenantDiscovery(backend, max_concurrency=1)

    async def body(backend: Backend, requests: Requests) -> None:
        answers = await discovery.check_many([fresh_name(), fresh_name()])
        assert all(answer.state is AvailabilityState.PROBABLY_FREE for answer in answers)

    run_with(backend, body)
    run_with(backend, body)


def test_logs_prefix_outcome_and_time(backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="c2t_wizard.services.tenant_discovery")

    async def body(backend: Backend, requests: Requests) -> None:
        await TenantDiscovery(backend).check("proseware")

    run_with(backend, body)
    assert re.search(r"tenant discovery proseware: taken in \d+ ms", caplog.text)


# --- response shapes, without the sandbox ---------------------------------------------------------


class MockBackend(Backend):
    """A backend whose client answers from a handler instead of the network."""

    def __init__(self, handler: Callable[[httpx.Request], Any]) -> None:
        super().__init__(Endpoints(login="https://login.invalid", graph="", signup=""))
        self._handler = handler

    async def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(transport=httpx.MockTransport(self._handler))
        return self._http


def answer_for(response: httpx.Response, prefix: str = "acme") -> Availability:
    backend = MockBackend(lambda request: response)
    return run_and_close(backend, TenantDiscovery(backend).check(prefix))


def run_and_close(backend: Backend, awaitable: Awaitable[Availability]) -> Availability:
    async def main() -> Availability:
        try:
            return await awaitable
        finally:
            await backend.aclose()

    return asyncio.run(main())


@pytest.mark.parametrize(
    ("response", "state", "reason"),
    [
        (
            httpx.Response(
                200,
                json={
                    "issuer": "https://login.microsoftonline.com/72F988BF-86F1-41AF-91AB-2D7CD011DB47/v2.0",
                },
            ),
            AvailabilityState.TAKEN,
            None,
        ),
        (
            httpx.Response(
                200,
                json={
                    "issuer": "https://login.microsoftonline.com/{tenantid}/v2.0",
                    "token_endpoint": "https://login.microsoftonline.com/"
                    "72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token",
                },
            ),
            AvailabilityState.TAKEN,
            None,
        ),
        (
            httpx.Response(400, json={"error": "invalid_tenant", "error_codes": [90002]}),
            AvailabilityState.PROBABLY_FREE,
            None,
        ),
        (
            httpx.Response(400, json={"error": "invalid_tenant", "error_codes": [900023]}),
            AvailabilityState.INVALID,
            "AADSTS900023",
        ),
        (
            httpx.Response(400, json={"error": "invalid_request", "error_codes": [50059]}),
            AvailabilityState.UNKNOWN,
            "HTTP 400 (AADSTS50059)",
        ),
        (httpx.Response(400, text="Bad Request"), AvailabilityState.UNKNOWN, "HTTP 400"),
        (httpx.Response(200, text="<html>hotel wifi</html>"), AvailabilityState.UNKNOWN, "HTTP 200"),
        (httpx.Response(200, json={"issuer": "nope"}), AvailabilityState.UNKNOWN, "HTTP 200"),
        (httpx.Response(200, json=["not", "a", "document"]), AvailabilityState.UNKNOWN, "HTTP 200"),
        (
            httpx.Response(429, headers={"Retry-After": "7"}),
            AvailabilityState.UNKNOWN,
            "HTTP 429 (throttled, retry after 7 s)",
        ),
        (httpx.Response(302, headers={"Location": "/"}), AvailabilityState.UNKNOWN, "HTTP 302"),
        (httpx.Response(404), AvailabilityState.UNKNOWN, "HTTP 404"),
        (httpx.Response(500), AvailabilityState.UNKNOWN, "HTTP 500"),
    ],
)
def test_response_shapes(response: httpx.Response, state: AvailabilityState, reason: str | None) -> None:
    answer = answer_for(response)
    assert answer.state is state
    if reason is None:
        assert answer.reason is None
    else:
        assert answer.reason is not None
        assert answer.reason.startswith(reason)
    if state is AvailabilityState.TAKEN:
        assert answer.tenant_id == "72f988bf-86f1-41af-91ab-2d7cd011db47"


def test_a_cancelled_caller_does_not_cancel_the_shared_request() -> None:
    release = asyncio.Event()
    seen: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        await release.wait()
        return httpx.Response(400, json={"error_codes": [90002]})

    backend = MockBackend(handler)

    async def main() -> Availability:
        discovery = TenantDiscovery(backend)
        first = asyncio.create_task(discovery.check("acme"))
        second = asyncio.create_task(discovery.check("acme"))
        await asyncio.sleep(0.05)
        first.cancel()
        await asyncio.sleep(0)
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await first
        return await second

    answer = run_and_close(backend, main())
    assert answer.state is AvailabilityState.PROBABLY_FREE
    assert len(seen) == 1
    match = DISCOVERY_PATH.match(seen[0])
    assert match is not None
    assert match.group(1) == "acme"


def test_concurrent_first_calls_share_one_http_client() -> None:
    """The shared client is made once even when several checks ask for it at the same time (the others
    would be left open, never closed)."""
    backend = Backend(Endpoints.microsoft({}))

    async def run() -> set[int]:
        try:
            clients = await asyncio.gather(*(backend.http() for _ in range(5)))
            return {id(client) for client in clients}
        finally:
            await backend.aclose()

    assert len(asyncio.run(run())) == 1
