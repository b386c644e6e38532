"""The peer adapters without the peers: hand-derived conventions and independent routes.

These run in the default suite (no MFGLib, no OpenSpiel needed); test_agreement.py checks the
same adapters against the peers themselves.
"""

import numpy as np
import pytest
from scipy.stats import norm

import mfgcheck as mc
from mfgcheck.games import peers
from mfgcheck.numerics import finite_horizon as fh
from mfgcheck.numerics import peers as peer_runs


def test_mfglib_sis_is_our_sis_with_mfglib_parameters():
    pg = peers.mfglib_sis()
    ours = mc.games.sis(infection_rate=0.81, rho=(0.4, 0.6))
    mus = np.random.default_rng(0).dirichlet(np.ones(2), size=(3, 4))
    np.testing.assert_allclose(pg.game.transition(mus), ours.transition(mus), rtol=0, atol=1e-16)
    np.testing.assert_array_equal(pg.game.reward(mus), ours.reward(mus))
    assert pg.horizon == 51 and pg.spec.gamma == 1.0 and pg.spec.lam == 0.0
    np.testing.assert_array_equal(pg.game.rho, [0.4, 0.6])
    pi = np.random.default_rng(1).dirichlet(np.ones(2), size=(51, 2))
    assert fh.exploitability(pg.game, pi, pg.spec) == pytest.approx(
        fh.exploitability(ours, pi, pg.spec), rel=1e-13)


def test_mfglib_sis_reverses_the_actions():
    pg = peers.mfglib_sis(T=2)
    pi = np.zeros((3, 2, 2))
    pi[..., 0] = 1.0                       # ours: always distance (D)
    peer = pg.to_peer_policy(pi)
    assert np.all(peer[..., 1] == 1.0)     # MFGLib: action 1 is distance
    np.testing.assert_array_equal(pg.from_peer_policy(peer), pi)


def test_mfglib_lq_transition_by_hand():
    pg = peers.mfglib_linear_quadratic()   # el 5, m 2, sigma 3, delta 0.1, k 1
    S = 11
    eps = 3.0 * np.arange(-3, 4)
    p = np.exp(-0.5 * eps**2)
    p /= p.sum()
    # Uniform mu: mean 0. From x = 0 with move 0 the noise 3 * 3j * sqrt(0.1) = 2.846 j
    # rounds to 0, +-3, +-6 -> clipped to +-5, +-9 -> clipped to +-5.
    P = pg.game.transition(np.full(S, 1 / S))
    row = P[5, 2]                          # x = 0 (index 5), move 0 (index 2)
    expected = np.zeros(S)
    for j, target in zip(range(7), (-5, -5, -3, 0, 3, 5, 5)):
        expected[target + 5] += p[j]
    np.testing.assert_allclose(row, expected, rtol=0, atol=1e-15)
    # Mean reversion: all mass at x = 5 (mean 5); from x = -5, move 0 drifts by
    # k (5 - (-5)) 0.1 = 1 to x = -4 before the noise: noise 0 lands on -4.
    mu = np.zeros(S)
    mu[-1] = 1.0
    P = pg.game.transition(mu)
    assert P[0, 2, 1] == pytest.approx(p[3], rel=1e-15)


def test_mfglib_lq_rewards_and_terminal_by_hand():
    pg = peers.mfglib_linear_quadratic()
    mu = np.zeros(11)
    mu[7] = 1.0                            # all at x = 2: mean 2
    r = pg.game.reward(mu)
    # x = 0, move +1: (-1/2 + 0.01 * 1 * 2 - 0.25 * 4) * 0.1
    assert r[5, 3] == pytest.approx((-0.5 + 0.02 - 1.0) * 0.1, rel=1e-14)
    flow = np.broadcast_to(mu, (pg.horizon + 1, 11))
    assert pg.spec.terminal_reward(flow)[5] == pytest.approx(-0.5 * 4, rel=1e-15)
    assert pg.horizon == 3
    assert pg.to_peer_policy(fh.uniform_policy(3, 11, 5)).shape == (4, 11, 5)


def test_openspiel_lq_transition_by_hand():
    pg = peers.openspiel_linear_quadratic()    # size 10, moves -3..3, noise -3..3
    k = np.arange(-3, 4)
    p = norm.cdf(k + 0.5) - norm.cdf(k - 0.5)
    p[0] += norm.cdf(-3.5)
    p[-1] += 1 - norm.cdf(3.5)
    P = pg.game.transition(np.full(10, 0.1))
    # x = 0, move -3 -> 7 on the torus, then noise -3..3 -> 4, 5, 6, 7, 8, 9, 0.
    expected = np.zeros(10)
    for kk, pk in zip(k, p):
        expected[(7 + kk) % 10] += pk
    np.testing.assert_allclose(P[0, 0], expected, rtol=0, atol=1e-15)
    assert pg.horizon == 10 and pg.spec.terminal_reward is None


def test_openspiel_horizon_counts_ticks_like_openspiel():
    # ticks t with t * dt < horizon are decision ticks: 0, 0.3, 0.6, 0.9 (0.8999...).
    assert peers.openspiel_linear_quadratic(horizon=1, dt=0.3).horizon == 4
    assert peers.openspiel_linear_quadratic(horizon=3, dt=1.0).horizon == 3


def test_openspiel_first_visit_moves_by_hand():
    """size 5, moves -1..1, noise -1..1, 3 ticks: OpenSpiel's depth-first traversal (initial
    x = 0 first, actions and noise in order) reaches each (x, t) first by these moves."""
    pg = peers.openspiel_linear_quadratic(size=5, horizon=3, n_actions_per_side=1)
    first = np.array([[0, 0, 0, 0, 0],
                      [-1, 0, 1, -1, -1],
                      [1, -1, -1, -1, 0]], dtype=float)
    flow = np.full((4, 5), 0.2)
    d = 2.0 - np.arange(5)                       # uniform mean 2 minus x
    expected = 0.5 * (-first**2 + 2 * 0.01 * first * d - 0.5 * d**2)
    stage = pg.spec.stage_reward(flow)
    assert stage.shape == (3, 5, 3)
    np.testing.assert_allclose(stage, np.repeat(expected[..., None], 3, axis=2), rtol=1e-15)


def test_openspiel_intended_convention_by_hand():
    pg = peers.openspiel_linear_quadratic(convention="intended")
    mu = np.zeros(10)
    mu[4] = 1.0
    r = pg.game.reward(mu)
    # x = 1, move +2 (index 5): dt/2 (-4 + 2 q 2 (4 - 1) - kappa 9)
    assert r[1, 5] == pytest.approx(0.5 * (-4 + 0.12 - 4.5), rel=1e-15)
    flow = np.broadcast_to(mu, (11, 10))
    assert pg.spec.terminal_reward(flow)[1] == pytest.approx(-4.5, rel=1e-15)


def test_adapter_arguments_are_checked():
    with pytest.raises(ValueError, match="convention"):
        peers.openspiel_linear_quadratic(convention="markov")
    with pytest.raises(ValueError, match="unknown OpenSpiel parameters"):
        peers.openspiel_linear_quadratic(sise=10)
    with pytest.raises(ValueError, match="shape"):
        peers.mfglib_sis(T=2).to_peer_policy(np.full((2, 2, 2), 0.5))
    with pytest.raises(ValueError, match="not an OpenSpiel game"):
        peer_runs.openspiel_game(peers.mfglib_sis())
