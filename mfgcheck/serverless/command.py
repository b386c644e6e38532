"""``mfgcheck serverless``: the simulated appendix-E experiment from the command line.

Only argparse here: SimPy and the simulator are imported when the command runs, so the rest
of the CLI works without the ``serverless`` extra.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

DESCRIPTION = (
    "SIMULATION of the paper's application (appendix E): a 21-node OpenWhisk-like cluster "
    "(SimPy), the 12 benchmark functions, Azure-trace-schema workloads (a shipped synthetic "
    "trace unless --trace is given). Trains NAC (Algorithm 1, linear features, sampled "
    "oracles) and DL-NAC on the serverless mean-field game, and NAC online in the simulated "
    "cluster on the training day (outside Theorem 1), then evaluates them with the "
    "exact equilibrium policy, ENSURE and OpenWhisk's default on held-out days: per-function "
    "p99 latency, QoS violations, CPU and memory, cold starts (mean and 95%% CI over days x "
    "seeds). Writes results.json and figures/ into --out. The paper measured a real cluster; "
    "every number of this simulation is listed in docs/serverless.md.")


def add_parser(sub) -> None:
    p = sub.add_parser("serverless", help="simulated serverless experiment (appendix E)",
                       description=DESCRIPTION)
    p.add_argument("--functions", type=int, default=12, help="benchmark functions (1-12)")
    p.add_argument("--nodes", type=int, default=21, help="worker nodes (default 21)")
    p.add_argument("--hours", type=float, default=24.0, help="simulated hours per run")
    p.add_argument("--start-hour", type=float, default=0.0, help="hour of the day to start")
    p.add_argument("--days", type=int, nargs="+", default=[2, 3],
                   help="held-out trace days (default 2 3; day 1 trains)")
    p.add_argument("--seeds", type=int, default=3, help="seeds per day (default 3)")
    p.add_argument("--nac-T", type=int, default=300,
                   help="NAC iterations (default 300; DL-NAC gets as many policy updates)")
    p.add_argument("--K", type=int, default=1000,
                   help="samples per critic and actor call of the sampled oracles")
    p.add_argument("--online-passes", type=int, default=2,
                   help="passes over the training day for NAC trained online in the "
                        "simulated cluster (default 2; 0: not trained)")
    p.add_argument("--online-hours", type=float, default=24.0,
                   help="hours of the training day per online pass (default 24)")
    p.add_argument("--online-start-hour", type=float, default=0.0,
                   help="hour of the training day where an online pass starts")
    p.add_argument("--online-window", type=int, default=60,
                   help="simulated minutes per online NAC iteration (default 60)")
    p.add_argument("--workers", type=int, default=1, help="processes for the runs")
    p.add_argument("--trace", nargs="+", default=[], metavar="CSV",
                   help="Azure trace day files (invocations_per_function_md.anon.dNN.csv); "
                        "the busiest rows drive the benchmark functions; the first day "
                        "trains")
    p.add_argument("--out", default="serverless-out", help="output directory")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=run)


def run(args) -> int:
    from .._validate import InvalidInputError

    try:
        from . import experiment, plots
    except ImportError as exc:
        print(f"mfgcheck serverless: {exc}", file=sys.stderr)
        return 3
    try:
        setting = experiment.Setting(
            functions=args.functions, nodes=args.nodes, hours=args.hours,
            start_hour=args.start_hour, days=tuple(args.days), seeds=tuple(range(args.seeds)),
            nac_T=args.nac_T, K_critic=args.K, K_actor=args.K, workers=args.workers,
            trace_files=tuple(args.trace), online_passes=args.online_passes,
            online_hours=args.online_hours, online_start_hour=args.online_start_hour,
            online_window=args.online_window)
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from None
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results = experiment.run(setting, progress=not args.quiet)
    (out / "results.json").write_text(json.dumps(results, indent=1, allow_nan=False,
                                                 default=float) + "\n")
    figs = plots.draw(results, out / "figures")
    print(_summary_text(results))
    print(f"wrote {out}/results.json and {', '.join(str(f) for f in figs)} "
          f"({results['wall_time']:.0f} s); a SIMULATION, see docs/serverless.md")
    if args.json:
        print(json.dumps(results["summary"], indent=1, default=float))
    return 0


def _ci(c, digits=4):
    if c["mean"] is None:
        return "-"
    if c["low"] is None:
        return f"{c['mean']:.{digits}g}"
    return f"{c['mean']:.{digits}g} [{c['low']:.{digits}g}, {c['high']:.{digits}g}]"


def _summary_text(results: dict) -> str:
    """A plain table: one row per policy, mean [95% CI] over runs."""
    rows = [("policy", "violation rate", "functions meeting QoS", "CPU reserved",
             "CPU used", "memory (GB)", "cold starts")]
    for name, s in results["summary"].items():
        rows.append((name, _ci(s["violation_rate"]), _ci(s["functions_meeting_qos"], 3),
                     _ci(s["cpu"]), _ci(s["cpu_used"]), _ci(s["memory"]),
                     _ci(s["cold_starts"], 5)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    ex = results["train"]["exploitability"]
    lines.append("exploitability on the (normalised) serverless game: "
                 + ", ".join(f"{k} {v:.4g}" for k, v in ex.items()))
    return "\n".join(lines)
