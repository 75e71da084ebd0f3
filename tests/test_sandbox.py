"""The sandbox over real HTTP: discovery, the sign-up site, faults, TLS, state across restarts, the CLI."""

from __future__ import annotations

import json
import re
import ssl
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import ROOT, Sandbox, start_sandbox
from helpers.sandbox_web import WebFlowError, grant_consent, parse_page, sign_up, submit

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
AAD_TIMESTAMP = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z"
GUID_TEXT = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def tls_context(box: Sandbox) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=box["ca_cert"])
    context.verify_flags |= ssl.VERIFY_X509_STRICT
    return context


@pytest.fixture(scope="module")
def https(sandbox: Sandbox) -> Iterator[httpx.Client]:
    """A client for the https site (identity, Graph) that trusts the sandbox's CA only."""
    with httpx.Client(verify=tls_context(sandbox), trust_env=False, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def web(sandbox: Sandbox) -> Iterator[httpx.Client]:
    """A client for the plain-http site (pages, control API)."""
    with httpx.Client(base_url=sandbox.base, trust_env=False, timeout=10) as client:
        yield client


def discover(https: httpx.Client, box: Sandbox, tenant: str, version: str = "v2.0/") -> httpx.Response:
    return https.get(f"{box['login']}/{tenant}/{version}.well-known/openid-configuration")


def unique_prefix(stem: str = "t") -> str:
    return f"{stem}{uuid.uuid4().hex[:12]}"


# --- ready line and TLS --------------------------------------------------------------------------------


def test_ready_line_has_every_key(sandbox: Sandbox) -> None:
    info = sandbox.info
    assert set(info) >= {"base", "login", "graph", "signup", "ca_cert", "state", "outbox", "demo"}
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", info["base"])
    assert re.fullmatch(r"https://127\.0\.0\.1:\d+", info["login"])
    assert info["graph"] == f"{info['login']}/v1.0"
    assert info["signup"] == f"{info['base']}/signup"
    assert info["outbox"] == f"{info['base']}/outbox"
    assert Path(info["ca_cert"]).is_absolute()
    assert Path(info["ca_cert"]).parent == Path(info["state"])
    demo = info["demo"]
    assert demo["tenant"] == "contoso.onmicrosoft.com"
    assert GUID.match(demo["tenant_id"])
    assert demo["admin"]["username"] == "admin@contoso.onmicrosoft.com"
    assert demo["user"]["username"] == "megan@contoso.onmicrosoft.com"
    assert demo["admin"]["password"]
    assert demo["user"]["password"]


def test_https_verifies_strictly_against_the_sandbox_ca(sandbox: Sandbox, https: httpx.Client) -> None:
    assert discover(https, sandbox, "organizations").status_code == 200
    with (
        httpx.Client(trust_env=False, verify=ssl.create_default_context()) as untrusting,
        pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        untrusting.get(f"{sandbox['login']}/organizations/v2.0/.well-known/openid-configuration")


def test_secret_files_are_private(sandbox: Sandbox) -> None:
    state = Path(sandbox["state"])
    for name in ("ca-key.pem", "server-key.pem", "signing-key.pem"):
        assert stat.S_IMODE((state / name).stat().st_mode) == 0o600, name


def test_passwords_are_not_stored_in_plain_text(sandbox: Sandbox) -> None:
    state = Path(sandbox["state"])
    blob = b"".join(path.read_bytes() for path in state.glob("sandbox.sqlite3*"))
    assert b"admin@contoso.onmicrosoft.com" in blob
    for who in ("admin", "user"):
        assert sandbox["demo"][who]["password"].encode() not in blob


# --- discovery ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["contoso.onmicrosoft.com", "CONTOSO.onmicrosoft.COM"])
def test_discovery_of_the_demo_tenant_by_name(sandbox: Sandbox, https: httpx.Client, name: str) -> None:
    tid = sandbox["demo"]["tenant_id"]
    response = discover(https, sandbox, name)
    assert response.status_code == 200
    doc = response.json()
    login, base = sandbox["login"], sandbox.base
    assert doc["issuer"] == f"{login}/{tid}/v2.0"
    assert doc["token_endpoint"] == f"{login}/{tid}/oauth2/v2.0/token"
    assert doc["device_authorization_endpoint"] == f"{login}/{tid}/oauth2/v2.0/devicecode"
    assert doc["jwks_uri"] == f"{login}/{tid}/discovery/v2.0/keys"
    # The browser-facing endpoints are on the plain-http site: no certificate in the browser.
    assert doc["authorization_endpoint"] == f"{base}/{tid}/oauth2/v2.0/authorize"
    assert doc["end_session_endpoint"] == f"{base}/{tid}/oauth2/v2.0/logout"
    assert "form_post" in doc["response_modes_supported"]
    assert "offline_access" in doc["scopes_supported"]
    assert doc["tenant_region_scope"]


def test_discovery_by_tenant_guid(sandbox: Sandbox, https: httpx.Client) -> None:
    tid = sandbox["demo"]["tenant_id"]
    response = discover(https, sandbox, tid.upper())
    assert response.status_code == 200
    assert response.json()["issuer"] == f"{sandbox['login']}/{tid}/v2.0"


@pytest.mark.parametrize("special", ["organizations", "common"])
def test_discovery_of_generic_authorities(sandbox: Sandbox, https: httpx.Client, special: str) -> None:
    doc = discover(https, sandbox, special).json()
    assert doc["issuer"] == f"{sandbox['login']}/{{tenantid}}/v2.0"
    assert doc["token_endpoint"] == f"{sandbox['login']}/{special}/oauth2/v2.0/token"
    assert doc["tenant_region_scope"] is None


def test_v1_discovery(sandbox: Sandbox, https: httpx.Client) -> None:
    tid = sandbox["demo"]["tenant_id"]
    response = discover(https, sandbox, "contoso.onmicrosoft.com", version="")
    assert response.status_code == 200
    assert response.json()["token_endpoint"] == f"{sandbox['login']}/{tid}/oauth2/token"
    assert discover(https, sandbox, "nobody1234.onmicrosoft.com", version="").status_code == 400


@pytest.mark.parametrize(
    "prefix",
    [
        "contoso",
        "fabrikam",
        "northwind",
        "adventureworks",
        "wingtiptoys",
        "tailspintoys",
        "litware",
        "woodgrove",
        "proseware",
        "alpineskihouse",
    ],
)
def test_well_known_names_are_taken(sandbox: Sandbox, https: httpx.Client, prefix: str) -> None:
    response = discover(https, sandbox, f"{prefix}.onmicrosoft.com")
    assert response.status_code == 200
    assert GUID.match(response.json()["issuer"].split("/")[3])


@pytest.mark.parametrize("name", ["nobody4711.onmicrosoft.com", "example.org", "nodots"])
def test_unknown_tenant_answers_aadsts90002_exactly(sandbox: Sandbox, https: httpx.Client, name: str) -> None:
    corr = str(uuid.uuid4())
    response = https.get(
        f"{sandbox['login']}/{name}/v2.0/.well-known/openid-configuration",
        headers={"client-request-id": corr},
    )
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [
        "error",
        "error_description",
        "error_codes",
        "timestamp",
        "trace_id",
        "correlation_id",
        "error_uri",
    ]
    assert body["error"] == "invalid_tenant"
    assert body["error_codes"] == [90002]
    assert body["error_uri"] == "https://login.microsoftonline.com/error?code=90002"
    assert body["correlation_id"] == corr
    assert GUID.match(body["trace_id"])
    assert re.fullmatch(AAD_TIMESTAMP, body["timestamp"])
    expected = (
        f"AADSTS90002: Tenant '{name}' not found. Check to make sure you have the correct tenant "
        "ID and are signing into the correct cloud. Check with your subscription administrator, "
        "this may happen if there are no active subscriptions for the tenant.\r\n"
        f"Trace ID: {body['trace_id']}\r\nCorrelation ID: {corr}\r\nTimestamp: {body['timestamp']}"
    )
    assert body["error_description"] == expected


def test_unknown_tenant_guid_is_not_found(sandbox: Sandbox, https: httpx.Client) -> None:
    body = discover(https, sandbox, str(uuid.uuid4())).json()
    assert body["error_codes"] == [90002]


@pytest.mark.parametrize(
    "name",
    [
        "bad_name.onmicrosoft.com",
        "two words.onmicrosoft.com",
        "a..b.onmicrosoft.com",
        "hy-phen.onmicrosoft.com",
        "dot.ted.onmicrosoft.com",
        "-lead.example.com",
    ],
)
def test_malformed_tenant_answers_aadsts900023(sandbox: Sandbox, https: httpx.Client, name: str) -> None:
    response = discover(https, sandbox, name)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_request"
    assert body["error_codes"] == [900023]
    assert body["error_description"].startswith(
        f"AADSTS900023: Specified tenant identifier '{name}' is neither a valid DNS name, "
        "nor a valid external domain.\r\nTrace ID: "
    )
    assert body["error_uri"].endswith("?code=900023")


def test_jwks_publishes_the_signing_key(sandbox: Sandbox, https: httpx.Client) -> None:
    doc = discover(https, sandbox, "contoso.onmicrosoft.com").json()
    keys = https.get(doc["jwks_uri"]).json()["keys"]
    assert keys
    assert keys[0]["kty"] == "RSA"
    assert keys[0]["kid"]
    assert keys[0]["n"]


# --- sign-up -----------------------------------------------------------------------------------------------


def test_sign_up_creates_a_tenant_that_discovery_then_reports(
    sandbox: Sandbox, https: httpx.Client, web: httpx.Client
) -> None:
    prefix = unique_prefix("acme")
    assert discover(https, sandbox, f"{prefix}.onmicrosoft.com").status_code == 400
    result = sign_up(sandbox.base, organisation="Acme Widgets Ltd", prefix=prefix, username="ada")
    assert result["upn"] == f"ada@{prefix}.onmicrosoft.com"
    assert result["password"] == "Sandbox-Passw0rd!"
    assert GUID.match(result["tenant_id"])
    response = discover(https, sandbox, f"{prefix}.onmicrosoft.com")
    assert response.status_code == 200
    assert response.json()["issuer"] == f"{sandbox['login']}/{result['tenant_id']}/v2.0"
    tenants = {t["id"]: t for t in web.get("/_sandbox/tenants").json()["tenants"]}
    tenant = tenants[result["tenant_id"]]
    assert tenant["displayName"] == "Acme Widgets Ltd"
    assert tenant["name"] == f"{prefix}.onmicrosoft.com"
    assert tenant["users"] == [
        {
            "id": tenant["users"][0]["id"],
            "upn": result["upn"],
            "displayName": "Ada Admin",
            "roles": ["Global Administrator"],
            "hasMailbox": False,
        }
    ]
    assert web.get(f"/signup/check?prefix={prefix}").json()["reason"] == "taken"


def test_sign_up_pages_are_accessible_html(web: httpx.Client) -> None:
    response = web.get("/signup")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "SANDBOX" in html
    for name in ("organisation", "first_name", "last_name", "email", "phone", "country"):
        assert f'<label for="f-{name}">' in html, name
        assert f'name="{name}"' in html
    form = parse_page(response).form()
    assert form.method == "post"
    assert form.fields["country"] == "GB"


@pytest.mark.parametrize(
    ("prefix", "available", "reason"),
    [
        ("fabrikam", False, "taken"),
        ("FABRIKAM", False, "taken"),
        ("freshname12345", True, None),
        ("with-hyphen", False, "invalid"),
        ("with.dot", False, "invalid"),
        ("", False, "empty"),
        ("a" * 28, False, "too_long"),
    ],
)
def test_signup_check(web: httpx.Client, prefix: str, available: bool, reason: str | None) -> None:
    body = web.get("/signup/check", params={"prefix": prefix}).json()
    assert body["available"] is available
    assert body["reason"] == reason
    assert body["message"]


def _start_signup(client: httpx.Client, organisation: str = "Race Ltd") -> Any:
    about = parse_page(client.get("/signup"))
    values = {
        "organisation": organisation,
        "first_name": "Ann",
        "last_name": "Other",
        "email": "ann@example.com",
    }
    return submit(client, about.form(), values)


def test_sign_up_shows_errors_next_to_the_fields(sandbox: Sandbox) -> None:
    with httpx.Client(base_url=sandbox.base, trust_env=False, follow_redirects=True) as client:
        about = parse_page(client.get("/signup"))
        page = submit(client, about.form(), {"organisation": "", "email": "not-an-email"})
        assert page.status == 422
        assert page.texts["f-organisation-error"] == "Enter a company name."
        assert page.texts["f-email-error"].startswith("Enter a valid email address")
        account = _start_signup(client, "Errors Ltd")
        assert account.url.endswith("/account")
        assert account.form().fields["prefix"] == "errorsltd"  # suggested from the name
        page = submit(
            client,
            account.form(),
            {
                "username": "bad user",
                "prefix": "fabrikam",
                "password": "short",
                "confirm_password": "other",
            },
        )
        assert page.status == 422
        assert page.texts["prefix-status"] == (
            "fabrikam.onmicrosoft.com is already in use. Try another name."
        )
        assert page.texts["f-username-error"].startswith("A username can contain")
        assert page.texts["f-password-error"].startswith("Your password must have")
        assert page.texts["f-confirm_password-error"] == "The passwords don't match."
        weak = submit(
            client,
            page.form(),
            {
                "username": "ok",
                "prefix": unique_prefix(),
                "password": "alllowercase",
                "confirm_password": "alllowercase",
            },
        )
        assert weak.texts["f-password-error"].startswith("Your password must contain three")


def test_sign_up_rejects_a_wrong_verification_code(sandbox: Sandbox) -> None:
    with httpx.Client(base_url=sandbox.base, trust_env=False, follow_redirects=True) as client:
        account = _start_signup(client)
        password = "Good-Passw0rd"
        values = {
            "username": "ann",
            "prefix": unique_prefix(),
            "password": password,
            "confirm_password": password,
        }
        verify = submit(client, account.form(), values)
        code = verify.texts["verification-code"]
        assert re.fullmatch(r"\d{6}", code)
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        page = submit(client, verify.form(), {"code": wrong})
        assert page.status == 422
        assert page.texts["f-code-error"].startswith("That code isn't right")
        assert submit(client, page.form(), {"code": code}).url.endswith("/done")


def test_sign_up_race_for_the_same_name_is_rejected_at_submit(sandbox: Sandbox) -> None:
    prefix = unique_prefix("race")
    password = "Good-Passw0rd"
    values = {"username": "ann", "prefix": prefix, "password": password}
    values["confirm_password"] = password
    with (
        httpx.Client(base_url=sandbox.base, trust_env=False, follow_redirects=True) as first,
        httpx.Client(base_url=sandbox.base, trust_env=False, follow_redirects=True) as second,
    ):
        verify_1 = submit(first, _start_signup(first).form(), values)
        verify_2 = submit(second, _start_signup(second).form(), values)
        done = submit(first, verify_1.form(), {"code": verify_1.texts["verification-code"]})
        assert done.url.endswith("/done")
        lost = submit(second, verify_2.form(), {"code": verify_2.texts["verification-code"]})
        assert lost.status == 409
        assert lost.url.endswith("/verify")
        assert "already in use" in lost.texts["prefix-status"]
        # The loser picks another name and finishes.
        other = dict(values, prefix=unique_prefix("race"))
        verify_3 = submit(second, lost.form(), other)
        assert verify_3.url.endswith("/verify")
    with pytest.raises(WebFlowError, match="already in use"):
        sign_up(sandbox.base, organisation="Late Ltd", prefix=prefix)


# --- faults ------------------------------------------------------------------------------------------------


def test_faults_spec_round_trip(clean_faults: Sandbox, web: httpx.Client) -> None:
    clean_faults.set_faults("latency=150ms, 429=0.1,503=0.25,drop=0.05,seed=42")
    assert web.get("/_sandbox/faults").json() == {
        "spec": "latency=150ms,429=0.1,503=0.25,drop=0.05,seed=42",
        "seed": 42,
    }
    response = web.post("/_sandbox/faults", json={"spec": "explode=1"})
    assert response.status_code == 400
    assert "unknown fault 'explode'" in response.json()["error"]
    assert web.post("/_sandbox/faults", json={"spec": "429=2"}).status_code == 400
    assert web.post("/_sandbox/faults", json={"spec": "latency=fast"}).status_code == 400
    clean_faults.set_faults("seed=7")
    assert web.get("/_sandbox/faults").json() == {"spec": "seed=7", "seed": 7}


def test_latency_applies_to_the_https_site_only(
    clean_faults: Sandbox, https: httpx.Client, web: httpx.Client
) -> None:
    clean_faults.set_faults("latency=150ms")
    started = time.monotonic()
    assert discover(https, clean_faults, "organizations").status_code == 200
    assert time.monotonic() - started >= 0.15
    # With a minute's latency on the https site, the browser pages still answer within the client's
    # 20 s timeout: they have none (a bound no load can break).
    clean_faults.set_faults("latency=60s")
    assert web.get("/signup/check?prefix=abc", timeout=20).status_code == 200


@pytest.mark.parametrize(("status", "code"), [(503, "serviceNotAvailable"), (429, "TooManyRequests")])
def test_throttling_and_outage_faults(
    clean_faults: Sandbox, https: httpx.Client, web: httpx.Client, status: int, code: str
) -> None:
    clean_faults.set_faults(f"{status}=1,retry_after=2s")
    # Identity endpoints refuse in OAuth's error shape, which MSAL understands.
    refused = discover(https, clean_faults, "contoso.onmicrosoft.com")
    assert refused.status_code == status
    assert refused.headers["Retry-After"] == "2"
    oauth = refused.json()
    assert oauth["error"] == "temporarily_unavailable"
    assert oauth["error_codes"] == [90033]
    assert oauth["error_description"].startswith("AADSTS90033: ")
    # Graph refuses in Graph's error shape.
    response = https.get(f"{clean_faults['graph']}/me")
    assert response.status_code == status
    assert response.headers["Retry-After"] == "2"
    assert response.headers["request-id"]
    error = response.json()["error"]
    assert error["code"] == code
    assert error["innerError"]["request-id"] == response.headers["request-id"]
    if status == 429:
        assert error["message"] == "Please retry again later."
        assert error["innerError"]["status"] == "429"
    # Browser pages and the control API are never faulted.
    assert web.get("/signup").status_code == 200


def test_drop_closes_the_connection_without_an_answer(clean_faults: Sandbox, https: httpx.Client) -> None:
    clean_faults.set_faults("drop=1")
    with pytest.raises(httpx.TransportError):
        discover(https, clean_faults, "contoso.onmicrosoft.com")
    clean_faults.set_faults("")
    assert discover(https, clean_faults, "contoso.onmicrosoft.com").status_code == 200


def test_control_api_is_not_on_the_https_site(sandbox: Sandbox, https: httpx.Client) -> None:
    assert https.get(f"{sandbox['login']}/_sandbox/faults").status_code == 404


# --- the process: CLI, restart, exit ---------------------------------------------------------------


def run_sandbox_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "c2t_wizard.sandbox", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,
        check=False,
    )


def test_cli_rejects_an_unknown_fault(tmp_path: Path) -> None:
    done = run_sandbox_cli("--state", str(tmp_path), "--faults", "latency=1s,bogus=0.5")
    assert done.returncode == 2
    assert "unknown fault 'bogus'" in done.stderr
    assert done.stdout == ""


def test_state_survives_a_restart(tmp_path: Path) -> None:
    first = start_sandbox(tmp_path, "--faults", "latency=1ms")
    try:
        result = sign_up(first.base, organisation="Kept Ltd", prefix="keptltd")
        grant_consent(first.base, "keptltd.onmicrosoft.com", "User.Read", client_id="c2t-test")
        ca_pem = Path(first["ca_cert"]).read_bytes()
        demo_id = first["demo"]["tenant_id"]
        with httpx.Client(verify=tls_context(first), trust_env=False) as client:
            tokens = client.post(
                f"{first['login']}/organizations/oauth2/v2.0/token",
                data={
                    "grant_type": "password",
                    "client_id": "c2t-test",
                    "username": result["upn"],
                    "password": result["password"],
                    "scope": "User.Read offline_access",
                },
            ).json()
    finally:
        first.stop()
    assert first.proc.returncode == 0
    second = start_sandbox(tmp_path)
    try:
        assert second["demo"]["tenant_id"] == demo_id
        assert second["state"] == str(tmp_path.resolve())
        assert Path(second["ca_cert"]).read_bytes() == ca_pem  # the certificate is reused
        with httpx.Client(verify=tls_context(second), trust_env=False) as client:
            response = discover(client, second, "keptltd.onmicrosoft.com")
            refreshed = client.post(
                f"{second['login']}/organizations/oauth2/v2.0/token",
                data={
                    "grant_type": "refresh_token",
                    "client_id": "c2t-test",
                    "refresh_token": tokens["refresh_token"],
                },
            )
            me = client.get(
                f"{second['graph']}/me",
                headers={"Authorization": f"Bearer {tokens['access_token']}"},
            )
        assert response.status_code == 200
        assert result["tenant_id"] in response.json()["issuer"]
        assert refreshed.status_code == 200, refreshed.text  # refresh tokens are kept
        assert me.status_code == 200  # and so is the signing key
    finally:
        second.stop()


def test_default_state_is_temporary_and_removed_at_exit() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "c2t_wizard.sandbox", "--exit-on-stdin-eof"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    box = Sandbox(proc, json.loads(proc.stdout.readline() if proc.stdout else "{}"))
    state = Path(box["state"])
    try:
        assert (state / "ca.pem").exists()
    finally:
        box.stop()
    assert proc.returncode == 0
    assert not state.exists()


def test_exits_when_stdin_closes(tmp_path: Path) -> None:
    box = start_sandbox(tmp_path, "--exit-on-stdin-eof")
    try:
        assert box.proc.stdin is not None
        box.proc.stdin.close()
        assert box.proc.wait(10) == 0
    finally:
        box.stop()


def test_ready_line_is_the_only_output_on_stdout(tmp_path: Path) -> None:
    box = start_sandbox(tmp_path, "--token-lifetime", "60")
    try:
        with httpx.Client(base_url=box.base, trust_env=False) as client:
            assert client.get("/outbox").status_code == 200
            assert client.get("/signup").status_code == 200
        assert box.proc.stdout is not None
        box.proc.terminate()
        rest = box.proc.stdout.read()
        assert box.proc.wait(10) == 0
    finally:
        box.stop()
    assert rest == ""
