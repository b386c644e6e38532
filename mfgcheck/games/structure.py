"""A game's maps ``P(mu)``, ``r(mu)`` in a closed form that compiled code evaluates.

A game built from formulas may describe them with a ``Structure`` (``Game.structure``), so that
the compiled exact step of Algorithm 1 (``algorithms.exact_kernels``) builds ``P(mu_t)`` and
``r(mu_t)`` itself instead of calling the game's NumPy functions at every iteration. Two forms
of the transition and one of the reward cover the linear-quadratic and the random game:

- ``transition = "constant"``: ``P(s'|s, a, mu) = P[s, a, s']`` (linear-quadratic game);
- ``transition = "softmax"``: ``P(s'|s, a, mu) = softmax_{s'}(L[s, a, s'] + (H mu)[s'])``,
  stored factored: ``P = E[s, a, s'] u[s'] / sum_t E[s, a, t] u[t]`` with ``E = exp(L - max_{s'}
  L)`` and ``u = exp(H mu - max H mu)`` (the softmax's shifts cancel: S exponentials per mean
  field instead of S A S; random game);
- the reward is quadratic in one linear statistic of ``mu`` per state:
  ``r(s, a, mu) = (c0[s, a] + c1[s, a] y_s + c2[s, a] y_s^2 - shift) / scale`` with
  ``y = G mu + g0`` (random game: ``y = G mu``, ``c2 = 0``; linear-quadratic game:
  ``y_s = mu_bar - s``), ``shift`` and ``scale`` the normalisation of ``Game.normalised``.

``Game`` checks at construction that the structure agrees with its functions (``check``: at
two mean fields, to rounding), so a structure can speed a game up but not change it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .._validate import InvalidInputError

TRANSITIONS = ("constant", "softmax")
_EPS = float(np.finfo(np.float64).eps)


def _array(name: str, x, shape: tuple[int, ...]) -> np.ndarray:
    a = np.ascontiguousarray(x, dtype=np.float64)
    if a.shape != shape:
        raise InvalidInputError(f"structure.{name}: shape {a.shape}, expected {shape}")
    if not np.isfinite(a).all():
        raise InvalidInputError(f"structure.{name}: non-finite entries")
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class Structure:
    """``P(mu)`` and ``r(mu)`` in closed form (module docstring). ``P`` (S, A, S) is the
    constant kernel or ``E``; ``H``, ``G`` (S, S); ``g0`` (S,); ``c`` (3, S, A) the reward's
    coefficients ``c0, c1, c2``."""

    transition: str
    P: np.ndarray
    H: np.ndarray
    G: np.ndarray
    g0: np.ndarray
    c: np.ndarray
    shift: float = 0.0
    scale: float = 1.0

    def __post_init__(self):
        if self.transition not in TRANSITIONS:
            raise InvalidInputError(f"structure.transition: {self.transition!r}; use one of "
                                    f"{TRANSITIONS}")
        P = np.asarray(self.P)
        if P.ndim != 3 or P.shape[0] != P.shape[2]:
            raise InvalidInputError(f"structure.P: shape {P.shape}, expected (S, A, S)")
        S, A = P.shape[:2]
        set_ = object.__setattr__
        set_(self, "P", _array("P", P, (S, A, S)))
        set_(self, "H", _array("H", self.H, (S, S)))
        set_(self, "G", _array("G", self.G, (S, S)))
        set_(self, "g0", _array("g0", self.g0, (S,)))
        set_(self, "c", _array("c", self.c, (3, S, A)))
        set_(self, "shift", float(self.shift))
        set_(self, "scale", float(self.scale))
        if not (np.isfinite(self.shift) and np.isfinite(self.scale) and self.scale > 0):
            raise InvalidInputError(f"structure.shift, scale: {self.shift}, {self.scale}; "
                                    "finite, scale > 0")

    @property
    def shape(self) -> tuple[int, int]:
        return self.P.shape[0], self.P.shape[1]

    # -- NumPy evaluation (the reference of the compiled kernels, and of ``check``) ----------
    def transition_at(self, mu) -> np.ndarray:
        """``P(mu)`` (S, A, S) for one mean field (S,)."""
        if self.transition == "constant":
            return self.P
        h = self.H @ mu
        u = np.exp(h - h.max())
        Pu = self.P * u
        return Pu / Pu.sum(axis=-1, keepdims=True)

    def statistic(self, mu) -> np.ndarray:
        """``y = G mu + g0`` (S,)."""
        return self.G @ mu + self.g0

    def reward_at(self, mu) -> np.ndarray:
        """``r(mu)`` (S, A) for one mean field (S,)."""
        y = self.statistic(mu)[:, None]
        c0, c1, c2 = self.c
        return (c0 + c1 * y + c2 * y * y - self.shift) / self.scale

    def reward_magnitude(self, mu) -> np.ndarray:
        """The size of the terms summed in ``r(mu)`` (S, A): ``(|c0| + |c1 y| + |c2| y^2 +
        |shift|) / scale``, the scale of the reward's rounding error."""
        y = np.abs(self.statistic(mu))[:, None]
        c0, c1, c2 = np.abs(self.c)
        return (c0 + c1 * y + c2 * y * y + abs(self.shift)) / self.scale

    # -- derived -----------------------------------------------------------------------------
    def normalised(self, lo: float, scale: float) -> Structure | None:
        """The structure of ``(r - lo) / scale`` (``Game.normalised``); ``None`` when this one
        is already shifted (two normalisations do not compose exactly)."""
        if self.shift != 0.0 or self.scale != 1.0:
            return None
        return dataclasses.replace(self, shift=lo, scale=scale)

    def check(self, game, mus) -> None:
        """Raise unless ``P(mu)`` and ``r(mu)`` agree with ``game.transition_fn`` and
        ``game.reward_fn`` at each mean field of ``mus``, to rounding: ``64 (S + 4) eps``
        times the entries' magnitude (probabilities: 1; rewards: ``reward_magnitude``)."""
        S, A = game.n_states, game.n_actions
        if self.shape != (S, A):
            raise InvalidInputError(f"structure: for {self.shape} states x actions, the game "
                                    f"has ({S}, {A})")
        rtol = 64 * (S + 4) * _EPS
        for mu in mus:
            P = np.asarray(game.transition_fn(mu), dtype=np.float64)
            r = np.asarray(game.reward_fn(mu), dtype=np.float64)
            errP = np.abs(self.transition_at(mu) - P)
            errr = np.abs(self.reward_at(mu) - r) - rtol * self.reward_magnitude(mu)
            if not (errP.max() <= rtol and errr.max() <= 0.0):
                raise InvalidInputError(
                    f"structure: differs from the game's functions at mu = {mu.tolist()} by "
                    f"{errP.max():.3g} (transition) and {np.abs(self.reward_at(mu) - r).max():.3g}"
                    " (reward)")
