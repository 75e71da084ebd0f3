"""Garbage is collected on the GUI thread only: the rule, the timer, and the crash it prevents."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from c2t_wizard.ui.collector import GuiThreadCollector, collect_due

STRESS = Path(__file__).resolve().parent / "helpers" / "gc_stress.py"


@pytest.fixture
def collections(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The generations ``collect_due`` asks for (nothing is really collected)."""
    asked: list[int] = []
    monkeypatch.setattr(gc, "get_threshold", lambda: (700, 10, 10))
    monkeypatch.setattr(gc, "collect", lambda generation=2: asked.append(generation) or 0)
    return asked


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((5, 3, 2), []),
        ((701, 3, 2), [0]),
        ((701, 11, 2), [1]),
        ((701, 11, 11), [2]),
        ((5, 3, 11), [2]),
        ((700, 10, 10), []),  # at the threshold is not past it
    ],
)
def test_the_oldest_generation_past_its_threshold_is_collected(
    collections: list[int], monkeypatch: pytest.MonkeyPatch, counts: tuple[int, int, int], expected: list[int]
) -> None:
    monkeypatch.setattr(gc, "get_count", lambda: counts)
    collect_due()
    assert collections == expected


def test_the_collector_collects_cycles_on_the_gui_thread_from_its_timer(qtbot: Any) -> None:
    threads: list[str] = []

    def record(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            threads.append(threading.current_thread().name)

    collector = GuiThreadCollector(interval_ms=5)
    gc.callbacks.append(record)
    try:
        collector.start()
        assert not gc.isenabled()
        for _ in range(gc.get_threshold()[0] + 1):  # cyclic garbage past generation 0's threshold
            cycle: list[object] = []
            cycle.append(cycle)
        qtbot.waitUntil(lambda: threads != [], timeout=5000)
        assert set(threads) == {threading.main_thread().name}
    finally:
        gc.callbacks.remove(record)
        collector.stop()
        collector.deleteLater()
    assert not collector.active
    assert not gc.isenabled(), "stopping leaves automatic collection off: its owner turns it on"


def stress(policy: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(STRESS), policy, "3"], capture_output=True, text=True, timeout=120, check=False
    )


def test_closed_windows_freed_while_a_worker_makes_garbage_crash_nothing() -> None:
    """The scenario that crashed the suite (a paint, a worker thread's collection freeing closed windows in
    reference cycles) runs for 3 s with the app's collector: no crash, no collection off the GUI thread."""
    result = stress("gui")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "collections on other threads: 0" in result.stdout


def test_without_the_collector_the_same_scenario_collects_on_the_worker_thread() -> None:
    """The control: with CPython's automatic collection the worker thread collects (and usually the process
    dies of it within a second, in the spinner's paint)."""
    result = stress("auto")
    crashed = result.returncode != 0
    collected_elsewhere = "collections on other threads: 0" not in result.stdout
    assert crashed or collected_elsewhere, result.stdout
