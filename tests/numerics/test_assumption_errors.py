"""numerics.assumption_constants: ratios whose numerators come from best responses known to a
tolerance stay lower bounds (the error bound ``policy_error`` is subtracted)."""

import numpy as np
import pytest

import mfgcheck as mc
from mfgcheck.numerics import mdp
from mfgcheck.numerics.assumption_constants import assumption_constants, policy_error


@pytest.mark.parametrize("tol", [1e-2, 1e-4, 1e-7])
def test_policy_error_bounds_a_loosely_solved_best_response(tol):
    """Against the best response solved to machine precision (an independent tolerance)."""
    g = mc.games.random_game(6, 3, seed=5, lam=0.05)
    mu = np.random.default_rng(0).dirichlet(np.ones(6), size=4)
    P, r = g.transition(mu), g.reward(mu)
    exact = mdp.soft_policy_iteration(P, r, g.gamma, g.lam, tol=1e-15)[0]
    # one Newton step from uniform: a residual far above tol, whatever tol
    pi, _, _, residual, _ = mdp.soft_policy_iteration(P, r, g.gamma, g.lam, tol=tol,
                                                     max_iter=1)
    err = np.abs(pi - exact).sum(-1).max()
    assert err > 0
    assert err <= policy_error(residual, g.gamma, g.lam, g.n_states)


def test_visited_pairs_closer_than_the_accuracy_give_no_ratio():
    """Two visited mean fields 1e-14 apart (a run converged to rounding): their raw d0 ratio
    is solver noise over 1e-14; lowered by the error bound, it is 0. Pairs 1e-2 apart keep
    their ratio (the bound moves it by < 1e-6 relative)."""
    g = mc.games.random_game(5, 3, seed=0, lam=0.2, transition_coupling=0.3)
    eq = mc.numerics.solve_equilibrium(g)
    mu = eq.mean_field
    nu = np.random.default_rng(1).dirichlet(np.ones(5))
    pi = eq.policy
    close = assumption_constants(g, visited=[(pi, mu), (pi, (1 - 1e-14) * mu + 1e-14 * nu)],
                                 equilibrium=eq, n_pairs=3, refine_steps=0)
    assert close.d0 == 0.0
    far = assumption_constants(g, visited=[(pi, mu), (pi, (1 - 1e-2) * mu + 1e-2 * nu)],
                               equilibrium=eq, n_pairs=3, refine_steps=0)
    assert far.d0 > 1e-3
