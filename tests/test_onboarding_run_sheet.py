"""``OnboardingRun`` delivering by welcome sheet (the headless ``--deliver pdf:PATH``'s strategy) against the
sandbox: a sheet that can't be written leaves everyone's details pending and says so; the next run resets
the passwords nobody knows any more, puts them on the sheet and records it; a run after that hands out
nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from conftest import Sandbox
from users_page_helpers import Admin, close_admin, sign_in

from c2t_wizard.domain.users import NewUser
from c2t_wizard.domain.welcome_message import WelcomeMessage
from c2t_wizard.services.delivery import DeliveryService
from c2t_wizard.services.directory import DirectoryService
from c2t_wizard.services.journal import DeliveryState
from c2t_wizard.services.onboarding_run import (
    Delivery,
    OnboardingRequest,
    OnboardingResult,
    OnboardingRun,
    SheetHook,
)
from c2t_wizard.ui.runner import ServiceRunner

pytestmark = pytest.mark.filterwarnings(
    "ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"
)


@pytest.fixture
def contoso(runner: ServiceRunner, sandbox: Sandbox, tmp_path: Path) -> Iterator[Admin]:
    admin = sign_in(runner, sandbox, tmp_path, fresh=False)
    yield admin
    close_admin(runner, admin)


def test_a_sheet_not_written_is_redone_with_new_passwords_and_never_twice(
    runner: ServiceRunner, contoso: Admin
) -> None:
    tag = uuid.uuid4().hex[:8]
    people = tuple(
        NewUser(
            f"S{n}", "Sheet", f"S{n} Sheet", f"s{n}.{tag}", contoso.tenant_name, f"s{n}.{tag}@example.com"
        )
        for n in range(2)
    )
    request = OnboardingRequest(
        tenant_id=contoso.facts.tenant_id,
        people=people,
        roles=(),
        account_id=None,
        deliver=Delivery.PDF,
        tenant_domains=contoso.facts.domain_names,
        organisation=contoso.facts.display_name,
    )
    delivery = DeliveryService(contoso.graph, contoso.auth, contoso.backend, sandbox=True)
    sheets: list[list[tuple[str, str]]] = []

    def broken(_pages: Sequence[tuple[str, WelcomeMessage]]) -> None:
        raise OSError("the disk is full")

    def keep(pages: Sequence[tuple[str, WelcomeMessage]]) -> None:
        sheets.append([(name, message.text) for name, message in pages])

    def run(sheet: SheetHook, directory: DirectoryService = contoso.directory) -> OnboardingResult:
        onboarding = OnboardingRun(contoso.journal, directory, delivery=delivery, sheet=sheet)
        result: OnboardingResult = runner.call(onboarding.run(request), timeout=60)
        return result

    first = run(broken)
    assert not first.good
    assert [p.problem for p in first.people] == ["deliver: SHEET_NOT_WRITTEN"] * 2
    run_id = first.run_id
    for person in contoso.journal.people(run_id):
        assert person.credentials_pending
        assert (person.delivery_method, person.delivery_state) == ("pdf", DeliveryState.NOT_DELIVERED)
    assert contoso.journal.run(run_id).organisation == contoso.facts.display_name

    # The same people again, as a new process would: the run is not over (details pending), so it is
    # resumed; the passwords set at creation were never handed over and are gone with the first process's
    # memory: reset, then put on the sheet.
    second = run(keep, DirectoryService(contoso.graph, contoso.journal))  # as a new process: no passwords
    assert second.good, [p.problem for p in second.people]
    assert second.resumed
    assert second.run_id == run_id
    assert all(p.password_reset for p in second.people), second
    assert len(sheets) == 1
    assert [name for name, _text in sheets[0]] == ["S0 Sheet", "S1 Sheet"]
    assert all(f"s{n}.{tag}@" in text for n, (_name, text) in enumerate(sheets[0]))
    for person in contoso.journal.people(run_id):
        assert not person.credentials_pending
        assert (person.delivery_method, person.delivery_state) == ("pdf", DeliveryState.ON_WELCOME_SHEET)

    # Once more: nothing is pending any more, nobody gets a second password.
    third = run(keep)
    assert third.good
    assert len(sheets) == 1
