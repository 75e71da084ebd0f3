"""Modules loaded on first use, so that nothing slow is imported before the first window is painted.

Usage, keeping type checkers exact::

    if TYPE_CHECKING:
        import httpx
    else:
        httpx = lazy_import("httpx")

These modules are first touched from both the GUI thread and the service thread. Python 3.11's
``importlib.util.LazyLoader`` is not safe for that (CPython gh-114763): the first thread to touch the module
marks it loaded *before* executing it, so a second thread sees a half-initialised module, and two threads
touching it together can execute it twice. The loader here is the fix CPython shipped in 3.12.3 / 3.13
(``Lib/importlib/util.py``: a per-module ``RLock`` and an ``is_loading`` flag in ``loader_state``), kept
for every version so that it does not depend on the patch level.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import types
from typing import Any


class _LazyModule(types.ModuleType):
    """Executes the module on the first attribute access, once, with other threads waiting for it to finish.

    After CPython 3.13's ``importlib.util._LazyModule``.
    """

    def __getattribute__(self, attr: str) -> Any:
        spec = object.__getattribute__(self, "__spec__")
        loader_state = spec.loader_state
        with loader_state["lock"]:
            # Only the first thread to get the lock loads; the others find the class already restored.
            if object.__getattribute__(self, "__class__") is _LazyModule:
                module_class = loader_state["__class__"]
                # The same thread coming back while executing the module (``from . import x``, or the module
                # reading itself through sys.modules) gets what is there so far, as an eager import would.
                if loader_state["is_loading"]:
                    return module_class.__getattribute__(self, attr)
                loader_state["is_loading"] = True
                attrs_now = module_class.__getattribute__(self, "__dict__")
                # Attributes set on the module before it loaded win over what executing it assigns.
                attrs_then = loader_state["__dict__"]
                attrs_updated = {
                    key: value
                    for key, value in attrs_now.items()
                    if key not in attrs_then or attrs_now[key] is not attrs_then[key]
                }
                spec.loader.exec_module(self)
                if spec.name in sys.modules and sys.modules[spec.name] is not self:
                    raise ValueError(f"{spec.name!r} was replaced in sys.modules while it loaded")
                attrs_now.update(attrs_updated)
                if isinstance(self, _LazyModule):  # unless the module replaced its own class
                    object.__setattr__(self, "__class__", module_class)
        return getattr(self, attr)

    def __delattr__(self, attr: str) -> None:
        self.__getattribute__(attr)  # load, and raise if there is no such attribute
        delattr(self, attr)


class _LazyLoader(importlib.util.LazyLoader):
    def exec_module(self, module: types.ModuleType) -> None:
        """Make the module load lazily (as the base class does, plus the lock)."""
        loader = self.loader  # type: ignore[attr-defined]  # typeshed omits it
        spec = module.__spec__
        assert spec is not None  # module_from_spec set it
        spec.loader = loader
        module.__loader__ = loader
        spec.loader_state = {
            "__dict__": module.__dict__.copy(),
            "__class__": module.__class__,
            "lock": threading.RLock(),
            "is_loading": False,
        }
        module.__class__ = _LazyModule


def lazy_import(name: str) -> types.ModuleType:
    """The module ``name``, executed only when one of its attributes is first used."""
    existing = sys.modules.get(name)
    if existing is not None:
        return existing
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = _LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    # Two threads may get here for the same name at once: the first to register its module wins, and both
    # return that one (setdefault is atomic), so nobody holds a module that is not the one in sys.modules.
    module = sys.modules.setdefault(name, module)
    parent_name, _, child = name.rpartition(".")
    if parent_name:  # as ``import a.b`` would: make it reachable as an attribute of its package
        setattr(importlib.import_module(parent_name), child, module)
    return module
