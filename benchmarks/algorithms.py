"""Throughput of Algorithm 1 and its oracles: compiled kernels against the NumPy reference,
measured in one run (the machine may be shared: read the ratios, not the absolute figures).

Rows (SIS unless said otherwise; tabular features):

- sampled oracles, batch of 8 seeds: Algorithm 2 (trajectory + TD(0)), Algorithm 3
  (visitation sampling + SGD), the practical actor (episodes + F^+ g), each in samples/s,
  compiled and NumPy reference, and a whole sampled iteration of Algorithm 1 (K_critic =
  K_actor = 1000: 2000 samples per run-iteration); target >= 2e7 samples/s;
- Algorithm 1 with the exact oracle at batch 64 and batch 1 (targets >= 4e6 and >= 1e6
  run-iterations/s), compiled (``kernels.exact_affine_advance``) and NumPy reference;
- LQ (25 states, not affine in mu: NumPy path) exact at batch 64, and both games with a
  radius that binds (the trust-region actor every iteration; NumPy path).

Rates are work per second of this process's CPU time (``time.process_time``, best of the
repeats), the wall-clock rate beside it: the machine may be shared, and then the wall clock
mostly measures the other jobs; every kernel is single-threaded and BLAS is held to one
thread (``OPENBLAS_NUM_THREADS=1``, set below before NumPy loads), so CPU time is the
computation's own work. Targets are judged on the CPU rate.

Run: ``.venv/bin/python benchmarks/algorithms.py`` (``--quick`` for a shorter run;
``--paper-panels``: instead, the CPU and wall time of the quick profile's sampled and practical
paper panels, Figures 1-2 at 10 seeds, task by task as the report runs them;
``--workloads``: instead, the report's workloads with general linear features (the serverless
section's NAC and DL-NAC training, its online NAC with ``--full``, the ablation) and one task
of each sampled/practical paper panel, CPU seconds with the compiled kernels against the
previous implementation in the same process, and the ratio new/old).
``MFGCHECK_KERNELS=numpy`` selects the reference inside one process (``kernels.use_compiled``).
"""

from __future__ import annotations

import argparse
import contextlib
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from _timing import cpu_timed  # noqa: E402  (benchmarks/, the script's folder)

import mfgcheck as mc  # noqa: E402
from mfgcheck.algorithms import (  # noqa: E402
    Environment,
    OracleConfig,
    nac_batch,
    sgd_actor,
    td0_critic,
)
from mfgcheck.algorithms.practical import episodic_actor  # noqa: E402


def _with(backend, fn):
    old = os.environ.get("MFGCHECK_KERNELS")
    os.environ["MFGCHECK_KERNELS"] = backend
    try:
        return fn()
    finally:
        if old is None:
            os.environ.pop("MFGCHECK_KERNELS")
        else:
            os.environ["MFGCHECK_KERNELS"] = old


def _both(label, fn, n_units, unit, target=None, repeat=3, ref=None):
    """Time ``fn`` compiled (after a warm-up call) and with the reference (``ref = (fn,
    n_units)`` when the reference needs a shorter run); print the rates."""
    _with("numba", fn)                                              # compile / load cache
    t_fast, w_fast, _ = _with("numba", lambda: cpu_timed(fn, repeat))
    fn_ref, n_ref = ref if ref is not None else (fn, n_units)
    t_ref, _, _ = _with("numpy", lambda: cpu_timed(fn_ref, 1))
    fast, ref = n_units / t_fast, n_ref / t_ref
    tgt = "" if target is None else (f" | target >= {target:.0e}: "
                                     f"{'met' if fast >= target else 'NOT met'}")
    print(f"{label:<46} compiled {fast:>9.3g} {unit} (wall {n_units / w_fast:>8.3g}) | "
          f"numpy {ref:>9.3g} | x{fast / ref:6.1f}{tgt}", flush=True)
    return fast


def sampled_rows(game, B, K):
    pi = np.tile(np.array([[0.3, 0.7], [0.6, 0.4]]), (B, 1, 1))
    mu = np.tile(game.rho, (B, 1))
    phi = mc.numerics.tabular_features(2, 2)
    adv = np.random.default_rng(0).normal(size=(B, 2, 2))

    def env():
        return Environment(game, mu, [np.random.default_rng(s) for s in range(B)])

    _both(f"Algorithm 2 (TD), batch {B}, K={K}",
          lambda: td0_critic(env(), pi, np.log(pi), phi, lam=game.lam, n_samples=K,
                             steps=np.full(K, 0.05), radius=1e3), B * K, "samples/s", 2e7)
    _both(f"Algorithm 3 (SGD), batch {B}, K={K}",
          lambda: sgd_actor(env(), pi, phi, adv, R=10.0, n_samples=K), B * K, "samples/s")
    _both(f"practical actor (episodes), batch {B}, K={K}",
          lambda: episodic_actor(env(), pi, phi, adv, R=10.0, n_samples=K, tabular=True),
          B * K, "samples/s")


def nac_rows(game, T, B, K):
    for oracle in ("sampled", "practical"):
        config = OracleConfig(oracle, K_critic=K, K_actor=K)
        _both(f"Algorithm 1, {oracle}, batch {B}, K={K}",
              lambda: nac_batch(game, T, 0.5, 0.05, list(range(B)), oracle=config,
                                record="last"),
              B * T * 2 * K, "samples/s", 2e7 if oracle == "sampled" else None, repeat=1)


def exact_rows(game, T, T1):
    def run(B, T):
        return lambda: nac_batch(game, T, 0.5, 0.05, list(range(B)), record="last")
    rate64 = _both("Algorithm 1, exact, batch 64", run(64, T), 64 * T, "run-it/s", 4e6)
    rate1 = _both("Algorithm 1, exact, batch 1", run(1, T1), T1, "run-it/s", 1e6,
                  ref=(run(1, T1 // 100), T1 // 100))
    return rate64, rate1


def numpy_rows(lq, sis, T_lq, T_sis):
    for name, game, T, eta, R in (("lq", lq, T_lq, 0.1, None), ("lq", lq, T_lq, 0.1, 5.0),
                                  ("sis", sis, T_sis, 0.5, 0.05)):
        t, _, runs = cpu_timed(lambda: nac_batch(game, T, eta, 0.05, list(range(64)), R=R,
                                                 record="last"))
        tag = "default R" if R is None else f"R = {R} binding"
        print(f"{name} exact, {tag}, batch 64 (NumPy path){'':<14} {64 * T / t:>9.3g} "
              f"run-it/s")


def paper_panel_rows():
    """The quick profile's sampled-oracle paper panels (``experiments.run_chunk`` per task of
    5 seeds, exploitability included), CPU and wall seconds, after one warm-up task."""
    import time

    from mfgcheck.reports import experiments, settings

    panels = [ps for ps in settings.quick().paper if ps.oracle != "exact"]
    first = experiments.run_settings(panels[0])
    experiments.run_chunk([first[0]])                              # compile / load caches
    total_cpu = total_wall = 0.0
    for ps in panels:
        items = experiments.run_settings(ps)
        for idx in experiments.chunks(items):
            chunk = [items[i] for i in idx]
            c0, w0 = time.process_time(), time.perf_counter()
            experiments.run_chunk(chunk)
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            total_cpu, total_wall = total_cpu + cpu, total_wall + wall
            print(f"{ps.id:<22} {chunk[0]['algorithm']:<7} {len(chunk)} seeds  cpu "
                  f"{cpu:6.2f} s  wall {wall:6.2f} s", flush=True)
    print(f"sampled paper panels (quick profile): cpu {total_cpu:.1f} s, wall {total_wall:.1f} s "
          f"(target: under a minute)")


@contextlib.contextmanager
def _previous_implementation():
    """The general-feature oracles as they were before their kernels: ``kernels.td0_linear_batch``
    and ``sgd_linear_batch`` replaced by their NumPy twins (same arguments; the rest, e.g. the
    compiled chains and tabular kernels, unchanged)."""
    from mfgcheck.algorithms import actor, critic, kernels

    saved = kernels.td0_linear_batch, kernels.sgd_linear_batch
    kernels.td0_linear_batch, kernels.sgd_linear_batch = (critic._td0_vectorised,
                                                          actor._sgd_vectorised)
    try:
        yield
    finally:
        kernels.td0_linear_batch, kernels.sgd_linear_batch = saved


def _workloads(full: bool):
    """(label, thunk) of every workload ``--workloads`` times."""
    from mfgcheck.reports import experiments, settings
    from mfgcheck.serverless import experiment as ex

    setting = ex.Setting.quick()
    data = ex.calibration(setting)
    out = [("serverless: NAC + DL-NAC training (quick)", lambda: ex.train(setting, data=data))]
    if full:
        online = ex.Setting()
        out.append(("serverless: online NAC (full)",
                    lambda: ex.train_online(online, data=ex.calibration(online))))
    prof = settings.quick()
    out.append(("ablation (quick profile)", lambda: experiments.run_ablation(prof.ablation)))
    for ps in prof.paper:
        if ps.oracle == "exact":
            continue
        items = experiments.run_settings(ps)
        chunk = [items[i] for i in next(iter(experiments.chunks(items)))]
        out.append((f"paper panel {ps.id} ({len(chunk)} seeds, one task)",
                    lambda chunk=chunk: experiments.run_chunk(chunk)))
    return out


def workload_rows(full: bool):
    """CPU (and wall) seconds per workload, new and previous implementation, one process; a
    warm-up call first (compiles or loads the kernels)."""
    print(f"{'workload':<52} {'new cpu':>8} {'old cpu':>8} {'new/old':>8}  (wall new/old)")
    tot_new = tot_old = 0.0
    for label, fn in _workloads(full):
        fn()
        c_new, w_new, _ = cpu_timed(fn)
        with _previous_implementation():
            c_old, w_old, _ = cpu_timed(fn)
        tot_new, tot_old = tot_new + c_new, tot_old + c_old
        print(f"{label:<52} {c_new:8.2f} {c_old:8.2f} {c_new / c_old:8.3f}  "
              f"({w_new:.2f} / {w_old:.2f} s)", flush=True)
    print(f"{'total':<52} {tot_new:8.2f} {tot_old:8.2f} {tot_new / tot_old:8.3f}")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--paper-panels", action="store_true")
    ap.add_argument("--workloads", action="store_true")
    ap.add_argument("--full", action="store_true", help="with --workloads: the online NAC too")
    args = ap.parse_args(argv)
    if args.paper_panels:
        paper_panel_rows()
        return
    if args.workloads:
        workload_rows(args.full)
        return
    q = args.quick
    sis, lq = mc.games.sis(), mc.games.linear_quadratic()
    print("compiled kernels vs the NumPy reference, one process (ratios are the measure)")
    sampled_rows(sis, 8, 20_000 if q else 100_000)
    nac_rows(sis, 20 if q else 50, 8, 1000)
    exact_rows(sis, 2000 if q else 20_000, 20_000 if q else 200_000)
    numpy_rows(lq, sis, 30 if q else 300, 300 if q else 3000)


if __name__ == "__main__":
    main()
