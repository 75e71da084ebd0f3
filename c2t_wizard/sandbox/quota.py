"""Graph's identity write quota: N writes per window per (application, tenant), as a sliding window.

Microsoft documents 3,000 writes per 2 min 30 s for an app+tenant pair (``throttling-limits.md``); the sandbox
default is the same and tests configure something small such as ``20/1s``.
"""

from __future__ import annotations

import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_WRITE_QUOTA = "3000/150s"
_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min)?\s*$")


class QuotaSpecError(ValueError):
    """A write quota spec that cannot be parsed."""


@dataclass(frozen=True)
class QuotaSpec:
    limit: int
    window: float
    """Seconds."""

    @classmethod
    def parse(cls, spec: str) -> QuotaSpec:
        """``3000/150s``, ``20/1s``, ``5/500ms``, ``100/2m``; ``off`` or ``0`` for no quota."""
        text = spec.strip().lower()
        if text in ("off", "none", "0", ""):
            return cls(0, 0.0)
        match = _SPEC.match(text)
        if not match:
            raise QuotaSpecError(f"write quota {spec!r}: expected COUNT/DURATION such as 3000/150s or 20/1s")
        limit, number, unit = int(match.group(1)), float(match.group(2)), match.group(3) or "s"
        window = number / 1000 if unit == "ms" else number * 60 if unit in ("m", "min") else number
        if limit <= 0 or window <= 0:
            raise QuotaSpecError(f"write quota {spec!r}: count and duration must be positive")
        return cls(limit, window)

    @property
    def spec(self) -> str:
        if not self.limit:
            return "off"
        return f"{self.limit}/{self.window:g}s"


class WriteQuota:
    """Sliding-window write counters per (app, tenant)."""

    def __init__(self, spec: QuotaSpec, clock: Callable[[], float] = time.monotonic) -> None:
        self.spec = spec
        self._clock = clock
        self._writes: dict[tuple[str, str], deque[float]] = {}

    def configure(self, spec: QuotaSpec) -> None:
        self.spec = spec
        self.reset()

    def reset(self) -> None:
        self._writes.clear()

    def take(self, app: str, tenant: str) -> float | None:
        """Count one write; ``None`` when allowed, else the seconds until the window has room again."""
        if not self.spec.limit:
            return None
        now = self._clock()
        window = self._writes.setdefault((app, tenant), deque())
        while window and window[0] <= now - self.spec.window:
            window.popleft()
        if len(window) >= self.spec.limit:
            return max(window[0] + self.spec.window - now, 0.001)
        window.append(now)
        return None


def retry_after_header(seconds: float) -> str:
    """Retry-After in whole seconds (at least 1), as Graph sends it for identity throttling."""
    return str(max(1, math.ceil(seconds)))
