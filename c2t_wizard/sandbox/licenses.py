"""Graph licences: ``GET /subscribedSkus``, ``POST /users/{id}/assignLicense``,
``GET /users/{id}/licenseDetails``.

The tenant's subscriptions (``state.SKUS``; every tenant has Microsoft 365 Business Basic, the demo tenant
also Teams Phone Standard) and each user's ``assignedLicenses`` (kept with the user, returned on
``GET /users/{id}?$select=assignedLicenses``).

``assignLicense`` (user-assignlicense page): body ``{"addLicenses": [{"skuId", "disabledPlans"}],
"removeLicenses": [skuId, ...]}``, both required (may be empty); answers 200 with the user. Errors, all with
Graph's error body:

- a parameter missing: ``400 BadRequest`` "One or more parameters of the operation 'assignLicense' are missing
  from the request payload. The missing parameters are: X." (OData's wording);
- a parameter of the wrong shape: ``400 Request_BadRequest`` "Invalid value specified for property 'X' of
  resource 'User'." (the sandbox's choice; Microsoft does not document it);
- a skuId the tenant has no subscription to: ``400 Request_BadRequest`` "License <skuId> does not correspond
  to a valid company License.";
- adding a licence to a user without ``usageLocation``: ``400 Request_BadRequest`` "License assignment cannot
  be done for user with invalid usage location.";
- no unit left: ``400 Request_BadRequest`` "Subscription with SKU <skuId> does not have any available
  licenses.";
- removing a licence the user does not have: ``400 Request_BadRequest`` "User does not have a corresponding
  license.";
- no ``LicenseAssignment.ReadWrite.All``/``User.ReadWrite.All``/``Directory.ReadWrite.All`` in ``scp``, or a
  caller without Global Administrator, User Administrator, License Administrator or Directory Writers:
  ``403 Authorization_RequestDenied``.

The error texts other than OData's and the 403 come from public reports of Graph's answers (CIPP, Partner
Center samples, PowerShell output), not from a Microsoft reference page.

Every ``assignLicense`` call (whatever its answer) is recorded; ``GET /_sandbox/license_calls`` reads them.
"""

from __future__ import annotations

import base64
import logging
import uuid
from typing import Any

from .common import GLOBAL_ADMIN_TEMPLATE, USER_ADMIN_TEMPLATE
from .graph import (
    BadBodyError,
    Call,
    Reply,
    bad_body,
    error_reply,
    find_user,
    insufficient_privileges,
    json_reply,
    not_found,
    route,
    user_entity,
)
from .state import SKUS, Sku, User

log = logging.getLogger(__name__)

LICENSE_ADMIN_TEMPLATE = "4d6ac14f-3453-41d0-bef9-a3e0c569773a"
DIRECTORY_WRITERS_TEMPLATE = "9360feb5-f418-4baa-8175-e2a00bac4301"
ASSIGN_SCOPES = {"licenseassignment.readwrite.all", "user.readwrite.all", "directory.readwrite.all"}
ASSIGN_ROLES = {
    GLOBAL_ADMIN_TEMPLATE,
    USER_ADMIN_TEMPLATE,
    LICENSE_ADMIN_TEMPLATE,
    DIRECTORY_WRITERS_TEMPLATE,
}
READ_DETAILS_SCOPES = {
    "licenseassignment.read.all",
    "licenseassignment.readwrite.all",
    "user.read.all",
    "user.readwrite.all",
    "directory.read.all",
    "directory.readwrite.all",
}
READ_SKUS_SCOPES = {
    "licenseassignment.read.all",
    "licenseassignment.readwrite.all",
    "organization.read.all",
    "organization.readwrite.all",
    "directory.read.all",
    "directory.readwrite.all",
}


class LicenseError(Exception):
    def __init__(self, message: str, code: str = "Request_BadRequest") -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _scopes(call: Call) -> set[str]:
    return {scope.lower() for scope in call.principal.scopes}


def _is_guid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _invalid(name: str) -> LicenseError:
    return LicenseError(f"Invalid value specified for property '{name}' of resource 'User'.")


def _parse(body: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """(addLicenses, removeLicenses) of an assignLicense body, checked for shape."""
    if not isinstance(body, dict):
        raise BadBodyError
    missing = [name for name in ("addLicenses", "removeLicenses") if name not in body]
    if missing:
        raise LicenseError(
            "One or more parameters of the operation 'assignLicense' are missing from the request payload. "
            f"The missing parameters are: {','.join(missing)}.",
            code="BadRequest",
        )
    add, remove = body["addLicenses"], body["removeLicenses"]
    if not isinstance(add, list) or not all(isinstance(item, dict) for item in add):
        raise _invalid("addLicenses")
    for item in add:
        plans = item.get("disabledPlans") or []
        if not _is_guid(item.get("skuId")) or not isinstance(plans, list) or not all(map(_is_guid, plans)):
            raise _invalid("addLicenses")
    if not isinstance(remove, list) or not all(_is_guid(item) for item in remove):
        raise _invalid("removeLicenses")
    return add, [item.lower() for item in remove]


def _assign(call: Call, user: User, add: list[dict[str, Any]], remove: list[str]) -> User:
    store = call.context.store
    units = store.subscribed_units(user.tenant_id)
    for sku_id in [str(item["skuId"]).lower() for item in add] + remove:
        if sku_id not in units:
            raise LicenseError(f"License {sku_id} does not correspond to a valid company License.")
    held = {licence["skuId"]: licence for licence in user.props.get("assignedLicenses", [])}
    if any(sku_id not in held for sku_id in remove):
        raise LicenseError("User does not have a corresponding license.")
    if add and not user.props.get("usageLocation"):
        raise LicenseError("License assignment cannot be done for user with invalid usage location.")
    consumed = store.consumed_units(user.tenant_id)
    for item in add:
        sku_id = str(item["skuId"]).lower()
        if sku_id not in held and consumed.get(sku_id, 0) >= units[sku_id]:
            raise LicenseError(f"Subscription with SKU {sku_id} does not have any available licenses.")
    for sku_id in remove:
        held.pop(sku_id)
    for item in add:
        sku_id = str(item["skuId"]).lower()
        plans = [str(plan).lower() for plan in item.get("disabledPlans") or []]
        held[sku_id] = {"disabledPlans": plans, "skuId": sku_id}
    return store.update_user(user.id, props={"assignedLicenses": list(held.values())})


@route("POST", "/users/{user}/assignLicense", write=True)
async def assign_license(call: Call) -> Reply:
    """Add and remove licences; every call is recorded with its answer."""
    user = find_user(call.context, call.principal, call.params["user"])
    reply = _assign_license(call, user)
    try:
        body = call.json_body()
    except BadBodyError:
        body = call.body.decode("utf-8", "replace")
    call.context.store.record_license_call(
        call.principal.user.tenant_id, call.params["user"], user.id if user else None, reply.status, body
    )
    return reply


def _assign_license(call: Call, user: User | None) -> Reply:
    roles = {role.role_template_id for role in call.context.store.user_roles(call.principal.user.id)}
    if not _scopes(call) & ASSIGN_SCOPES or not roles & ASSIGN_ROLES:
        return insufficient_privileges(call)
    if user is None:
        return not_found(call, call.params["user"])
    try:
        add, remove = _parse(call.json_body())
        updated = _assign(call, user, add, remove)
    except BadBodyError:
        return bad_body(call)
    except LicenseError as exc:
        return error_reply(call, 400, exc.code, exc.message)
    log.info("licences of %s: %s", updated.upn, [item["skuId"] for item in updated.props["assignedLicenses"]])
    return json_reply(call, user_entity(call, updated))


def _plans(sku: Sku, disabled: set[str]) -> list[dict[str, Any]]:
    return [
        {
            "servicePlanId": plan_id,
            "servicePlanName": name,
            "provisioningStatus": "Disabled" if plan_id in disabled else "Success",
            "appliesTo": "User",
        }
        for plan_id, name in sku.service_plans
    ]


def _detail_id(user: User, sku_id: str) -> str:
    raw = uuid.UUID(user.id).bytes + uuid.UUID(sku_id).bytes
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


@route("GET", "/users/{user}/licenseDetails")
async def license_details(call: Call) -> Reply:
    if not _scopes(call) & READ_DETAILS_SCOPES:
        return insufficient_privileges(call)
    user = find_user(call.context, call.principal, call.params["user"])
    if user is None:
        return not_found(call, call.params["user"])
    value = []
    for licence in user.props.get("assignedLicenses", []):
        sku = SKUS[licence["skuId"]]
        value.append(
            {
                "id": _detail_id(user, sku.sku_id),
                "skuId": sku.sku_id,
                "skuPartNumber": sku.part_number,
                "servicePlans": _plans(sku, set(licence.get("disabledPlans", []))),
            }
        )
    return json_reply(
        call,
        {
            "@odata.context": f"{call.context.graph}/$metadata#users('{user.id}')/licenseDetails",
            "value": value,
        },
    )


@route("GET", "/subscribedSkus")
async def subscribed_skus(call: Call) -> Reply:
    if not _scopes(call) & READ_SKUS_SCOPES:
        return insufficient_privileges(call)
    store = call.context.store
    tenant = store.tenant_by_id(call.principal.user.tenant_id)
    assert tenant is not None
    consumed = store.consumed_units(tenant.id)
    value = [
        {
            "accountName": tenant.prefix,
            "accountId": tenant.id,
            "appliesTo": "User",
            "capabilityStatus": "Enabled",
            "consumedUnits": consumed.get(sku_id, 0),
            "id": f"{tenant.id}_{sku_id}",
            "prepaidUnits": {"enabled": units, "suspended": 0, "warning": 0, "lockedOut": 0},
            "servicePlans": _plans(SKUS[sku_id], set()),
            "skuId": sku_id,
            "skuPartNumber": SKUS[sku_id].part_number,
            "subscriptionIds": [],
        }
        for sku_id, units in store.subscribed_units(tenant.id).items()
    ]
    return json_reply(
        call, {"@odata.context": f"{call.context.graph}/$metadata#subscribedSkus", "value": value}
    )
