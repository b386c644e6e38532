"""The bridge to theory/: every bound a check compares against comes from here.

A check measures numbers named after theory's registered symbols (``gamma``, ``lam``, ``nA``,
``kl_diff``, ``sigma_pi``, ...) and evaluates the SymPy sides of a claim or of one proof step
with ``lambdify`` (``mfgcheck.theory.core.lambdify_kw``): the formula is written once, in
theory/. Numbers may be arrays (one entry per state, per (s, a) or per iteration); the
evidence is then the worst entry.

``bound=`` (every check accepts it) replaces the evaluation of theory's right-hand side by
any callable taking the same keyword numbers (it must accept ``**kwargs``): that is how the
mutation tests feed a check a deliberately wrong bound.
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import numpy as np

from .evidence import Evidence

Bound = Callable[..., float]

#: (bound, lhs) replacing theory's sides in every evidence built inside :func:`override`
_OVERRIDE: contextvars.ContextVar = contextvars.ContextVar("mfgcheck_override",
                                                           default=(None, None))


@contextlib.contextmanager
def override(*, bound: Bound | None = None, lhs: Bound | None = None):
    """Inside the block, every check's relation uses ``bound`` (a keyword evaluator, for
    theory's right side) and ``lhs`` (for its left side) instead of theory's: how the hunter
    (``mfgcheck.hunt``) points any check at a user's bound without a ``bound=`` argument."""
    token = _OVERRIDE.set((bound, lhs))
    try:
        yield
    finally:
        _OVERRIDE.reset(token)


def scaled(ref: str, factor: float) -> Bound:
    """Theory's right side of ``ref`` times ``factor`` (a mutation: ``factor < 1`` makes the
    bound tighter than the paper's)."""
    rhs = side(ref, "rhs")

    def bound(**numbers):
        return factor * rhs(**numbers)

    return bound


def substituted(ref: str, **replacements) -> Bound:
    """Theory's right side of ``ref`` evaluated with some numbers replaced, each by a
    function of all the numbers (e.g. ``substituted("lemma2", R=lambda n: n["R"] / 2)``:
    the p_min bound without the factor 2 in its exponent)."""
    rhs = side(ref, "rhs")

    def bound(**numbers):
        changed = {k: f(numbers) for k, f in replacements.items()}
        return rhs(**{**numbers, **changed})

    return bound


def claim(name: str):
    """The theory ``Claim`` of the registered claim ``name`` (imported on first use)."""
    from ..registry import claim as spec

    return spec(name).theory_claim()


def module(name: str):
    """``mfgcheck.theory.<name>`` (for its named pieces, e.g. ``lemma4.sharp_constant``)."""
    return importlib.import_module(f"mfgcheck.theory.{name}")


def step(step_id: str):
    """The theory Step with this id (``"lemma5.eq5"``), in the theory of the registered claim
    it belongs to (``mfgcheck.registry``)."""
    from ..registry import claim_of

    return claim_of(step_id).theory_claim().step(step_id)


def _owner(ref: str):
    from ..registry import claims

    spec = claims().get(ref)
    return spec.theory_claim() if spec is not None else step(ref)


def _tolerant(fn) -> Bound:
    """``fn`` (a ``lambdify_kw`` evaluator) accepting extra keywords: it takes the names it
    needs (``fn.args``) from whatever numbers it is given, so one dict of measured numbers
    can feed any bound, and a mutated bound can forward ``**kw`` to theory's."""
    names = fn.args

    def evaluator(**numbers):
        missing = [k for k in names if k not in numbers]
        if missing:
            raise TypeError(f"missing {missing}; needs {list(names)}")
        return fn(**{k: numbers[k] for k in names})

    evaluator.args = names  # type: ignore[attr-defined]  # lambdify_kw's evaluator protocol
    evaluator.expr = fn.expr  # type: ignore[attr-defined]
    evaluator.__doc__ = fn.__doc__
    return evaluator


@cache
def _lambdified(ref: str, side: str):
    from ..theory.core import lambdify_kw
    return _tolerant(lambdify_kw(getattr(_owner(ref), side)))


def side(ref: str, which: str) -> Bound:
    """Keyword evaluator of the ``"lhs"`` or ``"rhs"`` of a claim (``"lemma4"``) or a step
    (``"lemma4.lipschitz"``); extra keywords are ignored."""
    return _lambdified(ref, which)


def relation(ref: str) -> str:
    return _owner(ref).relation


def expression(name: str, piece: str) -> Bound:
    """Keyword evaluator of a named expression of a theory module, e.g.
    ``expression("lemma4", "sharp_constant")`` or ``expression("constants", "kappa")``."""
    return _lambdified_piece(name, piece)


@cache
def _lambdified_piece(name: str, piece: str):
    from ..theory.core import lambdify_kw
    return _tolerant(lambdify_kw(getattr(module(name), piece)))


@cache
def constant(name: str) -> Bound:
    """``mfgcheck.theory.constants.numeric(name)`` (Qmax, p_min_bound, tau, KLmax, kappa),
    accepting extra keywords."""
    from ..theory import constants
    return _tolerant(constants.numeric(name))


def _call(fn: Bound, numbers: Mapping) -> np.ndarray:
    return np.asarray(fn(**numbers), dtype=np.float64)


def evaluate(ref: str, numbers: Mapping, *, bound: Bound | None = None,
             lhs: object = None, rel: str | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """``(lhs, rhs, relation)`` of a claim or step at the measured ``numbers``, oriented as
    ``lhs <= rhs`` (a ``>=`` relation is flipped) or ``==``. ``lhs`` overrides theory's left
    side (for a measured quantity that no single symbol names); ``bound`` its right side;
    ``rel`` its relation (a display ``measured <= right side of an identity step``)."""
    rel = rel or relation(ref)
    if callable(lhs):
        left = _call(lhs, numbers)
    else:
        left = np.asarray(lhs, np.float64) if lhs is not None else _call(side(ref, "lhs"),
                                                                         numbers)
    right = _call(bound if bound is not None else side(ref, "rhs"), numbers)
    if rel == ">=":
        return right, left, "<="
    return left, right, rel


def evidence(ref: str, numbers: Mapping, *, bound: Bound | None = None, lhs: object = None,
             rel: str | None = None, label: str | None = None,
             instance: Mapping | None = None, measurements: Mapping | None = None,
             note: str = "", index_names: tuple[str, ...] = (), rtol: float | None = None,
             atol: float | None = None, scale: float | None = None) -> Evidence:
    """Evaluate ``ref`` at ``numbers`` and wrap the worst entry as :class:`Evidence`.

    With array numbers, the entry with the highest ratio is kept (violations first) and its
    position is recorded in ``measurements["where"]`` under ``index_names`` (e.g.
    ``("s", "a")``). ``label`` is the evidence's step id when the check is not theory's step
    ``ref`` itself (a whole display built from a step's right side, say)."""
    o_bound, o_lhs = _OVERRIDE.get()
    bound = o_bound if o_bound is not None else bound
    lhs = o_lhs if o_lhs is not None else lhs
    left, right, rel = evaluate(ref, numbers, bound=bound, lhs=lhs, rel=rel)
    step_id = label or ref
    left, right = np.broadcast_arrays(left, right)
    extra = dict(measurements or {})
    kw: dict[str, Any] = {k: v for k, v in (("rtol", rtol), ("atol", atol), ("scale", scale))
                          if v is not None}
    from ..registry import claim_id_of

    owner = claim_id_of(step_id)
    candidates = [Evidence(owner, step_id, float(lv), float(rv), rel, **kw)
                  for lv, rv in zip(left.ravel(), right.ravel())]
    scores = [(not e.holds, e.tightness if rel == "<=" else abs(e.slack)) for e in candidates]
    k = max(range(len(candidates)), key=scores.__getitem__)
    if left.ndim:
        where = np.unravel_index(k, left.shape)
        names = index_names or tuple(f"i{j}" for j in range(left.ndim))
        extra["where"] = {n: int(i) for n, i in zip(names, where)}
    return Evidence(owner, step_id, candidates[k].lhs, candidates[k].rhs, rel,
                    instance=dict(instance or {}), measurements=extra, note=note, **kw)
