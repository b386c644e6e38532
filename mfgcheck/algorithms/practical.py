"""The paper's practical actor (appendix D): natural gradient from sampled episodes.

Appendix D: "Simulations are done in an episodic setting. In our implementation, we use the
collected empirical trajectory to estimate the policy gradient and the Fisher information
matrix (instead of formally calculating the state visitation distribution)". We read it as:
from ``K`` consecutive pairs ``(s_k, a_k)`` of back-to-back episodes under ``pi_t``
(``Environment.episode_pairs``: an episode ends with probability ``1 - gamma`` before each
transition, so the pairs' long-run frequencies are ``d^pi_mu x pi``), with
``g_{s,a} = grad log pi(a|s) = phi_{s,a} - sum_b pi(b|s) phi_{s,b}``,

    g_hat = (1/K) sum_k g_{s_k,a_k} A_hat(s_k, a_k),     F_hat = (1/K) sum_k g g^T,
    w_hat = Proj_{||w|| <= R}( F_hat^+ g_hat ),

with ``A_hat`` from the critic (carried across iterations in this mode: ``oracle.py``).
``F^+ g`` is the minimum-norm minimiser of the empirical ``L_hat(w) = (1/K) sum_k (w^T g_k -
A_hat_k)^2`` (normal equations ``F w = g``); with exact frequencies it is the exact actor's
minimiser whenever the ball does not bind (``tests/algorithms/test_practical.py``). When the
ball binds, the projection of ``F^+ g`` is not the constrained minimiser (the paper projects).

Both sums depend on the samples only through the pair frequencies ``n(s, a)/K``, so they are
computed from counts: tabular features by state blocks (``F_s = sum_a p(s, a) (e_a - pi_s)
(e_a - pi_s)^T``), others as dense (d, d) matrices. The pseudo-inverse cuts singular values
below ``PINV_RCOND`` times the largest (the Fisher matrix is always singular: ``1^T g_{s,.}
= 0`` for tabular features; unvisited states add zero blocks).
"""

from __future__ import annotations

import numpy as np

from .actor import ActorEstimate

PINV_RCOND = 1e-10


def pair_frequencies(states, actions, S: int, A: int) -> np.ndarray:
    """Empirical ``p(s, a) = n(s, a)/K`` per run, (B, S, A), from (B, K) samples."""
    B, K = states.shape
    x = states * A + actions + (np.arange(B) * S * A)[:, None]
    return np.bincount(x.ravel(), minlength=B * S * A).reshape(B, S, A) / K


def natural_gradient(freq, policy, features, advantage, *, tabular: bool):
    """``(F, g)`` of the module docstring from pair frequencies ``freq`` (B, S, A) (exact
    ``d x pi`` gives the exact Fisher matrix and gradient). Tabular: ``F`` (B, S, A, A) by state
    blocks and ``g`` (B, S, A); else ``F`` (B, d, d), ``g`` (B, d)."""
    if tabular:
        A = policy.shape[-1]
        G = np.eye(A)[None, None, :, :] - policy[:, :, None, :]          # rows e_a - pi_s
        F = np.einsum("bsa,bsai,bsaj->bsij", freq, G, G)
        g = np.einsum("bsa,bsai->bsi", freq * advantage, G)
        return F, g
    mean_phi = np.einsum("bsa,sad->bsd", policy, features)
    G = features[None] - mean_phi[:, :, None, :]                         # (B, S, A, d)
    F = np.einsum("bsa,bsai,bsaj->bij", freq, G, G)
    g = np.einsum("bsa,bsai->bi", freq * advantage, G)
    return F, g


def natural_direction(F, g, R: float, *, tabular: bool) -> np.ndarray:
    """``Proj_{||w|| <= R}(F^+ g)`` per run, flat (B, d)."""
    w = (np.linalg.pinv(F, rcond=PINV_RCOND, hermitian=True) @ g[..., None])[..., 0]
    w = w.reshape(w.shape[0], -1) if tabular else w
    norm = np.sqrt((w * w).sum(axis=-1))
    over = norm > R
    if over.any():
        w[over] *= (R / norm[over])[:, None]
    return w


def episodic_actor(env, policy, features, advantage, *, R: float, n_samples: int,
                   tabular: bool) -> ActorEstimate:
    """The practical actor for every run of ``env`` (module docstring)."""
    S, A = policy.shape[-2:]
    states, actions = env.episode_pairs(policy, int(n_samples))
    freq = pair_frequencies(states, actions, S, A)
    F, g = natural_gradient(freq, policy, features, advantage, tabular=tabular)
    return ActorEstimate(w=natural_direction(F, g, R, tabular=tabular),
                         step=np.full(policy.shape[0], np.nan))
