"""Graph users on the sandbox: create/read/update with Entra's validation, $batch, the write quota, faults,
and the real msgraph-sdk posting users through $batch."""

from __future__ import annotations

import asyncio
import ssl
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from conftest import Sandbox
from helpers.sandbox_web import grant_consent, sign_in_authorize, sign_up

from c2t_wizard.sandbox.jwt import unverified_claims

CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"
PASSWORD = "Sandbox-Passw0rd!"
USER_PASSWORD = "xWwvJ]6NMw+bWH-d"
DEFAULT_PROPERTIES = {
    "@odata.context",
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
}
INNER = {"date", "request-id", "client-request-id"}


# --- fixtures and helpers ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def https(sandbox: Sandbox) -> Iterator[httpx.Client]:
    context = ssl.create_default_context(cafile=sandbox["ca_cert"])
    with httpx.Client(verify=context, trust_env=False, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def web(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.base, trust_env=False, timeout=10) as client:
        yield client


def ropc(
    https: httpx.Client,
    box: Sandbox,
    username: str,
    password: str,
    scope: str = "User.ReadWrite.All offline_access openid profile",
    client_id: str = CLIENT_ID,
) -> httpx.Response:
    return https.post(
        f"{box['login']}/organizations/oauth2/v2.0/token",
        data={
            "grant_type": "password",
            "client_id": client_id,
            "username": username,
            "password": password,
            "scope": scope,
        },
    )


class Tenant:
    """A freshly signed-up tenant and a Graph client for its Global Administrator."""

    def __init__(self, box: Sandbox, https: httpx.Client, prefix: str) -> None:
        self.box, self.https = box, https
        self.domain = f"{prefix}.onmicrosoft.com"
        self.admin = sign_up(box.base, organisation=f"Org {prefix}", prefix=prefix)
        grant_consent(box.base, self.domain, "User.Read User.ReadWrite.All")
        self.token = ropc(https, box, self.admin["upn"], self.admin["password"]).json()["access_token"]

    def url(self, path: str) -> str:
        return f"{self.box['graph']}{path}"

    def headers(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.token}"}

    def post(self, path: str, body: Any, token: str | None = None, **kw: Any) -> httpx.Response:
        headers = {**self.headers(token), **kw.pop("headers", {})}
        return self.https.post(self.url(path), json=body, headers=headers, **kw)

    def get(self, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        return self.https.get(self.url(path), headers=self.headers(token), **kw)

    def patch(self, path: str, body: Any, token: str | None = None) -> httpx.Response:
        return self.https.patch(self.url(path), json=body, headers=self.headers(token))

    def new_user(self, alias: str | None = None, **changes: Any) -> dict[str, Any]:
        alias = alias or f"u{uuid.uuid4().hex[:10]}"
        body: dict[str, Any] = {
            "accountEnabled": True,
            "displayName": f"User {alias}",
            "mailNickname": alias,
            "userPrincipalName": f"{alias}@{self.domain}",
            "passwordProfile": {"forceChangePasswordNextSignIn": True, "password": USER_PASSWORD},
        }
        body.update(changes)
        return body

    def batch(self, requests: list[dict[str, Any]], token: str | None = None) -> httpx.Response:
        return self.post("/$batch", {"requests": requests}, token)


class DemoTenant(Tenant):
    """The demo tenant (contoso) and a Graph client for its Global Administrator."""

    def __init__(self, box: Sandbox, https: httpx.Client) -> None:
        self.box, self.https = box, https
        self.domain = box["demo"]["tenant"]
        admin = box["demo"]["admin"]
        self.token = ropc(https, box, admin["username"], admin["password"]).json()["access_token"]


@pytest.fixture(scope="module")
def tenant(sandbox: Sandbox, https: httpx.Client) -> Tenant:
    return Tenant(sandbox, https, f"users{uuid.uuid4().hex[:10]}")


@pytest.fixture
def fresh_tenant(sandbox: Sandbox, https: httpx.Client) -> Tenant:
    """A tenant of its own, for tests that count writes."""
    return Tenant(sandbox, https, f"quota{uuid.uuid4().hex[:10]}")


@pytest.fixture
def small_quota(clean_faults: Sandbox, web: httpx.Client) -> Iterator[Sandbox]:
    assert web.post("/_sandbox/quota", json={"writeQuota": "5/1s"}).json() == {"writeQuota": "5/1s"}
    try:
        yield clean_faults
    finally:
        web.post("/_sandbox/quota", json={"writeQuota": "3000/150s"}).raise_for_status()


def error_of(response: httpx.Response) -> dict[str, Any]:
    error = dict(response.json()["error"])
    assert set(error.pop("innerError")) == INNER, error
    return error


def bad_request(
    message: str, details: list[dict[str, str]] | None = None, code: str = "Request_BadRequest"
) -> Any:
    expected: dict[str, Any] = {"code": code, "message": message}
    if details:
        expected["details"] = details
    return expected


def required(name: str) -> Any:
    return bad_request(f"A value is required for property '{name}' of resource 'User'.")


def invalid(name: str) -> Any:
    return bad_request(f"Invalid value specified for property '{name}' of resource 'User'.")


UPN_INVALID = bad_request(
    "Property userPrincipalName is invalid.", [{"target": "userPrincipalName", "code": "InvalidValue"}]
)
DOMAIN_INVALID = bad_request(
    "The domain portion of the userPrincipalName property is invalid. You must use one of the verified "
    "domain names in your organization.",
    [{"target": "userPrincipalName", "code": "InvalidValue"}],
)
PASSWORD_INVALID = bad_request(
    "The specified password does not comply with password complexity requirements. Please provide a "
    "different password."
)
CONFLICT = bad_request(
    "Another object with the same value for property userPrincipalName already exists.",
    [{"target": "userPrincipalName", "code": "ObjectConflict"}],
)


# --- POST /users -------------------------------------------------------------------------------------


def test_create_user_answers_201_with_the_user(tenant: Tenant, web: httpx.Client) -> None:
    corr = str(uuid.uuid4())
    body = tenant.new_user(
        givenName="Adele", surname="Vance", otherMails=["adele@example.com"], usageLocation="DE"
    )
    response = tenant.post("/users", body, headers={"client-request-id": corr})
    assert response.status_code == 201, response.text
    user = response.json()
    assert set(user) == DEFAULT_PROPERTIES
    assert user["@odata.context"] == f"{tenant.box['graph']}/$metadata#users/$entity"
    assert user["userPrincipalName"] == body["userPrincipalName"]
    assert (user["givenName"], user["surname"], user["mail"], user["businessPhones"]) == (
        "Adele",
        "Vance",
        None,
        [],
    )
    assert response.headers["client-request-id"] == corr
    assert response.headers["Location"].endswith(
        f"/directoryObjects/{user['id']}/Microsoft.DirectoryServices.User"
    )
    assert response.headers["Content-Type"].startswith("application/json")
    # GET by id and by UPN, $select of non-default properties
    assert tenant.get(f"/users/{user['id']}").json() == user
    assert tenant.get(f"/users/{body['userPrincipalName'].upper()}").json()["id"] == user["id"]
    selected = tenant.get(
        f"/users/{user['id']}",
        params={"$select": "id,accountEnabled,createdDateTime,otherMails,mailNickname"},
    ).json()
    assert set(selected) == {
        "@odata.context",
        "id",
        "accountEnabled",
        "createdDateTime",
        "otherMails",
        "mailNickname",
    }
    assert selected["otherMails"] == ["adele@example.com"]
    assert selected["createdDateTime"].endswith("Z")
    # The control API shows the stored user, without a mailbox and with the password flag.
    listed = web.get("/_sandbox/users", params={"tenant": tenant.domain}).json()
    assert listed["count"] == len(listed["users"]) == 2
    entry = next(u for u in listed["users"] if u["id"] == user["id"])
    assert entry["forceChangePasswordNextSignIn"] is True
    assert entry["hasMailbox"] is False
    assert entry["otherMails"] == ["adele@example.com"]
    assert entry["usageLocation"] == "DE"
    assert entry["createdDateTime"] == selected["createdDateTime"]
    detailed = web.get("/_sandbox/tenants", params={"detail": "1"}).json()["tenants"]
    mine = next(t for t in detailed if t["name"] == tenant.domain)
    assert mine["userCount"] == 2
    assert {u["upn"] for u in mine["users"]} >= {body["userPrincipalName"]}


CASES: list[tuple[str, dict[str, Any], Any]] = [
    ("password-short", {"passwordProfile": {"password": "Ab1!xyz"}}, PASSWORD_INVALID),
    ("password-two-classes", {"passwordProfile": {"password": "alllowercase123"}}, PASSWORD_INVALID),
    ("password-unicode", {"passwordProfile": {"password": "Pässwort-1234"}}, PASSWORD_INVALID),
    ("password-257", {"passwordProfile": {"password": "Aa1!" * 64 + "x"}}, PASSWORD_INVALID),
    ("password-emoji", {"passwordProfile": {"password": "Secret-2024🙂"}}, PASSWORD_INVALID),
    ("upn-space", {"userPrincipalName": "a b@{domain}"}, UPN_INVALID),
    ("upn-dot-before-at", {"userPrincipalName": "ab.@{domain}"}, UPN_INVALID),
    ("upn-accent", {"userPrincipalName": "jörg@{domain}"}, UPN_INVALID),
    ("upn-no-at", {"userPrincipalName": "nobody"}, UPN_INVALID),
    ("upn-two-at", {"userPrincipalName": "a@b@{domain}"}, UPN_INVALID),
    ("upn-local-65", {"userPrincipalName": "a" * 65 + "@{domain}"}, UPN_INVALID),
    ("upn-domain-49", {"userPrincipalName": "a@" + "d" * 35 + ".onmicrosoft.com"}, UPN_INVALID),
    ("upn-comma", {"userPrincipalName": "a,b@{domain}"}, UPN_INVALID),
    ("domain-other-tenant", {"userPrincipalName": "someone@fabrikam.onmicrosoft.com"}, DOMAIN_INVALID),
    ("domain-unverified", {"userPrincipalName": "someone@example.com"}, DOMAIN_INVALID),
    # Graph: otherMails and mail "can't contain accent characters" (the exact error is unverified).
    ("otherMails-accent", {"otherMails": ["anna.müller@firma.de"]}, invalid("otherMails")),
    ("otherMails-idn", {"otherMails": ["anna@müller.de"]}, invalid("otherMails")),
    ("mail-accent", {"mail": "jörg@firma.de"}, invalid("mail")),
    ("nickname-space", {"mailNickname": "has space"}, invalid("mailNickname")),
    ("nickname-at", {"mailNickname": "a@b"}, invalid("mailNickname")),
    ("nickname-trailing-dot", {"mailNickname": "abc."}, invalid("mailNickname")),
    ("nickname-65", {"mailNickname": "n" * 65}, invalid("mailNickname")),
    ("displayName-257", {"displayName": "d" * 257}, invalid("displayName")),
    ("givenName-65", {"givenName": "g" * 65}, invalid("givenName")),
    ("surname-65", {"surname": "s" * 65}, invalid("surname")),
    ("accountEnabled-string", {"accountEnabled": "yes"}, invalid("accountEnabled")),
    ("missing-accountEnabled", {"accountEnabled": None}, required("accountEnabled")),
    ("missing-displayName", {"displayName": None}, required("displayName")),
    ("missing-mailNickname", {"mailNickname": None}, required("mailNickname")),
    ("missing-userPrincipalName", {"userPrincipalName": None}, required("userPrincipalName")),
    ("missing-passwordProfile", {"passwordProfile": None}, required("passwordProfile")),
    (
        "missing-password",
        {"passwordProfile": {"forceChangePasswordNextSignIn": True}},
        required("passwordProfile"),
    ),
    (
        "unknown-property",
        {"favouriteColour": "green"},
        bad_request(
            "Property 'favouriteColour' does not exist on type 'microsoft.graph.user'. Make sure to only use "
            "property names that are defined by the type or mark the type as open type.",
            code="BadRequest",
        ),
    ),
]


@pytest.mark.parametrize(
    ("changes", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_create_user_validation_errors(tenant: Tenant, changes: dict[str, Any], expected: Any) -> None:
    body = tenant.new_user()
    for name, value in changes.items():
        if value is None:
            body.pop(name)
        elif isinstance(value, str):
            body[name] = value.replace("{domain}", tenant.domain)
        else:
            body[name] = value
    response = tenant.post("/users", body)
    assert response.status_code == 400, response.text
    assert error_of(response) == expected
    assert response.json()["error"]["innerError"]["request-id"] == response.headers["request-id"]


def test_password_policy_accepts_every_allowed_symbol_and_three_classes(tenant: Tenant) -> None:
    for password in ("abcdefg1!", "ABCDEFG1 x", "Abcdefgh1", "a1@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<>"):
        body = tenant.new_user(passwordProfile={"password": password})
        assert tenant.post("/users", body).status_code == 201, password


def test_invalid_json_body(tenant: Tenant) -> None:
    response = tenant.https.post(
        tenant.url("/users"),
        content=b"{not json",
        headers={**tenant.headers(), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "BadRequest"


def test_duplicate_upn_is_an_object_conflict(tenant: Tenant) -> None:
    body = tenant.new_user()
    assert tenant.post("/users", body).status_code == 201
    again = tenant.post("/users", {**body, "userPrincipalName": body["userPrincipalName"].upper()})
    assert again.status_code == 400
    assert error_of(again) == CONFLICT


def test_creating_users_needs_the_scope_and_an_admin_role(sandbox: Sandbox, tenant: Tenant) -> None:
    denied = bad_request(
        "Insufficient privileges to complete the operation.", code="Authorization_RequestDenied"
    )
    megan = sandbox["demo"]["user"]
    token = ropc(tenant.https, sandbox, megan["username"], megan["password"]).json()["access_token"]
    assert "User.ReadWrite.All" in unverified_claims(token)["scp"].split()
    body = {**tenant.new_user(), "userPrincipalName": f"x{uuid.uuid4().hex[:8]}@contoso.onmicrosoft.com"}
    response = tenant.post("/users", body, token)
    assert response.status_code == 403
    assert error_of(response) == denied
    # A Global Administrator whose token lacks User.ReadWrite.All / Directory.ReadWrite.All (only User.Read
    # consented in that tenant)
    other = Tenant.__new__(Tenant)
    other.box, other.https = sandbox, tenant.https
    prefix = f"scopes{uuid.uuid4().hex[:10]}"
    other.domain = f"{prefix}.onmicrosoft.com"
    other.admin = sign_up(sandbox.base, organisation=f"Org {prefix}", prefix=prefix)
    grant_consent(sandbox.base, other.domain, "User.Read")
    read_only = ropc(other.https, sandbox, other.admin["upn"], PASSWORD, "User.Read").json()["access_token"]
    assert unverified_claims(read_only)["scp"] == "User.Read"
    response = other.post("/users", other.new_user(), read_only)
    assert response.status_code == 403
    assert error_of(response) == denied
    grant_consent(sandbox.base, other.domain, "Directory.ReadWrite.All")
    directory = ropc(other.https, sandbox, other.admin["upn"], PASSWORD, "Directory.ReadWrite.All").json()
    assert other.post("/users", other.new_user(), directory["access_token"]).status_code == 201


def test_get_unknown_user_is_not_found(tenant: Tenant) -> None:
    missing = tenant.get(f"/users/nobody@{tenant.domain}")
    assert missing.status_code == 404
    assert error_of(missing) == {
        "code": "Request_ResourceNotFound",
        "message": f"Resource 'nobody@{tenant.domain}' does not exist or one of its queried "
        "reference-property objects are not present.",
    }


# --- PATCH and sign-in ---------------------------------------------------------------------------------


RESET_SCOPE = "User-PasswordProfile.ReadWrite.All"
DENIED = {
    "code": "Authorization_RequestDenied",
    "message": "Insufficient privileges to complete the operation.",
}


def scoped_token(tenant: Tenant, upn: str, password: str, scope: str) -> str:
    """A token carrying exactly ``scope``: from a client the tenant consented to for that and nothing more
    (a token carries every consented scope of its client, so one client per scope set)."""
    client_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"c2t-test-client/{scope}"))
    grant_consent(tenant.box.base, tenant.domain, scope, client_id=client_id)
    response = ropc(tenant.https, tenant.box, upn, password, scope, client_id)
    return str(response.json()["access_token"])


def reset_token(tenant: Tenant, upn: str, password: str, scope: str = RESET_SCOPE) -> str:
    return scoped_token(tenant, upn, password, f"User.ReadWrite.All {scope}")


def test_patch_password_and_properties(sandbox: Sandbox, tenant: Tenant) -> None:
    body = tenant.new_user(
        passwordProfile={"password": USER_PASSWORD, "forceChangePasswordNextSignIn": False}
    )
    upn = body["userPrincipalName"]
    user = tenant.post("/users", body).json()
    assert "access_token" in ropc(tenant.https, sandbox, upn, USER_PASSWORD).json()
    token = reset_token(tenant, tenant.admin["upn"], tenant.admin["password"])
    weak = tenant.patch(f"/users/{user['id']}", {"passwordProfile": {"password": "weak"}}, token)
    assert weak.status_code == 400
    assert error_of(weak) == PASSWORD_INVALID
    reset = tenant.patch(f"/users/{user['id']}", {"passwordProfile": {"password": "N3w-Passw0rd!"}}, token)
    assert reset.status_code == 204
    assert reset.content == b""
    old = ropc(tenant.https, sandbox, upn, USER_PASSWORD).json()
    assert old["error_codes"] == [50126]
    expired = ropc(tenant.https, sandbox, upn, "N3w-Passw0rd!").json()  # an admin reset forces a change
    assert expired["error"] == "invalid_grant"
    assert expired["error_codes"] == [50055]
    assert expired["error_description"].startswith("AADSTS50055: The password is expired.")
    patch = {
        "passwordProfile": {"password": "N3w-Passw0rd!2", "forceChangePasswordNextSignIn": False},
        "displayName": "Renamed",
        "jobTitle": "Engineer",
    }
    assert tenant.patch(f"/users/{upn}", patch, token).status_code == 204
    assert "access_token" in ropc(tenant.https, sandbox, upn, "N3w-Passw0rd!2").json()
    again = tenant.get(f"/users/{user['id']}").json()
    assert (again["displayName"], again["jobTitle"]) == ("Renamed", "Engineer")
    assert tenant.patch(f"/users/{user['id']}", {"displayName": "d" * 257}).status_code == 400
    missing = tenant.patch(f"/users/nobody@{tenant.domain}", {"displayName": "x"})
    assert missing.status_code == 404


def test_password_reset_needs_the_password_profile_permission_and_a_role_that_may(
    sandbox: Sandbox, tenant: Tenant, web: httpx.Client
) -> None:
    """docs/microsoft-rules.md §1.7: User.ReadWrite.All is not enough; a User Administrator resets people
    without a role, only Privileged Authentication Administrator or Global Administrator resets
    an administrator."""

    def person(role: str | None = None) -> tuple[str, str]:
        body = tenant.new_user(
            passwordProfile={"password": USER_PASSWORD, "forceChangePasswordNextSignIn": False}
        )
        created = tenant.post("/users", body)
        assert created.status_code == 201
        upn = body["userPrincipalName"]
        if role is not None:
            assert web.post("/_sandbox/roles", json={"upn": upn, "role": role}).status_code == 200
        return upn, created.json()["id"]

    plain_upn, plain_id = person()
    helper_upn, _ = person("User Administrator")
    guard_upn, _ = person("Privileged Authentication Administrator")
    admin = tenant.admin
    new_password = {"passwordProfile": {"password": "N3w-Passw0rd!", "forceChangePasswordNextSignIn": False}}

    # The sign-in scopes alone (User.ReadWrite.All): refused with Graph's payload, nothing changed.
    refused = tenant.patch(f"/users/{plain_id}", new_password)
    assert refused.status_code == 403
    assert error_of(refused) == DENIED
    assert "access_token" in ropc(tenant.https, sandbox, plain_upn, USER_PASSWORD).json()
    # The password-profile permission alone suffices for a password, not for anything else.
    only = scoped_token(tenant, admin["upn"], admin["password"], RESET_SCOPE)
    assert tenant.patch(f"/users/{plain_id}", new_password, only).status_code == 204
    assert "access_token" in ropc(tenant.https, sandbox, plain_upn, "N3w-Passw0rd!").json()
    renamed = tenant.patch(f"/users/{plain_id}", {"displayName": "Renamed"}, only)
    assert renamed.status_code == 403
    assert error_of(renamed) == DENIED
    # Directory.AccessAsUser.All is accepted too.
    broad = reset_token(tenant, admin["upn"], admin["password"], "Directory.AccessAsUser.All")
    assert tenant.patch(f"/users/{plain_id}", new_password, broad).status_code == 204

    # A User Administrator: a person without a role yes, the Global Administrator no.
    helper = reset_token(tenant, helper_upn, USER_PASSWORD)
    assert tenant.patch(f"/users/{plain_id}", new_password, helper).status_code == 204
    admin_id = tenant.get(f"/users/{admin['upn']}").json()["id"]
    denied = tenant.patch(f"/users/{admin_id}", new_password, helper)
    assert denied.status_code == 403
    assert error_of(denied) == DENIED
    assert "access_token" in ropc(tenant.https, sandbox, admin["upn"], admin["password"]).json()
    # A Privileged Authentication Administrator may reset the administrator too.
    guard = reset_token(tenant, guard_upn, USER_PASSWORD)
    helper_id = tenant.get(f"/users/{helper_upn}").json()["id"]
    assert tenant.patch(f"/users/{helper_id}", new_password, guard).status_code == 204
    assert "access_token" in ropc(tenant.https, sandbox, helper_upn, "N3w-Passw0rd!").json()


def test_patch_refuses_an_accented_work_email(tenant: Tenant) -> None:
    body = tenant.new_user(otherMails=["anna.mueller@firma.de"])
    user = tenant.post("/users", body).json()
    refused = tenant.patch(
        f"/users/{user['id']}", {"otherMails": ["anna.mueller@firma.de", "anna.müller@firma.de"]}
    )
    assert refused.status_code == 400
    assert error_of(refused) == invalid("otherMails")
    kept = tenant.get(f"/users/{user['id']}", params={"$select": "otherMails"}).json()
    assert kept["otherMails"] == ["anna.mueller@firma.de"]  # nothing changed


def proxy_conflict(owner_id: str) -> Any:
    message = "Another object with the same value for property proxyAddresses already exists."
    return bad_request(
        message,
        [
            {"code": "ObjectConflict", "message": message, "target": "proxyAddresses"},
            {"code": "ConflictingObjects", "message": message, "target": owner_id},
        ],
    )


def test_an_address_of_a_mail_enabled_group_is_a_proxy_addresses_conflict(
    sandbox: Sandbox, https: httpx.Client, web: httpx.Client
) -> None:
    """The demo tenant's "Sales" group holds sales@ and vertrieb@: no user has them, yet none can be created
    with them, and Graph names proxyAddresses, not userPrincipalName."""
    demo = DemoTenant(sandbox, https)

    def sales_attempts() -> list[dict[str, Any]]:
        attempts = web.get("/_sandbox/create_attempts", params={"tenant": demo.domain}).json()["attempts"]
        return list(attempts.get(f"sales@{demo.domain}", []))

    earlier = len(sales_attempts())  # the session's sandbox: other tests may have tried sales@ too
    assert demo.get(f"/users/sales@{demo.domain}").status_code == 404  # not a user: the username looks free
    refused = [
        demo.post("/users", demo.new_user(alias, userPrincipalName=f"{alias.upper()}@{demo.domain}"))
        for alias in ("sales", "vertrieb")
    ]
    assert [r.status_code for r in refused] == [400, 400]
    owners = {r.json()["error"]["details"][1]["target"] for r in refused}
    assert len(owners) == 1  # the same group holds both
    for response in refused:
        assert error_of(response) == proxy_conflict(next(iter(owners)))
    # The same through $batch (as the app sends it), and on a PATCH of mail.
    batch = demo.batch([post_item("1", demo.new_user("sales", userPrincipalName=f"sales@{demo.domain}"))])
    [item] = batch.json()["responses"]
    assert item["status"] == 400
    assert item["body"]["error"]["details"][0]["target"] == "proxyAddresses"
    other = demo.post("/users", demo.new_user()).json()
    patched = demo.patch(f"/users/{other['id']}", {"mail": f"Vertrieb@{demo.domain}"})
    assert patched.status_code == 400
    assert error_of(patched) == proxy_conflict(next(iter(owners)))
    # A username beside them is fine, and a taken user's UPN is still the userPrincipalName conflict.
    body = demo.new_user(f"sales.{uuid.uuid4().hex[:6]}")
    assert demo.post("/users", body).status_code == 201
    assert error_of(demo.post("/users", body)) == CONFLICT
    sales = sales_attempts()[earlier:]
    assert [(a["status"], a["outcome"], a["id"]) for a in sales] == [(400, "conflict", None)] * 2


def test_sign_in_page_asks_for_a_new_password_when_required(sandbox: Sandbox, tenant: Tenant) -> None:
    body = tenant.new_user()
    upn = body["userPrincipalName"]
    assert tenant.post("/users", body).status_code == 201
    url = (
        f"{sandbox.base}/organizations/oauth2/v2.0/authorize?client_id={CLIENT_ID}&response_type=code"
        "&redirect_uri=http://localhost:8400&scope=User.Read&state=s&response_mode=form_post"
    )
    form = sign_in_authorize(url, upn, USER_PASSWORD, new_password="Ch0sen-by-me!")
    assert form.fields["code"]
    assert form.fields["state"] == "s"
    assert "access_token" in ropc(tenant.https, sandbox, upn, "Ch0sen-by-me!").json()
    assert ropc(tenant.https, sandbox, upn, USER_PASSWORD).json()["error_codes"] == [50126]


# --- $batch -------------------------------------------------------------------------------------------


def post_item(ident: str, body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    item = {
        "id": ident,
        "method": "POST",
        "url": "/users",
        "headers": {"Content-Type": "application/json"},
        "body": body,
    }
    item.update(extra)
    return item


def test_batch_of_twenty_mixed_items(tenant: Tenant) -> None:
    taken = tenant.new_user()
    assert tenant.post("/users", taken).status_code == 201
    requests = [post_item(str(i), tenant.new_user()) for i in range(1, 15)]
    requests[1]["url"] = "users"  # without the leading slash
    requests[2]["url"] = f"{tenant.box['graph']}/users"  # absolute, as msgraph-core sends it
    requests += [
        post_item("15", taken),  # duplicate → 400 ObjectConflict
        post_item("16", tenant.new_user(passwordProfile={"password": "weak"})),  # → 400 password
        post_item("17", tenant.new_user(), dependsOn=["16"]),  # → 424
        {"id": "18", "method": "GET", "url": "/me"},
        {"id": "19", "method": "POST", "url": "/users", "body": tenant.new_user()},  # no Content-Type → 400
        {"id": "20", "method": "GET", "url": f"/users/{taken['userPrincipalName']}?$select=id,displayName"},
    ]
    response = tenant.batch(requests)
    assert response.status_code == 200, response.text
    responses = response.json()["responses"]
    by_id = {r["id"]: r for r in responses}
    assert len(by_id) == 20
    assert [r["id"] for r in responses] != [r["id"] for r in requests]  # shuffled
    statuses = {ident: r["status"] for ident, r in by_id.items()}
    assert statuses == {
        **{str(i): 201 for i in range(1, 15)},
        "15": 400,
        "16": 400,
        "17": 424,
        "18": 200,
        "19": 400,
        "20": 200,
    }
    assert by_id["1"]["body"]["userPrincipalName"] == requests[0]["body"]["userPrincipalName"]
    assert by_id["1"]["headers"]["Location"].endswith("Microsoft.DirectoryServices.User")
    assert by_id["15"]["body"]["error"]["details"] == CONFLICT["details"]
    assert by_id["16"]["body"]["error"]["message"] == PASSWORD_INVALID["message"]
    assert by_id["17"]["body"]["error"]["code"] == "FailedDependency"
    assert by_id["18"]["body"]["userPrincipalName"] == tenant.admin["upn"]
    assert (
        by_id["19"]["body"]["error"]["message"]
        == "Write request id : 19 does not contain Content-Type header or body."
    )
    assert set(by_id["20"]["body"]) == {"@odata.context", "id", "displayName"}
    for created in (r for r in responses if r["status"] == 201):
        assert tenant.get(f"/users/{created['body']['id']}").status_code == 200


def test_batch_depends_on_runs_in_order(tenant: Tenant) -> None:
    body = tenant.new_user()
    upn = body["userPrincipalName"]
    requests = [
        {
            "id": "b",
            "method": "PATCH",
            "url": f"/users/{upn}",
            "headers": {"Content-Type": "application/json"},
            "body": {"jobTitle": "Second"},
            "dependsOn": ["a"],
        },
        post_item("a", body),
        {"id": "c", "method": "GET", "url": f"/users/{upn}?$select=jobTitle", "dependsOn": ["b"]},
    ]
    responses = {r["id"]: r for r in tenant.batch(requests).json()["responses"]}
    assert [responses[i]["status"] for i in "abc"] == [201, 204, 200]
    assert responses["c"]["body"]["jobTitle"] == "Second"


@pytest.mark.parametrize(
    ("requests", "message"),
    [
        ([{"id": str(i), "method": "GET", "url": "/me"} for i in range(21)], "more than 20 requests"),
        (
            [{"id": "1", "method": "GET", "url": "/me"}, {"id": "1", "method": "GET", "url": "/me"}],
            "duplicate",
        ),
        ([{"id": "1", "method": "GET", "url": "/me", "dependsOn": ["9"]}], "unknown request id"),
        ([], "at least one"),
    ],
    ids=["21-items", "duplicate-ids", "unknown-dependency", "empty"],
)
def test_malformed_batches_are_rejected(tenant: Tenant, requests: list[dict[str, Any]], message: str) -> None:
    response = tenant.batch(requests)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "BadRequest"
    assert message in error["message"]


def test_batch_needs_a_token(tenant: Tenant) -> None:
    response = tenant.https.post(
        tenant.url("/$batch"), json={"requests": [{"id": "1", "method": "GET", "url": "/me"}]}
    )
    assert response.status_code == 401
    assert error_of(response)["code"] == "InvalidAuthenticationToken"


# --- write quota --------------------------------------------------------------------------------------


def test_write_quota_throttles_and_recovers(
    small_quota: Sandbox, fresh_tenant: Tenant, web: httpx.Client
) -> None:
    for _ in range(5):
        assert fresh_tenant.post("/users", fresh_tenant.new_user()).status_code == 201
    throttled = fresh_tenant.post("/users", fresh_tenant.new_user())
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "1"
    error = throttled.json()["error"]
    assert (error["code"], error["message"]) == ("TooManyRequests", "Please retry again later.")
    assert error["innerError"]["status"] == "429"
    assert fresh_tenant.get("/me").status_code == 200  # reads are not writes
    # Each batch item is a write: all throttled while the window is full.
    items = fresh_tenant.batch([post_item(str(i), fresh_tenant.new_user()) for i in range(3)]).json()[
        "responses"
    ]
    assert [item["status"] for item in items] == [429, 429, 429]
    assert all(item["headers"]["Retry-After"] == "1" for item in items)
    assert items[0]["body"]["error"]["code"] == "TooManyRequests"
    time.sleep(1.05)
    items = fresh_tenant.batch([post_item(str(i), fresh_tenant.new_user()) for i in range(7)]).json()[
        "responses"
    ]
    assert sorted(item["status"] for item in items) == [201] * 5 + [429] * 2
    assert web.post("/_sandbox/reset_quota").json() == {"writeQuota": "5/1s"}
    assert fresh_tenant.post("/users", fresh_tenant.new_user()).status_code == 201


def test_quota_control_rejects_a_bad_spec(web: httpx.Client) -> None:
    response = web.post("/_sandbox/quota", json={"writeQuota": "lots"})
    assert response.status_code == 400
    assert "COUNT/DURATION" in response.json()["error"]
    assert web.get("/_sandbox/quota").json() == {"writeQuota": "3000/150s"}


# --- faults -------------------------------------------------------------------------------------------


def test_drop_after_commit_creates_the_user_without_answering(clean_faults: Sandbox, tenant: Tenant) -> None:
    body = tenant.new_user()
    clean_faults.set_faults("drop_after_commit=1")
    with pytest.raises(httpx.TransportError):
        tenant.post("/users", body)
    assert tenant.get(f"/users/{body['userPrincipalName']}").status_code == 200  # GET is not a write
    clean_faults.set_faults("")
    retry = tenant.post("/users", body)  # the client's retry meets the committed write
    assert retry.status_code == 400
    assert error_of(retry) == CONFLICT


def test_drop_before_commit_creates_nothing(clean_faults: Sandbox, tenant: Tenant) -> None:
    body = tenant.new_user()
    clean_faults.set_faults("drop_before_commit=1")
    with pytest.raises(httpx.TransportError):
        tenant.post("/users", body)
    with pytest.raises(httpx.TransportError):
        tenant.batch([post_item("1", tenant.new_user())])
    assert tenant.get("/me").status_code == 200
    clean_faults.set_faults("")
    assert tenant.get(f"/users/{body['userPrincipalName']}").status_code == 404
    assert tenant.post("/users", body).status_code == 201


def test_drop_after_commit_applies_a_whole_batch(clean_faults: Sandbox, tenant: Tenant) -> None:
    bodies = [tenant.new_user() for _ in range(3)]
    clean_faults.set_faults("drop_after_commit=1")
    with pytest.raises(httpx.TransportError):
        tenant.batch([post_item(str(i), body) for i, body in enumerate(bodies)])
    clean_faults.set_faults("")
    for body in bodies:
        assert tenant.get(f"/users/{body['userPrincipalName']}").status_code == 200


def test_consistency_delay_hides_a_new_user_for_a_while(clean_faults: Sandbox, tenant: Tenant) -> None:
    clean_faults.set_faults("consistency_delay=600ms")
    body = tenant.new_user()
    created = tenant.post("/users", body)
    assert created.status_code == 201
    started = time.monotonic()
    assert tenant.get(f"/users/{created.json()['id']}").status_code == 404
    assert tenant.get(f"/users/{body['userPrincipalName']}").status_code == 404
    # Visible once the delay has passed, not before (bounded polling).
    while tenant.get(f"/users/{body['userPrincipalName']}").status_code == 404:
        assert time.monotonic() - started < 5.0, "the new user never became visible"
    assert time.monotonic() - started >= 0.55


@pytest.mark.parametrize(
    ("spec", "status", "code"),
    [
        ("batch429=1", 429, "TooManyRequests"),
        ("424=1", 424, "FailedDependency"),
        ("503=1", 503, "serviceNotAvailable"),
    ],
)
def test_whole_batch_faults(clean_faults: Sandbox, tenant: Tenant, spec: str, status: int, code: str) -> None:
    clean_faults.set_faults(f"{spec},retry_after=3s")
    response = tenant.batch([{"id": "1", "method": "GET", "url": "/me"}])
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    if status != 424:
        assert response.headers["Retry-After"] == "3"


def test_429_fault_applies_to_each_batch_item(clean_faults: Sandbox, tenant: Tenant) -> None:
    clean_faults.set_faults("429=1,retry_after=2s")
    response = tenant.batch([post_item(str(i), tenant.new_user()) for i in range(4)])
    assert response.status_code == 200
    items = response.json()["responses"]
    assert [item["status"] for item in items] == [429] * 4
    assert {item["headers"]["Retry-After"] for item in items} == {"2"}
    assert tenant.post("/users", tenant.new_user()).status_code == 429  # a single request: the whole request


# --- the real msgraph-sdk ------------------------------------------------------------------------------


async def _post_users_with_msgraph(tenant: Tenant, bodies: list[dict[str, Any]]) -> list[dict[str, int]]:
    from kiota_abstractions.authentication import (
        AccessTokenProvider,
        AllowedHostsValidator,
        BaseBearerTokenAuthenticationProvider,
    )
    from msgraph.generated.models.password_profile import PasswordProfile
    from msgraph.generated.models.user import User
    from msgraph.graph_request_adapter import GraphRequestAdapter
    from msgraph.graph_service_client import GraphServiceClient
    from msgraph_core import GraphClientFactory
    from msgraph_core.requests.batch_request_content import BatchRequestContent
    from msgraph_core.requests.batch_request_item import BatchRequestItem

    from c2t_wizard.services.graph import close_graph_client

    class SandboxTokenProvider(AccessTokenProvider):
        def __init__(self, token: str) -> None:
            self._token, self._validator = token, AllowedHostsValidator(["127.0.0.1"])

        async def get_authorization_token(
            self, uri: str, additional_authentication_context: dict[str, Any] | None = None
        ) -> str:
            return self._token if self._validator.is_url_host_valid(uri) else ""

        def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
            return self._validator

    ssl_context = ssl.create_default_context(cafile=tenant.box["ca_cert"])
    http = GraphClientFactory.create_with_default_middleware(
        client=httpx.AsyncClient(verify=ssl_context, trust_env=False, timeout=15)
    )
    adapter = GraphRequestAdapter(
        BaseBearerTokenAuthenticationProvider(SandboxTokenProvider(tenant.token)), client=http
    )
    adapter.base_url = tenant.box["graph"]
    client = GraphServiceClient(request_adapter=adapter)
    try:
        contents = []
        for start in range(0, len(bodies), 20):
            items = {}
            for index, body in enumerate(bodies[start : start + 20], start):
                user = User(
                    account_enabled=body["accountEnabled"],
                    display_name=body["displayName"],
                    mail_nickname=body["mailNickname"],
                    user_principal_name=body["userPrincipalName"],
                    password_profile=PasswordProfile(
                        force_change_password_next_sign_in=True, password=body["passwordProfile"]["password"]
                    ),
                )
                info = client.users.to_post_request_information(user)
                items[str(index)] = BatchRequestItem(request_information=info, id=str(index))
            contents.append(BatchRequestContent(items))
        results = await asyncio.gather(*(client.batch.post(content) for content in contents))
        return [result.get_response_status_codes() for result in results]
    finally:
        await close_graph_client(client)


def test_msgraph_sdk_posts_25_users_through_batch(clean_faults: Sandbox, tenant: Tenant) -> None:
    bodies = [tenant.new_user() for _ in range(25)]
    codes = asyncio.run(_post_users_with_msgraph(tenant, bodies))
    assert [len(batch) for batch in codes] == [20, 5]
    merged = {key: value for batch in codes for key, value in batch.items()}
    assert merged == {str(i): 201 for i in range(25)}
    for body in (bodies[0], bodies[24]):
        assert tenant.get(f"/users/{body['userPrincipalName']}").status_code == 200


def test_list_users_with_filter_select_and_top(tenant: Tenant) -> None:
    body = tenant.new_user()
    assert tenant.post("/users", body).status_code == 201
    upn = body["userPrincipalName"]
    listed = tenant.get(
        "/users", params={"$filter": f"userPrincipalName eq '{upn.upper()}'", "$select": "id,mail"}
    )
    assert listed.status_code == 200
    page = listed.json()
    assert page["@odata.context"].endswith("/$metadata#users")
    assert [set(user) for user in page["value"]] == [{"id", "mail"}]
    everyone = tenant.get("/users", params={"$top": "2"}).json()["value"]
    assert len(everyone) == 2
    unsupported = tenant.get("/users", params={"$filter": "startswith(displayName,'a')"})
    assert unsupported.status_code == 400
    assert error_of(unsupported)["code"] == "Request_UnsupportedQuery"


def test_cli_rejects_a_bad_write_quota(tmp_path: Any) -> None:
    import subprocess
    import sys

    from conftest import ROOT

    done = subprocess.run(
        [sys.executable, "-m", "c2t_wizard.sandbox", "--state", str(tmp_path), "--write-quota", "many"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    assert "--write-quota" in done.stderr
