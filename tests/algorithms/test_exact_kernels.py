"""The compiled exact step (algorithms.exact_kernels) for games with a closed form.

Against independent routes: ``numerics.policy_evaluation`` / ``population_step`` (the game's
own NumPy functions, LAPACK's solve) for one step, and the NumPy path of ``engine.step_batch``
(``MFGCHECK_KERNELS=numpy``) for whole runs. The kernel solves ``(I - gamma P_pi) V = b`` by
Gaussian elimination with partial pivoting (backward error a few ``S eps``) and the condition
number of ``I - gamma P_pi`` is at most ``(1 + gamma)/(1 - gamma)`` (max-norm), so one step's
values differ by at most ``STEP_ULPS S eps (1 + gamma)/(1 - gamma)`` times the value scale
``game.value_scale``; over ``T`` iterations at most ``T`` such differences add up (the steps
are contractions). Bits: the compiled path is batch-, record- and driver-invariant.
"""

import numpy as np
import pytest

import mfgcheck as mc
from mfgcheck.algorithms import (
    NACState,
    OracleConfig,
    engine,
    exact_kernels,
    kernels,
    nac,
    nac_batch,
    nac_step,
    theorem1_steps,
)

pytestmark = pytest.mark.skipif(kernels.numba is None, reason="numba not installed")

EPS = np.finfo(float).eps
STEP_ULPS = 16

GAMES = {
    "lq": lambda: mc.games.linear_quadratic().normalised(),
    "random": lambda: mc.games.random_game(5, 3, seed=0, transition_coupling=0.5,
                                           reward_coupling=0.3),
    "random-strong": lambda: mc.games.random_game(6, 4, seed=3, transition_coupling=3.0,
                                                  logit_scale=2.0),
}


@pytest.fixture
def numpy_reference(monkeypatch):
    def use(flag):
        monkeypatch.setenv("MFGCHECK_KERNELS", "numpy" if flag else "numba")
    return use


def _step_tol(g):
    return STEP_ULPS * g.n_states * EPS * (1 + g.gamma) / (1 - g.gamma) * g.value_scale


@pytest.mark.parametrize("name", sorted(GAMES))
def test_one_compiled_step_matches_the_numerics(name):
    g = GAMES[name]()
    prob = engine.prepare(g, None, None, OracleConfig("exact"))
    assert prob.exact_model is not None
    rng = np.random.default_rng(1)
    theta = 2.0 * rng.standard_normal((3, prob.dim))
    mu = rng.dirichlet(np.full(g.n_states, 0.5), size=3)
    eta, beta = np.array([0.3, 0.5, 0.9]), np.array([0.1, 0.5, 1.0])
    st = engine.step_batch(prob, theta, mu, eta, beta)
    tol = _step_tol(g)
    for j in range(3):
        pi = mc.numerics.loglinear_policy(theta[j], prob.features)
        vals = mc.numerics.policy_evaluation(g, pi, mu[j])
        np.testing.assert_allclose(st.pi[j], pi, rtol=8 * EPS, atol=0)
        np.testing.assert_allclose(st.q_hat[j], vals.q, rtol=0, atol=tol)
        np.testing.assert_allclose(st.A_hat[j], vals.advantage, rtol=0, atol=tol)
        w = vals.advantage - vals.advantage.mean(axis=-1, keepdims=True)
        np.testing.assert_allclose(st.w_hat[j], w.ravel(), rtol=0, atol=2 * tol)
        gamma2 = mc.numerics.population_step(g, pi, mu[j])
        np.testing.assert_allclose(st.population[j], gamma2, rtol=0, atol=8 * g.n_states * EPS)
        np.testing.assert_allclose(st.mu_next[j], (1 - beta[j]) * mu[j] + beta[j] * gamma2,
                                   rtol=0, atol=8 * g.n_states * EPS)
        np.testing.assert_allclose(st.theta_next[j], (1 - eta[j] * g.lam) * theta[j]
                                   + eta[j] * w.ravel(), rtol=0, atol=2 * eta[j] * tol
                                   + 4 * EPS * np.abs(theta[j]).max())
        assert st.theta_norm[j] == pytest.approx(np.linalg.norm(theta[j]), rel=4 * prob.dim * EPS)


@pytest.mark.parametrize("name", ["lq", "random"])
def test_runs_match_the_numpy_path_within_the_rounding_bound(name, numpy_reference):
    g = GAMES[name]()
    Ts = [50, 400]
    steps = [theorem1_steps(T, g.lam, 3, 10) for T in Ts]
    kw = dict(record="log")
    args = (g, Ts, [e for e, _ in steps], [b for _, b in steps], [0])
    numpy_reference(True)
    ref = nac_batch(*args, **kw)
    numpy_reference(False)
    fast = nac_batch(*args, **kw)
    for T, f, r in zip(Ts, fast, ref):
        tol = T * _step_tol(g)
        scale = max(1.0, np.abs(r.theta).max())
        np.testing.assert_array_equal(f.t, r.t)
        assert np.abs(f.theta - r.theta).max() <= tol * scale
        assert np.abs(f.q_hat[:-1] - r.q_hat[:-1]).max() <= tol
        assert np.abs(f.average_policy - r.average_policy).max() <= tol
        assert np.abs(f.average_mean_field - r.average_mean_field).max() <= tol
        assert f.max_theta_norm == pytest.approx(r.max_theta_norm, rel=tol)
        assert f.min_policy_all == pytest.approx(r.min_policy_all, rel=tol)


def _same(a, b):
    for k in ("theta", "policy", "mean_field", "avg_policy", "avg_mean_field", "q_hat",
              "advantage", "w_hat"):
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k), err_msg=k)
    assert a.max_theta_norm == b.max_theta_norm and a.min_policy_all == b.min_policy_all


@pytest.mark.parametrize("name,R", [("lq", None), ("random", None), ("random", 0.3)])
def test_a_run_has_the_same_bits_alone_in_a_batch_and_whatever_it_records(name, R):
    """R = 0.3 binds: those iterations take the constrained actor in NumPy."""
    g = GAMES[name]()
    T = 60
    batch = nac_batch(g, [T, 40, T], [0.5, 0.3, 0.2], [0.05, 0.1, 0.3], [0], R=R,
                      record="last")
    alone = nac_batch(g, T, 0.2, 0.3, [0], R=R, record="all")[0]
    last = nac_batch(g, T, 0.2, 0.3, [0], R=R, record="last")[0]
    np.testing.assert_array_equal(batch[2].theta[-1], alone.theta[-1])
    np.testing.assert_array_equal(last.theta[-1], alone.theta[-1])
    np.testing.assert_array_equal(last.average_policy, alone.average_policy)
    assert last.max_theta_norm == alone.max_theta_norm
    assert last.min_policy_all == alone.min_policy_all
    if R is not None:
        assert alone.max_theta_norm <= R / g.lam * (1 + 1e-12)
        assert (np.sqrt((alone.w_hat[:-1] ** 2).sum(axis=-1)) > R * (1 - 1e-12)).any()
    state = NACState.initial(g)
    for _ in range(T):
        state, info = nac_step(g, state, eta=0.2, beta=0.3, R=R)
    np.testing.assert_array_equal(state.theta, alone.theta[-1])
    np.testing.assert_array_equal(state.mu, alone.mean_field[-1])
    again = nac(g, T, 0.2, 0.3, R=R, record="all")
    _same(again, alone)


def test_a_model_failing_its_checks_hands_the_iteration_to_numpy(numpy_reference,
                                                                  monkeypatch):
    """A compiled model whose reward leaves reward_range (or whose kernel is not stochastic)
    fails the kernel's game checks: every iteration then runs the NumPy path, which evaluates
    the game itself (valid here), so the run is the NumPy reference's, bit for bit."""
    g = GAMES["random"]()
    good = exact_kernels.model_of(g)
    for bad in (good._replace(c=good.c + 2.0), good._replace(P=good.P * 0 + np.nan)):
        monkeypatch.setattr(exact_kernels, "model_of", lambda game, bad=bad: bad)
        fast = nac_batch(g, 30, [0.5, 0.3], 0.05, [0], record="last")
        numpy_reference(True)
        ref = nac_batch(g, 30, [0.5, 0.3], 0.05, [0], record="last")
        numpy_reference(False)
        for a, b in zip(fast, ref):
            np.testing.assert_array_equal(a.theta, b.theta)
            np.testing.assert_array_equal(a.mean_field, b.mean_field)


def test_which_games_and_settings_take_the_compiled_step(numpy_reference):
    exact = OracleConfig("exact")
    lq = GAMES["lq"]()
    assert exact_kernels.model_of(mc.games.sis()) is None          # affine: kernels.py's
    assert engine.prepare(lq, None, None, exact).exact_model is not None
    assert engine.prepare(lq, None, None, OracleConfig("sampled")).exact_model is None
    phi = np.random.default_rng(0).standard_normal((25, 7, 4)) / 10
    assert engine.prepare(lq, phi, 1.0, exact).exact_model is None
    rho0 = lq.replace(rho=np.eye(25)[0])
    assert engine.prepare(rho0, None, None, exact).exact_model is None   # d may vanish
    numpy_reference(True)
    assert engine.prepare(lq, None, None, exact).exact_model is None
