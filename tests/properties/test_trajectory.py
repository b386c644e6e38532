"""The exact terms along a run of Algorithm 1 (properties.trajectory), each against an
independent route through the game-level numerics functions."""

import numpy as np
import pytest
from scipy.stats import entropy

import mfgcheck as mc
from mfgcheck.numerics.assumption_constants import assumption_constants
from mfgcheck.properties import trajectory
from mfgcheck.properties.instances import NACRunCase


@pytest.fixture(scope="module")
def run():
    g = mc.games.random_game(4, 3, seed=2, lam=0.3)
    return NACRunCase(g, mc.numerics.random_features(4, 3, 5, seed=1), R=1.0, eta=1.5, beta=0.2,
                  T=12)


def test_drive_reproduces_the_runner(run):
    """T calls of nac_step give the iterates nac(..., record='all') records (to 1e-12: with
    low-dimensional features the two paths differ in the last bits, ~6e-15 here)."""
    tr = trajectory.terms(run).traj
    ref = mc.algorithms.nac(run.game, run.T, run.eta, run.beta, features=run.features, R=run.R,
                            record="all")
    np.testing.assert_allclose(tr.theta, ref.theta, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(tr.mu, ref.mean_field, rtol=0, atol=1e-13)
    np.testing.assert_allclose(tr.pi, ref.policy, rtol=0, atol=1e-13)


def test_lyapunov_terms_match_numerics(run):
    terms = trajectory.terms(run)
    g, tr = run.game, terms.traj
    eq = mc.numerics.solve_equilibrium(g)
    dstar = mc.numerics.visitation(g, eq.policy, eq.mean_field)
    np.testing.assert_allclose(trajectory.equilibrium_visitation(g), dstar, atol=1e-14)
    for k in (0, 5, run.T):
        br = mc.numerics.best_response(g, tr.mu[k])
        d_k = mc.numerics.visitation(g, br, tr.mu[k])
        sigma = sum(d_k[s] * entropy(br[s], tr.pi[k][s]) for s in range(g.n_states))
        assert terms.k["sigma_pi"][k] == pytest.approx(sigma, rel=1e-10, abs=1e-14)
        assert terms.k["sigma_mu"][k] == pytest.approx(np.abs(tr.mu[k] - eq.mean_field).sum())
    t = 3
    br_t = mc.numerics.best_response(g, tr.mu[t])
    d_t = mc.numerics.visitation(g, br_t, tr.mu[t])
    kl_next = sum(d_t[s] * entropy(br_t[s], tr.pi[t + 1][s]) for s in range(g.n_states))
    assert terms.t["kl_next"][t] == pytest.approx(kl_next, rel=1e-10)
    vals = mc.numerics.policy_evaluation(g, tr.pi[t], tr.mu[t])
    best = mc.numerics.policy_evaluation(g, br_t, tr.mu[t])
    assert terms.t["Vgap"][t] == pytest.approx(best.value_rho - vals.value_rho, abs=1e-12)
    assert terms.t["EV"][t] == pytest.approx(d_t @ vals.V, rel=1e-12)
    D = mc.numerics.policy_distance(br_t, tr.pi[t], dstar)
    assert terms.t["D_pi"][t] == pytest.approx(D, rel=1e-12)


def test_actor_terms_match_a_direct_sum(run):
    """L_t(w_hat_t) summed over (s, a) by hand; exact critic => eps_critic = 0."""
    terms = trajectory.terms(run)
    g, tr, t = run.game, terms.traj, 4
    pi, mu = tr.pi[t], tr.mu[t]
    vals = mc.numerics.policy_evaluation(g, pi, mu)
    d = mc.numerics.visitation(g, pi, mu)
    grad = mc.numerics.grad_log_policy(pi, run.features)
    L = sum(d[s] * pi[s, a] * (grad[s, a] @ tr.w_hat[t] - vals.advantage[s, a]) ** 2
            for s in range(g.n_states) for a in range(g.n_actions))
    assert terms.t["L_what"][t] == pytest.approx(L, rel=1e-10)
    assert terms.t["eps_critic"].max() <= 1e-24
    assert np.all(terms.t["eps_approx"] >= -1e-15)
    # w*_t minimises L_t over R^d: no random direction does better
    rng = np.random.default_rng(0)
    from mfgcheck.numerics.actor_regression import (
        actor_loss,
        actor_quadratic,
        unconstrained_minimum,
    )
    F, b, c = actor_quadratic(pi, d, run.features, vals.advantage)
    w_star = unconstrained_minimum(F, b, c).w
    for _ in range(20):
        w = w_star + 0.1 * rng.standard_normal(w_star.shape)
        assert actor_loss(w, pi, d, run.features, vals.advantage) >= terms.t["L_wstar"][t] - 1e-12


def test_constants_along_the_run_match_assumption_constants_on_the_visited_pairs(run):
    """C1, C2, C3 per step equal the constants of numerics.assumption_constants computed on
    the same visited (pi_t, mu_t) pairs (an independent implementation)."""
    terms = trajectory.terms(run)
    tr = terms.traj
    per = terms.per_step
    c = assumption_constants(run.game, visited=list(zip(tr.pi[1:], tr.mu[1:])), n_pairs=6,
                             refine_steps=0, top_k=1)
    assert per["C1"].max() == pytest.approx(c.C1, rel=1e-10)
    c_now = assumption_constants(run.game, visited=list(zip(tr.pi[:-1], tr.mu[:-1])),
                                 n_pairs=6, refine_steps=0, top_k=1)
    assert per["C2"].max() == pytest.approx(c_now.C2, rel=1e-10)
    assert per["C3"].max() == pytest.approx(c_now.C3, rel=1e-10)
    # assumption_constants lowers each d0 ratio by its best responses' error bound (a lower
    # bound even for pairs closer than their accuracy); the raw ratio is the comparable one
    assert per["d0"].max() == pytest.approx(c_now.argmax["d0"]["raw_ratio"], rel=1e-10)
    assert c_now.d0 <= c_now.argmax["d0"]["raw_ratio"]
    traj_scope = terms.constants("trajectory")
    assert np.all(traj_scope["C1"] == per["C1"].max())
    assert np.all(traj_scope["p_min"] == per["p_min"].min())
    np.testing.assert_allclose(traj_scope["d_bar"],
                               1 - per["d1"].max() * per["d2"].max() - per["d3"].max())


def test_bad_scope_is_rejected(run):
    with pytest.raises(ValueError, match="scope"):
        trajectory.terms(run).constants("everywhere")


def test_kl_rows_is_accurate_near_equal_distributions():
    """Two softmax policies a few 1e-9 apart (each row normalised in float, so its sum is 1
    only up to rounding, as in a run): against 50-digit arithmetic (mpmath) of the KL of the
    exactly normalised rows. Summing p log(p/q) (rel_entr) gets even the sign wrong here."""
    import mpmath
    from scipy.special import rel_entr
    mpmath.mp.dps = 50
    rng = np.random.default_rng(3)
    worst_naive = 0.0
    for scale in (1e-2, 1e-5, 1e-9):
        for _ in range(20):
            z = rng.standard_normal(4)
            p = np.exp(z + scale * rng.standard_normal(4))
            p /= p.sum()
            q = np.exp(z)
            q /= q.sum()
            P = [mpmath.mpf(a) for a in p]
            Q = [mpmath.mpf(b) for b in q]
            sp_, sq_ = sum(P), sum(Q)
            exact = float(sum(a / sp_ * mpmath.log((a / sp_) / (b / sq_)) for a, b in zip(P, Q)))
            assert abs(trajectory.kl_rows(p, q) - exact) <= 1e-9 * exact + 1e-24
            worst_naive = max(worst_naive, abs(rel_entr(p, q).sum() - exact) / exact)
    assert worst_naive > 0.1     # the naive route is wrong by more than 10% somewhere
    assert trajectory.kl_rows(np.array([0.0, 1.0]), np.array([0.5, 0.5])) == \
        pytest.approx(np.log(2), rel=1e-15)
    assert trajectory.kl_rows(np.array([0.5, 0.5]), np.array([0.0, 1.0])) == np.inf


def test_a_ratio_of_two_differences_at_the_runs_precision_is_undetermined():
    """trajectory.ratio: both sides at or below DIFF_FLOOR -> NaN (not measured), also 0/0;
    a numerator above it over a zero denominator -> inf; otherwise the quotient."""
    f = trajectory.DIFF_FLOOR
    r = trajectory.ratio(np.array([0.0, 0.5 * f, 3.0, 2.0 * f, 1e-3]),
                         np.array([0.0, 0.3 * f, 0.0, 0.5 * f, 4e-3]))
    assert np.isnan(r[0]) and np.isnan(r[1])
    assert r[2] == np.inf and r[3] == 4.0 and r[4] == 0.25
    m = trajectory.max_ratio(np.array([np.nan, np.nan, 1.0]), np.array([np.nan, 2.0, 0.5]))
    assert np.isnan(m[0]) and list(m[1:]) == [2.0, 1.0]


def test_d2_on_a_game_where_mu_does_not_matter_is_measured_on_the_policy_pair_only():
    """On a game whose dynamics and rewards do not depend on mu, Gamma1(mu_t) = pi* exactly,
    so the pair (pi*_t, pi*) of d2's first ratio did not move: both its differences are
    solver error (below DIFF_FLOOR; one run gave 0.19 in float64 against 0.72 at 60 digits).
    That ratio is undetermined and d2 is the second ratio, ||Gamma2(pi*_t, mu_t) -
    Gamma2(pi_t, mu_t)||_1 / D(pi*_t, pi_t), recomputed here from numerics (independent
    route); the run's constant never carries the rounding ratio."""
    from mfgcheck.properties import families

    run = families.mu_free_runs.build({"n_states": 3, "n_actions": 2, "game_seed": 3,
                                       "gamma": 0.8, "lam": 0.5, "logit_scale": 2.0, "R": 1.0,
                                       "u": 0.5, "beta": 0.1, "T": 5})
    terms = trajectory.terms(run)
    g, tr = run.game, terms.traj
    eq = mc.numerics.solve_equilibrium(g)
    dstar = trajectory.equilibrium_visitation(g)
    P = g.transition(tr.mu[0])
    for t in range(run.T):
        br = mc.numerics.best_response(g, tr.mu[t])
        D_pair = float((dstar * np.abs(br - eq.policy).sum(-1)).sum())
        assert D_pair <= trajectory.DIFF_FLOOR
        pop = [mc.numerics.mdp.population_step(P, p, tr.mu[t]) for p in (br, tr.pi[t])]
        D_pi = float((dstar * np.abs(br - tr.pi[t]).sum(-1)).sum())
        expected = float(np.abs(pop[0] - pop[1]).sum()) / D_pi
        assert terms.per_step["d2"][t] == pytest.approx(expected, rel=1e-6)
    assert not terms.undetermined["d2"].any()
    assert terms.constants()["d2"][0] == pytest.approx(terms.per_step["d2"].max(), rel=0)
