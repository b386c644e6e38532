"""The experiment of appendix E, SIMULATED: NAC and DL-NAC against ENSURE and OpenWhisk.

1. Build the serverless game (``game.py``; calibrated with the simulator on the training day
   of the trace) and normalise it (rewards in [0, 1]).
2. Train Algorithm 1 (NAC) with linear features (``linear_features``) and the sampled oracles
   (Algorithms 2 and 3), and DL-NAC with the same features and oracles, on that game; record
   the exact exploitability of the learned policies and of the certified equilibrium.
3. Evaluate the learned policies (run per function, ``policies.GamePolicy``), the exact
   equilibrium policy, ENSURE and OpenWhisk's default in the cluster simulator on held-out
   trace days, several seeds each; the same arrivals and service noise for every policy of a
   (day, seed) (common random numbers, so differences are paired).
4. Per run: per-function p99 latency and QoS violation rate (fraction of invocations slower
   than the QoS target), CPU cores and memory GB reserved (time averages), CPU cores used
   (core-seconds of the invocations over the simulated time), cold starts.
   Summaries: mean and 95% t confidence interval over the runs (days x seeds).

The paper measured all of this on a real 21-node OpenWhisk cluster; here everything is a
simulation whose every number is in ``model.py``.
"""

from __future__ import annotations

import math
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field

import numpy as np

from . import game as game_mod
from . import model, policies, trace
from .cluster import Cluster, SimConfig

CONFIDENCE = 0.95
ONLINE = "NAC (online)"
POLICIES = ("NAC", "DL-NAC", ONLINE, "MFE (exact)", "ENSURE", "OpenWhisk default")
QUANTILE_LEVELS = tuple(np.round(np.concatenate([np.linspace(0, 0.9, 46)[:-1],
                                                 1 - np.logspace(-1, -3, 25)]), 6))


@dataclass(frozen=True)
class Setting:
    """One experiment (defaults: the issue's command; ``quick()``: the report's profile)."""

    functions: int = model.N_FUNCTIONS
    nodes: int = model.N_NODES
    hours: float = 24.0
    start_hour: float = 0.0
    days: tuple = trace.HELD_OUT_DAYS
    seeds: tuple = (0, 1, 2)
    nac_T: int = 300
    dl_segments: int = 10
    dl_segment_length: int | None = None    # default nac_T // dl_segments: as many updates
    c_eta: float = 1.0
    c_beta: float = 10.0
    K_critic: int = 1000
    K_actor: int = 1000
    R: float = 10.0
    train_seed: int = 0
    workers: int = 1
    trace_files: tuple = field(default_factory=tuple)
    # NAC trained online in the cluster (``online.py``; 0 passes: not trained, not evaluated)
    online_window: int = 60
    online_hours: float = 24.0
    online_start_hour: float = 0.0
    online_passes: int = 2
    online_critic_step: float = 0.5

    def __post_init__(self):
        if not 1 <= self.functions <= model.N_FUNCTIONS:
            raise ValueError(f"functions: {self.functions} must lie in [1, {model.N_FUNCTIONS}]")
        if self.nodes < 1:
            raise ValueError(f"nodes: {self.nodes} must be >= 1")
        trace.check_hours("hours", self.start_hour, self.hours)
        if not self.seeds or not self.days:
            raise ValueError("seeds, days: need at least one each")
        if self.workers < 1:
            raise ValueError(f"workers: {self.workers} must be >= 1")
        if self.online_passes < 0:
            raise ValueError(f"online_passes: {self.online_passes} must be >= 0")
        if self.online_passes:
            self.online_schedule()            # validates the online fields
        if self.dl_segment_length is None:
            object.__setattr__(self, "dl_segment_length", max(1, self.nac_T // self.dl_segments))

    @classmethod
    def quick(cls) -> Setting:
        """The report's short profile: two busy hours of one held-out day, two seeds; no
        online NAC (its two simulated days would make the quick report slower: issue 13)."""
        return cls(hours=2.0, start_hour=12.0, days=trace.HELD_OUT_DAYS[:1], seeds=(0, 1),
                   nac_T=200, online_passes=0)

    def online_schedule(self):
        from .online import OnlineSchedule

        return OnlineSchedule(window=self.online_window, hours=self.online_hours,
                        start_hour=self.online_start_hour, passes=self.online_passes,
                        critic_step=self.online_critic_step)


def linear_features() -> np.ndarray:
    """phi(s, a) = (e_x (x) e_a, e_l (x) e_a) / sqrt(2): per action, one-hot load level and
    one-hot allocation level (21 < |S||A| = 36 dimensions, ||phi|| = 1)."""
    X, L, A = game_mod.X, game_mod.L, game_mod.A
    phi = np.zeros((X * L, A, A * (X + L)))
    for x in range(X):
        for lv in range(L):
            for a in range(A):
                phi[x * L + lv, a, a * (X + L) + x] = 1.0
                phi[x * L + lv, a, a * (X + L) + X + lv] = 1.0
    return phi / math.sqrt(2.0)


def _trace(setting: Setting) -> trace.Trace:
    if setting.trace_files:
        return trace.load_trace(setting.trace_files).busiest(setting.functions)
    return trace.shipped_trace()


def calibration(setting: Setting) -> game_mod.GameData:
    """Step 1's simulator calibration on the trace's first (training) day, for the setting's
    functions (``game.calibrate``; computed once per process for the same inputs)."""
    tr = _trace(setting)
    return game_mod.calibrate(tr.day(tr.days[0])[:setting.functions],
                              functions=model.FUNCTIONS[:setting.functions])


def train(setting: Setting, progress=None, *, data: game_mod.GameData | None = None) -> dict:
    """Steps 1-2 of the module docstring; policies as (S, A) arrays, exploitabilities.
    ``data``: ``calibration(setting)`` if already computed."""
    from .. import algorithms as al
    from .. import numerics as nm

    say = progress or (lambda msg: None)
    t0 = time.perf_counter()
    data = calibration(setting) if data is None else data
    g = game_mod.serverless(data=data).normalised()
    say(f"game calibrated with the simulator ({time.perf_counter() - t0:.0f} s)")
    eq = nm.solve_equilibrium(g)
    phi = linear_features()
    eta, beta = al.theorem1_steps(setting.nac_T, g.lam, setting.c_eta, setting.c_beta)
    oracle = al.OracleConfig("sampled", K_critic=setting.K_critic, K_actor=setting.K_actor)
    t1 = time.perf_counter()
    nac = al.nac(g, setting.nac_T, eta, beta, features=phi, oracle=oracle, R=setting.R,
                 seed=setting.train_seed, record="last")
    say(f"NAC trained, T={setting.nac_T} ({time.perf_counter() - t1:.0f} s)")
    t2 = time.perf_counter()
    L = setting.dl_segment_length
    assert L is not None                      # Setting.__post_init__ sets it
    dl = al.dl_nac(g, setting.dl_segments, L, eta, features=phi, oracle=oracle, R=setting.R,
                   seed=setting.train_seed)
    say(f"DL-NAC trained, {setting.dl_segments} x {setting.dl_segment_length} "
        f"({time.perf_counter() - t2:.0f} s)")
    learned = {"NAC": nac.policy[-1], "DL-NAC": dl.policy[-1], "MFE (exact)": eq.policy}
    uniform = np.full((g.n_states, g.n_actions), 1.0 / g.n_actions)
    return {
        "policies": {k: v.tolist() for k, v in learned.items()},
        "exploitability": {**{k: float(nm.exploitability(g, v)) for k, v in learned.items()},
                           "uniform": float(nm.exploitability(g, uniform))},
        "equilibrium": {"mean_field": eq.mean_field.tolist(),
                        "certificate": eq.certificate(),
                        "contention": float(game_mod.contention(eq.mean_field, data))},
        "steps": {"eta": eta, "beta": beta},
        "median_rates": data.median_rates.tolist(),
        "calibration": data.to_dict(),
        "game": g.to_dict(),
        "wall_time": time.perf_counter() - t0,
    }


def train_online(setting: Setting, progress=None, *,
                 data: game_mod.GameData | None = None) -> dict:
    """NAC trained online in the simulated cluster on the training day (``online.py``; outside
    Theorem 1), with the game-trained NAC's features, radius and ``c_eta``."""
    from . import online

    data = calibration(setting) if data is None else data
    tr = _trace(setting)
    return online.train(tr.day(tr.days[0])[:setting.functions],
                        model.FUNCTIONS[:setting.functions], setting.nodes, data,
                        linear_features(), schedule=setting.online_schedule(), R=setting.R,
                        seed=setting.train_seed, c_eta=setting.c_eta, progress=progress)


def with_online(trained: dict, online_result: dict, data: game_mod.GameData) -> dict:
    """``train``'s result with the online-trained policy added (its exploitability on the
    normalised game, as for the others)."""
    from .. import numerics as nm

    g = game_mod.serverless(data=data).normalised()
    pol = np.asarray(online_result["policy"])
    return {**trained, "policies": {**trained["policies"], ONLINE: online_result["policy"]},
            "exploitability": {**trained["exploitability"],
                               ONLINE: float(nm.exploitability(g, pol))},
            "online": {k: v for k, v in online_result.items() if k != "policy"}}


def _make_policy(name: str, trained: dict, setting: Setting, day: int, seed: int):
    median = np.asarray(trained["median_rates"])
    if name == "OpenWhisk default":
        return policies.OpenWhiskDefault()
    if name == "ENSURE":
        return policies.Ensure(median)
    return policies.GamePolicy(np.asarray(trained["policies"][name]), median, name=name,
                               seed=np.random.SeedSequence([day, seed, 7]).generate_state(1)[0])


def _minutes(setting: Setting) -> tuple[int, int]:
    """The trace minutes a run replays: first minute of the day, number of minutes."""
    return int(round(setting.start_hour * 60)), int(round(setting.hours * 60))


def invocations(setting: Setting, day: int) -> int:
    """How many invocations a run of ``day`` simulates (the trace's counts in its minutes;
    ``trace.arrivals`` draws exactly these): what its cost grows with."""
    start, minutes = _minutes(setting)
    return int(_trace(setting).day(day)[:setting.functions, start:start + minutes].sum())


def simulate(setting: Setting, trained: dict, name: str, day: int, seed: int,
             tick=None) -> dict:
    """Step 3-4 for one (policy, day, seed)."""
    tr = _trace(setting)
    counts = tr.day(day)[:setting.functions]
    fns = model.FUNCTIONS[:setting.functions]
    start, minutes = _minutes(setting)
    t, f = trace.arrivals(counts, seed=[day, seed], start_minute=start, minutes=minutes)
    pol = _make_policy(name, trained, setting, day, seed)
    cl = Cluster(fns, SimConfig(n_nodes=setting.nodes, placement=pol.placement),
                 seed=[day, seed])
    if name == "ENSURE":
        cl.active_nodes = 1
    t0 = time.perf_counter()
    res = cl.run(t, f, pol, horizon=setting.hours * 3600.0, progress=tick)
    wall = time.perf_counter() - t0
    return metrics(res, fns) | {"policy": name, "day": day, "seed": seed, "wall_time": wall,
                                # "wall_time" in the key: a timing, not a result
                                "events": res.events,
                                "events_per_wall_time_s": res.events / wall}


def metrics(res, fns) -> dict:
    """Per-run metrics of module docstring step 4 (plain data)."""
    lat = res.latency
    F = len(fns)
    p99: list[float | None] = []
    viol: list[float | None] = []
    quant: list[list[float] | None] = []
    n: list[int] = []
    for k, f in enumerate(fns):
        x = lat[res.fn == k]
        n.append(int(x.size))
        if x.size:
            p99.append(float(np.percentile(x, model.QOS_PERCENTILE)))
            viol.append(float(np.mean(x > model.qos_target(f))))
            quant.append(np.quantile(x, QUANTILE_LEVELS).tolist())
        else:
            p99.append(None)
            viol.append(None)
            quant.append(None)
    targets = [model.qos_target(f) for f in fns]
    vs = [v for v in viol if v is not None]
    step = max(1, len(res.tick_t) // 288)        # at most 288 points (5 min for a day)
    return {
        "functions": [f.name for f in fns], "invocations": n, "p99": p99,
        "qos_target": targets,
        "p99_over_target": [None if p is None else p / q for p, q in zip(p99, targets)],
        "violation": viol,
        "violation_rate": float(np.mean(vs)) if vs else None,
        "violation_rate_invocations": float(np.mean(lat > np.asarray(targets)[res.fn])),
        "functions_meeting_qos": int(sum(p is not None and p <= q
                                         for p, q in zip(p99, targets))),
        "cpu": float(res.cpu.sum(axis=1).mean()), "memory": float(res.memory.sum(axis=1).mean()),
        "cpu_used": float(res.core_seconds / max(res.tick_t[-1], 1.0)) if res.tick_t.size
        else 0.0,
        "cold_starts": int(res.cold.sum()),
        "cold_per_1000": float(1000.0 * res.cold.sum() / max(1, lat.size)),
        "series": {"t_hours": (res.tick_t[::step] / 3600.0).tolist(),
                   "cpu": res.cpu.sum(axis=1)[::step].tolist(),
                   "memory": res.memory.sum(axis=1)[::step].tolist()},
        "latency_quantiles": quant,
        "max_node_memory_ratio": float(np.max(res.node_peak / res.node_memory)),
        "F": F,
    }


def _job(args):
    setting, trained, name, day, seed = args
    return simulate(setting, trained, name, day, seed)


def _ci95(values) -> dict:
    """Mean and ``CONFIDENCE`` (95%) Student-t interval of the values (None dropped)."""
    from scipy import stats

    x = np.array([v for v in values if v is not None], dtype=np.float64)
    if x.size == 0:
        return {"mean": None, "low": None, "high": None, "n": 0}
    m = float(x.mean())
    if x.size == 1:
        return {"mean": m, "low": None, "high": None, "n": 1}
    h = float(stats.t.ppf(0.5 + CONFIDENCE / 2, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size))
    return {"mean": m, "low": m - h, "high": m + h, "n": int(x.size)}


def summarise(runs: list[dict], names=POLICIES) -> dict:
    out = {}
    for name in names:
        rs = [r for r in runs if r["policy"] == name]
        if not rs:
            continue
        F = rs[0]["F"]
        out[name] = {
            "runs": len(rs),
            **{k: _ci95([r[k] for r in rs]) for k in
               ("violation_rate", "violation_rate_invocations", "cpu", "cpu_used", "memory",
                "cold_starts",
                "cold_per_1000", "functions_meeting_qos")},
            "p99": [_ci95([r["p99"][k] for r in rs]) for k in range(F)],
            "violation": [_ci95([r["violation"][k] for r in rs]) for k in range(F)],
            "series": {"t_hours": rs[0]["series"]["t_hours"],
                       "cpu": np.mean([r["series"]["cpu"] for r in rs], axis=0).tolist(),
                       "memory": np.mean([r["series"]["memory"] for r in rs], axis=0).tolist()},
            "latency_quantiles": rs[0]["latency_quantiles"],
            "latency_run": {"day": rs[0]["day"], "seed": rs[0]["seed"]},
            "events_per_wall_time_s": _ci95([r["events_per_wall_time_s"] for r in rs]),
        }
    return out


def _is_tty() -> bool:
    return sys.stderr.isatty()


def policies_of(setting: Setting) -> tuple[str, ...]:
    """The policies the setting evaluates (online NAC only if it is trained)."""
    return tuple(n for n in POLICIES if n != ONLINE or setting.online_passes)


def simulations(setting: Setting, names=None) -> list[tuple[str, int, int]]:
    """Step 3's runs: ``(policy, day, seed)`` for every held-out day, seed and policy (of
    ``names``, default ``policies_of(setting)``)."""
    names = policies_of(setting) if names is None else names
    return [(name, day, seed) for day in setting.days for seed in setting.seeds
            for name in names]


def run(setting: Setting, *, progress: bool = False) -> dict:
    """The whole experiment (module docstring) as plain data."""
    started = time.perf_counter()

    def say(msg):
        if progress:
            print(f"mfgcheck serverless: {msg}", file=sys.stderr, flush=True)

    data = calibration(setting)
    trained = train(setting, progress=say, data=data)
    if setting.online_passes:
        trained = with_online(trained, train_online(setting, progress=say, data=data), data)
    jobs = [(setting, trained, *sim) for sim in simulations(setting)]
    runs = []
    bar = None
    if progress and _is_tty():
        from tqdm.auto import tqdm
        bar = tqdm(total=len(jobs), desc="simulated cluster runs", file=sys.stderr)

    def done(r, i):
        runs.append(r)
        if bar is not None:
            bar.update(1)
        else:
            say(f"[{i}/{len(jobs)}] {r['policy']}, day {r['day']}, seed {r['seed']}: "
                f"{setting.hours:g} h, {sum(r['invocations'])} invocations in "
                f"{r['wall_time']:.0f} s; violation rate {r['violation_rate']:.4f}")

    if setting.workers > 1:
        with ProcessPoolExecutor(setting.workers) as ex:
            for i, r in enumerate(ex.map(_job, jobs), start=1):
                done(r, i)
    else:
        for i, job in enumerate(jobs, start=1):
            done(_job(job), i)
    if bar is not None:
        bar.close()
    return assemble(setting, trained, runs, time.perf_counter() - started)


def assemble(setting: Setting, trained: dict, runs: list[dict], wall_time: float) -> dict:
    """The experiment's plain data from ``train``'s result and every ``simulate`` run (in any
    order: they are sorted here)."""
    runs = sorted(runs, key=lambda r: (POLICIES.index(r["policy"]), r["day"], r["seed"]))
    return {
        "simulation": True,
        "setting": {**{k: (list(v) if isinstance(v, tuple) else v)
                       for k, v in asdict(setting).items()},
                    "end_hour": setting.start_hour + setting.hours},
        "confidence_percent": round(100 * CONFIDENCE),
        "policies": [n for n in POLICIES if any(r["policy"] == n for r in runs)],
        "modelling_table": model.modelling_table(),
        "train": trained,
        "summary": summarise(runs),
        "runs": [{k: v for k, v in r.items() if k not in ("series", "latency_quantiles")}
                 for r in runs],
        "quantile_levels": list(QUANTILE_LEVELS),
        "wall_time": wall_time,
    }
