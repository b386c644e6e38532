"""Speed of the simulated serverless cluster (issues 13 and 14): one simulated day, 21 nodes, the
12 benchmark functions, the shipped trace's held-out day 2 at trace rate (about 1.1 million
invocations), under OpenWhisk's default, ENSURE and the exact equilibrium policy of the
serverless game.

Each policy's day is simulated twice on the same arrivals and seed, by the current simulator
and by the simulator of an earlier commit (``--against``, default db9af52, before issue 13's
speed-up; its ``cluster.py`` read with ``git show``), alternately, best of ``--repeat``: the
script checks that both give the same arrays and prints their CPU times and the ratio. Also:
simulation events (arrivals, service starts and ends, container-ready, ticks, lazy evictions)
per second, invocations per second and, as an in-run reference, the events/s of a bare SimPy
loop (one timeout and callback per event, no model). The budget of issue 14 is a simulated day
in < 60 s on 2 cores.

Run: ``.venv/bin/python benchmarks/serverless.py`` (``--hours 2`` for a shorter run;
``--calibration`` also times the game's calibration, 432 simulated cells, against the same
commit; ``--online`` also times NAC's online training at ``mfgcheck serverless``'s setting:
two simulated days of the cluster, the issue's budget 1-3 minutes of CPU; ``--parts quick``
the CPU of each part of the report's serverless section).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import simpy
from _timing import cpu_timed, timed  # benchmarks/, the script's folder

from mfgcheck import numerics
from mfgcheck.serverless import game, policies, trace
from mfgcheck.serverless.cluster import Cluster, SimConfig

BUDGET_S = 60.0


def bare_simpy(n_events: int) -> float:
    """Events/s of SimPy alone: n timeouts, each with a callback that does nothing."""
    env = simpy.Environment()

    def proc():
        for _ in range(n_events):
            ev = env.timeout(0.001)
            ev.callbacks.append(lambda _e: None)
            yield ev

    env.process(proc())
    t, _ = timed(env.run)
    return n_events / t


def parts(profile: str) -> None:
    """CPU seconds of each part of the report's serverless section (one process)."""
    from mfgcheck.reports import serverless as section
    from mfgcheck.serverless import experiment

    st = section.setting_for(profile)
    rows = []
    cpu, _, data = cpu_timed(lambda: experiment.calibration(st))
    rows.append(("calibration (simulated cells)", cpu))
    cpu, _, _ = cpu_timed(lambda: section.game_part((profile, data)))
    rows.append(("game, equilibrium, assumption constants", cpu))
    cpu, _, trained = cpu_timed(lambda: experiment.train(st, data=data))
    rows.append(("NAC and DL-NAC trained on the game", cpu))
    if st.online_passes:
        cpu, _, on = cpu_timed(lambda: experiment.train_online(st, data=data))
        rows.append(("NAC trained online", cpu))
        trained = experiment.with_online(trained, on, data)
    sims = experiment.simulations(st)
    cpu, _, _ = cpu_timed(lambda: [experiment.simulate(st, trained, *s) for s in sims])
    rows.append((f"{len(sims)} simulated runs of {st.hours:g} h", cpu))
    print(f"serverless section, profile {profile} (CPU s; shared machine):")
    for name, c in rows:
        print(f"  {name:<42} {c:7.1f}")
    print(f"  {'total':<42} {sum(c for _, c in rows):7.1f}")


REFERENCE = "db9af52"       # main before issue 13's speed-up of the simulator
ARRAYS = ("start", "end", "cold", "cpu", "memory", "containers", "nodes_used", "node_peak")


def reference_cluster(commit: str) -> types.ModuleType:
    """``mfgcheck.serverless.cluster`` as it was at ``commit`` (``git show``), as a module of
    the package (its relative imports resolve to the current package)."""
    repo = Path(__file__).resolve().parent.parent
    path = "mfgcheck/serverless/cluster.py"
    src = subprocess.run(["git", "-C", str(repo), "show", f"{commit}:{path}"],
                         capture_output=True, text=True, check=True).stdout
    name = f"mfgcheck.serverless._cluster_{commit}"
    mod = types.ModuleType(name)
    mod.__package__ = "mfgcheck.serverless"
    sys.modules[name] = mod                 # dataclasses look their module up
    exec(compile(src, f"{commit}:{path}", "exec"), mod.__dict__)
    return mod


def same_result(a, b) -> bool:
    """The two runs' arrays equal bit for bit (the container log's rows in id order)."""
    def log(r):
        return r.container_log[np.argsort(r.container_log[:, 0], kind="stable")]
    return (all(np.array_equal(getattr(a, k), getattr(b, k), equal_nan=True) for k in ARRAYS)
            and np.array_equal(log(a), log(b)) and a.events == b.events
            and a.core_seconds == b.core_seconds)


def side_by_side(thunks: dict, repeat: int) -> dict:
    """Best CPU and wall time of each thunk over ``repeat`` rounds, run alternately (so a
    change of load on the shared machine hits both); the last results."""
    best = {k: [np.inf, np.inf, None] for k in thunks}
    for _ in range(repeat):
        for k, fn in thunks.items():
            cpu, wall, out = cpu_timed(fn)
            b = best[k]
            b[0], b[1], b[2] = min(b[0], cpu), min(b[1], wall), out
    return best


def calibration(ref: types.ModuleType, repeat: int) -> None:
    """The game's calibration (every simulated cell) by the current and the reference
    simulator: CPU, ratio, the same violation table."""
    from mfgcheck.serverless import game

    counts = trace.shipped_trace().day(trace.TRAIN_DAYS[0])

    def with_cluster(cls):
        def run():
            old, game.Cluster = game.Cluster, cls
            try:
                m = game.model
                return game._calibrate(counts, seed=0, invocations=m.CALIBRATION_INVOCATIONS,
                                       functions=m.FUNCTIONS, grid=m.CONTENTION_GRID)
            finally:
                game.Cluster = old
        return run

    best = side_by_side({"new": with_cluster(Cluster), "old": with_cluster(ref.Cluster)},
                        repeat)
    same = np.array_equal(best["new"][2].violation, best["old"][2].violation)
    print(f"calibration (432 cells): CPU {best['old'][0]:.2f} s -> {best['new'][0]:.2f} s, "
          f"ratio old/new {best['old'][0] / best['new'][0]:.2f}; same table: "
          f"{'yes' if same else 'NO'}")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--hours", type=float, default=24.0)
    ap.add_argument("--day", type=int, default=2)
    ap.add_argument("--start-hour", type=float, default=0.0)
    ap.add_argument("--repeat", type=int, default=1, help="best of this many rounds")
    ap.add_argument("--against", default=REFERENCE,
                    help="commit whose simulator is the reference (default: %(default)s)")
    ap.add_argument("--calibration", action="store_true",
                    help="also time the game's calibration against the reference")
    ap.add_argument("--online", action="store_true",
                    help="also time NAC's online training at mfgcheck serverless's setting")
    ap.add_argument("--parts", choices=("test", "quick", "full"),
                    help="only: the CPU time of each part of the report's serverless section "
                         "in this profile (calibration, game, training, online, runs)")
    args = ap.parse_args(argv)
    if args.parts:
        return parts(args.parts)
    ref = reference_cluster(args.against)
    tr = trace.shipped_trace()
    med = np.median(tr.day(1), axis=1) / 60.0
    t, f = trace.arrivals(tr.day(args.day), seed=0, start_minute=int(args.start_hour * 60),
                          minutes=int(args.hours * 60))
    eq = numerics.solve_equilibrium(game.serverless().normalised())
    pols = {"OpenWhisk default": lambda: policies.OpenWhiskDefault(),
            "ENSURE": lambda: policies.Ensure(med),
            "MFE (exact)": lambda: policies.GamePolicy(eq.policy, med, name="MFE (exact)")}
    print(f"simulated {args.hours:g} h of day {args.day} from {args.start_hour:g} h: {t.size} "
          f"invocations, 21 nodes, 12 functions; current simulator vs {args.against}'s, best "
          f"of {args.repeat} (shared 2-core machine: timings are noisy, CPU s is the measure)")
    print(f"{'policy':<18} {'CPU old':>8} {'CPU new':>8} {'old/new':>7} {'wall new':>8} "
          f"{'events':>9} {'events/s':>9} {'invoc/s':>8} {'same':>5} {'< 60 s/day':>10}")
    ratios = []
    ref_eps = None
    for name, make in pols.items():
        def run(cls, make=make):
            pol = make()
            cl = cls(config=SimConfig(placement=pol.placement), seed=0)
            if isinstance(pol, policies.Ensure):
                cl.active_nodes = 1
            return cl.run(t, f, pol)

        best = side_by_side({"new": lambda: run(Cluster), "old": lambda: run(ref.Cluster)},
                            args.repeat)
        (cpu, wall, res), (cpu_old, _, res_old) = best["new"], best["old"]
        ratios.append(cpu_old / cpu)
        eps = res.events / wall
        if ref_eps is None:
            ref_eps = bare_simpy(min(res.events, 2_000_000))
        per_day = wall * 24.0 / args.hours
        print(f"{name:<18} {cpu_old:8.2f} {cpu:8.2f} {cpu_old / cpu:7.2f} {wall:8.2f} "
              f"{res.events:9d} {eps:9.0f} {t.size / wall:8.0f} "
              f"{'yes' if same_result(res, res_old) else 'NO':>5} "
              f"{'yes' if per_day < BUDGET_S else 'NO':>10}")
    print(f"geometric mean of the ratios: {float(np.exp(np.mean(np.log(ratios)))):.2f}; "
          f"bare SimPy reference: {ref_eps:.0f} events/s")
    if args.calibration:
        calibration(ref, args.repeat)
    if args.online:
        from mfgcheck.serverless import experiment

        st = experiment.Setting()
        data = experiment.calibration(st)
        cpu, wall, on = cpu_timed(lambda: experiment.train_online(st, data=data))
        print(f"online NAC training ({on['passes']} passes x {on['hours']:g} h of the training "
              f"day, T = {on['T']}, {on['events']} events): {cpu:.1f} s CPU, {wall:.1f} s wall")


if __name__ == "__main__":
    main()
