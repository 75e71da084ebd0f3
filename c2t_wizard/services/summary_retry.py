"""Redoing one person's failed step from the summary, through the services that did it the first time.

- ``retry_creation``: the person back to ``PLANNED`` (``Journal.requeue``) and the directory's run again
  (``DirectoryService.create_users``: the same idempotent, journal-backed path as the Users page). The
  new password, when there is one, comes back in memory only, for the delivery that follows.
- ``retry_delivery``: the sign-in details sent again by mail (the method the summary can redo by itself:
  the others need the partner's hands). Without a password in memory, the person gets a new temporary
  one first (``reset_password``; the journal notes the old one no longer counts), then ``send_each``
  records the outcome.
- ``retry_invitation``: the person's invitation again with the same account and roles
  (``invite_people``: the same Idempotency-Key unless the request changed, so never two invitations).

Each returns the person's ``PersonReport`` as the journal has it afterwards. Runs on the service thread;
no Qt here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass, field

from c2t_wizard.domain.welcome_message import build_welcome_message
from c2t_wizard.services.delivery import (
    DeliveryError,
    DeliveryProblem,
    DeliveryService,
    Outgoing,
    record_password_replaced,
)
from c2t_wizard.services.directory import DirectoryService
from c2t_wizard.services.journal import InvitationPlan, Journal, JournalError, PersonState
from c2t_wizard.services.portal import PortalBackend
from c2t_wizard.services.portal_invites import invite_people
from c2t_wizard.services.report import PersonReport, person_report


@dataclass(frozen=True)
class RetryResult:
    person: PersonReport
    password: str | None = field(default=None, repr=False)
    """A password the service knows for this person now (after a creation): memory only."""


async def read_person(journal: Journal, run_id: str, key: str) -> PersonReport:
    def read() -> PersonReport:
        return person_report(journal.person(run_id, key), journal.invitation(run_id, key))

    return await asyncio.to_thread(read)


async def retry_creation(directory: DirectoryService, journal: Journal, run_id: str, key: str) -> RetryResult:
    requeued = await asyncio.to_thread(journal.requeue, run_id, [key])
    if not requeued:
        raise JournalError(f"{key!r} of run {run_id!r} has no failed creation to retry")
    result = await directory.create_users(run_id)
    return RetryResult(await read_person(journal, run_id, key), result.passwords.get(key))


async def retry_delivery(
    delivery: DeliveryService,
    journal: Journal,
    run_id: str,
    key: str,
    *,
    language: str,
    organisation: str = "",
    password: str | None = None,
) -> RetryResult:
    person = await asyncio.to_thread(journal.person, run_id, key)
    if person.state is not PersonState.CREATED:
        raise JournalError(f"{key!r} of run {run_id!r} has no account made by the wizard")
    await delivery.enable_send_mail()
    if password is None:
        password = await delivery.reset_password(person.user_id or person.upn)
        await record_password_replaced(journal, [(run_id, key)])
    url = await delivery.sign_in_url(person.domain)
    message = build_welcome_message(
        person.user, password, language=language, sign_in_url=url, organisation=organisation
    )
    (outcome,) = await delivery.send_each(
        [Outgoing(key, person.email, message, run_id=run_id)], journal=journal
    )
    if not outcome.attempted:
        raise DeliveryError(outcome.problem or DeliveryProblem.UNKNOWN, outcome.detail)
    return RetryResult(await read_person(journal, run_id, key), password)


async def retry_invitation(backend: PortalBackend, journal: Journal, run_id: str, key: str) -> RetryResult:
    record = await asyncio.to_thread(journal.invitation, run_id, key)
    if record is None:
        raise JournalError(f"{key!r} of run {run_id!r} was never invited")
    plan = InvitationPlan(
        run_id,
        key,
        record.account_id,
        record.email,
        record.first_name,
        record.last_name,
        record.roles,
        record.send_mode,
    )
    await invite_people(backend, journal, [plan], concurrency=1)
    return RetryResult(await read_person(journal, run_id, key))


STEPS = ("account", "delivery", "invitation")


def failed_step(person: PersonReport, available: Collection[str] = STEPS) -> str | None:
    """The step a Retry redoes for this person, or None when there is none it can redo: ``account`` (a
    failed creation: nothing after it can be done before it); ``delivery`` (a mail that failed, bounced or
    may not have arrived, or never sent); ``invitation`` (a failed one: a person never invited has
    nothing to redo). ``available``: the steps whose service is there."""
    if person.account.status == "failed":
        return "account" if "account" in available else None
    if "delivery" in available and person.delivery.status in ("failed", "in_doubt", "pending"):
        return "delivery"
    if "invitation" in available and person.invitation.status == "failed":
        return "invitation"
    return None
