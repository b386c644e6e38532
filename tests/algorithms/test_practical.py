"""The practical oracle (appendix D: natural gradient from sampled episodes) against exact
quantities, and the critic options (warm start, Proposition 1's step) of the oracle config."""

import numpy as np
import pytest

import mfgcheck as mc
from mfgcheck._validate import InvalidInputError
from mfgcheck.algorithms import Environment, OracleConfig, engine, nac_batch
from mfgcheck.algorithms import practical as pr
from mfgcheck.algorithms.critic import stationary_batch, td_omega
from mfgcheck.numerics import actor_regression as ar
from mfgcheck.numerics import mdp, policy_evaluation, tabular_features, visitation


def _case(features):
    g = mc.games.random_game(4, 3, seed=3, gamma=0.8)
    rng = np.random.default_rng(0)
    pi = rng.dirichlet(np.ones(3), size=4)
    mu = rng.dirichlet(np.ones(4))
    phi = tabular_features(4, 3) if features == "tabular" else mc.numerics.random_features(
        4, 3, 5)
    return g, pi, mu, phi


@pytest.mark.parametrize("features", ["tabular", "random"])
def test_fisher_and_gradient_from_exact_frequencies_equal_the_actor_quadratic(features):
    """With the exact d^pi_mu x pi as frequencies, (F, g) equal the (F, b) of
    actor_regression.actor_quadratic (L(w) = w^T F w - 2 b^T w + c), an independent route;
    relative tolerance 1e-12 of the largest entry (sums of 12 products of order-1 terms)."""
    g, pi, mu, phi = _case(features)
    A = policy_evaluation(g, pi, mu).advantage
    d = visitation(g, pi, mu)
    tab = features == "tabular"
    F, gg = pr.natural_gradient((d[:, None] * pi)[None], pi[None], phi, A[None], tabular=tab)
    F_ref, b_ref, _ = ar.actor_quadratic(pi, d, phi, A)
    if tab:
        dense = np.zeros((12, 12))
        for s in range(4):
            dense[3 * s:3 * s + 3, 3 * s:3 * s + 3] = F[0, s]
        F, gg = dense, gg[0].ravel()
    else:
        F, gg = F[0], gg[0]
    np.testing.assert_allclose(F, F_ref, rtol=0, atol=1e-12 * np.abs(F_ref).max())
    np.testing.assert_allclose(gg, b_ref, rtol=0, atol=1e-12 * np.abs(b_ref).max())


def test_natural_direction_with_exact_quantities_is_the_exact_actor():
    """F^+ g is the minimum-norm minimiser of L_hat: with exact (F, g) it equals the exact
    actor (actor_regression.solve_actor_tabular) when the ball does not bind, and its radial
    projection when R is a tenth of its norm (the paper projects)."""
    g, pi, mu, phi = _case("tabular")
    A = policy_evaluation(g, pi, mu).advantage
    d = visitation(g, pi, mu)
    F, gg = pr.natural_gradient((d[:, None] * pi)[None], pi[None], phi, A[None], tabular=True)
    w = pr.natural_direction(F, gg, 1e6, tabular=True)[0]
    w_ref = ar.solve_actor_tabular(pi[None], d[None], A[None], 1e6).w[0]
    np.testing.assert_allclose(w, w_ref, rtol=0, atol=1e-10 * np.abs(w_ref).max())
    R = 0.1 * np.linalg.norm(w_ref)
    w_small = pr.natural_direction(F, gg, R, tabular=True)[0]
    np.testing.assert_allclose(w_small, w_ref * R / np.linalg.norm(w_ref), rtol=1e-10)


def test_episode_pairs_frequencies_converge_to_visitation_times_policy():
    """Back-to-back episodes (restart with probability 1 - gamma) visit pairs with long-run
    frequencies d^pi_mu x pi (exact, numerics.visitation). The chain restarts every ~5 steps
    (gamma = 0.8), so with n = 2e5 pairs the standard error is below sqrt(10 / n) ~ 0.007;
    we allow 0.03."""
    g, pi, mu, _ = _case("tabular")
    env = Environment(g, mu, [np.random.default_rng(11)])
    s, a = env.episode_pairs(pi[None], 200_000)
    freq = pr.pair_frequencies(s, a, 4, 3)[0]
    exact = visitation(g, pi, mu)[:, None] * pi
    assert np.abs(freq - exact).max() < 0.03
    # and the restart kernel's stationary law is d^pi_mu (the identity the sampler rests on)
    P = g.transition(mu)
    K = g.gamma * mdp.policy_transition(P, pi) + (1 - g.gamma) * g.rho[None]
    np.testing.assert_allclose(stationary_batch(K[None])[0], visitation(g, pi, mu),
                               rtol=1e-10)


def test_practical_oracle_learns_on_sis_and_is_batch_invariant():
    """NAC with the practical oracle: a run gives the same bits alone and in a batch, and on
    SIS (normalised, constant steps) with K = 1000 its exploitability ends below half of the
    uniform policy's."""
    g = mc.games.sis().normalised()
    kw = dict(oracle=OracleConfig("practical", K_critic=1000, K_actor=1000), record="last")
    both = nac_batch(g, 60, 0.5 / g.lam * 0.2, 0.05, [3, 4], **kw)
    alone = nac_batch(g, 60, 0.5 / g.lam * 0.2, 0.05, [4], **kw)
    np.testing.assert_array_equal(both[1].final_policy, alone[0].final_policy)
    e0 = mc.numerics.exploitability(g, mc.numerics.uniform_policy(2, 2))
    assert mc.numerics.exploitability(g, both[0].final_policy) < 0.5 * e0


def test_td_omega_is_the_smallest_weighted_pair_probability_for_tabular_features():
    """For one-hot features the covariance is diagonal: omega = min_{s,a} d(s) pi(a|s)."""
    g, pi, mu, phi = _case("tabular")
    d = visitation(g, pi, mu)
    om = td_omega(d[None], pi[None], phi)[0]
    assert om == pytest.approx((d[:, None] * pi).min(), rel=1e-12)


def test_oracle_config_rejects_unknown_critic_init_and_reports_it():
    with pytest.raises(InvalidInputError, match="critic_init"):
        OracleConfig("sampled", critic_init="hot")
    assert OracleConfig("practical").critic_init == "warm"
    assert OracleConfig("sampled").critic_init == "zero"
    assert OracleConfig("sampled", critic_step="prop1").to_dict()["critic_step"] == {
        "kind": "prop1"}


def test_prop1_critic_step_uses_the_exact_omega_of_the_iteration():
    """critic_step='prop1' runs Algorithm 2 with 1/(omega (k+1)(1-gamma)): one step of NAC
    gives the same critic as td0_critic driven by hand with that schedule and the same seed."""
    g = mc.games.sis().normalised()
    prob = engine.prepare(g, None, None, OracleConfig("sampled", K_critic=300,
                                                       critic_step="prop1"))
    theta = np.zeros((1, 4))
    st = engine.step_batch(prob, theta, g.rho[None], np.array([1.0]), np.array([0.1]),
                           [np.random.default_rng(9)])
    pi = np.full((2, 2), 0.5)
    d = visitation(g, pi, g.rho)
    om = (d[:, None] * pi).min()
    env = Environment(g, g.rho, [np.random.default_rng(9)])
    from mfgcheck.algorithms import td0_critic, td_theory_steps
    est = td0_critic(env, pi[None], np.log(pi)[None], tabular_features(2, 2), lam=g.lam,
                     n_samples=300, steps=td_theory_steps(om, g.gamma).values(300),
                     radius=prob.critic_radius)
    np.testing.assert_allclose(st.q_hat, est.q, rtol=1e-12)
