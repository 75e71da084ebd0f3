"""Graph ``/users``: create (POST), read (GET by id or UPN) and update (PATCH), with Entra's validation.

Error payloads (all ``400 Request_BadRequest`` unless noted; see §3.2 of
``reference/microsoft-identity-and-graph.md``):

- missing required property (``accountEnabled``, ``displayName``, ``mailNickname``, ``userPrincipalName``,
  ``passwordProfile`` and its ``password``): "A value is required for property 'X' of resource 'User'." — the
  message Graph gives for an absent required property (a missing ``passwordProfile.password`` is reported
  against ``passwordProfile``);
- wrong type, too long (displayName 256, givenName/surname 64, …) or bad mailNickname: "Invalid value
  specified for property 'X' of resource 'User'.";
- malformed UPN: "Property userPrincipalName is invalid." with ``details`` target/``InvalidValue``;
- UPN domain not verified in the tenant: "The domain portion of the userPrincipalName property is invalid. You
  must use one of the verified domain names in your organization." (details as above);
- password against the policy: "The specified password does not comply with password complexity requirements.
  Please provide a different password.";
- UPN taken: "Another object with the same value for property userPrincipalName already exists." with
  ``details:[{"target":"userPrincipalName","code":"ObjectConflict"}]``;
- UPN or ``mail`` equal to an address another directory object (a mail-enabled group, a contact) holds in its
  proxyAddresses: "Another object with the same value for property proxyAddresses already exists." with
  ``details:[{"code":"ObjectConflict","target":"proxyAddresses",…},{"code":"ConflictingObjects",…}]``
  (the payload reported for a PATCH of ``mail``, docs/microsoft-rules.md §4.3; that ``POST /users`` without
  ``mail`` meets it too is unverified, and assumed);
- an accented (non-ASCII) ``otherMails`` entry or ``mail``: "Invalid value specified for property 'X' of
  resource 'User'." (documented: these properties "can't contain accent characters"; the exact error is
  unverified, docs/microsoft-rules.md §1.6);
- a read-only property (``assignedLicenses``, ``assignedPlans``, …): "Property 'X' is read-only and cannot be
  set." (licences change only through ``assignLicense``, see ``licenses.py``);
- an unknown property: ``400 BadRequest`` "Property 'X' does not exist on type 'microsoft.graph.user'. …";
- no ``User.ReadWrite.All``/``Directory.ReadWrite.All`` in ``scp``, or a caller without the Global
  Administrator or User Administrator role: ``403 Authorization_RequestDenied`` "Insufficient privileges to
  complete the operation.".

A password reset (``PATCH`` with ``passwordProfile``, docs/microsoft-rules.md §1.7) has its own rule: the
token needs ``User-PasswordProfile.ReadWrite.All`` (least privileged) or ``Directory.AccessAsUser.All`` in
``scp`` (``User.ReadWrite.All`` is not enough; it is not needed either when only the password changes), and
the caller a role that may reset the target's password: User Administrator, Privileged Authentication
Administrator or Global Administrator for a user without a directory role; Privileged Authentication
Administrator or Global Administrator for an administrator. Otherwise the same 403
``Authorization_RequestDenied``.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from . import policy
from .common import GLOBAL_ADMIN_TEMPLATE, PRIVILEGED_AUTH_ADMIN_TEMPLATE, USER_ADMIN_TEMPLATE
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
    user_json,
)
from .state import ConflictError, User

log = logging.getLogger(__name__)

WRITE_SCOPES = {"user.readwrite.all", "directory.readwrite.all"}
WRITE_ROLES = {GLOBAL_ADMIN_TEMPLATE, USER_ADMIN_TEMPLATE}
PASSWORD_SCOPES = {"user-passwordprofile.readwrite.all", "directory.accessasuser.all"}
"""What lets a token update ``passwordProfile`` (User.ReadWrite.All does not)."""
RESET_ANY_ROLES = {GLOBAL_ADMIN_TEMPLATE, PRIVILEGED_AUTH_ADMIN_TEMPLATE}
"""Roles that may reset any user's password, administrators included."""
RESET_NON_ADMIN_ROLES = RESET_ANY_ROLES | {USER_ADMIN_TEMPLATE}
"""Roles that may reset the password of a user without a directory role."""
REQUIRED = ("accountEnabled", "displayName", "mailNickname", "userPrincipalName", "passwordProfile")

# Writable string properties and their maximum lengths (user resource page).
STRING_LIMITS: dict[str, int] = {
    "displayName": 256,
    "givenName": 64,
    "surname": 64,
    "jobTitle": 128,
    "department": 64,
    "companyName": 64,
    "employeeId": 16,
    "city": 128,
    "state": 128,
    "country": 128,
    "postalCode": 40,
    "streetAddress": 1024,
    "mobilePhone": 64,
    "officeLocation": 128,
    "preferredLanguage": 32,
    "usageLocation": 2,
    "mailNickname": 64,
    "userPrincipalName": policy.UPN_MAX,
    "mail": 256,
    "passwordPolicies": 256,
}
COLLECTIONS = ("businessPhones", "otherMails")
# Properties stored in columns; every other writable property lives in the user's props.
COLUMNS = {
    "userPrincipalName": "upn",
    "displayName": "display_name",
    "givenName": "given_name",
    "surname": "surname",
    "mail": "mail",
    "accountEnabled": "account_enabled",
}
# Read-only properties a client may echo back; accepted and ignored.
IGNORED = {"id", "createdDateTime", "userType", "deletedDateTime"}
# Read-only properties a client may not send: licences change only through assignLicense.
READ_ONLY = {"assignedLicenses", "assignedPlans", "licenseAssignmentStates", "provisionedPlans"}
PASSWORD_POLICIES = {"DisablePasswordExpiration", "DisableStrongPassword"}


class InvalidError(Exception):
    """A validation failure: becomes a Graph error reply."""

    def __init__(
        self, message: str, *, code: str = "Request_BadRequest", details: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.code, self.message, self.details = code, message, details


def required(name: str) -> InvalidError:
    return InvalidError(f"A value is required for property '{name}' of resource 'User'.")


def invalid_value(name: str) -> InvalidError:
    return InvalidError(f"Invalid value specified for property '{name}' of resource 'User'.")


def upn_details(code: str = "InvalidValue") -> list[dict[str, str]]:
    return [{"target": "userPrincipalName", "code": code}]


PASSWORD_COMPLEXITY = (
    "The specified password does not comply with password complexity requirements. "
    "Please provide a different password."
)


def may_write_users(call: Call) -> bool:
    """The token's scopes and the caller's directory roles both allow creating and updating users."""
    scopes = {scope.lower() for scope in call.principal.scopes}
    if not scopes & WRITE_SCOPES:
        return False
    roles = {role.role_template_id for role in call.context.store.user_roles(call.principal.user.id)}
    return bool(roles & WRITE_ROLES)


def may_reset_password(call: Call, target: User) -> bool:
    """The token's scopes and the caller's roles allow setting ``target``'s password (module doc)."""
    scopes = {scope.lower() for scope in call.principal.scopes}
    if not scopes & PASSWORD_SCOPES:
        return False
    store = call.context.store
    roles = {role.role_template_id for role in store.user_roles(call.principal.user.id)}
    target_is_admin = bool(store.user_roles(target.id))
    return bool(roles & (RESET_ANY_ROLES if target_is_admin else RESET_NON_ADMIN_ROLES))


def _body_object(call: Call) -> dict[str, Any]:
    body = call.json_body()
    if not isinstance(body, dict):
        raise BadBodyError
    return body


def _check_properties(body: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Types and lengths of every given property; returns them without annotations and ignored ones."""
    given: dict[str, Any] = {}
    for name, value in body.items():
        if name.startswith("@") or name in IGNORED:
            continue
        if name in READ_ONLY:
            raise InvalidError(f"Property '{name}' is read-only and cannot be set.")
        if (
            name not in STRING_LIMITS
            and name not in COLLECTIONS
            and name not in ("accountEnabled", "passwordProfile")
        ):
            raise InvalidError(
                f"Property '{name}' does not exist on type 'microsoft.graph.user'. Make sure to only use "
                "property names that are defined by the type or mark the type as open type.",
                code="BadRequest",
            )
        given[name] = value
    if creating:
        for name in REQUIRED:
            if given.get(name) in (None, ""):
                raise required(name)
    for name, value in given.items():
        if name == "accountEnabled":
            if not isinstance(value, bool):
                raise invalid_value(name)
        elif name == "passwordProfile":
            if not isinstance(value, dict):
                raise invalid_value(name)
        elif name in COLLECTIONS:
            if value is None:
                continue
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise invalid_value(name)
            if name == "businessPhones" and len(value) > 1:
                raise invalid_value(name)
            # Non-ASCII ("accent characters") fails here too; the message is unverified (see the docstring).
            if name == "otherMails" and any(not _plausible_address(item) for item in value):
                raise invalid_value(name)
        elif value is not None:
            if not isinstance(value, str) or len(value) > STRING_LIMITS[name]:
                raise invalid_value(name)
            if name == "mail" and not value.isascii():  # "can't contain accent characters" (unverified error)
                raise invalid_value(name)
        elif name in ("displayName", "userPrincipalName", "mailNickname"):
            raise invalid_value(name)  # cannot be cleared
    usage = given.get("usageLocation")
    if usage is not None and not (len(usage) == 2 and usage.isascii() and usage.isalpha()):
        raise invalid_value("usageLocation")
    policies = given.get("passwordPolicies")
    if policies and not {p.strip() for p in policies.split(",")} <= PASSWORD_POLICIES:
        raise invalid_value("passwordPolicies")
    nickname = given.get("mailNickname")
    if nickname is not None and not policy.mail_nickname_ok(nickname):
        raise invalid_value("mailNickname")
    return given


def _plausible_address(address: str) -> bool:
    local, at, domain = address.partition("@")
    return bool(local and at and "." in domain and address.isascii() and " " not in address)


def _check_upn(call: Call, upn: str) -> None:
    if policy.upn_is_malformed(upn):
        raise InvalidError("Property userPrincipalName is invalid.", details=upn_details())
    domain = upn.split("@")[1].lower()
    verified = {d.name.lower() for d in call.context.store.domains(call.principal.user.tenant_id)}
    if domain not in verified:
        raise InvalidError(
            "The domain portion of the userPrincipalName property is invalid. You must use one of the "
            "verified domain names in your organization.",
            details=upn_details(),
        )


def _password(given: dict[str, Any], *, creating: bool, strong: bool) -> tuple[str | None, dict[str, Any]]:
    """The new password (if any) and the passwordProfile flags to store."""
    profile = given.get("passwordProfile")
    if profile is None:
        return None, {}
    flags: dict[str, Any] = {}
    for flag in ("forceChangePasswordNextSignIn", "forceChangePasswordNextSignInWithMfa"):
        if flag in profile:
            if not isinstance(profile[flag], bool):
                raise invalid_value("passwordProfile")
            flags[flag] = profile[flag]
    password = profile.get("password")
    if password in (None, ""):
        if creating:
            raise required("passwordProfile")
        return None, flags
    if not isinstance(password, str):
        raise invalid_value("passwordProfile")
    if not policy.password_ok(password, strong=strong):
        raise InvalidError(PASSWORD_COMPLEXITY)
    if creating:
        flags.setdefault("forceChangePasswordNextSignIn", True)
        flags.setdefault("forceChangePasswordNextSignInWithMfa", False)
    return password, flags


def _split(given: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(columns, props) of the validated properties, passwordProfile excluded."""
    columns: dict[str, Any] = {}
    props: dict[str, Any] = {}
    for name, value in given.items():
        if name == "passwordProfile":
            continue
        if name in COLUMNS:
            columns[COLUMNS[name]] = value
        else:
            props[name] = value
    return columns, props


def _error(call: Call, exc: InvalidError) -> Reply:
    return error_reply(call, 400, exc.code, exc.message, details=exc.details)


PROXY_CONFLICT = "Another object with the same value for property proxyAddresses already exists."


def _proxy_owner(call: Call, given: dict[str, Any], user: User | None = None) -> str | None:
    """The id of another directory object already holding the UPN or mail being set as a proxy address."""
    for name in ("userPrincipalName", "mail"):
        address = given.get(name)
        if isinstance(address, str) and address:
            owner = call.context.store.proxy_address_owner(address)
            if owner is not None and (user is None or owner[0] != user.id):
                return owner[0]
    return None


def _proxy_conflict(call: Call, owner_id: str) -> Reply:
    """The reported payload (docs/microsoft-rules.md §4.3). The second detail was cut off in the stored
    report; that it names the conflicting object by id is a guess (unverified)."""
    return error_reply(
        call,
        400,
        "Request_BadRequest",
        PROXY_CONFLICT,
        details=[
            {"code": "ObjectConflict", "message": PROXY_CONFLICT, "target": "proxyAddresses"},
            {"code": "ConflictingObjects", "message": PROXY_CONFLICT, "target": owner_id},
        ],
    )


def _conflict(call: Call) -> Reply:
    return error_reply(
        call,
        400,
        "Request_BadRequest",
        "Another object with the same value for property userPrincipalName already exists.",
        details=upn_details("ObjectConflict"),
    )


@route("POST", "/users", write=True)
async def create_user(call: Call) -> Reply:
    """Create a user; every call that gets here is recorded (UPN, answer, object created) for the tests."""
    reply, outcome, user_id = _create_user(call)
    try:
        body = call.json_body()
    except BadBodyError:
        body = None
    upn = body.get("userPrincipalName") if isinstance(body, dict) else None
    call.context.store.record_create_attempt(
        call.principal.user.tenant_id, upn if isinstance(upn, str) else "", reply.status, outcome, user_id
    )
    return reply


def _create_user(call: Call) -> tuple[Reply, str, str | None]:
    """The answer, its outcome (``created``, ``conflict``, ``invalid``, ``forbidden``) and the new id."""
    if not may_write_users(call):
        return insufficient_privileges(call), "forbidden", None
    try:
        body = _body_object(call)
    except BadBodyError:
        return bad_body(call), "invalid", None
    try:
        given = _check_properties(body, creating=True)
        _check_upn(call, given["userPrincipalName"])
        strong = "DisableStrongPassword" not in str(given.get("passwordPolicies") or "")
        password, flags = _password(given, creating=True, strong=strong)
    except InvalidError as exc:
        return _error(call, exc), "invalid", None
    assert password is not None
    owner = _proxy_owner(call, given)
    if owner is not None:
        return _proxy_conflict(call, owner), "conflict", None
    columns, props = _split(given)
    props = {key: value for key, value in props.items() if value is not None}
    props.update(flags)
    store = call.context.store
    try:
        user = store.add_user(
            call.principal.user.tenant_id,
            columns["upn"],
            columns["display_name"],
            password,
            given_name=columns.get("given_name"),
            surname=columns.get("surname"),
            account_enabled=columns["account_enabled"],
            props=props,
        )
    except ConflictError:
        return _conflict(call), "conflict", None
    if columns.get("mail"):
        user = store.update_user(user.id, {"mail": columns["mail"]})
    call.context.created_at[user.id] = time.monotonic()
    log.info("created user %s in tenant %s", user.upn, user.tenant_id)
    location = (
        f"{call.context.login}/v2/{user.tenant_id}/directoryObjects/{user.id}"
        "/Microsoft.DirectoryServices.User"
    )
    reply = json_reply(call, user_entity(call, user), status=201, headers={"Location": location})
    return reply, "created", user.id


def _replicated(call: Call, user: User) -> bool:
    """False while the ``consistency_delay`` fault hides a freshly created user."""
    delay = call.context.faults.faults.get("consistency_delay")
    created = call.context.created_at.get(user.id)
    return not (delay > 0 and created is not None and time.monotonic() - created < delay)


_FILTER = re.compile(r"^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$", re.IGNORECASE)
_FILTERABLE = {"userprincipalname", "mail", "displayname", "id", "mailnickname", "givenname", "surname"}


@route("GET", "/users")
async def list_users(call: Call) -> Reply:
    """The tenant's users; ``$select``, ``$top`` and ``$filter=<property> eq '<value>'`` only."""
    users = call.context.store.users_in(call.principal.user.tenant_id)
    users = [user for user in users if _replicated(call, user)]
    given = call.query.get("$filter")
    if given:
        match = _FILTER.match(given)
        if match is None or match.group(1).lower() not in _FILTERABLE:
            return error_reply(
                call,
                400,
                "Request_UnsupportedQuery",
                "Unsupported or invalid query filter clause specified for property or expression.",
            )
        name, value = match.group(1).lower(), match.group(2).replace("''", "'").lower()
        users = [user for user in users if str(_property(user, name) or "").lower() == value]
    top = call.query.get("$top", "100")
    if not top.isdigit() or not 1 <= int(top) <= 999:
        return error_reply(
            call,
            400,
            "Request_BadRequest",
            f"Invalid page size specified: '{top}'. Must be between 1 and 999 inclusive.",
        )
    select = call.query.get("$select")
    return json_reply(
        call,
        {
            "@odata.context": f"{call.context.graph}/$metadata#users",
            "value": [user_json(user, select) for user in users[: int(top)]],
        },
    )


def _property(user: User, name: str) -> Any:
    return {key.lower(): value for key, value in user_json(user, ",".join(_FILTERABLE)).items()}.get(name)


@route("GET", "/users/{user}")
async def get_user(call: Call) -> Reply:
    key = call.params["user"]
    user = find_user(call.context, call.principal, key)
    if user is None or not _replicated(call, user):
        return not_found(call, key)
    return json_reply(call, user_entity(call, user))


@route("PATCH", "/users/{user}", write=True)
async def update_user(call: Call) -> Reply:
    key = call.params["user"]
    user = find_user(call.context, call.principal, key)
    if user is None:
        return not_found(call, key)
    try:
        body = _body_object(call)
    except BadBodyError:
        return bad_body(call) if may_write_users(call) else insufficient_privileges(call)
    others = [name for name in body if not name.startswith("@") and name != "passwordProfile"]
    if (others or "passwordProfile" not in body) and not may_write_users(call):
        return insufficient_privileges(call)
    if "passwordProfile" in body and not may_reset_password(call, user):
        return insufficient_privileges(call)
    try:
        given = _check_properties(body, creating=False)
        if "userPrincipalName" in given:
            _check_upn(call, given["userPrincipalName"])
        policies = given.get("passwordPolicies", user.props.get("passwordPolicies"))
        strong = "DisableStrongPassword" not in str(policies or "")
        password, flags = _password(given, creating=False, strong=strong)
    except InvalidError as exc:
        return _error(call, exc)
    owner = _proxy_owner(call, given, user)
    if owner is not None:
        return _proxy_conflict(call, owner)
    columns, props = _split(given)
    if password is not None:
        # An admin reset: the user must choose a new password at next sign-in unless told otherwise.
        flags.setdefault("forceChangePasswordNextSignIn", True)
    props.update(flags)
    try:
        call.context.store.update_user(user.id, columns, props, password=password)
    except ConflictError:
        return _conflict(call)
    if password is not None:
        call.context.store.revoke_user_grants(user.id)
    log.info("updated user %s (%s)", user.upn, ", ".join(sorted(given)) or "nothing")
    return Reply(204)
