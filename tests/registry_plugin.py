"""A test-only plugin: a throwaway claim and a throwaway game registered through the public
registry, as an external package would (tests/test_registry.py and the migration tests load
it through a simulated entry point or call ``register()``). No package file names it.

The claim is a true statement with an exact check: for a distribution p on n >= 2 points,
``max(p) >= 1/n`` (the largest of n numbers summing to 1 is at least their mean); its theory
(statement, one numeric step) is tests/registry_plugin_theory.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mfgcheck import registry

CLAIM_ID = "throwaway.claim1"
GAME_NAME = "throwaway_game"


@dataclass(frozen=True, eq=False)
class Case:
    """A distribution ``p`` (the instance the throwaway check takes)."""

    p: np.ndarray

    def to_dict(self) -> dict:
        return {"kind": "throwaway", "p": self.p.tolist()}


def cases():
    """A Hypothesis strategy of ``Case``: distributions of 2-5 points."""
    from mfgcheck.properties import strategies

    return strategies.distributions(min_size=2, max_size=5).map(Case)


def check_throwaway_claim1(case: Case, *, bound=None):
    """``max(p) >= 1/n`` (``bound`` replaces ``1/n``: a number, or a callable of ``n`` as the
    hunter passes it)."""
    from mfgcheck.properties import Evidence

    n = case.p.size
    rhs = 1.0 / n if bound is None else float(bound(n=n) if callable(bound) else bound)
    return Evidence(CLAIM_ID, CLAIM_ID, rhs, float(case.p.max()), "<=",
                    instance=case.to_dict())


def tiny_game(n_states: int = 3, n_actions: int = 2, seed: int = 7, gamma: float = 0.5,
              lam: float = 0.3):
    """A small random game under its own name (the throwaway game)."""
    import dataclasses

    from mfgcheck.games import random_game

    return dataclasses.replace(random_game(n_states, n_actions, seed, gamma=gamma, lam=lam),
                               name=GAME_NAME)


CLAIM = registry.ClaimSpec(
    CLAIM_ID, "throwaway", "Throwaway claim 1", "the largest of n probabilities is >= 1/n",
    "tests.registry_plugin_theory",
    (registry.CheckSpec(CLAIM_ID, "tests.registry_plugin:check_throwaway_claim1",
                        "tests.registry_plugin:cases"),))
GAME = registry.GameSpec(GAME_NAME, "tests.registry_plugin:tiny_game", {"n_states": 3},
                         "a throwaway 3-state game (tests only)")


def register() -> None:
    """The entry point's callable: registers the claim and the game."""
    registry.register_claim(CLAIM)
    registry.register_game(GAME)


def broken() -> None:
    """An entry point that fails to load (the registry reports it)."""
    raise RuntimeError("this plugin is broken on purpose")
