"""Microsoft Graph v1.0 stand-in: the subset the wizard uses, with Graph's error shapes and headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from .common import graph_error, graph_headers, json_response
from .context import Context, ctx
from .state import Role, Tenant, User
from .tokens import Principal, TokenRejectedError, authenticate_bearer

GraphHandler = Callable[[web.Request, Principal], Awaitable[web.Response]]

_WWW_AUTHENTICATE = (
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
    'client_id="00000003-0000-0000-c000-000000000000"'
)


def graph_json(request: web.Request, body: dict[str, Any], status: int = 200) -> web.Response:
    headers = graph_headers(request)
    headers["OData-Version"] = "4.0"
    return json_response(body, status=status, headers=headers)


def authenticated(handler: GraphHandler) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Wrap a Graph handler: a valid sandbox-issued bearer token first, else Graph's 401."""

    async def wrapper(request: web.Request) -> web.Response:
        try:
            principal = authenticate_bearer(ctx(request), request.headers.get("Authorization", ""))
        except TokenRejectedError as exc:
            return graph_error(
                request,
                401,
                "InvalidAuthenticationToken",
                str(exc),
                headers={"WWW-Authenticate": _WWW_AUTHENTICATE},
            )
        return await handler(request, principal)

    return wrapper


def _selected(request: web.Request, body: dict[str, Any]) -> dict[str, Any]:
    """Apply ``$select`` (case-insensitive property names; OData annotations are kept)."""
    select = request.query.get("$select")
    if not select:
        return body
    wanted = {name.strip().lower() for name in select.split(",") if name.strip()}
    return {k: v for k, v in body.items() if k.startswith("@") or k.lower() in wanted}


def user_json(user: User) -> dict[str, Any]:
    props = user.props
    return {
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
    }


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


async def me(request: web.Request, principal: Principal) -> web.Response:
    context = ctx(request)
    body = {"@odata.context": f"{context.graph}/$metadata#users/$entity"}
    body.update(user_json(principal.user))
    return graph_json(request, _selected(request, body))


async def organization(request: web.Request, principal: Principal) -> web.Response:
    context = ctx(request)
    tenant = context.store.tenant_by_id(principal.user.tenant_id)
    value = [_selected(request, organization_json(context, tenant))] if tenant else []
    return graph_json(request, {"@odata.context": f"{context.graph}/$metadata#organization", "value": value})


async def member_of(request: web.Request, principal: Principal) -> web.Response:
    context = ctx(request)
    roles = context.store.user_roles(principal.user.id)
    return graph_json(
        request,
        {
            "@odata.context": f"{context.graph}/$metadata#directoryObjects",
            "value": [_selected(request, role_json(role)) for role in roles],
        },
    )


async def member_of_roles(request: web.Request, principal: Principal) -> web.Response:
    context = ctx(request)
    roles = context.store.user_roles(principal.user.id)
    return graph_json(
        request,
        {
            "@odata.context": f"{context.graph}/$metadata#directoryRoles",
            "value": [_selected(request, role_json(role)) for role in roles],
        },
    )


def not_found(request: web.Request, key: str) -> web.Response:
    return graph_error(
        request,
        404,
        "Request_ResourceNotFound",
        f"Resource '{key}' does not exist or one of its queried reference-property objects are not present.",
    )


def find_user(context: Context, principal: Principal, key: str) -> User | None:
    """A user of the caller's tenant, by object id or user principal name."""
    user = context.store.user_by_upn(key) if "@" in key else context.store.user_by_id(key)
    if user is None or user.tenant_id != principal.user.tenant_id:
        return None
    return user


async def get_user(request: web.Request, principal: Principal) -> web.Response:
    context = ctx(request)
    key = request.match_info["user"]
    user = find_user(context, principal, key)
    if user is None:
        return not_found(request, key)
    body = {"@odata.context": f"{context.graph}/$metadata#users/$entity"}
    body.update(user_json(user))
    return graph_json(request, _selected(request, body))


async def unknown_segment(request: web.Request, principal: Principal) -> web.Response:
    segment = request.match_info["tail"].split("/")[0]
    return graph_error(request, 400, "BadRequest", f"Resource not found for the segment '{segment}'.")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/v1.0/me", authenticated(me))
    app.router.add_get("/v1.0/organization", authenticated(organization))
    app.router.add_get("/v1.0/me/memberOf", authenticated(member_of))
    app.router.add_get("/v1.0/me/memberOf/microsoft.graph.directoryRole", authenticated(member_of_roles))
    app.router.add_get("/v1.0/users/{user}", authenticated(get_user))
    app.router.add_route("*", "/v1.0/{tail:.*}", authenticated(unknown_segment))
