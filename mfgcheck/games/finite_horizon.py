"""The finite-horizon objective laid over a ``Game``: what the peers (MFGLib, OpenSpiel) and the
paper's episodic simulations optimise (a game-level description, no computation).

``FiniteHorizonSpec`` says how many decision steps, the discount and entropy weight of the
objective, the initial distribution, and the stage and terminal rewards as functions of the
mean-field flow. ``numerics.finite_horizon`` computes flows, values and exploitability for a
``Game`` and a spec; ``games.peers`` builds the peers' games as a ``Game`` and a spec.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._validate import InvalidInputError, check_simplex

FlowFn = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True, eq=False)
class FiniteHorizonSpec:
    """The finite-horizon objective laid over a ``Game``.

    - ``horizon``: number of decision steps H >= 1 (policies are (H, S, A), flows (H+1, S)).
    - ``gamma``: discount in (0, 1]; 1 is the peers' undiscounted sum.
    - ``lam``: entropy weight >= 0; 0 is the peers' unregularised objective.
    - ``rho``: initial distribution (default ``game.rho``).
    - ``stage_reward``: ``flow (H+1, S) -> (H, S, A)``, the reward of step h; default
      ``game.reward_fn(flow[:H])`` (step h's reward at mu_h, checked against reward_range).
    - ``terminal_reward``: ``flow (H+1, S) -> (S,)``, the reward ``g(s_H)`` at the final
      state; default none (0).
    - ``description``: plain-language statement of the conventions, for reports.
    """

    horizon: int
    gamma: float = 1.0
    lam: float = 0.0
    rho: np.ndarray | None = None
    stage_reward: FlowFn | None = None
    terminal_reward: FlowFn | None = None
    description: str = ""

    def __post_init__(self):
        H = self.horizon
        if isinstance(H, bool) or not isinstance(H, (int, np.integer)) or H < 1:
            raise InvalidInputError(f"horizon: {H!r} must be an integer >= 1")
        object.__setattr__(self, "horizon", int(H))
        g = float(self.gamma)
        if not (0.0 < g <= 1.0):
            raise InvalidInputError(f"gamma: {self.gamma} is not in (0, 1]")
        object.__setattr__(self, "gamma", g)
        lam = float(self.lam)
        if not (math.isfinite(lam) and lam >= 0.0):
            raise InvalidInputError(f"lam: {self.lam} must be a finite number >= 0")
        object.__setattr__(self, "lam", lam)
        for name in ("stage_reward", "terminal_reward"):
            fn = getattr(self, name)
            if fn is not None and not callable(fn):
                raise InvalidInputError(f"{name}: {fn!r} is not callable")

    def initial_distribution(self, game) -> np.ndarray:
        if self.rho is None:
            return game.rho
        rho = check_simplex("spec.rho", self.rho, game.n_states)
        if rho.ndim != 1:
            raise InvalidInputError(f"spec.rho: shape {rho.shape}, expected ({game.n_states},)")
        return rho
