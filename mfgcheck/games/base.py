"""The game type: a stationary, discounted, entropy-regularised mean-field game.

A game is ``(S, A, gamma, lam, rho, P(.|s, a, mu), r(s, a, mu))`` (docs/conventions.md, "The game").
``transition`` and ``reward`` are functions of the mean field ``mu``; they accept a batch of
mean fields of shape ``(..., S)`` and return ``(..., S, A, S)`` and ``(..., S, A)``, so that
algorithms can advance many runs at once.

The theory assumes ``r`` in [0, 1]. ``Game.normalised()`` returns the equivalent game with
``r' = (r - r_min)/(r_max - r_min)`` and ``lam' = lam/(r_max - r_min)``: the same equilibria,
exploitability divided by ``r_max - r_min`` (docs/conventions.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .._json import to_jsonable
from .._validate import (
    InvalidInputError,
    check_discount,
    check_int,
    check_reward,
    check_simplex,
    check_temperature,
    check_transition,
    in_range,
    is_distribution,
    is_stochastic,
)
from .structure import Structure

MeanFieldFn = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True, eq=False)
class Game:
    """A validated tabular mean-field game.

    Attributes
    ----------
    name: short identifier used in reports.
    n_states, n_actions: ``|S|`` and ``|A|``.
    gamma: discount factor in (0, 1).
    lam: entropy weight, > 0.
    rho: initial state distribution, shape (S,).
    transition_fn: ``mu (..., S) -> P (..., S, A, S)``; rows are distributions over s'.
    reward_fn: ``mu (..., S) -> r (..., S, A)``.
    reward_range: ``(r_min, r_max)`` valid for every mu (not only the ones visited).
    params: the builder's parameters, recorded in reports.
    """

    name: str
    n_states: int
    n_actions: int
    gamma: float
    lam: float
    rho: np.ndarray
    transition_fn: MeanFieldFn = field(repr=False)
    reward_fn: MeanFieldFn = field(repr=False)
    reward_range: tuple[float, float] = (0.0, 1.0)
    state_labels: tuple[str, ...] | None = None
    action_labels: tuple[str, ...] | None = None
    params: dict = field(default_factory=dict)
    # Optional factored population step (``population_step``): ``(mu (S,), pi (S, A)) ->
    # Gamma2(pi, mu)`` without building the (S, A, S) transition array.
    population_fn: Callable | None = field(default=None, repr=False)
    # Optional closed form of ``transition_fn`` and ``reward_fn`` for compiled code
    # (``games.structure``); checked against them at construction.
    structure: Structure | None = field(default=None, repr=False)

    def __post_init__(self):
        S = check_int("n_states", self.n_states, minimum=1)
        A = check_int("n_actions", self.n_actions, minimum=1)
        set_ = object.__setattr__
        set_(self, "n_states", S)
        set_(self, "n_actions", A)
        set_(self, "gamma", check_discount(self.gamma))
        set_(self, "lam", check_temperature(self.lam))
        rho = check_simplex("rho", self.rho, S)
        if rho.ndim != 1:
            raise InvalidInputError(f"rho: shape {rho.shape}, expected ({S},)")
        rho.setflags(write=False)
        set_(self, "rho", rho)
        lo, hi = (float(v) for v in self.reward_range)
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise InvalidInputError(
                f"reward_range: {self.reward_range} must be finite with r_min < r_max")
        set_(self, "reward_range", (lo, hi))
        for label, labels, n in (("state_labels", self.state_labels, S),
                                 ("action_labels", self.action_labels, A)):
            if labels is not None and len(labels) != n:
                raise InvalidInputError(f"{label}: {len(labels)} labels for {n} entries")
        # The functions are validated once on two mean fields (rho and uniform) so that a
        # malformed game fails at construction; `transition`/`reward` validate every call,
        # and solvers evaluating at their own iterates call `transition_at`/`reward_at`.
        for mu in (rho, np.full(S, 1.0 / S)):
            self.transition(mu)
            self.reward(mu)
        if self.population_fn is not None:
            self._check_population_fn(self.population_fn, rho)
        if self.structure is not None:
            self.structure.check(self, (rho, np.full(S, 1.0 / S)))

    # -- model -------------------------------------------------------------------------
    def check_mean_field(self, mu, name: str = "mu") -> np.ndarray:
        """``mu`` as a validated (..., S) distribution."""
        return check_simplex(name, mu, self.n_states)

    def transition(self, mu) -> np.ndarray:
        """``P(s'|s, a, mu)``, shape (..., S, A, S), validated (stochastic, finite)."""
        mu = self.check_mean_field(mu)
        return check_transition(f"{self.name}.transition(mu)", self.transition_fn(mu),
                                self.n_states, self.n_actions)

    def reward(self, mu) -> np.ndarray:
        """``r(s, a, mu)``, shape (..., S, A), validated (finite, inside reward_range)."""
        mu = self.check_mean_field(mu)
        return check_reward(f"{self.name}.reward(mu)", self.reward_fn(mu),
                            self.n_states, self.n_actions, self.reward_range)

    def transition_at(self, mu) -> np.ndarray:
        """``transition_fn(mu)`` checked cheaply (finite, non-negative, rows summing to 1
        within ``_validate.sum_tol`` of its dtype: ``_validate.is_stochastic``), returned as
        computed: for the inner loops of algorithms and solvers, which evaluate the game at
        mean fields of their own making (``mu`` itself is not checked; it may be laid out as
        (B, 1, S)). A failure raises the detailed error of ``transition``; data in another
        dtype (float32) take that route too and come back as float64 rows summing to 1."""
        P = self.transition_fn(mu)
        if getattr(P, "dtype", None) == np.float64 and is_stochastic(P, self.n_states,
                                                                     self.n_actions):
            return P
        return check_transition(f"{self.name}.transition(mu)", P, self.n_states,
                                self.n_actions)

    def reward_at(self, mu) -> np.ndarray:
        """``reward_fn(mu)`` checked cheaply (finite, inside ``reward_range``); see
        ``transition_at``."""
        r = self.reward_fn(mu)
        if getattr(r, "dtype", None) == np.float64 and in_range(
                r, self.n_states, self.n_actions, self.reward_range):
            return r
        return check_reward(f"{self.name}.reward(mu)", r, self.n_states, self.n_actions,
                            self.reward_range)

    def population_step(self, mu, pi) -> np.ndarray:
        """``Gamma2(pi, mu)(s') = sum_{s,a} mu(s) pi(a|s) P(s'|s, a, mu)`` for one mean field
        (S,) and policy (S, A), neither checked (solvers' inner loops): the game's factored
        ``population_fn`` when it has one (no (S, A, S) array), else the contraction of
        ``transition_at(mu)``."""
        if self.population_fn is not None:     # checked at rho only: its output must be a
            out = self.population_fn(mu, pi)   # distribution wherever it is evaluated
            if is_distribution(out, self.n_states):
                return out
            return check_simplex(f"{self.name}.population_fn(mu, pi)", out, self.n_states)
        P = self.transition_at(mu)
        return np.einsum("s,sa,sat->t", mu, pi, P)

    def _check_population_fn(self, population_fn: Callable, rho) -> None:
        """The factored step must be Gamma2: compared with the contraction of ``transition``
        at rho under the uniform policy and a skewed one, to rounding (a few ulps of the
        entries, scaled by S A for the summation)."""
        S, A = self.n_states, self.n_actions
        P = self.transition(rho)
        for pi in (np.full((S, A), 1.0 / A), np.eye(A)[np.arange(S) % A]):
            want = np.einsum("s,sa,sat->t", rho, pi, P)
            got = np.asarray(population_fn(rho, pi), dtype=np.float64)
            if got.shape != (S,) or not np.all(np.isfinite(got)):
                raise InvalidInputError(f"population_fn: returned shape {got.shape} or "
                                        f"non-finite values; expected ({S},)")
            err = float(np.abs(got - want).max())
            if err > 64 * S * A * np.finfo(float).eps:
                raise InvalidInputError(f"population_fn: differs from Gamma2 computed from "
                                        f"transition by {err:.3g} at rho")

    # -- derived games -----------------------------------------------------------------
    @property
    def is_normalised(self) -> bool:
        lo, hi = self.reward_range
        return lo >= 0.0 and hi <= 1.0

    @property
    def reward_scale(self) -> float:
        return self.reward_range[1] - self.reward_range[0]

    @property
    def value_scale(self) -> float:
        """``(r_max - r_min + lam log|A|) / (1 - gamma)``: a bound on the spread of the
        regularised values (the entropy bonus lies in [0, lam log|A|] per step), the scale of
        values, advantages and exploitabilities, hence of their tolerances."""
        return float((self.reward_scale + self.lam * np.log(self.n_actions))
                / (1.0 - self.gamma))

    def normalised(self) -> Game:
        """The equivalent game with rewards in [0, 1] (docs/conventions.md, s. 1):
        ``r' = (r - r_min)/scale``, ``lam' = lam/scale``. Same equilibrium; exploitability
        divided by ``scale``. Returns ``self`` if the rewards already lie in [0, 1]."""
        if self.is_normalised:
            return self
        lo, scale, reward_fn = self.reward_range[0], self.reward_scale, self.reward_fn

        def normalised_reward(mu):
            return (reward_fn(mu) - lo) / scale

        structure = None if self.structure is None else self.structure.normalised(lo, scale)
        return dataclasses.replace(
            self, name=f"{self.name}-normalised", lam=self.lam / scale,
            reward_fn=normalised_reward, reward_range=(0.0, 1.0), structure=structure,
            params={**self.params, "normalised_from": self.reward_range},
        )

    def replace(self, **changes) -> Game:
        """A copy with some fields changed (validated again), e.g. ``game.replace(lam=0.01)``."""
        if "gamma" in changes or "lam" in changes:
            updated = {k: changes[k] for k in ("gamma", "lam") if k in changes}
            changes.setdefault("params", {**self.params, **updated})
        if "transition_fn" in changes or "reward_fn" in changes:
            changes.setdefault("structure", None)     # it described the old functions
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        """Plain-data description for reports (JSON-serialisable)."""
        return {
            "name": self.name, "n_states": self.n_states, "n_actions": self.n_actions,
            "gamma": self.gamma, "lam": self.lam, "rho": self.rho.tolist(),
            "reward_range": list(self.reward_range), "params": to_jsonable(self.params),
        }
