"""Microsoft Graph v1.0 stand-in: the subset the wizard uses, with Graph's error shapes and headers.

Every Graph operation is a handler from a ``Call`` (method, path, query, headers, body and the caller's
``Principal``) to a ``Reply`` (status, headers, JSON body), found in one route table. The HTTP endpoint and
``$batch`` (``batch.py``) both dispatch through ``dispatch``, so a batch item is handled exactly like the same
request sent alone: same authentication, permissions, validation and write quota.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

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
from .state import Role, Tenant, User
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


ROUTES: list[Route] = []


def route(method: str, path: str, *, write: bool = False) -> Callable[[GraphOp], GraphOp]:
    """Register a Graph operation; ``{name}`` in ``path`` matches one segment."""
    regex = re.compile(
        "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path)) + "/?$", re.IGNORECASE
    )

    def register(op: GraphOp) -> GraphOp:
        ROUTES.append(Route(method, regex, op, write))
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


def role_json(role: Role) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.directoryRole",
        "id": role.id,
        "deletedDateTime": None,
        "description": role.description,
        "displayName": role.display_name,
        "roleTemplateId": role.role_template_id,
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


@route("GET", "/me/memberOf")
async def member_of(call: Call) -> Reply:
    roles = call.context.store.user_roles(call.principal.user.id)
    return json_reply(
        call,
        {
            "@odata.context": f"{call.context.graph}/$metadata#directoryObjects",
            "value": [_selected(call, role_json(role)) for role in roles],
        },
    )


@route("GET", "/me/memberOf/microsoft.graph.directoryRole")
async def member_of_roles(call: Call) -> Reply:
    roles = call.context.store.user_roles(call.principal.user.id)
    return json_reply(
        call,
        {
            "@odata.context": f"{call.context.graph}/$metadata#directoryRoles",
            "value": [_selected(call, role_json(role)) for role in roles],
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
