"""Issuing and checking tokens: access tokens (JWT for Graph), id tokens, refresh tokens, client_info."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

from .common import GRAPH_APP_ID, b64url, random_token
from .context import Context
from .jwt import JwtError
from .state import User

GRAPH_RESOURCE = "https://graph.microsoft.com"
GRAPH_AUDIENCES = {GRAPH_APP_ID, GRAPH_RESOURCE, f"{GRAPH_RESOURCE}/"}
OIDC_SCOPES = {"openid", "profile", "email", "offline_access"}
# What ".default" asks for: the client registration's static Graph permissions (Graph Command Line Tools
# declares only User.Read besides the OpenID scopes). The token then carries whatever has been consented.
STATIC_GRAPH_SCOPES = ("User.Read",)
REFRESH_TOKEN_LIFETIME = 90 * 24 * 3600
PORTAL_RESOURCE = "api://call2teams-portal"
"""The Call2Teams portal's resource (application ID URI). The portal is a first-party app of the sandbox:
its delegated permission counts as consented in every tenant (no consent prompt), so any signed-in user can
get a token for it; whether they may do anything is the portal's own business (its administrators)."""
PORTAL_SCOPE = "user_impersonation"


def split_scopes(scope: str) -> list[str]:
    return [part for part in scope.split() if part]


def graph_scopes(scopes: list[str]) -> list[str]:
    """The short Graph permission names a request asks for (``https://graph.microsoft.com/`` stripped;
    ``.default`` stands for the static permissions; no Graph scope at all means ``User.Read``)."""
    granted: list[str] = []
    for scope in scopes:
        if scope.lower() in OIDC_SCOPES:
            continue
        short = scope
        for prefix in (f"{GRAPH_RESOURCE}/", f"{GRAPH_APP_ID}/"):
            if scope.lower().startswith(prefix):
                short = scope[len(prefix) :]
        names = STATIC_GRAPH_SCOPES if short == ".default" else (short,)
        granted.extend(name for name in names if name.lower() not in {g.lower() for g in granted})
    return granted or ["User.Read"]


def is_portal_request(scopes: list[str]) -> bool:
    """A request for the Call2Teams portal's resource (``api://call2teams-portal/...``), not Graph."""
    prefix = f"{PORTAL_RESOURCE}/"
    return any(scope.lower().startswith(prefix) for scope in scopes)


def missing_consent(context: Context, user: User, client_id: str, scopes: list[str]) -> list[str]:
    """The Graph scopes of a request that nobody has consented to for this user and client (none for the
    portal's resource: a first-party app of the sandbox, see ``PORTAL_RESOURCE``)."""
    if is_portal_request(scopes):
        return []
    consented = {
        scope.lower() for scope in context.store.consented_scopes(user.tenant_id, client_id, user.id)
    }
    return [scope for scope in graph_scopes(scopes) if scope.lower() not in consented]


def response_scope(scopes: list[str], granted: list[str]) -> str:
    """The ``scope`` of a token response: every Graph scope the token carries, and the OpenID scopes asked
    for (minus offline_access); for the portal, what was asked for (MSAL caches under it)."""
    if is_portal_request(scopes):
        kept = [scope for scope in scopes if scope.lower() != "offline_access"]
        return " ".join(kept)
    oidc = [scope for scope in scopes if scope.lower() in OIDC_SCOPES and scope.lower() != "offline_access"]
    kept = [*granted, *oidc]
    return " ".join(kept) if kept else "User.Read"


def client_info(user: User) -> str:
    return b64url(json.dumps({"uid": user.id, "utid": user.tenant_id}).encode("utf-8"))


@dataclass(frozen=True)
class Principal:
    """Who a valid Graph access token speaks for."""

    user: User
    scopes: tuple[str, ...]
    claims: dict[str, Any]


def issue(
    context: Context,
    user: User,
    *,
    client_id: str,
    scopes: list[str],
    nonce: str | None = None,
    refresh: bool | None = None,
) -> dict[str, Any]:
    """A token response for ``user``: access token, id token, refresh token, client_info."""
    now = int(time.time())
    lifetime = context.token_lifetime
    tenant_id = user.tenant_id
    if is_portal_request(scopes):
        audience, granted = PORTAL_RESOURCE, [PORTAL_SCOPE]
    else:
        # scp: every Graph scope consented for this user and client, not only those asked for (§2.6).
        audience, granted = GRAPH_APP_ID, context.store.consented_scopes(tenant_id, client_id, user.id)
    roles = [role.role_template_id for role in context.store.user_roles(user.id)]
    access_claims: dict[str, Any] = {
        "aud": audience,
        "iss": f"https://sts.windows.net/{tenant_id}/",
        "iat": now,
        "nbf": now,
        "exp": now + lifetime,
        "appid": client_id,
        "family_name": user.surname or "",
        "given_name": user.given_name or "",
        "name": user.display_name,
        "oid": user.id,
        "preferred_username": user.upn,
        "scp": " ".join(granted),
        "sub": b64url(hashlib.sha256(f"{user.id}|{client_id}".encode()).digest()),
        "tid": tenant_id,
        "unique_name": user.upn,
        "upn": user.upn,
        "uti": random_token(16),
        "ver": "1.0",
        "wids": roles,
    }
    body: dict[str, Any] = {
        "token_type": "Bearer",
        "scope": response_scope(scopes, granted),
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": context.key.sign(access_claims),
    }
    lowered = {scope.lower() for scope in scopes}
    if refresh if refresh is not None else "offline_access" in lowered:
        token = random_token(48)
        context.store.put_grant(
            token,
            "refresh",
            {"client_id": client_id, "tenant_id": tenant_id},
            REFRESH_TOKEN_LIFETIME,
            user_id=user.id,
        )
        body["refresh_token"] = token
    if "openid" in lowered:
        id_claims: dict[str, Any] = {
            "aud": client_id,
            "iss": f"{context.login}/{tenant_id}/v2.0",
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "name": user.display_name,
            "oid": user.id,
            "preferred_username": user.upn,
            "sub": access_claims["sub"],
            "tid": tenant_id,
            "ver": "2.0",
        }
        if nonce:
            id_claims["nonce"] = nonce
        body["id_token"] = context.key.sign(id_claims)
    body["client_info"] = client_info(user)
    return body


class TokenRejectedError(Exception):
    """A Graph bearer token that is not acceptable; the message is Graph's 401 message."""


def authenticate_bearer(context: Context, header: str) -> Principal:
    """Check an ``Authorization`` header: a sandbox-signed, unexpired Graph token of an existing user."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if not header or scheme.lower() != "bearer" or not token:
        raise TokenRejectedError("Access token is empty.")
    if token.count(".") != 2:
        raise TokenRejectedError("CompactToken parsing failed with error code: 80049217")
    try:
        claims = context.key.verify(token)
    except JwtError:
        raise TokenRejectedError("Access token validation failure. Invalid signature.") from None
    if claims.get("aud") not in GRAPH_AUDIENCES:
        raise TokenRejectedError("Access token validation failure. Invalid audience.")
    now = time.time()
    exp, nbf = claims.get("exp"), claims.get("nbf", 0)
    if not isinstance(exp, int | float) or not isinstance(nbf, int | float):
        raise TokenRejectedError("Access token validation failure.")
    if exp <= now:
        raise TokenRejectedError("Lifetime validation failed, the token is expired.")
    if nbf > now + 300:
        raise TokenRejectedError("Lifetime validation failed, the token is not yet valid.")
    user = context.store.user_by_id(str(claims.get("oid", "")))
    if user is None or user.tenant_id != claims.get("tid") or not user.account_enabled:
        raise TokenRejectedError("Access token validation failure. User or tenant not found.")
    return Principal(user, tuple(str(claims.get("scp", "")).split()), claims)
