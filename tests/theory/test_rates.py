"""Theorem 1's exponents: the LP result, and an independent grid search and scipy LP."""

from __future__ import annotations

import itertools

import sympy as sp
from scipy.optimize import linprog

from mfgcheck.theory import rates
from mfgcheck.theory.symbols import a_exp, b_exp

R = sp.Rational


def test_paper_exponents_are_the_unique_optimum():
    result = rates.solve()
    assert (result.a, result.b, result.r) == (R(2, 5), R(4, 5), R(1, 5))
    assert all(isinstance(x, sp.Rational) for x in (result.a, result.b, result.r))
    assert result.unique and result.agrees_with_paper


def test_step_sizes_state_the_derived_exponents():
    """theory.step_sizes (what the algorithms, the CLI and the report run) states the
    exponents the LP derives from the bounds."""
    from mfgcheck.theory import step_sizes

    result = rates.solve()
    stated = (step_sizes.ETA_EXPONENT, step_sizes.BETA_EXPONENT, step_sizes.RATE_EXPONENT)
    assert tuple(R(x.numerator, x.denominator) for x in stated) == (result.a, result.b,
                                                                      result.r)


def test_exponents_read_off_the_bounds():
    exps = rates.exponents()
    assert {e for _, e in exps["avg_sigma_pi_bound"]} == {a_exp - 1, -a_exp, a_exp - b_exp}
    assert {e for _, e in exps["avg_D_policy_bound"]} == {
        (a_exp - 1) / 2, -a_exp / 2, (a_exp - b_exp) / 2}
    assert {sp.expand(e) for _, e in exps["final_bound"]} == {
        sp.expand(e) for e in ((a_exp - 1) / 2, -a_exp / 2, (a_exp - b_exp) / 2, b_exp - 1)}


def _rate(a, b):
    return min(sp.expand(d).subs({a_exp: a, b_exp: b}) for d in rates.solve().constraints)


def test_grid_search_agrees():
    grid = [R(i, 40) for i in range(41)]
    values = {(a, b): _rate(a, b) for a, b in itertools.product(grid, grid)}
    best = max(values.values())
    assert best == R(1, 5)
    assert [k for k, v in values.items() if v == best] == [(R(2, 5), R(4, 5))]


def test_scipy_linprog_agrees():
    # maximise r s.t. r <= (1 - a)/2, r <= a/2, r <= (b - a)/2, r <= 1 - b, 0 <= a, b <= 1
    res = linprog(c=[0, 0, -1],
                  A_ub=[[0.5, 0, 1], [-0.5, 0, 1], [0.5, -0.5, 1], [0, 1, 1]],
                  b_ub=[0.5, 0, 0, 1], bounds=[(0, 1), (0, 1), (None, None)])
    assert res.success
    assert abs(res.x[0] - 0.4) < 1e-9 and abs(res.x[1] - 0.8) < 1e-9
    assert abs(-res.fun - 0.2) < 1e-9
