"""Speed of the simulated serverless cluster (issue 14): one simulated day, 21 nodes, the 12
benchmark functions, the shipped trace's held-out day 2 at trace rate (about 1.1 million
invocations), under OpenWhisk's default, ENSURE and the exact equilibrium policy of the
serverless game.

Prints wall time, simulation events (arrivals, service starts and ends, container-ready,
ticks, lazy evictions), events/s, invocations/s, and, as an in-run reference, the events/s of
a bare SimPy loop (one timeout and callback per event, no model): the ratio says what the
model costs on top of the engine. The issue's budget is a simulated day in < 60 s on 2 cores.

Run: ``.venv/bin/python benchmarks/serverless.py`` (``--hours 2`` for a shorter run;
``--online`` also times NAC's online training at ``mfgcheck serverless``'s setting: two
simulated days of the cluster, the issue's budget 1-3 minutes of CPU).
"""

from __future__ import annotations

import argparse

import numpy as np
import simpy
from _timing import timed  # benchmarks/, the script's folder

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
    from _timing import cpu_timed

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


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--hours", type=float, default=24.0)
    ap.add_argument("--day", type=int, default=2)
    ap.add_argument("--online", action="store_true",
                    help="also time NAC's online training at mfgcheck serverless's setting")
    ap.add_argument("--parts", choices=("test", "quick", "full"),
                    help="only: the CPU time of each part of the report's serverless section "
                         "in this profile (calibration, game, training, online, runs)")
    args = ap.parse_args(argv)
    if args.parts:
        return parts(args.parts)
    tr = trace.shipped_trace()
    med = np.median(tr.day(1), axis=1) / 60.0
    t, f = trace.arrivals(tr.day(args.day), seed=0, minutes=int(args.hours * 60))
    eq = numerics.solve_equilibrium(game.serverless().normalised())
    pols = [policies.OpenWhiskDefault(), policies.Ensure(med),
            policies.GamePolicy(eq.policy, med, name="MFE (exact)")]
    print(f"simulated {args.hours:g} h of day {args.day}: {t.size} invocations, 21 nodes, "
          "12 functions (shared 2-core machine: timings are noisy)")
    print(f"{'policy':<18} {'wall s':>7} {'events':>9} {'events/s':>9} {'invoc/s':>8} "
          f"{'vs bare SimPy':>13} {'< 60 s/day':>10}")
    ref = None
    for pol in pols:
        cl = Cluster(config=SimConfig(placement=pol.placement), seed=0)
        if isinstance(pol, policies.Ensure):
            cl.active_nodes = 1
        wall, res = timed(lambda cl=cl, pol=pol: cl.run(t, f, pol))
        eps = res.events / wall
        if ref is None:
            ref = bare_simpy(min(res.events, 2_000_000))
        per_day = wall * 24.0 / args.hours
        print(f"{pol.name:<18} {wall:7.1f} {res.events:9d} {eps:9.0f} {t.size / wall:8.0f} "
              f"{eps / ref:13.3f} {'yes' if per_day < BUDGET_S else 'NO':>10}")
    print(f"bare SimPy reference: {ref:.0f} events/s")
    if args.online:
        from _timing import cpu_timed

        from mfgcheck.serverless import experiment

        st = experiment.Setting()
        data = experiment.calibration(st)
        cpu, wall, on = cpu_timed(lambda: experiment.train_online(st, data=data))
        print(f"online NAC training ({on['passes']} passes x {on['hours']:g} h of the training "
              f"day, T = {on['T']}, {on['events']} events): {cpu:.1f} s CPU, {wall:.1f} s wall")


if __name__ == "__main__":
    main()
