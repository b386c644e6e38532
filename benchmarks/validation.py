"""What input validation costs Algorithm 1 (issue 15: under 5% of benchmarks/algorithms.py).

The algorithms check the game wherever they evaluate it at a mean field of their own making
(``Game.transition_at``, ``Game.reward_at``: finite, non-negative, rows summing to 1, rewards
in range; inside the compiled exact step, ``kernels.exact_affine_advance``, the same checks on
the P(mu_t), r(mu_t) it builds) and the actor solvers check their arguments
(``solve_actor_tabular`` in the binding case). This script times the workloads of
``benchmarks/algorithms.py`` (same games, steps, batch sizes) twice in one process,
interleaved, best of ``--repeat``: as shipped, and with those checks replaced by the
unchecked calls (``kernels.GAME_CHECKS = False`` for the compiled step), and prints the ratio
checked/unchecked. Times are the process's CPU time (``time.process_time``): on a machine
shared with other jobs the wall clock mostly measures the others; BLAS is held to one thread
(``OPENBLAS_NUM_THREADS=1``, set below) so that its threads do not add their spinning to it.
First it prints the more stable figures: the CPU time of one step's game checks (and, for the
binding-radius rows, the actor solver's argument checks) measured alone, against the
unchecked step (the implied ratio); the whole-run ratios after them move by several percent
with the load of other jobs.

Run: ``.venv/bin/python benchmarks/validation.py`` (``--quick`` for a shorter run).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import mfgcheck as mc  # noqa: E402
from mfgcheck.algorithms import OracleConfig, kernels, nac_batch  # noqa: E402
from mfgcheck.games.base import Game  # noqa: E402
from mfgcheck.numerics import actor_regression as ar  # noqa: E402


@contextlib.contextmanager
def unchecked():
    """The game and actor-solver checks of the hot loops replaced by plain conversions."""
    saved = (Game.transition_at, Game.reward_at, ar.check_simplex_fast, ar.check_finite_fast,
             ar._check_weights, ar._check_radius)
    kernels.GAME_CHECKS = False
    Game.transition_at = lambda self, mu: self.transition_fn(mu)
    Game.reward_at = lambda self, mu: self.reward_fn(mu)
    ar.check_simplex_fast = lambda name, x, n: np.asarray(x, dtype=np.float64)
    ar.check_finite_fast = lambda name, x, shape=None: np.asarray(x, dtype=np.float64)
    ar._check_weights = lambda d, S: np.asarray(d, dtype=np.float64)
    ar._check_radius = lambda R: np.asarray(R, dtype=np.float64)
    try:
        yield
    finally:
        kernels.GAME_CHECKS = True
        (Game.transition_at, Game.reward_at, ar.check_simplex_fast, ar.check_finite_fast,
         ar._check_weights, ar._check_radius) = saved


def cpu_timed(fn):
    start = time.process_time()
    out = fn()
    return time.process_time() - start, out


def compare(label, fn, repeat):
    """Best-of-``repeat`` CPU times with and without the checks, interleaved; same results."""
    best_on, best_off = np.inf, np.inf
    for _ in range(repeat):
        t_on, on = cpu_timed(fn)
        with unchecked():
            t_off, off = cpu_timed(fn)
        best_on, best_off = min(best_on, t_on), min(best_off, t_off)
    assert all(np.array_equal(a.theta, b.theta) for a, b in zip(on, off))   # same bits
    ratio = best_on / best_off
    print(f"{label:<40} checked {best_on * 1e3:9.1f} ms | unchecked {best_off * 1e3:9.1f} ms "
          f"| ratio {ratio:6.3f}")
    return ratio


def best_cpu_per_call(fn, n, *args):
    """CPU time of one call ``fn(*args)``: the best of 9 loops of ``n`` calls."""
    out = np.inf
    for _ in range(9):
        start = time.process_time()
        for _ in range(n):
            fn(*args)
        out = min(out, (time.process_time() - start) / n)
    return out


def per_step_check_cost(game, B=64, n=2000):
    """CPU time of the game checks of one step (``transition_at`` + ``reward_at`` minus the
    bare ``transition_fn`` + ``reward_fn``) at a batch of B mean fields, best of 9: a figure
    that, unlike the ratio of two whole runs, the load of other jobs hardly moves."""
    mu = np.tile(game.rho, (B, 1))[:, None, :]
    return (best_cpu_per_call(game.transition_at, n, mu)
            - best_cpu_per_call(game.transition_fn, n, mu)
            + best_cpu_per_call(game.reward_at, n, mu) - best_cpu_per_call(game.reward_fn, n, mu))


def per_call_actor_check_cost(game, B=64, n=2000):
    """CPU time of the actor solver's argument checks (policy on the simplex, state weights,
    finite advantages, positive radii) for one batched call at a batch of B runs, best of 9:
    the stable figure for the binding-radius rows, whose whole-run ratio the load moves."""
    S, A = game.n_states, game.n_actions
    rng = np.random.default_rng(0)
    pi, d = rng.dirichlet(np.ones(A), size=(B, S)), rng.dirichlet(np.ones(S), size=B)
    adv, R = rng.normal(size=(B, S, A)), np.full(B, 0.05)

    def checks():
        ar.check_simplex_fast("policy", pi, A)
        ar._check_weights(d, S)
        ar.check_finite_fast("advantage", adv, (S, A))
        ar._check_radius(R)

    return best_cpu_per_call(checks, n)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    q = args.quick
    sis, lq = mc.games.sis(), mc.games.linear_quadratic()
    B = 64
    seeds = list(range(B))
    rows = [
        ("sis exact, batch 64 (compiled)", lambda: nac_batch(sis, 3000 if q else 20000, 0.5,
                                                             0.05, seeds, record="last")),
        ("lq exact, batch 64", lambda: nac_batch(lq, 50 if q else 300, 0.1, 0.05, seeds,
                                                 record="last")),
        ("sis exact, batch 1 (compiled)", lambda: nac_batch(sis, 20000 if q else 100000, 0.5,
                                                            0.05, [0], record="last")),
        ("sis exact, R = 0.05 binding, batch 64",
         lambda: nac_batch(sis, 500 if q else 3000, 0.5, 0.05, seeds, R=0.05, record="last")),
        ("lq exact, R = 5 binding, batch 64",
         lambda: nac_batch(lq, 50 if q else 300, 0.1, 0.05, seeds, R=5.0, record="last")),
        ("sis sampled K=1000, batch 8",
         lambda: nac_batch(sis, 5 if q else 20, 0.5, 0.05, list(range(8)),
                           oracle=OracleConfig("sampled", K_critic=1000, K_actor=1000),
                           record="last")),
    ]
    # Check costs measured alone against the unchecked step: the NumPy path (LQ: not affine
    # in mu; SIS with MFGCHECK_KERNELS=numpy would be the other) and the binding-radius rows
    # (game checks plus the actor solver's argument checks).
    alone = (("lq exact, batch 64 (NumPy path): checks", lq, 50 if q else 300, rows[1][1],
              lambda g: per_step_check_cost(g, B, 100)),
             ("sis exact, binding radius, batch 64: game + actor checks", sis,
              500 if q else 3000, rows[3][1],
              lambda g: per_call_actor_check_cost(g, B, 200) + per_step_check_cost(g, B, 100)),
             ("lq exact, binding radius, batch 64: game + actor checks", lq, 50 if q else 300,
              rows[4][1],
              lambda g: per_call_actor_check_cost(g, B, 200) + per_step_check_cost(g, B, 100)))
    for label, game, T, fn, check_cost in alone:
        with unchecked():
            step = min(cpu_timed(fn)[0] for _ in range(args.repeat)) / T
        cost = check_cost(game)
        print(f"{label} {cost * 1e6:7.2f} us per step, unchecked step {step * 1e6:8.1f} us: "
              f"implied ratio {1 + cost / step:.3f}")
    ratios = [compare(label, fn, args.repeat) for label, fn in rows]
    worst = max(ratios)
    print(f"validation overhead: worst ratio {worst:.3f} (target < 1.05): "
          f"{'met' if worst < 1.05 else 'NOT met'} (machine shared: ratios are noisy)")


if __name__ == "__main__":
    main()
