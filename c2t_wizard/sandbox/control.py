"""The control API for tests and demos (plain-http site only).

``GET/POST /_sandbox/faults`` (``{"spec": "..."}``; both answer the spec in force with its seed, e.g.
``{"spec": "429=0.1,seed=42", "seed": 42}``: a spec set without a seed gets a random one, see ``faults.py``),
``GET/POST /_sandbox/quota`` (``{"writeQuota": "20/1s"}``,
setting it also empties the counters), ``POST /_sandbox/reset_quota``, ``GET /_sandbox/tenants`` (with
``?detail=1`` every user also has createdDateTime, forceChangePasswordNextSignIn, …),
``GET /_sandbox/users?tenant=contoso.onmicrosoft.com``, ``POST /_sandbox/revoke`` (``{"upn": ...}``),
``GET /_sandbox/create_attempts?tenant=...`` (every ``POST /users`` per UPN: created once, conflicts after),
``GET /_sandbox/license_calls?tenant=...`` (every ``assignLicense``), ``POST /_sandbox/exchange``
(``{"tenant": ..., "enabled": false}``: the tenant has no Exchange organisation, as one made through
Entra/Azure sign-up; every mail endpoint then answers 401 ``OrganizationFromTenantGuidNotFound``) and
``GET /_sandbox/outbox`` (in ``mail.py``), ``POST /_sandbox/roles`` (``{"upn": ..., "role": "User
Administrator"}``: give a user a directory role, by its display name or template id).

Consent (a test and demo shortcut: a real tenant records consent only through the consent page or
``/{tenant}/v2.0/adminconsent``): ``GET /_sandbox/consents?tenant=...`` lists the tenant's grants;
``POST /_sandbox/consent`` (``{"tenant": ..., "scope": "User.Read User.ReadWrite.All", "upn": ...,
"client_id": ...}``) records one: for that user (``Principal``) when ``upn`` is given, else for everyone
(``AllPrincipals``); ``client_id`` defaults to the app's (Microsoft Graph Command Line Tools).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web

from .common import ROLE_NAMES, json_response
from .context import ctx
from .faults import Faults, FaultSpecError
from .pages import page
from .quota import QuotaSpec, QuotaSpecError
from .state import DEMO_CLIENT_ID, Store, Tenant, User

log = logging.getLogger(__name__)


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text="expected a JSON object") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    return body


def _faults_entry(faults: Faults) -> dict[str, Any]:
    return {"spec": faults.spec, "seed": faults.seed}


async def get_faults(request: web.Request) -> web.Response:
    return json_response(_faults_entry(ctx(request).faults.faults))


async def set_faults(request: web.Request) -> web.Response:
    body = await _json_body(request)
    spec = body.get("spec", "")
    if not isinstance(spec, str):
        return json_response({"error": "spec must be a string"}, status=400)
    try:
        faults = Faults.parse(spec)
    except FaultSpecError as exc:
        return json_response({"error": str(exc)}, status=400)
    return json_response(_faults_entry(ctx(request).faults.set(faults)))


def _user_entry(store: Store, user: User, *, detailed: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": user.id,
        "upn": user.upn,
        "displayName": user.display_name,
        "roles": [role.display_name for role in store.user_roles(user.id)],
        "hasMailbox": user.has_mailbox,
    }
    if not detailed:
        return entry
    return {
        **entry,
        "givenName": user.given_name,
        "surname": user.surname,
        "accountEnabled": user.account_enabled,
        "createdDateTime": user.created,
        "forceChangePasswordNextSignIn": bool(user.props.get("forceChangePasswordNextSignIn", False)),
        "otherMails": user.props.get("otherMails", []),
        "mailNickname": user.props.get("mailNickname"),
        "usageLocation": user.props.get("usageLocation"),
        "assignedLicenses": user.props.get("assignedLicenses", []),
    }


def _tenant_entry(store: Store, tenant: Tenant, *, detailed: bool) -> dict[str, Any]:
    users = [_user_entry(store, user, detailed=detailed) for user in store.users_in(tenant.id)]
    return {
        "id": tenant.id,
        "name": tenant.initial_domain,
        "displayName": tenant.display_name,
        "created": tenant.created,
        "exchange": store.has_exchange(tenant.id),
        "userCount": len(users),
        "users": users,
    }


async def tenants(request: web.Request) -> web.Response:
    store = ctx(request).store
    detailed = request.query.get("detail", "") in ("1", "true", "yes")
    return json_response(
        {"tenants": [_tenant_entry(store, tenant, detailed=detailed) for tenant in store.tenants()]}
    )


async def users(request: web.Request) -> web.Response:
    """The users of one tenant: ``?tenant=`` a domain, a prefix or the tenant id."""
    store = ctx(request).store
    name = request.query.get("tenant", "").strip().lower()
    tenant = store.tenant_by_domain(name) or store.tenant_by_prefix(name) or store.tenant_by_id(name)
    if tenant is None:
        return json_response({"error": f"no such tenant: {name!r}"}, status=404)
    entry = _tenant_entry(store, tenant, detailed=True)
    return json_response({"tenant": entry["name"], "count": entry["userCount"], "users": entry["users"]})


def _tenant_of(request: web.Request) -> Tenant | None:
    """``?tenant=``: a domain, a prefix or the tenant id."""
    store = ctx(request).store
    name = request.query.get("tenant", "").strip().lower()
    return store.tenant_by_domain(name) or store.tenant_by_prefix(name) or store.tenant_by_id(name)


async def create_attempts(request: web.Request) -> web.Response:
    """Every ``POST /users`` that reached the handler, per lower-case UPN, oldest first: when (UTC, with
    microseconds), the status, the outcome (``created``, ``conflict``, ``invalid``, ``forbidden``) and the id
    of the user created. Attempts refused before (throttled, dropped before the write) are not in it."""
    tenant = _tenant_of(request)
    if tenant is None:
        return json_response({"error": "no such tenant"}, status=404)
    by_upn: dict[str, list[dict[str, Any]]] = {}
    for attempt in ctx(request).store.create_attempts(tenant.id):
        by_upn.setdefault(str(attempt.pop("upn")).lower(), []).append(attempt)
    return json_response({"tenant": tenant.initial_domain, "attempts": by_upn})


async def license_calls(request: web.Request) -> web.Response:
    """Every ``assignLicense`` call of a tenant, oldest first: the user as addressed, its id, when, the
    status and the body sent."""
    tenant = _tenant_of(request)
    if tenant is None:
        return json_response({"error": "no such tenant"}, status=404)
    return json_response(
        {"tenant": tenant.initial_domain, "calls": ctx(request).store.license_calls(tenant.id)}
    )


async def set_exchange(request: web.Request) -> web.Response:
    """``{"tenant": a domain, a prefix or the tenant id, "enabled": bool}``: give the tenant an Exchange
    organisation or take it away. Answers ``{"tenant": domain, "exchange": bool}``."""
    body = await _json_body(request)
    store = ctx(request).store
    name = str(body.get("tenant", "")).strip().lower()
    enabled = body.get("enabled")
    if not isinstance(enabled, bool):
        return json_response({"error": "enabled must be true or false"}, status=400)
    tenant = store.tenant_by_domain(name) or store.tenant_by_prefix(name) or store.tenant_by_id(name)
    if tenant is None:
        return json_response({"error": f"no such tenant: {name!r}"}, status=404)
    store.set_exchange(tenant.id, enabled)
    log.info("%s: Exchange organisation %s", tenant.initial_domain, "on" if enabled else "off")
    return json_response({"tenant": tenant.initial_domain, "exchange": store.has_exchange(tenant.id)})


async def assign_role(request: web.Request) -> web.Response:
    """``{"upn": ..., "role": a role's display name or template id}``: the user holds the role (active)."""
    body = await _json_body(request)
    store = ctx(request).store
    user = store.user_by_upn(str(body.get("upn", "")))
    if user is None:
        return json_response({"error": "no such user"}, status=404)
    wanted = str(body.get("role", "")).strip().lower()
    template = next(
        (tid for tid, (name, _) in ROLE_NAMES.items() if wanted in (tid, name.lower())),
        None,
    )
    if template is None:
        return json_response({"error": f"unknown role: {wanted!r}"}, status=400)
    role = store.assign_role(user.tenant_id, user.id, template)
    log.info("%s is now %s", user.upn, role.display_name)
    return json_response({"upn": user.upn, "roles": [r.display_name for r in store.user_roles(user.id)]})


async def consents(request: web.Request) -> web.Response:
    tenant = _tenant_of(request)
    if tenant is None:
        return json_response({"error": "no such tenant"}, status=404)
    return json_response({"tenant": tenant.initial_domain, "grants": ctx(request).store.consents(tenant.id)})


async def consent(request: web.Request) -> web.Response:
    """Record a consent grant without the consent page (test/demo shortcut, see the module docstring)."""
    body = await _json_body(request)
    store = ctx(request).store
    name = str(body.get("tenant", "")).strip().lower()
    tenant = store.tenant_by_domain(name) or store.tenant_by_prefix(name) or store.tenant_by_id(name)
    if tenant is None:
        return json_response({"error": f"no such tenant: {name!r}"}, status=404)
    scopes = str(body.get("scope", "")).split()
    if not scopes:
        return json_response({"error": "scope must name at least one scope"}, status=400)
    principal: str | None = None
    if body.get("upn"):
        user = store.user_by_upn(str(body["upn"]))
        if user is None or user.tenant_id != tenant.id:
            return json_response({"error": "no such user in that tenant"}, status=404)
        principal = user.id
    client_id = str(body.get("client_id") or DEMO_CLIENT_ID)
    store.grant_consent(tenant.id, client_id, principal, scopes)
    log.info("%s: consent recorded through the control API for %s", tenant.initial_domain, " ".join(scopes))
    return json_response({"tenant": tenant.initial_domain, "grants": store.consents(tenant.id)})


async def get_quota(request: web.Request) -> web.Response:
    return json_response({"writeQuota": ctx(request).quota.spec.spec})


async def set_quota(request: web.Request) -> web.Response:
    body = await _json_body(request)
    spec = body.get("writeQuota", "")
    if not isinstance(spec, str):
        return json_response({"error": "writeQuota must be a string"}, status=400)
    try:
        parsed = QuotaSpec.parse(spec)
    except QuotaSpecError as exc:
        return json_response({"error": str(exc)}, status=400)
    ctx(request).quota.configure(parsed)
    log.info("write quota set to %s", parsed.spec)
    return json_response({"writeQuota": parsed.spec})


async def reset_quota(request: web.Request) -> web.Response:
    quota = ctx(request).quota
    quota.reset()
    return json_response({"writeQuota": quota.spec.spec})


async def revoke(request: web.Request) -> web.Response:
    body = await _json_body(request)
    store = ctx(request).store
    user = store.user_by_upn(str(body.get("upn", "")))
    if user is None:
        return json_response({"error": "no such user"}, status=404)
    count = store.revoke_user_grants(user.id)
    log.info("revoked %d refresh token(s) of %s", count, user.upn)
    return json_response({"revoked": count})


async def index(request: web.Request) -> web.Response:
    context = ctx(request)
    return page(
        "Sandbox",
        "<h1>c2t-wizard sandbox</h1>"
        "<ul>"
        '<li><a href="/signup">Create a work or school account (sign-up)</a></li>'
        '<li><a href="/devicelogin">Device sign-in</a></li>'
        '<li><a href="/outbox">Outbox</a></li>'
        "</ul>"
        f'<p class="hint">Identity and Graph: {context.login}</p>',
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", index)
    app.router.add_get("/_sandbox/faults", get_faults)
    app.router.add_post("/_sandbox/faults", set_faults)
    app.router.add_get("/_sandbox/tenants", tenants)
    app.router.add_get("/_sandbox/users", users)
    app.router.add_get("/_sandbox/quota", get_quota)
    app.router.add_post("/_sandbox/quota", set_quota)
    app.router.add_post("/_sandbox/reset_quota", reset_quota)
    app.router.add_post("/_sandbox/revoke", revoke)
    app.router.add_get("/_sandbox/create_attempts", create_attempts)
    app.router.add_get("/_sandbox/license_calls", license_calls)
    app.router.add_post("/_sandbox/exchange", set_exchange)
    app.router.add_post("/_sandbox/roles", assign_role)
    app.router.add_get("/_sandbox/consents", consents)
    app.router.add_post("/_sandbox/consent", consent)
