"""Step 8: what happened to each person, every failure in plain words, a Retry per person, and Export.

The report comes from the journal (``services.report``), read on the service thread. A Retry redoes only
that person's failed step through the service that did it (``services.summary_retry``): the account
(the directory's journal-backed creation), the sign-in details (sent again by email; a new temporary
password first unless this session still knows the one just made), or the portal invitation (the same
Idempotency-Key, so never two). Export writes CSV, JSON or PDF to a file the partner chooses; the report
holds no password or token, so no export can.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QModelIndex, QStandardPaths, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QWidget,
    QWizardPage,
)

from c2t_wizard.domain.onboarding import Onboarding
from c2t_wizard.domain.welcome_message import message_language
from c2t_wizard.services.journey import finish_if_done
from c2t_wizard.services.report import Report, build_report, write_csv, write_json
from c2t_wizard.services.summary_retry import (
    RetryResult,
    retry_creation,
    retry_delivery,
    retry_invitation,
)
from c2t_wizard.ui.file_errors import describe_file_error
from c2t_wizard.ui.flow import FlowLayout
from c2t_wizard.ui.headings import wrap_headings
from c2t_wizard.ui.report_pdf import ReportPdfWriter
from c2t_wizard.ui.report_words import problem_words
from c2t_wizard.ui.runner import Job, JobGroup, ServiceRunner
from c2t_wizard.ui.scrolling import scrolling_layout
from c2t_wizard.ui.summary_model import Column, SummaryTableModel
from c2t_wizard.ui.widgets import StatusKind, StatusLine, leave_with_ctrl_tab

if TYPE_CHECKING:
    from c2t_wizard.services.delivery import DeliveryService
    from c2t_wizard.services.directory import DirectoryService
    from c2t_wizard.services.journal import Journal
    from c2t_wizard.services.portal import PortalBackend
    from c2t_wizard.services.report import PersonReport

ChooseFile = Callable[[QWidget, str, str, str], str]
"""(parent, caption, suggested path, filter) -> the chosen path, or "" (tests replace the dialog)."""

EXPORT_KINDS = ("csv", "json", "pdf")


def export_work(journal: Journal, run_ids: list[str], kind: str, path: Path) -> Report | None:
    """The export of ``run_ids`` as ``kind`` (service thread): CSV and JSON are written here; for a PDF the
    report is returned, to be drawn by Qt on the GUI thread a page at a time (``ReportPdfWriter``)."""
    report = build_report(journal, run_ids)
    if kind == "csv":
        write_csv(report, path)
    elif kind == "json":
        write_json(report, path)
    else:
        return report
    return None


def choose_save_file(parent: QWidget, caption: str, suggested: str, name_filter: str) -> str:
    chosen, _filter = QFileDialog.getSaveFileName(parent, caption, suggested, name_filter)
    return chosen


def ask_export_path(
    parent: QWidget, choose_file: ChooseFile, kind: str, stem_suffix: str = ""
) -> Path | None:
    """Where to export as ``kind`` (csv, json, pdf): the file dialog, with the kind's filter and extension."""
    translate = QCoreApplication.translate
    filters = {
        "csv": translate("SummaryPage", "Spreadsheet (*.csv)"),
        "json": translate("SummaryPage", "JSON (*.json)"),
        "pdf": translate("SummaryPage", "PDF (*.pdf)"),
    }
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    name = translate("SummaryPage", "onboarding-summary")
    suggested = str(Path(folder or ".") / f"{name}{stem_suffix}.{kind}")
    chosen = choose_file(parent, translate("SummaryPage", "Export the summary"), suggested, filters[kind])
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == f".{kind}" else path.with_name(f"{path.name}.{kind}")


class SummaryPage(QWizardPage):
    """The last page: one row per person, Retry, Export.

    A run whose people are all done when the summary shows it is over in the journal (no longer offered
    for resuming, still in the history).

    Signals:
        work_ended(): the retries on their way have ended.
        more_people_requested(): "Onboard more people": a new run in the same organisation and portal
            account, without signing in again (the wizard goes back to the Users page).
    """

    work_ended = Signal()
    more_people_requested = Signal()

    def __init__(
        self,
        onboarding: Onboarding,
        runner: ServiceRunner,
        *,
        journal: Callable[[], Journal | None],
        directory: Callable[[], DirectoryService | None] = lambda: None,
        delivery: DeliveryService | None = None,
        portal: Callable[[], PortalBackend | None] = lambda: None,
        choose_file: ChooseFile = choose_save_file,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._onboarding = onboarding
        self._jobs = JobGroup(runner, on_finished=self._job_done)
        self._journal = journal
        self._directory = directory
        self._delivery = delivery
        self._portal = portal
        self._choose_file = choose_file
        self._loading = False
        self._load = 0
        self._retries: dict[tuple[str, str], Job] = {}
        self._exporting: Job | ReportPdfWriter | None = None
        self.setObjectName("page_summary")
        self.setFinalPage(True)

        self.summary_status = StatusLine(self)
        self.summary_status.setObjectName("summary_status")
        self.model = SummaryTableModel(self)
        self.summary_table = QTableView(self)
        self.summary_table.setObjectName("summary_table")
        summary_header = wrap_headings(self.summary_table)  # long headings wrap, not cut off
        self.summary_table.setModel(self.model)
        self.summary_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.summary_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.summary_table.setWordWrap(True)
        leave_with_ctrl_tab(self.summary_table)  # Tab and Ctrl+Tab leave the table; the arrows move in it
        self.summary_table_label = QLabel(self)
        self.summary_table_label.setObjectName("summary_table_label")
        self.summary_table_label.setBuddy(self.summary_table)
        self.summary_table.verticalHeader().setVisible(False)
        # Two lines (name, email) whatever the text size.
        self.summary_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() * 2 + 8)
        self.summary_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.summary_table.horizontalHeader()
        header.setSectionResizeMode(Column.RETRY, QHeaderView.ResizeMode.ResizeToContents)
        # As stretched columns, but none narrower than a word of its heading.
        shared = (Column.NAME, Column.ACCOUNT, Column.DELIVERY, Column.INVITATION)
        summary_header.share_room(self.summary_table, shared)
        self.summary_table.clicked.connect(self._on_clicked)
        self.summary_table.activated.connect(self._on_activated)

        self.retry_button = QPushButton(self)
        self.retry_button.setObjectName("retry_button")
        self.retry_button.clicked.connect(self.retry_selected)
        self.export_button = QPushButton(self)
        self.export_button.setObjectName("export_button")
        menu = QMenu(self.export_button)
        menu.setObjectName("export_menu")
        self.export_actions: dict[str, QAction] = {}
        for kind in ("csv", "json", "pdf"):
            action = menu.addAction("")
            action.setObjectName(f"export_{kind}_action")
            action.triggered.connect(functools.partial(self.export, kind))
            self.export_actions[kind] = action
        self.export_button.setMenu(menu)
        self.more_people_button = QPushButton(self)
        self.more_people_button.setObjectName("more_people_button")
        self.more_people_button.clicked.connect(self.more_people_requested)

        self.retranslate()

        buttons = FlowLayout(spacing=6)  # on more rows when the text is large
        buttons.addWidget(self.retry_button)
        buttons.add_stretch()
        buttons.addWidget(self.more_people_button)
        buttons.addWidget(self.export_button)
        QWidget.setTabOrder(self.more_people_button, self.export_button)  # Tab follows the reading order
        layout = scrolling_layout(self)
        layout.addWidget(self.summary_status)
        layout.addWidget(self.summary_table_label)
        layout.addWidget(self.summary_table, 1)
        layout.addLayout(buttons)
        self.summary_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    # --- QWizardPage ---------------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Every static text on the page, in the language now installed (again on each LanguageChange)."""
        self.summary_table.setAccessibleName(self.tr("People and what happened"))
        self.summary_table.setAccessibleDescription(
            self.tr("One row per person. Press Enter on Retry to try a failed step again.")
        )
        self.summary_table_label.setText(self.tr("&People and what happened:"))
        self.retry_button.setText(self.tr("&Retry for this person"))
        self.export_button.setText(self.tr("&Export"))
        self.export_actions["csv"].setText(self.tr("As a spreadsheet (&CSV)…"))
        self.export_actions["json"].setText(self.tr("As data (&JSON)…"))
        self.export_actions["pdf"].setText(self.tr("As a document (&PDF)…"))
        self.more_people_button.setText(self.tr("Onboard &more people"))
        self.more_people_button.setToolTip(
            self.tr("Start again with new people in the same organisation, without signing in again.")
        )
        self.setTitle(self.tr("Summary"))
        self.setSubTitle(
            self.tr(
                "What happened to each person. Anything that went wrong says why, and Retry redoes just "
                "that step. Export keeps a copy (no passwords in it)."
            )
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.model.retranslate()
        super().changeEvent(event)

    def initializePage(self) -> None:
        self.reload()

    def cleanupPage(self) -> None:
        """Back: retries on their way finish and are recorded; the portal page reads the journal again."""

    def isComplete(self) -> bool:
        return not self._loading

    # --- public for the wizard and tests ---------------------------------------------------------------

    @property
    def rows(self) -> list[PersonReport]:
        return self.model.rows

    @property
    def busy(self) -> bool:
        return self._loading or self._jobs.busy or self._exporting is not None

    def work_in_progress(self) -> str | None:
        if self._retries:
            return self.tr("%n retry(s) are on their way.", "", len(self._retries))
        if isinstance(self._exporting, ReportPdfWriter):
            return self.tr("The PDF is still being saved.")
        return None

    def stop_work(self) -> None:
        """A retry is one person's step: it is left to finish (and be recorded)."""

    def reload(self) -> None:
        journal = self._journal()
        self._load += 1
        if journal is None:
            self.summary_status.show_status(
                StatusKind.WARNING, lambda: self.tr("The journal isn't open yet. Go back and forward again.")
            )
            return
        self._loading = True
        services = {
            "account": self._directory() is not None,
            "delivery": self._delivery is not None,
            "invitation": self._portal() is not None,
        }
        self.model.available = frozenset(step for step, there in services.items() if there)
        self.summary_status.show_status(StatusKind.BUSY, lambda: self.tr("Reading what happened…"))
        run_ids = list(self._onboarding.user_run_ids)
        self._jobs.submit(
            asyncio.to_thread(build_report, journal, run_ids),
            "summary report",
            functools.partial(self._on_report, self._load),
            functools.partial(self._on_report_failed, self._load),
        )
        self.completeChanged.emit()

    def select_row(self, number: int) -> None:
        self.summary_table.selectRow(number)

    def retry(self, number: int) -> bool:
        """Redo the failed step of the person in row ``number``; False when there is none to redo."""
        if not 0 <= number < len(self.model.rows):
            return False
        person = self.model.rows[number]
        step = self.model.retry_step(person)
        work = self._retry_work(person, step)
        if work is None:
            return False
        self.model.set_retrying(person, True)
        job = self._jobs.submit(
            work,
            f"summary retry {step}",
            functools.partial(self._on_retried, person),
            functools.partial(self._on_retry_failed, person, step),
        )
        self._retries[(person.run_id, person.key)] = job
        self.summary_status.show_status(
            StatusKind.BUSY, lambda: self.tr("Retrying for {name}…").format(name=person.display_name)
        )
        self._update_buttons()
        return True

    def retry_selected(self) -> None:
        rows = self.summary_table.selectionModel().selectedRows()
        if rows:
            self.retry(rows[0].row())

    def export(self, kind: str) -> None:
        """Ask where, then write the report of the runs as ``kind`` (csv, json, pdf)."""
        journal = self._journal()
        if journal is None or self._exporting is not None:
            return
        path = ask_export_path(self, self._choose_file, kind)
        if path is None:
            return
        run_ids = list(self._onboarding.user_run_ids)
        self.summary_status.show_status(StatusKind.BUSY, lambda: self.tr("Exporting…"))
        self._exporting = self._jobs.submit(
            asyncio.to_thread(export_work, journal, run_ids, kind, path),
            f"export {kind}",
            functools.partial(self._on_exported, path),
            self._on_export_failed,
        )
        self._update_buttons()

    # --- loading -----------------------------------------------------------------------------------

    def _on_report(self, load: int, report: object) -> None:
        if load != self._load or not isinstance(report, Report):
            return
        self._loading = False
        self.model.set_rows(report.people)
        self._show_counts()
        self._update_buttons()
        self.completeChanged.emit()
        self._close_if_done()

    def _close_if_done(self) -> None:
        """The summary is reached: the runs with nothing left are over (``services.journey``)."""
        journal = self._journal()
        run_ids = list(self._onboarding.user_run_ids)
        if journal is None or not run_ids or any(not person.ok for person in self.model.rows):
            return
        self._jobs.submit(
            asyncio.to_thread(finish_if_done, journal, run_ids),
            "close finished runs",
            lambda _closed: None,
            lambda _error: None,  # not closed: offered again next time, nothing lost
        )

    def _on_report_failed(self, load: int, error: BaseException) -> None:
        if load != self._load:
            return
        self._loading = False
        self.summary_status.show_status(
            StatusKind.ERROR,
            lambda: self.tr("What happened couldn't be read: {why}").format(why=describe_file_error(error)),
        )
        self.completeChanged.emit()

    def _show_counts(self) -> None:
        rows = self.model.rows
        if not rows:
            self.summary_status.show_status(
                StatusKind.INFO, lambda: self.tr("Nobody was onboarded in this run.")
            )
            return
        ok = sum(person.ok for person in rows)
        if ok == len(rows):
            self.summary_status.show_status(
                StatusKind.OK, lambda: self.tr("All %n person(s) are onboarded.", "", len(rows))
            )
            return
        self.summary_status.show_status(
            StatusKind.WARNING,
            lambda: self.tr(
                "%n of {total} person(s) are fully onboarded; the others say what is missing.", "", ok
            ).format(total=len(rows)),
        )

    # --- retrying ----------------------------------------------------------------------------------

    def _retry_work(self, person: PersonReport, step: str | None) -> Any:
        journal = self._journal()
        if journal is None or step is None:
            return None
        if step == "account":
            directory = self._directory()
            if directory is None:
                return None
            return retry_creation(directory, journal, person.run_id, person.key)
        if step == "delivery":
            if self._delivery is None:
                return None
            facts = self._onboarding.tenant_facts
            return retry_delivery(
                self._delivery,
                journal,
                person.run_id,
                person.key,
                language=message_language(QLocale().name()),
                organisation=facts.display_name if facts else self._onboarding.organisation_name,
                password=self._onboarding.passwords.get(person.key),
            )
        portal = self._portal()
        if portal is None:
            return None
        return retry_invitation(portal, journal, person.run_id, person.key)

    def _on_retried(self, before: PersonReport, result: object) -> None:
        self._retries.pop((before.run_id, before.key), None)
        self.model.set_retrying(before, False)
        if not isinstance(result, RetryResult):
            return
        person = result.person
        if result.password is not None and person.delivery.status in ("pending", "failed", "in_doubt"):
            self._onboarding.passwords[person.key] = result.password  # memory only, for the delivery
        elif person.delivery.status in ("delivered", "unconfirmed"):
            self._onboarding.passwords.pop(person.key, None)
        self.model.update_person(person)
        if person.problems:
            self.summary_status.show_status(
                StatusKind.ERROR,
                lambda: self.tr("{name}: still not done: {why}").format(  # the reasons worded when shown
                    name=person.display_name,
                    why="; ".join(problem_words(problem) for problem in person.problems),
                ),
            )
        else:
            self.summary_status.show_status(
                StatusKind.OK, lambda: self.tr("{name}: done.").format(name=person.display_name)
            )
            self._close_if_done()
        self._update_buttons()

    def _on_retry_failed(self, before: PersonReport, step: str | None, error: BaseException) -> None:
        self._retries.pop((before.run_id, before.key), None)
        self.model.set_retrying(before, False)
        self.summary_status.show_status(
            StatusKind.ERROR,
            lambda: self.tr("{name}: the retry didn't work: {why}").format(
                name=before.display_name, why=_error_words(error)
            ),
        )
        self._update_buttons()

    # --- exporting ---------------------------------------------------------------------------------

    def _on_exported(self, path: Path, result: object) -> None:
        if isinstance(result, Report):
            facts = self._onboarding.tenant_facts
            organisation = facts.display_name if facts else self._onboarding.organisation_name
            writer = ReportPdfWriter(path, result, organisation, self)
            writer.progress.connect(self._on_pdf_progress)
            writer.finished.connect(self._on_pdf_written)
            writer.failed.connect(self._on_export_failed)
            self._exporting = writer
            writer.start()
            return
        self._on_pdf_written(path)

    def _on_pdf_progress(self, done: int, total: int) -> None:
        self.summary_status.show_status(
            StatusKind.BUSY,
            lambda: self.tr("Saving the PDF: %n of {total} people…", "", done).format(total=total),
        )

    def _on_pdf_written(self, path: object) -> None:
        if isinstance(self._exporting, ReportPdfWriter):
            self._exporting.deleteLater()
        self._exporting = None
        self.summary_status.show_status(
            StatusKind.OK, lambda: self.tr("Saved to {path}.").format(path=str(path))
        )
        self._update_buttons()

    def _on_export_failed(self, error: BaseException) -> None:
        if isinstance(self._exporting, ReportPdfWriter):
            self._exporting.deleteLater()
        self._exporting = None
        self.summary_status.show_status(
            StatusKind.ERROR,
            lambda: self.tr("The summary couldn't be saved: {why}").format(why=describe_file_error(error)),
        )
        self._update_buttons()

    # --- widgets -----------------------------------------------------------------------------------

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.column() == Column.RETRY:
            self.retry(index.row())

    def _on_activated(self, index: QModelIndex) -> None:
        """Enter on a row (keyboard) redoes its failed step."""
        self.retry(index.row())

    def _update_buttons(self) -> None:
        rows = self.summary_table.selectionModel().selectedRows()
        person = self.model.rows[rows[0].row()] if rows and rows[0].row() < len(self.model.rows) else None
        self.retry_button.setEnabled(person is not None and self.model.retry_step(person) is not None)
        self.export_button.setEnabled(not self._loading and self._exporting is None)

    def _job_done(self, _job: Job) -> None:
        if self.work_in_progress() is None:
            self.work_ended.emit()


def _error_words(error: BaseException) -> str:
    from c2t_wizard.services.delivery import DeliveryError
    from c2t_wizard.services.portal import PortalError
    from c2t_wizard.services.report import Problem

    if isinstance(error, PortalError):
        return problem_words(Problem("invitation", error.problem.value, error.detail))
    if isinstance(error, DeliveryError):
        return problem_words(Problem("delivery", error.problem.value, error.detail))
    return describe_file_error(error)
