"""Array kernels for entropy-regularised discounted MDPs (the MDP a fixed mean field induces).

Every function broadcasts over leading batch axes: ``P`` is (..., S, A, S), ``r`` and policies
(..., S, A), values (..., S). No validation here (the game-level functions in this package
validate); these are the hot loops that algorithms/ call directly.

Conventions (docs/conventions.md):
``V^pi(s) = E[sum_t gamma^t (r(s_t, a_t) - lam log pi(a_t|s_t))]``,
``Q^pi(s, a) = r(s, a) + gamma E_{s'} V^pi(s')``, ``V(s) = E_{a~pi}[Q(s, a) - lam log pi(a|s)]``.
The soft-optimal policy is ``pi*(a|s) ∝ exp(Q*(s, a)/lam)`` (Lemma 3) and
``V*(s) = lam log sum_a exp(Q*(s, a)/lam)``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import xlogy


def log_softmax(x: np.ndarray) -> np.ndarray:
    """``log softmax`` over the last axis, stable for any scale of ``x``.

    The row maximum is subtracted first so that the result is accurate in absolute terms
    even when ``|x|`` is huge (``Q/lam`` with lam = 1e-3 reaches 1e6): ``x - logsumexp(x)``
    would lose ~1e-10 there and rows of ``exp`` would not sum to 1.
    """
    z = x - x.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def soft_greedy(Q: np.ndarray, lam: float) -> np.ndarray:
    """``pi(a|s) ∝ exp(Q(s, a)/lam)``; rows sum to 1 to machine precision for any lam > 0."""
    e = np.exp((Q - Q.max(axis=-1, keepdims=True)) / lam)
    return e / e.sum(axis=-1, keepdims=True)


def soft_max_value(Q: np.ndarray, lam: float) -> np.ndarray:
    """``lam log sum_a exp(Q(s, a)/lam)``: the soft Bellman optimality backup of ``Q``."""
    Qmax = Q.max(axis=-1)
    return Qmax + lam * np.log(np.exp((Q - Qmax[..., None]) / lam).sum(axis=-1))


def _neg_entropy(pi: np.ndarray) -> np.ndarray:
    """``sum_a pi(a|s) log pi(a|s)`` with ``0 log 0 = 0``."""
    return xlogy(pi, pi).sum(axis=-1)


def policy_transition(P: np.ndarray, pi: np.ndarray) -> np.ndarray:
    """``P_pi(s'|s) = sum_a pi(a|s) P(s'|s, a)``, shape (..., S, S)."""
    return np.einsum("...sa,...sat->...st", pi, P)


def evaluate_policy(P, r, pi, gamma: float, lam: float):
    """Exact soft policy evaluation by one linear solve.

    ``V = (I - gamma P_pi)^{-1} (r_pi - lam sum_a pi log pi)``, ``Q = r + gamma P V``.
    Returns ``(V, Q)`` with shapes (..., S) and (..., S, A).
    """
    S = P.shape[-1]
    rhs = (pi * r).sum(axis=-1) - lam * _neg_entropy(pi)
    M = np.eye(S) - gamma * policy_transition(P, pi)
    V = np.linalg.solve(M, rhs[..., None])[..., 0]
    Q = r + gamma * np.einsum("...sat,...t->...sa", P, V)
    return V, Q


def soft_bellman_backup(P, r, V, gamma: float, lam: float):
    """``(T V)(s) = lam log sum_a exp(Q(s, a)/lam)`` with ``Q = r + gamma P V``; returns (TV, Q)."""
    Q = r + gamma * np.einsum("...sat,...t->...sa", P, V)
    return soft_max_value(Q, lam), Q


# soft_policy_iteration's cap on Newton steps (it needs a handful; its docstring), and its
# machine-precision stop: a residual below SPI_STALL_RESIDUAL that no longer halves
# (SPI_STALL_FACTOR of the best so far).
SPI_MAX_ITER, SPI_STALL_FACTOR, SPI_STALL_RESIDUAL = 200, 0.5, 1e-9


def soft_policy_iteration(P, r, gamma: float, lam: float, *, tol: float = 1e-12,
                          max_iter: int = SPI_MAX_ITER, pi0=None):
    """The regularised optimum by soft policy iteration (Newton's method on ``V = T V``).

    Soft policy iteration alternates exact evaluation and ``pi <- softmax(Q/lam)``; it is
    Newton-Raphson on ``F(V) = V - T V`` (the Jacobian of ``T`` at ``V`` is ``gamma P_pi``
    with ``pi`` the soft-greedy policy of ``V``), so it converges monotonically and, near the
    optimum, quadratically: a handful of linear solves even for gamma = 0.999 or lam = 1e-3,
    where soft value iteration needs ~log(1/tol)/(1-gamma) sweeps.

    Stops when the Bellman residual ``max|TV - V| <= tol (1 - gamma)`` (so that
    ``||V - V*||_inf <= tol``) or when the residual stops decreasing (machine precision).
    Returns ``(pi, Q, V, residual, iterations)``; ``pi = softmax(Q/lam)`` for the returned ``Q``.
    """
    pi = np.full(r.shape, 1.0 / r.shape[-1]) if pi0 is None else pi0
    best = np.inf
    for it in range(1, max_iter + 1):
        V, Q = evaluate_policy(P, r, pi, gamma, lam)
        TV = soft_max_value(Q, lam)
        residual = float(np.max(np.abs(TV - V)))
        pi = soft_greedy(Q, lam)
        if residual <= tol * (1.0 - gamma) or (residual >= SPI_STALL_FACTOR * best
                                              and residual < SPI_STALL_RESIDUAL):
            break
        best = min(best, residual)
    # Report Q and V of the final policy's greedy step consistently: one backup of V.
    V, Q = evaluate_policy(P, r, pi, gamma, lam)
    TV = soft_max_value(Q, lam)
    residual = float(np.max(np.abs(TV - V)))
    return soft_greedy(Q, lam), Q, V, residual, it


def soft_value_iteration(P, r, gamma: float, lam: float, *, tol: float = 1e-12,
                         max_iter: int = 1_000_000):
    """Soft value iteration ``V <- T V`` (a gamma-contraction): the slow, independent route.

    Stops when ``max|TV - V| <= tol (1 - gamma)``. Returns ``(pi, Q, V, iterations)``.
    """
    V = np.zeros(r.shape[:-1])
    for it in range(1, max_iter + 1):
        TV, Q = soft_bellman_backup(P, r, V, gamma, lam)
        done = np.max(np.abs(TV - V)) <= tol * (1.0 - gamma)
        V = TV
        if done:
            break
    _, Q = soft_bellman_backup(P, r, V, gamma, lam)
    return soft_greedy(Q, lam), Q, V, it


def discounted_visitation(P, pi, rho, gamma: float) -> np.ndarray:
    """``d(s) = (1 - gamma) sum_t gamma^t Pr(s_t = s | s_0 ~ rho)``: solves
    ``d^T (I - gamma P_pi) = (1 - gamma) rho^T``."""
    S = P.shape[-1]
    M = np.eye(S) - gamma * policy_transition(P, pi)
    rho = np.broadcast_to(rho, M.shape[:-1])
    d = np.linalg.solve(np.swapaxes(M, -1, -2), (1.0 - gamma) * rho[..., None])[..., 0]
    return np.clip(d, 0.0, None) / np.clip(d, 0.0, None).sum(axis=-1, keepdims=True)


def population_step(P, pi, mu) -> np.ndarray:
    """``Gamma2(pi, mu)(s') = sum_{s,a} mu(s) pi(a|s) P(s'|s, a, mu)`` (P already at mu)."""
    return np.einsum("...s,...sa,...sat->...t", mu, pi, P)
