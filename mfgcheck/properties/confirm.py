"""Independent high-precision re-evaluation of a check's two sides (mpmath, 50+ digits).

A float64 violation found by a check is a *candidate* (``Evidence.status``) until both sides
are recomputed here from the instance's data, taken as exact binary numbers, with mpmath at
``DPS`` digits, through a route that shares no floating-point code with the check:

- ``lemma3`` (``BestResponseCase``): the soft best response by soft policy iteration in
  mpmath (Newton's method on the regularised Bellman equation: exact policy evaluation by an
  mpmath LU solve, then the Boltzmann improvement), stopped when the Bellman residual is below
  ``10^-(DPS - 10)``;
- ``lemma4``, ``lemma4.lipschitz`` (``KLTriple``): KL divergences, the l1 distance and the
  floors summed in mpmath.

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
from dataclasses import replace

import mpmath as mp
import numpy as np
import sympy as sp

from .evidence import Evidence

DPS = 60
RECHECK_SEEDS = 64

__all__ = ["DPS", "RECHECKS", "RECHECK_SEEDS", "ROUTES", "confirm", "precise_numbers",
           "soft_policy_mp"]


def soft_policy_mp(P: np.ndarray, r: np.ndarray, gamma: float, lam: float,
                   pi0: np.ndarray | None = None, max_iter: int = 200):
    """The regularised optimal policy and values at ``mp.mp.dps`` digits (module docstring).
    Returns ``(pi, V)`` as nested lists of mpf."""
    S, A = r.shape
    g, lam = mp.mpf(float(gamma)), mp.mpf(float(lam))
    Pm = [[[mp.mpf(float(P[s, a, t])) for t in range(S)] for a in range(A)] for s in range(S)]
    rm = [[mp.mpf(float(r[s, a])) for a in range(A)] for s in range(S)]
    if pi0 is None:
        pi = [[mp.mpf(1) / A] * A for _ in range(S)]
    else:  # any strictly positive start; Newton converges from it
        pi = [[mp.mpf(max(float(pi0[s, a]), 1e-300)) for a in range(A)] for s in range(S)]
        pi = [[p / mp.fsum(row) for p in row] for row in pi]
    tol = mp.mpf(10) ** (-(mp.mp.dps - 10))
    V = None
    for _ in range(max_iter):
        # policy evaluation: (I - gamma P_pi) V = r_pi + lam H(pi)
        M = mp.matrix(S, S)
        b = mp.matrix(S, 1)
        for s in range(S):
            ent = -mp.fsum(p * mp.log(p) for p in pi[s] if p > 0)
            b[s] = mp.fsum(pi[s][a] * rm[s][a] for a in range(A)) + lam * ent
            for t in range(S):
                M[s, t] = (1 if s == t else 0) - g * mp.fsum(pi[s][a] * Pm[s][a][t]
                                                            for a in range(A))
        V = mp.lu_solve(M, b)
        Q = [[rm[s][a] + g * mp.fsum(Pm[s][a][t] * V[t] for t in range(S)) for a in range(A)]
             for s in range(S)]
        new_V = []
        new_pi = []
        for s in range(S):
            m = max(Q[s])
            z = mp.fsum(mp.exp((q - m) / lam) for q in Q[s])
            new_V.append(m + lam * mp.log(z))
            new_pi.append([mp.exp((q - m) / lam) / z for q in Q[s]])
        residual = max(abs(new_V[s] - V[s]) for s in range(S))
        pi = new_pi
        if residual < tol:
            return pi, [V[s] for s in range(S)]
    raise ArithmeticError(f"soft policy iteration in mpmath: residual {mp.nstr(residual, 3)} "
                          f"after {max_iter} iterations")


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
    numbers = precise_numbers(ev.step, instance)
    if numbers is None:
        return ev
    from . import _theory

    owner = _theory._owner(ev.step)
    left_expr = owner.lhs if lhs is None else lhs
    right_expr = owner.rhs if bound is None else bound
    if not all(isinstance(e, sp.Basic) or isinstance(e, (int, float))
               for e in (left_expr, right_expr)):
        return ev  # a user's callable: no high-precision route, the violation stays candidate
    with mp.workdps(DPS):
        lefts = _elementwise(_mp_side(left_expr), numbers)
        rights = _elementwise(_mp_side(right_expr), numbers)
        if len(lefts) == 1 and len(rights) > 1:
            lefts = lefts * len(rights)
        if len(rights) == 1 and len(lefts) > 1:
            rights = rights * len(lefts)
        if owner.relation == ">=":
            lefts, rights = rights, lefts
        # the worst entry: the largest lhs - rhs relative to the scale of the sides
        gaps = [(l - r) / max(abs(l), abs(r), mp.mpf(10) ** (-(DPS * 3))) for l, r in
                zip(lefts, rights)]
        k = max(range(len(gaps)), key=lambda i: gaps[i])
        lv, rv = lefts[k], rights[k]
        violated = (lv > rv) if ev.relation == "<=" else (abs(lv - rv) >
                                                          mp.mpf(10) ** (-(DPS - 10)) * abs(rv))
        precise = {"lhs": mp.nstr(lv, 30), "rhs": mp.nstr(rv, 30), "digits": DPS,
                   "route": ROUTES[ev.step].__name__.lstrip("_")}
    return replace(ev, confirmed=bool(violated), precise=precise)


def numbers_from(mapping: Mapping) -> dict:
    """Plain floats of a precise-numbers dict (for display)."""
    return {k: ([float(x) for x in v] if isinstance(v, list) else float(v))
            for k, v in mapping.items()}
