"""Cen et al. (2022): the exact tabular numerics against independent routes (iterative
evaluation, soft value iteration, probability-space and closed-form NPG updates, a 60-digit
mpmath replay)."""

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import logsumexp

from mfgcheck._validate import InvalidInputError
from mfgcheck.papers.cen2022 import precise
from mfgcheck.papers.cen2022.mdp import (
    EPS,
    MDP,
    npg,
    random_mdp,
    roundoff,
    soft_bellman,
    soft_evaluate,
    soft_optimum,
    soft_value_iteration,
)
from mfgcheck.papers.cen2022.strategies import case, npg_cases

sizes = st.tuples(st.integers(1, 5), st.integers(1, 4), st.integers(0, 10**6),
                  st.floats(0.05, 0.95), st.floats(0.05, 2.0))


def _random_log_policy(S, A, seed, scale=2.0):
    z = scale * np.random.default_rng(seed).standard_normal((S, A))
    return z - logsumexp(z, axis=1)[:, None]


def _iterative_evaluation(mdp, log_pi, tau, sweeps):
    """V = r_pi + tau H(pi) + gamma P_pi V by fixed-point iteration (no linear solve)."""
    pi = np.exp(log_pi)
    b = np.sum(pi * (mdp.r - tau * log_pi), axis=1)
    V = np.zeros(mdp.n_states)
    for _ in range(sweeps):
        V = b + mdp.gamma * np.einsum("sa,sat,t->s", pi, mdp.P, V)
    return mdp.r + mdp.gamma * np.einsum("sat,t->sa", mdp.P, V)


@settings(max_examples=40)
@given(sizes)
def test_linear_solve_evaluation_matches_fixed_point_iteration(params):
    S, A, seed, gamma, tau = params
    mdp = random_mdp(S, A, seed, gamma)
    log_pi = _random_log_policy(S, A, seed)
    _, Q = soft_evaluate(mdp, log_pi, tau)
    # gamma^k (Vmax) after k sweeps, k chosen so the truncation is below the rounding bound
    err = roundoff(mdp, tau)
    vmax = (1 + tau * np.log(A)) / (1 - gamma)
    sweeps = int(np.ceil(np.log(err / vmax) / np.log(gamma))) + 1
    Q_it = _iterative_evaluation(mdp, log_pi, tau, sweeps)
    assert np.abs(Q - Q_it).max() <= 2 * err


@settings(max_examples=20)
@given(sizes)
def test_soft_optimum_matches_soft_value_iteration(params):
    S, A, seed, gamma, tau = params
    mdp = random_mdp(S, A, seed, gamma, concentration=0.3)
    opt = soft_optimum(mdp, tau)
    err = roundoff(mdp, tau)
    Q_vi = soft_value_iteration(mdp, tau)  # within gamma err of Q* (its stopping rule)
    assert np.abs(opt.Q - Q_vi).max() <= 2 * err
    # Q* is the fixed point of T_tau and pi* its Boltzmann policy
    assert opt.residual <= 2 * err
    assert np.abs(soft_bellman(mdp, opt.Q, tau) - opt.Q).max() <= 2 * err
    # log pi* = Q*/tau - logsumexp carries an error of a few eps |Q*|/tau
    scale = max(1.0, np.abs(opt.Q).max() / tau)
    np.testing.assert_allclose(np.exp(opt.log_pi).sum(axis=1), 1.0, rtol=4 * A * EPS * scale)
    np.testing.assert_allclose(opt.V, tau * logsumexp(opt.Q / tau, axis=1), rtol=0,
                               atol=2 * err)


@settings(max_examples=30)
@given(sizes, st.floats(0.05, 1.0))
def test_npg_update_in_probability_space(params, fraction):
    """(18): pi^(t+1) proportional to (pi^(t))^alpha exp(eta Q^(t)/(1 - gamma)), computed with
    probabilities (no logs) where they do not underflow."""
    S, A, seed, gamma, tau = params
    mdp = random_mdp(S, A, seed, gamma)
    eta = fraction * (1 - gamma) / tau
    run = npg(mdp, tau, eta, _random_log_policy(S, A, seed, 1.0), 5)
    for k in range(5):
        pi = np.exp(run.log_pi[k])
        w = pi ** run.alpha * np.exp(eta * (run.Q[k] - run.Q[k].max()) / (1 - gamma))
        nxt = w / w.sum(axis=1, keepdims=True)
        np.testing.assert_allclose(np.exp(run.log_pi[k + 1]), nxt, rtol=1e-12, atol=0)
        # and Q[k] is the exact soft Q of pi^(k)
        np.testing.assert_allclose(run.Q[k], soft_evaluate(mdp, run.log_pi[k], tau)[1],
                                   rtol=0, atol=roundoff(mdp, tau))


def test_soft_policy_iteration_is_the_boltzmann_policy():
    """eta = (1 - gamma)/tau: alpha = 0 and pi^(t+1) = softmax(Q^(t)/tau) (17)."""
    mdp = random_mdp(4, 3, 7, 0.8)
    tau = 0.4
    run = npg(mdp, tau, (1 - 0.8) / tau, _random_log_policy(4, 3, 7), 4)
    assert run.alpha == 0.0
    for k in range(4):
        expect = run.Q[k] / tau - logsumexp(run.Q[k] / tau, axis=1)[:, None]
        np.testing.assert_allclose(run.log_pi[k + 1], expect, rtol=0,
                                   atol=8 * EPS * np.abs(expect).max())


@pytest.mark.parametrize("gamma,fraction", [(0.1, 0.5), (0.5, 0.2), (0.9, 1.0)])
def test_single_state_npg_has_a_closed_form(gamma, fraction):
    """One state: Q(a) - Q(b) = r(a) - r(b) for every policy, so the logit gap obeys
    d_t - d* = alpha^t (d_0 - d*) with d* = (r(a) - r(b))/tau (the paper's bandit case,
    Proposition 1). Independent of the linear algebra."""
    r = np.array([[0.9, 0.2]])
    mdp = MDP(np.ones((1, 2, 1)), r, gamma)
    tau = 0.3
    alpha = 1 - fraction  # eta tau/(1 - gamma) with eta = fraction (1 - gamma)/tau
    log_pi0 = np.log(np.array([[0.05, 0.95]]))
    run = npg(mdp, tau, fraction * (1 - gamma) / tau, log_pi0, 12)
    d = run.log_pi[:, 0, 0] - run.log_pi[:, 0, 1]
    d_star = (0.9 - 0.2) / tau
    expect = d_star + alpha ** np.arange(13) * (d[0] - d_star)
    np.testing.assert_allclose(d, expect, rtol=0, atol=64 * EPS * abs(d_star))
    opt = soft_optimum(mdp, tau)
    # log pi* = Q*/tau - logsumexp(Q*/tau): rounding of a few eps |Q*|/tau
    assert abs((opt.log_pi[0, 0] - opt.log_pi[0, 1]) - d_star) <= \
        8 * EPS * np.abs(opt.Q).max() / tau


@settings(max_examples=6)
@given(npg_cases())
def test_float_terms_agree_with_the_60_digit_replay(c):
    """Every number a check compares, computed in float64, lies within the error the check
    declares (NPGTerms.q_error, NPGTerms.logpi_error) of the mpmath replay at 60 digits."""
    terms = c.terms
    with mp.workdps(60):
        exact = precise.numbers(c)
    floats = terms.numbers()
    logpi = {"logpi_err", "logpi0_err"}
    for name, value in exact.items():
        f = np.asarray(floats[name], dtype=np.float64)
        m = np.array([float(x) for x in value]) if isinstance(value, list) else float(value)
        tol = terms.logpi_error if name in logpi else \
            2 * terms.q_error if name != "C1" else 4 * terms.logpi_error * c.tau
        assert np.all(np.abs(f - m) <= tol), (name, np.abs(f - m).max(), tol)


def test_same_parameters_same_bits():
    a = case(seed=5, n_states=3, n_actions=2, gamma=0.7, tau=0.5, eta_fraction=0.3,
             init="random")
    b = case(seed=5, n_states=3, n_actions=2, gamma=0.7, tau=0.5, eta_fraction=0.3,
             init="random")
    assert a.terms.numbers().keys() == b.terms.numbers().keys()
    for k, v in a.terms.numbers().items():
        np.testing.assert_array_equal(v, b.terms.numbers()[k])


def test_invalid_inputs_name_the_field():
    P = np.full((2, 2, 2), 0.5)
    with pytest.raises(InvalidInputError, match=r"P\[0, 1, :\]: sums to"):
        bad = P.copy()
        bad[0, 1] = [0.5, 0.6]
        MDP(bad, np.zeros((2, 2)), 0.5)
    with pytest.raises(InvalidInputError, match="r: values in"):
        MDP(P, np.full((2, 2), 1.5), 0.5)
    with pytest.raises(InvalidInputError, match="gamma"):
        MDP(P, np.zeros((2, 2)), 1.0)
    mdp = MDP(P, np.zeros((2, 2)), 0.5)
    with pytest.raises(InvalidInputError, match=r"eta: .* must be <= \(1 - gamma\)/tau"):
        npg(mdp, 1.0, 0.6, np.log(np.full((2, 2), 0.5)), 3)
    with pytest.raises(InvalidInputError, match="log_pi: shape"):
        soft_evaluate(mdp, np.zeros((3, 2)), 1.0)
    with pytest.raises(InvalidInputError, match=r"log_pi\[0\]: exp sums to"):
        soft_evaluate(mdp, np.zeros((2, 2)), 1.0)
