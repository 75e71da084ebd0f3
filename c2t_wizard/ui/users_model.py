"""The Users page's table: one row per person to create, validated as it is typed, and its editors.

The model owns the rows and the rules that tie cells together (display name and username follow the names
until edited by hand; duplicates are flagged on every row involved). Problems are codes from
``domain.users``; the model words them, so each cell can say what is wrong with it.

A table can hold tens of thousands of people, so nothing here walks the table per row: a change revalidates
the rows it touched and the rows sharing a username with them (rows are grouped by username in a dict), the
counts the page shows are kept as rows change, and the views hear of a burst of changes once per turn of the
event loop (a ``dataChanged`` per run of changed rows, one ``rows_validated``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from c2t_wizard.domain.csv_import import CharacterKind, CsvIssue, CsvProblem, character_kind, visible_value
from c2t_wizard.domain.users import (
    DISPLAY_NAME_MAX,
    DOMAIN_MAX,
    LOCAL_MAX,
    NAME_MAX,
    Field,
    FieldProblem,
    NewUser,
    Problem,
    derive_display_name,
    normalise_user,
    suggest_username,
    validate_user,
)
from c2t_wizard.ui.colors import colours

AnyIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    FIRST_NAME = 0
    LAST_NAME = 1
    DISPLAY_NAME = 2
    USERNAME = 3
    DOMAIN = 4
    EMAIL = 5
    STATUS = 6


FIELD_OF_COLUMN = {
    Column.FIRST_NAME: Field.FIRST_NAME,
    Column.LAST_NAME: Field.LAST_NAME,
    Column.DISPLAY_NAME: Field.DISPLAY_NAME,
    Column.USERNAME: Field.USERNAME,
    Column.DOMAIN: Field.DOMAIN,
    Column.EMAIL: Field.EMAIL,
}
COLUMN_OF_FIELD = {value: key for key, value in FIELD_OF_COLUMN.items()}
MAX_LENGTH = {
    Column.FIRST_NAME: NAME_MAX * 2,
    Column.LAST_NAME: NAME_MAX * 2,
    Column.DISPLAY_NAME: DISPLAY_NAME_MAX * 2,
    Column.USERNAME: LOCAL_MAX * 2,
    Column.DOMAIN: DOMAIN_MAX * 2,
    Column.EMAIL: 512,
}
"""Editors stop at twice the limit: long enough to show "too long" with its reason, short of absurd."""


class Availability(Enum):
    """What the tenant said about a username."""

    UNKNOWN = "unknown"
    CHECKING = "checking"
    FREE = "free"
    TAKEN = "taken"
    UNCHECKED = "unchecked"
    """The check could not be made (network, throttling); creating will tell."""


class RowStatus(Enum):
    """Where a row stands in a creation run."""

    DRAFT = "draft"
    """Not part of a run yet: editable."""
    WAITING = "waiting"
    CREATING = "creating"
    CREATED = "created"
    EXISTED = "existed"
    FAILED = "failed"


DONE = (RowStatus.CREATED, RowStatus.EXISTED)
DIRTY_ROWS = 256
"""Rows changed one by one that are announced one run at a time; more, and they go out as one range."""
_NOT_ASKED = frozenset({Availability.UNKNOWN, Availability.CHECKING})
"""Not checked yet (FREE, TAKEN and UNCHECKED are answers: UNCHECKED means asked, and creating will tell)."""


class _Tag(Enum):
    """What a row counts towards (besides its status)."""

    PERSON = "person"
    """A draft row with something typed in: someone to create."""
    TROUBLED = "troubled"
    """A problem on one of its cells, or a username also on another row."""
    AWAITING = "awaiting"
    """A person whose username could be created and was not checked yet (or is being checked)."""
    OFF_DOMAIN = "off_domain"
    """A person whose domain is not the default one."""


_Tally = tuple[RowStatus, bool, bool, bool, bool]
"""A row's status, and whether it is a PERSON, TROUBLED, AWAITING, OFF_DOMAIN (in ``_TALLIED`` order)."""
_TALLIED = (_Tag.PERSON, _Tag.TROUBLED, _Tag.AWAITING, _Tag.OFF_DOMAIN)


@dataclass
class UserRow:
    """One person in the table, as typed (not yet normalised)."""

    first_name: str = ""
    last_name: str = ""
    display_name: str = ""
    username: str = ""
    domain: str = ""
    email: str = ""
    display_edited: bool = False
    """The display name was typed by hand; it no longer follows the names."""
    username_edited: bool = False
    """The username was typed by hand; it is no longer suggested from the names."""
    line: int | None = None
    """The file line it was imported from, if any."""
    status: RowStatus = RowStatus.DRAFT
    failure: tuple[str | None, str | None] = (None, None)
    """For FAILED: why, as facts (the problem code and Microsoft's detail); worded when shown, so a language
    switch re-words it."""
    problems: list[FieldProblem] = field(default_factory=list)
    """Kept by ``UsersModel`` (or ``prepare_rows``); a username on several rows is the model's to say."""
    upn_key: str = ""
    """The userPrincipalName, lower-cased (kept by ``UsersModel.revalidate``): how rows, checks and the
    journal are matched."""

    @classmethod
    def from_user(cls, user: NewUser, line: int | None = None) -> UserRow:
        derived = derive_display_name(user.first_name, user.last_name)
        suggested = suggest_username(user.first_name, user.last_name)
        return cls(
            first_name=user.first_name,
            last_name=user.last_name,
            display_name=user.display_name,
            username=user.username,
            domain=user.domain,
            email=user.email,
            display_edited=user.display_name != derived,
            username_edited=user.username != suggested,
            line=line,
        )

    def user(self) -> NewUser:
        return normalise_user(
            NewUser(
                self.first_name,
                self.last_name,
                self.display_name,
                self.username,
                self.domain,
                self.email,
            )
        )

    @property
    def blank(self) -> bool:
        """Nothing typed yet (a new row): not checked, not created."""
        return not any(
            text.strip()
            for text in (self.first_name, self.last_name, self.display_name, self.username, self.email)
        )

    def text(self, column: Column) -> str:
        return str(getattr(self, FIELD_OF_COLUMN[column].value)) if column in FIELD_OF_COLUMN else ""


def prepare_rows(
    users: Iterable[NewUser], lines: Sequence[int] = (), verified: Sequence[str] = ()
) -> list[UserRow]:
    """Rows for ``users`` (e.g. read from a file), each validated as the model validates it (duplicates
    aside). Pure Python: a big file's rows can be made on the service thread, so the GUI thread only files
    them (``UsersModel.add_rows``)."""
    rows = []
    for number, user in enumerate(users):
        row = UserRow.from_user(user, lines[number] if number < len(lines) else None)
        _validate_row(row, verified)
        rows.append(row)
    return rows


def _validate_row(row: UserRow, verified: Sequence[str]) -> str | None:
    """Sets the row's problems and upn_key; the key it is grouped under (None without a username)."""
    user = row.user()
    row.problems = [] if row.blank else validate_user(user, verified)
    row.upn_key = user.upn.lower()
    return row.upn_key if user.username else None


_CELL_ROLES = frozenset(
    {
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.AccessibleDescriptionRole,
    }
)


class UsersModel(QAbstractTableModel):
    """The people to create.

    Signals:
        rows_validated(): problems or availability changed somewhere (the page refreshes its summary).
        username_changed(int): row's username or domain changed (the page schedules an availability check).
    """

    rows_validated = Signal()
    username_changed = Signal(int)

    def __init__(
        self,
        parent: QObject | None = None,
        failure_words: Callable[[str | None, str | None], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.failure_words = failure_words
        """Words for a failed row's code and detail (the page's, in the language installed now)."""
        self._rows: list[UserRow] = []
        self._verified: tuple[str, ...] = ()
        self._default_domain = ""
        self._availability: dict[str, Availability] = {}
        self._locked = False
        self._icons: dict[str, QIcon] = {}
        self._groups: dict[str, set[int]] = {}
        """upn_key -> the rows with that username (rows with a username only): duplicates and checks."""
        self._grouped: list[str | None] = []
        """Per row: the key it is filed under in ``_groups``."""
        self._tally: list[_Tally | None] = []
        """Per row: what it counts towards."""
        self._counts: dict[object, int] = dict.fromkeys([*RowStatus, *_Tag], 0)
        self._troubled: set[int] = set()
        self.problems_revision = 0
        """Grows whenever the problems to list may have changed (not when only availability did)."""
        self._dirty: set[int] = set()
        """Rows changed since the last ``flush`` (a few: each run of them is announced on its own)."""
        self._dirty_first = -1
        self._dirty_last = -1
        """Many rows changed: they lie within these (-1: none)."""
        self._validated = False
        self._flush_timer = QTimer(self)
        self._flush_timer.setObjectName("users_model_flush")
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)
        self._flush_timer.timeout.connect(self.flush)

    # --- configuration -------------------------------------------------------------------------------

    @property
    def domain_column_needed(self) -> bool:
        """More than one domain to choose from, or a row whose domain needs fixing."""
        return len(self._verified) > 1 or self._counts[_Tag.OFF_DOMAIN] > 0

    @property
    def status_column_needed(self) -> bool:
        return any(self._counts[status] for status in RowStatus if status is not RowStatus.DRAFT)

    def set_domains(self, verified: Sequence[str], default: str) -> None:
        """The tenant's verified domains (default first); rows without a domain get ``default``."""
        if tuple(verified) == self._verified and default == self._default_domain:
            return  # the page is shown again: nothing to check anew (a big table costs a moment to check)
        self._verified = tuple(verified)
        self._default_domain = default
        for row in self._rows:
            if not row.domain and row.status is RowStatus.DRAFT:
                row.domain = default
        self.revalidate()

    @property
    def domains(self) -> tuple[str, ...]:
        return self._verified

    @property
    def default_domain(self) -> str:
        return self._default_domain

    def set_locked(self, locked: bool) -> None:
        """While creating, nothing can be edited."""
        self._locked = locked
        self._mark(0, len(self._rows) - 1)
        self.flush()

    @property
    def locked(self) -> bool:
        return self._locked

    # --- counts (kept as rows change; none walks the table) -----------------------------------------

    @property
    def people_count(self) -> int:
        """Draft rows with something typed in: the people a Create would send."""
        return self._counts[_Tag.PERSON]

    @property
    def unchecked_count(self) -> int:
        """People whose username was not checked yet (or is being checked)."""
        return self._counts[_Tag.AWAITING]

    def status_count(self, status: RowStatus) -> int:
        return self._counts[status]

    @property
    def all_valid(self) -> bool:
        return not self._troubled

    def troubled_rows(self) -> list[int]:
        """Rows with a problem (a duplicate username included), in order."""
        return sorted(self._troubled)

    def is_troubled(self, number: int) -> bool:
        return number in self._troubled

    def problem_count(self, number: int) -> int:
        """How many problems ``problems_of(number)`` lists, without wording them."""
        return len(self._rows[number].problems) + (1 if self._duplicated(number) else 0)

    # --- rows ----------------------------------------------------------------------------------------

    @property
    def rows(self) -> list[UserRow]:
        return self._rows

    def row(self, index: int) -> UserRow:
        return self._rows[index]

    def add_row(self) -> int:
        """A new empty row at the end; returns its index."""
        position = len(self._rows)
        self._insert([UserRow(domain=self._default_domain)], validated=False)
        return position

    def add_users(self, users: Iterable[NewUser], lines: Sequence[int] = ()) -> list[int]:
        """Append people (e.g. from a file); returns their indexes."""
        new = [
            UserRow.from_user(user, lines[number] if number < len(lines) else None)
            for number, user in enumerate(users)
        ]
        return self._insert(new, validated=False)

    def add_rows(self, rows: Sequence[UserRow]) -> list[int]:
        """Append rows made by ``prepare_rows`` with this model's domains; returns their indexes."""
        return self._insert(rows, validated=True)

    def _insert(self, new: Sequence[UserRow], *, validated: bool) -> list[int]:
        if not new:
            return []
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
        self._rows.extend(new)
        self._grouped.extend([None] * len(new))
        self._tally.extend([None] * len(new))
        self.endInsertRows()
        added = list(range(start, start + len(new)))
        self._revalidate(added, validate=not validated)
        self.flush()
        return added

    def replace_rows(self, rows: Iterable[UserRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()
        self.revalidate()

    def remove_rows(self, indexes: Iterable[int]) -> int:
        """Remove draft rows (a row in a run stays); returns how many went."""
        doomed = sorted(
            {
                index
                for index in indexes
                if 0 <= index < len(self._rows) and self._rows[index].status is RowStatus.DRAFT
            },
            reverse=True,
        )
        # Contiguous runs go in one removal each (a removal costs the views a walk of their own).
        runs: list[list[int]] = []
        for index in doomed:
            if runs and runs[-1][0] == index + 1:
                runs[-1][0] = index
            else:
                runs.append([index, index])
        if not doomed:
            return 0
        affected: set[str] = set()
        for number in doomed:
            tally, key = self._tally[number], self._grouped[number]
            if tally is not None:
                self._count(tally, -1)
            if key is not None:
                affected.add(key)
        for first, last in runs:
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            del self._tally[first : last + 1]
            del self._grouped[first : last + 1]
            self.endRemoveRows()
        # The rows after a removed one moved up: the groups and the troubled rows are filed anew (one pass);
        # only the rows sharing a username with a removed one can have changed.
        self._groups = {}
        for number, key in enumerate(self._grouped):
            if key is not None:
                self._groups.setdefault(key, set()).add(number)
        self._troubled = {number for number, tally in enumerate(self._tally) if tally and tally[2]}
        touched: set[int] = set()
        for key in affected:
            touched |= self._groups.get(key, set())
        for number in touched:
            self._retally(number)
        self.problems_revision += 1
        self._validated = True
        self._mark(0, len(self._rows) - 1)
        self.flush()
        return len(doomed)

    def set_status(
        self, index: int, status: RowStatus, failure: tuple[str | None, str | None] = (None, None)
    ) -> None:
        """Shown at the next turn of the event loop (with every other change of this turn); ``failure`` is
        the code and detail of a FAILED row, worded by ``failure_words``."""
        row = self._rows[index]
        if row.status is status and row.failure == failure:
            return
        row.status, row.failure = status, failure
        if index in self._troubled:
            self.problems_revision += 1
            self._validated = True
        self._retally(index)
        self._schedule()

    def find_upn(self, upn: str) -> int | None:
        members = self._groups.get(upn.lower())
        return min(members) if members else None

    # --- availability --------------------------------------------------------------------------------

    def availability(self, index: int) -> Availability:
        return self._availability.get(self._rows[index].upn_key, Availability.UNKNOWN)

    def availability_of(self, upn: str) -> Availability:
        return self._availability.get(upn.lower(), Availability.UNKNOWN)

    def set_availability(self, upn: str, state: Availability) -> None:
        self.set_availabilities({upn: state})

    def set_availabilities(self, states: Mapping[str, Availability]) -> None:
        """What the tenant said about some usernames; the rows holding them are redrawn at the next turn of
        the event loop, with one ``rows_validated`` for the lot."""
        changed = False
        redraw: list[str] = []
        availability, groups = self._availability, self._groups
        for upn, state in states.items():
            key = upn.lower()
            before = availability.get(key, Availability.UNKNOWN)
            if before is state:
                continue
            availability[key] = state
            changed = True
            if (before in _NOT_ASKED) != (state in _NOT_ASKED):  # e.g. an answer: the counts change
                for number in groups.get(key, ()):
                    self._retally(number)
            else:  # e.g. now "Checking…": only what is shown
                redraw.append(key)
        if len(redraw) > DIRTY_ROWS:
            self._mark(0, len(self._rows) - 1)
        else:
            for key in redraw:
                for number in groups.get(key, ()):
                    self._mark(number, number)
        if changed:
            self._validated = True
            self._schedule()

    def forget_unanswered(self) -> None:
        """Checks in flight were stopped: they count as not asked."""
        asked = [key for key, state in self._availability.items() if state is Availability.CHECKING]
        self.set_availabilities(dict.fromkeys(asked, Availability.UNKNOWN))
        for key in asked:
            del self._availability[key]

    def upns_to_check(self, limit: int | None = None) -> list[str]:
        """Draft rows whose username could be created and was not asked about yet (the first ``limit``)."""
        tally, availability = self._tally, self._availability
        found: list[str] = []
        for key, members in self._groups.items():
            if key not in availability and any((t := tally[n]) is not None and t[3] for n in members):
                found.append(key)
                if limit is not None and len(found) >= limit:
                    break
        return found

    # --- validation ----------------------------------------------------------------------------------

    def revalidate(self, rows: Iterable[int] | None = None) -> None:
        """Check ``rows`` (all when None) and the rows sharing a username with them; shown at once."""
        if rows is None:
            self._rebuild(validate=True)
        else:
            self._revalidate(list(rows), validate=True)
        self.flush()

    def _revalidate(self, numbers: Sequence[int], *, validate: bool) -> None:
        """Problems of ``numbers`` (unless already ``validate``d), their groups, and the counts of every row
        whose group changed."""
        affected: set[str] = set()
        for number in numbers:
            row = self._rows[number]
            key = _validate_row(row, self._verified) if validate else self._key_of(row)
            before = self._grouped[number]
            if key == before:
                continue
            if before is not None:
                members = self._groups[before]
                members.discard(number)
                if not members:
                    del self._groups[before]
                affected.add(before)
            if key is not None:
                self._groups.setdefault(key, set()).add(number)
                affected.add(key)
            self._grouped[number] = key
        touched = set(numbers)
        for key in affected:
            touched |= self._groups.get(key, set())
        was = bool(touched & self._troubled)
        for number in touched:
            self._retally(number)
        if was or touched & self._troubled:
            self.problems_revision += 1
        self._validated = True
        self._schedule()

    def _key_of(self, row: UserRow) -> str | None:
        if not row.upn_key:
            row.upn_key = row.user().upn.lower()
        return row.upn_key if row.username.strip() else None

    def _rebuild(self, *, validate: bool) -> None:
        """Everything again (rows removed or replaced, other domains): once per such change."""
        count = len(self._rows)
        self._groups = {}
        self._grouped = [None] * count
        self._tally = [None] * count
        self._counts = dict.fromkeys([*RowStatus, *_Tag], 0)
        self._troubled = set()
        self.problems_revision += 1
        self._mark(0, count - 1)
        self._revalidate(range(count), validate=validate)

    def _duplicated(self, number: int) -> bool:
        key = self._grouped[number]
        return key is not None and len(self._groups[key]) > 1

    def _retally(self, number: int) -> None:
        """Count the row anew (it changed, or its group or availability did); it is redrawn at the flush."""
        row = self._rows[number]
        status = row.status
        blank = row.blank
        person = not blank and status is RowStatus.DRAFT
        awaiting = (
            person
            and self._availability.get(row.upn_key, Availability.UNKNOWN) in _NOT_ASKED
            and not any(p.field in (Field.USERNAME, Field.DOMAIN) for p in row.problems)
        )
        troubled = bool(row.problems) or self._duplicated(number)
        new = (status, person, troubled, awaiting, not blank and row.domain != self._default_domain)
        old = self._tally[number]
        if new != old:
            if old is not None:
                self._count(old, -1)
            self._count(new, 1)
            self._tally[number] = new
            if troubled:
                self._troubled.add(number)
            else:
                self._troubled.discard(number)
        self._mark(number, number)

    def _count(self, tally: _Tally, step: int) -> None:
        counts = self._counts
        counts[tally[0]] += step
        for tag, on in zip(_TALLIED, tally[1:], strict=True):
            if on:
                counts[tag] += step

    # --- telling the views, once per turn of the event loop -----------------------------------------

    def _mark(self, first: int, last: int) -> None:
        if last < first:
            return
        if last == first and len(self._dirty) < DIRTY_ROWS:
            self._dirty.add(first)
        elif self._dirty_first < 0:
            self._dirty_first, self._dirty_last = first, last
        else:
            self._dirty_first = min(self._dirty_first, first)
            self._dirty_last = max(self._dirty_last, last)

    def _schedule(self) -> None:
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def flush(self) -> None:
        """Tell the views now what changed since the last time: one ``dataChanged`` range (the views redraw
        what they show of it), then ``rows_validated`` if problems, counts or availability changed."""
        self._flush_timer.stop()
        end = len(self._rows) - 1
        runs: list[tuple[int, int]] = []
        if self._dirty_first >= 0:
            runs.append((self._dirty_first, min(self._dirty_last, end)))
        # Rows changed one by one (e.g. a batch of answers) go out as runs: the view repaints only what it
        # shows of them, so answers about rows scrolled out of sight cost no repaint.
        for number in sorted(self._dirty):
            if number > end or (runs and runs[0][0] <= number <= runs[0][1]):
                continue
            if len(runs) > 1 and runs[-1][1] == number - 1:
                runs[-1] = (runs[-1][0], number)
            else:
                runs.append((number, number))
        self._dirty.clear()
        self._dirty_first = self._dirty_last = -1
        for first, last in runs:
            if 0 <= first <= last:
                self.dataChanged.emit(self.index(first, 0), self.index(last, len(Column) - 1))
        if self._validated:
            self._validated = False
            self.rows_validated.emit()

    def problems_of(self, index: int) -> list[tuple[Column, str]]:
        """Every problem of a row as (column, reason in words)."""
        row = self._rows[index]
        user = row.user()
        found = [(COLUMN_OF_FIELD[p.field], self.describe(p, user)) for p in row.problems]
        if self._duplicated(index):
            key = self._grouped[index]
            assert key is not None
            others = ", ".join(str(other + 1) for other in sorted(self._groups[key]) if other != index)
            found.append(
                (
                    Column.USERNAME,
                    self.tr("The username {upn} is also on row {rows}; each person needs their own.").format(
                        upn=self._quote(user.upn), rows=others
                    ),
                )
            )
        return found

    def cell_problems(self, index: int, column: Column) -> list[str]:
        if not self._rows[index].problems and not self._duplicated(index):
            return []  # most cells, asked for each role of each cell painted
        return [text for where, text in self.problems_of(index) if where is column]

    def describe(self, item: FieldProblem, user: NewUser) -> str:
        """One problem in plain words: a whole sentence for each field, so each language can inflect it."""
        field = item.field
        value = getattr(user, field.value)
        match item.problem:
            case Problem.REQUIRED if field is Field.DISPLAY_NAME:
                return self.tr("Type a display name, or a first or last name to make one from.")
            case Problem.REQUIRED if field is Field.EMAIL:
                return self.tr(
                    "Type the person's real work email: their password and the portal invitation go there."
                )
            case Problem.REQUIRED:
                return {
                    Field.FIRST_NAME: self.tr("The first name is missing."),
                    Field.LAST_NAME: self.tr("The last name is missing."),
                    Field.USERNAME: self.tr("The username is missing."),
                    Field.DOMAIN: self.tr("The domain is missing."),
                }.get(field) or self._invalid(field)
            case Problem.TOO_LONG:
                return {
                    Field.FIRST_NAME: self.tr(
                        "The first name is {length} characters long; Microsoft allows at most {limit}."
                    ),
                    Field.LAST_NAME: self.tr(
                        "The last name is {length} characters long; Microsoft allows at most {limit}."
                    ),
                    Field.DISPLAY_NAME: self.tr(
                        "The display name is {length} characters long; Microsoft allows at most {limit}."
                    ),
                    Field.USERNAME: self.tr(
                        "The username is {length} characters long; Microsoft allows at most {limit}."
                    ),
                    Field.DOMAIN: self.tr(
                        "The domain is {length} characters long; Microsoft allows at most {limit}."
                    ),
                    Field.EMAIL: self.tr(
                        "The work email is {length} characters long; Microsoft allows at most {limit}."
                    ),
                }[field].format(length=len(value), limit=item.detail)
            case Problem.INVALID_CHARACTERS if field is Field.USERNAME:
                return self.tr(
                    "Microsoft doesn't allow {chars} in a username. Use letters a–z without accents, "
                    "digits and . - _ ' ! # ^ ~."
                ).format(chars=self._describe_chars(item.detail))
            case Problem.INVALID_CHARACTERS:
                return {
                    Field.FIRST_NAME: self.tr("The first name can't contain {chars}."),
                    Field.LAST_NAME: self.tr("The last name can't contain {chars}."),
                    Field.DISPLAY_NAME: self.tr("The display name can't contain {chars}."),
                    Field.DOMAIN: self.tr("The domain can't contain {chars}."),
                    Field.EMAIL: self.tr("The work email can't contain {chars}."),
                }[field].format(chars=self._describe_chars(item.detail))
            case Problem.DOT_BEFORE_AT:
                return self.tr("A username can't end with a dot.")
            case Problem.LEADING_OR_TRAILING_DOT if field is Field.USERNAME:
                return self.tr("A username can't start with a dot.")
            case Problem.LEADING_OR_TRAILING_DOT:
                return self.tr("A domain can't start or end with a dot.")
            case Problem.CONSECUTIVE_DOTS if field is Field.USERNAME:
                return self.tr("The username can't have two dots in a row.")
            case Problem.CONSECUTIVE_DOTS if field is Field.DOMAIN:
                return self.tr("The domain can't have two dots in a row.")
            case Problem.DOMAIN_NOT_VERIFIED:
                return self.tr(
                    "{domain} isn't one of your organisation's domains. Pick one from the list."
                ).format(domain=self._quote(user.domain))
            case Problem.INVALID_EMAIL:
                return self.tr("{email} isn't a valid email address.").format(email=self._quote(user.email))
            case Problem.EMAIL_NOT_ASCII:
                return self.tr(
                    "Microsoft doesn't accept accents or other special letters in a work email ({chars}). "
                    "Type an address of this person without them."
                ).format(chars=self._describe_chars(item.detail))
            case Problem.EMAIL_IS_TENANT_ADDRESS:
                return self.tr(
                    "{email} is an address in your Microsoft organisation, which this person can't read yet. "
                    "Type the email address they use today."
                ).format(email=self._quote(user.email))
            case _:
                return self._invalid(field)

    def _invalid(self, field: Field) -> str:
        return {
            Field.FIRST_NAME: self.tr("The first name isn't valid."),
            Field.LAST_NAME: self.tr("The last name isn't valid."),
            Field.DISPLAY_NAME: self.tr("The display name isn't valid."),
            Field.USERNAME: self.tr("The username isn't valid."),
            Field.DOMAIN: self.tr("The domain isn't valid."),
            Field.EMAIL: self.tr("The work email isn't valid."),
        }[field]

    def _describe_chars(self, chars: str) -> str:
        words = []
        for char in chars:
            if char == " ":
                words.append(self.tr("spaces"))
            elif char < " " or char == "\x7f":
                words.append(self.tr("line breaks or tabs"))
            else:
                words.append(self._quote(char))
        words = list(dict.fromkeys(words))
        if len(words) == 1:
            return words[0]
        return self.tr("{first} and {last}").format(first=", ".join(words[:-1]), last=words[-1])

    # --- problems in a file ---------------------------------------------------------------------------

    def csv_problem_text(self, problem: CsvProblem) -> str:
        """A problem of an imported file in the user's language (``problem.message`` is English only).

        In English it says exactly what ``problem.message`` says."""
        params = problem.params
        value = self._csv_quote(params.get("value", ""))
        characters = self._csv_characters(params.get("characters", ""))
        length, limit = params.get("length", ""), params.get("limit", "")
        name = params.get("field", "")
        match problem.code:
            case CsvIssue.UNREADABLE:
                return self.tr("This file couldn't be read as a CSV file.")
            case CsvIssue.XLSX_WORKBOOK:
                return self.tr(
                    "This file looks like an Excel workbook (.xlsx), not a CSV file. In Excel, choose File › "
                    "Save As, pick “CSV UTF-8 (Comma delimited)”, and import that file."
                )
            case CsvIssue.XLS_WORKBOOK:
                return self.tr(
                    "This file looks like an old Excel workbook (.xls), not a CSV file. In Excel, choose "
                    "File › Save As, pick “CSV UTF-8 (Comma delimited)”, and import that file."
                )
            case CsvIssue.NOT_TEXT:
                return self.tr(
                    "This file isn't a text file, so it can't be a CSV file. Save the list as CSV and import "
                    "that file."
                )
            case CsvIssue.EMPTY:
                return self.tr("The file is empty.")
            case CsvIssue.ONLY_VERSION_ROW:
                return self.tr("The file has only the Entra version row: no column headings and no users.")
            case CsvIssue.NO_USERS:
                return self.tr("The file has no users in it, only the column headings.")
            case CsvIssue.UNKNOWN_HEADINGS:
                return self.tr(
                    "The column headings on line {line} don't match a list this wizard can read. Use the "
                    "Microsoft 365 “Add multiple users” template, the Entra “Bulk create” template, or "
                    "download our template."
                ).format(line=params.get("line", ""))
            case CsvIssue.NO_USERNAME_COLUMN:
                return self.tr("The file has no {heading} column.").format(
                    heading=self._csv_quote(params.get("heading", ""))
                )
            case CsvIssue.BROKEN_RECORD:
                return self.tr(
                    "Line {line} can't be read: a quotation mark there is never closed, or a value is far "
                    "too long. Nothing after it was read."
                ).format(line=params.get("line", ""))
            case CsvIssue.EXAMPLE_ROW_SKIPPED:
                return self.tr(
                    "Line {line} is Microsoft's example row from the Entra template; it was skipped."
                ).format(line=params.get("line", ""))
            case CsvIssue.DISPLAY_NAME_MISSING:
                return self.tr(
                    "The display name is missing, and there is no first or last name to make one from."
                )
            case CsvIssue.NAME_TOO_LONG:
                return {
                    Field.FIRST_NAME.value: self.tr(
                        "The first name is {length} characters long; Microsoft allows at most {limit}."
                    ),
                    Field.LAST_NAME.value: self.tr(
                        "The last name is {length} characters long; Microsoft allows at most {limit}."
                    ),
                }.get(
                    name,
                    self.tr(
                        "The display name is {length} characters long; Microsoft allows at most {limit}."
                    ),
                ).format(length=length, limit=limit)
            case CsvIssue.NAME_INVALID_CHARACTERS:
                return {
                    Field.FIRST_NAME.value: self.tr(
                        "The first name {value} contains {characters}, which can't be in a name."
                    ),
                    Field.LAST_NAME.value: self.tr(
                        "The last name {value} contains {characters}, which can't be in a name."
                    ),
                }.get(
                    name, self.tr("The display name {value} contains {characters}, which can't be in a name.")
                ).format(value=value, characters=characters)
            case CsvIssue.USERNAME_MISSING:
                return self.tr("The username is missing.")
            case CsvIssue.USERNAME_TOO_LONG:
                return self.tr(
                    "The username {value} is {length} characters long before the @; Microsoft allows at most "
                    "{limit}."
                ).format(value=value, length=length, limit=limit)
            case CsvIssue.USERNAME_INVALID_CHARACTERS:
                return self.tr(
                    "The username {value} has characters Microsoft doesn't allow: {characters}. Use only "
                    "letters a–z without accents, digits and . - _ ' ! # ^ ~."
                ).format(value=value, characters=characters)
            case CsvIssue.USERNAME_STARTS_WITH_DOT:
                return self.tr("The username {value} starts with a dot, which isn't allowed.").format(
                    value=value
                )
            case CsvIssue.USERNAME_DOUBLE_DOT:
                return self.tr("The username {value} has two dots in a row, which isn't allowed.").format(
                    value=value
                )
            case CsvIssue.USERNAME_ENDS_WITH_DOT:
                return self.tr(
                    "The username {value} ends with a dot; Microsoft doesn't allow a dot just before the @."
                ).format(value=value)
            case CsvIssue.DOMAIN_MISSING:
                return self.tr(
                    "The username {username} has no domain. Write it with one, for example {example}."
                ).format(
                    username=self._csv_quote(params.get("username", "")),
                    example=self._csv_quote(params.get("example", "")),
                )
            case CsvIssue.DOMAIN_TOO_LONG:
                return self.tr(
                    "The domain {value} is {length} characters long; Microsoft allows at most {limit}."
                ).format(value=value, length=length, limit=limit)
            case CsvIssue.DOMAIN_INVALID_CHARACTERS:
                return self.tr("The domain {value} has characters a domain can't have: {characters}.").format(
                    value=value, characters=characters
                )
            case CsvIssue.DOMAIN_STARTS_OR_ENDS_WITH_DOT:
                return self.tr("The domain {value} starts or ends with a dot.").format(value=value)
            case CsvIssue.DOMAIN_DOUBLE_DOT:
                return self.tr("The domain {value} has two dots in a row.").format(value=value)
            case CsvIssue.DOMAIN_NOT_VERIFIED:
                domains = params.get("domains", "")
                more = int(params.get("more", "0") or 0)
                if more:
                    domains = self.tr("{domains} and %n more", "", more).format(domains=domains)
                return self.tr("The domain {value} isn't one of this tenant's domains ({domains}).").format(
                    value=value, domains=domains
                )
            case CsvIssue.EMAIL_INVALID:
                return self.tr("The work email {value} isn't a valid email address.").format(value=value)
            case CsvIssue.EMAIL_IS_TENANT_ADDRESS:
                return self.tr(
                    "The work email {value} is an address in the Microsoft tenant, not the person's real "
                    "work email. Their password and the portal invitation must go to an address they already "
                    "read."
                ).format(value=value)
            case CsvIssue.EMAIL_NOT_ASCII:
                return self.tr(
                    "The work email {value} has {characters}: Microsoft doesn't accept accents or other "
                    "special letters in an email address. Type an address of this person without them."
                ).format(value=value, characters=characters)
            case CsvIssue.DUPLICATE_USERNAME:
                return self.tr("The username {value} is already used on line {first_line}.").format(
                    value=value, first_line=params.get("first_line", "")
                )

    def _csv_quote(self, value: str) -> str:
        """A value from a file in the language's quotation marks, line breaks as spaces, shortened."""
        return self.tr("“{value}”").format(value=visible_value(value))

    def _csv_characters(self, chars: str) -> str:
        """The offending characters, named where they can't be seen (“ü”, a space, a line break …)."""
        words: list[str] = []
        for char in chars:
            match character_kind(char):
                case CharacterKind.SPACE:
                    word = self.tr("a space")
                case CharacterKind.TAB:
                    word = self.tr("a tab")
                case CharacterKind.LINE_BREAK:
                    word = self.tr("a line break")
                case CharacterKind.CONTROL:
                    word = self.tr("an invisible control character")
                case CharacterKind.UNREPRESENTABLE:
                    word = self.tr("{character} (a character the file's encoding couldn't represent)").format(
                        character=self._csv_quote(char)
                    )
                case CharacterKind.VISIBLE:
                    word = self._csv_quote(char)
            if word not in words:
                words.append(word)
        if len(words) <= 1:
            return "".join(words)
        return self.tr("{first} and {last}").format(first=", ".join(words[:-1]), last=words[-1])

    def retranslate(self) -> None:
        """Tell the views that every heading and cell reads differently now (the language was switched)."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1))

    # --- Qt model ------------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole:
                return str(section + 1)
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.column_title(Column(section))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.column_help(Column(section))
        return None

    def column_title(self, column: Column) -> str:
        return {
            Column.FIRST_NAME: self.tr("First name"),
            Column.LAST_NAME: self.tr("Last name"),
            Column.DISPLAY_NAME: self.tr("Display name"),
            Column.USERNAME: self.tr("Username"),
            Column.DOMAIN: self.tr("Domain"),
            Column.EMAIL: self.tr("Work email"),
            Column.STATUS: self.tr("Status"),
        }[column]

    def column_help(self, column: Column) -> str:
        return {
            Column.FIRST_NAME: self.tr("The person's first name."),
            Column.LAST_NAME: self.tr("The person's last name."),
            Column.DISPLAY_NAME: self.tr(
                "How the name is shown to others. Made from the names unless you change it."
            ),
            Column.USERNAME: self.tr("What they type to sign in, before the @. Suggested from the names."),
            Column.DOMAIN: self.tr("The part after the @: one of your organisation's domains."),
            Column.EMAIL: self.tr(
                "The email address they read today: their password and invitation go there."
            ),
            Column.STATUS: self.tr("Whether the person was created."),
        }[column]

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        row = self._rows[index.row()]
        if index.column() != Column.STATUS and not self._locked and row.status is RowStatus.DRAFT:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        number, column = index.row(), Column(index.column())
        row = self._rows[number]
        if column is Column.STATUS:
            return self._status_data(row, role)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            text = row.text(column)
            if column is Column.DOMAIN and role == Qt.ItemDataRole.DisplayRole and text:
                return "@" + text
            return text
        if role not in _CELL_ROLES:  # asked for many roles per cell painted: only these cost anything
            return None
        problems = self.cell_problems(number, column) if row.status is RowStatus.DRAFT else []
        if role == Qt.ItemDataRole.BackgroundRole:
            if problems:
                return colours(QApplication.palette()).error_cell
            if (
                column is Column.USERNAME
                and row.status is RowStatus.DRAFT
                and self.availability(number) is Availability.TAKEN
            ):
                return colours(QApplication.palette()).warning_cell
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            if problems:
                return self._icon("error")
            if column is Column.USERNAME and row.status is RowStatus.DRAFT:
                state = self.availability(number)
                if state is Availability.TAKEN:
                    return self._icon("warning")
                if state is Availability.FREE:
                    return self._icon("ok")
            return None
        notes = self._availability_notes(number) if column is Column.USERNAME else []
        return "\n".join(problems + notes) or None  # tooltip, accessible description

    def _availability_notes(self, number: int) -> list[str]:
        row = self._rows[number]
        if row.status is not RowStatus.DRAFT or self.cell_problems(number, Column.USERNAME):
            return []
        state = self.availability(number)
        upn = self._quote(row.user().upn)
        if state is Availability.TAKEN:
            return [
                self.tr(
                    "{upn} is already used in your organisation. That account will be reported as already "
                    "existing, not changed. If this is someone else, choose another username."
                ).format(upn=upn)
            ]
        if state is Availability.FREE:
            return [self.tr("{upn} is free.").format(upn=upn)]
        if state is Availability.CHECKING:
            return [self.tr("Checking whether {upn} is free…").format(upn=upn)]
        if state is Availability.UNCHECKED:
            return [self.tr("We couldn't check {upn} just now; creating will tell.").format(upn=upn)]
        return []

    def _status_data(self, row: UserRow, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.status_text(row)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            return self.status_text(row) or None
        if role == Qt.ItemDataRole.ForegroundRole and row.status in (RowStatus.CREATED, RowStatus.FAILED):
            chosen = colours(QApplication.palette())
            return chosen.ok_text if row.status is RowStatus.CREATED else chosen.error_text
        if role == Qt.ItemDataRole.DecorationRole:
            return {  # "✓ Created" carries its own mark
                RowStatus.EXISTED: self._icon("info"),
                RowStatus.FAILED: self._icon("error"),
            }.get(row.status)
        return None

    def status_text(self, row: UserRow) -> str:
        match row.status:
            case RowStatus.DRAFT:
                return ""
            case RowStatus.WAITING:
                return self.tr("Waiting")
            case RowStatus.CREATING:
                return self.tr("Creating…")
            case RowStatus.CREATED:
                return self.tr("✓ Created")
            case RowStatus.EXISTED:
                return self.tr("Already existed")
            case _:
                words = self.failure_words
                reason = words(*row.failure) if words is not None else ""
                return self.tr("Failed: {reason}").format(reason=reason or self.tr("unknown error"))

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        number, column = index.row(), Column(index.column())
        row = self._rows[number]
        text = str(value) if value is not None else ""
        if column is Column.DOMAIN:
            text = text.removeprefix("@").strip().lower()
        if row.text(column) == text:
            return True
        before = row.upn_key
        if column in (Column.FIRST_NAME, Column.LAST_NAME):
            setattr(row, FIELD_OF_COLUMN[column].value, text)
            if not row.display_edited:
                row.display_name = derive_display_name(row.first_name, row.last_name)
            if not row.username_edited:
                row.username = suggest_username(row.first_name, row.last_name)
        elif column is Column.DISPLAY_NAME:
            row.display_name = text
            # Emptying it hands it back to the names.
            row.display_edited = bool(text.strip())
            if not row.display_edited:
                row.display_name = derive_display_name(row.first_name, row.last_name)
        elif column is Column.USERNAME:
            row.username = text
            row.username_edited = bool(text.strip())
            if not row.username_edited:
                row.username = suggest_username(row.first_name, row.last_name)
        else:
            setattr(row, FIELD_OF_COLUMN[column].value, text)
        self.revalidate([number])
        if row.upn_key != before:
            self.username_changed.emit(number)
        return True

    def _quote(self, value: str, limit: int = 60) -> str:
        """A value in the language's quotation marks, shortened to ``limit`` characters."""
        if len(value) > limit:
            value = value[: limit - 1] + "…"
        return self.tr("“{value}”").format(value=value)

    def _icon(self, kind: str) -> QIcon:
        if kind not in self._icons:
            pixmap = {
                "ok": QStyle.StandardPixmap.SP_DialogApplyButton,
                "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
                "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
                "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
            }[kind]
            self._icons[kind] = QApplication.style().standardIcon(pixmap)
        return self._icons[kind]


# --- editors ---------------------------------------------------------------------------------------------


class LiveTextDelegate(QStyledItemDelegate):
    """A line editor that commits as you type (so derived cells and problems follow at once);
    Escape puts the value back as it was when editing started."""

    ORIGINAL = "original_value"

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> QWidget:
        editor = QLineEdit(parent)
        editor.setObjectName("users_cell_editor")
        editor.setFrame(False)
        column = Column(index.column())
        editor.setMaxLength(MAX_LENGTH.get(column, 256))
        model = index.model()
        if isinstance(model, UsersModel):
            editor.setAccessibleName(model.column_title(column))
            editor.setAccessibleDescription(model.column_help(column))
        editor.textEdited.connect(lambda _text: self.commitData.emit(editor))
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        assert isinstance(editor, QLineEdit)
        value = str(index.data(Qt.ItemDataRole.EditRole) or "")
        if editor.property(self.ORIGINAL) is None:
            editor.setProperty(self.ORIGINAL, value)
        if editor.text() != value:  # a live commit must not move the cursor
            editor.setText(value)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        assert isinstance(editor, QLineEdit)
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(watched, QLineEdit)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            original = watched.property(self.ORIGINAL)
            if isinstance(original, str) and watched.text() != original:
                watched.setText(original)
                self.commitData.emit(watched)
        return super().eventFilter(watched, event)


class DomainDelegate(QStyledItemDelegate):
    """A drop-down of the tenant's verified domains."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> QWidget:
        editor = QComboBox(parent)
        editor.setObjectName("users_domain_editor")
        model = index.model()
        if isinstance(model, UsersModel):
            editor.addItems(["@" + domain for domain in model.domains])
            editor.setAccessibleName(model.column_title(Column.DOMAIN))
        editor.activated.connect(lambda _number: self.commitData.emit(editor))
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        value = "@" + str(index.data(Qt.ItemDataRole.EditRole) or "")
        found = editor.findText(value, Qt.MatchFlag.MatchFixedString)
        if found < 0 and value != "@":
            editor.addItem(value)  # an unverified domain from a file: shown, flagged, replaceable
            found = editor.count() - 1
        editor.setCurrentIndex(max(found, 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
