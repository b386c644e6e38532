"""Input validation shared by every module: bad input raises, it is never computed on.

Each check names the field and the problem, e.g. ``transition(mu)[s=1, a=0] sums to 0.97,
not 1``. Tolerances are absolute and tight (``ATOL``): the data are float64 probabilities.
"""

from __future__ import annotations

import math

import numpy as np

ATOL = 1e-9


class InvalidInputError(ValueError):
    """Raised when an input to mfgcheck is not what the mathematics requires."""


def as_float_array(name: str, x, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """``x`` as a float64 array, finite, with the expected trailing ``shape`` (if given)."""
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{name}: not numeric ({exc})") from None
    if shape is not None and (arr.ndim < len(shape) or arr.shape[arr.ndim - len(shape):] != shape):
        raise InvalidInputError(f"{name}: shape {arr.shape}, expected {shape} (optionally batched)")
    bad = ~np.isfinite(arr)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InvalidInputError(f"{name}: entry {where} is {arr[where]} (NaN or infinite)")
    return arr


def check_discount(gamma) -> float:
    g = float(gamma)
    if not (0.0 < g < 1.0) or math.isnan(g):
        raise InvalidInputError(f"gamma: {gamma} is not in the open interval (0, 1)")
    return g


def check_temperature(lam) -> float:
    v = float(lam)
    if not (v > 0.0) or not math.isfinite(v):
        raise InvalidInputError(f"lam: {lam} must be a finite number > 0 (entropy weight)")
    return v


def check_simplex(name: str, x, n: int, *, atol: float = ATOL) -> np.ndarray:
    """Rows over the last axis are probability vectors of length ``n``.

    Rows accepted within ``atol`` are returned clipped at 0 and renormalised to sum to 1
    exactly: a running average of policies drifts by ~1e-12, and a population flow driven by
    rows summing to ``1 + 1e-12`` gains mass at every step and never settles.
    """
    arr = as_float_array(name, x, (n,))
    if (arr < -atol).any():
        where = tuple(int(i) for i in np.argwhere(arr < -atol)[0])
        raise InvalidInputError(f"{name}: entry {where} is negative ({arr[where]:.3g})")
    sums = arr.sum(axis=-1)
    off = np.abs(sums - 1.0) > atol * max(1, n)
    if off.any():
        where = tuple(int(i) for i in np.argwhere(off)[0]) if sums.ndim else ()
        label = f"{name}{list(where) if where else ''}"
        total = sums[where] if where else float(sums)
        if abs(total) <= atol:
            raise InvalidInputError(f"{label}: sums to 0 (a zero row cannot be a distribution)")
        raise InvalidInputError(f"{label}: sums to {total:.12g}, not 1")
    arr = np.clip(arr, 0.0, None)
    return arr / arr.sum(axis=-1, keepdims=True)


def check_policy(name: str, policy, n_states: int, n_actions: int) -> np.ndarray:
    """A (..., S, A) array whose rows are distributions over actions."""
    arr = as_float_array(name, policy, (n_states, n_actions))
    return check_simplex(name, arr, n_actions)


def check_transition(name: str, P, n_states: int, n_actions: int) -> np.ndarray:
    """A (..., S, A, S) array of next-state distributions."""
    arr = as_float_array(name, P, (n_states, n_actions, n_states))
    return check_simplex(name, arr, n_states)


def check_reward(name: str, r, n_states: int, n_actions: int,
                 reward_range: tuple[float, float] | None = None) -> np.ndarray:
    arr = as_float_array(name, r, (n_states, n_actions))
    if reward_range is not None:
        lo, hi = reward_range
        tol = ATOL * max(1.0, abs(lo), abs(hi))
        if (arr < lo - tol).any() or (arr > hi + tol).any():
            raise InvalidInputError(
                f"{name}: values in [{arr.min():.6g}, {arr.max():.6g}] leave the declared "
                f"reward_range [{lo:.6g}, {hi:.6g}]"
            )
    return arr
