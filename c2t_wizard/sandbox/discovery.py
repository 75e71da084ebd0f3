"""Tenant discovery: OpenID configuration per tenant, signing keys and user realm, shaped like Microsoft's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .common import aad_error, json_response
from .context import Context, ctx
from .state import Tenant

SPECIAL_TENANTS = {"common", "organizations", "consumers"}
CONSUMERS_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad"
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_DNS_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_PREFIX = re.compile(r"^[a-z0-9]+$")
ONMICROSOFT = ".onmicrosoft.com"


@dataclass(frozen=True)
class Resolved:
    """What a tenant identifier in a URL means."""

    given: str
    kind: str
    """``tenant`` (known), ``special`` (common/organizations/consumers), ``unknown`` or ``malformed``."""
    tenant: Tenant | None = None

    @property
    def segment(self) -> str:
        """The path segment Microsoft uses in this tenant's endpoints (the GUID, or the special name)."""
        return self.tenant.id if self.tenant else self.given.lower()


def is_valid_dns_name(name: str) -> bool:
    if not name or len(name) > 253:
        return False
    return all(_DNS_LABEL.match(label) for label in name.split("."))


def resolve_tenant(context: Context, given: str) -> Resolved:
    lowered = given.lower()
    if lowered in SPECIAL_TENANTS:
        return Resolved(given, "special")
    if _GUID.match(lowered):
        tenant = context.store.tenant_by_id(lowered)
        return Resolved(given, "tenant" if tenant else "unknown", tenant)
    if not is_valid_dns_name(lowered):
        return Resolved(given, "malformed")
    if lowered.endswith(ONMICROSOFT) and not _PREFIX.match(lowered[: -len(ONMICROSOFT)]):
        return Resolved(given, "malformed")
    tenant = context.store.tenant_by_domain(lowered)
    return Resolved(given, "tenant" if tenant else "unknown", tenant)


def tenant_error(request: web.Request, resolved: Resolved) -> web.Response:
    """The 400 Microsoft answers for an unknown (AADSTS90002) or malformed (AADSTS900023) tenant."""
    if resolved.kind == "malformed":
        return aad_error(
            request,
            "invalid_request",
            900023,
            f"Specified tenant identifier '{resolved.given}' is neither a valid DNS name, "
            "nor a valid external domain.",
        )
    return aad_error(
        request,
        "invalid_tenant",
        90002,
        f"Tenant '{resolved.given}' not found. Check to make sure you have the correct tenant ID "
        "and are signing into the correct cloud. Check with your subscription administrator, "
        "this may happen if there are no active subscriptions for the tenant.",
    )


def resolve_or_error(request: web.Request) -> Resolved | web.Response:
    resolved = resolve_tenant(ctx(request), request.match_info["tenant"])
    if resolved.kind in ("unknown", "malformed"):
        return tenant_error(request, resolved)
    return resolved


def v2_document(context: Context, resolved: Resolved) -> dict[str, Any]:
    segment = resolved.segment
    login = context.login
    if resolved.tenant is not None:
        issuer_tid, region = resolved.tenant.id, "EU"
    elif segment == "consumers":
        issuer_tid, region = CONSUMERS_TENANT_ID, None
    else:
        issuer_tid, region = "{tenantid}", None
    return {
        "token_endpoint": f"{login}/{segment}/oauth2/v2.0/token",
        "token_endpoint_auth_methods_supported": [
            "client_secret_post",
            "private_key_jwt",
            "client_secret_basic",
        ],
        "jwks_uri": f"{login}/{segment}/discovery/v2.0/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": f"{login}/{issuer_tid}/v2.0",
        "request_uri_parameter_supported": False,
        "userinfo_endpoint": f"{context.graph.removesuffix('/v1.0')}/oidc/userinfo",
        # Browser-facing: on the plain-http site so the browser needs no certificate.
        "authorization_endpoint": f"{context.base}/{segment}/oauth2/v2.0/authorize",
        "device_authorization_endpoint": f"{login}/{segment}/oauth2/v2.0/devicecode",
        "http_logout_supported": True,
        "frontchannel_logout_supported": True,
        "end_session_endpoint": f"{context.base}/{segment}/oauth2/v2.0/logout",
        "claims_supported": [
            "sub",
            "iss",
            "cloud_instance_name",
            "cloud_instance_host_name",
            "cloud_graph_host_name",
            "msgraph_host",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "acr",
            "nonce",
            "preferred_username",
            "name",
            "tid",
            "ver",
            "at_hash",
            "c_hash",
            "email",
        ],
        "kerberos_endpoint": f"{login}/{segment}/kerberos",
        "tenant_region_scope": region,
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": context.graph.removeprefix("https://").removesuffix("/v1.0"),
        "rbac_url": "https://pas.windows.net",
    }


def v1_document(context: Context, resolved: Resolved) -> dict[str, Any]:
    segment = resolved.segment
    login = context.login
    issuer_tid = resolved.tenant.id if resolved.tenant else "{tenantid}"
    document = v2_document(context, resolved)
    document.update(
        {
            "token_endpoint": f"{login}/{segment}/oauth2/token",
            "jwks_uri": f"{login}/common/discovery/keys",
            "issuer": f"{login}/{issuer_tid}/",
            "authorization_endpoint": f"{context.base}/{segment}/oauth2/authorize",
            "device_authorization_endpoint": f"{login}/{segment}/oauth2/devicecode",
            "end_session_endpoint": f"{context.base}/{segment}/oauth2/logout",
            "id_token_signing_alg_values_supported": ["RS256"],
        }
    )
    return document


async def openid_configuration_v2(request: web.Request) -> web.Response:
    resolved = resolve_or_error(request)
    if isinstance(resolved, web.Response):
        return resolved
    return json_response(v2_document(ctx(request), resolved))


async def openid_configuration_v1(request: web.Request) -> web.Response:
    resolved = resolve_or_error(request)
    if isinstance(resolved, web.Response):
        return resolved
    return json_response(v1_document(ctx(request), resolved))


async def keys(request: web.Request) -> web.Response:
    context = ctx(request)
    return json_response({"keys": [context.key.jwk()]})


def _realm(context: Context, login: str) -> tuple[str, Tenant | None]:
    domain = login.rpartition("@")[2].lower()
    return domain, context.store.tenant_by_domain(domain) if domain else None


async def userrealm(request: web.Request) -> web.Response:
    """``/common/userrealm/{user}`` (MSAL's ROPC user-realm discovery): Managed or Unknown."""
    domain, tenant = _realm(ctx(request), request.match_info["user"])
    body: dict[str, Any] = {"ver": "1.0", "account_type": "Managed" if tenant else "Unknown"}
    if tenant:
        body["domain_name"] = domain
        body["cloud_audience_urn"] = "urn:federation:MicrosoftOnline"
    body["cloud_instance_name"] = "microsoftonline.com"
    return json_response(body)


async def getuserrealm(request: web.Request) -> web.Response:
    """``/getuserrealm.srf?login=user@domain&json=1`` (the older, undocumented variant)."""
    login = request.query.get("login", "")
    domain, tenant = _realm(ctx(request), login)
    body: dict[str, Any] = {
        "State": 4 if tenant else 1,
        "UserState": 1 if tenant else 2,
        "Login": login,
        "NameSpaceType": "Managed" if tenant else "Unknown",
    }
    if tenant:
        body.update(
            {
                "DomainName": domain,
                "FederationBrandName": tenant.display_name,
                "CloudInstanceName": "microsoftonline.com",
                "CloudInstanceIssuerUri": "urn:federation:MicrosoftOnline",
            }
        )
    return json_response(body)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/common/userrealm/{user}", userrealm)
    app.router.add_get("/getuserrealm.srf", getuserrealm)
    app.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", openid_configuration_v2)
    app.router.add_get("/{tenant}/.well-known/openid-configuration", openid_configuration_v1)
    app.router.add_get("/{tenant}/discovery/v2.0/keys", keys)
    app.router.add_get("/{tenant}/discovery/keys", keys)
