"""Modules loaded on first use, so that nothing slow is imported before the first window is painted.

Usage, keeping type checkers exact::

    if TYPE_CHECKING:
        import httpx
    else:
        httpx = lazy_import("httpx")
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_import(name: str) -> ModuleType:
    """The module ``name``, executed only when one of its attributes is first used."""
    existing = sys.modules.get(name)
    if existing is not None:
        return existing
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent_name, _, child = name.rpartition(".")
    if parent_name:  # as ``import a.b`` would: make it reachable as an attribute of its package
        setattr(importlib.import_module(parent_name), child, module)
    return module
