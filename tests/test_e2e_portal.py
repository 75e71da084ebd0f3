"""The whole journey on the sandbox, Welcome to invitations, for 10 people under faults: sign in, create
them, hand over their passwords, invite them into a customer account of the Call2Teams portal (through the
portal API, with the sandbox throwing 429s, 503s and answers lost after commit); then each person opens their
activation link with their new account (the sandbox's activation page, with the forced password change)
-> ``GET /administrators`` lists each exactly once with the chosen roles, and the page sees them accepted."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from conftest import Sandbox
from helpers import portal as sandbox_portal
from helpers.wizard_run import WAIT, Run
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot
from test_e2e_credentials import sign_in_and_create, to_credentials

from c2t_wizard.config import Config
from c2t_wizard.domain.portal import PortalRole
from c2t_wizard.services.delivery import DeliveryMethod
from c2t_wizard.services.journal import InvitationState
from c2t_wizard.services.portal import BackendKind, PortalProblem
from c2t_wizard.ui.pages.credentials import RowState
from c2t_wizard.ui.pages.portal import PortalPage
from c2t_wizard.ui.pages.summary import SummaryPage
from c2t_wizard.ui.wizard import PageId

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"),
]

PORTAL_FAULTS = "503=0.2,429=0.2,drop_after_commit=0.1,retry_after=100ms"
"""Issue 10's faults, on every path the portal API uses too (answers lost after the invitation was made)."""


def test_ten_people_from_welcome_to_portal_administrators_under_faults(
    qtbot: QtBot, config: Config, tmp_path: Path
) -> None:
    run = Run(qtbot, config)
    try:
        run.start()
        _users, chosen = sign_in_and_create(run, qtbot, count=10)
        credentials = to_credentials(run, qtbot)
        passwords = dict(run.wizard.onboarding.passwords)  # memory only, handed over by the Users page
        assert len(passwords) == 10
        assert credentials.method is DeliveryMethod.SEND_MAIL
        qtbot.mouseClick(credentials.deliver_all_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: [r.state for r in credentials.rows] == [RowState.DELIVERED] * 10, timeout=WAIT
        )
        next_button = run.button(QWizard.WizardButton.NextButton)
        qtbot.waitUntil(next_button.isEnabled, timeout=WAIT)
        qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
        assert run.wizard.currentId() == PageId.PORTAL
        page = run.wizard.currentPage()
        assert isinstance(page, PortalPage)
        qtbot.waitUntil(
            lambda: not page.busy and len(page.rows) == 10 and len(page.accounts) == 3, timeout=WAIT
        )
        assert run.app.services.portal is not None
        assert run.app.services.portal.kind is BackendKind.API
        assert "portal API" in page.backend_label.text()
        assert [row.email for row in page.rows] == [user.email for user in chosen]

        # A customer account; the first person administers it, everyone else supports customers.
        customer = next(n for n, a in enumerate(page.accounts) if a.parent_id is not None)
        page.portal_account_combo.setCurrentIndex(customer)
        account = page.accounts[customer]
        page.select_rows([0])
        page.set_roles(frozenset({PortalRole.ACCOUNT_OWNER, PortalRole.SUBSCRIPTION_CONTRIBUTOR}))
        page.select_rows([])

        info = run.sandbox_info()
        spec = Sandbox.seeded(PORTAL_FAULTS)
        response = httpx.post(
            f"{info['base']}/_sandbox/faults", json={"spec": spec}, timeout=10, trust_env=False
        )
        response.raise_for_status()
        print(f"sandbox faults: {response.json()['spec']}")
        try:
            qtbot.mouseClick(page.invite_all_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: not page.busy, timeout=120_000)
        finally:
            httpx.post(f"{info['base']}/_sandbox/faults", json={"spec": ""}, timeout=10, trust_env=False)
        statuses = [page.model.status_text(row) for row in page.rows]
        # About one answer in two is refused or lost here, and an invitation gets five attempts: one of the
        # ten may use them all up (about 3 % each; with 8 in flight, which one is not fixed by the seed). It
        # then says the portal is busy, and the partner clicks Retry failed once the portal is well again; its
        # first attempts may have made the invitation (an answer lost after commit): still one, same key.
        busy = [row for row in page.rows if row.state is InvitationState.FAILED]
        assert all(row.state is InvitationState.INVITED or row in busy for row in page.rows), statuses
        assert all(row.problem_code == PortalProblem.BUSY.value for row in busy), statuses
        if busy:
            assert page.retry_failed_button.isEnabled()
            qtbot.mouseClick(page.retry_failed_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: not page.busy, timeout=WAIT)
        statuses = [page.model.status_text(row) for row in page.rows]
        assert [row.state for row in page.rows] == [InvitationState.INVITED] * 10, statuses
        journal = run.app.services.journal
        assert journal is not None
        records = [r for run_id in run.wizard.onboarding.user_run_ids for r in journal.invitations(run_id)]
        assert {r.account_id for r in records} == {account.id}

        # Each person activates their link with their new account (forced password change on the way).
        key = sandbox_portal.api_key(info)
        with sandbox_portal.api_client(info, key) as client:
            listed = client.get(f"/accounts/{account.id}/invitations").json()["value"]
        mine = {inv["email"]: inv for inv in listed if inv["email"] in {u.email for u in chosen}}
        assert len(mine) == 10  # one invitation each, despite the lost answers
        for user in chosen:
            new_password = f"Chosen-{uuid.uuid4().hex[:8]}-Bb2!"
            done = sandbox_portal.activate(
                info,
                mine[user.email]["activationUrl"],
                user.upn,
                passwords[user.upn.lower()],
                new_password=new_password,
            )
            assert "activated" in done.texts, done.errors
        with sandbox_portal.api_client(info, key) as client:
            admins = client.get(f"/accounts/{account.id}/administrators").json()["value"]
        for n, user in enumerate(chosen):
            entries = [a for a in admins if a["signInName"].lower() == user.upn.lower()]
            assert len(entries) == 1, (user.upn, entries)
            expected = ["account_owner", "subscription_contributor"] if n == 0 else ["service_contributor"]
            assert sorted(entries[0]["roles"]) == expected
            assert entries[0]["email"] == user.email

        # The page asks the portal: everyone accepted; Next shows the summary, where all ten are done.
        qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: [r.state for r in page.rows] == [InvitationState.ACCEPTED] * 10, timeout=WAIT)
        qtbot.waitUntil(next_button.isEnabled, timeout=WAIT)
        qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
        summary = run.wizard.currentPage()
        assert isinstance(summary, SummaryPage)
        qtbot.waitUntil(lambda: not summary.busy and len(summary.rows) == 10, timeout=WAIT)
        assert [p.invitation.status for p in summary.rows] == ["accepted"] * 10
        assert all(p.ok for p in summary.rows), [p.problems for p in summary.rows]
        finish = run.button(QWizard.WizardButton.FinishButton)
        qtbot.waitUntil(finish.isEnabled, timeout=WAIT)
    finally:
        run.app.shutdown()
