"""Reading people to create from a CSV file, and writing our own template.

Pure, no I/O: bytes in, users and problems out; it never raises on bad input. Three formats, detected from
the file itself (reference §6):

- **Microsoft 365 "Add multiple users"**: fixed column order (User Name, First Name, Last Name, Display Name,
  Job Title, …, 15 columns); the labels may be in any language, so columns are taken by position. Recognised
  by a first heading meaning "user name" (English, German, French, Spanish, Italian, Dutch, Portuguese) or,
  in any other language, by at least 15 headings with an ``@`` in the first column of the first row.
- **Entra "Bulk create"**: an optional ``version:v1.0`` row, then headings carrying ``[property]`` tokens
  (columns are taken by token, never by label), then Microsoft's example row. The first row after the
  headings is taken for the example and skipped (with a notice) when its display name is "Chris Green" or its
  username is in ``contoso.com`` / ``contoso.onmicrosoft.com`` (Microsoft's example domain) and that domain is
  not one of ``verified_domains``. The initial password column is never read (we generate our own), nor is
  "Block sign in" (users are always created enabled, or they could not accept the portal invitation).
- **Our template** (``TEMPLATE_HEADERS``): columns by heading, in any order. "Username" may be
  ``local@domain`` or just ``local``.

The Microsoft formats have no column for the person's real work email: it is taken from a column headed like
"Work email" / "Alternate email address" (or an Entra ``[otherMails]`` column) when there is one; otherwise it
is left "" without a problem, and the users page asks for it. A given email is always validated.

Encodings: UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text", tab-delimited), UTF-16 without
BOM (guessed from NUL bytes) and, failing UTF-8, Windows-1252 (German Excel's plain "CSV"). Delimiter: ``,``,
``;`` or tab, whichever the heading row has most of outside quotes, or as Excel's ``sep=;`` first line says.
Values are stripped; blank lines and "a space plus a comma" blank fields are fine. Line numbers are physical
lines of the file (a record with a quoted line break is reported at the line where it starts); problems about
the whole file use line 0 (WHOLE_FILE) and column "".

Each problem is a code (``CsvIssue``) with its data (``params``: the value, the offending characters, the
other line, the limit…), so the UI can word it in the user's language; ``message`` is the same problem as a
plain English sentence (as the issue asks), made by ``english_message`` from the code and the data.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType

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
    find_duplicates,
    normalise_user,
    suggest_username,
    validate_user,
)

WHOLE_FILE = 0
"""The ``line`` of a problem about the whole file rather than one line."""

TEMPLATE_HEADERS = ("First name", "Last name", "Display name", "Username", "Work email")
"""Our own template's headings, in the order ``write_template_csv`` writes them."""


class CsvFormat(Enum):
    """The layout a file was recognised as."""

    MICROSOFT_365 = "microsoft_365"
    ENTRA_BULK = "entra_bulk"
    C2T_TEMPLATE = "c2t_template"


class CsvIssue(Enum):
    """What is wrong with a file or one of its rows; each member says which ``params`` it carries.

    Values are raw (a value exactly as read, the offending characters themselves, numbers as digits): the
    wording, quoting and shortening are the reader's (``english_message``, or the UI in its language).
    """

    UNREADABLE = "unreadable"
    """A bug stopped the reading (the safety net). No params."""
    XLSX_WORKBOOK = "xlsx_workbook"
    """An Excel workbook (.xlsx), not a CSV file. No params."""
    XLS_WORKBOOK = "xls_workbook"
    """An old Excel workbook (.xls). No params."""
    NOT_TEXT = "not_text"
    """Not a text file at all. No params."""
    EMPTY = "empty"
    """Nothing but blank lines. No params."""
    ONLY_VERSION_ROW = "only_version_row"
    """An Entra file with its ``version:`` row and nothing else. No params."""
    NO_USERS = "no_users"
    """Headings, but no data rows. No params."""
    UNKNOWN_HEADINGS = "unknown_headings"
    """``line``: where the headings are."""
    NO_USERNAME_COLUMN = "no_username_column"
    """``heading``: the heading the username column should have."""
    BROKEN_RECORD = "broken_record"
    """``line``: the record that can't be read (an unclosed quote); nothing after it was read."""
    EXAMPLE_ROW_SKIPPED = "example_row_skipped"
    """A notice. ``line``: Microsoft's example row in the Entra template, which was skipped."""
    DISPLAY_NAME_MISSING = "display_name_missing"
    """No display name, and no first or last name to make one from. No params."""
    NAME_TOO_LONG = "name_too_long"
    """``field`` (a ``Field`` value: first_name, last_name or display_name), ``length``, ``limit``."""
    NAME_INVALID_CHARACTERS = "name_invalid_characters"
    """``field`` (as for NAME_TOO_LONG), ``value``, ``characters`` (distinct, in order of appearance)."""
    USERNAME_MISSING = "username_missing"
    """No params."""
    USERNAME_TOO_LONG = "username_too_long"
    """``value`` (the part before the @), ``length``, ``limit``."""
    USERNAME_INVALID_CHARACTERS = "username_invalid_characters"
    """``value``, ``characters``."""
    USERNAME_STARTS_WITH_DOT = "username_starts_with_dot"
    """``value``."""
    USERNAME_DOUBLE_DOT = "username_double_dot"
    """``value``."""
    USERNAME_ENDS_WITH_DOT = "username_ends_with_dot"
    """``value``."""
    DOMAIN_MISSING = "domain_missing"
    """``username`` (written without ``@domain``); ``example``: it with a domain (``anna@contoso.de``)."""
    DOMAIN_TOO_LONG = "domain_too_long"
    """``value`` (the domain), ``length``, ``limit``."""
    DOMAIN_INVALID_CHARACTERS = "domain_invalid_characters"
    """``value``, ``characters``."""
    DOMAIN_STARTS_OR_ENDS_WITH_DOT = "domain_starts_or_ends_with_dot"
    """``value``."""
    DOMAIN_DOUBLE_DOT = "domain_double_dot"
    """``value``."""
    DOMAIN_NOT_VERIFIED = "domain_not_verified"
    """``value``; ``domains``: the tenant's first few domains (sorted, ", "-separated); ``more``: how many
    others there are ("0" when none)."""
    EMAIL_INVALID = "email_invalid"
    """``value``."""
    EMAIL_IS_TENANT_ADDRESS = "email_is_tenant_address"
    """``value``: an address in the tenant rather than the person's real work email."""
    EMAIL_NOT_ASCII = "email_not_ascii"
    """``value``, ``characters``: accented or other non-ASCII characters, which Microsoft refuses in a work
    email (``otherMails``)."""
    DUPLICATE_USERNAME = "duplicate_username"
    """``value`` (the whole username as written), ``first_line`` (where it is used first)."""


FILE_ISSUES = frozenset(
    {
        CsvIssue.UNREADABLE,
        CsvIssue.XLSX_WORKBOOK,
        CsvIssue.XLS_WORKBOOK,
        CsvIssue.NOT_TEXT,
        CsvIssue.EMPTY,
        CsvIssue.ONLY_VERSION_ROW,
        CsvIssue.NO_USERS,
        CsvIssue.UNKNOWN_HEADINGS,
        CsvIssue.NO_USERNAME_COLUMN,
        CsvIssue.BROKEN_RECORD,
        CsvIssue.EXAMPLE_ROW_SKIPPED,
    }
)
"""Issues of the file itself; every other issue is about one person's values (and that person is imported)."""


@dataclass(frozen=True)
class CsvProblem:
    """Something wrong in the file: a code with its data, and the same in plain English words."""

    line: int
    """The physical line (1-based) where the record starts; WHOLE_FILE (0) for the whole file."""
    column: str
    """The column's heading as it appears in the file; "" for a whole row or the whole file."""
    code: CsvIssue
    params: Mapping[str, str] = field(default_factory=dict, hash=False)
    """The data the code says it carries (see ``CsvIssue``); kept read-only."""
    message: str = field(init=False)
    """``english_message(code, params)``: a plain English sentence."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        object.__setattr__(self, "message", english_message(self.code, self.params))


@dataclass(frozen=True)
class CsvImport:
    """The outcome of reading a file: the valid users, and every problem found."""

    format: CsvFormat | None
    """None when the file could not be recognised (then there are no users)."""
    users: list[NewUser]
    """Every person the file has, in file order, those with problems too: the wizard never leaves anybody out
    silently; the partner fixes or removes them (the email may be "" for the Microsoft formats). A row without
    a username gets one proposed from the names, as when typing (``suggest_username``)."""
    problems: list[CsvProblem]
    rows_read: int
    """Data rows looked at: not counting headings, the version row, a skipped example row or blank lines."""
    user_lines: list[int] = field(default_factory=list)
    """The line each of ``users`` came from (``problems`` with one of these lines are that person's)."""
    notices: list[CsvProblem] = field(default_factory=list)
    """Worth telling, not wrong (e.g. Microsoft's example row was skipped)."""


# --- reading ----------------------------------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_STRIP = "\ufeff\u200b\u200e\u200f"
_TOKEN = re.compile(r"\[\s*([A-Za-z]+)\s*\]")
_SPACES = re.compile(r"\s+")
_EXCEL_SEPARATOR = re.compile(r"\s*sep=([,;\t|])\s*", re.IGNORECASE)

_M365_USERNAME_LABELS = frozenset(
    {
        "user name",
        "username",
        "benutzername",
        "benutzer name",
        "nom d'utilisateur",
        "nombre de usuario",
        "nome utente",
        "gebruikersnaam",
        "nome de usuário",
        "nome de utilizador",
    }
)
_M365_COLUMNS = 15
_EMAIL_LABELS = frozenset(
    {
        "work email",
        "work e-mail",
        "alternate email",
        "alternate email address",
        "alternate e-mail address",
        "alternative email",
        "alternative e-mail",
        "alternative e-mail-adresse",
        "geschäftliche e-mail",
        "geschäftliche e-mail-adresse",
        "e-mail (geschäftlich)",
        "email",
        "e-mail",
        "email address",
        "e-mail address",
        "e-mail-adresse",
    }
)
_OTHER_MAILS = "othermails"
_EXAMPLE_DOMAINS = frozenset({"contoso.com", "contoso.onmicrosoft.com"})
_EXAMPLE_NAME = "chris green"


@dataclass(frozen=True)
class _Columns:
    """Which column holds what (index), and each column's heading as in the file."""

    username: int | None
    first_name: int | None
    last_name: int | None
    display_name: int | None
    email: int | None
    headings: tuple[str, ...]

    def heading(self, index: int | None) -> str:
        return self.headings[index] if index is not None and index < len(self.headings) else ""

    def for_field(self, which: Field) -> str:
        index = {
            Field.FIRST_NAME: self.first_name,
            Field.LAST_NAME: self.last_name,
            Field.DISPLAY_NAME: self.display_name,
            Field.USERNAME: self.username,
            Field.DOMAIN: self.username,
            Field.EMAIL: self.email,
        }[which]
        return self.heading(index)


def parse_users_csv(
    data: bytes, *, default_domain: str = "", verified_domains: Collection[str] = ()
) -> CsvImport:
    """Read users from a CSV file in any of the three formats; never raises on bad input.

    ``default_domain`` completes a username written without ``@domain``; with ``verified_domains`` each
    username's domain must be one of them (otherwise only its form is checked).
    """
    try:
        return _parse(data, default_domain, verified_domains)
    except Exception:  # a bug must not take the page down with it: report, don't crash
        return CsvImport(None, [], [CsvProblem(WHOLE_FILE, "", CsvIssue.UNREADABLE)], 0)


def _parse(data: bytes, default_domain: str, verified_domains: Collection[str]) -> CsvImport:
    text, failure = _decode(data)
    if failure is not None:
        return CsvImport(None, [], [CsvProblem(WHOLE_FILE, "", failure)], 0)
    layout = _sniff(text)
    records, problems = _read_records(text, layout.delimiter)
    if layout.excel_separator_line and records and records[0].cells[0].lower().startswith("sep="):
        records.pop(0)
    if layout.version_row and records and records[0].cells[0].lower().startswith("version:"):
        records.pop(0)
        if not records and not problems:
            return CsvImport(
                CsvFormat.ENTRA_BULK, [], [CsvProblem(WHOLE_FILE, "", CsvIssue.ONLY_VERSION_ROW)], 0
            )
    if not records:
        return CsvImport(None, [], problems or [CsvProblem(WHOLE_FILE, "", CsvIssue.EMPTY)], 0)
    header, rows = records[0], records[1:]

    detected = _detect(header.cells, rows, is_entra_file=layout.version_row)
    if detected is None:
        problems.insert(0, CsvProblem(header.line, "", CsvIssue.UNKNOWN_HEADINGS, {"line": str(header.line)}))
        return CsvImport(None, [], problems, len(rows))
    csv_format, columns = detected
    if columns.username is None:
        heading = "User name [userPrincipalName]" if csv_format is CsvFormat.ENTRA_BULK else "Username"
        problems.insert(0, CsvProblem(header.line, "", CsvIssue.NO_USERNAME_COLUMN, {"heading": heading}))
        return CsvImport(csv_format, [], problems, len(rows))

    notices: list[CsvProblem] = []
    entra = csv_format is CsvFormat.ENTRA_BULK
    if entra and rows and _is_example_row(rows[0].cells, columns, verified_domains):
        line = rows.pop(0).line
        notices.append(CsvProblem(line, "", CsvIssue.EXAMPLE_ROW_SKIPPED, {"line": str(line)}))
    if not rows:
        problems.append(CsvProblem(WHOLE_FILE, "", CsvIssue.NO_USERS))
        return CsvImport(csv_format, [], problems, 0, notices=notices)
    return _build(csv_format, columns, rows, problems, notices, default_domain, verified_domains)


def _build(
    csv_format: CsvFormat,
    columns: _Columns,
    rows: list[_Record],
    problems: list[CsvProblem],
    notices: list[CsvProblem],
    default_domain: str,
    verified_domains: Collection[str],
) -> CsvImport:
    """Turn each row into a user, validate it, and catch duplicates; every row is kept, with its problems."""
    candidates = [_user_from_row(row.cells, columns, default_domain) for row in rows]
    duplicates = find_duplicates(candidates)
    users: list[NewUser] = []
    user_lines: list[int] = []
    for index, (row, user) in enumerate(zip(rows, candidates, strict=True)):
        line = row.line
        found = validate_user(user, verified_domains, require_email=False)
        row_problems = [
            CsvProblem(line, columns.for_field(item.field), *_issue(item, user, verified_domains))
            for item in found
        ]
        if index in duplicates:
            first_line = str(rows[duplicates[index]].line)
            row_problems.append(
                CsvProblem(
                    line,
                    columns.heading(columns.username),
                    CsvIssue.DUPLICATE_USERNAME,
                    {"value": user.upn, "first_line": first_line},
                )
            )
        problems.extend(row_problems)
        users.append(user)
        user_lines.append(line)
    return CsvImport(csv_format, users, problems, len(rows), user_lines, notices)


def _user_from_row(cells: list[str], columns: _Columns, default_domain: str) -> NewUser:
    def cell(index: int | None) -> str:
        return cells[index] if index is not None and index < len(cells) else ""

    account = cell(columns.username)
    username, at, domain = account.rpartition("@")
    if not at:
        username, domain = account, default_domain
    first, last = cell(columns.first_name), cell(columns.last_name)
    if not username.strip():  # proposed from the names, as when typing (still marked missing without names)
        username = suggest_username(first, last)
    display = cell(columns.display_name) or derive_display_name(first, last)
    return normalise_user(NewUser(first, last, display, username, domain, cell(columns.email)))


def _decode(data: bytes) -> tuple[str, CsvIssue | None]:
    """(text, None) or ("", why the bytes are not a CSV text)."""
    if not data.strip():
        return "", CsvIssue.EMPTY
    if data.startswith(_ZIP_MAGIC):
        return "", CsvIssue.XLSX_WORKBOOK
    if data.startswith(_OLE_MAGIC):
        return "", CsvIssue.XLS_WORKBOOK
    if data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8", "replace")
    elif data.startswith(codecs.BOM_UTF16_LE):
        text = data[2:].decode("utf-16-le", "replace")
    elif data.startswith(codecs.BOM_UTF16_BE):
        text = data[2:].decode("utf-16-be", "replace")
    elif b"\x00" in data:
        text = _decode_utf16_without_bom(data)
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", "replace")
    text = text.lstrip("\ufeff")
    if not text.strip():
        return "", CsvIssue.EMPTY
    if _looks_binary(text):
        return "", CsvIssue.NOT_TEXT
    return text, None


def _decode_utf16_without_bom(data: bytes) -> str:
    """UTF-16 guessed from where the NUL bytes are (ASCII text has them in every other byte); else binary."""
    sample = data[:4096]
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    if odd > len(sample) // 4 and even == 0:
        return data.decode("utf-16-le", "replace")
    if even > len(sample) // 4 and odd == 0:
        return data.decode("utf-16-be", "replace")
    return "\x00"


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    odd = sum(1 for char in sample if char == "\ufffd" or (char < " " and char not in "\t\r\n"))
    return "\x00" in sample or odd * 20 > len(sample)


@dataclass(frozen=True)
class _Layout:
    delimiter: str
    excel_separator_line: bool
    """The file starts with Excel's ``sep=;`` hint line."""
    version_row: bool
    """The first line (after any ``sep=`` line) is an Entra ``version:`` row."""


def _sniff(text: str) -> _Layout:
    """The delimiter (from a ``sep=`` hint, else the heading line) and which preamble lines there are."""
    lines = _physical_lines(text)
    first = next(lines, "")
    hint = _EXCEL_SEPARATOR.fullmatch(first.rstrip("\r\n"))
    if hint:
        first = next(lines, "")
    version_row = _is_version_line(first)
    heading = next(lines, "") if version_row else first
    if hint:
        return _Layout(hint.group(1), True, version_row)
    counts = {delimiter: _count_outside_quotes(heading, delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return _Layout(best if counts[best] else ",", False, version_row)


def _physical_lines(text: str) -> Iterator[str]:
    """Non-blank lines, lazily."""
    return (line for line in io.StringIO(text, newline="") if line.strip(" \t\r\n" + _STRIP))


def _is_version_line(line: str) -> bool:
    return line.strip().strip(_STRIP).lstrip('"').lower().startswith("version:")


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


@dataclass(frozen=True)
class _Record:
    line: int
    """The physical line where the record starts."""
    cells: list[str]
    """Stripped, without trailing empty cells; never empty."""


def _read_records(text: str, delimiter: str) -> tuple[list[_Record], list[CsvProblem]]:
    """Every non-blank record, and a problem if reading stopped at a record that cannot be read."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[_Record] = []
    previous = last_end = 0
    try:
        for row in reader:
            line = previous + 1
            previous = reader.line_num
            cells = [cell.strip().strip(_STRIP).strip() for cell in row]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                records.append(_Record(line, cells))
                last_end = previous
    except csv.Error:
        line = previous + 1
        return records, [_broken_record(line)]
    # Only a record that runs to the very end of the file can hide an unclosed quote.
    if records and records[-1].line < last_end == previous and _unclosed_quote(text, records[-1].line):
        line = records.pop().line
        return records, [_broken_record(line)]
    return records, []


def _unclosed_quote(text: str, start_line: int) -> bool:
    """Whether the record from ``start_line`` to the end opened a quote that never closes."""
    lines = io.StringIO(text, newline="").readlines()[start_line - 1 :]
    return "".join(lines).count('"') % 2 == 1


def _broken_record(line: int) -> CsvProblem:
    return CsvProblem(line, "", CsvIssue.BROKEN_RECORD, {"line": str(line)})


# --- formats ----------------------------------------------------------------------------------------------


def _label(heading: str) -> str:
    """A heading compared loosely: case-folded, single spaces, typographic apostrophes made plain."""
    return _SPACES.sub(" ", heading.replace("’", "'")).strip().casefold()


def _detect(
    headings: list[str], rows: list[_Record], *, is_entra_file: bool
) -> tuple[CsvFormat, _Columns] | None:
    labels = [_label(heading) for heading in headings]
    tokens = [match.group(1).lower() if (match := _TOKEN.search(heading)) else "" for heading in headings]
    if is_entra_file or "userprincipalname" in tokens:
        return CsvFormat.ENTRA_BULK, _entra_columns(headings, labels, tokens)
    if "username" in labels and ("work email" in labels or labels[0] == "first name"):
        return CsvFormat.C2T_TEMPLATE, _template_columns(headings, labels)
    first_row = rows[0].cells if rows else []
    if labels[0] in _M365_USERNAME_LABELS or (
        len(labels) >= _M365_COLUMNS and first_row and "@" in first_row[0]
    ):
        return CsvFormat.MICROSOFT_365, _m365_columns(headings, labels)
    return None


def _index(items: list[str], *wanted: str) -> int | None:
    for want in wanted:
        if want in items:
            return items.index(want)
    return None


def _email_column(labels: list[str], tokens: list[str], skip: Iterable[int | None] = ()) -> int | None:
    taken = set(skip)
    for index, (label, token) in enumerate(zip(labels, tokens, strict=True)):
        if index in taken:
            continue
        bare = _label(_TOKEN.sub("", label))
        if token == _OTHER_MAILS or bare in _EMAIL_LABELS:
            return index
    return None


def _entra_columns(headings: list[str], labels: list[str], tokens: list[str]) -> _Columns:
    username = _index(tokens, "userprincipalname")
    return _Columns(
        username=username,
        first_name=_index(tokens, "givenname"),
        last_name=_index(tokens, "surname"),
        display_name=_index(tokens, "displayname"),
        email=_email_column(labels, tokens, [username]),
        headings=tuple(headings),
    )


def _template_columns(headings: list[str], labels: list[str]) -> _Columns:
    return _Columns(
        username=_index(labels, "username"),
        first_name=_index(labels, "first name"),
        last_name=_index(labels, "last name"),
        display_name=_index(labels, "display name"),
        email=_index(labels, "work email", "email", "e-mail"),
        headings=tuple(headings),
    )


def _m365_columns(headings: list[str], labels: list[str]) -> _Columns:
    count = len(headings)
    fixed = [index if index < count else None for index in range(4)]
    return _Columns(
        username=fixed[0],
        first_name=fixed[1],
        last_name=fixed[2],
        display_name=fixed[3],
        email=_email_column(labels, [""] * count, range(4)),
        headings=tuple(headings),
    )


def _is_example_row(cells: list[str], columns: _Columns, verified_domains: Collection[str]) -> bool:
    def cell(index: int | None) -> str:
        return cells[index] if index is not None and index < len(cells) else ""

    if _label(cell(columns.display_name)) == _EXAMPLE_NAME:
        return True
    domain = cell(columns.username).rpartition("@")[2].strip().lower()
    verified = {item.strip().lower() for item in verified_domains}
    return domain in _EXAMPLE_DOMAINS and domain not in verified


# --- problems: codes with data, and their English words ----------------------------------------------


def _issue(
    item: FieldProblem, user: NewUser, verified_domains: Collection[str]
) -> tuple[CsvIssue, dict[str, str]]:
    """The code and data of one problem with one row."""
    which = item.field
    if which in (Field.FIRST_NAME, Field.LAST_NAME, Field.DISPLAY_NAME):
        value = getattr(user, which.value)
        if item.problem is Problem.REQUIRED:
            return CsvIssue.DISPLAY_NAME_MISSING, {}
        if item.problem is Problem.TOO_LONG:
            limit = DISPLAY_NAME_MAX if which is Field.DISPLAY_NAME else NAME_MAX
            return CsvIssue.NAME_TOO_LONG, {
                "field": which.value,
                "length": str(len(value)),
                "limit": str(limit),
            }
        return CsvIssue.NAME_INVALID_CHARACTERS, {
            "field": which.value,
            "value": value,
            "characters": item.detail,
        }
    if which is Field.USERNAME:
        value = user.username
        match item.problem:
            case Problem.REQUIRED:
                return CsvIssue.USERNAME_MISSING, {}
            case Problem.TOO_LONG:
                return CsvIssue.USERNAME_TOO_LONG, {
                    "value": value,
                    "length": str(len(value)),
                    "limit": str(LOCAL_MAX),
                }
            case Problem.INVALID_CHARACTERS:
                return CsvIssue.USERNAME_INVALID_CHARACTERS, {"value": value, "characters": item.detail}
            case Problem.LEADING_OR_TRAILING_DOT:
                return CsvIssue.USERNAME_STARTS_WITH_DOT, {"value": value}
            case Problem.CONSECUTIVE_DOTS:
                return CsvIssue.USERNAME_DOUBLE_DOT, {"value": value}
            case _:
                return CsvIssue.USERNAME_ENDS_WITH_DOT, {"value": value}
    if which is Field.DOMAIN:
        value = user.domain
        match item.problem:
            case Problem.REQUIRED:
                domain = min(verified_domains, default="your-domain.onmicrosoft.com").strip().lower()
                return CsvIssue.DOMAIN_MISSING, {
                    "username": user.username,
                    "example": f"{user.username}@{domain}",
                }
            case Problem.TOO_LONG:
                return CsvIssue.DOMAIN_TOO_LONG, {
                    "value": value,
                    "length": str(len(value)),
                    "limit": str(DOMAIN_MAX),
                }
            case Problem.INVALID_CHARACTERS:
                return CsvIssue.DOMAIN_INVALID_CHARACTERS, {"value": value, "characters": item.detail}
            case Problem.LEADING_OR_TRAILING_DOT:
                return CsvIssue.DOMAIN_STARTS_OR_ENDS_WITH_DOT, {"value": value}
            case Problem.CONSECUTIVE_DOTS:
                return CsvIssue.DOMAIN_DOUBLE_DOT, {"value": value}
            case _:
                names = sorted({name.strip().lower() for name in verified_domains})
                shown = names[:DOMAINS_SHOWN]
                more = str(len(names) - len(shown))
                return CsvIssue.DOMAIN_NOT_VERIFIED, {
                    "value": value,
                    "domains": ", ".join(shown),
                    "more": more,
                }
    if item.problem is Problem.INVALID_EMAIL:
        return CsvIssue.EMAIL_INVALID, {"value": user.email}
    if item.problem is Problem.EMAIL_NOT_ASCII:
        return CsvIssue.EMAIL_NOT_ASCII, {"value": user.email, "characters": item.detail}
    # The email is optional in a file: the only other problem a given one can have.
    return CsvIssue.EMAIL_IS_TENANT_ADDRESS, {"value": user.email}


DOMAINS_SHOWN = 5
"""How many of the tenant's domains DOMAIN_NOT_VERIFIED names; ``more`` counts the others."""
QUOTED_MAX = 60
"""A quoted value longer than this is shortened with "…"."""

_NAMES = {"first_name": "first name", "last_name": "last name", "display_name": "display name"}
_ENGLISH = {
    CsvIssue.UNREADABLE: "This file couldn't be read as a CSV file.",
    CsvIssue.XLSX_WORKBOOK: (
        "This file looks like an Excel workbook (.xlsx), not a CSV file. In Excel, choose File › Save As, "
        "pick “CSV UTF-8 (Comma delimited)”, and import that file."
    ),
    CsvIssue.XLS_WORKBOOK: (
        "This file looks like an old Excel workbook (.xls), not a CSV file. In Excel, choose File › Save As, "
        "pick “CSV UTF-8 (Comma delimited)”, and import that file."
    ),
    CsvIssue.NOT_TEXT: (
        "This file isn't a text file, so it can't be a CSV file. Save the list as CSV and import that file."
    ),
    CsvIssue.EMPTY: "The file is empty.",
    CsvIssue.ONLY_VERSION_ROW: "The file has only the Entra version row: no column headings and no users.",
    CsvIssue.NO_USERS: "The file has no users in it, only the column headings.",
    CsvIssue.UNKNOWN_HEADINGS: (
        "The column headings on line {line} don't match a list this wizard can read. Use the Microsoft 365 "
        "“Add multiple users” template, the Entra “Bulk create” template, or download our template."
    ),
    CsvIssue.NO_USERNAME_COLUMN: "The file has no {heading} column.",
    CsvIssue.BROKEN_RECORD: (
        "Line {line} can't be read: a quotation mark there is never closed, or a value is far too long. "
        "Nothing after it was read."
    ),
    CsvIssue.EXAMPLE_ROW_SKIPPED: (
        "Line {line} is Microsoft's example row from the Entra template; it was skipped."
    ),
    CsvIssue.DISPLAY_NAME_MISSING: (
        "The display name is missing, and there is no first or last name to make one from."
    ),
    CsvIssue.NAME_TOO_LONG: "The {field} is {length} characters long; Microsoft allows at most {limit}.",
    CsvIssue.NAME_INVALID_CHARACTERS: "The {field} {value} contains {characters}, which can't be in a name.",
    CsvIssue.USERNAME_MISSING: "The username is missing.",
    CsvIssue.USERNAME_TOO_LONG: (
        "The username {value} is {length} characters long before the @; Microsoft allows at most {limit}."
    ),
    CsvIssue.USERNAME_INVALID_CHARACTERS: (
        "The username {value} has characters Microsoft doesn't allow: {characters}. "
        "Use only letters a–z without accents, digits and . - _ ' ! # ^ ~."
    ),
    CsvIssue.USERNAME_STARTS_WITH_DOT: "The username {value} starts with a dot, which isn't allowed.",
    CsvIssue.USERNAME_DOUBLE_DOT: "The username {value} has two dots in a row, which isn't allowed.",
    CsvIssue.USERNAME_ENDS_WITH_DOT: (
        "The username {value} ends with a dot; Microsoft doesn't allow a dot just before the @."
    ),
    CsvIssue.DOMAIN_MISSING: (
        "The username {username} has no domain. Write it with one, for example {example}."
    ),
    CsvIssue.DOMAIN_TOO_LONG: (
        "The domain {value} is {length} characters long; Microsoft allows at most {limit}."
    ),
    CsvIssue.DOMAIN_INVALID_CHARACTERS: (
        "The domain {value} has characters a domain can't have: {characters}."
    ),
    CsvIssue.DOMAIN_STARTS_OR_ENDS_WITH_DOT: "The domain {value} starts or ends with a dot.",
    CsvIssue.DOMAIN_DOUBLE_DOT: "The domain {value} has two dots in a row.",
    CsvIssue.DOMAIN_NOT_VERIFIED: "The domain {value} isn't one of this tenant's domains ({domains}).",
    CsvIssue.EMAIL_INVALID: "The work email {value} isn't a valid email address.",
    CsvIssue.EMAIL_IS_TENANT_ADDRESS: (
        "The work email {value} is an address in the Microsoft tenant, not the person's real work email. "
        "Their password and the portal invitation must go to an address they already read."
    ),
    CsvIssue.EMAIL_NOT_ASCII: (
        "The work email {value} has {characters}: Microsoft doesn't accept accents or other special letters "
        "in an email address. Type an address of this person without them."
    ),
    CsvIssue.DUPLICATE_USERNAME: "The username {value} is already used on line {first_line}.",
}
_QUOTED = ("value", "username", "example", "heading")


def english_message(code: CsvIssue, params: Mapping[str, str]) -> str:
    """``code`` with its ``params`` as a plain English sentence (the one place the English words are made)."""
    words = dict(params)
    for key in _QUOTED:
        if key in params:
            words[key] = _quote(params[key])
    if "characters" in params:
        words["characters"] = _describe(params["characters"])
    if "field" in params:
        words["field"] = _NAMES.get(params["field"], params["field"])
    if "domains" in params and params.get("more", "0") != "0":
        words["domains"] = f"{params['domains']} and {params['more']} more"
    return _ENGLISH[code].format_map(words)


def visible_value(value: str, limit: int = QUOTED_MAX) -> str:
    """A value as a message shows it (before quoting): line breaks and tabs as spaces, shortened with "…"."""
    visible = value.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")
    if len(visible) > limit:
        visible = visible[: limit - 1] + "…"
    return visible


class CharacterKind(Enum):
    """How a message names an offending character."""

    SPACE = "space"
    TAB = "tab"
    LINE_BREAK = "line_break"
    CONTROL = "control"
    """Invisible: any other control character."""
    UNREPRESENTABLE = "unrepresentable"
    """U+FFFD: a character the file's encoding couldn't represent."""
    VISIBLE = "visible"
    """Shown as itself, in quotes."""


def character_kind(char: str) -> CharacterKind:
    if char == " ":
        return CharacterKind.SPACE
    if char == "\t":
        return CharacterKind.TAB
    if char in "\r\n":
        return CharacterKind.LINE_BREAK
    if char < " " or char == "\x7f" or "\x80" <= char <= "\x9f":
        return CharacterKind.CONTROL
    if char == "\ufffd":
        return CharacterKind.UNREPRESENTABLE
    return CharacterKind.VISIBLE


def _quote(value: str) -> str:
    """A value in typographic quotes, shortened with "…" when long, with invisible characters made visible."""
    return f"“{visible_value(value)}”"


def _describe(chars: str) -> str:
    """``" ü"`` -> ``a space and “ü”``."""
    words: list[str] = []
    for char in chars:
        match character_kind(char):
            case CharacterKind.SPACE:
                word = "a space"
            case CharacterKind.TAB:
                word = "a tab"
            case CharacterKind.LINE_BREAK:
                word = "a line break"
            case CharacterKind.CONTROL:
                word = "an invisible control character"
            case CharacterKind.UNREPRESENTABLE:
                word = f"{_quote(char)} (a character the file's encoding couldn't represent)"
            case CharacterKind.VISIBLE:
                word = _quote(char)
        if word not in words:
            words.append(word)
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


# --- writing ----------------------------------------------------------------------------------------------


def write_template_csv(users: Iterable[NewUser] = ()) -> bytes:
    """Our template with ``users`` in it: UTF-8 with BOM (so Excel shows accents), commas, CRLF.

    The Username column holds ``username@domain`` (just ``username`` when the domain is "").
    ``parse_users_csv`` reads it back to the same users.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADERS)
    for user in users:
        account = user.upn if user.domain else user.username
        writer.writerow([user.first_name, user.last_name, user.display_name, account, user.email])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
