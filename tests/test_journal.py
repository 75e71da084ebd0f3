"""The onboarding journal: states, WAL, reopening, unfinished runs, and no secret ever stored."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from c2t_wizard.domain.passwords import generate_password
from c2t_wizard.domain.users import NewUser
from c2t_wizard.services.journal import (
    Journal,
    JournalError,
    PersonState,
    person_key,
)

TENANT = "11111111-2222-3333-4444-555555555555"


def person(i: int, domain: str = "contoso.onmicrosoft.com") -> NewUser:
    return NewUser(
        first_name=f"First{i}",
        last_name=f"Last{i}",
        display_name=f"First{i} Last{i}",
        username=f"User.{i}",
        domain=domain,
        email=f"user{i}@example.com",
    )


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    opened = Journal.open(tmp_path / "data" / "journal.sqlite3")
    yield opened  # type: ignore[misc]
    opened.close()


def test_a_new_run_plans_everyone_in_order(journal: Journal) -> None:
    run = journal.start_run(TENANT, [person(1), person(2), person(3)])
    people = journal.people(run)
    assert [p.key for p in people] == ["user.1@contoso.onmicrosoft.com", "user.2@contoso.onmicrosoft.com",
                                       "user.3@contoso.onmicrosoft.com"]  # fmt: skip
    assert {p.state for p in people} == {PersonState.PLANNED}
    first = people[0]
    assert first.upn == "User.1@contoso.onmicrosoft.com"
    assert first.user == person(1)
    assert first.mail_nickname == person(1).mail_nickname
    assert (first.attempts, first.in_doubt, first.user_id, first.first_sent_at) == (0, False, None, None)
    assert not first.credentials_pending
    summary = journal.run(run)
    assert (summary.total, summary.planned, summary.tenant_id) == (3, 3, TENANT)
    assert not summary.creation_done


def test_state_transitions(journal: Journal) -> None:
    run = journal.start_run(TENANT, [person(i) for i in range(5)])
    keys = [p.key for p in journal.people(run)]
    journal.mark_sending(run, keys[:4])
    sending = journal.person(run, keys[0])
    assert sending.state is PersonState.SENDING
    assert sending.attempts == 1
    assert sending.first_sent_at is not None
    assert sending.first_sent_at == sending.last_sent_at

    journal.mark_created(run, keys[0], "id-0")
    journal.mark_exists(run, keys[1], "id-1")
    journal.mark_failed(run, keys[2], "DOMAIN_NOT_VERIFIED", "Request_BadRequest: the domain … " + "x" * 900)
    journal.mark_retry(run, [keys[3]], in_doubt=True)

    created, exists, failed, retried, untouched = journal.people(run)
    assert (created.state, created.user_id, created.credentials_pending) == (
        PersonState.CREATED,
        "id-0",
        True,
    )
    assert created.created_at is not None
    assert (exists.state, exists.user_id) == (PersonState.EXISTS, "id-1")
    assert not exists.credentials_pending
    assert failed.state is PersonState.FAILED
    assert failed.failure_code == "DOMAIN_NOT_VERIFIED"
    assert failed.failure_detail is not None
    assert len(failed.failure_detail) == 500
    assert (retried.state, retried.in_doubt, retried.attempts) == (PersonState.PLANNED, True, 1)
    assert untouched.state is PersonState.PLANNED

    # A second send keeps the first timestamp and counts attempts; a later clean retry keeps the doubt.
    journal.mark_sending(run, [keys[3]])
    journal.mark_retry(run, [keys[3]], in_doubt=False)
    again = journal.person(run, keys[3])
    assert again.attempts == 2
    assert again.in_doubt
    assert again.first_sent_at == retried.first_sent_at
    assert again.last_sent_at is not None
    assert again.first_sent_at is not None
    assert again.last_sent_at >= again.first_sent_at

    summary = journal.run(run)
    assert (summary.created, summary.exists, summary.failed, summary.planned, summary.sending) == (
        1,
        1,
        1,
        2,
        0,
    )
    assert summary.credentials_pending == 1

    # Later steps record into the same rows.
    journal.mark_credentials_delivered(run, keys[0], "sendmail")
    journal.mark_invited(run, keys[0], "account_administrator")
    done = journal.person(run, keys[0])
    assert not done.credentials_pending
    assert done.delivery_method == "sendmail"
    assert done.credentials_delivered_at is not None
    assert (done.invite_role, done.invited_at is not None) == ("account_administrator", True)

    # A failed person can be tried again.
    assert journal.requeue(run) == [keys[2]]
    requeued = journal.person(run, keys[2])
    assert (requeued.state, requeued.failure_code) == (PersonState.PLANNED, None)


def test_people_written_after_a_mark_are_those_written_since_in_the_runs_order(journal: Journal) -> None:
    run = journal.start_run(TENANT, [person(i) for i in range(700)])
    other = journal.start_run(TENANT, [person(i, "fabrikam.onmicrosoft.com") for i in range(3)])
    keys = [p.key for p in journal.people(run)]
    everyone, mark = journal.people_written_after(run, None)
    assert [p.key for p in everyone] == keys
    assert journal.people_written_after(run, mark) == ([], mark)

    # More keys than one query binds, out of order, one written twice; another run's write is not ours.
    written = [keys[650], *keys[:600], keys[3]]
    journal.mark_sending(run, written)
    journal.mark_failed(run, keys[3], "SERVER", "again")
    journal.mark_sending(other, [journal.people(other)[0].key])
    changed, later = journal.people_written_after(run, mark)
    assert [p.key for p in changed] == [*keys[:600], keys[650]]
    assert [p.state for p in changed[:3]] == [PersonState.SENDING, PersonState.SENDING, PersonState.SENDING]
    assert changed[3].state is PersonState.FAILED
    assert later > mark
    assert journal.people_written_after(run, later) == ([], later)

    # A write that is rolled back leaves the person as it was; reading it again is harmless.
    def created_then_rolled_back() -> None:
        with journal.transaction():
            journal.mark_created(run, keys[699], "id-699")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        created_then_rolled_back()
    again, _ = journal.people_written_after(run, later)
    assert [(p.key, p.state) for p in again] == [(keys[699], PersonState.PLANNED)]


def test_unknown_people_and_duplicate_usernames_are_refused(journal: Journal) -> None:
    run = journal.start_run(TENANT, [person(1)])
    with pytest.raises(JournalError):
        journal.mark_created(run, "nobody@contoso.onmicrosoft.com", "x")
    with pytest.raises(JournalError):
        journal.person(run, "nobody@contoso.onmicrosoft.com")
    twin = NewUser("A", "B", "A B", "user.1", "CONTOSO.onmicrosoft.com", "a@example.com")
    with pytest.raises(JournalError, match="twice"):
        journal.start_run(TENANT, [person(1), twin])
    assert person_key(twin.upn) == person_key(person(1).upn)
    # nothing half-written: the refused run does not exist
    assert [r.run_id for r in journal.unfinished_runs()] == [run]


def test_a_failed_transaction_writes_nothing(journal: Journal) -> None:
    run = journal.start_run(TENANT, [person(1), person(2)])
    keys = [p.key for p in journal.people(run)]
    with pytest.raises(JournalError):
        journal.mark_sending(run, [keys[0], "nobody"])
    assert journal.person(run, keys[0]).state is PersonState.PLANNED


def test_a_failed_commit_is_rolled_back_and_the_journal_stays_usable(journal: Journal) -> None:
    run = journal.start_run(TENANT, [person(1)])
    db = journal._db

    def break_a_deferred_foreign_key() -> None:
        """A foreign key checked only at COMMIT: the commit itself fails."""
        with journal.transaction():
            db.execute("PRAGMA defer_foreign_keys=ON")
            db.execute("UPDATE people SET run_id = 'no-such-run' WHERE run_id = ?", (run,))

    with pytest.raises(sqlite3.IntegrityError):
        break_a_deferred_foreign_key()
    assert not db.in_transaction
    assert [p.upn for p in journal.people(run)] == [person(1).upn]
    again = journal.start_run(TENANT, [person(2)])  # BEGIN IMMEDIATE works again
    assert [p.upn for p in journal.people(again)] == [person(2).upn]


def test_wal_mode_and_reopen_after_close(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    first = Journal.open(path)
    assert first.journal_mode == "wal"
    run = first.start_run(TENANT, [person(1), person(2)])
    key = first.people(run)[0].key
    first.mark_sending(run, [key])
    first.mark_created(run, key, "the-id")
    first.close()

    again = Journal.open(path)
    try:
        assert again.journal_mode == "wal"
        record = again.person(run, key)
        assert (record.state, record.user_id, record.attempts) == (PersonState.CREATED, "the-id", 1)
        [summary] = again.unfinished_runs(TENANT)
        assert (summary.run_id, summary.created, summary.planned) == (run, 1, 1)
    finally:
        again.close()


def test_every_write_is_visible_to_another_connection_at_once(journal: Journal) -> None:
    """Committed immediately: another process (here: another connection) sees each write."""
    run = journal.start_run(TENANT, [person(1)])
    key = journal.people(run)[0].key
    journal.mark_sending(run, [key])
    other = sqlite3.connect(journal.path)
    try:
        state = other.execute("SELECT state FROM people WHERE key = ?", (key,)).fetchone()[0]
    finally:
        other.close()
    assert state == "sending"


def test_unfinished_runs(journal: Journal) -> None:
    done = journal.start_run(TENANT, [person(1)])
    journal.mark_sending(done, [person_key(person(1).upn)])
    journal.mark_created(done, person_key(person(1).upn), "id")
    journal.finish_run(done)
    other_tenant = journal.start_run("another-tenant", [person(2)])
    open_run = journal.start_run(TENANT, [person(3), person(4)])
    journal.mark_sending(open_run, [person_key(person(3).upn)])

    assert {r.run_id for r in journal.unfinished_runs()} == {open_run, other_tenant}
    [summary] = journal.unfinished_runs(TENANT)
    assert (summary.run_id, summary.sending, summary.planned, summary.total) == (open_run, 1, 1, 2)
    assert journal.run(done).finished_at is not None
    assert journal.run(done).creation_done
    with pytest.raises(JournalError):
        journal.finish_run("no-such-run")
    with pytest.raises(JournalError):
        journal.run("no-such-run")


def test_usable_from_several_threads(journal: Journal) -> None:
    run = journal.start_run(TENANT, [person(i) for i in range(40)])
    keys = [p.key for p in journal.people(run)]
    errors: list[BaseException] = []

    def work(part: list[str]) -> None:
        try:
            for key in part:
                journal.mark_sending(run, [key])
                journal.mark_created(run, key, f"id-{key}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(keys[i::4],), name=f"journal-{i}") for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert journal.run(run).created == 40


def test_no_password_is_ever_stored(tmp_path: Path) -> None:
    """The journal has no place for a password, and a whole run's file holds none of the passwords."""
    path = tmp_path / "journal.sqlite3"
    journal = Journal.open(path)
    passwords = [generate_password() for _ in range(20)]
    people = [person(i) for i in range(20)]
    try:
        run = journal.start_run(TENANT, people)
        for record in journal.people(run):
            journal.mark_sending(run, [record.key])
            journal.mark_created(run, record.key, f"id-{record.position}")
            journal.mark_credentials_delivered(run, record.key, "clipboard")
        columns = [row[1].lower() for row in journal._db.execute("PRAGMA table_info(people)").fetchall()]
        columns += [row[1].lower() for row in journal._db.execute("PRAGMA table_info(runs)").fetchall()]
        assert not [c for c in columns if "password" in c or "token" in c or "secret" in c]
        data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("journal.sqlite3"))
    finally:
        journal.close()
    data += path.read_bytes()
    assert people[0].email.encode() in data  # the scan does see the file's contents
    for password in passwords:
        assert password.encode() not in data


def test_a_replaced_password_makes_the_credentials_pending_again(journal: Journal) -> None:
    from c2t_wizard.services.journal import DeliveryState

    run = journal.start_run(TENANT, [person(1)])
    key = journal.people(run)[0].key
    journal.mark_sending(run, [key])
    journal.mark_created(run, key, "id-1")
    journal.mark_credentials_delivered(run, key, "clipboard")
    copied = journal.person(run, key)
    assert (copied.credentials_pending, copied.delivery_state) == (False, DeliveryState.COPIED)

    journal.mark_password_replaced(run, key)  # the copied password no longer works
    replaced = journal.person(run, key)
    assert replaced.credentials_pending
    assert (replaced.credentials_delivered_at, replaced.delivery_method, replaced.delivery_state) == (
        None,
        None,
        None,
    )
    assert journal.run(run).credentials_pending == 1
    assert replaced.user_id == "id-1", "the user is still the one created"


def test_a_bounced_mail_is_pending_again_and_counts_neither_as_mailed_nor_delivered(journal: Journal) -> None:
    from datetime import UTC, datetime, timedelta

    from c2t_wizard.services.journal import SCHEMA_VERSION, DeliveryState

    people = [person(i) for i in range(3)]
    run_id = journal.start_run("tenant-a", people)
    other = journal.start_run("tenant-b", [person(9)])
    keys = [p.upn.lower() for p in people]
    for key in keys:
        journal.mark_created(run_id, key, f"id-{key}")
    journal.mark_created(other, person(9).upn.lower(), "id-9")
    earlier = datetime.now(UTC) - timedelta(seconds=1)
    journal.mark_credentials_delivered(run_id, keys[0], "sendmail")
    journal.mark_credentials_delivered(run_id, keys[1], "sendmail")
    journal.mark_credentials_delivered(run_id, keys[2], "pdf")
    journal.mark_credentials_delivered(other, person(9).upn.lower(), "sendmail")
    journal.mark_bounced(run_id, keys[1], "ndr")
    bounced = journal.person(run_id, keys[1])
    assert bounced.delivery_state is DeliveryState.BOUNCED
    assert bounced.credentials_pending
    assert bounced.credentials_delivered_at is None
    assert (bounced.delivery_method, bounced.delivery_problem) == ("sendmail", "ndr")
    assert journal.mailed_since("tenant-a", earlier) == [people[0].email]  # not the bounced, not the sheet
    assert journal.mailed_since("tenant-a", datetime.now(UTC) + timedelta(seconds=5)) == []
    assert journal.bounced_since("tenant-a", earlier) == 1
    assert journal.bounced_since("tenant-b", earlier) == 0
    assert journal.run(run_id).credentials_pending == 1
    with Journal.open(journal.path) as again:
        assert again.person(run_id, keys[1]).delivery_state is DeliveryState.BOUNCED
        assert again.schema_version == SCHEMA_VERSION
