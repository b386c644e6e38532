"""Cen et al. (2022), Theorem 1 on random MDPs: the statement and every numeric proof step
hold; a wrong variant (22b with the contraction factor squared) is violated and the violation
is confirmed at 60 digits; a case with nothing above the rounding floor is not checked."""

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings

from mfgcheck.papers.cen2022 import checks, precise, theory
from mfgcheck.papers.cen2022.checks import FLOOR, NPGCase
from mfgcheck.papers.cen2022.strategies import case, npg_cases

from ..properties.helpers import assert_holds, counterexample

ALL = [getattr(checks, name) for name in checks.__all__ if name.startswith("check_")]


def squared(**n):
    """The wrong variant: (22b) with (1 - eta tau)^(2t) in place of (1 - eta tau)^t."""
    return 2 * n["C1"] / n["lam"] * (1 - n["eta"] * n["lam"]) ** (
        2 * n["t"])


@settings(max_examples=40)
@given(npg_cases())
def test_theorem1_and_its_steps_hold_on_random_mdps(c):
    assert c.terms.compared > 0
    for check in ALL:
        assert_holds(check(c))


def test_the_compared_window_sits_above_the_rounding_floor():
    c = case(seed=11, n_states=3, n_actions=3, gamma=0.5, tau=0.2, eta_fraction=1.0)
    t = c.terms
    bound = theory.numeric("bound_Q")(C1=t.C1, gamma=0.5, eta=c.eta, lam=0.2,
                                      t=np.arange(c.T))
    assert 0 < t.compared < c.T  # soft policy iteration reaches the floor within T = 60
    assert np.all(bound[:t.compared] > FLOOR * t.q_error)
    assert bound[t.compared] <= FLOOR * t.q_error
    ev = checks.check_theorem1(c)
    assert ev.measurements["compared"] == t.compared and ev.holds


def test_squared_contraction_in_22b_is_violated_and_confirmed_at_60_digits():
    """gamma = 0.1, eta tau = 0.45: alpha = 0.5 < (1 - eta tau)^2 = 0.3025 is false, and on a
    single state the log-policy error decays exactly like alpha^t, so (1 - eta tau)^(2t)
    falls below it. Confirmed by the mpmath replay at the worst iteration."""
    c = case(seed=0, n_states=1, n_actions=2, gamma=0.1, tau=1.0, eta_fraction=0.5,
             init="random")
    assert checks.check_eq22b(c).holds
    ev = checks.check_eq22b(c, bound=squared)
    assert not ev.holds and ev.ratio > 10
    k = ev.measurements["where"]["t"]
    with mp.workdps(60):
        n = precise.numbers(c)
        lhs = n["logpi_err"][k]
        rhs = 2 * n["C1"] / n["lam"] * (1 - n["eta"] * n["lam"]) ** (2 * k)
        assert lhs > rhs
        assert abs(float(lhs) - ev.lhs) <= 2 * c.terms.logpi_error


def test_a_search_finds_the_squared_variant_false_on_random_mdps():
    instance, ev = counterexample(npg_cases(), checks.check_eq22b, bound=squared,
                                  max_examples=60)
    assert not ev.holds and checks.check_eq22b(instance).holds


def test_the_soft_Q_error_decays_like_alpha_squared():
    """Finding (bound loose in rate): ||Q* - Q^(t)|| decays like alpha^(2t) here, twice the
    exponent of (22a)'s (1 - eta tau)^t >= alpha^t: V_tau is stationary at pi*, so the Q error
    is quadratic in the policy error. The fitted exponent on the last iterations above the
    rounding floor is within 10% of 2."""
    c = case(seed=4, n_states=4, n_actions=3, gamma=0.6, tau=0.5, eta_fraction=0.3)
    t = c.terms
    good = np.nonzero(t.Q_err > 1e4 * t.q_error)[0]
    ks = good[len(good) // 2:]
    slope = np.polyfit(ks, np.log(t.Q_err[ks]), 1)[0]
    assert abs(slope / np.log(t.alpha) - 2) < 0.2
    assert np.log(1 - c.eta * c.tau) > slope  # (22a)'s rate is slower than observed


def test_a_case_with_nothing_above_the_rounding_floor_is_not_checked():
    """pi^(0) = pi*: C1 = 0, no iteration to compare: the check raises (never a pass)."""
    c = case(seed=2, n_states=2, n_actions=2, gamma=0.5, tau=0.5, eta_fraction=0.5)
    opt = c.terms.optimum
    start = NPGCase(c.mdp, c.tau, c.eta, opt.log_pi, 10)
    assert start.terms.compared == 0
    with pytest.raises(ValueError, match="nothing to compare"):
        checks.check_theorem1(start)


def test_the_instance_rebuilds_the_same_case():
    c = case(seed=9, n_states=2, n_actions=3, gamma=0.8, tau=0.1, eta_fraction=0.7,
             init="peaked", concentration=0.1)
    ev = checks.check_eq22b(c)
    again = NPGCase.from_description(ev.instance)
    assert checks.check_eq22b(again).to_dict() == ev.to_dict()
