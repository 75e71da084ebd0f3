"""What the sign-in page shows about the tenant: ``/me``, ``/organization`` and the role check.

The three Graph calls run concurrently; ``transitiveMemberOf`` (roles held directly or through a
role-assignable group) is followed through ``@odata.nextLink``. Only a user without a role that may create
users is then asked about: the roles they are *eligible* for in PIM (not active until they activate them).
Reading eligibility needs RoleEligibilitySchedule.Read.Directory (or RoleManagement.Read.Directory), which
the app does not ask for: a token has it only where the tenant consented to it before. Without it Graph
answers 403, and the page says it cannot tell.

Under Graph's documented *limited view* (docs/microsoft-rules.md §1.3) a token without a scope that may read
directoryRole objects (``RoleManagement.Read.Directory``, ``Directory.Read.All``…) sees its roles with only
``@odata.type`` and ``id``: ``roleTemplateId`` is null. Such an entry names no role, so the check is then
"unknown, you can try", never "not allowed". When the token holds ``RoleManagement.Read.Directory``, the
role assignments (``GET /roleManagement/directory/roleAssignments?$filter=principalId eq '{id}'``) are asked
as well; any 4xx there (the signed-in user may lack a role that may read them) also means "unknown".

Every read rides out transient answers (429, 5xx, a dropped connection) with the shared ``RetryPolicy``;
msgraph's own retry handler is off for them, so every wait is the policy's and bounded.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection
from typing import TYPE_CHECKING, Any, TypeVar

from c2t_wizard.domain.roles import (
    DirectoryRole,
    SignedInUser,
    TenantFacts,
    VerifiedDomain,
    check_may_create_users,
)
from c2t_wizard.lazy import lazy_import
from c2t_wizard.services.http_retry import RetryPolicy, http_transient

if TYPE_CHECKING:
    from msgraph.graph_service_client import GraphServiceClient

if TYPE_CHECKING:
    import asyncio
else:
    asyncio = lazy_import("asyncio")


log = logging.getLogger(__name__)

MAX_PAGES = 50
"""A bound on ``transitiveMemberOf`` and eligibility paging (100 entries a page)."""

T = TypeVar("T")


class TenantInfoError(Exception):
    """Graph answered, but not with what the page needs (e.g. no organization)."""


def _no_sdk_retries(query: Any = None) -> Any:
    """A request configuration with msgraph's retry handler off (the policy retries instead)."""
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from kiota_http.middleware.options import RetryHandlerOption

    return RequestConfiguration(
        query_parameters=query, options=[RetryHandlerOption(max_retries=0, should_retry=False)]
    )


async def _read(policy: RetryPolicy | None, what: str, call: Callable[[], Awaitable[T]]) -> T:
    """One Graph GET, retried by ``policy`` (a fresh default one when None) while transient."""
    return await (policy or RetryPolicy()).run(call, classify=http_transient, what=what)


async def _get_json(builder: Any) -> dict[str, Any]:
    """A GET read as plain JSON (``graph.get_json``: no model import on the way to the first tenant facts,
    ``python benchmarks/run.py --only signin``), msgraph's own retries off."""
    from c2t_wizard.services.graph import GraphAnswerError, get_json

    try:
        return await get_json(builder, _no_sdk_retries())
    except GraphAnswerError as exc:
        raise TenantInfoError(str(exc)) from None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


async def load_me(client: GraphServiceClient, policy: RetryPolicy | None = None) -> SignedInUser:
    """``GET /me``."""
    me = await _read(policy, "GET /me", lambda: _get_json(client.me))
    if not _text(me.get("id")):
        raise TenantInfoError("GET /me returned no user")
    return SignedInUser(
        id=_text(me["id"]),
        display_name=_text(me.get("displayName")),
        user_principal_name=_text(me.get("userPrincipalName")),
        mail=_text(me.get("mail")) or None,
    )


async def load_organization(
    client: GraphServiceClient, policy: RetryPolicy | None = None
) -> tuple[str, str, tuple[VerifiedDomain, ...]]:
    """``GET /organization``: tenant id, display name, verified domains."""
    response = await _read(policy, "GET /organization", lambda: _get_json(client.organization))
    organizations = [o for o in (response.get("value") or []) if isinstance(o, dict)]
    if not organizations:
        raise TenantInfoError("GET /organization returned no organization")
    org = organizations[0]
    domains = tuple(
        VerifiedDomain(
            name=_text(d.get("name")),
            is_initial=bool(d.get("isInitial")),
            is_default=bool(d.get("isDefault")),
        )
        for d in (org.get("verifiedDomains") or [])
        if isinstance(d, dict) and _text(d.get("name"))
    )
    return _text(org.get("id")), _text(org.get("displayName")), domains


async def load_directory_roles(
    client: GraphServiceClient, policy: RetryPolicy | None = None
) -> tuple[DirectoryRole, ...]:
    """The active directory roles of the user, held directly or through a role-assignable group
    (``GET /me/transitiveMemberOf``, every page); roles in the limited view (no template id) left out."""

    roles, _ = await load_memberships(client, policy)
    return roles


async def load_memberships(
    client: GraphServiceClient, policy: RetryPolicy | None = None
) -> tuple[tuple[DirectoryRole, ...], int]:
    """``load_directory_roles``, and how many directoryRole entries came in the limited view (no
    ``roleTemplateId``: a role is held, but Graph does not say which)."""
    hidden = 0
    roles: list[DirectoryRole] = []
    seen: set[str] = set()
    builder: Any = client.me.transitive_member_of
    for _ in range(MAX_PAGES):
        page = await _read(policy, "GET /me/transitiveMemberOf", lambda b=builder: _get_json(b))  # type: ignore[misc]
        for item in page.get("value") or []:
            if not isinstance(item, dict):
                continue
            template = _text(item.get("roleTemplateId"))
            is_role = _text(item.get("@odata.type")).lower() == "#microsoft.graph.directoryrole"
            if is_role and not template:
                hidden += 1
            if is_role and template and template.lower() not in seen:
                seen.add(template.lower())
                roles.append(
                    DirectoryRole(
                        role_template_id=template.lower(),
                        display_name=_text(item.get("displayName")),
                        id=_text(item.get("id")),
                    )
                )
        next_link = _text(page.get("@odata.nextLink"))
        if not next_link:
            break
        builder = client.me.transitive_member_of.with_url(next_link)
    else:
        log.warning("transitiveMemberOf had more than %d pages; the rest were not read", MAX_PAGES)
    return tuple(roles), hidden


async def load_role_assignments(
    client: GraphServiceClient, user_id: str, policy: RetryPolicy | None = None
) -> tuple[str, ...] | None:
    """Template ids of the tenant-wide roles assigned to the user directly; None when Graph will not say.

    ``GET /roleManagement/directory/roleAssignments?$filter=principalId eq '{id}'`` (v1.0; needs
    ``RoleManagement.Read.Directory`` and a role that may read assignments). For a built-in role,
    ``roleDefinitionId`` is its template id. Any Graph error means "unknown".
    """
    assignments: Any = client.role_management.directory.role_assignments
    query = assignments.RoleAssignmentsRequestBuilderGetQueryParameters(filter=_principal_filter(user_id))
    return await _role_templates(assignments, query, "roleAssignments", policy)


def _reads_roles(scopes: Collection[str]) -> bool:
    wanted = {scope.lower() for scope in ROLE_ASSIGNMENT_SCOPES}
    return any(scope.lower() in wanted for scope in scopes)


ROLE_ASSIGNMENT_SCOPES = (
    "RoleManagement.Read.Directory",
    "RoleManagement.Read.All",
    "RoleManagement.ReadWrite.Directory",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
)
"""A token with one of these may ask for role assignments."""


async def load_eligible_role_templates(
    client: GraphServiceClient, user_id: str, policy: RetryPolicy | None = None
) -> tuple[str, ...] | None:
    """Template ids of the tenant-wide roles the user is eligible for in PIM; None when Graph will not say.

    ``GET /roleManagement/directory/roleEligibilityScheduleInstances?$filter=principalId eq '{id}'``: for a
    built-in role, ``roleDefinitionId`` is its template id. A refusal (403: the token lacks the permission,
    or the user lacks a role that may read eligibilities) or any other Graph error means "unknown", never
    a failed sign-in.
    """
    instances: Any = client.role_management.directory.role_eligibility_schedule_instances
    query = instances.RoleEligibilityScheduleInstancesRequestBuilderGetQueryParameters(
        filter=_principal_filter(user_id)
    )
    return await _role_templates(instances, query, "roleEligibilityScheduleInstances", policy)


def _principal_filter(user_id: str) -> str:
    quoted = user_id.replace("'", "''")  # OData string literal
    return f"principalId eq '{quoted}'"


async def _role_templates(
    collection: Any, query: Any, what: str, policy: RetryPolicy | None
) -> tuple[str, ...] | None:
    """Every page of a role assignment (or eligibility) collection -> the tenant-wide roles' template ids
    (for a built-in role, ``roleDefinitionId`` is its template id); None on any Graph error ("unknown")."""
    from kiota_abstractions.api_error import APIError

    templates: list[str] = []
    builder: Any = collection
    config: Any = _no_sdk_retries(query)
    try:
        for _ in range(MAX_PAGES):
            page = await _read(
                policy,
                f"GET {what}",
                lambda b=builder, c=config: b.get(request_configuration=c),  # type: ignore[misc]
            )
            if page is None:
                break
            for item in page.value or []:
                # Scoped to an administrative unit or an app, a role does not let them create users.
                if item.role_definition_id and (item.directory_scope_id or "/") == "/":
                    templates.append(str(item.role_definition_id).lower())
            if not page.odata_next_link:
                break
            builder, config = collection.with_url(page.odata_next_link), _no_sdk_retries()
    except APIError as exc:
        log.info("%s could not be read (HTTP %s): the page cannot tell", what, exc.response_status_code)
        return None
    return tuple(dict.fromkeys(templates))


async def load_tenant_facts(
    client: GraphServiceClient, policy: RetryPolicy | None = None, scopes: Collection[str] = ()
) -> TenantFacts:
    """The signed-in user, their tenant and domains, and whether they may create users (each read retried
    by ``policy`` while transient; the default policy when None). ``scopes``: what the token holds (the
    role assignments are asked for only when it may read them)."""
    policy = policy or RetryPolicy()
    me, (tenant_id, name, domains), (roles, hidden) = await asyncio.gather(
        load_me(client, policy), load_organization(client, policy), load_memberships(client, policy)
    )
    # Complete when every role entry was named; a limited view leaves it unknown unless the role
    # assignments name a role that allows it (a refusal there changes nothing: still unknown).
    complete = hidden == 0
    check = check_may_create_users(roles, complete=complete)
    if not check.allowed and _reads_roles(scopes):
        assigned = await load_role_assignments(client, me.id, policy)
        named = {role.role_template_id for role in roles}
        if assigned and set(assigned) - named:
            roles = roles + tuple(DirectoryRole(role_template_id=t) for t in assigned if t not in named)
            check = check_may_create_users(roles, complete=complete)
    if not check.allowed and check.known:
        check = check_may_create_users(roles, await load_eligible_role_templates(client, me.id, policy))
    return TenantFacts(
        tenant_id=tenant_id,
        display_name=name,
        user=me,
        roles=check,
        verified_domains=domains,
    )
