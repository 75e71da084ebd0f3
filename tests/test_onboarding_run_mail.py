"""``OnboardingRun`` mailing the welcome messages (the headless ``onboard``'s default) against the sandbox:
at most ``MAIL_IN_FLIGHT`` ``sendMail`` calls at once (Outlook's 4 concurrent requests per mailbox), every
answer recorded; a problem that would come for everyone stops the sending, the people not yet sent to
fail with it without a call."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import Sandbox
from users_page_helpers import Admin, close_admin, sign_in

from c2t_wizard.domain.users import NewUser
from c2t_wizard.domain.welcome_message import WelcomeMessage
from c2t_wizard.services.delivery import DeliveryError, DeliveryProblem, DeliveryService
from c2t_wizard.services.journal import DeliveryState
from c2t_wizard.services.onboarding_run import (
    MAIL_IN_FLIGHT,
    Delivery,
    OnboardingRequest,
    OnboardingResult,
    OnboardingRun,
)
from c2t_wizard.ui.runner import ServiceRunner

pytestmark = pytest.mark.filterwarnings(
    "ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"
)

PEOPLE = 3 * MAIL_IN_FLIGHT


@pytest.fixture
def contoso(runner: ServiceRunner, sandbox: Sandbox, tmp_path: Path) -> Iterator[Admin]:
    admin = sign_in(runner, sandbox, tmp_path, fresh=False)
    yield admin
    close_admin(runner, admin)


def request_for(contoso: Admin, tag: str) -> OnboardingRequest:
    # Work emails inside the organisation's own domain: not counted against the onmicrosoft.com cap that the
    # other tests of the session share.
    people = tuple(
        NewUser(
            f"M{n}",
            "Mail",
            f"M{n} Mail",
            f"m{n}.{tag}",
            contoso.tenant_name,
            f"home{n}.{tag}@{contoso.tenant_name}",
        )
        for n in range(PEOPLE)
    )
    return OnboardingRequest(
        tenant_id=contoso.facts.tenant_id,
        people=people,
        roles=(),
        account_id=None,
        deliver=Delivery.GRAPH,
        tenant_domains=contoso.facts.domain_names,
        organisation=contoso.facts.display_name,
    )


def test_welcome_mails_go_out_mail_in_flight_at_a_time_each_recorded(
    runner: ServiceRunner, contoso: Admin
) -> None:
    """Every call is held until ``MAIL_IN_FLIGHT`` are on the wire (or 30 s pass, a failure), so the count
    does not depend on the machine's speed."""
    seen = SimpleNamespace(now=0, most=0, calls=0, full=False)
    gate = asyncio.Event()

    class Counting(DeliveryService):
        async def send_mail(self, to: str, message: WelcomeMessage, **options: Any) -> None:
            seen.now += 1
            seen.calls += 1
            seen.most = max(seen.most, seen.now)
            if seen.now == MAIL_IN_FLIGHT:
                seen.full = True
                gate.set()
            try:
                if not seen.full:
                    await asyncio.wait_for(gate.wait(), 30)
                await super().send_mail(to, message, **options)
            finally:
                seen.now -= 1

    delivery = Counting(contoso.graph, contoso.auth, contoso.backend, sandbox=True)
    onboarding = OnboardingRun(contoso.journal, contoso.directory, delivery=delivery)
    result: OnboardingResult = runner.call(
        onboarding.run(request_for(contoso, uuid.uuid4().hex[:8])), timeout=90
    )
    assert result.good, [p.problem for p in result.people]
    assert MAIL_IN_FLIGHT == 4
    assert seen.most == MAIL_IN_FLIGHT
    assert seen.calls == PEOPLE
    for person in contoso.journal.people(result.run_id):
        assert not person.credentials_pending
        assert person.delivery_state is DeliveryState.SENT


def test_a_problem_for_everyone_stops_the_mails_not_yet_sent(runner: ServiceRunner, contoso: Admin) -> None:
    calls: list[str] = []

    class NoMailbox(DeliveryService):
        async def send_mail(self, to: str, message: WelcomeMessage, **options: Any) -> None:
            calls.append(to)
            await asyncio.sleep(0)
            raise DeliveryError(DeliveryProblem.NO_MAILBOX, "the mailbox is not enabled")

    delivery = NoMailbox(contoso.graph, contoso.auth, contoso.backend, sandbox=True)
    onboarding = OnboardingRun(contoso.journal, contoso.directory, delivery=delivery)
    result: OnboardingResult = runner.call(
        onboarding.run(request_for(contoso, uuid.uuid4().hex[:8])), timeout=90
    )
    assert 1 <= len(calls) <= MAIL_IN_FLIGHT  # only those already on their way when the first answer came
    assert [p.problem for p in result.people] == [f"deliver: {DeliveryProblem.NO_MAILBOX.value}"] * PEOPLE
    for person in contoso.journal.people(result.run_id):
        assert person.credentials_pending
