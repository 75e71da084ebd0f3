"""``ApiPortal``: the portal backend that speaks ``resources/portal-api.yaml`` over HTTPS (httpx).

Where it talks to and how it signs in come from configuration (``PortalSettings``): the base URL from
``C2T_PORTAL_URL``, the settings key ``portal_url`` or the sandbox's ``portal`` endpoint; the credential is a
portal API key kept in the OS keyring (``ApiKeyStore``; never in settings, logs or the journal) or a Microsoft
access token for a configurable scope (default ``api://call2teams-portal/.default``).

Every call goes through the shared retry policy; every attempt of one invitation carries the same
``Idempotency-Key`` (derived from the person's journal key, the account and what is sent), so a retried invite
never makes two. At most ``concurrency`` requests (default 8) are in flight at once, whatever the caller
starts. A 409 is "already invited", not a failure. problem+json answers become ``PortalProblem``.

``make_portal_backend`` picks the API or the guided backend from configuration.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from c2t_wizard.domain.portal import (
    AccountKind,
    Invitation,
    InvitationRequest,
    InvitationStatus,
    PortalAccount,
    PortalAdministrator,
    PortalRole,
)
from c2t_wizard.services.http_retry import RetryPolicy, http_transient
from c2t_wizard.services.portal import (
    BackendKind,
    InviteOutcome,
    InviteResult,
    PortalBackend,
    PortalError,
    PortalProblem,
)

if TYPE_CHECKING:
    import httpx

    from c2t_wizard.config import Config
    from c2t_wizard.services.backend import Backend

log = logging.getLogger(__name__)

DEFAULT_PORTAL_SCOPE = "api://call2teams-portal/.default"
DEFAULT_CONCURRENCY = 8
KEYRING_SERVICE = "c2t-wizard: Call2Teams portal API key"
"""The keyring entry's service name; its user name is the portal's base URL."""

T = TypeVar("T")
R = TypeVar("R")


class PortalAuth(Enum):
    API_KEY = "api_key"
    MICROSOFT = "microsoft"


class TokenSource(Protocol):
    """What ``ApiPortal`` needs of the sign-in (``services.auth.AuthService`` is one)."""

    async def access_token(
        self, scopes: Sequence[str] | None = None, *, force_refresh: bool = False
    ) -> str: ...


# --- the API key in the OS keyring --------------------------------------------------------------------


class ApiKeyStore:
    """The portal API key in the OS keyring (``keyring``), one per portal URL. Blocking: call through
    ``asyncio.to_thread`` on the service thread (the ``a*`` methods do)."""

    def __init__(self, service: str = KEYRING_SERVICE) -> None:
        self.service = service

    def get(self, url: str) -> str | None:
        import keyring
        import keyring.errors

        try:
            return keyring.get_password(self.service, url)
        except keyring.errors.KeyringError as exc:
            log.warning("portal: the keyring could not be read (%s)", type(exc).__name__)
            return None

    def set(self, url: str, key: str) -> None:
        import keyring

        keyring.set_password(self.service, url, key)

    def delete(self, url: str) -> None:
        import keyring
        import keyring.errors

        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(self.service, url)

    async def aget(self, url: str) -> str | None:
        return await asyncio.to_thread(self.get, url)


# --- configuration ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortalSettings:
    """Which backend and, for the API, where and how. ``url`` None: the sandbox's portal endpoint (if any)."""

    backend: BackendKind
    url: str | None = None
    auth: PortalAuth = PortalAuth.MICROSOFT
    scope: str = DEFAULT_PORTAL_SCOPE
    concurrency: int = DEFAULT_CONCURRENCY

    @classmethod
    def from_config(
        cls, config: Config, settings: Mapping[str, str], env: Mapping[str, str] | None = None
    ) -> PortalSettings:
        """Environment (``C2T_PORTAL_BACKEND``, ``C2T_PORTAL_URL``, ``C2T_PORTAL_AUTH``, ``C2T_PORTAL_SCOPE``)
        over the settings file (``portal_backend``, ``portal_url``, ``portal_auth``, ``portal_scope``).

        The API backend when asked for, when a portal URL is configured, or in sandbox mode (the sandbox
        serves the contract); else guided (the real Call2Teams publishes no API)."""
        import os

        env = os.environ if env is None else env

        def pick(var: str, key: str) -> str:
            return (env.get(var) or settings.get(key) or "").strip()

        url = (pick("C2T_PORTAL_URL", "portal_url") or config.endpoints.portal or "").rstrip("/") or None
        wanted = pick("C2T_PORTAL_BACKEND", "portal_backend").lower()
        if wanted in ("api", "guided"):
            backend = BackendKind(wanted)
        else:
            backend = BackendKind.API if url or config.sandbox else BackendKind.GUIDED
        auth_name = pick("C2T_PORTAL_AUTH", "portal_auth").lower()
        auth = PortalAuth.API_KEY if auth_name in ("api_key", "apikey", "key") else PortalAuth.MICROSOFT
        return cls(backend, url, auth, pick("C2T_PORTAL_SCOPE", "portal_scope") or DEFAULT_PORTAL_SCOPE)


def make_portal_backend(
    config: Config,
    backend: Backend,
    *,
    authenticator: TokenSource | None = None,
    settings: Mapping[str, str] | None = None,
    guided: Callable[[], PortalBackend] | None = None,
    key_store: ApiKeyStore | None = None,
) -> PortalBackend:
    """The portal backend this configuration asks for (see ``PortalSettings.from_config``).

    ``settings``: the settings file's values (read from ``config`` when None). ``guided`` builds the guided
    backend; when None, ``c2t_wizard.services.portal_guided.guided_from_environment`` (with Python's
    ``webbrowser``; the app passes its own opener) is imported lazily.
    Cheap: builds objects only, no I/O (the API key is read from the keyring on first use)."""
    if settings is None:
        from c2t_wizard.config import SETTINGS_FILE_NAME, read_settings

        settings = read_settings(config.paths.settings_dir / SETTINGS_FILE_NAME)
    chosen = PortalSettings.from_config(config, settings)
    if chosen.backend is BackendKind.GUIDED:
        if guided is not None:
            return guided()
        import importlib
        import webbrowser

        module = importlib.import_module("c2t_wizard.services.portal_guided")
        made: PortalBackend = module.guided_from_environment(webbrowser.open)
        return made
    return ApiPortal(
        backend,
        url=chosen.url,
        auth=chosen.auth,
        authenticator=authenticator,
        scope=chosen.scope,
        key_store=key_store,
        concurrency=chosen.concurrency,
    )


# --- the client ---------------------------------------------------------------------------------------------


def idempotency_key(account_id: str, request: InvitationRequest) -> str:
    """The same for every attempt of one invitation: the person's journal key, the account and what is sent
    (a changed request is a new invitation, which the portal then answers "already invited")."""
    material = json.dumps(
        [
            account_id,
            request.key,
            request.email.strip().lower(),
            request.first_name.strip(),
            request.last_name.strip(),
            sorted(role.value for role in request.roles),
            request.send.value,
        ]
    )
    return "c2t-" + hashlib.sha256(material.encode("utf-8")).hexdigest()[:40]


_STATUS_PROBLEMS = {
    400: PortalProblem.INVALID,
    401: PortalProblem.NOT_SIGNED_IN,
    403: PortalProblem.NOT_ALLOWED,
    404: PortalProblem.NOT_FOUND,
    409: PortalProblem.INVALID,
    415: PortalProblem.INVALID,
    422: PortalProblem.INVALID,
    429: PortalProblem.BUSY,
    502: PortalProblem.BUSY,
    503: PortalProblem.BUSY,
    504: PortalProblem.BUSY,
}


def _problem_of(response: httpx.Response) -> tuple[PortalProblem, str, dict[str, Any]]:
    """(problem, the portal's detail, the problem+json body) of an error answer."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    detail = str(body.get("detail") or body.get("title") or f"HTTP {response.status_code}")
    return _STATUS_PROBLEMS.get(response.status_code, PortalProblem.UNEXPECTED), detail, body


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _roles(values: Any) -> frozenset[PortalRole]:
    known = {role.value: role for role in PortalRole}
    return frozenset(known[v] for v in values if v in known) if isinstance(values, list) else frozenset()


def invitation_from_json(data: Mapping[str, Any]) -> Invitation:
    return Invitation(
        id=str(data["id"]),
        email=str(data["email"]),
        roles=_roles(data.get("roles")),
        status=InvitationStatus(str(data["status"])),
        activation_url=str(data["activationUrl"]) if data.get("activationUrl") else None,
        expires_at=_time(data.get("expiresAt")),
    )


async def bounded_map(
    items: Iterable[T],
    operation: Callable[[T], Awaitable[R]],
    *,
    limit: int = DEFAULT_CONCURRENCY,
    on_result: Callable[[R], None] | None = None,
) -> list[R]:
    """``operation`` on every item with at most ``limit`` running at once; results in the items' order.
    ``on_result`` sees each result as it arrives (for progress)."""
    semaphore = asyncio.Semaphore(max(1, limit))

    async def one(item: T) -> R:
        async with semaphore:
            result = await operation(item)
        if on_result is not None:
            on_result(result)
        return result

    return list(await asyncio.gather(*(one(item) for item in items)))


class ApiPortal:
    """``PortalBackend`` over the portal HTTP API (see the module doc)."""

    def __init__(
        self,
        backend: Backend,
        *,
        url: str | None = None,
        auth: PortalAuth = PortalAuth.MICROSOFT,
        authenticator: TokenSource | None = None,
        scope: str = DEFAULT_PORTAL_SCOPE,
        api_key: str | None = None,
        key_store: ApiKeyStore | None = None,
        retry: RetryPolicy | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self._backend = backend
        self._url = url.rstrip("/") if url else None
        self._auth = PortalAuth.API_KEY if api_key else auth
        self._authenticator = authenticator
        self._scope = scope
        self._api_key = api_key
        self._key_store = key_store or ApiKeyStore()
        self._retry = retry or RetryPolicy()
        self.concurrency = max(1, concurrency)
        self._slots: asyncio.Semaphore | None = None

    def __repr__(self) -> str:  # never the key
        return f"ApiPortal(url={self._url!r}, auth={self._auth.value})"

    @property
    def kind(self) -> BackendKind:
        return BackendKind.API

    async def base_url(self) -> str:
        if self._url:
            return self._url
        endpoints = await self._backend.endpoints()
        if not endpoints.portal:
            raise PortalError(PortalProblem.UNEXPECTED, "no portal API is configured")
        return endpoints.portal.rstrip("/")

    async def _credential(self, base: str) -> str:
        if self._auth is PortalAuth.API_KEY:
            if self._api_key is None:
                self._api_key = await self._key_store.aget(base)
            if not self._api_key:
                raise PortalError(PortalProblem.NOT_SIGNED_IN, "no portal API key is stored")
            return self._api_key
        if self._authenticator is None:
            raise PortalError(PortalProblem.NOT_SIGNED_IN, "not signed in")
        from c2t_wizard.services.auth import AuthError

        try:
            return await self._authenticator.access_token([self._scope])
        except AuthError as exc:
            raise PortalError(PortalProblem.NOT_SIGNED_IN, exc.problem.value) from exc

    async def _request(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        what: str = "portal request",
    ) -> httpx.Response:
        """One call with the retry policy (every attempt alike: the same Idempotency-Key for a POST), each
        attempt holding one of the ``concurrency`` slots. Answers any HTTP status; no answer for good ->
        ``PortalError(UNREACHABLE)``."""
        import httpx

        base = await self.base_url()
        credential = await self._credential(base)
        http = await self._backend.http()
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.concurrency)
        slots = self._slots
        sent = {"Authorization": f"Bearer {credential}", "Accept": "application/json", **(headers or {})}

        async def attempt() -> httpx.Response:
            async with slots:
                return await http.request(method, f"{base}{path}", json=body, headers=sent)

        try:
            # Every call is safe to repeat: GET and DELETE are idempotent, a POST carries its Idempotency-Key.
            return await self._retry.run(attempt, classify=http_transient, what=what)
        except httpx.TransportError as exc:
            raise PortalError(PortalProblem.UNREACHABLE, type(exc).__name__) from exc

    async def _json(self, method: str, path: str, *, what: str) -> Any:
        response = await self._request(method, path, what=what)
        if response.status_code >= 400:
            problem, detail, _ = _problem_of(response)
            raise PortalError(problem, detail, response.status_code)
        try:
            return response.json()
        except ValueError as exc:
            raise PortalError(PortalProblem.UNEXPECTED, "the portal's answer is not JSON") from exc

    async def accounts(self) -> list[PortalAccount]:
        data = await self._json("GET", "/me", what="portal accounts")
        accounts = [
            PortalAccount(
                id=str(item["id"]),
                name=str(item["name"]),
                kind=AccountKind(str(item["kind"])),
                parent_id=str(item["parentId"]) if item.get("parentId") else None,
            )
            for item in data.get("accounts", [])
        ]
        # Each top-level account followed by the accounts under it (the tree the page shows).
        children: dict[str | None, list[PortalAccount]] = {}
        known = {account.id for account in accounts}
        for account in accounts:
            parent = account.parent_id if account.parent_id in known else None
            children.setdefault(parent, []).append(account)
        ordered: list[PortalAccount] = []

        def walk(parent: str | None) -> None:
            for account in children.get(parent, []):
                if account not in ordered:
                    ordered.append(account)
                    walk(account.id)

        walk(None)
        return ordered

    async def invite(self, account_id: str, request: InvitationRequest) -> InviteOutcome:
        body = {
            "email": request.email.strip(),
            "firstName": request.first_name.strip(),
            "lastName": request.last_name.strip(),
            "roles": sorted(role.value for role in request.roles),
            "send": request.send.value,
        }
        path = f"/accounts/{account_id}/invitations"
        try:
            response = await self._request(
                "POST",
                path,
                body=body,
                headers={"Idempotency-Key": idempotency_key(account_id, request)},
                what="portal invitation",
            )
        except PortalError as exc:
            return InviteOutcome(request.key, InviteResult.FAILED, problem=exc.problem, detail=exc.detail)
        if response.status_code in (200, 201):
            return InviteOutcome(request.key, InviteResult.INVITED, invitation_from_json(response.json()))
        problem, detail, problem_body = _problem_of(response)
        if response.status_code == 409:
            existing = await self._existing(account_id, problem_body.get("invitationId"))
            return InviteOutcome(request.key, InviteResult.ALREADY_INVITED, existing, detail=detail)
        log.info("portal: invitation %s refused: HTTP %d", request.key, response.status_code)
        return InviteOutcome(request.key, InviteResult.FAILED, problem=problem, detail=detail)

    async def _existing(self, account_id: str, invitation_id: Any) -> Invitation | None:
        """The pending invitation a 409 names (None if it cannot be read: "already invited" stands)."""
        if not isinstance(invitation_id, str) or not invitation_id:
            return None
        try:
            data = await self._json(
                "GET", f"/accounts/{account_id}/invitations/{invitation_id}", what="portal invitation"
            )
            return invitation_from_json(data)
        except (PortalError, KeyError, ValueError):
            return None

    async def invite_many(
        self,
        account_id: str,
        requests: Sequence[InvitationRequest],
        *,
        on_outcome: Callable[[InviteOutcome], None] | None = None,
    ) -> list[InviteOutcome]:
        """Invite everyone, ``concurrency`` at a time; outcomes in the requests' order."""
        return await bounded_map(
            requests, lambda r: self.invite(account_id, r), limit=self.concurrency, on_result=on_outcome
        )

    async def invitations(self, account_id: str) -> list[Invitation]:
        data = await self._json("GET", f"/accounts/{account_id}/invitations", what="portal invitations")
        return [invitation_from_json(item) for item in data.get("value", [])]

    async def revoke(self, account_id: str, invitation_id: str) -> None:
        response = await self._request(
            "DELETE", f"/accounts/{account_id}/invitations/{invitation_id}", what="portal revoke"
        )
        if response.status_code >= 400:
            problem, detail, _ = _problem_of(response)
            raise PortalError(problem, detail, response.status_code)

    async def administrators(self, account_id: str) -> list[PortalAdministrator]:
        data = await self._json("GET", f"/accounts/{account_id}/administrators", what="portal administrators")
        return [
            PortalAdministrator(
                id=str(item["id"]),
                email=str(item["email"]),
                sign_in_name=str(item["signInName"]),
                roles=_roles(item.get("roles")),
            )
            for item in data.get("value", [])
        ]
