"""Gamma1: the regularised best response to a mean field (Lemma 3).

``Gamma1^lam(mu)(a|s) ∝ exp(Q*_mu(s, a)/lam)`` with ``Q*_mu`` the optimal soft Q-function of
the MDP induced by ``mu``. Computed by soft policy iteration (Newton's method, mdp.py):
``||V - V*||_inf <= tol``; stable for lam down to 1e-3 and gamma up to 0.999.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import InvalidInputError, check_positive
from . import mdp


@dataclass(frozen=True)
class SoftOptimum:
    """The soft-optimal policy of the MDP induced by ``mu``, its ``Q*``, ``V*`` and how well
    ``V*`` solves the soft Bellman equation (``residual = max|TV - V|``)."""

    policy: np.ndarray
    Q: np.ndarray
    V: np.ndarray
    residual: float
    iterations: int


def soft_optimum(game, mu, *, tol: float = 1e-12, method: str = "policy_iteration",
                 warm_start=None) -> SoftOptimum:
    """Solve the regularised MDP induced by ``mu``.

    ``method="policy_iteration"`` (default, Newton) or ``"value_iteration"`` (the slow,
    independent route used to cross-check). ``warm_start`` is an initial policy.
    """
    mu = game.check_mean_field(mu)
    tol = check_positive("tol", tol)
    P, r = game.transition(mu), game.reward(mu)
    if method == "policy_iteration":
        pi, Q, V, residual, iters = mdp.soft_policy_iteration(
            P, r, game.gamma, game.lam, tol=tol, pi0=warm_start)
    elif method == "value_iteration":
        pi, Q, V, iters = mdp.soft_value_iteration(P, r, game.gamma, game.lam, tol=tol)
        TV = mdp.soft_bellman_backup(P, r, V, game.gamma, game.lam)[0]
        residual = float(np.max(np.abs(TV - V)))
    else:
        raise InvalidInputError(f"method: {method!r}; use 'policy_iteration' or 'value_iteration'")
    return SoftOptimum(policy=pi, Q=Q, V=V, residual=residual, iterations=iters)


def best_response(game, mu, *, tol: float = 1e-12) -> np.ndarray:
    """``Gamma1^lam(mu)``: the regularised best-response policy, shape (S, A)."""
    return soft_optimum(game, mu, tol=tol).policy
