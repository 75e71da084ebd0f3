"""Switching the language live: every page, in its typical state, reads exactly as if it had been built in the
new language (every label, button, placeholder, tooltip, accessible name and table header), and back again."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from helpers.identity_web import ScriptedBrowser
from portal_helpers import RecordingPortal
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QLocale, QModelIndex, Qt, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
    QWizardPage,
)
from pytestqt.qtbot import QtBot
from test_accessibility import (  # noqa: F401  (fixtures the builders ask for)
    BUILDERS,
    Built,
    backend,
    contoso,
    journal,
)
from test_page_users import DATA as CSV_DATA
from test_page_users import SlowFile
from users_page_helpers import Admin, Hosted, close_admin, sign_in
from users_page_helpers import host as users_host

from c2t_wizard.domain.users import NewUser
from c2t_wizard.services.portal import PortalProblem
from c2t_wizard.ui import application
from c2t_wizard.ui.pages.sign_in import SignInState
from c2t_wizard.ui.pages.users import UsersState
from c2t_wizard.ui.users_model import RowStatus
from c2t_wizard.ui.widgets import StatusKind

pytestmark = pytest.mark.filterwarnings(
    "ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"
)

WAIT = 20_000
PAGES = [name for name in BUILDERS if name != "history"]

HEADER_ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.AccessibleTextRole,
)

ITEM_ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.AccessibleDescriptionRole,
)
ROWS_READ = 50
"""The rows of a table read for their words (the states built here have a few)."""


def _model_texts(name: str, model: QAbstractItemModel) -> set[str]:
    texts: set[str] = set()
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
    for section in range(columns):
        for role in HEADER_ROLES:
            value = model.headerData(section, Qt.Orientation.Horizontal, role)
            if isinstance(value, str) and value:
                texts.add(f"{name} header {section} {role.name}: {value}")
    # Items are words too: a list's (free names, problems), a table's cells (a run's statuses, their reasons).
    for row in range(min(model.rowCount(QModelIndex()), ROWS_READ)):
        for column in range(columns):
            for role in ITEM_ROLES:
                value = model.data(model.index(row, column), role)
                if isinstance(value, str) and value:
                    texts.add(f"{name} item {row},{column} {role.name}: {_same_state(value)}")
    return texts


def _same_state(text: str) -> str:
    """``text`` without the random tags each build gives its names (c2tsignup5f3e9a01, anna.1b2c3d4e), and
    without the clock's time (a mail "sent at 14:05" by one build, at 14:06 by the next)."""
    return re.sub(r"\b\d{1,2}:\d{2}\b", "<time>", re.sub(r"[0-9a-f]{8,}", "<tag>", text))


def texts_of(root: QWidget) -> set[str]:
    """Every user-facing text the page shows now, each tagged with where it is."""
    texts: set[str] = set()
    if isinstance(root, QWizardPage):
        texts.add(f"title: {root.title()}")
        texts.add(f"subtitle: {root.subTitle()}")
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        name = widget.objectName() or type(widget).__name__
        found: list[tuple[str, str]] = [
            ("toolTip", widget.toolTip()),
            ("accessibleName", widget.accessibleName()),
            ("accessibleDescription", widget.accessibleDescription()),
        ]
        if isinstance(widget, QLabel | QAbstractButton):
            found.append(("text", widget.text()))
        if isinstance(widget, QAbstractButton) and (menu := getattr(widget, "menu", lambda: None)()):
            found.extend(("menu", action.text()) for action in menu.actions())
        if isinstance(widget, QComboBox):
            found.extend(("item", widget.itemText(item)) for item in range(widget.count()))
        if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
            found.append(("placeholderText", widget.placeholderText()))
        texts.update(f"{name} {what}: {_same_state(text)}" for what, text in found if text)
        if (
            isinstance(widget, QAbstractItemView)
            and not isinstance(widget, QHeaderView)
            and widget.model() is not None
        ):
            texts.update(_model_texts(name, widget.model()))
    return texts


class Language:
    """The application's language, switched the way the app switches it (translators out, new ones in)."""

    def __init__(self, app: QApplication) -> None:
        self._app = app
        self._installed: list[QTranslator] = []
        self._default = QLocale()

    def switch(self, language: str) -> None:
        self.remove()
        self._installed = application.install_translations(self._app, language)
        self._app.processEvents()

    def remove(self) -> None:
        for translator in self._installed:
            self._app.removeTranslator(translator)
            translator.deleteLater()
        self._installed = []
        QLocale.setDefault(self._default)
        self._app.processEvents()


@pytest.fixture
def language(qapp: QApplication) -> Iterator[Language]:
    switcher = Language(qapp)
    try:
        yield switcher
    finally:
        switcher.remove()


def _build(name: str, qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    built = BUILDERS[name](qtbot, request)
    if name == "credentials":  # the same state both times: the day's mail limit (Contoso's address) is known
        notice = built.root.findChild(QWidget, "mail_cap_notice")
        assert notice is not None
        qtbot.waitUntil(notice.isVisible, timeout=WAIT)
    QApplication.processEvents()
    return built


def _differences(switched: set[str], fresh: set[str]) -> list[str]:
    return sorted(f"- {text}" for text in switched - fresh) + sorted(f"+ {text}" for text in fresh - switched)


def _switch_and_compare(build: Callable[[], Built], language: Language) -> None:
    """``build`` in English, switched to German, compared with ``build`` in German; that one switched back,
    compared with the English one."""
    language.switch("en")  # as the app starts in English: its catalog of plural forms installed
    english = build()
    try:
        in_english = texts_of(english.root)
        language.switch("de")
        switched_to_german = texts_of(english.root)
    finally:
        english.close()

    german = build()
    try:
        built_in_german = texts_of(german.root)
        assert switched_to_german != in_english, "nothing was translated"
        wrong = _differences(switched_to_german, built_in_german)
        assert not wrong, "switched to German (-) but built in German (+):\n" + "\n".join(wrong)
        language.switch("en")
        wrong = _differences(texts_of(german.root), in_english)
        assert not wrong, "switched back to English (-) but built in English (+):\n" + "\n".join(wrong)
    finally:
        german.close()


@pytest.mark.parametrize("name", PAGES)
def test_switching_the_language_rewords_the_whole_page(
    name: str, qtbot: QtBot, request: pytest.FixtureRequest, language: Language
) -> None:
    _switch_and_compare(lambda: _build(name, qtbot, request), language)


# --- pages in the states an action leaves them in ----------------------------------------------------------


def _users_page(qtbot: QtBot, request: pytest.FixtureRequest, **options: Any) -> tuple[Hosted, Admin]:
    """The Users page of a Contoso administrator of its own (its own journal: no earlier run is offered)."""
    runner = request.getfixturevalue("runner")
    home = request.getfixturevalue("tmp_path") / uuid.uuid4().hex[:8]
    admin = sign_in(runner, request.getfixturevalue("sandbox"), home, fresh=False)
    request.addfinalizer(lambda: close_admin(runner, admin))
    return users_host(qtbot, runner, admin, **options), admin


def build_users_after_a_run(qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    """A creation run done: one person created, one already there, one refused by Microsoft (the demo
    tenant's group "Sales" holds sales@), each row saying so, with the counts and the run's summary."""
    hosted, admin = _users_page(qtbot, request)
    domain, tag = str(admin.facts.default_domain), uuid.uuid4().hex[:8]
    existing = admin.admin_upn.split("@")[0]
    hosted.model.remove_rows(range(hosted.model.rowCount()))
    hosted.model.add_users(
        [
            NewUser("Anna", "Muster", "Anna Muster", f"anna.{tag}", domain, "anna@firma.example"),
            NewUser("Sales", "Team", "Sales Team", "sales", domain, "sales@partner-example.com"),
            NewUser("Ad", "Min", "Ad Min", existing, admin.admin_upn.split("@")[1], "admin@firma.example"),
        ]
    )
    create = hosted.button("create_users_button")
    qtbot.waitUntil(create.isEnabled, timeout=WAIT)
    qtbot.mouseClick(create, Qt.MouseButton.LeftButton)

    def done() -> None:
        assert hosted.page.state is UsersState.EDITING
        statuses = {hosted.model.row(number).status for number in range(hosted.model.rowCount())}
        assert statuses == {RowStatus.CREATED, RowStatus.EXISTED, RowStatus.FAILED}, statuses

    qtbot.waitUntil(done, timeout=WAIT)
    QApplication.processEvents()
    return Built(hosted.wizard, hosted.page, hosted.wizard.close)


def build_users_reading_a_file(qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    """A file being read (from a pipe that lets nothing through until the page is closed)."""
    slow = SlowFile(request.getfixturevalue("tmp_path") / f"people-{uuid.uuid4().hex[:8]}.csv", "")
    hosted, _admin = _users_page(qtbot, request, choose_file=lambda: slow.path)
    qtbot.mouseClick(hosted.button("import_csv_button"), Qt.MouseButton.LeftButton)
    summary = hosted.status("users_summary")

    def reading() -> None:
        assert summary.kind is StatusKind.BUSY, summary.text()
        assert slow.path.name in summary.text()
        assert summary.isVisible()

    qtbot.waitUntil(reading, timeout=WAIT)

    def close() -> None:
        slow.send()  # never leave the reading thread waiting
        hosted.wizard.close()

    return Built(hosted.wizard, hosted.page, close)


def build_users_after_reading_a_file(qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    """A file read: its people in the table, what was added, and the file's problems listed by line."""
    path = request.getfixturevalue("tmp_path") / "messy.csv"
    hosted, admin = _users_page(qtbot, request, choose_file=lambda: path)
    domain = str(admin.facts.default_domain)
    path.write_text(
        re.sub("acmepartners.de", domain, (CSV_DATA / "messy_template.csv").read_text("utf-8"), flags=re.I),
        "utf-8",
    )
    qtbot.mouseClick(hosted.button("import_csv_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: "messy.csv" in hosted.status().text() and hosted.problems.count() > 0, timeout=WAIT
    )
    return Built(hosted.wizard, hosted.page, hosted.wizard.close)


def build_signed_in(qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    """Signed in as the demo administrator: the organisation, its domain, who signed in and their role."""
    from test_page_sign_in import Factory

    sandbox = request.getfixturevalue("sandbox")
    tmp_path = request.getfixturevalue("tmp_path")
    factory = Factory(qtbot, request.getfixturevalue("runner"), request.getfixturevalue("backend"), tmp_path)
    demo = sandbox.info["demo"]["admin"]
    hosted = factory(
        browser=ScriptedBrowser(idle=True),
        demo_account=(demo["username"], demo["password"]),
        cache_dir=tmp_path / uuid.uuid4().hex[:8],  # each build signs in anew
    )
    page = hosted.page
    qtbot.waitUntil(page.demo_sign_in_button.isVisible, timeout=WAIT)
    qtbot.mouseClick(page.demo_sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: page.state is SignInState.SIGNED_IN and page.role_status.text() != "", timeout=WAIT
    )
    QApplication.processEvents()
    return Built(hosted.wizard, page, factory.close)


def build_portal_after_inviting(qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    """Invitations sent: two invited (until a date), one refused as busy, and what the page says about it."""
    from test_page_portal import host as portal_host

    portal = RecordingPortal()
    hosted = portal_host(
        qtbot, request.getfixturevalue("runner"), request.getfixturevalue("journal"), portal, 3
    )
    page = hosted.page
    portal.fail = {page.rows[2].email: PortalProblem.BUSY}
    qtbot.waitUntil(page.invite_all_button.isEnabled, timeout=WAIT)
    qtbot.mouseClick(page.invite_all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: None not in hosted.states() and not page.busy, timeout=WAIT)
    QApplication.processEvents()
    return Built(hosted.wizard, page, hosted.wizard.close)


def build_summary_after_a_retry(qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    """A retried invitation refused again (the portal still busy): the row, and the page saying why."""
    from test_page_summary import host as summary_host
    from test_report import fill

    record = request.getfixturevalue("journal")
    run, _users = fill(record)
    portal = RecordingPortal()
    page = summary_host(qtbot, request.getfixturevalue("runner"), record, [run], portal=portal)
    portal.fail = {page.rows[4].email: PortalProblem.BUSY}
    assert page.retry(4)
    qtbot.waitUntil(lambda: not page.busy and page.summary_status.kind is StatusKind.ERROR, timeout=WAIT)
    QApplication.processEvents()
    wizard = page.wizard()
    return Built(wizard, page, wizard.close)


def build_credentials_after_sending(qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    """Passwords sent by mail from the administrator's mailbox: each row says when, and the page says so."""
    from test_page_credentials import create
    from test_page_credentials import host as credentials_host

    runner = request.getfixturevalue("runner")
    home = request.getfixturevalue("tmp_path") / uuid.uuid4().hex[:8]
    admin = sign_in(runner, request.getfixturevalue("sandbox"), home, fresh=False)
    request.addfinalizer(lambda: close_admin(runner, admin))
    run_id, passwords = create(runner, admin, 2)
    hosted = credentials_host(qtbot, runner, admin, run_id, passwords)
    page = hosted.page
    qtbot.waitUntil(page.deliver_all_button.isEnabled, timeout=WAIT)
    qtbot.mouseClick(page.deliver_all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: hosted.finish_enabled and page.delivery_status.kind is StatusKind.OK, timeout=WAIT
    )
    # Sending starts a look for bounced mail (a short wait first): compared while it runs in one page and
    # has ended in the other, the two pages said different things (flaky).
    qtbot.waitUntil(lambda: not page.checking_bounces, timeout=WAIT)
    QApplication.processEvents()

    def close() -> None:
        hosted.cleanup()
        hosted.wizard.close()

    return Built(hosted.wizard, page, close)


STATES: dict[str, Callable[[QtBot, pytest.FixtureRequest], Built]] = {
    "users after a run": build_users_after_a_run,
    "users reading a file": build_users_reading_a_file,
    "users after reading a file": build_users_after_reading_a_file,
    "signed in": build_signed_in,
    "credentials after sending": build_credentials_after_sending,
    "portal after inviting": build_portal_after_inviting,
    "summary after a retry": build_summary_after_a_retry,
}


@pytest.mark.parametrize("state", STATES)
def test_switching_the_language_rewords_a_page_in_a_later_state(
    state: str, qtbot: QtBot, request: pytest.FixtureRequest, language: Language
) -> None:
    """What an action left on the page (a run's statuses and their reasons, a file being read, who signed in)
    reads as if the page had been brought there in the new language."""
    _switch_and_compare(lambda: STATES[state](qtbot, request), language)
