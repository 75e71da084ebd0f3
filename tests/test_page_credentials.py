"""The Credentials page against the real sandbox: sendMail, the mail app, the clipboard, the welcome sheet,
the fall-back when the admin has no mailbox, and the password reset for people of an interrupted run."""

from __future__ import annotations

import concurrent.futures
import html
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import httpx
import pypdf
import pytest
from conftest import Sandbox
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QStandardItemModel
from PySide6.QtWidgets import QLabel, QWidget, QWizard
from pytestqt.qtbot import QtBot
from users_page_helpers import Admin, close_admin, sign_in

from c2t_wizard.domain.onboarding import Onboarding, StartChoice
from c2t_wizard.domain.users import NewUser
from c2t_wizard.domain.welcome_message import WelcomeMessage, build_welcome_message
from c2t_wizard.services.delivery import (
    DeliveryError,
    DeliveryMethod,
    DeliveryProblem,
    DeliveryService,
    MailboxStatus,
    Outgoing,
)
from c2t_wizard.services.journal import DeliveryState, Journal
from c2t_wizard.ui.pages.credentials import CredentialsPage, RowState
from c2t_wizard.ui.runner import ServiceRunner
from c2t_wizard.ui.widgets import StatusKind

pytestmark = pytest.mark.filterwarnings(
    "ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"
)

WAIT = 20_000
SHOTS = Path("/tmp/c2t-credentials-shots")


@pytest.fixture
def contoso(runner: ServiceRunner, sandbox: Sandbox, tmp_path: Path) -> Iterator[Admin]:
    admin = sign_in(runner, sandbox, tmp_path, fresh=False)
    yield admin
    close_admin(runner, admin)


@pytest.fixture
def fresh(runner: ServiceRunner, sandbox: Sandbox, tmp_path: Path) -> Iterator[Admin]:
    admin = sign_in(runner, sandbox, tmp_path, fresh=True)
    yield admin
    close_admin(runner, admin)


def create(
    runner: ServiceRunner, admin: Admin, count: int, *, last_name: str = "Tester", long: bool = False
) -> tuple[str, dict[str, str]]:
    tag = uuid.uuid4().hex[:8] + ("-with-a-rather-long-username-for-mail-links" if long else "")
    people = [
        NewUser(
            f"Person{n}",
            last_name,
            f"Person{n} {last_name}",
            f"p{n}.{tag}",
            admin.tenant_name,
            f"p{n}.{tag}@example.com",
        )
        for n in range(count)
    ]
    run_id = admin.journal.start_run(admin.facts.tenant_id, people)
    result = runner.call(admin.directory.create_users(run_id), timeout=60)
    assert result.created == count
    return run_id, dict(result.passwords)


class Hosted:
    def __init__(self, qtbot: QtBot, wizard: QWizard, page: CredentialsPage, onboarding: Onboarding) -> None:
        self.qtbot = qtbot
        self.wizard = wizard
        self.page = page
        self.onboarding = onboarding
        self.opened: list[str] = []
        self.confirmations: list[str] = []

    def wait_loaded(self) -> None:
        def loaded() -> None:
            assert not self.page.busy
            assert self.page.mailbox is not MailboxStatus.UNKNOWN or self.page.rows == []

        self.qtbot.waitUntil(loaded, timeout=WAIT)

    def states(self) -> list[RowState]:
        return [row.state for row in self.page.rows]

    @property
    def finish_enabled(self) -> bool:
        return self.wizard.button(QWizard.WizardButton.FinishButton).isEnabled()

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.wizard.grab().save(str(SHOTS / f"{name}.png"))

    def cleanup(self) -> None:
        self.page.cleanupPage()
        self.page.clipboard.stop(clear=True)


def host(
    qtbot: QtBot,
    runner: ServiceRunner,
    admin: Admin,
    run_id: str,
    passwords: dict[str, str],
    *,
    delivery: DeliveryService | None = None,
    clear_after_ms: int = 60_000,
    choose_file: Any = None,
    confirm: bool = True,
    bounce_polls: int = 1,
    bounce_interval: float = 0.1,
) -> Hosted:
    onboarding = Onboarding(choice=StartChoice.DEMO)
    onboarding.tenant_facts = admin.facts
    onboarding.tenant_id = admin.facts.tenant_id
    onboarding.user_run_ids = [run_id]
    onboarding.passwords = dict(passwords)
    wizard = QWizard()
    wizard.setMinimumSize(760, 560)
    service = delivery or DeliveryService(admin.graph, admin.auth, admin.backend, sandbox=True)
    holder: dict[str, Hosted] = {}

    def open_url(url: str) -> bool:
        holder["hosted"].opened.append(url)
        return True

    def confirm_warning(_parent: QWidget, title: str, text: str) -> bool:
        holder["hosted"].confirmations.append(f"{title}\n{text}")
        return confirm

    page = CredentialsPage(
        onboarding,
        runner,
        service,
        journal=lambda: admin.journal,
        open_url=open_url,
        clear_after_ms=clear_after_ms,
        choose_file=choose_file or (lambda *_a: ""),
        confirm=confirm_warning,
        bounce_polls=bounce_polls,
        bounce_interval=bounce_interval,
    )
    wizard.addPage(page)
    qtbot.addWidget(wizard)
    hosted = Hosted(qtbot, wizard, page, onboarding)
    holder["hosted"] = hosted
    wizard.show()
    qtbot.waitExposed(wizard)
    hosted.wait_loaded()
    return hosted


def outbox(sandbox: Sandbox) -> list[dict[str, Any]]:
    response = httpx.get(f"{sandbox.base}/_sandbox/outbox", timeout=10, trust_env=False)
    response.raise_for_status()
    messages: list[dict[str, Any]] = response.json()["messages"]
    return messages


# --- sendMail --------------------------------------------------------------------------------------------


def test_send_mail_is_preselected_and_delivers_to_everyone(
    qtbot: QtBot, runner: ServiceRunner, sandbox: Sandbox, contoso: Admin
) -> None:
    run_id, passwords = create(runner, contoso, 3)
    hosted = host(qtbot, runner, contoso, run_id, passwords)
    page = hosted.page
    try:
        assert page.mailbox is MailboxStatus.LIKELY
        assert page.method is DeliveryMethod.SEND_MAIL
        assert hosted.states() == [RowState.READY] * 3
        assert not hosted.finish_enabled
        assert not page.reset_notice.isVisible()
        hosted.shot("01-ready-sendmail")
        assert page.deliver_all_button.isEnabled()
        qtbot.mouseClick(page.deliver_all_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: hosted.states() == [RowState.DELIVERED] * 3, timeout=WAIT)
        qtbot.waitUntil(lambda: hosted.finish_enabled, timeout=WAIT)
        assert page.delivery_status.kind is StatusKind.OK
        hosted.shot("02-delivered-sendmail")
        messages = outbox(sandbox)
        for person in contoso.journal.people(run_id):
            mine = [m for m in messages if m["to"] == [person.email]]
            assert len(mine) == 1
            body = html.unescape(mine[0]["body"])
            assert person.upn in body
            assert passwords[person.key] in body
            assert person.delivery_method == "sendmail"
            assert person.credentials_delivered_at is not None
        table = page.delivery_table
        assert table.item(0, 3).text().startswith("Sent at")
        # Next/Finish: delivered passwords are dropped from memory; how each was delivered is kept.
        assert page.validatePage()
        assert hosted.onboarding.passwords == {}
        assert set(hosted.onboarding.credentials_delivery.values()) == {"sendmail"}
    finally:
        hosted.cleanup()


class WrongProbe(DeliveryService):
    """Believes the admin has a mailbox (``mail`` set without one, as for synced users)."""

    async def probe_mailbox(self) -> MailboxStatus:
        return MailboxStatus.LIKELY


def test_no_mailbox_after_all_falls_back_to_the_mail_app(
    qtbot: QtBot, runner: ServiceRunner, sandbox: Sandbox, fresh: Admin
) -> None:
    run_id, passwords = create(runner, fresh, 2)
    delivery = WrongProbe(fresh.graph, fresh.auth, fresh.backend, sandbox=True)
    hosted = host(qtbot, runner, fresh, run_id, passwords, delivery=delivery)
    page = hosted.page
    try:
        assert page.method is DeliveryMethod.SEND_MAIL
        before = len(outbox(sandbox))
        page.deliver_all()
        qtbot.waitUntil(lambda: page.method is DeliveryMethod.MAILTO, timeout=WAIT)
        assert hosted.states() == [RowState.READY] * 2
        assert page.delivery_status.kind is StatusKind.WARNING
        assert "no Microsoft 365 mailbox" in page.delivery_status.text()
        model = page.delivery_method_combo.model()
        assert isinstance(model, QStandardItemModel)
        send_item = model.item(page.delivery_method_combo.findData(DeliveryMethod.SEND_MAIL))
        assert send_item is not None
        assert not send_item.isEnabled()
        assert len(outbox(sandbox)) == before
        hosted.shot("03-no-mailbox-fallback")
    finally:
        hosted.cleanup()


def test_a_tenant_without_exchange_falls_back_to_the_mail_app(
    qtbot: QtBot, runner: ServiceRunner, sandbox: Sandbox, fresh: Admin
) -> None:
    """An Entra-only tenant answers sendMail 401 OrganizationFromTenantGuidNotFound: the page falls back to
    the mail app as for a missing mailbox, never 'no permission'."""
    run_id, passwords = create(runner, fresh, 2)
    switched = httpx.post(
        f"{sandbox.base}/_sandbox/exchange",
        json={"tenant": fresh.tenant_name, "enabled": False},
        timeout=10,
        trust_env=False,
    )
    assert switched.json()["exchange"] is False
    delivery = WrongProbe(fresh.graph, fresh.auth, fresh.backend, sandbox=True)
    hosted = host(qtbot, runner, fresh, run_id, passwords, delivery=delivery)
    page = hosted.page
    try:
        assert page.method is DeliveryMethod.SEND_MAIL
        before = len(outbox(sandbox))
        page.deliver_all()
        qtbot.waitUntil(lambda: page.method is DeliveryMethod.MAILTO, timeout=WAIT)
        assert hosted.states() == [RowState.READY] * 2
        assert all(row.problem is None for row in page.rows)
        assert page.delivery_status.kind is StatusKind.WARNING
        status = page.delivery_status.text()
        assert "no Microsoft 365 mailbox" in status
        assert "permission" not in status.lower()
        model = page.delivery_method_combo.model()
        assert isinstance(model, QStandardItemModel)
        send_item = model.item(page.delivery_method_combo.findData(DeliveryMethod.SEND_MAIL))
        assert send_item is not None
        assert not send_item.isEnabled()
        assert len(outbox(sandbox)) == before
        # The mail app takes over: one message per person.
        page.deliver_all()
        qtbot.waitUntil(lambda: len(hosted.opened) == 2, timeout=WAIT)
        assert all(url.startswith("mailto:") for url in hosted.opened)
    finally:
        hosted.cleanup()


# --- the mail app -----------------------------------------------------------------------------------------


def test_mail_app_is_preselected_without_a_mailbox_and_opens_one_message_each(
    qtbot: QtBot, runner: ServiceRunner, fresh: Admin
) -> None:
    run_id, passwords = create(runner, fresh, 2)
    hosted = host(qtbot, runner, fresh, run_id, passwords)
    page = hosted.page
    try:
        assert page.mailbox is MailboxStatus.NONE
        assert page.method is DeliveryMethod.MAILTO
        page.set_message_language("en")
        qtbot.mouseClick(page.deliver_all_button, Qt.MouseButton.LeftButton)
        assert hosted.states() == [RowState.DELIVERED] * 2
        assert len(hosted.opened) == 2
        people = fresh.journal.people(run_id)
        for url, person in zip(hosted.opened, people, strict=True):
            parts = urlsplit(url)
            assert parts.scheme == "mailto"
            assert unquote(parts.path) == person.email
            query = parse_qs(parts.query)
            assert person.upn in query["body"][0]
            assert passwords[person.key] in query["body"][0]
            assert " " not in url
        qtbot.waitUntil(
            lambda: {p.delivery_method for p in fresh.journal.people(run_id)} == {"mailto"}, timeout=WAIT
        )
        qtbot.waitUntil(lambda: hosted.finish_enabled, timeout=WAIT)
    finally:
        hosted.cleanup()


def test_too_long_for_a_mail_link_goes_through_the_clipboard(
    qtbot: QtBot, runner: ServiceRunner, fresh: Admin
) -> None:
    run_id, passwords = create(runner, fresh, 2, last_name="Schmidt-Wörthmann", long=True)
    hosted = host(qtbot, runner, fresh, run_id, passwords)
    page = hosted.page
    try:
        page.set_message_language("de")  # longer, and umlauts take 6 characters each in a URL
        page.deliver_all()
        assert hosted.states() == [RowState.TOO_LONG] * 2
        assert hosted.opened == []
        assert "too long" in page.delivery_status.text()
        page.select_rows([1])
        assert page.deliver_selected_button.isEnabled()
        qtbot.mouseClick(page.deliver_selected_button, Qt.MouseButton.LeftButton)
        assert hosted.states() == [RowState.TOO_LONG, RowState.DELIVERED]
        person = fresh.journal.people(run_id)[1]
        subject = quote(f"Ihr neues Microsoft-Arbeitskonto: {person.display_name} ({person.upn})", safe="")
        assert hosted.opened == [f"mailto:{person.email}?subject={subject}"]
        clipboard = QGuiApplication.clipboard().text()
        assert passwords[person.key] in clipboard
        assert "Vorläufiges Kennwort" in clipboard
        assert page.clipboard.pending
    finally:
        hosted.cleanup()
    assert QGuiApplication.clipboard().text() == ""  # leaving the page clears it


# --- the clipboard ----------------------------------------------------------------------------------------


def test_clipboard_copy_is_cleared_after_the_delay(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin
) -> None:
    run_id, passwords = create(runner, contoso, 2)
    hosted = host(qtbot, runner, contoso, run_id, passwords, clear_after_ms=300)
    page = hosted.page
    try:
        page.set_method(DeliveryMethod.CLIPBOARD)
        page.select_rows([0])
        with qtbot.waitSignal(page.clipboard.cleared, timeout=WAIT):
            qtbot.mouseClick(page.deliver_selected_button, Qt.MouseButton.LeftButton)
            person = contoso.journal.people(run_id)[0]
            assert passwords[person.key] in QGuiApplication.clipboard().text()
            assert hosted.states()[0] is RowState.DELIVERED
            assert "0 second" not in page.delivery_status.text()
        assert QGuiApplication.clipboard().text() == ""
        assert not page.clipboard.pending
    finally:
        hosted.cleanup()


def test_finishing_the_page_right_after_a_copy_still_clears_the_clipboard(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin
) -> None:
    """Finish (or Next) within the minute must not leave the password on the clipboard for good."""
    run_id, passwords = create(runner, contoso, 1)
    hosted = host(qtbot, runner, contoso, run_id, passwords)
    page = hosted.page
    try:
        page.set_method(DeliveryMethod.CLIPBOARD)
        page.deliver_all()
        person = contoso.journal.people(run_id)[0]
        assert passwords[person.key] in QGuiApplication.clipboard().text()
        qtbot.waitUntil(lambda: hosted.finish_enabled, timeout=WAIT)
        with qtbot.waitSignal(page.clipboard.cleared, timeout=WAIT):
            finish = hosted.wizard.button(QWizard.WizardButton.FinishButton)
            qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
        assert passwords[person.key] not in QGuiApplication.clipboard().text()
        assert not page.clipboard.pending
    finally:
        hosted.cleanup()
        QGuiApplication.clipboard().clear()


def test_clipboard_is_left_alone_when_it_changed_meanwhile(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin
) -> None:
    run_id, passwords = create(runner, contoso, 1)
    hosted = host(qtbot, runner, contoso, run_id, passwords, clear_after_ms=200)
    page = hosted.page
    try:
        page.set_method(DeliveryMethod.CLIPBOARD)
        page.deliver_all()  # one person: copies theirs
        assert page.clipboard.pending
        QGuiApplication.clipboard().setText("something else the admin copied")
        with qtbot.assertNotEmitted(page.clipboard.cleared, wait=400):
            qtbot.waitUntil(lambda: not page.clipboard.pending, timeout=WAIT)
        assert QGuiApplication.clipboard().text() == "something else the admin copied"
    finally:
        hosted.cleanup()
        QGuiApplication.clipboard().clear()


# --- the welcome sheet ------------------------------------------------------------------------------------


def test_welcome_sheet_has_one_page_per_person_with_a_warning(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin, tmp_path: Path
) -> None:
    run_id, passwords = create(runner, contoso, 3)
    chosen = tmp_path / "sheets" / "welcome"  # no suffix: .pdf is added
    chosen.parent.mkdir()
    asked: list[str] = []

    def choose_file(_parent: QWidget, caption: str, suggested: str) -> str:
        asked.append(suggested)
        return str(chosen)

    hosted = host(qtbot, runner, contoso, run_id, passwords, choose_file=choose_file)
    page = hosted.page
    try:
        page.set_method(DeliveryMethod.WELCOME_SHEET)
        page.set_message_language("en")
        qtbot.mouseClick(page.deliver_all_button, Qt.MouseButton.LeftButton)
        assert len(hosted.confirmations) == 1
        assert "password" in hosted.confirmations[0]
        assert asked[0].endswith(".pdf")
        assert not page.deliver_all_button.isEnabled()  # saving: no second save meanwhile
        qtbot.waitUntil(lambda: hosted.states() == [RowState.DELIVERED] * 3, timeout=WAIT)
        path = chosen.with_name("welcome.pdf")
        assert page.last_sheet == path
        reader = pypdf.PdfReader(str(path))
        people = contoso.journal.people(run_id)
        assert len(reader.pages) == len(people)
        for pdf_page, person in zip(reader.pages, people, strict=True):
            text = " ".join(pdf_page.extract_text().split())
            # Text extraction may split a word where glyph runs meet: compare without whitespace too.
            compact = "".join(text.split())
            assert "CONFIDENTIAL" in text
            assert "contains a password" in text
            assert passwords[person.key] in compact
            assert person.upn in compact
            assert "".join(person.display_name.split()) in compact
        qtbot.waitUntil(
            lambda: {p.delivery_method for p in contoso.journal.people(run_id)} == {"pdf"}, timeout=WAIT
        )
        assert str(path) in page.delivery_status.text()
    finally:
        hosted.cleanup()


def test_welcome_sheet_is_written_page_by_page_without_blocking_the_window(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hundreds of pages take a second or more: the window handles events between pages, and Qt's text
    layout stays on the GUI thread (where its fonts live)."""
    from PySide6.QtCore import QThread, QTimer

    from c2t_wizard.ui import welcome_sheet

    ticks: list[int] = []
    seen: list[tuple[int, bool]] = []
    real_add = welcome_sheet._SheetPdf.add

    def add(self: Any, page: Any) -> None:
        seen.append((len(ticks), QThread.currentThread().isMainThread()))
        real_add(self, page)

    monkeypatch.setattr(welcome_sheet._SheetPdf, "add", add)
    run_id, passwords = create(runner, contoso, 3)
    path = tmp_path / "sheet.pdf"
    hosted = host(qtbot, runner, contoso, run_id, passwords, choose_file=lambda *_a: str(path))
    ticker = QTimer()
    ticker.setInterval(0)
    ticker.timeout.connect(lambda: ticks.append(1))
    try:
        hosted.page.set_method(DeliveryMethod.WELCOME_SHEET)
        ticker.start()
        hosted.page.deliver_all()
        qtbot.waitUntil(lambda: hosted.states() == [RowState.DELIVERED] * 3, timeout=WAIT)
        ticker.stop()
        assert [on_gui for _tick, on_gui in seen] == [True, True, True]
        tick_counts = [tick for tick, _on_gui in seen]
        assert tick_counts[0] < tick_counts[1] < tick_counts[2], "the event loop ran between pages"
        assert path.is_file()
    finally:
        ticker.stop()
        hosted.cleanup()


def test_welcome_sheet_cancelled_at_the_warning_writes_nothing(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin, tmp_path: Path
) -> None:
    run_id, passwords = create(runner, contoso, 1)
    asked: list[str] = []
    hosted = host(
        qtbot,
        runner,
        contoso,
        run_id,
        passwords,
        choose_file=lambda *_a: asked.append("asked") or str(tmp_path / "x.pdf"),
        confirm=False,
    )
    try:
        hosted.page.set_method(DeliveryMethod.WELCOME_SHEET)
        hosted.page.deliver_all()
        assert asked == []
        assert not (tmp_path / "x.pdf").exists()
        assert hosted.states() == [RowState.READY]
    finally:
        hosted.cleanup()


# --- resume -----------------------------------------------------------------------------------------------


def test_people_of_an_interrupted_run_get_a_new_password_first(
    qtbot: QtBot, runner: ServiceRunner, sandbox: Sandbox, contoso: Admin
) -> None:
    run_id, passwords = create(runner, contoso, 2)
    hosted = host(qtbot, runner, contoso, run_id, {})  # the app was restarted: no password in memory
    page = hosted.page
    try:
        assert page.reset_notice.isVisible()
        assert "never stores passwords" in page.reset_notice.text()
        assert "2 person(s) were created in an earlier session" in page.reset_notice.text()
        assert hosted.states() == [RowState.READY] * 2
        assert all(row.reset for row in page.rows)
        hosted.shot("04-reset-on-resume")
        new = {row.key: row.password for row in page.rows}
        assert all(new[key] and new[key] != passwords[key] for key in passwords)
        page.deliver_all()
        qtbot.waitUntil(lambda: hosted.states() == [RowState.DELIVERED] * 2, timeout=WAIT)
        messages = outbox(sandbox)
        for person in contoso.journal.people(run_id):
            (mine,) = [m for m in messages if m["to"] == [person.email]]
            body = html.unescape(mine["body"])
            assert new[person.key] in body
            assert passwords[person.key] not in body
    finally:
        hosted.cleanup()


class KilledError(Exception):
    """Stands for SIGKILL between Graph's 202 and the journal's record of it."""


class DiesBeforeRecording(Journal):
    def mark_credentials_delivered(self, *args: Any, **kwargs: Any) -> None:
        raise KilledError


def test_a_mail_sent_by_a_window_killed_before_recording_it_is_neither_reset_nor_sent_again(
    qtbot: QtBot, runner: ServiceRunner, sandbox: Sandbox, contoso: Admin
) -> None:
    """The app was killed after Microsoft accepted the first person's welcome mail and before the journal
    said so (the mail's id was written before sending). The restarted page finds the mail in Sent Items:
    that person keeps their password and gets no second mail; the other one gets a new password."""
    run_id, passwords = create(runner, contoso, 2)
    first, _second = contoso.journal.people(run_id)
    service = DeliveryService(contoso.graph, contoso.auth, contoso.backend, sandbox=True)
    facts = contoso.facts
    message = build_welcome_message(
        first.user, passwords[first.key], language="en", sign_in_url="x", organisation=facts.display_name
    )

    async def send_and_die() -> None:
        await service.enable_send_mail()
        dying = DiesBeforeRecording.open(contoso.journal.path)
        try:
            await service.send_each([Outgoing(first.key, first.email, message, run_id)], journal=dying)
        finally:
            dying.close()

    with pytest.raises(KilledError):
        runner.call(send_and_die(), timeout=60)
    assert contoso.journal.person(run_id, first.key).credentials_pending
    hosted = host(qtbot, runner, contoso, run_id, {})  # restarted: no password in memory
    page = hosted.page
    try:
        qtbot.waitUntil(lambda: hosted.states()[1] is RowState.READY, timeout=WAIT)
        assert hosted.states()[0] is RowState.DELIVERED_EARLIER
        assert not page.rows[0].reset
        assert page.rows[1].reset
        assert "1 person(s) were created in an earlier session" in page.reset_notice.text()
        mails = [m for m in outbox(sandbox) if m["to"] == [first.email]]
        assert len(mails) == 1
        assert passwords[first.key] in html.unescape(mails[0]["body"])  # the password that still works
    finally:
        hosted.cleanup()


def test_people_delivered_earlier_are_shown_and_not_reset(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin
) -> None:
    run_id, passwords = create(runner, contoso, 2)
    first = contoso.journal.people(run_id)[0]
    contoso.journal.mark_credentials_delivered(run_id, first.key, "pdf")
    hosted = host(qtbot, runner, contoso, run_id, {k: v for k, v in passwords.items() if k != first.key})
    try:
        assert hosted.states() == [RowState.DELIVERED_EARLIER, RowState.READY]
        assert not hosted.page.reset_notice.isVisible()
        assert hosted.page.delivery_table.item(0, 3).text() == "Delivered in an earlier session"
    finally:
        hosted.cleanup()


class SecondProbeSaysNoMailbox(DeliveryService):
    """The second visit's probe finds no mailbox; every other visit's finds the admin's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.probes = 0

    async def probe_mailbox(self) -> MailboxStatus:
        self.probes += 1
        if self.probes == 2:
            return MailboxStatus.NONE
        return await super().probe_mailbox()


def test_a_quick_back_and_next_ignores_the_earlier_visit_s_answers(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin
) -> None:
    earlier_run, _ = create(runner, contoso, 2)
    run_id, passwords = create(runner, contoso, 1)
    delivery = SecondProbeSaysNoMailbox(contoso.graph, contoso.auth, contoso.backend, sandbox=True)
    hosted = host(qtbot, runner, contoso, run_id, passwords, delivery=delivery)
    page, onboarding = hosted.page, hosted.onboarding
    try:
        # Back to the Users page (another run, no passwords in memory), Next, and at once Back and Next
        # again: the second visit's answers are already on their way when the third visit starts.
        page.cleanupPage()
        onboarding.user_run_ids, onboarding.passwords = [earlier_run], {}
        page.initializePage()
        loads = [job.outcome for job in page._jobs]
        # No events meanwhile: the answers wait in the queue.
        _, pending = concurrent.futures.wait(loads, timeout=10)
        assert loads
        assert not pending
        page.cleanupPage()
        onboarding.user_run_ids, onboarding.passwords = [run_id], dict(passwords)
        page.initializePage()
        hosted.wait_loaded()
        qtbot.wait(200)
        assert [row.key for row in page.rows] == list(passwords)
        assert hosted.states() == [RowState.READY]
        assert not page.reset_notice.isVisible()  # nobody of the earlier run gets a new password
        assert delivery.probes == 3
        assert page.mailbox is MailboxStatus.LIKELY
        assert page.method is DeliveryMethod.SEND_MAIL
    finally:
        hosted.cleanup()


# --- keyboard and screen readers ----------------------------------------------------------------------------


def test_every_control_has_a_name_a_buddy_and_a_place_in_the_tab_order(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin
) -> None:
    run_id, passwords = create(runner, contoso, 1)
    hosted = host(qtbot, runner, contoso, run_id, passwords)
    page = hosted.page
    try:
        buddies = {label.buddy() for label in page.findChildren(QLabel) if label.buddy() is not None}
        for widget in (page.delivery_method_combo, page.message_language_combo, page.delivery_table):
            assert widget in buddies, widget.objectName()
        for widget in (
            page.delivery_method_combo,
            page.message_language_combo,
            page.delivery_table,
            page.deliver_all_button,
            page.deliver_selected_button,
            page.confirm_delivery_button,
            page.new_password_button,
            page.check_bounces_button,
            page.retry_delivery_button,
        ):
            assert widget.objectName()
            assert widget.accessibleName()
            assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        order = [page.delivery_method_combo]
        widget = page.delivery_method_combo.nextInFocusChain()
        while len(order) < 9 and widget is not page.delivery_method_combo:
            if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(page):
                order.append(widget)
            widget = widget.nextInFocusChain()
        assert order == [
            page.delivery_method_combo,
            page.message_language_combo,
            page.delivery_table,
            page.deliver_all_button,
            page.deliver_selected_button,
            page.confirm_delivery_button,
            page.new_password_button,
            page.check_bounces_button,
            page.retry_delivery_button,
        ]
        # From the keyboard: pick the clipboard, copy with the mnemonic-free Return on the focused button.
        page.delivery_method_combo.setFocus()
        page.set_method(DeliveryMethod.CLIPBOARD)
        page.deliver_all_button.setFocus()
        qtbot.keyClick(page.deliver_all_button, Qt.Key.Key_Space)
        assert hosted.states() == [RowState.DELIVERED]
    finally:
        hosted.cleanup()


# --- states that tell the truth ---------------------------------------------------------------------------


class FirstAnswerInDoubt(DeliveryService):
    """The first mail's answer is lost and Sent Items can't be read: it may have been sent (nothing was).
    Lookups keep failing; later sends go through to the sandbox."""

    attempts = 0
    lookups = 0

    async def send_mail(self, to: str, message: WelcomeMessage, *, delivery_id: str | None = None) -> None:
        self.attempts += 1
        if self.attempts == 1:
            raise DeliveryError(DeliveryProblem.CANNOT_CHECK, "403 ErrorAccessDenied", in_doubt=True)
        await super().send_mail(to, message, delivery_id=delivery_id)

    async def was_sent(self, delivery_id: str) -> bool:
        self.lookups += 1
        raise DeliveryError(DeliveryProblem.CANNOT_CHECK, "403 ErrorAccessDenied", in_doubt=True)


@pytest.mark.parametrize("answer", [False, True])
def test_a_mail_in_doubt_says_so_and_a_resend_asks_first(
    qtbot: QtBot, runner: ServiceRunner, sandbox: Sandbox, contoso: Admin, answer: bool
) -> None:
    run_id, passwords = create(runner, contoso, 1)
    service = FirstAnswerInDoubt(contoso.graph, contoso.auth, contoso.backend, sandbox=True)
    hosted = host(qtbot, runner, contoso, run_id, passwords, delivery=service, confirm=answer)
    page = hosted.page
    try:
        qtbot.mouseClick(page.deliver_all_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: hosted.states() == [RowState.IN_DOUBT], timeout=WAIT)
        qtbot.waitUntil(lambda: not page.busy, timeout=WAIT)
        assert (
            page.delivery_table.item(0, 3).text() == "May have been sent: your Sent Items couldn't be checked"
        )
        assert page.delivery_status.kind is StatusKind.WARNING
        assert not hosted.finish_enabled
        (person,) = contoso.journal.people(run_id)
        assert person.delivery_state is DeliveryState.IN_DOUBT
        assert person.credentials_pending
        assert page.retry_delivery_button.isEnabled()
        qtbot.mouseClick(page.retry_delivery_button, Qt.MouseButton.LeftButton)
        assert len(hosted.confirmations) == 1
        assert hosted.confirmations[0].startswith("These messages may have been sent")
        if not answer:  # the partner said no: nothing is sent
            assert hosted.states() == [RowState.IN_DOUBT]
            assert service.attempts == 1
            return
        qtbot.waitUntil(lambda: hosted.states() == [RowState.DELIVERED], timeout=WAIT)
        assert service.lookups == 1  # the earlier mail was looked for first (and still couldn't be)
        assert service.attempts == 2
        assert [m["to"] for m in outbox(sandbox)].count([person.email]) == 1
    finally:
        hosted.cleanup()


def test_a_message_handed_to_the_mail_app_is_not_confirmed_until_the_partner_says_so(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin
) -> None:
    run_id, passwords = create(runner, contoso, 2)
    hosted = host(qtbot, runner, contoso, run_id, passwords)
    page = hosted.page
    try:
        page.set_method(DeliveryMethod.MAILTO)
        qtbot.mouseClick(page.deliver_all_button, Qt.MouseButton.LeftButton)
        assert hosted.states() == [RowState.DELIVERED] * 2
        assert page.delivery_table.item(0, 3).text().startswith("Handed to your mail app at")
        assert page.delivery_table.item(0, 3).text().endswith("(not confirmed)")
        qtbot.waitUntil(
            lambda: (
                {p.delivery_state for p in contoso.journal.people(run_id)}
                == {DeliveryState.HANDED_TO_MAIL_APP}
            ),
            timeout=WAIT,
        )
        assert not page.confirm_delivery_button.isEnabled()  # nothing selected
        page.select_rows([0])
        assert page.confirm_delivery_button.isEnabled()
        qtbot.mouseClick(page.confirm_delivery_button, Qt.MouseButton.LeftButton)
        assert page.delivery_table.item(0, 3).text() == "Delivered (you confirmed it)"
        assert page.delivery_table.item(1, 3).text().endswith("(not confirmed)")
        first, second = (p.key for p in contoso.journal.people(run_id))
        qtbot.waitUntil(
            lambda: contoso.journal.person(run_id, first).delivery_state is DeliveryState.CONFIRMED,
            timeout=WAIT,
        )
        assert contoso.journal.person(run_id, second).delivery_state is DeliveryState.HANDED_TO_MAIL_APP
        # Leaving the page does not end the run: the portal step is still to come (it ends at the summary).
        qtbot.waitUntil(lambda: hosted.finish_enabled, timeout=WAIT)
        assert page.validatePage()
        assert page.isComplete(), "nothing is written to the journal on the way out"
        assert contoso.journal.run(run_id).finished_at is None
    finally:
        hosted.cleanup()


def test_a_copied_message_can_be_delivered_again_with_a_new_password(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin
) -> None:
    """The partner can't tell whether a copied message reached its person: a new temporary password replaces
    the old one (asked first), the journal counts the credentials as pending again, and the new one is
    delivered."""
    run_id, passwords = create(runner, contoso, 2)
    hosted = host(qtbot, runner, contoso, run_id, passwords)
    page = hosted.page
    try:
        page.set_method(DeliveryMethod.CLIPBOARD)
        page.select_rows([0])
        qtbot.mouseClick(page.deliver_selected_button, Qt.MouseButton.LeftButton)
        first = page.rows[0]
        old_password = first.password
        assert first.unconfirmed
        qtbot.waitUntil(
            lambda: contoso.journal.person(run_id, first.key).delivery_state is DeliveryState.COPIED,
            timeout=WAIT,
        )
        page.select_rows([1])  # not delivered yet: nothing to replace
        assert not page.new_password_button.isEnabled()
        page.select_rows([0])
        assert page.new_password_button.isEnabled()
        qtbot.mouseClick(page.new_password_button, Qt.MouseButton.LeftButton)
        assert hosted.confirmations[-1].startswith("New temporary passwords")
        qtbot.waitUntil(lambda: hosted.states()[0] is RowState.READY, timeout=WAIT)
        assert first.password is not None
        assert first.password != old_password
        assert not first.unconfirmed
        qtbot.waitUntil(lambda: contoso.journal.person(run_id, first.key).credentials_pending, timeout=WAIT)
        again = contoso.journal.person(run_id, first.key)
        assert (again.delivery_state, again.credentials_delivered_at) == (None, None)
        # The new password is delivered like any other.
        qtbot.mouseClick(page.deliver_selected_button, Qt.MouseButton.LeftButton)
        assert first.password in QGuiApplication.clipboard().text()
        assert hosted.states()[0] is RowState.DELIVERED
    finally:
        hosted.cleanup()


# --- password resets Microsoft refuses -----------------------------------------------------------------


@pytest.fixture
def user_admin(runner: ServiceRunner, sandbox: Sandbox, tmp_path: Path) -> Iterator[Admin]:
    """The demo tenant's User Administrator (Diego): may reset people without a role, not administrators."""
    admin = sign_in(runner, sandbox, tmp_path, fresh=False, demo_account="user_admin")
    yield admin
    close_admin(runner, admin)


def make_administrator(sandbox: Sandbox, upn: str) -> None:
    """Someone made this person an administrator after the wizard created them (a real 403 for Diego)."""
    with httpx.Client(base_url=sandbox.base, trust_env=False, timeout=10) as web:
        response = web.post("/_sandbox/roles", json={"upn": upn, "role": "Global Reader"})
        response.raise_for_status()


def test_a_refused_password_reset_says_who_may_reset(
    qtbot: QtBot, runner: ServiceRunner, sandbox: Sandbox, user_admin: Admin
) -> None:
    """On resume and with New password: a 403 is "your account, or the wizard's permission, does not allow
    resetting passwords" with what to do, not a generic failure; the password handed over before stays.
    Real refusal: a User Administrator may not reset an administrator's password (docs/microsoft-rules.md
    §1.7), and both people were made administrators after they were created."""
    run_id, passwords = create(runner, user_admin, 2)
    people = user_admin.journal.people(run_id)
    for person in people:
        make_administrator(sandbox, person.upn)
    first_key = people[0].key
    hosted = host(qtbot, runner, user_admin, run_id, {first_key: passwords[first_key]})
    page = hosted.page
    try:
        # The second person's password was never delivered (an interrupted run): the reset is refused.
        qtbot.waitUntil(lambda: hosted.states()[1] is RowState.RESET_FAILED, timeout=WAIT)
        assert page.rows[1].problem is DeliveryProblem.RESET_NOT_ALLOWED
        assert page.delivery_status.kind is StatusKind.ERROR
        assert "does not allow resetting passwords" in page.delivery_status.text()
        assert "Global Administrator" in page.delivery_status.text()
        assert "does not allow resetting passwords" in page.delivery_table.item(1, 3).text()
        # New password for a copied message: refused the same way; the copied one still counts.
        page.set_method(DeliveryMethod.CLIPBOARD)
        page.select_rows([0])
        qtbot.mouseClick(page.deliver_selected_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(page.new_password_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: hosted.states()[0] is RowState.RESET_FAILED, timeout=WAIT)
        assert page.rows[0].problem is DeliveryProblem.RESET_NOT_ALLOWED
        hosted.shot("20-reset-refused")
        person = user_admin.journal.person(run_id, first_key)
        assert person.delivery_state is DeliveryState.COPIED  # nothing replaced
    finally:
        hosted.cleanup()


# --- Exchange's onmicrosoft.com cap and bounce reports ---------------------------------------------------


@pytest.fixture
def demo_mail_cap(sandbox: Sandbox) -> Iterator[Any]:
    """Sets the demo tenant's 24-hour count of external recipients in the sandbox; cleared afterwards (other
    tests send from the demo administrator too)."""
    tenant = sandbox.info["demo"]["tenant"]

    def set_cap(**settings: Any) -> dict[str, Any]:
        response = httpx.post(
            f"{sandbox.base}/_sandbox/mail_cap",
            json={"tenant": tenant, **settings},
            timeout=10,
            trust_env=False,
        )
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    try:
        yield set_cap
    finally:
        set_cap(sent=0, ndrDelay=2.0)


def test_the_101st_external_mail_bounces_and_is_shown_as_bounced(
    qtbot: QtBot, runner: ServiceRunner, sandbox: Sandbox, contoso: Admin, demo_mail_cap: Any
) -> None:
    run_id, passwords = create(runner, contoso, 2)
    assert demo_mail_cap(sent=99, ndrDelay=0.3)["remaining"] == 1  # other mail of the organisation today
    hosted = host(qtbot, runner, contoso, run_id, passwords, bounce_polls=3, bounce_interval=0.2)
    page = hosted.page
    try:
        # The journal knows of no mail today: both are within the cap as far as the wizard can tell.
        qtbot.waitUntil(lambda: page.mail_cap_notice.isVisible(), timeout=WAIT)
        assert "up to 100 more" in page.mail_cap_notice.text()
        qtbot.mouseClick(page.deliver_all_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: RowState.SENDING not in hosted.states(), timeout=WAIT)
        assert page.delivery_table.item(1, 3).text().startswith("Sent at")
        assert "accepted by Microsoft" in page.delivery_table.item(1, 3).text()
        # Both were accepted (202); the second bounces a moment later and the page notices it by itself.
        qtbot.waitUntil(lambda: hosted.states() == [RowState.DELIVERED, RowState.BOUNCED], timeout=WAIT)
        qtbot.waitUntil(lambda: not page.checking_bounces, timeout=WAIT)
        assert page.bounce_status.kind is StatusKind.WARNING
        assert "1 mail(s) bounced" in page.bounce_status.text()
        assert page.delivery_table.item(1, 3).text() == "Bounced: deliver another way"
        second = page.rows[1]
        record = contoso.journal.person(run_id, second.key)
        assert (record.delivery_state, record.credentials_pending) == (DeliveryState.BOUNCED, True)
        qtbot.waitUntil(
            lambda: "1 mail(s) from your organisation bounced" in page.mail_cap_notice.text(), timeout=WAIT
        )
        assert "The wizard mailed 1 in the last 24 hours" in page.mail_cap_notice.text()
        assert not hosted.finish_enabled
        # Other ways are offered: sendMail is no longer chosen, the bounced person is selected.
        assert page.method is DeliveryMethod.WELCOME_SHEET
        assert page.deliver_selected_button.isEnabled()
        hosted.shot("21-bounced")
        page.set_method(DeliveryMethod.CLIPBOARD)
        qtbot.mouseClick(page.deliver_selected_button, Qt.MouseButton.LeftButton)
        assert hosted.states() == [RowState.DELIVERED, RowState.DELIVERED]
        qtbot.waitUntil(lambda: hosted.finish_enabled, timeout=WAIT)
        # Check for bounces looks again on request: nothing new.
        assert page.check_bounces_button.isEnabled()
        qtbot.mouseClick(page.check_bounces_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not page.checking_bounces, timeout=WAIT)
        assert hosted.states() == [RowState.DELIVERED, RowState.DELIVERED]
    finally:
        hosted.cleanup()


def mailed_earlier(admin: Admin, emails: list[str]) -> None:
    """The journal remembers welcome mails sent from this organisation in the last hours."""
    tag = uuid.uuid4().hex[:6]
    people = [
        NewUser(f"E{n}", "Earlier", f"E{n} Earlier", f"e{n}.{tag}", admin.tenant_name, email)
        for n, email in enumerate(emails)
    ]
    run_id = admin.journal.start_run(admin.facts.tenant_id, people)
    for person in people:
        admin.journal.mark_created(run_id, person.upn.lower(), uuid.uuid4().hex)
        admin.journal.mark_credentials_delivered(run_id, person.upn.lower(), DeliveryMethod.SEND_MAIL.value)
    admin.journal.finish_run(run_id)


def test_the_page_offers_other_ways_beyond_what_the_cap_leaves(
    qtbot: QtBot, runner: ServiceRunner, sandbox: Sandbox, contoso: Admin, demo_mail_cap: Any
) -> None:
    mailed_earlier(
        contoso, [f"x{n}@example.com" for n in range(99)] + [f"c{n}@{contoso.tenant_name}" for n in range(3)]
    )
    run_id, passwords = create(runner, contoso, 3)
    demo_mail_cap(sent=0)
    hosted = host(qtbot, runner, contoso, run_id, passwords, bounce_polls=1, bounce_interval=0.1)
    page = hosted.page
    try:
        qtbot.waitUntil(lambda: page.mail_cap_notice.isVisible(), timeout=WAIT)
        notice = page.mail_cap_notice.text()
        assert "The wizard mailed 99 in the last 24 hours" in notice
        assert "up to 1 more" in notice
        assert "2 person(s) are beyond that" in notice
        assert page.mail_cap_notice.kind is StatusKind.WARNING
        hosted.shot("22-cap-notice")
        before = len(outbox(sandbox))
        qtbot.mouseClick(page.deliver_all_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: hosted.states() == [RowState.DELIVERED, RowState.OVER_CAP, RowState.OVER_CAP],
            timeout=WAIT,
        )
        qtbot.waitUntil(lambda: "2 person(s) are over the limit" in page.delivery_status.text(), timeout=WAIT)
        assert len(outbox(sandbox)) == before + 1  # only the one within the cap was mailed
        assert page.delivery_table.item(2, 3).text() == "Over today's mail limit: deliver another way"
        # Sending to everyone again mails nobody beyond the cap; the other ways deliver to them.
        qtbot.waitUntil(lambda: not page.checking_bounces, timeout=WAIT)
        assert page.method is DeliveryMethod.SEND_MAIL
        assert not page.deliver_all_button.isEnabled()
        page.set_method(DeliveryMethod.MAILTO)
        assert page.deliver_all_button.isEnabled()
        qtbot.mouseClick(page.deliver_all_button, Qt.MouseButton.LeftButton)
        assert hosted.states() == [RowState.DELIVERED] * 3
        assert len(hosted.opened) == 2
    finally:
        hosted.cleanup()
