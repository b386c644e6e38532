"""Algorithm 3 (projected SGD on the actor regression) and the exact actor.

The actor fits ``w`` in eq. (3): ``min_{||w|| <= R} L_hat(w)`` with
``L_hat(w) = E_{s ~ d^pi_mu, a ~ pi}[(w^T grad log pi(a|s) - A_hat(s, a))^2]`` and
``A_hat(s, a) = Q_hat(s, a) - E_{a'~pi} Q_hat(s, a')``, ``Q_hat = q_hat + lam log pi``
(docs/conventions.md; ``q_hat`` is the critic's shifted Q).

Sampled (Algorithm 3, appendix C): ``K`` pairs ``(s_k, a_k) ~ d^pi_mu x pi``
(``Environment.sample_visitation``), ``w_0 = 0``,

    w_{k+1} = Proj_{||w|| <= R}( w_k - alpha 2 (w_k^T g_k - A_hat(s_k, a_k)) g_k ),
    g_k = grad log pi(a_k|s_k),

output ``w_bar = (1/K) sum_{k=0}^{K-1} w_k`` (Proposition 2 / Shalev-Shwartz and Ben-David,
Theorem 14.8). Step ``alpha = R/(rho sqrt K)`` with ``rho = 4 (2R + max|A_hat|)`` a bound on the
stochastic gradient's norm (``||g|| <= 2`` since ``||phi|| <= 1``, ``|w^T g| <= 2R``); then
``E[L_hat(w_bar)] - min L_hat <= R rho / sqrt(K)`` (Proposition 2). The appendix's own choice
``R/(Qmax sqrt K)`` differs only in the constant.

Exact: the minimiser over the ball by the trust-region method of
``numerics.actor_regression`` (block-diagonal route for tabular features).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..numerics import actor_regression as ar
from ..numerics.policies import is_tabular
from . import kernels


def advantage_from_critic(q_hat, log_policy, policy, lam: float) -> np.ndarray:
    """``A_hat = Q_hat - E_pi Q_hat`` with ``Q_hat = q_hat + lam log pi`` (shapes (..., S, A))."""
    Q_hat = q_hat + lam * log_policy
    return Q_hat - (policy * Q_hat).sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class ActorEstimate:
    """``w`` (B, d); ``step`` (B,) the SGD step used (NaN for the exact actor)."""

    w: np.ndarray
    step: np.ndarray


def sgd_step_size(R: float, advantage: np.ndarray, n_samples: int) -> np.ndarray:
    """Proposition 2's ``R/(rho sqrt K)`` with ``rho = 4 (2R + max|A_hat|)``, per run (B,)."""
    a_max = np.abs(advantage).max(axis=(-2, -1))
    return R / (4.0 * (2.0 * R + a_max) * np.sqrt(n_samples))


def sgd_actor(env, policy, features, advantage, *, R: float, n_samples: int,
              step=None, tabular: bool | None = None) -> ActorEstimate:
    """Algorithm 3 for every run of ``env``: ``policy``, ``advantage`` (B, S, A),
    ``features`` (S, A, d). ``step`` overrides Proposition 2's step (a number or (B,)).

    Tabular features take a scalar route (``g_{s,a} = e_{(s,a)} - pi_s`` touches one state's
    block: a Python loop over floats with lazy running sums; the squared norm is tracked
    incrementally and recomputed before each projection); other features the vectorised
    route across runs. ``tabular=None`` detects. Compiled (``kernels.use_compiled``):
    ``kernels.sgd_tabular_batch`` (drawing the pairs from
    ``env.sample_visitation_pairs``) or ``kernels.sgd_linear_batch`` (on
    ``env.sample_visitation``'s pairs), bit-equal to these references.
    """
    K = int(n_samples)
    S, A, dim = features.shape
    B = env.n_runs
    alpha = sgd_step_size(R, advantage, K) if step is None else np.broadcast_to(
        np.asarray(step, dtype=np.float64), (B,)).copy()
    if tabular is None:
        tabular = is_tabular(features)
    if tabular and kernels.use_compiled():
        x = env.sample_visitation_pairs(policy, K)                   # (B, K) pairs s A + a
        w = kernels.sgd_tabular_batch(x, np.ascontiguousarray(advantage).reshape(B, S * A),
                                      np.ascontiguousarray(policy, dtype=np.float64),
                                      2.0 * alpha, float(R))
        return ActorEstimate(w=w, step=alpha)
    states, actions = env.sample_visitation(policy, K)
    targets = advantage[np.arange(B)[:, None], states, actions]      # (B, K)
    if tabular:
        w = np.empty((B, dim))
        for b in range(B):
            w[b] = _sgd_tabular(states[b], actions[b], targets[b], policy[b], 2.0 * alpha[b], R)
    else:
        sgd = kernels.sgd_linear_batch if kernels.use_compiled() else _sgd_vectorised
        w = sgd(states * A + actions, np.ascontiguousarray(targets, dtype=np.float64),
                _mean_features(policy, features),
                np.ascontiguousarray(features, dtype=np.float64).reshape(S * A, dim),
                2.0 * alpha, float(R))
    return ActorEstimate(w=w, step=alpha)


def _sgd_tabular(states, actions, targets, pi, two_alpha, R):
    """Projected SGD for one run with tabular features (index ``s*A + a``).

    ``acc[s]`` holds the running sum of block ``s`` of ``w_j`` for ``j < last[s]``; a block only
    changes when its state is sampled, so it is brought up to date lazily.
    """
    S, A = pi.shape
    K = len(targets)
    ss, aa, tt = states.tolist(), actions.tolist(), targets.tolist()
    p = pi.tolist()
    w = [[0.0] * A for _ in range(S)]
    acc = [[0.0] * A for _ in range(S)]
    last = [0] * S
    nsq, r2 = 0.0, R * R
    rA = range(A)
    for k in range(K):
        s, a = ss[k], aa[k]
        ws, ps, accs = w[s], p[s], acc[s]
        mean = 0.0
        for j in rA:
            mean += ps[j] * ws[j]
        coef = two_alpha * (ws[a] - mean - tt[k])
        n = k + 1 - last[s]
        last[s] = k + 1
        for j in rA:
            old = ws[j]
            accs[j] += old * n
            new = old - coef * ((1.0 if j == a else 0.0) - ps[j])
            ws[j] = new
            nsq += new * new - old * old
        if nsq > r2:
            nsq = sum(v * v for blk in w for v in blk)
            if nsq > r2:
                scale = R / math.sqrt(nsq)
                for t in range(S):
                    n_t = k + 1 - last[t]
                    last[t] = k + 1
                    for j in rA:
                        acc[t][j] += w[t][j] * n_t
                        w[t][j] *= scale
                nsq = sum(v * v for blk in w for v in blk)
    for t in range(S):
        for j in rA:
            acc[t][j] += w[t][j] * (K - last[t])
    return np.array(acc).ravel() / K


def _mean_features(policy, features):
    """``sum_a pi(a|s) phi_{s,a}`` (B, S, d): ``grad log pi(a|s) = phi_{s,a}`` minus it."""
    return (policy[..., None] * features[None]).sum(axis=-2)


def _sgd_vectorised(x, targets, mean_phi, phi, two_alpha, R):
    """Projected SGD with general features, vectorised across runs (arrays (B, d)): ``x``
    (B, K) the sampled pairs ``s A + a``, ``targets`` (B, K) ``A_hat`` at them, ``mean_phi``
    (B, S, d) (``_mean_features``), ``phi`` (S A, d), ``two_alpha`` (B,);
    ``kernels.sgd_linear_batch`` is its compiled twin (same arguments, same bits)."""
    B, K = targets.shape
    A = phi.shape[0] // mean_phi.shape[1]
    states = x // A
    ar_ = np.arange(B)
    w = np.zeros((B, phi.shape[1]))
    w_sum = np.zeros_like(w)
    for k in range(K):
        w_sum += w
        g = phi[x[:, k]] - mean_phi[ar_, states[:, k]]
        resid = (w * g).sum(axis=-1) - targets[:, k]
        w -= (two_alpha * resid)[:, None] * g
        norm = np.sqrt((w * w).sum(axis=-1))
        over = norm > R
        if over.any():
            w[over] *= (R / norm[over])[:, None]
    return w_sum / K


def exact_actor(policy, visitation, features, advantage, *, R: float,
                tabular: bool) -> ActorEstimate:
    """The exact minimiser of ``L_hat`` over ``||w|| <= R`` for every run (B, ...)."""
    if tabular:
        sol = ar.solve_actor_tabular(policy, visitation, advantage, R)
    else:
        F, b, c = ar.actor_quadratic(policy, visitation, features, advantage)
        sol = ar.solve_actor_exact(F, b, c, R)
    return ActorEstimate(w=sol.w, step=np.full(policy.shape[0], np.nan))
