"""Independent high-precision re-evaluation of a check's two sides (mpmath, 50+ digits).

A float64 violation found by a check is a *candidate* (``Evidence.status``) until both sides
are recomputed here from the instance's data, taken as exact binary numbers, with mpmath at
``DPS`` digits, through a route that shares no floating-point code with the check:

- ``lemma3`` (``BestResponseCase``): the soft best response by soft policy iteration in
  mpmath (Newton's method on the regularised Bellman equation: exact policy evaluation by an
  mpmath LU solve, then the Boltzmann improvement), stopped when the Bellman residual is below
  ``10^-(DPS - 10)``;
- ``lemma4``, ``lemma4.lipschitz`` (``KLTriple``): KL divergences, the l1 distance and the
  floors summed in mpmath;
- run-based checks (``NACRunCase``: Lemmas 1, 2, 5, 7, 8, Theorem 1; ``RUN_ROUTES``): Algorithm 1
  replayed with the exact oracle in mpmath from the same instance (properties/replay.py),
  every term of the check recomputed on the replay; a run without a replay (sampled oracle,
  a game without an mpmath model) stays a candidate.

The relation's sides are then evaluated by ``sympy.lambdify(..., "mpmath")`` of theory's
expressions (or of the user's SymPy bound), so the comparison is made at the same precision.

Checks of an **expectation** estimated from a few seeds (Proposition 1: ``E||q_hat -
q^pi||^2`` over ``case.seeds``) are confirmed differently (``RECHECKS``): the check is run
again on the same instance with ``RECHECK_SEEDS`` fresh seeds disjoint from the first ones,
and a violation counts only if it persists. Eight seeds leave a heavy-tailed mean (one TD run
that strays multiplies it), which alone made Proposition 1's calibrated check exceed 1.
:func:`confirm` returns the evidence with ``confirmed`` set (True: violation confirmed;
False: it was rounding) and ``precise`` holding both sides as strings; for a check without a
re-evaluation route (``ROUTES``) it returns the evidence unchanged (it stays a candidate).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import mpmath as mp
import numpy as np
import sympy as sp

from .evidence import Evidence
from .instances import NACRunCase
from .lemma5 import RENAME as _L5
from .lemma7 import one_norms
from .precise_mdp import soft_policy_mp

DPS = 60
RECHECK_SEEDS = 64
#: a violation at ``DPS`` digits counts when it exceeds this relative gap (``_compare``)
MARGIN = mp.mpf(10) ** (-(DPS // 2))

__all__ = ["DPS", "MARGIN", "RECHECKS", "RECHECK_SEEDS", "ROUTES", "RUN_ROUTES", "RunRoute",
           "confirm", "precise_numbers", "soft_policy_mp"]


def _lemma3(case) -> dict:
    game = case.game.normalised()
    P, r = game.transition(case.mu), game.reward(case.mu)
    from ..numerics import soft_optimum

    pi, _ = soft_policy_mp(P, r, game.gamma, game.lam, pi0=soft_optimum(game, case.mu).policy)
    return {"gamma": mp.mpf(game.gamma), "lam": mp.mpf(game.lam), "nA": game.n_actions,
            "pi_star": [p for row in pi for p in row]}


def _kl(p, q):
    return mp.fsum(a * mp.log(a / b) for a, b in zip(p, q) if a > 0)


def _lemma4(t) -> dict:
    x, y, z = ([mp.mpf(float(v)) for v in np.asarray(arr, dtype=np.float64)]
               for arr in (t.x, t.y, t.z))
    return {"kl_diff": _kl(x, z) - _kl(y, z), "l1_xy": mp.fsum(abs(a - b) for a, b in zip(x, y)),
            "alpha1": min(min(x), min(y)), "alpha2": min(z)}


#: step id -> function(instance) -> {symbol name: mpf or list of mpf}
ROUTES: dict[str, Callable] = {"lemma3": _lemma3, "lemma4": _lemma4, "lemma4.lipschitz": _lemma4}


def precise_numbers(step: str, instance) -> dict | None:
    """The check's numbers at ``DPS`` digits, or None when the step has no route."""
    route = ROUTES.get(step)
    if route is None:
        return None
    with mp.workdps(DPS):
        return route(instance)


def _mp_side(expr) -> Callable:
    expr = sp.sympify(expr)
    syms = sorted(expr.free_symbols, key=lambda s: s.name)
    fn = sp.lambdify(syms, expr, modules="mpmath")
    names = [s.name for s in syms]

    def side(numbers):
        return fn(*(numbers[k] for k in names))

    return side


def _elementwise(side, numbers):
    """Evaluate ``side`` at every entry of the list-valued numbers (the worst is kept by the
    caller); scalars broadcast."""
    n = max((len(v) for v in numbers.values() if isinstance(v, list)), default=0)
    if n == 0:
        return [side(numbers)]
    return [side({k: (v[i] if isinstance(v, list) else v) for k, v in numbers.items()})
            for i in range(n)]


def _more_seeds(ev: Evidence, case) -> Evidence:
    from dataclasses import replace as dc_replace

    from . import proposition1

    start = max(case.seeds) + 1 if case.seeds else 0
    again = dc_replace(case, seeds=tuple(range(start, start + RECHECK_SEEDS)))
    fn = {"proposition1": proposition1.check_proposition1,
          "proposition1.rate": proposition1.check_proposition1_rate}[ev.step]
    return fn(again)


#: step id -> function(evidence, instance) -> the evidence recomputed on fresh seeds
RECHECKS: dict[str, Callable] = {"proposition1": _more_seeds, "proposition1.rate": _more_seeds}


def confirm(ev: Evidence, instance, *, bound=None, lhs=None) -> Evidence:
    """Re-evaluate ``ev`` at high precision (module docstring). ``bound``/``lhs`` are the
    SymPy expressions that replaced theory's sides (the hunter's), or None for theory's.
    A side that is NaN is no evidence (e.g. a case over its check's budget): returned as is."""
    if math.isnan(ev.lhs) or math.isnan(ev.rhs):
        return ev
    if ev.step in RECHECKS and bound is None and lhs is None:
        again = RECHECKS[ev.step](ev, instance)
        return replace(ev, confirmed=not again.holds,
                       precise={"lhs": repr(again.lhs), "rhs": repr(again.rhs),
                                "digits": 16, "route": f"{RECHECK_SEEDS} fresh seeds",
                                "ratio": again.ratio})
    if ev.step in RUN_ROUTES and isinstance(instance, NACRunCase):
        return _confirm_run(ev, instance, bound=bound, lhs=lhs)
    numbers = precise_numbers(ev.step, instance)
    if numbers is None:
        return ev
    from . import _theory

    owner = _theory._owner(ev.step)
    left_expr = owner.lhs if lhs is None else lhs
    right_expr = owner.rhs if bound is None else bound
    return _compare(ev, left_expr, right_expr, owner.relation, numbers,
                    ROUTES[ev.step].__name__.lstrip("_"))


def _symbolic(*exprs) -> bool:
    return all(isinstance(e, sp.Basic) or isinstance(e, (int, float)) for e in exprs)


def _compare(ev: Evidence, left_expr, right_expr, relation: str, numbers: Mapping,
             route: str, index: str | None = None) -> Evidence:
    """Both sides at ``DPS`` digits at every entry of ``numbers``; the worst entry decides.

    A violation is confirmed when ``lhs - rhs > MARGIN max(|lhs|, |rhs|)`` (``==``: ``|lhs -
    rhs| > ...``): the re-evaluation's own rounding (solves to ``10^-(DPS-10)``, divided at
    worst by small denominators) stays far below ``MARGIN``, and a float64 violation is never
    that small unless the two sides are mathematically equal."""
    if not _symbolic(left_expr, right_expr):
        return ev  # a user's callable: no high-precision route, the violation stays candidate
    try:
        with mp.workdps(DPS):
            lefts = _elementwise(_mp_side(left_expr), numbers)
            rights = _elementwise(_mp_side(right_expr), numbers)
    except KeyError as exc:  # a symbol the route does not compute
        return replace(ev, measurements={**ev.measurements,
                                         "precise_unavailable": f"{route}: no {exc}"})
    with mp.workdps(DPS):
        if len(lefts) == 1 and len(rights) > 1:
            lefts = lefts * len(rights)
        if len(rights) == 1 and len(lefts) > 1:
            rights = rights * len(lefts)
        if relation == ">=":
            lefts, rights = rights, lefts
        # the worst entry: the largest lhs - rhs relative to the scale of the sides
        floor = mp.mpf(10) ** (-(DPS * 3))
        gaps = [(lv - rv) / max(abs(lv), abs(rv), floor) for lv, rv in zip(lefts, rights)]
        if ev.relation == "==":
            gaps = [abs(x) for x in gaps]
        k = max(range(len(gaps)), key=lambda i: gaps[i])
        lv, rv = lefts[k], rights[k]
        violated = gaps[k] > MARGIN
        precise = {"lhs": mp.nstr(lv, 30), "rhs": mp.nstr(rv, 30), "digits": DPS,
                   "route": route, "relative_gap": mp.nstr(gaps[k], 6)}
        if rv > 0:
            precise["ratio"] = float(lv / rv)
        if index is not None and len(gaps) > 1:
            precise[index] = k
    return replace(ev, confirmed=bool(violated), precise=precise)


# -- runs of Algorithm 1: the mpmath replay (properties/replay.py) ---------------------------
@dataclass(frozen=True)
class RunRoute:
    """How a run-based check's evidence is rebuilt from the replay's numbers: theory's
    ``ref`` (claim or step) with its symbols ``rename``d to measured names, its left side
    replaced by the measured number ``lhs``, its right side by theory's named expression
    ``rhs = (module, piece)``, ``extra(terms, numbers)`` adding numbers, or Theorem 1's
    run ``averages``. Mirrors the check of the same id (properties/lemma*.py, theorem1.py)."""

    ref: str
    rename: Mapping[str, str] = field(default_factory=dict)
    lhs: str | None = None
    rhs: tuple[str, str] | None = None
    extra: Callable | None = None
    averages: bool = False


def _global_constants(terms, numbers):
    from .replay import exact_constants_mp

    c = exact_constants_mp(terms)
    T = terms.run.T
    out = {k: [c[k]] * T for k in ("d1", "d2", "d3", "C2")}
    out["d_bar"] = [1 - c["d1"] * c["d2"] - c["d3"]] * T
    return out


#: evidence step id -> how to rebuild it from the replay (steps whose check is theory's
#: relation at the run's numbers; others stay candidates)
RUN_ROUTES: dict[str, RunRoute] = {
    "lemma1": RunRoute("lemma1"), "lemma1.pdl": RunRoute("lemma1.pdl"),
    "lemma1.optimality": RunRoute("lemma1.optimality"),
    "lemma2": RunRoute("lemma2"), "lemma2.induction": RunRoute("lemma2.induction"),
    "lemma2.theta_bound": RunRoute("lemma2.induction", lhs="theta_norm_next",
                                   rhs=("lemma2", "theta_bound")),
    "lemma5": RunRoute("lemma5", rename=_L5), "lemma5.eq5": RunRoute("lemma5.eq5", rename=_L5),
    "lemma5.eq6": RunRoute("lemma5.eq6", rename=_L5),
    "lemma7": RunRoute("lemma7"),
    "lemma7.corrected": RunRoute("lemma7", rhs=("lemma7", "corrected_rhs")),
    "lemma7.global": RunRoute("lemma7", extra=_global_constants),
    "lemma7.eq7_lipschitz": RunRoute("lemma7.eq7_lipschitz", extra=one_norms),
    "lemma7.eq8_cauchy_schwarz": RunRoute("lemma7.eq8_cauchy_schwarz"),
    "lemma8": RunRoute("lemma8"), "lemma8.eq9": RunRoute("lemma8.eq9"),
    "theorem1.policy_cauchy_schwarz": RunRoute("theorem1.policy_cauchy_schwarz",
                                               averages=True),
    "theorem1.eq18": RunRoute("theorem1.eq18", averages=True),
}


def _confirm_run(ev: Evidence, run: NACRunCase, *, bound=None, lhs=None) -> Evidence:
    """``ev`` of a run-based check re-evaluated on the mpmath replay of ``run``; a run
    without a replay (sampled oracle, a game without an mpmath model, a replay that does not
    reproduce the float run) stays a candidate, the reason in ``measurements``."""
    from . import _theory, replay

    route = RUN_ROUTES[ev.step]
    try:
        terms = replay.replay(run)
    except replay.NoReplay as exc:
        return replace(ev, measurements={**ev.measurements, "precise_unavailable": str(exc)})
    owner = _theory._owner(route.ref)
    with mp.workdps(DPS):
        if route.averages:
            numbers = terms.averages()
        else:
            numbers = terms.numbers(ev.measurements.get("scope", "trajectory"))
            for sym, key in route.rename.items():
                numbers[sym] = numbers[key]
            if route.extra is not None:
                numbers.update(route.extra(terms, numbers))
    left = lhs if lhs is not None else (sp.Symbol(route.lhs) if route.lhs else owner.lhs)
    right = bound if bound is not None else (
        getattr(_theory.module(route.rhs[0]), route.rhs[1]) if route.rhs else owner.rhs)
    return _compare(ev, left, right, owner.relation, numbers,
                    f"replay of Algorithm 1 in mpmath ({DPS} digits)", index="t")
