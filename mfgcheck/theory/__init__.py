"""mfgcheck.theory: the appendix of the paper in SymPy, claim by claim and step by step.

- ``symbols``: every symbol, declared once with its assumptions, in per-paper namespaces
  (``SHARED``: gamma, lam, nA; ``MAO2022`` = ``SYMBOLS``; ``new_namespace(paper)``).
- ``constants``: Qmax, p_min_bound, tau, KLmax, kappa, with ``numeric(name)`` and ``latex(name)``.
- ``lemma1`` ... ``lemma8``, ``proposition1``, ``proposition2``, ``theorem1`` (the claims
  registered in ``mfgcheck.registry`` name their theory module): each exposes ``claim``
  (a :class:`~mfgcheck.theory.core.Claim`) whose ``steps`` carry a verdict (proved /
  conditional / refuted / numeric) decided by SymPy on first use.
- ``step_sizes``: Theorem 1's step sizes at numbers and their default constants (plain Python).
- ``rates``: Theorem 1's step-size exponents derived from the bounds (``rates.solve()``).
- ``refute(relation)`` / ``decide(relation)``: an exact rational counterexample to a relation
  over the symbols' declared domains, or ``unknown`` with the budget spent
  (``counterexamples``); ``decide`` tries the prover first. ``parse(text)`` reads an
  expression against the symbol registry.

``verdicts()`` returns every step of every claim; ``python -m mfgcheck.theory`` prints the
table. Claim modules are imported on first use; importing one runs no proof: a step's verdict
is decided when first read and cached on disk (``core.settle``, ``verdict_cache``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import constants, symbols
    from .core import VERDICTS, Claim, Step

# Imported on first use, so that importing a plain-Python module of this package
# (``theory.step_sizes``, which the report's renderers read) loads no SymPy.
_LAZY = ("rates", "core", "counterexamples", "constants", "symbols")
_FROM_CORE = ("Claim", "Step", "VERDICTS")

__all__ = ["Claim", "Step", "VERDICTS", "claims", "constants", "core", "counterexamples",
           "decide", "parse", "rates", "refute", "summary", "symbols", "table", "verdicts"]


def refute(relation, hypotheses=(), *, budget: float = 10.0, seed: int = 0, namespace=None):
    """An exact counterexample to ``relation`` (SymPy relational or string over a paper's
    symbols, ``namespace``: default this paper's) in the symbols' domains, or ``unknown``
    (counterexamples.refute)."""
    from .counterexamples import refute as _refute

    return _refute(relation, hypotheses, budget=budget, seed=seed, namespace=namespace)


def decide(relation, hypotheses=(), *, rewrite=None, budget: float = 10.0, seed: int = 0,
           namespace=None):
    """``proved`` (with the method), ``refuted`` (exact counterexample) or ``unknown``."""
    from .counterexamples import decide as _decide

    return _decide(relation, hypotheses, rewrite=rewrite, budget=budget, seed=seed,
                   namespace=namespace)


def parse(text, namespace=None):
    """An expression or relation from a string, read against a paper's symbols
    (``namespace``, ``theory.symbols``; default this paper's)."""
    from .counterexamples import parse as _parse

    return _parse(text, namespace=namespace)


def _theory_modules() -> dict[str, str]:
    """``{claim id: theory module}`` of the registered claims that have a theory."""
    from ..registry import claims as registered

    return {cid: spec.theory for cid, spec in registered().items() if spec.theory}


def __getattr__(name: str):
    if name in _FROM_CORE:
        value = getattr(importlib.import_module(".core", __name__), name)
        globals()[name] = value
        return value
    if name in _LAZY or _theory_modules().get(name) == f"{__name__}.{name}":
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def claims() -> dict[str, Claim]:
    """Every registered claim that has a theory (``mfgcheck.registry``), by id, in
    registration order (the appendix's lemmas, propositions and theorem first)."""
    return {cid: importlib.import_module(module).claim
            for cid, module in _theory_modules().items()}


def verdicts(*, progress: bool = True) -> list[Step]:
    """Every proof step of every claim (``step.claim`` names its claim), decided (from the
    on-disk cache, else by SymPy with a progress indicator on stderr unless
    ``progress=False``), as a :class:`~mfgcheck.theory.display.StepTable`: a list with a
    one-line ``repr`` that Jupyter shows as a table."""
    from .core import settle
    from .display import StepTable
    return StepTable(settle((step for claim in claims().values() for step in claim.steps),
                            progress=progress))


def summary(steps: list[Step] | None = None) -> dict[str, int]:
    """Number of steps per verdict."""
    from .display import verdict_counts
    return verdict_counts(verdicts() if steps is None else steps)


def table(steps: list[Step] | None = None, width: int = 46) -> str:
    """The verdict table: id, relation, justification, verdict, condition/counterexample."""
    from .display import text_table
    return text_table(verdicts() if steps is None else steps, width)
