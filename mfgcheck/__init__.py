"""mfgcheck: check the theory of an online mean-field natural actor-critic, claim by claim.

Subpackages are imported lazily (``mc.theory`` pulls in SymPy, ``mc.algorithms`` cvxpy), so
``import mfgcheck as mc`` stays cheap::

    import mfgcheck as mc
    game = mc.games.sis()
    eq = mc.numerics.solve_equilibrium(game)
    mc.theory.verdicts()
    mc.hunt("lemma3", bound="exp(-Qmax/(2*lam))/nA", budget=60)   # the counterexample hunter

Bad input raises ``mc.InvalidInputError`` (a ``ValueError``) naming the field and the problem.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ._errors import InvalidInputError  # noqa: F401 - public: mc.InvalidInputError

__version__ = "0.1.0"

_SUBPACKAGES = ("games", "numerics", "algorithms", "theory", "properties", "reports",
                "findings", "hunter")
_FROM = {"hunt": "hunter", "HuntResult": "hunter"}  # functions re-exported lazily

if TYPE_CHECKING:  # pragma: no cover
    from . import algorithms, games, numerics, properties, reports, theory  # noqa: F401


def __getattr__(name: str):
    if name in _SUBPACKAGES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    if name in _FROM:
        value = getattr(importlib.import_module(f".{_FROM[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mfgcheck' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBPACKAGES) + list(_FROM))
