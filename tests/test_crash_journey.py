"""Kill ``c2t-wizard onboard`` (SIGKILL) at chosen moments of the whole journey, creating, mailing and
inviting, run it again each time, and at the end check in the sandbox that every person exists once, got
one welcome mail (whose password is theirs: reset and said so when the first one was lost) and one
portal invitation.

The process killed is the headless command (the same services as the window), on the embedded sandbox with
its state in a directory (``--sandbox-state``), so every rerun sees the same organisation and portal.

Every kill is triggered by an event, never by a delay: either a line of the command's one-line-per-step
output (``create 3/30: cj.3@… created``, ``deliver …: … sent``, ``invite …: … invited``) or a write the
sandbox committed (a new user, a welcome mail, a portal invitation: counted in the sandbox's SQLite files,
polled between lines). A commit kill lands between the sandbox accepting a write and the command
recording its answer: the moment a journal has to survive. On its event the command is frozen (SIGSTOP),
what the journal and the sandbox hold is noted for the log, and it is killed. The kinds, their order and the
event numbers come from a seeded random generator; the seed and the plan are printed, and
``C2T_CRASH_SEED=<seed>`` replays a run's plan (the sandbox's faults use the same seed).
"""

from __future__ import annotations

import html
import json
import os
import random
import re
import select
import signal
import sqlite3
import ssl
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, Sandbox, start_sandbox
from helpers import portal as sandbox_portal
from helpers.sandbox_truth import create_attempts, tenant_users
from jsonschema import Draft202012Validator, FormatChecker

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "SIGSTOP") or not hasattr(os, "pidfd_open"), reason="needs Linux process control"
)

COUNT = 30
"""Two ``$batch`` requests of creations (20 + 10), 30 mails, 30 invitations."""
PREFIX = "cj"
FAULTS = "latency=10ms,429=0.05,503=0.03,drop_after_commit=0.05,retry_after=20ms"
"""Light faults: throttling, outages and answers lost after the write committed."""
CREATE, DELIVER, INVITE = "create", "deliver", "invite"
PHASES = (CREATE, INVITE, DELIVER)
"""The order kills are planned in."""
BESIDE = (INVITE, DELIVER)
"""Once the accounts exist, the command mails and invites at the same time; either may end first. The
invitations start at once, the mails after the sender's checks: the invitations' kills come first."""
LINE, COMMIT = "line", "commit"
STEP_LINE = re.compile(rf"(create|deliver) \d+/\d+: ({PREFIX}\.\S+) (?:created|sent)(?: \((.*)\))?$")
NEW_PASSWORD = "new temporary password"
SENT_BEFORE = "sent before the interruption"
SCHEMA = json.loads((ROOT / "docs" / "report-schema.json").read_text(encoding="utf-8"))
LINE_OUTCOME = {CREATE: "created", DELIVER: "sent", INVITE: "invited"}
PORTAL_SENDER = "%@call2teams.example"
"""The portal's invitation mails go to the sandbox's outbox too, from its address: not welcome mails."""
POLL = 0.002
"""Seconds between two looks at the sandbox's files while no line comes (an event source, not a wait)."""
ROUND_LIMIT = 60.0
"""A round that sees neither its event nor its end in this long has hung: the test fails."""


@dataclass(frozen=True)
class Kill:
    phase: str
    trigger: str
    """``line``: the command said a person's step ended; ``commit``: the sandbox committed a write."""
    share: float
    """Where in the phase's remaining work the event falls (0..1; turned into an event number per round)."""


@dataclass
class Landed:
    kill: Kill
    number: int
    """The event's number in its round (the Nth line, or the Nth write committed since the round began)."""
    on: str = ""
    """What the event was about (a line, or the counts in the sandbox)."""
    journal: dict[str, int] = field(default_factory=dict)
    sandbox: dict[str, int] = field(default_factory=dict)


def plan_kills(rng: random.Random) -> list[Kill]:
    """3 to 5 kills, at least one per phase and one on a commit, in ``PHASES``' order."""
    phases = [*PHASES] + [rng.choice(PHASES) for _ in range(rng.randint(0, 2))]
    phases.sort(key=PHASES.index)
    triggers = [rng.choice((LINE, COMMIT)) for _ in phases]
    if COMMIT not in triggers:
        triggers[rng.randrange(len(triggers))] = COMMIT
    return [Kill(phase, trigger, rng.random()) for phase, trigger in zip(phases, triggers, strict=True)]


@dataclass(frozen=True)
class Home:
    root: Path

    @property
    def state(self) -> Path:
        return self.root / "sandbox-state"

    @property
    def journal(self) -> Path:
        return self.root / "home" / "data" / "journal.sqlite3"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("C2T_")}
        env.update(C2T_HOME=str(self.root / "home"), PYTHONUNBUFFERED="1")
        return env


def sandbox_counts(home: Home) -> dict[str, int]:
    """What the sandbox committed for this test's people: users, welcome mails, portal invitations."""
    counts = {CREATE: 0, DELIVER: 0, INVITE: 0}
    like = f"%{PREFIX}.%"
    for name, phase, query in (
        ("sandbox.sqlite3", CREATE, "SELECT COUNT(*) FROM users WHERE upn LIKE ?"),
        (
            "sandbox.sqlite3",
            DELIVER,
            "SELECT COUNT(*) FROM outbox WHERE recipients LIKE ? AND sender NOT LIKE ?",
        ),
        ("portal.sqlite3", INVITE, "SELECT COUNT(*) FROM invitations WHERE email LIKE ?"),
    ):
        path = home.state / name
        if not path.exists():
            continue
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            values = (like, PORTAL_SENDER) if phase == DELIVER else (like,)
            counts[phase] = int(db.execute(query, values).fetchone()[0])
        except sqlite3.OperationalError:  # the table isn't there yet (a sandbox starting on a new state)
            pass
        finally:
            db.close()
    return counts


def journal_counts(home: Home) -> dict[str, int]:
    if not home.journal.exists():
        return {}
    db = sqlite3.connect(home.journal, timeout=10)
    try:
        people = Counter(
            f"person:{state}" for (state,) in db.execute("SELECT state FROM people WHERE upn LIKE 'cj.%'")
        )
        mailed = db.execute(
            "SELECT COUNT(*) FROM people WHERE upn LIKE 'cj.%' AND credentials_pending = 0 "
            "AND delivery_state = 'sent'"
        ).fetchone()[0]
        invites = Counter(
            f"invite:{state}"
            for (state,) in db.execute(
                "SELECT i.state FROM portal_invitations i JOIN people p USING (run_id, key) "
                "WHERE p.upn LIKE 'cj.%'"
            )
        )
    except sqlite3.OperationalError:
        return {}
    finally:
        db.close()
    return {**people, "mailed": mailed, **invites}


class Command:
    """One ``c2t-wizard onboard`` process, its stderr read line by line without blocking."""

    def __init__(self, home: Home, csv: Path, seed: int, report: Path | None = None) -> None:
        args = [sys.executable, "-m", "c2t_wizard", "onboard", "--users", str(csv)]
        args += ["--role", "service_viewer", "--sandbox", "--sandbox-state", str(home.state), "--yes"]
        args += ["--sandbox-faults", f"{FAULTS},seed={seed}"]
        if report is not None:
            args += ["--report", str(report)]
        self.proc = subprocess.Popen(
            args,
            env=home.env(),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert self.proc.stderr is not None
        self._fd = self.proc.stderr.fileno()
        os.set_blocking(self._fd, False)
        self._buffer = b""
        self.lines: list[str] = []
        self.ended = False

    def read(self, timeout: float) -> list[str]:
        """The complete lines that came within ``timeout`` seconds (none: nothing came)."""
        if self.ended:
            return []
        ready, _, _ = select.select([self._fd], [], [], timeout)
        if not ready:
            return []
        chunk = os.read(self._fd, 65536)
        if not chunk:
            self.ended = True
            chunk = b"\n" if self._buffer else b""
        self._buffer += chunk
        *complete, self._buffer = self._buffer.split(b"\n")
        lines = [line.decode("utf-8", "replace") for line in complete if line]
        self.lines += lines
        return lines

    def freeze(self) -> bool:
        os.kill(self.proc.pid, signal.SIGSTOP)
        info = os.waitid(os.P_PID, self.proc.pid, os.WSTOPPED | os.WEXITED | os.WNOWAIT)
        return info is not None and info.si_code == os.CLD_STOPPED

    def kill(self) -> None:
        sandbox_pids = _children(self.proc.pid)
        self.proc.kill()  # SIGKILL: no cleanup, no flush, nothing
        assert self.proc.wait(10) == -signal.SIGKILL
        assert self.proc.stderr is not None
        self.proc.stderr.close()
        for pid in sandbox_pids:  # its sandbox exits when the pipe from the killed process closes
            try:
                fd = os.pidfd_open(pid)
            except ProcessLookupError:
                continue
            try:
                assert select.select([fd], [], [], 30)[0], f"sandbox {pid} still running"
            finally:
                os.close(fd)

    def finish(self) -> int:
        while not self.ended:
            self.read(ROUND_LIMIT)
        code = self.proc.wait(ROUND_LIMIT)
        assert self.proc.stderr is not None
        self.proc.stderr.close()
        return code


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text(encoding="utf-8").split()]
    return found


def step_line(line: str, phase: str) -> str | None:
    """The username when ``line`` says a person's ``phase`` ended as hoped (e.g. "deliver 3/30: u sent")."""
    match = re.match(rf"{phase} \d+/\d+: ({PREFIX}\.\S+) {LINE_OUTCOME[phase]}\b", line)
    return match.group(1).lower() if match else None


def kill_at(command: Command, kill: Kill, number: int, home: Home) -> Landed | None:
    """Run ``command`` until the ``number``th event of ``kill``'s kind and kill it there; None when the
    command ended first."""
    landed = Landed(kill, number)
    base = sandbox_counts(home)[kill.phase]
    seen = 0
    deadline = time.monotonic() + ROUND_LIMIT
    while not command.ended:
        assert time.monotonic() < deadline, "the command neither reached its event nor ended:\n" + "\n".join(
            command.lines
        )
        lines = command.read(POLL)
        hit = False
        if kill.trigger == LINE:
            for line in lines:
                if step_line(line, kill.phase) is not None:
                    seen += 1
                    if seen == number:
                        landed.on, hit = line, True
                        break
        elif sandbox_counts(home)[kill.phase] >= base + number:
            landed.on, hit = f"{kill.phase} commit {base + number}", True
        if not hit:
            continue
        if not command.freeze():
            return None  # it ended on its own just then
        landed.journal = journal_counts(home)
        landed.sandbox = sandbox_counts(home)
        command.kill()
        return landed
    return None


def remaining(home: Home, phase: str) -> int:
    return max(0, COUNT - sandbox_counts(home)[phase])


def write_csv(path: Path) -> Path:
    lines = ["First name,Last name,Username,Work email"]
    lines += [f"P{i},Crash,{PREFIX}.{i},{PREFIX}.{i}@partner-example.com" for i in range(COUNT)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def welcome_mails(box: Sandbox) -> dict[str, list[str]]:
    """Per recipient, the temporary passwords of the welcome mails the administrator sent them."""
    response = httpx.get(f"{box.base}/_sandbox/outbox", timeout=10, trust_env=False)
    response.raise_for_status()
    admin = str(box["demo"]["admin"]["username"]).lower()
    found: dict[str, list[str]] = {}
    for mail in response.json()["messages"]:
        if mail["from"].lower() != admin or not mail["to"][0].lower().startswith(f"{PREFIX}."):
            continue
        body = html.unescape(mail["body"])
        passwords = re.findall(r"Temporary password:</td><td[^>]*><b>([^<]+)</b>", body)
        found.setdefault(mail["to"][0].lower(), []).extend(passwords)
    return found


def password_works(box: Sandbox, username: str, password: str) -> bool:
    """Does the sandbox take ``password`` for ``username`` (a password sign-in: accepted, or refused only
    because it must be changed first)?"""
    tenant = box["demo"]["tenant"]
    response = httpx.post(
        f"{box['login']}/{tenant}/oauth2/v2.0/token",
        data={
            "grant_type": "password",
            "client_id": "14d82eec-204b-4c2f-b7e8-296a70dab67e",
            "scope": "https://graph.microsoft.com/User.Read",
            "username": username,
            "password": password,
        },
        timeout=10,
        verify=ssl.create_default_context(cafile=str(box.info["ca_cert"])),
        trust_env=False,
    )
    if response.status_code == 200:
        return True
    text = response.text
    assert "AADSTS50126" in text or "AADSTS50055" in text, text  # wrong password / must change it
    return "AADSTS50055" in text


def test_killed_anywhere_in_the_journey_and_rerun_onboards_everyone_once(tmp_path: Path) -> None:
    seed = int(os.environ.get("C2T_CRASH_SEED") or random.SystemRandom().randrange(2**32))
    replay = f"(replay with C2T_CRASH_SEED={seed})"
    rng = random.Random(seed)
    plan = plan_kills(rng)
    print(f"journey crash seed: {seed} {replay}")
    print("plan:", plan)
    home = Home(tmp_path)
    csv = write_csv(tmp_path / "staff.csv")

    landed: list[Landed] = []
    outputs: list[list[str]] = []
    for index, kill in enumerate(plan):
        left = remaining(home, kill.phase)
        later = sum(1 for other in plan[index + 1 :] if other.phase == kill.phase)
        if left < 2:
            print(f"{kill}: skipped, {left} left in {kill.phase}")
            continue
        if kill.phase in BESIDE:
            # Mails and invitations run at the same time and either may end first: a kill in one lands early
            # in what is left of both, leaving work in each for the kills after it in either.
            later = sum(1 for other in plan[index + 1 :] if other.phase in BESIDE)
            left = min(remaining(home, phase) for phase in BESIDE) // 2
        # Leave work in the phase for the kills after this one in it.
        number = 1 + int(kill.share * max(0, left // (later + 1) - 1))
        command = Command(home, csv, seed)
        one = kill_at(command, kill, number, home)
        outputs.append(command.lines)
        if one is None:
            assert command.finish() == 0, "\n".join(command.lines)
            print(f"{kill}: the command finished before event {number}")
            break
        landed.append(one)
        print(f"kill {len(landed)}: {one.kill.phase}/{one.kill.trigger} #{one.number} on {one.on!r}; "
              f"journal {one.journal}; sandbox {one.sandbox}")  # fmt: skip

    report = tmp_path / "report.json"
    final = Command(home, csv, seed, report)
    code = final.finish()
    outputs.append(final.lines)
    said = "\n".join(final.lines)
    assert code == 0, f"{said}\n{replay}"
    assert f"Done: {COUNT} of {COUNT} onboarded" in said, f"{said}\n{replay}"
    assert len(landed) >= 3, f"only {len(landed)} kills landed {replay}"
    assert {one.kill.phase for one in landed} == set(PHASES), replay

    box = start_sandbox(home.state, "--log-level", "WARNING")
    try:
        tenant = box["demo"]["tenant"]
        domain = box["demo"]["tenant"]
        wanted = {f"{PREFIX}.{i}@partner-example.com" for i in range(COUNT)}

        # Everyone exists once: one create that created them (any others met "already exists").
        users = {upn: user for upn, user in tenant_users(box.base, tenant).items() if upn.startswith(PREFIX)}
        assert len(users) == COUNT, replay
        attempts = {upn: tries for upn, tries in create_attempts(box.base, tenant).items()
                    if upn.startswith(PREFIX)}  # fmt: skip
        twice = {upn: tries for upn, tries in attempts.items()
                 if [a["outcome"] for a in tries].count("created") != 1}  # fmt: skip
        assert not twice, f"{twice} {replay}"

        # Everyone got one welcome mail, and its password is theirs now.
        mails = welcome_mails(box)
        assert set(mails) == wanted, replay
        extra = {to: len(passwords) for to, passwords in mails.items() if len(passwords) != 1}
        assert not extra, f"more than one welcome mail: {extra} {replay}"
        wrong = [
            to
            for to, (password,) in mails.items()
            if not password_works(box, f"{to.split('@')[0]}@{domain}", password)
        ]
        assert not wrong, f"the mailed password doesn't work for {wrong} {replay}"

        # Everyone invited once; nobody made an administrator twice.
        state = sandbox_portal.control(box.info, "state")
        invited = Counter(
            row["email"].lower() for row in state["invitations"] if row["email"].startswith(PREFIX)
        )
        assert invited == dict.fromkeys(wanted, 1), f"{invited} {replay}"
        admins = Counter(row["email"].lower() for row in state["administrators"])
        assert all(admins[email] <= 1 for email in wanted), replay
    finally:
        box.stop()

    # The report of the last run says everyone ended well, and whose password was reset.
    data = json.loads(report.read_text(encoding="utf-8"))
    Draft202012Validator(SCHEMA, format_checker=FormatChecker()).validate(data)
    people = {person["username"].lower(): person for person in data["people"]}
    assert len(people) == COUNT, replay
    assert all(person["ok"] for person in people.values()), replay
    assert {person["delivery"]["status"] for person in people.values()} == {"delivered"}, replay
    assert {person["invitation"]["status"] for person in people.values()} == {"invited"}, replay
    reset_in_report = {name for name, person in people.items() if person["delivery"]["password_reset"]}

    # Which process created and which mailed each person, as their lines said.
    created_by: dict[str, int] = {}
    mailed_by: dict[str, tuple[int, str]] = {}
    for number, lines in enumerate(outputs):
        for line in lines:
            match = STEP_LINE.match(line)
            if match is None:
                continue
            step, name, detail = match.group(1), match.group(2).lower(), match.group(3) or ""
            if step == CREATE:
                created_by[name] = number
            else:
                mailed_by[name] = (number, detail)
    # A person may have no line: mailed, recorded, and the process killed before it said so.
    assert set(mailed_by) <= set(people), replay
    unsaid = set(people) - set(mailed_by)
    for name, (number, detail) in mailed_by.items():
        if detail == "":  # mailed with the password made at creation: by the process that made it
            assert created_by.get(name) == number, f"{name}: {detail!r} {replay}"
            assert name not in reset_in_report, f"{name}: reported as reset {replay}"
        elif detail == NEW_PASSWORD:  # the password made at creation died with a killed process
            assert name in reset_in_report, f"{name}: reset, not reported {replay}"
        else:
            assert detail == SENT_BEFORE, f"{name}: {detail!r} {replay}"
    reset_said = {name for name, (_number, detail) in mailed_by.items() if detail == NEW_PASSWORD}
    found_sent = {name for name, (_number, detail) in mailed_by.items() if detail == SENT_BEFORE}
    assert reset_in_report <= reset_said | found_sent | unsaid, replay
    print(f"reset passwords: {len(reset_in_report)}; mails found sent after a kill: {len(found_sent)}")
    print(f"kills landed: {len(landed)}; final run: {said.splitlines()[-1]}")
