"""Starting the sandbox child process: whatever goes wrong before its ready line is a SandboxStartError."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import pytest

from c2t_wizard.services import sandbox_process
from c2t_wizard.services.sandbox_process import SandboxProcess, SandboxStartError


def fake_python(tmp_path: Path, body: str) -> str:
    """An executable standing in for the interpreter (it gets the sandbox's arguments and ignores them)."""
    script = tmp_path / "python"
    script.write_text(f"#!/bin/sh\n{body}\n", "utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_a_sandbox_that_exits_early_says_its_exit_code(tmp_path: Path) -> None:
    sandbox = SandboxProcess(tmp_path / "state", python=fake_python(tmp_path, "exit 3"))
    sandbox.spawn()
    try:
        with pytest.raises(SandboxStartError, match="exit code 3"):
            asyncio.run(sandbox.wait_ready())
    finally:
        sandbox.stop()


def test_a_sandbox_that_closes_its_output_but_lingers_is_a_start_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox_process, "EXIT_WAIT", 0.2, raising=False)
    sandbox = SandboxProcess(tmp_path / "state", python=fake_python(tmp_path, "exec 1>&-\nexec sleep 30"))
    sandbox.spawn()
    try:
        with pytest.raises(SandboxStartError, match="closed its output"):
            asyncio.run(sandbox.wait_ready())
    finally:
        sandbox.stop()
