"""The onboarding steps the pages and the headless command share, without Qt: creating (against the
sandbox), who gets a new password on resume, the mail cap's split, and invitation plans."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import Sandbox

from c2t_wizard.config import Endpoints
from c2t_wizard.domain.mail_cap import MOERA_CAP, plan_sends
from c2t_wizard.domain.portal import PortalRole, SendMode
from c2t_wizard.domain.users import NewUser
from c2t_wizard.services.auth import AuthService
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.credentials_step import (
    Handover,
    cap_domains,
    handover_for,
    record_confirmed,
    split_by_cap,
)
from c2t_wizard.services.directory import DirectoryService
from c2t_wizard.services.graph import GraphSession
from c2t_wizard.services.journal import Journal, PersonState
from c2t_wizard.services.portal_invites import plan_invitation
from c2t_wizard.services.user_creation import (
    CreationChanges,
    CreationStarted,
    changes_reporter,
    close_runs,
    create_people,
    read_runs,
    runs_to_offer,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"
)

DOMAIN = "contoso.onmicrosoft.com"


def people(prefix: str, count: int) -> list[NewUser]:
    return [
        NewUser(
            f"First{i}",
            prefix.title(),
            f"First{i} {prefix.title()}",
            f"{prefix}.{i}",
            DOMAIN,
            f"{prefix}.{i}@partner-example.com",
        )
        for i in range(count)
    ]


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "journal.sqlite3")
    try:
        yield opened
    finally:
        opened.close()


@asynccontextmanager
async def directory(box: Sandbox, journal: Journal) -> AsyncIterator[DirectoryService]:
    backend = Backend(Endpoints.from_sandbox_line(box.info))
    auth = AuthService(backend)
    admin = box.info["demo"]["admin"]
    await auth.sign_in_with_password(admin["username"], admin["password"])
    session = GraphSession(backend, auth)
    try:
        yield DirectoryService(session, journal)
    finally:
        await session.aclose()
        await backend.aclose()


# --- create -------------------------------------------------------------------------------------------


def test_new_people_get_a_run_and_every_change_is_reported(clean_faults: Sandbox, journal: Journal) -> None:
    tenant_id = clean_faults.info["demo"]["tenant_id"]
    staff = people("stepnew", 3)
    reports: list[object] = []

    async def run() -> list[object]:
        async with directory(clean_faults, journal) as service:
            return list(
                await create_people(
                    journal,
                    service,
                    tenant_id=tenant_id,
                    people=staff,
                    report=reports.append,
                    stop=threading.Event(),
                )
            )

    results = asyncio.run(run())
    assert isinstance(reports[0], CreationStarted)
    run_id = reports[0].run_id
    assert [result.run_id for result in results] == [run_id]  # type: ignore[attr-defined]
    # Every person's last reported state is the journal's, and the journal says created.
    last: dict[str, PersonState] = {}
    for report in reports[1:]:
        assert isinstance(report, CreationChanges)
        assert report.run_id == run_id
        last.update({key: entry[0] for key, entry in report.changed.items()})
    assert last == {user.upn.lower(): PersonState.CREATED for user in staff}
    assert {p.key: p.state for p in journal.people(run_id)} == last
    assert set(results[0].passwords) == set(last)  # type: ignore[attr-defined]


def test_a_progress_report_reads_only_the_people_written_since_the_last(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = people("report", 1000)
    run_id = journal.start_run("tenant", staff)
    keys = [p.key for p in journal.people(run_id)]
    read: list[int] = []
    real_people = journal.people
    monkeypatch.setattr(journal, "people", lambda run: read.append(1) or real_people(run))
    reports: list[CreationChanges] = []
    progressed = changes_reporter(journal, run_id, reports.append)  # type: ignore[arg-type]

    progressed(None)
    assert len(reports[-1].changed) == 1000  # the first report says where everyone is
    journal.mark_sending(run_id, keys[980:])
    journal.mark_created(run_id, keys[990], "id-990")
    progressed(None)
    assert list(reports[-1].changed) == keys[980:]
    assert reports[-1].changed[keys[990]][0] is PersonState.CREATED
    progressed(None)
    assert reports[-1].changed == {}
    # The whole run was read once, for the first report; later ones read the 20 people written since.
    assert len(read) == 1


def test_failed_people_are_tried_again_only_when_asked(clean_faults: Sandbox, journal: Journal) -> None:
    tenant_id = clean_faults.info["demo"]["tenant_id"]
    staff = people("stepretry", 2)
    run_id = journal.start_run(tenant_id, staff)
    failed_key = staff[0].upn.lower()
    journal.mark_failed(run_id, failed_key, "SERVER", "an earlier answer")

    async def create(requeue: bool) -> None:
        async with directory(clean_faults, journal) as service:
            await create_people(
                journal,
                service,
                runs=[run_id],
                requeue=requeue,
                report=lambda _v: None,
                stop=threading.Event(),
            )

    asyncio.run(create(requeue=False))
    states = {p.key: p.state for p in journal.people(run_id)}
    assert states == {failed_key: PersonState.FAILED, staff[1].upn.lower(): PersonState.CREATED}
    asyncio.run(create(requeue=True))
    assert {p.state for p in journal.people(run_id)} == {PersonState.CREATED}


def test_a_stop_before_the_start_creates_nobody(clean_faults: Sandbox, journal: Journal) -> None:
    tenant_id = clean_faults.info["demo"]["tenant_id"]
    run_id = journal.start_run(tenant_id, people("stepstop", 2))
    stop = threading.Event()
    stop.set()

    async def run() -> list[object]:
        async with directory(clean_faults, journal) as service:
            return list(
                await create_people(journal, service, runs=[run_id], report=lambda _v: None, stop=stop)
            )

    assert asyncio.run(run()) == []
    assert {p.state for p in journal.people(run_id)} == {PersonState.PLANNED}


def test_runs_offered_for_resuming_read_back_and_closed(journal: Journal) -> None:
    empty = journal.start_run("tenant-a", [])
    first = journal.start_run("tenant-a", people("offera", 2))
    journal.start_run("tenant-b", people("offerb", 1))

    offered = asyncio.run(runs_to_offer(journal, "tenant-a"))
    assert [run.run_id for run in offered] == [first]  # the empty run is not offered, nor another tenant's
    (read,) = asyncio.run(read_runs(journal, [first]))
    assert read[0] == first
    assert [p.key for p in read[1]] == [u.upn.lower() for u in people("offera", 2)]
    asyncio.run(close_runs(journal, [first, empty]))
    assert asyncio.run(runs_to_offer(journal, "tenant-a")) == []


# --- deliver ------------------------------------------------------------------------------------------


def test_who_gets_a_new_password_on_resume(journal: Journal) -> None:
    staff = people("handover", 5)
    run_id = journal.start_run("tenant-a", staff)
    keys = [user.upn.lower() for user in staff]
    for n, key in enumerate(keys):
        journal.mark_created(run_id, key, f"id-{n}")
    journal.mark_credentials_delivered(run_id, keys[1], "sendmail")
    journal.mark_delivery_not_confirmed(run_id, keys[2], "sendmail", in_doubt=True, problem="NETWORK")
    journal.mark_delivery_not_confirmed(run_id, keys[3], "sendmail", in_doubt=False, problem="SERVER")
    records = {p.key: p for p in journal.people(run_id)}

    # Known here: deliver it, whatever the journal says.
    assert {handover_for(r, password_known=True) for r in records.values()} == {Handover.READY}
    # Lost with the process that created them: a new password, unless the mail may have gone out already.
    decided = {key: handover_for(records[key], password_known=False) for key in keys}
    assert decided == {
        keys[0]: Handover.RESET,
        keys[1]: Handover.DELIVERED_EARLIER,
        keys[2]: Handover.IN_DOUBT,
        keys[3]: Handover.RESET,
        keys[4]: Handover.RESET,
    }


def test_confirmed_deliveries_are_recorded_and_the_cap_counts_the_usernames_domains_inside(
    journal: Journal,
) -> None:
    from c2t_wizard.services.journal import DeliveryState

    staff = [*people("confirm", 1), NewUser("Ann", "Lee", "Ann Lee", "ann", "contoso.com", "ann@contoso.com")]
    run_id = journal.start_run("tenant-a", staff)
    records = journal.people(run_id)
    for n, record in enumerate(records):
        journal.mark_created(run_id, record.key, f"id-{n}")
        journal.mark_credentials_delivered(run_id, record.key, "clipboard")
    asyncio.run(record_confirmed(journal, [(run_id, records[0].key)]))
    first, second = journal.people(run_id)
    assert (first.delivery_state, second.delivery_state) == (DeliveryState.CONFIRMED, DeliveryState.COPIED)
    assert cap_domains([DOMAIN], records) == [DOMAIN, "contoso.com"]
    assert cap_domains([DOMAIN, "contoso.com"], records) == [DOMAIN, "contoso.com"]


def test_the_cap_splits_people_in_their_order() -> None:
    people_mail = [("a", "a@example.com"), ("b", "b@contoso.com"), ("c", "c@example.org"), ("d", "d@x.net")]
    plan = plan_sends("admin@contoso.onmicrosoft.com", (DOMAIN, "contoso.com"), MOERA_CAP - 1, people_mail)
    assert split_by_cap(plan, ["d", "c", "b", "a"]) == (["b", "a"], ["d", "c"])
    free = plan_sends("admin@contoso.com", (DOMAIN, "contoso.com"), MOERA_CAP * 2, people_mail)
    assert split_by_cap(free, ["a", "b", "c", "d"]) == (["a", "b", "c", "d"], [])


# --- invite -------------------------------------------------------------------------------------------


def test_an_invitation_plan_names_the_roles_in_the_portal_order() -> None:
    plan = plan_invitation(
        "run-1",
        "anna@contoso.onmicrosoft.com",
        "acct-1",
        email="anna@partner-example.com",
        first_name="Anna",
        last_name="Berg",
        roles={PortalRole.SERVICE_VIEWER, PortalRole.ACCOUNT_OWNER},
        send=SendMode.LINK,
    )
    assert plan.roles == ("account_owner", "service_viewer")
    assert (plan.account_id, plan.email, plan.send_mode) == ("acct-1", "anna@partner-example.com", "link")


def test_what_the_users_page_does_about_earlier_runs() -> None:
    from c2t_wizard.services.user_creation import ResumeAction, ResumeCheck, resume_check

    base: dict[str, Any] = {
        "journal_open": True,
        "shown": (),
        "checked_for": None,
        "resume_tenant_id": None,
        "continued_runs": (),
        "resume_answered": False,
        "tenant_id": "tenant-a",
    }
    # Nothing chosen on the Welcome page: the tenant's unfinished runs are looked for, once.
    assert resume_check(**base) == ResumeCheck(ResumeAction.OFFER, marker="tenant-a")
    assert resume_check(**{**base, "checked_for": "tenant-a"}).action is ResumeAction.NOTHING
    # The Welcome page's offer was answered (started afresh), or runs are in the table: nothing is offered.
    assert resume_check(**{**base, "resume_answered": True}).action is ResumeAction.NOTHING
    assert resume_check(**{**base, "shown": ("run-0",)}).action is ResumeAction.NOTHING
    # Not signed in yet, or no journal yet: nothing (asked again when they come).
    assert resume_check(**{**base, "tenant_id": None}).action is ResumeAction.NOTHING
    assert resume_check(**{**base, "journal_open": False}).action is ResumeAction.NOTHING
    # Continued on the Welcome page: those runs come back, once.
    chosen = {
        **base,
        "resume_tenant_id": "tenant-a",
        "continued_runs": ("run-1", "run-2"),
        "resume_answered": True,
    }
    assert resume_check(**chosen) == ResumeCheck(ResumeAction.RESTORE, ("run-1", "run-2"), "run-1,run-2")
    assert resume_check(**{**chosen, "checked_for": "run-1,run-2"}).action is ResumeAction.NOTHING
    assert resume_check(**{**chosen, "shown": ("run-1",)}).action is ResumeAction.NOTHING


def test_handing_over_and_inviting_run_at_the_same_time_and_a_failure_stops_both() -> None:
    from c2t_wizard.services.onboarding_run import _together

    async def main() -> list[str]:
        seen: list[str] = []
        mailed, invited = asyncio.Event(), asyncio.Event()

        async def deliver() -> None:
            mailed.set()
            await invited.wait()  # run one after the other, this never ends: the test's wait_for says so
            seen.append("delivered")

        async def invite() -> None:
            invited.set()
            await mailed.wait()
            seen.append("invited")

        await asyncio.wait_for(_together([deliver(), invite()]), 30)

        cancelled = asyncio.Event()

        async def fails() -> None:
            await mailed.wait()
            raise LookupError("a step failed")

        async def waits() -> None:
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                cancelled.set()
                raise

        with pytest.raises(LookupError):  # as it was raised, not in an exception group
            await _together([waits(), fails()])
        assert cancelled.is_set()  # the other step did not go on alone
        return seen

    assert sorted(asyncio.run(main())) == ["delivered", "invited"]
