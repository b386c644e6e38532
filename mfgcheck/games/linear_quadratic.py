"""The discrete linear-quadratic game of appendix D.

Dynamics ``s' = s + a dt + sigma eps sqrt(dt)`` and reward
``r(s, a, mu) = (-a^2/2 + q a (mu_bar - s) - kappa/2 (mu_bar - s)^2) dt`` with ``mu_bar`` the
mean state, ``dt = 1``, ``sigma = 1``, ``q = 0.01``, ``kappa = 0.5``, ``|S| = 25`` (paper).

Choices the paper leaves open, ours (following OpenSpiel's ``mean_field_lin_quad``):

- states are positions ``0 .. n_states-1`` on a torus: ``s'`` is taken modulo ``n_states``;
- actions are the integer moves ``-max_move .. max_move`` (7 actions for ``max_move = 3``);
- the noise ``eps`` takes values ``-noise_support .. noise_support`` with probabilities
  ``Phi(k + 1/2) - Phi(k - 1/2)`` renormalised (a discretised N(0, 1));
- the displacement ``a dt + sigma eps sqrt(dt)`` is rounded to the nearest integer;
- ``mu_bar = sum_x x mu(x)`` with positions as numbers (not a circular mean);
- no terminal cost; gamma 0.9, lam 1.0, rho uniform by default.

The transition does not depend on ``mu``; the reward does, through ``mu_bar``. Rewards lie in a
range computed exactly over every ``mu_bar`` in ``[0, n_states - 1]`` (``lq_reward_range``,
also for ``kappa = 0``, where the reward is linear in ``mu_bar``), so the normalised game is
valid for all mean fields.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from .._validate import check_int, check_number
from .base import Game
from .structure import Structure


def _noise(noise_support: int) -> tuple[np.ndarray, np.ndarray]:
    k = np.arange(-noise_support, noise_support + 1)
    p = ndtr(k + 0.5) - ndtr(k - 0.5)
    return k, p / p.sum()


def lq_reward_range(positions, moves, mean_lo: float, mean_hi: float, *, q: float,
                    kappa: float, dt: float) -> tuple[float, float]:
    """Exact min and max over positions x, moves and mean in ``[mean_lo, mean_hi]`` of the
    linear-quadratic stage reward ``(-mv^2/2 + q mv d - kappa/2 d^2) dt`` with ``d = mean - x``.

    For ``kappa > 0`` the reward is a concave quadratic in the mean: its extremes over the
    interval are at the two ends or at the vertex ``x + q mv/kappa`` clipped to it. For
    ``kappa = 0`` it is linear in the mean and only the ends count (there is no vertex). The
    same function serves this module's game and the peers' LQ games (games/peers.py)."""
    s = np.asarray(positions, dtype=float)[:, None]
    a = np.asarray(moves, dtype=float)[None, :]
    means = [np.full_like(s, mean_lo), np.full_like(s, mean_hi)]
    if kappa > 0:
        means.append(np.clip(s + q * a / kappa, mean_lo, mean_hi))
    per_mean = [(-0.5 * a**2 + q * a * (m - s) - 0.5 * kappa * (m - s) ** 2) * dt
                for m in means]
    vals = np.stack(np.broadcast_arrays(*per_mean))
    return float(vals.min()), float(vals.max())


def linear_quadratic(gamma: float = 0.9, lam: float = 1.0, *, n_states: int = 25,
                     max_move: int = 3, dt: float = 1.0, sigma: float = 1.0, q: float = 0.01,
                     kappa: float = 0.5, noise_support: int = 3, rho=None) -> Game:
    """The linear-quadratic game with the paper's parameters as defaults (appendix D)."""
    n_states = check_int("n_states", n_states, minimum=2)
    max_move = check_int("max_move", max_move, minimum=0)
    noise_support = check_int("noise_support", noise_support, minimum=0)
    dt = check_number("dt", dt, gt=0.0)
    sigma, kappa = check_number("sigma", sigma, ge=0.0), check_number("kappa", kappa, ge=0.0)
    q = check_number("q", q)
    moves = np.arange(-max_move, max_move + 1)
    eps, p_eps = _noise(noise_support)
    states = np.arange(n_states)
    P = np.zeros((n_states, moves.size, n_states))
    for j, a in enumerate(moves):
        shift = np.rint(a * dt + sigma * eps * np.sqrt(dt)).astype(int)
        for k, p in zip(shift, p_eps):
            np.add.at(P[:, j, :], (states, (states + k) % n_states), p)
    P.setflags(write=False)
    positions = states.astype(float)
    quad_a = (-0.5 * moves**2 * dt)[None, :]

    def transition(mu):
        # A read-only view, not a copy: the kernel is the same at every mean field, so a
        # batch of B mean fields costs no B copies, and Game.transition_at checks the one
        # block once (_validate._distinct).
        mu = np.asarray(mu, dtype=np.float64)
        return np.broadcast_to(P, mu.shape[:-1] + P.shape)

    def reward(mu):
        mu = np.asarray(mu, dtype=np.float64)
        mu_bar = (mu * positions).sum(axis=-1)  # not BLAS: same bits for any batch size
        d = mu_bar[..., None, None] - positions[:, None]          # (..., S, 1)
        return quad_a + (q * moves * d - 0.5 * kappa * d**2) * dt

    # The same maps in closed form for compiled code (games.structure): the constant kernel,
    # and the reward as a quadratic in d = mu_bar - s (G's rows are the positions).
    S, A = n_states, moves.size
    structure = Structure(
        "constant", P, np.zeros((S, S)), np.tile(positions, (S, 1)), -positions,
        np.stack([np.broadcast_to(quad_a, (S, A)), np.broadcast_to(q * moves * dt, (S, A)),
                  np.full((S, A), -0.5 * kappa * dt)]))
    rho = np.full(n_states, 1.0 / n_states) if rho is None else np.asarray(rho, float)
    return Game(
        name="lq", n_states=n_states, n_actions=moves.size, gamma=gamma, lam=lam, rho=rho,
        transition_fn=transition, reward_fn=reward,
        reward_range=lq_reward_range(positions, moves, 0.0, n_states - 1.0, q=q, kappa=kappa,
                                     dt=dt),
        state_labels=tuple(str(s) for s in states), action_labels=tuple(f"{a:+d}" for a in moves),
        params=dict(gamma=gamma, lam=lam, n_states=n_states, max_move=max_move, dt=dt,
                    sigma=sigma, q=q, kappa=kappa, noise_support=noise_support, torus=True),
        structure=structure,
    )
