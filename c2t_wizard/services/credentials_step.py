"""The deliver step of an onboarding run: what each person needs, the mail cap, and sending by Graph.

Shared by the Credentials page and ``OnboardingRun``:

- ``handover_for``: what a person loaded for delivery needs first, from the journal and whether this
  process knows their password. A person created by an earlier, interrupted process has a password nobody
  knows any more: a new one is set (a *reset*), except when their mail may have been sent already.
- ``split_by_cap``: who can be mailed now under the ``onmicrosoft.com`` cap, and who is beyond it.
- ``send_welcome_mails``: permission, the cap, then ``sendMail`` for those within it (each recorded).

No Qt; passwords only inside the messages handed in.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from c2t_wizard.domain.mail_cap import CapPlan
    from c2t_wizard.services.delivery import DeliveryService, Outgoing, SendOutcome
    from c2t_wizard.services.journal import Journal, PersonRecord


class Handover(Enum):
    """What a person loaded for delivery needs first."""

    READY = "ready"
    """Their password is known here: deliver it."""
    IN_DOUBT = "in_doubt"
    """Mailed by a process that stopped before it heard back, and Sent Items couldn't tell: no automatic
    reset (the mail may have arrived); a new password only when the partner asks for one."""
    RESET = "reset"
    """Created earlier, password never handed over (or never marked pending): a new one is set now."""
    DELIVERED_EARLIER = "delivered_earlier"
    """Delivered in an earlier session: nothing to do."""


def handover_for(person: PersonRecord, *, password_known: bool) -> Handover:
    """The reset-on-resume decision for one person (see ``Handover``)."""
    from c2t_wizard.services.journal import DeliveryState

    if password_known:
        return Handover.READY
    if person.credentials_pending and person.delivery_state is DeliveryState.IN_DOUBT:
        return Handover.IN_DOUBT
    if person.credentials_pending:
        return Handover.RESET
    if person.credentials_delivered_at is not None:
        return Handover.DELIVERED_EARLIER
    return Handover.RESET


def split_by_cap(plan: CapPlan, keys: Sequence[str]) -> tuple[list[str], list[str]]:
    """``keys`` (in their order) split into those the cap lets be mailed now and those beyond it."""
    within = set(plan.within)
    return [key for key in keys if key in within], [key for key in keys if key not in within]


def cap_domains(tenant_domains: Sequence[str], people: Sequence[PersonRecord]) -> list[str]:
    """The domains whose addresses count as inside the organisation for the cap: the tenant's, and the
    domains of the people's usernames (verified, since they were created in them)."""
    domains = list(tenant_domains)
    domains += [person.domain for person in people if person.domain not in domains]
    return domains


async def record_confirmed(journal: Journal, people: Sequence[tuple[str, str]]) -> None:
    """The partner confirmed that these (run id, key) people got their message (mail app, clipboard)."""

    def write() -> None:
        with journal.transaction():
            for run_id, key in people:
                journal.mark_delivery_confirmed(run_id, key)

    await asyncio.to_thread(write)


SENDING = "sending"
"""Reported by ``send_welcome_mails`` once permission and the cap are settled and mail starts to go."""


async def send_welcome_mails(
    delivery: DeliveryService,
    journal: Journal | None,
    *,
    tenant_id: str,
    domains: Sequence[str],
    outgoing: Sequence[Outgoing],
    report: Callable[[object], None],
    stop: threading.Event,
) -> list[SendOutcome]:
    """Ask for permission to send, work out the cap (reported: the ``CapPlan``), report ``SENDING``, then
    mail those within the cap, in order (each ``SendOutcome`` reported and recorded). Those beyond the cap
    are not mailed: the plan names them."""
    await delivery.enable_send_mail()
    plan = await delivery.plan_mail(
        journal, tenant_id, list(domains), [(item.key, item.to) for item in outgoing]
    )
    report(plan)
    within, _beyond = split_by_cap(plan, [item.key for item in outgoing])
    report(SENDING)
    chosen = set(within)
    return await delivery.send_each(
        [item for item in outgoing if item.key in chosen], journal=journal, report=report, stop=stop
    )
