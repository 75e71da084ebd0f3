"""The Portal page: guided mode with the browser opener replaced, the email rule at its cell, roles,
statuses, retry failed, withdraw, stop and the close guard while inviting, a big table."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Sandbox
from helpers import portal as sandbox_portal
from portal_helpers import RecordingPortal
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard
from pytestqt.qtbot import QtBot

from c2t_wizard.config import Endpoints
from c2t_wizard.domain.onboarding import Onboarding, StartChoice
from c2t_wizard.domain.portal import AccountKind, EmailProblem, PortalAccount, PortalRole
from c2t_wizard.domain.users import NewUser
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.delivery import DeliveryMethod
from c2t_wizard.services.journal import DeliveryState, InvitationState, Journal, person_key
from c2t_wizard.services.portal import PortalBackend, PortalProblem
from c2t_wizard.services.portal_api import ApiPortal
from c2t_wizard.services.portal_guided import GuidedPortal
from c2t_wizard.ui.pages.portal import PortalPage
from c2t_wizard.ui.portal_model import Column
from c2t_wizard.ui.runner import ServiceRunner
from c2t_wizard.ui.widgets import StatusKind

WAIT = 20_000
SHOTS = Path("/tmp/c2t-portal-shots")
DOMAIN = "contoso.onmicrosoft.com"


def people(count: int) -> list[NewUser]:
    return [
        NewUser(
            f"Anna{i}", f"Muster{i}", f"Anna{i} Muster{i}", f"anna.{i}", DOMAIN, f"anna.{i}@firma.example"
        )
        for i in range(count)
    ]


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "journal.sqlite3")
    yield opened
    opened.close()


class Hosted:
    def __init__(
        self, qtbot: QtBot, wizard: QWizard, page: PortalPage, run_id: str, journal: Journal
    ) -> None:
        self.qtbot, self.wizard, self.page, self.run_id, self.journal = qtbot, wizard, page, run_id, journal

    def states(self) -> list[InvitationState | None]:
        return [row.state for row in self.page.rows]

    def wait_idle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.page.busy, timeout=WAIT)

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        QApplication.processEvents()  # the layout follows what was shown or hidden
        self.wizard.grab().save(str(SHOTS / f"{name}.png"))


def host(
    qtbot: QtBot,
    runner: ServiceRunner,
    journal: Journal,
    backend: PortalBackend,
    count: int = 3,
    opened: list[str] | None = None,
    *,
    with_account: bool = True,
) -> Hosted:
    users = people(count)
    run_id = journal.start_run("tenant", users)
    with journal.transaction():
        for n, user in enumerate(users):
            journal.mark_created(run_id, person_key(user.upn), f"id-{n}", credentials_pending=False)
    onboarding = Onboarding(choice=StartChoice.DEMO, organisation_name="Contoso", tenant_prefix="contoso")
    onboarding.user_run_ids = [run_id]
    wizard = QWizard()
    wizard.setMinimumSize(760, 560)
    page = PortalPage(
        onboarding,
        runner,
        backend,
        journal=lambda: journal,
        open_url=lambda url: (opened if opened is not None else []).append(url) is None,
    )
    wizard.addPage(page)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    hosted = Hosted(qtbot, wizard, page, run_id, journal)
    qtbot.waitUntil(
        lambda: not page.busy and len(page.rows) == count and (page.account is not None or not with_account),
        timeout=WAIT,
    )
    return hosted


@pytest.fixture
def http_backend(sandbox: Sandbox, runner: ServiceRunner) -> Iterator[Backend]:
    box = Backend(Endpoints.from_sandbox_line(sandbox.info))
    yield box
    runner.call(box.aclose(), timeout=10)


def nobodys_portal(sandbox: Sandbox, backend: Backend) -> tuple[str, ApiPortal]:
    """The sandbox portal's API for a new user of the demo tenant who administers no Call2Teams account."""
    upn, _ = sandbox_portal.new_user(sandbox.info, force_change=False)
    return upn, ApiPortal(backend, api_key=sandbox_portal.api_key(sandbox.info, upn))


def edit_email(page: PortalPage, row: int, email: str) -> None:
    page.model.setData(page.model.index(row, Column.EMAIL), email)


def test_guided_mode_opens_the_portal_walks_through_each_person_and_records(
    qtbot: QtBot, runner: ServiceRunner, journal: Journal
) -> None:
    opened: list[str] = []
    customer = PortalAccount("c-1", "Fabrikam", AccountKind.CUSTOMER, "p-1")
    guided = GuidedPortal(
        lambda url: opened.append(url) or True,
        accounts=[PortalAccount("p-1", "Contoso Partner", AccountKind.PARTNER), customer],
    )
    hosted = host(qtbot, runner, journal, guided, 2, opened=opened)
    page = hosted.page
    assert page.portal_guide.isVisible()
    assert "Guided" in page.backend_label.text()
    assert page.portal_account_combo.count() == 2
    assert "My Customer Portal" in page.portal_account_combo.itemText(1)
    page.portal_account_combo.setCurrentIndex(1)
    qtbot.mouseClick(page.invite_all_button, Qt.MouseButton.LeftButton)
    assert opened == ["https://admin.call2teams.com"]
    assert page.guided_key == page.rows[0].key
    assert page.guide_fields["email"].text() == "anna.0@firma.example"
    assert (page.guide_fields["first"].text(), page.guide_fields["last"].text()) == ("Anna0", "Muster0")
    assert "My Customer Portal" in page.guide_path.text()
    assert "Invite Administrative User" in page.guide_path.text()
    assert "Service Contributor" in page.guide_roles.text()
    hosted.shot("01-guided")
    qtbot.mouseClick(
        page.portal_copy_email
        if hasattr(page, "portal_copy_email")
        else page.findChild(type(page.invite_all_button), "portal_copy_email"),
        Qt.MouseButton.LeftButton,
    )
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == "anna.0@firma.example"
    qtbot.mouseClick(page.portal_done_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hosted.states()[0] is InvitationState.INVITED, timeout=WAIT)
    hosted.wait_idle()
    assert page.guided_key == page.rows[1].key
    # The partner chose "Copy link" for the second person: the link goes to their real work email by the
    # mail app, with the advice; the journal records how, never the link.
    link = "https://admin.call2teams.com/activate/tok-123"
    page.portal_link_edit.setText(link)
    page.set_link_method(DeliveryMethod.MAILTO)
    qtbot.mouseClick(page.portal_done_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hosted.states()[1] is InvitationState.INVITED, timeout=WAIT)
    hosted.wait_idle()
    qtbot.waitUntil(
        lambda: (
            (journal.invitation(hosted.run_id, page.rows[1].key) or None).link_state  # type: ignore[union-attr]
            == DeliveryState.HANDED_TO_MAIL_APP.value
        ),
        timeout=WAIT,
    )
    mail = [url for url in opened if url.startswith("mailto:")]
    assert len(mail) == 1
    assert mail[0].startswith("mailto:anna.1%40firma.example") or mail[0].startswith(
        "mailto:anna.1@firma.example"
    )
    assert "tok-123" in mail[0]
    assert "Unknown%20Account" in mail[0]
    rows = journal.invitations(hosted.run_id)
    assert [r.account_id for r in rows] == ["c-1", "c-1"]
    assert rows[1].send_mode == "link"
    assert page.guided_key is None
    assert page.portal_status.kind is StatusKind.OK
    hosted.wait_idle()


def test_the_email_rule_at_the_cell_nothing_sent(
    qtbot: QtBot, runner: ServiceRunner, journal: Journal
) -> None:
    portal = RecordingPortal()
    hosted = host(qtbot, runner, journal, portal, 3)
    page = hosted.page
    edit_email(page, 0, page.rows[0].upn)  # the new Microsoft username
    edit_email(page, 1, "anna@fabrikam.onmicrosoft.com")
    edit_email(page, 2, "anna.2@contoso.example")  # fine
    assert page.rows[0].email_problem is EmailProblem.IS_TENANT_USERNAME
    assert page.rows[1].email_problem is EmailProblem.ON_ONMICROSOFT
    assert "Not sent" in page.model.data(page.model.index(0, Column.STATUS))
    assert "real work email" in page.model.data(
        page.model.index(0, Column.EMAIL), Qt.ItemDataRole.ToolTipRole
    )
    page.select_rows([0])
    qtbot.mouseClick(page.invite_selected_button, Qt.MouseButton.LeftButton)
    assert page.portal_status.kind is StatusKind.ERROR
    assert portal.keys == []
    qtbot.mouseClick(page.invite_all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hosted.states()[2] is InvitationState.INVITED, timeout=WAIT)
    hosted.wait_idle()
    assert hosted.states()[:2] == [None, None]
    assert len(portal.keys) == 1
    assert [r.email for r in journal.invitations(hosted.run_id)] == ["anna.2@contoso.example"]


def test_an_address_on_the_tenants_own_domain_is_warned_not_refused(
    qtbot: QtBot, runner: ServiceRunner, journal: Journal
) -> None:
    from c2t_wizard.domain.roles import SignedInUser, TenantFacts, VerifiedDomain, check_may_create_users

    portal = RecordingPortal()
    hosted = host(qtbot, runner, journal, portal, 1)
    page = hosted.page
    page._onboarding.tenant_facts = TenantFacts(
        "tenant",
        "Contoso",
        SignedInUser("u", "Admin", f"admin@{DOMAIN}"),
        check_may_create_users([]),
        (VerifiedDomain(DOMAIN, is_initial=True), VerifiedDomain("contoso.example", is_default=True)),
    )
    edit_email(page, 0, "anna@contoso.example")
    assert page.rows[0].email_problem is EmailProblem.ON_TENANT_DOMAIN
    assert "Check the email" in page.model.data(page.model.index(0, Column.STATUS))
    qtbot.mouseClick(page.invite_all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hosted.states()[0] is InvitationState.INVITED, timeout=WAIT)
    hosted.wait_idle()


def test_roles_default_and_per_person(qtbot: QtBot, runner: ServiceRunner, journal: Journal) -> None:
    portal = RecordingPortal()
    hosted = host(qtbot, runner, journal, portal, 3)
    page = hosted.page
    assert {row.roles for row in page.rows} == {frozenset({PortalRole.SERVICE_CONTRIBUTOR})}
    page.set_roles(frozenset({PortalRole.SERVICE_VIEWER}))  # nobody selected: the default for everyone
    page.select_rows([0])
    assert "selected" in page.portal_roles_editor.title()
    page.set_roles(frozenset({PortalRole.ACCOUNT_OWNER, PortalRole.SUBSCRIPTION_CONTRIBUTOR}))
    assert not page.role_boxes[PortalRole.SERVICE_VIEWER].isEnabled()  # included in Account Administrator
    page.set_roles(frozenset())  # refused: everyone needs a role
    assert page.portal_status.kind is StatusKind.WARNING
    assert page.rows[0].roles == frozenset({PortalRole.ACCOUNT_OWNER, PortalRole.SUBSCRIPTION_CONTRIBUTOR})
    assert "Account Administrator" in page.model.data(page.model.index(0, Column.ROLES))
    page.select_rows([])
    qtbot.mouseClick(page.invite_all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hosted.states() == [InvitationState.INVITED] * 3, timeout=WAIT)
    rows = journal.invitations(hosted.run_id)
    assert rows[0].roles == ("account_owner", "subscription_contributor")
    assert rows[1].roles == rows[2].roles == ("service_viewer",)
    hosted.wait_idle()
    hosted.shot("02-invited")


def test_statuses_retry_failed_and_withdraw(qtbot: QtBot, runner: ServiceRunner, journal: Journal) -> None:
    portal = RecordingPortal()
    hosted = host(qtbot, runner, journal, portal, 4)
    page = hosted.page
    portal.fail = {page.rows[3].email: PortalProblem.BUSY}
    import asyncio

    from c2t_wizard.domain.portal import InvitationRequest

    asyncio.run(
        portal.invite(
            "acc",
            InvitationRequest("other", page.rows[2].email, "A", "B", frozenset({PortalRole.SERVICE_VIEWER})),
        )
    )
    qtbot.mouseClick(page.invite_all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: None not in hosted.states() and not page.busy, timeout=WAIT)
    assert hosted.states() == [
        InvitationState.INVITED,
        InvitationState.INVITED,
        InvitationState.ALREADY_INVITED,
        InvitationState.FAILED,
    ]
    status = [page.model.data(page.model.index(n, Column.STATUS)) for n in range(4)]
    assert status[0].startswith("Invited (until")
    assert status[2] == "Already invited"
    assert "busy" in status[3]
    assert page.portal_status.kind is StatusKind.ERROR
    hosted.shot("03-statuses")
    assert page.retry_failed_button.isEnabled()
    failed_key = journal.invitations(hosted.run_id)[3].idempotency_key
    portal.fail.clear()
    qtbot.mouseClick(page.retry_failed_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hosted.states()[3] is InvitationState.INVITED, timeout=WAIT)
    hosted.wait_idle()
    assert portal.keys.count(failed_key) == 2  # the same Idempotency-Key again
    assert not page.retry_failed_button.isEnabled()
    page.select_rows([0])
    qtbot.mouseClick(page.revoke_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hosted.states()[0] is InvitationState.REVOKED, timeout=WAIT)
    hosted.wait_idle()
    assert portal.revoked == [journal.invitations(hosted.run_id)[0].invitation_id]
    assert page.model.data(page.model.index(0, Column.STATUS)) == "Invitation withdrawn"


def test_stop_and_the_close_guard_while_inviting(
    qtbot: QtBot, runner: ServiceRunner, journal: Journal
) -> None:
    portal = RecordingPortal()
    portal.gate = threading.Event()
    hosted = host(qtbot, runner, journal, portal, 20)
    page = hosted.page
    try:
        qtbot.mouseClick(page.invite_all_button, Qt.MouseButton.LeftButton)
        assert page.work_in_progress() is not None
        assert page.portal_progress.isVisible()
        assert not hosted.wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
        qtbot.waitUntil(lambda: portal.in_flight == 8, timeout=WAIT)
        hosted.shot("04-inviting")
        with qtbot.waitSignal(page.work_ended, timeout=WAIT):
            page.stop_work()
            portal.gate.set()
    finally:
        portal.gate.set()
    assert page.work_in_progress() is None
    states = hosted.states()
    assert states.count(InvitationState.INVITED) == 8
    assert [r.state for r in journal.invitations(hosted.run_id)].count(InvitationState.PLANNED) == 12
    assert "not sent" in page.portal_status.text()
    assert page.isComplete()


def test_a_big_table_stays_responsive(
    qtbot: QtBot, runner: ServiceRunner, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit repaints its own row only and keeps the counts without walking the table (no timing)."""
    portal = RecordingPortal()
    hosted = host(qtbot, runner, journal, portal, 2000)
    page = hosted.page
    changed: list[tuple[int, int]] = []
    page.model.dataChanged.connect(lambda first, last, *_: changed.append((first.row(), last.row())))
    walks: list[int] = []
    model_type = type(page.model)
    all_rows = model_type.rows.fget
    assert all_rows is not None

    def counting_rows(model: object) -> object:
        walks.append(1)
        return all_rows(model)

    monkeypatch.setattr(model_type, "rows", property(counting_rows))
    for n in range(200):
        edit_email(page, n, f"person{n}@firma.example")
    monkeypatch.undo()
    assert changed == [(n, n) for n in range(200)]
    assert walks == []
    assert page.model.row(199).email == "person199@firma.example"
    qtbot.mouseClick(page.invite_all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.busy, timeout=60_000)
    assert set(hosted.states()) == {InvitationState.INVITED}


def test_administering_no_account_says_what_it_means_and_check_again_finds_the_new_one(
    qtbot: QtBot, runner: ServiceRunner, journal: Journal, sandbox: Sandbox, http_backend: Backend
) -> None:
    upn, portal = nobodys_portal(sandbox, http_backend)
    hosted = host(qtbot, runner, journal, portal, 2, with_account=False)
    page = hosted.page
    assert page.accounts == []
    assert page.portal_account_combo.placeholderText() == "None: you administer no Call2Teams account"
    assert page.portal_no_account.isVisible()
    words = page.no_account_status.text()
    assert "aren't an administrator of any Call2Teams account" in words
    assert "Ask Call2Teams, or an Account Owner of your partner account" in words
    assert page.no_account_status.kind is StatusKind.WARNING
    assert page.switch_guided_button.isVisible()
    assert not page.portal_roles_editor.isVisible()
    assert not page.invite_all_button.isEnabled()
    assert not page.invite_selected_button.isEnabled()
    hosted.shot("no-account")

    # Call2Teams makes them a partner; "Check again" finds the account, the customers under it.
    made = sandbox_portal.make_partner(sandbox.info, upn, "Late Partner", ["Late Customer"])
    assert made.status_code == 201, made.text
    qtbot.mouseClick(page.accounts_again_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.busy and page.account is not None, timeout=WAIT)
    assert [a.name for a in page.accounts] == ["Late Partner", "Late Customer"]
    assert not page.portal_no_account.isVisible()
    assert page.portal_roles_editor.isVisible()
    assert page.invite_all_button.isEnabled()


def test_administering_no_account_can_switch_to_inviting_in_the_browser(
    qtbot: QtBot, runner: ServiceRunner, journal: Journal, sandbox: Sandbox, http_backend: Backend
) -> None:
    _, portal = nobodys_portal(sandbox, http_backend)
    opened: list[str] = []
    hosted = host(qtbot, runner, journal, portal, 2, opened=opened, with_account=False)
    page = hosted.page
    assert page.portal_no_account.isVisible()
    assert "portal API" in page.backend_label.text()
    qtbot.mouseClick(page.switch_guided_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.busy and page.account is not None, timeout=WAIT)
    assert "Guided" in page.backend_label.text()
    assert not page.portal_no_account.isVisible()
    assert page.portal_guide.isVisible()
    assert page.invite_all_button.isEnabled()
    qtbot.mouseClick(page.open_portal_button, Qt.MouseButton.LeftButton)
    assert opened
    assert opened[-1].startswith("https://")
