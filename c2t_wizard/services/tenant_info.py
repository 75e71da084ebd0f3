"""What the sign-in page shows about the tenant: ``/me``, ``/organization`` and the role check (memberOf).

The three Graph calls run concurrently; ``memberOf`` is followed through ``@odata.nextLink``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from c2t_wizard.domain.roles import (
    DirectoryRole,
    SignedInUser,
    TenantFacts,
    VerifiedDomain,
    check_may_create_users,
)
from c2t_wizard.lazy import lazy_import

if TYPE_CHECKING:
    from msgraph.graph_service_client import GraphServiceClient

if TYPE_CHECKING:
    import asyncio
else:
    asyncio = lazy_import("asyncio")


log = logging.getLogger(__name__)

MAX_PAGES = 50
"""A bound on ``memberOf`` paging (100 entries a page)."""


class TenantInfoError(Exception):
    """Graph answered, but not with what the page needs (e.g. no organization)."""


async def load_me(client: GraphServiceClient) -> SignedInUser:
    """``GET /me``."""
    me = await client.me.get()
    if me is None or not me.id:
        raise TenantInfoError("GET /me returned no user")
    return SignedInUser(
        id=str(me.id),
        display_name=me.display_name or "",
        user_principal_name=me.user_principal_name or "",
        mail=me.mail or None,
    )


async def load_organization(client: GraphServiceClient) -> tuple[str, str, tuple[VerifiedDomain, ...]]:
    """``GET /organization``: tenant id, display name, verified domains."""
    response = await client.organization.get()
    organizations = (response.value if response is not None else None) or []
    if not organizations:
        raise TenantInfoError("GET /organization returned no organization")
    org = organizations[0]
    domains = tuple(
        VerifiedDomain(name=d.name, is_initial=bool(d.is_initial), is_default=bool(d.is_default))
        for d in (org.verified_domains or [])
        if d.name
    )
    return str(org.id or ""), org.display_name or "", domains


async def load_directory_roles(client: GraphServiceClient) -> tuple[DirectoryRole, ...]:
    """The directory roles the user is a direct member of (``GET /me/memberOf``, every page)."""
    from msgraph.generated.models.directory_role import DirectoryRole as GraphDirectoryRole

    roles: list[DirectoryRole] = []
    builder: Any = client.me.member_of
    for _ in range(MAX_PAGES):
        page = await builder.get()
        if page is None:
            break
        for item in page.value or []:
            template = getattr(item, "role_template_id", None)
            is_role = isinstance(item, GraphDirectoryRole) or (
                (item.odata_type or "").lower() == "#microsoft.graph.directoryrole"
            )
            if is_role and template:
                roles.append(
                    DirectoryRole(
                        role_template_id=str(template).lower(),
                        display_name=getattr(item, "display_name", None) or "",
                        id=str(item.id or ""),
                    )
                )
        next_link = page.odata_next_link
        if not next_link:
            break
        builder = client.me.member_of.with_url(next_link)
    else:
        log.warning("memberOf had more than %d pages; the rest were not read", MAX_PAGES)
    return tuple(roles)


async def load_tenant_facts(client: GraphServiceClient) -> TenantFacts:
    """The signed-in user, their tenant and domains, and whether they may create users."""
    me, (tenant_id, name, domains), roles = await asyncio.gather(
        load_me(client), load_organization(client), load_directory_roles(client)
    )
    return TenantFacts(
        tenant_id=tenant_id,
        display_name=name,
        user=me,
        roles=check_may_create_users(roles),
        verified_domains=domains,
    )
