"""Algorithm 2: projected TD(0) with linear features for the shifted Q-function.

The critic estimates ``q^{pi,lam}_mu(s, a) = Q(s, a) - lam log pi(a|s)``
(docs/conventions.md), which solves
``q(s, a) = r(s, a, mu) - lam log pi(a|s) + gamma E[q(s', a')]``, as
``q_hat(s, a) = psi^T phi_{s,a}``. From one trajectory ``(s_k, a_k, r_k)`` under ``pi``
(``Environment.rollout``: ``s_0 ~ rho``), for ``k = 0 .. K-1``::

    delta_k   = r_k - lam log pi(a_k|s_k) + gamma psi_k^T phi_{s_{k+1},a_{k+1}}
                - psi_k^T phi_{s_k,a_k}
    psi_{k+1} = Proj_{||psi|| <= B}( psi_k + alpha_k delta_k phi_{s_k,a_k} ),

and the output is the averaged iterate ``psi_bar = (1/K) sum_{k=0}^{K-1} psi_k`` (``psi_0 = 0``;
the average of Bhandari et al. 2018, Theorem 3, which Proposition 1 cites). ``psi0`` replaces
the zero start (a warm start from the previous iteration's critic: ``oracle.critic_init``).

Step sizes. Proposition 1's ``alpha_k = 1/(omega (k+1)(1-gamma))`` needs ``omega``, the smallest
eigenvalue of the steady-state feature covariance, which depends on the unobserved mean field:
``schedules.td_theory_steps(omega, gamma)`` provides it for experiments that compute ``omega``
exactly. The practical choice is a constant step (appendix D uses 0.001); with averaging,
constant-step TD converges to an ``O(alpha)`` neighbourhood of the TD fixed point at rate
``O(1/K)`` in the transient. With tabular features the TD fixed point is ``q`` itself on every
pair the chain visits.

Radius. ``default_critic_radius`` bounds ``||q||_2`` along a run of Algorithm 1 for tabular
features: ``|q(s, a)| <= r_abs + lam log|A| + 2R + gamma (r_abs + lam log|A|)/(1 - gamma)``
(``-lam log pi <= lam log|A| + 2R`` by Lemma 2, and ``|V| <= (r_abs + lam log|A|)/(1-gamma)``),
times ``sqrt(S A)``; so the projection never cuts the true ``q`` off. With other features it is
a heuristic (documented, not a guarantee).

The recursion is sequential in ``k``; it is vectorised across the runs of a batch (arrays
(B, d)), each run's arithmetic independent of the others.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..numerics.policies import is_tabular
from . import kernels


@dataclass(frozen=True)
class CriticEstimate:
    """``q`` (B, S, A) = ``phi psi_bar``; ``psi`` (B, d) the averaged iterate; ``n_projections``
    (B,) how often the projection was active."""

    q: np.ndarray
    psi: np.ndarray
    n_projections: np.ndarray


def default_critic_radius(game, R: float) -> float:
    """``sqrt(S A) * q_bound`` with ``q_bound`` of the module docstring."""
    r_abs = max(abs(game.reward_range[0]), abs(game.reward_range[1]))
    ent = game.lam * math.log(game.n_actions)
    q_bound = r_abs + ent + 2.0 * R + game.gamma * (r_abs + ent) / (1.0 - game.gamma)
    return math.sqrt(game.n_states * game.n_actions) * q_bound


def td0_critic(env, policy, log_policy, features, *, lam: float, n_samples: int,
               steps: np.ndarray, radius: float, tabular: bool | None = None,
               psi0: np.ndarray | None = None) -> CriticEstimate:
    """Algorithm 2 for every run of ``env``.

    ``policy`` and ``log_policy`` (B, S, A) are the agent's own; ``features`` (S, A, d);
    ``steps`` the array ``alpha_0 .. alpha_{K-1}`` (K,) or one per run (B, K); ``radius`` the
    projection radius ``B``; ``psi0`` (B, d) the starting iterate (default 0).
    Tabular features take a scalar route (one coordinate changes per step: a Python loop over
    floats, lazy running sums, the squared norm tracked incrementally and recomputed at each
    projection); other features the vectorised route across runs. ``tabular=None`` detects.
    Compiled (``kernels.use_compiled``): ``kernels.td0_chain_batch`` (tabular, drawing the
    chain itself from ``env.chain_inputs``) or ``kernels.td0_linear_batch`` (on
    ``env.rollout``'s trajectory), bit-equal to these references.
    """
    K = int(n_samples)
    S, A, dim = features.shape
    B = env.n_runs
    steps = np.asarray(steps, dtype=np.float64)[..., :K]
    if steps.shape[-1] != K or steps.ndim not in (1, 2) or (steps.ndim == 2 and
                                                           steps.shape[0] not in (1, B)):
        raise ValueError(f"steps: shape {steps.shape}, expected ({K},) or ({B}, {K})")
    psi0 = np.zeros((B, dim)) if psi0 is None else np.asarray(psi0, dtype=np.float64)
    if tabular is None:
        tabular = is_tabular(features)
    if tabular and kernels.use_compiled():
        # the trajectory drawn inside the TD kernel, from the same uniforms as ``rollout``;
        # the per-pair cost r(s, a) - lam log pi(a|s) is read at the pairs it visits
        rows, first, u = env.chain_inputs(policy, K)
        cost = (env.rewards - lam * np.broadcast_to(log_policy, (B, S, A))).reshape(B, S * A)
        psi_bar, n_proj = kernels.td0_chain_batch(
            rows, first, u, cost, np.ascontiguousarray(np.atleast_2d(steps)), env.gamma,
            float(radius), psi0)
        return CriticEstimate(q=_q_of(features, psi_bar, True), psi=psi_bar,
                              n_projections=n_proj)
    steps = np.broadcast_to(steps, (B, K))
    traj = env.rollout(policy, K)
    ar = np.arange(B)
    x = traj.states * A + traj.actions                               # flat (s, a) index
    cost = traj.rewards - lam * log_policy[ar[:, None], traj.states, traj.actions]
    if tabular:
        psi_bar = np.empty((B, dim))
        n_proj = np.zeros(B, dtype=np.int64)
        for b in range(B):
            psi_bar[b], n_proj[b] = _td0_tabular(x[b], cost[b], steps[b], env.gamma, radius,
                                                 psi0[b])
    else:
        td0 = kernels.td0_linear_batch if kernels.use_compiled() else _td0_vectorised
        psi_bar, n_proj = td0(x, cost, np.ascontiguousarray(steps), env.gamma, float(radius),
                              np.ascontiguousarray(features, dtype=np.float64).reshape(S * A, dim),
                              np.ascontiguousarray(psi0, dtype=np.float64))
    return CriticEstimate(q=_q_of(features, psi_bar, tabular), psi=psi_bar,
                          n_projections=n_proj)


def _q_of(features, psi, tabular: bool) -> np.ndarray:
    """``q_hat = phi psi`` (B, S, A), row by row (batch-invariant bits). Tabular: ``psi``
    itself, reshaped, plus 0.0: the row sum of ``psi * e_x`` is ``psi[x]`` plus signed zeros
    added exactly, and NumPy's reduction starts from 0.0 (so -0.0 comes out +0.0, as here);
    the same bits without the (B, S, A, S A) product."""
    B = psi.shape[0]
    S, A = features.shape[:2]
    if tabular:
        return psi.reshape(B, S, A) + 0.0
    return (features[None] * psi[:, None, None, :]).sum(axis=-1)


def _td0_tabular(x, cost, steps, gamma, radius, psi0):
    """TD(0) with one-hot features for one run: ``psi[x_k] += alpha_k delta_k``.

    ``acc[i]`` holds ``sum_{j < last[i]} psi_j[i]``; coordinate ``i`` is constant between its
    updates, so it is brought up to date only when it changes (and at projections, the end).
    """
    K, n = len(steps), len(psi0)
    xs, c, al = x.tolist(), cost.tolist(), steps.tolist()
    psi, acc, last = psi0.tolist(), [0.0] * n, [0] * n
    nsq, r2, n_proj = sum(v * v for v in psi), radius * radius, 0
    for k in range(K):
        i = xs[k]
        cur = psi[i]
        new = cur + al[k] * (c[k] + gamma * psi[xs[k + 1]] - cur)
        acc[i] += cur * (k + 1 - last[i])            # psi_j[i] = cur for j = last[i] .. k
        last[i] = k + 1
        psi[i] = new
        nsq += new * new - cur * cur
        if nsq > r2:
            nsq = sum(v * v for v in psi)            # exact norm before deciding
            if nsq > r2:
                scale = radius / math.sqrt(nsq)
                for j in range(n):
                    acc[j] += psi[j] * (k + 1 - last[j])
                    last[j] = k + 1
                    psi[j] *= scale
                nsq = sum(v * v for v in psi)
                n_proj += 1
    for j in range(n):
        acc[j] += psi[j] * (K - last[j])
    return np.array(acc) / K, n_proj


def _td0_vectorised(x, cost, steps, gamma, radius, phi, psi0):
    """TD(0) with general features, vectorised across runs (arrays (B, d)): ``x`` (B, K+1) the
    trajectory's pairs ``s A + a``, ``cost`` (B, K+1) its ``r_k - lam log pi(a_k|s_k)``,
    ``steps`` (B, K), ``phi`` (S A, d) the pairs' features; ``kernels.td0_linear_batch`` is
    its compiled twin (same arguments, same bits)."""
    B, K = steps.shape
    dim = phi.shape[1]
    psi = psi0.copy()
    psi_sum = np.zeros((B, dim))
    n_proj = np.zeros(B, dtype=np.int64)
    for k in range(K):
        psi_sum += psi
        f = phi[x[:, k]]
        f_next = phi[x[:, k + 1]]
        delta = cost[:, k] + gamma * (psi * f_next).sum(axis=-1) - (psi * f).sum(axis=-1)
        psi += (steps[:, k] * delta)[:, None] * f
        norm = np.sqrt((psi * psi).sum(axis=-1))
        over = norm > radius
        if over.any():
            psi[over] *= (radius / norm[over])[:, None]
            n_proj += over
    return psi_sum / K, n_proj


def stationary_batch(P_pi: np.ndarray) -> np.ndarray:
    """Stationary distributions of row-stochastic matrices (B, S, S): the solution of
    ``(I - P^T + 1 1^T) d = 1``, which is nonsingular exactly when the chain has one
    recurrent class (then ``d^T P = d^T`` and ``sum d = 1``)."""
    S = P_pi.shape[-1]
    M = np.eye(S) - np.swapaxes(P_pi, -1, -2) + 1.0
    d = np.linalg.solve(M, np.ones(P_pi.shape[:-1])[..., None])[..., 0]
    d = np.clip(d, 0.0, None)
    return d / d.sum(axis=-1, keepdims=True)


def td_omega(d: np.ndarray, policy: np.ndarray, features: np.ndarray) -> np.ndarray:
    """Proposition 1's ``omega``: the smallest eigenvalue of
    ``sum_{s,a} d(s) pi(a|s) phi_{s,a} phi_{s,a}^T``, (B,) for state laws ``d`` (B, S).

    Which ``d``: Bhandari et al. weight by the stationary law of the chain TD samples
    (``stationary_batch``; properties/ does); Proposition 1's statement writes ``d^pi``. The
    step schedule of ``critic_step="prop1"`` uses the visitation ``d^pi_mu`` (positive when
    ``rho > 0``, so the step stays defined where the stationary law of a nearly absorbing chain
    puts ~0 mass on a state: on SIS once ``pi(U|S) ~ 0`` the infected state is transient and
    the stationary ``omega`` is ~1e-17); the ablation reports both."""
    w = d[..., None] * policy                                             # (B, S, A)
    cov = np.einsum("bsa,sai,saj->bij", w, features, features)
    return np.linalg.eigvalsh(cov)[..., 0]


def prop1_steps(omega: np.ndarray, gamma: float, K: int) -> np.ndarray:
    """``schedules.td_theory_steps`` for ``k < K``, one row per run (B, K)."""
    from .schedules import td_theory_steps
    return np.stack([td_theory_steps(float(o), gamma).values(K) for o in omega])
