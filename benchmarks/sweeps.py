"""Sweep speed-up on a Dask LocalCluster of 1, 2 and 4 worker processes (issue 13).

The workload is what the report's sweeps submit: ``reports.rate.run_chunk`` tasks, one run
each (Algorithm 1, sampled oracle, on SIS: ``--tasks`` seeds of T = ``--T``). It runs first in
this process (the reference: serial wall time, and the results every executor must equal bit
for bit), then on local processes (``mfgcheck.executor.ProcessExecutor``) and on a
``LocalCluster`` (processes, one thread each, loopback only) with 1, 2 and 4 workers. Printed:
wall time, speed-up against the serial run, and efficiency (speed-up / workers).

The speed-up stops at the number of free cores: on a machine with C cores a cluster of
N > C workers only shares them (and pays for the processes). Run:
``.venv/bin/python benchmarks/sweeps.py`` (``--tasks 8 --T 1000`` by default). On a shared
machine the absolute times are noisy; the ratios are measured in one run.

``--close``: how long closing a pool of 2 local workers takes once they have run report
tasks (a rate chunk and a figure), with the workers' exit as it was (the interpreter's full
teardown) and as it is (``executor._init_worker``: no teardown), alternately, ``--repeat``
times each. The pool is closed at the end of every report, after its last task.
"""

from __future__ import annotations

import argparse
import os
import time

from mfgcheck.executor import DaskExecutor, ProcessExecutor, SerialExecutor, default_workers
from mfgcheck.reports import rate, settings
from mfgcheck.reports.store import canonical_json


def workload(n_tasks: int, T: int) -> list[list[dict]]:
    rs = settings.RateSetting("bench", settings.SIS, "sampled", (T,), seeds=tuple(range(n_tasks)),
                              oracle_kwargs=settings.SAMPLED_RATE)
    return [[s] for s in rate.run_settings(rs, rs.game.build())]


def run(ex, chunks) -> tuple[float, str]:
    start = time.perf_counter()
    out = ex.map(rate.run_chunk, chunks)
    wall = time.perf_counter() - start
    bad = [o.error for o in out if not o.ok]
    if bad:
        raise RuntimeError(bad[0])
    values = [[{k: v for k, v in r.items() if "wall_time" not in k} for r in o.value]
              for o in out]
    return wall, canonical_json(values)


def _old_init() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _OldExit(ProcessExecutor):
    """The local pool as it was before ``_init_worker``: workers exit with a full teardown."""

    def _make_pool(self):
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(self.workers, mp_context=mp.get_context("spawn"),
                                   initializer=_old_init)


def close_times(repeat: int) -> None:
    from mfgcheck.reports import figures

    chunks = workload(2, 300)
    unit = figures.Unit("x.png", "claims", [])
    print("closing a pool of 2 local workers after report tasks (s):")
    got: dict[str, list[float]] = {"full teardown (before)": [], "no teardown (now)": []}
    for _ in range(repeat):
        for name, cls in (("full teardown (before)", _OldExit),
                          ("no teardown (now)", ProcessExecutor)):
            ex = cls(2)
            ex.map(rate.run_chunk, chunks)
            ex.map(figures.draw_task, [unit, unit])
            start = time.perf_counter()
            ex.close()
            got[name].append(time.perf_counter() - start)
    for name, ts in got.items():
        each = ", ".join(f"{t:.3f}" for t in ts)
        print(f"  {name:<24} median {sorted(ts)[len(ts) // 2]:.3f}  ({each})")
    before, now = (sorted(ts)[len(ts) // 2] for ts in got.values())
    print(f"  ratio {before / now:.1f}x")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--close", action="store_true", help="time closing the local pool only")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tasks", type=int, default=8)
    ap.add_argument("--T", type=int, default=1000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    args = ap.parse_args(argv)
    if args.close:
        return close_times(args.repeat)
    from distributed import Client, LocalCluster

    chunks = workload(args.tasks, args.T)
    load = os.getloadavg()[0]
    print(f"{args.tasks} tasks (SIS, sampled oracle, T = {args.T}, one seed each); "
          f"{default_workers()} usable CPUs, load average {load:.1f} at start")
    with SerialExecutor() as ex:
        ex.map(rate.run_chunk, chunks[:1])                 # warm the imports and caches
        t_ref, ref = run(ex, chunks)
    print(f"{'executor':<28} {'wall':>8} {'speed-up':>9} {'efficiency':>10} {'bit-equal':>9}")
    print(f"{'serial (this process)':<28} {t_ref:>7.1f}s {1.0:>9.2f} {1.0:>10.2f} {'ref':>9}")

    def row(name, n, wall, got):
        print(f"{name:<28} {wall:>7.1f}s {t_ref / wall:>9.2f} {t_ref / wall / n:>10.2f} "
              f"{str(got == ref):>9}", flush=True)

    with ProcessExecutor(2) as ex:
        ex.map(rate.run_chunk, chunks[:2])                  # start the pool
        wall, got = run(ex, chunks)
    row("local processes (2)", 2, wall, got)
    for n in args.workers:
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None, silence_logs=40) as cluster, \
                Client(cluster, set_as_default=False) as client:
            ex = DaskExecutor(client=client)
            ex.map(rate.run_chunk, chunks[:n])              # import mfgcheck on every worker
            wall, got = run(ex, chunks)
            ex.close()
        row(f"dask LocalCluster ({n})", n, wall, got)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
