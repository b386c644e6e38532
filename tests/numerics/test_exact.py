"""Exact numerics, each checked against an independent route."""

import itertools

import numpy as np
import pytest
from scipy.optimize import brentq, minimize
from scipy.stats import entropy

import mfgcheck as mc
from mfgcheck._validate import InvalidInputError
from mfgcheck.numerics import mdp

GAMES = {
    "sis": lambda: mc.games.sis(),
    "lq": lambda: mc.games.linear_quadratic(),
    "random": lambda: mc.games.random_game(7, 3, seed=3),
}


def _iterative_evaluation(P, r, pi, gamma, lam, sweeps):
    """Bellman expectation iteration V <- r_pi + lam H(pi) + gamma P_pi V (not a linear solve)."""
    V = np.zeros(P.shape[0])
    r_pi = (pi * r).sum(-1) - lam * (pi * np.log(pi)).sum(-1)
    P_pi = np.einsum("sa,sat->st", pi, P)
    for _ in range(sweeps):
        V = r_pi + gamma * P_pi @ V
    return V


@pytest.mark.parametrize("name", GAMES)
def test_policy_evaluation_linear_solve_matches_iteration(name):
    g = GAMES[name]()
    rng = np.random.default_rng(0)
    pi = rng.dirichlet(np.ones(g.n_actions), size=g.n_states)
    mu = rng.dirichlet(np.ones(g.n_states))
    vals = mc.numerics.policy_evaluation(g, pi, mu)
    V_it = _iterative_evaluation(g.transition(mu), g.reward(mu), pi, g.gamma, g.lam, 600)
    np.testing.assert_allclose(vals.V, V_it, rtol=1e-11, atol=1e-11)
    # V = E_pi[Q - lam log pi], q = Q - lam log pi, A = Q - E_pi Q (docs/conventions.md).
    np.testing.assert_allclose(vals.V, (pi * vals.q).sum(-1), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose((pi * vals.advantage).sum(-1), 0, atol=1e-11)
    assert vals.value_rho == pytest.approx(vals.V @ g.rho)


@pytest.mark.parametrize("name", GAMES)
def test_best_response_policy_iteration_matches_value_iteration(name):
    g = GAMES[name]()
    mu = np.random.default_rng(1).dirichlet(np.ones(g.n_states))
    pi_opt = mc.numerics.soft_optimum(g, mu)
    vi = mc.numerics.soft_optimum(g, mu, method="value_iteration", tol=1e-11)
    np.testing.assert_allclose(pi_opt.V, vi.V, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(pi_opt.policy, vi.policy, atol=1e-9)
    assert pi_opt.iterations < 30 < vi.iterations  # Newton, not value iteration


def test_best_response_beats_brute_force_policy_search():
    """The regularised optimum is unique: no policy on a fine grid does better at any state,
    and a generic optimiser over logits reaches the same V(rho)."""
    g = mc.games.random_game(2, 2, seed=11, lam=0.3)
    mu = np.array([0.35, 0.65])
    P, r = g.transition(mu), g.reward(mu)
    opt = mc.numerics.soft_optimum(g, mu)
    grid = np.linspace(1e-4, 1 - 1e-4, 101)
    best = -np.inf
    for p0, p1 in itertools.product(grid, grid):
        pi = np.array([[p0, 1 - p0], [p1, 1 - p1]])
        V, _ = mdp.evaluate_policy(P, r, pi, g.gamma, g.lam)
        assert (V <= opt.V + 1e-12).all()
        best = max(best, V @ g.rho)
    assert opt.V @ g.rho - best < 1e-3  # grid resolution

    def neg_value(logits):
        pi = np.exp(mdp.log_softmax(logits.reshape(2, 2)))
        return -mdp.evaluate_policy(P, r, pi, g.gamma, g.lam)[0] @ g.rho

    res = minimize(neg_value, np.zeros(4), method="BFGS", options=dict(gtol=1e-12))
    assert -res.fun == pytest.approx(opt.V @ g.rho, abs=1e-9)


def test_best_response_stable_for_small_lam_and_gamma_near_one():
    g = mc.games.sis(lam=1e-3, gamma=0.999)
    mu = np.array([0.6, 0.4])
    opt = mc.numerics.soft_optimum(g, mu)
    assert np.isfinite(opt.policy).all() and np.isfinite(opt.Q).all()
    np.testing.assert_allclose(opt.policy.sum(-1), 1, atol=1e-15)
    assert opt.residual < 1e-9
    vi = mc.numerics.soft_optimum(g, mu, method="value_iteration", tol=1e-9)
    np.testing.assert_allclose(opt.V, vi.V, rtol=1e-9)
    # lam -> 0: the soft optimum approaches the hard-max Bellman solution.
    hard = mc.numerics.soft_optimum(g.replace(lam=1e-6), mu)
    assert (np.abs(hard.V - opt.V) <= 1e-3 * np.log(2) / (1 - 0.999) + 1e-9).all()


def test_gamma2_and_lambda_by_hand_on_sis():
    g = mc.games.sis()
    mu = np.array([0.6, 0.4])
    pi = np.array([[0.3, 0.7], [0.5, 0.5]])
    # S' mass: from S, distancing stays S, going out infected w.p. 0.92 mu(I); from I, 0.3 recover.
    p_inf = 0.92 * 0.4
    expected_I = 0.6 * 0.7 * p_inf + 0.4 * 0.7
    np.testing.assert_allclose(mc.numerics.population_step(g, pi, mu), [1 - expected_I, expected_I])
    pi_br = mc.numerics.best_response(g, mu)
    np.testing.assert_allclose(mc.numerics.Lambda(g, mu), mc.numerics.population_step(g, pi_br, mu))


def test_visitation_matches_truncated_sum():
    g = mc.games.random_game(6, 3, seed=4, gamma=0.8)
    rng = np.random.default_rng(2)
    pi = rng.dirichlet(np.ones(3), size=6)
    mu = rng.dirichlet(np.ones(6))
    d = mc.numerics.visitation(g, pi, mu)
    P_pi = np.einsum("sa,sat->st", pi, g.transition(mu))
    state, total = g.rho.copy(), np.zeros(6)
    for t in range(400):
        total += (1 - g.gamma) * g.gamma**t * state
        state = state @ P_pi
    np.testing.assert_allclose(d, total, atol=1e-14)


def test_induced_mean_field_is_stationary_distribution_when_mu_independent():
    g = mc.games.linear_quadratic(n_states=9, max_move=1, noise_support=1)
    rng = np.random.default_rng(3)
    pi = rng.dirichlet(np.ones(g.n_actions), size=g.n_states)
    mu = mc.numerics.induced_mean_field(g, pi)
    P_pi = np.einsum("sa,sat->st", pi, g.transition(g.rho))
    w, v = np.linalg.eig(P_pi.T)
    stat = np.real(v[:, np.argmin(np.abs(w - 1))])
    np.testing.assert_allclose(mu, stat / stat.sum(), atol=1e-12)


def test_induced_mean_field_on_sis_is_the_endemic_state_reached_from_rho():
    """Fixed pi: mu_I = (1 - mu_I) p 0.92 mu_I + 0.7 mu_I has roots 0 and 1 - 0.3/(0.92 p);
    the flow from rho (mu_I > 0) reaches the endemic one when 0.92 p > 0.3."""
    g = mc.games.sis()
    p = 0.8
    pi = np.array([[1 - p, p], [0.5, 0.5]])
    mu = mc.numerics.induced_mean_field(g, pi)
    assert mu[1] == pytest.approx(1 - 0.3 / (0.92 * p), abs=1e-12)
    # Below the threshold the disease dies out.
    pi_low = np.array([[0.8, 0.2], [0.5, 0.5]])
    assert mc.numerics.induced_mean_field(g, pi_low)[1] < 1e-10


def _sis_equilibrium_by_bisection(g):
    """Second solver: 1-D root of mu_I = 1 - 0.3/(0.92 p(mu_I)) with p = Gamma1(mu)(U|S) computed
    by soft value iteration (not policy iteration), bracketed away from the disease-free root."""

    def f(x):
        mu = np.array([1 - x, x])
        pi = mc.numerics.soft_optimum(g, mu, method="value_iteration", tol=1e-13).policy
        return 1 - 0.3 / (0.92 * pi[0, 1]) - x

    x = brentq(f, 0.01, 0.99, xtol=1e-15)
    return np.array([1 - x, x])


@pytest.mark.parametrize("lam", [0.1, 0.01])
def test_sis_equilibrium_matches_second_solver(lam):
    g = mc.games.sis(lam=lam)
    eq = mc.numerics.solve_equilibrium(g)
    np.testing.assert_allclose(eq.mean_field, _sis_equilibrium_by_bisection(g), atol=1e-10)


@pytest.mark.parametrize(
    "game",
    [mc.games.sis(), mc.games.sis(lam=1e-3, gamma=0.999), mc.games.linear_quadratic(),
     mc.games.random_game(10, 3, seed=0), mc.games.random_game(30, 4, seed=1, lam=0.05)],
    ids=["sis", "sis-extreme", "lq", "random10", "random30"],
)
def test_equilibrium_plugs_back_into_both_fixed_point_equations(game):
    eq = mc.numerics.solve_equilibrium(game)
    assert eq.exploitability < 1e-10
    # pi* = Gamma1(mu*), by value iteration (independent of the solver's policy iteration).
    vi = mc.numerics.soft_optimum(game, eq.mean_field, method="value_iteration", tol=1e-12)
    np.testing.assert_allclose(eq.policy, vi.policy, atol=1e-7 if game.lam < 0.01 else 1e-9)
    # mu* = Gamma2(pi*, mu*).
    step = mc.numerics.population_step(game, eq.policy, eq.mean_field)
    assert np.abs(step - eq.mean_field).sum() < 1e-10


def test_plain_iteration_fails_where_the_solver_succeeds():
    """SIS at small lam: mu <- Lambda(mu) oscillates (the best response switches sharply),
    yet the solver certifies the equilibrium."""
    g = mc.games.sis(lam=0.01)
    mu = g.rho.copy()
    for _ in range(500):
        mu = mc.numerics.Lambda(g, mu)
    eq = mc.numerics.solve_equilibrium(g)
    assert np.abs(mc.numerics.Lambda(g, mu) - mu).sum() > 1e-2
    assert eq.exploitability < 1e-10


def test_exploitability_zero_at_equilibrium_positive_elsewhere():
    g = mc.games.random_game(6, 3, seed=7)
    eq = mc.numerics.solve_equilibrium(g)
    assert abs(mc.numerics.exploitability(g, eq.policy)) < 1e-10
    rng = np.random.default_rng(0)
    for _ in range(5):
        pi = rng.dirichlet(np.ones(3), size=6)
        det = mc.numerics.exploitability_details(g, pi)
        assert det.value > 1e-6
        # Definition: best value minus own value at mu_pi, mu_pi a fixed point of Gamma2(pi, .).
        own = mc.numerics.policy_evaluation(g, pi, det.mean_field).value_rho
        assert det.policy_value == pytest.approx(own, abs=1e-12)
        np.testing.assert_allclose(mc.numerics.population_step(g, pi, det.mean_field),
                                   det.mean_field, atol=1e-12)


def test_kl_and_distance_against_scipy():
    rng = np.random.default_rng(5)
    p, q = rng.dirichlet(np.ones(4), size=3), rng.dirichlet(np.ones(4), size=3)
    np.testing.assert_allclose(mc.numerics.kl(p, q), [entropy(a, b) for a, b in zip(p, q)])
    assert mc.numerics.kl([1.0, 0.0], [0.5, 0.5]) == pytest.approx(np.log(2))
    assert np.isinf(mc.numerics.kl([0.5, 0.5], [1.0, 0.0]))
    w = rng.dirichlet(np.ones(3))
    D = mc.numerics.policy_distance(p, q, w)
    assert D == pytest.approx(sum(w[s] * np.abs(p[s] - q[s]).sum() for s in range(3)))


def test_is_tabular_recognises_exactly_the_one_hot_features():
    phi = mc.numerics.tabular_features(3, 2)
    assert mc.numerics.is_tabular(phi)
    assert not mc.numerics.is_tabular(phi[..., ::-1])            # same columns, other order
    assert not mc.numerics.is_tabular(mc.numerics.random_features(3, 2, 6))   # d = S A
    assert not mc.numerics.is_tabular(mc.numerics.random_features(3, 2, 4))
    assert not mc.numerics.is_tabular(0.5 * phi)


def test_loglinear_policy_with_tabular_features_is_softmax_and_stable():
    phi = mc.numerics.tabular_features(3, 2)
    theta = np.array([1.0, -2.0, 1e4, 0.0, -1e4, 3.0])
    pi = mc.numerics.loglinear_policy(theta, phi)
    assert np.isfinite(pi).all()
    np.testing.assert_allclose(pi[0], np.exp([1, -2]) / np.exp([1, -2]).sum())
    np.testing.assert_allclose(pi.sum(-1), 1, atol=1e-15)
    # grad log pi by finite differences.
    theta = np.random.default_rng(0).standard_normal(6)
    g = mc.numerics.grad_log_policy(mc.numerics.loglinear_policy(theta, phi), phi)
    e = 1e-6
    for k in range(6):
        dt = np.zeros(6)
        dt[k] = e
        fd = (np.log(mc.numerics.loglinear_policy(theta + dt, phi))
              - np.log(mc.numerics.loglinear_policy(theta - dt, phi))) / (2 * e)
        np.testing.assert_allclose(g[..., k], fd, atol=1e-8)


@pytest.mark.parametrize(
    "call, problem",
    [
        (lambda g: mc.numerics.policy_evaluation(g, np.array([[0.5, 0.5], [0.0, 0.0]]), g.rho),
         "policy[1]: sums to 0"),
        (lambda g: mc.numerics.policy_evaluation(g, np.array([[0.5, 0.5], [0.2, 0.2]]), g.rho),
         "not 1"),
        (lambda g: mc.numerics.policy_evaluation(g, np.ones((3, 2)) / 2, g.rho), "shape"),
        (lambda g: mc.numerics.policy_evaluation(g, np.array([[np.nan, 1], [0.5, 0.5]]), g.rho),
         "NaN"),
        (lambda g: mc.numerics.best_response(g, np.array([0.2, 0.2])), "mu: sums to 0.4"),
        (lambda g: mc.numerics.exploitability(g, -np.ones((2, 2))), "negative"),
        (lambda g: mc.numerics.visitation(g, np.ones((2, 2)) / 2, g.rho, rho=[1.0, 1.0]), "rho"),
        (lambda g: mc.numerics.validate_features(np.ones((2, 2, 3)), 2, 2), "> 1"),
    ],
)
def test_bad_numeric_input_raises_naming_the_problem(call, problem):
    with pytest.raises(InvalidInputError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        call(mc.games.sis())


def test_near_stochastic_input_is_renormalised_so_the_flow_conserves_mass():
    """A running average of policies has rows summing to 1 + 1e-12; accepted, it must be
    renormalised, or the population gains mass each step and never settles."""
    g = mc.games.sis()
    pi = np.array([[0.51016567, 0.48983433 + 1.2e-12], [0.0070646, 0.9929354]])
    mu = mc.numerics.induced_mean_field(g, pi)
    assert mu.sum() == pytest.approx(1.0, abs=1e-15)
    assert mc.numerics.exploitability(g, pi) > 0
