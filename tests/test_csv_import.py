"""Reading users from CSV files (Microsoft 365, Entra bulk create, our template) and writing our template."""

from __future__ import annotations

import codecs
from collections.abc import Collection
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from c2t_wizard.domain import csv_import
from c2t_wizard.domain.csv_import import (
    TEMPLATE_HEADERS,
    WHOLE_FILE,
    CsvFormat,
    CsvImport,
    CsvIssue,
    CsvProblem,
    english_message,
    parse_users_csv,
    write_template_csv,
)
from c2t_wizard.domain.users import UPN_ALLOWED, NewUser, suggest_username, validate_user

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "csv"
TENANT = "acmepartners.onmicrosoft.com"
CUSTOM = "acmepartners.de"
VERIFIED = (TENANT, CUSTOM)
M365_HEADER = (
    "User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,"
    "Mobile Phone,Fax,Address,City,State or Province,ZIP or Postal Code,Country or Region"
)
ENTRA_HEADER = (
    "Name [displayName] Required,User name [userPrincipalName] Required,Initial password [passwordProfile] "
    "Required,Block sign in (Yes/No) [accountEnabled] Required,First name [givenName],Last name [surname]"
)
CATCH_ALL = "This file couldn't be read as a CSV file."


class Said(NamedTuple):
    """A problem as the issue's contract has it: where, and in plain English words."""

    line: int
    column: str
    message: str


def said(problems: list[CsvProblem]) -> list[Said]:
    return [Said(problem.line, problem.column, problem.message) for problem in problems]


def codes(problems: list[CsvProblem]) -> list[CsvIssue]:
    return [problem.code for problem in problems]


def parse_file(
    name: str, default_domain: str = "", verified_domains: Collection[str] = VERIFIED
) -> CsvImport:
    data = (DATA / name).read_bytes()
    return parse_users_csv(data, default_domain=default_domain, verified_domains=verified_domains)


def parse_text(
    text: str, encoding: str = "utf-8", default_domain: str = "", verified_domains: Collection[str] = VERIFIED
) -> CsvImport:
    data = text.encode(encoding)
    return parse_users_csv(data, default_domain=default_domain, verified_domains=verified_domains)


def usernames(result: CsvImport) -> list[str]:
    return [user.upn for user in result.users]


# --- real-looking files ---------------------------------------------------------------------------------


def test_m365_english_utf8_bom_crlf() -> None:
    result = parse_file("m365_english_utf8_bom_crlf.csv")
    assert result.format is CsvFormat.MICROSOFT_365
    assert result.problems == []
    assert usernames(result) == [
        f"chris@{TENANT}",
        f"ben@{TENANT}",
        f"david@{TENANT}",
        f"cynthia@{TENANT}",  # " , , ," blank fields
        f"melissa@{TENANT}",  # trailing empty columns
    ]
    # Ben's address has a quoted line break: he starts on line 3, David on line 5.
    assert result.user_lines == [2, 3, 5, 6, 7]
    assert result.rows_read == 5
    assert result.users[0] == NewUser("Chris", "Green", "Chris Green", "chris", TENANT, "")


def test_m365_german_labels_semicolons_windows_1252() -> None:
    result = parse_file("m365_german_semicolon_cp1252.csv")
    assert result.format is CsvFormat.MICROSOFT_365
    assert [(user.upn, user.last_name, user.display_name) for user in result.users] == [
        (f"anna.schmidt@{CUSTOM}", "Schmidt", "Anna Schmidt"),
        (f"lukas.mueller@{CUSTOM}", "Müller", "Lukas Müller"),
        (f"jürgen.weiß@{CUSTOM}", "Weiß", "Jürgen Weiß"),  # kept, with its problem: nobody is left out
        (f"sophie.koenig@{TENANT}", "König", "König, Sophie"),
    ]
    assert result.user_lines == [2, 3, 4, 5]
    assert said(result.problems) == [
        Said(
            4,
            "Benutzername",
            "The username “jürgen.weiß” has characters Microsoft doesn't allow: “ü” and “ß”. "
            "Use only letters a–z without accents, digits and . - _ ' ! # ^ ~.",
        )
    ]


def test_excel_unicode_text_is_utf16le_with_tabs() -> None:
    result = parse_file("m365_excel_unicode_text_utf16le.txt")
    assert result.format is CsvFormat.MICROSOFT_365
    assert result.problems == []
    assert [(user.username, user.first_name, user.last_name) for user in result.users] == [
        ("zoe.angstrom", "Zoë", "Ångström"),
        ("raj.patel", "Raj", "Patel"),
    ]
    assert result.user_lines == [2, 4]


def test_entra_bulk_create_with_version_and_example_rows() -> None:
    data = (DATA / "entra_bulk_create.csv").read_bytes()
    result = parse_users_csv(data, verified_domains=VERIFIED)
    assert result.format is CsvFormat.ENTRA_BULK
    assert said(result.notices) == [
        Said(3, "", "Line 3 is Microsoft's example row from the Entra template; it was skipped.")
    ]
    assert result.users == [
        NewUser("Alain", "Charon", "Alain Charon", "alain", TENANT, "alain.charon@charon-consulting.fr"),
        NewUser(
            "Isabella",
            "Simonsen",
            "Isabella Simonsen",
            "isabella",
            TENANT,
            "isabella@acmepartners.onmicrosoft.com",  # kept, with its problem below
        ),
        NewUser("Joseph", "Price", "Joseph Price", "joseph", TENANT, ""),  # no display name: derived
    ]
    assert result.user_lines == [4, 5, 6]
    assert result.rows_read == 3
    assert said(result.problems) == [
        Said(
            5,
            "Work email",
            "The work email “isabella@acmepartners.onmicrosoft.com” is an address in the Microsoft tenant, "
            "not the person's real work email. Their password and the portal invitation must go to an "
            "address they already read.",
        )
    ]
    # The initial passwords in the file are never kept anywhere.
    for password in ("Password1", "Secret-Pw-1!", "Secret-Pw-2!", "Secret-Pw-3!"):
        assert password.encode() in data
        assert password not in repr(result)


def test_our_template_with_default_domain() -> None:
    result = parse_file("c2t_template.csv", default_domain="AcmePartners.de")
    assert result.format is CsvFormat.C2T_TEMPLATE
    assert result.problems == []
    assert result.users == [
        NewUser("Anna", "Schmidt", "Anna Schmidt", "anna.schmidt", CUSTOM, "anna@schmidt-consulting.de"),
        NewUser("Ben", "O'Neill", "O'Neill, Ben", "ben.oneill", CUSTOM, "ben.oneill@oneill-it.ie"),
    ]


def test_messy_file_reports_every_problem_on_its_line_and_column() -> None:
    result = parse_file("messy_template.csv", default_domain=CUSTOM)
    assert result.format is CsvFormat.C2T_TEMPLATE
    # Every person is kept, those with problems too (each problem names its line and column).
    assert usernames(result) == [
        f"anna.schmidt@{CUSTOM}",
        "ben.meyer@fabrikam.com",
        f"jörg.weiß@{CUSTOM}",
        f"Anna.Schmidt@{CUSTOM}",
        f"lang@{CUSTOM}",
        f"carla.diaz@{CUSTOM}",
        f"dan.@{CUSTOM}",
        f"eve@{CUSTOM}",
    ]
    assert result.users[0].display_name == "Anna Schmidt"  # derived: the cell was empty
    assert result.user_lines == [3, 4, 6, 7, 8, 9, 10, 12]
    assert result.rows_read == 8
    assert said(result.problems) == [
        Said(
            4,
            "Username",
            "The domain “fabrikam.com” isn't one of this tenant's domains "
            "(acmepartners.de, acmepartners.onmicrosoft.com).",
        ),
        Said(
            6,
            "Username",
            "The username “jörg.weiß” has characters Microsoft doesn't allow: “ö” and “ß”. "
            "Use only letters a–z without accents, digits and . - _ ' ! # ^ ~.",
        ),
        Said(7, "Username", "The username “Anna.Schmidt@acmepartners.de” is already used on line 3."),
        Said(8, "First name", "The first name is 65 characters long; Microsoft allows at most 64."),
        Said(
            9,
            "Work email",
            "The work email “carla.diaz@acmepartners.onmicrosoft.com” is an address in the Microsoft tenant, "
            "not the person's real work email. Their password and the portal invitation must go to an "
            "address they already read.",
        ),
        Said(
            10,
            "Username",
            "The username “dan.” ends with a dot; Microsoft doesn't allow a dot just before the @.",
        ),
        Said(10, "Work email", "The work email “dan@dan-mail” isn't a valid email address."),
    ]


# --- format detection -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        # French (recognised by the first heading)
        "Nom d’utilisateur,Prénom,Nom,Nom complet,Titre,Service,Numéro de bureau,Téléphone de bureau,"
        "Téléphone mobile,Télécopie,Adresse,Ville,État ou province,Code postal,Pays ou région",
        # Spanish
        "Nombre de usuario,Nombre,Apellidos,Nombre para mostrar,Puesto,Departamento,Número de oficina,"
        "Teléfono de la oficina,Teléfono móvil,Fax,Dirección,Ciudad,Estado o provincia,Código postal,"
        "País o región",
        # Polish: not a known label, recognised by 15 columns and an "@" in the first column
        "Nazwa użytkownika,Imię,Nazwisko,Nazwa wyświetlana,Stanowisko,Dział,Numer biura,Telefon służbowy,"
        "Telefon komórkowy,Faks,Adres,Miasto,Województwo,Kod pocztowy,Kraj lub region",
    ],
)
def test_m365_headings_in_other_languages_are_read_by_position(header: str) -> None:
    text = header + "\r\nmarie@acmepartners.de,Marie,Curie,Marie Curie,,,,,,,,,,,\r\n"
    result = parse_text(text)
    assert result.format is CsvFormat.MICROSOFT_365
    assert result.users == [NewUser("Marie", "Curie", "Marie Curie", "marie", CUSTOM, "")]


def test_unknown_headings_are_one_clear_problem() -> None:
    result = parse_text("Name;Mail\nAnna;anna@x.de\n")
    assert result.format is None
    assert result.users == []
    assert said(result.problems) == [
        Said(
            1,
            "",
            "The column headings on line 1 don't match a list this wizard can read. Use the Microsoft 365 "
            "“Add multiple users” template, the Entra “Bulk create” template, or download our template.",
        )
    ]


def test_m365_alternate_email_column_is_the_work_email() -> None:
    text = (
        M365_HEADER + ",Alternate email address\nanna@acmepartners.de,Anna,,Anna,,,,,,,,,,,,anna@gmail.com\n"
    )
    result = parse_text(text)
    assert [user.email for user in result.users] == ["anna@gmail.com"]


def test_entra_without_version_row_and_example_by_name() -> None:
    text = (
        f"{ENTRA_HEADER}\n"
        "Chris Green,chris@acmepartners.de,Password1,No,Chris,Green\n"
        "Dana Scully,dana@acmepartners.de,Password1,No,Dana,Scully\n"
    )
    result = parse_text(text)
    assert result.format is CsvFormat.ENTRA_BULK
    assert usernames(result) == [f"dana@{CUSTOM}"]
    assert [notice.line for notice in result.notices] == [2]


def test_entra_contoso_row_is_kept_when_contoso_is_really_verified() -> None:
    text = f"version:v1.0\n{ENTRA_HEADER}\nAlain Charon,alain@contoso.com,Pw,No,Alain,Charon\n"
    assert usernames(parse_text(text, verified_domains=["contoso.com"])) == ["alain@contoso.com"]
    skipped = parse_text(text, verified_domains=())
    assert skipped.users == []
    assert [notice.line for notice in skipped.notices] == [3]
    assert said(skipped.problems) == [
        Said(WHOLE_FILE, "", "The file has no users in it, only the column headings.")
    ]


def test_entra_other_mails_token_is_the_work_email() -> None:
    text = (
        f"version:v1.0\n{ENTRA_HEADER},Other email [otherMails]\nDana,dana@acmepartners.de,Pw,No,,,d@x.de\n"
    )
    assert [user.email for user in parse_text(text).users] == ["d@x.de"]


def test_entra_without_upn_column() -> None:
    result = parse_text("version:v1.0\nName [displayName] Required,First name [givenName]\nAnna,Anna\n")
    assert result.format is CsvFormat.ENTRA_BULK
    assert said(result.problems) == [Said(2, "", "The file has no “User name [userPrincipalName]” column.")]


def test_entra_version_row_alone() -> None:
    result = parse_text("version:v1.0,,,,\r\n")
    assert result.format is CsvFormat.ENTRA_BULK
    assert said(result.problems) == [
        Said(WHOLE_FILE, "", "The file has only the Entra version row: no column headings and no users.")
    ]


def test_entra_re_saved_by_german_excel_with_semicolons() -> None:
    text = (
        f"version:v1.0;;;;;\n{ENTRA_HEADER.replace(',', ';')}\nDana Scully;dana@acmepartners.de;Pw,1;No;;\n"
    )
    result = parse_text(text, "cp1252")
    assert result.format is CsvFormat.ENTRA_BULK
    assert usernames(result) == [f"dana@{CUSTOM}"]


def test_our_template_in_another_column_order() -> None:
    text = "Work email,Username,Display name\nanna@gmail.com,anna@acmepartners.de,Anna\n"
    result = parse_text(text)
    assert result.format is CsvFormat.C2T_TEMPLATE
    assert result.users == [NewUser("", "", "Anna", "anna", CUSTOM, "anna@gmail.com")]


# --- encodings, delimiters, line numbers ----------------------------------------------------------------

TEMPLATE_HEADER = "First name,Last name,Display name,Username,Work email\n"
SIMPLE = TEMPLATE_HEADER + "Zoë,Ökonom,Zoë Ökonom,zoe@acmepartners.de,z@x.de\n"


@pytest.mark.parametrize(
    "data",
    [
        SIMPLE.encode("utf-8"),
        codecs.BOM_UTF8 + SIMPLE.encode("utf-8"),
        codecs.BOM_UTF16_LE + SIMPLE.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + SIMPLE.encode("utf-16-be"),
        SIMPLE.encode("utf-16-le"),  # no BOM: guessed from the NUL bytes
        SIMPLE.encode("utf-16-be"),
        SIMPLE.encode("cp1252"),
        SIMPLE.replace(",", ";").encode("utf-8"),
        SIMPLE.replace(",", "\t").encode("utf-8"),
        SIMPLE.replace("\n", "\r\n").encode("utf-8"),
        SIMPLE.replace("\n", "\r").encode("utf-8"),  # classic Mac line ends
        ("\n\n  \n" + SIMPLE.replace(",", " , ") + "\n\n").encode("utf-8"),
        ("sep=;\r\n" + SIMPLE.replace(",", ";")).encode("utf-8"),  # Excel's delimiter hint line
        ("SEP=,\n" + SIMPLE).encode("utf-8"),
    ],
)
def test_encodings_and_delimiters(data: bytes) -> None:
    result = parse_users_csv(data, verified_domains=VERIFIED)
    assert result.problems == []
    assert result.users == [NewUser("Zoë", "Ökonom", "Zoë Ökonom", "zoe", CUSTOM, "z@x.de")]


def test_semicolon_file_with_commas_in_values() -> None:
    text = "First name;Last name;Display name;Username;Work email\nAnna;Müller;Müller, Anna;anna;a@x.de\n"
    result = parse_text(text, default_domain=CUSTOM)
    assert [user.display_name for user in result.users] == ["Müller, Anna"]


def test_line_numbers_are_physical_lines_where_the_record_starts() -> None:
    text = (
        "First name,Last name,Display name,Username,Work email,Notes\r\n"  # 1
        "\r\n"  # 2
        '"Anna","Smith","Anna",anna,a@x.de,"Line\r\nbreak"\r\n'  # 3-4
        '"Ben","""quoted""\nand\nlines",Ben,b é n,b@x.de\r\n'  # 5-7
        "\r\n"  # 8
        "Cara,,Cara,cara,c@x.de\r\n"  # 9
    )
    result = parse_text(text, default_domain=CUSTOM)
    assert result.user_lines == [3, 5, 9]
    assert said(result.problems) == [
        Said(
            5,
            "Last name",
            'The last name “"quoted" and lines” contains a line break, which can\'t be in a name.',
        ),
        Said(
            5,
            "Username",
            "The username “b é n” has characters Microsoft doesn't allow: a space and “é”. "
            "Use only letters a–z without accents, digits and . - _ ' ! # ^ ~.",
        ),
    ]


def test_unclosed_quote_stops_reading_with_a_clear_problem() -> None:
    text = TEMPLATE_HEADER + 'Anna,,Anna,anna,\nBen,"Smith,Ben,ben,\nCara,,Cara,cara,\n'
    result = parse_text(text, default_domain=CUSTOM)
    assert usernames(result) == [f"anna@{CUSTOM}"]
    assert said(result.problems) == [
        Said(
            3,
            "",
            "Line 3 can't be read: a quotation mark there is never closed, or a value is far too long. "
            "Nothing after it was read.",
        )
    ]


def test_a_quote_inside_an_unquoted_value_is_just_a_character() -> None:
    text = 'First name,Last name,Display name,Username,Work email\nAnna,,Anna "Ann" M,anna,\n'
    assert [user.display_name for user in parse_text(text, default_domain=CUSTOM).users] == ['Anna "Ann" M']


def test_username_without_domain_and_no_default() -> None:
    result = parse_text(TEMPLATE_HEADER + "Anna,,Anna,anna,\n")
    assert said(result.problems) == [
        Said(
            2,
            "Username",
            "The username “anna” has no domain. Write it with one, for example “anna@acmepartners.de”.",
        )
    ]


def test_an_empty_username_is_proposed_from_the_names_as_when_typing() -> None:
    rows = "Anna-Lena,Müller,,,a@x.de\nJan,van der Berg,,@acmepartners.de,j@x.de\n,,Solo,,s@x.de\n"
    text = TEMPLATE_HEADER + rows
    result = parse_text(text, default_domain=CUSTOM)
    assert [(user.username, user.domain) for user in result.users] == [
        ("anna-lena.muller", CUSTOM),
        ("jan.van.der.berg", CUSTOM),
        ("", CUSTOM),  # no names to propose one from: kept, and said missing
    ]
    assert result.users[0].username == suggest_username("Anna-Lena", "Müller")
    assert said(result.problems) == [Said(4, "Username", "The username is missing.")]


def test_a_row_with_problems_is_kept_in_its_place_with_its_problems() -> None:
    text = TEMPLATE_HEADER + "Anna,,Anna,anna,a@x.de\nBen,,Ben,b é n,b@x.de\nCara,,Cara,cara,c@x.de\n"
    result = parse_text(text, default_domain=CUSTOM)
    assert [user.username for user in result.users] == ["anna", "b é n", "cara"]
    assert result.user_lines == [2, 3, 4]
    assert [(problem.line, problem.column) for problem in result.problems] == [(3, "Username")]


def test_every_repeat_of_a_username_points_at_the_first() -> None:
    rows = "".join(f"{name},,{name},anna@acmepartners.de,\n" for name in ("A", "B", "C"))
    result = parse_text(TEMPLATE_HEADER + rows)
    assert result.user_lines == [2, 3, 4]  # all kept: the partner decides who is who
    assert [(problem.line, problem.message) for problem in result.problems] == [
        (3, "The username “anna@acmepartners.de” is already used on line 2."),
        (4, "The username “anna@acmepartners.de” is already used on line 2."),
    ]


def test_no_250_row_limit_and_10k_rows() -> None:
    people = [
        NewUser("F", f"L{i}", f"F L{i}", f"user{i}", CUSTOM, f"user{i}@mail{i % 7}.de") for i in range(10_000)
    ]
    result = parse_users_csv(write_template_csv(people), verified_domains=VERIFIED)
    assert result.problems == []
    assert result.users == people
    assert result.user_lines[-1] == 10_001


# --- files that are not CSV files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b" \r\n\t\r\n", "The file is empty."),
        (codecs.BOM_UTF8, "The file is empty."),
        (codecs.BOM_UTF16_LE + "\r\n".encode("utf-16-le"), "The file is empty."),
        (
            b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40 + b"[Content_Types].xml",
            "This file looks like an Excel workbook (.xlsx), not a CSV file. In Excel, choose File › Save As,"
            " pick “CSV UTF-8 (Comma delimited)”, and import that file.",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "This file looks like an old Excel workbook (.xls), not a CSV file. In Excel, choose File › "
            "Save As, pick “CSV UTF-8 (Comma delimited)”, and import that file.",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
            "This file isn't a text file, so it can't be a CSV file. "
            "Save the list as CSV and import that file.",
        ),
    ],
)
def test_not_a_csv_file(data: bytes, message: str) -> None:
    result = parse_users_csv(data)
    assert (result.format, result.users, result.rows_read) == (None, [], 0)
    assert said(result.problems) == [(WHOLE_FILE, "", message)]


def test_header_only() -> None:
    result = parse_text(M365_HEADER + "\r\n, , , \r\n")
    assert result.format is CsvFormat.MICROSOFT_365
    assert said(result.problems) == [
        Said(WHOLE_FILE, "", "The file has no users in it, only the column headings.")
    ]


@settings(max_examples=1000, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
@example(b'"')
@example(b"version:")
@example(b"\xff\xfe\x00")
@example(b"\x00\x00")
@example(b'User Name\n"' + b"x" * 200_000)
def test_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    result = parse_users_csv(data)
    assert CsvIssue.UNREADABLE not in codes(result.problems)  # the safety net never caught a bug
    assert len(result.users) == len(result.user_lines)


cells = st.text(st.sampled_from('ab@.,;\t"\r\n é[]:') | st.characters(), max_size=12)
headings = st.sampled_from(
    [
        list(TEMPLATE_HEADERS),
        M365_HEADER.split(","),
        ENTRA_HEADER.split(","),
        ["version:v1.0"],
        ["Nom d'utilisateur"],
        ["x"] * 15,
    ]
)


@settings(max_examples=500)
@given(
    headings,
    st.lists(st.lists(cells, max_size=16), max_size=8),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_never_raises_on_csv_like_text(
    header: list[str], rows: list[list[str]], delimiter: str, newline: str, encoding: str
) -> None:
    text = newline.join(delimiter.join(row) for row in [header, *rows])
    data = text.encode(encoding, "replace")
    result = parse_users_csv(data, default_domain=CUSTOM, verified_domains=VERIFIED)
    assert CsvIssue.UNREADABLE not in codes(result.problems)
    assert len(result.users) == len(result.user_lines)
    # Every person is kept; one that breaks a rule has a problem on its line.
    troubled = {problem.line for problem in result.problems}
    for new_user, line in zip(result.users, result.user_lines, strict=True):
        if validate_user(new_user, VERIFIED, require_email=False):
            assert line in troubled
    assert all(problem.line >= 0 and problem.message for problem in result.problems)


# --- our template: writing and reading back -------------------------------------------------------------


def test_template_resource_is_the_empty_template() -> None:
    written = write_template_csv()
    assert written == codecs.BOM_UTF8 + b"First name,Last name,Display name,Username,Work email\r\n"
    assert (ROOT / "resources" / "templates" / "users-template.csv").read_bytes() == written


_EDGE = " \t\u00a0\u200b\u200e\u200f\ufeff\u2028\u2029\u3000"
names = (
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=64)
    .map(lambda text: text.strip(_EDGE).strip())
    .filter(lambda text: text == text.strip(_EDGE).strip())
)
local_parts = st.text("".join(sorted(UPN_ALLOWED)), min_size=1, max_size=64).filter(
    lambda name: name[0] != "." and name[-1] != "." and ".." not in name
)


@st.composite
def template_users(draw: st.DrawFn) -> NewUser:
    first, last = draw(names), draw(names)
    display = draw(names.filter(bool))
    email = draw(st.sampled_from(["", "anna@gmail.com", "x.y+z@mail.example.org", "u@xn--mller-kva.de"]))
    return NewUser(first, last, display, draw(local_parts), draw(st.sampled_from(VERIFIED)), email)


@settings(max_examples=100)
@given(st.lists(template_users(), min_size=1, max_size=6, unique_by=lambda user: user.upn.lower()))
def test_template_round_trip(people: list[NewUser]) -> None:
    result = parse_users_csv(write_template_csv(people), verified_domains=VERIFIED)
    assert result.problems == []
    assert result.users == people
    assert result.format is CsvFormat.C2T_TEMPLATE


# --- problems as codes with data (for the UI to word), and the same in English ----------------------------

ROW = TEMPLATE_HEADER  # line 1; the row under test is line 2
ISSUES: dict[CsvIssue, tuple[bytes, dict[str, str]]] = {
    CsvIssue.XLSX_WORKBOOK: (b"PK\x03\x04\x14\x00" + b"\x00" * 40, {}),
    CsvIssue.XLS_WORKBOOK: (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, {}),
    CsvIssue.NOT_TEXT: (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", {}),
    CsvIssue.EMPTY: (b" \r\n", {}),
    CsvIssue.ONLY_VERSION_ROW: (b"version:v1.0,,,,\r\n", {}),
    CsvIssue.NO_USERS: (M365_HEADER.encode() + b"\r\n", {}),
    CsvIssue.UNKNOWN_HEADINGS: (b"\n\nName;Mail\nAnna;anna@x.de\n", {"line": "3"}),
    CsvIssue.NO_USERNAME_COLUMN: (
        b"version:v1.0\nName [displayName] Required,First name [givenName]\nAnna,Anna\n",
        {"heading": "User name [userPrincipalName]"},
    ),
    CsvIssue.BROKEN_RECORD: (
        (ROW + 'Anna,,Anna,anna@acmepartners.de,\nBen,"Smith,Ben,ben,\nCara,,Cara,cara,\n').encode(),
        {"line": "3"},
    ),
    CsvIssue.EXAMPLE_ROW_SKIPPED: (
        f"{ENTRA_HEADER}\nChris Green,chris@acmepartners.de,Pw,No,Chris,Green\n".encode(),
        {"line": "2"},
    ),
    CsvIssue.DISPLAY_NAME_MISSING: ((ROW + ",,,anna@acmepartners.de,\n").encode(), {}),
    CsvIssue.NAME_TOO_LONG: (
        (ROW + "A" * 65 + ",,Anna,anna@acmepartners.de,\n").encode(),
        {"field": "first_name", "length": "65", "limit": "64"},
    ),
    CsvIssue.NAME_INVALID_CHARACTERS: (
        (ROW + 'Anna,"Mül\tler",Anna,anna@acmepartners.de,\n').encode(),
        {"field": "last_name", "value": "Mül\tler", "characters": "\t"},
    ),
    # No names either: nothing to propose a username from.
    CsvIssue.USERNAME_MISSING: ((ROW + ",,Anna,@acmepartners.de,\n").encode(), {}),
    CsvIssue.USERNAME_TOO_LONG: (
        (ROW + "Anna,,Anna," + "a" * 65 + "@acmepartners.de,\n").encode(),
        {"value": "a" * 65, "length": "65", "limit": "64"},
    ),
    CsvIssue.USERNAME_INVALID_CHARACTERS: (
        (ROW + "Jörg,,Jörg,jörg b@acmepartners.de,\n").encode(),
        {"value": "jörg b", "characters": "ö "},
    ),
    CsvIssue.USERNAME_STARTS_WITH_DOT: ((ROW + "A,,A,.anna@acmepartners.de,\n").encode(), {"value": ".anna"}),
    CsvIssue.USERNAME_DOUBLE_DOT: ((ROW + "A,,A,an..na@acmepartners.de,\n").encode(), {"value": "an..na"}),
    CsvIssue.USERNAME_ENDS_WITH_DOT: ((ROW + "A,,A,anna.@acmepartners.de,\n").encode(), {"value": "anna."}),
    CsvIssue.DOMAIN_MISSING: (
        (ROW + "A,,A,anna,\n").encode(),
        {"username": "anna", "example": "anna@acmepartners.de"},
    ),
    CsvIssue.DOMAIN_TOO_LONG: (
        (ROW + "A,,A,anna@" + "d" * 45 + ".com,\n").encode(),
        {"value": "d" * 45 + ".com", "length": "49", "limit": "48"},
    ),
    CsvIssue.DOMAIN_INVALID_CHARACTERS: (
        (ROW + "A,,A,anna@müller_it.de,\n").encode(),
        {"value": "müller_it.de", "characters": "ü_"},
    ),
    CsvIssue.DOMAIN_STARTS_OR_ENDS_WITH_DOT: (
        (ROW + "A,,A,anna@acme.de.,\n").encode(),
        {"value": "acme.de."},
    ),
    CsvIssue.DOMAIN_DOUBLE_DOT: ((ROW + "A,,A,anna@acme..de,\n").encode(), {"value": "acme..de"}),
    CsvIssue.DOMAIN_NOT_VERIFIED: (
        (ROW + "A,,A,anna@fabrikam.com,\n").encode(),
        {"value": "fabrikam.com", "domains": "acmepartners.de, acmepartners.onmicrosoft.com", "more": "0"},
    ),
    CsvIssue.EMAIL_INVALID: (
        (ROW + "A,,A,anna@acmepartners.de,anna@mail\n").encode(),
        {"value": "anna@mail"},
    ),
    CsvIssue.EMAIL_IS_TENANT_ADDRESS: (
        (ROW + "A,,A,anna@acmepartners.de,x@acmepartners.onmicrosoft.com\n").encode(),
        {"value": "x@acmepartners.onmicrosoft.com"},
    ),
    CsvIssue.EMAIL_NOT_ASCII: (
        (ROW + "A,,A,anna@acmepartners.de,anna.müller@firma.de\n").encode(),
        {"value": "anna.müller@firma.de", "characters": "ü"},
    ),
    CsvIssue.DUPLICATE_USERNAME: (
        (ROW + "A,,A,anna@acmepartners.de,\nB,,B,ANNA@acmepartners.de,\n").encode(),
        {"value": "ANNA@acmepartners.de", "first_line": "2"},
    ),
}


def test_every_issue_is_covered() -> None:
    assert set(ISSUES) | {CsvIssue.UNREADABLE} == set(CsvIssue)


@pytest.mark.parametrize("code", list(ISSUES), ids=lambda code: code.value)
def test_each_issue_carries_its_params(code: CsvIssue) -> None:
    data, params = ISSUES[code]
    result = parse_users_csv(data, verified_domains=VERIFIED)
    found = result.notices if code is CsvIssue.EXAMPLE_ROW_SKIPPED else result.problems
    assert codes(found) == [code], said(found)
    problem = found[0]
    assert dict(problem.params) == params
    assert problem.message == english_message(code, params)
    assert "{" not in problem.message
    with pytest.raises(TypeError):
        problem.params["value"] = "changed"  # type: ignore[index]


def test_the_safety_net_is_a_problem_too(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> CsvImport:
        raise ValueError("a bug")

    monkeypatch.setattr(csv_import, "_parse", broken)
    result = parse_users_csv(b"First name\nAnna\n")
    assert said(result.problems) == [(WHOLE_FILE, "", CATCH_ALL)]
    assert codes(result.problems) == [CsvIssue.UNREADABLE]
    assert result.problems[0].params == {}


def test_a_problem_is_its_code_and_params() -> None:
    problem = CsvProblem(4, "Username", CsvIssue.USERNAME_DOUBLE_DOT, {"value": "a..b"})
    assert problem == CsvProblem(4, "Username", CsvIssue.USERNAME_DOUBLE_DOT, {"value": "a..b"})
    assert problem != CsvProblem(4, "Username", CsvIssue.USERNAME_DOUBLE_DOT, {"value": "a...b"})
    assert hash(problem) == hash(CsvProblem(4, "Username", CsvIssue.USERNAME_DOUBLE_DOT, {"value": "a..b"}))
    assert problem.message == "The username “a..b” has two dots in a row, which isn't allowed."


def test_many_domains_are_shortened_with_a_count() -> None:
    domains = [f"d{n}.example" for n in range(7)]
    result = parse_text(ROW + "A,,A,anna@fabrikam.com,\n", verified_domains=domains)
    [problem] = result.problems
    assert problem.params == {
        "value": "fabrikam.com",
        "domains": "d0.example, d1.example, d2.example, d3.example, d4.example",
        "more": "2",
    }
    assert problem.message == (
        "The domain “fabrikam.com” isn't one of this tenant's domains "
        "(d0.example, d1.example, d2.example, d3.example, d4.example and 2 more)."
    )


def test_long_values_are_shortened_and_invisible_characters_named() -> None:
    message = english_message(
        CsvIssue.NAME_INVALID_CHARACTERS,
        {"field": "display_name", "value": "x" * 70 + "\n", "characters": "\n\x01\ufffd"},
    )
    assert message == (
        "The display name “" + "x" * 59 + "…” contains a line break, an invisible control character and "
        "“\ufffd” (a character the file's encoding couldn't represent), which can't be in a name."
    )
