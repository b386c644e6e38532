"""KL divergence, the policy distance D, and the Lyapunov terms sigma^pi, sigma^mu.

``KL(p || q) = sum_a p(a) log(p(a)/q(a))`` per state (``0 log 0 = 0``; ``+inf`` where q = 0 < p),
computed in a form accurate also when ``p ~ q`` (see ``kl``);
``D(pi, pi') = E_{s~d*} ||pi(.|s) - pi'(.|s)||_1`` (Lemma 7's proof);
``sigma^pi_t = E_{s~d*_t} KL(pi*_t(.|s) || pi_t(.|s))``; ``sigma^mu_t = ||mu_t - mu*||_1``.
"""

from __future__ import annotations

import numpy as np


def kl(p, q) -> np.ndarray:
    """Row-wise ``KL(p || q)``, accurate also when ``p ~ q``.

    ``sum_a p log(p/q)`` (``rel_entr``) sums terms of size ``|p - q|`` to a result of size
    ``|p - q|^2``: at ``|p - q| ~ 1e-9`` the rounding of ``log(p/q)`` (1e-16) swamps the KL
    (1e-17), which near convergence zeroes sigma^pi_t and with it the ``sqrt(sigma)`` terms of
    Lemma 7. Here ``KL = sum_a q f(x) = sum_a (p log(p/q) - p + q)`` with ``x = (p - q)/q``
    and ``f(x) = (1+x) log(1+x) - x >= 0`` (equal to KL since ``sum p = sum q = 1``; float
    inputs sum to 1 only up to rounding, and this form does not let that rounding in), each
    term nonnegative, ``f`` by its series for ``|x| < 1e-3``. ``p = 0`` gives ``f(-1) = 1``;
    ``q = 0 < p`` gives ``inf``.
    """
    p, q = np.broadcast_arrays(np.asarray(p, float), np.asarray(q, float))
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (p - q) / q
        big = (1.0 + x) * np.log1p(x) - x
    small = x * x * (0.5 + x * (-1.0 / 6 + x * (1.0 / 12 + x * (-1.0 / 20 + x / 30))))
    f = np.where(np.abs(x) < 1e-3, small, big)
    f = np.where(p == 0, 1.0, f)
    terms = np.where(q > 0, q * f, np.where(p > 0, np.inf, 0.0))
    return terms.sum(-1)


def l1(x, y) -> np.ndarray:
    return np.abs(np.asarray(x, float) - np.asarray(y, float)).sum(axis=-1)


def policy_distance(pi, pi_other, weights) -> float | np.ndarray:
    """``D(pi, pi') = sum_s w(s) ||pi(.|s) - pi'(.|s)||_1`` with ``w`` a state distribution
    (``d*`` in the paper)."""
    return (np.asarray(weights, float) * l1(pi, pi_other)).sum(axis=-1)


def weighted_kl(pi_star, pi, weights) -> float | np.ndarray:
    """``E_{s~w} KL(pi*(.|s) || pi(.|s))``: sigma^pi with ``w = d*_t``."""
    return (np.asarray(weights, float) * kl(pi_star, pi)).sum(axis=-1)
