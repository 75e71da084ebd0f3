"""Sign-in against the sandbox with the real MSAL: ROPC, device code, interactive (scripted browser),
cancel, refresh, revocation, sign-out, the token cache; and the AADSTS classification table."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import ssl
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import Sandbox, start_sandbox
from helpers.identity_web import ScriptedBrowser, approve_device_code
from msal_extensions.persistence import FilePersistence

from c2t_wizard.config import Config, Endpoints
from c2t_wizard.services.auth import (
    GRAPH_SCOPES,
    AuthError,
    AuthProblem,
    AuthService,
    CacheMode,
    classify_error,
    classify_exception,
    normalise_tenant,
)
from c2t_wizard.services.backend import Backend


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def make_service(box: Sandbox, **kwargs: Any) -> AuthService:
    return AuthService(Backend(Endpoints.from_sandbox_line(box.info)), **kwargs)


def graph_me_status(box: Sandbox, token: str) -> int:
    verify = ssl.create_default_context(cafile=str(box.info["ca_cert"]))
    with httpx.Client(verify=verify, trust_env=False, timeout=10) as client:
        return client.get(f"{box.info['graph']}/me", headers={"Authorization": f"Bearer {token}"}).status_code


@pytest.fixture
def admin(sandbox: Sandbox) -> dict[str, str]:
    return dict(sandbox.info["demo"]["admin"])


# --- classification (pure) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "problem", "code"),
    [
        (
            {"error": "access_denied", "error_description": "AADSTS65004: User declined"},
            "CONSENT_DENIED",
            65004,
        ),
        ({"error": "access_denied"}, "CONSENT_DENIED", None),
        ({"error": "invalid_grant", "error_codes": [50076]}, "MFA_REQUIRED", 50076),
        ({"error": "invalid_grant", "error_codes": [50079]}, "MFA_REQUIRED", 50079),
        ({"error": "invalid_grant", "error_codes": [53003]}, "CONDITIONAL_ACCESS", 53003),
        ({"error": "invalid_grant", "error_codes": [53000]}, "CONDITIONAL_ACCESS", 53000),
        ({"error": "invalid_grant", "error_codes": [50034]}, "USER_NOT_FOUND", 50034),
        ({"error": "invalid_grant", "error_codes": [50126]}, "WRONG_CREDENTIALS", 50126),
        ({"error": "invalid_request", "error_codes": [90002]}, "TENANT_NOT_FOUND", 90002),
        (
            {"error": "invalid_tenant", "error_description": "AADSTS90002: Tenant 'x' not found."},
            "TENANT_NOT_FOUND",
            90002,
        ),
        ({"error": "invalid_grant", "error_codes": [700082]}, "INTERACTION_REQUIRED", 700082),
        ({"error": "invalid_grant", "error_codes": [50173]}, "INTERACTION_REQUIRED", 50173),
        ({"error": "invalid_grant"}, "INTERACTION_REQUIRED", None),
        ({"error": "interaction_required"}, "INTERACTION_REQUIRED", None),
        ({"error": "expired_token", "error_codes": [70019]}, "TIMED_OUT", 70019),
        ({"error": "authorization_declined"}, "CONSENT_DENIED", None),
        ({"error": "server_error", "error_codes": [12345]}, "UNKNOWN", 12345),
        (
            {"error": "invalid_grant", "error_codes": ["x"], "error_description": "AADSTS50126: bad"},
            "WRONG_CREDENTIALS",
            50126,
        ),
    ],
)
def test_classify_error(result: dict[str, Any], problem: str, code: int | None) -> None:
    error = classify_error(result)
    assert error.problem is AuthProblem[problem]
    assert error.aadsts == code


def test_error_detail_is_technical_one_line_and_redacted() -> None:
    error = classify_error(
        {
            "error": "invalid_grant",
            "error_codes": [50126],
            "error_description": (
                "AADSTS50126: Invalid username or password.\r\nTrace ID: abc\r\nCorrelation ID: d"
            ),
        }
    )
    assert error.detail == "invalid_grant: AADSTS50126: Invalid username or password."
    assert (
        str(error)
        == "WRONG_CREDENTIALS AADSTS50126: invalid_grant: AADSTS50126: Invalid username or password."
    )
    secret = AuthError(AuthProblem.UNKNOWN, None, "Authorization: Bearer eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl")
    assert "eyJzdWIi" not in secret.detail


def test_classify_exception() -> None:
    import requests

    assert classify_exception(requests.ConnectionError("refused")).problem is AuthProblem.NETWORK
    assert classify_exception(ConnectionRefusedError()).problem is AuthProblem.NETWORK
    body = json.dumps(
        {"error": "invalid_tenant", "error_codes": [90002], "error_description": "AADSTS90002: x"}
    )
    discovery = ValueError(f"OIDC Discovery failed on https://x. HTTP status: 400, Error: {body}")
    assert (classify_exception(discovery).problem, classify_exception(discovery).aadsts) == (
        AuthProblem.TENANT_NOT_FOUND,
        90002,
    )
    assert classify_exception(RuntimeError("boom")).problem is AuthProblem.UNKNOWN


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, "organizations"),
        ("", "organizations"),
        ("acme", "acme.onmicrosoft.com"),
        (" Acme ", "acme.onmicrosoft.com"),
        ("acme.onmicrosoft.com", "acme.onmicrosoft.com"),
        ("contoso.com", "contoso.com"),
        ("80881C2D-6D08-4DB6-9DCD-221A0788B1BA", "80881c2d-6d08-4db6-9dcd-221a0788b1ba"),
        ("organizations", "organizations"),
    ],
)
def test_normalise_tenant(given: str | None, expected: str) -> None:
    assert normalise_tenant(given) == expected


# --- password (ROPC), sandbox only ---------------------------------------------------------------------


def test_password_sign_in_gives_a_token_with_the_right_scopes(
    sandbox: Sandbox, admin: dict[str, str]
) -> None:
    auth = make_service(sandbox)

    async def run() -> tuple[Any, str]:
        account = await auth.sign_in_with_password(admin["username"], admin["password"])
        return account, await auth.access_token()

    account, token = asyncio.run(run())
    assert account.username == admin["username"]
    assert account.tenant_id == sandbox.info["demo"]["tenant_id"]
    assert account.display_name
    assert set(GRAPH_SCOPES) <= account.scopes
    assert "openid" not in account.scopes
    token_claims = claims(token)
    assert set(GRAPH_SCOPES) <= set(token_claims["scp"].split())
    assert token_claims["upn"] == admin["username"]
    assert token_claims["tid"] == account.tenant_id
    assert token_claims["oid"] == account.object_id
    assert auth.signed_in == account
    assert graph_me_status(sandbox, token) == 200


def test_the_token_cache_is_read_off_the_service_loop(
    sandbox: Sandbox, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding the signed-in account reads the token cache (a file, its lock, the keyring): never on the
    loop every other job shares."""
    import msal

    readers: list[threading.Thread] = []
    original = msal.PublicClientApplication.get_accounts

    def get_accounts(self: Any, *args: Any, **kwargs: Any) -> Any:
        readers.append(threading.current_thread())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(msal.PublicClientApplication, "get_accounts", get_accounts)
    auth = make_service(sandbox)
    account = asyncio.run(auth.sign_in_with_password(admin["username"], admin["password"]))
    assert account.username == admin["username"]
    assert readers
    assert threading.main_thread() not in readers


@pytest.mark.parametrize(
    ("tenant", "username", "password", "problem", "code"),
    [
        (None, "admin@contoso.onmicrosoft.com", "wrong-Password-1", AuthProblem.WRONG_CREDENTIALS, 50126),
        (None, "nobody@contoso.onmicrosoft.com", "whatever-Pass-1", AuthProblem.USER_NOT_FOUND, 50034),
        ("nosuchtenant7q3z", "a@nosuchtenant7q3z.onmicrosoft.com", "x", AuthProblem.TENANT_NOT_FOUND, 90002),
    ],
)
def test_password_sign_in_failures(
    sandbox: Sandbox, tenant: str | None, username: str, password: str, problem: AuthProblem, code: int
) -> None:
    auth = make_service(sandbox, tenant=tenant)
    with pytest.raises(AuthError) as caught:
        asyncio.run(auth.sign_in_with_password(username, password))
    assert (caught.value.problem, caught.value.aadsts) == (problem, code)
    assert password not in str(caught.value)
    assert auth.signed_in is None


def test_password_sign_in_refused_outside_the_sandbox() -> None:
    auth = AuthService(Backend(Endpoints.microsoft({})))
    with pytest.raises(RuntimeError, match="sandbox"):
        asyncio.run(auth.sign_in_with_password("a@b.onmicrosoft.com", "x"))


def test_tenant_specific_authority(sandbox: Sandbox, admin: dict[str, str]) -> None:
    for tenant in ("contoso", sandbox.info["demo"]["tenant_id"]):
        auth = make_service(sandbox, tenant=tenant)
        account = asyncio.run(auth.sign_in_with_password(admin["username"], admin["password"]))
        assert account.tenant_id == sandbox.info["demo"]["tenant_id"]


# --- device code ----------------------------------------------------------------------------------------


def test_device_code_approved_on_the_verification_page(sandbox: Sandbox, admin: dict[str, str]) -> None:
    auth = make_service(sandbox)

    async def run() -> Any:
        prompt = await auth.begin_device_code()
        assert prompt.user_code
        assert prompt.verification_uri.endswith("/devicelogin")
        assert prompt.expires_at > time.time() + 60
        # The device code (what the token endpoint is polled with) is a secret: never in the prompt's repr.
        secret = prompt.flow["device_code"]
        assert len(secret) >= 20
        assert secret not in repr(prompt)
        assert secret not in str(prompt)
        page = await asyncio.to_thread(
            approve_device_code, sandbox.base, prompt.user_code, admin["username"], admin["password"]
        )
        assert "device-approved" in page.texts
        return await auth.finish_device_code(prompt)

    account = asyncio.run(run())
    assert account.username == admin["username"]


def test_device_code_declined_and_cancelled(sandbox: Sandbox, admin: dict[str, str]) -> None:
    auth = make_service(sandbox)

    async def declined() -> None:
        prompt = await auth.begin_device_code()
        await asyncio.to_thread(
            approve_device_code, sandbox.base, prompt.user_code, admin["username"], "", decline=True
        )
        await auth.finish_device_code(prompt)

    with pytest.raises(AuthError) as caught:
        asyncio.run(declined())
    assert caught.value.problem is AuthProblem.CONSENT_DENIED

    async def cancelled() -> None:
        prompts: list[Any] = []
        task = asyncio.create_task(auth.sign_in_with_device_code(prompts.append))
        # Polling, waiting for the user (the poll's cancel hook is in place).
        while auth._device_cancel is None:
            await asyncio.sleep(0.01)
        await asyncio.to_thread(auth.cancel)
        # Without the cancel, the flow would poll every few seconds until the code expires (15 minutes):
        # it ends before the next poll is due.
        assert len(prompts) == 1
        with pytest.raises(AuthError) as caught:
            await asyncio.wait_for(task, timeout=prompts[0].interval)
        assert caught.value.problem is AuthProblem.CANCELLED

    asyncio.run(cancelled())


# --- interactive (system browser, PKCE, loopback) -------------------------------------------------------


def test_interactive_sign_in_through_the_loopback_listener(sandbox: Sandbox, admin: dict[str, str]) -> None:
    browser = ScriptedBrowser(admin["username"], admin["password"])
    auth = make_service(sandbox, open_browser=browser)
    account = asyncio.run(auth.sign_in_interactive(timeout=20))
    assert account.username == admin["username"]
    assert browser.loopback_status == [200]
    params = browser.params
    assert params["response_mode"] == "form_post"
    assert params["code_challenge_method"] == "S256"
    assert params["redirect_uri"].startswith("http://localhost:")
    assert "prompt" not in params
    # Sign-in asks only what anyone may consent to; the directory step asks for more later.
    assert {"User.Read", "offline_access"} <= set(params["scope"].split())
    assert "User.ReadWrite.All" not in params["scope"]
    assert browser.urls[0].startswith(sandbox.base)


def test_use_another_account_asks_to_select(sandbox: Sandbox) -> None:
    user = sandbox.info["demo"]["user"]
    browser = ScriptedBrowser(user["username"], user["password"])
    auth = make_service(sandbox, open_browser=browser)
    account = asyncio.run(auth.sign_in_interactive(select_account=True, timeout=20))
    assert browser.params["prompt"] == "select_account"
    assert account.username == user["username"]


def test_interactive_declined_is_consent_denied(sandbox: Sandbox, admin: dict[str, str]) -> None:
    auth = make_service(sandbox, open_browser=ScriptedBrowser(admin["username"], "", decline=True))
    with pytest.raises(AuthError) as caught:
        asyncio.run(auth.sign_in_interactive(timeout=20))
    assert (caught.value.problem, caught.value.aadsts) == (AuthProblem.CONSENT_DENIED, 65004)


def _listener_closed(url: str) -> bool:
    redirect = ScriptedBrowser(urls=[url]).params["redirect_uri"].replace("localhost", "127.0.0.1")
    try:
        httpx.get(redirect, timeout=1, trust_env=False)
    except httpx.TransportError:
        return True
    return False


def _wait_until(condition: Any, timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        threading.Event().wait(0.05)
    return False


def test_cancel_stops_the_interactive_flow_and_its_listener(sandbox: Sandbox) -> None:
    """The sign-in ends as cancelled at once, without waiting for MSAL's loopback listener, which stops
    in the background (it looks for a stop only once a second)."""
    browser = ScriptedBrowser(idle=True)
    auth = make_service(sandbox, open_browser=browser)
    ended = threading.Event()

    async def run() -> None:
        task = asyncio.create_task(auth.sign_in_interactive(timeout=60))
        await asyncio.to_thread(browser.opened.wait, 10)
        interaction = auth._interaction
        assert interaction is not None
        stop_listener = interaction.stop_listener

        def stop_after_the_sign_in_has_ended() -> None:
            assert ended.wait(10), "the sign-in waited for its listener to stop"
            stop_listener()

        interaction.stop_listener = stop_after_the_sign_in_has_ended  # type: ignore[method-assign]
        auth.cancel()
        with pytest.raises(AuthError) as caught:
            await asyncio.wait_for(task, timeout=10)
        ended.set()
        assert caught.value.problem is AuthProblem.CANCELLED

    asyncio.run(run())
    assert _wait_until(lambda: _listener_closed(browser.urls[0]))


def test_cancelling_the_task_stops_the_listener(sandbox: Sandbox) -> None:
    browser = ScriptedBrowser(idle=True)
    auth = make_service(sandbox, open_browser=browser)

    async def run() -> None:
        task = asyncio.create_task(auth.sign_in_interactive(timeout=60))
        await asyncio.to_thread(browser.opened.wait, 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(run())
    assert _wait_until(lambda: _listener_closed(browser.urls[0]))


def test_interactive_timeout_and_no_browser(sandbox: Sandbox) -> None:
    idle = ScriptedBrowser(idle=True)
    auth = make_service(sandbox, open_browser=idle)
    with pytest.raises(AuthError) as caught:
        asyncio.run(auth.sign_in_interactive(timeout=0.3))
    assert caught.value.problem is AuthProblem.TIMED_OUT
    assert _wait_until(lambda: _listener_closed(idle.urls[0]))

    none = ScriptedBrowser(available=False)
    auth = make_service(sandbox, open_browser=none)
    with pytest.raises(AuthError) as caught:
        asyncio.run(auth.sign_in_interactive(timeout=20))
    assert caught.value.problem is AuthProblem.NO_BROWSER
    assert _wait_until(lambda: _listener_closed(none.urls[0]))


# --- tokens: refresh, revocation, more scopes, sign-out ------------------------------------------------


@pytest.fixture
def short_lived(tmp_path: Path) -> Iterator[Sandbox]:
    box = start_sandbox(tmp_path / "state", "--token-lifetime", "2")
    try:
        yield box
    finally:
        box.stop()


def test_silent_refresh_after_expiry(short_lived: Sandbox) -> None:
    creds = short_lived.info["demo"]["admin"]
    auth = make_service(short_lived)

    async def run() -> tuple[str, str]:
        await auth.sign_in_with_password(creds["username"], creds["password"])
        first = await auth.access_token()
        expiry = claims(first)["exp"]
        while time.time() <= expiry:  # bounded by the 2 s lifetime
            await asyncio.sleep(0.05)
        return first, await auth.access_token()

    first, second = asyncio.run(run())
    assert graph_me_status(short_lived, first) == 401
    assert second != first
    assert claims(second)["exp"] > claims(first)["exp"]
    assert graph_me_status(short_lived, second) == 200


def test_revoked_refresh_token_means_back_to_interactive(sandbox: Sandbox) -> None:
    user = sandbox.info["demo"]["user"]
    auth = make_service(sandbox)

    async def run() -> None:
        await auth.sign_in_with_password(user["username"], user["password"])
        assert await auth.access_token(force_refresh=True)
        async with httpx.AsyncClient(trust_env=False) as client:
            response = await client.post(f"{sandbox.base}/_sandbox/revoke", json={"upn": user["username"]})
            response.raise_for_status()
        await auth.access_token(force_refresh=True)

    with pytest.raises(AuthError) as caught:
        asyncio.run(run())
    assert caught.value.problem is AuthProblem.INTERACTION_REQUIRED


def test_additional_scopes_silently(sandbox: Sandbox, admin: dict[str, str]) -> None:
    auth = make_service(sandbox, open_browser=ScriptedBrowser(idle=True, available=False))

    async def run() -> str:
        await auth.sign_in_with_password(admin["username"], admin["password"])
        assert await auth.acquire_additional_scopes(["Mail.Send"]) == frozenset({"Mail.Send"})
        return await auth.access_token(["Mail.Send"])

    assert "Mail.Send" in claims(asyncio.run(run()))["scp"].split()


def test_sign_out_removes_the_account(sandbox: Sandbox, admin: dict[str, str]) -> None:
    auth = make_service(sandbox)

    async def run() -> None:
        await auth.sign_in_with_password(admin["username"], admin["password"])
        assert await auth.cached_accounts() == [admin["username"]]
        await auth.sign_out()
        assert auth.signed_in is None
        assert await auth.cached_accounts() == []
        assert await auth.sign_in_silently() is None
        with pytest.raises(AuthError) as caught:
            await auth.access_token()
        assert caught.value.problem is AuthProblem.INTERACTION_REQUIRED

    asyncio.run(run())


# --- the token cache ------------------------------------------------------------------------------------


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Encrypted persistence unavailable (no keyring, as on a bare Linux), whatever this machine has."""
    import msal_extensions

    def unavailable(location: str) -> Any:
        raise RuntimeError("no keyring here (test)")

    monkeypatch.setattr(msal_extensions, "build_encrypted_persistence", unavailable)


class ScrambledPersistence(FilePersistence):  # type: ignore[misc]
    """Stands in for a keyring-backed persistence: a file whose content is not the plain cache."""

    is_encrypted = True
    KEY = 0x5A

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.saved = 0

    def save(self, content: str) -> None:
        self.saved += 1
        super().save(base64.b64encode(bytes(b ^ self.KEY for b in content.encode("utf-8"))).decode("ascii"))

    def load(self) -> str:
        return bytes(b ^ self.KEY for b in base64.b64decode(super().load())).decode("utf-8")


@pytest.fixture
def keyring(monkeypatch: pytest.MonkeyPatch) -> list[ScrambledPersistence]:
    """Encrypted persistence available, whatever this machine has; the persistences built, for checks."""
    import msal_extensions

    built: list[ScrambledPersistence] = []

    def available(location: str) -> ScrambledPersistence:
        built.append(ScrambledPersistence(location))
        return built[-1]

    monkeypatch.setattr(msal_extensions, "build_encrypted_persistence", available)
    return built


def test_memory_only_by_default_and_no_token_on_disk(
    sandbox: Sandbox,
    admin: dict[str, str],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    no_keyring: None,
) -> None:
    caplog.set_level("DEBUG")
    cache_dir = tmp_path / "cache"
    auth = make_service(sandbox, cache_dir=cache_dir)
    assert auth.cache_mode is CacheMode.MEMORY_ONLY
    assert "encrypted persistence unavailable" in auth.cache_detail

    async def run() -> str:
        await auth.sign_in_with_password(admin["username"], admin["password"])
        return await auth.access_token()

    token = asyncio.run(run())
    assert not cache_dir.exists() or not any(cache_dir.iterdir())
    signature = token.split(".")[2]
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert signature not in path.read_bytes().decode("utf-8", "replace"), path
    assert signature not in caplog.text
    assert admin["password"] not in caplog.text


def test_plaintext_file_only_when_opted_in_and_0600(
    sandbox: Sandbox, admin: dict[str, str], tmp_path: Path, no_keyring: None
) -> None:
    cache_dir = tmp_path / "cache"
    not_opted_in = make_service(sandbox, cache_dir=cache_dir)
    asyncio.run(not_opted_in.sign_in_with_password(admin["username"], admin["password"]))
    assert not_opted_in.cache_mode is CacheMode.MEMORY_ONLY
    assert not cache_dir.exists() or not any(cache_dir.iterdir())

    first = make_service(sandbox, cache_dir=cache_dir, allow_plaintext_cache=True)
    assert first.cache_mode is CacheMode.PLAINTEXT_FILE
    account = asyncio.run(first.sign_in_with_password(admin["username"], admin["password"]))
    files = [p for p in cache_dir.iterdir() if p.name.endswith(".json")]
    assert len(files) == 1
    assert stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600

    # The next start: silent sign-in from the file.
    second = make_service(sandbox, cache_dir=cache_dir, allow_plaintext_cache=True)
    again = asyncio.run(second.sign_in_silently())
    assert again is not None
    assert (again.username, again.tenant_id, again.display_name) == (
        account.username,
        account.tenant_id,
        account.display_name,
    )
    assert asyncio.run(second.sign_in_silently("someone.else@contoso.onmicrosoft.com")) is None


def test_encrypted_cache_where_a_keyring_exists(
    sandbox: Sandbox, admin: dict[str, str], tmp_path: Path, keyring: list[ScrambledPersistence]
) -> None:
    """With a keyring the cache is encrypted (never plain on disk, no plaintext file) and the next start
    signs in from it silently."""
    cache_dir = tmp_path / "cache"
    first = make_service(sandbox, cache_dir=cache_dir)
    assert first.cache_mode is CacheMode.ENCRYPTED
    assert first.cache_detail == ""

    async def run() -> tuple[Any, str]:
        account = await first.sign_in_with_password(admin["username"], admin["password"])
        return account, await first.access_token()

    account, token = asyncio.run(run())
    assert keyring
    assert keyring[0].saved > 0  # the sign-in went into the (encrypted) persistence
    signature = token.split(".")[2]
    for path in tmp_path.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            assert signature not in text, path
            assert admin["username"] not in text, path
    assert first.set_plaintext_cache(True) is CacheMode.ENCRYPTED  # opting in changes nothing
    assert not any(path.name.endswith(".json") for path in cache_dir.iterdir())

    second = make_service(sandbox, cache_dir=cache_dir)
    again = asyncio.run(second.sign_in_silently())
    assert again is not None
    assert (again.username, again.tenant_id) == (account.username, account.tenant_id)


def test_from_config_uses_client_id_and_cache_dir(tmp_path: Path) -> None:
    config = Config.from_env(
        {"C2T_HOME": str(tmp_path), "C2T_CLIENT_ID": "11111111-2222-3333-4444-555555555555"}
    )
    auth = AuthService.from_config(config, Backend(config.endpoints))
    assert auth._client_id == "11111111-2222-3333-4444-555555555555"
    assert auth._cache_dir == config.paths.cache_dir
    assert auth.tenant == "organizations"


def test_cancelling_the_task_while_the_browser_opens_stops_the_listener(sandbox: Sandbox) -> None:
    """Opening a browser can take seconds; a cancel meanwhile must not leave the loopback listener up."""
    release = threading.Event()
    urls: list[str] = []
    opening = threading.Event()

    def slow_browser(url: str) -> bool:
        urls.append(url)
        opening.set()
        release.wait(10)
        return True

    auth = make_service(sandbox, open_browser=slow_browser)

    async def run() -> None:
        task = asyncio.create_task(auth.sign_in_interactive(timeout=60))
        await asyncio.to_thread(opening.wait, 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    try:
        asyncio.run(run())
        assert _wait_until(lambda: _listener_closed(urls[0]))
    finally:
        release.set()
