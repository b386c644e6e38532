"""The drawn instances the checks take: small frozen records with a JSON ``to_dict()``.

=======================  ===============================================  ===================
instance                 what it holds                                    checked by
=======================  ===============================================  ===================
``BestResponseCase``     a game and a mean field mu                       Lemma 3
``PolicyCase``           a policy (rows on the simplex)                   Lemma 3 (entropy)
``KLTriple``             distributions x, y, z (floors alpha1, alpha2)    Lemma 4
``MeanFieldPairCase``    a game and two mean fields mu, mu'               Lemma 6
``NACRunCase``           a game, features and Algorithm 1's settings      Lemmas 1, 2, 5, 7, 8
``RateCase``             a game, features and a policy, for K sweeps      Propositions 1, 2
=======================  ===============================================  ===================

``to_dict()`` gives everything needed to rebuild the case (games by ``random_game(**params)``
for random games, arrays as lists); the tightness files store it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..games import Game

if TYPE_CHECKING:
    from ..algorithms.oracle import OracleConfig


def _arr(x) -> list:
    return np.asarray(x, dtype=np.float64).tolist()


def rebuild_game(description: dict) -> Game:
    """The game a ``Game.to_dict()`` came from, normalised if it was: the registered game
    (``mfgcheck.registry``) whose name the description's name is, or starts with followed by
    ``-`` (``random-5x3-seed0``), built from the recorded ``params`` its factory takes. The
    rebuilt game must record the same ``params``, otherwise this is an error (a game whose
    parameters do not determine it, such as one built from data, cannot be rebuilt)."""
    from .. import registry

    params = dict(description["params"])
    normalised = params.pop("normalised_from", None) is not None
    name = description["name"].removesuffix("-normalised")
    matches = [g for g in registry.games().values()
               if name == g.name or name.startswith(g.name + "-")]
    if not matches:
        raise ValueError(f"rebuild_game: no registered game for a game named {name!r}; "
                         f"registered: {', '.join(registry.games())}")
    spec = max(matches, key=lambda g: len(g.name))
    known = spec.parameters()
    game = spec.build(**{k: v for k, v in params.items() if known is None or k in known})
    if game.to_dict()["params"] != {k: v for k, v in description["params"].items()
                                     if k != "normalised_from"}:
        raise ValueError(f"rebuild_game: {name!r} rebuilt from its params records other "
                         f"params: {game.to_dict()['params']}")
    return game.normalised() if normalised else game


@dataclass(frozen=True, eq=False)
class BestResponseCase:
    """Lemma 3: the soft best response to ``mu`` in ``game``."""

    game: Game
    mu: np.ndarray

    def to_dict(self) -> dict:
        return {"kind": "best_response", "game": self.game.to_dict(), "mu": _arr(self.mu)}


@dataclass(frozen=True, eq=False)
class PolicyCase:
    """A policy of shape (S, A)."""

    policy: np.ndarray

    def to_dict(self) -> dict:
        return {"kind": "policy", "policy": _arr(self.policy)}


@dataclass(frozen=True, eq=False)
class KLTriple:
    """Lemma 4: distributions ``x, y`` (entries >= ``floor_xy``) and ``z`` (>= ``floor_z``).

    The checks use the largest valid floors, ``alpha1 = min(x, y)`` and ``alpha2 = min(z)``
    (the smallest bound the lemma allows); the drawn floors are recorded."""

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    floor_xy: float = 0.0
    floor_z: float = 0.0

    @property
    def alpha1(self) -> float:
        return float(min(self.x.min(), self.y.min()))

    @property
    def alpha2(self) -> float:
        return float(self.z.min())

    def to_dict(self) -> dict:
        return {"kind": "kl_triple", "x": _arr(self.x), "y": _arr(self.y), "z": _arr(self.z),
                "floor_xy": self.floor_xy, "floor_z": self.floor_z}


@dataclass(frozen=True, eq=False)
class MeanFieldPairCase:
    """Lemma 6: two mean fields ``mu, mu_other`` of ``game``."""

    game: Game
    mu: np.ndarray
    mu_other: np.ndarray

    def to_dict(self) -> dict:
        return {"kind": "mean_field_pair", "game": self.game.to_dict(), "mu": _arr(self.mu),
                "mu_other": _arr(self.mu_other)}


@dataclass(frozen=True, eq=False)
class NACRunCase:
    """A run of Algorithm 1 (single-loop NAC) to drive with ``nac_step``.

    ``eta``/``beta`` are constant step sizes (Theorem 1's choice), ``R`` the actor radius,
    ``T`` the number of iterations, ``oracle`` a mode (``"exact"``, ``"sampled"``,
    ``"exact_critic"``, ``"exact_actor"``) or an ``algorithms.oracle.OracleConfig`` (for the
    sample sizes), ``seed`` the RNG seed (``numpy.random.default_rng(seed)``)."""

    game: Game
    features: np.ndarray
    R: float
    eta: float
    beta: float
    T: int
    oracle: str | OracleConfig = "exact"
    seed: int = 0

    def to_dict(self) -> dict:
        oracle = self.oracle if isinstance(self.oracle, str) else self.oracle.to_dict()
        return {"kind": "nac_run", "game": self.game.to_dict(), "features": _arr(self.features),
                "R": self.R, "eta": self.eta, "beta": self.beta, "T": self.T,
                "oracle": oracle, "seed": self.seed}


@dataclass(frozen=True, eq=False)
class RateCase:
    """Propositions 1 and 2: estimate the critic/actor of ``policy`` at ``mu`` with ``K``
    inner iterations for each ``K`` in ``Ks``, averaged over ``seeds``."""

    game: Game
    features: np.ndarray
    policy: np.ndarray
    mu: np.ndarray
    Ks: tuple[int, ...]
    seeds: tuple[int, ...]
    R: float = 10.0

    def exact_model(self):
        """``(phi, pi, mu, P, r, Q)``: validated features, policy and mean field, the model at
        ``mu`` and the exact ``Q^{pi}_mu`` (numerics.mdp), shared by Propositions 1 and 2."""
        from ..numerics import mdp, validate_policy

        game = self.game
        pi = validate_policy(game, self.policy)
        mu = game.check_mean_field(self.mu)
        P, r = game.transition(mu), game.reward(mu)
        _, Q = mdp.evaluate_policy(P, r, pi, game.gamma, game.lam)
        return np.asarray(self.features, np.float64), pi, mu, P, r, Q

    def to_dict(self) -> dict:
        return {"kind": "rate", "game": self.game.to_dict(), "features": _arr(self.features),
                "policy": _arr(self.policy), "mu": _arr(self.mu), "Ks": list(self.Ks),
                "seeds": list(self.seeds), "R": self.R}
