"""The Users page against the real sandbox, the real msgraph and a real journal: typing, rules on each cell,
the availability check, CSV import and template, creation with progress, cancel, resume."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Sandbox
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot
from users_page_helpers import (
    WAIT,
    Admin,
    CountingDirectory,
    Hosted,
    close_admin,
    host,
    sandbox_users,
    sign_in,
)

from c2t_wizard.domain.csv_import import write_template_csv
from c2t_wizard.domain.users import NewUser
from c2t_wizard.services.journal import PersonState
from c2t_wizard.ui.pages.users import UsersState
from c2t_wizard.ui.runner import ServiceRunner
from c2t_wizard.ui.users_model import Availability, Column, RowStatus

pytestmark = pytest.mark.filterwarnings(
    "ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"
)

DATA = Path(__file__).parent / "data" / "csv"


@pytest.fixture
def contoso(runner: ServiceRunner, sandbox: Sandbox, tmp_path: Path) -> Iterator[Admin]:
    admin = sign_in(runner, sandbox, tmp_path, fresh=False)
    yield admin
    close_admin(runner, admin)


@pytest.fixture
def fresh(runner: ServiceRunner, clean_faults: Sandbox, tmp_path: Path) -> Iterator[Admin]:
    admin = sign_in(runner, clean_faults, tmp_path, fresh=True)
    yield admin
    close_admin(runner, admin)


def editor(hosted: Hosted) -> QLineEdit:
    # A closed editor lingers until deleted later: the open one is the visible one.
    shown = [w for w in hosted.table.findChildren(QLineEdit, "users_cell_editor") if w.isVisible()]
    assert len(shown) == 1, shown
    return shown[0]


def type_row(qtbot: QtBot, hosted: Hosted, first: str, last: str, email: str) -> None:
    """As a person would: Add person, type, Tab to the next cell."""
    qtbot.mouseClick(hosted.button("add_user_button"), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor(hosted), first)
    qtbot.keyClick(editor(hosted), Qt.Key.Key_Tab)
    qtbot.keyClicks(editor(hosted), last)
    qtbot.keyClick(editor(hosted), Qt.Key.Key_Return)
    qtbot.wait(1)  # Qt commits on Return through a queued call
    row = hosted.table.currentIndex().row()
    hosted.table.setCurrentIndex(hosted.model.index(row, Column.EMAIL))
    qtbot.keyClick(hosted.table, Qt.Key.Key_F2)
    qtbot.keyClicks(editor(hosted), email)
    qtbot.keyClick(editor(hosted), Qt.Key.Key_Return)
    qtbot.wait(1)


def fill(hosted: Hosted, people: list[NewUser]) -> None:
    hosted.model.remove_rows(range(hosted.model.rowCount()))
    hosted.model.add_users(people)


def people(count: int, domain: str, tag: str) -> list[NewUser]:
    return [
        NewUser(
            f"Person{n}",
            tag.capitalize(),
            f"Person{n} {tag}",
            f"p{n}.{tag}",
            domain,
            f"p{n}@{tag}-co.example",
        )
        for n in range(count)
    ]


# --- typing and rules ------------------------------------------------------------------------------------


def test_typing_suggests_username_derives_display_name_and_checks_once(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin
) -> None:
    hosted = host(qtbot, runner, contoso)
    model = hosted.model
    assert model.rowCount() == 1  # the page starts with one empty row
    hosted.model.remove_rows([0])
    # (QTest types ASCII only; accents are typed through the model below.)
    type_row(qtbot, hosted, "Anna-Lena", "Meyer", "anna@meyer-consulting.de")
    row = model.rowCount() - 1
    assert hosted.cell(row, Column.DISPLAY_NAME) == "Anna-Lena Meyer"
    assert hosted.cell(row, Column.USERNAME) == "anna-lena.meyer"
    assert hosted.cell(row, Column.DOMAIN) == "@" + contoso.facts.default_domain
    upn = f"anna-lena.meyer@{contoso.facts.default_domain}"
    qtbot.waitUntil(lambda: model.availability(row) is Availability.FREE, timeout=WAIT)
    # Typed letter by letter (each keystroke updates the suggestion), checked once: debounced.
    assert contoso.directory.asked == [upn]
    assert hosted.button("create_users_button").isEnabled()
    assert "is free" in hosted.cell(row, Column.USERNAME, Qt.ItemDataRole.ToolTipRole)

    # A hand-typed username and display name stay when the names change; emptied, they follow again.
    model.setData(model.index(row, Column.USERNAME), "alm")
    model.setData(model.index(row, Column.DISPLAY_NAME), "Lena M.")
    model.setData(model.index(row, Column.FIRST_NAME), "Lena")
    model.setData(model.index(row, Column.LAST_NAME), "Müller")
    assert hosted.cell(row, Column.USERNAME) == "alm"
    assert hosted.cell(row, Column.DISPLAY_NAME) == "Lena M."
    model.setData(model.index(row, Column.USERNAME), "")
    model.setData(model.index(row, Column.DISPLAY_NAME), "")
    assert hosted.cell(row, Column.USERNAME) == "lena.muller"
    assert hosted.cell(row, Column.DISPLAY_NAME) == "Lena Müller"

    # Escape puts a cell back as it was.
    hosted.table.setCurrentIndex(model.index(row, Column.LAST_NAME))
    qtbot.keyClick(hosted.table, Qt.Key.Key_F2)
    qtbot.keyClick(editor(hosted), Qt.Key.Key_End)  # F2 selects the whole text, as everywhere in Qt
    qtbot.keyClicks(editor(hosted), "xyz")
    assert hosted.cell(row, Column.LAST_NAME) == "Müllerxyz"  # live
    qtbot.keyClick(editor(hosted), Qt.Key.Key_Escape)
    qtbot.wait(1)
    assert hosted.cell(row, Column.LAST_NAME) == "Müller"

    # Delete removes the selected row; Enter in the table never presses Next.
    hosted.table.setFocus()
    hosted.table.selectRow(row)
    qtbot.keyClick(hosted.table, Qt.Key.Key_Delete)
    assert model.rowCount() == 0
    assert hosted.wizard.currentPage() is hosted.page


def test_every_problem_is_on_its_cell_with_the_reason(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin
) -> None:
    hosted = host(qtbot, runner, contoso)
    model = hosted.model
    domain = contoso.facts.default_domain
    assert domain
    fill(
        hosted,
        [
            NewUser("Jörg", "Weiß", "Jörg Weiß", "jörg weiß", domain, "joerg@weiss-it.de"),
            NewUser("Carla", "Diaz", "Carla Diaz", "carla", "example.com", "carla@diaz.example"),
            NewUser("Dan", "Stone", "Dan Stone", "dan", domain, "dan@contoso.onmicrosoft.com"),
            NewUser("Eve", "One", "Eve One", "eve", domain, "eve@one.example"),
            NewUser("Eve", "Two", "Eve Two", "EVE", domain, "eve@two.example"),
        ],
    )
    tip = Qt.ItemDataRole.ToolTipRole
    assert "“ö”" in hosted.cell(0, Column.USERNAME, tip)
    assert "spaces" in hosted.cell(0, Column.USERNAME, tip)
    assert "isn't one of your organisation's domains" in hosted.cell(1, Column.DOMAIN, tip)
    assert "address in your Microsoft organisation" in hosted.cell(2, Column.EMAIL, tip)
    assert "also on row 5" in hosted.cell(3, Column.USERNAME, tip)
    assert "also on row 4" in hosted.cell(4, Column.USERNAME, tip)
    for row, column in [(0, Column.USERNAME), (1, Column.DOMAIN), (2, Column.EMAIL), (3, Column.USERNAME)]:
        assert hosted.cell(row, column, Qt.ItemDataRole.BackgroundRole) is not None
        assert hosted.cell(row, column, Qt.ItemDataRole.AccessibleDescriptionRole)
    assert hosted.cell(0, Column.FIRST_NAME, Qt.ItemDataRole.BackgroundRole) is None
    assert not hosted.button("create_users_button").isEnabled()
    lines = [hosted.problems.item(n).text() for n in range(hosted.problems.count())]
    assert len(lines) == 5, lines
    assert lines[0].startswith("Row 1, Username:")
    assert "Fix 5 problems" in hosted.status("users_summary").text()

    # A problem in the list takes you to its cell, editing.
    hosted.problems.setFocus()
    hosted.problems.setCurrentRow(2)
    qtbot.keyClick(hosted.problems, Qt.Key.Key_Return)
    assert (hosted.table.currentIndex().row(), hosted.table.currentIndex().column()) == (2, Column.EMAIL)
    qtbot.keyClick(editor(hosted), Qt.Key.Key_Escape)

    # Fixing the cells clears the problems; Create becomes possible.
    model.setData(model.index(0, Column.USERNAME), "")
    model.setData(model.index(1, Column.DOMAIN), "@" + domain)
    model.setData(model.index(2, Column.EMAIL), "dan@stone.example")
    model.setData(model.index(4, Column.USERNAME), "eve.two")
    assert hosted.cell(0, Column.USERNAME) == "jorg.weiss"
    assert hosted.problems.count() == 0
    assert not hosted.problems.isVisible()
    assert hosted.button("create_users_button").isEnabled()


def test_a_username_in_use_is_marked_taken(qtbot: QtBot, runner: ServiceRunner, contoso: Admin) -> None:
    hosted = host(qtbot, runner, contoso)
    model = hosted.model
    local, _, domain = contoso.admin_upn.partition("@")
    fill(hosted, [NewUser("Ada", "Admin", "Ada Admin", "someone", domain, "ada@admin.example")])
    # Typed in quick succession: only the last username is asked about.
    for text in ("a", "ad", "adm", local):
        model.setData(model.index(0, Column.USERNAME), text)
    qtbot.waitUntil(lambda: model.availability(0) is Availability.TAKEN, timeout=WAIT)
    assert contoso.directory.asked == [contoso.admin_upn]
    tip = hosted.cell(0, Column.USERNAME, Qt.ItemDataRole.ToolTipRole)
    assert "already used in your organisation" in tip
    assert "not changed" in tip
    assert hosted.cell(0, Column.USERNAME, Qt.ItemDataRole.BackgroundRole) is not None
    # Taken is a warning, not an error: the person would be reported as already existing.
    assert hosted.button("create_users_button").isEnabled()


# --- files -----------------------------------------------------------------------------------------------


def test_csv_import_fills_rows_and_lists_problems_by_line(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin, tmp_path: Path
) -> None:
    domain = str(contoso.facts.default_domain)
    source = re.sub("acmepartners.de", domain, (DATA / "messy_template.csv").read_text("utf-8"), flags=re.I)
    path = tmp_path / "staff.csv"
    path.write_text(source, "utf-8")
    hosted = host(qtbot, runner, contoso, choose_file=lambda: path)
    qtbot.mouseClick(hosted.button("import_csv_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hosted.model.rowCount() > 1, timeout=WAIT)
    model = hosted.model
    assert [model.row(n).username for n in range(model.rowCount())] == ["anna.schmidt", "eve"]
    assert model.row(0).line == 3
    assert model.row(1).line == 12
    assert hosted.cell(0, Column.DISPLAY_NAME) == "Anna Schmidt"
    lines = [hosted.problems.item(n).text() for n in range(hosted.problems.count())]
    assert any(line.startswith("File line 4 (") and "fabrikam.com" in line for line in lines), lines
    assert any(line.startswith("File line 6 (Username)") and "“ö” and “ß”" in line for line in lines), lines
    assert any(line.startswith("File line 7 (") and "already used on line 3" in line for line in lines), lines
    assert any(line.startswith("File line 10 (Work email)") for line in lines), lines
    assert "Added 2 people from staff.csv" in hosted.status().text()
    assert "left out" in hosted.status().text()
    assert hosted.problems.isVisible()
    # The file's own problems do not block creating the people that were read.
    assert hosted.button("create_users_button").isEnabled()


def test_csv_in_the_microsoft_365_format_asks_for_the_work_email(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin, tmp_path: Path
) -> None:
    domain = str(contoso.facts.default_domain)
    source = (
        (DATA / "m365_english_utf8_bom_crlf.csv")
        .read_bytes()
        .replace(b"acmepartners.onmicrosoft.com", domain.encode())
    )
    path = tmp_path / "m365.csv"
    path.write_bytes(source)
    hosted = host(qtbot, runner, contoso, choose_file=lambda: path)
    qtbot.mouseClick(hosted.button("import_csv_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hosted.model.rowCount() >= 3, timeout=WAIT)
    tip = hosted.cell(0, Column.EMAIL, Qt.ItemDataRole.ToolTipRole)
    assert "real work email" in tip
    assert not hosted.button("create_users_button").isEnabled()


def test_download_template_writes_the_template(
    qtbot: QtBot, runner: ServiceRunner, contoso: Admin, tmp_path: Path
) -> None:
    target = tmp_path / "chosen" / "template"
    target.parent.mkdir()
    hosted = host(qtbot, runner, contoso, choose_save_path=lambda: target)
    qtbot.mouseClick(hosted.button("download_template_button"), Qt.MouseButton.LeftButton)
    written = target.with_suffix(".csv")
    qtbot.waitUntil(lambda: "Template saved" in hosted.status().text(), timeout=WAIT)
    assert written.read_bytes() == write_template_csv()


# --- creating --------------------------------------------------------------------------------------------


def test_create_25_users(qtbot: QtBot, runner: ServiceRunner, fresh: Admin, clean_faults: Sandbox) -> None:
    hosted = host(qtbot, runner, fresh)
    domain = str(fresh.facts.default_domain)
    fill(hosted, people(25, domain, "alpha"))
    assert not hosted.next_enabled
    assert hosted.button("create_users_button").text() == "&Create 25 users"
    qtbot.mouseClick(hosted.button("create_users_button"), Qt.MouseButton.LeftButton)
    assert hosted.page.state is UsersState.CREATING
    assert not hosted.button("add_user_button").isEnabled()
    assert not hosted.model.flags(hosted.model.index(0, Column.FIRST_NAME)) & Qt.ItemFlag.ItemIsEditable
    qtbot.waitUntil(lambda: hosted.page.state is UsersState.EDITING, timeout=WAIT)
    assert hosted.progress.value() == 25
    assert hosted.progress.maximum() == 25
    assert hosted.statuses() == ["✓ Created"] * 25
    assert hosted.counts == "Created 25 · already existed 0 · failed 0 · remaining 0"
    assert "Done: 25 created." in hosted.status().text()
    assert hosted.next_enabled
    users = sandbox_users(clean_faults, domain)
    assert len(users) == 26
    assert len(set(users)) == 26

    # Next hands the people and their passwords (memory only) to the next step.
    hosted.wizard.next()
    assert len(hosted.onboarding.created_users) == 25
    assert len(hosted.onboarding.passwords) == 25
    assert hosted.onboarding.user_run_ids == hosted.page.run_ids


def test_cancel_then_resume_creates_nobody_twice(
    qtbot: QtBot, runner: ServiceRunner, clean_faults: Sandbox, tmp_path: Path
) -> None:
    admin = sign_in(runner, clean_faults, tmp_path, fresh=True)
    admin.directory = CountingDirectory(admin.graph, admin.journal, batch_size=5, max_in_flight=1)
    try:
        hosted = host(qtbot, runner, admin)
        domain = str(admin.facts.default_domain)
        fill(hosted, people(25, domain, "beta"))
        clean_faults.set_faults("latency=300ms")
        qtbot.mouseClick(hosted.button("create_users_button"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: hosted.statuses().count("✓ Created") >= 5, timeout=WAIT)
        qtbot.mouseClick(hosted.button("cancel_creation_button"), Qt.MouseButton.LeftButton)
        assert hosted.page.state is UsersState.STOPPING
        assert "Stopping" in hosted.status().text()
        qtbot.waitUntil(lambda: hosted.page.state is UsersState.EDITING, timeout=WAIT)
        statuses = hosted.statuses()
        created = statuses.count("✓ Created")
        assert 5 <= created < 25
        assert statuses.count("Waiting") == 25 - created
        assert "Stopped." in hosted.status().text()
        assert hosted.next_enabled  # some were created
        resume = hosted.button("resume_creation_button")
        assert resume.isVisible()
        assert resume.isEnabled()
        journal_states = [p.state for p in admin.journal.people(hosted.page.run_ids[0])]
        assert journal_states.count(PersonState.CREATED) == created
        assert journal_states.count(PersonState.PLANNED) == 25 - created

        clean_faults.set_faults("")
        qtbot.mouseClick(resume, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: hosted.page.state is UsersState.EDITING, timeout=WAIT)
        assert hosted.statuses() == ["✓ Created"] * 25
        assert not resume.isVisible()
        users = sandbox_users(clean_faults, domain)
        assert len(users) == 26
        assert len(set(users)) == 26
        assert len(hosted.page.passwords) == 25
    finally:
        close_admin(runner, admin)


def test_an_unfinished_run_is_offered_and_resumed(
    qtbot: QtBot, runner: ServiceRunner, fresh: Admin, clean_faults: Sandbox
) -> None:
    domain = str(fresh.facts.default_domain)
    # A run planned by an earlier session that stopped before sending anything.
    run_id = fresh.journal.start_run(fresh.facts.tenant_id, people(6, domain, "gamma"))
    hosted = host(qtbot, runner, fresh)
    banner = hosted.page.findChild(QWidget, "resume_banner")
    assert banner is not None
    qtbot.waitUntil(banner.isVisible, timeout=WAIT)
    assert "6 people" in hosted.status("resume_text").text()
    qtbot.mouseClick(hosted.button("resume_run_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hosted.model.rowCount() == 6, timeout=WAIT)
    qtbot.waitUntil(lambda: hosted.statuses() == ["✓ Created"] * 6, timeout=WAIT)
    qtbot.waitUntil(lambda: hosted.page.state is UsersState.EDITING, timeout=WAIT)
    assert not banner.isVisible()
    assert hosted.page.run_ids == [run_id]
    assert hosted.next_enabled
    assert len(sandbox_users(clean_faults, domain)) == 7

    # Start over on a second page: the run is closed, the list empty.
    again = host(qtbot, runner, fresh)
    other = again.page.findChild(QWidget, "resume_banner")
    assert other is not None
    qtbot.waitUntil(other.isVisible, timeout=WAIT)
    qtbot.mouseClick(again.button("start_over_button"), Qt.MouseButton.LeftButton)
    assert not other.isVisible()
    qtbot.waitUntil(lambda: not fresh.journal.unfinished_runs(fresh.facts.tenant_id), timeout=WAIT)
    assert [row.status for row in again.model.rows] == [RowStatus.DRAFT]


def test_failures_say_why_and_can_be_tried_again(
    qtbot: QtBot, runner: ServiceRunner, clean_faults: Sandbox, tmp_path: Path
) -> None:
    admin = sign_in(runner, clean_faults, tmp_path, fresh=True)
    # Gives up at once when Microsoft is down (Retry-After 1 s is more than it may wait).
    admin.directory = CountingDirectory(admin.graph, admin.journal, max_total_wait=0.5)
    try:
        hosted = host(qtbot, runner, admin)
        domain = str(admin.facts.default_domain)
        fill(hosted, people(3, domain, "delta"))
        clean_faults.set_faults("503=1")
        qtbot.mouseClick(hosted.button("create_users_button"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: hosted.page.state is UsersState.EDITING, timeout=WAIT)
        assert hosted.statuses() == ["Failed: Microsoft had a problem; try again"] * 3
        assert hosted.counts == "Created 0 · already existed 0 · failed 3 · remaining 0"
        assert "3 failed" in hosted.status().text()
        assert not hosted.next_enabled
        retry = hosted.button("retry_failed_button")
        assert retry.isVisible()

        clean_faults.set_faults("")
        qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: hosted.page.state is UsersState.EDITING, timeout=WAIT)
        assert hosted.statuses() == ["✓ Created"] * 3
        assert not retry.isVisible()
        assert hosted.next_enabled
        assert len(sandbox_users(clean_faults, domain)) == 4
    finally:
        close_admin(runner, admin)
