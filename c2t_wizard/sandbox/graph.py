"""Microsoft Graph v1.0 stand-in: the subset the wizard uses, with Graph's error shapes and headers.

Every Graph operation is a handler from a ``Call`` (method, path, query, headers, body and the caller's
``Principal``) to a ``Reply`` (status, headers, JSON body), found in one route table. The HTTP endpoint and
``$batch`` (``batch.py``) both dispatch through ``dispatch``, so a batch item is handled exactly like the same
request sent alone: same authentication, permissions, validation and write quota.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

from . import permissions
from .common import (
    THROTTLED_CODE,
    THROTTLED_INNER,
    THROTTLED_MESSAGE,
    graph_error,
    graph_error_body,
    json_response,
    new_guid,
)
from .context import Context, ctx
from .quota import retry_after_header
from .state import Eligibility, Group, Role, Tenant, User
from .tokens import Principal, TokenRejectedError, authenticate_bearer

WWW_AUTHENTICATE = (
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
    'client_id="00000003-0000-0000-c000-000000000000"'
)
ODATA_JSON = (
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
)


@dataclass
class Call:
    """One Graph request: sent alone over HTTP or as an item of a ``$batch``."""

    context: Context
    principal: Principal
    method: str
    path: str
    """Relative to ``/v1.0``, e.g. ``/users/abc``."""
    query: Mapping[str, str]
    headers: CIMultiDictProxy[str] | CIMultiDict[str]
    body: bytes
    client_request_id: str
    params: dict[str, str] = field(default_factory=dict)
    request_id: str = field(default_factory=new_guid)
    in_batch: bool = False

    def json_body(self) -> Any:
        """The parsed JSON body; raises ``BadBody`` when it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8")) if self.body.strip() else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise BadBodyError from None


class BadBodyError(Exception):
    """A request body that is not valid JSON."""


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


GraphOp = Callable[[Call], Awaitable[Reply]]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    op: GraphOp
    write: bool
    """Counts against the identity write quota."""
    template: str = ""
    """The path as registered (``/users/{user}``): its key in ``permissions.ROUTE_SCOPES``."""


ROUTES: list[Route] = []


def route(method: str, path: str, *, write: bool = False) -> Callable[[GraphOp], GraphOp]:
    """Register a Graph operation; ``{name}`` in ``path`` matches one segment."""
    regex = re.compile(
        "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path)) + "/?$", re.IGNORECASE
    )

    def register(op: GraphOp) -> GraphOp:
        ROUTES.append(Route(method, regex, op, write, path))
        return op

    return register


# --- replies -----------------------------------------------------------------------------------------


def json_reply(
    call: Call, body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> Reply:
    return Reply(status, body, {"OData-Version": "4.0", "Content-Type": ODATA_JSON, **(headers or {})})


def error_reply(
    call: Call,
    status: int,
    code: str,
    message: str,
    *,
    headers: dict[str, str] | None = None,
    inner: dict[str, str] | None = None,
    details: list[dict[str, str]] | None = None,
) -> Reply:
    body = graph_error_body(
        code,
        message,
        request_id=call.request_id,
        client_request_id=call.client_request_id,
        inner=inner,
        details=details,
    )
    return Reply(status, body, {"Content-Type": "application/json", **(headers or {})})


def throttled_reply(call: Call, retry_after: str) -> Reply:
    return error_reply(
        call,
        429,
        THROTTLED_CODE,
        THROTTLED_MESSAGE,
        headers={"Retry-After": retry_after},
        inner=THROTTLED_INNER,
    )


def bad_body(call: Call) -> Reply:
    return error_reply(
        call,
        400,
        "BadRequest",
        "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of "
        "valid JSON format.",
    )


def not_found(call: Call, key: str) -> Reply:
    return error_reply(
        call,
        404,
        "Request_ResourceNotFound",
        f"Resource '{key}' does not exist or one of its queried reference-property objects are not present.",
    )


def insufficient_privileges(call: Call) -> Reply:
    return error_reply(
        call, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."
    )


# --- dispatch ----------------------------------------------------------------------------------------


async def dispatch(call: Call) -> Reply:
    """Find the operation for ``call`` and run it (after the write quota, for writes)."""
    path_matched = False
    for candidate in ROUTES:
        match = candidate.pattern.match(call.path)
        if match is None:
            continue
        path_matched = True
        if candidate.method != call.method:
            continue
        call.params = dict(match.groupdict())
        needed = permissions.route_scopes(candidate.method, candidate.template)
        if needed is None or (
            needed != permissions.SELF_CHECKED
            and not permissions.allows(call.principal.scopes, tuple(needed))
        ):
            return insufficient_privileges(call)
        if candidate.write:
            wait = call.context.quota.take(
                str(call.principal.claims.get("appid", "")), call.principal.user.tenant_id
            )
            if wait is not None:
                return throttled_reply(call, retry_after_header(wait))
        return await candidate.op(call)
    if path_matched:
        return error_reply(
            call, 405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target."
        )
    segment = call.path.strip("/").split("/")[0]
    return error_reply(call, 400, "BadRequest", f"Resource not found for the segment '{segment}'.")


def client_request_id(headers: Mapping[str, str], fallback: str | None = None) -> str:
    given = headers.get("client-request-id", "")
    try:
        return str(uuid.UUID(given))
    except ValueError:
        return fallback or new_guid()


def authenticate(request: web.Request) -> Principal | web.Response:
    try:
        return authenticate_bearer(ctx(request), request.headers.get("Authorization", ""))
    except TokenRejectedError as exc:
        return graph_error(
            request,
            401,
            "InvalidAuthenticationToken",
            str(exc),
            headers={"WWW-Authenticate": WWW_AUTHENTICATE},
        )


def to_response(call: Call, reply: Reply) -> web.Response:
    headers = {"request-id": call.request_id, "client-request-id": call.client_request_id, **reply.headers}
    if reply.body is None:
        headers.pop("Content-Type", None)
        return web.Response(status=reply.status, headers=headers)
    content_type = headers.pop("Content-Type", "application/json")
    response = json_response(reply.body, status=reply.status, headers=headers)
    if content_type != "application/json":
        response.headers["Content-Type"] = content_type
    return response


async def graph_endpoint(request: web.Request) -> web.StreamResponse:
    """Every ``/v1.0/...`` request except ``$batch``."""
    principal = authenticate(request)
    if isinstance(principal, web.Response):
        return principal
    call = Call(
        context=ctx(request),
        principal=principal,
        method=request.method,
        path="/" + request.match_info["tail"],
        query=request.query,
        headers=request.headers,
        body=await request.read(),
        client_request_id=client_request_id(request.headers),
    )
    return to_response(call, await dispatch(call))


# --- representations ---------------------------------------------------------------------------------

# What GET /users/{id} returns without $select (Graph's default user properties).
DEFAULT_USER_PROPERTIES = (
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
)
# Further properties the sandbox stores and returns on $select.
EXTRA_USER_PROPERTIES = (
    "accountEnabled",
    "assignedLicenses",
    "city",
    "companyName",
    "country",
    "createdDateTime",
    "department",
    "employeeId",
    "mailNickname",
    "otherMails",
    "passwordPolicies",
    "postalCode",
    "state",
    "streetAddress",
    "usageLocation",
    "userType",
)


def user_json(user: User, select: str | None = None) -> dict[str, Any]:
    props = user.props
    full: dict[str, Any] = {
        "businessPhones": props.get("businessPhones", []),
        "displayName": user.display_name,
        "givenName": user.given_name,
        "jobTitle": props.get("jobTitle"),
        "mail": user.mail,
        "mobilePhone": props.get("mobilePhone"),
        "officeLocation": props.get("officeLocation"),
        "preferredLanguage": props.get("preferredLanguage"),
        "surname": user.surname,
        "userPrincipalName": user.upn,
        "id": user.id,
        "accountEnabled": user.account_enabled,
        "createdDateTime": user.created,
        "mailNickname": props.get("mailNickname", user.upn.split("@")[0]),
        "otherMails": props.get("otherMails", []),
        "userType": "Member",
        "assignedLicenses": props.get("assignedLicenses", []),
    }
    for name in EXTRA_USER_PROPERTIES:
        full.setdefault(name, props.get(name))
    if not select:
        return {name: full[name] for name in DEFAULT_USER_PROPERTIES}
    wanted = {name.strip().lower() for name in select.split(",") if name.strip()}
    return {name: value for name, value in full.items() if name.lower() in wanted}


def _selected(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    """Apply ``$select`` (case-insensitive property names; OData annotations are kept)."""
    select = call.query.get("$select")
    if not select:
        return body
    wanted = {name.strip().lower() for name in select.split(",") if name.strip()}
    return {k: v for k, v in body.items() if k.startswith("@") or k.lower() in wanted}


def user_entity(call: Call, user: User) -> dict[str, Any]:
    body: dict[str, Any] = {"@odata.context": f"{call.context.graph}/$metadata#users/$entity"}
    body.update(user_json(user, call.query.get("$select")))
    return body


def role_json(role: Role, *, readable: bool = True) -> dict[str, Any]:
    """A directoryRole; ``readable=False``: Graph's limited view (only ``@odata.type`` and ``id``)."""
    if not readable:
        return {
            "@odata.type": "#microsoft.graph.directoryRole",
            "id": role.id,
            "deletedDateTime": None,
            "description": None,
            "displayName": None,
            "roleTemplateId": None,
        }
    return {
        "@odata.type": "#microsoft.graph.directoryRole",
        "id": role.id,
        "deletedDateTime": None,
        "description": role.description,
        "displayName": role.display_name,
        "roleTemplateId": role.role_template_id,
    }


def group_json(group: Group, *, readable: bool = True) -> dict[str, Any]:
    """A security group as Graph returns it in a directoryObject collection (default properties);
    ``readable=False``: the limited view, every property but ``@odata.type`` and ``id`` null."""
    full = _group_json(group)
    if readable:
        return full
    return {key: (value if key in ("@odata.type", "id") else None) for key, value in full.items()}


def _group_json(group: Group) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.group",
        "id": group.id,
        "deletedDateTime": None,
        "classification": None,
        "createdDateTime": group.created,
        "creationOptions": [],
        "description": group.description,
        "displayName": group.display_name,
        "expirationDateTime": None,
        "groupTypes": [],
        "isAssignableToRole": group.is_assignable_to_role,
        "mail": None,
        "mailEnabled": False,
        "mailNickname": group.mail_nickname,
        "membershipRule": None,
        "membershipRuleProcessingState": None,
        "onPremisesDomainName": None,
        "onPremisesLastSyncDateTime": None,
        "onPremisesNetBiosName": None,
        "onPremisesSamAccountName": None,
        "onPremisesSecurityIdentifier": None,
        "onPremisesSyncEnabled": None,
        "preferredDataLocation": None,
        "preferredLanguage": None,
        "proxyAddresses": [],
        "renewedDateTime": group.created,
        "resourceBehaviorOptions": [],
        "resourceProvisioningOptions": [],
        "securityEnabled": True,
        "securityIdentifier": _security_identifier(group.id),
        "theme": None,
        "visibility": None,
        "onPremisesProvisioningErrors": [],
        "serviceProvisioningErrors": [],
    }


def _security_identifier(object_id: str) -> str:
    """Entra's SID for a cloud object: S-1-12-1 and the object id's four 32-bit little-endian parts."""
    raw = uuid.UUID(object_id).bytes_le
    parts = [int.from_bytes(raw[i : i + 4], "little") for i in range(0, 16, 4)]
    return "S-1-12-1-" + "-".join(str(part) for part in parts)


def eligibility_json(eligibility: Eligibility) -> dict[str, Any]:
    """A unifiedRoleEligibilityScheduleInstance (``roleDefinitionId``: a built-in role's template id)."""
    return {
        "id": eligibility.id,
        "principalId": eligibility.principal_id,
        "roleDefinitionId": eligibility.role_template_id,
        "directoryScopeId": eligibility.directory_scope_id,
        "appScopeId": None,
        "startDateTime": eligibility.start,
        "endDateTime": eligibility.end,
        "memberType": "Direct",
        "roleEligibilityScheduleId": eligibility.schedule_id,
    }


def organization_json(context: Context, tenant: Tenant) -> dict[str, Any]:
    domains = context.store.domains(tenant.id)
    return {
        "id": tenant.id,
        "deletedDateTime": None,
        "businessPhones": [],
        "city": None,
        "country": None,
        "countryLetterCode": tenant.country,
        "createdDateTime": tenant.created,
        "displayName": tenant.display_name,
        "postalCode": None,
        "preferredLanguage": "en",
        "state": None,
        "street": None,
        "tenantType": tenant.tenant_type,
        "assignedPlans": [],
        "provisionedPlans": [],
        "verifiedDomains": [
            {
                "capabilities": "Email, OfficeCommunicationsOnline",
                "isDefault": domain.is_default,
                "isInitial": domain.is_initial,
                "name": domain.name,
                "type": "Managed",
            }
            for domain in domains
        ],
    }


# --- read operations ---------------------------------------------------------------------------------


@route("GET", "/me")
async def me(call: Call) -> Reply:
    return json_reply(call, user_entity(call, call.principal.user))


@route("GET", "/organization")
async def organization(call: Call) -> Reply:
    context = call.context
    tenant = context.store.tenant_by_id(call.principal.user.tenant_id)
    value = [_selected(call, organization_json(context, tenant))] if tenant else []
    return json_reply(call, {"@odata.context": f"{context.graph}/$metadata#organization", "value": value})


PAGE_SIZE = 100
"""Default page size of directoryObject collections (``$top`` may ask for up to ``MAX_PAGE_SIZE``)."""
MAX_PAGE_SIZE = 999


def _paged(call: Call, context_name: str, items: list[dict[str, Any]]) -> Reply:
    """One page of a directory collection, with ``@odata.nextLink`` (an opaque ``$skiptoken``) if more."""
    try:
        top = int(call.query.get("$top", PAGE_SIZE))
    except ValueError:
        top = 0
    if not 1 <= top <= MAX_PAGE_SIZE:
        return error_reply(
            call,
            400,
            "Request_BadRequest",
            f"Invalid page size specified: '{call.query.get('$top')}'. Must be between 1 and {MAX_PAGE_SIZE} "
            "inclusive.",
        )
    start = 0
    token = call.query.get("$skiptoken")
    if token:
        try:
            start = int(base64.urlsafe_b64decode(token.encode("ascii") + b"==").decode("ascii"))
        except (ValueError, UnicodeError, binascii.Error):
            return error_reply(
                call,
                400,
                "Directory_ExpiredPageToken",
                "The specified page token value has expired and can no longer be included in your request.",
            )
    body: dict[str, Any] = {
        "@odata.context": f"{call.context.graph}/$metadata#{context_name}",
        "value": [_selected(call, item) for item in items[start : start + top]],
    }
    if start + top < len(items):
        query = {k: v for k, v in call.query.items() if k != "$skiptoken"}
        query["$skiptoken"] = base64.urlsafe_b64encode(str(start + top).encode("ascii")).decode().rstrip("=")
        body["@odata.nextLink"] = f"{call.context.graph}{call.path}?{urlencode(query, safe='$,')}"
    return json_reply(call, body)


def _direct_memberships(call: Call) -> tuple[list[Group], list[Role]]:
    store = call.context.store
    user_id = call.principal.user.id
    return store.user_groups(user_id), store.user_direct_roles(user_id)


def _memberships(call: Call, groups: list[Group], roles: list[Role]) -> list[dict[str, Any]]:
    """Membership entries; objects the token may not read come in Graph's limited view (§1.3)."""
    scopes = call.principal.scopes
    groups_readable = permissions.allows(scopes, permissions.READ_GROUPS)
    roles_readable = permissions.allows(scopes, permissions.READ_DIRECTORY_ROLES)
    return [group_json(g, readable=groups_readable) for g in groups] + [
        role_json(r, readable=roles_readable) for r in roles
    ]


@route("GET", "/me/memberOf")
async def member_of(call: Call) -> Reply:
    """Groups and directory roles the user is a *direct* member of (not roles held through a group)."""
    groups, roles = _direct_memberships(call)
    return _paged(call, "directoryObjects", _memberships(call, groups, roles))


@route("GET", "/me/memberOf/microsoft.graph.directoryRole")
async def member_of_roles(call: Call) -> Reply:
    _, roles = _direct_memberships(call)
    return _paged(call, "directoryRoles", _memberships(call, [], roles))


@route("GET", "/me/transitiveMemberOf")
async def transitive_member_of(call: Call) -> Reply:
    """Direct and transitive memberships: the user's groups, and every role they hold, directly or as a
    member of a role-assignable group. Roles they are only eligible for (PIM) are not memberships."""
    store = call.context.store
    user_id = call.principal.user.id
    groups, roles = store.user_groups(user_id), store.user_roles(user_id)
    return _paged(call, "directoryObjects", _memberships(call, groups, roles))


@route("GET", "/me/transitiveMemberOf/microsoft.graph.directoryRole")
async def transitive_member_of_roles(call: Call) -> Reply:
    roles = call.context.store.user_roles(call.principal.user.id)
    return _paged(call, "directoryRoles", _memberships(call, [], roles))


ROLE_ASSIGNMENTS_CONTEXT = "roleManagement/directory/roleAssignments"


@route("GET", "/roleManagement/directory/roleAssignments")
async def role_assignments(call: Call) -> Reply:
    """Active, direct role assignments (v1.0 ``unifiedRoleAssignment``); ``$filter``: ``principalId`` or
    ``roleDefinitionId`` ``eq``. A role held through a role-assignable group shows the group as principal.
    Scopes: ``permissions.ROLE_MANAGEMENT_READ`` (checked by the dispatcher); the caller needs one of
    ``permissions.ROLE_ASSIGNMENT_READ_ROLES`` (strict: a plain User Administrator is refused)."""
    store = call.context.store
    held = {role.role_template_id for role in store.user_roles(call.principal.user.id)}
    if not held & permissions.ROLE_ASSIGNMENT_READ_ROLES:
        return insufficient_privileges(call)
    wanted: dict[str, str] = {}
    text = call.query.get("$filter")
    if text is not None:
        for clause in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
            match = _FILTER_CLAUSE.match(clause)
            if match is None:
                return error_reply(call, 400, "BadRequest", "Invalid filter clause")
            wanted[match.group(1).lower()] = match.group(2).lower()
    items = [
        {
            "id": assignment_id,
            "principalId": principal_id,
            "roleDefinitionId": template,
            "directoryScopeId": "/",
            "appScopeId": None,
        }
        for assignment_id, principal_id, template in store.role_assignments(call.principal.user.tenant_id)
        if wanted.get("principalid", principal_id.lower()) == principal_id.lower()
        and wanted.get("roledefinitionid", template.lower()) == template.lower()
    ]
    return json_reply(
        call,
        {
            "@odata.context": f"{call.context.graph}/$metadata#{ROLE_ASSIGNMENTS_CONTEXT}",
            "value": [_selected(call, item) for item in items],
        },
    )


# Delegated permissions that allow reading role eligibilities (least privileged first), and the active roles
# the signed-in user needs as well (the documented read roles, and Global Administrator above them all).
ROLE_ELIGIBILITY_READ_SCOPES = (
    "RoleEligibilitySchedule.Read.Directory",
    "RoleManagement.Read.Directory",
    "RoleManagement.Read.All",
    "RoleEligibilitySchedule.ReadWrite.Directory",
    "RoleManagement.ReadWrite.Directory",
)
ROLE_ELIGIBILITY_READ_ROLES = {
    "62e90394-69f5-4237-9190-012177145e10",  # Global Administrator
    "f2ef992c-3afb-46b9-b7cf-a126ee74c451",  # Global Reader
    "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f",  # Security Operator
    "5d6b6bb7-de71-4623-b4af-96380a352509",  # Security Reader
    "194ae4cb-b126-40b2-bd5b-6091b380977d",  # Security Administrator
    "e8611ab8-c189-46e8-94e1-60213ab1f814",  # Privileged Role Administrator
}
ELIGIBILITY_CONTEXT = "roleManagement/directory/roleEligibilityScheduleInstances"
_FILTER_CLAUSE = re.compile(r"^\s*(principalId|roleDefinitionId)\s+eq\s+'([^']*)'\s*$", re.IGNORECASE)


@route("GET", "/roleManagement/directory/roleEligibilityScheduleInstances")
async def role_eligibility_schedule_instances(call: Call) -> Reply:
    """PIM's eligible role assignments; ``$filter``: ``principalId``/``roleDefinitionId`` ``eq``."""
    granted = {scope.lower() for scope in call.principal.scopes}
    if not granted & {scope.lower() for scope in ROLE_ELIGIBILITY_READ_SCOPES}:
        # PIM answers a missing permission with its own error inside Graph's "UnknownError" envelope.
        detail = {
            "errorCode": "PermissionScopeNotGranted",
            "message": "Authorization failed due to missing permission scope "
            + ",".join(ROLE_ELIGIBILITY_READ_SCOPES)
            + ".",
            "instanceAnnotations": [],
        }
        return error_reply(call, 403, "UnknownError", json.dumps(detail, separators=(",", ":")))
    store = call.context.store
    held = {role.role_template_id for role in store.user_roles(call.principal.user.id)}
    if not held & ROLE_ELIGIBILITY_READ_ROLES:
        return insufficient_privileges(call)
    wanted: dict[str, str] = {}
    text = call.query.get("$filter")
    if text is not None:
        for clause in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
            match = _FILTER_CLAUSE.match(clause)
            if match is None:
                return error_reply(call, 400, "BadRequest", "Invalid filter clause")
            wanted[match.group(1).lower()] = match.group(2).lower()
    items = [
        eligibility_json(e)
        for e in store.eligibilities(call.principal.user.tenant_id)
        if wanted.get("principalid", e.principal_id.lower()) == e.principal_id.lower()
        and wanted.get("roledefinitionid", e.role_template_id.lower()) == e.role_template_id.lower()
    ]
    return json_reply(
        call,
        {
            "@odata.context": f"{call.context.graph}/$metadata#{ELIGIBILITY_CONTEXT}",
            "value": [_selected(call, item) for item in items],
        },
    )


def find_user(context: Context, principal: Principal, key: str) -> User | None:
    """A user of the caller's tenant, by object id or user principal name."""
    user = context.store.user_by_upn(key) if "@" in key else context.store.user_by_id(key)
    if user is None or user.tenant_id != principal.user.tenant_id:
        return None
    return user


def add_routes(app: web.Application) -> None:
    from . import batch, licenses, mail, users  # noqa: F401  (they register their operations in ROUTES)

    app.router.add_post(batch.BATCH_PATH, batch.batch_endpoint)
    app.router.add_route("*", "/v1.0/{tail:.*}", graph_endpoint)
