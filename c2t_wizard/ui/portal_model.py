"""The Portal page's table: one row per person, their invitation email, roles and status.

Fast with thousands of rows: a row is found by key in a dict, a change repaints that row only, and the
counts the buttons need are kept as the rows change (nothing walks the whole table on a change).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QApplication

from c2t_wizard.domain.portal import ROLE_ORDER, EmailProblem, PortalRole, parse_roles
from c2t_wizard.services.journal import InvitationRecord, InvitationState
from c2t_wizard.ui.colors import colours

_Index = QModelIndex | QPersistentModelIndex


@dataclass
class PortalRow:
    run_id: str
    key: str
    name: str
    first_name: str
    last_name: str
    upn: str
    email: str
    roles: frozenset[PortalRole]
    email_problem: EmailProblem | None = None
    state: InvitationState | None = None
    """None: not invited yet in any run."""
    expires_at: datetime | None = None
    problem_code: str | None = None
    problem_detail: str | None = None
    sending: bool = False
    link_state: str | None = None

    @property
    def refused(self) -> bool:
        from c2t_wizard.domain.portal import REFUSING_PROBLEMS

        return self.email_problem in REFUSING_PROBLEMS

    @property
    def done(self) -> bool:
        return self.state is not None and self.state.done

    @property
    def invitable(self) -> bool:
        """Can be sent now: a valid email, not done, not on the wire."""
        return not self.refused and not self.done and not self.sending and bool(self.roles)

    @property
    def category(self) -> str:
        if self.sending:
            return "sending"
        if self.refused and not self.done:
            return "refused"
        return self.state.value if self.state is not None else "new"


class Column:
    NAME = 0
    USERNAME = 1
    EMAIL = 2
    ROLES = 3
    STATUS = 4
    COUNT = 5


class PortalTableModel(QAbstractTableModel):
    """Rows of ``PortalRow``; ``validate`` checks an edited email (the page's rule, with the tenant)."""

    def __init__(
        self,
        validate: Callable[[PortalRow, str], EmailProblem | None],
        role_name: Callable[[PortalRole], str],
        email_words: Callable[[EmailProblem], str],
        problem_words: Callable[[str | None, str | None], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._rows: list[PortalRow] = []
        self._where: dict[str, int] = {}
        self._counts: Counter[str] = Counter()
        self._validate = validate
        self._role_name = role_name
        self._email_words = email_words
        self._problem_words = problem_words

    # --- the rows ---------------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[PortalRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._where = {row.key: n for n, row in enumerate(self._rows)}
        self._counts = Counter(row.category for row in self._rows)
        self.endResetModel()

    @property
    def rows(self) -> list[PortalRow]:
        return list(self._rows)

    def row(self, number: int) -> PortalRow:
        return self._rows[number]

    def row_of(self, key: str) -> PortalRow | None:
        number = self._where.get(key)
        return None if number is None else self._rows[number]

    def number_of(self, key: str) -> int | None:
        return self._where.get(key)

    def count(self, *categories: str) -> int:
        return sum(self._counts[c] for c in categories)

    def change(self, row: PortalRow, edit: Callable[[PortalRow], None]) -> None:
        """Apply ``edit`` to ``row``, keep the counts, repaint that row only."""
        self._counts[row.category] -= 1
        edit(row)
        self._counts[row.category] += 1
        number = self._where[row.key]
        self.dataChanged.emit(self.index(number, 0), self.index(number, Column.COUNT - 1))

    def apply_record(self, record: InvitationRecord) -> None:
        row = self.row_of(record.key)
        if row is None:
            return

        def edit(r: PortalRow) -> None:
            r.state = record.state
            r.expires_at = record.expires_at
            r.problem_code = record.problem_code
            r.problem_detail = record.problem_detail
            r.link_state = record.link_state
            r.sending = False
            if record.state is not InvitationState.REVOKED:
                r.email = record.email
                r.roles = parse_roles(record.roles)

        self.change(row, edit)

    def set_sending(self, keys: Sequence[str], sending: bool) -> None:
        for key in keys:
            row = self.row_of(key)
            if row is not None and row.sending != sending:
                self.change(row, lambda r: setattr(r, "sending", sending))

    def set_roles(self, keys: Sequence[str], roles: frozenset[PortalRole]) -> None:
        for key in keys:
            row = self.row_of(key)
            if row is not None and not row.done and not row.sending:
                self.change(row, lambda r: setattr(r, "roles", roles))

    def set_email(self, number: int, email: str) -> None:
        row = self._rows[number]

        def edit(r: PortalRow) -> None:
            r.email = email.strip()
            r.email_problem = self._validate(r, r.email)

        self.change(row, edit)

    def retranslate(self) -> None:
        """Tell the views that every heading and cell reads differently now (the language was switched)."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, Column.COUNT - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, Column.COUNT - 1))

    # --- Qt ---------------------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else Column.COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is not Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            self.tr("Name"),
            self.tr("Microsoft username"),
            self.tr("Invitation email"),
            self.tr("Roles"),
            self.tr("Invitation"),
        )[section]

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and index.column() == Column.EMAIL:
            row = self._rows[index.row()]
            if not row.done and not row.sending:
                return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != Column.EMAIL or role != Qt.ItemDataRole.EditRole:
            return False
        if not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        self.set_email(index.row(), str(value))
        return True

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == Column.NAME:
                return row.name
            if column == Column.USERNAME:
                return row.upn
            if column == Column.EMAIL:
                return row.email
            if column == Column.ROLES:
                return ", ".join(self._role_name(r) for r in ROLE_ORDER if r in row.roles)
            if column == Column.STATUS:
                return self.status_text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.EMAIL and row.email_problem is not None:
                return self._email_words(row.email_problem)
            if column == Column.STATUS:
                if row.state is InvitationState.INVITED and row.expires_at is not None:
                    return self.tr("Invited: the invitation's link works until {when}").format(
                        when=QLocale().toString(
                            QDateTime.fromSecsSinceEpoch(int(row.expires_at.timestamp())),
                            QLocale.FormatType.LongFormat,
                        )
                    )
                return self.status_text(row)
            if column in (Column.USERNAME, Column.ROLES):
                return self.data(index)
        if role == Qt.ItemDataRole.ForegroundRole and column in (Column.EMAIL, Column.STATUS):
            if (row.refused and not row.done) or row.state is InvitationState.FAILED:
                return QBrush(colours(QApplication.palette()).error_text)
            if row.email_problem is EmailProblem.ON_TENANT_DOMAIN and not row.done:
                return QBrush(colours(QApplication.palette()).warning_text)
        return None

    def invited_text(self, expires_at: datetime) -> str:
        """The day the link stops working (the tooltip has the time)."""
        when = QLocale().toString(
            QDateTime.fromSecsSinceEpoch(int(expires_at.timestamp())).date(), QLocale.FormatType.ShortFormat
        )
        return self.tr("Invited (until {when})").format(when=when)

    def status_text(self, row: PortalRow) -> str:
        if row.sending:
            return self.tr("Inviting…")
        if row.refused and not row.done and row.email_problem is not None:
            return self.tr("Not sent: {why}").format(why=self._email_words(row.email_problem))
        state = row.state
        if state is None or state is InvitationState.PLANNED:
            if row.email_problem is EmailProblem.ON_TENANT_DOMAIN:
                return self.tr("Check the email: {why}").format(why=self._email_words(row.email_problem))
            return self.tr("Not invited yet")
        if state is InvitationState.SENDING:
            return self.tr("Not known whether it was sent: invite again (it won't be sent twice)")
        if state is InvitationState.INVITED:
            if row.expires_at is None:
                return self.tr("Invited")
            return self.invited_text(row.expires_at)
        if state is InvitationState.ALREADY_INVITED:
            return self.tr("Already invited")
        if state is InvitationState.ACCEPTED:
            return self.tr("Accepted: an administrator now")
        if state is InvitationState.REVOKED:
            return self.tr("Invitation withdrawn")
        return self.tr("Failed: {why}").format(why=self._problem_words(row.problem_code, row.problem_detail))
