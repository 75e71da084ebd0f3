"""lazy_import under threads: the GUI thread and the service thread both touch lazy modules first."""

from __future__ import annotations

import importlib.util
import itertools
import sys
import threading
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from c2t_wizard.lazy import lazy_import

HANG_GUARD = 30  # seconds; only reached when the code under test deadlocks
_names = itertools.count()


@pytest.fixture
def module_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on sys.path for throw-away modules; whatever the test imported from it is forgotten after."""
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        del sys.modules[name]


def _fresh_name() -> str:
    return f"c2t_lazy_probe_{next(_names)}"


def _in_thread(function: Callable[[], Any], results: list[Any]) -> threading.Thread:
    def run() -> None:
        try:
            results.append(function())
        except BaseException as error:  # recorded for the assertions instead of escaping the thread
            results.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


class _AnnouncingRLock:
    """An RLock that, when a thread has to wait for it, first waits at ``barrier``: so the test knows the
    thread is now blocked on it (there is no event for "blocked on a lock")."""

    def __init__(self, barrier: threading.Barrier) -> None:
        self._lock = threading.RLock()
        self._barrier = barrier

    def __enter__(self) -> None:
        if not self._lock.acquire(blocking=False):
            self._barrier.wait()
            self._lock.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self._lock.release()


def test_threads_touching_a_module_while_it_loads_wait_for_it_and_it_loads_once(
    module_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CPython gh-114763: Python 3.11's LazyLoader marks the module loaded before executing it, so a second
    thread sees it half-initialised. Here the module's body holds the first thread inside it until every other
    thread has touched the module: either they are blocked waiting for the load (the module's lock
    announces them), or they found it half-initialised (its module ``__getattr__``, reached only then,
    announces them)."""
    touchers = 8
    control = types.ModuleType(_fresh_name())
    control.executions = 0  # type: ignore[attr-defined]
    control.started = threading.Event()  # type: ignore[attr-defined]
    control.all_touched = threading.Barrier(touchers + 1, timeout=HANG_GUARD)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, control.__name__, control)
    name = _fresh_name()
    (module_dir / f"{name}.py").write_text(
        f"import {control.__name__} as _control\n"
        "_control.executions += 1\n"
        "_control.started.set()\n"
        "def __getattr__(name):  # reached only while VALUE is not assigned yet\n"
        "    _control.all_touched.wait()\n"
        "    raise AttributeError(f'{name} looked up in a half-initialised module')\n"
        "_control.all_touched.wait()\n"
        "VALUE = 42\n",
        encoding="utf-8",
    )

    module = lazy_import(name)
    object.__getattribute__(module, "__spec__").loader_state["lock"] = _AnnouncingRLock(control.all_touched)
    results: list[Any] = []
    loader = _in_thread(lambda: module.VALUE, results)
    assert control.started.wait(HANG_GUARD), results
    threads = [loader] + [_in_thread(lambda: module.VALUE, results) for _ in range(touchers)]
    for thread in threads:
        thread.join(HANG_GUARD)
    assert not any(thread.is_alive() for thread in threads), "deadlocked"

    assert results == [42] * (touchers + 1)
    assert control.executions == 1


def test_a_package_that_imports_its_own_submodules_loads_without_deadlock(module_dir: Path) -> None:
    """Executing a package touches it again from the same thread (``from . import sub`` reads its __path__):
    that must see the module as it is so far, not wait for itself or execute it again."""
    name = _fresh_name()
    package = module_dir / name
    package.mkdir()
    (package / "__init__.py").write_text(
        "import sys\nLOADS = getattr(sys, '_c2t_lazy_loads', 0) + 1\nsys._c2t_lazy_loads = LOADS\n"
        "from . import sub\nVALUE = sub.VALUE\nself_name = sys.modules[__name__].__name__\n",
        encoding="utf-8",
    )
    (package / "sub.py").write_text("VALUE = 7\n", encoding="utf-8")
    try:
        module = lazy_import(name)
        assert module.VALUE == 7
        assert module.self_name == name
        assert module.LOADS == 1
    finally:
        vars(sys).pop("_c2t_lazy_loads", None)


def test_two_threads_lazily_importing_one_name_get_the_module_in_sys_modules(
    module_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both threads find the name missing from sys.modules (held together by a barrier in find_spec); each
    must still return the one module that sys.modules ends up with, or one of them executes a second copy."""
    name = _fresh_name()
    (module_dir / f"{name}.py").write_text("VALUE = 1\n", encoding="utf-8")
    both_looking = threading.Barrier(2, timeout=HANG_GUARD)
    find_spec = importlib.util.find_spec

    def find_spec_together(wanted: str, package: str | None = None) -> Any:
        if wanted == name:
            both_looking.wait()
        return find_spec(wanted, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec_together)
    results: list[Any] = []
    threads = [_in_thread(lambda: lazy_import(name), results) for _ in range(2)]
    for thread in threads:
        thread.join(HANG_GUARD)
    assert not any(thread.is_alive() for thread in threads), "deadlocked"

    assert len(results) == 2
    assert all(isinstance(result, types.ModuleType) for result in results), results
    assert results[0] is results[1] is sys.modules[name]
    assert results[0].VALUE == 1
