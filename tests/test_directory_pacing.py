"""``DirectoryService`` paces its writes to the write quota and estimates the time left from it.

The clock and the sleep are injected: a sleep moves the clock (no real waiting)."""

from __future__ import annotations

import asyncio

import pytest

from c2t_wizard.services.directory import QUOTA_MARGIN, QUOTA_SLACK, DirectoryService


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def service(clock: Clock, quota: tuple[int, float] | None) -> DirectoryService:
    return DirectoryService(None, None, write_quota=quota, clock=clock, sleep=clock.sleep)  # type: ignore[arg-type]


WINDOW = 10.0 * (1 + QUOTA_MARGIN) + QUOTA_SLACK


def test_writes_within_the_quota_go_at_once_and_the_next_wait_for_the_window() -> None:
    clock = Clock()
    directory = service(clock, (50, 10.0))

    async def run() -> None:
        await directory.pace(20)
        clock.now += 1.0
        await directory.pace(20)
        await directory.pace(20)  # 60 > 50: waits until the first 20 leave the window

    asyncio.run(run())
    assert clock.slept == [pytest.approx(WINDOW - 1.0)]
    assert clock.now == pytest.approx(1000.0 + WINDOW)


def test_no_quota_no_waiting() -> None:
    clock = Clock()
    directory = service(clock, None)
    asyncio.run(directory.pace(10_000))
    assert clock.slept == []


def test_eta_is_the_pace_while_the_quota_has_room_and_whole_windows_beyond() -> None:
    clock = Clock()
    directory = service(clock, (100, 10.0))
    assert directory.eta(50, per_second=100.0) == pytest.approx(0.5)
    # 250 writes at 100/s: the 101st waits for the first window, the 201st for the second.
    assert directory.eta(250, per_second=100.0) == pytest.approx(2 * WINDOW + 0.5)
    assert directory.eta(0, per_second=100.0) == 0.0
