"""Smoke test of a frozen build (``make bundle`` fails when it fails).

    python packaging/smoke.py dist/c2t-wizard/c2t-wizard

1. ``c2t-wizard --self-test``: the frozen app starts its embedded sandbox (itself, as
   ``-m c2t_wizard.sandbox``), checks the tenant, signs in, creates three people, writes their welcome
   sheet (PDF, so QtGui works frozen), invites them to the portal and reads the report back; it prints one
   line, ``self-test passed: ...``.
2. ``c2t-wizard --sandbox`` on the offscreen platform with ``C2T_QUIT_AFTER_FIRST_PAINT``: the window paints
   (Qt, its platform plugin and the app's translations load) and the app shuts down cleanly.
Everything runs in a throw-away home (``C2T_HOME``): the builder's own profile is never touched.
Exit status 0, or 1 naming the failing step.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
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


def self_test(app: str, work: Path) -> tuple[float, str]:
    done, elapsed = run([app, "--self-test"], environment(work / "home"), "self-test")
    line = next((line for line in done.stdout.splitlines() if line.startswith("self-test passed")), None)
    if line is None:
        raise SmokeError(f"self-test: no 'self-test passed' line\n{done.stdout}{done.stderr}")
    return elapsed, line


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
            test_s, said = self_test(args.app, work)
            paint_s = first_paint(args.app, work)
        except SmokeError as exc:
            print(f"smoke test FAILED: {exc}", file=sys.stderr)
            return 1
    total = time.monotonic() - start
    print(
        f"smoke test OK in {total:.1f} s: {said} (whole process {test_s:.1f} s); "
        f"window painted in {paint_s * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
