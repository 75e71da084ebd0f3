"""Run the test suite several times in a row and count the passes: a flaky test shows up here.

    python scripts/repeat_tests.py -n 10                 # make test-repeat N=10
    python scripts/repeat_tests.py -n 10 --load 2 --loaded-runs 5
                                                         # busy loops on 2 cores during the first 5 runs

Each run's output goes to ``<logs>/run-<k>.log`` (default: a new temporary folder); a failed run's last lines
are printed. Extra arguments after ``--`` go to pytest. Exits 0 only when every run passed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _spin() -> None:
    while True:
        pass


def run_once(number: int, logs: Path, pytest_args: list[str]) -> tuple[bool, float, str]:
    log = logs / f"run-{number}.log"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        code = subprocess.call(
            [sys.executable, "-m", "pytest", "-q", *pytest_args], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    summary = next(
        (line for line in reversed(lines) if " in " in line and ("passed" in line or "failed" in line)), ""
    )
    return code == 0, time.monotonic() - started, summary or "\n".join(lines[-15:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--runs", type=int, default=10)
    parser.add_argument(
        "--load", type=int, default=0, help="busy-loop processes to run meanwhile (cores to load)"
    )
    parser.add_argument(
        "--loaded-runs", type=int, default=None, help="how many of the runs get the load (all)"
    )
    parser.add_argument("--logs", type=Path, default=None)
    parser.add_argument("pytest_args", nargs="*")
    arguments = parser.parse_args(argv)
    logs = arguments.logs or Path(tempfile.mkdtemp(prefix="c2t-test-repeat-"))
    logs.mkdir(parents=True, exist_ok=True)
    loaded_runs = arguments.runs if arguments.loaded_runs is None else arguments.loaded_runs
    passed = 0
    for number in range(1, arguments.runs + 1):
        spinners: list[multiprocessing.Process] = []
        if arguments.load and number <= loaded_runs:
            spinners = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(arguments.load)]
            for spinner in spinners:
                spinner.start()
        try:
            ok, seconds, summary = run_once(number, logs, arguments.pytest_args)
        finally:
            for spinner in spinners:
                spinner.terminate()
                spinner.join()
        passed += ok
        load = f", {len(spinners)} cores loaded" if spinners else ""
        print(f"run {number}: {'passed' if ok else 'FAILED'} in {seconds:.0f} s{load}: {summary}", flush=True)
    print(f"{passed} of {arguments.runs} runs passed (logs in {logs})")
    return 0 if passed == arguments.runs else 1


if __name__ == "__main__":
    sys.exit(main())
