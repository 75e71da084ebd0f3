"""The Summary page: one row per person in plain words (English and German), a failed invitation retried
against the sandbox portal once its fault cleared, and the exports (CSV, JSON valid against the schema,
PDF), none holding a password the session knows."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Sandbox
from helpers import portal as sandbox_portal
from jsonschema import Draft202012Validator
from portal_helpers import RecordingPortal
from pypdf import PdfReader
from PySide6.QtCore import QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication, QWidget, QWizard
from pytestqt.qtbot import QtBot
from test_report import fill

from c2t_wizard.config import Endpoints
from c2t_wizard.domain.onboarding import Onboarding, StartChoice
from c2t_wizard.domain.passwords import generate_password
from c2t_wizard.domain.users import NewUser
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.http_retry import RetryPolicy
from c2t_wizard.services.journal import InvitationPlan, InvitationState, Journal, person_key
from c2t_wizard.services.portal import PortalBackend
from c2t_wizard.services.portal_api import ApiPortal
from c2t_wizard.services.portal_invites import invite_people
from c2t_wizard.ui import application
from c2t_wizard.ui.pages.summary import SummaryPage
from c2t_wizard.ui.runner import ServiceRunner
from c2t_wizard.ui.summary_model import Column
from c2t_wizard.ui.widgets import StatusKind

WAIT = 20_000
SHOTS = Path("/tmp/c2t-summary-shots")
SCHEMA = json.loads((Path(__file__).parents[1] / "docs" / "report-schema.json").read_text("utf-8"))


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "journal.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
def german(qapp: QApplication) -> Iterator[list[QTranslator]]:
    default_locale = QLocale()
    installed = application.install_translations(qapp, "de")
    try:
        yield installed
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)
            translator.deleteLater()
        QLocale.setDefault(default_locale)
        qapp.processEvents()


class Chooser:
    """Stands in for the save dialog: answers with the next path and remembers what it was asked."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.asked: list[tuple[str, str]] = []

    def __call__(self, parent: QWidget, caption: str, suggested: str, name_filter: str) -> str:
        self.asked.append((suggested, name_filter))
        return str(self.folder / f"export-{len(self.asked)}")  # no suffix: the page adds the kind's


def host(
    qtbot: QtBot,
    runner: ServiceRunner,
    journal: Journal,
    run_ids: list[str],
    *,
    portal: PortalBackend | None = None,
    chooser: Chooser | None = None,
    passwords: dict[str, str] | None = None,
) -> SummaryPage:
    onboarding = Onboarding(choice=StartChoice.DEMO, organisation_name="Contoso", tenant_prefix="contoso")
    onboarding.user_run_ids = run_ids
    onboarding.passwords.update(passwords or {})
    wizard = QWizard()
    wizard.setMinimumSize(900, 560)
    page = SummaryPage(
        onboarding,
        runner,
        journal=lambda: journal,
        portal=lambda: portal,
        choose_file=chooser or Chooser(Path("/nonexistent")),
    )
    wizard.addPage(page)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    qtbot.waitUntil(lambda: not page.busy and bool(page.rows), timeout=WAIT)
    page.host_wizard = wizard  # type: ignore[attr-defined]  # the wizard lives as long as the page is used
    return page


def texts(page: SummaryPage, row: int) -> list[str]:
    return [page.model.index(row, column).data() for column in range(Column.COUNT)]


def shot(page: SummaryPage, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    page.wizard().grab().save(str(SHOTS / f"{name}.png"))


def test_one_row_per_person_with_every_failure_in_plain_words(
    qtbot: QtBot, runner: ServiceRunner, journal: Journal
) -> None:
    run, users = fill(journal)
    page = host(qtbot, runner, journal, [run], portal=RecordingPortal())
    assert len(page.rows) == page.model.rowCount() == len(users)
    assert page.summary_status.kind is StatusKind.WARNING
    assert "3 of 7" in page.summary_status.text()
    ok = texts(page, 0)
    assert ok[Column.NAME].startswith("Jürgen0 Last0")
    assert ok[Column.ACCOUNT] == "Created"
    assert ok[Column.DELIVERY].startswith("Delivered by email")
    assert ok[Column.INVITATION].startswith("Invited, open until")
    assert ok[Column.RETRY] == ""
    assert texts(page, 1)[Column.ACCOUNT] == "Already existed (left as it was)"
    assert texts(page, 1)[Column.INVITATION] == "Already invited"
    failed = texts(page, 2)
    assert failed[Column.ACCOUNT] == (
        "Not created: the address is already used by a group or shared mailbox: choose another username"
    )
    assert failed[Column.RETRY] == ""  # no directory service here: nothing it could redo
    assert texts(page, 3)[Column.DELIVERY] == "the mail bounced: the address doesn't receive mail"
    assert texts(page, 4)[Column.DELIVERY] == "Handed over with your mail app, not confirmed"
    assert texts(page, 4)[Column.INVITATION] == "Not invited: the portal was busy"
    assert texts(page, 4)[Column.RETRY] == "Retry"
    assert texts(page, 5)[Column.INVITATION] == "Accepted"
    assert texts(page, 6)[Column.ACCOUNT] == "Not created yet"
    page.select_row(4)
    assert page.retry_button.isEnabled()
    page.select_row(0)
    assert not page.retry_button.isEnabled()
    shot(page, "summary-en")


def test_the_words_are_german_for_a_german_partner(
    german: list[QTranslator], qtbot: QtBot, runner: ServiceRunner, journal: Journal
) -> None:
    run, _ = fill(journal)
    page = host(qtbot, runner, journal, [run], portal=RecordingPortal())
    assert page.title() == "Zusammenfassung"
    assert texts(page, 0)[Column.ACCOUNT] == "Angelegt"
    assert texts(page, 2)[Column.ACCOUNT].startswith("Nicht angelegt: ")
    assert texts(page, 4)[Column.INVITATION] == "Nicht eingeladen: das Portal war ausgelastet"
    assert texts(page, 4)[Column.RETRY] == "Erneut versuchen"
    assert page.export_button.text() == "&Exportieren"
    shot(page, "summary-de")


def test_a_failed_invitation_retried_after_the_fault_cleared_ends_invited(
    qtbot: QtBot, runner: ServiceRunner, journal: Journal, clean_faults: Sandbox, tmp_path: Path
) -> None:
    """Against the sandbox portal: the portal answers 503 to everything, so the invitation fails (busy);
    the fault clears; Retry on the row invites the person, with the same Idempotency-Key (one invitation)."""
    sandbox = clean_faults
    key = sandbox_portal.api_key(sandbox.info)
    account = next(a["id"] for a in sandbox_portal.accounts(sandbox.info, key) if a["kind"] == "customer")
    tag = generate_password()[:6].lower().replace("-", "x")
    users = [
        NewUser(
            "Grete",
            f"Summary{i}",
            f"Grete Summary{i}",
            f"grete.{i}",
            "contoso.onmicrosoft.com",
            f"grete{i}@sum-{tag}.example",
        )
        for i in range(2)
    ]
    run = journal.start_run("tenant", users)
    with journal.transaction():
        for n, user in enumerate(users):
            journal.mark_created(run, person_key(user.upn), f"id-{n}", credentials_pending=False)
    plans = [
        InvitationPlan(
            run, person_key(u.upn), account, u.email, u.first_name, u.last_name, ("service_viewer",)
        )
        for u in users
    ]
    backend = Backend(Endpoints.from_sandbox_line(sandbox.info))
    portal = ApiPortal(backend, api_key=key, retry=RetryPolicy(attempts=2, base=0.01, cap=0.02))
    try:
        sandbox.set_faults("503=1.0")
        summary = runner.call(invite_people(portal, journal, plans[:1]), timeout=WAIT / 1000)
        sandbox.set_faults("")
        runner.call(invite_people(portal, journal, plans[1:]), timeout=WAIT / 1000)
        assert (summary.failed, summary.invited) == (1, 0)
        first_key = journal.invitations(run)[0].idempotency_key
        page = host(qtbot, runner, journal, [run], portal=portal)
        assert texts(page, 0)[Column.INVITATION] == "Not invited: the portal was busy"
        assert texts(page, 1)[Column.INVITATION].startswith("Invited")
        rect = page.summary_table.visualRect(page.model.index(0, Column.RETRY))
        qtbot.mouseClick(page.summary_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert texts(page, 0)[Column.RETRY] == "Retrying…"
        qtbot.waitUntil(lambda: not page.busy, timeout=WAIT)
        assert page.rows[0].invitation.status == "invited", page.summary_status.text()
        assert texts(page, 0)[Column.INVITATION].startswith("Invited, open until")
        assert texts(page, 0)[Column.RETRY] == ""
        assert page.summary_status.kind is StatusKind.OK
        record = journal.invitations(run)[0]
        assert (record.state, record.idempotency_key) == (InvitationState.INVITED, first_key)
        with sandbox_portal.api_client(sandbox.info, key) as client:
            listed = client.get(f"/accounts/{account}/invitations").json()["value"]
        assert sorted(inv["email"] for inv in listed if f"sum-{tag}" in inv["email"]) == sorted(
            u.email for u in users
        )
        assert not page.retry(0)  # nothing left to redo
    finally:
        runner.call(backend.aclose(), timeout=10)


def test_exports_hold_the_report_and_no_password(
    qtbot: QtBot, runner: ServiceRunner, journal: Journal, tmp_path: Path
) -> None:
    run, users = fill(journal)
    passwords = {person_key(u.upn): generate_password() for u in users}
    chooser = Chooser(tmp_path)
    page = host(qtbot, runner, journal, [run], chooser=chooser, passwords=passwords)
    for kind in ("csv", "json", "pdf"):
        page.export_actions[kind].trigger()
        qtbot.waitUntil(lambda: not page.busy, timeout=WAIT)
        assert page.summary_status.kind is StatusKind.OK, page.summary_status.text()
    assert [name_filter for _s, name_filter in chooser.asked] == [
        "Spreadsheet (*.csv)",
        "JSON (*.json)",
        "PDF (*.pdf)",
    ]
    assert chooser.asked[0][0].endswith("onboarding-summary.csv")
    csv_path, json_path, pdf_path = (
        tmp_path / f"export-{n}.{k}" for n, k in ((1, "csv"), (2, "json"), (3, "pdf"))
    )
    rows = list(csv.DictReader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig"))))
    assert [row["username"] for row in rows] == [u.upn for u in users]
    assert rows[2]["account_problem"] == "ADDRESS_IN_USE"
    document = json.loads(json_path.read_text("utf-8"))
    Draft202012Validator(SCHEMA).validate(document)
    assert document["version"] == 1
    assert [p["invitation"]["status"] for p in document["people"]][:2] == ["invited", "already_invited"]
    pdf_text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf_path).pages).split())
    assert "Onboarding summary" in pdf_text
    assert "Jürgen0 Last0" in pdf_text
    assert "bounced" in pdf_text
    for path, text in (
        (csv_path, csv_path.read_text("utf-8-sig")),
        (json_path, json_path.read_text("utf-8")),
    ):
        assert not [p for p in passwords.values() if p in text], path
    assert not [p for p in passwords.values() if p in pdf_text]
    raw = b"".join(path.read_bytes() for path in (csv_path, json_path, pdf_path))
    assert not [p for p in passwords.values() if p.encode() in raw]


def test_an_export_that_cannot_be_written_says_why_and_leaves_nothing(
    qtbot: QtBot, runner: ServiceRunner, journal: Journal, tmp_path: Path
) -> None:
    run, _ = fill(journal)
    page = host(qtbot, runner, journal, [run], chooser=Chooser(tmp_path / "gone"))
    page.export_actions["json"].trigger()
    qtbot.waitUntil(lambda: not page.busy, timeout=WAIT)
    assert page.summary_status.kind is StatusKind.ERROR
    assert "doesn't exist" in page.summary_status.text()
    assert page.export_button.isEnabled()


def test_a_big_run_loads_and_a_retry_repaints_one_row(
    qtbot: QtBot, runner: ServiceRunner, journal: Journal
) -> None:
    users = [
        NewUser(f"P{i}", f"L{i}", f"P{i} L{i}", f"p.{i}", "contoso.onmicrosoft.com", f"p{i}@x.example")
        for i in range(3000)
    ]
    run = journal.start_run("tenant", users)
    page = host(qtbot, runner, journal, [run])
    assert page.model.rowCount() == 3000
    changed: list[tuple[int, int]] = []
    page.model.dataChanged.connect(lambda top, bottom: changed.append((top.row(), bottom.row())))
    page.model.update_person(page.rows[1234])
    assert changed == [(1234, 1234)]
