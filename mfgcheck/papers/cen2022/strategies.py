"""Hypothesis strategy of random tabular MDPs for Theorem 1 of Cen et al. (2022).

:func:`npg_cases` draws the parameters of a case (:func:`case`): an MDP with 1-4 states and
2-4 actions (Dirichlet transitions, nearly deterministic when the concentration is small;
uniform rewards in [0, 1]), a discount ``gamma`` in [0.05, 0.95], an entropy weight ``tau``
in [0.05, 2] (log scale), a learning rate ``eta`` as a fraction of the largest one Theorem 1
allows, ``(1 - gamma)/tau`` (the fraction 1 is soft policy iteration), an initial policy
(uniform, random logits, or nearly deterministic with logits of scale 10) and ``T = 60``
iterations. Everything random is derived from the drawn ``seed``, so a case is rebuilt from
its ``params`` alone.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from .checks import NPGCase
from .mdp import random_mdp

__all__ = ["npg_cases", "case", "INITS", "T_DEFAULT"]

INITS = ("uniform", "random", "peaked")
T_DEFAULT = 60


def case(*, seed: int, n_states: int, n_actions: int, gamma: float, tau: float,
         eta_fraction: float, init: str = "uniform", concentration: float = 1.0,
         T: int = T_DEFAULT) -> NPGCase:
    """The case these parameters describe (module docstring); the same parameters give the
    same case."""
    if init not in INITS:
        raise ValueError(f"init: {init!r}; choose from {', '.join(INITS)}")
    if not 0 < eta_fraction <= 1:
        raise ValueError(f"eta_fraction: {eta_fraction!r} must lie in (0, 1]")
    mdp = random_mdp(n_states, n_actions, seed, gamma, concentration=concentration)
    rng = np.random.default_rng([seed, 1])  # a stream apart from the MDP's
    scale = {"uniform": 0.0, "random": 1.0, "peaked": 10.0}[init]
    logits = scale * rng.standard_normal((n_states, n_actions))
    params = {"seed": seed, "n_states": n_states, "n_actions": n_actions, "gamma": gamma,
              "tau": tau, "eta_fraction": eta_fraction, "init": init,
              "concentration": concentration, "T": T}
    return NPGCase(mdp, tau, eta_fraction * (1 - gamma) / tau, logits, T, params)


@st.composite
def _cases(draw):
    return case(
        seed=draw(st.integers(0, 2**32 - 1)),
        n_states=draw(st.integers(1, 4)),
        n_actions=draw(st.integers(2, 4)),
        gamma=draw(st.floats(0.05, 0.95)),
        tau=float(np.exp(draw(st.floats(np.log(0.05), np.log(2.0))))),
        eta_fraction=draw(st.one_of(st.just(1.0), st.floats(0.02, 1.0))),
        init=draw(st.sampled_from(INITS)),
        concentration=draw(st.sampled_from((0.1, 1.0, 10.0))),
    )


def npg_cases():
    """A Hypothesis strategy of :class:`~.checks.NPGCase` (module docstring)."""
    return _cases()
