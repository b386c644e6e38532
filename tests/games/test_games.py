"""Games: the builders match appendix D, the game type validates, normalisation is exact."""

import math

import numpy as np
import pytest

import mfgcheck as mc
from mfgcheck._validate import InvalidInputError
from mfgcheck.games import Game


def _valid_kwargs(**over):
    P = np.full((2, 2, 2), 0.5)
    r = np.array([[0.0, 1.0], [0.5, 0.2]])
    kw = dict(name="toy", n_states=2, n_actions=2, gamma=0.9, lam=0.1, rho=np.array([0.5, 0.5]),
              transition_fn=lambda mu: np.broadcast_to(P, np.shape(mu)[:-1] + P.shape).copy(),
              reward_fn=lambda mu: np.broadcast_to(r, np.shape(mu)[:-1] + r.shape).copy())
    kw.update(over)
    return kw


def test_sis_matches_appendix_d():
    g = mc.games.sis()
    mu = np.array([0.3, 0.7])
    P = g.transition(mu)
    S, I, D, U = 0, 1, 0, 1
    assert P[S, D, I] == 0.0
    assert P[S, U, I] == pytest.approx(0.92 * 0.7, abs=1e-15)
    assert P[I, D, S] == P[I, U, S] == 0.3
    r = g.reward(mu)
    assert r[S, U] == 0 and r[S, D] == -0.5 and r[I, U] == -1 and r[I, D] == -1.5
    assert g.reward_range == (-1.5, 0.0)


def test_lq_transition_is_the_discretised_gaussian_on_a_torus():
    g = mc.games.linear_quadratic()
    assert (g.n_states, g.n_actions) == (25, 7)
    P = g.transition(g.rho)
    # Action 0 (move -3) from state 1: mean displacement -3, wraps to 23 for noise 0.
    probs = P[1, 0]
    from scipy.stats import norm
    k = np.arange(-3, 4)
    w = norm.cdf(k + 0.5) - norm.cdf(k - 0.5)
    w /= w.sum()
    expected = np.zeros(25)
    for kk, ww in zip(k, w):
        expected[(1 - 3 + kk) % 25] += ww
    np.testing.assert_allclose(probs, expected, atol=1e-15)
    # Torus symmetry: every row of a given action is a shift of the same distribution.
    for s in range(25):
        np.testing.assert_allclose(np.roll(P[s, 3], -s), P[0, 3], atol=1e-15)


def test_lq_reward_formula_and_range():
    g = mc.games.linear_quadratic()
    rng = np.random.default_rng(0)
    mu = rng.dirichlet(np.ones(25))
    mu_bar = mu @ np.arange(25)
    r = g.reward(mu)
    s, j = 4, 6
    a = j - 3
    assert r[s, j] == pytest.approx(-a**2 / 2 + 0.01 * a * (mu_bar - s) - 0.25 * (mu_bar - s) ** 2)
    # The declared range is attained by point masses (mu_bar at the ends) and never left.
    lo, hi = g.reward_range
    extremes = [g.reward(np.eye(25)[x]) for x in range(25)]
    assert min(e.min() for e in extremes) == pytest.approx(lo)
    assert max(e.max() for e in extremes) <= hi + 1e-12
    for _ in range(20):
        rr = g.reward(rng.dirichlet(np.ones(25) * 0.1))
        assert rr.min() >= lo - 1e-12 and rr.max() <= hi + 1e-12


def _lq_range_by_hand(S, M, q, kappa, dt):
    """The LQ reward range derived in the displacement d = mu_bar - s alone: mu_bar ranges
    over [0, S-1] and s over 0..S-1, so d covers [-(S-1), S-1]; for each integer move a,
    f(d) = -a^2/2 + q a d - kappa/2 d^2 is concave (linear for kappa = 0), so its minimum is
    at an end of the interval and its maximum at an end or at d = q a / kappa."""
    lo, hi = math.inf, -math.inf
    D = S - 1.0
    for a in range(-M, M + 1):
        f = lambda d, a=a: (-a * a / 2 + q * a * d - kappa / 2 * d * d) * dt  # noqa: E731
        ends = [f(-D), f(D)]
        inner = [f(q * a / kappa)] if kappa > 0 and -D <= q * a / kappa <= D else []
        lo, hi = min(lo, *ends), max(hi, *ends, *inner)
    return lo, hi


@pytest.mark.parametrize("kappa, q, max_move, dt", [(0.0, 0.01, 3, 1.0), (0.5, 0.01, 3, 1.0),
                                                    (0.0, -0.3, 2, 0.5), (2.0, 3.0, 2, 1.0),
                                                    (1e-3, 0.5, 3, 1.0)])
def test_lq_reward_range_against_derivation_including_kappa_zero(kappa, q, max_move, dt):
    """``linear_quadratic(kappa=0)`` used to divide by kappa (a NaN range, so no game): the
    range is now the exact one derived by hand, it is attained, and the normalised game's
    rewards lie in [0, 1] for every mean field."""
    S = 9
    g = mc.games.linear_quadratic(n_states=S, max_move=max_move, q=q, kappa=kappa, dt=dt)
    lo, hi = g.reward_range
    exp_lo, exp_hi = _lq_range_by_hand(S, max_move, q, kappa, dt)
    scale = max(abs(exp_lo), abs(exp_hi))
    assert lo == pytest.approx(exp_lo, rel=1e-14, abs=1e-14 * scale)
    assert hi == pytest.approx(exp_hi, rel=1e-14, abs=1e-14 * scale)
    # attained (the minimum at a point mass at an end; the maximum for kappa = 0 likewise)
    ends = [g.reward(np.eye(S)[x]) for x in (0, S - 1)]
    assert min(e.min() for e in ends) == pytest.approx(lo, rel=1e-14, abs=1e-14 * scale)
    if kappa == 0:
        assert max(e.max() for e in ends) == pytest.approx(hi, rel=1e-14, abs=1e-14 * scale)
    gn = g.normalised()
    rng = np.random.default_rng(3)
    r = gn.reward(rng.dirichlet(np.ones(S) * 0.2, size=50))
    assert r.min() >= 0.0 and r.max() <= 1.0


def test_random_game_rewards_in_unit_interval_and_seeded():
    g1 = mc.games.random_game(6, 3, seed=5)
    g2 = mc.games.random_game(6, 3, seed=5)
    g3 = mc.games.random_game(6, 3, seed=6)
    rng = np.random.default_rng(1)
    mus = rng.dirichlet(np.ones(6), size=50)
    r = g1.reward(mus)
    assert r.shape == (50, 6, 3) and r.min() >= 0 and r.max() <= 1
    np.testing.assert_array_equal(g1.transition(mus), g2.transition(mus))
    assert not np.allclose(g1.transition(mus), g3.transition(mus))
    # The transition depends on mu (the mean-field coupling is real).
    assert np.abs(g1.transition(mus[0]) - g1.transition(mus[1])).max() > 1e-3


def test_batched_model_matches_loop():
    g = mc.games.random_game(5, 3, seed=2)
    mus = np.random.default_rng(0).dirichlet(np.ones(5), size=4)
    P, r = g.transition(mus), g.reward(mus)
    # Bit-equal: a run must give the same numbers alone or inside a batch (reproducibility).
    for i, mu in enumerate(mus):
        np.testing.assert_array_equal(P[i], g.transition(mu))
        np.testing.assert_array_equal(r[i], g.reward(mu))
    lq = mc.games.linear_quadratic()
    mus = np.random.default_rng(0).dirichlet(np.ones(25), size=3)
    for i, mu in enumerate(mus):
        np.testing.assert_array_equal(lq.reward(mus)[i], lq.reward(mu))


def test_normalised_game_same_equilibrium_scaled_exploitability():
    g = mc.games.sis(lam=0.2)
    gn = g.normalised()
    assert gn.reward_range == (0.0, 1.0) and gn.lam == pytest.approx(0.2 / 1.5)
    eq, eqn = mc.numerics.solve_equilibrium(g), mc.numerics.solve_equilibrium(gn)
    np.testing.assert_allclose(eq.policy, eqn.policy, atol=1e-9)
    np.testing.assert_allclose(eq.mean_field, eqn.mean_field, atol=1e-9)
    pi = mc.numerics.uniform_policy(2, 2)
    e, en = mc.numerics.exploitability(g, pi), mc.numerics.exploitability(gn, pi)
    assert e > 1e-3
    assert en == pytest.approx(e / 1.5, rel=1e-9)


@pytest.mark.parametrize(
    "over, field, problem",
    [
        (dict(gamma=1.0), "gamma", "(0, 1)"),
        (dict(gamma=0.0), "gamma", "(0, 1)"),
        (dict(gamma=float("nan")), "gamma", "(0, 1)"),
        (dict(lam=0.0), "lam", "> 0"),
        (dict(lam=-1.0), "lam", "> 0"),
        (dict(rho=np.array([0.7, 0.7])), "rho", "not 1"),
        (dict(rho=np.array([1.5, -0.5])), "rho", "negative"),
        (dict(rho=np.array([0.0, 0.0])), "rho", "sums to 0"),
        (dict(rho=np.array([np.nan, 1.0])), "rho", "NaN"),
        (dict(transition_fn=lambda mu: np.full((2, 2, 2), 0.6)), "transition", "not 1"),
        (dict(transition_fn=lambda mu: np.array([[[1.2, -0.2]] * 2] * 2)), "transition",
         "negative"),
        (dict(transition_fn=lambda mu: np.full((2, 2, 3), 1 / 3)), "transition", "shape"),
        (dict(reward_fn=lambda mu: np.zeros((2, 3))), "reward", "shape"),
        (dict(reward_fn=lambda mu: np.full((2, 2), np.nan)), "reward", "NaN"),
        (dict(reward_fn=lambda mu: np.full((2, 2), 2.0)), "reward", "reward_range"),
    ],
)
def test_invalid_game_raises_naming_the_field(over, field, problem):
    with pytest.raises(InvalidInputError) as info:
        Game(**_valid_kwargs(**over))
    assert field in str(info.value) and problem in str(info.value)


def test_mean_field_must_be_a_distribution():
    g = mc.games.sis()
    for bad, problem in (([0.5, 0.6], "not 1"), ([1.0], "shape"), ([-0.1, 1.1], "negative"),
                         ([np.inf, 0.0], "NaN or infinite")):
        with pytest.raises(InvalidInputError, match=problem):
            g.transition(np.array(bad))


def test_by_name():
    assert mc.games.by_name("sis").name == "sis"
    assert mc.games.by_name("lq").n_states == 25
    assert mc.games.by_name("random", n_states=4, n_actions=2).n_states == 4
    with pytest.raises(ValueError, match="game: unknown .chess."):
        mc.games.by_name("chess")
