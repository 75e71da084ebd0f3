"""Kill the app (SIGKILL) at random moments of a 300-user creation, start it again each time: at the end
exactly 300 users exist, none twice, and the journal agrees with the tenant.

The randomness is seeded: the seed is printed, and ``C2T_CRASH_SEED=<seed>`` replays a run's kill times.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from conftest import ROOT, Sandbox, start_sandbox

COUNT = 300
PREFIX = "crash"
KILLS = 6
WORKER = ROOT / "tests" / "helpers" / "create_users_worker.py"
# Slow enough that five kills, each at most KILL_WINDOW after the first report, always come before the end
# (about 3 s of sending at 250 ms; with 120 ms a fast run could finish after three).
KILL_WINDOW = (0.05, 0.5)
FAULTS = (
    "latency=250ms,429=0.1,503=0.03,drop_after_commit=0.05,drop_before_commit=0.03,batch429=0.03,"
    "retry_after=100ms"
)


@pytest.fixture
def box(tmp_path: Path) -> Iterator[Sandbox]:
    sandbox = start_sandbox(tmp_path / "sandbox", "--log-level", "WARNING")
    try:
        yield sandbox
    finally:
        sandbox.stop()


def start_worker(settings: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(settings)],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )


def read_until(stream: IO[str], prefix: str) -> str:
    """Lines until one starts with ``prefix`` (blocking: the worker prints as it goes)."""
    while True:
        line = stream.readline()
        if not line:
            raise AssertionError(f"the worker stopped before printing {prefix!r}")
        if line.startswith(prefix):
            return line.strip()


def journal_states(data_dir: Path) -> dict[str, int]:
    db = sqlite3.connect(data_dir / "journal.sqlite3")
    try:
        rows = db.execute("SELECT state, COUNT(*) FROM people GROUP BY state").fetchall()
    finally:
        db.close()
    return {str(state): int(count) for state, count in rows}


def tenant_users(box: Sandbox) -> dict[str, dict[str, Any]]:
    domain = box.info["demo"]["tenant"]
    response = httpx.get(f"{box.base}/_sandbox/users", params={"tenant": domain}, timeout=10, trust_env=False)
    response.raise_for_status()
    found = [u for u in response.json()["users"] if u["upn"].lower().startswith(PREFIX + ".")]
    by_upn = {u["upn"].lower(): u for u in found}
    assert len(by_upn) == len(found), "a user appears twice"
    return by_upn


def test_killed_at_random_moments_and_resumed_creates_everyone_once(box: Sandbox, tmp_path: Path) -> None:
    seed = int(os.environ.get("C2T_CRASH_SEED") or random.SystemRandom().randrange(2**32))
    print(f"crash test seed: {seed} (replay with C2T_CRASH_SEED={seed})")
    rng = random.Random(seed)
    data_dir = tmp_path / "data"
    settings = tmp_path / "worker.json"
    settings.write_text(
        json.dumps({"sandbox": box.info, "data_dir": str(data_dir), "prefix": PREFIX, "count": COUNT}),
        encoding="utf-8",
    )
    box.set_faults(FAULTS)

    kills: list[tuple[float, dict[str, int]]] = []
    run_ids: set[str] = set()
    while len(kills) < KILLS:
        worker = start_worker(settings)
        assert worker.stdout is not None
        try:
            run_ids.add(read_until(worker.stdout, "RUN").split()[1])
            # The first report comes before anything is sent; kill somewhere in what follows.
            read_until(worker.stdout, "PROGRESS")
            delay = rng.uniform(*KILL_WINDOW)
            try:
                worker.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                worker.kill()  # SIGKILL: no cleanup, no flush, nothing
            worker.wait(timeout=10)
        finally:
            worker.stdout.close()
        killed = worker.returncode == -9
        if not killed:
            break  # it finished before the kill: nothing left to interrupt
        kills.append((round(delay, 3), journal_states(data_dir)))

    print("kills (delay after the first report, journal at the kill):", kills)
    worker = start_worker(settings)
    assert worker.stdout is not None
    try:
        done = json.loads(read_until(worker.stdout, "DONE").split(" ", 1)[1])
        assert worker.wait(timeout=60) == 0
    finally:
        worker.stdout.close()
    box.set_faults("")

    assert len(kills) >= 5, f"the creation finished after {len(kills)} kills: make it slower"
    assert any(states.get("sending", 0) for _, states in kills), (
        "no kill landed while a batch was on the wire"
    )
    assert len(run_ids) == 1  # every restart resumed the same run
    users = tenant_users(box)
    assert len(users) == COUNT  # everyone, none twice
    assert (done["created"], done["existed"], done["failed"], done["remaining"]) == (COUNT, 0, 0, 0)
    db = sqlite3.connect(data_dir / "journal.sqlite3")
    try:
        rows = db.execute("SELECT key, state, user_id FROM people").fetchall()
    finally:
        db.close()
    assert {key: user_id for key, _, user_id in rows} == {upn: u["id"] for upn, u in users.items()}
    assert {state for _, state, _ in rows} == {"created"}
