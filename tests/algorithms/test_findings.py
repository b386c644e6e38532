"""Findings about the paper's sampled instantiation (Algorithm 1 with Algorithms 2 and 3),
pinned on fixed seeds and checked against exact quantities from numerics/."""

import numpy as np

import mfgcheck as mc
from mfgcheck.algorithms import NACState, nac_step, theorem1_steps


def test_sampled_critic_error_at_rare_actions_locks_the_policy_away_from_equilibrium():
    """Proposition 1 bounds the d^pi x pi-weighted critic error; Lemma 8 assumes it at every
    (s, a). With on-policy TD from psi_0 = 0 (Algorithm 2), a rarely taken action keeps an
    estimate near 0 while the others converge, so its estimated advantage is strongly
    negative although the true one is positive: the actor makes it rarer still. On SIS the
    policy locks on distancing in state S (pi(U|S) < 0.05) while the equilibrium goes out
    with probability ~0.53 - and more samples per call (K = 1000) make it worse than K = 100
    because they sharpen the frequent actions' estimates only."""
    g = mc.games.sis().normalised()
    T = 300
    eta, beta = theorem1_steps(T, g.lam, 3, 10)
    state, rng = NACState(0, np.zeros(4), g.rho.copy()), np.random.default_rng(0)
    for _ in range(30):
        state, info = nac_step(g, state, eta=eta, beta=beta, oracle="sampled", K_critic=1000,
                               K_actor=1000, critic_step=0.05, rng=rng)
    exact = mc.numerics.policy_evaluation(g, info.pi, info.mu)
    S, U = 0, 1
    assert info.pi[S, U] < 0.05
    assert info.A_hat[S, U] < -1.0 < 0.0 < exact.advantage[S, U]
    assert mc.numerics.solve_equilibrium(g).policy[S, U] > 0.5
    # The exact oracle from the same start does not lock in.
    state = NACState(0, np.zeros(4), g.rho.copy())
    for _ in range(30):
        state, info = nac_step(g, state, eta=eta, beta=beta, oracle="exact")
    assert info.pi[S, U] > 0.2
