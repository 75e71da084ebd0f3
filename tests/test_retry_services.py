"""Every call to Microsoft rides out transient errors under the shared retry policy, against the sandbox over
HTTP with faults: token requests (AADSTS90033 on the token endpoint in OAuth's shape), Graph reads of the
sign-in page, and the password reset (a PATCH re-sent with the same password after a lost answer)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import Sandbox

from c2t_wizard.config import Endpoints
from c2t_wizard.domain.users import NewUser
from c2t_wizard.services.auth import AuthError, AuthProblem, AuthService
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.delivery import DeliveryService
from c2t_wizard.services.directory import DirectoryService
from c2t_wizard.services.graph import GraphSession
from c2t_wizard.services.http_retry import ATTEMPTS, RetryPolicy
from c2t_wizard.services.journal import Journal
from c2t_wizard.services.tenant_info import load_tenant_facts

pytestmark = pytest.mark.filterwarnings(
    "ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"
)

RETRY_AFTER = 0.05
"""The sandbox's Retry-After in these tests (``retry_after=50ms``)."""


class Waits:
    """The policy's sleep, recorded: each wait is waited for real (``wait``) or skipped."""

    def __init__(self, *, wait: bool = True) -> None:
        self.waits: list[float] = []
        self._wait = wait

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self._wait:
            await asyncio.sleep(seconds)


@dataclass
class Admin:
    backend: Backend
    auth: AuthService
    graph: GraphSession


@asynccontextmanager
async def signed_in(box: Sandbox, waits: Waits, *, policy: RetryPolicy | None = None) -> AsyncIterator[Admin]:
    demo = box.info["demo"]["admin"]
    backend = Backend(Endpoints.from_sandbox_line(box.info))
    auth = AuthService(backend, retry_policy=policy, sleep=waits)
    graph = GraphSession(backend, auth)
    try:
        await auth.sign_in_with_password(demo["username"], demo["password"])
        yield Admin(backend, auth, graph)
    finally:
        await graph.aclose()
        await backend.aclose()


def test_a_token_endpoint_busy_throughout_is_service_busy_not_sign_in_again(clean_faults: Sandbox) -> None:
    """Every token request answered 429 AADSTS90033: asked ATTEMPTS times, each after the answer's
    Retry-After, then "busy"; once Microsoft answers again the same sign-in works (nothing was forgotten,
    and MSAL did not keep replaying the refusal from its cache)."""
    waits = Waits(wait=False)

    async def run() -> tuple[AuthError, str]:
        async with signed_in(clean_faults, waits) as admin:
            clean_faults.set_faults(f"429=1,retry_after={int(RETRY_AFTER * 1000)}ms")
            with pytest.raises(AuthError) as caught:
                await admin.auth.access_token(force_refresh=True)
            clean_faults.set_faults("")
            return caught.value, await admin.auth.access_token(force_refresh=True)

    error, token = asyncio.run(run())
    assert error.problem is AuthProblem.SERVICE_BUSY
    assert error.aadsts == 90033
    assert waits.waits == [RETRY_AFTER] * (ATTEMPTS - 1)
    assert token


def test_sign_in_token_refreshes_and_tenant_facts_under_503_and_429(clean_faults: Sandbox) -> None:
    """The issue's faults on identity and Graph, with a fixed seed: discovery, the password sign-in, ten
    forced refreshes and the sign-in page's Graph reads all succeed, after retries."""
    waits = Waits()
    spec = clean_faults.set_faults(f"503=0.2,429=0.2,retry_after={int(RETRY_AFTER * 1000)}ms,seed=11")

    async def run() -> str:
        async with signed_in(clean_faults, waits) as admin:
            for _ in range(10):
                assert await admin.auth.access_token(force_refresh=True)
            client = await admin.graph.client()
            facts = await load_tenant_facts(client, RetryPolicy(sleep=waits))
            return facts.display_name

    assert asyncio.run(run()) == "Contoso", spec
    assert waits.waits, f"no fault hit a token request under {spec}"


def test_tenant_facts_read_through_graph_faults(clean_faults: Sandbox) -> None:
    waits = Waits()

    async def run() -> tuple[str, bool]:
        async with signed_in(clean_faults, Waits()) as admin:
            client = await admin.graph.client()
            await admin.auth.access_token()
            clean_faults.set_faults(f"503=0.3,429=0.3,retry_after={int(RETRY_AFTER * 1000)}ms,seed=5")
            facts = await load_tenant_facts(client, RetryPolicy(attempts=8, sleep=waits))
            return facts.display_name, facts.roles.allowed

    assert asyncio.run(run()) == ("Contoso", True)
    assert RETRY_AFTER in waits.waits, "no Graph read was refused: the faults did not hit"


def test_password_reset_resent_after_a_lost_answer_sets_the_same_password(
    clean_faults: Sandbox, tmp_path: Path
) -> None:
    """``drop_after_commit``: the PATCH is applied and its answer lost; while the policy waits, Microsoft
    recovers (the faults are lifted); the PATCH is sent again with the same password, and the password
    returned is the one that works."""
    waits: list[float] = []

    async def recover(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.to_thread(clean_faults.set_faults, "")

    tag = uuid.uuid4().hex[:8]
    person = NewUser(
        "Reset",
        "Retry",
        "Reset Retry",
        f"reset.{tag}",
        clean_faults.info["demo"]["tenant"],
        f"r.{tag}@example.com",
    )

    async def run() -> tuple[str, str]:
        async with signed_in(clean_faults, Waits()) as admin:
            with Journal.open(tmp_path / "journal.sqlite3") as journal:
                run_id = journal.start_run("tenant", [person])
                created = await DirectoryService(admin.graph, journal).create_users(run_id)
                assert created.created == 1
                user_id = journal.people(run_id)[0].user_id
                assert user_id
                delivery = DeliveryService(
                    admin.graph, admin.auth, admin.backend, sandbox=True, sleep=recover
                )
                clean_faults.set_faults("drop_after_commit=1")
                new = await delivery.reset_password(user_id)
                return new, person.upn

    new, upn = asyncio.run(run())
    assert len(waits) == 1  # one lost answer, one retry

    async def sign_in(password: str) -> AuthProblem | None:
        backend = Backend(Endpoints.from_sandbox_line(clean_faults.info))
        try:
            await AuthService(backend).sign_in_with_password(upn, password)
        except AuthError as exc:
            return exc.problem
        finally:
            await backend.aclose()
        return None

    assert asyncio.run(sign_in(new)) is AuthProblem.INTERACTION_REQUIRED  # "update your password": it works
