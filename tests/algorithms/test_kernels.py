"""Compiled kernels (algorithms.kernels) against their NumPy/Python references.

The sampled kernels do the reference's arithmetic on the same random numbers: bit-equal.
The exact-oracle kernel solves the same equations with other code (Gaussian elimination
instead of LAPACK, scalar sums): equal within a rounding bound (each iteration adds a few
ulps of the iterate's scale; Theorem 1's steps make the map contracting, so over T iterations
the difference stays below 1e-12 T relative to the scale, which is 100x the observed one).
"""

import bisect

import numpy as np
import pytest

import mfgcheck as mc
from mfgcheck.algorithms import (
    Environment,
    OracleConfig,
    kernels,
    nac_batch,
    sgd_actor,
    td0_critic,
    theorem1_steps,
)
from mfgcheck.algorithms.actor import _mean_features, _sgd_tabular, _sgd_vectorised
from mfgcheck.algorithms.critic import _td0_tabular, _td0_vectorised
from mfgcheck.algorithms.environment import _cdf

pytestmark = pytest.mark.skipif(kernels.numba is None, reason="numba not installed")

PI = np.array([[0.3, 0.7], [0.6, 0.4]])
MU = np.array([0.6, 0.4])


@pytest.fixture
def numpy_reference(monkeypatch):
    """Run a block with the NumPy reference path."""
    def use(flag):
        monkeypatch.setenv("MFGCHECK_KERNELS", "numpy" if flag else "numba")
    return use


def test_pair_chain_and_visitation_kernels_are_bit_equal_to_the_reference():
    g = mc.games.random_game(4, 3, seed=2, gamma=0.8)
    pi = np.random.default_rng(0).dirichlet(np.ones(3), size=4)
    env = Environment(g, np.tile(MU[:1].repeat(4) / MU[:1].repeat(4).sum(), (2, 1)),
                      [np.random.default_rng(s) for s in (1, 2)])
    rows, first = env._pair_cdfs(np.broadcast_to(pi, (2, 4, 3)))
    u = np.stack([1.0 - np.random.default_rng(s).random(3001) for s in (5, 6)])
    x = kernels.chain_batch(rows, first, u)
    for b, s in enumerate((5, 6)):
        ref = env._chain_one(b, pi, 3000, np.random.default_rng(s))
        np.testing.assert_array_equal(x[b], ref)
    cdf = _cdf(env.visitation_law(pi[None]))
    xv = kernels.draw_batch(cdf, u)
    for b in range(2):
        np.testing.assert_array_equal(xv[b], np.searchsorted(cdf[b], u[b], side="left"))


@pytest.mark.parametrize("n", [5, 40, 333])
def test_inverse_cdf_draws_are_bisect_left_on_short_and_long_rows(n):
    """Rows of up to 32 entries count the entries < u, longer ones bisect: both return
    bisect_left's index, also with zero-probability outcomes (repeated CDF values) and u = 1."""
    rng = np.random.default_rng(n)
    p = rng.dirichlet(np.ones(n)) * (rng.random(n) < 0.7)
    p[-1] += 1e-3
    cdf = _cdf(p / p.sum())[None]
    u = np.concatenate([1.0 - rng.random(5000), cdf[0, :-1], [1.0]])[None]
    got = kernels.draw_batch(cdf, u)[0]
    np.testing.assert_array_equal(got, [bisect.bisect_left(cdf[0].tolist(), v) for v in u[0]])


@pytest.mark.parametrize("radius", [1e3, 5.0])
def test_td0_kernel_is_bit_equal_to_the_scalar_reference(radius):
    """The fused chain + TD kernel against the reference route (``rollout``, then
    ``_td0_tabular``) on the same uniforms; also with the projection binding (radius 5:
    thousands of projections) and a warm start."""
    g = mc.games.sis()
    pi = np.stack([PI, PI[::-1]])

    def env():
        return Environment(g, np.tile(MU, (2, 1)), [np.random.default_rng(s) for s in (3, 4)])

    tr = env().rollout(pi, 5000)
    x = tr.states * 2 + tr.actions
    cost = tr.rewards - g.lam * np.log(pi)[np.arange(2)[:, None], tr.states, tr.actions]
    steps = np.full((2, 5000), 0.05)
    psi0 = np.array([[0.0, 0.0, 0.0, 0.0], [-1.0, 0.5, -2.0, 0.25]])
    e = env()
    rows, first, u = e.chain_inputs(pi, 5000)
    cost_sa = (e.rewards - g.lam * np.log(pi)).reshape(2, 4)
    out, n_proj = kernels.td0_chain_batch(rows, first, u, cost_sa, steps, g.gamma, radius,
                                          psi0)
    for b in range(2):
        ref, n_ref = _td0_tabular(x[b], cost[b], steps[b], g.gamma, radius, psi0[b])
        np.testing.assert_array_equal(out[b], ref)
        assert n_proj[b] == n_ref
    assert radius > 100 or n_proj.min() > 100


@pytest.mark.parametrize("R", [100.0, 0.5])
def test_sgd_kernel_is_bit_equal_to_the_scalar_reference(R):
    rng = np.random.default_rng(3)
    s, a = rng.integers(0, 2, (2, 4000)), rng.integers(0, 2, (2, 4000))
    pi = np.stack([PI, PI[::-1]])
    adv = rng.normal(size=(2, 2, 2))
    targets = adv[np.arange(2)[:, None], s, a]
    w = kernels.sgd_tabular_batch(s * 2 + a, adv.reshape(2, 4), pi, np.array([0.02, 0.03]), R)
    for b in range(2):
        ref = _sgd_tabular(s[b], a[b], targets[b], pi[b], [0.02, 0.03][b], R)
        np.testing.assert_array_equal(w[b], ref)


@pytest.mark.parametrize("d", [*range(1, 20), 64, 127, 128, 129, 136, 300])
def test_row_dot_sums_like_numpy(d):
    """``kernels._row_dot`` adds the products in NumPy's pairwise order (under 8 terms, 8
    partial sums up to 128, halves beyond): equal to ``(u * v).sum(axis=-1)`` bit for bit, on
    entries spread over 1e-6 .. 1e6 where another order would round differently."""
    rng = np.random.default_rng(d)
    u = rng.normal(size=(3, d)) * np.exp(rng.normal(size=(3, d)) * 5)
    v = rng.normal(size=(3, d))
    np.testing.assert_array_equal(kernels.row_dot_batch(u, v), (u * v).sum(axis=-1))


def test_tabular_q_is_the_feature_sum_bit_for_bit():
    """``critic._q_of`` with one-hot features (a reshape) = the general ``phi psi`` row sums,
    bit for bit (signs of zero included), on entries over many magnitudes and exact zeros."""
    from mfgcheck.algorithms.critic import _q_of

    rng = np.random.default_rng(0)
    S, A = 25, 7                                             # S A = 175 > 128: NumPy splits
    psi = rng.normal(size=(3, S * A)) * np.exp(rng.normal(size=(3, S * A)) * 5)
    psi[:, ::7] = 0.0
    psi[:, 1::7] = -0.0
    phi = mc.numerics.tabular_features(S, A)
    fast, ref = _q_of(phi, psi, True), _q_of(phi, psi, False)
    np.testing.assert_array_equal(fast, ref)
    np.testing.assert_array_equal(np.signbit(fast), np.signbit(ref))
    assert np.signbit(psi).any()                             # -0.0 was there to be lost


def _linear_case(d):
    """A random game with random features of dimension ``d`` (below, at and above NumPy's
    8-term block), two runs with their own policies."""
    g = mc.games.random_game(5, 3, seed=4, gamma=0.9)
    phi = mc.numerics.random_features(5, 3, d, seed=1)
    pi = np.random.default_rng(0).dirichlet(np.ones(3), size=(2, 5))
    return g, phi, pi


@pytest.mark.parametrize("d", [4, 15])
@pytest.mark.parametrize("radius", [1e3, 0.3])
def test_linear_td0_kernel_is_bit_equal_to_the_vectorised_reference(d, radius):
    """``kernels.td0_linear_batch`` against ``critic._td0_vectorised`` on the same chain: the
    same bits, also with the projection binding (radius 0.3: hundreds of projections, counted
    alike) and a warm start; steps shared or one row per run."""
    g, phi, pi = _linear_case(d)
    env = Environment(g, np.full((2, 5), 0.2), [np.random.default_rng(s) for s in (3, 4)])
    rows, first, u = env.chain_inputs(pi, 3000)
    x = kernels.chain_batch(rows, first, u)
    cost = (env.rewards - g.lam * np.log(pi)).reshape(2, 15)[np.arange(2)[:, None], x]
    psi0 = np.random.default_rng(7).normal(size=(2, d))
    counts = []
    for steps in (np.full((1, 3000), 0.05), np.stack([np.full(3000, 0.05),
                                                      0.2 / np.arange(1, 3001)])):
        steps = np.broadcast_to(steps, (2, 3000))
        out, n = kernels.td0_linear_batch(x, cost, np.ascontiguousarray(steps), g.gamma,
                                          radius, phi.reshape(15, d), psi0)
        ref, n_ref = _td0_vectorised(x, cost, steps, g.gamma, radius, phi.reshape(15, d), psi0)
        np.testing.assert_array_equal(out, ref)
        np.testing.assert_array_equal(n, n_ref)
        counts.append(n)
    assert radius > 100 or counts[0].min() > 100         # constant step: binds throughout


@pytest.mark.parametrize("d", [4, 15])
@pytest.mark.parametrize("R", [100.0, 0.2])
def test_linear_sgd_kernel_is_bit_equal_to_the_vectorised_reference(d, R):
    g, phi, pi = _linear_case(d)
    rng = np.random.default_rng(3)
    x = rng.integers(0, 15, (2, 4000))
    adv = rng.normal(size=(2, 5, 3))
    targets = adv.reshape(2, 15)[np.arange(2)[:, None], x]
    two_alpha = np.array([0.02, 0.05])
    w = kernels.sgd_linear_batch(x, targets, _mean_features(pi, phi),
                                 phi.reshape(15, d), two_alpha, R)
    ref = _sgd_vectorised(x, targets, _mean_features(pi, phi), phi.reshape(15, d), two_alpha, R)
    np.testing.assert_array_equal(w, ref)
    if R < 1:       # the ball binds: every iterate inside it, so the average too
        assert np.sqrt((w * w).sum(axis=-1)).max() <= R * (1 + 1e-12)


class _RecordedEnv:
    """An ``env`` with only what Algorithms 2 and 3 read for general features (``n_runs``,
    ``gamma``, ``rollout``, ``sample_visitation``), as serverless.online's recorded windows."""

    def __init__(self, env, K):
        self.n_runs, self.gamma = env.n_runs, env.gamma
        self._tr, self._pairs = env.rollout(PI[None], K), env.sample_visitation(PI[None], K)

    def rollout(self, policy, n_steps):
        return self._tr

    def sample_visitation(self, policy, n):
        return self._pairs


def test_linear_oracles_read_only_rollout_and_sample_visitation(numpy_reference):
    """With general features the compiled oracles read the env's trajectory and pairs as the
    references do (no simulator internals): a recorded env gives the reference's bits."""
    g = mc.games.sis()
    phi = mc.numerics.random_features(2, 2, 3, seed=0)
    adv = np.random.default_rng(0).normal(size=(1, 2, 2))
    kw = dict(lam=g.lam, n_samples=400, steps=np.full(400, 0.05), radius=50.0)
    out = []
    for numpy in (True, False):
        numpy_reference(numpy)
        env = _RecordedEnv(Environment(g, MU, [np.random.default_rng(1)]), 400)
        out.append((td0_critic(env, PI[None], np.log(PI)[None], phi, **kw).psi,
                    sgd_actor(env, PI[None], phi, adv, R=2.0, n_samples=400).w))
    np.testing.assert_array_equal(out[0][0], out[1][0])
    np.testing.assert_array_equal(out[0][1], out[1][1])


@pytest.mark.parametrize("oracle", ["sampled", "practical", "sampled-linear"])
def test_sampled_runs_compiled_and_reference_give_the_same_bits(numpy_reference, oracle):
    """A whole run of Algorithm 1 with sampled oracles: compiled = NumPy reference, bit for
    bit (same random numbers, same arithmetic), seeds in a batch; "sampled-linear": general
    linear features (random, d = 3 < S A = 4: ``td0_linear_batch``, ``sgd_linear_batch``)."""
    g = mc.games.sis().normalised()
    features = None
    if oracle == "sampled-linear":
        oracle, features = "sampled", mc.numerics.random_features(2, 2, 3, seed=0)
    kw = dict(oracle=OracleConfig(oracle, K_critic=300, K_actor=300), record="all",
              features=features)
    numpy_reference(True)
    ref = nac_batch(g, 8, 0.5, 0.05, [1, 2], **kw)
    numpy_reference(False)
    fast = nac_batch(g, 8, 0.5, 0.05, [1, 2], **kw)
    for r, f in zip(ref, fast):
        np.testing.assert_array_equal(r.theta, f.theta)
        np.testing.assert_array_equal(r.q_hat, f.q_hat)
    alone = nac_batch(g, 8, 0.5, 0.05, [2], **kw)[0]          # same seed, batch of one
    np.testing.assert_array_equal(alone.theta, fast[1].theta)
    np.testing.assert_array_equal(alone.q_hat, fast[1].q_hat)


def test_exact_kernel_matches_the_numpy_step_within_the_rounding_bound(numpy_reference):
    g = mc.games.sis().normalised()
    T = 400
    eta, beta = theorem1_steps(T, g.lam, 3, 10)
    numpy_reference(True)
    ref = nac_batch(g, T, eta, beta, [0], record="all")[0]
    numpy_reference(False)
    fast = nac_batch(g, T, eta, beta, [0], record="last")[0]
    scale = np.abs(ref.theta).max()
    assert np.abs(fast.theta[-1] - ref.theta[-1]).max() <= 1e-12 * T * scale
    assert np.abs(fast.average_policy - ref.average_policy).max() <= 1e-12 * T
    assert np.abs(fast.average_mean_field - ref.average_mean_field).max() <= 1e-12 * T
    assert fast.max_theta_norm == pytest.approx(ref.max_theta_norm, rel=1e-12 * T)
    assert fast.min_policy_all == pytest.approx(ref.min_policy_all, rel=1e-12 * T)


def test_exact_kernel_is_batch_invariant_and_hands_binding_steps_to_numpy(numpy_reference):
    """A run gives the same bits alone and in a batch; with a radius that binds, the kernel
    stops and NumPy's constrained actor takes over: the run agrees with the NumPy reference
    within the rounding bound and keeps Lemma 2's ||theta|| <= R/lam."""
    g = mc.games.sis().normalised()
    runs = nac_batch(g, 300, [0.5, 0.7], [0.05, 0.02], [0, 0], record="last")
    alone = nac_batch(g, 300, 0.7, 0.02, [0], record="last")[0]
    np.testing.assert_array_equal(runs[1].theta, alone.theta)
    T, R = 300, 1.0
    fast = nac_batch(g, T, 0.5, 0.05, [0], R=R, record="last")[0]
    numpy_reference(True)
    ref = nac_batch(g, T, 0.5, 0.05, [0], R=R, record="last")[0]
    assert fast.max_theta_norm <= R / g.lam * (1 + 1e-12)
    scale = np.abs(ref.theta).max()
    assert np.abs(fast.theta[-1] - ref.theta[-1]).max() <= 1e-12 * T * scale


def test_affine_model_detects_sis_and_rejects_lq():
    assert kernels.affine_model(mc.games.sis()) is not None
    assert kernels.affine_model(mc.games.linear_quadratic()) is None


@pytest.mark.parametrize("restart", [False, True])
def test_pair_cdf_kernel_is_bit_equal_to_the_reference(restart):
    g = mc.games.random_game(4, 3, seed=2, gamma=0.8)
    pis = np.random.default_rng(0).dirichlet(np.ones(3), size=(2, 4))
    env = Environment(g, np.random.default_rng(1).dirichlet(np.ones(4), size=2),
                      [np.random.default_rng(s) for s in (1, 2)])
    rows, first = kernels.pair_cdfs_batch(env._P, pis, env._rho, g.gamma, restart)
    for b in range(2):
        joint, f = env.pair_kernel(b, pis[b], restart)
        np.testing.assert_array_equal(rows[b], _cdf(joint))
        np.testing.assert_array_equal(first[b], _cdf(f))


def _advance(model, mu, n=50, B=2):
    S, A = model.P.shape[1], model.P.shape[2]
    theta, mu = np.zeros((B, S * A)), np.tile(mu, (B, 1))
    return kernels.exact_affine_advance(model, theta, mu, np.full(B, 0.5), np.full(B, 0.05),
                                        0.1, 0.9, 1e9, n, np.zeros((B, S, A)),
                                        np.zeros((B, S)), np.zeros(B), np.ones(B))


@pytest.mark.parametrize("corrupt", ["negative", "row_sum", "nan", "reward"])
def test_exact_kernel_checks_the_game_at_every_mean_field_it_builds(corrupt, monkeypatch):
    """The checks of Game.transition_at / reward_at run inside the kernel on P(mu_t), r(mu_t):
    a model that fails one (an entry below -tol, a row off 1 by 10 tol, a NaN, a reward
    outside reward_range) stops the kernel before the iteration (0 done); the valid model
    runs all; with GAME_CHECKS off (benchmarks/validation.py) the corrupt one runs all."""
    model = kernels.affine_model(mc.games.sis())
    P, r, (tol, lo, hi) = model.P.copy(), model.r.copy(), model.bounds
    if corrupt == "negative":
        P[0, 0, 0] = -10 * tol                      # the row still sums to 1
        P[0, 0, 1] = 1.0 + 10 * tol
    elif corrupt == "row_sum":
        P[0, 1, 1] += 10 * tol
    elif corrupt == "nan":
        P[0, 1, 0] = np.nan
    else:
        r[0, 0, 1] = hi + 10 * (hi - lo)
    bad = kernels.AffineModel(P, r, model.bounds)
    assert _advance(model, MU) == 50
    assert _advance(bad, MU) == 0
    monkeypatch.setattr(kernels, "GAME_CHECKS", False)
    assert _advance(bad, MU) == 50


def test_a_model_failing_its_checks_hands_every_iteration_to_numpy(numpy_reference,
                                                                   monkeypatch):
    """When the kernel's checks fail, nac_batch runs the iteration in NumPy, which evaluates
    the game itself (valid here): the run is then the reference's, bit for bit."""
    g = mc.games.sis().normalised()
    model = kernels.affine_model(g)
    r = model.r.copy()
    r[0, 0, 0] = np.nan
    monkeypatch.setattr(kernels, "affine_model",
                        lambda game: kernels.AffineModel(model.P, r, model.bounds))
    fast = nac_batch(g, 40, 0.5, 0.05, [0, 1], record="last")
    numpy_reference(True)
    ref = nac_batch(g, 40, 0.5, 0.05, [0, 1], record="last")
    for a, b in zip(fast, ref):
        np.testing.assert_array_equal(a.theta, b.theta)
