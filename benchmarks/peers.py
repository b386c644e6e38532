"""Speed and agreement against the peers: our finite-horizon exploitability vs MFGLib's
``exploitability_score`` and OpenSpiel's ``NashConv``, on the same instances, in one run.

For each instance and policy (uniform, and one random policy) it prints the value each
library computes, their relative difference, both times (median over repetitions, after one
warm-up call each) and the speed ratio, against the targets: 50x MFGLib, 200x OpenSpiel.
"ours (cold)" is one call that also builds the adapter (for OpenSpiel's NashConv convention
that includes replaying its traversal once).

Run in the peers environment:  make bench-peers   (or .venv-peers/bin/python benchmarks/peers.py)
Options: --quick (the peers' default instances only), --only TEXT (instances whose label
contains TEXT), --torch-threads N (MFGLib's torch threads; default torch's), --reps N
(minimum peer repetitions, default 3; cheap instances get up to 15).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np

from mfgcheck.games import peers
from mfgcheck.numerics import finite_horizon as fh
from mfgcheck.numerics import peers as peer_runs

TARGET = {"mfglib": 50.0, "openspiel": 200.0}
AGREE_REL = 1e-9

# (label, builder, default?)
INSTANCES = [
    ("MFGLib SIS (default, T=50)", lambda: peers.mfglib_sis(), True),
    ("MFGLib SIS (T=500)", lambda: peers.mfglib_sis(T=500), False),
    ("MFGLib LQ (default, 11 states, T=3)", lambda: peers.mfglib_linear_quadratic(), True),
    ("MFGLib LQ (101 states, 7 moves, T=10)",
     lambda: peers.mfglib_linear_quadratic(T=10, el=50, m=3), False),
    ("MFGLib LQ (201 states, 11 moves, T=10)",
     lambda: peers.mfglib_linear_quadratic(T=10, el=100, m=5), False),
    ("OpenSpiel LQ (default, 10 states, H=10)", lambda: peers.openspiel_linear_quadratic(), True),
    ("OpenSpiel LQ (100 states, H=20)",
     lambda: peers.openspiel_linear_quadratic(size=100, horizon=20), False),
    ("OpenSpiel LQ (300 states, H=10)",
     lambda: peers.openspiel_linear_quadratic(size=300, horizon=10), False),
    ("OpenSpiel LQ (60 states, mean revert 0.35, H=10)",
     lambda: peers.openspiel_linear_quadratic(size=60, horizon=10, mean_revert=0.35), False),
]


def _median_time(fn, min_reps: int, max_reps: int, budget_s: float) -> tuple[float, object]:
    """Median time of ``fn`` over ``min_reps..max_reps`` calls (as many as fit in ``budget_s``),
    after one timed warm-up call (imports, caches, allocations)."""
    t = time.perf_counter()
    out = fn()
    first = time.perf_counter() - t
    reps = max(min_reps, min(max_reps, int(budget_s / max(first, 1e-9))))
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def run(quick: bool, reps: int, only: str | None = None) -> list[dict]:
    rows = []
    for label, build, default in INSTANCES:
        if (quick and not default) or (only and only.lower() not in label.lower()):
            continue
        t0 = time.perf_counter()
        pg = build()
        build_s = time.perf_counter() - t0
        H, S, A = pg.horizon, pg.game.n_states, pg.game.n_actions
        rng = np.random.default_rng(0)
        policies = [("uniform", fh.uniform_policy(H, S, A)),
                    ("random", rng.dirichlet(np.ones(A), size=(H, S)))]
        cold = None
        if pg.peer == "mfglib":
            env = peer_runs.mfglib_environment(pg)

            def peer_fn(pi, env=env, pg=pg):
                return peer_runs.mfglib_exploitability(pg, pi, env=env)
        else:
            os_game = peer_runs.openspiel_game(pg)

            def peer_fn(pi, os_game=os_game, pg=pg):
                return peer_runs.openspiel_nash_conv(pg, pi, os_game=os_game)
        for name, pi in policies:
            if cold is None:
                t0 = time.perf_counter()
                fh.exploitability(pg.game, pi, pg.spec)
                cold = build_s + time.perf_counter() - t0
            ours_t, ours_v = _median_time(
                lambda pi=pi, pg=pg: fh.exploitability(pg.game, pi, pg.spec), 5, 200, 0.5)
            peer_t, peer_v = _median_time(lambda pi=pi: peer_fn(pi), reps, 15, 2.0)
            rel = abs(ours_v - peer_v) / max(abs(peer_v), 1e-300)
            ratio = peer_t / ours_t
            rows.append(dict(instance=label, policy=name, peer=pg.peer, S=S, A=A, H=H,
                             ours=ours_v, theirs=peer_v, rel=rel, agree=rel <= AGREE_REL,
                             ours_s=ours_t, ours_cold_s=cold, peer_s=peer_t, ratio=ratio,
                             target=TARGET[pg.peer], fast=ratio >= TARGET[pg.peer]))
            r = rows[-1]
            print(f"{label:<50} {name:<8} S={S:<4} A={A:<3} H={H:<4} ours={r['ours']:.15g} "
                  f"{pg.peer}={r['theirs']:.15g} rel={rel:.1e} | ours {ours_t * 1e3:9.3f} ms "
                  f"(cold {cold * 1e3:8.1f} ms)  {pg.peer} {peer_t * 1e3:10.1f} ms  "
                  f"x{ratio:8.0f} (target {TARGET[pg.peer]:.0f}) "
                  f"{'OK' if r['agree'] and r['fast'] else 'MISS'}", flush=True)
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the peers' default instances only")
    ap.add_argument("--only", help="instances whose label contains this text")
    ap.add_argument("--torch-threads", type=int, default=None,
                    help="torch.set_num_threads for MFGLib (default: torch's own default)")
    ap.add_argument("--reps", type=int, default=3,
                    help="minimum peer repetitions (median; up to 15 while under ~2 s)")
    args = ap.parse_args(argv)
    import mfglib
    import open_spiel
    import torch
    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    print(f"python {platform.python_version()}, numpy {np.__version__}, torch {torch.__version__}"
          f" ({torch.get_num_threads()} threads), mfglib {mfglib.__version__}, open_spiel "
          f"{getattr(open_spiel, '__version__', peers.OPENSPIEL_VERSION)}; "
          f"peer: median of {args.reps}-15 reps, ours: median of up to 200; "
          f"load average {os.getloadavg()[0]:.1f}")
    rows = run(args.quick, args.reps, args.only)
    agree = all(r["agree"] for r in rows)
    fast = all(r["fast"] for r in rows)
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
    print(f"all values agree to rel {AGREE_REL:g}: {agree}; every speed target met: {fast}")
    for peer in ("mfglib", "openspiel"):
        ratios = [r["ratio"] for r in rows if r["peer"] == peer]
        if ratios:
            print(f"{peer}: speed-up min x{min(ratios):.0f}, median "
                  f"x{statistics.median(ratios):.0f}, max x{max(ratios):.0f}")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
