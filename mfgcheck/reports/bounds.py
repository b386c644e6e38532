"""Theorem 1's explicit right side, (15)-(17) of appendix B.3, evaluated at numbers.

With constant step sizes ``eta``, ``beta`` and ``T`` iterations (appendix B.3):

- (15) ``(1/T) sum_t sigma^pi_t <= B15 = sigma^pi_0/(T eta lam)
  + (3 C3/lam)(1 + 1/p_min) sqrt(eps_total) + 2 eta R^2/lam
  + 2 (1 + C1) kappa d0 beta/(eta lam)``;
- Cauchy-Schwarz and Pinsker: ``(1/T) sum_t D(pi_t, pi*_t) <= C2 sqrt(2 B15)``;
- (16) ``(1/T) sum_t sigma^mu_t <= B16 = sigma^mu_0/(T beta d_bar) + (d2 C2/d_bar) sqrt(B15)``
  (the paper's; Lemma 7's Pinsker step lacks a factor 2, so the proof supports
  ``sqrt(2 B15)``: ``corrected=True`` uses it);
- (17)/(18), the final display:
  ``D(pi*, avg pi) + ||mu* - avg mu||_1 <= C2 sqrt(2 B15) + (1 + d1) B16``.

The formulas are theory/'s: ``mfgcheck.theory.theorem1``'s lambdified evaluators
(``theorem1.numeric("final_bound")`` ...; ``source = "theory.theorem1"``).
The fallback below types the same displays once more; it is used only if theory/ cannot be
imported (the report then says so) and, in the tests, as the independent route. (16) needs
``d_bar = 1 - d1 d2 - d3 > 0`` (Assumption 3); when it fails the mean-field and final bounds
are not defined and are returned as ``None``.
"""

from __future__ import annotations

import math
from typing import Any

from .._validate import check_int, check_number

BOUND_NAMES = ("avg_sigma_pi_bound", "avg_D_policy_bound", "avg_sigma_mu_bound", "final_bound")
NEEDS = ("T", "eta", "beta", "lam", "gamma", "nA", "R", "C1", "C2", "C3", "d0", "d1", "d2",
         "d3", "p_min", "eps_total", "sigma_pi_0", "sigma_mu_0")

# The domain of every number of NEEDS (keyword arguments of _validate.check_number; T and nA
# are integers >= 1): Theorem 1 assumes them (eta, beta steps; Assumption 3's constants are
# non-negative; p_min is a probability; sigma^mu_0 an l1 distance of two distributions).
INTEGERS = ("T", "nA")
DOMAINS: dict[str, dict[str, Any]] = {
    "eta": {"gt": 0.0}, "beta": {"gt": 0.0, "le": 1.0}, "lam": {"gt": 0.0},
    "gamma": {"gt": 0.0, "lt": 1.0}, "R": {"gt": 0.0}, "p_min": {"gt": 0.0, "le": 1.0},
    "eps_total": {"ge": 0.0}, "sigma_pi_0": {"ge": 0.0}, "sigma_mu_0": {"ge": 0.0, "le": 2.0},
    **{k: {"ge": 0.0} for k in ("C1", "C2", "C3", "d0", "d1", "d2", "d3")},
}
# The instance constants of (15)-(17) that no formula gives: they are measured on a game
# (numerics.assumption_constants, as `mfgcheck rate` does). `mfgcheck bounds --T --assume`
# fills the ones not given with these placeholders and prints them as assumed; they are not
# properties of any game.
INSTANCE = ("C1", "C2", "C3", "d0", "d1", "d2", "d3", "eps_total", "sigma_pi_0", "sigma_mu_0")
PLACEHOLDERS = {"C1": 1.0, "C2": 1.0, "C3": 1.0, "d0": 0.5, "d1": 0.1, "d2": 1.0, "d3": 0.5,
                "eps_total": 0.0, "sigma_pi_0": 1.0, "sigma_mu_0": 1.0}


def check(name: str, value, label: str | None = None):
    """``value`` checked against the domain of the number ``name`` (``InvalidInputError``
    naming ``label``, default ``name``)."""
    label = label or name
    if name in INTEGERS:
        return check_int(label, value, minimum=1)
    return check_number(label, value, **DOMAINS[name])


def constants(*, gamma: float, lam: float, nA: int, R: float) -> dict:
    """Qmax, the p_min bound, tau, KLmax, kappa of appendix A (theory.constants)."""
    from ..theory import constants as tc

    args = {k: check(k, v) for k, v in (("gamma", gamma), ("lam", lam), ("nA", nA), ("R", R))}
    out = {}
    for name in ("Qmax", "p_min_bound", "tau", "KLmax", "kappa"):
        fn = tc.numeric(name)
        names = getattr(fn, "args", None)
        out[name] = float(fn(**({k: args[k] for k in names} if names else args)))
    return out


def _theory_evaluators(corrected: bool):
    """theory.theorem1's lambdified bounds, or None if unavailable: ``numeric(name)`` over
    its ``NAMED`` expressions (``<name>_corrected`` for (16) and the final bound when
    ``corrected``), or the older ``numeric_<name>`` attributes."""
    try:  # the formulas alone: importing theory.theorem1 would build its proof steps too
        from ..theory import theorem1_bounds as theorem1
    except ImportError:
        return None
    out = {}
    for name in BOUND_NAMES:
        full = f"{name}_corrected" if corrected and name in ("avg_sigma_mu_bound",
                                                             "final_bound") else name
        fn = None
        if callable(getattr(theorem1, "numeric", None)) and full in getattr(theorem1, "NAMED",
                                                                            {}):
            fn = theorem1.numeric(full)
        fn = fn or getattr(theorem1, f"numeric_{full}", None)
        if fn is None:
            return None
        out[name] = fn
    return out


# theory/'s symbol names for the numbers of NEEDS (the rest are the same)
_THEORY_NAMES = {"sigma_pi_0": "sigma_pi0", "sigma_mu_0": "sigma_mu0"}


def _call(fn, numbers: dict) -> float:
    names = getattr(fn, "args", None)
    kwargs = {k: numbers[k] for k in names} if names is not None else numbers
    return float(fn(**kwargs))


def theorem1_bounds(numbers: dict, *, corrected: bool = False, fallback: bool = False) -> dict:
    """The four bounds at ``numbers`` (keys ``NEEDS``), with ``kappa``, ``d_bar`` and the
    ``source`` of the formulas. Bounds that need ``d_bar > 0`` are ``None`` when it fails.
    ``corrected`` uses Lemma 7 with Pinsker's factor 2 (sqrt(2 (15)) in (16));
    ``fallback`` forces the formulas typed here (tests compare both routes)."""
    missing = [k for k in NEEDS if k not in numbers]
    if missing:
        raise ValueError(f"theorem1_bounds: missing numbers {missing}")
    n = {k: float(check(k, numbers[k])) for k in NEEDS}
    n["kappa"] = constants(gamma=n["gamma"], lam=n["lam"], nA=int(n["nA"]), R=n["R"])["kappa"]
    n["d_bar"] = 1.0 - n["d1"] * n["d2"] - n["d3"]
    out: dict[str, object] = {"kappa": n["kappa"], "d_bar": n["d_bar"], "corrected": corrected}
    theory = None if fallback else _theory_evaluators(corrected)
    if theory is not None:
        out["source"] = "theory.theorem1"
        named = {_THEORY_NAMES.get(k, k): v for k, v in n.items()}
        for name, fn in theory.items():
            needs_dbar = name in ("avg_sigma_mu_bound", "final_bound")
            out[name] = None if needs_dbar and n["d_bar"] <= 0 else _call(fn, named)
        return out
    out["source"] = "reports.bounds fallback"
    out.update(_fallback(n, corrected))
    return out


def _fallback(n: dict, corrected: bool) -> dict:
    T, eta, beta, lam = n["T"], n["eta"], n["beta"], n["lam"]
    b15 = (n["sigma_pi_0"] / (T * eta * lam)
           + 3 * n["C3"] / lam * (1 + 1 / n["p_min"]) * math.sqrt(n["eps_total"])
           + 2 * eta * n["R"] ** 2 / lam
           + 2 * (1 + n["C1"]) * n["kappa"] * n["d0"] * beta / (eta * lam))
    d_pol = n["C2"] * math.sqrt(2 * b15)
    out = {"avg_sigma_pi_bound": b15, "avg_D_policy_bound": d_pol,
           "avg_sigma_mu_bound": None, "final_bound": None}
    if n["d_bar"] > 0:
        pinsker = 2.0 if corrected else 1.0
        b16 = (n["sigma_mu_0"] / (T * beta * n["d_bar"])
               + n["d2"] * n["C2"] / n["d_bar"] * math.sqrt(pinsker * b15))
        out["avg_sigma_mu_bound"] = b16
        out["final_bound"] = d_pol + (1 + n["d1"]) * b16
    return out
