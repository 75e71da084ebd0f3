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
    from PySide6.QtWidgets import QRadioButton, QWizard

    from c2t_wizard.config import Config
    from c2t_wizard.ui.application import WizardApplication

    launched: list[tuple[str, list[str]]] = []
    quits: list[bool] = []
    config = Config.from_env({"C2T_HOME": str(tmp_path)})._replace(language="de")
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


# Run as the app runs (app.main), stopped where the first paint hands over to start_services.
_BEFORE_THE_FIRST_PAINT = """
import enum, gc, os, sys
made = []
create = enum.EnumType._create_
def record(cls, name, *args, **kwargs):
    made.append(name)
    return create(cls, name, *args, **kwargs)
enum.EnumType._create_ = record
import c2t_wizard.ui.application as application
def report(self):
    loaded = [m for m in sys.modules if type(sys.modules[m]).__name__ != "_LazyModule"]
    import json
    print(json.dumps({"modules": loaded, "enums": made, "gc": gc.isenabled()}), flush=True)
    os._exit(0)
application.WizardApplication.start_services = report
application.WizardApplication._report_first_paint_and_quit = report
from c2t_wizard.app import main
main(sys.argv[1:])
"""


@pytest.mark.parametrize("args", [[], ["--sandbox"]], ids=["microsoft", "sandbox"])
def test_what_the_first_paint_waits_for(tmp_path: Path, args: list[str]) -> None:
    """Everything loaded before the window first paints delays it (benchmarks/startup.py measures by how
    much). msgraph, MSAL, kiota, requests and httpx cost hundreds of ms; the standard library's
    logging.handlers, dataclasses, json and concurrent.futures a few each; PySide6 builds Python enums for the
    whole Qt namespace (~90) or QStyle on first touch. None of them is needed for the Welcome page."""
    import json

    env = dict(os.environ, C2T_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", _BEFORE_THE_FIRST_PAINT, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert "c2t_wizard.ui.pages.welcome" in seen["modules"], "the probe ran too early"
    slow = {"msgraph", "msal", "kiota_abstractions", "requests", "httpx", "msal_extensions", "asyncio"}
    stdlib = {"logging.handlers", "dataclasses", "json", "concurrent.futures", "ssl", "subprocess"}
    assert sorted((slow | stdlib) & set(seen["modules"])) == []
    later_pages = {m for m in seen["modules"] if m.startswith("c2t_wizard.ui.pages.")}
    assert later_pages == {"c2t_wizard.ui.pages.welcome"}
    # The error reporter, the service thread, the collector, the backend, the sandbox's process and the
    # journey map's steps come with the services (together 3.4% of a bare wizard's start-up, in instructions).
    with_the_services = {
        "c2t_wizard.ui.errors",
        "c2t_wizard.ui.runner",
        "c2t_wizard.ui.collector",
        "c2t_wizard.services.backend",
        "c2t_wizard.services.sandbox_process",
        "c2t_wizard.domain.journey_map",
        "c2t_wizard.lazy",
    }
    assert sorted(with_the_services & set(seen["modules"])) == []
    # AlignmentFlag stands for the Qt namespace, PixelMetric for QStyle.
    assert "AlignmentFlag" not in seen["enums"]
    assert "PixelMetric" not in seen["enums"]
    # DragDropMode (an item view's, unused on Welcome) stands for every QtWidgets enum, which PySide6 builds
    # at once when a QtWidgets enum is touched or an object of a class it does not know is wrapped.
    assert "DragDropMode" not in seen["enums"]
    assert not seen["gc"], "garbage collection waits for the first paint"


def test_an_app_closed_before_its_first_paint_builds_nothing_to_tear_down(qtbot: Any, tmp_path: Path) -> None:
    """The error reporter, the service thread, the collector, the backend and the sandbox's process come with
    the first paint: closing before it neither builds nor starts them."""
    from c2t_wizard.config import Config
    from c2t_wizard.ui.application import WizardApplication

    hook = sys.excepthook
    app = WizardApplication(
        Config.from_env({"C2T_HOME": str(tmp_path), "C2T_SANDBOX": "1"}), show_error_dialogs=False
    )
    app.shutdown()
    assert app.config.sandbox
    assert not {"errors", "runner", "collector", "backend", "sandbox"} & set(vars(app))
    assert sys.excepthook is hook


def test_garbage_is_collected_on_the_gui_thread_from_the_first_paint(qtbot: Any, tmp_path: Path) -> None:
    import gc

    from c2t_wizard.app import main
    from c2t_wizard.config import Config
    from c2t_wizard.ui.application import WizardApplication

    was_enabled = gc.isenabled()
    with pytest.raises(SystemExit):
        main(["--version"])
    assert gc.isenabled(), "main() never leaves collection off"

    gc.disable()  # as main() does before building the app
    app = WizardApplication(
        Config.from_env({"C2T_HOME": str(tmp_path)}), show_error_dialogs=False, freeze_start=True
    )
    try:
        assert not app.collector.active
        app.show()
        qtbot.waitUntil(lambda: app.runner.running, timeout=5000)
        assert not gc.isenabled(), "automatic collection (on any thread) stays off"
        assert app.collector.active, "the GUI thread collects instead"
        assert gc.get_freeze_count() > 0, "what the start made is frozen, not walked by every collection"
    finally:
        gc.unfreeze()
        app.shutdown()
        assert not app.collector.active
        if not was_enabled:
            gc.disable()
