"""Test setup: headless Qt, an isolated profile, a real sandbox, and leak detectors."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never a real keyring: the null backend stores nothing (tests that need one set an in-memory keyring).
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
# Never touch a real profile: every path the app uses lives under one temporary home.
_HOME = Path(os.environ.get("C2T_TEST_HOME", "")) if os.environ.get("C2T_TEST_HOME") else None
if _HOME is None:
    import tempfile

    _HOME = Path(tempfile.mkdtemp(prefix="c2t-test-home-"))
os.environ["C2T_HOME"] = str(_HOME)
for _var in ("C2T_SETTINGS_DIR", "C2T_DATA_DIR", "C2T_LOG_DIR", "C2T_CACHE_DIR"):
    os.environ.pop(_var, None)

ROOT = Path(__file__).resolve().parent.parent

# Garbage is collected on the main thread only, as in the app (c2t_wizard/ui/collector.py): a collection on
# another thread can free a Qt object there, and shiboken then deletes it in the middle of a paint (a crash).
# Automatic collection is off; each test's teardown collects what is due, and a callback records every
# collection that starts anywhere else, which fails the test it happens in.
gc.disable()
_FOREIGN_COLLECTIONS: list[str] = []


def _record_foreign_collection(phase: str, info: dict[str, int]) -> None:
    thread = threading.current_thread()
    if phase == "start" and thread is not threading.main_thread():
        _FOREIGN_COLLECTIONS.append(f"generation {info['generation']} on thread {thread.name}")


gc.callbacks.append(_record_foreign_collection)


class Sandbox:
    """A sandbox process started for the tests, and what it printed when ready."""

    def __init__(self, proc: subprocess.Popen[str], info: dict[str, Any]) -> None:
        self.proc = proc
        self.info = info

    def __getitem__(self, key: str) -> Any:
        return self.info[key]

    @property
    def base(self) -> str:
        return str(self.info["base"])

    FAULTS_SEED = 20261204
    """The seed of the sandbox's dice in tests (``$C2T_FAULTS_SEED`` overrides it, a spec's own wins)."""

    @classmethod
    def seeded(cls, spec: str) -> str:
        """``spec`` with a seed: its own, else ``$C2T_FAULTS_SEED``, else ``FAULTS_SEED``."""
        if "seed=" in spec.lower().replace(" ", ""):
            return spec
        seed = os.environ.get("C2T_FAULTS_SEED") or str(cls.FAULTS_SEED)
        return f"{spec},seed={seed}" if spec.strip() else f"seed={seed}"

    def set_faults(self, spec: str) -> str:
        """Set the sandbox's faults with a fixed seed and print the spec in force (pytest shows it when the
        test fails: setting it again replays the dice). Returns that spec, for assertion messages."""
        import httpx

        response = httpx.post(
            f"{self.base}/_sandbox/faults", json={"spec": self.seeded(spec)}, timeout=5, trust_env=False
        )
        response.raise_for_status()
        spec_in_force = str(response.json()["spec"])
        print(f"sandbox faults: {spec_in_force}")
        return spec_in_force

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        if self.proc.stdin is not None:
            self.proc.stdin.close()


def start_sandbox(state: Path, *extra: str) -> Sandbox:
    """Start ``python -m c2t_wizard.sandbox`` and wait for its ready line."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "c2t_wizard.sandbox", "--port", "0", "--state", str(state), *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        proc.wait(10)
        raise RuntimeError(f"sandbox exited before it was ready (code {proc.returncode})")
    return Sandbox(proc, json.loads(line))


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """One sandbox for the whole session (tests must not depend on each other's tenants)."""
    box = start_sandbox(tmp_path_factory.mktemp("sandbox-state"))
    try:
        yield box
    finally:
        box.stop()


@pytest.fixture
def clean_faults(sandbox: Sandbox) -> Iterator[Sandbox]:
    """The session sandbox with no faults before and after the test."""
    sandbox.set_faults("")
    try:
        yield sandbox
    finally:
        sandbox.set_faults("")


# --- leak detectors ---


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_main_thread() -> Iterator[None]:
    """Deferred deletes and due collections run here, on the main thread, between tests; a collection on any
    other thread, or automatic collection left on, fails the test."""
    from c2t_wizard.ui.collector import collect_due

    _FOREIGN_COLLECTIONS.clear()
    yield
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QCoreApplication, QEvent

        if QCoreApplication.instance() is not None:
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    left_on = gc.isenabled()
    gc.disable()
    collect_due()
    foreign = list(_FOREIGN_COLLECTIONS)
    assert not left_on, "the test left automatic garbage collection on"
    assert not foreign, f"garbage collected off the main thread: {foreign}"


_KNOWN_THREADS = {"MainThread"}


def _live_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.is_alive() and t.name not in _KNOWN_THREADS}


@pytest.fixture(autouse=True)
def _no_leaked_threads() -> Iterator[None]:
    """A test that leaves a thread (the service thread, a worker) running fails."""
    before = _live_threads()
    yield
    deadline = time.monotonic() + 2.0
    for thread in _live_threads() - before:  # give each a moment to end
        thread.join(max(0.0, deadline - time.monotonic()))
    leaked = _live_threads() - before
    assert not leaked, f"threads left running: {sorted(t.name for t in leaked)}"


@pytest.fixture(autouse=True)
def _no_leaked_qt_timers(request: pytest.FixtureRequest) -> Iterator[None]:
    """A Qt test that leaves a QTimer or QThread running fails."""
    if "qtbot" not in request.fixturenames and "qapp" not in request.fixturenames:
        yield
        return
    from PySide6.QtCore import QThread, QTimer

    qapp = request.getfixturevalue("qapp")
    yield
    qapp.processEvents()
    timers = [t for t in qapp.findChildren(QTimer) if t.isActive()]
    for widget in qapp.topLevelWidgets():
        timers += [t for t in widget.findChildren(QTimer) if t.isActive()]
    threads = [t for t in qapp.findChildren(QThread) if t.isRunning()]
    for widget in qapp.topLevelWidgets():
        threads += [t for t in widget.findChildren(QThread) if t.isRunning()]
    assert not threads, f"QThreads left running: {threads}"
    assert not timers, f"QTimers left running: {[t.objectName() for t in timers]}"


@pytest.fixture
def config(tmp_path: Path) -> Any:
    """The app's configuration for an end-to-end run: sandbox mode (its own sandbox child), every file the
    app writes under this test's own home, and the sandbox's state there too (kept across two runs)."""
    from c2t_wizard.config import Config

    env = {key: value for key, value in os.environ.items() if not key.startswith("C2T_")}
    env["C2T_HOME"] = str(tmp_path / "home")
    return Config.from_env(env)._replace(sandbox=True, sandbox_state=tmp_path / "sandbox-state")


@pytest.fixture
def debug_log(config: Any) -> Iterator[Path]:
    """The app's rotating log at DEBUG, as ``--log-level debug`` sets it up; removed afterwards."""
    import logging

    from c2t_wizard.logging_setup import setup_logging

    root = logging.getLogger()
    level = root.level
    noisy = {name: logging.getLogger(name).level for name in ("hpack", "httpcore", "asyncio")}
    config.paths.ensure()
    path = setup_logging(config.paths.log_dir, "DEBUG")
    try:
        yield path
    finally:
        for handler in [h for h in root.handlers if getattr(h, "_c2t", False)]:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
        for name, old in noisy.items():
            logging.getLogger(name).setLevel(old)


@pytest.fixture
def runner(qapp: Any) -> Iterator[Any]:
    """A started service runner, shut down after the test."""
    from c2t_wizard.ui.runner import ServiceRunner

    service_runner = ServiceRunner()
    service_runner.start()
    try:
        yield service_runner
    finally:
        service_runner.shutdown()
        service_runner.deleteLater()
        qapp.processEvents()
