"""Identity and Graph on the sandbox, driven by the real MSAL and plain HTTP clients."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import ssl
import threading
import time
import uuid
import webbrowser
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import msal
import pytest
import requests
from conftest import Sandbox, start_sandbox
from helpers.sandbox_web import approve_device_code, grant_consent, sign_in_authorize, sign_up

from c2t_wizard.sandbox.jwt import SigningKey, unverified_claims

CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"
GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"
USER_ADMIN = "fe930be7-5e62-47db-91af-98c3a49a38b1"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
SCOPES = ["User.ReadWrite.All"]


class SandboxSession(requests.Session):
    """MSAL's HTTP client: trusts the sandbox CA only, ignores the environment, and mends the
    ROPC user-realm URL from which MSAL drops the authority's port."""

    def __init__(self, box: Sandbox) -> None:
        super().__init__()
        self.trust_env = False
        self.verify = box["ca_cert"]
        self._login = box["login"]

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        text = url.decode() if isinstance(url, bytes) else url
        if text.startswith("https://127.0.0.1/"):
            text = self._login + text[len("https://127.0.0.1") :]
        return super().request(method, text, *args, **kwargs)


@pytest.fixture
def msal_app(sandbox: Sandbox) -> Iterator[Any]:
    """A factory of PublicClientApplications against the session sandbox (sessions closed after)."""
    sessions: list[requests.Session] = []

    def make(tenant: str = "organizations", box: Sandbox = sandbox) -> msal.PublicClientApplication:
        session = SandboxSession(box)
        sessions.append(session)
        return msal.PublicClientApplication(
            CLIENT_ID,
            authority=f"{box['login']}/{tenant}",
            instance_discovery=False,
            http_client=session,
        )

    yield make
    for session in sessions:
        session.close()


@pytest.fixture(scope="module")
def https(sandbox: Sandbox) -> Iterator[httpx.Client]:
    context = ssl.create_default_context(cafile=sandbox["ca_cert"])
    with httpx.Client(verify=context, trust_env=False, timeout=10) as client:
        yield client


def ropc(
    https: httpx.Client,
    box: Sandbox,
    username: str,
    password: str,
    *,
    tenant: str = "organizations",
    scope: str = "User.ReadWrite.All offline_access openid profile",
) -> httpx.Response:
    return https.post(
        f"{box['login']}/{tenant}/oauth2/v2.0/token",
        data={
            "grant_type": "password",
            "client_id": CLIENT_ID,
            "username": username,
            "password": password,
            "scope": scope,
        },
    )


def admin_token(https: httpx.Client, box: Sandbox) -> str:
    admin = box["demo"]["admin"]
    return str(ropc(https, box, admin["username"], admin["password"]).json()["access_token"])


def graph(https: httpx.Client, box: Sandbox, path: str, token: str | None, **kw: Any) -> httpx.Response:
    headers = dict(kw.pop("headers", {}))
    if token is not None:
        headers["Authorization"] = f"Bearer {token}".strip()
    return https.get(f"{box['graph']}{path}", headers=headers, **kw)


def assert_aad_error(result: dict[str, Any], error: str, code: int) -> None:
    assert result["error"] == error, result
    assert result["error_description"].startswith(f"AADSTS{code}: "), result
    assert result["error_codes"] == [code]
    assert {"timestamp", "trace_id", "correlation_id"} <= set(result)


# --- MSAL: username/password, device code, refresh, interactive -------------------------------------


def test_msal_ropc_for_the_demo_admin(sandbox: Sandbox, msal_app: Any) -> None:
    admin = sandbox["demo"]["admin"]
    app = msal_app("contoso.onmicrosoft.com")
    result = app.acquire_token_by_username_password(admin["username"], admin["password"], SCOPES)
    assert "access_token" in result, result
    claims = unverified_claims(result["access_token"])
    assert claims["tid"] == sandbox["demo"]["tenant_id"]
    assert claims["upn"] == claims["preferred_username"] == admin["username"]
    assert "User.ReadWrite.All" in claims["scp"].split()
    assert claims["aud"] == "00000003-0000-0000-c000-000000000000"
    assert claims["exp"] - claims["iat"] == 3600
    assert result["id_token_claims"]["tid"] == sandbox["demo"]["tenant_id"]
    accounts = app.get_accounts()
    assert [a["username"] for a in accounts] == [admin["username"]]
    assert accounts[0]["home_account_id"] == f"{claims['oid']}.{claims['tid']}"
    cached = app.acquire_token_silent(SCOPES, account=accounts[0])
    assert cached["access_token"] == result["access_token"]
    assert cached["token_source"] == "cache"


def test_msal_ropc_wrong_password(sandbox: Sandbox, msal_app: Any) -> None:
    app = msal_app()
    result = app.acquire_token_by_username_password(
        sandbox["demo"]["admin"]["username"], "wrong-password", SCOPES
    )
    assert_aad_error(result, "invalid_grant", 50126)


def test_msal_ropc_user_of_another_tenant(sandbox: Sandbox, msal_app: Any) -> None:
    admin = sandbox["demo"]["admin"]
    app = msal_app("fabrikam.onmicrosoft.com")
    result = app.acquire_token_by_username_password(admin["username"], admin["password"], SCOPES)
    assert_aad_error(result, "invalid_grant", 50034)


def test_msal_unknown_tenant_fails_at_construction(sandbox: Sandbox, msal_app: Any) -> None:
    with pytest.raises(ValueError, match="Unable to get authority configuration"):
        msal_app("nobody4711.onmicrosoft.com")


def test_msal_device_code_flow(sandbox: Sandbox, msal_app: Any) -> None:
    user = sandbox["demo"]["user"]
    app = msal_app("contoso.onmicrosoft.com")
    flow = app.initiate_device_flow(scopes=SCOPES)
    assert flow["verification_uri"] == f"{sandbox.base}/devicelogin"
    assert flow["user_code"] in flow["message"]
    done = approve_device_code(sandbox.base, flow["user_code"], user["username"], user["password"])
    assert "device-approved" in done.texts
    result = app.acquire_token_by_device_flow(flow)
    assert "access_token" in result, result
    assert unverified_claims(result["access_token"])["upn"] == user["username"]
    # A device code is good for one sign-in only.
    again = approve_device_code(sandbox.base, flow["user_code"], user["username"], user["password"])
    assert "f-otc-error" in again.texts


def test_device_code_pending_declined_and_unknown(sandbox: Sandbox, https: httpx.Client) -> None:
    login = sandbox["login"]
    flow = https.post(
        f"{login}/organizations/oauth2/v2.0/devicecode",
        data={"client_id": CLIENT_ID, "scope": "User.Read offline_access openid profile"},
    ).json()
    assert flow["interval"] == 5
    assert flow["expires_in"] == 900

    def poll(device_code: str) -> httpx.Response:
        return https.post(
            f"{login}/organizations/oauth2/v2.0/token",
            data={
                "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                "client_id": CLIENT_ID,
                "device_code": device_code,
            },
        )

    pending = poll(flow["device_code"])
    assert pending.status_code == 400
    assert_aad_error(pending.json(), "authorization_pending", 70016)
    user = sandbox["demo"]["user"]
    page = approve_device_code(
        sandbox.base, flow["user_code"], user["username"], user["password"], decline=True
    )
    assert page.status == 200
    declined = poll(flow["device_code"]).json()
    assert declined["error"] == "authorization_declined"
    assert_aad_error(poll("not-a-device-code").json(), "invalid_grant", 70000)


def test_device_login_page_rejects_a_wrong_code_and_password(sandbox: Sandbox, https: httpx.Client) -> None:
    wrong_code = approve_device_code(sandbox.base, "NOTACODE1", "x@contoso.onmicrosoft.com", "x")
    assert "That code didn't work" in wrong_code.texts["f-otc-error"]
    flow = https.post(
        f"{sandbox['login']}/contoso.onmicrosoft.com/oauth2/v2.0/devicecode",
        data={"client_id": CLIENT_ID, "scope": "User.Read"},
    ).json()
    user = sandbox["demo"]["user"]
    page = approve_device_code(sandbox.base, flow["user_code"], user["username"], "wrong")
    assert "AADSTS50126" in page.texts["f-password-error"]


@pytest.fixture(scope="module")
def short_lived(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """A sandbox whose access tokens live 60 s: MSAL treats them as expired (< 5 min) and refreshes."""
    box = start_sandbox(tmp_path_factory.mktemp("short-lived"), "--token-lifetime", "60")
    try:
        yield box
    finally:
        box.stop()


def test_msal_refreshes_an_expiring_token(short_lived: Sandbox, msal_app: Any) -> None:
    admin = short_lived["demo"]["admin"]
    app = msal_app("organizations", short_lived)
    first = app.acquire_token_by_username_password(admin["username"], admin["password"], SCOPES)
    assert first["expires_in"] == 60
    account = app.get_accounts()[0]
    second = app.acquire_token_silent_with_error(SCOPES, account=account)
    assert second["token_source"] == "identity_provider"
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]  # rotated


def test_revoked_refresh_token_fails_with_invalid_grant(sandbox: Sandbox, msal_app: Any) -> None:
    new = sign_up(sandbox.base, organisation="Revoke Ltd", prefix=f"revoke{uuid.uuid4().hex[:10]}")
    grant_consent(sandbox.base, new["upn"].split("@")[1], "User.ReadWrite.All")
    app = msal_app()
    first = app.acquire_token_by_username_password(new["upn"], new["password"], SCOPES)
    account = app.get_accounts()[0]
    refreshed = app.acquire_token_silent_with_error(SCOPES, account=account, force_refresh=True)
    assert refreshed["token_source"] == "identity_provider"
    assert refreshed["access_token"] != first["access_token"]
    response = httpx.post(f"{sandbox.base}/_sandbox/revoke", json={"upn": new["upn"]}, trust_env=False)
    assert response.json()["revoked"] == 2
    failed = app.acquire_token_silent_with_error(SCOPES, account=account, force_refresh=True)
    assert_aad_error(failed, "invalid_grant", 50173)


def test_bad_refresh_token(sandbox: Sandbox, https: httpx.Client) -> None:
    response = https.post(
        f"{sandbox['login']}/organizations/oauth2/v2.0/token",
        data={"grant_type": "refresh_token", "client_id": CLIENT_ID, "refresh_token": "junk"},
    )
    assert response.status_code == 400
    assert_aad_error(response.json(), "invalid_grant", 70000)


def _browser_that_signs_in(
    username: str, password: str, *, decline: bool = False
) -> tuple[Any, list[threading.Thread]]:
    """A stand-in for ``webbrowser.open``: signs in on the page and posts the answer to MSAL's listener
    (from a thread: MSAL only starts listening after the browser call returns)."""
    threads: list[threading.Thread] = []

    def open_url(url: str, *args: Any, **kwargs: Any) -> bool:
        def walk() -> None:
            form = sign_in_authorize(url, username, password, decline=decline)
            with httpx.Client(trust_env=False, timeout=10) as client:
                client.post(form.action, data=form.fields)

        thread = threading.Thread(target=walk, name="fake-browser")
        threads.append(thread)
        thread.start()
        return True

    return open_url, threads


def test_msal_interactive_sign_in(sandbox: Sandbox, msal_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = sandbox["demo"]["admin"]
    fake_open, threads = _browser_that_signs_in(admin["username"], admin["password"])
    monkeypatch.setattr(webbrowser, "open", fake_open)
    app = msal_app("organizations")
    try:
        result = app.acquire_token_interactive(SCOPES, timeout=30, login_hint=admin["username"])
    finally:
        for thread in threads:
            thread.join(10)
    assert "access_token" in result, result
    assert result["id_token_claims"]["preferred_username"] == admin["username"]
    assert result["id_token_claims"]["aud"] == CLIENT_ID
    assert app.get_accounts()[0]["username"] == admin["username"]


def test_msal_interactive_declined(sandbox: Sandbox, msal_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    user = sandbox["demo"]["user"]
    fake_open, threads = _browser_that_signs_in(user["username"], user["password"], decline=True)
    monkeypatch.setattr(webbrowser, "open", fake_open)
    app = msal_app("contoso.onmicrosoft.com")
    try:
        result = app.acquire_token_interactive(SCOPES, timeout=30)
    finally:
        for thread in threads:
            thread.join(10)
    assert result["error"] == "access_denied"
    assert result["error_description"].startswith("AADSTS65004")


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _authorize_url(box: Sandbox, challenge: str, nonce: str = "n-1") -> str:
    query = {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "redirect_uri": "http://localhost:8400",
        "scope": "User.Read openid profile offline_access",
        "state": "s-1",
        "nonce": nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "response_mode": "form_post",
    }
    return f"{box.base}/organizations/oauth2/v2.0/authorize?{urlencode(query)}"


def test_auth_code_checks_pkce_nonce_and_one_time_use(sandbox: Sandbox, https: httpx.Client) -> None:
    admin = sandbox["demo"]["admin"]
    verifier, challenge = _pkce()
    form = sign_in_authorize(_authorize_url(sandbox, challenge), admin["username"], admin["password"])
    assert form.action == "http://localhost:8400"
    assert form.fields["state"] == "s-1"
    token_url = f"{sandbox['login']}/organizations/oauth2/v2.0/token"
    data = {
        "grant_type": "authorization_code",
        "client_id": CLIENT_ID,
        "code": form.fields["code"],
        "redirect_uri": "http://localhost:8400",
    }
    wrong = https.post(token_url, data={**data, "code_verifier": "not-the-verifier"})
    assert_aad_error(wrong.json(), "invalid_grant", 501481)
    # A fresh code with the right verifier works and echoes the nonce.
    form = sign_in_authorize(_authorize_url(sandbox, challenge, "n-2"), admin["username"], admin["password"])
    data["code"] = form.fields["code"]
    good = https.post(token_url, data={**data, "code_verifier": verifier}).json()
    assert unverified_claims(good["id_token"])["nonce"] == "n-2"
    info = json.loads(base64.urlsafe_b64decode(good["client_info"] + "=="))
    assert info == {
        "uid": unverified_claims(good["access_token"])["oid"],
        "utid": sandbox["demo"]["tenant_id"],
    }
    assert good["refresh_token"]
    reused = https.post(token_url, data={**data, "code_verifier": verifier})
    assert_aad_error(reused.json(), "invalid_grant", 54005)


def test_sign_in_page_errors(sandbox: Sandbox) -> None:
    _, challenge = _pkce()
    url = _authorize_url(sandbox, challenge)
    with httpx.Client(trust_env=False) as client:
        page = client.get(url)
        assert page.status_code == 200
        assert "SANDBOX" in page.text
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        wrong = client.post(
            url.split("?")[0],
            data={
                **query,
                "username": sandbox["demo"]["admin"]["username"],
                "password": "nope",
                "action": "signin",
            },
        )
        assert "Your account or password is incorrect." in wrong.text
        bad_redirect = client.get(url.replace("localhost%3A8400", "evil.example"))
        assert bad_redirect.status_code == 400
        assert "AADSTS50011" in bad_redirect.text


def test_user_realm_is_served_on_the_https_site(sandbox: Sandbox, https: httpx.Client) -> None:
    login = sandbox["login"]
    managed = https.get(f"{login}/common/userrealm/admin@contoso.onmicrosoft.com?api-version=1.0").json()
    assert managed["account_type"] == "Managed"
    unknown = https.get(f"{login}/common/userrealm/a@example.org?api-version=1.0").json()
    assert unknown["account_type"] == "Unknown"


# --- Graph ---------------------------------------------------------------------------------------------


def test_graph_me_and_select(sandbox: Sandbox, https: httpx.Client) -> None:
    token = admin_token(https, sandbox)
    corr = str(uuid.uuid4())
    response = graph(https, sandbox, "/me", token, headers={"client-request-id": corr})
    assert response.status_code == 200
    assert response.headers["client-request-id"] == corr
    assert response.headers["request-id"]
    me = response.json()
    assert me["@odata.context"].endswith("/$metadata#users/$entity")
    assert me["userPrincipalName"] == "admin@contoso.onmicrosoft.com"
    assert me["mail"] == "admin@contoso.onmicrosoft.com"
    assert me["id"] == unverified_claims(token)["oid"]
    selected = graph(https, sandbox, "/me", token, params={"$select": "displayName,id"}).json()
    assert set(selected) == {"@odata.context", "displayName", "id"}


def test_graph_organization(sandbox: Sandbox, https: httpx.Client) -> None:
    org = graph(https, sandbox, "/organization", admin_token(https, sandbox)).json()
    assert org["@odata.context"].endswith("/$metadata#organization")
    [tenant] = org["value"]
    assert tenant["id"] == sandbox["demo"]["tenant_id"]
    assert tenant["displayName"] == "Contoso"
    assert tenant["tenantType"] == "AAD"
    assert tenant["verifiedDomains"] == [
        {
            "capabilities": "Email, OfficeCommunicationsOnline",
            "isDefault": True,
            "isInitial": True,
            "name": "contoso.onmicrosoft.com",
            "type": "Managed",
        }
    ]


@pytest.mark.parametrize("path", ["/me/memberOf", "/me/memberOf/microsoft.graph.directoryRole"])
def test_graph_member_of(sandbox: Sandbox, https: httpx.Client, path: str) -> None:
    roles = graph(
        https, sandbox, path, admin_token(https, sandbox), params={"$select": "id,displayName,roleTemplateId"}
    ).json()["value"]
    assert [(r["@odata.type"], r["displayName"], r["roleTemplateId"]) for r in roles] == [
        ("#microsoft.graph.directoryRole", "Global Administrator", GLOBAL_ADMIN)
    ]
    assert roles[0]["id"] != GLOBAL_ADMIN  # the role object's id is per tenant
    user = sandbox["demo"]["user"]
    megan = ropc(https, sandbox, user["username"], user["password"]).json()["access_token"]
    assert graph(https, sandbox, path, megan).json()["value"] == []


def _demo_token(
    https: httpx.Client,
    box: Sandbox,
    who: str,
    scope: str = "User.Read GroupMember.Read.All RoleManagement.Read.Directory",
) -> str:
    """A demo person's token whose ``scp`` is exactly ``scope``: a token carries every scope consented for
    its client, so each scope set is asked for by a client of its own, consented (control API) in the demo
    tenant for just that set."""
    from c2t_wizard.sandbox import state

    name, password = {
        "alex": (state.DEMO_GROUP_USER, state.DEMO_GROUP_USER_PASSWORD),
        "lee": (state.DEMO_ELIGIBLE_USER, state.DEMO_ELIGIBLE_USER_PASSWORD),
        "megan": (state.DEMO_USER, state.DEMO_USER_PASSWORD),
        "admin": (state.DEMO_ADMIN, state.DEMO_ADMIN_PASSWORD),
    }[who]
    client_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"c2t-test-client/{scope}"))
    grant_consent(str(box.base), str(box["demo"]["tenant"]), scope, client_id=client_id)
    answer = https.post(
        f"{box['login']}/organizations/oauth2/v2.0/token",
        data={
            "grant_type": "password",
            "client_id": client_id,
            "username": f"{name}@{box['demo']['tenant']}",
            "password": password,
            "scope": scope,
        },
    ).json()
    return str(answer["access_token"])


def test_graph_transitive_member_of_counts_roles_through_a_role_assignable_group(
    sandbox: Sandbox, https: httpx.Client
) -> None:
    alex = _demo_token(https, sandbox, "alex")
    direct = graph(https, sandbox, "/me/memberOf", alex).json()
    [group] = direct["value"]  # the group, not the role it holds
    assert group["@odata.type"] == "#microsoft.graph.group"
    assert group["isAssignableToRole"] is True
    assert group["securityEnabled"] is True
    assert group["mailEnabled"] is False
    assert group["securityIdentifier"].startswith("S-1-12-1-")
    assert graph(https, sandbox, "/me/memberOf/microsoft.graph.directoryRole", alex).json()["value"] == []

    everything = graph(https, sandbox, "/me/transitiveMemberOf", alex).json()
    assert everything["@odata.context"].endswith("/$metadata#directoryObjects")
    assert sorted(o["@odata.type"] for o in everything["value"]) == [
        "#microsoft.graph.directoryRole",
        "#microsoft.graph.group",
    ]
    roles = graph(https, sandbox, "/me/transitiveMemberOf/microsoft.graph.directoryRole", alex).json()
    assert roles["@odata.context"].endswith("/$metadata#directoryRoles")
    assert [(r["displayName"], r["roleTemplateId"]) for r in roles["value"]] == [
        ("User Administrator", USER_ADMIN)
    ]

    # Pages of $top, joined by @odata.nextLink.
    first = graph(https, sandbox, "/me/transitiveMemberOf", alex, params={"$top": "1"}).json()
    assert len(first["value"]) == 1
    second = https.get(first["@odata.nextLink"], headers={"Authorization": f"Bearer {alex}"}).json()
    assert "@odata.nextLink" not in second
    assert [o["id"] for o in first["value"] + second["value"]] == [o["id"] for o in everything["value"]]
    bad = graph(https, sandbox, "/me/transitiveMemberOf", alex, params={"$top": "1000"})
    assert bad.status_code == 400


def test_graph_role_eligibilities_need_a_scope_and_a_reader_role(
    sandbox: Sandbox, https: httpx.Client
) -> None:
    path = "/roleManagement/directory/roleEligibilityScheduleInstances"
    lee = _demo_token(https, sandbox, "lee", "User.Read Directory.Read.All")
    lee_id = graph(https, sandbox, "/me", lee).json()["id"]
    # An eligible role is not a membership: Lee holds Global Reader only.
    roles = graph(https, sandbox, "/me/transitiveMemberOf", lee).json()["value"]
    assert [r["roleTemplateId"] for r in roles] == [GLOBAL_READER]

    refused = graph(https, sandbox, path, lee, params={"$filter": f"principalId eq '{lee_id}'"})
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "UnknownError"
    detail = json.loads(error["message"])
    assert detail["errorCode"] == "PermissionScopeNotGranted"
    assert "RoleEligibilitySchedule.Read.Directory" in detail["message"]

    lee = _demo_token(https, sandbox, "lee", "User.Read RoleEligibilitySchedule.Read.Directory")
    answer = graph(https, sandbox, path, lee, params={"$filter": f"principalId eq '{lee_id}'"}).json()
    assert answer["@odata.context"].endswith(
        "/$metadata#roleManagement/directory/roleEligibilityScheduleInstances"
    )
    [instance] = answer["value"]
    assert set(instance) == {
        "id",
        "principalId",
        "roleDefinitionId",
        "directoryScopeId",
        "appScopeId",
        "startDateTime",
        "endDateTime",
        "memberType",
        "roleEligibilityScheduleId",
    }
    assert (instance["principalId"], instance["roleDefinitionId"]) == (lee_id, USER_ADMIN)
    assert (instance["directoryScopeId"], instance["memberType"]) == ("/", "Direct")
    nobody = graph(https, sandbox, path, lee, params={"$filter": f"principalId eq '{uuid.uuid4()}'"})
    assert nobody.json()["value"] == []
    assert graph(https, sandbox, path, lee, params={"$filter": "startswith(id,'a')"}).status_code == 400

    # With the scope but without a role that may read eligibilities: refused all the same.
    megan = _demo_token(https, sandbox, "megan", "User.Read RoleManagement.Read.Directory")
    denied = graph(https, sandbox, path, megan)
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "Authorization_RequestDenied"


def test_graph_users_by_id_and_upn(sandbox: Sandbox, https: httpx.Client) -> None:
    token = admin_token(https, sandbox)
    megan = graph(https, sandbox, "/users/megan@contoso.onmicrosoft.com", token).json()
    assert megan["displayName"] == "Megan Bowen"
    assert (
        graph(https, sandbox, f"/users/{megan['id']}", token).json()["userPrincipalName"]
        == megan["userPrincipalName"]
    )
    missing = graph(https, sandbox, "/users/nobody@contoso.onmicrosoft.com", token)
    assert missing.status_code == 404
    error = missing.json()["error"]
    assert error["code"] == "Request_ResourceNotFound"
    assert error["message"] == (
        "Resource 'nobody@contoso.onmicrosoft.com' does not exist or one of its queried "
        "reference-property objects are not present."
    )
    assert set(error["innerError"]) == {"date", "request-id", "client-request-id"}
    assert error["innerError"]["request-id"] == missing.headers["request-id"]


def test_graph_never_shows_another_tenants_users(sandbox: Sandbox, https: httpx.Client) -> None:
    new = sign_up(sandbox.base, organisation="Other Ltd", prefix=f"other{uuid.uuid4().hex[:10]}")
    grant_consent(sandbox.base, new["upn"].split("@")[1], "User.Read User.ReadWrite.All")
    token = ropc(https, sandbox, new["upn"], new["password"]).json()["access_token"]
    assert graph(https, sandbox, "/users/megan@contoso.onmicrosoft.com", token).status_code == 404
    me = graph(https, sandbox, "/me", token).json()
    assert me["mail"] is None  # a fresh tenant's admin has no mailbox
    org = graph(https, sandbox, "/organization", token).json()["value"][0]
    assert org["id"] == new["tenant_id"]
    assert org["displayName"] == "Other Ltd"
    # User.ReadWrite.All does not let the token read directoryRole objects: the limited view.
    roles = graph(https, sandbox, "/me/memberOf", token).json()["value"]
    limited = [(r["@odata.type"], r["roleTemplateId"]) for r in roles]
    assert limited == [("#microsoft.graph.directoryRole", None)]


def _forge(box: Sandbox, token: str, **changes: Any) -> str:
    """Re-sign a token's claims with changes, using the sandbox's own key (as if time had passed)."""
    key = SigningKey.load_or_create(Path(box["state"]))
    return key.sign({**unverified_claims(token), **changes})


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda box, token: None, "Access token is empty."),
        (lambda box, token: "", "Access token is empty."),
        (lambda box, token: "garbage", "CompactToken parsing failed with error code: 80049217"),
        (
            lambda box, token: _forge(box, token, exp=int(time.time()) - 60),
            "Lifetime validation failed, the token is expired.",
        ),
        (
            lambda box, token: token[:-8] + ("A" * 8 if not token.endswith("A" * 8) else "B" * 8),
            "Access token validation failure. Invalid signature.",
        ),
    ],
    ids=["no-header", "empty", "garbage", "expired", "bad-signature"],
)
def test_graph_requires_a_valid_token(sandbox: Sandbox, https: httpx.Client, make: Any, message: str) -> None:
    token = make(sandbox, admin_token(https, sandbox))
    response = graph(https, sandbox, "/me", token)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "InvalidAuthenticationToken"
    assert error["message"] == message
    assert set(error["innerError"]) == {"date", "request-id", "client-request-id"}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_graph_faults(clean_faults: Sandbox, https: httpx.Client) -> None:
    token = admin_token(https, clean_faults)
    clean_faults.set_faults("503=1")
    response = graph(https, clean_faults, "/me", token)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
