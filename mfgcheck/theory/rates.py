"""Theorem 1's step-size exponents, derived from the bounds of ``theorem1_bounds``.

With ``eta = c_eta T^{-a}/lam`` and ``beta = c_beta T^{-b}``, every term of the explicit
bounds (15), (16) and the final bound becomes ``const * T^{e}``; ``exponents()`` reads each
``e`` off the SymPy expressions as ``lim_{T -> oo} log(term)/log(T)`` (terms without T, the
eps_total floor, are left out). A square root halves the exponents inside it. The rate of
a bound is ``r = min_i (-e_i)``; ``solve()`` maximises r over (a, b) in [0, 1]^2 (needed for
eta lam < 1 and beta <= 1 as T grows), a linear programme in (a, b, r) solved exactly by
enumerating its vertices with Rationals.

For the final bound the decay exponents are (1 - a)/2, a/2, (b - a)/2 (policy, from (15)) and
1 - b (mean field, from (16)); the unique optimum is a = 2/5, b = 4/5, r = 1/5, the paper's.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import sympy as sp

from . import step_sizes, theorem1_bounds
from .symbols import T, a_exp, b_exp, beta, eta

# the paper's exponents (a, b, r), as theory.step_sizes states them
PAPER = tuple(sp.Rational(x.numerator, x.denominator) for x in (
    step_sizes.ETA_EXPONENT, step_sizes.BETA_EXPONENT, step_sizes.RATE_EXPONENT))
_r = sp.Symbol("r", real=True)


@dataclass(frozen=True)
class RateResult:
    """Optimal exponents: eta ~ T^-a / lam, beta ~ T^-b, bound ~ T^-r."""

    a: sp.Rational
    b: sp.Rational
    r: sp.Rational
    unique: bool
    agrees_with_paper: bool
    constraints: tuple  # decay exponents (linear in a, b) that r must not exceed


def _scheduled(expr):
    return expr.subs({eta: theorem1_bounds.eta_schedule, beta: theorem1_bounds.beta_schedule})


def _exponent(term) -> sp.Expr:
    """The T-exponent of a product: lim log(term)/log(T) as T -> oo."""
    log_term = sp.expand_log(sp.log(term), force=True)
    return sp.expand(sp.limit(log_term / sp.log(T), T, sp.oo))


def _term_exponents(expr) -> list[tuple[sp.Expr, sp.Expr]]:
    """(term, T-exponent) for every T-dependent term of ``expr`` (after the schedules)."""
    return list(dict.fromkeys(_walk(_scheduled(expr))))


def _walk(expr) -> list[tuple[sp.Expr, sp.Expr]]:
    if T not in expr.free_symbols:
        return []
    if expr.is_Add:
        return [pair for arg in expr.args for pair in _walk(arg)]
    if expr.is_Pow and expr.base.is_Add:
        return [(expr, expr.exp * e) for _, e in _walk(expr.base)]
    if expr.is_Mul:
        compound = [f for f in expr.args if T in f.free_symbols and (f.is_Add or (
            f.is_Pow and f.base.is_Add))]
        if compound:
            if len(compound) > 1:
                raise ValueError(f"cannot split {expr}")
            rest = expr / compound[0]
            inner = _walk(compound[0])
            shift = _exponent(rest) if T in rest.free_symbols else 0
            return [(expr, e + shift) for _, e in inner]
    return [(expr, _exponent(expr))]


def exponents(name: str | None = None) -> dict[str, list[tuple[sp.Expr, sp.Expr]]]:
    """T-exponents of every term of the bounds of ``theorem1_bounds.BOUNDS`` (or of one)."""
    bounds = theorem1_bounds.BOUNDS
    return {n: _term_exponents(bounds[n]) for n in ([name] if name else list(bounds))}


@functools.cache
def solve(name: str = "final_bound") -> RateResult:
    """Maximise r s.t. r <= -e_i for every term, 0 <= a, b <= 1; exact vertex enumeration."""
    bound = theorem1_bounds.BOUNDS[name]
    decays = tuple(dict.fromkeys(sp.expand(-e) for _, e in _term_exponents(bound)))
    # constraints g >= 0, linear in (a, b, r)
    cons = [d - _r for d in decays] + [a_exp, 1 - a_exp, b_exp, 1 - b_exp]
    best, vertices = None, []
    for trio in itertools.combinations(cons, 3):
        sol = sp.solve([sp.Eq(c, 0) for c in trio], [a_exp, b_exp, _r], dict=True)
        if len(sol) != 1 or len(sol[0]) != 3:
            continue
        point = sol[0]
        if all(c.subs(point) >= 0 for c in cons):
            vertices.append(point)
            best = point[_r] if best is None else max(best, point[_r])
    optimal = {(v[a_exp], v[b_exp]) for v in vertices if v[_r] == best}
    (a, b), unique = sorted(optimal)[0], len(optimal) == 1
    return RateResult(a, b, best, unique, (a, b, best) == PAPER, decays)
