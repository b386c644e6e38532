"""Speed of the exact numerics against in-run baselines (issue 2).

Times ``solve_equilibrium`` and ``exploitability`` on random games with |S| in {10, 100, 500},
|A| = 5, and prints ratios against baselines computed in the same run:

- best response: soft value iteration (the textbook method) vs our soft policy iteration;
- equilibrium: the damped plain iteration ``mu <- (mu + Lambda(mu))/2`` to the same residual
  (capped at 400 Lambda evaluations) vs our Anderson-accelerated solve.

Then the exploitability kernels against their previous versions (issue 13), same values:

- stationary exploitability: the previous path (50 plain flow steps before Anderson, Gamma2 by
  contracting the (S, A, S) transition, soft policy iteration from uniform) against the current
  one (5 plain steps, the game's factored ``population_step``); the value must agree to
  1e-12 relative (both solve mu_pi to ||.||_1 <= 5e-14);
- ``solve_equilibrium`` with the previous certificate (soft policy iteration from uniform)
  against the current (warm-started at pi*).

Run: ``.venv/bin/python benchmarks/numerics.py`` (add ``--sizes 10 100`` for a shorter run;
``--kernels-only`` for the second table alone). The machine may be shared: read the ratios.
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


def previous_exploitability(game, pi):
    """The exploitability as computed before issue 13 (its reference in this benchmark)."""
    from mfgcheck.numerics.fixed_point import anderson_simplex

    tf = game.transition_at

    def lazy_step(mu):
        return 0.5 * (mu + mdp.population_step(tf(mu), pi, mu))

    mu = anderson_simplex(lazy_step, game.rho, tol=0.5e-13, warmup=50, max_iter=20_000).x
    P, r = game.transition(mu), game.reward(mu)
    V_star = mdp.soft_policy_iteration(P, r, game.gamma, game.lam, tol=1e-13)[2]
    V_pi, _ = mdp.evaluate_policy(P, r, pi, game.gamma, game.lam)
    return float(V_star @ game.rho) - float(V_pi @ game.rho)


def kernels(sizes, actions):
    print(f"\n{'S':>5} {'A':>3} | {'expl. previous':>14} {'current':>8} {'ratio':>6} "
          f"{'rel. diff':>9} | {'eq. cert. previous':>18} {'current':>8} {'ratio':>6}")
    for S in sizes:
        g = mc.games.random_game(S, actions, seed=0)
        rng = np.random.default_rng(0)
        pi = rng.dirichlet(np.ones(actions), size=S)
        rep = 1 if S >= 500 else 5
        t_old, e_old = timed(lambda: previous_exploitability(g, pi), repeat=rep)
        t_new, e_new = timed(lambda: mc.numerics.exploitability(g, pi), repeat=rep)
        rel = abs(e_new - e_old) / abs(e_old)
        assert rel <= 1e-12, (S, e_old, e_new)
        eq = mc.numerics.solve_equilibrium(g)
        t_c0, c0 = timed(lambda: mc.numerics.exploitability_details(g, eq.policy), repeat=rep)
        t_c1, c1 = timed(lambda: mc.numerics.exploitability_details(
            g, eq.policy, best_response_start=eq.policy), repeat=rep)
        assert abs(c0.best_value - c1.best_value) <= 1e-12 * abs(c0.best_value)
        print(f"{S:>5} {actions:>3} | {t_old:>13.4f}s {t_new:>7.4f}s {t_old / t_new:>6.1f} "
              f"{rel:>9.1e} | {t_c0:>17.4f}s {t_c1:>7.4f}s {t_c0 / t_c1:>6.1f}")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 500])
    ap.add_argument("--actions", type=int, default=5)
    ap.add_argument("--kernels-only", action="store_true")
    args = ap.parse_args(argv)
    if args.kernels_only:
        return kernels(args.sizes, args.actions)
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
    kernels(args.sizes, args.actions)


if __name__ == "__main__":
    main()
