"""Speed of the exact numerics against in-run baselines (issue 2).

Times ``solve_equilibrium`` and ``exploitability`` on random games with |S| in {10, 100, 500},
|A| = 5, and prints ratios against baselines computed in the same run:

- best response: soft value iteration (the textbook method) vs our soft policy iteration;
- equilibrium: the damped plain iteration ``mu <- (mu + Lambda(mu))/2`` to the same residual
  (capped at 400 Lambda evaluations) vs our Anderson-accelerated solve.

Run: ``.venv/bin/python benchmarks/numerics.py`` (add ``--sizes 10 100`` for a shorter run).
"""

from __future__ import annotations

import argparse

import numpy as np
from _timing import timed  # benchmarks/, the script's folder

import mfgcheck as mc
from mfgcheck.numerics import mdp


def damped_plain_iteration(game, tol, cap=400):
    mu = game.rho.copy()
    for k in range(cap):
        new = mc.numerics.Lambda(game, mu)
        if np.abs(new - mu).sum() <= tol:
            return k + 1, True
        mu = 0.5 * (mu + new)
    return cap, False


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 500])
    ap.add_argument("--actions", type=int, default=5)
    args = ap.parse_args(argv)
    print(f"{'S':>5} {'A':>3} | {'equilibrium':>11} {'expl.':>8} {'Gamma1 PI':>9} "
          f"{'Gamma1 VI':>9} {'VI/PI':>6} | {'plain iters':>11} {'ours':>5} {'plain/ours':>10}")
    for S in args.sizes:
        g = mc.games.random_game(S, args.actions, seed=0)
        t_eq, eq = timed(lambda: mc.numerics.solve_equilibrium(g), repeat=1 if S >= 500 else 3)
        assert eq.exploitability < 1e-10
        pi = mc.numerics.uniform_policy(S, args.actions)
        t_ex, _ = timed(lambda: mc.numerics.exploitability(g, pi))
        P, r = g.transition(g.rho), g.reward(g.rho)
        t_pi, _ = timed(lambda: mdp.soft_policy_iteration(P, r, g.gamma, g.lam))
        t_vi, _ = timed(lambda: mdp.soft_value_iteration(P, r, g.gamma, g.lam), repeat=1)
        t_plain, (iters, ok) = timed(lambda: damped_plain_iteration(g, 1e-11), repeat=1)
        ratio = t_plain / t_eq
        print(f"{S:>5} {args.actions:>3} | {t_eq:>10.3f}s {t_ex:>7.3f}s {t_pi:>8.4f}s "
              f"{t_vi:>8.4f}s {t_vi / t_pi:>6.1f} | {iters:>10}{'' if ok else '+'} "
              f"{eq.evaluations:>5} {ratio:>9.1f}{'' if ok else '+'}")
    print("('+': the plain iteration hit its cap without converging; the ratio is a lower bound)")


if __name__ == "__main__":
    main()
