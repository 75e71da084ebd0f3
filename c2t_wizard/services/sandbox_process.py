"""Starts the embedded sandbox as a child process and reads the line it prints when ready.

The app never imports the sandbox: it runs it like any other server, so the two share no code.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from c2t_wizard.lazy import lazy_import

if TYPE_CHECKING:
    import asyncio
    import json
    import subprocess
else:
    asyncio = lazy_import("asyncio")
    json = lazy_import("json")
    subprocess = lazy_import("subprocess")


log = logging.getLogger(__name__)

EXIT_WAIT = 10.0
"""Seconds to wait for the exit code of a sandbox that closed its output before it was ready."""


class SandboxStartError(Exception):
    """The sandbox process exited or printed something other than its ready line."""


class SandboxProcess:
    """One sandbox child process. ``spawn()`` is instant; ``wait_ready()`` runs on the service thread."""

    def __init__(
        self, state_dir: Path, *, faults: str = "", python: str = sys.executable, log_level: str | None = None
    ) -> None:
        self.state_dir = state_dir
        self.faults = faults
        self.log_level = log_level
        """The sandbox's own log level on stderr (None: its default); the headless command keeps it quiet."""
        self.python = python
        self._proc: subprocess.Popen[str] | None = None
        self.info: dict[str, Any] | None = None

    def spawn(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        command = [
            self.python,
            "-m",
            "c2t_wizard.sandbox",
            "--port",
            "0",
            "--state",
            str(self.state_dir),
            "--exit-on-stdin-eof",
        ]
        if self.faults:
            command += ["--faults", self.faults]
        if self.log_level:
            command += ["--log-level", self.log_level]
        log.info("Starting the sandbox (state in %s)", self.state_dir)
        # stdin is a pipe the sandbox watches: when this process dies, the sandbox exits too.
        self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def _read_ready_line(self) -> dict[str, Any]:
        proc = self._proc
        if proc is None or proc.stdout is None:
            raise SandboxStartError("the sandbox was not started")
        line = proc.stdout.readline()
        if not line:
            try:
                code = proc.wait(EXIT_WAIT)
            except subprocess.TimeoutExpired as exc:
                raise SandboxStartError("the sandbox closed its output before it was ready") from exc
            raise SandboxStartError(f"the sandbox exited before it was ready (exit code {code})")
        try:
            info = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SandboxStartError(f"the sandbox printed an unexpected line: {line[:200]!r}") from exc
        if not isinstance(info, dict) or "login" not in info:
            raise SandboxStartError("the sandbox's ready line lacks its endpoints")
        return info

    async def wait_ready(self) -> dict[str, Any]:
        if self.info is None:
            self.info = await asyncio.to_thread(self._read_ready_line)
            log.info("Sandbox ready at %s", self.info.get("base"))
        return self.info

    def stop(self, timeout: float = 5.0) -> None:
        proc = self._proc
        if proc is None:
            return
        self._proc = None
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()
