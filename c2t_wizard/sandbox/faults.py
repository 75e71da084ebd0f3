"""Fault injection: latency, throttling, outages and dropped connections on the https site.

A spec is a comma-separated list of ``key=value`` items, e.g. ``latency=150ms,429=0.1,drop=0.05``.

Where each fault applies (``$batch`` is ``POST /v1.0/$batch``; a "write" is a POST/PATCH/PUT/DELETE under
``/v1.0``):

- ``latency``: once per HTTP request (a whole ``$batch`` counts once).
- ``drop``: any https request, before it is handled.
- ``drop_before_commit`` / ``drop_after_commit``: writes (including a whole ``$batch``): the connection is
  closed before the handler runs / after it ran and committed (the user exists, the client gets a connection
  error).
- ``429``: a whole request, except ``$batch``, where every item rolls on its own (item status 429, Retry-After
  in the item's headers; the batch answers 200).
- ``503``: a whole request, ``$batch`` included.
- ``batch429`` / ``424``: a whole ``$batch`` answered 429 (TooManyRequests) / 424 (FailedDependency);
  Microsoft's documents disagree on which one a throttled batch gets.
- ``consistency_delay``: a user created less than this long ago answers 404 on GET (Entra's replication lag).

The portal's API (``/portal/api/``) gets the same faults as Graph (its POST/DELETE are writes), its 429/503
in its own problem+json shape; the portal's activation page (a browser page) gets none.
Every key has a kind (a duration or a probability); adding a fault means adding a key to ``KEYS`` and using
``Faults.get`` where it applies. Unknown keys and bad values raise ``FaultSpecError`` with a clear message.

Dice and replay: ``seed=N`` (a whole number, 0 to 2**64-1) fixes every roll. A spec without a seed gets one
chosen at random when it is set; it is logged, and ``GET /_sandbox/faults`` answers the spec in force with its
seed, so any run can be replayed by setting that spec again. Each https request rolls its dice (faults,
per-item 429s in a ``$batch``, the order of a ``$batch``'s answers) from its own generator, derived from the
seed, the request's method and path, and how many requests with that method and path came before it since the
spec was set. So a sequence of requests on one connection is reproduced exactly; requests to other paths
interleaved with it change nothing; concurrent requests to the *same* method and path (e.g. several ``$batch``
at once) may arrive in another order from run to run, and then swap outcomes between them (which requests get
faulted), while the outcomes in arrival order, and so the fault rates, stay the same. Only the box's own
generator (``random.Random(seed)``, re-seeded with every spec) serves a roll made outside an https request.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, NoReturn

from aiohttp import web
from aiohttp.typedefs import Middleware

from .common import (
    THROTTLED_CODE,
    THROTTLED_INNER,
    THROTTLED_MESSAGE,
    aad_error,
    graph_error,
    problem_response,
)

TRANSIENT_AADSTS = 90033
"""AADSTS90033: a transient error (what identity endpoints answer when they shed load)."""

log = logging.getLogger(__name__)


class Kind(Enum):
    DURATION = "duration"
    PROBABILITY = "probability"


KEYS: dict[str, Kind] = {
    "latency": Kind.DURATION,  # added before every answer
    "429": Kind.PROBABILITY,  # answer 429 TooManyRequests with Retry-After
    "503": Kind.PROBABILITY,  # answer 503 ServiceUnavailable with Retry-After
    "drop": Kind.PROBABILITY,  # close the connection without answering
    "retry_after": Kind.DURATION,  # the Retry-After sent with 429/503 (default 1s)
    "drop_before_commit": Kind.PROBABILITY,  # writes: close the connection before the write is applied
    "drop_after_commit": Kind.PROBABILITY,  # writes: apply the write, then close without answering
    "consistency_delay": Kind.DURATION,  # a new user answers 404 on GET for this long after creation
    "batch429": Kind.PROBABILITY,  # a whole $batch answered 429
    "424": Kind.PROBABILITY,  # a whole $batch answered 424 Failed Dependency
}
BATCH_PATH = "/v1.0/$batch"
PORTAL_API = "/portal/api/"
"""The sandbox portal's API: faults apply as to Graph, errors in its problem+json shape."""
PORTAL_PAGES = "/portal/activate/"
"""The portal's activation page (a browser page): no faults."""
_WRITE_METHODS = {"POST", "PATCH", "PUT", "DELETE"}
DEFAULT_RETRY_AFTER = 1.0

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)?$")
SEED = "seed"
"""The spec key that fixes the dice (not a fault: it has no kind)."""
MAX_SEED = 2**64 - 1
_SEED = re.compile(r"^\d+$")


class FaultSpecError(ValueError):
    """A fault spec that cannot be parsed."""


@dataclass(frozen=True)
class Faults:
    """A parsed fault spec, and the seed of its dice (None: not chosen yet)."""

    values: dict[str, float] = field(default_factory=dict)
    seed: int | None = None

    @classmethod
    def parse(cls, spec: str) -> Faults:
        values: dict[str, float] = {}
        seed: int | None = None
        for raw in spec.split(","):
            item = raw.strip()
            if not item:
                continue
            key, sep, value = item.partition("=")
            key, value = key.strip().lower(), value.strip().lower()
            if not sep or not key or not value:
                raise FaultSpecError(f"fault {item!r}: expected key=value")
            if key == SEED:
                seed = _parse_seed(value)
                continue
            kind = KEYS.get(key)
            if kind is None:
                known = ", ".join(sorted(KEYS))
                raise FaultSpecError(f"unknown fault {key!r} (known: {known}; and {SEED}=N for the dice)")
            values[key] = _parse_value(key, kind, value)
        return cls(values, seed)

    def with_seed(self, seed: int) -> Faults:
        return replace(self, seed=seed)

    def get(self, key: str, default: float = 0.0) -> float:
        return self.values.get(key, default)

    @property
    def spec(self) -> str:
        parts = []
        for key, value in self.values.items():
            if KEYS[key] is Kind.DURATION:
                parts.append(f"{key}={round(value * 1000)}ms")
            else:
                parts.append(f"{key}={value:g}")
        if self.seed is not None:
            parts.append(f"{SEED}={self.seed}")
        return ",".join(parts)

    @property
    def retry_after(self) -> str:
        seconds = self.get("retry_after", DEFAULT_RETRY_AFTER)
        return f"{seconds:g}"


def _parse_seed(value: str) -> int:
    if not _SEED.match(value) or int(value) > MAX_SEED:
        raise FaultSpecError(f"fault {SEED}: {value!r} is not a whole number from 0 to {MAX_SEED}")
    return int(value)


def _parse_value(key: str, kind: Kind, value: str) -> float:
    if kind is Kind.DURATION:
        match = _DURATION.match(value)
        if not match:
            raise FaultSpecError(f"fault {key}: {value!r} is not a duration like 150ms or 1.5s")
        number = float(match.group(1))
        return number / 1000 if match.group(2) == "ms" else number
    try:
        number = float(value)
    except ValueError:
        raise FaultSpecError(f"fault {key}: {value!r} is not a probability") from None
    if not 0.0 <= number <= 1.0:
        raise FaultSpecError(f"fault {key}: probability {value} is not between 0 and 1")
    return number


_DICE: ContextVar[random.Random | None] = ContextVar("c2t_sandbox_dice", default=None)
"""The dice of the https request being handled (set by the middleware)."""


class FaultBox:
    """The current faults, replaceable at run time through the control API, and their dice."""

    def __init__(self, faults: Faults) -> None:
        self.set(faults)

    @property
    def faults(self) -> Faults:
        """The faults in force; their seed is never None."""
        return self._faults

    def set(self, faults: Faults) -> Faults:
        """Put ``faults`` in force and (re-)seed the dice; without a seed, choose one (and log it).
        Returns the faults in force, seed included."""
        if faults.seed is None:
            faults = faults.with_seed(random.SystemRandom().randrange(2**32))
            log.info("faults: no seed given, chose %d", faults.seed)
        self._faults = faults
        self._rng = random.Random(faults.seed)
        self._requests: dict[str, int] = {}
        log.info("faults in force: %r", faults.spec)
        return faults

    def dice_for(self, method: str, path: str) -> random.Random:
        """The dice of the next request with this method and path (see the module's docstring)."""
        key = f"{method} {path}"
        count = self._requests.get(key, 0)
        self._requests[key] = count + 1
        return random.Random(f"{self._faults.seed}|{key}|{count}")

    def _dice(self) -> random.Random:
        return _DICE.get() or self._rng

    def roll(self) -> float:
        return self._dice().random()

    def hit(self, key: str) -> bool:
        """Roll for a probability fault."""
        probability = self.faults.get(key)
        return probability > 0 and self._dice().random() < probability

    def shuffle(self, items: list[Any]) -> None:
        self._dice().shuffle(items)


def throttled(request: web.Request, retry_after: str) -> web.Response:
    return graph_error(
        request,
        429,
        THROTTLED_CODE,
        THROTTLED_MESSAGE,
        headers={"Retry-After": retry_after},
        inner=THROTTLED_INNER,
    )


def _portal_refusal(status: int, headers: dict[str, str]) -> web.Response:
    if status == 429:
        return problem_response(429, "throttled", "Too many requests", "Try again later.", headers=headers)
    return problem_response(
        503, "unavailable", "Service unavailable", "The portal is briefly unavailable.", headers=headers
    )


def _drop(request: web.Request, why: str) -> NoReturn:
    log.info("fault: %s: dropping %s %s", why, request.method, request.path)
    if request.transport is not None:
        request.transport.abort()
    raise asyncio.CancelledError


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def faults_middleware(box: FaultBox) -> Middleware:
    """A middleware that applies the current faults to https requests only."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.secure or request.path.startswith(PORTAL_PAGES):
            return await handler(request)
        dice = _DICE.set(box.dice_for(request.method, request.path))
        try:
            return await faulted(request, handler)
        finally:
            _DICE.reset(dice)

    async def faulted(request: web.Request, handler: Handler) -> web.StreamResponse:
        faults = box.faults
        latency = faults.get("latency")
        if latency > 0:
            await asyncio.sleep(latency)
        if box.hit("drop"):
            _drop(request, "drop")
        write = request.method in _WRITE_METHODS and request.path.startswith(("/v1.0/", PORTAL_API))
        if write and box.hit("drop_before_commit"):
            _drop(request, "drop_before_commit")
        # In a $batch, 429 applies to each item (see batch.py), not to the batch.
        p429 = 0.0 if request.path == BATCH_PATH else faults.get("429")
        p503 = faults.get("503")
        if p429 or p503:
            roll = box.roll()
            retry = {"Retry-After": faults.retry_after}
            if roll < p429 + p503 and request.path.startswith(PORTAL_API):
                status = 429 if roll < p429 else 503
                log.info("fault: %d for %s %s", status, request.method, request.path)
                return _portal_refusal(status, retry)
            if roll < p429 + p503 and not request.path.startswith("/v1.0/"):
                # Identity endpoints answer in OAuth's error shape (MSAL cannot read Graph's).
                status = 429 if roll < p429 else 503
                log.info("fault: %d for %s %s", status, request.method, request.path)
                refusal = aad_error(
                    request,
                    "temporarily_unavailable",
                    TRANSIENT_AADSTS,
                    "A transient error has occurred. Please try again.",
                    status=status,
                )
                refusal.headers.update(retry)
                return refusal
            if roll < p429:
                log.info("fault: 429 for %s %s", request.method, request.path)
                return throttled(request, faults.retry_after)
            if roll < p429 + p503:
                log.info("fault: 503 for %s %s", request.method, request.path)
                return graph_error(
                    request,
                    503,
                    "serviceNotAvailable",
                    "The service is temporarily unavailable. Please retry after a delay.",
                    headers=retry,
                )
        response = await handler(request)
        if write and box.hit("drop_after_commit"):
            _drop(request, "drop_after_commit")
        return response

    return middleware
