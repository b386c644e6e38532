"""Every number of the simulated serverless cluster, in one place (a SIMULATION of appendix E).

The paper (appendix E) ran 12 benchmark functions on a real OpenWhisk cluster of 21 worker
nodes (8 cores, 16-32 GB RAM each) on IBM Cloud, replaying Azure Functions traces, and measured
latencies with FaaSProfiler. We cannot run OpenWhisk here, so ``mfgcheck.serverless`` simulates
that cluster. This module is the single table of the simulation's choices. Each entry is
labelled with where it comes from:

- ``paper``: stated in appendix E of Mao et al. (NeurIPS 2022);
- ``assumed``: our modelling choice; where a public source gives the order of magnitude it is
  named, but no number below was measured by us or by the paper;
- ``reading``: our reading of a description the paper gives only in words.

``docs/serverless.md`` prints this table (``modelling_table()``); the report embeds it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

# -- the cluster (paper) --------------------------------------------------------------------
N_NODES = 21                      # paper: 21 worker nodes (plus a master we do not model)
NODE_CORES = 8.0                  # paper: "All nodes have 8 cores"
NODE_MEMORY_GB = (16.0, 32.0)     # paper: "16-32GB RAM"; assumed: nodes alternate 16, 32 GB
IDLE_TIMEOUT_S = 600.0            # paper: containers evicted after 10 idle minutes
QOS_RELAXATION = 0.15             # paper: QoS target = isolated p99 latency * (1 + 15%)
QOS_PERCENTILE = 99.0             # paper: the 99th percentile latency
ALPHA = 0.3                       # paper: reward coefficient alpha = 0.3
N_FUNCTIONS = 12                  # paper: the 12 benchmark functions listed below

# -- the control loop (assumed) -------------------------------------------------------------
CONTROL_INTERVAL_S = 60.0         # assumed: policies act once per trace minute (trace schema)

# -- cold starts (assumed) ------------------------------------------------------------------
# Lognormal cold-start latency (container creation + runtime init + code pull), by runtime.
# Order of magnitude from published OpenWhisk/Lambda measurements (Wang et al., "Peeking
# behind the curtains of serverless platforms", USENIX ATC 2018; Manner et al., "Cold start
# influencing factors in Function as a Service", 2018): a few hundred ms for Python, about
# twice that for Java. (median seconds, sigma of log)
COLD_START = {"python": (0.45, 0.35), "java": (0.9, 0.35)}

# -- contention (assumed) -------------------------------------------------------------------
# CPU: at the start of an invocation the node's cores are shared among the busy containers by
# weighted max-min fairness (CFS with cpu-shares), each capped by its CPU limit and by the
# function's parallelism; the share is frozen for that invocation (no re-sharing mid-run).
# Interference (memory bandwidth, caches, disk/network): service time x (1 + s * u^2),
# u = cores used by the other busy containers on the node / node cores, capped at 1; quadratic
# so that interference is mild at low utilisation and steep near saturation.
INTERFERENCE = {"cpu": 0.25, "memory": 0.6, "io": 0.45, "data": 0.7}
SERVICE_CV = 0.25                 # assumed: lognormal service-time noise, mean 1, CV 0.25

# -- baselines (reading/assumed) ------------------------------------------------------------
ENSURE_C = 2.0                    # assumed: ENSURE's QoS parameter c in R + c sqrt(R)
ENSURE_LATENCY_THRESHOLD = 0.10   # assumed: scale CPU up when p99 > (1 + 0.10) isolated p99
ENSURE_CPU_STEP = 0.25            # assumed: cores added/removed per container per step
ENSURE_CPU_RANGE = (0.5, 2.0)     # assumed: CPU limit per container, cores
ENSURE_MEMORY_HIGH = 0.80         # assumed: add a node when active nodes' memory > 80% used
ENSURE_MEMORY_LOW = 0.40          # assumed: release a node when < 40% used
OPENWHISK_MEMORY_PER_CORE_GB = None  # reading: cpu-shares = memory; guarantee = cores*m/M

# -- the mean-field game abstraction (assumed) ----------------------------------------------
LOAD_LEVELS = ("low", "mid", "high")          # per-minute rate / function's median rate
LOAD_EDGES = (0.7, 1.5)                       # assumed bin edges of that ratio
# Allocation levels: (CPU limit as a fraction of the function's parallelism, c of the warm
# pool ceil(R + c sqrt(R)) for offered load R); containers beyond it are created on demand.
ALLOCATION_LEVELS = ((0.5, 0.0), (0.75, 1.0), (1.0, 2.0), (1.0, 3.0))
CONTENTION_GRID = (0.0, 0.5, 1.0)             # u values the violation table is simulated at
CALIBRATION_INVOCATIONS = 300                 # per (function, load, level, u) cell
CALIBRATION_SEED = 0
GAMMA = 0.9                                   # assumed (the paper's NAC used 0.99)
LAM = 0.05                                    # assumed entropy weight


@dataclass(frozen=True)
class FunctionProfile:
    """One benchmark function (names and resource classes: paper; numbers: assumed).

    ``base_time``: mean service time in seconds with one full core and no contention;
    ``cpu_fraction``: part of it that scales with the CPU share (the rest is I/O or waiting);
    ``parallelism``: cores the function can use; ``memory_gb``: container memory request;
    ``kind``: the paper's class (cpu, memory, io, data), selecting ``INTERFERENCE``;
    ``runtime``: python or java (cold start); ``median_rate``: median invocations per second
    of its synthetic trace (heavy-tailed across functions).
    """

    name: str
    kind: str
    base_time: float
    cpu_fraction: float
    parallelism: float
    memory_gb: float
    runtime: str
    median_rate: float

    @property
    def interference(self) -> float:
        return INTERFERENCE[self.kind]

    def mean_service(self, cpu: float = 1.0, u_other: float = 0.0) -> float:
        """Mean service time at CPU share ``cpu`` and interference level ``u_other``."""
        c = min(cpu, self.parallelism)
        u = min(u_other, 1.0)
        return (self.base_time * (self.cpu_fraction / c + 1.0 - self.cpu_fraction)
                * (1.0 + self.interference * u * u))


# Kinds: paper ("Image-Resize and Image-Inference are computation-intensive; Base64 and
# Markdown2HTML memory-intensive; Uploader and Compression I/O-bound; Page-Rank and
# Graph-BFT/MST data-intensive"). Sentiment-Analysis and HTML-Gen are not classified by the
# paper: assumed cpu and memory. Times and memory: assumed, of the order reported for the
# same kinds of functions by SeBS (Copik et al., Middleware 2021) and FaaSProfiler (Shahrad et
# al., MICRO 2019). Rates: assumed (synthetic trace, heavy-tailed, trace.py).
FUNCTIONS = (
    FunctionProfile("Base64", "memory", 0.05, 0.6, 1.0, 0.25, "python", 2.0),
    FunctionProfile("Primes", "cpu", 1.2, 0.95, 1.0, 0.25, "python", 0.25),
    FunctionProfile("Markdown2HTML", "memory", 0.04, 0.6, 1.0, 0.25, "python", 3.0),
    FunctionProfile("Sentiment-Analysis", "cpu", 0.15, 0.85, 1.0, 0.5, "python", 1.0),
    FunctionProfile("Image-Resize", "cpu", 0.3, 0.9, 1.0, 0.5, "python", 0.8),
    FunctionProfile("HTML-Gen", "memory", 0.08, 0.5, 1.0, 0.25, "python", 1.5),
    FunctionProfile("Uploader", "io", 0.4, 0.15, 1.0, 0.25, "python", 0.6),
    FunctionProfile("Compression", "io", 0.6, 0.45, 1.0, 0.5, "python", 0.3),
    FunctionProfile("Image-Inference", "cpu", 1.0, 0.9, 2.0, 1.0, "python", 0.35),
    FunctionProfile("PageRank", "data", 1.5, 0.8, 1.0, 1.0, "java", 0.12),
    FunctionProfile("Graph-BFS", "data", 0.5, 0.8, 1.0, 0.5, "java", 0.4),
    FunctionProfile("Graph-MST", "data", 0.8, 0.8, 1.0, 0.75, "java", 0.2),
)
FUNCTION_NAMES = tuple(f.name for f in FUNCTIONS)


def node_memory(i: int) -> float:
    """Memory of worker node ``i`` (GB): alternating 16 and 32 GB (assumed split of "16-32")."""
    return NODE_MEMORY_GB[i % 2]


def _lognormal_params(mean: float, cv: float) -> tuple[float, float]:
    """(mu, sigma) of a lognormal with the given mean and coefficient of variation."""
    s2 = math.log1p(cv * cv)
    return math.log(mean) - s2 / 2.0, math.sqrt(s2)


def isolated_p99(f: FunctionProfile, cpu: float | None = None, cv: float = SERVICE_CV) -> float:
    """The p99 latency of ``f`` running alone on the platform (warm, one invocation at a time,
    no CPU limit: ``cpu = f.parallelism`` cores unless given): the 0.99 quantile of its
    lognormal service time, ``exp(mu + sigma z_0.99)``."""
    from statistics import NormalDist

    cpu = f.parallelism if cpu is None else cpu
    mu, sigma = _lognormal_params(f.mean_service(cpu), cv)
    return math.exp(mu + sigma * NormalDist().inv_cdf(QOS_PERCENTILE / 100.0))


def qos_target(f: FunctionProfile) -> float:
    """The paper's QoS target: isolated p99 latency relaxed by 15%."""
    return (1.0 + QOS_RELAXATION) * isolated_p99(f)


def modelling_table() -> list[dict]:
    """Rows (name, value, source) of every constant above, for docs and the report."""
    rows = [
        ("worker nodes", N_NODES, "paper"), ("cores per node", NODE_CORES, "paper"),
        ("memory per node (GB)", "16 and 32, alternating", "paper range; split assumed"),
        ("idle eviction (s)", IDLE_TIMEOUT_S, "paper"),
        ("QoS target", "isolated p99 x 1.15", "paper"), ("alpha", ALPHA, "paper"),
        ("control interval (s)", CONTROL_INTERVAL_S, "assumed (trace minute)"),
        ("cold start (median s, sigma)", COLD_START, "assumed (Wang et al. 2018; "
                                                    "Manner et al. 2018)"),
        ("interference: service x (1 + s u^2), s by kind", INTERFERENCE, "assumed"),
        ("service-time CV (lognormal)", SERVICE_CV, "assumed"),
        ("CPU sharing", "weighted max-min at invocation start", "assumed"),
        ("ENSURE c", ENSURE_C, "assumed"),
        ("ENSURE latency threshold", ENSURE_LATENCY_THRESHOLD, "assumed"),
        ("ENSURE CPU step / range", (ENSURE_CPU_STEP, ENSURE_CPU_RANGE), "assumed"),
        ("ENSURE memory thresholds", (ENSURE_MEMORY_LOW, ENSURE_MEMORY_HIGH), "assumed"),
        ("OpenWhisk CPU", "shares = memory; guarantee cores*m/M", "reading of the paper"),
        ("game load levels / edges", (LOAD_LEVELS, LOAD_EDGES), "assumed"),
        ("game allocation levels (cpu fraction, c)", ALLOCATION_LEVELS, "assumed"),
        ("game contention grid u", CONTENTION_GRID, "assumed"),
        ("calibration invocations per cell", CALIBRATION_INVOCATIONS, "assumed"),
        ("game gamma, lam", (GAMMA, LAM), "assumed"),
    ]
    out = [{"name": n, "value": v, "source": s} for n, v, s in rows]
    for f in FUNCTIONS:
        out.append({"name": f"function {f.name}", "value": asdict(f),
                    "source": "kind: paper; numbers: assumed (SeBS, FaaSProfiler scale)"})
    return out
