"""The msgraph client: Graph base URL from the endpoints, tokens from the AuthService, msgraph's middleware.

msgraph and kiota are imported inside functions only: importing this module costs nothing at start-up.
``warm_up_graph_models()`` imports msgraph's client (not its whole model graph) on the service thread early.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from c2t_wizard.lazy import lazy_import
from c2t_wizard.services.backend import Backend

if TYPE_CHECKING:
    from msgraph.graph_service_client import GraphServiceClient

    from c2t_wizard.services.auth import AuthService

if TYPE_CHECKING:
    import asyncio

    import httpx
else:
    asyncio = lazy_import("asyncio")
    httpx = lazy_import("httpx")


log = logging.getLogger(__name__)

GRAPH_TIMEOUT_SECONDS = 30.0
GRAPH_CONNECT_TIMEOUT_SECONDS = 10.0


@functools.cache
def _token_provider_class() -> type[Any]:
    """The kiota ``AccessTokenProvider`` subclass (built on first use, so kiota is imported lazily)."""
    from kiota_abstractions.authentication import AccessTokenProvider, AllowedHostsValidator

    class AuthTokenProvider(AccessTokenProvider):
        """Hands msgraph the AuthService's token, for the Graph host only."""

        def __init__(self, auth: AuthService, hosts: list[str]) -> None:
            self._auth = auth
            self._validator = AllowedHostsValidator(hosts)

        async def get_authorization_token(
            self, uri: str, additional_authentication_context: dict[str, Any] | None = None
        ) -> str:
            if not self._validator.is_url_host_valid(uri):
                return ""
            return await self._auth.access_token()

        def get_allowed_hosts_validator(self) -> Any:
            return self._validator

    return AuthTokenProvider


def token_provider(auth: AuthService, graph_url: str) -> Any:
    """A kiota ``AccessTokenProvider`` answering with ``auth.access_token()`` for ``graph_url``'s host."""
    host = urlsplit(graph_url).hostname or ""
    return _token_provider_class()(auth, [host])


async def create_graph_client(backend: Backend, auth: AuthService) -> GraphServiceClient:
    """A GraphServiceClient for this run's Graph endpoint (trusting the sandbox CA there); close it with
    ``close_graph_client``."""
    from kiota_abstractions.authentication import BaseBearerTokenAuthenticationProvider
    from msgraph.graph_request_adapter import GraphRequestAdapter
    from msgraph.graph_request_adapter import options as graph_options
    from msgraph.graph_service_client import GraphServiceClient
    from msgraph_core import GraphClientFactory

    endpoints = await backend.endpoints()
    http = backend.new_client(
        endpoints, timeout=httpx.Timeout(GRAPH_TIMEOUT_SECONDS, connect=GRAPH_CONNECT_TIMEOUT_SECONDS)
    )
    http = GraphClientFactory.create_with_default_middleware(client=http, options=graph_options)
    provider = BaseBearerTokenAuthenticationProvider(token_provider(auth, endpoints.graph))
    adapter = GraphRequestAdapter(provider, client=http)
    adapter.base_url = endpoints.graph
    return GraphServiceClient(request_adapter=adapter)


async def close_graph_client(client: GraphServiceClient) -> None:
    """Close the client's HTTP connections.

    msgraph-core's ``AsyncGraphTransport`` does not pass ``aclose`` on to the transport it wraps (1.5.2), so
    the wrapped connection pools are closed here too.
    """
    http = getattr(client.request_adapter, "_http_client", None)
    if not isinstance(http, httpx.AsyncClient):
        return
    transports = [getattr(http, "_transport", None), *getattr(http, "_mounts", {}).values()]
    await http.aclose()
    for transport in transports:
        inner = getattr(transport, "transport", None)
        if isinstance(inner, httpx.AsyncBaseTransport):
            await inner.aclose()


def _warm_up() -> int:
    """Import msgraph's client, request builders and the error model; returns the number of msgraph modules
    loaded (the wizard's own requests are written as JSON: ``directory._creation_batch``).

    Deliberately not ``get_field_deserializers()`` of ``User``, ``Organization`` or ``DirectoryRole``: each
    imports msgraph's whole model graph (about 1,200 modules, +43 MB peak memory on the Users page journey,
    ~2 s of CPU that competed with the first sign-in). The wizard reads the tenant facts, the username
    checks and the creation answers as plain JSON; only the rare paths (reading a user back after a lost
    answer, role assignments when the memberships don't say) deserialise models, and pay that import then,
    on the service thread."""
    import sys

    from msgraph.generated.models.o_data_errors.o_data_error import ODataError
    from msgraph.graph_service_client import GraphServiceClient  # noqa: F401  (client and builders)

    ODataError().get_field_deserializers()  # the error model: small (a handful of modules)
    return sum(1 for name in sys.modules if name == "msgraph" or name.startswith("msgraph."))


async def get_json(builder: Any, configuration: Any = None) -> dict[str, Any]:
    """A GET through msgraph's request builder and adapter (its auth and middleware; an error answer raises
    msgraph's ``ODataError`` as a model call would) with the answer read as plain JSON.

    Reading a ``User`` or ``Organization`` into msgraph's models imports msgraph's whole model graph (about
    1,200 modules, 1.5 s of CPU and +43 MB: see ``_warm_up``); the few fields the wizard reads need none of
    them. ``configuration`` is a kiota ``RequestConfiguration`` (query parameters, middleware options)."""
    import json

    from msgraph.generated.models.o_data_errors.o_data_error import ODataError

    info = builder.to_get_request_information(configuration)
    raw = await builder.request_adapter.send_primitive_async(info, "bytes", {"XXX": ODataError})
    try:
        answer = json.loads(raw) if raw else {}
    except ValueError:
        raise GraphAnswerError("Graph answered with something that is not JSON") from None
    return answer if isinstance(answer, dict) else {}


class GraphAnswerError(ValueError):
    """Graph answered 2xx with something that is not a JSON object."""


async def warm_up_graph_models() -> int:
    """Import msgraph's client and the few models the wizard's requests use, in a worker thread, so the
    service loop stays responsive meanwhile (see ``_warm_up``); returns the number of msgraph modules."""
    return await asyncio.to_thread(_warm_up)


class GraphSession:
    """The signed-in administrator's msgraph client: made on first use, shared by all pages."""

    def __init__(self, backend: Backend, auth: AuthService) -> None:
        self._backend = backend
        self._auth = auth
        self._client: GraphServiceClient | None = None
        self._lock: asyncio.Lock | None = None

    async def client(self) -> GraphServiceClient:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._client is None:
                self._client = await create_graph_client(self._backend, self._auth)
            return self._client

    async def reset(self) -> None:
        """Forget the client (after signing out or switching account)."""
        client, self._client = self._client, None
        if client is not None:
            await close_graph_client(client)

    async def aclose(self) -> None:
        await self.reset()
