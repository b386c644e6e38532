"""Soft policy evaluation and discounted visitation on a game at a fixed mean field.

``V, Q`` by one linear solve (mdp.evaluate_policy); the shifted ``q = Q - lam log pi``
(Algorithm 2's target); the regularised advantage ``A = Q - E_{a~pi} Q`` (eq. (10));
``d^pi_mu(s) = (1 - gamma) sum_t gamma^t Pr(s_t = s | s_0 ~ rho, pi, mu)`` (docs/conventions.md, R).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import mdp
from .policies import validate_policy


@dataclass(frozen=True)
class PolicyValues:
    """``V`` (S,), ``Q`` (S, A), shifted ``q`` (S, A), ``advantage`` (S, A), and ``V(rho)``."""

    V: np.ndarray
    Q: np.ndarray
    q: np.ndarray
    advantage: np.ndarray
    value_rho: float | np.ndarray


def policy_evaluation(game, policy, mu) -> PolicyValues:
    """Exact regularised values of ``policy`` in the MDP induced by ``mu``.

    ``q`` is ``-inf`` where ``policy`` puts zero mass (``log 0``); ``V``, ``Q`` and the
    advantage stay finite there (``0 log 0 = 0``).
    """
    pi = validate_policy(game, policy)
    mu = game.check_mean_field(mu)
    P, r = game.transition(mu), game.reward(mu)
    V, Q = mdp.evaluate_policy(P, r, pi, game.gamma, game.lam)
    with np.errstate(divide="ignore"):
        q = Q - game.lam * np.log(pi)
    advantage = Q - (pi * Q).sum(axis=-1, keepdims=True)
    return PolicyValues(V=V, Q=Q, q=q, advantage=advantage, value_rho=V @ game.rho)


def visitation(game, policy, mu, rho=None) -> np.ndarray:
    """Discounted state visitation ``d^pi_mu`` from ``rho`` (default ``game.rho``)."""
    pi = validate_policy(game, policy)
    mu = game.check_mean_field(mu)
    rho = game.rho if rho is None else game.check_mean_field(rho, "rho")
    return mdp.discounted_visitation(game.transition(mu), pi, rho, game.gamma)
