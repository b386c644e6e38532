"""Resource-management policies for the simulated cluster: OpenWhisk's default, ENSURE, and
policies of the tabular mean-field game (a SIMULATION; constants in ``model.py``).

A policy has ``placement`` (the simulator's placement rule) and ``act(cluster, state)``,
called once per control interval (``state`` is ``None`` at t = 0, then the last interval's
arrival counts, p99 latencies, containers and memory use); it returns one
``cluster.Allocation`` (or ``None``: unchanged) per function.

- **OpenWhisk default** (paper, appendix E): CPU shares proportional to the requested memory,
  no CPU limit (work-conserving), containers created on demand, placed on as few nodes as
  possible (first fit in node order). Under full contention a container of memory ``m`` on a
  node of memory ``M`` and ``C`` cores is guaranteed ``C m / M`` cores
  (``openwhisk_cpu_guarantee``), which is what we count as its allocated CPU.
- **ENSURE** (Suresh et al., ACSOS 2020, as the paper describes it): ``R + c sqrt(R)``
  containers for a function with load ``R`` (``ensure_containers``). Our reading: ``R`` is the
  offered load in Erlangs, the arrival rate times the mean service time (the arrival rate
  measured per mean service time), as in the square-root staffing rule ENSURE's "concepts from
  operations research" refer to. Within a node, the CPU limit of a function's containers goes
  up by a step when its p99 latency degrades beyond ``(1 + threshold)`` times its isolated
  p99, and down by a step when it shows no degradation (``ensure_cpu``), never above the
  cores the function can use (its parallelism; our reading). Across nodes, the
  active set grows by one node when the active nodes' memory is more than ``high`` used and
  shrinks by one when less than ``low`` (``ensure_nodes``); new containers go to the active
  node with the least reserved CPU.
- **Game policy**: a tabular policy ``pi(a | s)`` of the serverless game (``game.py``) run per
  function: state (load level, allocation level), action down/keep/up, allocation level
  ``l`` -> CPU limit and a warm pool of ``ceil(R + c_l sqrt(R))`` containers
  (``level_allocation``); placement stays OpenWhisk's (pack): the agents set resources only.
"""

from __future__ import annotations

import math

import numpy as np

from . import model
from .cluster import Allocation


# -- formulas (one place; tests check the policies against them) ----------------------------
def openwhisk_cpu_guarantee(memory_gb: float, node_memory_gb: float,
                            cores: float = model.NODE_CORES) -> float:
    """Cores a container is guaranteed under OpenWhisk's memory-proportional CPU shares."""
    return cores * memory_gb / node_memory_gb


def ensure_containers(R: float, c: float = model.ENSURE_C) -> int:
    """ENSURE's container count ``ceil(R + c sqrt(R))`` for load ``R >= 0`` (0 when R = 0)."""
    if not R >= 0:
        raise ValueError(f"R: {R!r} must be >= 0")
    return int(math.ceil(R + c * math.sqrt(R) - 1e-12))


def ensure_cpu(cpu: float, p99: float, isolated: float,
               threshold: float = model.ENSURE_LATENCY_THRESHOLD,
               step: float = model.ENSURE_CPU_STEP, lo_hi=model.ENSURE_CPU_RANGE) -> float:
    """ENSURE's per-node CPU rule: +step if ``p99 > (1 + threshold) isolated``, -step if
    ``p99 <= isolated``, else unchanged; clipped to ``lo_hi``. NaN p99 (no traffic): -step."""
    lo, hi = lo_hi
    if p99 > (1.0 + threshold) * isolated:
        cpu += step
    elif not p99 > isolated:
        cpu -= step
    return min(hi, max(lo, cpu))


def ensure_nodes(active: int, memory_used: float, n_nodes: int,
                 low: float = model.ENSURE_MEMORY_LOW,
                 high: float = model.ENSURE_MEMORY_HIGH) -> int:
    """ENSURE's node rule: +1 above ``high`` memory use, -1 below ``low``, within [1, n]."""
    if memory_used > high:
        return min(n_nodes, active + 1)
    if memory_used < low:
        return max(1, active - 1)
    return active


def offered_load(f: model.FunctionProfile, rate: float, cpu: float) -> float:
    """Erlangs: arrival rate (per s) times the mean service time at ``cpu`` cores."""
    return rate * f.mean_service(cpu)


def level_allocation(f: model.FunctionProfile, rate: float, level: int) -> Allocation:
    """Allocation level ``l`` of the game: CPU limit ``frac_l * parallelism`` and a warm pool
    of ``max(1, ceil(R + c_l sqrt(R)))`` containers (``ensure_containers``), R the offered
    load at that CPU; more containers are created on demand (no cap) and time out after 10
    idle minutes, as OpenWhisk does (and as in the game's calibration)."""
    frac, c = model.ALLOCATION_LEVELS[level]
    cpu = frac * f.parallelism
    n = max(1, ensure_containers(offered_load(f, rate, cpu), c))
    return Allocation(cpu_limit=cpu, cpu_weight=cpu, cap=None, warm_target=n)


# -- policies -------------------------------------------------------------------------------
class OpenWhiskDefault:
    """OpenWhisk's default resource manager (module docstring)."""

    name = "OpenWhisk default"
    placement = "pack"

    def act(self, cluster, state):
        if state is None:
            return [Allocation() for _ in cluster.functions]
        return [None] * len(cluster.functions)


class Ensure:
    """ENSURE (module docstring). ``rates0``: per-function rates used at t = 0."""

    name = "ENSURE"
    placement = "active"

    def __init__(self, rates0, c: float = model.ENSURE_C):
        self.rates0 = np.asarray(rates0, dtype=np.float64)
        self.c = c
        self.cpu = None
        self.isolated: list[float] = []     # each function's isolated p99, set at t = 0

    def act(self, cluster, state):
        F = len(cluster.functions)
        if state is None:
            self.cpu = [1.0] * F
            self.isolated = [model.isolated_p99(f) for f in cluster.functions]
            rates = self.rates0
        else:
            rates = state["counts"] / cluster.cfg.control_interval
            cluster.active_nodes = ensure_nodes(state["active_nodes"],
                                                state["active_memory_used"], len(cluster.nodes))
        out = []
        for k, f in enumerate(cluster.functions):
            if state is not None:
                lo, hi = model.ENSURE_CPU_RANGE
                self.cpu[k] = ensure_cpu(self.cpu[k], state["p99"][k], self.isolated[k],
                                         lo_hi=(lo, min(hi, f.parallelism)))
            n = ensure_containers(offered_load(f, rates[k], self.cpu[k]), self.c)
            out.append(Allocation(cpu_limit=self.cpu[k], cpu_weight=self.cpu[k], cap=None,
                                  warm_target=n))
        return out


class Fixed:
    """The same allocations at every tick (calibration and queueing checks)."""

    name = "fixed"

    def __init__(self, allocations, placement: str = "pack"):
        self.allocations = list(allocations)
        self.placement = placement

    def act(self, cluster, state):
        return self.allocations


class GamePolicy:
    """Runs a tabular policy of the serverless game per function (module docstring).

    ``policy``: (S, A) with S = len(LOAD_LEVELS) * len(ALLOCATION_LEVELS), states ordered
    (load, level) -> load * L + level; actions 0 down, 1 keep, 2 up. ``median_rates``: each
    function's median per-second rate on the training day. ``seed``: the action draws.
    """

    placement = "pack"

    def __init__(self, policy, median_rates, *, name: str = "game policy", seed: int = 0,
                 start_level: int = 2):
        L = len(model.ALLOCATION_LEVELS)
        self.policy = np.asarray(policy, dtype=np.float64)
        S = len(model.LOAD_LEVELS) * L
        if self.policy.shape != (S, 3):
            raise ValueError(f"policy: shape {self.policy.shape}, expected ({S}, 3)")
        self.median = np.asarray(median_rates, dtype=np.float64)
        if np.any(self.median <= 0):
            raise ValueError("median_rates: must be > 0")
        self.name = name
        self.rng = np.random.default_rng(seed)
        self.start_level = start_level
        self.levels: list[int] | None = None

    def states(self, rates) -> list[int]:
        """Each function's game state ``load * L + level`` at the per-second ``rates`` of the
        last interval (the state map the online learner records, ``online.py``)."""
        L = len(model.ALLOCATION_LEVELS)
        assert self.levels is not None            # set at t = 0, before any state exists
        # load level: the rate over the median, binned by LOAD_EDGES (as game.py's)
        load = np.searchsorted(model.LOAD_EDGES, np.asarray(rates) / self.median, side="right")
        return (load * L + np.asarray(self.levels)).tolist()

    def observe(self, state, states) -> None:
        """Called at every tick after the first, before the actions are drawn: the cluster's
        ``state`` of the last interval and the functions' game ``states``. Nothing here; the
        online learner (``online.OnlineNAC``) records its transitions and learns."""

    def allocated(self, states, actions, allocations) -> None:
        """Called at every tick with the drawn actions (``None`` at t = 0) and the allocations
        they set. Nothing here (``online.OnlineNAC`` records them)."""

    def act(self, cluster, state):
        F, L = len(cluster.functions), len(model.ALLOCATION_LEVELS)
        states = actions = None
        if state is None:
            self.levels = [self.start_level] * F
            rates = self.median
        else:
            rates = state["counts"] / cluster.cfg.control_interval
            states = self.states(rates)
            self.observe(state, states)
            u = self.rng.random(F)
            # a_k = the first action whose cumulative probability exceeds u_k (inverse CDF:
            # the number of cumulative sums <= u_k, i.e. searchsorted(..., side="right")),
            # at most 2; every function's row at once, the same row-wise cumulative sums
            cum = np.cumsum(self.policy[states], axis=1)
            actions = np.minimum(np.count_nonzero(cum <= u[:, None], axis=1), 2).tolist()
            self.levels = [min(L - 1, max(0, lv + a - 1)) for lv, a in zip(self.levels, actions)]
        out = [level_allocation(f, max(rates[k], 1e-9), self.levels[k])
               for k, f in enumerate(cluster.functions)]
        self.allocated(states, actions, out)
        return out
