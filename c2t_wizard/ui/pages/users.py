"""Step 5: the people to create — typed in, or imported from a spreadsheet — checked, then created in bulk.

Everything slow happens on the service thread: reading and parsing a file, the availability of each
username (debounced), the journal, and the creation run (``$batch``, progress, cancel, resume). The table,
its rules and its editors live in ``ui.users_model``, loaded when the page is first shown (its rules pull in
the email validator, which the first paint of the window must not wait for).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTableView,
    QWidget,
    QWizard,
    QWizardPage,
)

from c2t_wizard.domain.onboarding import Onboarding
from c2t_wizard.lazy import lazy_import
from c2t_wizard.ui.colors import colours
from c2t_wizard.ui.file_errors import describe_file_error
from c2t_wizard.ui.flow import FlowLayout
from c2t_wizard.ui.headings import wrap_headings
from c2t_wizard.ui.runner import Job, JobGroup, ServiceRunner
from c2t_wizard.ui.scrolling import scrolling_layout
from c2t_wizard.ui.widgets import StatusKind, StatusLine, buddy_label, leave_with_ctrl_tab, make_secondary

if TYPE_CHECKING:
    import asyncio

    from c2t_wizard.domain.csv_import import CsvImport, CsvProblem
    from c2t_wizard.domain.users import NewUser
    from c2t_wizard.services import user_creation
    from c2t_wizard.services.directory import CreationResult, DirectoryService
    from c2t_wizard.services.journal import Journal, PersonState, RunSummary
    from c2t_wizard.services.user_creation import PersonEntry
    from c2t_wizard.ui import users_model
    from c2t_wizard.ui.users_model import RowStatus, UsersModel
else:
    asyncio = lazy_import("asyncio")
    users_model = lazy_import("c2t_wizard.ui.users_model")
    user_creation = lazy_import("c2t_wizard.services.user_creation")

DEBOUNCE_MS = 500
ETA_SHOWN_FROM_S = 60.0
"""A run expected to take at least this long says how long (paced to Microsoft's write quota, thousands of
people take minutes)."""
CHECK_BATCH = 20
"""Usernames per availability check: one Graph ``$batch`` of ``GET /users/{upn}`` (Graph's maximum)."""
CHECK_WAVE = 5000
"""Usernames marked "checking" and sent at a time; the next wave goes when this one is answered."""
CHECKS_AT_ONCE = 6
"""Availability batches in flight at a time (a file of 5,000 people must not look like an attack, and must be
checked within seconds)."""
IMPORT_CHUNK = 1000
"""Rows of a file added to the table per turn of the event loop (a big file never freezes the window)."""
PROBLEMS_LISTED = 100
"""Rows of problems listed under the table at most; every problem is marked on its cell anyway."""
TEMPLATE_NAME = "call2teams-users.csv"
ProblemWhere = Qt.ItemDataRole.UserRole


def choose_csv_file(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(
        parent,
        QCoreApplication.translate("UsersPage", "Import people from a file"),
        "",
        QCoreApplication.translate("UsersPage", "Spreadsheet files (*.csv *.txt);;All files (*)"),
    )
    return Path(name) if name else None


def choose_template_path(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("UsersPage", "Save the template"),
        str(Path.home() / TEMPLATE_NAME),
        QCoreApplication.translate("UsersPage", "CSV files (*.csv)"),
    )
    return Path(name) if name else None


class UsersState(Enum):
    """What the page is doing."""

    EDITING = "editing"
    CREATING = "creating"
    STOPPING = "stopping"


@dataclass(frozen=True)
class _Imported:
    """A file read on the service thread: what it said, and its people as rows, checked with ``verified``."""

    result: CsvImport
    rows: list[users_model.UserRow]
    verified: tuple[str, ...] = ()


@dataclass
class _Filing:
    """A file's rows going into the table, IMPORT_CHUNK at a time."""

    path: Path
    answer: _Imported
    added: list[int] = field(default_factory=list)


class UsersPage(QWizardPage):
    """People in, users created (without a licence) out; the journal keeps every step true.

    Next is enabled once at least one person was created (or already existed) and nothing is running.

    Signals:
        work_ended(): a creation run has ended (finished, failed or stopped).
    """

    work_ended = Signal()

    def __init__(
        self,
        onboarding: Onboarding,
        runner: ServiceRunner,
        directory: DirectoryService | None = None,
        journal: Journal | None = None,
        parent: QWidget | None = None,
        *,
        choose_file: Callable[[], Path | None] | None = None,
        choose_save_path: Callable[[], Path | None] | None = None,
        debounce_ms: int = DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("page_users")
        self._onboarding = onboarding
        self._runner = runner
        self._directory = directory
        self._journal = journal
        self._choose_file = choose_file or (lambda: choose_csv_file(self))
        self._choose_save_path = choose_save_path or (lambda: choose_template_path(self))
        self._model: UsersModel | None = None
        self._state = UsersState.EDITING
        self._runs: list[str] = []
        self._creation_job: Job | None = None
        self._stop = threading.Event()
        self._check_jobs = JobGroup(runner)
        self._jobs = JobGroup(runner, on_failure=self._on_journal_failed)
        """Short jobs (a file, the journal): never cancelled by the page."""
        self._passwords: dict[str, str] = {}
        self._waiting = 0
        self._eta: float | None = None
        """Seconds left in the creation run, as the service estimates them (None: not known yet)."""
        self._import_problems: list[CsvProblem] = []
        """The last file's notices and problems, worded in the user's language when shown."""
        self._offered_runs: list[RunSummary] = []
        self._resume_checked_for: str | None = None
        self._failure: Callable[[], str] | None = None
        """Why the last run stopped, worded in the language shown (None: it didn't fail)."""
        self._run_keys: dict[str, set[str]] = {}
        self._complete = (False, False)
        self._fitted = False
        self._import_name = ""
        self._importing = False
        """A file is being read: Import, Create and Add wait for it."""
        self._import_tag = 0
        """Tags each read; an answer whose tag is no longer current is ignored."""
        self._reading = ""
        """The name of the file being read (worded as "Reading {name}…", in the language installed now)."""
        self._filing: _Filing | None = None
        """A file read, its rows being added to the table a chunk per turn of the event loop."""
        self._listed: tuple[int, int] | None = None
        """(model's problems revision, import revision) the problem list was made for."""
        self._import_revision = 0
        self._problem_total = 0
        self._readiness_text = ""
        """The "sign in first" / "getting ready" line while it is shown (it goes once the page is ready)."""

        self._debounce = QTimer(self)
        self._debounce.setObjectName("users_check_debounce")
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self._send_checks)

        # --- resume banner -------------------------------------------------------------------------
        self.resume_banner = QFrame(self)
        self.resume_banner.setObjectName("resume_banner")
        self.resume_banner.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        border = colours(self.palette()).accent_border.name()
        self.resume_banner.setStyleSheet(
            f"QFrame#resume_banner {{ border: 1px solid {border}; border-radius: 6px;"
            " background: palette(base); }"
        )
        self.resume_text = StatusLine(self.resume_banner)
        self.resume_text.setObjectName("resume_text")
        self.resume_run_button = self._button("resume_run_button", self.resume_offered_run)
        self.start_over_button = self._button("start_over_button", self.start_over)
        banner_layout = QHBoxLayout(self.resume_banner)
        banner_layout.setContentsMargins(10, 8, 10, 8)
        banner_layout.addWidget(self.resume_text, 1)
        banner_layout.addWidget(self.resume_run_button, 0, Qt.AlignmentFlag.AlignVCenter)
        banner_layout.addWidget(self.start_over_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.resume_banner.setVisible(False)

        # --- toolbar ----------------------------------------------------------------------------------
        self.users_table = UsersTable(self)
        self.users_table.setObjectName("users_table")
        self._users_header = wrap_headings(self.users_table)  # long headings wrap, not cut off
        self._table_label = table_label = QLabel(self)
        table_label.setObjectName("users_table_label")
        table_label.setBuddy(self.users_table)
        font = table_label.font()
        font.setBold(True)
        table_label.setFont(font)

        self.add_user_button = self._button("add_user_button", self.add_user)
        self.remove_user_button = self._button("remove_user_button", self.remove_selected)
        self.import_csv_button = self._button("import_csv_button", self.import_csv)
        self.download_template_button = self._button("download_template_button", self.download_template)
        toolbar = FlowLayout(spacing=6)  # the buttons wrap onto a second row when the text is large
        toolbar.addWidget(table_label)
        toolbar.add_stretch()
        for button in (
            self.add_user_button,
            self.remove_user_button,
            self.import_csv_button,
            self.download_template_button,
        ):
            toolbar.addWidget(button)

        # --- problems ---------------------------------------------------------------------------------
        self.users_summary = StatusLine(self)
        self.users_summary.setObjectName("users_summary")
        self.users_problems = QListWidget(self)
        self.users_problems.setObjectName("users_problems")
        leave_with_ctrl_tab(self.users_problems)
        self.users_problems.setWordWrap(True)
        side = self.fontMetrics().height()
        self.users_problems.setIconSize(QSize(side, side))
        self.users_problems.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.users_problems.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 10)
        self.users_problems.itemActivated.connect(self._go_to_problem)
        self.users_problems.setVisible(False)
        self.users_problems_label = buddy_label("", self.users_problems, "users_problems_label")

        # --- licence note -----------------------------------------------------------------------------
        self.licence_note = StatusLine(self)
        self.licence_note.setObjectName("licence_note")
        self.licence_note.show_status(
            StatusKind.INFO,
            lambda: self.tr(
                "Created without a licence: they can sign in to Microsoft and to the Call2Teams portal, "
                "but get no mailbox, Teams or Office apps. That costs nothing; you can add a licence later "
                "in the Microsoft 365 admin center."
            ),
        )
        make_secondary(self.licence_note)

        # --- creation ---------------------------------------------------------------------------------
        self.create_users_button = self._button("create_users_button", self.create_users)
        self.cancel_creation_button = self._button("cancel_creation_button", self.cancel_creation)
        # Not "&Resume": the banner's Resume has R (each mnemonic on the page is used once).
        self.resume_creation_button = self._button("resume_creation_button", self.resume_creation)
        self.retry_failed_button = self._button("retry_failed_button", self.retry_failed)
        self.creation_progress = QProgressBar(self)
        self.creation_progress.setObjectName("creation_progress")
        self.creation_progress.setTextVisible(True)
        self.creation_progress.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # The counts have a line of their own, under the bar: beside it they left the bar no room (or were cut
        # off) at the wizard's minimum width, with three buttons showing or in German.
        self.creation_counts = QLabel(self)
        self.creation_counts.setObjectName("creation_counts")
        self.creation_counts.setTextFormat(Qt.TextFormat.PlainText)
        self.creation_counts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.creation_counts.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.creation_counts.setWordWrap(True)  # never cut off, however narrow
        self.creation_status = StatusLine(self)
        self.creation_status.setObjectName("creation_status")
        creation_row = QHBoxLayout()
        creation_row.setSpacing(8)
        creation_row.addWidget(self.create_users_button)
        creation_row.addWidget(self.cancel_creation_button)
        creation_row.addWidget(self.resume_creation_button)
        creation_row.addWidget(self.retry_failed_button)
        creation_row.addWidget(self.creation_progress, 1)
        creation_row.addStretch(0)  # takes the room while there is no progress bar

        layout = scrolling_layout(self)
        layout.setSpacing(6)
        layout.addWidget(self.resume_banner)
        layout.addLayout(toolbar)
        layout.addWidget(self.users_table, 1)
        layout.addWidget(self.users_summary)
        layout.addWidget(self.users_problems_label)
        layout.addWidget(self.users_problems)
        layout.addWidget(self.licence_note)
        layout.addLayout(creation_row)
        layout.addWidget(self.creation_counts)
        layout.addWidget(self.creation_status)

        self.retranslate()

        self.setTabOrder(self.resume_run_button, self.start_over_button)
        self.setTabOrder(self.download_template_button, self.users_table)  # the buttons sit above the table
        self._render()

    # --- the model, loaded on first show ---------------------------------------------------------------

    @property
    def model(self) -> UsersModel:
        if self._model is None:
            self._model = users_model.UsersModel(self, failure_words=self._failure_words)
            self._model.setObjectName("users_model")
            table = self.users_table
            table.setModel(self._model)
            table.setItemDelegate(users_model.LiveTextDelegate(table))
            table.setItemDelegateForColumn(users_model.Column.DOMAIN, users_model.DomainDelegate(table))
            header = table.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            header.setStretchLastSection(True)
            header.setHighlightSections(False)
            metrics = table.fontMetrics()
            table.verticalHeader().setDefaultSectionSize(metrics.lineSpacing() + 10)
            table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            self._model.rows_validated.connect(self._on_validated)
            self._model.username_changed.connect(lambda _row: self._debounce.start())
            self._model.rowsInserted.connect(lambda *_: self._on_rows_inserted())
            self._model.rowsRemoved.connect(lambda *_: self._render())
            table.selectionModel().selectionChanged.connect(lambda *_: self._render_buttons())
            table.delete_requested.connect(self.remove_selected)
            self._apply_domains()
        return self._model

    def _on_rows_inserted(self) -> None:
        self._debounce.start()  # new rows (typed or imported) get their usernames checked
        self._render()

    def _apply_domains(self) -> None:
        facts = self._onboarding.tenant_facts
        if self._model is None or facts is None:
            return
        self._model.set_domains(facts.domain_names, facts.default_domain or "")
        if len(facts.domain_names) == 1:
            self.setSubTitle(
                self.tr(
                    "Type in the people who will use Call2Teams, or import them from a spreadsheet. Each "
                    "gets a Microsoft username ending in @{domain} and a temporary password."
                ).format(domain=facts.domain_names[0])
            )
        else:  # another tenant (switched account) may have several domains: no stale "@domain" promise
            self.setSubTitle(
                self.tr(
                    "Type in the people who will use Call2Teams, or import them from a spreadsheet. "
                    "Each gets a Microsoft username and a temporary password."
                )
            )

    # --- QWizardPage -----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Every static text on the page, in the language now installed (again on each LanguageChange)."""
        self.users_table.setAccessibleName(self.tr("People to create"))
        self.users_table.setAccessibleDescription(
            self.tr(
                "Type to edit a cell, F2 to change it, Enter to finish, Tab for the next cell. "
                "Delete removes the selected people."
            )
        )
        self._table_label.setText(self.tr("&People to create:"))
        self.import_csv_button.setToolTip(
            self.tr(
                "A CSV file from Excel: the Microsoft 365 “Add multiple users” template, the Entra "
                "“Bulk create” template, or ours."
            )
        )
        self.users_problems.setAccessibleName(self.tr("Problems to fix"))
        self.users_problems.setAccessibleDescription(self.tr("Press Enter on a problem to go to its cell."))
        self.users_problems_label.setText(self.tr("Problems to fi&x:"))
        self.creation_progress.setAccessibleName(self.tr("Users created"))
        self.creation_progress.setFormat(self.tr("%v of %m"))
        self.resume_run_button.setText(self.tr("&Resume"))
        self.resume_run_button.setAccessibleName(self.tr("Resume the unfinished run"))
        self.start_over_button.setText(self.tr("Start &over"))
        self.start_over_button.setAccessibleName(self.tr("Start over with an empty list"))
        self.add_user_button.setText(self.tr("&Add person"))
        self.add_user_button.setAccessibleName(self.tr("Add a person"))
        self.remove_user_button.setText(self.tr("Re&move"))
        self.remove_user_button.setAccessibleName(self.tr("Remove the selected people"))
        self.import_csv_button.setText(self.tr("&Import from file…"))
        self.import_csv_button.setAccessibleName(self.tr("Import people from a CSV file"))
        self.download_template_button.setText(self.tr("Download &template…"))
        self.download_template_button.setAccessibleName(self.tr("Download a CSV template to fill in"))
        # its text counts the people: _render_buttons
        self.create_users_button.setAccessibleName(self.tr("Create the users"))
        self.cancel_creation_button.setText(self.tr("&Stop"))
        self.cancel_creation_button.setAccessibleName(self.tr("Stop creating users"))
        self.resume_creation_button.setText(self.tr("Res&ume"))
        self.resume_creation_button.setAccessibleName(self.tr("Resume creating the people not created yet"))
        self.retry_failed_button.setText(self.tr("Try failed a&gain"))
        self.retry_failed_button.setAccessibleName(self.tr("Try the failed people again"))
        self.setTitle(self.tr("Add your staff"))
        self.setSubTitle(
            self.tr(
                "Type in the people who will use Call2Teams, or import them from a spreadsheet. "
                "Each gets a Microsoft username and a temporary password."
            )
        )
        self._apply_domains()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            if self._model is not None:
                self._model.retranslate()
            if self._readiness_text and self.creation_status.text() == self._readiness_text:
                self.creation_status.clear()  # worded again by the render below
                self._readiness_text = ""
            self._listed = None  # the problem list is worded again too
            self._on_validated()
        super().changeEvent(event)

    def initializePage(self) -> None:
        model = self.model
        self._apply_domains()
        if model.rowCount() == 0 and not self._runs:
            self._add_first_row()
        self._check_for_unfinished_runs()
        if model.upns_to_check():
            self._debounce.start()
        self._render()

    def isComplete(self) -> bool:
        if self._state is not UsersState.EDITING or self._model is None:
            return False
        return any(self._model.status_count(status) for status in users_model.DONE)

    def validatePage(self) -> bool:
        if not self.isComplete():
            return False
        assert self._model is not None
        self._onboarding.user_run_ids = list(self._runs)
        self._onboarding.created_users = [
            row.user() for row in self._model.rows if row.status in users_model.DONE
        ]
        self._onboarding.passwords = dict(self._passwords)
        return True

    def cleanupPage(self) -> None:
        """Back: stop checking; a run in progress is stopped (it can be resumed)."""
        self._stop_checks()
        self._drop_import()
        if self._state is UsersState.CREATING:
            self.cancel_creation()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._model is not None and self._model.upns_to_check(limit=1):
            self._debounce.start()  # checks stopped when the page was hidden are asked again

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        if not self.isVisible():
            self._stop_checks()
            # QWizard also hides and shows its current page while it lays itself out again (a new title, as
            # on a language switch): only a page still hidden a turn of the event loop later was left.
            QTimer.singleShot(0, self, self._drop_import_if_hidden)

    def _drop_import_if_hidden(self) -> None:
        if not self.isVisible():
            self._drop_import()

    # --- public for the wizard and tests ---------------------------------------------------------------

    @property
    def state(self) -> UsersState:
        return self._state

    def work_in_progress(self) -> str | None:
        """For the wizard's close guard."""
        if self._state is UsersState.EDITING:
            return None
        return self.tr("Users are being created.")

    def stop_work(self) -> None:
        """For the wizard's close guard: as the Stop button does."""
        self.cancel_creation()

    @property
    def run_ids(self) -> list[str]:
        return list(self._runs)

    @property
    def passwords(self) -> dict[str, str]:
        """key (lower-case UPN) -> temporary password, for the credentials step; memory only."""
        return dict(self._passwords)

    def set_services(self, directory: DirectoryService | None, journal: Journal | None) -> None:
        """The directory and journal, once the app has opened them (after the first paint)."""
        self._directory = directory
        self._journal = journal
        if self.isVisible():
            self._check_for_unfinished_runs()
            self._debounce.start()
        self._render()

    def add_user(self) -> None:
        """A new row; editing starts in its first name."""
        if self._state is not UsersState.EDITING or self._import_busy:
            return
        row = self.model.add_row()
        self._edit(row, users_model.Column.FIRST_NAME)

    def remove_selected(self) -> None:
        if self._state is not UsersState.EDITING or self._model is None:
            return
        table = self.users_table
        rows = table.selected_rows()
        current = table.currentIndex()
        removed = self._model.remove_rows(rows)
        if removed and self._model.rowCount():
            row = min(rows[0], self._model.rowCount() - 1)
            table.setCurrentIndex(self._model.index(row, max(current.column(), 0)))
        self._render()

    def import_csv(self) -> None:
        """Pick a file; it is read and checked on the service thread."""
        if self._state is not UsersState.EDITING or self._import_busy:
            return
        path = self._choose_file()
        if path is None:
            return
        facts = self._onboarding.tenant_facts
        default = (facts.default_domain or "") if facts else ""
        verified = facts.domain_names if facts else ()

        def read() -> _Imported:
            from c2t_wizard.domain.csv_import import parse_users_csv

            result = parse_users_csv(path.read_bytes(), default_domain=default, verified_domains=verified)
            # The rows are made and checked here too: the GUI thread only files them (a file can be big).
            rows = users_model.prepare_rows(result.users, result.user_lines, verified)
            return _Imported(result, rows, tuple(verified))

        self._import_tag += 1
        tag = self._import_tag
        self._importing = True
        self._reading = path.name
        self._on_validated()  # the "Reading…" line shows (it was worded but stayed hidden), buttons wait
        self._jobs.submit(
            asyncio.to_thread(read),
            f"import {path.name}",
            lambda result: self._on_imported(path, result, tag),
            lambda error: self._on_import_failed(path, error, tag),
        )

    def download_template(self) -> None:
        path = self._choose_save_path()
        if path is None:
            return
        if path.suffix.lower() != ".csv":
            path = path.with_suffix(".csv")

        def write() -> Path:
            from c2t_wizard.domain.csv_import import write_template_csv

            path.write_bytes(write_template_csv())
            return path

        self._jobs.submit(
            asyncio.to_thread(write),
            "write the template",
            lambda _result: self.creation_status.show_status(
                StatusKind.OK,
                lambda: self.tr(
                    "Template saved as {path}. Fill it in with Excel, save it as CSV, and import it."
                ).format(path=str(path)),
            ),
            lambda error: self.creation_status.show_status(
                StatusKind.ERROR,
                lambda: self.tr("The template couldn't be saved as {path}: {reason}").format(
                    path=str(path), reason=describe_file_error(error)
                ),
            ),
        )

    def create_users(self) -> None:
        """Create every draft row (all must be valid), in a new journal run."""
        if not self._can_create():
            return
        model = self.model
        model.remove_rows([number for number, row in enumerate(model.rows) if row.blank])
        drafts = [
            number for number, row in enumerate(model.rows) if row.status is users_model.RowStatus.DRAFT
        ]
        people = [model.row(number).user() for number in drafts]
        for number in drafts:
            model.set_status(number, users_model.RowStatus.WAITING)
        self._start_creation(people=people, runs=[], requeue=False)

    def cancel_creation(self) -> None:
        """Stop scheduling; batches on the wire are answered and recorded; the rest can be resumed."""
        if self._state is not UsersState.CREATING:
            return
        self._state = UsersState.STOPPING
        self._stop.set()
        self._cancel_runs()
        self.creation_status.show_status(
            StatusKind.BUSY, lambda: self.tr("Stopping… waiting for the answers to what was already sent.")
        )
        self._render()

    def resume_creation(self) -> None:
        """Go on with the people not created yet."""
        if self._state is not UsersState.EDITING or not self._runs or not self._ready():
            return
        self._start_creation(people=[], runs=self._runs_with(users_model.RowStatus.WAITING), requeue=False)

    def retry_failed(self) -> None:
        """Try the failed people again."""
        if self._state is not UsersState.EDITING or not self._ready():
            return
        runs = self._runs_with(users_model.RowStatus.FAILED)
        if runs:
            self._start_creation(people=[], runs=runs, requeue=True)

    def resume_offered_run(self) -> None:
        """The banner's Resume: the unfinished runs back in the table, and creation goes on."""
        self._restore_runs([summary.run_id for summary in reversed(self._offered_runs)])  # oldest first

    def start_new_list(self) -> None:
        """ "Onboard more people": an empty list in the same organisation; creating starts a new run."""
        if self._state is not UsersState.EDITING:
            return
        self._stop_checks()
        self._drop_import()
        self._runs = []
        self._run_keys = {}
        self._passwords = {}
        self._offered_runs = []
        self.resume_banner.setVisible(False)
        self.creation_status.clear()
        if self._model is not None:
            self._model.replace_rows([])
            self._add_first_row()
        self._render()

    def _restore_runs(self, runs: list[str]) -> None:
        journal = self._journal
        if journal is None or not runs:
            return
        self.resume_banner.setVisible(False)
        self._jobs.submit(
            user_creation.read_runs(journal, runs), "read unfinished runs", self._on_runs_restored
        )

    def start_over(self) -> None:
        """The banner's Start over: the unfinished runs are closed (whoever was created stays)."""
        journal = self._journal
        runs = [summary.run_id for summary in self._offered_runs]
        self._offered_runs = []
        self.resume_banner.setVisible(False)
        if journal is None or not runs:
            return
        self._jobs.submit(user_creation.close_runs(journal, runs), "close unfinished runs", lambda _r: None)
        self.users_table.setFocus()

    # --- availability ----------------------------------------------------------------------------------

    def _send_checks(self) -> None:
        directory = self._directory
        if directory is None or self._model is None or self._state is not UsersState.EDITING:
            return
        if self._check_jobs.busy:
            return  # the wave on the wire asks for the next one when it is answered
        upns = self._model.upns_to_check(limit=CHECK_WAVE)
        if not upns:
            return
        Availability = users_model.Availability  # noqa: N806
        self._model.set_availabilities(dict.fromkeys(upns, Availability.CHECKING))
        batches = [upns[start : start + CHECK_BATCH] for start in range(0, len(upns), CHECK_BATCH)]

        async def check(report: Callable[[object], None]) -> None:
            gate = asyncio.Semaphore(CHECKS_AT_ONCE)

            async def one(batch: list[str]) -> None:
                async with gate:
                    try:
                        answers = await directory.usernames_free(batch)
                    except Exception:  # never "free" on doubt
                        answers = dict.fromkeys(batch)
                    report(answers)  # one message per batch

            await asyncio.gather(*(one(batch) for batch in batches))

        self._check_jobs.submit(
            check,
            name=f"check {len(upns)} usernames",
            on_progress=self._on_availability,
            on_success=lambda _result: self._send_checks(),  # the next wave, or what changed meanwhile
            on_failure=lambda _error: None,
        )

    def _on_availability(self, answers: object) -> None:
        """One batch's answers (upn -> free, None when Graph couldn't tell), shown at the next turn of the
        event loop together with whatever else arrived meanwhile."""
        if self._model is None or not isinstance(answers, dict):
            return
        Availability = users_model.Availability  # noqa: N806
        self._model.set_availabilities(
            {
                str(upn): Availability.UNCHECKED
                if free is None
                else Availability.FREE
                if free
                else Availability.TAKEN
                for upn, free in answers.items()
            }
        )

    def _stop_checks(self) -> None:
        self._debounce.stop()
        self._check_jobs.cancel_all()
        if self._model is not None:
            self._model.forget_unanswered()

    # --- creation --------------------------------------------------------------------------------------

    def _ready(self) -> bool:
        facts = self._onboarding.tenant_facts
        return (
            self._directory is not None
            and self._journal is not None
            and facts is not None
            and bool(facts.tenant_id)
        )

    def _can_create(self) -> bool:
        if (
            self._state is not UsersState.EDITING
            or self._import_busy
            or self._model is None
            or not self._ready()
        ):
            return False
        model = self._model
        # Every username checked first: a row still "Checking" could turn out taken.
        return model.people_count > 0 and model.all_valid and model.unchecked_count == 0

    def _runs_with(self, status: RowStatus) -> list[str]:
        assert self._model is not None
        wanted = {row.upn_key for row in self._model.rows if row.status is status}
        return [run_id for run_id in self._runs if wanted & self._run_keys.get(run_id, set())]

    def _start_creation(self, *, people: Sequence[NewUser], runs: Sequence[str], requeue: bool) -> None:
        journal, directory, facts = self._journal, self._directory, self._onboarding.tenant_facts
        assert journal is not None
        assert directory is not None
        assert facts is not None
        tenant_id = facts.tenant_id
        self._stop_checks()
        self._drop_import()
        # A new run leaves the offer of an older one behind (it can still be resumed on the next visit).
        self.resume_banner.setVisible(False)
        self._stop = stop = threading.Event()
        self._state = UsersState.CREATING
        self._failure = None
        self.model.set_locked(True)
        if people:
            for user in people:  # shown as waiting until the journal says otherwise
                number = self.model.find_upn(user.upn)
                if number is not None:
                    self.model.set_status(number, users_model.RowStatus.WAITING)
        self.creation_status.show_status(StatusKind.BUSY, lambda: self.tr("Creating users…"))

        people, runs = list(people), list(runs)

        async def work(report: Callable[[object], None]) -> list[CreationResult]:
            return await user_creation.create_people(
                journal,
                directory,
                tenant_id=tenant_id,
                organisation=facts.display_name,
                people=people,
                runs=runs,
                requeue=requeue,
                report=report,
                stop=stop,
            )

        self._creation_job = self._runner.submit(
            work,
            name="create users",
            on_success=self._on_created,
            on_failure=self._on_creation_failed,
            on_progress=self._on_creation_progress,
        )
        self._render()

    def _cancel_runs(self) -> None:
        directory = self._directory
        if directory is not None:
            for run_id in self._runs:
                directory.cancel_creation(run_id)

    def _on_creation_progress(self, value: object) -> None:
        if isinstance(value, user_creation.CreationStarted):
            self._runs.append(value.run_id)
            assert self._model is not None
            self._run_keys[value.run_id] = {
                row.upn_key for row in self._model.rows if row.status is users_model.RowStatus.WAITING
            }
            if self._stop.is_set():
                self._cancel_runs()
            return
        if not isinstance(value, user_creation.CreationChanges):
            return
        if value.progress is not None:
            self._waiting = value.progress.waiting
            self._eta = value.progress.eta_seconds
        if self._stop.is_set():  # a stop asked before the run was listening
            self._cancel_runs()
        self._apply_states(value.run_id, value.changed)
        self._render()

    def _apply_states(self, run_id: str, states: dict[str, PersonEntry]) -> None:
        model = self.model
        keys = self._run_keys.setdefault(run_id, set())
        for key, (state, code, detail) in states.items():
            keys.add(key)
            number = model.find_upn(key)
            if number is None:
                continue
            status, failure = self._row_status(state, code, detail)
            model.set_status(number, status, failure)

    def _row_status(
        self, state: PersonState, code: str | None, detail: str | None
    ) -> tuple[RowStatus, tuple[str | None, str | None]]:
        """A journal state as a row's status, and for a failure its facts (the model words them)."""
        RowStatus = users_model.RowStatus  # noqa: N806
        match state.value:
            case "planned":
                return RowStatus.WAITING, (None, None)
            case "sending":
                running = self._state is not UsersState.EDITING
                return (RowStatus.CREATING if running else RowStatus.WAITING), (None, None)
            case "created":
                return RowStatus.CREATED, (None, None)
            case "exists":
                return RowStatus.EXISTED, (None, None)
            case _:
                return RowStatus.FAILED, (code, detail)

    def _failure_words(self, code: str | None, detail: str | None) -> str:
        words = {
            "PASSWORD_POLICY": self.tr("Microsoft refused the password; try again"),
            "DOMAIN_NOT_VERIFIED": self.tr("the domain isn't verified in your organisation"),
            "INVALID_PROPERTY": self.tr("Microsoft refused a value"),
            "ADDRESS_IN_USE": self.tr(
                "this email address is already used by a group or shared mailbox in your organisation: "
                "choose another username"
            ),
            "FORBIDDEN": self.tr("you aren't allowed to create users; sign in as an administrator"),
            "THROTTLED_TOO_LONG": self.tr("Microsoft was too busy; try again in a few minutes"),
            "NETWORK": self.tr("no connection to Microsoft; try again"),
            "SERVER": self.tr("Microsoft had a problem; try again"),
        }.get(code or "")
        if words is None:
            words = self.tr("unexpected answer")
        if code == "INVALID_PROPERTY" and detail:
            words += f" ({detail})"
        return words

    def _on_created(self, results: object) -> None:
        self._creation_job = None
        cancelled = False
        if isinstance(results, list):
            for result in results:
                self._passwords.update(result.passwords)
                cancelled = cancelled or result.cancelled
                self._apply_states(result.run_id, user_creation.entries(result.people))
        self._finish_run(stopped=cancelled or self._stop.is_set())

    def _on_creation_failed(self, error: BaseException) -> None:
        self._creation_job = None
        self._failure = lambda: self.tr(
            "Creating stopped: {reason}. Nobody was created twice; you can resume."
        ).format(reason=self._error_words(error))
        self._finish_run(stopped=True)
        self._refresh_from_journal()

    def _finish_run(self, *, stopped: bool) -> None:
        self._state = UsersState.EDITING
        self._waiting = 0
        self._eta = None
        model = self.model
        model.set_locked(False)
        # After the run, nobody is "creating…": whatever is not final waits for Resume.
        for number, row in enumerate(model.rows):
            if row.status is users_model.RowStatus.CREATING:
                model.set_status(number, users_model.RowStatus.WAITING)
        self._summarise(stopped=stopped)
        self._render()
        if model.upns_to_check():
            self._debounce.start()
        self.work_ended.emit()

    def _refresh_from_journal(self) -> None:
        journal = self._journal
        if journal is None or not self._runs:
            return

        def apply(result: object) -> None:
            for run_id, people in result if isinstance(result, list) else []:
                self._apply_states(run_id, user_creation.entries(people))
            self._render()

        self._jobs.submit(user_creation.read_runs(journal, list(self._runs)), "read the journal", apply)

    def _summarise(self, *, stopped: bool) -> None:
        counts = self._counts()
        if self._failure is not None:
            self.creation_status.show_status(StatusKind.ERROR, self._failure)
            return
        if stopped and counts["remaining"]:
            self.creation_status.show_status(
                StatusKind.WARNING,
                lambda: self.tr(
                    "Stopped. {created} created so far; {remaining} not yet. Nothing was created twice: "
                    "Resume carries on where it stopped."
                ).format(created=counts["created"], remaining=counts["remaining"]),
            )
            return

        def text() -> str:
            parts = [self.tr("{count} created").format(count=counts["created"])]
            if existed := counts["existed"]:
                parts.append(
                    _plural(
                        existed,
                        self.tr("1 already existed and was left unchanged"),
                        self.tr("%n already existed and were left unchanged", "", existed),
                    )
                )
            if counts["failed"]:
                parts.append(self.tr("{count} failed").format(count=counts["failed"]))
            words = self.tr("Done: {parts}.").format(parts=", ".join(parts))
            if counts["failed"]:
                words += " " + self.tr("The reason is in each row's status; you can try them again.")
            elif counts["created"] or counts["existed"]:
                words += " " + self.tr("Next, each person gets their sign-in details.")
            return words

        kind = StatusKind.WARNING if counts["failed"] else StatusKind.OK
        self.creation_status.show_status(kind, text)

    def _counts(self) -> dict[str, int]:
        RowStatus = users_model.RowStatus  # noqa: N806
        counts = {"created": 0, "existed": 0, "failed": 0, "remaining": 0, "total": 0}
        model = self._model
        if model is None:
            return counts
        counts["created"] = model.status_count(RowStatus.CREATED)
        counts["existed"] = model.status_count(RowStatus.EXISTED)
        counts["failed"] = model.status_count(RowStatus.FAILED)
        counts["total"] = sum(model.status_count(s) for s in RowStatus if s is not RowStatus.DRAFT)
        counts["remaining"] = counts["total"] - counts["created"] - counts["existed"] - counts["failed"]
        return counts

    # --- resume ----------------------------------------------------------------------------------------

    def _check_for_unfinished_runs(self) -> None:
        """The unfinished run the partner chose to continue on the Welcome page comes back into the table
        (creation goes on); else, unless the Welcome page's offer was already answered, this tenant's
        unfinished runs are offered here (the same offer, for runs the Welcome page could not name)."""
        journal, onboarding = self._journal, self._onboarding
        check = user_creation.resume_check(
            journal_open=journal is not None,
            shown=self._runs,
            checked_for=self._resume_checked_for,
            resume_tenant_id=onboarding.resume_tenant_id,
            continued_runs=onboarding.user_run_ids,
            resume_answered=onboarding.resume_answered,
            tenant_id=onboarding.tenant_facts.tenant_id if onboarding.tenant_facts else None,
        )
        if journal is None or check.action is user_creation.ResumeAction.NOTHING:
            return
        self._resume_checked_for = check.marker
        if check.action is user_creation.ResumeAction.RESTORE:
            self._restore_runs(list(check.runs))
            return
        self._jobs.submit(
            user_creation.runs_to_offer(journal, check.marker),
            "look for unfinished runs",
            self._on_unfinished_runs,
        )

    def _on_unfinished_runs(self, result: object) -> None:
        runs = [run for run in result if run.run_id not in self._runs] if isinstance(result, list) else []
        if not runs or self._runs:
            return
        self._offered_runs = runs
        total = sum(run.total for run in runs)
        left = sum(run.planned + run.sending + run.failed for run in runs)

        def text() -> str:
            when = QLocale().toString(runs[0].created_at.astimezone(), QLocale.FormatType.ShortFormat)
            # One count per sentence, each with its own plural.
            if left:
                parts = [
                    _plural(
                        total,
                        self.tr("An earlier session started adding 1 person ({when})."),
                        self.tr("An earlier session started adding %n people ({when}).", "", total),
                    ).format(when=when)
                ]
                if left == total:
                    parts.append(self.tr("Nobody has been created yet."))
                else:
                    parts.append(
                        _plural(
                            left,
                            self.tr("1 of them hasn't been created yet."),
                            self.tr("%n of them haven't been created yet.", "", left),
                        )
                    )
                parts.append(self.tr("Resume to carry on, or start over with an empty list."))
            else:
                parts = [
                    _plural(
                        total,
                        self.tr(
                            "An earlier session added 1 person ({when}) and didn't finish the onboarding."
                        ),
                        self.tr(
                            "An earlier session added %n people ({when}) and didn't finish the onboarding.",
                            "",
                            total,
                        ),
                    ).format(when=when),
                    self.tr("Resume to carry on with them, or start over with an empty list."),
                ]
            return " ".join(parts)

        self.resume_text.show_status(StatusKind.INFO, text)
        self.resume_banner.setVisible(True)

    def _on_runs_restored(self, result: object) -> None:
        if not isinstance(result, list) or self._state is not UsersState.EDITING:
            return
        model = self.model
        RowStatus = users_model.RowStatus  # noqa: N806
        rows = [row for row in model.rows if not row.blank]
        for run_id, people in result:
            self._runs.append(run_id)
            self._run_keys[run_id] = {person.key for person in people}
            for person in people:
                row = users_model.UserRow.from_user(person.user)
                row.status, row.failure = self._row_status(
                    person.state, person.failure_code, person.failure_detail
                )
                rows.append(row)
        model.replace_rows(rows)
        self._offered_runs = []
        remaining = any(row.status is RowStatus.WAITING for row in model.rows)
        if remaining and self._ready():
            self.resume_creation()
        else:
            self._summarise(stopped=False)
            self._render()

    def _on_journal_failed(self, error: BaseException) -> None:
        self.creation_status.show_status(
            StatusKind.ERROR,
            lambda: self.tr("The record of earlier runs couldn't be read: {reason}").format(
                reason=self._error_words(error)
            ),
        )

    # --- import ----------------------------------------------------------------------------------------

    def _drop_import(self) -> None:
        """The page moved on (left, or creating started): the answer of a read in progress is ignored."""
        if not self._importing:
            return
        self._import_tag += 1
        self._importing = False
        self._on_validated()  # the "Reading…" line goes

    def _import_answered(self, tag: int) -> bool:
        """Whether the answer of read `tag` still counts (and if so, the read is over)."""
        if not self._importing or tag != self._import_tag or self._state is not UsersState.EDITING:
            return False
        self._importing = False
        return True

    def _reading_words(self) -> str:
        return self.tr("Reading {name}…").format(name=self._reading)

    @property
    def _import_busy(self) -> bool:
        """A file is being read, or its rows are going into the table."""
        return self._importing or self._filing is not None

    def _on_imported(self, path: Path, answer: object, tag: int) -> None:
        if not self._import_answered(tag):
            return
        if not isinstance(answer, _Imported):
            self._on_validated()
            return
        model = self.model
        blanks = [number for number, row in enumerate(model.rows) if row.blank]
        model.remove_rows(blanks)
        if answer.verified != model.domains:  # the tenant's domains changed while the file was read
            result = answer.result
            rows = users_model.prepare_rows(result.users, result.user_lines, model.domains)
            answer = _Imported(result, rows)
        self._filing = _Filing(path, answer)
        self._file_chunk()

    def _file_chunk(self) -> None:
        """The next IMPORT_CHUNK rows of the file into the table; the rest at the next turn of the loop.

        Once a file's answer is taken, all its rows go in (leaving the page meanwhile doesn't cut it short).
        """
        filing = self._filing
        if filing is None:
            return
        model = self.model
        rows = filing.answer.rows
        start = len(filing.added)
        filing.added += model.add_rows(rows[start : start + IMPORT_CHUNK])
        if len(filing.added) < len(rows):
            self._render_buttons()
            QTimer.singleShot(0, self, self._file_chunk)
            return
        self._filing = None
        self._on_filed(filing.path, filing.answer.result, filing.added)

    def _on_filed(self, path: Path, result: CsvImport, added: list[int]) -> None:
        from c2t_wizard.domain.csv_import import FILE_ISSUES

        model = self.model
        # A person's problems are marked on their cells (and listed by row); the list keeps the file's own.
        people_lines = set(result.user_lines)
        self._import_problems = result.notices + [
            p for p in result.problems if p.code in FILE_ISSUES or p.line not in people_lines
        ]
        self._import_revision += 1
        self._import_name = path.name
        troubled = sum(1 for number in added if model.is_troubled(number))
        if added:

            def text() -> str:
                words = _plural(
                    len(added),
                    self.tr("Added 1 person from {name}."),
                    self.tr("Added %n people from {name}.", "", len(added)),
                ).format(name=path.name)
                if troubled:
                    words += " " + _plural(
                        troubled,
                        self.tr(
                            "1 of them has problems, marked on the cells: fix them here or remove that "
                            "person before creating."
                        ),
                        self.tr(
                            "%n of them have problems, marked on the cells: fix them here or remove those "
                            "people before creating.",
                            "",
                            troubled,
                        ),
                    )
                return words

            self.creation_status.show_status(StatusKind.WARNING if troubled else StatusKind.OK, text)
            self.users_table.setFocus()
            first = next((number for number in added if model.is_troubled(number)), added[0])
            self.users_table.setCurrentIndex(model.index(first, 0))
        else:
            self.creation_status.show_status(
                StatusKind.ERROR, lambda: self.tr("Nobody was added from {name}.").format(name=path.name)
            )
        self._debounce.start()
        self._on_validated()

    def _on_import_failed(self, path: Path, error: BaseException, tag: int) -> None:
        if not self._import_answered(tag):
            return
        self.creation_status.show_status(
            StatusKind.ERROR,
            lambda: self.tr("{name} couldn't be opened: {reason}").format(
                name=path.name, reason=describe_file_error(error)
            ),
        )
        self._on_validated()

    # --- problems --------------------------------------------------------------------------------------

    def _on_validated(self) -> None:
        """Problems, counts or availability changed (at most once per turn of the event loop)."""
        model = self._model
        listed = (model.problems_revision if model is not None else -1, self._import_revision)
        if listed != self._listed:
            self._listed = listed
            self._list_problems()
        problems = self.users_problems
        count = self._problem_total
        problems.setVisible(problems.count() > 0)
        checking = (
            model.unchecked_count
            if model is not None and self._directory is not None and self._state is UsersState.EDITING
            else 0
        )
        if self._importing and self._reading:
            self.users_summary.show_status(StatusKind.BUSY, self._reading_words)
        elif count:
            self.users_summary.show_status(
                StatusKind.ERROR,
                lambda: _plural(
                    count,
                    self.tr("Fix 1 problem before creating: it is marked on its cell."),
                    self.tr("Fix %n problems before creating: each is marked on its cell.", "", count),
                ),
            )
        elif checking:  # why Create waits
            self.users_summary.show_status(
                StatusKind.BUSY,
                lambda: _plural(
                    checking,
                    self.tr("Checking whether 1 username is free…"),
                    self.tr("Checking whether %n usernames are free…", "", checking),
                ),
            )
        elif self._import_problems:
            self.users_summary.show_status(
                StatusKind.WARNING,
                lambda: self.tr("Problems in {name}, by line of the file:").format(name=self._import_name),
            )
        else:
            self.users_summary.clear()
        reading = self._importing and bool(self._reading)
        self.users_summary.setVisible(bool(reading or count or checking or self._import_problems))
        self._render()

    def _list_problems(self) -> None:
        """The problem list: rows' problems (the first PROBLEMS_LISTED, then how many more), then the
        file's."""
        model = self._model
        problems = self.users_problems
        problems.clear()
        total = hidden = 0
        if model is not None:
            RowStatus = users_model.RowStatus  # noqa: N806
            icon = model._icon("error")
            for number in model.troubled_rows():
                if model.row(number).status is not RowStatus.DRAFT:
                    continue
                if problems.count() >= PROBLEMS_LISTED:
                    hidden += model.problem_count(number)
                    continue
                for column, reason in model.problems_of(number):
                    item = QListWidgetItem(
                        self.tr("Row {row}, {column}: {reason}").format(
                            row=number + 1, column=model.column_title(column), reason=reason
                        )
                    )
                    item.setData(ProblemWhere, (number, int(column)))
                    item.setData(Qt.ItemDataRole.AccessibleTextRole, item.text())  # says what the icon means
                    item.setIcon(icon)
                    problems.addItem(item)
                    total += 1
            if hidden:
                total += hidden
                item = QListWidgetItem(
                    _plural(
                        hidden,
                        self.tr("…and 1 more problem, marked on its cell."),
                        self.tr("…and %n more problems, each marked on its cell.", "", hidden),
                    )
                )
                item.setData(ProblemWhere, None)
                problems.addItem(item)
        self._problem_total = total
        for problem in self._import_problems:
            line, heading = problem.line, problem.column
            where = self.tr("File line {line}").format(line=line) if line else self.tr("File")
            if heading:
                where += f" ({heading})"
            words = model.csv_problem_text(problem) if model is not None else problem.message
            item = QListWidgetItem(f"{where}: {words}")
            item.setData(ProblemWhere, None)
            if model is not None:
                item.setIcon(model._icon("warning"))
                item.setData(Qt.ItemDataRole.AccessibleTextRole, item.text())
            problems.addItem(item)

    def _go_to_problem(self, item: QListWidgetItem) -> None:
        where = item.data(ProblemWhere)
        if isinstance(where, tuple) and self._model is not None and where[0] < self._model.rowCount():
            self._edit(where[0], users_model.Column(where[1]))

    # --- rendering -------------------------------------------------------------------------------------

    def _render(self) -> None:
        self._render_buttons()
        counts = self._counts()
        running = self._state is not UsersState.EDITING
        show_progress = counts["total"] > 0
        self.creation_progress.setVisible(show_progress)
        self.creation_counts.setVisible(show_progress)
        if show_progress:
            done = counts["created"] + counts["existed"] + counts["failed"]
            self.creation_progress.setRange(0, counts["total"])
            self.creation_progress.setValue(done)
            text = self.tr(
                "Created {created} · already existed {existed} · failed {failed} · remaining {remaining}"
            ).format(**counts)
            self.creation_counts.setText(text)
            self.creation_counts.setAccessibleName(text)
            self.creation_progress.setAccessibleDescription(text)
        if running and self._state is UsersState.CREATING:
            waiting, eta = self._waiting, self._eta

            def creating() -> str:
                words = self.tr("Creating users… {done} of {total} done.").format(
                    done=counts["created"] + counts["existed"] + counts["failed"], total=counts["total"]
                )
                if waiting:
                    words += " " + _plural(
                        waiting,
                        self.tr("Microsoft asked us to slow down; 1 waits a moment."),
                        self.tr("Microsoft asked us to slow down; %n wait a moment.", "", waiting),
                    )
                if eta is not None and eta >= ETA_SHOWN_FROM_S:
                    minutes = max(1, round(eta / 60))
                    words += " " + _plural(
                        minutes,
                        self.tr("About 1 minute left."),
                        self.tr("About %n minutes left.", "", minutes),
                    )
                return words

            self.creation_status.show_status(StatusKind.BUSY, creating)
        elif not running:
            self._render_readiness()
        self._lock_back(running)
        self._update_columns()

    def _render_readiness(self) -> None:
        """The "sign in first" or "getting ready" line while the page can't create yet, and never after it
        can: worked out again on every render (not once, when the page was built before the sign-in), and it
        never hides another message (an import's outcome, a run's summary)."""
        shown = self.creation_status.text()
        ours = bool(self._readiness_text) and shown == self._readiness_text
        if self._ready():
            if ours:
                self.creation_status.clear()
            self._readiness_text = ""
            return
        if shown and not ours:
            return
        kind, text = StatusKind.BUSY, self.tr("Getting ready…")
        if self._onboarding.tenant_facts is None:
            kind, text = (
                StatusKind.INFO,
                self.tr("Sign in first: the users are created in your organisation."),
            )
        if text != shown:
            self.creation_status.show_status(kind, text)
        self._readiness_text = text

    def _update_columns(self) -> None:
        """The Domain column only when there is a choice; Status once people are being created."""
        if self._model is None:
            return
        Column = users_model.Column  # noqa: N806
        table = self.users_table
        wanted = {
            Column.DOMAIN: self._model.domain_column_needed,
            Column.STATUS: self._model.status_column_needed,
        }
        changed = False
        for column, shown in wanted.items():
            if table.isColumnHidden(column) == shown:
                table.setColumnHidden(column, not shown)
                changed = True
        if changed or not self._fitted:
            self._fit_columns()

    def _fit_columns(self) -> None:
        """Share the visible width between the visible columns (each can still be resized by hand)."""
        table = self.users_table
        width = table.viewport().width()
        if width < 100 or self._model is None:
            return
        self._fitted = True
        weights = {
            users_model.Column.FIRST_NAME: 1.0,
            users_model.Column.LAST_NAME: 1.0,
            users_model.Column.DISPLAY_NAME: 1.3,
            users_model.Column.USERNAME: 1.3,
            users_model.Column.DOMAIN: 1.7,
            users_model.Column.EMAIL: 1.6,
            users_model.Column.STATUS: 1.2,
        }
        shown = {column: weight for column, weight in weights.items() if not table.isColumnHidden(column)}
        total = sum(shown.values())
        minimum = table.fontMetrics().averageCharWidth() * 9
        for column, weight in shown.items():
            # Never narrower than a word of its heading (large text: the table scrolls sideways instead).
            least = max(minimum, self._users_header.longest_word(column))
            table.setColumnWidth(column, max(least, int(width * weight / total)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._model is not None:
            QTimer.singleShot(0, self, self._fit_columns)

    def _render_buttons(self) -> None:
        editing = self._state is UsersState.EDITING
        model = self._model
        RowStatus = users_model.RowStatus if model is not None else None  # noqa: N806
        drafts = 0
        waiting = failed = False
        if model is not None and RowStatus is not None:
            drafts = model.people_count
            waiting = model.status_count(RowStatus.WAITING) > 0
            failed = model.status_count(RowStatus.FAILED) > 0
        selected = model is not None and any(
            model.row(number).status is users_model.RowStatus.DRAFT
            for number in self.users_table.selected_rows()
            if number < model.rowCount()
        )
        importing = self._import_busy
        self.add_user_button.setEnabled(editing and not importing)
        self.remove_user_button.setEnabled(editing and selected)
        self.import_csv_button.setEnabled(editing and not importing)
        self.create_users_button.setEnabled(self._can_create())
        self.create_users_button.setText(
            _plural(drafts, self.tr("&Create 1 user"), self.tr("&Create %n users", "", drafts))
            if drafts
            else self.tr("&Create users")
        )
        self.cancel_creation_button.setVisible(not editing)
        self.cancel_creation_button.setEnabled(self._state is UsersState.CREATING)
        self.resume_creation_button.setVisible(editing and waiting and bool(self._runs))
        self.resume_creation_button.setEnabled(self._ready())
        self.retry_failed_button.setVisible(editing and failed)
        self.retry_failed_button.setEnabled(self._ready())

    def _lock_back(self, running: bool) -> None:
        """Tell the wizard when Next changes; no going Back while a run is on."""
        complete = self.isComplete()
        if (complete, running) != self._complete:
            # Also when a run ends: QWizard then works out Back again.
            self._complete = (complete, running)
            self.completeChanged.emit()
        wizard = self.wizard()
        if running and wizard is not None and wizard.currentPage() is self:
            # QWizard re-enables Back on completeChanged; a run in progress must not be left this way.
            wizard.button(QWizard.WizardButton.BackButton).setEnabled(False)

    # --- helpers ---------------------------------------------------------------------------------------

    def _add_first_row(self) -> None:
        self.model.add_row()

    def _edit(self, row: int, column: int) -> None:
        table = self.users_table
        index = self.model.index(row, column)
        table.setFocus(Qt.FocusReason.OtherFocusReason)
        table.scrollTo(index)
        table.setCurrentIndex(index)
        if index.flags() & Qt.ItemFlag.ItemIsEditable:
            table.edit(index)

    def _button(self, name: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(self)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _error_words(self, error: BaseException) -> str:
        from c2t_wizard.services.auth import AuthError, AuthProblem

        if isinstance(error, AuthError):
            # Only an expired or revoked sign-in is cured by signing in again.
            if error.problem is AuthProblem.SERVICE_BUSY:
                return self.tr("Microsoft is busy right now and didn't answer, even after several tries")
            if error.problem is AuthProblem.NETWORK:
                return self.tr("Microsoft couldn't be reached: check the internet connection")
            if error.problem in (
                AuthProblem.INTERACTION_REQUIRED,
                AuthProblem.MFA_REQUIRED,
                AuthProblem.CONDITIONAL_ACCESS,
            ):
                return self.tr("your sign-in has expired; sign in again")
            return self.tr("Microsoft refused the sign-in ({problem})").format(problem=error.problem.value)
        return describe_file_error(error)


class UsersTable(QTableView):
    """The table: Delete removes the selected rows, Enter starts editing, Tab leaves the table.

    Signals:
        delete_requested(): Delete or Backspace pressed while not editing.
    """

    delete_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        leave_with_ctrl_tab(self)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        editing = self.state() == QAbstractItemView.State.EditingState
        if not editing and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_requested.emit()
            event.accept()
            return
        if not editing and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            index = self.currentIndex()
            if index.isValid() and index.flags() & Qt.ItemFlag.ItemIsEditable:
                self.edit(index)
            # Enter in the table never presses the wizard's default button.
            event.accept()
            return
        super().keyPressEvent(event)

    def selected_rows(self) -> list[int]:
        rows = {index.row() for index in self.selectionModel().selectedIndexes()}
        if not rows and self.currentIndex().isValid():
            rows = {self.currentIndex().row()}
        return sorted(rows)


def _plural(count: int, one: str, many: str) -> str:
    """``one`` for exactly 1, else ``many``, which comes from ``tr("…%n…", "", count)``: each translation has
    its language's plural forms there, while English (which ships no translation) gets both its texts."""
    return one if count == 1 else many
