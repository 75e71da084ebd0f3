"""Microsoft's permission and consent rules in the sandbox (issue 16, docs/microsoft-rules.md §1-§2): the
permission table (403 ``Authorization_RequestDenied``, inside ``$batch`` too), the limited view of
memberships, ``roleAssignments``, and the consent model (consent page, "Need admin approval" with
AADSTS90094, AADSTS65001 for non-interactive requests, the v2 admin-consent link).

The consent walk-throughs run on a sandbox of this module's own (one process), whose second demo tenant
nobody has consented in yet; the session sandbox's tenants are shared with other tests."""

from __future__ import annotations

import ssl
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from conftest import Sandbox, start_sandbox
from helpers.sandbox_web import (
    Page,
    approve_device_code,
    grant_consent,
    parse_page,
    sign_in_authorize,
    sign_up,
)

from c2t_wizard.sandbox.jwt import unverified_claims

CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"
GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"
USER_ADMIN = "fe930be7-5e62-47db-91af-98c3a49a38b1"
DENIED = {
    "code": "Authorization_RequestDenied",
    "message": "Insufficient privileges to complete the operation.",
}
SIGN_IN_SCOPES = "User.Read openid profile offline_access"
DIRECTORY_SCOPES = (
    "https://graph.microsoft.com/User.ReadWrite.All "
    "https://graph.microsoft.com/User-PasswordProfile.ReadWrite.All "
    "https://graph.microsoft.com/RoleManagement.Read.Directory"
)


def _https(box: Sandbox) -> httpx.Client:
    return httpx.Client(verify=ssl.create_default_context(cafile=box["ca_cert"]), trust_env=False, timeout=10)


@pytest.fixture(scope="module")
def https(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with _https(sandbox) as client:
        yield client


def token_with(https: httpx.Client, box: Sandbox, username: str, password: str, scope: str) -> str:
    """A token whose ``scp`` is exactly ``scope`` (a client of its own, consented for just that set)."""
    client_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"c2t-test-client/{scope}"))
    grant_consent(str(box.base), username.split("@")[1], scope, client_id=client_id)
    response = https.post(
        f"{box['login']}/organizations/oauth2/v2.0/token",
        data={
            "grant_type": "password",
            "client_id": client_id,
            "username": username,
            "password": password,
            "scope": scope,
        },
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def ropc(https: httpx.Client, box: Sandbox, username: str, password: str, scope: str) -> httpx.Response:
    return https.post(
        f"{box['login']}/organizations/oauth2/v2.0/token",
        data={
            "grant_type": "password",
            "client_id": CLIENT_ID,
            "username": username,
            "password": password,
            "scope": scope,
        },
    )


def graph(https: httpx.Client, box: Sandbox, path: str, token: str, **kw: Any) -> httpx.Response:
    return https.get(f"{box['graph']}{path}", headers={"Authorization": f"Bearer {token}"}, **kw)


def demo(box: Sandbox, who: str) -> tuple[str, str]:
    entry = box["demo"][who]
    return str(entry["username"]), str(entry["password"])


# --- the permission table ------------------------------------------------------------------------------


def test_every_graph_route_has_an_entry_in_the_permission_table() -> None:
    from c2t_wizard.sandbox import graph as graph_module
    from c2t_wizard.sandbox import permissions

    graph_module.add_routes  # noqa: B018 (importing the route modules registers their routes)
    from c2t_wizard.sandbox import batch, licenses, mail, users  # noqa: F401

    missing = [
        (route.method, route.template)
        for route in graph_module.ROUTES
        if permissions.route_scopes(route.method, route.template) is None
    ]
    assert missing == []


def test_a_route_without_its_scope_answers_403_alone_and_inside_a_batch(
    sandbox: Sandbox, https: httpx.Client
) -> None:
    username, password = demo(sandbox, "admin")
    token = token_with(https, sandbox, username, password, "User.Read")
    assert unverified_claims(token)["scp"] == "User.Read"
    assert graph(https, sandbox, "/me", token).status_code == 200
    refused = graph(https, sandbox, "/users", token)
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert {"code": error["code"], "message": error["message"]} == DENIED
    assert set(error["innerError"]) == {"date", "request-id", "client-request-id"}
    assert error["innerError"]["request-id"] == refused.headers["request-id"]

    batch = https.post(
        f"{sandbox['graph']}/$batch",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "requests": [
                {"id": "1", "method": "GET", "url": "/me"},
                {"id": "2", "method": "GET", "url": "/users"},
                {"id": "3", "method": "GET", "url": "/subscribedSkus"},
            ]
        },
    )
    assert batch.status_code == 200
    items = {item["id"]: item for item in batch.json()["responses"]}
    assert items["1"]["status"] == 200
    for key in ("2", "3"):
        assert items[key]["status"] == 403
        inner = items[key]["body"]["error"]
        assert {"code": inner["code"], "message": inner["message"]} == DENIED
        assert set(inner["innerError"]) == {"date", "request-id", "client-request-id"}


# --- the limited view and roleAssignments --------------------------------------------------------------


def test_memberships_come_in_the_limited_view_without_a_directory_read_scope(
    sandbox: Sandbox, https: httpx.Client
) -> None:
    username, password = demo(sandbox, "admin")
    plain = token_with(https, sandbox, username, password, "User.Read")
    for path in ("/me/memberOf", "/me/transitiveMemberOf/microsoft.graph.directoryRole"):
        [role] = graph(https, sandbox, path, plain).json()["value"]
        assert role == {
            "@odata.type": "#microsoft.graph.directoryRole",
            "id": role["id"],
            "deletedDateTime": None,
            "description": None,
            "displayName": None,
            "roleTemplateId": None,
        }
    readable = token_with(https, sandbox, username, password, "User.Read RoleManagement.Read.Directory")
    [role] = graph(https, sandbox, "/me/memberOf", readable).json()["value"]
    assert (role["displayName"], role["roleTemplateId"]) == ("Global Administrator", GLOBAL_ADMIN)

    # A group needs GroupMember.Read.All (or Group.Read.All, Directory.*): Alex's role-assignable group.
    from c2t_wizard.sandbox import state

    alex = f"{state.DEMO_GROUP_USER}@{sandbox['demo']['tenant']}"
    alex_plain = token_with(https, sandbox, alex, state.DEMO_GROUP_USER_PASSWORD, "User.Read")
    [group] = graph(https, sandbox, "/me/memberOf", alex_plain).json()["value"]
    assert group["@odata.type"] == "#microsoft.graph.group"
    assert {key for key, value in group.items() if value is not None} == {"@odata.type", "id"}
    alex_groups = token_with(
        https, sandbox, alex, state.DEMO_GROUP_USER_PASSWORD, "User.Read GroupMember.Read.All"
    )
    [group] = graph(https, sandbox, "/me/memberOf", alex_groups).json()["value"]
    assert group["displayName"] == state.DEMO_ROLE_GROUP


def test_role_assignments_need_the_scope_and_a_reading_role(sandbox: Sandbox, https: httpx.Client) -> None:
    path = "/roleManagement/directory/roleAssignments"
    username, password = demo(sandbox, "admin")
    admin = token_with(https, sandbox, username, password, "User.Read RoleManagement.Read.Directory")
    admin_id = graph(https, sandbox, "/me", admin).json()["id"]
    answer = graph(https, sandbox, path, admin, params={"$filter": f"principalId eq '{admin_id}'"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["@odata.context"].endswith("/$metadata#roleManagement/directory/roleAssignments")
    [assignment] = body["value"]
    assert set(assignment) == {"id", "principalId", "roleDefinitionId", "directoryScopeId", "appScopeId"}
    assert (assignment["principalId"], assignment["roleDefinitionId"]) == (admin_id, GLOBAL_ADMIN)
    assert assignment["directoryScopeId"] == "/"
    # Without the scope: the permission table refuses.
    plain = token_with(https, sandbox, username, password, "User.Read")
    refused = graph(https, sandbox, path, plain, params={"$filter": f"principalId eq '{admin_id}'"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "Authorization_RequestDenied"
    # A User Administrator with the scope: not one of the documented reading roles (strict).
    ua_name, ua_password = demo(sandbox, "user_admin")
    diego = token_with(https, sandbox, ua_name, ua_password, "User.Read RoleManagement.Read.Directory")
    diego_id = graph(https, sandbox, "/me", diego).json()["id"]
    denied = graph(https, sandbox, path, diego, params={"$filter": f"principalId eq '{diego_id}'"})
    assert denied.status_code == 403
    assert denied.json()["error"]["message"] == DENIED["message"]
    # ... but the full view of their memberships tells them they are a User Administrator.
    [role] = graph(https, sandbox, "/me/memberOf", diego).json()["value"]
    assert role["roleTemplateId"] == USER_ADMIN


# --- consent -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """A sandbox of this module's own: its second demo tenant is unconsented until a test consents."""
    box = start_sandbox(tmp_path_factory.mktemp("consent-sandbox"))
    try:
        yield box
    finally:
        box.stop()


def authorize_url(box: Sandbox, scope: str, tenant: str = "organizations") -> str:
    query = {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "redirect_uri": "http://localhost:8400",
        "scope": scope,
        "response_mode": "form_post",
        "state": "s1",
    }
    return f"{box.base}/{tenant}/oauth2/v2.0/authorize?{urlencode(query)}"


def redeem(https: httpx.Client, box: Sandbox, code: str, scope: str) -> dict[str, Any]:
    response = https.post(
        f"{box['login']}/organizations/oauth2/v2.0/token",
        data={
            "grant_type": "authorization_code",
            "client_id": CLIENT_ID,
            "code": code,
            "redirect_uri": "http://localhost:8400",
            "scope": scope,
        },
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_the_demo_tenant_is_consented_and_its_user_administrator_signs_in_without_a_prompt(
    sandbox: Sandbox, https: httpx.Client
) -> None:
    username, password = demo(sandbox, "user_admin")
    pages: list[Page] = []
    form = sign_in_authorize(
        authorize_url(sandbox, f"{DIRECTORY_SCOPES} {SIGN_IN_SCOPES}"), username, password, pages=pages
    )
    assert len(pages) == 1  # straight from the sign-in page to the app
    scp = unverified_claims(redeem(https, sandbox, form.fields["code"], SIGN_IN_SCOPES)["access_token"])[
        "scp"
    ]
    assert set(scp.split()) == set(sandbox["demo"]["consented_scopes"])


def test_a_user_administrator_without_consent_needs_admin_approval(own: Sandbox) -> None:
    entry = own["unconsented"]["user_admin"]
    pages: list[Page] = []
    form = sign_in_authorize(
        authorize_url(own, f"{DIRECTORY_SCOPES} {SIGN_IN_SCOPES}"),
        entry["username"],
        entry["password"],
        pages=pages,
    )
    approval = pages[0]
    assert "only an admin can grant" in approval.texts["admin-approval"]
    assert approval.forms[0].buttons["action"] == ["otheraccount", "return"]
    assert form.fields["error"] == "consent_required"
    assert form.fields["error_description"].startswith("AADSTS90094: ")
    assert form.fields["state"] == "s1"
    assert "code" not in form.fields


def test_a_non_interactive_request_for_unconsented_scopes_gets_65001(own: Sandbox) -> None:
    entry = own["unconsented"]["admin"]
    with _https(own) as client:
        response = ropc(
            client, own, entry["username"], entry["password"], "User.ReadWrite.All openid profile"
        )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_grant"
    assert body["error_codes"] == [65001]
    assert body["suberror"] == "consent_required"
    assert body["error_description"].startswith(
        "AADSTS65001: The user or administrator has not consented to use the application with ID "
        f"'{CLIENT_ID}'"
    )
    assert {"timestamp", "trace_id", "correlation_id", "error_uri"} <= set(body)


def test_the_admin_consent_link_opened_by_a_global_administrator_lets_the_user_administrator_in(
    own: Sandbox,
) -> None:
    tenant = own["unconsented"]["tenant"]
    ua = own["unconsented"]["user_admin"]
    link = f"{own.base}/{tenant}/v2.0/adminconsent?" + urlencode(
        {
            "client_id": CLIENT_ID,
            "scope": f"https://graph.microsoft.com/User.Read {DIRECTORY_SCOPES}",
            "redirect_uri": "http://localhost",
            "state": "ac1",
        }
    )
    with httpx.Client(trust_env=False, timeout=10) as client:
        page = parse_page(client.get(link))
        assert "User-PasswordProfile.ReadWrite.All" in str(page.texts.get("consent-scopes"))
        # The User Administrator may not approve: back to the app with AADSTS90094.
        refused = client.post(
            page.form().action,
            data={
                **page.form().fields,
                "username": ua["username"],
                "password": ua["password"],
                "action": "consent",
            },
        )
        assert refused.status_code == 302
        query = parse_qs(urlsplit(refused.headers["Location"]).query)
        assert query["error"] == ["access_denied"]
        assert query["error_description"][0].startswith("AADSTS90094")
        ga = own["unconsented"]["admin"]
        answer = client.post(
            page.form().action,
            data={
                **page.form().fields,
                "username": ga["username"],
                "password": ga["password"],
                "action": "consent",
            },
        )
    location = urlsplit(answer.headers["Location"])
    assert (location.scheme, location.netloc, location.path.rstrip("/")) == ("http", "localhost", "")
    query = parse_qs(location.query)
    assert query["admin_consent"] == ["True"]
    assert query["tenant"] == [own["unconsented"]["tenant_id"]]
    assert query["state"] == ["ac1"]
    grants = httpx.get(f"{own.base}/_sandbox/consents", params={"tenant": tenant}, trust_env=False).json()[
        "grants"
    ]
    assert [(g["consentType"], g["clientId"]) for g in grants] == [("AllPrincipals", CLIENT_ID)]
    # Now the User Administrator signs in without any prompt, with the directory scopes in the token.
    pages: list[Page] = []
    form = sign_in_authorize(
        authorize_url(own, f"{DIRECTORY_SCOPES} {SIGN_IN_SCOPES}"),
        ua["username"],
        ua["password"],
        pages=pages,
    )
    assert len(pages) == 1
    assert "code" in form.fields
    with _https(own) as client:
        token = redeem(client, own, form.fields["code"], SIGN_IN_SCOPES)["access_token"]
    assert {
        "User.ReadWrite.All",
        "User-PasswordProfile.ReadWrite.All",
        "RoleManagement.Read.Directory",
    } <= set(unverified_claims(token)["scp"].split())


@pytest.mark.parametrize("for_organisation", [True, False])
def test_a_global_administrator_consents_on_the_page_for_everyone_or_only_themselves(
    own: Sandbox, for_organisation: bool
) -> None:
    prefix = f"consent{uuid.uuid4().hex[:10]}"
    admin = sign_up(own.base, organisation=f"Consent {prefix}", prefix=prefix)
    pages: list[Page] = []
    form = sign_in_authorize(
        authorize_url(own, f"{DIRECTORY_SCOPES} {SIGN_IN_SCOPES}"),
        admin["upn"],
        admin["password"],
        for_organisation=for_organisation,
        pages=pages,
    )
    consent_page = pages[0]
    assert consent_page.forms[0].buttons["action"] == ["decline", "consent"]
    assert "Reset the passwords of users" in consent_page.texts["consent-scopes"]
    assert "organisation-consent" in consent_page.texts  # a Global Administrator may consent for everyone
    with _https(own) as client:
        token = redeem(client, own, form.fields["code"], SIGN_IN_SCOPES)["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        alias = f"p{uuid.uuid4().hex[:8]}"
        person = {
            "accountEnabled": True,
            "displayName": "Pat",
            "mailNickname": alias,
            "userPrincipalName": f"{alias}@{prefix}.onmicrosoft.com",
            "passwordProfile": {"password": "Fresh-Passw0rd!", "forceChangePasswordNextSignIn": False},
        }
        assert client.post(f"{own['graph']}/users", json=person, headers=headers).status_code == 201
        # A later user of the same tenant: no prompt when the consent was for everyone.
        later = ropc(client, own, person["userPrincipalName"], "Fresh-Passw0rd!", "User.ReadWrite.All openid")
    grants = httpx.get(f"{own.base}/_sandbox/consents", params={"tenant": prefix}, trust_env=False).json()[
        "grants"
    ]
    if for_organisation:
        assert later.status_code == 200, later.text
        assert [g["consentType"] for g in grants] == ["AllPrincipals"]
    else:
        assert later.json()["error_codes"] == [65001]
        assert [g["consentType"] for g in grants] == ["Principal"]
        # Interactively, that user (no admin role) now meets "Need admin approval".
        later_pages: list[Page] = []
        answer = sign_in_authorize(
            authorize_url(own, f"{DIRECTORY_SCOPES} {SIGN_IN_SCOPES}"),
            person["userPrincipalName"],
            "Fresh-Passw0rd!",
            pages=later_pages,
        )
        assert "admin-approval" in later_pages[0].texts
        assert answer.fields["error_description"].startswith("AADSTS90094")


def test_a_user_consents_for_themselves_to_user_consentable_scopes(own: Sandbox) -> None:
    prefix = f"selfc{uuid.uuid4().hex[:10]}"
    admin = sign_up(own.base, organisation=f"Self {prefix}", prefix=prefix)
    grant_consent(own.base, prefix, "User.Read User.ReadWrite.All")
    with _https(own) as client:
        token = ropc(client, own, admin["upn"], admin["password"], "User.ReadWrite.All openid").json()[
            "access_token"
        ]
        alias = f"m{uuid.uuid4().hex[:8]}"
        upn = f"{alias}@{prefix}.onmicrosoft.com"
        person = {
            "accountEnabled": True,
            "displayName": "Mo",
            "mailNickname": alias,
            "userPrincipalName": upn,
            "passwordProfile": {"password": "Fresh-Passw0rd!", "forceChangePasswordNextSignIn": False},
        }
        headers = {"Authorization": f"Bearer {token}"}
        assert client.post(f"{own['graph']}/users", json=person, headers=headers).status_code == 201
    pages: list[Page] = []
    form = sign_in_authorize(
        authorize_url(own, f"Mail.Send {SIGN_IN_SCOPES}"), upn, "Fresh-Passw0rd!", pages=pages
    )
    assert pages[0].forms[0].buttons["action"] == ["decline", "consent"]
    assert "organisation-consent" not in pages[0].texts  # no organisation checkbox for a plain user
    assert "code" in form.fields
    declined = sign_in_authorize(
        authorize_url(own, f"Mail.ReadBasic {SIGN_IN_SCOPES}"), upn, "Fresh-Passw0rd!", consent=False
    )
    assert declined.fields["error_description"].startswith("AADSTS65004")


def test_device_code_sign_in_asks_for_consent_or_admin_approval(own: Sandbox) -> None:
    """The device login page meets the same rules: a plain consent page, or "Need admin approval" (the
    polling app then gets AADSTS90094)."""

    def device_code(scope: str) -> dict[str, Any]:
        with _https(own) as client:
            answer = client.post(
                f"{own['login']}/organizations/oauth2/v2.0/devicecode",
                data={"client_id": CLIENT_ID, "scope": scope},
            )
        return dict(answer.json())

    def poll(code: dict[str, Any]) -> dict[str, Any]:
        with _https(own) as client:
            answer = client.post(
                f"{own['login']}/organizations/oauth2/v2.0/token",
                data={
                    "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                    "client_id": CLIENT_ID,
                    "device_code": code["device_code"],
                },
            )
        return dict(answer.json())

    prefix = f"device{uuid.uuid4().hex[:10]}"
    admin = sign_up(own.base, organisation=f"Device {prefix}", prefix=prefix)
    code = device_code(f"User.Read {DIRECTORY_SCOPES} openid profile offline_access")
    page = approve_device_code(own.base, code["user_code"], admin["upn"], admin["password"])
    assert "device-approved" in page.texts  # the Global Administrator consented on the page
    token = poll(code)["access_token"]
    assert "User.ReadWrite.All" in unverified_claims(token)["scp"].split()

    # The Global Administrator consented for themselves only: a colleague without a consenting role is
    # told to ask an administrator.
    alias = f"d{uuid.uuid4().hex[:8]}"
    upn = f"{alias}@{prefix}.onmicrosoft.com"
    person = {
        "accountEnabled": True,
        "displayName": "Dee",
        "mailNickname": alias,
        "userPrincipalName": upn,
        "passwordProfile": {"password": "Fresh-Passw0rd!", "forceChangePasswordNextSignIn": False},
    }
    with _https(own) as client:
        created = client.post(
            f"{own['graph']}/users", json=person, headers={"Authorization": f"Bearer {token}"}
        )
    assert created.status_code == 201, created.text
    code = device_code(f"User.Read {DIRECTORY_SCOPES} openid profile offline_access")
    page = approve_device_code(own.base, code["user_code"], upn, "Fresh-Passw0rd!")
    assert "only an admin can grant" in page.texts["admin-approval"]
    refused = poll(code)
    assert refused["error_codes"] == [90094]
