"""``c2t-wizard --self-test``, run as support staff run it (a subprocess of the app's entry point): it passes
on a working installation with a one-line summary, names the failing step when the sandbox fails for good,
and never imports QtWidgets or the window's code."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from test_onboard_cli import QT_CHECK, qt_modules


def self_test(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("C2T_")}
    # Where the app keeps its things: the self-test must leave them alone (it works in a temporary folder).
    env.update(C2T_HOME=str(tmp_path / "home"), PYTHONUNBUFFERED="1")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    return subprocess.run(
        [sys.executable, "-c", QT_CHECK, "--self-test", *extra],
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_self_test_passes_with_a_one_line_summary_and_without_qt_widgets(tmp_path: Path) -> None:
    done = self_test(tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1, done.stdout
    assert re.fullmatch(
        r"self-test passed: tenant, sign-in, 3 users, pdf, 3 invitations, report \(\d+\.\d s\)", lines[0]
    ), lines[0]
    modules = qt_modules(done.stderr)
    assert not [m for m in modules if m.startswith(("PySide6.QtWidgets", "c2t_wizard.ui"))], modules
    assert not (tmp_path / "home").exists(), "the self-test wrote into the app's own folders"


def test_a_fault_that_cannot_be_retried_away_fails_naming_the_step(tmp_path: Path) -> None:
    # Every request to the sandbox answers 503: the first step that asks it (the tenant check) fails.
    done = self_test(tmp_path, "--sandbox-faults", "503=1,retry_after=10ms,seed=3")
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert "self-test failed at tenant:" in done.stderr
    assert "contoso.onmicrosoft.com" in done.stderr


def test_the_shipped_report_schema_is_the_documented_one() -> None:
    shipped = ROOT / "c2t_wizard" / "resources" / "report-schema.json"
    assert shipped.read_bytes() == (ROOT / "docs" / "report-schema.json").read_bytes()
