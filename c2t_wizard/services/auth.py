"""Sign-in with MSAL: interactive (system browser, PKCE, loopback), broker, device code, silent, sign-out.

MSAL is synchronous: every public method here is ``async`` and runs MSAL in a worker thread; the interactive
wait runs in a daemon thread so a browser that never comes back can't block app exit. msal and
msal-extensions are imported lazily (not before the first window is painted). Errors are
``AuthError(problem, aadsts, detail)``: codes for the UI to put into words, and a technical detail that
never holds a token or a password. Tokens live in MSAL's cache only (encrypted, or memory for this run).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import json
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit

from c2t_wizard.config import DEFAULT_CLIENT_ID, Config, Endpoints
from c2t_wizard.domain.tenant_name import tenant_domain
from c2t_wizard.lazy import lazy_import
from c2t_wizard.logging_setup import redact
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.http_retry import (
    TRANSIENT_AADSTS,
    TRANSIENT_OAUTH_ERRORS,
    RetryPolicy,
    Transient,
    oauth_transient,
    retry_delay,
)

if TYPE_CHECKING:
    import requests

if TYPE_CHECKING:
    import asyncio
    import concurrent.futures
    import http.client
else:
    asyncio = lazy_import("asyncio")
    lazy_import("concurrent.futures")
    import concurrent

    lazy_import("http.client")
    import http


log = logging.getLogger(__name__)

# The scopes each step asks for, incrementally (docs/microsoft-rules.md §2): Microsoft shows a consent prompt
# only for what is new, and only an administrator (Global Administrator, Privileged Role Administrator, Cloud
# Application Administrator or Application Administrator) may consent to the admin-consent ones.
SIGN_IN_SCOPES: tuple[str, ...] = ("User.Read",)
"""At sign-in: what anyone may consent to (read their profile, their organisation, their memberships)."""
PASSWORD_RESET_SCOPES: tuple[str, ...] = ("User-PasswordProfile.ReadWrite.All",)
"""Resetting a password (``PATCH /users/{id}`` with ``passwordProfile``): ask before a reset."""
ROLE_CHECK_SCOPES: tuple[str, ...] = ("RoleManagement.Read.Directory",)
"""Reading directory roles in full (``roleAssignments``; no limited view of memberships)."""
DIRECTORY_SCOPES: tuple[str, ...] = ("User.ReadWrite.All", *PASSWORD_RESET_SCOPES, *ROLE_CHECK_SCOPES)
"""When the directory step starts: creating users, resetting their passwords and the role check, asked
together so that one administrator's consent covers them all (each needs admin consent)."""
GRAPH_SCOPES: tuple[str, ...] = SIGN_IN_SCOPES
"""What the wizard asks for at sign-in (the name older code uses)."""
MAIL_SCOPES: tuple[str, ...] = ("Mail.Send",)
"""Asked for later, only when credentials are sent from the admin's mailbox."""
ADMIN_CONSENT_REDIRECT_URI = "http://localhost"
"""The redirect URI of the admin-consent link: registered for Microsoft Graph Command Line Tools (§2.4)."""
CONSENT_ROLE_NAMES: tuple[str, ...] = (
    "Global Administrator",
    "Privileged Role Administrator",
    "Cloud Application Administrator",
    "Application Administrator",
)
"""Who may grant the wizard's admin-consent permissions for the organisation (§2.2)."""
ORGANIZATIONS = "organizations"
ENCRYPTED_CACHE_FILE = "msal_token_cache.bin"
PLAINTEXT_CACHE_FILE = "msal_token_cache.json"
DEFAULT_INTERACTIVE_TIMEOUT = 600.0
HTTP_TIMEOUT = 30.0
_EARLY_REFRESH = 300.0
"""Like MSAL: an access token with less than this many seconds left is refreshed."""

_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_AADSTS_IN_TEXT = re.compile(r"AADSTS(\d+)")
_MAX_DETAIL = 300
_OIDC_SCOPES = frozenset({"openid", "profile", "offline_access", "email"})
_MSAL_HTTP_ERROR = re.compile(r"HTTP Error: (\d{3})")


class AuthProblem(Enum):
    """Why a sign-in or a token request failed (the UI words each one)."""

    CANCELLED = "cancelled"
    TIMED_OUT = "timed_out"
    CONSENT_DENIED = "consent_denied"
    ADMIN_APPROVAL_NEEDED = "admin_approval_needed"
    """Only an administrator may grant what the wizard asks for (AADSTS90094, 90093, or 65001 after an
    interactive attempt): one of ``CONSENT_ROLE_NAMES`` must approve (the admin-consent link)."""
    ADMIN_APPROVAL_REQUESTED = "admin_approval_requested"
    """The tenant's admin consent workflow sent a request to its administrators (AADSTS90095)."""
    MFA_REQUIRED = "mfa_required"
    CONDITIONAL_ACCESS = "conditional_access"
    WRONG_CREDENTIALS = "wrong_credentials"
    USER_NOT_FOUND = "user_not_found"
    TENANT_NOT_FOUND = "tenant_not_found"
    NETWORK = "network"
    """Microsoft could not be reached (no connection, no answer), after the retries."""
    SERVICE_BUSY = "service_busy"
    """Microsoft answered "try again later" (429, 5xx, ``temporarily_unavailable``, AADSTS90033) every
    time it was asked: busy or having an outage. Not a reason to sign in again."""
    INTERACTION_REQUIRED = "interaction_required"
    NO_BROWSER = "no_browser"
    UNKNOWN = "unknown"


class CacheMode(Enum):
    """Where the token cache lives."""

    ENCRYPTED = "encrypted"
    """msal-extensions persistence protected by DPAPI, Keychain or libsecret."""
    MEMORY_ONLY = "memory_only"
    """No encryption available: tokens are kept for this run only (sign in again next time)."""
    PLAINTEXT_FILE = "plaintext_file"
    """Explicitly allowed: an unencrypted file readable by this user only (0600)."""


class AuthError(Exception):
    """A sign-in or token failure: ``problem`` for the UI, ``aadsts`` code if any, technical ``detail``."""

    def __init__(self, problem: AuthProblem, aadsts: int | None = None, detail: str = "") -> None:
        self.problem = problem
        self.aadsts = aadsts
        self.detail = _clean_detail(detail)
        super().__init__(problem, aadsts, self.detail)

    def __str__(self) -> str:
        code = f" AADSTS{self.aadsts}" if self.aadsts is not None else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.problem.name}{code}{detail}"


def _clean_detail(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return redact(first)[:_MAX_DETAIL]


# --- retries -----------------------------------------------------------------------------------------

_RETRY_AFTER_SEEN: ContextVar[list[float] | None] = ContextVar("c2t_msal_retry_after", default=None)
"""Where the MSAL call running in this (copied) context notes the Retry-After of a transient answer:
MSAL's result dicts carry no headers."""


class _NoTransientHttpCache(dict[Any, Any]):
    """MSAL's ``http_cache`` that keeps no transient answer.

    MSAL replays a 429/5xx token answer from its cache for its Retry-After, or 60 s without one, instead of
    asking again: a retry would only see the same error. This cache drops those answers (noting their
    Retry-After for ``http_retry``'s policy, which waits for it) and keeps the rest (discovery documents,
    MSAL's 400 cache).
    """

    def __setitem__(self, key: Any, value: Any) -> None:
        status = getattr(value, "status_code", None)
        if isinstance(status, int) and (status == 429 or status >= 500 or _says_try_again(value)):
            headers = getattr(value, "headers", None) or {}
            seconds = retry_delay(headers.get("retry-after") or headers.get("Retry-After"))
            seen = _RETRY_AFTER_SEEN.get()
            if seen is not None and seconds is not None:
                seen.append(seconds)
            return
        super().__setitem__(key, value)


def _says_try_again(response: Any) -> bool:
    text = getattr(response, "text", "")
    return isinstance(text, str) and '"temporarily_unavailable"' in text


def _answered_transient(outcome: Any, retry_after: float | None) -> Transient | None:
    """A transient *answer* to a request that must not be sent twice once carried out (redeeming an
    authorization code): Microsoft said "try again" (so the code was not used); a lost answer is final."""
    if isinstance(outcome, Mapping):
        return oauth_transient(outcome, retry_after=retry_after)
    if isinstance(outcome, Exception):
        match = _MSAL_HTTP_ERROR.search(str(outcome))
        if match and int(match.group(1)) in (429, 503):
            return Transient(f"HTTP {match.group(1)}", retry_after)
    return None


# --- classification ----------------------------------------------------------------------------------

AADSTS_PROBLEMS: Mapping[int, AuthProblem] = {
    # the user said no / did not consent
    65004: AuthProblem.CONSENT_DENIED,  # user declined to consent
    65001: AuthProblem.INTERACTION_REQUIRED,  # consent needed: ask interactively
    650052: AuthProblem.CONSENT_DENIED,  # the app needs access to a service the tenant has not subscribed to
    90094: AuthProblem.ADMIN_APPROVAL_NEEDED,  # admin consent required
    90093: AuthProblem.ADMIN_APPROVAL_NEEDED,  # the user may not grant it (policy)
    90095: AuthProblem.ADMIN_APPROVAL_REQUESTED,  # admin consent workflow: a request went to the admins
    # multi-factor authentication
    50076: AuthProblem.MFA_REQUIRED,
    50079: AuthProblem.MFA_REQUIRED,
    50074: AuthProblem.MFA_REQUIRED,
    50078: AuthProblem.MFA_REQUIRED,
    50158: AuthProblem.MFA_REQUIRED,
    # Conditional Access
    53000: AuthProblem.CONDITIONAL_ACCESS,
    53001: AuthProblem.CONDITIONAL_ACCESS,
    53002: AuthProblem.CONDITIONAL_ACCESS,
    53003: AuthProblem.CONDITIONAL_ACCESS,
    53004: AuthProblem.CONDITIONAL_ACCESS,
    530032: AuthProblem.CONDITIONAL_ACCESS,
    # who is signing in
    50034: AuthProblem.USER_NOT_FOUND,
    50020: AuthProblem.USER_NOT_FOUND,
    50126: AuthProblem.WRONG_CREDENTIALS,
    50053: AuthProblem.WRONG_CREDENTIALS,  # locked (too many attempts)
    50057: AuthProblem.WRONG_CREDENTIALS,  # account disabled
    50055: AuthProblem.INTERACTION_REQUIRED,  # password expired
    # which tenant
    90002: AuthProblem.TENANT_NOT_FOUND,
    900023: AuthProblem.TENANT_NOT_FOUND,
    50128: AuthProblem.TENANT_NOT_FOUND,
    50059: AuthProblem.TENANT_NOT_FOUND,
    # the session is over: back to interactive sign-in
    50173: AuthProblem.INTERACTION_REQUIRED,
    50133: AuthProblem.INTERACTION_REQUIRED,
    70043: AuthProblem.INTERACTION_REQUIRED,
    700082: AuthProblem.INTERACTION_REQUIRED,
    700084: AuthProblem.INTERACTION_REQUIRED,
    70008: AuthProblem.INTERACTION_REQUIRED,
    50058: AuthProblem.INTERACTION_REQUIRED,
    # device code
    70019: AuthProblem.TIMED_OUT,  # device code expired
    70020: AuthProblem.TIMED_OUT,
    # transient: try again later (http_retry.TRANSIENT_AADSTS)
    **dict.fromkeys(TRANSIENT_AADSTS, AuthProblem.SERVICE_BUSY),
}
"""AADSTS code → problem; looked up before the OAuth ``error`` string."""

ERROR_PROBLEMS: Mapping[str, AuthProblem] = {
    "access_denied": AuthProblem.CONSENT_DENIED,
    "authorization_declined": AuthProblem.CONSENT_DENIED,
    "consent_required": AuthProblem.INTERACTION_REQUIRED,
    "interaction_required": AuthProblem.INTERACTION_REQUIRED,
    "login_required": AuthProblem.INTERACTION_REQUIRED,
    "invalid_grant": AuthProblem.INTERACTION_REQUIRED,
    "expired_token": AuthProblem.TIMED_OUT,
    "bad_verification_code": AuthProblem.TIMED_OUT,
    "invalid_tenant": AuthProblem.TENANT_NOT_FOUND,
    **dict.fromkeys(TRANSIENT_OAUTH_ERRORS, AuthProblem.SERVICE_BUSY),
}
"""OAuth ``error`` → problem, when no known AADSTS code says more."""


def _aadsts_of(result: Mapping[str, Any]) -> int | None:
    codes = result.get("error_codes")
    if isinstance(codes, list) and codes:
        with contextlib.suppress(TypeError, ValueError):
            return int(codes[0])
    match = _AADSTS_IN_TEXT.search(str(result.get("error_description") or ""))
    return int(match.group(1)) if match else None


def classify_error(result: Mapping[str, Any]) -> AuthError:
    """An MSAL/OAuth error response (``error``, ``error_description``, ``error_codes``) as an AuthError."""
    error = str(result.get("error") or "")
    aadsts = _aadsts_of(result)
    problem = AADSTS_PROBLEMS.get(aadsts) if aadsts is not None else None
    if problem is None:
        problem = ERROR_PROBLEMS.get(error, AuthProblem.UNKNOWN)
    description = str(result.get("error_description") or "")
    detail = f"{error}: {description}" if description else error
    return AuthError(problem, aadsts, detail)


def classify_exception(exc: BaseException) -> AuthError:
    """An exception raised by MSAL or its HTTP client, as an AuthError."""
    if isinstance(exc, AuthError):
        return exc
    name = type(exc).__name__
    module = type(exc).__module__
    if module.startswith(("requests", "urllib3")) or isinstance(exc, OSError | TimeoutError):
        return AuthError(AuthProblem.NETWORK, None, f"{name}: {exc}")
    text = str(exc)
    status = _MSAL_HTTP_ERROR.search(text)  # MSAL's raise_for_status of a 5xx token or discovery answer
    if status and (int(status.group(1)) >= 500 or int(status.group(1)) == 429):
        return AuthError(AuthProblem.SERVICE_BUSY, None, f"{name}: {text}")
    if "Unable to get authority configuration" in text:
        # MSAL re-raises the discovery failure without its body; the original is the context.
        cause = exc.__cause__ or exc.__context__
        if cause is not None and cause is not exc:
            inner = classify_exception(cause)
            if inner.problem is not AuthProblem.UNKNOWN:
                return inner
        return AuthError(AuthProblem.TENANT_NOT_FOUND, None, f"{name}: {text}")
    if "OIDC Discovery failed" in text or "Unable to complete OIDC Discovery" in text:
        start = text.find("{")
        if start >= 0:
            with contextlib.suppress(ValueError):
                body = json.loads(text[start:])
                if isinstance(body, dict) and body.get("error"):
                    return classify_error(body)
        aadsts = _aadsts_of({"error_description": text})
        if aadsts is not None:
            return AuthError(AADSTS_PROBLEMS.get(aadsts, AuthProblem.UNKNOWN), aadsts, text)
        return AuthError(AuthProblem.NETWORK, None, f"{name}: {text}")
    return AuthError(AuthProblem.UNKNOWN, None, f"{name}: {text}")


def admin_consent_url(
    endpoints: Endpoints,
    tenant: str,
    client_id: str,
    scopes: Sequence[str] = (*SIGN_IN_SCOPES, *DIRECTORY_SCOPES),
) -> str:
    """The v2 admin-consent link to hand to an approver (docs/microsoft-rules.md §2.4): the exact Graph scopes
    the wizard uses, ``redirect_uri=http://localhost`` (the approver's browser lands on a page that does not
    load; that is expected). Points at the sandbox's sign-in pages in sandbox mode."""
    if endpoints.sandbox:
        parts = urlsplit(endpoints.signup)
        base = f"{parts.scheme}://{parts.netloc}"
    else:
        base = endpoints.login
    query = urlencode(
        {
            "client_id": client_id,
            "scope": " ".join(f"https://graph.microsoft.com/{scope}" for scope in scopes),
            "redirect_uri": ADMIN_CONSENT_REDIRECT_URI,
            "state": "c2t-admin-consent",
        },
        quote_via=quote,
    )
    return f"{base}/{tenant or ORGANIZATIONS}/v2.0/adminconsent?{query}"


def normalise_tenant(tenant: str | None) -> str:
    """None → ``organizations``; a prefix ``acme`` → ``acme.onmicrosoft.com``; GUIDs and domains kept."""
    text = (tenant or "").strip().lower()
    if not text:
        return ORGANIZATIONS
    if _GUID.match(text) or "." in text or text in (ORGANIZATIONS, "common"):
        return text
    return tenant_domain(text)


# --- results ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedInAccount:
    """Who is signed in (no token)."""

    username: str
    display_name: str
    tenant_id: str
    object_id: str
    home_account_id: str
    scopes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DirectoryAccess:
    """The answer to "may the wizard create users and reset passwords here?" (``DIRECTORY_SCOPES``).

    ``granted``: consented (already, or just now). Otherwise ``problem`` says why (``ADMIN_APPROVAL_NEEDED``
    or ``ADMIN_APPROVAL_REQUESTED``) and ``approval_link`` is the admin-consent link for an approver."""

    granted: bool
    problem: AuthProblem | None = None
    approval_link: str = ""
    approvers: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeviceCodePrompt:
    """What the device-code page shows: the code, where to enter it, until when."""

    user_code: str
    verification_uri: str
    expires_at: float
    """``time.time()`` after which the code is no longer valid."""
    interval: float
    flow: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)


BrowserOpener = Callable[[str], bool]
"""Opens a URL in a browser; False (or an exception) means no browser could be opened."""


def _default_browser(url: str) -> bool:
    import webbrowser

    return webbrowser.open(url)


def broker_available() -> bool:
    """WAM (Windows) or the macOS broker can be used: ``msal[broker]`` (pymsalruntime) is installed."""
    platform: str = sys.platform
    if platform not in ("win32", "darwin"):
        return False
    try:
        importlib.import_module("pymsalruntime")
    except ImportError:
        return False
    return True


@dataclass
class _Interaction:
    """One pending interactive sign-in: its loopback listener and the future the GUI awaits."""

    future: concurrent.futures.Future[dict[str, Any]]
    port: int = 0
    state: str = ""
    stopped: bool = False

    def finish(self, result: dict[str, Any] | None = None, error: BaseException | None = None) -> None:
        with contextlib.suppress(concurrent.futures.InvalidStateError):
            if error is not None:
                self.future.set_exception(error)
            else:
                self.future.set_result(result or {})

    def stop_listener(self) -> None:
        """Make MSAL's loopback listener return, by posting it an error response with the right state."""
        if self.stopped or not self.port:
            return
        self.stopped = True
        body = urlencode({"error": "access_denied", "error_description": "cancelled", "state": self.state})
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                connection.request("POST", "/", body, {"Content-Type": "application/x-www-form-urlencoded"})
                connection.getresponse().read()
            finally:
                connection.close()
        except OSError as exc:  # already gone: nothing to stop
            log.debug("Loopback listener not reachable on stop: %s", exc)


class AuthService:
    """Signs the administrator in and hands out access tokens (never to settings, logs or the journal).

    Use it on the service thread's loop. ``cancel()`` may be called from any thread.
    """

    def __init__(
        self,
        backend: Backend,
        *,
        client_id: str = DEFAULT_CLIENT_ID,
        cache_dir: Path | None = None,
        allow_plaintext_cache: bool = False,
        tenant: str | None = None,
        scopes: Sequence[str] = GRAPH_SCOPES,
        open_browser: BrowserOpener | None = None,
        use_broker: bool | None = None,
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[Any]] | None = None,
    ) -> None:
        self._backend = backend
        self._retry = retry_policy or RetryPolicy()
        """Token requests and authority discovery ride out transient answers with it (``http_retry``)."""
        self._sleep = sleep
        self._client_id = client_id
        self._cache_dir = cache_dir
        self._allow_plaintext = allow_plaintext_cache
        self._tenant = normalise_tenant(tenant)
        self._scopes = tuple(scopes)
        self._open_browser = open_browser or _default_browser
        self._use_broker = use_broker
        self._lock = threading.Lock()
        self._cache: Any = None
        self._cache_mode: CacheMode | None = None
        self._cache_detail = ""
        self._apps: dict[str, Any] = {}
        self._account: dict[str, Any] | None = None
        self._signed_in: SignedInAccount | None = None
        self._memo: dict[frozenset[str], tuple[str, float]] = {}
        self._interaction: _Interaction | None = None
        self._device_cancel: concurrent.futures.Future[None] | None = None

    @classmethod
    def from_config(cls, config: Config, backend: Backend, **kwargs: Any) -> AuthService:
        """The service for this run: the configured client id and the profile's cache directory."""
        kwargs.setdefault("client_id", config.client_id)
        kwargs.setdefault("cache_dir", config.paths.cache_dir)
        return cls(backend, **kwargs)

    # --- state ------------------------------------------------------------------------------------

    @property
    def tenant(self) -> str:
        """The authority's tenant: ``organizations``, a domain or a GUID."""
        return self._tenant

    def set_tenant(self, tenant: str | None) -> None:
        """Sign in to this tenant from now on (a prefix, a domain, a GUID, or None for any)."""
        self._tenant = normalise_tenant(tenant)

    @property
    def signed_in(self) -> SignedInAccount | None:
        return self._signed_in

    @property
    def scopes(self) -> tuple[str, ...]:
        return self._scopes

    @property
    def cache_mode(self) -> CacheMode:
        """Where tokens are kept (decided on first use; reading it early decides it now)."""
        self._ensure_cache()
        assert self._cache_mode is not None
        return self._cache_mode

    @property
    def cache_detail(self) -> str:
        """Technical reason why the cache is not encrypted ("" when it is)."""
        self._ensure_cache()
        return self._cache_detail

    def set_plaintext_cache(self, enabled: bool) -> CacheMode:
        """Opt in to (or out of) keeping sign-ins in an unencrypted file readable by this user only (0600).

        Only when encryption is unavailable: an encrypted cache stays as it is. What the cache holds moves
        along, so whoever is signed in stays signed in; opting out deletes the file. Blocking file I/O:
        call it off the GUI thread, not while a sign-in is running.
        """
        import msal

        self._ensure_cache()
        with self._lock:
            mode = self._cache_mode
            assert mode is not None
            if mode is CacheMode.ENCRYPTED or self._cache_dir is None:
                return mode
            path = self._cache_dir / PLAINTEXT_CACHE_FILE
            if enabled and mode is CacheMode.MEMORY_ONLY:
                snapshot = self._cache.serialize()
                cache = _plaintext_cache(path, snapshot)
                mode = CacheMode.PLAINTEXT_FILE
            elif not enabled and mode is CacheMode.PLAINTEXT_FILE:
                cache = msal.SerializableTokenCache()
                with contextlib.suppress(OSError):
                    text = path.read_text(encoding="utf-8")
                    if text.strip():
                        cache.deserialize(text)
                for leftover in (path, path.with_name(path.name + ".lockfile")):
                    leftover.unlink(missing_ok=True)
                mode = CacheMode.MEMORY_ONLY
            else:
                return mode
            # MSAL applications hold the cache they were built with: build them again on next use.
            self._cache, self._cache_mode, self._allow_plaintext = cache, mode, enabled
            self._apps.clear()
        log.info("Token cache: %s (chosen by the user)", mode.value)
        return mode

    @property
    def broker_enabled(self) -> bool:
        endpoints = self._backend.known
        if endpoints is not None and endpoints.sandbox:
            return False
        return broker_available() if self._use_broker is None else self._use_broker

    # --- sign-in ----------------------------------------------------------------------------------

    async def sign_in_silently(self, username: str | None = None) -> SignedInAccount | None:
        """Sign in from the cache (e.g. on the next start); None when no account is cached.

        Raises AuthError(INTERACTION_REQUIRED) when the cached account needs an interactive sign-in.
        """
        app = await self._application()

        def run() -> tuple[dict[str, Any], dict[str, Any] | None] | None:
            accounts = app.get_accounts(username=username) if username else app.get_accounts()
            if not accounts:
                return None
            account = accounts[0]
            result = app.acquire_token_silent_with_error(list(self._scopes), account)
            if result is not None and "access_token" in result and "id_token_claims" not in result:
                result = dict(result, id_token_claims=_cached_id_claims(app, account))
            return account, result

        found = await self._msal(run, "silent sign-in", result_of=lambda found: found and found[1])
        if found is None:
            return None
        account, result = found
        if result is None:
            raise AuthError(AuthProblem.INTERACTION_REQUIRED, None, "no usable refresh token in the cache")
        return self._accept(app, result, account)

    async def sign_in_interactive(
        self,
        *,
        select_account: bool = False,
        login_hint: str | None = None,
        timeout: float = DEFAULT_INTERACTIVE_TIMEOUT,
        parent_window_handle: int | None = None,
    ) -> SignedInAccount:
        """Sign in in the system browser (or the OS broker); ``select_account`` is "Use another account"."""
        prompt = "select_account" if select_account else None
        result = await self._interactive(
            self._scopes, prompt=prompt, login_hint=login_hint, timeout=timeout, window=parent_window_handle
        )
        app = await self._application()
        return await self._accept_new(app, result)

    def cancel(self) -> None:
        """Stop a pending interactive or device-code sign-in: it raises AuthError(CANCELLED). Any thread."""
        interaction = self._interaction
        if interaction is not None:
            interaction.finish(error=AuthError(AuthProblem.CANCELLED, None, "cancelled by the user"))
            threading.Thread(target=interaction.stop_listener, name="c2t-auth-cancel", daemon=True).start()
        device = self._device_cancel
        if device is not None:
            with contextlib.suppress(concurrent.futures.InvalidStateError):
                device.set_result(None)

    async def begin_device_code(self) -> DeviceCodePrompt:
        """Start a device-code sign-in: the code to show and the page to enter it on."""
        app = await self._application()
        flow: dict[str, Any] = await self._msal(
            lambda: app.initiate_device_flow(list(self._scopes)), "device code"
        )
        if "user_code" not in flow:
            raise classify_error(flow)
        return DeviceCodePrompt(
            user_code=str(flow["user_code"]),
            verification_uri=str(flow.get("verification_uri") or flow.get("verification_url") or ""),
            expires_at=float(flow.get("expires_at") or time.time() + float(flow.get("expires_in", 900))),
            interval=max(0.2, float(flow.get("interval", 5))),
            flow=flow,
        )

    async def finish_device_code(self, prompt: DeviceCodePrompt) -> SignedInAccount:
        """Wait (polling the token endpoint) until the code was entered, declined or expired."""
        app = await self._application()
        cancel: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._device_cancel = cancel
        interval = prompt.interval
        cancelled = asyncio.wrap_future(cancel)
        try:
            while True:
                result: dict[str, Any] = await self._msal(
                    lambda: app.acquire_token_by_device_flow(prompt.flow, exit_condition=lambda _flow: True),
                    "device code poll",
                )
                error = result.get("error")
                if "access_token" in result:
                    return await self._accept_new(app, result)
                if error not in ("authorization_pending", "slow_down"):
                    raise classify_error(result)
                if error == "slow_down":
                    interval += 5
                if time.time() >= prompt.expires_at:
                    raise AuthError(AuthProblem.TIMED_OUT, None, "device code expired")
                done, _ = await asyncio.wait({cancelled}, timeout=interval)
                if done:
                    raise AuthError(AuthProblem.CANCELLED, None, "cancelled by the user")
        finally:
            if self._device_cancel is cancel:
                self._device_cancel = None
            cancelled.cancel()

    async def sign_in_with_device_code(
        self, on_prompt: Callable[[DeviceCodePrompt], object]
    ) -> SignedInAccount:
        """Device-code sign-in in one call: ``on_prompt`` (e.g. a runner's report) gets the code to show."""
        prompt = await self.begin_device_code()
        on_prompt(prompt)
        return await self.finish_device_code(prompt)

    async def sign_in_with_password(self, username: str, password: str) -> SignedInAccount:
        """Username and password (ROPC): sandbox mode only (headless tests and demos)."""
        endpoints = await self._endpoints()
        if not endpoints.sandbox:
            raise RuntimeError("password sign-in is only available in sandbox mode")
        app = await self._application()
        result: dict[str, Any] = await self._msal(
            lambda: app.acquire_token_by_username_password(username, password, list(self._scopes)),
            "password sign-in",
        )
        return await self._accept_new(app, result)

    async def sign_out(self) -> None:
        """Forget the signed-in account: removed from the token cache."""
        account = self._account
        self._account = None
        self._signed_in = None
        self._memo.clear()
        if account is None:
            return
        app = await self._application()

        def run() -> None:
            for cached in app.get_accounts():
                if cached.get("home_account_id") == account.get("home_account_id"):
                    app.remove_account(cached)

        await self._in_thread(run)

    async def cached_accounts(self) -> list[str]:
        """Usernames of the accounts in the token cache ("Continue as …")."""
        app = await self._application()
        accounts: list[dict[str, Any]] = await self._in_thread(app.get_accounts)
        return [str(account.get("username", "")) for account in accounts]

    # --- tokens -----------------------------------------------------------------------------------

    async def access_token(self, scopes: Sequence[str] | None = None, *, force_refresh: bool = False) -> str:
        """A valid access token for the signed-in account, refreshed silently when needed.

        Raises AuthError(INTERACTION_REQUIRED) when only an interactive sign-in can help.
        """
        account = self._account
        if account is None:
            raise AuthError(AuthProblem.INTERACTION_REQUIRED, None, "not signed in")
        wanted = tuple(scopes) if scopes else self._scopes
        key = frozenset(s.lower() for s in wanted)
        memo = self._memo.get(key)
        if memo is not None and not force_refresh and memo[1] - _EARLY_REFRESH > time.time():
            return memo[0]
        app = await self._application()
        result = await self._msal(
            lambda: app.acquire_token_silent_with_error(list(wanted), account, force_refresh=force_refresh),
            "token refresh",
        )
        if result is None:
            raise AuthError(AuthProblem.INTERACTION_REQUIRED, None, "no token in the cache for these scopes")
        if "access_token" not in result:
            error = classify_error(result)
            if error.problem is AuthProblem.UNKNOWN and result.get("error") == "invalid_grant":
                error = AuthError(AuthProblem.INTERACTION_REQUIRED, error.aadsts, error.detail)
            raise error
        token = str(result["access_token"])
        if self._account is account:
            self._memo[key] = (token, time.time() + float(result.get("expires_in", 0)))
        return token

    async def acquire_additional_scopes(
        self, scopes: Sequence[str], *, timeout: float = DEFAULT_INTERACTIVE_TIMEOUT, keep: bool = False
    ) -> frozenset[str]:
        """Get consent for more scopes (e.g. ``DIRECTORY_SCOPES``, ``MAIL_SCOPES``): silently if they are
        consented already, else interactively (Microsoft shows its consent page for what is new).

        ``keep``: the Graph client's tokens ask for them from now on too (``access_token()`` without
        scopes). Raises AuthError(ADMIN_APPROVAL_NEEDED) when only an administrator may grant them
        (AADSTS90094/90093, or 65001 again after the interactive attempt)."""
        account = self._account
        if account is None:
            raise AuthError(AuthProblem.INTERACTION_REQUIRED, None, "not signed in")
        try:
            await self.access_token(scopes)
        except AuthError as exc:
            if exc.problem not in (AuthProblem.INTERACTION_REQUIRED, AuthProblem.CONSENT_DENIED):
                raise
            try:
                await self._interactive(
                    tuple(scopes),
                    prompt=None,
                    login_hint=account.get("username"),
                    timeout=timeout,
                    window=None,
                )
            except AuthError as failed:
                if failed.aadsts == 65001:
                    raise AuthError(AuthProblem.ADMIN_APPROVAL_NEEDED, 65001, failed.detail) from failed
                raise
        if keep:
            self._scopes = tuple(dict.fromkeys((*self._scopes, *scopes)))
        signed_in = self._signed_in
        if signed_in is not None and self._account is account:
            self._signed_in = dataclasses.replace(signed_in, scopes=signed_in.scopes | frozenset(scopes))
        return frozenset(scopes)

    async def request_directory_access(
        self, tenant: str = "", *, timeout: float = DEFAULT_INTERACTIVE_TIMEOUT
    ) -> DirectoryAccess:
        """Ask for ``DIRECTORY_SCOPES`` when the directory step starts (kept for the Graph client's tokens).

        When only an administrator may grant them, the answer carries the admin-consent link for
        ``tenant`` (the organisation's id or domain; the authority's tenant when empty) and who may
        approve; other failures raise AuthError."""
        try:
            await self.acquire_additional_scopes(DIRECTORY_SCOPES, timeout=timeout, keep=True)
        except AuthError as exc:
            if exc.problem not in (AuthProblem.ADMIN_APPROVAL_NEEDED, AuthProblem.ADMIN_APPROVAL_REQUESTED):
                raise
            log.info("directory access needs an administrator's approval (AADSTS%s)", exc.aadsts)
            link = admin_consent_url(await self._endpoints(), tenant or self._tenant, self._client_id)
            return DirectoryAccess(False, exc.problem, link, CONSENT_ROLE_NAMES)
        return DirectoryAccess(True)

    def has_scopes(self, scopes: Sequence[str]) -> bool:
        """Did the signed-in account's last token answer carry all of ``scopes`` (consented already)?"""
        signed_in = self._signed_in
        held = {scope.lower() for scope in signed_in.scopes} if signed_in else set()
        return all(scope.lower() in held for scope in scopes)

    # --- internals ----------------------------------------------------------------------------------

    async def _endpoints(self) -> Endpoints:
        return await self._backend.endpoints()

    async def _in_thread(self, func: Callable[[], Any]) -> Any:
        try:
            return await asyncio.to_thread(func)
        except AuthError:
            raise
        except Exception as exc:
            raise classify_exception(exc) from exc

    async def _msal(
        self, func: Callable[[], Any], what: str, *, result_of: Callable[[Any], Any] | None = None
    ) -> Any:
        """``_in_thread`` for a request to Microsoft identity (a token request or discovery, which may be
        sent again): transient answers and connection errors are retried with the policy; the last
        outcome stands when the retries run out. ``result_of`` picks MSAL's result dict out of what
        ``func`` returns."""
        seen: list[float] = []

        async def attempt() -> Any:
            seen.clear()
            token = _RETRY_AFTER_SEEN.set(seen)
            try:
                return await asyncio.to_thread(func)  # the thread runs in a copy of this context
            finally:
                _RETRY_AFTER_SEEN.reset(token)

        def classify(outcome: Any) -> Transient | None:
            if isinstance(outcome, AuthError):
                return None
            if result_of is not None and not isinstance(outcome, BaseException):
                outcome = result_of(outcome)
            return oauth_transient(outcome, retry_after=max(seen, default=None))

        try:
            return await self._retry.run(attempt, classify=classify, sleep=self._sleep, what=what)
        except AuthError:
            raise
        except Exception as exc:
            raise classify_exception(exc) from exc

    async def _application(self) -> Any:
        endpoints = await self._endpoints()
        tenant = self._tenant
        app = self._apps.get(tenant)
        if app is None:
            app = await self._msal(lambda: self._build_application(endpoints, tenant), "authority discovery")
        return app

    def _build_application(self, endpoints: Endpoints, tenant: str) -> Any:
        import msal

        cache = self._ensure_cache()
        with self._lock:
            app = self._apps.get(tenant)
            if app is not None:
                return app
        options: dict[str, Any] = {
            "authority": f"{endpoints.login}/{tenant}",
            "token_cache": cache,
            "http_cache": _NoTransientHttpCache(),  # every retry is ours (``_msal``), never a replay
        }
        if endpoints.sandbox:
            options["instance_discovery"] = False
            options["http_client"] = _sandbox_session(endpoints)
        else:
            options["timeout"] = HTTP_TIMEOUT
            if self.broker_enabled:
                options["enable_broker_on_windows"] = True
                options["enable_broker_on_mac"] = True
        app = msal.PublicClientApplication(self._client_id, **options)
        with self._lock:
            return self._apps.setdefault(tenant, app)

    def _ensure_cache(self) -> Any:
        with self._lock:
            if self._cache is not None:
                return self._cache
            import msal

            cache: Any = None
            mode = CacheMode.MEMORY_ONLY
            detail = "no cache directory"
            if self._cache_dir is not None:
                try:
                    from msal_extensions import PersistedTokenCache, build_encrypted_persistence

                    self._cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
                    persistence = build_encrypted_persistence(str(self._cache_dir / ENCRYPTED_CACHE_FILE))
                    cache = PersistedTokenCache(persistence)
                    mode, detail = CacheMode.ENCRYPTED, ""
                except Exception as exc:  # ImportError (no PyGObject), no keyring, unsupported OS …
                    detail = f"encrypted persistence unavailable: {type(exc).__name__}: {exc}"
                    plaintext = self._cache_dir / PLAINTEXT_CACHE_FILE
                    # The file exists only because the user opted in (in this run or an earlier one).
                    if self._allow_plaintext or plaintext.exists():
                        cache = _plaintext_cache(plaintext)
                        mode = CacheMode.PLAINTEXT_FILE
            if cache is None:
                cache = msal.SerializableTokenCache()
            log.info("Token cache: %s%s", mode.value, f" ({detail})" if detail else "")
            self._cache, self._cache_mode, self._cache_detail = cache, mode, detail
            return cache

    async def _accept_new(self, app: Any, result: Mapping[str, Any]) -> SignedInAccount:
        """``_accept`` for a fresh token response: its account is looked up in the token cache (file, lock,
        keyring) in a worker thread, not on the service loop."""
        if "access_token" not in result:
            raise classify_error(result)
        account = await self._in_thread(lambda: _account_of(app, result))
        return self._accept(app, result, account)

    def _accept(self, app: Any, result: Mapping[str, Any], account: dict[str, Any]) -> SignedInAccount:
        """Remember the account a successful token response belongs to."""
        if "access_token" not in result:
            raise classify_error(result)
        claims: Mapping[str, Any] = result.get("id_token_claims") or {}
        self._account = account
        self._memo.clear()
        home = str(account.get("home_account_id") or "")
        granted = str(result.get("scope") or " ".join(self._scopes)).split()
        signed_in = SignedInAccount(
            username=str(account.get("username") or claims.get("preferred_username") or ""),
            display_name=str(claims.get("name") or ""),
            tenant_id=str(claims.get("tid") or home.partition(".")[2] or account.get("realm") or ""),
            object_id=str(claims.get("oid") or account.get("local_account_id") or ""),
            home_account_id=home,
            scopes=frozenset(s for s in granted if s.lower() not in _OIDC_SCOPES),
        )
        self._signed_in = signed_in
        return signed_in

    async def _interactive(
        self,
        scopes: Sequence[str],
        *,
        prompt: str | None,
        login_hint: str | None,
        timeout: float,
        window: int | None,
    ) -> dict[str, Any]:
        """Run one interactive sign-in; returns MSAL's successful result dict."""
        app = await self._application()
        if self._interaction is not None:
            self.cancel()
        interaction = _Interaction(concurrent.futures.Future())
        self._interaction = interaction
        try:
            if self.broker_enabled:
                handle = window if window is not None else app.CONSOLE_WINDOW_HANDLE
                _daemon(
                    "c2t-auth-broker",
                    interaction,
                    lambda: app.acquire_token_interactive(
                        list(scopes), prompt=prompt, login_hint=login_hint, parent_window_handle=handle
                    ),
                )
            else:
                # Cancelling may come while the browser is still opening (that can take seconds): the
                # listener is up by then, and is stopped below like any other.
                await self._start_browser_flow(app, scopes, prompt, login_hint, interaction)
            try:
                async with asyncio.timeout(timeout):
                    result = await asyncio.shield(asyncio.wrap_future(interaction.future))
            except TimeoutError:
                interaction.finish(error=AuthError(AuthProblem.TIMED_OUT, None, "no answer from the browser"))
                await asyncio.to_thread(interaction.stop_listener)
                raise AuthError(AuthProblem.TIMED_OUT, None, "no answer from the browser") from None
        except asyncio.CancelledError:
            interaction.finish(error=AuthError(AuthProblem.CANCELLED, None, "task cancelled"))
            threading.Thread(target=interaction.stop_listener, name="c2t-auth-cancel", daemon=True).start()
            raise
        finally:
            if self._interaction is interaction:
                self._interaction = None
        if "access_token" not in result:
            raise classify_error(result)
        return result

    async def _start_browser_flow(
        self,
        app: Any,
        scopes: Sequence[str],
        prompt: str | None,
        login_hint: str | None,
        interaction: _Interaction,
    ) -> None:
        """Listen on loopback, build the auth URL (PKCE, form_post), open the browser."""

        def begin() -> tuple[Any, dict[str, Any]]:
            from msal.oauth2cli.authcode import AuthCodeReceiver

            receiver = AuthCodeReceiver(port=0)
            try:
                flow = app.initiate_auth_code_flow(
                    list(scopes),
                    redirect_uri=f"http://localhost:{receiver.get_port()}",
                    prompt=prompt,
                    login_hint=login_hint,
                    response_mode="form_post",
                )
            except BaseException:
                receiver.close()
                raise
            return receiver, flow

        receiver, flow = await self._in_thread(begin)
        if interaction.future.done():  # cancelled meanwhile
            receiver.close()
            return
        interaction.port = int(receiver.get_port())
        interaction.state = str(flow["state"])

        def wait_and_redeem() -> dict[str, Any]:
            try:
                response = receiver.get_auth_response(state=flow["state"])
            finally:
                receiver.close()
            if interaction.future.done():
                return {}
            if not response:
                return {"error": "no_response", "error_description": "the loopback listener stopped"}
            seen: list[float] = []

            def redeem() -> dict[str, Any]:
                seen.clear()
                answer: dict[str, Any] = app.acquire_token_by_auth_code_flow(flow, response)
                return answer

            def wait(seconds: float) -> bool:
                done, _ = concurrent.futures.wait([interaction.future], timeout=seconds)
                return not done  # cancelled meanwhile: stop

            # A code is used once: only answers that say "not now" (nothing was redeemed) are retried, never a
            # lost answer. The context carries ``seen`` for the Retry-After of those answers.
            token = _RETRY_AFTER_SEEN.set(seen)
            try:
                return self._retry.run_blocking(
                    redeem,
                    classify=lambda outcome: _answered_transient(outcome, max(seen, default=None)),
                    wait=wait,
                    what="code redemption",
                )
            finally:
                _RETRY_AFTER_SEEN.reset(token)

        _daemon("c2t-auth-loopback", interaction, wait_and_redeem)
        try:
            opened = await asyncio.to_thread(self._open_browser, str(flow["auth_uri"]))
            problem = "" if opened else "the browser could not be opened"
        except Exception as exc:
            problem = f"{type(exc).__name__}: {exc}"
        if problem:
            interaction.finish(error=AuthError(AuthProblem.NO_BROWSER, None, problem))
            await asyncio.to_thread(interaction.stop_listener)


def _daemon(name: str, interaction: _Interaction, work: Callable[[], dict[str, Any]]) -> None:
    """Run ``work`` in a daemon thread; its result or error completes the interaction."""

    def run() -> None:
        try:
            interaction.finish(work())
        except BaseException as exc:
            interaction.finish(error=classify_exception(exc))

    threading.Thread(target=run, name=name, daemon=True).start()


def _account_of(app: Any, result: Mapping[str, Any]) -> dict[str, Any]:
    """The cached MSAL account a successful token response belongs to (reads the token cache: blocking)."""
    claims: Mapping[str, Any] = result.get("id_token_claims") or {}
    username = claims.get("preferred_username")
    candidates = app.get_accounts(username=username) if username else app.get_accounts()
    oid = claims.get("oid")
    matching = [a for a in candidates if a.get("local_account_id") == oid]
    if not (matching or candidates):
        raise AuthError(AuthProblem.UNKNOWN, None, "the signed-in account is not in the token cache")
    account: dict[str, Any] = (matching or candidates)[0]
    return account


def _cached_id_claims(app: Any, account: Mapping[str, Any]) -> dict[str, Any]:
    """The claims of the account's cached id token (name etc.), or {}."""
    from msal.oauth2cli.oidc import decode_part

    try:
        entries = app.token_cache.search(
            app.token_cache.CredentialType.ID_TOKEN,
            query={"home_account_id": account.get("home_account_id")},
        )
        for entry in entries:
            claims = json.loads(decode_part(str(entry["secret"]).split(".")[1]))
            if isinstance(claims, dict):
                return claims
    except (KeyError, IndexError, ValueError):
        pass
    return {}


def _plaintext_cache(path: Path, initial: str | None = None) -> Any:
    """An unencrypted file cache readable by this user only (0600), on explicit opt-in; ``initial`` (a
    serialised cache) replaces what the file held."""
    from msal_extensions import FilePersistence, PersistedTokenCache

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)
    persistence = FilePersistence(str(path))
    if initial is not None:
        persistence.save(initial)
    return PersistedTokenCache(persistence)


def _sandbox_session(endpoints: Endpoints) -> requests.Session:
    """MSAL's HTTP client for the sandbox: trusts its CA only, ignores proxy and CA variables.

    MSAL's ROPC user-realm discovery drops the authority's port (``https://127.0.0.1/common/userrealm/…``);
    the sandbox has no federated users, so that request is answered here with the 404 that makes MSAL go on.
    """
    import requests

    class SandboxSession(requests.Session):
        def request(
            self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
        ) -> requests.Response:
            target = url.decode() if isinstance(url, bytes) else url
            if "/common/userrealm/" in urlsplit(target).path:
                response = requests.Response()
                response.status_code = 404
                response.url = target
                response._content = b"{}"
                return response
            kwargs.setdefault("timeout", HTTP_TIMEOUT)
            return super().request(
                method if isinstance(method, str) else method.decode(), target, *args, **kwargs
            )

    session = SandboxSession()
    session.trust_env = False
    session.verify = str(endpoints.ca_cert)
    return session
