"""The run report: per person from a journal filled through its real API, the JSON export validated against
docs/report-schema.json, the CSV as a spreadsheet opens it, and no password in any export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from c2t_wizard.domain.passwords import generate_password
from c2t_wizard.domain.users import NewUser
from c2t_wizard.services.journal import (
    DeliveryState,
    InvitationPlan,
    Journal,
    JournalError,
    person_key,
)
from c2t_wizard.services.report import (
    CSV_COLUMNS,
    REPORT_VERSION,
    build_report,
    to_csv,
    to_dict,
    to_json,
    write_csv,
    write_json,
)

TENANT = "11111111-2222-3333-4444-555555555555"
SCHEMA = json.loads((Path(__file__).parents[1] / "docs" / "report-schema.json").read_text("utf-8"))


def person(i: int, first: str = "First") -> NewUser:
    return NewUser(
        f"{first}{i}",
        f"Last{i}",
        f"{first}{i} Last{i}",
        f"user.{i}",
        "contoso.onmicrosoft.com",
        f"u{i}@example.com",
    )


def invite(run: str, user: NewUser, roles: tuple[str, ...] = ("service_viewer",)) -> InvitationPlan:
    return InvitationPlan(
        run, person_key(user.upn), "acc-1", user.email, user.first_name, user.last_name, roles
    )


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "journal.sqlite3")
    yield opened
    opened.close()


def validate(document: object) -> None:
    Draft202012Validator(SCHEMA, format_checker=FormatChecker()).validate(document)


def fill(journal: Journal) -> tuple[str, list[NewUser]]:
    """A run through every outcome: delivered + invited; existed; failed creation; bounced mail; a mail
    app hand-over + failed invitation; accepted; still pending."""
    users = [person(0, "Jürgen"), *(person(i) for i in range(1, 7))]
    run = journal.start_run(TENANT, users)
    keys = [person_key(user.upn) for user in users]
    journal.mark_sending(run, keys)
    for i in (0, 3, 4, 5):
        journal.mark_created(run, keys[i], f"id-{i}")
    journal.mark_exists(run, keys[1], code="DUPLICATE_EXISTED", detail="400 Request_BadRequest: exists")
    journal.mark_failed(run, keys[2], "ADDRESS_IN_USE", "400 ObjectConflict: proxyAddresses")
    journal.mark_retry(run, [keys[6]], in_doubt=True)
    journal.mark_credentials_delivered(run, keys[0], "sendmail")
    journal.mark_credentials_delivered(run, keys[3], "sendmail")
    journal.mark_bounced(run, keys[3], "ndr")
    journal.mark_credentials_delivered(run, keys[4], "mailto")
    journal.mark_credentials_delivered(run, keys[5], "pdf")
    journal.plan_invitations([invite(run, users[i]) for i in (0, 1, 4, 5)])
    expiry = datetime(2027, 1, 1, tzinfo=UTC)
    for i in (0, 1, 4, 5):
        journal.mark_invitation_sending(run, keys[i])
    journal.mark_invitation_invited(run, keys[0], "inv-0", expiry)
    journal.mark_invitation_invited(run, keys[1], None, None, already=True)
    journal.mark_invitation_failed(run, keys[4], "busy", "503 after retries")
    journal.mark_invitation_invited(run, keys[5], "inv-5", expiry)
    journal.mark_invitation_accepted(run, keys[5])
    return run, users


def test_each_person_says_what_became_of_their_account_sign_in_details_and_invitation(
    journal: Journal,
) -> None:
    run, _ = fill(journal)
    report = build_report(journal, [run])
    rows = {p.first_name: p for p in report.people}
    assert next(p.first_name for p in report.people) == "Jürgen0"
    ok = rows["Jürgen0"]
    assert (ok.account.status, ok.delivery.status, ok.delivery.method, ok.invitation.status) == (
        "created",
        "delivered",
        "sendmail",
        "invited",
    )
    assert ok.ok
    assert ok.problems == ()
    assert ok.invitation.expires_at == datetime(2027, 1, 1, tzinfo=UTC)
    assert ok.invitation.roles == ("service_viewer",)
    existed = rows["First1"]
    assert (existed.account.status, existed.delivery.status, existed.invitation.status) == (
        "existed",
        "not_needed",
        "already_invited",
    )
    assert existed.ok
    failed = rows["First2"]
    assert failed.account.status == "failed"
    assert [(p.step, p.code) for p in failed.problems] == [("account", "ADDRESS_IN_USE")]
    assert failed.invitation.status == "not_planned"
    assert not failed.ok
    bounced = rows["First3"]
    assert (bounced.delivery.status, bounced.delivery.state, bounced.delivery.delivered_at) == (
        "failed",
        "bounced",
        None,
    )
    assert [(p.step, p.code, p.detail) for p in bounced.problems] == [("delivery", "bounced", "ndr")]
    mail_app = rows["First4"]
    assert (mail_app.delivery.status, mail_app.invitation.status) == ("unconfirmed", "failed")
    assert [(p.step, p.code) for p in mail_app.problems] == [("invitation", "busy")]
    accepted = rows["First5"]
    assert accepted.invitation.accepted
    assert accepted.invitation.status == "accepted"
    assert accepted.ok
    assert accepted.delivery.status == "delivered"
    assert accepted.delivery.method == "pdf"
    pending = rows["First6"]
    assert (pending.account.status, pending.delivery.status, pending.ok) == ("pending", "not_needed", False)
    totals = report.totals()
    assert (totals["people"], totals["ok"], totals["account_created"], totals["delivery_failed"]) == (
        7,
        3,
        4,
        1,
    )
    assert totals["invitation_not_planned"] == 3


def test_a_delivery_that_failed_says_why_in_the_delivery_services_code(journal: Journal) -> None:
    users = [person(0)]
    run = journal.start_run(TENANT, users)
    key = person_key(users[0].upn)
    journal.mark_sending(run, [key])
    journal.mark_created(run, key, "id-0")
    assert build_report(journal, [run]).people[0].delivery.status == "pending"
    journal.mark_delivery_not_confirmed(run, key, "sendmail", in_doubt=False, problem="no_mailbox")
    delivery = build_report(journal, [run]).people[0].delivery
    assert (delivery.status, delivery.problem and delivery.problem.code) == ("failed", "no_mailbox")
    journal.mark_delivery_not_confirmed(run, key, "sendmail", in_doubt=True)
    delivery = build_report(journal, [run]).people[0].delivery
    assert (delivery.status, delivery.problem and delivery.problem.code) == ("in_doubt", "in_doubt")


def test_a_password_reset_before_delivery_is_in_the_report(journal: Journal) -> None:
    """A person whose first password died with a stopped app got a new one: the report says so."""
    users = [person(0), person(1)]
    run = journal.start_run(TENANT, users)
    keys = [person_key(user.upn) for user in users]
    for number, key in enumerate(keys):
        journal.mark_sending(run, [key])
        journal.mark_created(run, key, f"id-{number}")
    journal.mark_password_replaced(run, keys[0])
    for key in keys:
        journal.mark_credentials_delivered(run, key, "sendmail")
    report = build_report(journal, [run])
    assert [p.delivery.password_reset for p in report.people] == [True, False]
    assert [p.delivery.status for p in report.people] == ["delivered", "delivered"]
    document = to_dict(report)
    validate(document)
    assert [p["delivery"]["password_reset"] for p in document["people"]] == [True, False]


def test_several_runs_make_one_report_and_an_unknown_run_is_refused(journal: Journal) -> None:
    first, _ = fill(journal)
    second = journal.start_run(TENANT, [person(9)])
    report = build_report(journal, [first, second, first])
    assert [run.run_id for run in report.runs] == [first, second]
    assert len(report.people) == 8
    assert report.people[-1].run_id == second
    with pytest.raises(JournalError):
        build_report(journal, ["no-such-run"])


def test_the_json_export_is_versioned_and_valid_against_the_documented_schema(
    journal: Journal, tmp_path: Path
) -> None:
    run, _ = fill(journal)
    report = build_report(journal, [run], now=datetime(2026, 12, 4, 12, tzinfo=UTC))
    path = tmp_path / "report.json"
    write_json(report, path)
    document = json.loads(path.read_text("utf-8"))
    validate(document)
    assert document["version"] == REPORT_VERSION == 1
    assert document["generated_at"] == "2026-12-04T12:00:00+00:00"
    assert document["totals"]["people"] == len(document["people"]) == 7
    assert document["people"][0]["display_name"] == "Jürgen0 Last0"
    assert document["people"][2]["account"]["problem"]["code"] == "ADDRESS_IN_USE"
    assert json.loads(to_json(report)) == to_dict(report) == document


def test_the_schema_refuses_what_the_report_never_writes(journal: Journal) -> None:
    """The schema is strict enough to catch a drifted export (the test above could not fail otherwise)."""
    run, _ = fill(journal)
    document = to_dict(build_report(journal, [run]))
    for breakage in (
        lambda d: d.update(version=2),
        lambda d: d["people"][0]["account"].update(status="made"),
        lambda d: d["people"][0].update(password="x"),
        lambda d: d["people"][0]["invitation"].update(roles=["root"]),
        lambda d: d["totals"].pop("ok"),
        lambda d: d["people"][0]["delivery"].update(delivered_at="yesterday"),
    ):
        broken = json.loads(json.dumps(document))
        breakage(broken)
        with pytest.raises(ValidationError):
            validate(broken)


def test_the_csv_opens_in_a_spreadsheet_one_row_per_person(journal: Journal, tmp_path: Path) -> None:
    users = [person(0, "=HYPERLINK(1)"), person(1, "Zoë")]
    run = journal.start_run(TENANT, users)
    path = tmp_path / "report.csv"
    write_csv(build_report(journal, [run]), path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert len(rows) == 2
    assert rows[0]["first_name"] == "'=HYPERLINK(1)0"  # shown as text, never run as a formula
    assert rows[1]["first_name"] == "Zoë1"
    assert (rows[1]["account"], rows[1]["ok"], rows[1]["invitation"]) == ("pending", "no", "not_planned")
    assert data.count(b"\r\n") == 3


def test_no_export_holds_a_password(journal: Journal, tmp_path: Path) -> None:
    """The passwords handed over in this run never reach an export (the journal has none to give)."""
    run, users = fill(journal)
    passwords = [generate_password() for _ in users]
    report = build_report(journal, [run])
    write_json(report, tmp_path / "r.json")
    write_csv(report, tmp_path / "r.csv")
    for path in (tmp_path / "r.json", tmp_path / "r.csv"):
        text = path.read_text("utf-8-sig")
        assert users[0].first_name in text
        assert not [p for p in passwords if p in text]
    assert "password" not in to_csv(report).lower()
    assert not list(tmp_path.glob(".*.partial"))


def test_a_failed_write_leaves_no_file(journal: Journal, tmp_path: Path) -> None:
    run, _ = fill(journal)
    target = tmp_path / "missing-folder" / "r.json"
    with pytest.raises(OSError, match=r"."):
        write_json(build_report(journal, [run]), target)
    assert not target.parent.exists()


def test_times_are_utc_seconds(journal: Journal) -> None:
    run, _ = fill(journal)
    first = to_dict(build_report(journal, [run]))["people"][0]
    created = datetime.fromisoformat(first["account"]["created_at"])
    assert created.utcoffset() == timedelta(0)
    assert created.microsecond == 0
    assert first["invitation"]["expires_at"] == "2027-01-01T00:00:00+00:00"
    assert first["delivery"]["state"] == DeliveryState.SENT.value
