"""Random games whose transition and reward depend smoothly on the mean field.

``P(.|s, a, mu) = softmax(L[s, a, :] + transition_coupling * (H mu))`` and
``r(s, a, mu) = (1 - reward_coupling) B[s, a] + reward_coupling * (G mu)[s]`` with
``L, H`` standard normal (``L`` scaled by ``logit_scale``), ``B, G`` uniform on [0, 1].
Since ``mu`` is a distribution, ``(G mu)[s]`` lies in [0, 1], so ``r`` lies in [0, 1] for
every mu: the theory's setting, no normalisation needed. Both maps are smooth (analytic) in
mu; the couplings set how strongly, hence the Lipschitz constants of Assumption 3.
"""

from __future__ import annotations

import numpy as np

from .._validate import check_int, check_number
from .base import Game
from .structure import Structure


def random_game_arrays(n_states: int, n_actions: int, seed: int, logit_scale: float):
    """The game's data ``(L, H, B, G)`` (module docstring) for a seed: what ``random_game``
    builds its maps from, and what a high-precision re-implementation of those maps reads
    (properties/replay.py)."""
    rng = np.random.default_rng(seed)
    L = logit_scale * rng.standard_normal((n_states, n_actions, n_states))
    H = rng.standard_normal((n_states, n_states))
    B = rng.uniform(size=(n_states, n_actions))
    G = rng.uniform(size=(n_states, n_states))
    return L, H, B, G


def random_game(n_states: int, n_actions: int, seed: int = 0, *, gamma: float = 0.9,
                lam: float = 0.1, transition_coupling: float = 1.0,
                reward_coupling: float = 0.5, logit_scale: float = 1.0, rho=None) -> Game:
    """A random game with rewards in [0, 1]; the same seed gives the same game."""
    n_states = check_int("n_states", n_states, minimum=1)
    n_actions = check_int("n_actions", n_actions, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    reward_coupling = check_number("reward_coupling", reward_coupling, ge=0.0, le=1.0)
    transition_coupling = check_number("transition_coupling", transition_coupling)
    logit_scale = check_number("logit_scale", logit_scale)
    L, H, B, G = random_game_arrays(n_states, n_actions, seed, logit_scale)

    def transition(mu):
        mu = np.asarray(mu, dtype=np.float64)
        # einsum, not BLAS matmul: a run gives the same bits alone or inside a batch.
        logits = L + transition_coupling * np.einsum("...j,ij->...i", mu, H)[..., None, None, :]
        logits -= logits.max(axis=-1, keepdims=True)
        P = np.exp(logits)
        P /= P.sum(axis=-1, keepdims=True)
        return P

    def reward(mu):
        mu = np.asarray(mu, dtype=np.float64)
        crowd = np.einsum("...j,ij->...i", mu, G)
        return (1.0 - reward_coupling) * B + reward_coupling * crowd[..., :, None]

    # Gamma2 factored: P(s'|s,a,mu) = E[s,a,s'] u(s') / Z[s,a] with E = exp(L - max_s' L) and
    # u = exp(c H mu - max), Z = E u; so Gamma2(pi, mu) = u * ((mu pi / Z) E): two
    # matrix-vector products, no (S, A, S) exponentials (the softmax's shifts cancel).
    E = np.exp(L - L.max(axis=-1, keepdims=True)).reshape(n_states * n_actions, n_states)

    def population(mu, pi):
        h = transition_coupling * (H @ mu)
        u = np.exp(h - h.max())
        w = (mu[:, None] * pi).reshape(-1) / (E @ u)
        return (w @ E) * u

    # The same maps in closed form for compiled code (games.structure): the factored softmax
    # (E above) and the reward affine in the statistic G mu.
    structure = Structure(
        "softmax", E.reshape(n_states, n_actions, n_states), transition_coupling * H, G,
        np.zeros(n_states), np.stack([(1.0 - reward_coupling) * B,
                                      np.full_like(B, reward_coupling), np.zeros_like(B)]))
    rho = np.full(n_states, 1.0 / n_states) if rho is None else np.asarray(rho, float)
    return Game(
        name=f"random-{n_states}x{n_actions}-seed{seed}", n_states=n_states, n_actions=n_actions,
        gamma=gamma, lam=lam, rho=rho, transition_fn=transition, reward_fn=reward,
        reward_range=(0.0, 1.0), population_fn=population, structure=structure,
        params=dict(n_states=n_states, n_actions=n_actions, seed=seed, gamma=gamma, lam=lam,
                    transition_coupling=transition_coupling, reward_coupling=reward_coupling,
                    logit_scale=logit_scale),
    )
