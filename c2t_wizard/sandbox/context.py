"""What every handler needs: the store, the signing key, the faults and the sandbox's own addresses."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from .faults import FaultBox
from .jwt import SigningKey
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

    @property
    def graph(self) -> str:
        return f"{self.login}/v1.0"


CONTEXT = web.AppKey("sandbox_context", Context)


def ctx(request: web.Request) -> Context:
    return request.app[CONTEXT]
