"""Figures behind the findings of docs/adding-a-claim.md, on seeded random MDPs:
``python -m mfgcheck.papers.cen2022.survey [--cases 200] [--seed 0]``.

For each case (the parameters drawn from one NumPy generator over the same ranges as
``strategies.npg_cases``): the largest ratio of (22a) and (22b) as stated, of their variants
with the contraction factor squared (``(1 - eta tau)^(2t)``), and the rate at which the soft
Q error decays, as an exponent of ``alpha`` (a least-squares slope of ``log ||Q* - Q^(t)||``
over the second half of the iterations where it is above ``1e4`` rounding errors, divided
by ``log alpha``; cases with ``alpha < 0.05`` or fewer than 6 such iterations are skipped).
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from .checks import check_eq22b, check_theorem1
from .strategies import INITS, case


def _squared(which: str):
    def bound(**n):
        rate = (1 - n["eta"] * n["lam"]) ** (2 * n["t"])
        return n["C1"] * n["gamma"] * rate if which == "Q" else 2 * n["C1"] / n["lam"] * rate
    return bound


def survey(cases: int = 200, seed: int = 0) -> dict:
    """The figures (module docstring) as a dict."""
    rng = np.random.default_rng(seed)
    out: dict[str, Any] = {"cases": 0, "max_ratio_22a": 0.0, "max_ratio_22b": 0.0,
           "squared_22a_violated": 0, "squared_22a_max_ratio": 0.0,
           "squared_22b_violated": 0, "squared_22b_max_ratio": 0.0, "q_rate_exponents": []}
    for _ in range(cases):
        c = case(seed=int(rng.integers(2**32)), n_states=int(rng.integers(1, 5)),
                 n_actions=int(rng.integers(2, 5)), gamma=float(rng.uniform(0.05, 0.95)),
                 tau=float(np.exp(rng.uniform(np.log(0.05), np.log(2.0)))),
                 eta_fraction=float(rng.uniform(0.02, 1.0)),
                 init=INITS[int(rng.integers(len(INITS)))],
                 concentration=float(rng.choice([0.1, 1.0, 10.0])))
        if c.terms.compared == 0:
            continue
        out["cases"] += 1
        out["max_ratio_22a"] = max(out["max_ratio_22a"], check_theorem1(c).ratio)
        out["max_ratio_22b"] = max(out["max_ratio_22b"], check_eq22b(c).ratio)
        for which, check in (("22a", check_theorem1), ("22b", check_eq22b)):
            ev = check(c, bound=_squared("Q" if which == "22a" else "logpi"))
            out[f"squared_{which}_violated"] += not ev.holds
            out[f"squared_{which}_max_ratio"] = max(out[f"squared_{which}_max_ratio"],
                                                    ev.tightness)
        t = c.terms
        good = np.nonzero(t.Q_err > 1e4 * t.q_error)[0]
        if len(good) > 6 and t.alpha > 0.05:
            ks = good[len(good) // 2:]
            slope = np.polyfit(ks, np.log(t.Q_err[ks]), 1)[0]
            out["q_rate_exponents"].append(float(slope / np.log(t.alpha)))
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m mfgcheck.papers.cen2022.survey",
                                description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    s = survey(a.cases, a.seed)
    e = np.array(s.pop("q_rate_exponents"))
    for k, v in s.items():
        print(f"{k:24s} {v:.6g}" if isinstance(v, float) else f"{k:24s} {v}")
    if e.size:
        print(f"{'q_rate_exponent':24s} median {np.median(e):.3f}, quartiles "
              f"{np.quantile(e, 0.25):.3f}-{np.quantile(e, 0.75):.3f} over {e.size} cases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
