"""The journey map beside the pages: the seven steps, and which are done, current, skipped or still to do.

The wizard says where it is and which steps it has passed; ``journey_map`` decides how each step shows.
The map's widget only draws the answer. No Qt.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import NamedTuple

from c2t_wizard.domain.onboarding import JourneyStep, StartChoice


class MapStep(Enum):
    """The steps the partner sees on the map, in order (each is one page after Welcome)."""

    TENANT = "tenant"
    SIGNUP = "signup"
    SIGN_IN = "sign_in"
    USERS = "users"
    PASSWORDS = "passwords"
    PORTAL = "portal"
    SUMMARY = "summary"


class StepState(Enum):
    TODO = "todo"
    CURRENT = "current"
    DONE = "done"
    SKIPPED = "skipped"
    """Not on this partner's way: the organisation exists already, or the step is not offered."""


class MapEntry(NamedTuple):
    step: MapStep
    number: int
    """1-based position among all the steps (skipped ones count: the map always shows seven)."""
    state: StepState


STEP_COUNT = len(MapStep)

_DONE_IN_JOURNAL: dict[JourneyStep, tuple[MapStep, ...]] = {
    JourneyStep.CREATE: (),
    JourneyStep.DELIVER: (MapStep.USERS,),
    JourneyStep.INVITE: (MapStep.USERS, MapStep.PASSWORDS),
    JourneyStep.SUMMARY: (MapStep.USERS, MapStep.PASSWORDS, MapStep.PORTAL),
}
"""A continued run's first step with work left -> the steps its journal shows as done already."""


def journey_map(
    current: MapStep | None,
    passed: Iterable[MapStep],
    choice: StartChoice,
    *,
    resume_step: JourneyStep | None = None,
    passwords_offered: bool = True,
) -> tuple[MapEntry, ...]:
    """Each step's state.

    ``current``: the page the partner is on (None: the Welcome page, before the journey).
    ``passed``: the steps the wizard went through to get there (its history; Back takes steps off it).
    ``choice``: without a new tenant, the name and the sign-up are not on the way (skipped).
    ``resume_step``: continuing an unfinished run, its steps before this one are done (in the journal).
    ``passwords_offered``: False when the app has no way to hand over passwords (that step is skipped).
    """
    done = set(passed)
    if resume_step is not None:
        done.update(_DONE_IN_JOURNAL[resume_step])
    skipped: set[MapStep] = set()
    if choice is not StartChoice.NEW_TENANT:
        skipped.update((MapStep.TENANT, MapStep.SIGNUP))
    if not passwords_offered:
        skipped.add(MapStep.PASSWORDS)
    order = list(MapStep)
    position = order.index(current) if current is not None else -1
    entries = []
    for number, step in enumerate(order, start=1):
        if step is current:
            state = StepState.CURRENT
        elif step in skipped:
            state = StepState.SKIPPED
        elif step in done and order.index(step) < position:
            state = StepState.DONE
        else:
            state = StepState.TODO
        entries.append(MapEntry(step, number, state))
    return tuple(entries)


def current_entry(entries: Iterable[MapEntry]) -> MapEntry | None:
    """The step the partner is on (None on the Welcome page)."""
    return next((entry for entry in entries if entry.state is StepState.CURRENT), None)
