"""The Retry-After header, read the same way by every service: seconds (maybe fractional) or an HTTP date."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRY_AFTER_CAP = 300.0
"""The longest wait a Retry-After header is believed for."""


def parse_retry_after(
    value: str | None, *, now: datetime | None = None, cap: float = RETRY_AFTER_CAP
) -> float | None:
    """Seconds from a Retry-After header (a number, possibly fractional, or an HTTP date), between 0 and
    ``cap``; None if absent or unreadable."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = (moment - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), cap)


def retry_delay(
    value: str | None, *, now: datetime | None = None, cap: float = RETRY_AFTER_CAP
) -> float | None:
    """The wait a Retry-After header asks for; None (the caller's back-off) when absent or not positive: a
    zero wait (or a date already past) would retry at once, forever, never adding to a bounded total."""
    return parse_retry_after(value, now=now, cap=cap) or None
