"""Throughput of Algorithm 1 (issue 4): run-iterations per second, with in-run baselines.

For SIS and LQ with the exact oracle (tabular features, default R), it times

- ``nac_batch`` with a batch of 64 runs (the target: >= 1e5 run-iterations/s on SIS);
- baseline 1, the batch-of-1 loop: ``nac`` called run by run (same engine, B = 1);
- baseline 2, a naive loop over game-level numerics (validated ``policy_evaluation``,
  ``population_step`` and the general trust-region solver each iteration, one run);

and prints the speed-ups; then the same batch with a radius R small enough that the actor's
constraint binds (the trust-region solve every iteration). It also times the sampled oracle
(Algorithms 2 and 3, tabular, K_critic = K_actor = 1000) on SIS, alone and in a batch of 8,
in run-iterations/s and samples/s.

Run: ``.venv/bin/python benchmarks/algorithms.py`` (``--quick`` for a shorter run).
"""

from __future__ import annotations

import argparse

import numpy as np
from _timing import timed  # benchmarks/, the script's folder

import mfgcheck as mc
from mfgcheck.algorithms import default_radius, nac, nac_batch
from mfgcheck.numerics import actor_regression as ar


def naive_loop(game, T, eta, beta):
    """Algorithm 1, exact oracle, written plainly on game-level numerics (one run)."""
    phi = mc.numerics.tabular_features(game.n_states, game.n_actions)
    R = default_radius(game)
    theta, mu = np.zeros(phi.shape[-1]), game.rho.copy()
    for _ in range(T):
        pi = mc.numerics.loglinear_policy(theta, phi)
        vals = mc.numerics.policy_evaluation(game, pi, mu)
        d = mc.numerics.visitation(game, pi, mu)
        F, b, c = ar.actor_quadratic(pi, d, phi, vals.advantage)
        w = ar.solve_actor_exact(F, b, c, R).w
        theta = (1 - eta * game.lam) * theta + eta * w
        mu = (1 - beta) * mu + beta * mc.numerics.population_step(game, pi, mu)
    return theta, mu


def exact_rows(name, game, T, B, eta, beta, singles, naive_T):
    t_batch, runs = timed(lambda: nac_batch(game, T, eta, beta, list(range(B)), record="last"))
    batch_rate = B * T / t_batch
    t_single, one = timed(lambda: [nac(game, T, eta, beta, seed=s, record="last")
                                   for s in range(singles)])
    single_rate = singles * T / t_single
    assert np.array_equal(one[0].theta, runs[0].theta)      # same bits alone and in a batch
    t_naive, (theta, _) = timed(lambda: naive_loop(game, naive_T, eta, beta))
    naive_rate = naive_T / t_naive
    print(f"{name:>4} exact  | batch {B:>3}: {batch_rate:>10.3g} run-it/s | batch-of-1 loop: "
          f"{single_rate:>9.3g} run-it/s (x{batch_rate / single_rate:5.1f}) | naive numerics "
          f"loop: {naive_rate:>8.3g} run-it/s (x{batch_rate / naive_rate:6.1f})")
    return batch_rate


def binding_row(name, game, T, B, eta, beta, R):
    """Exact oracle with a radius that binds: the trust-region solve runs every iteration."""
    t_batch, runs = timed(lambda: nac_batch(game, T, eta, beta, list(range(B)), R=R,
                                            record="last"))
    bound = R / game.lam
    print(f"{name:>4} exact, R = {R} binding (max ||theta|| = {runs[0].max_theta_norm:.4g}, "
          f"R/lam = {bound:.4g}) | batch {B}: {B * T / t_batch:.3g} run-it/s")


def sampled_rows(game, T, K, B):
    kw = dict(oracle="sampled", K_critic=K, K_actor=K, record="last")
    t1, _ = timed(lambda: nac(game, T, 0.5, 0.05, seed=0, **kw))
    tb, _ = timed(lambda: nac_batch(game, T, 0.5, 0.05, list(range(B)), **kw))
    # samples per iteration: K critic transitions + K actor draws (each ~1/(1-gamma) steps)
    for label, n, t in (("alone", 1, t1), (f"batch {B}", B, tb)):
        rate = n * T / t
        print(f" sis sampled K={K} | {label:>8}: {rate:>8.3g} run-it/s, "
              f"{rate * 2 * K:>9.3g} samples/s")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    q = args.quick
    sis, lq = mc.games.sis(), mc.games.linear_quadratic()
    rate = exact_rows("sis", sis, 500 if q else 3000, 64, 0.5, 0.05, 4 if q else 8,
                      200 if q else 1000)
    exact_rows("lq", lq, 50 if q else 300, 64, 0.1, 0.05, 2 if q else 4, 20 if q else 100)
    binding_row("sis", sis, 500 if q else 3000, 64, 0.5, 0.05, 0.05)
    binding_row("lq", lq, 50 if q else 300, 64, 0.1, 0.05, 5.0)
    sampled_rows(sis, 5 if q else 20, 1000, 8)
    print(f"target >= 1e5 run-iterations/s (SIS, exact, batch 64): "
          f"{'met' if rate >= 1e5 else 'NOT met'} ({rate:.3g})")


if __name__ == "__main__":
    main()
