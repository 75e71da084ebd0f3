"""The Summary page's table: one row per person, each step in plain words, and a Retry cell.

Fast with thousands of rows: the words are made when a cell is painted (only visible rows are), a row is
found by its key in a dict, and a change repaints that row only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QApplication

from c2t_wizard.services.report import PersonReport
from c2t_wizard.services.summary_retry import failed_step
from c2t_wizard.ui.colors import colours
from c2t_wizard.ui.report_words import account_words, delivery_words, invitation_words, role_words

_Index = QModelIndex | QPersistentModelIndex


class Column:
    NAME = 0
    ACCOUNT = 1
    DELIVERY = 2
    INVITATION = 3
    RETRY = 4
    COUNT = 5


class SummaryTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PersonReport] = []
        self._at: dict[tuple[str, str], int] = {}
        self._retrying: set[tuple[str, str]] = set()
        self.available: frozenset[str] = frozenset()
        """The steps a Retry can redo here (their service is there): see ``failed_step``."""

    # --- data ------------------------------------------------------------------------------------------

    @property
    def rows(self) -> list[PersonReport]:
        return list(self._rows)

    def set_rows(self, rows: Sequence[PersonReport]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._at = {(row.run_id, row.key): n for n, row in enumerate(self._rows)}
        self._retrying.clear()
        self.endResetModel()

    def row_of(self, run_id: str, key: str) -> int | None:
        return self._at.get((run_id, key))

    def update_person(self, person: PersonReport) -> None:
        """One person changed: that row is repainted, nothing else."""
        number = self._at.get((person.run_id, person.key))
        if number is None:
            return
        self._rows[number] = person
        self._changed(number)

    def set_retrying(self, person: PersonReport, retrying: bool) -> None:
        ident = (person.run_id, person.key)
        if retrying:
            self._retrying.add(ident)
        else:
            self._retrying.discard(ident)
        number = self._at.get(ident)
        if number is not None:
            self._changed(number)

    def retrying(self, person: PersonReport) -> bool:
        return (person.run_id, person.key) in self._retrying

    def retry_step(self, person: PersonReport) -> str | None:
        if self.retrying(person):
            return None
        return failed_step(person, self.available)

    def _changed(self, number: int) -> None:
        self.dataChanged.emit(self.index(number, 0), self.index(number, Column.COUNT - 1))

    def retranslate(self) -> None:
        """Tell the views that every heading and cell reads differently now (the language was switched)."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, Column.COUNT - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, Column.COUNT - 1))

    # --- Qt model --------------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else Column.COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.AccessibleTextRole and section == Column.RETRY:
            return self.tr("Try again")  # no heading shown; a screen reader names the column
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        return (
            self.tr("Person"),
            self.tr("Microsoft account"),
            self.tr("Sign-in details"),
            self.tr("Call2Teams portal"),
            "",
        )[section]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        person = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.text(person, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(person, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == Column.RETRY:
                return QBrush(colours(QApplication.palette()).link_text)
            if self._failed(person, column):
                return QBrush(colours(QApplication.palette()).error_text)
            return None
        if role == Qt.ItemDataRole.FontRole and column == Column.RETRY and self.retry_step(person):
            font = QFont()
            font.setUnderline(True)
            return font
        return None

    def text(self, person: PersonReport, column: int) -> str:
        if column == Column.NAME:
            return f"{person.display_name}\n{person.email}"
        if column == Column.ACCOUNT:
            return account_words(person)
        if column == Column.DELIVERY:
            return delivery_words(person)
        if column == Column.INVITATION:
            return invitation_words(person)
        if column == Column.RETRY:
            if self.retrying(person):
                return self.tr("Retrying…")
            step = self.retry_step(person)
            if step == "delivery" and person.delivery.status == "pending":
                return self.tr("Send")
            return self.tr("Retry") if step else ""
        return ""

    def _tooltip(self, person: PersonReport, column: int) -> str | None:
        if column == Column.NAME:
            return person.username
        if column == Column.INVITATION and person.invitation.roles:
            roles = ", ".join(role_words(role) for role in person.invitation.roles)
            return f"{invitation_words(person)}\n{roles}"
        if column in (Column.ACCOUNT, Column.DELIVERY, Column.INVITATION):
            return self.text(person, column)  # the whole sentence, where the cell cuts it short
        if column == Column.RETRY:
            step = self.retry_step(person)
            return {
                "account": self.tr("Create this person's account again"),
                "delivery": self.tr("Send this person's sign-in details again by email"),
                "invitation": self.tr("Invite this person into the portal again"),
            }.get(step or "")
        return None

    @staticmethod
    def _failed(person: PersonReport, column: int) -> bool:
        if column == Column.ACCOUNT:
            return person.account.status == "failed"
        if column == Column.DELIVERY:
            return person.delivery.status in ("failed", "in_doubt")
        if column == Column.INVITATION:
            return person.invitation.status in ("failed", "revoked")
        return False
