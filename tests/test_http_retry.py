"""The one retry policy for every call to Microsoft (services/http_retry.py): back-off bounds derived from its
constants, Retry-After honoured and capped, bounded attempts and total wait, nothing retried that is not
transient; the classifiers; and MSAL's http cache that keeps no transient answer."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import httpx
import pytest
import requests

from c2t_wizard.services.auth import (
    _RETRY_AFTER_SEEN,
    AuthProblem,
    _NoTransientHttpCache,
    classify_error,
    classify_exception,
)
from c2t_wizard.services.directory import DirectoryService
from c2t_wizard.services.http_retry import (
    ATTEMPTS,
    BACKOFF_BASE,
    BACKOFF_CAP,
    MAX_TOTAL_WAIT,
    RetryPolicy,
    Transient,
    http_transient,
    http_transient_write,
    oauth_transient,
)


class Waits:
    """An injected sleep that records each wait and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


class Script:
    """An operation answering from a script: values are returned, exceptions raised."""

    def __init__(self, *outcomes: Any) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0

    async def __call__(self) -> Any:
        outcome = self.outcomes[min(self.calls, len(self.outcomes) - 1)]
        self.calls += 1
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


BUSY = "busy"
OK = "ok"


def busy_after(retry_after: float | None = None) -> Any:
    return lambda outcome: Transient("busy", retry_after) if outcome == BUSY else None


# --- back-off --------------------------------------------------------------------------------------


def test_backoff_is_jittered_between_half_and_all_of_the_doubling_ceiling() -> None:
    policy = RetryPolicy(rng=random.Random(7))
    for retries in range(1, 12):
        ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (retries - 1))
        waits = [policy.backoff(retries) for _ in range(50)]
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits), (retries, waits)
        assert len(set(waits)) > 1  # jittered


def test_the_same_seed_gives_the_same_waits_and_user_creation_uses_them() -> None:
    one, other = RetryPolicy(rng=random.Random(3)), RetryPolicy(rng=random.Random(3))
    first = [one.backoff(n) for n in range(1, 8)]
    again = [other.backoff(n) for n in range(1, 8)]
    directory = DirectoryService(graph=None, journal=None, rng=random.Random(3))  # type: ignore[arg-type]
    assert first == again == [directory.backoff(n) for n in range(1, 8)]


def test_retry_after_is_honoured_and_capped() -> None:
    policy = RetryPolicy(retry_after_cap=30.0, rng=random.Random(1))
    assert policy.delay(1, 2.5) == 2.5
    assert policy.delay(3, 1000.0) == 30.0
    assert BACKOFF_BASE / 2 <= policy.delay(1, None) <= BACKOFF_BASE
    assert BACKOFF_BASE / 2 <= policy.delay(1, 0.0) <= BACKOFF_BASE  # "0" would retry at once, forever


# --- run -------------------------------------------------------------------------------------------


def test_transient_answers_are_retried_with_the_backoff_until_one_is_final() -> None:
    waits = Waits()
    operation = Script(BUSY, BUSY, OK)
    policy = RetryPolicy(rng=random.Random(5))
    twin = RetryPolicy(rng=random.Random(5))
    assert asyncio.run(policy.run(operation, classify=busy_after(), sleep=waits)) == OK
    assert operation.calls == 3
    assert waits.waits == [twin.backoff(1), twin.backoff(2)]


def test_the_answers_retry_after_is_waited_for() -> None:
    waits = Waits()
    operation = Script(BUSY, OK)
    asyncio.run(RetryPolicy().run(operation, classify=busy_after(4.0), sleep=waits))
    assert waits.waits == [4.0]


def test_a_final_error_is_raised_at_once() -> None:
    waits = Waits()
    operation = Script(ValueError("not transient"), OK)
    with pytest.raises(ValueError, match="not transient"):
        asyncio.run(RetryPolicy().run(operation, classify=busy_after(), sleep=waits))
    assert operation.calls == 1
    assert waits.waits == []


def test_attempts_are_bounded_and_the_last_outcome_stands() -> None:
    waits = Waits()
    operation = Script(BUSY)
    assert asyncio.run(RetryPolicy().run(operation, classify=busy_after(), sleep=waits)) == BUSY
    assert operation.calls == ATTEMPTS
    assert len(waits.waits) == ATTEMPTS - 1

    error = httpx.ConnectError("refused")
    raising = Script(error)
    with pytest.raises(httpx.ConnectError):
        asyncio.run(RetryPolicy(attempts=3).run(raising, classify=http_transient, sleep=Waits()))
    assert raising.calls == 3


def test_the_total_wait_is_bounded() -> None:
    waits = Waits()
    operation = Script(BUSY)
    policy = RetryPolicy(attempts=100)
    asyncio.run(policy.run(operation, classify=busy_after(25.0), sleep=waits))
    assert sum(waits.waits) <= MAX_TOTAL_WAIT
    assert waits.waits == [25.0, 25.0]  # a third would pass the bound: given up instead
    assert operation.calls == 3


def test_run_blocking_stops_when_the_wait_says_so() -> None:
    calls: list[int] = []

    def operation() -> str:
        calls.append(1)
        return BUSY

    waited: list[float] = []
    policy = RetryPolicy(rng=random.Random(2))
    result = policy.run_blocking(operation, classify=busy_after(), wait=lambda s: not waited.append(s))
    assert (result, len(calls), len(waited)) == (BUSY, ATTEMPTS, ATTEMPTS - 1)
    calls.clear()
    assert policy.run_blocking(operation, classify=busy_after(), wait=lambda s: False) == BUSY
    assert len(calls) == 1  # cancelled: no second attempt


# --- classifiers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_transient_statuses(status: int) -> None:
    verdict = http_transient(httpx.Response(status, headers={"Retry-After": "2.5"}))
    assert verdict is not None
    assert verdict.retry_after == 2.5
    assert http_transient_write(httpx.Response(status)) is not None


@pytest.mark.parametrize("status", [200, 400, 401, 403, 404, 409, 500])
def test_final_statuses(status: int) -> None:
    assert http_transient(httpx.Response(status)) is None


def test_a_lost_answer_is_retried_for_reads_only() -> None:
    for lost in (httpx.RemoteProtocolError("closed"), httpx.ReadTimeout("slow"), httpx.ReadError("reset")):
        assert http_transient(lost) is not None
        assert http_transient_write(lost) is None  # the write may have happened
    for unsent in (httpx.ConnectError("refused"), httpx.ConnectTimeout("no route")):
        assert http_transient(unsent) is not None
        assert http_transient_write(unsent) is not None
    assert http_transient(ValueError("x")) is None


def test_graph_errors_by_status() -> None:
    from kiota_abstractions.api_error import APIError

    throttled = APIError("429")
    throttled.response_status_code = 429
    throttled.response_headers = {"retry-after": "3"}
    verdict = http_transient(throttled)
    assert verdict is not None
    assert verdict.retry_after == 3.0
    forbidden = APIError("403")
    forbidden.response_status_code = 403
    assert http_transient(forbidden) is None


def _aad(error: str, code: int) -> dict[str, Any]:
    return {"error": error, "error_codes": [code], "error_description": f"AADSTS{code}: text"}


def test_oauth_answers() -> None:
    assert oauth_transient(_aad("temporarily_unavailable", 90033), retry_after=1.0) == Transient(
        "temporarily_unavailable AADSTS90033", 1.0
    )
    assert oauth_transient(_aad("invalid_request", 90033)) is not None  # the code says it
    assert oauth_transient({"error": "temporarily_unavailable"}) is not None
    for final in (
        _aad("invalid_grant", 50173),
        _aad("interaction_required", 50078),
        _aad("invalid_grant", 50126),
        {"access_token": "x"},
        None,
    ):
        assert oauth_transient(final) is None


def test_oauth_exceptions() -> None:
    from msal.exceptions import MsalServiceError

    assert oauth_transient(requests.ConnectionError("reset")) is not None
    assert oauth_transient(MsalServiceError("HTTP Error: 503", error=None, error_description=None))
    body = json.dumps(_aad("temporarily_unavailable", 90033))
    throttled_discovery = ValueError(f"OIDC Discovery failed on https://x. HTTP status: 429, Error: {body}")
    assert oauth_transient(throttled_discovery) is not None
    wrapped = ValueError("Unable to get authority configuration for https://x/organizations.")
    wrapped.__cause__ = MsalServiceError("HTTP Error: 504", error=None, error_description=None)
    assert oauth_transient(wrapped) is not None
    unknown = json.dumps(_aad("invalid_tenant", 90002))
    assert oauth_transient(ValueError(f"OIDC Discovery failed. HTTP status: 400, Error: {unknown}")) is None
    assert oauth_transient(RuntimeError("boom")) is None


def test_what_stays_transient_is_busy_and_only_expiry_says_sign_in_again() -> None:
    from msal.exceptions import MsalServiceError

    assert classify_error(_aad("temporarily_unavailable", 90033)).problem is AuthProblem.SERVICE_BUSY
    assert classify_error({"error": "temporarily_unavailable"}).problem is AuthProblem.SERVICE_BUSY
    error = MsalServiceError("HTTP Error: 503", error=None, error_description=None)
    assert classify_exception(error).problem is AuthProblem.SERVICE_BUSY
    for expired in (_aad("invalid_grant", 50173), _aad("invalid_grant", 70008), {"error": "invalid_grant"}):
        assert classify_error(expired).problem is AuthProblem.INTERACTION_REQUIRED
    assert classify_exception(requests.ConnectionError("x")).problem is AuthProblem.NETWORK


class _Response:
    def __init__(self, status: int, text: str = "{}", retry_after: str | None = None) -> None:
        self.status_code = status
        self.text = text
        self.headers = {"retry-after": retry_after} if retry_after else {}


def test_msal_keeps_no_transient_answer_and_its_retry_after_is_noted() -> None:
    cache = _NoTransientHttpCache()
    seen: list[float] = []
    token = _RETRY_AFTER_SEEN.set(seen)
    try:
        cache["POST token 429/5xx/Retry-After"] = _Response(429, retry_after="2")
        cache["POST token 5xx"] = _Response(503)
        cache["POST token 400"] = _Response(400, '{"error": "temporarily_unavailable"}')
        cache["GET discovery 2xx"] = _Response(200)
        cache["POST token 400 invalid_grant"] = _Response(400, '{"error": "invalid_grant"}')
    finally:
        _RETRY_AFTER_SEEN.reset(token)
    assert sorted(cache) == ["GET discovery 2xx", "POST token 400 invalid_grant"]
    assert seen == [2.0]
