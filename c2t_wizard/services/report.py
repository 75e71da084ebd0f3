"""The report of an onboarding run, per person, from the journal; exported as JSON and CSV (PDF: ``ui``).

``build_report(journal, run_ids)`` reads the journal's people rows (creation, credentials delivery) and
their portal invitation rows, and says for each person:

- ``account``: ``created`` / ``existed`` (the username was someone's before the run: never touched) /
  ``failed`` (a problem code, e.g. ``ADDRESS_IN_USE``) / ``pending`` (not answered yet: a resume sends it);
- ``delivery`` of the sign-in details: ``delivered`` (sent, on the welcome sheet, confirmed) /
  ``unconfirmed`` (handed to the mail app or copied, not confirmed) / ``in_doubt`` / ``failed``
  (not delivered or bounced) / ``pending`` / ``not_needed`` (no account made by the wizard);
- ``invitation`` to the Call2Teams portal: the account, roles, status, expiry, accepted.

Every problem is a code (``problems``), never words: the window and the PDF word them in the user's
language. The JSON shape is versioned (``REPORT_VERSION``) and described by ``docs/report-schema.json``
(JSON Schema 2020-12). The journal holds no password or token, so no export can contain one.
No Qt here.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from c2t_wizard.services.journal import (
    DeliveryState,
    InvitationRecord,
    InvitationState,
    Journal,
    PersonRecord,
    PersonState,
)

REPORT_VERSION = 1
"""The version of the JSON shape (``docs/report-schema.json``); raised on any incompatible change."""

ACCOUNT_STATUSES = ("created", "existed", "failed", "pending")
DELIVERY_STATUSES = ("delivered", "unconfirmed", "in_doubt", "failed", "pending", "not_needed")
INVITATION_STATUSES = (
    "not_planned",
    "planned",
    "sending",
    "invited",
    "already_invited",
    "accepted",
    "failed",
    "revoked",
)

_DELIVERED = (DeliveryState.SENT, DeliveryState.ON_WELCOME_SHEET, DeliveryState.CONFIRMED)
_UNCONFIRMED = (DeliveryState.HANDED_TO_MAIL_APP, DeliveryState.COPIED)
_GOOD_INVITATIONS = ("invited", "already_invited", "accepted")


@dataclass(frozen=True)
class Problem:
    """What went wrong in one step: ``step`` (account, delivery, invitation), a ``code``, and the service's
    own technical words (``detail``, may be empty; never a secret)."""

    step: str
    code: str
    detail: str = ""


@dataclass(frozen=True)
class AccountOutcome:
    status: str
    user_id: str | None
    created_at: datetime | None
    attempts: int
    problem: Problem | None


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str
    method: str | None
    """``sendmail``, ``mailto``, ``clipboard``, ``pdf`` (the welcome sheet) or None."""
    state: str | None
    """The journal's ``DeliveryState`` value (``bounced``, ``handed_to_mail_app``, …) or None."""
    delivered_at: datetime | None
    problem: Problem | None
    password_reset: bool = False
    """The password made with the account was replaced by a new one (the first was never handed over, e.g.
    the app was stopped before): the details delivered carry the new one."""


@dataclass(frozen=True)
class InvitationOutcome:
    status: str
    account_id: str | None
    roles: tuple[str, ...]
    invitation_id: str | None
    invited_at: datetime | None
    expires_at: datetime | None
    accepted: bool
    accepted_at: datetime | None
    attempts: int
    problem: Problem | None


@dataclass(frozen=True)
class PersonReport:
    run_id: str
    key: str
    display_name: str
    first_name: str
    last_name: str
    username: str
    """The Microsoft username (userPrincipalName)."""
    email: str
    """The person's real work email."""
    account: AccountOutcome
    delivery: DeliveryOutcome
    invitation: InvitationOutcome

    @property
    def problems(self) -> tuple[Problem, ...]:
        found = (self.account.problem, self.delivery.problem, self.invitation.problem)
        return tuple(problem for problem in found if problem is not None)

    @property
    def ok(self) -> bool:
        """Every step ended well: an account, the sign-in details handed over (or not needed), invited."""
        return (
            self.account.status in ("created", "existed")
            and self.delivery.status in ("delivered", "unconfirmed", "not_needed")
            and self.invitation.status in _GOOD_INVITATIONS
        )


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    tenant_id: str
    started_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class Report:
    generated_at: datetime
    runs: tuple[RunInfo, ...]
    people: tuple[PersonReport, ...]
    version: int = REPORT_VERSION

    def totals(self) -> dict[str, int]:
        """How many people ended in each state, per step (zeros included), and ``ok``/``people``."""
        counts: dict[str, int] = {"people": len(self.people), "ok": sum(p.ok for p in self.people)}
        for status in ACCOUNT_STATUSES:
            counts[f"account_{status}"] = sum(p.account.status == status for p in self.people)
        for status in DELIVERY_STATUSES:
            counts[f"delivery_{status}"] = sum(p.delivery.status == status for p in self.people)
        for status in INVITATION_STATUSES:
            counts[f"invitation_{status}"] = sum(p.invitation.status == status for p in self.people)
        return counts


def _account(person: PersonRecord) -> AccountOutcome:
    status = {
        PersonState.CREATED: "created",
        PersonState.EXISTS: "existed",
        PersonState.FAILED: "failed",
    }.get(person.state, "pending")
    problem = None
    if person.state is PersonState.FAILED:
        problem = Problem("account", person.failure_code or "UNKNOWN", person.failure_detail or "")
    return AccountOutcome(status, person.user_id, person.created_at, person.attempts, problem)


def _delivery(person: PersonRecord) -> DeliveryOutcome:
    state = person.delivery_state
    problem = None
    if person.state is not PersonState.CREATED:
        status = "not_needed"
    elif state in _DELIVERED:
        status = "delivered"
    elif state in _UNCONFIRMED:
        status = "unconfirmed"
    elif state is DeliveryState.IN_DOUBT or state is DeliveryState.BOUNCED:
        status = "in_doubt" if state is DeliveryState.IN_DOUBT else "failed"
        problem = Problem("delivery", state.value, person.delivery_problem or "")
    elif state is DeliveryState.NOT_DELIVERED:
        # The delivery service's problem code (``no_mailbox``, ``throttled``, …) says why.
        status = "failed"
        problem = Problem("delivery", person.delivery_problem or state.value, person.delivery_problem or "")
    elif person.credentials_pending:
        status = "pending"
    else:
        status = "delivered" if person.credentials_delivered_at is not None else "not_needed"
    return DeliveryOutcome(
        status,
        person.delivery_method,
        state.value if state is not None else None,
        person.credentials_delivered_at if status in ("delivered", "unconfirmed") else None,
        problem,
        person.credentials_replaced_at is not None,
    )


def _invitation(record: InvitationRecord | None) -> InvitationOutcome:
    if record is None:
        return InvitationOutcome("not_planned", None, (), None, None, None, False, None, 0, None)
    problem = None
    if record.state is InvitationState.FAILED:
        problem = Problem("invitation", record.problem_code or "unexpected", record.problem_detail or "")
    return InvitationOutcome(
        record.state.value,
        record.account_id,
        record.roles,
        record.invitation_id,
        record.invited_at,
        record.expires_at,
        record.state is InvitationState.ACCEPTED,
        record.accepted_at,
        record.attempts,
        problem,
    )


def person_report(person: PersonRecord, invitation: InvitationRecord | None) -> PersonReport:
    """One person's outcome from their journal rows."""
    return PersonReport(
        run_id=person.run_id,
        key=person.key,
        display_name=person.display_name,
        first_name=person.first_name,
        last_name=person.last_name,
        username=person.upn,
        email=person.email,
        account=_account(person),
        delivery=_delivery(person),
        invitation=_invitation(invitation),
    )


def build_report(journal: Journal, run_ids: Sequence[str], *, now: datetime | None = None) -> Report:
    """The report of these runs (in this order, each run's people in their order); blocking I/O, so call
    it on the service thread. An unknown run id raises ``JournalError``."""
    runs: list[RunInfo] = []
    people: list[PersonReport] = []
    for run_id in dict.fromkeys(run_ids):
        run = journal.run(run_id)
        runs.append(RunInfo(run.run_id, run.tenant_id, run.created_at, run.finished_at))
        invitations = {row.key: row for row in journal.invitations(run_id)}
        people += [person_report(p, invitations.get(p.key)) for p in journal.people(run_id)]
    return Report(now or datetime.now(UTC), tuple(runs), tuple(people))


# --- JSON ---------------------------------------------------------------------------------------------


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat(timespec="seconds")


def _problem(problem: Problem | None) -> dict[str, str] | None:
    return None if problem is None else {"code": problem.code, "detail": problem.detail}


def person_dict(person: PersonReport) -> dict[str, Any]:
    account, delivery, invitation = person.account, person.delivery, person.invitation
    return {
        "run_id": person.run_id,
        "display_name": person.display_name,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "username": person.username,
        "email": person.email,
        "ok": person.ok,
        "account": {
            "status": account.status,
            "user_id": account.user_id,
            "created_at": _time(account.created_at),
            "attempts": account.attempts,
            "problem": _problem(account.problem),
        },
        "delivery": {
            "status": delivery.status,
            "method": delivery.method,
            "state": delivery.state,
            "delivered_at": _time(delivery.delivered_at),
            "password_reset": delivery.password_reset,
            "problem": _problem(delivery.problem),
        },
        "invitation": {
            "status": invitation.status,
            "portal_account": invitation.account_id,
            "roles": list(invitation.roles),
            "invitation_id": invitation.invitation_id,
            "invited_at": _time(invitation.invited_at),
            "expires_at": _time(invitation.expires_at),
            "accepted": invitation.accepted,
            "accepted_at": _time(invitation.accepted_at),
            "attempts": invitation.attempts,
            "problem": _problem(invitation.problem),
        },
    }


def to_dict(report: Report) -> dict[str, Any]:
    """The report as plain data, in the shape of ``docs/report-schema.json``."""
    return {
        "version": report.version,
        "generated_at": _time(report.generated_at),
        "runs": [
            {
                "run_id": run.run_id,
                "tenant_id": run.tenant_id,
                "started_at": _time(run.started_at),
                "finished_at": _time(run.finished_at),
            }
            for run in report.runs
        ],
        "totals": report.totals(),
        "people": [person_dict(person) for person in report.people],
    }


def to_json(report: Report) -> str:
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2) + "\n"


# --- CSV ----------------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "display_name",
    "first_name",
    "last_name",
    "username",
    "work_email",
    "ok",
    "account",
    "account_problem",
    "account_detail",
    "delivery",
    "delivery_method",
    "delivery_state",
    "delivered_at",
    "delivery_detail",
    "portal_account",
    "roles",
    "invitation",
    "invitation_id",
    "invited_at",
    "expires_at",
    "accepted",
    "accepted_at",
    "invitation_problem",
    "invitation_detail",
    "run_id",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading ``= + - @`` would make Excel run it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = _time(value) if isinstance(value, datetime) else str(value)
    text = text or ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_rows(report: Report) -> list[list[str]]:
    """The header and one row per person."""
    rows = [list(CSV_COLUMNS)]
    for person in report.people:
        account, delivery, invitation = person.account, person.delivery, person.invitation
        values: tuple[object, ...] = (
            person.display_name,
            person.first_name,
            person.last_name,
            person.username,
            person.email,
            person.ok,
            account.status,
            account.problem.code if account.problem else None,
            account.problem.detail if account.problem else None,
            delivery.status,
            delivery.method,
            delivery.state,
            delivery.delivered_at,
            delivery.problem.detail if delivery.problem else None,
            invitation.account_id,
            ";".join(invitation.roles),
            invitation.status,
            invitation.invitation_id,
            invitation.invited_at,
            invitation.expires_at,
            invitation.accepted,
            invitation.accepted_at,
            invitation.problem.code if invitation.problem else None,
            invitation.problem.detail if invitation.problem else None,
            person.run_id,
        )
        rows.append([_cell(value) for value in values])
    return rows


def to_csv(report: Report) -> str:
    """Comma-separated, CRLF line ends, every field that needs it quoted (without the BOM)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(csv_rows(report))
    return buffer.getvalue()


# --- files --------------------------------------------------------------------------------------------


def write_json(report: Report, path: Path) -> None:
    _write(path, to_json(report).encode("utf-8"))


def write_csv(report: Report, path: Path) -> None:
    """UTF-8 with a BOM, so Excel opens names with umlauts right."""
    _write(path, to_csv(report).encode("utf-8-sig"))


def _write(path: Path, data: bytes) -> None:
    """Written next to the target and renamed over it: a failed export never leaves half a file."""
    temporary = path.with_name(f".{path.name}.partial")
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
