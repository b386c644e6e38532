"""The SIS epidemic game of appendix D.

States ``0 = S`` (susceptible), ``1 = I`` (infected); actions ``0 = D`` (social distancing),
``1 = U`` (going out). Appendix D:

- ``P(I | S, D, mu) = 0``; ``P(I | S, U, mu) = infection_rate * mu(I)`` (0.92 in the paper);
- ``P(S | I, a, mu) = recovery_rate`` (0.3) for both actions;
- ``r(s, a, mu) = -infected_cost * 1{s = I} - distancing_cost * 1{a = D}`` (1 and 0.5).

Rewards lie in ``[-(infected_cost + distancing_cost), 0]``; theory checks use
``Game.normalised()``. The paper does not state ``gamma``, ``lam`` or ``rho``; our defaults
(gamma 0.9, lam 0.1, rho uniform) are documented here and in every report.

Peers differ: MFGLib's SIS uses infection rate 0.81, a finite horizon, no discount or
regularisation, and numbers the actions the other way round (see numerics.finite_horizon).
"""

from __future__ import annotations

import numpy as np

from .._validate import InvalidInputError, check_number
from .base import Game

SUSCEPTIBLE, INFECTED = 0, 1
DISTANCE, GO_OUT = 0, 1


def sis(gamma: float = 0.9, lam: float = 0.1, *, infection_rate: float = 0.92,
        recovery_rate: float = 0.3, infected_cost: float = 1.0, distancing_cost: float = 0.5,
        rho=(0.5, 0.5)) -> Game:
    """The SIS game with the paper's parameters as defaults (appendix D)."""
    for name, v in (("infection_rate", infection_rate), ("recovery_rate", recovery_rate)):
        check_number(name, v, ge=0.0, le=1.0)
    for name, v in (("infected_cost", infected_cost), ("distancing_cost", distancing_cost)):
        check_number(name, v, ge=0.0)
    if infected_cost + distancing_cost == 0:
        raise InvalidInputError("infected_cost, distancing_cost: both 0 (the game has no "
                                "reward)")

    def transition(mu):
        mu = np.asarray(mu, dtype=np.float64)
        P = np.zeros(mu.shape[:-1] + (2, 2, 2))
        p_inf = infection_rate * mu[..., INFECTED]
        P[..., SUSCEPTIBLE, DISTANCE, SUSCEPTIBLE] = 1.0
        P[..., SUSCEPTIBLE, GO_OUT, INFECTED] = p_inf
        P[..., SUSCEPTIBLE, GO_OUT, SUSCEPTIBLE] = 1.0 - p_inf
        P[..., INFECTED, :, SUSCEPTIBLE] = recovery_rate
        P[..., INFECTED, :, INFECTED] = 1.0 - recovery_rate
        return P

    base_reward = np.array([[-distancing_cost, 0.0],
                            [-infected_cost - distancing_cost, -infected_cost]])

    def reward(mu):
        mu = np.asarray(mu, dtype=np.float64)
        return np.broadcast_to(base_reward, mu.shape[:-1] + (2, 2)).copy()

    return Game(
        name="sis", n_states=2, n_actions=2, gamma=gamma, lam=lam, rho=np.asarray(rho, float),
        transition_fn=transition, reward_fn=reward,
        reward_range=(-(infected_cost + distancing_cost), 0.0),
        state_labels=("S", "I"), action_labels=("D", "U"),
        params=dict(gamma=gamma, lam=lam, infection_rate=infection_rate,
                    recovery_rate=recovery_rate, infected_cost=infected_cost,
                    distancing_cost=distancing_cost, rho=list(rho)),
    )
