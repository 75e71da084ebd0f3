"""One onboarding run, start to end, without a window: plan -> create -> (deliver | invite) -> outcome.

``OnboardingRun.run`` drives the same step code the wizard's pages drive (``user_creation``,
``credentials_step``, ``portal_invites``), journal-backed; each step is a public method (``plan``,
``create``, ``deliver``, ``invite``). Delivering and inviting run at the same time once the accounts
exist: neither needs the other (an invitation goes to the person's work email and needs their account, not
their welcome mail), and each keeps its own service's pace (4 mails, 8 invitations in flight), so a run
takes as long as the longer of the two, not their sum.

- **plan**: a new journal run for the people, or the tenant's unfinished run with exactly the same people
  (by username) when there is one: a rerun of the same file after an interruption picks up where it stopped.
  People who failed before are tried again (``Journal.requeue``).
- **create**: ``DirectoryService.create_users`` (``$batch``, throttling, in-doubt checks; as the Users page).
- **deliver** (``Delivery.GRAPH``): Graph ``sendMail`` through ``DeliveryService`` to each person whose
  credentials are still pending, under the ``onmicrosoft.com`` mail cap (``plan_mail``). A person created by
  an earlier, interrupted process has a password nobody knows any more: it is reset first (the report says
  so), as the Credentials page does on resume; unless that process had mailed it already and was stopped
  before recording it: the mail is found in Sent Items by the id written before it was sent
  (``find_unrecorded_mail``), recorded as sent, and neither reset nor sent again. ``Delivery.NONE`` hands
  nothing over (the credentials stay pending; a later run or the wizard resets and delivers them).
  ``Delivery.PDF`` puts everyone pending on one welcome sheet through the ``sheet`` hook the caller gives (the
  PDF is drawn by Qt, which services never import; the headless command passes ``sheet_pdf``'s writer),
  resetting a password nobody knows any more first, and records each as delivered on the sheet ("pdf"),
  as the Credentials page does: a rerun hands nobody a second password.
- **invite**: ``invite_people`` with the portal backend, into one Call2Teams account with the given roles,
  for everyone who has a Microsoft account now (created, or there before).

``report`` hears a ``RunEvent`` at each step's start and after each person's outcome, with running counts,
on the caller's loop thread. Nothing here holds a password beyond the delivery step's memory, and no event
carries one. No Qt.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from c2t_wizard.domain.welcome_message import WelcomeMessage, build_welcome_message
from c2t_wizard.services.journal import (
    DeliveryState,
    InvitationRecord,
    InvitationState,
    Journal,
    PersonRecord,
    PersonState,
    person_key,
)
from c2t_wizard.services.journey import finish_if_done

if TYPE_CHECKING:
    from c2t_wizard.domain.users import NewUser
    from c2t_wizard.services.delivery import DeliveryProblem, DeliveryService, SendOutcome
    from c2t_wizard.services.directory import DirectoryService
    from c2t_wizard.services.portal import PortalBackend
    from c2t_wizard.services.portal_invites import InviteProgress

log = logging.getLogger(__name__)

MAIL_IN_FLIGHT = 4
"""Welcome mails (``sendMail``) on the wire at once: Graph's Outlook limit is 4 concurrent requests per app
and mailbox (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits)."""


class Step(Enum):
    PLAN = "plan"
    CREATE = "create"
    DELIVER = "deliver"
    INVITE = "invite"
    DONE = "done"


class Delivery(Enum):
    """How the sign-in details are handed over in a headless run."""

    GRAPH = "graph"
    PDF = "pdf"
    NONE = "none"


SheetHook = Callable[[Sequence[tuple[str, WelcomeMessage]]], object]
"""Writes a welcome sheet, one page per (display name, message), on the caller's loop thread; raises OSError
when it cannot (nothing is then recorded as delivered)."""


GOOD_DELIVERY = frozenset({DeliveryState.SENT, DeliveryState.CONFIRMED, DeliveryState.ON_WELCOME_SHEET})
"""Delivery states that count as "the person got their sign-in details"."""


@dataclass(frozen=True)
class RunEvent:
    """Where the run stands: ``step``, ``done`` of ``total`` people finished in it (``failed`` of them
    not well); ``person`` (a username) and ``outcome`` (a short word: created, exists, failed, sent, …) after
    one person's answer, both None at a step's start."""

    step: Step
    done: int
    total: int
    failed: int = 0
    person: str | None = None
    outcome: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class OnboardingRequest:
    tenant_id: str
    people: tuple[NewUser, ...]
    roles: tuple[str, ...]
    """Portal role ids (``PortalRole`` values); empty: no invitations."""
    account_id: str | None
    """The Call2Teams account to invite into; None: no invitations."""
    deliver: Delivery = Delivery.GRAPH
    tenant_domains: tuple[str, ...] = ()
    organisation: str = ""
    language: str = "en"


@dataclass(frozen=True)
class PersonOutcome:
    """One person at the end of the run, as the journal has them."""

    record: PersonRecord
    invitation: InvitationRecord | None
    password_reset: bool = False
    """The password was reset in this run, by this process or an earlier one of it that was stopped (the one
    set when the account was created was never handed over)."""
    delivery_wanted: bool = True

    @property
    def created_ok(self) -> bool:
        return self.record.state in (PersonState.CREATED, PersonState.EXISTS)

    @property
    def delivered_ok(self) -> bool:
        if self.record.state is not PersonState.CREATED or not self.delivery_wanted:
            return True  # there before (not ours to hand a password to), or delivery not asked for
        return not self.record.credentials_pending and self.record.delivery_state in GOOD_DELIVERY

    @property
    def invited_ok(self) -> bool:
        return self.invitation is None or self.invitation.state.done

    @property
    def good(self) -> bool:
        return self.created_ok and self.delivered_ok and self.invited_ok

    @property
    def problem(self) -> str:
        """The first thing that went wrong, as a code ("" when good)."""
        if not self.created_ok:
            return f"create: {self.record.failure_code or self.record.state.value}"
        if not self.delivered_ok:
            return f"deliver: {self.record.delivery_problem or self.record.delivery_state or 'not delivered'}"
        if not self.invited_ok and self.invitation is not None:
            return f"invite: {self.invitation.problem_code or self.invitation.state.value}"
        return ""


@dataclass(frozen=True)
class OnboardingResult:
    run_id: str
    resumed: bool
    people: tuple[PersonOutcome, ...]
    cancelled: bool = False

    @property
    def good(self) -> bool:
        return not self.cancelled and all(person.good for person in self.people)

    @property
    def failed(self) -> int:
        return sum(1 for person in self.people if not person.good)


def find_resumable_run(journal: Journal, tenant_id: str, people: Sequence[NewUser]) -> str | None:
    """The newest unfinished run of the tenant with exactly these people (by username), if any."""
    wanted = {person_key(user.upn) for user in people}
    for summary in journal.unfinished_runs(tenant_id):
        if {person.key for person in journal.people(summary.run_id)} == wanted:
            return summary.run_id
    return None


@dataclass
class _Counts:
    total: int
    done: int = 0
    failed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


async def _together(steps: Sequence[Coroutine[object, object, None]]) -> None:
    """Run ``steps`` at the same time; when one raises, the others are cancelled (each records what it got
    answered before: a rerun resumes) and that exception is raised as it is."""
    tasks = [asyncio.ensure_future(step) for step in steps]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


class OnboardingRun:
    """Runs one onboarding with the given services (see the module doc). ``stop`` (any thread) ends the
    run after what is on the wire is answered and recorded: it can be resumed."""

    def __init__(
        self,
        journal: Journal,
        directory: DirectoryService,
        *,
        delivery: DeliveryService | None = None,
        portal: PortalBackend | None = None,
        report: Callable[[RunEvent], None] | None = None,
        stop: threading.Event | None = None,
        sheet: SheetHook | None = None,
    ) -> None:
        self._journal = journal
        self._sheet = sheet
        self._directory = directory
        self._delivery = delivery
        self._portal = portal
        self._report = report
        self._stop = stop or threading.Event()
        self._reset: set[str] = set()

    def request_stop(self) -> None:
        self._stop.set()
        run_id = getattr(self, "_run_id", None)
        if run_id is not None:
            self._directory.cancel_creation(run_id)

    def _emit(self, event: RunEvent) -> None:
        if self._report is not None:
            self._report(event)

    async def run(self, request: OnboardingRequest) -> OnboardingResult:
        """``plan``, ``create``, then ``deliver`` and ``invite`` at the same time, then the outcome."""
        journal = self._journal
        total = len(request.people)
        run_id, resumed = await self.plan(request)
        passwords = await self.create(run_id, total)
        cancelled = self._stop.is_set()

        async def hand_over() -> None:
            try:
                if not cancelled and request.deliver is Delivery.GRAPH and self._delivery is not None:
                    await self.deliver(request, run_id, passwords)
                elif not cancelled and request.deliver is Delivery.PDF and self._delivery is not None:
                    await self._deliver_sheet(request, run_id, passwords)
            finally:
                passwords.clear()  # as soon as the details are handed over, not when the invitations end

        steps = [hand_over()]
        if not cancelled and request.account_id and request.roles and self._portal is not None:
            steps.append(self.invite(request, run_id))
        await _together(steps)
        cancelled = cancelled or self._stop.is_set()
        result = await asyncio.to_thread(self._outcome, run_id, resumed, cancelled, request)
        if not cancelled:
            # Closed only with nothing left, as the summary page closes it: after a failure (a sheet not
            # written, a mail not sent), a rerun of the same file resumes this run and redoes what failed.
            await asyncio.to_thread(finish_if_done, journal, [run_id])
        self._emit(RunEvent(Step.DONE, total - result.failed, total, result.failed))
        return result

    # --- plan -------------------------------------------------------------------------------------------

    async def plan(self, request: OnboardingRequest) -> tuple[str, bool]:
        """The journal run for the people: the tenant's unfinished run with exactly them (its failed people
        queued again), else a new one. Returns (run id, resumed)."""
        journal = self._journal
        total = len(request.people)
        self._emit(RunEvent(Step.PLAN, 0, total))
        run_id = await asyncio.to_thread(find_resumable_run, journal, request.tenant_id, request.people)
        resumed = run_id is not None
        if run_id is None:
            run_id = await asyncio.to_thread(
                functools.partial(journal.start_run, organisation=request.organisation),
                request.tenant_id,
                list(request.people),
            )
        else:
            await asyncio.to_thread(journal.requeue, run_id)
        self._run_id = run_id
        log.info("Onboarding run %s (%s, %d people)", run_id, "resumed" if resumed else "new", total)
        self._emit(RunEvent(Step.PLAN, total, total, outcome="resumed" if resumed else "new"))
        return run_id, resumed

    # --- create -----------------------------------------------------------------------------------------

    async def create(self, run_id: str, total: int) -> dict[str, str]:
        """The Users page's create step (``create_people``), its changes told as ``RunEvent``s. Returns the
        new people's passwords (key -> password; memory only)."""
        from c2t_wizard.services.user_creation import CreationChanges, create_people

        journal = self._journal
        people = await asyncio.to_thread(journal.people, run_id)
        upns = {p.key: p.upn for p in people}
        seen: dict[str, tuple[PersonState, str | None]] = {
            p.key: (p.state, p.failure_code) for p in people if p.state.final
        }
        counts = _Counts(total, done=len(seen))
        counts.failed = sum(1 for state, _ in seen.values() if state is PersonState.FAILED)
        self._emit(RunEvent(Step.CREATE, counts.done, total, counts.failed))

        def progressed(value: object) -> None:
            # On the loop, after each batch's answer is committed (and on ticks): the people that ended.
            if not isinstance(value, CreationChanges):
                return
            for key, (state, code, _detail) in value.changed.items():
                if not state.final or seen.get(key) == (state, code):
                    continue
                seen[key] = (state, code)
                counts.done += 1
                counts.failed += state is PersonState.FAILED
                self._emit(
                    RunEvent(
                        Step.CREATE,
                        counts.done,
                        total,
                        counts.failed,
                        upns.get(key, key),
                        state.value,
                        code or "",
                    )
                )

        results = await create_people(
            journal,
            self._directory,
            runs=[run_id],
            report=progressed,
            stop=self._stop,
        )
        return dict(results[0].passwords) if results else {}

    # --- deliver ----------------------------------------------------------------------------------------

    async def deliver(self, request: OnboardingRequest, run_id: str, passwords: dict[str, str]) -> None:
        """Graph ``sendMail`` to each person whose credentials are pending (see the module doc), with the
        Credentials page's cap split; ``passwords``: those known here (the others are reset first)."""
        from c2t_wizard.services.credentials_step import cap_domains, split_by_cap
        from c2t_wizard.services.delivery import DeliveryError

        assert self._delivery is not None
        delivery, journal = self._delivery, self._journal
        pending = [
            person
            for person in await asyncio.to_thread(journal.people, run_id)
            if person.state is PersonState.CREATED and person.credentials_pending
        ]
        counts = _Counts(len(pending))
        self._emit(RunEvent(Step.DELIVER, 0, len(pending)))
        if not pending:
            return

        def settle(person: PersonRecord, outcome: str, detail: str = "", *, bad: bool = False) -> None:
            counts.done += 1
            counts.failed += bad
            self._emit(
                RunEvent(Step.DELIVER, counts.done, counts.total, counts.failed, person.upn, outcome, detail)
            )

        try:
            await delivery.enable_send_mail()
            plan = await delivery.plan_mail(
                journal,
                request.tenant_id,
                cap_domains(request.tenant_domains, pending),
                [(p.key, p.email) for p in pending],
            )
        except DeliveryError as exc:
            for person in pending:
                await self._not_delivered(run_id, person, settle, exc.problem.value)
            return
        within_keys, beyond = split_by_cap(plan, [person.key for person in pending])
        within = set(within_keys)
        for person in pending:
            if person.key in beyond:
                await self._not_delivered(run_id, person, settle, "OVER_DAILY_LIMIT")

        sign_in_url = await delivery.sign_in_url(request.tenant_domains[0] if request.tenant_domains else "")
        by_key = {person.key: person for person in pending}
        slots = asyncio.Semaphore(MAIL_IN_FLIGHT)
        stopped: list[DeliveryProblem] = []  # a problem that comes for everyone: nobody after it is sent to

        async def one(person: PersonRecord) -> None:
            async with slots:
                if self._stop.is_set():
                    return
                if stopped:
                    await self._not_delivered(run_id, person, settle, stopped[0].value)
                    return
                await self._mail_one(request, run_id, person, passwords, sign_in_url, by_key, settle, stopped)

        # At most MAIL_IN_FLIGHT sendMail calls at once (Outlook's limit per app and mailbox), each person
        # recorded as their answer comes; the order of the answers is not the order of the people.
        await asyncio.gather(*(one(person) for person in pending if person.key in within))

    async def _not_delivered(
        self, run_id: str, person: PersonRecord, settle: Callable[..., None], problem: str
    ) -> None:
        """A welcome mail not delivered, for ``problem``: recorded in the journal, and reported as failed."""
        from c2t_wizard.services.delivery import DeliveryMethod

        await asyncio.to_thread(
            self._journal.mark_delivery_not_confirmed,
            run_id,
            person.key,
            DeliveryMethod.SEND_MAIL.value,
            in_doubt=False,
            problem=problem,
        )
        settle(person, "failed", problem, bad=True)

    async def _mail_one(
        self,
        request: OnboardingRequest,
        run_id: str,
        person: PersonRecord,
        passwords: dict[str, str],
        sign_in_url: str,
        by_key: dict[str, PersonRecord],
        settle: Callable[..., None],
        stopped: list[DeliveryProblem],
    ) -> None:
        """One person's welcome mail (``deliver``): an unrecorded earlier mail, a reset when the password is
        lost, the mail; a problem that comes for everyone goes into ``stopped``."""
        from c2t_wizard.services.delivery import (
            DeliveryError,
            Outgoing,
            find_unrecorded_mail,
        )

        assert self._delivery is not None
        delivery, journal = self._delivery, self._journal
        earlier = await find_unrecorded_mail(delivery, journal, person)
        if earlier is not None:
            # Mailed by a process that was stopped before recording it (or that can't be checked).
            if earlier.sent:
                settle(person, "sent", "sent before the interruption")
            else:
                why = earlier.problem.value if earlier.problem else ""
                settle(person, "in_doubt", why, bad=True)
            return
        try:
            message = await self._welcome_message(request, run_id, person, passwords, sign_in_url)
        except DeliveryError as exc:
            await self._not_delivered(run_id, person, settle, exc.problem.value)
            return
        item = Outgoing(person.key, person.email, message, run_id)
        del message

        def sent(outcome: SendOutcome) -> None:
            target = by_key[outcome.key]
            if outcome.sent:
                settle(target, "sent", "new temporary password" if outcome.key in self._reset else "")
            else:
                word = "in_doubt" if outcome.in_doubt else "failed"
                settle(target, word, outcome.problem.value if outcome.problem else "", bad=True)

        outcomes = await delivery.send_each([item], journal=journal, report=sent, stop=self._stop)
        problem = outcomes[0].problem if outcomes else None
        if problem is not None and problem.stops_sending and not stopped:
            stopped.append(problem)

    async def _welcome_message(
        self,
        request: OnboardingRequest,
        run_id: str,
        person: PersonRecord,
        passwords: dict[str, str],
        sign_in_url: str,
    ) -> WelcomeMessage:
        """``person``'s welcome message, with the password this process created them with; one nobody knows
        any more (created by an earlier process stopped before handing it over) is reset first, recorded, and
        said in the outcome. A reset that fails raises ``DeliveryError``."""
        from c2t_wizard.services.delivery import record_password_replaced

        assert self._delivery is not None
        password = passwords.get(person.key)
        if password is None:
            password = await self._delivery.reset_password(person.user_id or person.upn)
            self._reset.add(person.key)
            await record_password_replaced(self._journal, [(run_id, person.key)])
        return build_welcome_message(
            person.user,
            password,
            language=request.language,
            sign_in_url=sign_in_url,
            organisation=request.organisation,
        )

    async def _deliver_sheet(
        self, request: OnboardingRequest, run_id: str, passwords: dict[str, str]
    ) -> None:
        """Everyone whose credentials are pending onto one welcome sheet (``sheet``), then recorded."""
        from c2t_wizard.services.delivery import (
            DeliveryError,
            DeliveryMethod,
            record_delivered,
        )

        assert self._delivery is not None
        delivery, journal, method = self._delivery, self._journal, DeliveryMethod.WELCOME_SHEET.value
        pending = [
            person
            for person in await asyncio.to_thread(journal.people, run_id)
            if person.state is PersonState.CREATED and person.credentials_pending
        ]
        counts = _Counts(len(pending))
        self._emit(RunEvent(Step.DELIVER, 0, len(pending)))

        async def settle(person: PersonRecord, outcome: str, problem: str = "") -> None:
            if problem:
                await asyncio.to_thread(
                    journal.mark_delivery_not_confirmed,
                    run_id,
                    person.key,
                    method,
                    in_doubt=False,
                    problem=problem,
                )
            counts.done += 1
            counts.failed += bool(problem)
            detail = problem or ("new temporary password" if person.key in self._reset else "")
            self._emit(
                RunEvent(Step.DELIVER, counts.done, counts.total, counts.failed, person.upn, outcome, detail)
            )

        if not pending or self._sheet is None:
            for person in pending:
                await settle(person, "failed", "NO_SHEET")
            return
        sign_in_url = await delivery.sign_in_url(request.tenant_domains[0] if request.tenant_domains else "")
        pages: list[tuple[str, WelcomeMessage]] = []
        on_sheet: list[PersonRecord] = []
        for person in pending:
            if self._stop.is_set():
                break
            try:
                message = await self._welcome_message(request, run_id, person, passwords, sign_in_url)
            except DeliveryError as exc:
                await settle(person, "failed", exc.problem.value)
                continue
            pages.append((person.display_name, message))
            on_sheet.append(person)
            del message
        if not pages:
            return
        try:
            self._sheet(pages)  # Qt's text layout: on this (the caller's) thread, a millisecond or two a page
        except OSError as exc:
            log.warning("The welcome sheet could not be written: %s", type(exc).__name__)
            for person in on_sheet:
                await settle(person, "failed", "SHEET_NOT_WRITTEN")
            return
        finally:
            pages.clear()
        await record_delivered(
            journal, [(run_id, person.key) for person in on_sheet], DeliveryMethod.WELCOME_SHEET
        )
        for person in on_sheet:
            await settle(person, "on_welcome_sheet")

    # --- invite -----------------------------------------------------------------------------------------

    async def invite(self, request: OnboardingRequest, run_id: str) -> None:
        """The Portal page's invite step: everyone with a Microsoft account now, with the same roles."""
        from c2t_wizard.domain.portal import parse_roles
        from c2t_wizard.services.portal_invites import invite_people, load_portal_people, plan_invitation

        assert self._portal is not None
        assert request.account_id is not None
        people = [person for person, _invitation in await load_portal_people(self._journal, [run_id])]
        roles = parse_roles(request.roles)
        plans = [
            plan_invitation(
                run_id,
                person.key,
                request.account_id,
                email=person.email,
                first_name=person.first_name,
                last_name=person.last_name,
                roles=roles,
            )
            for person in people
        ]
        upns = {person.key: person.upn for person in people}
        self._emit(RunEvent(Step.INVITE, 0, len(plans)))
        if not plans:
            return

        def progressed(progress: InviteProgress) -> None:
            record = progress.record
            bad = record.state is InvitationState.FAILED
            self._emit(
                RunEvent(
                    Step.INVITE,
                    progress.answered,
                    progress.total,
                    progress.failed,
                    upns.get(record.key, record.email),
                    record.state.value,
                    record.problem_code or "" if bad else "",
                )
            )

        await invite_people(self._portal, self._journal, plans, report=progressed, stop=self._stop)

    # --- outcome ----------------------------------------------------------------------------------------

    def _outcome(
        self, run_id: str, resumed: bool, cancelled: bool, request: OnboardingRequest
    ) -> OnboardingResult:
        invitations = {row.key: row for row in self._journal.invitations(run_id)}
        wanted = request.deliver is not Delivery.NONE
        return OnboardingResult(
            run_id,
            resumed,
            tuple(
                PersonOutcome(
                    person,
                    invitations.get(person.key),
                    password_reset=person.key in self._reset or person.credentials_replaced_at is not None,
                    delivery_wanted=wanted,
                )
                for person in self._journal.people(run_id)
            ),
            cancelled,
        )
