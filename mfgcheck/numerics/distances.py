"""KL divergence, the policy distance D, and the Lyapunov terms sigma^pi, sigma^mu.

``KL(p || q) = sum_a p(a) log(p(a)/q(a))`` per state (``0 log 0 = 0``; ``+inf`` where q = 0 < p),
computed in a form accurate also when ``p ~ q`` and when entries are tiny (see ``kl``);
``D(pi, pi') = E_{s~d*} ||pi(.|s) - pi'(.|s)||_1`` (Lemma 7's proof);
``sigma^pi_t = E_{s~d*_t} KL(pi*_t(.|s) || pi_t(.|s))``; ``sigma^mu_t = ||mu_t - mu*||_1``.

Every function validates its inputs (``InvalidInputError`` naming the argument): the
distributions must be finite, non-negative and sum to 1 over the last axis (within
``_validate.sum_tol`` of their dtype), the shapes must agree.
"""

from __future__ import annotations

import numpy as np
from scipy.special import kl_div

from .._validate import InvalidInputError, check_finite_fast, check_simplex_fast

SERIES_RADIUS = 1e-3   # |x| below which f(x) = (1+x) log(1+x) - x is summed as its series


def _last_axis(name_x: str, x, name_y: str, y) -> int:
    nx, ny = np.shape(x)[-1:], np.shape(y)[-1:]
    if not nx or nx != ny:
        raise InvalidInputError(f"{name_x}, {name_y}: shapes {np.shape(x)} and {np.shape(y)} "
                                f"do not share a last axis")
    return nx[0]


def _broadcast(name_x: str, x, name_y: str, y):
    try:
        return np.broadcast_arrays(x, y)
    except ValueError:
        raise InvalidInputError(f"{name_x}, {name_y}: shapes {np.shape(x)} and {np.shape(y)} "
                                f"do not broadcast") from None


def _kl_rows(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``KL`` of validated float64 rows (no checks; the formula of ``kl``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (p - q) / q
    near = (q > 0) & (np.abs(x) < SERIES_RADIUS)
    x = np.where(near, x, 0.0)                  # the series only where it is used
    small = x * x * (0.5 + x * (-1.0 / 6 + x * (1.0 / 12 + x * (-1.0 / 20 + x / 30))))
    terms = np.where(near, q * small, kl_div(p, q))
    return terms.sum(-1)


def kl(p, q) -> np.ndarray:
    """Row-wise ``KL(p || q)`` over the last axis, accurate also when ``p ~ q``.

    ``sum_a p log(p/q)`` (``rel_entr``) sums terms of size ``|p - q|`` to a result of size
    ``|p - q|^2``: at ``|p - q| ~ 1e-9`` the rounding of ``log(p/q)`` (1e-16) swamps the KL
    (1e-17), which near convergence zeroes sigma^pi_t and with it the ``sqrt(sigma)`` terms of
    Lemma 7. Here ``KL = sum_a (p log(p/q) - p + q)`` (equal to KL since ``sum p = sum q =
    1``; float inputs sum to 1 only up to rounding, and this form does not let that rounding
    in), each term ``q f(x) >= 0`` with ``x = (p - q)/q`` and ``f(x) = (1+x) log(1+x) - x``:
    by ``f``'s series for ``|x| < 1e-3`` and otherwise by ``scipy.special.kl_div`` (which
    handles ``p = 0`` and ``q = 0 < p -> inf``, and does not form ``(1 + x) log1p(x)`` at
    ``x = -1 + 2e-17``, where that product is ``0 * -inf``).
    """
    n = _last_axis("p", p, "q", q)
    p = check_simplex_fast("p", p, n)
    q = check_simplex_fast("q", q, n)
    p, q = _broadcast("p", p, "q", q)
    return _kl_rows(p, q)


def l1(x, y) -> np.ndarray:
    """``||x - y||_1`` over the last axis (finite arrays of the same last dimension)."""
    _last_axis("x", x, "y", y)
    x, y = _broadcast("x", check_finite_fast("x", x), "y", check_finite_fast("y", y))
    return np.abs(x - y).sum(axis=-1)


def _weights(weights, n_states: int) -> np.ndarray:
    return check_simplex_fast("weights", weights, n_states)


def policy_distance(pi, pi_other, weights) -> float | np.ndarray:
    """``D(pi, pi') = sum_s w(s) ||pi(.|s) - pi'(.|s)||_1`` with ``w`` a state distribution
    (``d*`` in the paper); ``pi``, ``pi'`` policies of shape (..., S, A)."""
    pi, pi_other = _policies("pi", pi, "pi_other", pi_other)
    w = _weights(weights, pi.shape[-2])
    return (w * np.abs(pi - pi_other).sum(axis=-1)).sum(axis=-1)


def weighted_kl(pi_star, pi, weights) -> float | np.ndarray:
    """``E_{s~w} KL(pi*(.|s) || pi(.|s))``: sigma^pi with ``w = d*_t``."""
    pi_star, pi = _policies("pi_star", pi_star, "pi", pi)
    w = _weights(weights, pi.shape[-2])
    return (w * _kl_rows(pi_star, pi)).sum(axis=-1)


def _policies(name_a: str, a, name_b: str, b):
    sa, sb = np.shape(a), np.shape(b)
    if len(sa) < 2 or len(sb) < 2 or sa[-2:] != sb[-2:]:
        raise InvalidInputError(f"{name_a}, {name_b}: shapes {sa} and {sb}, expected two "
                                f"policies (..., S, A) of the same S and A")
    n = sa[-1]
    return _broadcast(name_a, check_simplex_fast(name_a, a, n),
                      name_b, check_simplex_fast(name_b, b, n))
