"""What every handler needs: the store, the signing key, the faults and the sandbox's own addresses."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from .faults import FaultBox
from .jwt import SigningKey
from .quota import DEFAULT_WRITE_QUOTA, QuotaSpec, WriteQuota
from .state import Store

DEFAULT_TOKEN_LIFETIME = 3600


@dataclass
class Context:
    store: Store
    key: SigningKey
    faults: FaultBox
    base: str = ""
    """The plain-http site, e.g. ``http://127.0.0.1:P`` (browser pages, control API)."""
    login: str = ""
    """The https site, e.g. ``https://127.0.0.1:Q`` (identity endpoints and Graph)."""
    token_lifetime: int = DEFAULT_TOKEN_LIFETIME
    quota: WriteQuota = field(default_factory=lambda: WriteQuota(QuotaSpec.parse(DEFAULT_WRITE_QUOTA)))
    """Graph's identity write quota per (app, tenant)."""
    created_at: dict[str, float] = field(default_factory=dict)
    """``time.monotonic()`` of each user created by this process (for the ``consistency_delay`` fault)."""

    @property
    def graph(self) -> str:
        return f"{self.login}/v1.0"


CONTEXT = web.AppKey("sandbox_context", Context)


def ctx(request: web.Request) -> Context:
    return request.app[CONTEXT]
