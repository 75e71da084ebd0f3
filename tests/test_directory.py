"""Bulk user creation through the real msgraph-sdk against a private sandbox: batches, throttling, faults,
idempotency (ours vs. someone else's), cancel and resume, eventual consistency, username availability."""

from __future__ import annotations

import asyncio
import contextlib
import random
import sqlite3
import ssl
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from conftest import Sandbox, start_sandbox
from helpers.sandbox_truth import check_journal_against_tenant, check_unlicensed, create_attempts, graph_token

from c2t_wizard.config import Endpoints
from c2t_wizard.domain.users import NewUser
from c2t_wizard.services.auth import AuthService
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.directory import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    BATCH_LIMIT,
    MAX_IN_FLIGHT,
    CreationProgress,
    DirectoryService,
    DirectoryUser,
    FailureCode,
    NotVisibleError,
    _is_ours,
    classify_error,
    parse_retry_after,
)
from c2t_wizard.services.graph import GraphSession
from c2t_wizard.services.journal import Journal, PersonRecord, PersonState

pytestmark = pytest.mark.filterwarnings(
    "ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"
)

DOMAIN = "contoso.onmicrosoft.com"


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """A private sandbox: the demo tenant's users are counted exactly (each test its own name prefix)."""
    sandbox = start_sandbox(tmp_path_factory.mktemp("directory-sandbox"), "--log-level", "WARNING")
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture
def sandbox_box(box: Sandbox) -> Iterator[Sandbox]:
    box.set_faults("")
    _set_quota(box, "3000/150s")
    try:
        yield box
    finally:
        box.set_faults("")
        _set_quota(box, "3000/150s")


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "data" / "journal.sqlite3")
    try:
        yield opened
    finally:
        opened.close()


def _set_quota(box: Sandbox, spec: str) -> None:
    httpx.post(f"{box.base}/_sandbox/quota", json={"writeQuota": spec}, timeout=5, trust_env=False)


def people(prefix: str, count: int, domain: str = DOMAIN) -> list[NewUser]:
    return [
        NewUser(
            first_name=f"First{i}",
            last_name=f"{prefix.title()}",
            display_name=f"First{i} {prefix.title()}",
            username=f"{prefix}.{i}",
            domain=domain,
            email=f"{prefix}.{i}@partner-example.com",
        )
        for i in range(count)
    ]


def tenant_users(box: Sandbox, prefix: str) -> dict[str, dict[str, Any]]:
    """The demo tenant's users whose username starts with ``prefix.``, by lower-case UPN (the sandbox, like
    Entra, never holds two users with one username: counting them proves nothing about "created twice")."""
    response = httpx.get(f"{box.base}/_sandbox/users", params={"tenant": DOMAIN}, timeout=10, trust_env=False)
    response.raise_for_status()
    users = response.json()["users"]
    return {u["upn"].lower(): u for u in users if u["upn"].lower().startswith(prefix.lower() + ".")}


def check_journal(
    box: Sandbox,
    journal: Journal,
    run_id: str,
    prefix: str,
    started: datetime,
    others: set[str] | None = None,
) -> None:
    """The journal and the tenant agree person by person (see ``helpers.sandbox_truth``)."""
    check_journal_against_tenant(
        journal.people(run_id),
        tenant_users(box, prefix),
        create_attempts(box.base, DOMAIN),
        run_started=started,
        others=others or set(),
    )


def check_no_licence(box: Sandbox, journal: Journal, run_id: str, started: datetime) -> None:
    """No assignLicense since the run started, and every user the run created has no licence (Graph)."""
    admin = box.info["demo"]["admin"]
    ids = [r.user_id for r in journal.people(run_id) if r.state is PersonState.CREATED and r.user_id]
    token = graph_token(box.info, admin["username"], admin["password"])
    check_unlicensed(box.info, token, DOMAIN, ids, since=started)


@contextlib.asynccontextmanager
async def directory(
    box: Sandbox, journal: Journal, kind: type[DirectoryService] = DirectoryService, **options: Any
) -> AsyncIterator[DirectoryService]:
    """A DirectoryService (or a ``kind`` of one) signed in as the demo tenant's administrator (ROPC), closed
    afterwards."""
    backend = Backend(Endpoints.from_sandbox_line(box.info))
    auth = AuthService(backend)
    admin = box.info["demo"]["admin"]
    await auth.sign_in_with_password(admin["username"], admin["password"])
    session = GraphSession(backend, auth)
    try:
        await session.client()  # sign-in and client before any fault is switched on
        yield kind(session, journal, **options)
    finally:
        await session.aclose()
        await backend.aclose()


class Waits:
    """An injected ``sleep``: records each wait and waits (almost) nothing."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0.001)


async def post_user_directly(box: Sandbox, auth_box_user: NewUser, display_name: str | None = None) -> str:
    """Create a user with plain HTTP (someone else, or an earlier attempt whose answer was lost)."""
    backend = Backend(Endpoints.from_sandbox_line(box.info))
    auth = AuthService(backend)
    admin = box.info["demo"]["admin"]
    await auth.sign_in_with_password(admin["username"], admin["password"])
    token = await auth.access_token()
    await backend.aclose()
    body = {
        "accountEnabled": True,
        "displayName": display_name or auth_box_user.display_name,
        "mailNickname": auth_box_user.mail_nickname,
        "userPrincipalName": auth_box_user.upn,
        "passwordProfile": {"password": "Someone-Else's-Passw0rd", "forceChangePasswordNextSignIn": True},
        "otherMails": [auth_box_user.email],
    }
    verify = ssl.create_default_context(cafile=str(box.info["ca_cert"]))
    async with httpx.AsyncClient(verify=verify, trust_env=False, timeout=10) as client:
        response = await client.post(
            f"{box.info['graph']}/users", json=body, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def states(journal: Journal, run_id: str) -> dict[PersonState, int]:
    counts: dict[PersonState, int] = {}
    for record in journal.people(run_id):
        counts[record.state] = counts.get(record.state, 0) + 1
    return counts


# --- the happy path ----------------------------------------------------------------------------------


def test_45_users_are_created_in_batches_without_a_licence(sandbox_box: Sandbox, journal: Journal) -> None:
    box = sandbox_box
    staff = people("happy", 45)
    started = datetime.now(UTC)
    run_id = journal.start_run(box.info["demo"]["tenant_id"], staff)
    reports: list[CreationProgress] = []
    batches: list[int] = []

    async def run() -> Any:
        async with directory(box, journal) as service:
            original = service.post_batch

            async def counting(client: Any, items: Any) -> Any:
                batches.append(len(items))
                return await original(client, items)

            service.post_batch = counting  # type: ignore[method-assign]
            return await service.create_users(run_id, report=reports.append)

    result = asyncio.run(run())

    assert sorted(batches) == [5, 20, 20]
    assert (result.created, result.existed, result.failed, result.remaining) == (45, 0, 0, 0)
    assert not result.cancelled
    created = tenant_users(box, "happy")
    assert set(created) == {u.upn.lower() for u in staff}
    for user in staff:
        entry = created[user.upn.lower()]
        assert entry["accountEnabled"] is True
        assert entry["forceChangePasswordNextSignIn"] is True
        assert entry["otherMails"] == [user.email]
        assert entry["usageLocation"] is None  # no licence, nothing licence-related
        assert entry["mailNickname"] == user.mail_nickname
        assert (entry["givenName"], entry["surname"], entry["displayName"]) == (
            user.first_name,
            user.last_name,
            user.display_name,
        )
    records = journal.people(run_id)
    assert {r.state for r in records} == {PersonState.CREATED}
    assert {r.key: r.user_id for r in records} == {upn: entry["id"] for upn, entry in created.items()}
    assert all(r.credentials_pending and r.attempts == 1 for r in records)
    # One create each, and the tenant's users are the journal's (ids, first send, no extra attempt).
    check_journal(box, journal, run_id, "happy", started)
    assert all(len(tries) == 1 for upn, tries in create_attempts(box.base, DOMAIN).items() if upn in created)
    # Without a licence: no assignLicense call, nothing in assignedLicenses or licenseDetails.
    check_no_licence(box, journal, run_id, started)
    # Passwords: one per person, different, known to this process only, never in the result's repr.
    assert set(result.passwords) == {r.key for r in records}
    assert len(set(result.passwords.values())) == 45
    assert result.needs_password_reset == ()
    assert "passwords=" not in repr(result)
    for password in result.passwords.values():
        assert password not in repr(result)
        assert password not in str(result)
    # Progress: first report before anything, counts never go back, the last one says done.
    assert (reports[0].created, reports[0].remaining, reports[0].total) == (0, 45, 45)
    assert [r.created for r in reports] == sorted(r.created for r in reports)
    assert (reports[-1].created, reports[-1].remaining) == (45, 0)
    assert reports[-1].last is not None
    # The journal files never saw a password.
    journal_bytes = b"".join(p.read_bytes() for p in journal.path.parent.iterdir())
    assert staff[0].email.encode() in journal_bytes
    for password in result.passwords.values():
        assert password.encode() not in journal_bytes


def test_users_that_existed_before_are_reported_and_never_modified(
    sandbox_box: Sandbox, journal: Journal
) -> None:
    box = sandbox_box
    staff = people("prior", 6)
    existing = staff[:3]

    async def run() -> Any:
        for user in existing:
            await post_user_directly(box, user, display_name="Someone Else")
        before = tenant_users(box, "prior")
        run_id = journal.start_run(box.info["demo"]["tenant_id"], staff)
        async with directory(box, journal) as service:
            return before, run_id, await service.create_users(run_id)

    started = datetime.now(UTC)
    before, run_id, result = asyncio.run(run())

    assert (result.created, result.existed, result.failed) == (3, 3, 0)
    after = tenant_users(box, "prior")
    assert len(after) == 6
    for user in existing:
        assert after[user.upn.lower()] == before[user.upn.lower()]  # untouched: name, dates, everything
        record = next(r for r in result.people if r.key == user.upn.lower())
        assert record.state is PersonState.EXISTS
        assert record.failure_code == FailureCode.DUPLICATE_EXISTED.value
        assert record.failure_detail is not None
        assert "already exists" in record.failure_detail
        assert not record.credentials_pending
        assert record.key not in result.passwords
    check_journal(box, journal, run_id, "prior", started, others={u.upn.lower() for u in existing})


def test_an_address_held_by_a_group_is_its_own_failure_not_already_existed(
    sandbox_box: Sandbox, journal: Journal
) -> None:
    """The demo tenant's mail-enabled group "Sales" holds sales@ and vertrieb@: Graph answers an
    ObjectConflict on proxyAddresses. Nobody is counted as "already existed", nothing is read back."""
    box = sandbox_box
    held = [
        NewUser("Sales", "Team", "Sales Team", "sales", DOMAIN, "sales@partner-example.com"),
        NewUser("Vertrieb", "Team", "Vertrieb Team", "Vertrieb", DOMAIN, "vertrieb@partner-example.com"),
    ]
    existing = people("heldprior", 1)
    staff = [*held, *existing, *people("heldfree", 2)]
    run_id = journal.start_run(box.info["demo"]["tenant_id"], staff)

    async def run() -> Any:
        await post_user_directly(box, existing[0], display_name="Someone Else")
        async with directory(box, journal) as service:
            return await service.create_users(run_id)

    result = asyncio.run(run())
    assert (result.created, result.existed, result.failed) == (2, 1, 2)
    by_key = {r.key: r for r in result.people}
    for person in held:
        record = by_key[person.upn.lower()]
        assert record.state is PersonState.FAILED
        assert record.failure_code == FailureCode.ADDRESS_IN_USE.value
        assert "proxyAddresses" in (record.failure_detail or "")
        assert record.attempts == 1  # final, never retried
        assert record.user_id is None
        assert record.key not in result.passwords
    # A username another user holds is still "already existed".
    assert by_key[existing[0].upn.lower()].failure_code == FailureCode.DUPLICATE_EXISTED.value
    attempts = create_attempts(box.base, DOMAIN)
    for person in held:
        assert [a["outcome"] for a in attempts[person.upn.lower()]] == ["conflict"]  # asked once, no user
    assert len(tenant_users(box, "heldfree")) == 2


def test_validation_failures_are_final_with_a_code(sandbox_box: Sandbox, journal: Journal) -> None:
    box = sandbox_box
    good = people("valid", 2)
    unverified = people("unverified", 1, domain="not-ours.example.com")[0]
    weak = people("weakpw", 1)[0]
    long_name = NewUser("Long", "Name", "x" * 300, "longname.0", DOMAIN, "long@partner-example.com")
    run_id = journal.start_run(box.info["demo"]["tenant_id"], [*good, unverified, weak, long_name])

    async def run() -> Any:
        async with directory(box, journal) as service:
            return await service.create_users(run_id, passwords={weak.upn.lower(): "weak1"})

    result = asyncio.run(run())
    by_key = {r.key: r for r in result.people}
    assert result.created == 2
    assert by_key[unverified.upn.lower()].failure_code == FailureCode.DOMAIN_NOT_VERIFIED.value
    assert by_key[weak.upn.lower()].failure_code == FailureCode.PASSWORD_POLICY.value
    assert by_key[long_name.upn.lower()].failure_code == FailureCode.INVALID_PROPERTY.value
    for key in (unverified.upn.lower(), weak.upn.lower(), long_name.upn.lower()):
        assert by_key[key].state is PersonState.FAILED
        assert by_key[key].attempts == 1  # a 400 is final, never retried
        assert "weak1" not in (by_key[key].failure_detail or "")
    assert len(tenant_users(box, "valid")) == 2
    assert tenant_users(box, "weakpw") == {}
    assert tenant_users(box, "longname") == {}


# --- faults, throttling, idempotency -----------------------------------------------------------------


def test_faults_leave_exactly_n_users_and_a_true_journal(sandbox_box: Sandbox, journal: Journal) -> None:
    box = sandbox_box
    staff = people("faulty", 80)
    started = datetime.now(UTC)
    run_id = journal.start_run(box.info["demo"]["tenant_id"], staff)

    async def run() -> Any:
        async with directory(box, journal, rng=random.Random(7)) as service:
            box.set_faults(
                "429=0.2,503=0.05,drop_after_commit=0.05,drop_before_commit=0.05,"
                "batch429=0.05,424=0.05,retry_after=50ms"
            )
            return await service.create_users(run_id)

    result = asyncio.run(run())
    box.set_faults("")
    created = tenant_users(box, "faulty")
    assert set(created) == {u.upn.lower() for u in staff}  # nobody missing, nobody under another name
    assert (result.created, result.existed, result.failed, result.remaining) == (80, 0, 0, 0)
    records = journal.people(run_id)
    assert any(r.attempts > 1 for r in records)  # the faults did hit
    # Each person: created by the first create that reached Microsoft, resends met a conflict and were
    # recognised as ours (none "already existed"), the journal keeps the user's id; no licence for anyone.
    check_journal(box, journal, run_id, "faulty", started)
    check_no_licence(box, journal, run_id, started)
    # A password is handed out only when every attempt carried it (all attempts were this process's).
    assert set(result.passwords) == {r.key for r in records}


def test_lost_answers_are_recognised_as_ours_and_others_are_not(
    sandbox_box: Sandbox, journal: Journal
) -> None:
    """The app sent a batch and died before the answer: the users exist. On resume, "already exists" is
    ours when the user is the one we sent; someone else's user with the same username is not."""
    box = sandbox_box
    staff = people("lost", 4)
    started = datetime.now(UTC)
    run_id = journal.start_run(box.info["demo"]["tenant_id"], staff)
    keys = [r.key for r in journal.people(run_id)]

    async def run() -> Any:
        journal.mark_sending(run_id, keys[:3])  # on the wire when the app died ...
        await post_user_directly(box, staff[0])  # ... and these two were committed
        await post_user_directly(box, staff[1])
        await post_user_directly(box, staff[2], display_name="Not The Same Person")  # someone else's
        async with directory(box, journal) as service:
            return await service.create_users(run_id)

    result = asyncio.run(run())
    by_key = {r.key: r for r in result.people}
    assert by_key[keys[0]].state is PersonState.CREATED
    assert by_key[keys[1]].state is PersonState.CREATED
    assert by_key[keys[2]].state is PersonState.EXISTS
    assert by_key[keys[3]].state is PersonState.CREATED
    # The two recovered users were created with a password this process never knew: reset before delivery.
    assert set(result.needs_password_reset) == {keys[0], keys[1]}
    assert set(result.passwords) == {keys[3]}
    check_journal(box, journal, run_id, "lost", started, others={keys[2]})


def test_a_user_read_back_is_read_from_graph_s_json() -> None:
    read = DirectoryUser.from_json(
        {
            "id": "8f1c",
            "userPrincipalName": "ada@contoso.onmicrosoft.com",
            "displayName": "Ada Admin",
            "mailNickname": "ada",
            "otherMails": ["ada@example.com", 7],
            "createdDateTime": "2026-01-01T12:00:00Z",
        }
    )
    assert read == DirectoryUser(
        "8f1c",
        "ada@contoso.onmicrosoft.com",
        "Ada Admin",
        "ada",
        ["ada@example.com"],
        datetime(2026, 1, 1, 12, 0, tzinfo=UTC),
    )
    # what Graph may leave out or send as null
    nulls = {"id": "1", "otherMails": None, "createdDateTime": None}
    assert DirectoryUser.from_json(nulls) == DirectoryUser("1")
    assert DirectoryUser.from_json({"createdDateTime": "yesterday"}).created_date_time is None


def test_is_ours_compares_properties_and_time() -> None:
    sent = datetime(2026, 1, 1, 12, 0, 0, 500000, tzinfo=UTC)
    record = SimpleNamespace(
        display_name="Ada Admin",
        mail_nickname="ada",
        email="ada@example.com",
        first_sent_at=sent,
    )

    def user(**changes: Any) -> Any:
        values = {
            "display_name": "Ada Admin",
            "mail_nickname": "Ada",
            "other_mails": ["ADA@example.com"],
            "created_date_time": sent.replace(microsecond=0),
        }
        values.update(changes)
        return SimpleNamespace(**values)

    person: PersonRecord = record  # type: ignore[assignment]
    assert _is_ours(person, user())
    assert _is_ours(person, user(created_date_time=sent - timedelta(seconds=30)))  # clock skew
    assert not _is_ours(person, user(created_date_time=sent - timedelta(days=3)))  # there before us
    assert not _is_ours(person, user(display_name="Ada Other"))
    assert not _is_ours(person, user(mail_nickname="ada2"))
    assert not _is_ours(person, user(other_mails=[]))
    assert not _is_ours(person, user(created_date_time=None))
    never_sent: PersonRecord = SimpleNamespace(**{**vars(record), "first_sent_at": None})  # type: ignore[assignment]
    assert not _is_ours(never_sent, user())


def test_per_item_retry_after_is_honoured(sandbox_box: Sandbox, journal: Journal) -> None:
    box = sandbox_box
    staff = people("patient", 40)
    run_id = journal.start_run(box.info["demo"]["tenant_id"], staff)
    waits = Waits()

    async def run() -> Any:
        async with directory(box, journal, sleep=waits) as service:
            box.set_faults("429=0.3,retry_after=7s")
            return await service.create_users(run_id)

    result = asyncio.run(run())
    assert result.created == 40
    assert waits.waits
    assert set(waits.waits) == {7.0}  # exactly the items' Retry-After, never a guess
    assert len(tenant_users(box, "patient")) == 40


def test_whole_batch_throttling_is_waited_out(sandbox_box: Sandbox, journal: Journal) -> None:
    """A batch refused whole with 429 waits its Retry-After. A 424 has none: the back-off, which doubles with
    each back-off its people already had, with jitter: ``BACKOFF_BASE * 2**(n-1)`` (at most ``BACKOFF_CAP``)
    times 0.5 to 1 for the n-th. Every back-off of the n-th kind follows n-1 earlier ones of the same people,
    so the i-th back-off wait of the run is at most the i-th ceiling, and never below ``BACKOFF_BASE / 2``."""
    box = sandbox_box
    staff = people("wholebatch", 80)
    run_id = journal.start_run(box.info["demo"]["tenant_id"], staff)
    waits = Waits()
    spec = ""

    async def run() -> Any:
        nonlocal spec
        async with directory(box, journal, sleep=waits, batch_size=5, rng=random.Random(5)) as service:
            spec = box.set_faults("batch429=0.5,424=0.3,retry_after=4s")  # 16 batches; a fixed seed
            return await service.create_users(run_id)

    result = asyncio.run(run())
    assert result.created == 80, spec
    backoffs = [w for w in waits.waits if w != 4.0]
    assert len(backoffs) < len(waits.waits), f"no batch throttled under {spec}"  # 4.0: their Retry-After
    assert backoffs, f"no batch answered 424 under {spec}"
    for i, wait in enumerate(backoffs, start=1):
        ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (i - 1))
        assert BACKOFF_BASE / 2 <= wait <= ceiling, f"back-off #{i}: {wait} s; {waits.waits} under {spec}"
    assert len(tenant_users(box, "wholebatch")) == 80


def test_the_write_quota_is_waited_out(sandbox_box: Sandbox, journal: Journal) -> None:
    """Graph's identity write quota (tiny here: 20 writes a second): items answered 429, Retry-After 1."""
    box = sandbox_box
    staff = people("quota", 45)
    run_id = journal.start_run(box.info["demo"]["tenant_id"], staff)

    async def run() -> Any:
        async with directory(box, journal) as service:
            _set_quota(box, "20/1s")
            return await service.create_users(run_id)

    result = asyncio.run(run())
    assert result.created == 45
    assert max(r.attempts for r in result.people) > 1
    assert len(tenant_users(box, "quota")) == 45


def test_waiting_is_bounded(sandbox_box: Sandbox, journal: Journal) -> None:
    box = sandbox_box
    staff = people("throttled", 25)
    run_id = journal.start_run(box.info["demo"]["tenant_id"], staff)
    waits = Waits()

    async def run() -> Any:
        async with directory(box, journal, sleep=waits, max_total_wait=25.0) as service:
            box.set_faults("429=1,retry_after=10s")
            return await service.create_users(run_id)

    result = asyncio.run(run())
    assert result.failed == 25
    for record in result.people:
        assert record.state is PersonState.FAILED
        assert record.failure_code == FailureCode.THROTTLED_TOO_LONG.value
        assert record.attempts == 3  # sent, waited 10, sent, waited 10 (20 s), the next 10 s is too many
        assert record.failure_detail is not None
        assert "20 s" in record.failure_detail
        assert "429" in record.failure_detail
    assert sum(waits.waits) <= 25.0 * 2  # two groups (20 + 5), each waited 20 s at most
    assert tenant_users(box, "throttled") == {}
    # Failed people can be tried again later (e.g. the summary's retry button).
    box.set_faults("")
    assert len(journal.requeue(run_id)) == 25


def test_a_zero_retry_after_still_ends_in_bounded_time(sandbox_box: Sandbox, journal: Journal) -> None:
    """``Retry-After: 0`` (or an HTTP date already past) is no measure: back-off, so the waits add up to the
    bound instead of retrying at once, forever."""
    box = sandbox_box
    staff = people("zerowait", 3)
    run_id = journal.start_run(box.info["demo"]["tenant_id"], staff)
    waits = Waits()

    async def run() -> tuple[Any, bool | None]:
        async with directory(box, journal, sleep=waits, max_total_wait=5.0) as service:
            await service.warm_up()
            box.set_faults("429=1,retry_after=0s")
            result = await asyncio.wait_for(service.create_users(run_id), 30)
            box.set_faults("503=1,retry_after=0s")
            free = await asyncio.wait_for(service.is_username_free(f"zerowait.x@{DOMAIN}", max_wait=5), 30)
            return result, free

    result, free = asyncio.run(run())
    assert result.failed == 3
    assert {r.failure_code for r in result.people} == {FailureCode.THROTTLED_TOO_LONG.value}
    assert free is None
    assert waits.waits
    assert all(wait > 0 for wait in waits.waits)
    assert tenant_users(box, "zerowait") == {}


def test_a_read_back_that_fails_ends_the_run_instead_of_hanging(
    sandbox_box: Sandbox, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Giving up reads the user back, then writes the journal: if that write fails, ``create_users`` raises
    it (the workers must not wait forever for a person nobody will record) and the journal stays true."""
    box = sandbox_box
    staff = people("readback", 2)
    run_id = journal.start_run(box.info["demo"]["tenant_id"], staff)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    async def run() -> Any:
        async with directory(box, journal, sleep=Waits(), max_total_wait=3.0) as service:
            await service.warm_up()
            box.set_faults("503=1,retry_after=1s")
            monkeypatch.setattr(journal, "mark_failed", broken)
            return await asyncio.wait_for(service.create_users(run_id), 30)

    with pytest.raises(sqlite3.OperationalError):
        asyncio.run(run())
    monkeypatch.undo()
    for record in journal.people(run_id):
        assert record.state is PersonState.PLANNED
        assert record.in_doubt
    assert tenant_users(box, "readback") == {}


def test_creation_keeps_max_in_flight_batches_on_the_wire_by_default(
    sandbox_box: Sandbox, journal: Journal
) -> None:
    """A run of 10 batches: by default ``MAX_IN_FLIGHT`` (8) ``$batch`` requests go out together, never more.
    Every batch is held until that many are on the wire (or 30 s pass, a failure), so the count does not
    depend on the machine's speed."""
    box = sandbox_box
    staff = people("inflight", 10 * BATCH_LIMIT)
    run_id = journal.start_run(box.info["demo"]["tenant_id"], staff)
    seen = SimpleNamespace(now=0, most=0, full=False)

    class Counting(DirectoryService):
        async def post_batch(self, client: Any, items: Any) -> Any:
            seen.now += 1
            seen.most = max(seen.most, seen.now)
            if seen.now == MAX_IN_FLIGHT:
                seen.full = True
                gate.set()
            try:
                if not seen.full:
                    await asyncio.wait_for(gate.wait(), 30)
                return await super().post_batch(client, items)
            finally:
                seen.now -= 1

    gate = asyncio.Event()

    async def run() -> Any:
        async with directory(box, journal, Counting) as service:
            return await service.create_users(run_id)

    result = asyncio.run(run())
    assert MAX_IN_FLIGHT == 8
    assert seen.most == MAX_IN_FLIGHT
    assert (result.created, result.failed) == (10 * BATCH_LIMIT, 0)


# --- cancel and resume -------------------------------------------------------------------------------


def test_cancel_stops_new_batches_and_the_run_resumes(sandbox_box: Sandbox, journal: Journal) -> None:
    box = sandbox_box
    staff = people("cancel", 60)
    started = datetime.now(UTC)
    run_id = journal.start_run(box.info["demo"]["tenant_id"], staff)

    async def run() -> Any:
        async with directory(box, journal, batch_size=5, max_in_flight=2) as service:
            box.set_faults("latency=100ms")

            def report(progress: CreationProgress) -> None:
                if progress.created >= 10:
                    service.cancel_creation(run_id)

            first = await service.create_users(run_id, report=report)
            middle = states(journal, run_id)
            in_tenant = len(tenant_users(box, "cancel"))
            second = await service.create_users(run_id)
            return first, middle, in_tenant, second

    first, middle, in_tenant, second = asyncio.run(run())
    assert first.cancelled
    assert 10 <= first.created < 60
    assert middle.get(PersonState.SENDING, 0) == 0  # in-flight batches finished and were recorded
    assert middle[PersonState.PLANNED] == 60 - first.created
    assert in_tenant == first.created  # the journal is true
    assert [s.run_id for s in journal.unfinished_runs()] == [run_id]
    assert not second.cancelled
    assert (second.created, second.remaining) == (60, 0)
    assert all(r.attempts == 1 for r in second.people)  # nobody sent twice
    check_journal(box, journal, run_id, "cancel", started)
    assert set(second.passwords) == {r.key for r in second.people}  # same process: all passwords known


def test_a_run_paced_to_the_write_quota_says_how_long_and_stops_while_it_waits(
    sandbox_box: Sandbox, journal: Journal
) -> None:
    """10 writes per 10 minutes: the first batch goes, the next waits for the window; the ETA says so, and a
    cancel ends the wait at once with everyone not sent still planned."""
    box = sandbox_box
    staff = people("paced", 30)
    run_id = journal.start_run(box.info["demo"]["tenant_id"], staff)
    heard: list[CreationProgress] = []

    async def run() -> Any:
        async with directory(
            box, journal, batch_size=10, max_in_flight=2, write_quota=(10, 600.0)
        ) as service:

            def report(progress: CreationProgress) -> None:
                heard.append(progress)
                if progress.created >= 10:
                    service.cancel_creation(run_id)

            return await service.create_users(run_id, report=report)

    result = asyncio.run(run())
    assert result.cancelled
    assert result.created == 10
    later = [r for r in journal.people(run_id) if r.state is PersonState.PLANNED]
    assert len(later) == 20
    assert all(r.attempts == 0 for r in later)  # never sent: waiting for the quota
    etas = [p.eta_seconds for p in heard if p.eta_seconds is not None]
    assert etas
    assert max(etas) > 2 * 600  # two more windows for the other 20


def test_cancelling_the_task_lets_in_flight_batches_finish(sandbox_box: Sandbox, journal: Journal) -> None:
    box = sandbox_box
    staff = people("taskcancel", 40)
    started = datetime.now(UTC)
    run_id = journal.start_run(box.info["demo"]["tenant_id"], staff)

    async def run() -> None:
        async with directory(box, journal, batch_size=5, max_in_flight=2) as service:
            box.set_faults("latency=150ms")
            started = asyncio.Event()

            def report(progress: CreationProgress) -> None:
                if progress.created >= 5:
                    started.set()

            task = asyncio.create_task(service.create_users(run_id, report=report))
            await started.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(run())
    counts = states(journal, run_id)
    assert counts.get(PersonState.SENDING, 0) == 0
    assert counts[PersonState.PLANNED] > 0
    check_journal(box, journal, run_id, "taskcancel", started)  # what finished is recorded, nothing else


# --- reading users back ------------------------------------------------------------------------------


def test_wait_until_visible_rides_out_replication_lag(sandbox_box: Sandbox, journal: Journal) -> None:
    box = sandbox_box
    staff = people("lag", 3)
    run_id = journal.start_run(box.info["demo"]["tenant_id"], staff)

    async def run() -> Any:
        async with directory(box, journal) as service:
            box.set_faults("consistency_delay=1s")
            result = await service.create_users(run_id)
            before = await service.get_user(staff[0].upn)
            ids = [await service.wait_until_visible(user.upn, timeout=20) for user in staff]
            with pytest.raises(NotVisibleError):
                await service.wait_until_visible(f"nobody@{DOMAIN}", timeout=0.5)
            return result, before, ids

    result, before, ids = asyncio.run(run())
    assert before is None  # just created: not readable yet
    assert ids == [r.user_id for r in result.people]


def test_is_username_free(sandbox_box: Sandbox, journal: Journal) -> None:
    box = sandbox_box
    waits = Waits()

    async def run() -> tuple[bool | None, bool | None, bool | None]:
        async with directory(box, journal, sleep=waits) as service:
            await service.warm_up()  # prepares, sends nothing
            taken = await service.is_username_free(box.info["demo"]["admin"]["username"])
            free = await service.is_username_free(f"surely.free.name@{DOMAIN}")
            box.set_faults("503=1,retry_after=2s")
            unknown = await service.is_username_free(f"surely.free.name@{DOMAIN}", max_wait=5)
            return taken, free, unknown

    assert asyncio.run(run()) == (False, True, None)
    assert waits.waits == [2.0, 2.0]  # retried after Retry-After, then "can't tell", never "free"


# --- pure rules --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "message", "expected"),
    [
        (400, "Request_BadRequest",
         "Another object with the same value for property userPrincipalName already exists.",
         FailureCode.DUPLICATE_EXISTED),
        (400, "Request_BadRequest",
         "The specified password does not comply with password complexity requirements. "
         "Please provide a different password.", FailureCode.PASSWORD_POLICY),
        (400, "Request_BadRequest",
         "The domain portion of the userPrincipalName property is invalid. You must use one of the verified "
         "domain names in your organization.", FailureCode.DOMAIN_NOT_VERIFIED),
        (400, "Request_BadRequest", "Invalid value specified for property 'mailNickname' of resource 'User'.",
         FailureCode.INVALID_PROPERTY),
        (403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.",
         FailureCode.FORBIDDEN),
        (500, "InternalServerError", "", FailureCode.SERVER),
        (409, "Conflict", "", FailureCode.UNKNOWN),
    ],
)  # fmt: skip
def test_classify_error(status: int, code: str, message: str, expected: FailureCode) -> None:
    assert classify_error(status, code, message) is expected


def test_duplicate_is_recognised_by_its_details_too() -> None:
    details = [{"target": "userPrincipalName", "code": "ObjectConflict"}]
    assert classify_error(400, "Request_BadRequest", "", details) is FailureCode.DUPLICATE_EXISTED


PROXY = "Another object with the same value for property proxyAddresses already exists."


@pytest.mark.parametrize(
    ("message", "details", "expected"),
    [
        # As reported (docs/microsoft-rules.md §4.3): a group, contact or shared mailbox holds the address.
        (PROXY, [{"code": "ObjectConflict", "message": PROXY, "target": "proxyAddresses"},
                 {"code": "ConflictingObjects", "message": PROXY, "target": "0b1c…"}],
         FailureCode.ADDRESS_IN_USE),
        (PROXY, [], FailureCode.ADDRESS_IN_USE),
        ("", [{"code": "ObjectConflict", "target": "proxyAddresses"}], FailureCode.ADDRESS_IN_USE),
        ("", [{"code": "ObjectConflict", "target": "mail"}], FailureCode.ADDRESS_IN_USE),
        ("", [{"code": "ObjectConflict"}], FailureCode.ADDRESS_IN_USE),  # no target: not "the user exists"
        ("A conflicting object with one or more of the specified property values is present in the "
         "directory.", [], FailureCode.ADDRESS_IN_USE),
        # Only userPrincipalName means "a user with this username exists".
        ("", [{"code": "ObjectConflict", "target": "userPrincipalName"}], FailureCode.DUPLICATE_EXISTED),
        ("Another object with the same value for property userPrincipalName already exists.",
         [{"target": "userPrincipalName", "code": "ObjectConflict"}], FailureCode.DUPLICATE_EXISTED),
        # Not a conflict at all.
        ("Property userPrincipalName is invalid.", [{"target": "userPrincipalName", "code": "InvalidValue"}],
         FailureCode.INVALID_PROPERTY),
    ],
)  # fmt: skip
def test_a_conflict_is_classified_by_its_target(
    message: str, details: list[dict[str, str]], expected: FailureCode
) -> None:
    assert classify_error(400, "Request_BadRequest", message, details) is expected


def test_parse_retry_after() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("2.128") == pytest.approx(2.128)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("") is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after("99999") == 300.0


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    service = DirectoryService(None, None, rng=random.Random(1))  # type: ignore[arg-type]
    first = [service.backoff(1) for _ in range(50)]
    assert all(0.25 <= d <= 0.5 for d in first)
    assert len(set(first)) > 1
    assert all(2.0 <= service.backoff(4) <= 4.0 for _ in range(20))
    assert all(15.0 <= service.backoff(30) <= 30.0 for _ in range(20))
