"""Smoke test of a frozen build, until ``c2t-wizard --self-test`` exists (then the Makefile's SMOKE_TEST
variable runs that instead, and this file can go).

    python packaging/smoke.py dist/c2t-wizard/c2t-wizard

1. ``c2t-wizard onboard --sandbox``: the frozen app starts its embedded sandbox (itself, as
   ``-m c2t_wizard.sandbox``), signs in, creates the three people of ``smoke-users.csv`` and invites them to
   the portal; the report must say 3 created and 3 invited.
2. ``c2t-wizard --sandbox`` on the offscreen platform with ``C2T_QUIT_AFTER_FIRST_PAINT``: the window paints
   (Qt, its platform plugin and the app's translations load) and the app shuts down cleanly.
Everything runs in a throw-away home (``C2T_HOME``): the builder's own profile is never touched.
Exit status 0, or 1 naming the failing step.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
USERS = HERE / "smoke-users.csv"
PEOPLE = 3
TIMEOUT = 180


class SmokeError(Exception):
    """A step failed; the message names it."""


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("C2T_")}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env.update(C2T_HOME=str(home), QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    return env


def run(command: list[str], env: dict[str, str], step: str) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    try:
        done = subprocess.run(
            command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired as exc:
        raise SmokeError(f"{step}: no answer within {TIMEOUT} s") from exc
    elapsed = time.monotonic() - start
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-20:])
        raise SmokeError(f"{step}: exit status {done.returncode}\n{tail}")
    return done, elapsed


def onboard(app: str, work: Path) -> float:
    report = work / "report.json"
    command = [app, "onboard", "--sandbox", "--sandbox-state", str(work / "sandbox")]
    command += ["--users", str(USERS), "--role", "service_viewer", "--deliver", "none"]
    command += ["--report", str(report), "--yes"]
    _done, elapsed = run(command, environment(work / "home"), "onboard on the sandbox")
    try:
        totals = json.loads(report.read_text(encoding="utf-8"))["totals"]
    except (OSError, ValueError, KeyError) as exc:
        raise SmokeError(f"onboard on the sandbox: no readable report ({exc})") from exc
    expected = {"people": PEOPLE, "account_created": PEOPLE, "invitation_invited": PEOPLE}
    wrong = {key: totals.get(key) for key, value in expected.items() if totals.get(key) != value}
    if wrong:
        raise SmokeError(f"onboard on the sandbox: the report says {wrong}, expected {expected}")
    return elapsed


def first_paint(app: str, work: Path) -> float:
    env = environment(work / "home")
    env["C2T_QUIT_AFTER_FIRST_PAINT"] = "1"
    start = time.monotonic()
    done, _elapsed = run([app, "--sandbox", "--lang", "de"], env, "first paint of the window")
    for line in done.stdout.splitlines():
        if line.startswith("first-paint "):
            return float(line.split()[1]) - start
    raise SmokeError(f"first paint of the window: no first-paint line\n{done.stdout}{done.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("app", help="the frozen executable, e.g. dist/c2t-wizard/c2t-wizard")
    args = parser.parse_args(argv)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="c2t-smoke-") as temporary:
        work = Path(temporary)
        try:
            onboard_s = onboard(args.app, work)
            paint_s = first_paint(args.app, work)
        except SmokeError as exc:
            print(f"smoke test FAILED: {exc}", file=sys.stderr)
            return 1
    total = time.monotonic() - start
    print(
        f"smoke test OK in {total:.1f} s: onboarded {PEOPLE} people on the sandbox in {onboard_s:.1f} s; "
        f"window painted in {paint_s * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
