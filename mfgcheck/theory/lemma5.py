"""Lemma 5 (appendix A): from sigma^pi_{t+1} back to the policy of step t.

Under the conditions of Lemma 8,
``sigma^pi_{t+1} <= E_{d*_t}[KL(pi*_t || pi_{t+1})] + (1 + C1) kappa d0 ||mu_{t+1} - mu_t||_1``
with ``kappa = 2 log|A|/(1 - gamma) + (1 + 2R(1 - gamma))/(lam (1 - gamma))``.

Named pieces (``NAMED``, evaluated by ``numeric(name)``): ``drift_coefficient = (1 + C1)
kappa d0``, ``lemma4_constant = 1 + log(1/min{tau, p_min})`` (Lemma 4's constant as used in
(6)) and ``lemma4_sharp_constant``; ``KLmax`` and ``kappa`` are in ``constants``.

Findings. The displayed claim ``kappa >= 1 + max{log|A| + Qmax/lam, log|A| + 2R/lam}`` is
conditional: the first part holds iff ``log|A|/(1 - gamma) + 2R/lam >= 1`` and the second iff
``log|A| (1 + gamma)/(1 - gamma) + 1/(lam (1 - gamma)) >= 1`` (both exact). The lemma's
conclusion nevertheless holds unconditionally: Lemma 4 holds with the constant
``(log(1/tau) + log(1/p_min))/2`` (see ``lemma4``), and that is at most kappa for all
parameters (``lemma5.kappa_sharp``). ``KLmax <= kappa`` (needed to add (5) and (6)) holds.
"""

from __future__ import annotations

import sympy as sp
from sympy import Abs, log

from . import constants
from .constants import KLmax, Qmax, kappa, p_min_bound
from .core import (
    Claim,
    algebraic,
    between,
    evaluators,
    numeric_step,
    times_at_least,
    times_at_most,
)
from .lemma3 import floor as lemma3_floor
from .symbols import (
    C1,
    D_pi,
    R,
    d0,
    dmu,
    drift_ratio,
    dstar,
    gamma,
    kl,
    kl_gap,
    kl_next,
    kl_shift,
    l1_star,
    lam,
    nA,
    p,
    p_min,
    q,
    sigma_pi_next,
    u1,
)

tau = constants.tau
drift_coefficient = (1 + C1) * kappa * d0
lemma4_constant = 1 + log(1 / sp.Min(tau, p_min))
lemma4_sharp_constant = (log(1 / tau) + log(1 / p_min)) / 2
NAMED = {
    "drift_coefficient": drift_coefficient,
    "lemma4_constant": lemma4_constant,
    "lemma4_sharp_constant": lemma4_sharp_constant,
}
numeric = evaluators(NAMED)

_L = log(nA)
_floor_ok = sp.Ge(p_min, p_min_bound)
_pmin_rw = {p_min: times_at_least(p_min_bound)}
_max_form = 1 + sp.Max(_L + Qmax / lam, KLmax)

kappa_tau = algebraic(
    "lemma5.kappa_tau", "kappa >= 1 + log|A| + Qmax/lam (first part of the max)",
    1 + _L + Qmax / lam, kappa, "<=", "claimed in the last display of Lemma 5",
    condition=sp.Ge(_L / (1 - gamma) + 2 * R / lam, 1), exact=True,
    counterexample={"nA": 2, "gamma": sp.Rational(1, 10), "R": sp.Rational(1, 10), "lam": 1},
    note="kappa - (1 + log|A| + Qmax/lam) = log|A|/(1-gamma) + 2R/lam - 1: fails for small "
         "gamma and small R/lam (e.g. |A|=2, gamma=1/10, R/lam=1/10).",
)
kappa_pmin = algebraic(
    "lemma5.kappa_pmin", "kappa >= 1 + log|A| + 2R/lam (second part of the max)",
    1 + KLmax, kappa, "<=", "claimed in the last display of Lemma 5",
    condition=sp.Ge(_L * (1 + gamma) / (1 - gamma) + 1 / (lam * (1 - gamma)), 1), exact=True,
    counterexample={"nA": 2, "gamma": sp.Rational(1, 10), "R": 1, "lam": 10},
    note="kappa - (1 + KLmax) = log|A|(1+gamma)/(1-gamma) + 1/(lam(1-gamma)) - 1: fails for "
         "large lam and small gamma (e.g. |A|=2, gamma=1/10, lam=10).",
)
kappa_min = algebraic(
    "lemma5.kappa_min", "1 + max{...} >= 1 + log(1/min{tau, p_min})",
    lemma4_constant, _max_form, "<=", "log(1/tau) = log|A| + Qmax/lam; p_min >= bound (Lemma 2)",
    hypotheses=(_floor_ok,), rewrite=_pmin_rw,
)


def _chain() -> bool:
    return kappa_min.verdict == "proved" and {kappa_tau.verdict, kappa_pmin.verdict} == {
        "conditional"}


steps = [
    algebraic(
        "lemma5.eq4_split", "(4) first line: x <= y + |x - y|",
        sigma_pi_next, kl_shift + Abs(sigma_pi_next - kl_shift), "<=", "triangle inequality",
    ),
    algebraic(
        "lemma5.eq4_shift", "(4) second line: change the state distribution (per state)",
        p * kl, q * kl + (p - q) * kl, "==", "add and subtract E_{d*_t}",
    ),
    algebraic(
        "lemma5.kl_floor", "KL(pi*_t||pi_{t+1}) <= sum_a pi*_t(a) log(1/p_min) (per action)",
        p * log(p / q), p * log(1 / p_min), "<=", "pi*_t(a) <= 1 and pi_{t+1}(a) >= p_min",
        hypotheses=(sp.Ge(q, p_min), sp.Le(p, 1)),
        rewrite={p: times_at_most(1), q: times_at_least(p_min)},
    ),
    algebraic(
        "lemma5.KLmax", "log(1/p_min) <= log|A| + 2R/lam = KLmax", log(1 / p_min), KLmax, "<=",
        "Lemma 2", hypotheses=(_floor_ok,), rewrite=_pmin_rw,
    ),
    algebraic(
        "lemma5.eq5_measure", "(5) first line: (E_{d*_{t+1}} - E_{d*_t})[KL] = "
        "E_{d*}[(d*_{t+1} - d*_t)/d* KL] (per state)",
        u1 * kl, sp.Mul(dstar, u1 / dstar, kl, evaluate=False), "==", "change of measure",
    ),
    algebraic(
        "lemma5.eq5_bound", "(5) second line: (Delta/d*) KL <= KLmax |Delta|/d* (per state)",
        (u1 / dstar) * kl, KLmax * Abs(u1) / dstar, "<=", "0 <= KL <= KLmax",
        hypotheses=(sp.Le(kl, KLmax),), rewrite={kl: between(0, KLmax)},
    ),
    numeric_step(
        "lemma5.eq5", "(5)", KLmax * drift_ratio, KLmax * d0 * dmu, "<=", "Assumption 1",
    ),
    algebraic(
        "lemma5.tau", "tau (Lemma 5) = floor of pi* (Lemma 3)",
        sp.exp(-(1 + gamma * lam * _L) / (lam * (1 - gamma))) / nA, lemma3_floor, "==",
        "Lemma 3",
    ),
    numeric_step(
        "lemma5.eq6_lemma4", "(6) first line", kl_gap, lemma4_constant * l1_star, "<=",
        "Lemma 4 with alpha1 = tau (pi*_t, pi*_{t+1}) and alpha2 = p_min (pi_{t+1}); "
        "|E X| <= E|X|",
    ),
    kappa_tau,
    kappa_pmin,
    kappa_min,
    algebraic(
        "lemma5.eq6_kappa", "(6) second line: 1 + log(1/min{tau, p_min}) <= kappa",
        lemma4_constant, kappa, "<=", "definition of kappa (last display)",
        hypotheses=(_floor_ok,), prover=_chain,
        condition=sp.And(kappa_tau.condition, kappa_pmin.condition),
        counterexample={"nA": 2, "gamma": sp.Rational(1, 10), "R": sp.Rational(1, 10),
                        "lam": 1, "p_min": sp.Rational(9, 20)},
        note="By lemma5.kappa_min and the two exact conditions; sufficient (exact when "
             "p_min equals its bound). Repaired by lemma5.kappa_sharp.",
    ),
    algebraic(
        "lemma5.kappa_sharp", "(log(1/tau) + log(1/p_min))/2 <= kappa (repair)",
        lemma4_sharp_constant, kappa, "<=", "Lemma 4 with its sharp constant",
        hypotheses=(_floor_ok,), rewrite=_pmin_rw,
        note="kappa - (log(1/tau) + log(1/p_min_bound))/2 = log|A|(1 + gamma/2)/(1-gamma) + "
             "1/(2 lam (1-gamma)) + R/lam > 0: Lemma 5 holds as stated for all parameters.",
    ),
    numeric_step(
        "lemma5.eq6_assumption2", "(6) third line", kappa * l1_star, kappa * C1 * D_pi, "<=",
        "Assumption 2 (d*_{t+1}/d* <= C1)",
    ),
    numeric_step(
        "lemma5.eq6", "(6)", kappa * C1 * D_pi, kappa * C1 * d0 * dmu, "<=",
        "Assumption 1 (D(Gamma1(mu), Gamma1(mu')) <= d0 ||mu - mu'||_1)",
    ),
    algebraic(
        "lemma5.KLmax_kappa", "KLmax <= kappa (to add (5) and (6))", KLmax, kappa, "<=",
        "definitions",
    ),
    algebraic(
        "lemma5.statement", "Lemma 5: combine (4), (5), (6)",
        kl_next + KLmax * d0 * dmu + kappa * C1 * d0 * dmu, kl_next + drift_coefficient * dmu,
        "<=", "KLmax <= kappa",
    ),
]

claim = Claim(
    name="lemma5",
    title="Lemma 5",
    reference="Appendix A, Lemma 5, displays (4)-(6)",
    statement="sigma^pi_{t+1} <= E_{d*_t}[KL(pi*_t || pi_{t+1})] + (1 + C1) kappa d0 "
              "||mu_{t+1} - mu_t||_1.",
    hypotheses=["Assumptions 1 and 2", "Lemma 2 (p_min >= exp(-2R/lam)/|A|)",
                "Lemma 3 (pi*_t >= tau)", sp.Lt(gamma, 1)],
    lhs=sigma_pi_next,
    rhs=kl_next + drift_coefficient * dmu,
    relation="<=",
    steps=steps,
    conclusion="lemma5.statement",
)
