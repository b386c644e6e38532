"""The serverless mean-field game: built from the simulator, valid as a Game at any mean
field, its equilibrium certified and checked by an independent route, its contention and
reward as documented."""

import numpy as np
import pytest

pytest.importorskip("simpy")

from mfgcheck import games, numerics  # noqa: E402
from mfgcheck.serverless import game as G  # noqa: E402
from mfgcheck.serverless import model  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return G.default_data()


@pytest.fixture(scope="module")
def game(data):
    return games.by_name("serverless")


def test_registered_and_valid_at_many_mean_fields(game, data):
    assert game.name == "serverless" and (game.n_states, game.n_actions) == (12, 3)
    rng = np.random.default_rng(0)
    mus = np.vstack([rng.dirichlet(np.ones(12) * a, 40) for a in (0.1, 1.0, 10.0)]
                    + [np.eye(12)])
    P = game.transition(mus)                    # validates: stochastic, finite
    r = game.reward(mus)                        # validates: finite, inside reward_range
    assert P.shape == (mus.shape[0], 12, 3, 12) and r.shape == (mus.shape[0], 12, 3)
    lo, hi = game.reward_range
    assert lo == -(1 + model.ALPHA) and hi == 0.0
    # the allocation moves as the action says, the load as the training day's chain
    K = data.load_transition
    L = len(model.ALLOCATION_LEVELS)
    for s in range(12):
        x, lv = divmod(s, L)
        for a in range(3):
            l2 = min(L - 1, max(0, lv + a - 1))
            expected = np.zeros(12)
            expected[np.arange(3) * L + l2] = K[x]
            np.testing.assert_allclose(P[0, s, a], expected, rtol=0, atol=1e-15)
    g01 = game.normalised()
    assert g01.reward_range == (0.0, 1.0) and g01.lam == pytest.approx(game.lam / (1 + model.ALPHA))


def test_contention_and_reward_by_hand(game, data):
    L = len(model.ALLOCATION_LEVELS)
    busy = data.busy.mean(axis=0).reshape(12)
    mem = data.memory.mean(axis=0).reshape(12)
    M = np.mean(model.NODE_MEMORY_GB)
    s = 5
    e = np.eye(12)[s]
    u = min(1.0, busy[s] / mem[s] * M / model.NODE_CORES)
    assert G.contention(e, data) == pytest.approx(u, rel=1e-12)
    # reward at (s, keep): violation interpolated by hand on the grid, minus alpha * res
    v = data.violation.mean(axis=0)[s // L, s % L]
    grid = np.asarray(data.grid)
    v_u = np.interp(u, grid, v)
    res = G.resources(data)[s // L, s % L]
    assert game.reward(e)[s, 1] == pytest.approx(-(v_u + model.ALPHA * res), rel=1e-12)
    assert 0.0 <= G.resources(data).min() and G.resources(data).max() == 1.0


def test_equilibrium_certifies_and_is_a_fixed_point_by_an_independent_route(game):
    g = game.normalised()
    eq = numerics.solve_equilibrium(g)
    cert = eq.certificate()
    scale = 1.0 / (1.0 - g.gamma)               # value scale of rewards in [0, 1]
    assert abs(cert["exploitability"]) <= 1e-8 * scale
    # independent route: soft value iteration written out here, then the population step
    mu, pi = eq.mean_field, eq.policy
    P, r = g.transition(mu), g.reward(mu)
    V = np.zeros(12)
    for _ in range(2000):
        Q = r + g.gamma * P @ V
        m = Q.max(axis=1, keepdims=True)
        V_new = (m + g.lam * np.log(np.exp((Q - m) / g.lam).sum(axis=1, keepdims=True)))[:, 0]
        if np.max(np.abs(V_new - V)) < 1e-14 * scale:
            break
        V = V_new
    Q = r + g.gamma * P @ V
    soft = np.exp((Q - Q.max(axis=1, keepdims=True)) / g.lam)
    soft /= soft.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(pi, soft, rtol=0, atol=1e-8)
    mu_next = np.einsum("s,sa,sat->t", mu, pi, P)
    np.testing.assert_allclose(mu_next, mu, rtol=0, atol=1e-9)


def test_assumption_constants_computed(game):
    ac = numerics.assumption_constants(game.normalised(), n_pairs=30, refine_steps=5)
    d = ac.to_dict()
    for k in ("d0", "d1", "d2", "d3", "C1", "C2", "C3"):
        assert np.isfinite(d[k]) and d[k] >= 0
    # the transitions do not depend on mu, so Gamma2(pi, .) is linear in mu with a
    # column-stochastic map: ||Gamma2(pi, mu) - Gamma2(pi, mu')||_1 <= ||mu - mu'||_1, d3 <= 1
    assert d["d3"] <= 1.0 + 1e-12
    # ... and 1 is attained: "keep" at (low, level 0) and (low, level 3) moves the two point
    # masses to successors with disjoint supports (levels 0 and 3), so d3 = 1 exactly and
    # d1 d2 + d3 < 1 (Assumption 3's contraction) is impossible on this game
    g = game.normalised()
    L = len(model.ALLOCATION_LEVELS)
    e0, e3 = np.eye(12)[0], np.eye(12)[L - 1]
    keep = np.zeros((12, 3))
    keep[:, 1] = 1.0
    step = [np.einsum("s,sa,sat->t", m, keep, g.transition(m)) for m in (e0, e3)]
    assert np.abs(step[0] - step[1]).sum() == pytest.approx(np.abs(e0 - e3).sum(), rel=1e-12)
    assert d["d3"] >= 1.0 - 1e-9
    assert not d["contraction"]
    assert d["lipschitz_Lambda"] == pytest.approx(d["d1"] * d["d2"] + d["d3"], rel=1e-12)


def test_calibration_is_reproducible_and_monotone_in_contention(data):
    again = G.calibrate(invocations=data.invocations, seed=data.seed)
    np.testing.assert_array_equal(again.violation, data.violation)
    # more interference never helps much: averaged over functions, violations at u = 1 are
    # at least those at u = 0 in every cell
    v = data.violation.mean(axis=0)
    assert np.all(v[..., -1] >= v[..., 0])
