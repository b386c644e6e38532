"""A discrete-event simulator of a multi-tenant OpenWhisk-like cluster (SimPy). A SIMULATION.

What is simulated (every number: ``model.py``):

- worker nodes with ``cores`` and ``memory`` (GB);
- containers, one per node slot, each serving one invocation at a time (OpenWhisk's default
  concurrency 1), reserving its function's memory while alive; a new container pays a cold
  start (lognormal, ``model.COLD_START``) before its first invocation; an idle container is
  evicted exactly ``idle_timeout`` seconds after it became idle, unless its function's warm
  target (set by the policy) would be undercut; when memory is short the least recently used
  idle container of any function is evicted to make room (OpenWhisk's container pool does
  the same);
- an invocation takes an idle warm container of its function, else a new container (if the
  function is below its container cap and some node has memory), else waits in its
  function's FIFO queue;
- service time ``base_time (kappa / c + 1 - kappa) (1 + s u^2) * noise``: ``c`` the CPU share the
  invocation gets at its start (weighted max-min fair share of the node's cores among busy
  containers, capped by the container's CPU limit and the function's parallelism), ``u`` the
  share of the node's cores used by the *other* busy containers (plus a fixed background, used
  to calibrate the game), ``s`` the function's interference sensitivity, ``noise`` lognormal
  with mean 1 (or exponential, for the M/M/c checks). Shares are frozen at the start of an
  invocation (no re-sharing while it runs);
- once per control interval the policy (``policies.py``) sets, per function, the CPU limit
  and weight of its containers, the container cap and the warm target; the cluster records
  CPU and memory allocated, containers, and each invocation's arrival, start, end and cold
  flag.

Eviction is lazy but exact: a container whose idle deadline passed is evicted *at* its
deadline (the time recorded and the memory integral use the deadline) whenever the cluster
next looks at it, and at every control tick. ``events`` counts the model's events (arrivals,
service starts and ends, containers ready, control ticks, lazily handled evictions) for the
benchmark's events/s, whatever SimPy events carry them (an arrival has none of its own:
``Cluster._arrivals_start``).
"""

from __future__ import annotations

import bisect
import functools
import math
from dataclasses import dataclass, field

import numpy as np

try:
    import simpy
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("mfgcheck.serverless needs SimPy: pip install 'mfgcheck[serverless]'"
                      ) from exc

from simpy.events import NORMAL, URGENT

from . import model

INF = math.inf


@dataclass
class Allocation:
    """What a policy sets for one function: CPU limit per container (cores; ``None`` = no
    limit, work-conserving), CPU weight (cpu-shares), container cap (``None`` = memory only),
    warm target (containers kept alive and created ahead of demand)."""

    cpu_limit: float | None = None
    cpu_weight: float = 1.0
    cap: int | None = None
    warm_target: int = 0

    def __post_init__(self):
        if self.cpu_limit is not None and not self.cpu_limit > 0:
            raise ValueError(f"cpu_limit: {self.cpu_limit!r} must be > 0 or None")
        if not self.cpu_weight > 0:
            raise ValueError(f"cpu_weight: {self.cpu_weight!r} must be > 0")
        if self.cap is not None and self.cap < 0:
            raise ValueError(f"cap: {self.cap!r} must be >= 0 or None")
        if self.warm_target < 0:
            raise ValueError(f"warm_target: {self.warm_target!r} must be >= 0")


class Container:
    """One container. ``ev``: its one SimPy event, scheduled again for each of its cold start
    and invocations (one at a time), so a service start allocates no event; ``rid``: the
    invocation it serves."""

    __slots__ = ("id", "fn", "node", "busy", "idle_since", "created", "ready", "evicted",
                 "ev", "rid", "on_finish")
    ev: simpy.Event            # set with the cold start (``Cluster._new_container``)
    on_finish: list            # [the callback ending its invocation]

    def __init__(self, cid, fn, node, now):
        self.id, self.fn, self.node = cid, fn, node
        self.busy = True            # starting counts as busy (not evictable, not idle)
        self.idle_since = INF
        self.created = now
        self.ready = INF
        self.evicted = INF
        self.rid = -1


class Node:
    __slots__ = ("index", "cores", "memory", "used", "containers", "running", "peak", "demand")

    def __init__(self, index, cores, memory):
        self.index, self.cores, self.memory = index, float(cores), float(memory)
        self.used = 0.0
        self.peak = 0.0
        self.demand = 0.0          # sum of the running containers' CPU demands
        # insertion-ordered (a dict, not a set of objects ordered by their addresses): the
        # LRU eviction's ties and the sums over a node's containers do not depend on memory
        # layout, so a run gives the same bits in any process
        self.containers: dict[Container, None] = {}
        # container -> (demand, weight, uncontended mean service) of its allocation
        self.running: dict[Container, tuple[float, float, float]] = {}


@dataclass
class SimConfig:
    """Simulator settings beyond the function profiles (defaults: ``model.py``)."""

    n_nodes: int = model.N_NODES
    cores: float = model.NODE_CORES
    memory: tuple = model.NODE_MEMORY_GB          # per node, cycled
    idle_timeout: float = model.IDLE_TIMEOUT_S
    control_interval: float = model.CONTROL_INTERVAL_S
    service: str = "lognormal"                    # or "exponential" (M/M/c checks)
    service_cv: float = model.SERVICE_CV
    interference: dict = field(default_factory=lambda: dict(model.INTERFERENCE))
    cold_start: dict = field(default_factory=lambda: dict(model.COLD_START))
    background: float = 0.0                       # fixed extra interference u (calibration)
    placement: str = "pack"                       # pack | spread | active (ENSURE's set)

    def __post_init__(self):
        if int(self.n_nodes) != self.n_nodes or self.n_nodes < 1:
            raise ValueError(f"n_nodes: {self.n_nodes!r} must be an integer >= 1")
        if not self.cores > 0:
            raise ValueError(f"cores: {self.cores!r} must be > 0")
        if not self.idle_timeout > 0:
            raise ValueError(f"idle_timeout: {self.idle_timeout!r} must be > 0")
        if self.service not in ("lognormal", "exponential"):
            raise ValueError(f"service: {self.service!r}; use lognormal or exponential")
        if self.placement not in ("pack", "spread", "active"):
            raise ValueError(f"placement: {self.placement!r}; use pack, spread or active")
        if not 0.0 <= self.background <= 1.0:
            raise ValueError(f"background: {self.background!r} must lie in [0, 1]")


def percentile_sorted(xs: list[float], q: float) -> float:
    """``np.percentile(xs, q)`` (method "linear") of a sorted, non-empty list of finite
    floats, the same float: NumPy's virtual index ``(n - 1) q / 100``, its fraction ``g`` and
    its interpolation ``b - (b - a)(1 - g)`` if ``g >= 0.5`` else ``a + (b - a) g`` between the
    order statistics around it (``numpy.lib._function_base_impl._quantile``, ``_lerp``);
    the tests compare the two on many lists."""
    n = len(xs)
    v = (n - 1) * (q / 100)
    if v >= n - 1:                   # n == 1 (NumPy: the last value, interpolated with itself)
        return xs[-1]
    i = int(v)                       # floor: v >= 0
    g = v - i
    a, b = xs[i], xs[i + 1]
    d = b - a
    return b - d * (1 - g) if g >= 0.5 else a + d * g


def water_fill(cores: float, demands, weights) -> list[float]:
    """Weighted max-min fair shares of ``cores`` among demands (each share <= its demand;
    unsaturated ones get ``level * weight``); the sum is ``min(cores, sum(demands))``."""
    d = [float(x) for x in demands]
    w = [float(x) for x in weights]
    if sum(d) <= cores:
        return d
    out = [0.0] * len(d)
    order = sorted(range(len(d)), key=lambda i: d[i] / w[i])
    left, wsum = float(cores), sum(w)
    for k, i in enumerate(order):
        level = left / wsum
        if d[i] <= level * w[i]:
            out[i] = d[i]
            left -= d[i]
            wsum -= w[i]
        else:
            for j in order[k:]:
                out[j] = level * w[j]
            break
    return out


class Cluster:
    """The simulated cluster (module docstring). ``run(arrivals, policy)`` drives a day.

    Per invocation it runs as little Python as it can while keeping every event, and every
    random draw, of the plain implementation (issue 13; ``tests/serverless/test_golden.py``
    compares its outputs with those of that implementation bit for bit): the arrivals need
    no SimPy event of their own (``_arrivals_start`` steps the environment up to each); a
    container reschedules its one event for each service; the
    functions' constants and each allocation's CPU demand, weight and uncontended mean
    service time are looked up (``_dw``), not recomputed; a tick's p99 latencies are
    computed on sorted lists (``percentile_sorted``), not by one NumPy call per function."""

    # per-tick windows, (re)started by _state: latencies and arrivals of each function
    _win_lat: list[list[float]]
    _win_count: list[int]

    def __init__(self, functions=model.FUNCTIONS, config: SimConfig | None = None, seed=0):
        self.functions = tuple(functions)
        self.cfg = config or SimConfig()
        # Two streams: one draws every invocation's service noise up front (so an
        # invocation's noise does not depend on the order of events), one the cold starts.
        self.rng, self.rng_cold = (np.random.default_rng(s)
                                   for s in np.random.SeedSequence(seed).spawn(2))
        self._z: list[float] = []
        self._z_pos = 0
        self.env = simpy.Environment()
        mem = self.cfg.memory if isinstance(self.cfg.memory, (tuple, list)) else (self.cfg.memory,)
        self.nodes = [Node(i, self.cfg.cores, mem[i % len(mem)]) for i in range(self.cfg.n_nodes)]
        F = len(self.functions)
        self.alloc = [Allocation() for _ in range(F)]
        self.idle: list[list[Container]] = [[] for _ in range(F)]    # LIFO stacks
        self.queue: list[list[int]] = [[] for _ in range(F)]         # waiting request ids
        self.count = [0] * F                                         # alive containers
        self.starved: list[int] = []                                 # functions waiting memory
        self.active_nodes = self.cfg.n_nodes
        self._cid = 0
        self.events_lazy = 0
        self.core_seconds = 0.0   # CPU used: share x duration summed over invocations
        # container-ready events and ticks; arrivals, starts and finishes are counted at the
        # end from the records (``SimResult.from_cluster``), not one by one
        self.n_events = 0
        self.log_containers: list[tuple] = []   # (id, fn, node, created, evicted) when evicted
        self.cold_start_params = [self.cfg.cold_start[f.runtime] for f in self.functions]
        self.interf = [self.cfg.interference[f.kind] for f in self.functions]
        self.targets = [model.qos_target(f) for f in self.functions]
        self.ticks: list[dict] = []
        self._mem = [f.memory_gb for f in self.functions]
        self._timeout = self.cfg.idle_timeout
        self._background = self.cfg.background
        # per function: (CPU demand, weight, mean service time at that demand) of its
        # allocation (``_demand_weight``), kept up to date by ``set_allocation``
        self._dw = [self._demand_weight(k, a) for k, a in enumerate(self.alloc)]

    def _demand_weight(self, fn, a: Allocation) -> tuple[float, float, float]:
        """CPU demand and weight of ``fn``'s containers under allocation ``a`` (OpenWhisk:
        no limit, cpu-shares = memory), and the mean service time when they get the demand
        (``_start``'s formula with ``share = demand``, the case without contention)."""
        f = self.functions[fn]
        demand = f.parallelism if a.cpu_limit is None else min(a.cpu_limit, f.parallelism)
        weight = f.memory_gb if a.cpu_limit is None else a.cpu_weight
        mean = f.base_time * (f.cpu_fraction / min(demand, f.parallelism) + 1.0 - f.cpu_fraction)
        return demand, weight, mean

    # -- containers ----------------------------------------------------------------------
    def _protected(self, fn) -> bool:
        return self.count[fn] <= self.alloc[fn].warm_target

    def _evict(self, c: Container, when: float) -> None:
        node = c.node
        node.containers.pop(c, None)
        node.used -= self._mem[c.fn]
        self.count[c.fn] -= 1
        c.evicted = when
        self.log_containers.append((c.id, c.fn, node.index, c.created, when))

    def _purge_fn(self, fn, now) -> None:
        """Evict ``fn``'s idle containers whose deadline passed (oldest first), at it."""
        stack = self.idle[fn]
        timeout = self._timeout
        while stack and stack[0].idle_since + timeout <= now and not self._protected(fn):
            c = stack.pop(0)
            self.events_lazy += 1
            self._evict(c, c.idle_since + timeout)

    def purge(self, now) -> None:
        for fn in range(len(self.functions)):
            self._purge_fn(fn, now)

    def _evict_lru_idle(self, need: float, candidates) -> Node | None:
        """Evict least recently used idle containers (any function) on one node of
        ``candidates`` until ``need`` GB fit there; the node, or None."""
        best = None
        for node in candidates:
            idle = [c for c in node.containers if not c.busy]
            if node.memory - node.used + sum(self.functions[c.fn].memory_gb for c in idle) \
                    >= need - 1e-12:
                free_after = node.memory - node.used
                oldest = min((c.idle_since for c in idle), default=INF)
                key = (free_after < need - 1e-12, oldest)
                if best is None or key < best[0]:
                    best = (key, node, idle)
        if best is None:
            return None
        _, node, idle = best
        idle.sort(key=lambda c: c.idle_since)
        now = self.env.now
        for c in idle:
            if node.memory - node.used >= need - 1e-12:
                break
            self.idle[c.fn].remove(c)
            self._evict(c, now)
        return node

    def _candidates(self):
        if self.cfg.placement == "active":
            return self.nodes[:self.active_nodes]
        return self.nodes

    def _place(self, fn) -> Node | None:
        need = self.functions[fn].memory_gb
        cands = self._candidates()
        fits = [n for n in cands if n.memory - n.used >= need - 1e-12]
        if not fits:
            self.purge(self.env.now)   # deadlines that passed free memory at the deadline
            fits = [n for n in cands if n.memory - n.used >= need - 1e-12]
        if not fits and self.cfg.placement == "active" and self.active_nodes < len(self.nodes):
            self.active_nodes += 1          # ENSURE scales out when the active set is full
            return self._place(fn)
        if fits:
            if self.cfg.placement == "pack":
                return fits[0]
            return min(fits, key=lambda n: (self._reserved_cpu(n), n.index))
        return self._evict_lru_idle(need, cands)

    def _reserved_cpu(self, node) -> float:
        return sum(self._cpu_reserved(c) for c in node.containers)

    def _cpu_reserved(self, c) -> float:
        lim = self.alloc[c.fn].cpu_limit
        if lim is None:   # OpenWhisk: cpu-shares = memory; guaranteed cores*m/M under contention
            return c.node.cores * self.functions[c.fn].memory_gb / c.node.memory
        return lim

    def _new_container(self, fn, request=None) -> bool:
        """Create a container of ``fn`` (cold start); it serves ``request`` when ready."""
        node = self._place(fn)
        if node is None:
            return False
        now = self.env.now
        c = Container(self._cid, fn, node, now)
        self._cid += 1
        node.containers[c] = None
        node.used += self._mem[fn]
        node.peak = max(node.peak, node.used)
        if node.used > node.memory + 1e-9:    # the invariant tests rely on
            raise AssertionError(f"node {node.index} over memory: {node.used} > {node.memory}")
        self.count[fn] += 1
        med, sig = self.cold_start_params[fn]
        delay = med * math.exp(sig * self._cold_z())
        # the container's one event: scheduled now for its cold start, then again for each
        # service (one at a time), as a timeout of that delay would be (one event id each)
        c.ev = ev = simpy.Event(self.env)
        ev._ok, ev._value = True, None          # triggered, as a Timeout is
        ev.callbacks = [functools.partial(self._on_ready, c, request)]
        c.on_finish = [functools.partial(self._on_finish, c)]
        self.env.schedule(ev, NORMAL, delay)
        return True

    def _cold_z(self) -> float:
        """Standard normals for cold starts, drawn in blocks from their own stream: blocks of
        16, 32, ... up to 4096 (a calibration cell needs a few; the stream's values do not
        depend on how it is cut into blocks)."""
        if self._z_pos >= len(self._z):
            self._z = self.rng_cold.standard_normal(min(4096, 2 * len(self._z) or 16)).tolist()
            self._z_pos = 0
        self._z_pos += 1
        return self._z[self._z_pos - 1]

    def _ready(self, c, request) -> None:
        self.n_events += 1
        c.ready = self.env.now
        if request is not None:
            self.cold[request] = True
            self._start(c, request)
        else:
            self._release(c)

    # -- invocations -----------------------------------------------------------------------
    def _arrive(self, rid) -> None:
        fn = self.fn_list[rid]
        self._win_count[fn] += 1
        stack = self.idle[fn]
        if stack and stack[0].idle_since + self._timeout <= self.env._now:
            self._purge_fn(fn, self.env._now)       # the oldest idle one's deadline passed
        if stack:
            self._start(stack.pop(), rid)
            return
        cap = self.alloc[fn].cap
        if (cap is None or self.count[fn] < cap) and self._new_container(fn, rid):
            return
        self.queue[fn].append(rid)
        if (cap is None or self.count[fn] < cap) and fn not in self.starved:
            self.starved.append(fn)

    def _start(self, c, rid) -> None:
        c.busy = True
        env = self.env
        self.start[rid] = env._now
        fn = c.fn
        dw = self._dw[fn]
        demand, weight, mean = dw
        node = c.node
        node.running[c] = dw            # (demand, weight, ...): the tuple, not a copy
        cores = node.cores
        total = node.demand = node.demand + demand
        if total <= cores:            # no CPU contention: every container gets its demand
            share, others = demand, total - demand
        else:
            cs = list(node.running)
            vals = list(node.running.values())
            shares = water_fill(cores, [v[0] for v in vals], [v[1] for v in vals])
            share = shares[cs.index(c)]
            others = cores - share
            f = self.functions[fn]
            mean = f.base_time * (f.cpu_fraction / min(share, f.parallelism)
                                  + 1.0 - f.cpu_fraction)
        u = others / cores + self._background
        if u > 1.0:
            u = 1.0
        dur = mean * (1.0 + self.interf[fn] * u * u) * self.noise[rid]
        self.core_seconds += share * dur
        c.rid = rid
        ev = c.ev
        ev.callbacks = c.on_finish        # the list is only read: reused for every service
        env.schedule(ev, NORMAL, dur)

    def _on_ready(self, c, request, _event) -> None:
        self._ready(c, request)

    def _on_finish(self, c, _event) -> None:
        """The end of ``c``'s invocation ``c.rid``, then ``_release(c)`` (its usual case,
        no cap, nothing waiting: the container idles, done here)."""
        rid = c.rid
        now = self.end[rid] = self.env._now
        fn = c.fn
        self._win_lat[fn].append(now - self.arrival_list[rid])
        node = c.node
        node.demand -= node.running.pop(c)[0]
        if self.starved or self.queue[fn] or self.alloc[fn].cap is not None:
            self._release(c)
            return
        c.busy = False
        c.idle_since = now
        self.idle[fn].append(c)

    def _release(self, c) -> None:
        """A container is free: its function's queue first, then a starved function (this
        container is evicted to make room), else it idles."""
        fn = c.fn
        cap = self.alloc[fn].cap
        if cap is not None and self.count[fn] > cap:      # scaled in while it was busy
            self._evict(c, self.env.now)
            if self.queue[fn] and self.count[fn] < cap:   # pragma: no cover - defensive
                self._new_container(fn, self.queue[fn].pop(0))
            return
        if self.queue[fn]:
            self._start(c, self.queue[fn].pop(0))
            return
        while self.starved:
            g = self.starved[0]
            cap = self.alloc[g].cap
            if not self.queue[g] or not (cap is None or self.count[g] < cap):
                self.starved.pop(0)
                continue
            if self._protected(fn):
                break
            self._evict(c, self.env.now)
            rid = self.queue[g].pop(0)
            if not self._new_container(g, rid):
                self.queue[g].insert(0, rid)
                break
            if not self.queue[g]:
                self.starved.pop(0)
            return
        c.busy = False
        c.idle_since = self.env.now
        self.idle[fn].append(c)

    # -- control ---------------------------------------------------------------------------
    def set_allocation(self, fn, alloc: Allocation) -> None:
        """Apply a policy's allocation: scale in (idle containers above the cap go now, busy
        ones when they finish) and create containers up to the warm target."""
        self.alloc[fn] = alloc
        self._dw[fn] = self._demand_weight(fn, alloc)
        stack = self.idle[fn]
        while alloc.cap is not None and self.count[fn] > alloc.cap and stack:
            self._evict(stack.pop(0), self.env.now)
        while self.count[fn] < alloc.warm_target and self._new_container(fn):
            pass

    def _state(self, t) -> dict:
        """What the policy sees at a tick: arrivals in the last interval, p99 latency of the
        invocations finished in it, how many finished and how many of those were slower than
        their function's QoS target (``late``), containers, memory used on the active nodes."""
        F = len(self.functions)
        p99 = np.full(F, np.nan)
        finished = np.zeros(F, dtype=np.int64)
        late = np.zeros(F, dtype=np.int64)
        for k in range(F):
            lat = self._win_lat[k]
            if lat:
                lat.sort()
                p99[k] = percentile_sorted(lat, model.QOS_PERCENTILE)
                finished[k] = len(lat)
                late[k] = len(lat) - bisect.bisect_right(lat, self.targets[k])   # > target
        counts = np.array(self._win_count)
        self._win_count = [0] * F
        self._win_lat = [[] for _ in range(F)]
        act = self.nodes[:self.active_nodes]
        return {"t": t, "counts": counts, "p99": p99, "finished": finished, "late": late,
                "containers": list(self.count),
                "active_nodes": self.active_nodes,
                "active_memory_used": sum(n.used for n in act) / sum(n.memory for n in act)}

    def _record(self, t) -> None:
        F = len(self.functions)
        cpu = [0.0] * F            # Python floats: the same IEEE sums, in the same order
        mem = [0.0] * F
        memf = self._mem
        limits = [a.cpu_limit for a in self.alloc]
        for node in self.nodes:
            if not node.containers:
                continue
            # ``_cpu_reserved`` of each function's containers on this node
            res = [node.cores * memf[k] / node.memory if lim is None else lim
                   for k, lim in enumerate(limits)]
            for c in node.containers:
                fn = c.fn
                cpu[fn] += res[fn]
                mem[fn] += memf[fn]
        self.ticks.append({"t": t, "cpu": np.array(cpu), "memory": np.array(mem),
                           "containers": list(self.count),
                           "nodes_used": sum(1 for n in self.nodes if n.containers)})

    def _arrivals_start(self, times) -> None:
        """Let the invocations at ``times`` arrive: what a SimPy process looping over ``yield
        env.timeout(times[i] - env.now)`` does, event for event, without an event per
        arrival. The loop starts with an urgent event at the current time, as a process's
        initialisation does, and drives the environment from there: after an arrival, the
        next one's timeout would be ``(now + (times[i] - now), NORMAL, a fresh event id)`` in
        SimPy's queue (its key: time, priority, id); every pending event whose key is
        smaller is processed first (``env.step``, in the queue's order, including those they
        schedule), then the clock is set to the arrival's time and it is handled. The same
        events in the same order, hence the same bits; SimPy runs what is left after the
        last arrival. Reads SimPy's queue, id counter and clock (``_queue``, ``_eid``,
        ``_now``): SimPy has no public way to merge an external stream of events."""
        env = self.env
        arrive = self._arrive
        queue = env._queue
        eid = env._eid
        step = env.step
        n = len(times)

        def arrivals(_event):
            pos = 0
            while pos < n:
                now = env._now
                dt = times[pos] - now
                if dt > 0:
                    at = now + dt
                    if queue and queue[0][0] <= at:
                        key = (at, NORMAL, next(eid))        # the arrival's timeout
                        while queue and queue[0] < key:     # (ids differ: no tie left)
                            step()
                    env._now = at                # SimPy's clock: no public setter
                pos += 1
                arrive(pos - 1)

        start = simpy.Event(env)
        start.callbacks.append(arrivals)
        start._ok, start._value = True, None        # triggered, as Initialize is
        env.schedule(start, URGENT)

    def _control_proc(self, policy, horizon, progress=None):
        env = self.env
        dt = self.cfg.control_interval
        # progress every simulated hour (at least 24 times a run), after a tick: no event
        every = max(dt * 60, horizon / 24 if horizon else 1.0)
        report = every
        k = 0
        while True:
            t = k * dt
            if t > horizon:
                return
            if t > env.now:
                yield env.timeout(t - env.now)
            self.n_events += 1
            self.purge(env.now)
            state = self._state(t) if k else None
            if policy is not None:
                for fn, a in enumerate(policy.act(self, state)):
                    if a is not None:
                        self.set_allocation(fn, a)
            self._record(env.now)
            if progress is not None and t >= report:
                progress(t, horizon)
                while report <= t:
                    report += every
            k += 1

    def run(self, times, fns, policy=None, horizon=None, progress=None) -> SimResult:
        """Simulate invocations at ``times`` (sorted, seconds) of functions ``fns`` under
        ``policy`` (``act(cluster, state) -> [Allocation | None per function]``, called at
        t = 0, dt, 2 dt, ...); stops when every invocation finished (or at ``horizon``).
        ``progress(t, horizon)``, if given, is called about every simulated hour (at most
        25 times) and once at the end with ``t = horizon``; it changes no result."""
        times = np.asarray(times, dtype=np.float64)
        fns = np.asarray(fns, dtype=np.int64)
        if times.ndim != 1 or times.shape != fns.shape:
            raise ValueError(f"times, fns: shapes {times.shape}, {fns.shape} must be equal 1-D")
        if times.size and (np.any(np.diff(times) < 0) or times[0] < 0):
            raise ValueError("times: must be sorted and >= 0")
        if fns.size and (fns.min() < 0 or fns.max() >= len(self.functions)):
            raise ValueError(f"fns: values must lie in [0, {len(self.functions) - 1}]")
        n = times.size
        self.arrival, self.fn_of = times, fns
        self.arrival_list, self.fn_list = times.tolist(), fns.tolist()
        F = len(self.functions)
        self._win_count = [0] * F
        self._win_lat = [[] for _ in range(F)]
        self.start = [math.nan] * n
        self.end = [math.inf] * n
        self.cold = [False] * n
        if self.cfg.service == "exponential":
            self.noise = self.rng.standard_exponential(n).tolist()
        else:
            s2 = math.log1p(self.cfg.service_cv ** 2)
            self.noise = np.exp(math.sqrt(s2) * self.rng.standard_normal(n) - s2 / 2).tolist()
        horizon = float(times[-1] if n else 0.0) if horizon is None else float(horizon)
        self._arrivals_start(self.arrival_list)
        self.env.process(self._control_proc(policy, horizon, progress))
        self.env.run()
        if progress is not None:
            progress(horizon, horizon)
        self.purge(self.env.now)
        result = SimResult.from_cluster(self)
        # A cluster sits in reference cycles (a container's reused event calls back into
        # it), which only CPython's full collection frees, and that comes rarely in a process
        # holding many long-lived objects: a report worker kept every simulated day's
        # per-invocation lists (about 200 MB a day) until then, 3 GB at the full profile's
        # peak. They are this run's scratch, copied into ``result``: drop them now.
        for name in _RUN_SCRATCH:
            setattr(self, name, None)
        return result


# ``Cluster.run``'s per-invocation working state (rebuilt by each call)
_RUN_SCRATCH = ("arrival", "fn_of", "arrival_list", "fn_list", "start", "end", "cold", "noise",
                "_win_count", "_win_lat")


@dataclass
class SimResult:
    """Per-invocation records and per-tick resources of one simulation."""

    functions: tuple
    arrival: np.ndarray
    start: np.ndarray
    end: np.ndarray
    fn: np.ndarray
    cold: np.ndarray
    tick_t: np.ndarray
    cpu: np.ndarray          # (ticks, F) cores reserved
    memory: np.ndarray       # (ticks, F) GB reserved
    containers: np.ndarray   # (ticks, F)
    nodes_used: np.ndarray
    container_log: np.ndarray  # (n, 5): id, fn, node, created, evicted (inf: still alive)
    node_memory: np.ndarray
    node_peak: np.ndarray
    events: int
    sim_time: float
    core_seconds: float = 0.0

    @classmethod
    def from_cluster(cls, cl: Cluster) -> SimResult:
        ticks = cl.ticks
        F = len(cl.functions)

        def stack(key):
            return (np.array([t[key] for t in ticks], dtype=np.float64) if ticks
                    else np.zeros((0, F)))

        start, end = np.array(cl.start), np.array(cl.end)
        return cls(
            functions=tuple(f.name for f in cl.functions), arrival=cl.arrival,
            start=start, end=end, fn=cl.fn_of,
            cold=np.array(cl.cold, dtype=bool),
            tick_t=np.array([t["t"] for t in ticks]), cpu=stack("cpu"), memory=stack("memory"),
            containers=stack("containers"),
            nodes_used=np.array([t["nodes_used"] for t in ticks]),
            container_log=np.array(
                cl.log_containers + [(c.id, c.fn, n.index, c.created, INF)
                                     for n in cl.nodes for c in n.containers],
                dtype=np.float64).reshape(-1, 5),
            node_memory=np.array([n.memory for n in cl.nodes]),
            node_peak=np.array([n.peak for n in cl.nodes]),
            events=(cl.n_events + cl.events_lazy + start.size          # + the arrivals
                    + int(np.count_nonzero(~np.isnan(start)))          # + the starts
                    + int(np.count_nonzero(np.isfinite(end)))),        # + the finishes
            sim_time=float(cl.env.now),
            core_seconds=cl.core_seconds)

    @property
    def latency(self) -> np.ndarray:
        return self.end - self.arrival

    @property
    def wait(self) -> np.ndarray:
        return self.start - self.arrival

