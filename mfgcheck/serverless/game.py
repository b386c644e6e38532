"""The tabular mean-field game of the simulated serverless cluster (a SIMULATION).

One agent per function manages its resources; every agent is a copy of a *representative*
function (the average of the 12 benchmark functions, as the mean-field limit needs
exchangeable agents). Built from the simulator and the training day of the trace:

- state ``s = (x, l)``: load level ``x`` (the last minute's rate over the function's median
  rate, binned by ``model.LOAD_EDGES``: low, mid, high) and allocation level ``l``
  (``model.ALLOCATION_LEVELS``: CPU limit and warm pool, ``policies.level_allocation``);
  index ``s = x * L + l``;
- actions ``a``: 0 scale down, 1 keep, 2 scale up: ``l' = clip(l + a - 1, 0, L - 1)``;
- transition ``P((x', l') | (x, l), a) = K(x' | x) 1{l' = clip(l + a - 1)}``, ``K`` the load
  levels' transition matrix counted on the training day (pooled over functions, one pseudo
  count per entry), independent of the mean field;
- mean field ``mu``: the distribution of (load, allocation) over the functions. It sets the
  contention ``u(mu)``: OpenWhisk packs containers onto nodes by memory, so a node holds the
  busy cores of the memory it hosts, ``u(mu) = min(1, (sum_s mu(s) busy(s)) / (sum_s mu(s)
  mem(s)) * M / C)`` with ``busy(s)`` the mean cores in use (offered load times CPU limit),
  ``mem(s)`` the warm pool's memory, ``M`` the mean node memory and ``C`` its cores;
- reward ``r(s, a, mu) = -v(x, l', u(mu)) - alpha res(x, l')`` with ``v`` the QoS violation
  rate (fraction of invocations slower than the QoS target) of the representative function at
  load ``x`` and allocation ``l'`` under interference ``u``, *simulated* at the grid
  ``model.CONTENTION_GRID`` (``calibrate``) and interpolated linearly in ``u``; ``res`` the
  resources, the mean of CPU reserved and memory reserved each divided by its maximum over the
  table, in [0, 1]; ``alpha = 0.3`` (paper). ``r`` lies in ``[-(1 + alpha), 0]``; theory
  checks use ``Game.normalised()`` (rewards in [0, 1]).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

import numpy as np

from ..games.base import Game
from . import model, policies, trace
from .cluster import Cluster, SimConfig

X, L = len(model.LOAD_LEVELS), len(model.ALLOCATION_LEVELS)
S, A = X * L, 3


@dataclass(frozen=True, eq=False)
class GameData:
    """What the game is built from (``calibrate``); arrays over functions f, loads x, levels l,
    contention grid u."""

    median_rates: np.ndarray      # (F,) per second, training day
    load_transition: np.ndarray   # (X, X)
    load_multiplier: np.ndarray   # (X,) mean rate / median inside each load level
    violation: np.ndarray         # (F, X, L, U)
    busy: np.ndarray              # (F, X, L) cores in use (offered load * CPU limit)
    memory: np.ndarray            # (F, X, L) GB of the warm pool
    cpu: np.ndarray               # (F, X, L) cores reserved by the warm pool
    grid: tuple
    invocations: int
    seed: int

    def to_dict(self) -> dict:
        return {"median_rates": self.median_rates.tolist(),
                "load_transition": self.load_transition.tolist(),
                "load_multiplier": self.load_multiplier.tolist(),
                "violation_mean": self.violation.mean(axis=0).tolist(),
                "grid": list(self.grid), "invocations_per_cell": self.invocations,
                "seed": self.seed}


def _load_statistics(counts: np.ndarray):
    """Median rates, the load levels' transition matrix and mean multipliers of a day
    (counts (F, 1440))."""
    counts = np.asarray(counts, dtype=np.float64)
    median = np.median(counts, axis=1) / 60.0
    if np.any(median <= 0):
        raise ValueError("counts: every function needs a positive median per-minute count")
    ratio = counts / 60.0 / median[:, None]
    levels = np.searchsorted(model.LOAD_EDGES, ratio, side="right")
    K = np.ones((X, X))
    np.add.at(K, (levels[:, :-1].ravel(), levels[:, 1:].ravel()), 1.0)
    K /= K.sum(axis=1, keepdims=True)
    mult = np.array([ratio[levels == x].mean() if np.any(levels == x)
                     else [0.5, 1.0, 2.0][x] for x in range(X)])
    return median, K, mult


def _poisson_times(rng, rate, n, start=5.0):
    return start + np.cumsum(rng.exponential(1.0 / rate, n))


def calibrate(counts_train=None, *, seed: int = model.CALIBRATION_SEED,
              invocations: int = model.CALIBRATION_INVOCATIONS, functions=model.FUNCTIONS,
              grid=model.CONTENTION_GRID) -> GameData:
    """Simulate every (function, load level, allocation level, contention) cell: one node, the
    function alone with its warm pool (``policies.level_allocation``) and Poisson arrivals at
    its level's rate; background interference ``u``; ``invocations`` per cell. The same
    arrivals and seeds across levels and ``u`` (common random numbers).

    Deterministic in its inputs, so computed once per process for the same inputs (the
    report's game section and its experiment both calibrate on the training day): the same
    ``GameData`` object is returned again; do not modify its arrays."""
    counts, key = _calibration_key(counts_train, seed, invocations, functions, grid)
    if key not in _CALIBRATED:
        _CALIBRATED[key] = _calibrate(counts, seed=seed, invocations=invocations,
                                      functions=tuple(functions), grid=tuple(grid))
    return _CALIBRATED[key]


_CALIBRATED: dict = {}


def _calibration_key(counts_train=None, seed: int = model.CALIBRATION_SEED,
                     invocations: int = model.CALIBRATION_INVOCATIONS,
                     functions=model.FUNCTIONS, grid=model.CONTENTION_GRID):
    if counts_train is None:
        counts_train = trace.shipped_trace().day(trace.TRAIN_DAYS[0])
    counts = np.ascontiguousarray(counts_train, dtype=np.float64)
    return counts, (counts.shape, hashlib.sha256(counts.tobytes()).hexdigest(), int(seed),
                    int(invocations), tuple(functions), tuple(float(u) for u in grid))


def is_default(data: GameData) -> bool:
    """Whether ``data`` is ``default_data()``'s calibration (computed in this process from the
    same inputs), without calibrating anything."""
    return _CALIBRATED.get(_calibration_key()[1]) is data


def _calibrate(counts_train, *, seed, invocations, functions, grid) -> GameData:
    median, K, mult = _load_statistics(counts_train)
    F = len(functions)
    viol = np.zeros((F, X, L, len(grid)))
    busy, mem, cpu = (np.zeros((F, X, L)) for _ in range(3))
    for i, f in enumerate(functions):
        target = model.qos_target(f)
        for x in range(X):
            rate = mult[x] * median[i]
            rng = np.random.default_rng([seed, i, x])
            times = _poisson_times(rng, rate, invocations)
            cell_seed = int(rng.integers(2**31))
            for lv in range(L):
                alloc = policies.level_allocation(f, rate, lv)
                limit = alloc.cpu_limit
                assert limit is not None              # a level always sets its CPU limit
                busy[i, x, lv] = policies.offered_load(f, rate, limit) * limit
                mem[i, x, lv] = alloc.warm_target * f.memory_gb
                cpu[i, x, lv] = alloc.warm_target * limit
                for g, u in enumerate(grid):
                    cl = Cluster((f,), SimConfig(n_nodes=1, background=u, memory=(32.0,)),
                                 seed=cell_seed)
                    res = cl.run(times, np.zeros(invocations, dtype=np.int64),
                                 policies.Fixed([alloc]))
                    viol[i, x, lv, g] = np.mean(res.latency > target)
    return GameData(median, K, mult, viol, busy, mem, cpu, tuple(grid), invocations, seed)


@functools.lru_cache(maxsize=4)
def default_data(seed: int = model.CALIBRATION_SEED,
                 invocations: int = model.CALIBRATION_INVOCATIONS) -> GameData:
    """``calibrate`` on the shipped trace's training day (cached per process)."""
    return calibrate(seed=seed, invocations=invocations)


def contention(mu, data: GameData) -> np.ndarray:
    """``u(mu)`` of the module docstring, for mean fields of shape (..., S)."""
    mu = np.asarray(mu, dtype=np.float64)
    busy = data.busy.mean(axis=0).reshape(S)
    mem = data.memory.mean(axis=0).reshape(S)
    node_mem = float(np.mean(model.NODE_MEMORY_GB))
    u = (mu @ busy) / (mu @ mem) * node_mem / model.NODE_CORES
    return np.minimum(1.0, u)


def violation_at(u, data: GameData) -> np.ndarray:
    """Representative violation rate v(x, l, u), shape (..., X, L), linear in u on the grid."""
    u = np.asarray(u, dtype=np.float64)
    v = data.violation.mean(axis=0)                   # (X, L, U)
    grid = np.asarray(data.grid)
    k = np.clip(np.searchsorted(grid, u, side="right") - 1, 0, len(grid) - 2)
    w = ((u - grid[k]) / (grid[k + 1] - grid[k]))[..., None, None]
    lo = np.moveaxis(v[:, :, k], (0, 1), (-2, -1))                  # (..., X, L)
    hi = np.moveaxis(v[:, :, k + 1], (0, 1), (-2, -1))
    return (1.0 - w) * lo + w * hi


# -- the reward, in one place: the game's table and the online learner (online.py) read it --
def resource_scale(data: GameData) -> tuple[float, float]:
    """The maxima over (x, l) of the representative function's (mean over functions) CPU and
    memory reserved by the warm pool: the scale of ``resource_term``."""
    return float(data.cpu.mean(axis=0).max()), float(data.memory.mean(axis=0).max())


def resource_term(cpu, memory, scale: tuple[float, float]):
    """``res = (cpu / cpu_max + memory / memory_max) / 2`` with ``scale = (cpu_max,
    memory_max)`` (``resource_scale``): in [0, 1] for the representative function; a single
    function above the representative's maximum exceeds 1."""
    return 0.5 * (cpu / scale[0] + memory / scale[1])


def reward_value(violation, res, alpha: float = model.ALPHA):
    """The game's reward ``-v - alpha res`` (module docstring), before normalisation."""
    return -(violation + alpha * res)


def resources(data: GameData) -> np.ndarray:
    """res(x, l) in [0, 1]: mean of CPU and memory reserved, each over its table maximum."""
    return resource_term(data.cpu.mean(axis=0), data.memory.mean(axis=0), resource_scale(data))


def cell_reward(data: GameData, f: int, x: int, level: int, g: int,
                alpha: float = model.ALPHA) -> float:
    """The calibrated reward of one cell, function ``f`` alone at load ``x``, allocation
    ``level`` and contention ``data.grid[g]`` (before normalisation); the game's reward is
    the mean over functions of these at the grid points (``reward_value`` is linear)."""
    res = resource_term(data.cpu[f, x, level], data.memory[f, x, level], resource_scale(data))
    return float(reward_value(data.violation[f, x, level, g], res, alpha))


def _next_level(level, action):
    return np.clip(np.asarray(level) + np.asarray(action) - 1, 0, L - 1)


def serverless(gamma: float = model.GAMMA, lam: float = model.LAM, *,
               alpha: float = model.ALPHA, data: GameData | None = None) -> Game:
    """The serverless mean-field game (module docstring), built from ``data`` (default: the
    simulator calibrated on the shipped trace's training day)."""
    if not alpha >= 0:
        raise ValueError(f"alpha: {alpha!r} must be >= 0")
    data = default_data() if data is None else data
    res = resources(data)
    lv = np.arange(L)
    new_level = _next_level(lv[:, None], np.arange(A)[None, :])      # (L, A)
    P = np.zeros((S, A, S))
    for x in range(X):
        for level in range(L):
            for a in range(A):
                for x2 in range(X):
                    P[x * L + level, a, x2 * L + new_level[level, a]] += data.load_transition[x, x2]
    xs = np.repeat(np.arange(X), L)                                  # x of each state
    ls = np.tile(lv, X)
    nl = new_level[ls]                                               # (S, A)
    res_sa = res[xs[:, None], nl]

    def transition(mu):
        mu = np.asarray(mu, dtype=np.float64)
        return np.broadcast_to(P, mu.shape[:-1] + P.shape).copy()

    def reward(mu):
        mu = np.asarray(mu, dtype=np.float64)
        v = violation_at(contention(mu, data), data)                 # (..., X, L)
        return reward_value(v[..., xs[:, None], nl], res_sa, alpha)

    labels = tuple(f"{model.LOAD_LEVELS[x]}/{level}" for x in range(X) for level in range(L))
    return Game(
        name="serverless", n_states=S, n_actions=A, gamma=gamma, lam=lam,
        rho=np.full(S, 1.0 / S), transition_fn=transition, reward_fn=reward,
        reward_range=(-(1.0 + alpha), 0.0), state_labels=labels,
        action_labels=("down", "keep", "up"),
        params=dict(gamma=gamma, lam=lam, alpha=alpha, simulation=True,
                    calibration=data.to_dict()),
    )
