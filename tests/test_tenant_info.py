"""Tenant facts and the role check, through the real msgraph client against the sandbox's Graph."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from typing import Any

import pytest
from conftest import ROOT, Sandbox
from helpers.sandbox_web import grant_consent

from c2t_wizard.config import DEFAULT_CLIENT_ID, Endpoints
from c2t_wizard.domain.roles import KnownRole, TenantFacts
from c2t_wizard.sandbox import state as sandbox_state
from c2t_wizard.services.auth import GRAPH_SCOPES, AuthError, AuthProblem, AuthService
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.graph import close_graph_client, create_graph_client
from c2t_wizard.services.tenant_info import load_role_assignments, load_tenant_facts

# msgraph's generated request builders warn about their own deprecated classes when first imported.
pytestmark = pytest.mark.filterwarnings(
    "ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"
)


ROLE_DEMO = {
    "group": (sandbox_state.DEMO_GROUP_USER, sandbox_state.DEMO_GROUP_USER_PASSWORD),
    "eligible": (sandbox_state.DEMO_ELIGIBLE_USER, sandbox_state.DEMO_ELIGIBLE_USER_PASSWORD),
}
"""The sandbox's demo people for the role cases: a User Administrator through a role-assignable group, and
one eligible for User Administrator in PIM (not active) who is an active Global Reader."""
READ_ELIGIBILITY = "RoleEligibilitySchedule.Read.Directory"


async def facts_for(box: Sandbox, who: str, consented: tuple[str, ...] | None = None) -> TenantFacts:
    """The tenant facts as the sign-in page reads them. ``consented``: what the tenant consented to for the
    client (a token carries every consented scope); None: the app's own client, for which the demo tenant
    consented to what the app asks for (``DEMO_CONSENTED_SCOPES``). Otherwise a client of its own is
    consented (control API) to exactly ``consented``."""
    client_id = DEFAULT_CLIENT_ID
    if consented is not None:
        client_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "c2t-test-client/" + " ".join(consented)))
        grant_consent(box.base, str(box.info["demo"]["tenant"]), " ".join(consented), client_id=client_id)
    backend = Backend(Endpoints.from_sandbox_line(box.info))
    auth = AuthService(backend, client_id=client_id, scopes=consented or GRAPH_SCOPES)
    if who in ROLE_DEMO:
        name, password = ROLE_DEMO[who]
        creds = {"username": f"{name}@{box.info['demo']['tenant']}", "password": password}
    else:
        creds = box.info["demo"][who]
    account = await auth.sign_in_with_password(creds["username"], creds["password"])
    client = await create_graph_client(backend, auth)
    try:
        return await load_tenant_facts(client, scopes=account.scopes)
    finally:
        await close_graph_client(client)
        await backend.aclose()


def test_admin_sees_contoso_and_may_create_users(sandbox: Sandbox) -> None:
    facts = asyncio.run(facts_for(sandbox, "admin"))
    demo = sandbox.info["demo"]
    assert facts.display_name == "Contoso"
    assert facts.tenant_id == demo["tenant_id"]
    assert facts.initial_domain == "contoso.onmicrosoft.com"
    assert facts.default_domain in facts.domain_names
    assert facts.user.user_principal_name == demo["admin"]["username"]
    assert facts.user.display_name
    assert facts.user.id
    assert facts.roles.allowed
    assert facts.roles.granted_by is KnownRole.GLOBAL_ADMINISTRATOR
    assert any(role.display_name == "Global Administrator" for role in facts.roles.roles)


def test_plain_user_is_told_which_roles_are_missing(sandbox: Sandbox) -> None:
    facts = asyncio.run(facts_for(sandbox, "user"))
    assert facts.user.user_principal_name == sandbox.info["demo"]["user"]["username"]
    assert facts.display_name == "Contoso"
    assert not facts.roles.allowed
    assert facts.roles.missing == (KnownRole.GLOBAL_ADMINISTRATOR, KnownRole.USER_ADMINISTRATOR)
    assert KnownRole.PRIVILEGED_ROLE_ADMINISTRATOR in facts.roles.grantable_by


def test_a_role_through_a_role_assignable_group_counts(sandbox: Sandbox) -> None:
    facts = asyncio.run(facts_for(sandbox, "group"))
    assert facts.roles.allowed
    assert facts.roles.granted_by is KnownRole.USER_ADMINISTRATOR
    assert [role.display_name for role in facts.roles.roles] == ["User Administrator"]


def test_eligible_but_not_active_is_named_when_eligibility_can_be_read(sandbox: Sandbox) -> None:
    facts = asyncio.run(facts_for(sandbox, "eligible", ("User.Read", "Directory.Read.All", READ_ELIGIBILITY)))
    assert not facts.roles.allowed
    assert facts.roles.eligibility_known
    assert facts.roles.eligible == (KnownRole.USER_ADMINISTRATOR,)
    assert [role.known for role in facts.roles.roles] == [KnownRole.GLOBAL_READER]  # eligible is not held


def test_eligibility_refused_is_unknown_not_a_failed_sign_in(sandbox: Sandbox) -> None:
    # Roles readable, but no scope that reads eligibility: Graph answers 403.
    facts = asyncio.run(facts_for(sandbox, "eligible", ("User.Read", "Directory.Read.All")))
    assert facts.user.user_principal_name.startswith(f"{sandbox_state.DEMO_ELIGIBLE_USER}@")
    assert not facts.roles.allowed
    assert not facts.roles.eligibility_known
    assert facts.roles.eligible == ()


def test_no_role_at_all_and_eligible_for_none(sandbox: Sandbox) -> None:
    # Megan holds no role that may read eligibilities either: unknown, and no role.
    facts = asyncio.run(facts_for(sandbox, "user", ("User.Read", "Directory.Read.All", READ_ELIGIBILITY)))
    assert not facts.roles.allowed
    assert facts.roles.roles == ()
    assert facts.roles.eligible == ()
    assert not facts.roles.eligibility_known
    # The administrator may read eligibilities, but has no need: Global Administrator is active.
    admin = asyncio.run(facts_for(sandbox, "admin", ("User.Read", "Directory.Read.All", READ_ELIGIBILITY)))
    assert admin.roles.allowed
    assert admin.roles.eligible == ()


def test_under_the_limited_view_the_role_is_unknown_and_the_partner_may_try(sandbox: Sandbox) -> None:
    # User.Read alone: the memberships name no role (roleTemplateId null), so nobody can tell.
    for who in ("admin", "user_admin"):
        facts = asyncio.run(facts_for(sandbox, who, ("User.Read",)))
        assert not facts.roles.allowed
        assert not facts.roles.known
        assert facts.roles.may_try
    # A plain user has no role entry at all: a complete answer, "not allowed".
    megan = asyncio.run(facts_for(sandbox, "user", ("User.Read",)))
    assert megan.roles.known
    assert not megan.roles.may_try


def test_with_role_management_read_directory_the_role_is_known(sandbox: Sandbox) -> None:
    admin = asyncio.run(facts_for(sandbox, "admin", ("User.Read", "RoleManagement.Read.Directory")))
    assert admin.roles.allowed
    assert admin.roles.granted_by is KnownRole.GLOBAL_ADMINISTRATOR
    diego = asyncio.run(facts_for(sandbox, "user_admin", ("User.Read", "RoleManagement.Read.Directory")))
    assert diego.roles.allowed
    assert diego.roles.granted_by is KnownRole.USER_ADMINISTRATOR


def test_role_assignments_name_the_role_or_say_nothing(sandbox: Sandbox) -> None:
    """``roleAssignments`` for the Global Administrator; a User Administrator may not read them (None)."""

    async def assigned(who: str) -> tuple[str, ...] | None:
        scopes = ("User.Read", "RoleManagement.Read.Directory")
        client_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "c2t-test-client/" + " ".join(scopes)))
        grant_consent(
            sandbox.base, str(sandbox.info["demo"]["tenant"]), " ".join(scopes), client_id=client_id
        )
        backend = Backend(Endpoints.from_sandbox_line(sandbox.info))
        auth = AuthService(backend, client_id=client_id, scopes=scopes)
        creds = sandbox.info["demo"][who]
        account = await auth.sign_in_with_password(creds["username"], creds["password"])
        client = await create_graph_client(backend, auth)
        try:
            return await load_role_assignments(client, account.object_id)
        finally:
            await close_graph_client(client)
            await backend.aclose()

    assert asyncio.run(assigned("admin")) == ("62e90394-69f5-4237-9190-012177145e10",)
    assert asyncio.run(assigned("user_admin")) is None


def test_signed_out_client_raises_interaction_required(sandbox: Sandbox) -> None:
    async def run() -> None:
        backend = Backend(Endpoints.from_sandbox_line(sandbox.info))
        client = await create_graph_client(backend, AuthService(backend))
        try:
            await load_tenant_facts(client)
        finally:
            await close_graph_client(client)

    with pytest.raises(AuthError) as caught:
        asyncio.run(run())
    assert caught.value.problem is AuthProblem.INTERACTION_REQUIRED


def test_token_is_sent_to_the_graph_host_only(sandbox: Sandbox) -> None:
    from c2t_wizard.services.graph import token_provider

    class FakeAuth:
        async def access_token(self) -> str:
            return "a-token"

    provider: Any = token_provider(FakeAuth(), sandbox.info["graph"])  # type: ignore[arg-type]
    graph = sandbox.info["graph"]

    async def run() -> tuple[str, str]:
        return (
            await provider.get_authorization_token(f"{graph}/me"),
            await provider.get_authorization_token("https://elsewhere.example.com/v1.0/me"),
        )

    assert asyncio.run(run()) == ("a-token", "")


def test_warm_up_imports_the_client_but_not_msgraphs_whole_model_graph() -> None:
    """The warm-up loads msgraph's client and the error model, not the ~1,200 model modules that deserialising
    a ``User`` pulls in (memory; the wizard writes its requests and reads its answers as plain JSON)."""
    code = (
        "import asyncio, sys\n"
        "from c2t_wizard.services.graph import warm_up_graph_models\n"
        "loaded = asyncio.run(warm_up_graph_models())\n"
        "names = [m for m in sys.modules if m.startswith('msgraph.')]\n"
        "assert 'msgraph.graph_service_client' in sys.modules\n"
        "assert 'msgraph.generated.models.o_data_errors.o_data_error' in sys.modules\n"
        "assert 'msgraph.generated.models.calendar' not in sys.modules\n"
        "assert 0 < loaded < 100 and len(names) < 100, (loaded, len(names))\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)


def test_importing_the_services_does_not_import_msal_or_msgraph() -> None:
    code = (
        "import sys\n"
        "import c2t_wizard.services.auth, c2t_wizard.services.graph, c2t_wizard.services.tenant_info\n"
        "import c2t_wizard.domain.roles\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('msal', 'msal_extensions', "
        "'msgraph', 'msgraph_core', 'kiota_abstractions', 'kiota_http', 'requests'))\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)
