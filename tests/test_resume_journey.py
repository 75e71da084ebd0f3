"""The whole journey resumed, its history, and "Onboard more people", in the wizard on the sandbox: an
unfinished run is offered on the Welcome page with its counts, Continue signs in to its organisation and
lands on the first page with work left; past runs are listed, viewed and exported; "Onboard more people"
goes back to the Users page with the same sign-in and makes a new run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import Sandbox
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget, QWizard
from pytestqt.qtbot import QtBot
from test_page_credentials import create
from users_page_helpers import Admin, close_admin, sign_in

from c2t_wizard.domain.users import NewUser
from c2t_wizard.services.delivery import DeliveryService
from c2t_wizard.services.journal import InvitationPlan, PersonState
from c2t_wizard.services.tenant_discovery import TenantDiscovery
from c2t_wizard.ui import application
from c2t_wizard.ui.history import HistoryDialog
from c2t_wizard.ui.pages.sign_in import SignInPage, SignInState
from c2t_wizard.ui.pages.summary import SummaryPage
from c2t_wizard.ui.pages.users import UsersPage, UsersState
from c2t_wizard.ui.runner import ServiceRunner
from c2t_wizard.ui.services import Services
from c2t_wizard.ui.wizard import OnboardingWizard, PageId

pytestmark = pytest.mark.filterwarnings(
    "ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"
)

WAIT = 30_000


@pytest.fixture
def contoso(runner: ServiceRunner, sandbox: Sandbox, tmp_path: Path) -> Iterator[Admin]:
    admin = sign_in(runner, sandbox, tmp_path, fresh=False)
    yield admin
    close_admin(runner, admin)


@dataclass
class Hosted:
    qtbot: QtBot
    wizard: OnboardingWizard
    admin: Admin

    def button(self, name: str) -> QPushButton:
        found = self.wizard.findChild(QPushButton, name)
        assert found is not None, name
        return found

    def click(self, name: str) -> None:
        button = self.button(name)
        assert button.isVisible(), name
        assert button.isEnabled(), name
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def next(self) -> None:
        button = self.wizard.button(QWizard.WizardButton.NextButton)
        self.qtbot.waitUntil(button.isEnabled, timeout=WAIT)
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def offer(self) -> str:
        page = self.wizard.welcome_page
        self.qtbot.waitUntil(lambda: page.offer_shown, timeout=WAIT)
        return page.resume_title.text()


def host(qtbot: QtBot, runner: ServiceRunner, admin: Admin, *, signed_in: bool = False) -> Hosted:
    services = Services(
        runner,
        admin.backend,
        TenantDiscovery(admin.backend),
        admin.auth,
        admin.graph,
        sandbox=True,
        directory=admin.directory,
        journal=admin.journal,
        delivery=DeliveryService(admin.graph, admin.auth, admin.backend, sandbox=True),
    )
    wizard = OnboardingWizard(services, open_url=lambda _url: True)
    if signed_in:  # as after the Sign-in page, earlier in this session
        wizard.onboarding.tenant_facts = admin.facts
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return Hosted(qtbot, wizard, admin)


def deliver_all(admin: Admin, run_id: str) -> None:
    for person in admin.journal.people(run_id):
        admin.journal.mark_credentials_delivered(run_id, person.key, "pdf")


def invite(admin: Admin, run_id: str, invited: int, on_the_wire: int) -> None:
    people = admin.journal.people(run_id)
    admin.journal.plan_invitations(
        [
            InvitationPlan(run_id, p.key, "acc-1", p.email, p.first_name, p.last_name, ("service_viewer",))
            for p in people
        ]
    )
    for person in people[:invited]:
        admin.journal.mark_invitation_sending(run_id, person.key)
        admin.journal.mark_invitation_invited(run_id, person.key, f"inv-{person.key}", None)
    for person in people[invited : invited + on_the_wire]:
        admin.journal.mark_invitation_sending(run_id, person.key)


STOPS = {
    "after creation": (PageId.CREDENTIALS, "0 of 3 people have their sign-in details."),
    "after delivery": (PageId.PORTAL, "0 of 3 people invited."),
    "during invitation": (PageId.PORTAL, "2 of 3 people invited."),
}


@pytest.mark.parametrize("stop", list(STOPS))
def test_an_unfinished_run_is_offered_and_continuing_signs_in_and_lands_on_the_page_with_work_left(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin, stop: str
) -> None:
    run_id, _passwords = create(runner, contoso, 3)
    if stop != "after creation":
        deliver_all(contoso, run_id)
    if stop == "during invitation":
        invite(contoso, run_id, invited=2, on_the_wire=1)
    expected_page, counts = STOPS[stop]
    hosted = host(qtbot, runner, contoso)
    wizard = hosted.wizard
    try:
        assert hosted.offer() == f"Continue onboarding {contoso.tenant_name}: {counts}"
        steps = wizard.welcome_page.resume_steps.text()
        if stop == "after creation":
            assert "Done: Microsoft accounts created." in steps
            assert "Next: handing over the sign-in details." in steps
        else:
            assert "Done: sign-in details handed over." in steps
            assert "Next: inviting them to the Call2Teams portal." in steps
        hosted.click("continue_button")
        # Not signed in yet in this window: Sign-in first, aimed at the run's organisation.
        assert wizard.currentId() == PageId.SIGN_IN
        page = wizard.currentPage()
        assert isinstance(page, SignInPage)
        assert contoso.auth.tenant == contoso.facts.tenant_id
        assert contoso.tenant_name in page.subTitle()
        qtbot.waitUntil(lambda: page.state is SignInState.SIGNED_IN, timeout=WAIT)  # the remembered sign-in
        hosted.next()
        assert wizard.currentId() == expected_page
        assert wizard.onboarding.user_run_ids == [run_id]
        landed = wizard.currentPage()
        qtbot.waitUntil(lambda: not landed.busy and len(landed.rows) == 3, timeout=WAIT)  # type: ignore[attr-defined]
        assert contoso.journal.run(run_id).finished_at is None
    finally:
        wizard.close()


def test_a_run_stopped_during_creation_lands_on_users_and_creation_goes_on(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin
) -> None:
    people = [
        NewUser(
            f"Late{n}",
            "Starter",
            f"Late{n} Starter",
            f"late{n}.{id(contoso) % 10_000}",
            contoso.tenant_name,
            f"late{n}@example.com",
        )
        for n in range(2)
    ]
    # The run records the organisation's display name (known at sign-in): the offer names it, not a domain.
    organisation = contoso.facts.display_name
    assert organisation
    assert organisation != contoso.tenant_name
    run_id = contoso.journal.start_run(contoso.facts.tenant_id, people, organisation=organisation)
    hosted = host(qtbot, runner, contoso, signed_in=True)
    wizard = hosted.wizard
    try:
        assert hosted.offer() == f"Continue onboarding {organisation}: 0 of 2 people added."
        hosted.click("continue_button")
        # Signed in to that organisation already: straight to the Users page, which carries on creating.
        assert wizard.currentId() == PageId.USERS
        users = wizard.currentPage()
        assert isinstance(users, UsersPage)
        assert not users.resume_banner.isVisible(), "one offer, not a second one on the Users page"
        qtbot.waitUntil(lambda: users.state is UsersState.EDITING and users.isComplete(), timeout=WAIT)
        assert users.run_ids == [run_id]
        assert {p.state for p in contoso.journal.people(run_id)} == {PersonState.CREATED}
    finally:
        wizard.close()


class Chooser:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.asked: list[str] = []

    def __call__(self, parent: QWidget, caption: str, suggested: str, name_filter: str) -> str:
        self.asked.append(suggested)
        return str(self.folder / f"export-{len(self.asked)}")


def test_the_history_lists_past_runs_and_exports_one(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin, tmp_path: Path
) -> None:
    first, passwords = create(runner, contoso, 2)
    deliver_all(contoso, first)
    invite(contoso, first, invited=2, on_the_wire=0)
    contoso.journal.finish_run(first)
    second, more = create(runner, contoso, 1)
    hosted = host(qtbot, runner, contoso)
    wizard = hosted.wizard
    try:
        hosted.offer()  # the unfinished one is offered; the history has both
        hosted.click("history_button")
        dialog = wizard.history_dialog
        assert isinstance(dialog, HistoryDialog)
        qtbot.waitUntil(lambda: not dialog.busy and len(dialog.runs) == 2, timeout=WAIT)
        assert [run.run_id for run in dialog.runs] == [second, first]
        table = dialog.history_table
        rows = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(2)]
        assert rows[0][1:] == [contoso.tenant_name, "1", "0 of 1", "0 of 1", "Not finished"]
        assert rows[1][1:] == [contoso.tenant_name, "2", "2 of 2", "2 of 2", "Finished"]
        assert all(row[0] for row in rows), "each says when it started"

        dialog.select_run(1)
        qtbot.mouseClick(dialog.view_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.report_dialog is not None, timeout=WAIT)
        assert dialog.report_dialog is not None
        assert dialog.report_dialog.findChild(QWidget, "run_report_table").model().rowCount() == 2  # type: ignore[union-attr]
        dialog.report_dialog.close()

        chooser = Chooser(tmp_path)
        dialog._choose_file = chooser  # the save dialog, answered
        dialog.export_selected("json")
        qtbot.waitUntil(lambda: dialog.history_status.text().startswith("Saved to"), timeout=WAIT)
        exported = (tmp_path / "export-1.json").read_text("utf-8")
        report = json.loads(exported)
        assert [p["account"]["status"] for p in report["people"]] == ["created", "created"]
        assert {p["runId"] if "runId" in p else p.get("run_id") for p in report["people"]} == {first}
        for secret in (*passwords.values(), *more.values()):
            assert secret not in exported
        dialog.close()
    finally:
        wizard.close()


def test_onboard_more_people_reaches_users_with_the_same_account_and_makes_a_new_run(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin
) -> None:
    run_id, _passwords = create(runner, contoso, 1)
    deliver_all(contoso, run_id)
    invite(contoso, run_id, invited=1, on_the_wire=0)
    hosted = host(qtbot, runner, contoso, signed_in=True)
    wizard = hosted.wizard
    try:
        hosted.offer()
        hosted.click("continue_button")  # everyone done: the summary, which closes the run
        assert wizard.currentId() == PageId.SUMMARY
        summary = wizard.currentPage()
        assert isinstance(summary, SummaryPage)
        qtbot.waitUntil(lambda: not summary.busy and len(summary.rows) == 1, timeout=WAIT)
        qtbot.waitUntil(lambda: contoso.journal.run(run_id).finished_at is not None, timeout=WAIT)
        facts, account = wizard.onboarding.tenant_facts, contoso.auth.signed_in

        assert summary.more_people_button.isVisible()
        qtbot.mouseClick(summary.more_people_button, Qt.MouseButton.LeftButton)
        assert wizard.currentId() == PageId.USERS
        users = wizard.currentPage()
        assert isinstance(users, UsersPage)
        assert wizard.onboarding.tenant_facts is facts
        assert contoso.auth.signed_in == account, "the same sign-in"
        assert users.run_ids == []
        assert wizard.onboarding.user_run_ids == []
        assert [row.blank for row in users.model.rows] == [True]

        newcomer = NewUser(
            "New", "Starter", "New Starter", f"new.{run_id[:8]}", contoso.tenant_name, "new@example.com"
        )
        users.model.remove_rows(range(users.model.rowCount()))
        users.model.add_users([newcomer])
        create_button = hosted.button("create_users_button")
        qtbot.waitUntil(create_button.isEnabled, timeout=WAIT)
        qtbot.mouseClick(create_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: users.state is UsersState.EDITING and users.isComplete(), timeout=WAIT)
        assert len(users.run_ids) == 1
        assert users.run_ids[0] != run_id
        assert contoso.journal.run(users.run_ids[0]).tenant_id == facts.tenant_id  # type: ignore[union-attr]

        # Later, from the Welcome page: the same shortcut, one click to the Users page.
        wizard.restart()
        assert wizard.currentId() == PageId.WELCOME
        shortcut = wizard.welcome_page.more_people_button
        assert shortcut.isVisible()
        assert shortcut.text().replace("&", "") == "Onboard more people in Contoso"
        qtbot.mouseClick(shortcut, Qt.MouseButton.LeftButton)
        assert wizard.currentId() == PageId.USERS
    finally:
        wizard.close()


@pytest.fixture
def german(qapp: QApplication) -> Iterator[None]:
    installed = application.install_translations(qapp, "de")
    try:
        yield
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)
            translator.deleteLater()
        qapp.processEvents()


def test_the_offer_in_german(qtbot: QtBot, runner: ServiceRunner, contoso: Admin, german: None) -> None:
    run_id, _passwords = create(runner, contoso, 3)
    deliver_all(contoso, run_id)
    invite(contoso, run_id, invited=1, on_the_wire=0)
    hosted = host(qtbot, runner, contoso)
    try:
        assert (
            hosted.offer()
            == f"Einrichtung von {contoso.tenant_name} fortsetzen: 1 von 3 Personen eingeladen."
        )
        page = hosted.wizard.welcome_page
        assert page.continue_button.text() == "&Fortsetzen"
        assert "Erledigt: Anmeldedaten übergeben." in page.resume_steps.text()
        assert hosted.button("history_button").text() == "&Verlauf der Einrichtungen …"
    finally:
        hosted.wizard.close()


def test_a_partner_done_with_the_offered_run_closes_it_and_it_stays_in_the_history(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin
) -> None:
    run_id, _passwords = create(runner, contoso, 2)
    hosted = host(qtbot, runner, contoso)
    try:
        hosted.offer()
        hosted.click("close_offer_button")
        assert not hosted.wizard.welcome_page.offer_shown
        qtbot.waitUntil(lambda: contoso.journal.run(run_id).finished_at is not None, timeout=WAIT)
        assert contoso.journal.unfinished_runs() == []
        assert [p.state for p in contoso.journal.people(run_id)] == [PersonState.CREATED] * 2, (
            "nobody removed"
        )
    finally:
        hosted.wizard.close()


def test_a_remembered_sign_in_takes_the_welcome_page_to_users_in_one_click(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin
) -> None:
    """A new session (nobody signed in in this window), the account remembered in the token cache: the
    Welcome page's "Onboard more people" signs in silently and lands on the Users page."""
    hosted = host(qtbot, runner, contoso)
    wizard = hosted.wizard
    try:
        shortcut = wizard.welcome_page.more_people_button
        qtbot.waitUntil(shortcut.isVisible, timeout=WAIT)
        assert shortcut.text().replace("&", "") == f"Onboard more people in {contoso.tenant_name}"
        qtbot.mouseClick(shortcut, Qt.MouseButton.LeftButton)

        def arrived() -> None:
            assert wizard.currentId() == PageId.USERS

        qtbot.waitUntil(arrived, timeout=WAIT)
        facts = wizard.onboarding.tenant_facts
        assert facts is not None
        assert facts.tenant_id == contoso.facts.tenant_id
        assert wizard.onboarding.signed_in_username == contoso.admin_upn
        users = wizard.currentPage()
        assert isinstance(users, UsersPage)
        assert users.run_ids == []
    finally:
        wizard.close()
