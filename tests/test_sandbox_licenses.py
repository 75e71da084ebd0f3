"""The sandbox's licence model (subscribedSkus, assignLicense, licenseDetails, usageLocation,
assignedLicenses) and its records of what clients sent (every POST /users and every assignLicense, read by
the control API)."""

from __future__ import annotations

import ssl
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from conftest import Sandbox
from helpers.sandbox_web import grant_consent, sign_up

CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"
USER_PASSWORD = "xWwvJ]6NMw+bWH-d"
BUSINESS_BASIC = "3b555118-da6a-4418-894f-7df1e2096870"
TEAMS_PHONE = "e43b5b99-8dfb-405f-9987-dc307f34bcbd"
UNKNOWN_SKU = "11111111-2222-3333-4444-555555555555"
INNER = {"date", "request-id", "client-request-id"}


@pytest.fixture(scope="module")
def https(sandbox: Sandbox) -> Iterator[httpx.Client]:
    context = ssl.create_default_context(cafile=sandbox["ca_cert"])
    with httpx.Client(verify=context, trust_env=False, timeout=10) as client:
        yield client


def token(https: httpx.Client, box: Sandbox, username: str, password: str, scope: str) -> str:
    """A token whose ``scp`` is exactly ``scope``: a token carries every scope consented for its client, so
    each scope set is asked for by a client of its own, consented (control API) for just that set in the
    user's tenant."""
    client_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"c2t-test-client/{scope}"))
    grant_consent(str(box.base), username.split("@")[1], scope, client_id=client_id)
    response = https.post(
        f"{box['login']}/organizations/oauth2/v2.0/token",
        data={
            "grant_type": "password",
            "client_id": client_id,
            "username": username,
            "password": password,
            "scope": f"{scope} openid profile",
        },
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


class Tenant:
    """A freshly signed-up tenant; Graph calls as its Global Administrator with the scopes asked for."""

    def __init__(self, box: Sandbox, https: httpx.Client) -> None:
        prefix = f"lic{uuid.uuid4().hex[:10]}"
        self.box, self.https = box, https
        self.domain = f"{prefix}.onmicrosoft.com"
        self.admin = sign_up(box.base, organisation=f"Org {prefix}", prefix=prefix)
        self.tokens: dict[str, str] = {}

    def headers(self, scope: str) -> dict[str, str]:
        if scope not in self.tokens:
            self.tokens[scope] = token(self.https, self.box, self.admin["upn"], self.admin["password"], scope)
        return {"Authorization": f"Bearer {self.tokens[scope]}"}

    def call(
        self, method: str, path: str, body: Any = None, scope: str = "User.ReadWrite.All"
    ) -> httpx.Response:
        return self.https.request(
            method, f"{self.box['graph']}{path}", json=body, headers=self.headers(scope)
        )

    def new_user(self, **changes: Any) -> dict[str, Any]:
        alias = f"u{uuid.uuid4().hex[:10]}"
        body: dict[str, Any] = {
            "accountEnabled": True,
            "displayName": f"User {alias}",
            "mailNickname": alias,
            "userPrincipalName": f"{alias}@{self.domain}",
            "passwordProfile": {"forceChangePasswordNextSignIn": True, "password": USER_PASSWORD},
            **changes,
        }
        response = self.call("POST", "/users", body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def control(self, name: str) -> dict[str, Any]:
        response = httpx.get(
            f"{self.box.base}/_sandbox/{name}", params={"tenant": self.domain}, timeout=10, trust_env=False
        )
        response.raise_for_status()
        return dict(response.json())


@pytest.fixture
def tenant(sandbox: Sandbox, https: httpx.Client) -> Tenant:
    return Tenant(sandbox, https)


def error_of(response: httpx.Response) -> dict[str, Any]:
    error = dict(response.json()["error"])
    assert set(error.pop("innerError")) == INNER, error
    return error


def bad_request(message: str, code: str = "Request_BadRequest") -> dict[str, str]:
    return {"code": code, "message": message}


def assign(tenant: Tenant, user: str, add: list[str], remove: list[str] | None = None) -> httpx.Response:
    body = {
        "addLicenses": [{"disabledPlans": [], "skuId": sku} for sku in add],
        "removeLicenses": remove or [],
    }
    return tenant.call("POST", f"/users/{user}/assignLicense", body)


def test_a_new_tenant_has_business_basic_and_reading_it_needs_a_scope(tenant: Tenant) -> None:
    denied = tenant.call("GET", "/subscribedSkus")
    assert denied.status_code == 403
    assert error_of(denied)["code"] == "Authorization_RequestDenied"
    response = tenant.call("GET", "/subscribedSkus", scope="Organization.Read.All")
    assert response.status_code == 200, response.text
    (sku,) = response.json()["value"]
    assert (sku["skuId"], sku["skuPartNumber"], sku["consumedUnits"]) == (
        BUSINESS_BASIC,
        "O365_BUSINESS_ESSENTIALS",
        0,
    )
    assert sku["prepaidUnits"] == {"enabled": 25, "suspended": 0, "warning": 0, "lockedOut": 0}
    assert {plan["servicePlanName"] for plan in sku["servicePlans"]} >= {"EXCHANGE_S_STANDARD", "TEAMS1"}


def test_the_demo_tenant_has_teams_phone_and_its_people_are_licensed(
    sandbox: Sandbox, https: httpx.Client
) -> None:
    admin = sandbox.info["demo"]["admin"]
    headers = {
        "Authorization": "Bearer "
        + token(https, sandbox, admin["username"], admin["password"], "LicenseAssignment.Read.All")
    }
    skus = https.get(f"{sandbox['graph']}/subscribedSkus", headers=headers).json()["value"]
    by_part = {sku["skuPartNumber"]: sku for sku in skus}
    assert set(by_part) == {"O365_BUSINESS_ESSENTIALS", "MCOEV"}
    assert by_part["MCOEV"]["skuId"] == TEAMS_PHONE
    assert by_part["MCOEV"]["prepaidUnits"]["enabled"] == 10
    assert by_part["O365_BUSINESS_ESSENTIALS"]["consumedUnits"] >= 2  # the administrator and Megan
    details = https.get(f"{sandbox['graph']}/users/{admin['username']}/licenseDetails", headers=headers)
    assert [d["skuPartNumber"] for d in details.json()["value"]] == ["O365_BUSINESS_ESSENTIALS"]


def test_a_licence_needs_a_usage_location(tenant: Tenant) -> None:
    user = tenant.new_user()
    refused = assign(tenant, user["id"], [BUSINESS_BASIC])
    assert refused.status_code == 400
    assert error_of(refused) == bad_request(
        "License assignment cannot be done for user with invalid usage location."
    )
    read = tenant.call("GET", f"/users/{user['id']}?$select=usageLocation,assignedLicenses").json()
    assert (read["usageLocation"], read["assignedLicenses"]) == (None, [])

    assert tenant.call("PATCH", f"/users/{user['id']}", {"usageLocation": "DE"}).status_code == 204
    granted = assign(tenant, user["userPrincipalName"], [BUSINESS_BASIC])
    assert granted.status_code == 200, granted.text
    assert granted.json()["id"] == user["id"]
    read = tenant.call("GET", f"/users/{user['id']}?$select=usageLocation,assignedLicenses").json()
    assert read["usageLocation"] == "DE"
    assert read["assignedLicenses"] == [{"disabledPlans": [], "skuId": BUSINESS_BASIC}]
    details = tenant.call("GET", f"/users/{user['id']}/licenseDetails").json()["value"]
    assert [(d["skuId"], d["skuPartNumber"]) for d in details] == [
        (BUSINESS_BASIC, "O365_BUSINESS_ESSENTIALS")
    ]
    skus = tenant.call("GET", "/subscribedSkus", scope="Organization.Read.All").json()["value"]
    assert skus[0]["consumedUnits"] == 1

    removed = assign(tenant, user["id"], [], [BUSINESS_BASIC])
    assert removed.status_code == 200
    assert tenant.call("GET", f"/users/{user['id']}/licenseDetails").json()["value"] == []
    again = assign(tenant, user["id"], [], [BUSINESS_BASIC])
    assert error_of(again) == bad_request("User does not have a corresponding license.")


def test_assign_license_refuses_unknown_skus_and_missing_parameters(tenant: Tenant) -> None:
    user = tenant.new_user(usageLocation="US")
    unknown = assign(tenant, user["id"], [UNKNOWN_SKU])
    assert unknown.status_code == 400
    assert error_of(unknown) == bad_request(
        f"License {UNKNOWN_SKU} does not correspond to a valid company License."
    )
    teams_phone = assign(tenant, user["id"], [TEAMS_PHONE])  # the demo tenant has it, this one hasn't
    assert error_of(teams_phone)["message"].startswith(f"License {TEAMS_PHONE} does not correspond")
    missing = tenant.call("POST", f"/users/{user['id']}/assignLicense", {"addLicenses": []})
    assert missing.status_code == 400
    assert error_of(missing) == bad_request(
        "One or more parameters of the operation 'assignLicense' are missing from the request payload. "
        "The missing parameters are: removeLicenses.",
        code="BadRequest",
    )
    nobody = assign(tenant, f"nobody@{tenant.domain}", [BUSINESS_BASIC])
    assert nobody.status_code == 404
    assert error_of(nobody)["code"] == "Request_ResourceNotFound"
    assert tenant.call("GET", f"/users/{user['id']}/licenseDetails").json()["value"] == []


def test_the_units_run_out(tenant: Tenant) -> None:
    people = [tenant.new_user(usageLocation="US") for _ in range(26)]
    for person in people[:25]:
        assert assign(tenant, person["id"], [BUSINESS_BASIC]).status_code == 200
    refused = assign(tenant, people[25]["id"], [BUSINESS_BASIC])
    assert error_of(refused) == bad_request(
        f"Subscription with SKU {BUSINESS_BASIC} does not have any available licenses."
    )
    assert assign(tenant, people[0]["id"], [BUSINESS_BASIC]).status_code == 200  # has it already: no new unit


def test_licences_are_not_set_on_the_user_itself(tenant: Tenant) -> None:
    body = {"assignedLicenses": [{"disabledPlans": [], "skuId": BUSINESS_BASIC}]}
    alias = f"u{uuid.uuid4().hex[:10]}"
    created = tenant.call(
        "POST",
        "/users",
        {
            "accountEnabled": True,
            "displayName": alias,
            "mailNickname": alias,
            "userPrincipalName": f"{alias}@{tenant.domain}",
            "passwordProfile": {"password": USER_PASSWORD},
            **body,
        },
    )
    assert created.status_code == 400
    assert error_of(created) == bad_request("Property 'assignedLicenses' is read-only and cannot be set.")
    user = tenant.new_user()
    patched = tenant.call("PATCH", f"/users/{user['id']}", body)
    assert error_of(patched) == bad_request("Property 'assignedLicenses' is read-only and cannot be set.")


def test_assign_license_needs_a_scope_and_a_role(
    sandbox: Sandbox, https: httpx.Client, tenant: Tenant
) -> None:
    user = tenant.new_user(usageLocation="US")
    body = {"addLicenses": [{"skuId": BUSINESS_BASIC}], "removeLicenses": []}
    read_only = tenant.call("POST", f"/users/{user['id']}/assignLicense", body, scope="User.Read")
    assert read_only.status_code == 403
    assert error_of(read_only)["code"] == "Authorization_RequestDenied"
    least = tenant.call(
        "POST", f"/users/{user['id']}/assignLicense", body, scope="LicenseAssignment.ReadWrite.All"
    )
    assert least.status_code == 200, least.text
    megan = sandbox.info["demo"]["user"]  # no admin role
    headers = {
        "Authorization": "Bearer "
        + token(https, sandbox, megan["username"], megan["password"], "User.ReadWrite.All")
    }
    response = https.post(
        f"{sandbox['graph']}/users/{megan['username']}/assignLicense", json=body, headers=headers
    )
    assert response.status_code == 403


def test_every_assign_license_call_is_recorded(tenant: Tenant) -> None:
    user = tenant.new_user()
    assert assign(tenant, user["id"], [BUSINESS_BASIC]).status_code == 400
    tenant.call("PATCH", f"/users/{user['id']}", {"usageLocation": "AT"})
    assert assign(tenant, user["userPrincipalName"], [BUSINESS_BASIC]).status_code == 200
    calls = tenant.control("license_calls")["calls"]
    assert [(c["user"], c["id"], c["status"]) for c in calls] == [
        (user["id"], user["id"], 400),
        (user["userPrincipalName"], user["id"], 200),
    ]
    assert calls[1]["body"]["addLicenses"] == [{"disabledPlans": [], "skuId": BUSINESS_BASIC}]
    assert calls[0]["at"] < calls[1]["at"]


def test_every_create_attempt_is_recorded_per_username(tenant: Tenant) -> None:
    """Created once; a second POST of the same username meets a conflict, and the record says so."""
    user = tenant.new_user(usageLocation="CH")
    again = tenant.call(
        "POST",
        "/users",
        {
            "accountEnabled": True,
            "displayName": "Again",
            "mailNickname": "again",
            "userPrincipalName": user["userPrincipalName"].upper(),
            "passwordProfile": {"password": USER_PASSWORD},
        },
    )
    assert again.status_code == 400
    attempts = tenant.control("create_attempts")["attempts"]
    recorded = attempts[user["userPrincipalName"].lower()]
    assert [(a["status"], a["outcome"], a["id"]) for a in recorded] == [
        (201, "created", user["id"]),
        (400, "conflict", None),
    ]
    assert recorded[0]["at"] < recorded[1]["at"]
    read = tenant.call("GET", f"/users/{user['id']}?$select=usageLocation,createdDateTime").json()
    assert read["usageLocation"] == "CH"
    assert recorded[0]["at"][:19] == read["createdDateTime"][:19]
