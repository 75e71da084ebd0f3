"""The control API for tests and demos (plain-http site only), and the outbox page."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web

from .common import json_response
from .context import ctx
from .faults import Faults, FaultSpecError
from .pages import page

log = logging.getLogger(__name__)


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text="expected a JSON object") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    return body


async def get_faults(request: web.Request) -> web.Response:
    return json_response({"spec": ctx(request).faults.faults.spec})


async def set_faults(request: web.Request) -> web.Response:
    body = await _json_body(request)
    spec = body.get("spec", "")
    if not isinstance(spec, str):
        return json_response({"error": "spec must be a string"}, status=400)
    try:
        faults = Faults.parse(spec)
    except FaultSpecError as exc:
        return json_response({"error": str(exc)}, status=400)
    ctx(request).faults.faults = faults
    log.info("faults set to %r", faults.spec)
    return json_response({"spec": faults.spec})


async def tenants(request: web.Request) -> web.Response:
    store = ctx(request).store
    result = []
    for tenant in store.tenants():
        users = [
            {
                "id": user.id,
                "upn": user.upn,
                "displayName": user.display_name,
                "roles": [role.display_name for role in store.user_roles(user.id)],
                "hasMailbox": user.has_mailbox,
            }
            for user in store.users_in(tenant.id)
        ]
        result.append(
            {
                "id": tenant.id,
                "name": tenant.initial_domain,
                "displayName": tenant.display_name,
                "created": tenant.created,
                "users": users,
            }
        )
    return json_response({"tenants": result})


async def revoke(request: web.Request) -> web.Response:
    body = await _json_body(request)
    store = ctx(request).store
    user = store.user_by_upn(str(body.get("upn", "")))
    if user is None:
        return json_response({"error": "no such user"}, status=404)
    count = store.revoke_user_grants(user.id)
    log.info("revoked %d refresh token(s) of %s", count, user.upn)
    return json_response({"revoked": count})


async def outbox(request: web.Request) -> web.Response:
    return page(
        "Outbox",
        '<h1>Outbox</h1><p class="lead">Mail sent through the sandbox appears here.</p>'
        '<p class="hint" id="outbox-empty">No mail has been sent yet.</p>',
    )


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
    app.router.add_post("/_sandbox/revoke", revoke)
    app.router.add_get("/outbox", outbox)
