"""Inviting through any portal backend: journal writes before and after each call, the Idempotency-Key
reused on retry and resume, bounded concurrency, "already invited" done, stop letting in-flight calls
finish and be recorded, revoke, the status refresh; and GuidedPortal with the browser opener replaced."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from portal_helpers import EXPIRY, RecordingPortal

from c2t_wizard.domain.portal import (
    AccountKind,
    Invitation,
    InvitationRequest,
    InvitationStatus,
    PortalAccount,
    PortalRole,
)
from c2t_wizard.domain.portal_message import build_invitation_message
from c2t_wizard.domain.users import NewUser
from c2t_wizard.services.journal import InvitationPlan, InvitationState, Journal, person_key
from c2t_wizard.services.portal import BackendKind, PortalProblem
from c2t_wizard.services.portal_guided import ClickStep, GuidedPortal
from c2t_wizard.services.portal_invites import (
    InviteProgress,
    invite_people,
    refresh_invitations,
    revoke_invitations,
)

TENANT = "tenant-1"


def people(count: int) -> list[NewUser]:
    return [
        NewUser(f"F{i}", f"L{i}", f"F{i} L{i}", f"u{i}", "contoso.onmicrosoft.com", f"u{i}@firma.example")
        for i in range(count)
    ]


def plans(
    run_id: str, users: list[NewUser], roles: tuple[str, ...] = ("service_contributor",)
) -> list[InvitationPlan]:
    return [
        InvitationPlan(run_id, person_key(u.upn), "acc", u.email, u.first_name, u.last_name, roles)
        for u in users
    ]


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    opened = Journal.open(tmp_path / "journal.sqlite3")
    yield opened  # type: ignore[misc]
    opened.close()


def test_everyone_is_invited_with_the_journal_written_before_and_after(journal: Journal) -> None:
    users = people(20)
    run = journal.start_run(TENANT, users)
    portal = RecordingPortal(journal=journal)
    seen: list[InviteProgress] = []
    summary = asyncio.run(invite_people(portal, journal, plans(run, users), report=seen.append))
    assert (summary.invited, summary.already, summary.failed, summary.not_sent) == (20, 0, 0, 0)
    assert set(portal.states_seen) == {InvitationState.SENDING}  # written before each call
    rows = journal.invitations(run)
    assert {r.state for r in rows} == {InvitationState.INVITED}
    assert {r.expires_at for r in rows} == {EXPIRY}
    assert sorted(r.idempotency_key for r in rows) == sorted(portal.keys)
    assert [p.answered for p in seen] == list(range(1, 21))
    assert seen[-1].total == 20
    # Invite all again: nobody is sent twice.
    again = asyncio.run(invite_people(portal, journal, plans(run, users)))
    assert (again.invited, len(portal.keys)) == (0, 20)


def test_at_most_the_bound_in_flight(journal: Journal) -> None:
    users = people(30)
    run = journal.start_run(TENANT, users)
    portal = RecordingPortal()

    async def go() -> None:
        portal.gate = threading.Event()
        task = asyncio.create_task(invite_people(portal, journal, plans(run, users), concurrency=8))
        while portal.in_flight < 8:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        assert portal.in_flight == 8
        portal.gate.set()
        await task

    asyncio.run(go())
    assert portal.most_in_flight == 8
    assert len(portal.keys) == 30


def test_already_invited_is_done_and_failures_are_recorded_in_plain_codes(journal: Journal) -> None:
    users = people(3)
    run = journal.start_run(TENANT, users)
    portal = RecordingPortal(fail={users[2].email: PortalProblem.NOT_ALLOWED})
    earlier = InvitationRequest(
        "someone-elses-key", users[1].email, "F1", "L1", frozenset({PortalRole.SERVICE_VIEWER})
    )
    asyncio.run(portal.invite("acc", earlier))
    summary = asyncio.run(invite_people(portal, journal, plans(run, users)))
    assert (summary.invited, summary.already, summary.failed) == (1, 1, 1)
    invited, already, failed = journal.invitations(run)
    assert invited.state is InvitationState.INVITED
    assert already.state is InvitationState.ALREADY_INVITED
    assert (failed.state, failed.problem_code, failed.problem_detail) == (
        InvitationState.FAILED,
        "not_allowed",
        "scripted",
    )


def test_retry_and_resume_reuse_the_idempotency_key_so_there_is_never_a_second_invitation(
    journal: Journal,
) -> None:
    users = people(2)
    run = journal.start_run(TENANT, users)
    portal = RecordingPortal(fail={users[0].email: PortalProblem.BUSY})
    asyncio.run(invite_people(portal, journal, plans(run, users)))
    busy, made = journal.invitations(run)
    assert (busy.state, made.state) == (InvitationState.FAILED, InvitationState.INVITED)
    # The app died while user 1's invite was on the wire, after the portal had made it: SENDING.
    journal.mark_invitation_sending(run, made.key)
    portal.fail.clear()
    summary = asyncio.run(invite_people(portal, journal, plans(run, users)))
    assert summary.invited == 2
    assert portal.keys.count(busy.idempotency_key) == 2  # the retry sent the same key
    assert portal.keys.count(made.idempotency_key) == 2  # so did the resume
    assert len(portal.by_key) == 2  # and still one invitation each
    assert {r.invitation_id for r in journal.invitations(run)} == {"inv-0", "inv-1"}


def test_stop_lets_what_is_in_flight_finish_and_be_recorded(journal: Journal) -> None:
    users = people(20)
    run = journal.start_run(TENANT, users)
    portal = RecordingPortal()
    stop = threading.Event()

    async def go() -> object:
        portal.gate = threading.Event()
        task = asyncio.create_task(
            invite_people(portal, journal, plans(run, users), concurrency=4, stop=stop)
        )
        while portal.in_flight < 4:
            await asyncio.sleep(0.01)
        stop.set()
        portal.gate.set()
        return await task

    summary = asyncio.run(go())
    assert (summary.invited, summary.not_sent) == (4, 16)  # type: ignore[attr-defined]
    states = [r.state for r in journal.invitations(run)]
    assert states.count(InvitationState.INVITED) == 4
    assert states.count(InvitationState.PLANNED) == 16


def test_revoke_and_refresh(journal: Journal) -> None:
    users = people(3)
    run = journal.start_run(TENANT, users)
    portal = RecordingPortal()
    asyncio.run(invite_people(portal, journal, plans(run, users)))
    rows = journal.invitations(run)
    outcomes = asyncio.run(revoke_invitations(portal, journal, rows[:1]))
    assert [o.record.state for o in outcomes] == [InvitationState.REVOKED]
    assert portal.revoked == [rows[0].invitation_id]
    # Someone accepted one, the other expired.
    k1, k2 = rows[1].idempotency_key, rows[2].idempotency_key
    inv1, inv2 = portal.by_key[k1], portal.by_key[k2]
    portal.by_key[k1] = Invitation(inv1.id, inv1.email, inv1.roles, InvitationStatus.ACCEPTED)
    portal.by_key[k2] = Invitation(inv2.id, inv2.email, inv2.roles, InvitationStatus.EXPIRED)
    changed = asyncio.run(refresh_invitations(portal, journal, journal.invitations(run)))
    assert [c.state for c in changed] == [InvitationState.ACCEPTED, InvitationState.FAILED]
    expired = journal.invitations(run)[2]
    assert expired.problem_code == "expired"
    assert expired.idempotency_key != k2  # a retry makes a new invitation, not the expired one again
    asyncio.run(invite_people(portal, journal, plans(run, users)))
    states = [r.state for r in journal.invitations(run)]
    assert states == [InvitationState.INVITED, InvitationState.ACCEPTED, InvitationState.INVITED]
    assert len(portal.by_key) == 5  # the revoked and the expired one were invited anew


def test_guided_portal_opens_the_portal_and_records_the_partners_mark(journal: Journal) -> None:
    opened: list[str] = []
    customer = PortalAccount("c1", "Fabrikam", AccountKind.CUSTOMER, "p")
    guided = GuidedPortal(
        lambda url: opened.append(url) or True,
        accounts=[PortalAccount("p", "Partner", AccountKind.PARTNER), customer],
    )
    assert guided.open_portal()
    assert opened == ["https://admin.call2teams.com"]
    assert guided.kind is BackendKind.GUIDED
    request = InvitationRequest(
        "k", " anna@firma.example ", "Anna", "Muster", frozenset({PortalRole.ACCOUNT_OWNER})
    )
    step = guided.step(customer, request)
    assert step.click_path == (
        ClickStep.MY_CUSTOMER_PORTAL,
        ClickStep.ACCOUNT_MENU,
        ClickStep.INVITE_ADMINISTRATIVE_USER,
    )
    assert (step.email, step.roles) == ("anna@firma.example", (PortalRole.ACCOUNT_OWNER,))
    assert step.implied == (PortalRole.SERVICE_CONTRIBUTOR, PortalRole.SERVICE_VIEWER)
    own = guided.step(PortalAccount("p", "Partner", AccountKind.PARTNER), request)
    assert own.click_path[0] is ClickStep.ACCOUNT_MENU
    users = people(1)
    run = journal.start_run(TENANT, users)
    summary = asyncio.run(invite_people(guided, journal, plans(run, users)))
    assert summary.invited == 1
    row = journal.invitations(run)[0]
    assert row.state is InvitationState.INVITED
    assert row.invitation_id is not None
    assert row.invitation_id.startswith("guided-")


def test_the_link_message_carries_the_advice_in_both_languages() -> None:
    url = "https://admin.call2teams.com/activate/abc"
    en = build_invitation_message(
        first_name="Anna", upn="anna@contoso.onmicrosoft.com", activation_url=url, language="en"
    )
    de = build_invitation_message(
        first_name="Anna", upn="anna@contoso.onmicrosoft.com", activation_url=url, language="de_AT"
    )
    assert url in en.text
    assert url in de.text
    assert "Unknown Account" in en.text
    assert "Unknown Account" in de.text
    assert "Junk" in en.text
    assert "Junk-E-Mail" in de.text
    assert "private" in en.text
    assert "privates Fenster" in de.text
    assert f'href="{url}"' in en.html
    assert de.language == "de"
    assert url not in repr(en)
