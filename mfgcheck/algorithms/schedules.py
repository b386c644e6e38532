"""Step-size schedules: constant, power-law, or any callable ``t -> step``.

Algorithm 1 takes a policy step ``eta_t`` and a mean-field step ``beta_t``; Algorithms 2 and
3 take their own inner steps. ``as_schedule`` turns a number or a callable into a
``Schedule`` (with a vectorised ``values(n)`` for inner loops and ``to_dict()`` for reports).

``theorem1_steps(T, lam, c_eta, c_beta)`` gives Theorem 1's constant steps
``eta = c_eta T^(-2/5) / lam`` and ``beta = c_beta T^(-4/5)`` (appendix B.3; formulas and
default constants from ``theory.step_sizes``) and checks
``0 < eta lam < 1``, which Lemma 2's proof needs (the update is a convex combination of
``theta_t`` and ``w_hat_t / lam``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._validate import InvalidInputError
from ..theory import step_sizes


class Schedule:
    """A step size as a function of the iteration counter ``t = 0, 1, ...``."""

    is_constant = False

    def __call__(self, t: int) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def values(self, n: int) -> np.ndarray:
        """Steps for ``t = 0 .. n-1`` as a float64 array."""
        return np.array([self(t) for t in range(n)], dtype=np.float64)

    def to_dict(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class Constant(Schedule):
    value: float
    is_constant = True

    def __call__(self, t: int) -> float:
        return self.value

    def values(self, n: int) -> np.ndarray:
        return np.full(n, self.value)

    def to_dict(self) -> dict:
        return {"kind": "constant", "value": self.value}


@dataclass(frozen=True)
class Power(Schedule):
    """``scale / (t + offset)^power``; ``Power(c, 1, 1)`` is the harmonic ``c/(t+1)``."""

    scale: float
    power: float = 1.0
    offset: float = 1.0

    def __call__(self, t: int) -> float:
        return self.scale / (t + self.offset) ** self.power

    def values(self, n: int) -> np.ndarray:
        return self.scale / (np.arange(n) + self.offset) ** self.power

    def to_dict(self) -> dict:
        return {"kind": "power", "scale": self.scale, "power": self.power, "offset": self.offset}


@dataclass(frozen=True)
class FunctionSchedule(Schedule):
    fn: Callable[[int], float]
    name: str = "callable"

    def __call__(self, t: int) -> float:
        return float(self.fn(t))

    def to_dict(self) -> dict:
        return {"kind": "callable", "name": self.name}


def as_schedule(x, name: str) -> Schedule:
    """A ``Schedule`` from a number, a ``Schedule`` or a callable; ``name`` labels errors."""
    if isinstance(x, Schedule):
        return x
    if callable(x):
        return FunctionSchedule(x, getattr(x, "__name__", "callable"))
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{name}: {x!r} is neither a number nor a callable") from None
    if not math.isfinite(v):
        raise InvalidInputError(f"{name}: {x!r} is not finite")
    return Constant(v)


def check_eta(value: float, lam: float, name: str = "eta") -> float:
    """``0 < eta lam < 1`` (Lemma 2: ``theta_{t+1}`` is a convex combination)."""
    v = float(value)
    if not (0.0 < v * lam < 1.0):
        raise InvalidInputError(
            f"{name}: {value!r} gives eta*lam = {v * lam:.6g}; Lemma 2 needs 0 < eta*lam < 1 "
            f"(lam = {lam})")
    return v


def check_beta(value: float, name: str = "beta") -> float:
    """``0 <= beta <= 1`` (``mu_{t+1}`` is a convex combination of distributions)."""
    v = float(value)
    if not (0.0 <= v <= 1.0):
        raise InvalidInputError(f"{name}: {value!r} must lie in [0, 1]")
    return v


def theorem1_steps(T: int, lam: float, c_eta: float = step_sizes.C_ETA,
                   c_beta: float = step_sizes.C_BETA) -> tuple[float, float]:
    """Theorem 1's steps ``(eta, beta) = (c_eta T^(-2/5) / lam, c_beta T^(-4/5))``
    (``theory.step_sizes``, whose constants are the defaults).

    Raises ``InvalidInputError`` if ``eta lam = c_eta T^(-2/5)`` is not in (0, 1) or ``beta``
    is not in [0, 1].
    """
    if int(T) != T or T < 1:
        raise InvalidInputError(f"T: {T!r} must be an integer >= 1")
    if not lam > 0:
        raise InvalidInputError(f"lam: {lam!r} must be > 0")
    eta = step_sizes.eta(T, lam, c_eta)
    beta = step_sizes.beta(T, c_beta)
    return (check_eta(eta, lam, f"eta ({step_sizes.ETA_TEXT})"),
            check_beta(beta, f"beta ({step_sizes.BETA_TEXT})"))


def td_theory_steps(omega: float, gamma: float) -> Power:
    """Proposition 1's critic step ``alpha_k = 1 / (omega (k + 1) (1 - gamma))`` with ``omega``
    the smallest eigenvalue of the feature covariance under the sampling distribution.

    The critic cannot know ``omega`` (it depends on the unobserved mean field); this is for
    experiments that compute it exactly. Its first steps are large (``1/(omega (1-gamma))``),
    so the critic's projection does the work early on.
    """
    if not omega > 0:
        raise InvalidInputError(f"omega: {omega!r} must be > 0")
    return Power(1.0 / (omega * (1.0 - gamma)), 1.0, 1.0)
