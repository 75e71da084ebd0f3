"""End to end: 200 people from a spreadsheet through the Users page into a sandbox tenant that throttles,
fails and drops connections after committing — exactly these 200 users, each created by the first create that
reached Microsoft (the resends met a conflict and were recognised as ours), none with a licence, and table,
journal and tenant agree person by person."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import Sandbox
from helpers.sandbox_truth import check_users_run
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from users_page_helpers import close_admin, host, sign_in

from c2t_wizard.domain.csv_import import write_template_csv
from c2t_wizard.domain.users import NewUser
from c2t_wizard.services.journal import PersonState
from c2t_wizard.ui.pages.users import UsersState
from c2t_wizard.ui.runner import ServiceRunner
from c2t_wizard.ui.users_model import Column

pytestmark = pytest.mark.filterwarnings(
    "ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"
)

PEOPLE = 200
FAULTS = "429=0.2,503=0.05,drop_after_commit=0.05"


def test_200_users_through_the_page_under_faults(
    qtbot: QtBot, runner: ServiceRunner, clean_faults: Sandbox, tmp_path: Path
) -> None:
    admin = sign_in(runner, clean_faults, tmp_path, fresh=True)
    try:
        domain = str(admin.facts.default_domain)
        staff = [
            NewUser(
                f"Staff{n:03d}",
                "Example",
                f"Staff{n:03d} Example",
                f"staff{n:03d}",
                domain,
                f"staff{n:03d}@partner-mail.example",
            )
            for n in range(PEOPLE)
        ]
        spreadsheet = tmp_path / "staff.csv"
        spreadsheet.write_bytes(write_template_csv(staff))
        hosted = host(qtbot, runner, admin, choose_file=lambda: spreadsheet)

        qtbot.mouseClick(hosted.button("import_csv_button"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: hosted.model.rowCount() == PEOPLE, timeout=10_000)
        assert hosted.problems.count() == 0
        create = hosted.button("create_users_button")
        qtbot.waitUntil(create.isEnabled, timeout=10_000)  # once every username was checked
        assert create.text() == f"&Create {PEOPLE} users"

        started_at = datetime.now(UTC)
        clean_faults.set_faults(FAULTS)
        started = time.monotonic()
        qtbot.mouseClick(create, Qt.MouseButton.LeftButton)
        assert hosted.page.state is UsersState.CREATING
        qtbot.waitUntil(lambda: hosted.page.state is UsersState.EDITING, timeout=90_000)
        elapsed = time.monotonic() - started
        clean_faults.set_faults("")

        # The table: every row created, the counts and the bar say so, Next is open.
        assert hosted.statuses() == ["✓ Created"] * PEOPLE, hosted.status().text()
        assert hosted.progress.value() == PEOPLE == hosted.progress.maximum()
        assert hosted.counts == f"Created {PEOPLE} · already existed 0 · failed 0 · remaining 0"
        assert hosted.next_enabled

        # The journal agrees with the tenant person by person (object id, created by the first create that
        # reached it, later ones met a conflict, nobody of ours "already existed"), no assignLicense call and
        # no licence on anyone; the tenant holds exactly these 200 and the administrator.
        (run_id,) = hosted.page.run_ids
        token = runner.call(admin.auth.access_token(), timeout=30)
        journal = admin.journal.people(run_id)
        users = check_users_run(clean_faults.info, admin.tenant_name, journal, token, started=started_at)
        assert set(users) == {admin.admin_upn} | {user.upn.lower() for user in staff}

        # The journal agrees with the table, row by row.
        records = {record.key: record for record in journal}
        assert len(records) == PEOPLE
        for row in range(PEOPLE):
            key = hosted.model.row(row).upn_key
            assert records[key].state is PersonState.CREATED, (key, records[key])
            assert hosted.cell(row, Column.STATUS) == "✓ Created"
        assert len(hosted.page.passwords) == PEOPLE
        print(f"200 users under {FAULTS}: {elapsed:.1f} s")
    finally:
        close_admin(runner, admin)
