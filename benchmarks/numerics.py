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

``--exact-step``: instead, Algorithm 1 with the exact oracle on the rate settings' games
that are not affine in mu (LQ and random 5x3, normalised, as ``mfgcheck report`` runs them: a
grid of T in one batch, Theorem 1's steps, 4 records per decade), compiled
(``algorithms.exact_kernels``) against the NumPy path (``MFGCHECK_KERNELS=numpy``) in one
run: CPU seconds of this process (best of 3) and their ratio, and the largest difference of
the final theta relative to its scale. ``--fresh-jit`` adds the kernels' first-call compile
cost with an empty numba cache (a fresh clone).

``--constants``: instead, ``assumption_constants`` on the report's games (budget 200, as the
quick profile) with its compiled coordinate ascent (``numerics.compiled``) and the spread of
a mu-independent kernel computed once, against the previous path (NumPy ascent, the spread
per mean field) in one run: CPU seconds and ratio; the constants must be the same bits.

``--exploitability``: instead, the exploitability of the paper panels' iterates (issue 13:
``reports.runner.paper_batch`` evaluates it for every recorded iterate) on the raw SIS and LQ
games of Figures 1-2, compiled (``algorithms.exploitability_kernels``, which the reports call)
against the NumPy reference (``numerics.exploitability``) on the same random policies,
alternated in one run
(best of 3): CPU milliseconds per call, their ratio, and the largest difference of the values
relative to the game's value scale.

Run: ``.venv/bin/python benchmarks/numerics.py`` (add ``--sizes 10 100`` for a shorter run;
``--kernels-only`` for the second table alone). The machine may be shared: read the ratios.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from _timing import cpu_timed, timed  # noqa: E402  (benchmarks/, the script's folder)

import mfgcheck as mc  # noqa: E402
from mfgcheck.numerics import mdp  # noqa: E402


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


def _rate_batch(game, Ts):
    from mfgcheck.algorithms import log_grid, nac_batch, theorem1_steps

    steps = [theorem1_steps(T, game.lam, 3, 10) for T in Ts]
    return nac_batch(game, Ts, [e for e, _ in steps], [b for _, b in steps], [0],
                     record=log_grid(max(Ts), 4).tolist())


def exact_step(Tmax):
    """Compiled against NumPy exact step, one batch per game (module docstring)."""
    from mfgcheck.reports.settings import LQ, RANDOM

    grid = [T for T in (100, 300, 1_000, 3_000, 10_000, 30_000, 100_000) if T <= Tmax]
    print(f"{'game':>10} {'T grid':>14} | {'NumPy CPU':>9} {'compiled':>8} {'ratio':>6} "
          f"| {'wall NumPy':>10} {'compiled':>8} | {'max |d theta|/scale':>19}")
    for setting in (LQ, RANDOM):
        g = setting.build()
        old_env = os.environ.get("MFGCHECK_KERNELS")
        _rate_batch(g, [50])                                  # compiled code loaded
        os.environ["MFGCHECK_KERNELS"] = "numpy"
        c_old, w_old, ref = cpu_timed(lambda: _rate_batch(g, grid), repeat=1)
        os.environ["MFGCHECK_KERNELS"] = "numba"
        c_new, w_new, fast = cpu_timed(lambda: _rate_batch(g, grid), repeat=3)
        if old_env is None:
            del os.environ["MFGCHECK_KERNELS"]
        else:
            os.environ["MFGCHECK_KERNELS"] = old_env
        diff = max(float(np.abs(f.theta[-1] - r.theta[-1]).max() / np.abs(r.theta[-1]).max())
                   for f, r in zip(fast, ref))
        print(f"{setting.label:>10} {f'{grid[0]}..{grid[-1]}':>14} | {c_old:>8.2f}s "
              f"{c_new:>7.3f}s {c_old / c_new:>6.1f} | {w_old:>9.2f}s {w_new:>7.3f}s | "
              f"{diff:>19.1e}")


def exploitability_routes(n=100):
    """Compiled against NumPy exploitability on the paper's games (module docstring)."""
    from mfgcheck.algorithms import exploitability_kernels as ek
    from mfgcheck.reports.settings import LQ_RAW, SIS_RAW

    routes = {"numpy": mc.numerics.exploitability, "numba": ek.exploitability}
    print(f"{'game':>5} {'calls':>5} | {'NumPy CPU/call':>14} {'compiled':>9} {'ratio':>6} | "
          f"{'wall NumPy':>10} {'compiled':>9} | {'max |dE|/value scale':>20}")
    for setting in (SIS_RAW, LQ_RAW):
        g = setting.build()
        rng = np.random.default_rng(0)
        pis = [rng.dirichlet(np.full(g.n_actions, rng.choice([0.1, 1.0, 10.0])), size=g.n_states)
               for _ in range(n)]

        def run(route, g=g, pis=pis):
            return [routes[route](g, p) for p in pis]

        ek.exploitability(g, pis[0])                          # compiled code loaded
        times = {"numpy": [np.inf, np.inf], "numba": [np.inf, np.inf]}
        values = {}
        for _ in range(3):
            for route in routes:
                c, w, values[route] = cpu_timed(lambda route=route: run(route))
                times[route] = [min(times[route][0], c), min(times[route][1], w)]
        diff = max(abs(a - b) for a, b in zip(values["numba"], values["numpy"])) / g.value_scale
        (c_old, w_old), (c_new, w_new) = times["numpy"], times["numba"]
        print(f"{g.name:>5} {n:>5} | {1e3 * c_old / n:>12.3f}ms {1e3 * c_new / n:>7.3f}ms "
              f"{c_old / c_new:>6.1f} | {w_old:>9.2f}s {w_new:>8.3f}s | {diff:>20.1e}")


def previous_policy_lipschitz_sup(P, mu, dstar):
    """``policy_lipschitz_sup`` before issue 13: the spread for every mean field of the batch."""
    spread = np.abs(P[..., :, :, None, :] - P[..., :, None, :, :]).sum(-1)
    return (mu / (2.0 * dstar) * spread.max(axis=(-1, -2))).max(-1)


def constants(budget=200):
    """``assumption_constants``: current against previous path (module docstring)."""
    import importlib

    from mfgcheck.reports.settings import LQ, RANDOM, SIS

    # the module (the package exports its function under the same name)
    acm = importlib.import_module("mfgcheck.numerics.assumption_constants")

    print(f"{'game':>10} | {'previous CPU':>12} {'current':>8} {'ratio':>6} | same bits")
    current = acm.policy_lipschitz_sup
    for setting in (SIS, LQ, RANDOM):
        g = setting.build()
        eq = mc.numerics.solve_equilibrium(g)

        def run(g=g, eq=eq):
            return acm.assumption_constants(g, n_pairs=budget, seed=0, equilibrium=eq)

        os.environ["MFGCHECK_KERNELS"] = "numpy"
        acm.policy_lipschitz_sup = previous_policy_lipschitz_sup
        try:
            c_old, _, old = cpu_timed(run)
        finally:
            acm.policy_lipschitz_sup = current
            os.environ["MFGCHECK_KERNELS"] = "numba"
        run()                                              # compiled code loaded
        c_new, _, new = cpu_timed(run, repeat=2)
        same = old.values() == new.values()
        print(f"{setting.label:>10} | {c_old:>11.2f}s {c_new:>7.2f}s {c_old / c_new:>6.1f} | "
              f"{same}")


_JIT_PROBE = """
import time
import numpy as np
import mfgcheck as mc
from mfgcheck.algorithms import engine, exact_kernels
from mfgcheck.algorithms.oracle import OracleConfig
g = mc.games.random_game(3, 2, seed=0)
prob = engine.prepare(g, None, None, OracleConfig("exact"))
th, mu, one = np.zeros((1, 6)), g.rho[None].copy(), np.full(1, 0.1)
c = time.process_time()
exact_kernels.step(prob.exact_model, th, mu, one, one, g.lam, g.gamma)
exact_kernels.advance(prob.exact_model, th, mu, one, one, g.lam, g.gamma, 1e9, 1,
                      np.zeros((1, 3, 2)), np.zeros((1, 3)), np.zeros(1), np.ones(1))
print(time.process_time() - c)
"""


def fresh_jit():
    """CPU seconds of the first ``step`` + ``advance`` call in a new process, with an empty
    numba cache (compile) and then with the cache it wrote (load)."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache, "MFGCHECK_KERNELS": "numba"}
        runs = [float(subprocess.run([sys.executable, "-c", _JIT_PROBE], env=env, check=True,
                                     capture_output=True, text=True).stdout)
                for _ in range(2)]
    print(f"exact_kernels first call: {runs[0]:.2f} s CPU with an empty numba cache "
          f"(compile), {runs[1]:.2f} s from the cache")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 500])
    ap.add_argument("--actions", type=int, default=5)
    ap.add_argument("--kernels-only", action="store_true")
    ap.add_argument("--exact-step", action="store_true")
    ap.add_argument("--fresh-jit", action="store_true")
    ap.add_argument("--t-max", type=int, default=30_000)
    ap.add_argument("--constants", action="store_true")
    ap.add_argument("--exploitability", action="store_true")
    args = ap.parse_args(argv)
    if args.constants:
        return constants()
    if args.exploitability:
        return exploitability_routes()
    if args.exact_step or args.fresh_jit:
        if args.exact_step:
            exact_step(args.t_max)
        if args.fresh_jit:
            fresh_jit()
        return None
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
