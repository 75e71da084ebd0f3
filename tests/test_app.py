"""The app as a user starts it: a real process, on the sandbox, that paints and exits cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def test_demo_outside_sandbox_mode_restarts_the_app_on_the_sandbox(qtbot: Any, tmp_path: Path) -> None:
    from dataclasses import replace

    from PySide6.QtWidgets import QRadioButton, QWizard

    from c2t_wizard.config import Config
    from c2t_wizard.ui.application import WizardApplication

    launched: list[tuple[str, list[str]]] = []
    quits: list[bool] = []
    config = replace(Config.from_env({"C2T_HOME": str(tmp_path)}), language="de")
    app = WizardApplication(
        config,
        show_error_dialogs=False,
        launch_detached=lambda program, arguments: launched.append((program, arguments)) or True,
    )
    app.quit = lambda: quits.append(True)
    try:
        app.show()
        qtbot.waitUntil(lambda: app.runner.running, timeout=5000)
        demo = app.wizard.findChild(QRadioButton, "choice_demo")
        assert demo is not None
        demo.click()
        app.wizard.button(QWizard.WizardButton.NextButton).click()
        assert launched == [
            (sys.executable, ["-m", "c2t_wizard", "--demo", "--log-level", "INFO", "--lang", "de"])
        ]
        assert quits == [True]
        assert not app.wizard.isVisible()
    finally:
        app.shutdown()


def test_demo_option_starts_on_the_sandbox_with_the_demo_chosen(qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QRadioButton

    from c2t_wizard.app import make_config, parse_args
    from c2t_wizard.ui.application import WizardApplication

    config = make_config(parse_args(["--demo"]), {"C2T_HOME": str(tmp_path)})
    assert config.sandbox
    app = WizardApplication(config, show_error_dialogs=False, demo=True)
    try:
        app.show()
        demo = app.wizard.findChild(QRadioButton, "choice_demo")
        assert demo is not None
        assert demo.isChecked()
        qtbot.waitUntil(
            lambda: app.wizard.has_services and app.wizard.services.demo_account is not None, timeout=20000
        )
        assert app.wizard.services.demo_account[0].startswith("admin@contoso")
    finally:
        app.shutdown()


def test_nothing_slow_is_imported_before_the_first_paint(tmp_path: Path) -> None:
    """msgraph, MSAL, kiota, requests and httpx cost hundreds of ms: they load after the window shows."""
    code = """
import sys
from c2t_wizard.app import make_config, parse_args
from c2t_wizard.ui.application import WizardApplication
app = WizardApplication(make_config(parse_args(["--sandbox"])), show_error_dialogs=False)
slow = sorted(m for m in ("msgraph", "msal", "kiota_abstractions", "requests", "httpx", "msal_extensions")
              if m in sys.modules and type(sys.modules[m]).__name__ != "_LazyModule")
print("slow:", ",".join(slow))
app.shutdown()
"""
    env = dict(os.environ, C2T_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "slow: \n" in result.stdout or result.stdout.strip().endswith("slow:"), result.stdout
