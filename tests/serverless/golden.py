"""The simulator's outputs on a set of small cases, as fingerprints: what
``test_golden.py`` compares the current simulator with, bit for bit.

``simulation_golden.json`` was written by this module (``python tests/serverless/golden.py``
from the repository root) on main at commit db9af52, BEFORE the simulator's speed-up
(issue 13): the simulator of that commit is the independent route, the speed-up must
reproduce its every event and random draw (same arrays to the last bit, same metrics).
Rewrite the file only for a deliberate change of the model, and say so in the commit.
A case added later is written by ``python tests/serverless/golden.py --reference db9af52
--add NAME``: its fingerprint from that commit's ``cluster.py`` (``git show``), after the
stored cluster cases came out of it unchanged (``ties_with_ticks`` was added so).

The cases cover every branch of ``cluster.py``: the three policies of the experiment and a
game policy on the full cluster (pack, active-set placement, scale out and in), memory
pressure (LRU eviction of idle containers, functions starved of memory), spread placement,
container caps (scale-in while busy, FIFO queues), exponential service and background
interference (the calibration's and M/M/c settings), invocations at the control ticks' times
and at equal times (ties in SimPy's queue), ``game.calibrate``'s cells, and
``online.online_return`` (the recorder's states, actions and rewards).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import types
from pathlib import Path

import numpy as np

from mfgcheck.serverless import experiment, game, model, online, policies, trace
from mfgcheck.serverless.cluster import Allocation, Cluster, SimConfig

PATH = Path(__file__).with_name("simulation_golden.json")

# a fixed game policy (S, A): rows of a seeded Dirichlet, written into the file too
_S = len(model.LOAD_LEVELS) * len(model.ALLOCATION_LEVELS)


def game_policy() -> np.ndarray:
    return np.random.default_rng(20261130).dirichlet(np.ones(3), size=_S)


def _digest(a) -> str:
    a = np.ascontiguousarray(a)
    return f"{a.dtype.str}{a.shape}:" + hashlib.sha256(a.tobytes()).hexdigest()


def fingerprint(res) -> dict:
    """Every array of a ``SimResult`` as a digest of its bytes, and its scalars exactly. The
    container log's rows sorted by container id: the simulator of db9af52 listed the
    containers still alive at the end in the iteration order of a set of objects (their
    addresses), which differs from process to process."""
    out = {k: _digest(getattr(res, k)) for k in
           ("arrival", "start", "end", "fn", "cold", "tick_t", "cpu", "memory", "containers",
            "nodes_used", "node_memory", "node_peak")}
    log = res.container_log
    out["container_log"] = _digest(log[np.argsort(log[:, 0], kind="stable")])
    out.update(events=int(res.events), sim_time=float(res.sim_time).hex(),
               core_seconds=float(res.core_seconds).hex())
    return out


def _arrivals(minutes=20, start=840, seed=3, functions=None):
    counts = trace.shipped_trace().day(2)
    if functions is not None:
        counts = counts[:functions]
    return trace.arrivals(counts, seed=seed, start_minute=start, minutes=minutes)


def _median():
    return np.median(trace.shipped_trace().day(1), axis=1) / 60.0


def cluster_cases():
    """(name, thunk returning a SimResult) of the cluster-level cases."""
    med = _median()

    def run(pol, cfg, seed, t, f, active=None, **kw):
        cl = Cluster(config=cfg, seed=seed)
        if active is not None:
            cl.active_nodes = active
        return cl.run(t, f, pol, **kw)

    def openwhisk_pressure():
        t, f = _arrivals()
        return run(policies.OpenWhiskDefault(), SimConfig(n_nodes=4, memory=(3.0,)), 1, t, f)

    def ensure_pressure():
        t, f = _arrivals()
        return run(policies.Ensure(med), SimConfig(n_nodes=4, memory=(3.0,),
                                                   placement="active"), 1, t, f, active=1)

    def spread_game():
        t, f = _arrivals(minutes=15, start=600, seed=5)
        pol = policies.GamePolicy(game_policy(), med, seed=11)
        return run(pol, SimConfig(n_nodes=5, memory=(4.0, 6.0), placement="spread"), 2, t, f)

    def capped_exponential():
        # caps below demand (queues; scale-in of busy containers), background interference
        t, f = _arrivals(minutes=12, start=700, seed=7, functions=4)
        fns = model.FUNCTIONS[:4]

        class Caps:
            placement = "pack"
            name = "caps"

            def act(self, cluster, state):
                k = 0 if state is None else int(state["t"] // 60.0)
                return [Allocation(cpu_limit=0.5 + 0.25 * ((k + i) % 3), cpu_weight=1.0 + i,
                                   cap=1 + (k + i) % 3, warm_target=(k + i) % 2)
                        for i in range(len(fns))]

        cl = Cluster(fns, SimConfig(n_nodes=2, memory=(2.0,), service="exponential",
                                    background=0.3), seed=[4, 2])
        return cl.run(t, f, Caps())

    def ties():
        # invocations at exactly the control ticks' times and several at the same instant:
        # equal keys in SimPy's queue, where the order of creation decides (a tick first)
        rng = np.random.default_rng(8)
        t = np.sort(np.concatenate([60.0 * np.arange(1, 41), 60.0 * np.arange(1, 41, 3),
                                    np.full(5, 333.0), rng.uniform(0, 2400, 800)]))
        f = rng.integers(0, 3, t.size)
        cl = Cluster(model.FUNCTIONS[:3], SimConfig(n_nodes=1, memory=(1.0,)), seed=6)
        return cl.run(t, f, policies.OpenWhiskDefault())

    return [("ties_with_ticks", ties),
            ("openwhisk_memory_pressure", openwhisk_pressure),
            ("ensure_memory_pressure", ensure_pressure),
            ("game_policy_spread", spread_game),
            ("caps_exponential_background", capped_exponential)]


EXPERIMENT = experiment.Setting(hours=0.5, start_hour=13.5, days=(2,), seeds=(0,),
                                online_passes=0)


def experiment_runs() -> dict:
    """``experiment.simulate``'s metrics (plain data, floats exact in JSON) on the full
    cluster for 30 busy minutes, every policy kind."""
    trained = {"policies": {"MFE (exact)": game_policy().tolist()},
               "median_rates": _median().tolist()}
    out = {}
    for name in ("OpenWhisk default", "ENSURE", "MFE (exact)"):
        r = experiment.simulate(EXPERIMENT, trained, name, 2, 0)
        out[name] = {k: v for k, v in r.items()
                     if k not in ("wall_time", "events_per_wall_time_s")}
    return out


def calibration_cells() -> dict:
    fns = model.FUNCTIONS[:2]
    data = game._calibrate(trace.shipped_trace().day(1)[:2], seed=0, invocations=120,
                           functions=fns, grid=model.CONTENTION_GRID)
    return {"violation": data.violation.ravel().tolist()}


def online_cells() -> dict:
    fns = model.FUNCTIONS[:4]
    data = game._calibrate(trace.shipped_trace().day(1)[:4], seed=0, invocations=60,
                           functions=fns, grid=model.CONTENTION_GRID)
    r = online.online_return(game_policy(), trace.shipped_trace().day(2)[:4], fns, 3, data,
                             seed=5, start_minute=780, minutes=30)
    return {"mean": r["mean"], "rewards": _digest(r["rewards"]),
            "states": r["states"].tolist(), "actions": r["actions"].tolist()}


def compute() -> dict:
    return {"cluster": {name: fingerprint(thunk()) for name, thunk in cluster_cases()},
            "experiment": experiment_runs(),
            "calibration": calibration_cells(),
            "online_return": online_cells()}


def reference_cluster(commit: str) -> types.ModuleType:
    """``mfgcheck.serverless.cluster`` as it was at ``commit`` (``git show``), as a module of
    the package."""
    path = "mfgcheck/serverless/cluster.py"
    src = subprocess.run(["git", "-C", str(Path(__file__).parent), "show", f"{commit}:{path}"],
                         capture_output=True, text=True, check=True).stdout
    mod = types.ModuleType(f"mfgcheck.serverless._cluster_{commit}")
    mod.__package__ = "mfgcheck.serverless"
    sys.modules[mod.__name__] = mod                 # dataclasses look their module up
    exec(compile(src, f"{commit}:{path}", "exec"), mod.__dict__)
    return mod


def _add_case(commit: str, name: str) -> None:
    global Cluster
    Cluster = reference_cluster(commit).Cluster      # the cases build their clusters with it
    cases = dict(cluster_cases())
    data = json.loads(PATH.read_text())
    for old in data["cluster"]:
        if fingerprint(cases[old]()) != data["cluster"][old]:
            raise SystemExit(f"{commit}'s simulator does not reproduce the stored case {old}")
    data["cluster"][name] = fingerprint(cases[name]())
    PATH.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference", help="the commit whose cluster.py writes the new case")
    ap.add_argument("--add", help="the cluster case to add (with --reference)")
    args = ap.parse_args()
    if args.add:
        _add_case(args.reference, args.add)
    else:
        PATH.write_text(json.dumps(compute(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {PATH}", file=sys.stderr)
