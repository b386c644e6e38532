"""A researcher's own test file, using only mfgcheck's pytest plugin and ``mfgcheck.testing``.

Copy it next to your code and run ``pytest --hypothesis-profile=mfgcheck-ci``. The plugin
(installed with mfgcheck) provides the fixtures ``mfg_sis``, ``mfg_sis_equilibrium`` and
``mfg_tightness_dir``, the marker ``claim`` and the option ``--mfgcheck-claim``;
``mfgcheck.testing`` provides the Hypothesis strategies and helpers. mfgcheck's own suite
runs this file from a directory outside the repository (tests/test_plugin.py).

The code under test here is a user's own implementation of the population step
``Gamma2(pi, mu)(s') = sum_{s,a} mu(s) pi(a|s) P(s'|s, a, mu)`` and of Lemma 2's bound.
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mfgcheck.testing as mt


def my_population_step(P, pi, mu):
    """The user's Gamma2, written with explicit loops (deliberately not mfgcheck's code)."""
    S, A, _ = P.shape
    out = np.zeros(S)
    for s in range(S):
        for a in range(A):
            out += mu[s] * pi[s, a] * P[s, a]
    return out


def my_lemma2_floor(R, lam, n_actions):
    """Lemma 2's floor on every probability along Algorithm 1: exp(-2R/lam)/|A|."""
    return math.exp(-2 * R / lam) / n_actions


@given(st.data())
def test_my_population_step_is_a_distribution_on_drawn_games(data):
    game = data.draw(mt.games(max_states=4, max_actions=3))
    pi = data.draw(mt.policies(game.n_states, game.n_actions))
    mu = data.draw(mt.distributions(game.n_states))
    nxt = my_population_step(game.transition(mu), pi, mu)
    assert np.all(nxt >= 0)
    # a sum of at most S*A*S products of probabilities: roundoff is a few ulps of 1
    assert abs(nxt.sum() - 1.0) <= 64 * np.finfo(float).eps


def test_the_sis_equilibrium_is_a_fixed_point_of_my_step(mfg_sis, mfg_sis_equilibrium):
    eq = mfg_sis_equilibrium
    mu = eq.mean_field
    nxt = my_population_step(mfg_sis.transition(mu), eq.policy, mu)
    # the certificate bounds the fixed-point residual; compare on the scale of mu (sums to 1)
    assert np.abs(nxt - mu).sum() <= 1e-8


@pytest.mark.claim("lemma2")
@given(mt.nac_runs(max_states=3, max_actions=2, max_T=8))
def test_lemma2_floor_along_drawn_nac_runs(run):
    traj = mt.drive_nac(run)
    floor = my_lemma2_floor(run.R, run.game.lam, run.game.n_actions)
    # a lower bound on probabilities, compared in log space (they can be tiny)
    assert np.log(traj.pi.min()) >= math.log(floor) - 1e-9


@pytest.mark.claim("lemma2")
@given(mt.nac_runs(max_states=3, max_actions=2, max_T=8))
def test_mfgcheck_check_of_lemma2_agrees(mfg_tightness_dir, run):
    ev = mt.observe(mt.checks("lemma2")["lemma2"](run))  # note, target, record the case
    mt.assert_holds(ev)
    # mfgcheck's evidence is oriented lhs <= rhs with lhs the bound: the same floor as mine
    assert math.isclose(ev.lhs, my_lemma2_floor(run.R, run.game.lam, run.game.n_actions),
                        rel_tol=1e-12)
    assert any(mfg_tightness_dir.glob("*.json"))  # recorded there, not in the working dir
