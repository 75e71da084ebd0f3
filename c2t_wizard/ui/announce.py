"""Tell assistive technology (a screen reader) that a status that matters changed.

A screen reader reads what has focus; a status line elsewhere on the page changes silently unless Qt is told.
``announce`` sets the widget's accessible name to the new words and sends the event a screen reader listens
for: ``NameChanged`` for news (a name is free, signed in, 10 of 25 created), and ``Alert`` as well for what
needs attention now (a name taken, a failure, an error).

Qt delivers the events to the platform's accessibility bridge (AT-SPI, UI Automation, NSAccessibility) only
while an assistive technology is active; PySide6 exposes no hook to observe them in between, so every
announcement is also handed to the listeners added here (the tests observe through one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import QWidget


class Urgency(Enum):
    """How a status change is announced."""

    NEWS = "news"
    """Read when the screen reader is idle (NameChanged)."""
    ALERT = "alert"
    """Read at once (NameChanged and Alert)."""


@dataclass(frozen=True)
class Announcement:
    """What was told to assistive technology: the widget, its new words and the Qt event types sent."""

    widget: QWidget
    text: str
    events: tuple[QAccessible.Event, ...]


Listener = Callable[[Announcement], None]
_listeners: list[Listener] = []


def add_listener(listener: Listener) -> Callable[[], None]:
    """Call ``listener`` with every announcement from now on; returns the function that stops it."""
    _listeners.append(listener)

    def remove() -> None:
        if listener in _listeners:
            _listeners.remove(listener)

    return remove


def announce(widget: QWidget, text: str, urgency: Urgency = Urgency.NEWS) -> None:
    """Make ``text`` the accessible name of ``widget`` and announce the change.

    Nothing is sent for empty words or for words the widget already has (a repaint is not news).
    """
    if widget.accessibleName() == text:
        return
    widget.setAccessibleName(text)  # Qt sends NameChanged itself (while an assistive technology is active)
    if not text:
        return
    events: tuple[QAccessible.Event, ...] = (QAccessible.Event.NameChanged,)
    if urgency is Urgency.ALERT:
        events += (QAccessible.Event.Alert,)
        QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.Alert))
    announcement = Announcement(widget, text, events)
    for listener in list(_listeners):
        listener(announcement)
