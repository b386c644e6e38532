"""KL divergence, the policy distance D, and the Lyapunov terms sigma^pi, sigma^mu.

``KL(p || q) = sum_a p(a) log(p(a)/q(a))`` per state (``0 log 0 = 0``; ``+inf`` where q = 0 < p);
``D(pi, pi') = E_{s~d*} ||pi(.|s) - pi'(.|s)||_1`` (Lemma 7's proof);
``sigma^pi_t = E_{s~d*_t} KL(pi*_t(.|s) || pi_t(.|s))``; ``sigma^mu_t = ||mu_t - mu*||_1``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import rel_entr


def kl(p, q) -> np.ndarray:
    """Row-wise ``KL(p || q)`` over the last axis."""
    return rel_entr(np.asarray(p, float), np.asarray(q, float)).sum(axis=-1)


def l1(x, y) -> np.ndarray:
    return np.abs(np.asarray(x, float) - np.asarray(y, float)).sum(axis=-1)


def policy_distance(pi, pi_other, weights) -> float | np.ndarray:
    """``D(pi, pi') = sum_s w(s) ||pi(.|s) - pi'(.|s)||_1`` with ``w`` a state distribution
    (``d*`` in the paper)."""
    return (np.asarray(weights, float) * l1(pi, pi_other)).sum(axis=-1)


def weighted_kl(pi_star, pi, weights) -> float | np.ndarray:
    """``E_{s~w} KL(pi*(.|s) || pi(.|s))``: sigma^pi with ``w = d*_t``."""
    return (np.asarray(weights, float) * kl(pi_star, pi)).sum(axis=-1)
