"""Credentials delivery: mailto links, Graph sendMail against the sandbox (with and without a mailbox, with
and without Mail.Send), the password reset on resume, and what the journal records."""

from __future__ import annotations

import asyncio
import functools
import html
import ssl
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest
from conftest import Sandbox
from helpers.sandbox_web import grant_consent, sign_up

from c2t_wizard.config import Endpoints
from c2t_wizard.domain.mail_cap import MOERA_CAP, CapPlan
from c2t_wizard.domain.users import NewUser
from c2t_wizard.domain.welcome_message import MICROSOFT_SIGN_IN_URL, build_welcome_message
from c2t_wizard.services.auth import AuthError, AuthProblem, AuthService
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.delivery import (
    DELIVERY_PROPERTY_ID,
    MAILTO_SAFE_LENGTH,
    DeliveryError,
    DeliveryMethod,
    DeliveryProblem,
    DeliveryService,
    MailboxStatus,
    Mailed,
    Outgoing,
    SendOutcome,
    build_mailto,
    classify_send_error,
    find_unrecorded_mail,
    load_created_people,
    mailto_url,
    record_delivered,
)
from c2t_wizard.services.directory import DirectoryService
from c2t_wizard.services.graph import GraphSession
from c2t_wizard.services.journal import SCHEMA_VERSION, DeliveryState, Journal, PersonState

pytestmark = pytest.mark.filterwarnings(
    "ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"
)


# --- mailto ------------------------------------------------------------------------------------------


def test_mailto_is_percent_encoded() -> None:
    url = mailto_url("anna+c2t@example.com", "Hello & welcome?", "Line one\nLine 2: a=b #3 100%\r\nÄ")
    assert url.startswith("mailto:anna%2Bc2t@example.com?subject=")
    query = url.split("?", 1)[1]
    assert query.startswith("subject=Hello%20%26%20welcome%3F&body=")
    body = query.split("&body=", 1)[1]
    assert body == "Line%20one%0D%0ALine%202%3A%20a%3Db%20%233%20100%25%0D%0A%C3%84"
    assert " " not in url
    assert "\n" not in url
    assert "+" not in query
    # What a mail client decodes is exactly what was meant (CRLF line breaks).
    assert unquote(body) == "Line one\r\nLine 2: a=b #3 100%\r\nÄ"


def test_mailto_without_body() -> None:
    assert mailto_url("a@example.com", "Hi there") == "mailto:a@example.com?subject=Hi%20there"


def test_mailto_keeps_the_body_while_it_fits() -> None:
    link = build_mailto("a@example.com", "S", "x" * 100)
    assert link.includes_body
    assert parse_qs(urlsplit(link.url).query)["body"] == ["x" * 100]


def test_mailto_falls_back_to_recipient_and_subject_when_too_long() -> None:
    body = "word " * 500
    link = build_mailto("a@example.com", "Your account", body)
    assert len(mailto_url("a@example.com", "Your account", body)) > MAILTO_SAFE_LENGTH
    assert not link.includes_body
    assert link.url == "mailto:a@example.com?subject=Your%20account"


def test_mailto_limit_is_inclusive() -> None:
    exact = mailto_url("a@example.com", "S", "b")
    assert build_mailto("a@example.com", "S", "b", limit=len(exact)).includes_body
    assert not build_mailto("a@example.com", "S", "b", limit=len(exact) - 1).includes_body


def test_a_real_english_welcome_message_fits_in_a_mail_link() -> None:
    user = NewUser(
        "Anna", "Müller", "Anna Müller", "anna.mueller", "contoso.onmicrosoft.com", "anna@example.com"
    )
    message = build_welcome_message(
        user, "Tq7$wPx2!mZr9vKa", language="en", sign_in_url=MICROSOFT_SIGN_IN_URL
    )
    link = build_mailto(user.email, message.subject, message.text)
    assert link.includes_body
    assert len(link.url) <= MAILTO_SAFE_LENGTH
    body = parse_qs(urlsplit(link.url).query)["body"][0]
    assert body.replace("\r\n", "\n") == message.text


# --- Graph error classification ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "problem"),
    [
        (404, "MailboxNotEnabledForRESTAPI", DeliveryProblem.NO_MAILBOX),
        (404, "MailboxNotFound", DeliveryProblem.NO_MAILBOX),
        (404, "ResourceNotFound", DeliveryProblem.NO_MAILBOX),
        # A tenant with no Exchange organisation: not a permission problem (the code wins over the status).
        (401, "OrganizationFromTenantGuidNotFound", DeliveryProblem.NO_MAILBOX),
        (403, "OrganizationFromTenantGuidNotFound", DeliveryProblem.NO_MAILBOX),
        (403, "ErrorAccessDenied", DeliveryProblem.NOT_ALLOWED),
        (401, "InvalidAuthenticationToken", DeliveryProblem.NOT_ALLOWED),
        (400, "ErrorInvalidRecipients", DeliveryProblem.INVALID_RECIPIENT),
        (429, "ApplicationThrottled", DeliveryProblem.THROTTLED),
        (503, "ServiceUnavailable", DeliveryProblem.SERVER),
        (400, "ErrorInvalidParameter", DeliveryProblem.UNKNOWN),
    ],
)
def test_send_errors_are_classified(status: int, code: str, problem: DeliveryProblem) -> None:
    assert classify_send_error(status, code) is problem


def test_problems_that_stop_sending() -> None:
    assert DeliveryProblem.NO_MAILBOX.stops_sending
    assert DeliveryProblem.NOT_ALLOWED.stops_sending
    assert not DeliveryProblem.INVALID_RECIPIENT.stops_sending
    assert not DeliveryProblem.THROTTLED.stops_sending


# --- against the sandbox -------------------------------------------------------------------------------


@dataclass
class Session:
    backend: Backend
    auth: AuthService
    graph: GraphSession
    delivery: DeliveryService
    journal: Journal
    directory: DirectoryService
    domain: str


class NoMailScopeAuth(AuthService):
    """Hands out the sign-in token whatever scopes are asked for: Graph sees no Mail.Send (a token carries
    what the tenant consented to for its client: a client consented for just ``CONSENTED``)."""

    CONSENTED = "User.Read User.ReadWrite.All"

    async def access_token(self, scopes: Sequence[str] | None = None, *, force_refresh: bool = False) -> str:
        return await super().access_token(None, force_refresh=force_refresh)


@asynccontextmanager
async def session(
    box: Sandbox, tmp_path: Path, *, fresh: bool = False, auth_class: type[AuthService] = AuthService
) -> AsyncIterator[Session]:
    """The demo administrator (who has a mailbox) or a freshly signed-up one (who has none), signed in."""
    if fresh:
        prefix = "deliver" + uuid.uuid4().hex[:10]
        account = await asyncio.to_thread(sign_up, box.base, organisation=f"Delivery {prefix}", prefix=prefix)
        username, password, domain = account["upn"], account["password"], f"{prefix}.onmicrosoft.com"
        # As if its Global Administrator had consented for the organisation (control API shortcut).
        scopes = "User.Read User.ReadWrite.All User-PasswordProfile.ReadWrite.All Mail.Send Mail.Read"
        await asyncio.to_thread(grant_consent, box.base, prefix, scopes)
    else:
        demo = box.info["demo"]["admin"]
        username, password, domain = demo["username"], demo["password"], box.info["demo"]["tenant"]
    backend = Backend(Endpoints.from_sandbox_line(box.info))
    consented = getattr(auth_class, "CONSENTED", None)
    if consented:
        client_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"c2t-test-client/{consented}"))
        await asyncio.to_thread(grant_consent, box.base, domain, consented, client_id=client_id)
        auth = auth_class(backend, client_id=client_id, cache_dir=tmp_path / "cache")
    else:
        auth = auth_class(backend, cache_dir=tmp_path / "cache")
    await auth.sign_in_with_password(username, password)
    graph = GraphSession(backend, auth)
    journal = Journal.open(tmp_path / f"journal-{uuid.uuid4().hex[:6]}.sqlite3")
    delivery = DeliveryService(graph, auth, backend, sandbox=True)
    try:
        yield Session(backend, auth, graph, delivery, journal, DirectoryService(graph, journal), domain)
    finally:
        await graph.aclose()
        await backend.aclose()
        journal.close()


async def create(s: Session, count: int) -> tuple[str, list[NewUser], dict[str, str]]:
    tag = uuid.uuid4().hex[:8]
    people = [
        NewUser(
            first_name=f"Person{n}",
            last_name="Delivery",
            display_name=f"Person{n} Delivery",
            username=f"p{n}.{tag}",
            domain=s.domain,
            email=f"p{n}.{tag}@example.com",
        )
        for n in range(count)
    ]
    run_id = s.journal.start_run("tenant", people)
    result = await s.directory.create_users(run_id)
    assert result.created == count
    return run_id, people, dict(result.passwords)


def outbox(box: Sandbox) -> list[dict[str, Any]]:
    response = httpx.get(f"{box.base}/_sandbox/outbox", timeout=10, trust_env=False)
    response.raise_for_status()
    messages: list[dict[str, Any]] = response.json()["messages"]
    return messages


def test_send_mail_delivers_one_message_per_person_and_records_it(sandbox: Sandbox, tmp_path: Path) -> None:
    async def run() -> tuple[list[SendOutcome], list[NewUser], dict[str, str], str, Session]:
        async with session(sandbox, tmp_path) as s:
            assert await s.delivery.probe_mailbox() is MailboxStatus.LIKELY
            run_id, people, passwords = await create(s, 3)
            url = await s.delivery.sign_in_url(s.domain)
            outgoing = [
                Outgoing(
                    user.upn.lower(),
                    user.email,
                    build_welcome_message(user, passwords[user.upn.lower()], language="en", sign_in_url=url),
                    run_id,
                )
                for user in people
            ]
            await s.delivery.enable_send_mail()
            reported: list[SendOutcome] = []
            outcomes = await s.delivery.send_each(outgoing, journal=s.journal, report=reported.append)
            assert reported == outcomes
            assert all(o.sent for o in outcomes), outcomes
            records = s.journal.people(run_id)
            assert all(r.credentials_delivered_at is not None for r in records)
            assert {r.delivery_method for r in records} == {"sendmail"}
            assert not any(r.credentials_pending for r in records)
            return outcomes, people, passwords, url, s

    outcomes, people, passwords, url, _s = asyncio.run(run())
    assert all(outcome.sent for outcome in outcomes)
    admin = sandbox.info["demo"]["admin"]["username"]
    messages = outbox(sandbox)
    for user in people:
        mine = [m for m in messages if m["to"] == [user.email]]
        assert len(mine) == 1, user.email
        body = html.unescape(mine[0]["body"])
        assert mine[0]["from"] == admin
        assert mine[0]["contentType"] == "html"
        assert user.upn in body
        assert passwords[user.upn.lower()] in body
        assert html.unescape(html.escape(url)) in body  # the sandbox's sign-in page
        assert mine[0]["cc"] == []
        assert mine[0]["bcc"] == []


def test_admin_without_a_mailbox_is_detected_and_sending_stops(sandbox: Sandbox, tmp_path: Path) -> None:
    async def run() -> tuple[MailboxStatus, DeliveryError, list[SendOutcome]]:
        async with session(sandbox, tmp_path, fresh=True) as s:
            status = await s.delivery.probe_mailbox()
            user = NewUser("A", "B", "A B", "ab", s.domain, f"ab.{uuid.uuid4().hex[:6]}@example.com")
            message = build_welcome_message(user, "pw-Secret-1", language="en", sign_in_url="x")
            await s.delivery.enable_send_mail()  # consent is given; the mailbox is still missing
            with pytest.raises(DeliveryError) as caught:
                await s.delivery.send_mail(user.email, message)
            outcomes = await s.delivery.send_each(
                [Outgoing("a", user.email, message), Outgoing("b", "other@example.com", message)]
            )
            return status, caught.value, outcomes

    before = len(outbox(sandbox))
    status, error, outcomes = asyncio.run(run())
    assert status is MailboxStatus.NONE
    assert error.problem is DeliveryProblem.NO_MAILBOX
    assert "MailboxNotEnabledForRESTAPI" in error.detail
    assert "pw-Secret-1" not in str(error)
    assert [(o.key, o.problem, o.attempted) for o in outcomes] == [
        ("a", DeliveryProblem.NO_MAILBOX, True),
        ("b", DeliveryProblem.NO_MAILBOX, False),
    ]
    assert len(outbox(sandbox)) == before


def test_a_tenant_without_exchange_is_no_mailbox_not_no_permission(sandbox: Sandbox, tmp_path: Path) -> None:
    """401 OrganizationFromTenantGuidNotFound (Entra-only tenant): deliver another way, not "no rights"."""

    async def run() -> tuple[DeliveryError, list[SendOutcome]]:
        async with session(sandbox, tmp_path, fresh=True) as s:
            switched = await asyncio.to_thread(
                httpx.post,
                f"{sandbox.base}/_sandbox/exchange",
                json={"tenant": s.domain, "enabled": False},
                timeout=10,
                trust_env=False,
            )
            assert switched.json()["exchange"] is False
            user = NewUser("A", "B", "A B", "ab", s.domain, f"ab.{uuid.uuid4().hex[:6]}@example.com")
            message = build_welcome_message(user, "pw-Secret-1", language="en", sign_in_url="x")
            await s.delivery.enable_send_mail()
            with pytest.raises(DeliveryError) as caught:
                await s.delivery.send_mail(user.email, message, delivery_id=uuid.uuid4().hex)
            outcomes = await s.delivery.send_each(
                [Outgoing("a", user.email, message), Outgoing("b", "other@example.com", message)]
            )
            return caught.value, outcomes

    before = len(outbox(sandbox))
    error, outcomes = asyncio.run(run())
    assert error.problem is DeliveryProblem.NO_MAILBOX
    assert not error.in_doubt
    assert "401 OrganizationFromTenantGuidNotFound" in error.detail
    assert "pw-Secret-1" not in str(error)
    assert [(o.key, o.problem, o.attempted) for o in outcomes] == [
        ("a", DeliveryProblem.NO_MAILBOX, True),
        ("b", DeliveryProblem.NO_MAILBOX, False),
    ]
    assert len(outbox(sandbox)) == before


def test_a_token_without_mail_send_is_refused_gracefully(sandbox: Sandbox, tmp_path: Path) -> None:
    async def run() -> DeliveryError:
        async with session(sandbox, tmp_path, auth_class=NoMailScopeAuth) as s:
            user = NewUser("A", "B", "A B", "ab", s.domain, "ab@example.com")
            message = build_welcome_message(user, "pw-Secret-2", language="en", sign_in_url="x")
            with pytest.raises(DeliveryError) as caught:
                await s.delivery.send_mail(user.email, message)
            return caught.value

    error = asyncio.run(run())
    assert error.problem is DeliveryProblem.NOT_ALLOWED
    assert "ErrorAccessDenied" in error.detail


def test_signed_out_is_sign_in_needed(sandbox: Sandbox, tmp_path: Path) -> None:
    async def run() -> DeliveryError:
        async with session(sandbox, tmp_path) as s:
            await s.auth.sign_out()
            with pytest.raises(DeliveryError) as caught:
                await s.delivery.enable_send_mail()
            return caught.value

    assert asyncio.run(run()).problem is DeliveryProblem.SIGN_IN_NEEDED


def test_reset_password_gives_a_new_temporary_password(sandbox: Sandbox, tmp_path: Path) -> None:
    async def run() -> tuple[str, str, NewUser, list[Any]]:
        async with session(sandbox, tmp_path) as s:
            run_id, people, passwords = await create(s, 1)
            record = s.journal.people(run_id)[0]
            assert record.user_id
            new = await s.delivery.reset_password(record.user_id)
            loaded = await load_created_people(s.journal, [run_id])
            return passwords[record.key], new, people[0], loaded

    old, new, user, loaded = asyncio.run(run())
    assert new != old
    assert [p.upn for p in loaded] == [user.upn]
    # The new password is the one that works now, and it must be changed at first sign-in.
    users = httpx.get(
        f"{sandbox.base}/_sandbox/users", params={"tenant": user.domain}, timeout=10, trust_env=False
    ).json()["users"]
    entry = next(u for u in users if u["upn"].lower() == user.upn.lower())
    assert entry["forceChangePasswordNextSignIn"] is True

    async def try_sign_in(password: str) -> AuthProblem | None:
        backend = Backend(Endpoints.from_sandbox_line(sandbox.info))
        auth = AuthService(backend, cache_dir=tmp_path / "user-cache")
        try:
            await auth.sign_in_with_password(user.upn, password)
        except AuthError as exc:
            return exc.problem
        finally:
            await backend.aclose()
        return None

    assert asyncio.run(try_sign_in(old)) is AuthProblem.WRONG_CREDENTIALS
    assert asyncio.run(try_sign_in(new)) is AuthProblem.INTERACTION_REQUIRED  # "update your password"


def test_reset_without_the_password_profile_permission_is_reset_not_allowed(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """A token with the sign-in scopes only (User.ReadWrite.All): Graph answers 403, the service says exactly
    that resetting passwords is not allowed (not "user not found", not a generic "no permission"), and the
    password handed over before still works."""

    async def run() -> tuple[DeliveryError, NewUser, str]:
        async with session(sandbox, tmp_path) as s:
            run_id, people, passwords = await create(s, 1)
            record = s.journal.people(run_id)[0]
            assert record.user_id
        async with session(sandbox, tmp_path, auth_class=NoMailScopeAuth) as limited:
            limited.delivery._sleep = _no_sleep
            with pytest.raises(DeliveryError) as caught:
                await limited.delivery.reset_password(record.user_id)
        return caught.value, people[0], passwords[record.key]

    error, user, old = asyncio.run(run())
    assert error.problem is DeliveryProblem.RESET_NOT_ALLOWED
    assert "403 Authorization_RequestDenied" in error.detail
    assert not error.in_doubt
    users = httpx.get(
        f"{sandbox.base}/_sandbox/users", params={"tenant": user.domain}, timeout=10, trust_env=False
    ).json()["users"]
    assert any(u["upn"].lower() == user.upn.lower() for u in users)
    log_in = ResetProbe(sandbox, tmp_path)
    assert (
        asyncio.run(log_in.problem(user.upn, old)) is AuthProblem.INTERACTION_REQUIRED
    )  # old one, unchanged


class ResetProbe:
    """Signs a user in with a password: which problem (None: signed in)."""

    def __init__(self, box: Sandbox, tmp_path: Path) -> None:
        self.box, self.cache = box, tmp_path / f"probe-{uuid.uuid4().hex[:6]}"

    async def problem(self, upn: str, password: str) -> AuthProblem | None:
        backend = Backend(Endpoints.from_sandbox_line(self.box.info))
        auth = AuthService(backend, cache_dir=self.cache)
        try:
            await auth.sign_in_with_password(upn, password)
        except AuthError as exc:
            return exc.problem
        finally:
            await backend.aclose()
        return None


def test_reset_of_an_unknown_user_is_user_not_found(sandbox: Sandbox, tmp_path: Path) -> None:
    async def run() -> DeliveryError:
        async with session(sandbox, tmp_path) as s:
            s.delivery._sleep = _no_sleep
            with pytest.raises(DeliveryError) as caught:
                await s.delivery.reset_password("00000000-0000-0000-0000-000000000000")
            return caught.value

    assert asyncio.run(run()).problem is DeliveryProblem.USER_NOT_FOUND


async def _no_sleep(_seconds: float) -> None:
    return None


def test_record_delivered_writes_method_and_time_only(tmp_path: Path) -> None:
    user = NewUser("A", "B", "A B", "ab", "contoso.onmicrosoft.com", "ab@example.com")
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        run_id = journal.start_run("tenant", [user])
        journal.mark_created(run_id, user.upn.lower(), "id-1")
        asyncio.run(record_delivered(journal, [(run_id, user.upn.lower())], DeliveryMethod.WELCOME_SHEET))
        asyncio.run(record_delivered(None, [(run_id, user.upn.lower())], DeliveryMethod.MAILTO))  # no journal
        record = journal.person(run_id, user.upn.lower())
    assert record.state is PersonState.CREATED
    assert record.delivery_method == "pdf"
    assert record.credentials_delivered_at is not None
    assert not record.credentials_pending


def test_sign_in_url_is_microsofts_outside_the_sandbox(sandbox: Sandbox) -> None:
    async def run() -> tuple[str, str]:
        backend = Backend(Endpoints.from_sandbox_line(sandbox.info))
        auth = AuthService(backend)
        graph = GraphSession(backend, auth)
        try:
            real = await DeliveryService(graph, auth, backend).sign_in_url("contoso.onmicrosoft.com")
            local = await DeliveryService(graph, auth, backend, sandbox=True).sign_in_url(
                "Contoso.onmicrosoft.com"
            )
            return real, local
        finally:
            await backend.aclose()

    real, local = asyncio.run(run())
    assert real == MICROSOFT_SIGN_IN_URL
    assert local.startswith(f"{sandbox.info['login']}/contoso.onmicrosoft.com/oauth2/v2.0/authorize?")
    assert "client_id=" in local
    # The sandbox shows its sign-in form there.
    context = ssl.create_default_context(cafile=sandbox.info["ca_cert"])
    page = httpx.get(local, verify=context, timeout=10, trust_env=False)
    assert page.status_code == 200
    assert "Sign in" in page.text


# --- at most once: a lost answer is checked in Sent Items before sending again ---------------------------


class LosesFirstAnswer(DeliveryService):
    """The first sendMail's answer is "lost" before the request reaches Graph (nothing is sent): what a
    client sees when a connection breaks mid-request."""

    lost = 0

    async def _post(self, payload: dict[str, Any]) -> httpx.Response:
        if not self.lost:
            self.lost += 1
            raise httpx.ReadError("connection reset")
        return await super()._post(payload)


class NoMailReadAuth(AuthService):
    """Hands out tokens with Mail.Send but never Mail.Read: Sent Items can't be read (a client consented
    for just ``CONSENTED``)."""

    CONSENTED = "User.Read User.ReadWrite.All User-PasswordProfile.ReadWrite.All Mail.Send"

    async def access_token(self, scopes: Sequence[str] | None = None, *, force_refresh: bool = False) -> str:
        kept = [scope for scope in scopes or () if scope != "Mail.Read"] or None
        return await super().access_token(kept, force_refresh=force_refresh)

    async def acquire_additional_scopes(self, scopes: Sequence[str], **kwargs: Any) -> Any:
        return await super().acquire_additional_scopes([s for s in scopes if s != "Mail.Read"], **kwargs)


async def send_to(
    s: Session, count: int, delivery: DeliveryService | None = None
) -> tuple[str, list[NewUser], list[SendOutcome]]:
    run_id, people, passwords = await create(s, count)
    outgoing = [
        Outgoing(
            user.upn.lower(),
            user.email,
            build_welcome_message(user, passwords[user.upn.lower()], language="en", sign_in_url="x"),
            run_id,
        )
        for user in people
    ]
    service = delivery or s.delivery
    await service.enable_send_mail()
    return run_id, people, await service.send_each(outgoing, journal=s.journal)


def mails_to(box: Sandbox, user: NewUser) -> int:
    return sum(1 for m in outbox(box) if m["to"] == [user.email])


def quiet(s: Session, cls: type[DeliveryService] = DeliveryService) -> DeliveryService:
    return cls(s.graph, s.auth, s.backend, sandbox=True, sleep=_no_sleep, sent_items_settle=0)


def test_a_mail_sent_before_its_answer_was_dropped_is_found_and_not_sent_again(
    clean_faults: Sandbox, tmp_path: Path
) -> None:
    box = clean_faults

    # create() under drop_after_commit would lose users' answers too: the faults go on after creation.
    async def run_after_creation() -> tuple[list[NewUser], list[SendOutcome], DeliveryState | None]:
        async with session(box, tmp_path) as s:
            run_id, people, passwords = await create(s, 2)
            outgoing = [
                Outgoing(
                    u.upn.lower(),
                    u.email,
                    build_welcome_message(u, passwords[u.upn.lower()], language="en", sign_in_url="x"),
                    run_id,
                )
                for u in people
            ]
            service = quiet(s)
            await service.enable_send_mail()
            box.set_faults("drop_after_commit=1")
            try:
                outcomes = await service.send_each(outgoing, journal=s.journal)
            finally:
                box.set_faults("")
            states = {r.delivery_state for r in s.journal.people(run_id)}
            assert not any(r.credentials_pending for r in s.journal.people(run_id))
            return people, outcomes, states.pop() if len(states) == 1 else None

    people, outcomes, state = asyncio.run(run_after_creation())
    assert [(o.sent, o.in_doubt) for o in outcomes] == [(True, False), (True, False)], outcomes
    assert all(o.delivery_id and o.delivery_id.count(":") == 2 for o in outcomes)
    assert [mails_to(box, user) for user in people] == [1, 1]
    assert state is DeliveryState.SENT


def test_a_mail_lost_before_graph_got_it_is_not_found_and_sent_again(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    async def run() -> tuple[list[NewUser], list[SendOutcome], int]:
        async with session(sandbox, tmp_path) as s:
            service = quiet(s, LosesFirstAnswer)
            _run_id, people, outcomes = await send_to(s, 1, service)
            assert isinstance(service, LosesFirstAnswer)
            return people, outcomes, service.lost

    people, outcomes, lost = asyncio.run(run())
    assert lost == 1
    assert [(o.sent, o.in_doubt) for o in outcomes] == [(True, False)]
    assert mails_to(sandbox, people[0]) == 1


def test_a_lost_answer_that_cannot_be_checked_is_in_doubt(clean_faults: Sandbox, tmp_path: Path) -> None:
    box = clean_faults

    async def run() -> tuple[list[NewUser], list[SendOutcome], Any]:
        async with session(box, tmp_path, auth_class=NoMailReadAuth) as s:
            run_id, people, passwords = await create(s, 1)
            user = people[0]
            message = build_welcome_message(user, passwords[user.upn.lower()], language="en", sign_in_url="x")
            service = quiet(s)
            await service.enable_send_mail()
            box.set_faults("drop_after_commit=1")
            try:
                outcomes = await service.send_each(
                    [Outgoing(user.upn.lower(), user.email, message, run_id)], journal=s.journal
                )
            finally:
                box.set_faults("")
            return people, outcomes, s.journal.person(run_id, user.upn.lower())

    people, outcomes, record = asyncio.run(run())
    (outcome,) = outcomes
    assert outcome.in_doubt
    assert not outcome.sent
    assert outcome.problem is DeliveryProblem.CANNOT_CHECK
    assert mails_to(box, people[0]) == 1  # it was sent once, and not again
    assert record.delivery_state is DeliveryState.IN_DOUBT
    assert record.credentials_pending


def test_a_resend_of_a_mail_in_doubt_looks_for_the_earlier_one_first(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    async def run() -> tuple[list[NewUser], list[SendOutcome], list[SendOutcome]]:
        async with session(sandbox, tmp_path) as s:
            run_id, people, passwords = await create(s, 1)
            user = people[0]
            message = build_welcome_message(user, passwords[user.upn.lower()], language="en", sign_in_url="x")
            service = quiet(s)
            await service.enable_send_mail()
            first = await service.send_each([Outgoing(user.upn.lower(), user.email, message, run_id)])
            again = await service.send_each(
                [Outgoing(user.upn.lower(), user.email, message, run_id, earlier_id=first[0].delivery_id)]
            )
            return people, first, again

    people, first, again = asyncio.run(run())
    assert again[0].sent
    assert again[0].delivery_id == first[0].delivery_id
    assert mails_to(sandbox, people[0]) == 1


class KilledError(Exception):
    """Stands for SIGKILL between Graph's 202 and the journal's record of it."""


class DiesBeforeRecording(Journal):
    def mark_credentials_delivered(self, *args: Any, **kwargs: Any) -> None:
        raise KilledError


def test_a_mail_sent_by_a_process_killed_before_recording_it_is_found_not_sent_again(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """The bug the journey's crash test found: a mail accepted, then the process killed before the journal
    said so; the next process reset the password and mailed the person a second time. The mail's id is
    written before sending, and looked for in Sent Items on resume."""

    async def run() -> tuple[NewUser, list[SendOutcome | None], list[Any]]:
        async with session(sandbox, tmp_path) as s:
            run_id, people, passwords = await create(s, 2)
            sent_user, unsent_user = people
            message = build_welcome_message(
                sent_user, passwords[sent_user.upn.lower()], language="en", sign_in_url="x"
            )
            service = quiet(s)
            await service.enable_send_mail()
            dying = DiesBeforeRecording.open(s.journal.path)
            try:
                with pytest.raises(KilledError):
                    await service.send_each(
                        [Outgoing(sent_user.upn.lower(), sent_user.email, message, run_id)], journal=dying
                    )
            finally:
                dying.close()
            # Killed after writing the id of a mail that never left: nothing to find.
            s.journal.mark_delivery_attempt(run_id, unsent_user.upn.lower(), f"{run_id}:never:sent")
            before = [s.journal.person(run_id, u.upn.lower()) for u in people]
            assert all(p.credentials_pending and p.delivery_attempt for p in before)
            found = [await find_unrecorded_mail(service, s.journal, p) for p in before]
            return sent_user, found, [s.journal.person(run_id, u.upn.lower()) for u in people]

    sent_user, found, after = asyncio.run(run())
    mailed, unsent = found
    assert mailed is not None
    assert mailed.sent
    assert unsent is None
    assert mails_to(sandbox, sent_user) == 1
    assert not after[0].credentials_pending
    assert after[0].delivery_state is DeliveryState.SENT
    assert after[1].credentials_pending
    assert after[1].delivery_state is None


def test_each_message_carries_the_delivery_property_and_is_saved_to_sent_items(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    async def run() -> tuple[list[SendOutcome], bool, bool]:
        async with session(sandbox, tmp_path) as s:
            _run_id, _people, outcomes = await send_to(s, 1, quiet(s))
            delivery_id = outcomes[0].delivery_id
            assert delivery_id is not None
            return outcomes, await s.delivery.was_sent(delivery_id), await s.delivery.was_sent("nobody:x:y")

    outcomes, found, not_found = asyncio.run(run())
    assert outcomes[0].sent
    assert (found, not_found) == (True, False)
    assert DELIVERY_PROPERTY_ID.startswith("String {")
    assert DELIVERY_PROPERTY_ID.endswith("} Name C2tDeliveryId")


def test_a_journal_of_schema_1_gains_the_delivery_columns(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite3"
    user = NewUser("A", "B", "A B", "ab", "contoso.onmicrosoft.com", "ab@example.com")
    with Journal.open(path) as journal:
        run_id = journal.start_run("tenant", [user])
        journal.mark_created(run_id, user.upn.lower(), "id-1")
    db = sqlite3.connect(path)  # as version 1 wrote it: no delivery columns
    db.execute("ALTER TABLE people DROP COLUMN delivery_state")
    db.execute("ALTER TABLE people DROP COLUMN delivery_problem")
    db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with Journal.open(path) as journal:
        assert journal.schema_version == SCHEMA_VERSION == 4
        before = journal.person(run_id, user.upn.lower())
        journal.mark_delivery_not_confirmed(
            run_id, user.upn.lower(), "sendmail", in_doubt=True, problem="network"
        )
        doubt = journal.person(run_id, user.upn.lower())
        asyncio.run(record_delivered(journal, [(run_id, user.upn.lower())], DeliveryMethod.MAILTO))
        handed = journal.person(run_id, user.upn.lower())
        journal.mark_delivery_confirmed(run_id, user.upn.lower())
        confirmed = journal.person(run_id, user.upn.lower())
    assert before.delivery_state is None
    assert (doubt.delivery_state, doubt.delivery_problem, doubt.credentials_pending) == (
        DeliveryState.IN_DOUBT,
        "network",
        True,
    )
    assert (handed.delivery_state, handed.credentials_pending) == (DeliveryState.HANDED_TO_MAIL_APP, False)
    assert confirmed.delivery_state is DeliveryState.CONFIRMED


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        (AuthProblem.INTERACTION_REQUIRED, DeliveryProblem.SIGN_IN_NEEDED),  # expired or revoked
        (AuthProblem.MFA_REQUIRED, DeliveryProblem.SIGN_IN_NEEDED),
        (AuthProblem.SERVICE_BUSY, DeliveryProblem.THROTTLED),
        (AuthProblem.NETWORK, DeliveryProblem.NETWORK),
        (AuthProblem.CONSENT_DENIED, DeliveryProblem.CONSENT_DENIED),
        (AuthProblem.CANCELLED, DeliveryProblem.UNKNOWN),
        (AuthProblem.TIMED_OUT, DeliveryProblem.UNKNOWN),
        (AuthProblem.UNKNOWN, DeliveryProblem.UNKNOWN),
    ],
)
def test_only_an_expired_or_revoked_sign_in_says_sign_in_again(
    problem: AuthProblem, expected: DeliveryProblem
) -> None:
    from c2t_wizard.services.delivery import _from_exception

    assert _from_exception(AuthError(problem, None, "x"), sending=True).problem is expected


# --- the onmicrosoft.com cap and bounce reports --------------------------------------------------------


def set_mail_cap(box: Sandbox, tenant: str, **settings: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{box.base}/_sandbox/mail_cap", json={"tenant": tenant, **settings}, timeout=10, trust_env=False
    )
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture
def demo_mail_cap(sandbox: Sandbox) -> Any:
    """The demo tenant's 24-hour count of external recipients, set by the test and cleared afterwards (other
    tests send from the demo administrator too)."""
    tenant = sandbox.info["demo"]["tenant"]
    try:
        yield functools.partial(set_mail_cap, sandbox, tenant)
    finally:
        set_mail_cap(sandbox, tenant, sent=0, ndrDelay=2.0)


def mailed_in_journal(journal: Journal, tenant_id: str, emails: Sequence[str]) -> None:
    """The journal remembers welcome mails sent to ``emails`` just now (as earlier runs would have)."""
    people = [
        NewUser(
            f"E{n}",
            "Earlier",
            f"E{n} Earlier",
            f"e{n}.{uuid.uuid4().hex[:6]}",
            "contoso.onmicrosoft.com",
            email,
        )
        for n, email in enumerate(emails)
    ]
    run_id = journal.start_run(tenant_id, people)
    for person in people:
        journal.mark_created(run_id, person.upn.lower(), uuid.uuid4().hex)
        journal.mark_credentials_delivered(run_id, person.upn.lower(), DeliveryMethod.SEND_MAIL.value)


def test_the_plan_counts_the_journal_and_offers_other_ways_beyond_the_cap(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    async def run() -> tuple[CapPlan, CapPlan]:
        async with session(sandbox, tmp_path) as s:
            emails = [f"x{n}@example.com" for n in range(MOERA_CAP - 2)] + [
                f"colleague{n}@{s.domain}" for n in range(5)
            ]
            mailed_in_journal(s.journal, "tenant-1", emails)
            mailed_in_journal(
                s.journal, "tenant-2", [f"y{n}@example.com" for n in range(50)]
            )  # another tenant
            people = [
                ("a", "a@example.com"),
                ("b", f"b@{s.domain}"),
                ("c", "c@example.org"),
                ("d", "d@example.net"),
            ]
            plan = await s.delivery.plan_mail(s.journal, "tenant-1", [s.domain], people)
            other = await s.delivery.plan_mail(s.journal, "tenant-3", [s.domain], people)
            return plan, other

    plan, other = asyncio.run(run())
    assert plan.capped  # admin@contoso.onmicrosoft.com
    assert (plan.sent, plan.remaining) == (MOERA_CAP - 2, 2)
    assert plan.within == ("a", "b", "c")
    assert plan.beyond == ("d",)
    assert (other.sent, other.beyond) == (0, ())


def test_the_101st_external_mail_bounces_and_is_recorded_as_bounced(
    sandbox: Sandbox, tmp_path: Path, demo_mail_cap: Any
) -> None:
    async def run() -> tuple[set[str], list[SendOutcome], list[Any], str]:
        async with session(sandbox, tmp_path) as s:
            run_id, people, passwords = await create(s, 2)
            assert demo_mail_cap(sent=MOERA_CAP - 1, ndrDelay=0)["remaining"] == 1
            url = await s.delivery.sign_in_url(s.domain)
            messages = {
                user.upn.lower(): build_welcome_message(
                    user, passwords[user.upn.lower()], language="en", sign_in_url=url
                )
                for user in people
            }
            outgoing = [
                Outgoing(user.upn.lower(), user.email, messages[user.upn.lower()], run_id) for user in people
            ]
            started = datetime.now(UTC)
            await s.delivery.enable_send_mail()
            outcomes = await s.delivery.send_each(outgoing, journal=s.journal)
            await s.delivery.enable_bounce_check()
            mailed = [Mailed(o.key, run_id, o.to, o.message.subject) for o in outgoing]
            found = await s.delivery.find_bounces(started, mailed, journal=s.journal)
            again = await s.delivery.find_bounces(started, mailed, journal=s.journal)
            assert again == found
            return found, outcomes, s.journal.people(run_id), people[1].upn.lower()

    found, outcomes, records, second = asyncio.run(run())
    assert all(outcome.sent for outcome in outcomes)  # 202 Accepted for both
    assert found == {second}
    state = {r.key: (r.delivery_state, r.credentials_pending, r.delivery_method) for r in records}
    assert state[second] == (DeliveryState.BOUNCED, True, "sendmail")
    first = next(key for key in state if key != second)
    assert state[first] == (DeliveryState.SENT, False, "sendmail")


def test_a_custom_domain_sender_is_not_capped(sandbox: Sandbox, tmp_path: Path) -> None:
    async def run() -> CapPlan:
        async with session(sandbox, tmp_path, fresh=True) as s:
            me = await s.delivery.sender_address()
            assert me is None  # a signed-up admin has no mailbox yet
            upn = f"admin@{s.domain}"
            address = f"ada@{uuid.uuid4().hex[:8]}.example"
            given = await asyncio.to_thread(
                httpx.post,
                f"{sandbox.base}/_sandbox/mailbox",
                json={"upn": upn, "address": address},
                timeout=10,
                trust_env=False,
            )
            given.raise_for_status()
            mailed_in_journal(s.journal, "t", [f"z{n}@example.com" for n in range(MOERA_CAP + 3)])
            return await s.delivery.plan_mail(
                s.journal, "t", [s.domain, address.split("@")[1]], [("a", "a@example.com")]
            )

    plan = asyncio.run(run())
    assert not plan.capped
    assert plan.remaining is None
    assert (plan.within, plan.beyond) == (("a",), ())


def test_reading_bounces_without_permission_says_it_cannot_check(sandbox: Sandbox, tmp_path: Path) -> None:
    async def run() -> DeliveryError:
        async with session(sandbox, tmp_path, auth_class=NoMailScopeAuth) as s:
            with pytest.raises(DeliveryError) as caught:
                await s.delivery.find_bounces(datetime.now(UTC), [Mailed("a", None, "a@example.com", "S")])
            return caught.value

    error = asyncio.run(run())
    assert error.problem is DeliveryProblem.CANNOT_CHECK
    assert "403 ErrorAccessDenied" in error.detail
