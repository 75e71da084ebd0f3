"""The past onboardings (``services.journey.run_history``), each viewable as the summary's report and
exportable with the summary's export (CSV, JSON, PDF). Everything is read on the service thread."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from c2t_wizard.services.journey import RunProgress, run_history
from c2t_wizard.services.report import Report, build_report
from c2t_wizard.ui.file_errors import describe_file_error
from c2t_wizard.ui.headings import wrap_headings
from c2t_wizard.ui.pages.summary import ChooseFile, ask_export_path, choose_save_file, export_work
from c2t_wizard.ui.pages.welcome import local_time
from c2t_wizard.ui.report_pdf import ReportPdfWriter
from c2t_wizard.ui.runner import Job, JobGroup, ServiceRunner
from c2t_wizard.ui.summary_model import Column, SummaryTableModel
from c2t_wizard.ui.widgets import StatusKind, StatusLine, leave_with_ctrl_tab

if TYPE_CHECKING:
    from c2t_wizard.services.journal import Journal


class HistoryDialog(QDialog):
    """One row per past onboarding: when, which organisation, how many people and how far they got."""

    def __init__(
        self,
        runner: ServiceRunner,
        journal: Journal,
        *,
        choose_file: ChooseFile = choose_save_file,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("history_dialog")
        self.setWindowTitle(self.tr("Past onboardings"))
        self.resize(820, 420)
        self._jobs = JobGroup(runner)
        self._journal = journal
        self._choose_file = choose_file
        self._runs: list[RunProgress] = []
        self._exporting: Job | ReportPdfWriter | None = None
        self.report_dialog: QDialog | None = None

        self.history_status = StatusLine(self)
        self.history_status.setObjectName("history_status")
        self.history_table = QTableWidget(0, 6, self)
        self.history_table.setObjectName("history_table")
        self._history_header = wrap_headings(self.history_table)  # long headings wrap, not cut off
        self.history_table.setAccessibleName(self.tr("Past onboardings"))
        self.history_table.setHorizontalHeaderLabels(
            [
                self.tr("Started"),
                self.tr("Organisation"),
                self.tr("People"),
                self.tr("Sign-in details"),
                self.tr("Invited"),
                self.tr("State"),
            ]
        )
        self.history_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history_table.verticalHeader().setVisible(False)
        leave_with_ctrl_tab(self.history_table)  # Tab and Ctrl+Tab leave the table; the arrows move in it
        self.history_table.setAccessibleDescription(self.tr("Press Enter to see who was onboarded and how."))
        self.history_table_label = QLabel(self.tr("&Past onboardings:"), self)
        self.history_table_label.setObjectName("history_table_label")
        self.history_table_label.setBuddy(self.history_table)
        self._history_header.share_room(self.history_table, [1])  # the organisation takes the room left
        self.history_table.activated.connect(lambda _index: self.view_selected())
        self.history_table.itemSelectionChanged.connect(self._update_buttons)

        self.view_button = QPushButton(self.tr("&View"), self)
        self.view_button.setObjectName("view_run_button")
        self.view_button.clicked.connect(self.view_selected)
        self.export_button = QPushButton(self.tr("&Export"), self)
        self.export_button.setObjectName("export_run_button")
        menu = QMenu(self.export_button)
        for kind, words in (
            ("csv", self.tr("As a spreadsheet (&CSV)…")),
            ("json", self.tr("As data (&JSON)…")),
            ("pdf", self.tr("As a document (&PDF)…")),
        ):
            action = menu.addAction(words)
            action.setObjectName(f"export_run_{kind}_action")
            action.triggered.connect(functools.partial(self.export_selected, kind))
        self.export_button.setMenu(menu)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addWidget(self.view_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.history_status)
        layout.addWidget(self.history_table_label)
        layout.addWidget(self.history_table, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # --- public for the wizard and tests ---------------------------------------------------------------

    @property
    def runs(self) -> list[RunProgress]:
        return list(self._runs)

    @property
    def busy(self) -> bool:
        return self._jobs.busy or self._exporting is not None

    def load(self) -> None:
        self.history_status.show_status(StatusKind.BUSY, self.tr("Reading the past onboardings…"))
        self._jobs.submit(
            asyncio.to_thread(run_history, self._journal),
            name="run history",
            on_success=self._on_history,
            on_failure=self._on_failed,
        )

    def select_run(self, number: int) -> None:
        self.history_table.selectRow(number)

    def selected_run(self) -> RunProgress | None:
        rows = self.history_table.selectionModel().selectedRows()
        return self._runs[rows[0].row()] if rows and rows[0].row() < len(self._runs) else None

    def view_selected(self) -> None:
        """The summary's report of the selected run, in a window of its own (read only)."""
        run = self.selected_run()
        if run is None:
            return
        self._jobs.submit(
            asyncio.to_thread(build_report, self._journal, [run.run_id]),
            name="run report",
            on_success=functools.partial(self._on_report, run),
            on_failure=self._on_failed,
        )

    def export_selected(self, kind: str) -> None:
        run = self.selected_run()
        if run is None or self._exporting is not None:
            return
        path = ask_export_path(self, self._choose_file, kind, f"-{run.created_at.date().isoformat()}")
        if path is None:
            return
        self.history_status.show_status(StatusKind.BUSY, self.tr("Exporting…"))
        self._exporting = self._jobs.submit(
            asyncio.to_thread(export_work, self._journal, [run.run_id], kind, path),
            name=f"export run {kind}",
            on_success=functools.partial(self._on_exported, run, path),
            on_failure=self._on_export_failed,
        )
        self._update_buttons()

    def done(self, result: int) -> None:
        self._jobs.cancel_all()
        if isinstance(self._exporting, ReportPdfWriter):
            self._exporting.cancel()  # no half file left behind
            self._exporting = None
        super().done(result)

    # --- answers -----------------------------------------------------------------------------------

    def _on_history(self, result: object) -> None:
        self._runs = (
            [run for run in result if isinstance(run, RunProgress)] if isinstance(result, list) else []
        )
        table = self.history_table
        table.setRowCount(len(self._runs))
        for number, run in enumerate(self._runs):
            state = self.tr("Finished") if run.finished else self.tr("Not finished")
            cells = [
                local_time(run.created_at),
                run.organisation_name,
                str(run.total),
                self.tr("{done} of {total}").format(done=run.delivered, total=run.made_by_wizard),
                self.tr("{done} of {total}").format(done=run.invited, total=run.with_account),
                state,
            ]
            for column, text in enumerate(cells):
                table.setItem(number, column, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        # Large text: headings, then cells, on more lines rather than the table scrolling sideways.
        self._history_header.wrap_to_fit(table, cells=True)
        self._history_header.share_room(table, [1])
        if self._runs:
            self.history_status.show_status(
                StatusKind.INFO,
                self.tr("1 onboarding. Select it to view or export it.")
                if len(self._runs) == 1
                else self.tr("%n onboardings. Select one to view or export it.", "", len(self._runs)),
            )
            self.select_run(0)
        else:
            self.history_status.show_status(StatusKind.INFO, self.tr("Nobody has been onboarded yet."))
        self._update_buttons()

    def _on_failed(self, error: BaseException) -> None:
        self.history_status.show_status(
            StatusKind.ERROR,
            self.tr("The past onboardings couldn't be read: {why}").format(why=describe_file_error(error)),
        )

    def _on_report(self, run: RunProgress, report: object) -> None:
        if not isinstance(report, Report):
            return
        dialog = QDialog(self)
        dialog.setObjectName("run_report_dialog")
        when = local_time(run.created_at)
        dialog.setWindowTitle(self.tr("Onboarding of {when}").format(when=when))
        dialog.resize(860, 420)
        model = SummaryTableModel(dialog)
        model.set_rows(report.people)
        view = QTableView(dialog)
        view.setObjectName("run_report_table")
        report_header = wrap_headings(view)
        view.setAccessibleName(self.tr("People and what happened"))
        view.setModel(model)
        view.setWordWrap(True)
        view.verticalHeader().setVisible(False)
        leave_with_ctrl_tab(view)
        view.setColumnHidden(Column.RETRY, True)
        report_header.share_room(view, (Column.NAME, Column.ACCOUNT, Column.DELIVERY, Column.INVITATION))
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        box.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(view, 1)
        layout.addWidget(box)
        self.report_dialog = dialog
        dialog.open()

    def _on_exported(self, run: RunProgress, path: Path, result: object) -> None:
        if isinstance(result, Report):
            writer = ReportPdfWriter(path, result, run.organisation_name, self)
            writer.progress.connect(self._on_pdf_progress)
            writer.finished.connect(self._on_pdf_written)
            writer.failed.connect(self._on_export_failed)
            self._exporting = writer
            writer.start()
            return
        self._on_pdf_written(path)

    def _on_pdf_progress(self, done: int, total: int) -> None:
        self.history_status.show_status(
            StatusKind.BUSY, self.tr("Saving the PDF: %n of {total} people…", "", done).format(total=total)
        )

    def _on_pdf_written(self, path: object) -> None:
        if isinstance(self._exporting, ReportPdfWriter):
            self._exporting.deleteLater()
        self._exporting = None
        self.history_status.show_status(StatusKind.OK, self.tr("Saved to {path}.").format(path=str(path)))
        self._update_buttons()

    def _on_export_failed(self, error: BaseException) -> None:
        if isinstance(self._exporting, ReportPdfWriter):
            self._exporting.deleteLater()
        self._exporting = None
        self.history_status.show_status(
            StatusKind.ERROR,
            self.tr("The summary couldn't be saved: {why}").format(why=describe_file_error(error)),
        )
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected_run() is not None
        self.view_button.setEnabled(chosen)
        self.export_button.setEnabled(chosen and self._exporting is None)
