"""Algorithm 1 (nac, nac_batch, nac_step) and DL-NAC."""

import json
import math

import numpy as np
import pytest

import mfgcheck as mc
from mfgcheck._validate import InvalidInputError
from mfgcheck.algorithms import (
    NACRun,
    NACState,
    dl_nac,
    dl_nac_batch,
    engine,
    nac,
    nac_batch,
    nac_step,
    theorem1_steps,
)
from mfgcheck.algorithms.oracle import OracleConfig
from mfgcheck.numerics import actor_regression as ar


@pytest.fixture(scope="module")
def sis():
    return mc.games.sis()


def _max_l1(p, q):
    return float(np.abs(p - q).sum(axis=-1).max())


# -- the exact step against numerics --------------------------------------------------------

@pytest.mark.parametrize("make,R", [
    (mc.games.sis, None), (mc.games.linear_quadratic, None),
    (lambda: mc.games.random_game(5, 3, seed=4), None),
    (lambda: mc.games.random_game(5, 3, seed=4), 0.3),       # the actor's ball binds
    (lambda: mc.games.sis(rho=(1.0, 0.0)), 0.3),            # rho not > 0: d computed
])
def test_fused_exact_step_matches_numerics(make, R):
    """The fused hot path against the game-level numerics (independent code)."""
    g = make()
    prob = engine.prepare(g, None, R, OracleConfig("exact"))
    assert prob.d_positive == bool(g.rho.min() > 0)
    rng = np.random.default_rng(0)
    theta = 0.5 * rng.standard_normal((2, prob.dim))
    mu = rng.dirichlet(np.ones(g.n_states), size=2)
    st = engine.step_batch(prob, theta, mu, np.array([0.3, 0.7]), np.array([0.1, 0.5]))
    for j in range(2):
        pi = mc.numerics.loglinear_policy(theta[j], prob.features)
        vals = mc.numerics.policy_evaluation(g, pi, mu[j])
        np.testing.assert_allclose(st.pi[j], pi, atol=1e-14)
        np.testing.assert_allclose(st.q_hat[j], vals.q, rtol=1e-11, atol=1e-10)
        np.testing.assert_allclose(st.A_hat[j], vals.advantage, rtol=1e-11, atol=1e-10)
        d = mc.numerics.visitation(g, pi, mu[j])
        F, b, c = ar.actor_quadratic(pi, d, prob.features, vals.advantage)
        w = ar.solve_actor_exact(F, b, c, prob.R).w
        np.testing.assert_allclose(st.w_hat[j], w, atol=1e-8)
        assert np.linalg.norm(st.w_hat[j]) <= prob.R * (1 + 1e-12)
        if R is not None:
            assert np.linalg.norm(w) == pytest.approx(R)
        gamma2 = mc.numerics.population_step(g, pi, mu[j])
        beta = [0.1, 0.5][j]
        np.testing.assert_allclose(st.mu_next[j], (1 - beta) * mu[j] + beta * gamma2, atol=1e-15)
        eta = [0.3, 0.7][j]
        np.testing.assert_allclose(st.theta_next[j], theta[j] + eta * (w - g.lam * theta[j]),
                                   atol=1e-8)


# -- convergence ----------------------------------------------------------------------------

@pytest.mark.parametrize("make", [mc.games.sis, lambda: mc.games.random_game(6, 3, seed=0)])
def test_exact_nac_reaches_the_equilibrium(make):
    """Exact oracle, tabular features, eta lam = beta = 0.05.

    Why a last-iterate tolerance of 1e-8 is fair: with exact q and the (never binding)
    default R, w_hat_t = A_t - mean_a A_t, so a fixed point has theta = (centred A)/lam, i.e.
    pi = softmax(Q^pi_mu / lam) = Gamma1(mu) (soft policy iteration's fixed point), and
    mu = Gamma2(pi, mu): the fixed points are exactly the regularised equilibria, and near a
    stable one the error contracts geometrically (per step by about 1 - eta lam for the policy
    and 1 - beta dbar for the mean field). solve_equilibrium certifies its answer to ~1e-11,
    so 1e-8 leaves three orders; we also assert the geometric decay between T/2 and T."""
    g = make()
    eq = mc.numerics.solve_equilibrium(g)
    runs = nac_batch(g, [750, 1500], 0.05 / g.lam, 0.05, [0, 0], record="last")
    errs = [max(_max_l1(r.final_policy, eq.policy), float(np.abs(r.final_mean_field
                                                                 - eq.mean_field).sum()))
            for r in runs]
    assert errs[1] <= 1e-8
    assert errs[1] <= 1e-2 * errs[0] or errs[1] <= 1e-10


def test_metrics_of_an_exact_run(sis):
    r = nac(sis, 400, 0.5, 0.05, metrics=True)
    m = r.metrics
    step = ~np.isnan(m["eps_actor"])
    assert step[:-1].all() and not step[-1]
    # exact oracle: the actor returns the exact minimiser, the critic the exact q, and
    # tabular features represent every advantage (eps_approx is roundoff).
    assert np.all(np.abs(m["eps_actor"][step]) <= 1e-12)
    assert np.all(m["eps_critic"][step] <= 1e-20)
    assert np.all(m["eps_approx"][step] <= 1e-20)
    assert np.all(m["exploitability"] >= -1e-12) and np.all(m["sigma_pi"] >= -1e-15)
    assert m["exploitability"][-1] < 1e-3 * m["exploitability"][0]
    eq = mc.numerics.solve_equilibrium(sis)
    assert m["sigma_mu"][-1] == pytest.approx(np.abs(r.final_mean_field - eq.mean_field).sum())


# -- Lemma 2 ------------------------------------------------------------------------------

@pytest.mark.parametrize("oracle,R,features", [
    ("exact", None, None), ("exact", 0.3, None), ("sampled", 0.5, None),
    ("exact_critic", 1.0, None), ("exact_actor", 0.2, None),
    ("exact", 0.3, "random"), ("sampled", 0.3, "random"),
])
def test_lemma2_invariants_hold_along_every_iterate(sis, oracle, R, features):
    """||theta_t|| <= R/lam and min pi_t >= exp(-2R/lam)/|A| at every t (tracked at every
    iterate, not only the recorded ones), for the default R and binding radii."""
    if oracle != "exact":
        oracle = OracleConfig(oracle, K_critic=300, K_actor=300)
    kw = {}
    if features == "random":
        kw["features"] = mc.numerics.random_features(2, 2, 3, seed=2)
    runs = nac_batch(sis, 60, 5.0, 0.1, [0, 1], R=R, oracle=oracle, record="all", **kw)
    for r in runs:
        Rv = r.params["R"]
        assert r.max_theta_norm <= Rv / sis.lam * (1 + 1e-12)
        assert np.all(r.theta_norm <= Rv / sis.lam * (1 + 1e-12))
        p_min = math.exp(-2 * Rv / sis.lam) / sis.n_actions
        assert r.min_policy_all >= p_min * (1 - 1e-12)
        assert np.all(r.min_policy >= p_min * (1 - 1e-12))
        assert r.max_theta_norm == pytest.approx(r.theta_norm.max())
    if R is not None and oracle == "exact" and features is None:
        # eta lam = 0.5 and a small R: the ball binds and ||theta|| approaches R/lam.
        assert runs[0].max_theta_norm >= 0.5 * R / sis.lam


# -- reproducibility ----------------------------------------------------------------------

def _same(a: NACRun, b: NACRun):
    for k in ("t", "theta", "policy", "mean_field", "avg_policy", "avg_mean_field", "q_hat",
              "advantage", "w_hat"):
        assert np.array_equal(getattr(a, k), getattr(b, k), equal_nan=True), k
    assert a.max_theta_norm == b.max_theta_norm and a.min_policy_all == b.min_policy_all


def test_same_seed_is_bit_equal_and_other_seed_differs(sis):
    kw = dict(oracle=OracleConfig("sampled", K_critic=200, K_actor=200), record="all")
    a, b = nac(sis, 15, 0.5, 0.05, seed=3, **kw), nac(sis, 15, 0.5, 0.05, seed=3, **kw)
    _same(a, b)
    c = nac(sis, 15, 0.5, 0.05, seed=4, **kw)
    assert not np.array_equal(a.theta, c.theta)


@pytest.mark.parametrize("make,features", [
    (mc.games.sis, None),
    (mc.games.linear_quadratic, None),
    (lambda: mc.games.random_game(5, 3, seed=1), "random"),
])
def test_batch_equals_single_runs_bit_for_bit(make, features):
    """Many T with their own Theorem-1 steps and several seeds, exact oracle."""
    g = make()
    phi = None if features is None else mc.numerics.random_features(g.n_states, g.n_actions, 4)
    Ts = [5, 40, 17, 40]
    steps = [theorem1_steps(T, g.lam, c_eta=0.5, c_beta=1.0) for T in Ts]
    etas, betas = [s[0] for s in steps], [s[1] for s in steps]
    R = None if phi is None else 2.0
    runs = nac_batch(g, Ts, etas, betas, [0, 1, 2, 3], features=phi, R=R)
    for j, T in enumerate(Ts):
        _same(runs[j], nac(g, T, etas[j], betas[j], features=phi, R=R, seed=j))


@pytest.mark.parametrize("oracle", ["sampled", "exact_actor", "practical"])
def test_sampled_batch_equals_single_runs_bit_for_bit(oracle):
    g = mc.games.random_game(4, 2, seed=5)
    kw = dict(oracle=OracleConfig(oracle, K_critic=150, K_actor=150), R=1.0)
    runs = nac_batch(g, [6, 9, 9], 0.5, [0.05, 0.1, 0.05], [7, 8, 9], **kw)
    for j, (T, beta, seed) in enumerate(zip([6, 9, 9], [0.05, 0.1, 0.05], [7, 8, 9])):
        _same(runs[j], nac(g, T, 0.5, beta, seed=seed, **kw))


@pytest.mark.parametrize("oracle", ["sampled", "practical"])
def test_nac_step_drives_the_same_run(sis, oracle):
    """T calls of nac_step give the bits of nac(..., T); StepInfo holds what the step used
    (``practical`` carries its warm-started critic in ``NACState.psi``)."""
    T, rng = 12, np.random.default_rng(11)
    kw = dict(oracle=OracleConfig(oracle, K_critic=100, K_actor=100), R=2.0)
    run = nac(sis, T, 0.5, 0.05, seed=11, record="all", **kw)
    state = NACState.initial(sis)
    for t in range(T):
        new, info = nac_step(sis, state, eta=0.5, beta=0.05, rng=rng, **kw)
        assert np.array_equal(info.theta, run.theta[t]) and np.array_equal(info.pi, run.policy[t])
        assert np.array_equal(info.w_hat, run.w_hat[t]) and np.array_equal(info.q_hat, run.q_hat[t])
        np.testing.assert_array_equal(info.g, info.w_hat - sis.lam * info.theta)
        # theta_{t+1} = theta_t + eta g_t (the engine computes (1 - eta lam) theta + eta w)
        np.testing.assert_allclose(new.theta, info.theta + 0.5 * info.g, rtol=0, atol=1e-15)
        np.testing.assert_allclose(new.mu, 0.95 * info.mu + 0.05 * info.population, atol=1e-15)
        state = new
        assert (state.psi is not None) == (oracle == "practical")
    assert state.t == T and np.array_equal(state.theta, run.theta[-1])


def test_callable_schedules_and_records(sis):
    run = nac(sis, 30, lambda t: 1.0 / (t + 2), lambda t: 0.5 / (t + 1), record=[0, 3, 7])
    assert run.t.tolist() == [0, 3, 7, 30]
    const = nac(sis, 30, 0.5, 0.05, record="log")
    assert const.t[0] == 0 and const.t[-1] == 30 and np.all(np.diff(const.t) > 0)
    # running averages: avg at t is the mean of pi_0 .. pi_{t-1}
    full = nac(sis, 8, 0.5, 0.05, record="all")
    np.testing.assert_allclose(full.avg_policy[5], full.policy[:5].mean(axis=0), atol=1e-15)
    np.testing.assert_allclose(full.avg_mean_field[8], full.mean_field[:8].mean(axis=0),
                               atol=1e-15)
    again = NACRun.from_dict(json.loads(json.dumps(full.to_dict())))
    _same(full, again)
    _same(full, nac(sis, 8, 0.5, 0.05, record="all", progress=True))   # a bar changes nothing


# -- bad inputs -----------------------------------------------------------------------------

def test_bad_inputs_raise_naming_the_field(sis):
    with pytest.raises(InvalidInputError, match="eta"):
        nac(sis, 10, 10.0, 0.1)                    # eta lam = 1
    with pytest.raises(InvalidInputError, match="eta"):
        nac(sis, 10, lambda t: 20.0, 0.1)          # a callable checked when evaluated
    with pytest.raises(InvalidInputError, match="beta"):
        nac(sis, 10, 0.5, -0.1)
    with pytest.raises(InvalidInputError, match="beta"):
        nac(sis, 10, 0.5, 1.5)
    with pytest.raises(InvalidInputError, match="features"):
        nac(sis, 10, 0.5, 0.1, features=2 * mc.numerics.tabular_features(2, 2))
    with pytest.raises(InvalidInputError, match="features"):
        nac(sis, 10, 0.5, 0.1, features=np.ones((3, 2, 2)) / 2)
    with pytest.raises(InvalidInputError, match="T"):
        nac(sis, 0, 0.5, 0.1)
    with pytest.raises(InvalidInputError, match="T"):
        nac(sis, 2.5, 0.5, 0.1)
    with pytest.raises(InvalidInputError, match="R"):
        nac(sis, 10, 0.5, 0.1, R=-1.0)
    with pytest.raises(InvalidInputError, match="oracle"):
        nac(sis, 10, 0.5, 0.1, oracle="magic")
    with pytest.raises(InvalidInputError, match="K_critic"):
        nac(sis, 10, 0.5, 0.1, oracle=OracleConfig("sampled", K_critic=0))
    with pytest.raises(InvalidInputError, match="eta"):
        nac_step(sis, NACState.initial(sis), eta=20.0, beta=0.1)


@pytest.mark.parametrize("runner", [
    lambda g, **kw: nac(g, 3, 0.5, 0.1, **kw),
    lambda g, **kw: nac_batch(g, 3, 0.5, 0.1, [0, 1], **kw),
    lambda g, **kw: nac_step(g, NACState.initial(g), eta=0.5, beta=0.1, rng=0, **kw),
    lambda g, **kw: dl_nac(g, 2, 2, 0.5, **kw),
    lambda g, **kw: dl_nac_batch(g, 2, 2, 0.5, [0], **kw),
])
def test_oracle_settings_travel_only_in_oracle_config(sis, runner):
    """The old loose keywords (nac(..., K_critic=...)) are a TypeError that names them and
    says where they go; other unknown keywords are Python's usual TypeError."""
    with pytest.raises(TypeError, match=r"K_critic=50.*OracleConfig\(mode, K_critic=50"):
        runner(sis, oracle="sampled", K_critic=50)
    with pytest.raises(TypeError, match="unexpected keyword argument 'K_crit'"):
        runner(sis, K_crit=50)


def test_runs_record_lemma2_bounds_from_the_theory(sis):
    """nac and dl_nac record Lemma 2's theta_bound = R/lam and p_min_bound = exp(-2R/lam)/|A|
    (evaluated from theory.constants), here against the formulas typed by hand."""
    g = mc.games.random_game(4, 3, seed=2)
    for game, R in ((sis, 1.5), (g, 0.25)):
        expected = {"theta_bound": R / game.lam,
                    "p_min_bound": math.exp(-2 * R / game.lam) / game.n_actions}
        runs = [nac(game, 3, 0.5, 0.1, R=R).params, dl_nac(game, 2, 2, 0.5, R=R).params]
        for params in runs:
            for name, value in expected.items():
                assert params[name] == pytest.approx(value, rel=1e-15), name
        assert runs[0]["p_min_bound"] > 0


def test_theorem1_steps():
    eta, beta = theorem1_steps(10**5, 0.1, c_eta=0.5, c_beta=2.0)
    assert eta == pytest.approx(0.5 * 1e-2 / 0.1) and beta == pytest.approx(2.0 * 1e-4)
    with pytest.raises(InvalidInputError, match="eta"):
        theorem1_steps(1, 0.1, c_eta=1.0)          # eta lam = 1: Lemma 2 needs < 1
    with pytest.raises(InvalidInputError, match="T"):
        theorem1_steps(0, 0.1)


# -- DL-NAC ---------------------------------------------------------------------------------

def test_dl_nac_mean_field_changes_only_at_segment_ends(sis):
    run = dl_nac(sis, 4, 25, 0.5, exploitability=True)
    changed = np.flatnonzero(np.any(run.mean_field[1:] != run.mean_field[:-1], axis=1)) + 1
    np.testing.assert_array_equal(changed, [25, 50, 75, 100])
    np.testing.assert_array_equal(run.segment_ends, [25, 50, 75, 100])
    # the jump is one full step of Gamma2 under the policy reached at the segment end
    j = 50
    expected = mc.numerics.population_step(sis, run.policy[j], run.mean_field[j - 1])
    np.testing.assert_allclose(run.mean_field[j], expected, atol=1e-15)
    assert run.exploitability.shape == (101,) and np.all(run.exploitability >= -1e-12)
    # inside a segment the policy update is Algorithm 1's with beta = 0
    st = nac(sis, 25, 0.5, 0.0, record="last")
    np.testing.assert_array_equal(st.final_policy, run.policy[25])
    json.dumps(run.to_dict())


def test_dl_nac_batch_equals_single_runs():
    g = mc.games.random_game(3, 2, seed=2)
    kw = dict(oracle=OracleConfig("sampled", K_critic=100, K_actor=100), R=1.0)
    runs = dl_nac_batch(g, 2, 4, 0.5, [3, 4], **kw)
    for run, seed in zip(runs, [3, 4]):
        one = dl_nac(g, 2, 4, 0.5, seed=seed, **kw)
        assert np.array_equal(one.policy, run.policy)
        assert np.array_equal(one.mean_field, run.mean_field)
    assert not np.array_equal(runs[0].policy, runs[1].policy)


def test_metrics_note_an_exploitability_solved_at_a_looser_tolerance(sis, monkeypatch):
    """If the induced-mean-field solve misses its 1e-13 tolerance, the metric is computed once
    more at 1e-10 and the run says so (never a silent number)."""
    from mfgcheck.algorithms import exploitability_kernels as ek
    from mfgcheck.algorithms import metrics as mm

    def failing(game, policy, **kw):
        raise mc.numerics.NonConvergenceError("residual 2e-13 > tol 5e-14")

    monkeypatch.setattr(mm.ek, "exploitability", failing)
    run = nac(sis, 5, 0.5, 0.05, record="last", metrics=True)
    notes = run.extra["metric_notes"]
    assert len(notes) == 2 and all("tol 1e-10" in n for n in notes)   # pi_T and avg pi
    expected = ek.exploitability_details(sis, run.final_policy, tol=1e-10).value
    assert run.metrics["exploitability"][-1] == expected
