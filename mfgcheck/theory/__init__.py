"""mfgcheck.theory: the appendix of the paper in SymPy, claim by claim and step by step.

- ``symbols``: every symbol, declared once with its assumptions (``SYMBOLS`` registry).
- ``constants``: Qmax, p_min_bound, tau, KLmax, kappa, with ``numeric(name)`` and ``latex(name)``.
- ``lemma1`` ... ``lemma8``, ``proposition1``, ``proposition2``, ``theorem1``: each exposes
  ``claim`` (a :class:`~mfgcheck.theory.core.Claim`) whose ``steps`` carry a verdict
  (proved / conditional / refuted / numeric) decided by SymPy at import.
- ``step_sizes``: Theorem 1's step sizes at numbers and their default constants (plain Python).
- ``rates``: Theorem 1's step-size exponents derived from the bounds (``rates.solve()``).
- ``refute(relation)`` / ``decide(relation)``: an exact rational counterexample to a relation
  over the symbols' declared domains, or ``unknown`` with the budget spent
  (``counterexamples``); ``decide`` tries the prover first. ``parse(text)`` reads an
  expression against the symbol registry.

``verdicts()`` returns every step of every claim; ``python -m mfgcheck.theory`` prints the
table. Claim modules are imported on first use (they run their proofs, a few seconds in all).
"""

from __future__ import annotations

import importlib

from . import constants, symbols
from .core import VERDICTS, Claim, Step

CLAIM_MODULES = ("lemma1", "lemma2", "lemma3", "lemma4", "lemma5", "lemma6", "lemma7", "lemma8",
                 "proposition1", "proposition2", "theorem1")
_LAZY = CLAIM_MODULES + ("rates", "core", "counterexamples")

__all__ = ["CLAIM_MODULES", "Claim", "Step", "VERDICTS", "claims", "constants", "decide",
           "parse", "refute", "summary", "symbols", "table", "verdicts", *_LAZY]


def refute(relation, hypotheses=(), *, budget: float = 10.0, seed: int = 0):
    """An exact counterexample to ``relation`` (SymPy relational or string over the
    registered symbols) in the symbols' domains, or ``unknown`` (counterexamples.refute)."""
    from .counterexamples import refute as _refute

    return _refute(relation, hypotheses, budget=budget, seed=seed)


def decide(relation, hypotheses=(), *, rewrite=None, budget: float = 10.0, seed: int = 0):
    """``proved`` (with the method), ``refuted`` (exact counterexample) or ``unknown``."""
    from .counterexamples import decide as _decide

    return _decide(relation, hypotheses, rewrite=rewrite, budget=budget, seed=seed)


def parse(text):
    """An expression or relation from a string, read against the symbol registry."""
    from .counterexamples import parse as _parse

    return _parse(text)


def __getattr__(name: str):
    if name in _LAZY:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def claims() -> dict[str, Claim]:
    """Every claim, by name, in the appendix's order of lemmas, propositions, theorem."""
    return {name: importlib.import_module(f".{name}", __name__).claim for name in CLAIM_MODULES}


def verdicts() -> list[Step]:
    """Every proof step of every claim (``step.claim`` names its claim), as a
    :class:`~mfgcheck.theory.display.StepTable`: a list with a one-line ``repr`` that
    Jupyter shows as a table."""
    from .display import StepTable
    return StepTable(step for claim in claims().values() for step in claim.steps)


def summary(steps: list[Step] | None = None) -> dict[str, int]:
    """Number of steps per verdict."""
    steps = verdicts() if steps is None else steps
    return {v: sum(s.verdict == v for s in steps) for v in VERDICTS}


def table(steps: list[Step] | None = None, width: int = 46) -> str:
    """The verdict table: id, relation, justification, verdict, condition/counterexample."""
    steps = verdicts() if steps is None else steps
    wid = max(len(s.id) for s in steps)
    lines = [f"{'step':<{wid}}  rel  {'justification':<{width}}  {'verdict':<11}  detail"]
    lines.append("-" * len(lines[0]))
    for s in steps:
        why = s.justification if len(s.justification) <= width else \
            s.justification[: width - 3] + "..."
        lines.append(f"{s.id:<{wid}}  {s.relation:<3}  {why:<{width}}  {s.verdict:<11}  "
                     f"{s.detail()}")
    counts = summary(steps)
    lines.append("")
    lines.append(", ".join(f"{n} {v}" for v, n in counts.items()) + f" ({len(steps)} steps)")
    return "\n".join(lines)
