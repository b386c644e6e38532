"""Lazy re-exports for a package's ``__init__`` (a leaf module: imports nothing of mfgcheck).

A package that re-exports the public names of its submodules would import all of them (and
their NumPy, numba, SciPy, cvxpy) whenever any one submodule is used: ``mfgcheck bounds``
would load the solvers to evaluate a formula. Instead the package maps each name to its
submodule and imports that submodule on first access (PEP 562)::

    __getattr__, __dir__ = lazy_exports(__name__, {"nac": "nac", "OracleConfig": "oracle"})

A name that is also its submodule's name (``algorithms.nac``, the function, defined in
``algorithms/nac.py``) keeps meaning the function, as an eager ``from .nac import nac``
would: importing the submodule binds the package attribute to the module, so the package's
module type replaces such a binding by the function (:class:`_ExportsOverSubmodules`).
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Mapping


class _ExportsOverSubmodules(types.ModuleType):
    """A package whose exported names win over its same-named submodules."""

    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, types.ModuleType) and name in self.__dict__.get(
                "_lazy_shadowed", ()):
            value = getattr(value, name)
        super().__setattr__(name, value)


def lazy_exports(package: str, exports: Mapping[str, str]
                 ) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: ``exports`` maps a public name to the
    submodule (relative to the package) that defines it."""
    module = sys.modules[package]
    shadowed = frozenset(name for name, sub in exports.items() if name == sub)
    if shadowed:
        setattr(module, "_lazy_shadowed", shadowed)  # noqa: B010 - a ModuleType has no such slot for mypy
        module.__class__ = _ExportsOverSubmodules

    def __getattr__(name: str):
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{exports[name]}", package), name)
        setattr(module, name, value)  # later lookups skip __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(module)) | set(exports))

    return __getattr__, __dir__
