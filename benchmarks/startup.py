"""Process start -> first paint of the wizard, against a bare PySide6 QWizard measured in the same run.

Budget (issue 15): the wizard's median within 1.15x of the bare QWizard's. Runs are interleaved so
both see the same machine load. Usage: python benchmarks/startup.py [--runs N] [--cold] [--frozen EXE]
(--frozen adds the frozen build, e.g. dist/c2t-wizard/c2t-wizard: `make bench-bundle`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def first_paint_ms(command: list[str], env: dict[str, str]) -> float:
    start = time.monotonic()
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    for line in result.stdout.splitlines():
        if line.startswith("first-paint "):
            return (float(line.split()[1]) - start) * 1000
    raise RuntimeError(f"{command} printed no first-paint line:\n{result.stdout}\n{result.stderr}")


def first_paint_env(home: Path) -> dict[str, str]:
    """The environment of a start measured to its first paint: a throw-away ``home``, through the variables
    platformdirs reads (not C2T_HOME), so the app finds its folders the way it does on a partner's machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("C2T_", "XDG_"))}
    env.update(
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_CACHE_HOME=str(home / ".cache"),
        C2T_QUIT_AFTER_FIRST_PAINT="1",
    )
    return env


def compile_app(env: dict[str, str]) -> None:
    """Bytecode, as an installed copy has (pip compiles it on install); this machine exports
    PYTHONDONTWRITEBYTECODE, so a source checkout would otherwise recompile the app on every start."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "c2t_wizard")],
        check=True,
        env={k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"},
    )


def measure(
    runs: int, *, cold: bool = False, sandbox: bool = True, frozen: str | None = None
) -> dict[str, list[float]]:
    """Milliseconds from process start to first paint per variant, ``runs`` interleaved runs each (after one
    warm-up each). ``cold``: no bytecode at all (an empty ``PYTHONPYCACHEPREFIX`` per run, nothing written),
    as on the very first start after unpacking a copy without ``.pyc`` files."""
    home = Path(tempfile.mkdtemp(prefix="c2t-bench-"))
    env = first_paint_env(home)
    variants = {
        "bare QWizard": [sys.executable, str(ROOT / "benchmarks" / "bare_wizard.py")],
        "c2t-wizard": [sys.executable, "-m", "c2t_wizard"],
        "c2t-wizard --sandbox": [sys.executable, "-m", "c2t_wizard", "--sandbox"],
    }
    if not sandbox:
        del variants["c2t-wizard --sandbox"]
    if frozen:
        executable = str(Path(frozen).resolve())
        variants["frozen c2t-wizard"] = [executable]
        variants["frozen --sandbox"] = [executable, "--sandbox"]
    compile_app(env)
    times: dict[str, list[float]] = {name: [] for name in variants}
    try:
        for command in variants.values():  # one warm-up each (page cache, .pyc)
            first_paint_ms(command, env)
        for _ in range(runs):
            for name, command in variants.items():
                run_env = env
                if cold:
                    prefix = Path(tempfile.mkdtemp(prefix="pyc-", dir=home))
                    run_env = {**env, "PYTHONPYCACHEPREFIX": str(prefix), "PYTHONDONTWRITEBYTECODE": "1"}
                times[name].append(first_paint_ms(command, run_env))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--cold", action="store_true", help="no bytecode (see measure)")
    parser.add_argument("--frozen", help="also time this frozen executable (and with --sandbox)")
    args = parser.parse_args()
    times = measure(args.runs, cold=args.cold, frozen=args.frozen)

    base = statistics.median(times["bare QWizard"])
    print(f"process start -> first paint, median of {args.runs} interleaved runs (offscreen):")
    for name, values in times.items():
        median = statistics.median(values)
        spread = f"min {min(values):.0f} / max {max(values):.0f}"
        print(f"  {name:<22} {median:7.0f} ms   ({spread})   ratio {median / base:.2f}")
    ratio = statistics.median(times["c2t-wizard"]) / base
    print(f"budget: ratio <= 1.15 -> {'OK' if ratio <= 1.15 else 'OVER BUDGET'} ({ratio:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
