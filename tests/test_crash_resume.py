"""Kill the app (SIGKILL) at chosen moments of a 300-user creation, start it again each time: at the end the
journal and the tenant agree one to one, and everybody is reported as created by this run.

Every kill is triggered by an event, never by a delay, so the test means the same on a fast and a slow
machine. The worker (``helpers/create_users_worker.py``) prints a line when a batch goes out (``SENDING``)
and when an answer was recorded (``PROGRESS``); on such a line the test freezes the worker (SIGSTOP, and
waits until the kernel says it is stopped), reads the journal, and kills (SIGKILL) only if the journal shows
the state the kill is meant for, else lets it go on to the next event. Three kinds of kill:

- ``wire``: people are ``sending`` in the journal (a batch on the wire: the tenant may or may not have the
  users);
- ``recorded``: right after an answer was recorded;
- ``recording``: in the middle of recording an answer: the worker itself stops inside the journal's
  transaction right after it wrote a person as created (uncommitted), while the tenant has that user.

Each kill also waits until a given number of people are finished (created, or else existed or failed),
so that the kills spread over the run and all land while work remains. The kinds, their order and the
thresholds come from a seeded random generator: the seed is printed, and ``C2T_CRASH_SEED=<seed>`` replays
a run's plan.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import ROOT, Sandbox, start_sandbox

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "SIGSTOP") or not hasattr(os, "waitid"), reason="freezing a process needs POSIX"
)

COUNT = 300
PREFIX = "crash"
KILLS = 5
WIRE, RECORDED, RECORDING = "wire", "recorded", "recording"
# Kill number i (from 0) waits until at least a number of people in [i * SPREAD, i * SPREAD + SPREAD_WIDTH]
# are finished: the last one at most 180 of 300 (200 for a ``recording`` pause), so that work remains at
# every kill whatever the machine's speed.
SPREAD = 40
SPREAD_WIDTH = 20
MIN_ON_THE_WIRE = 3
FAULTS = (
    "latency=50ms,429=0.1,503=0.03,drop_after_commit=0.05,drop_before_commit=0.03,batch429=0.03,"
    "retry_after=50ms"
)
WORKER = ROOT / "tests" / "helpers" / "create_users_worker.py"


@pytest.fixture
def box(tmp_path: Path) -> Iterator[Sandbox]:
    sandbox = start_sandbox(tmp_path / "sandbox", "--log-level", "WARNING")
    try:
        yield sandbox
    finally:
        sandbox.stop()


@dataclass(frozen=True)
class Kill:
    """A planned kill: its kind, and how many people must be finished before it may land."""

    kind: str
    after: int
    pause_at: int | None = None
    """``recording`` only: the worker stops while recording an answer once this many are finished."""


@dataclass
class Landed:
    kill: Kill
    states: Counter[str]
    """The journal's states at the kill (read while the worker was frozen)."""
    paused_on: str | None = None
    """``recording``: the person whose "created" was written, not committed, when the worker was killed."""
    passed: list[str] = field(default_factory=list)
    """The journal's states at earlier freezes that did not match (the worker went on)."""


def plan_kills(rng: random.Random) -> list[Kill]:
    kinds = [WIRE, WIRE, RECORDING, RECORDED] + [
        rng.choice((WIRE, RECORDED, RECORDING)) for _ in range(KILLS - 4)
    ]
    rng.shuffle(kinds)
    while kinds[-1] == RECORDING:
        # The last kill comes when few people may be left unsent: it might find only conflicts to record
        # (read back one by one, outside a batch's transaction), so no moment in the middle of recording.
        kinds.insert(rng.randrange(len(kinds) - 1), kinds.pop())
    kills = []
    for number, kind in enumerate(kinds):
        after = rng.randint(number * SPREAD, number * SPREAD + SPREAD_WIDTH)
        pause_at = after + rng.randint(1, 20) if kind == RECORDING else None
        kills.append(Kill(kind, after, pause_at))
    return kills


class Worker:
    """``create_users_worker.py`` in a child process, read line by line."""

    def __init__(self, settings: Path, pause_at: int | None = None) -> None:
        extra = [] if pause_at is None else [str(pause_at)]
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER), str(settings), *extra],
            stdout=subprocess.PIPE,
            stdin=subprocess.PIPE,  # a paused worker blocks reading it
            text=True,
            cwd=ROOT,
        )

    def line(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"the worker ended (code {self.proc.wait(10)}) before the event awaited")
        return line.strip()

    def expect(self, word: str) -> list[str]:
        while True:
            parts = self.line().split()
            if parts[0] == word:
                return parts[1:]

    def freeze(self) -> bool:
        """Stop the worker where it is; True once the kernel reports it stopped, False if it had ended."""
        os.kill(self.proc.pid, signal.SIGSTOP)
        # WNOWAIT: the status stays for Popen to collect.
        info = os.waitid(os.P_PID, self.proc.pid, os.WSTOPPED | os.WEXITED | os.WNOWAIT)
        return info is not None and info.si_code == os.CLD_STOPPED

    def thaw(self) -> None:
        os.kill(self.proc.pid, signal.SIGCONT)

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL: no cleanup, no flush, nothing
        assert self.proc.wait(10) == -signal.SIGKILL

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()


def journal_people(data_dir: Path) -> dict[str, sqlite3.Row]:
    db = sqlite3.connect(data_dir / "journal.sqlite3")
    try:
        db.row_factory = sqlite3.Row
        rows = db.execute("SELECT key, state, user_id, in_doubt FROM people").fetchall()
    finally:
        db.close()
    return {row["key"]: row for row in rows}


def states_of(people: dict[str, sqlite3.Row]) -> Counter[str]:
    return Counter(row["state"] for row in people.values())


def finished_in(states: Counter[str]) -> int:
    """People whose creation is final: created, existed or failed."""
    return states["created"] + states["exists"] + states["failed"]


def tenant_users(box: Sandbox) -> dict[str, dict[str, Any]]:
    """The tenant's users of this test by lower-cased UPN (with id and createdDateTime)."""
    domain = box.info["demo"]["tenant"]
    response = httpx.get(f"{box.base}/_sandbox/users", params={"tenant": domain}, timeout=10, trust_env=False)
    response.raise_for_status()
    return {
        u["upn"].lower(): u for u in response.json()["users"] if u["upn"].lower().startswith(PREFIX + ".")
    }


def kill_at(worker: Worker, kill: Kill, data_dir: Path) -> Landed:
    """Run the worker until the moment ``kill`` is meant for, and kill it there."""
    landed = Landed(kill, Counter())
    finished: int | None = None  # as the last PROGRESS line said
    while True:
        word, *rest = worker.line().split()
        if word == "DONE":
            raise AssertionError(f"{kill} found no moment to land: the worker finished first")
        before = finished
        if word == "PROGRESS":
            finished = COUNT - int(rest[1])
        if kill.kind == WIRE:
            candidate = word in ("SENDING", "PROGRESS") and finished is not None and finished >= kill.after
        elif kill.kind == RECORDED:
            # An answer that finished people (created, existed, failed) was just recorded.
            candidate = (
                word == "PROGRESS" and before is not None and finished is not None and before < finished
            ) and finished >= kill.after
        else:
            candidate = word == "PAUSED"
        if not candidate:
            continue
        assert worker.freeze(), f"{kill}: the worker ended while being frozen"
        people = journal_people(data_dir)
        states = states_of(people)
        work_remains = states["planned"] + states["sending"] > 0
        if kill.kind == RECORDING:
            landed.paused_on = rest[0]
            # The answer's transaction is open: the person just written as created is still "sending".
            assert people[rest[0]]["state"] == "sending", f"{kill}: paused, yet {rest[0]} was committed"
            matches = True
        elif kill.kind == WIRE:
            matches = states["sending"] > 0 and finished_in(states) >= kill.after
        else:
            matches = finished_in(states) >= kill.after
        if not (matches and work_remains):
            landed.passed.append(f"{dict(states)}")
            worker.thaw()
            continue
        worker.kill()
        landed.states = states
        return landed


def test_killed_at_chosen_moments_and_resumed_creates_everyone_once(box: Sandbox, tmp_path: Path) -> None:
    seed = int(os.environ.get("C2T_CRASH_SEED") or random.SystemRandom().randrange(2**32))
    print(f"crash test seed: {seed} (replay with C2T_CRASH_SEED={seed})")
    replay = f"(replay with C2T_CRASH_SEED={seed})"
    plan = plan_kills(random.Random(seed))
    print("plan:", plan)
    data_dir = tmp_path / "data"
    settings = tmp_path / "worker.json"
    settings.write_text(
        json.dumps({"sandbox": box.info, "data_dir": str(data_dir), "prefix": PREFIX, "count": COUNT}),
        encoding="utf-8",
    )
    box.set_faults(f"{FAULTS},seed={seed}")  # the sandbox's dice replay with the kills
    # Graph's createdDateTime has whole seconds: anything created by this run is at or after this.
    run_start = datetime.now(UTC).replace(microsecond=0)

    landed: list[Landed] = []
    run_ids: set[str] = set()
    for kill in plan:
        worker = Worker(settings, kill.pause_at)
        try:
            run_ids.add(worker.expect("RUN")[0])
            landed.append(kill_at(worker, kill, data_dir))
        finally:
            worker.close()
        if landed[-1].paused_on is not None:
            # Killed in the middle of recording: the tenant has the user, the journal says "sending".
            assert landed[-1].paused_on in tenant_users(box), (
                f"{kill}: the paused person is not in the tenant"
            )
    for one in landed:
        print(f"{one.kill}: journal {dict(one.states)}, paused on {one.paused_on}, passed {one.passed}")

    worker = Worker(settings)
    try:
        run_ids.add(worker.expect("RUN")[0])
        done = json.loads(" ".join(worker.expect("DONE")))
        assert worker.proc.wait(60) == 0
    finally:
        worker.close()
    box.set_faults("")

    # Every kill landed while work remained, in the state it was meant for; at least MIN_ON_THE_WIRE with
    # people "sending" (by construction: the plan has that many wire and recording kills, and each one
    # lands only in that state).
    assert all(one.states["planned"] + one.states["sending"] for one in landed), replay
    on_the_wire = [one for one in landed if one.states["sending"]]
    assert len(on_the_wire) >= MIN_ON_THE_WIRE, f"{len(on_the_wire)} kills on the wire {replay}"
    assert {one.kill.kind for one in landed} == {WIRE, RECORDED, RECORDING}, replay
    assert len(run_ids) == 1, replay  # every restart resumed the same run

    people = journal_people(data_dir)
    users = tenant_users(box)
    assert len(people) == COUNT
    # "Already existed" only for users the tenant had before this run: none here, since this run created
    # every one of them (a lost answer is "created, in doubt resolved as ours", never "existed").
    assert all(datetime.fromisoformat(user["createdDateTime"]) >= run_start for user in users.values()), (
        replay
    )
    existed_wrongly = [
        key
        for key, row in people.items()
        if row["state"] == "exists"
        and (key not in users or datetime.fromisoformat(users[key]["createdDateTime"]) >= run_start)
    ]
    assert not existed_wrongly, (
        f"{len(existed_wrongly)} reported as existing before the run, e.g. {existed_wrongly[:5]} {replay}"
    )
    # The journal and the tenant agree one to one: "created" exactly for the users that exist, same ids.
    created = {key: row["user_id"] for key, row in people.items() if row["state"] == "created"}
    assert created == {upn: user["id"] for upn, user in users.items()}, replay
    assert states_of(people) == Counter(created=COUNT), replay
    assert (done["created"], done["existed"], done["failed"], done["remaining"]) == (COUNT, 0, 0, 0), replay
    # Each person whose answer a kill interrupted mid-recording was resolved as ours after the restart.
    for one in landed:
        if one.paused_on is not None:
            assert people[one.paused_on]["in_doubt"] == 1, f"{one.paused_on} {replay}"
    in_doubt = sum(row["in_doubt"] for row in people.values())
    print(f"created: {COUNT}, of which in doubt and resolved as ours: {in_doubt}")
