"""The endpoints of this run and the HTTP client that talks to them.

In sandbox mode the endpoints are known only once the sandbox process has printed its ready line, so
services ask for them with ``await backend.endpoints()``. Everything here is used on the service thread.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from c2t_wizard.config import Endpoints
from c2t_wizard.lazy import lazy_import

if TYPE_CHECKING:
    import asyncio
    import concurrent.futures
    import ssl

    import httpx
else:
    asyncio = lazy_import("asyncio")
    lazy_import("concurrent.futures")
    import concurrent

    ssl = lazy_import("ssl")
    httpx = lazy_import("httpx")


USER_AGENT = "c2t-wizard/0.1"


class BackendUnavailableError(Exception):
    """The endpoints could not be had (the sandbox did not start)."""


class Backend:
    """Endpoints (possibly not yet known) plus one shared ``httpx.AsyncClient``."""

    def __init__(self, endpoints: Endpoints | None = None) -> None:
        # The future is made on first use: the app builds its backend before the first paint, which needn't
        # wait for concurrent.futures.
        self._given = endpoints
        self._future: concurrent.futures.Future[Endpoints] | None = None
        self._future_lock = threading.Lock()
        self._http: httpx.AsyncClient | None = None
        self._http_loop: asyncio.AbstractEventLoop | None = None

    @property
    def _ready(self) -> concurrent.futures.Future[Endpoints]:
        with self._future_lock:
            if self._future is None:
                self._future = concurrent.futures.Future()
                if self._given is not None:
                    self._future.set_result(self._given)
            return self._future

    def provide(self, endpoints: Endpoints) -> None:
        if not self._ready.done():
            self._ready.set_result(endpoints)

    def fail(self, error: BaseException) -> None:
        if not self._ready.done():
            self._ready.set_exception(error)

    @property
    def known(self) -> Endpoints | None:
        """The endpoints if already known, without waiting."""
        if self._ready.done() and self._ready.exception() is None:
            return self._ready.result()
        return None

    async def endpoints(self, timeout: float = 60.0) -> Endpoints:
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(self._ready)), timeout)
        except TimeoutError as exc:
            raise BackendUnavailableError("the sandbox did not become ready") from exc

    def ssl_context(self, endpoints: Endpoints) -> ssl.SSLContext | bool:
        if endpoints.ca_cert is None:
            return True
        return ssl.create_default_context(cafile=str(endpoints.ca_cert))

    async def http(self) -> httpx.AsyncClient:
        """The shared client for the current loop (created on first use, on the service thread)."""
        loop = asyncio.get_running_loop()
        if self._http is None or self._http_loop is not loop:
            endpoints = await self.endpoints()
            # Concurrent first calls all waited above: only the first makes the client (no leaked pools).
            if self._http is None or self._http_loop is not loop:
                self._http = self.new_client(endpoints)
                self._http_loop = loop
        return self._http

    def new_client(self, endpoints: Endpoints, **kwargs: Any) -> httpx.AsyncClient:
        options: dict[str, Any] = {
            "verify": self.ssl_context(endpoints),
            "timeout": httpx.Timeout(10.0, connect=5.0),
            "headers": {"User-Agent": USER_AGENT},
            # The sandbox must never be reached through a proxy, and this machine's CA bundle variables
            # must not override the sandbox certificate.
            "trust_env": not endpoints.sandbox,
        }
        options.update(kwargs)
        return httpx.AsyncClient(**options)

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None
