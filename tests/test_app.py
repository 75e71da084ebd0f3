"""The app as a user starts it: a real process, on the sandbox, that paints and exits cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_app(tmp_path: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ, C2T_HOME=str(tmp_path), C2T_QUIT_AFTER_FIRST_PAINT="1", QT_QPA_PLATFORM="offscreen"
    )
    return subprocess.run(
        [sys.executable, "-m", "c2t_wizard", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_version_and_help_need_no_qt(tmp_path: Path) -> None:
    result = run_app(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.startswith("c2t-wizard ")
    result = run_app(tmp_path, "--help")
    assert result.returncode == 0
    for option in ("--sandbox", "--lang", "--log-level", "--version"):
        assert option in result.stdout


def test_sandbox_mode_paints_and_exits_without_leaving_the_sandbox_running(tmp_path: Path) -> None:
    result = run_app(tmp_path, "--sandbox", "--log-level", "debug")
    assert result.returncode == 0, result.stderr
    assert "first-paint" in result.stdout
    log_text = (tmp_path / "logs" / "c2t-wizard.log").read_text(encoding="utf-8")
    assert "Stopped" in log_text
    # The sandbox was a child of the app: nothing may outlive it.
    states = list((tmp_path / "data" / "sandbox").iterdir())
    assert len(states) == 1
    leftovers = subprocess.run(
        ["pgrep", "-f", f"c2t_wizard.sandbox .*{states[0]}"], capture_output=True, text=True, check=False
    )
    assert leftovers.stdout.strip() == ""


@pytest.mark.parametrize("bad", [["--lang", "xx"], ["--log-level", "LOUD"], ["--nonsense"]])
def test_bad_arguments_are_refused_with_a_message(tmp_path: Path, bad: list[str]) -> None:
    result = run_app(tmp_path, *bad)
    assert result.returncode == 2
    assert "usage:" in result.stderr
