"""The journal's portal invitation rows: planned before the first POST with an Idempotency-Key that every
retry and resume reuses, the states, the migration from schema 2, and no activation link ever stored."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from c2t_wizard.domain.users import NewUser
from c2t_wizard.services.journal import (
    SCHEMA_VERSION,
    DeliveryState,
    InvitationPlan,
    InvitationState,
    Journal,
    JournalError,
    person_key,
)

TENANT = "11111111-2222-3333-4444-555555555555"


def person(i: int) -> NewUser:
    return NewUser(
        f"First{i}",
        f"Last{i}",
        f"First{i} Last{i}",
        f"user.{i}",
        "contoso.onmicrosoft.com",
        f"user{i}@example.com",
    )


def plan(
    run_id: str,
    i: int,
    *,
    roles: tuple[str, ...] = ("service_contributor",),
    account: str = "acc-1",
    email: str | None = None,
) -> InvitationPlan:
    user = person(i)
    return InvitationPlan(
        run_id, person_key(user.upn), account, email or user.email, user.first_name, user.last_name, roles
    )


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    opened = Journal.open(tmp_path / "journal.sqlite3")
    yield opened  # type: ignore[misc]
    opened.close()


def test_planning_stores_a_key_before_anything_is_sent_and_keeps_it_for_retries(journal: Journal) -> None:
    run = journal.start_run(TENANT, [person(i) for i in range(3)])
    first = journal.plan_invitations([plan(run, i) for i in range(3)])
    assert [r.state for r in first] == [InvitationState.PLANNED] * 3
    assert len({r.idempotency_key for r in first}) == 3
    assert first[0].roles == ("service_contributor",)
    key = first[0].key
    journal.mark_invitation_sending(run, key)
    # The app died here: a resume plans again and gets the same key (the POST may have been made).
    again = journal.plan_invitations([plan(run, 0)])[0]
    assert (again.state, again.idempotency_key, again.attempts) == (
        InvitationState.SENDING,
        first[0].idempotency_key,
        1,
    )
    journal.mark_invitation_failed(run, key, "busy", "503 after retries")
    retried = journal.plan_invitations([plan(run, 0)])[0]
    assert (retried.state, retried.idempotency_key, retried.problem_code) == (
        InvitationState.FAILED,
        first[0].idempotency_key,
        "busy",
    )


def test_invited_already_invited_accepted_and_revoked(journal: Journal) -> None:
    run = journal.start_run(TENANT, [person(i) for i in range(2)])
    a, b = journal.plan_invitations([plan(run, 0, roles=("account_owner", "service_viewer")), plan(run, 1)])
    expiry = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    journal.mark_invitation_sending(run, a.key)
    journal.mark_invitation_invited(run, a.key, "inv-1", expiry)
    journal.mark_invitation_sending(run, b.key)
    journal.mark_invitation_invited(run, b.key, None, None, already=True)
    invited, already = journal.invitations(run)
    assert (invited.state, invited.invitation_id, invited.expires_at) == (
        InvitationState.INVITED,
        "inv-1",
        expiry,
    )
    assert invited.roles == ("account_owner", "service_viewer")
    assert already.state is InvitationState.ALREADY_INVITED
    assert already.state.done
    assert journal.person(run, a.key).invite_role == "account_owner,service_viewer"
    # Done rows are left alone by a later plan (no second invitation).
    assert journal.plan_invitations([plan(run, 0)])[0].state is InvitationState.INVITED
    journal.mark_invitation_accepted(run, a.key)
    assert journal.invitation(run, a.key).state is InvitationState.ACCEPTED  # type: ignore[union-attr]
    journal.mark_invitation_revoked(run, b.key)
    revoked = journal.invitation(run, b.key)
    assert revoked is not None
    assert revoked.state is InvitationState.REVOKED
    assert revoked.revoked_at
    assert journal.person(run, b.key).invited_at is None
    # Inviting a revoked person again is a new request: a new key.
    renewed = journal.plan_invitations([plan(run, 1)])[0]
    assert renewed.state is InvitationState.PLANNED
    assert renewed.idempotency_key != b.idempotency_key


def test_a_changed_request_gets_a_new_key_and_an_unknown_person_is_refused(journal: Journal) -> None:
    run = journal.start_run(TENANT, [person(0)])
    first = journal.plan_invitations([plan(run, 0)])[0]
    journal.mark_invitation_sending(run, first.key)
    journal.mark_invitation_failed(run, first.key, "invalid", "email refused")
    changed = journal.plan_invitations([plan(run, 0, email="first0@firma.example")])[0]
    assert changed.idempotency_key != first.idempotency_key
    assert (changed.state, changed.email, changed.attempts, changed.problem_code) == (
        InvitationState.PLANNED,
        "first0@firma.example",
        0,
        None,
    )
    with pytest.raises(JournalError):
        journal.plan_invitations([InvitationPlan(run, "nobody@x", "acc", "a@b.example", "A", "B", ("x",))])
    with pytest.raises(JournalError):
        journal.mark_invitation_sending(run, "nobody@x")


def test_the_link_delivery_is_recorded_but_never_the_link(journal: Journal, tmp_path: Path) -> None:
    run = journal.start_run(TENANT, [person(0)])
    row = journal.plan_invitations([plan(run, 0)])[0]
    journal.mark_invitation_sending(run, row.key)
    link = "https://portal.example/activate/SECRET-TOKEN-abc123"
    journal.mark_invitation_invited(run, row.key, "inv-9", datetime.now(UTC) + timedelta(days=7))
    journal.mark_invitation_link_delivered(run, row.key, "mailto", DeliveryState.HANDED_TO_MAIL_APP)
    stored = journal.invitation(run, row.key)
    assert stored is not None
    assert (stored.link_method, stored.link_state) == ("mailto", "handed_to_mail_app")
    raw = (tmp_path / "journal.sqlite3").read_bytes() + (tmp_path / "journal.sqlite3-wal").read_bytes()
    assert b"SECRET-TOKEN" not in raw
    assert link.encode() not in raw


def test_a_journal_of_schema_2_gains_the_invitations(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with Journal.open(path) as journal:
        run = journal.start_run(TENANT, [person(0)])
        journal.mark_created(run, person_key(person(0).upn), "id-0")
    db = sqlite3.connect(path)  # as version 2 wrote it: no portal table
    db.execute("DROP TABLE portal_invitations")
    db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with Journal.open(path) as journal:
        assert journal.schema_version == SCHEMA_VERSION == 4
        assert journal.person(run, person_key(person(0).upn)).user_id == "id-0"
        assert journal.invitations(run) == []
        row = journal.plan_invitations([plan(run, 0)])[0]
        assert row.state is InvitationState.PLANNED
