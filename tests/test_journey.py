"""Where a run stands across the journey (services.journey): the step with work left, the resume offer, the
history, when a run is over; and a journal written by the first schema opened and migrated, data intact."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from c2t_wizard.domain.users import NewUser
from c2t_wizard.services.journal import (
    SCHEMA_VERSION,
    DeliveryState,
    InvitationPlan,
    InvitationState,
    Journal,
    PersonState,
)
from c2t_wizard.services.journey import (
    JourneyStep,
    finish_if_done,
    resume_offer,
    run_history,
    run_progress,
)


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
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "journal.sqlite3")
    yield opened
    opened.close()


def keys_of(journal: Journal, run_id: str) -> list[str]:
    return [p.key for p in journal.people(run_id)]


def invite(journal: Journal, run_id: str, keys: list[str]) -> None:
    people = {p.key: p for p in journal.people(run_id)}
    journal.plan_invitations(
        [
            InvitationPlan(run_id, key, "acc-1", people[key].email, "F", "L", ("service_viewer",))
            for key in keys
        ]
    )


def test_each_stop_lands_on_the_first_step_with_work_left(journal: Journal) -> None:
    run_id = journal.start_run("tenant-a", [person(i) for i in range(5)])
    keys = keys_of(journal, run_id)
    progress = run_progress(journal, run_id)
    assert progress.next_step is JourneyStep.CREATE
    assert progress.counts == (0, 5)
    assert progress.done_steps == ()

    journal.mark_sending(run_id, keys[:3])
    for key in keys[:2]:
        journal.mark_created(run_id, key, f"id-{key}")
    progress = run_progress(journal, run_id)
    assert (progress.next_step, progress.counts, progress.to_create) == (JourneyStep.CREATE, (2, 5), 3)

    for key in keys[2:]:
        journal.mark_created(run_id, key, f"id-{key}")
    progress = run_progress(journal, run_id)
    assert (progress.next_step, progress.counts) == (JourneyStep.DELIVER, (0, 5))
    assert progress.done_steps == (JourneyStep.CREATE,)

    for key in keys[:4]:
        journal.mark_credentials_delivered(run_id, key, "sendmail")
    journal.mark_delivery_not_confirmed(run_id, keys[4], "sendmail", in_doubt=False, problem="x")
    assert run_progress(journal, run_id).counts == (4, 5)
    journal.mark_credentials_delivered(run_id, keys[4], "pdf")

    progress = run_progress(journal, run_id)
    assert (progress.next_step, progress.counts) == (JourneyStep.INVITE, (0, 5))
    assert progress.done_steps == (JourneyStep.CREATE, JourneyStep.DELIVER)
    invite(journal, run_id, keys)
    for key in keys[:3]:
        journal.mark_invitation_sending(run_id, key)
        journal.mark_invitation_invited(run_id, key, f"inv-{key}", None)
    journal.mark_invitation_sending(run_id, keys[3])  # stopped during invitation: on the wire
    progress = run_progress(journal, run_id)
    assert (progress.next_step, progress.counts) == (JourneyStep.INVITE, (3, 5))
    assert not progress.nothing_left

    journal.mark_invitation_invited(run_id, keys[3], "inv-3", None, already=True)
    journal.mark_invitation_failed(run_id, keys[4], "conflict")
    progress = run_progress(journal, run_id)
    assert (progress.next_step, progress.invitation_failed) == (JourneyStep.INVITE, 1)
    journal.mark_invitation_invited(run_id, keys[4], "inv-4", None)
    progress = run_progress(journal, run_id)
    assert progress.next_step is JourneyStep.SUMMARY
    assert progress.nothing_left


def test_people_there_before_need_no_details_and_a_failed_creation_keeps_the_run_open(
    journal: Journal,
) -> None:
    run_id = journal.start_run("tenant-a", [person(i) for i in range(3)])
    keys = keys_of(journal, run_id)
    journal.mark_exists(run_id, keys[0], "id-0")
    journal.mark_created(run_id, keys[1], "id-1")
    journal.mark_failed(run_id, keys[2], "ADDRESS_IN_USE")
    progress = run_progress(journal, run_id)
    assert (progress.next_step, progress.counts) == (JourneyStep.DELIVER, (0, 1))
    journal.mark_credentials_delivered(run_id, keys[1], "sendmail")
    invite(journal, run_id, keys[:2])
    for key in keys[:2]:
        journal.mark_invitation_invited(run_id, key, None, None)
    progress = run_progress(journal, run_id)
    assert progress.next_step is JourneyStep.SUMMARY
    assert not progress.nothing_left, "a failed creation is still to be retried (or closed by the partner)"
    assert finish_if_done(journal, [run_id]) == []
    assert resume_offer(journal) is not None


def test_the_offer_is_the_newest_unfinished_run_and_the_history_keeps_them_all(journal: Journal) -> None:
    empty = journal.start_run("tenant-a", [])
    older = journal.start_run("tenant-a", [person(1)])
    newer = journal.start_run("tenant-b", [person(2, "fabrikam.onmicrosoft.com"), person(3, "fabrikam.com")])
    offer = resume_offer(journal)
    assert offer is not None
    assert (offer.run_id, offer.tenant_id, offer.total) == (newer, "tenant-b", 2)
    assert offer.domain in ("fabrikam.onmicrosoft.com", "fabrikam.com")
    tenant_a = resume_offer(journal, "tenant-a")
    assert tenant_a is not None
    assert tenant_a.run_id == older, "a run with nobody in it is never offered"

    key = keys_of(journal, older)[0]
    journal.mark_created(older, key, "id-1")
    journal.mark_credentials_delivered(older, key, "sendmail")
    invite(journal, older, [key])
    journal.mark_invitation_invited(older, key, "inv", None)
    assert finish_if_done(journal, [older, newer]) == [older]
    assert resume_offer(journal, "tenant-a") is None

    history = run_history(journal)
    assert [run.run_id for run in history] == [newer, older]
    assert empty not in {run.run_id for run in history}
    assert history[1].finished
    assert not history[0].finished
    assert (history[1].with_account, history[1].delivered, history[1].invited) == (1, 1, 1)


# The journal's first schema, as released (git: the first version of services/journal.py).
SCHEMA_1 = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE TABLE IF NOT EXISTS people (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    position INTEGER NOT NULL,
    upn TEXT NOT NULL,
    username TEXT NOT NULL,
    domain TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    email TEXT NOT NULL,
    mail_nickname TEXT NOT NULL,
    state TEXT NOT NULL,
    user_id TEXT,
    failure_code TEXT,
    failure_detail TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    in_doubt INTEGER NOT NULL DEFAULT 0,
    first_sent_at TEXT,
    last_sent_at TEXT,
    created_at TEXT,
    updated_at TEXT NOT NULL,
    credentials_pending INTEGER NOT NULL DEFAULT 0,
    credentials_delivered_at TEXT,
    delivery_method TEXT,
    invited_at TEXT,
    invite_role TEXT,
    PRIMARY KEY (run_id, key)
);
CREATE INDEX IF NOT EXISTS people_state ON people (run_id, state);
"""


def test_a_journal_of_the_first_schema_is_migrated_with_its_data_intact(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(SCHEMA_1)
    db.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    stamp = "2025-01-02T03:04:05.000000+00:00"
    db.execute("INSERT INTO runs VALUES ('run-1', 'tenant-a', ?, ?, NULL)", (stamp, stamp))
    rows = [
        ("a@contoso.onmicrosoft.com", 0, "created", "id-a", 0, stamp, "sendmail", stamp, "service_viewer"),
        ("b@contoso.onmicrosoft.com", 1, "created", "id-b", 1, None, None, None, None),
        ("c@contoso.onmicrosoft.com", 2, "planned", None, 0, None, None, None, None),
    ]
    for upn, position, state, user_id, pending, delivered_at, method, invited_at, role in rows:
        name = upn.partition("@")[0]
        db.execute(
            "INSERT INTO people (run_id, key, position, upn, username, domain, first_name, last_name, "
            "display_name, email, mail_nickname, state, user_id, created_at, updated_at, "
            "credentials_pending, credentials_delivered_at, delivery_method, invited_at, invite_role) "
            "VALUES ('run-1', ?, ?, ?, ?, 'contoso.onmicrosoft.com', ?, 'Last', "
            "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                upn,
                position,
                upn,
                name,
                name.upper(),
                f"{name.upper()} Last",
                f"{name}@example.com",
                name,
                state,
                user_id,
                stamp if user_id else None,
                stamp,
                pending,
                delivered_at,
                method,
                invited_at,
                role,
            ),
        )
    db.commit()
    db.close()

    with Journal.open(path) as journal:
        assert journal.schema_version == SCHEMA_VERSION == 4
        people = journal.people("run-1")
        assert [p.key for p in people] == [r[0] for r in rows]
        a, b, c = people
        assert (a.state, a.user_id, a.delivery_method, a.invite_role) == (
            PersonState.CREATED,
            "id-a",
            "sendmail",
            "service_viewer",
        )
        assert a.credentials_delivered_at is not None
        assert a.delivery_state is None, "schema 1 never knew the delivery state"
        assert (b.credentials_pending, c.state, c.email) == (True, PersonState.PLANNED, "c@example.com")
        assert journal.invitations("run-1") == []
        # The new columns and table work on the migrated file.
        journal.mark_credentials_delivered("run-1", b.key, "pdf")
        assert journal.person("run-1", b.key).delivery_state is DeliveryState.ON_WELCOME_SHEET
        journal.plan_invitations([InvitationPlan("run-1", b.key, "acc", b.email, "B", "Last", ("x",))])
        journal.mark_invitation_invited("run-1", b.key, "inv-b", None)
        assert journal.invitation("run-1", b.key).state is InvitationState.INVITED  # type: ignore[union-attr]
        progress = run_progress(journal, "run-1")
        assert (progress.next_step, progress.total, progress.delivered) == (JourneyStep.CREATE, 3, 2)
        # Schema 1 never knew the organisation's name: the run is named by its people's domain.
        assert (progress.organisation, progress.organisation_name) == ("", "contoso.onmicrosoft.com")
        # A run started on the migrated file records the organisation's display name.
        newer = journal.start_run("tenant-a", [person(9)], organisation="Contoso Ltd")
        assert run_progress(journal, newer).organisation_name == "Contoso Ltd"
    with Journal.open(path) as again:
        assert again.schema_version == SCHEMA_VERSION
        assert [p.key for p in again.people("run-1")] == [r[0] for r in rows]
        assert [run.run_id for run in run_history(again)][-1] == "run-1"
        assert {run.organisation for run in run_history(again)} == {"", "Contoso Ltd"}
