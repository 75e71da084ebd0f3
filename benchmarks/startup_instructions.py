"""Instructions from process start to the wizard's first paint, against a bare PySide6 QWizard's: the start-up
budget (issue 15: at most 1.15x) without the machine's noise, to tell a 1% change from a busy neighbour.

    python benchmarks/startup_instructions.py [--sandbox] [--keep DIR]

Needs valgrind (Debian's ``valgrind``; ``make`` does not install it). Each process runs under ``valgrind
--tool=callgrind`` and ends itself the moment it reports its first paint (``C2T_QUIT_AFTER_FIRST_PAINT``), so
nothing after the paint is counted. The counts repeat to a few parts in 10,000 from run to run. The wall-clock
ratio of ``benchmarks/startup.py`` runs about 0.02 above this one: the kernel's work (page faults, system
calls) is not counted here. ``--keep DIR`` keeps the callgrind files, for ``callgrind_annotate
--inclusive=yes``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from startup import ROOT, compile_app, first_paint_env

EXIT_AT_FIRST_PAINT = """
import os, runpy, sys
class Stdout:
    def __init__(self, real):
        self.real = real
    def write(self, text):
        if text.startswith("first-paint"):
            os._exit(42)
        return self.real.write(text)
    def __getattr__(self, name):
        return getattr(self.real, name)
sys.stdout = Stdout(sys.stdout)
sys.path.insert(0, os.getcwd())
if sys.argv[1] == "-m":
    sys.argv = sys.argv[2:]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
else:
    sys.argv = sys.argv[1:]
    runpy.run_path(sys.argv[0], run_name="__main__")
"""

REFS = re.compile(r"I\s+refs:\s+([\d,]+)")
PAINTED = 42
"""The wrapper's exit code at the first paint (any other: the program ended or failed before it)."""


def instructions(command: list[str], env: dict[str, str], wrapper: Path, out: Path) -> int:
    """Instructions ``command`` (a Python script or ``-m module``) executes up to its first paint."""
    valgrind = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
    result = subprocess.run(
        [*valgrind, sys.executable, str(wrapper), *command],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    found = REFS.search(result.stderr)
    if result.returncode != PAINTED or found is None:
        raise RuntimeError(f"{command} did not reach its first paint:\n{result.stderr[-3000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sandbox", action="store_true", help="also count c2t-wizard --sandbox")
    parser.add_argument("--keep", type=Path, help="keep the callgrind files in this folder")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="c2t-instructions-"))
    keep = args.keep or work
    keep.mkdir(parents=True, exist_ok=True)
    # What benchmarks/startup.py times, counted: the same throw-away home and the app's bytecode.
    env = first_paint_env(work)
    compile_app(env)
    wrapper = work / "exit_at_first_paint.py"
    wrapper.write_text(EXIT_AT_FIRST_PAINT, encoding="utf-8")
    variants = {
        "bare QWizard": [str(ROOT / "benchmarks" / "bare_wizard.py")],
        "c2t-wizard": ["-m", "c2t_wizard"],
    }
    if args.sandbox:
        variants["c2t-wizard --sandbox"] = ["-m", "c2t_wizard", "--sandbox"]
    try:
        counts = {
            name: instructions(command, env, wrapper, keep / f"callgrind.{index}.out")
            for index, (name, command) in enumerate(variants.items())
        }
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    base = counts["bare QWizard"]
    print("instructions from process start to the first paint (valgrind --tool=callgrind, offscreen):")
    for name, count in counts.items():
        print(f"  {name:<22} {count / 1e6:9.1f} million   ratio {count / base:.3f}")
    ratio = counts["c2t-wizard"] / base
    print(f"budget: ratio <= 1.15 -> {'OK' if ratio <= 1.15 else 'OVER BUDGET'} ({ratio:.3f})")
    if args.keep is not None:
        print(f"callgrind files in {keep}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
