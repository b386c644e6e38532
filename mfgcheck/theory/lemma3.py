"""Lemma 3 (appendix A): the regularised best response is bounded away from zero.

With ``Qmax = (1 + gamma lam log|A|)/(1 - gamma)``, for every mean field mu,
``pi*_mu(a|s) >= 1/(|A| exp(Qmax/lam))`` for all (s, a).

Named pieces (``NAMED``, evaluated by ``numeric(name)``): ``floor = 1/(|A| exp(Qmax/lam))``
and ``Vmax = (1 + lam log|A|)/(1 - gamma)``.

Findings. The last display needs ``Q*(s, a) >= 0`` (numerator ``exp(Q*/lam) >= 1``); the
appendix uses it silently. It holds because r in [0, 1] and entropies are nonnegative
(``lemma3.Q_nonneg``), so the step is conditional on a hypothesis that is true.
``Q* <= Qmax`` is exact: ``1 + gamma Vmax = Qmax``.
"""

from __future__ import annotations

import sympy as sp
from sympy import exp, log

from .constants import Qmax
from .core import Claim, algebraic, at_least, at_most, between, evaluators, numeric_step
from .symbols import H_ent, Q_a, Q_b, V_next, gamma, lam, nA, pi_star, r_sa

Vmax = (1 + lam * log(nA)) / (1 - gamma)
floor = 1 / (nA * exp(Qmax / lam))
NAMED = {
    "floor": floor,
    "Vmax": Vmax,
}
numeric = evaluators(NAMED)

_k = sp.Symbol("k", integer=True, nonnegative=True)
_geometric = (1 + lam * log(nA)) * sp.Sum(gamma**_k, (_k, 0, sp.oo))
_softmax = exp(Q_a / lam) / (exp(Q_a / lam) + (nA - 1) * exp(Q_b / lam))


def _geometric_sum() -> bool:
    value = sp.refine(_geometric.doit(), sp.Q.lt(gamma, 1))
    return sp.expand(sp.together(value - Vmax)) == 0


steps = [
    numeric_step(
        "lemma3.entropy", "H(pi(.|s)) <= log|A|", H_ent, log(nA), "<=",
        "entropy of a distribution on |A| points (Jensen)",
    ),
    algebraic(
        "lemma3.Vmax", "V <= sum_k gamma^k (1 + lam log|A|)", _geometric, Vmax, "==",
        "geometric series with r <= 1 and H <= log|A| per step", prover=_geometric_sum,
    ),
    algebraic(
        "lemma3.Qmax", "Q*(s,a) = r + gamma E V(s') <= Qmax", r_sa + gamma * V_next, Qmax, "<=",
        "r <= 1 and V <= Vmax",
        hypotheses=(sp.Le(r_sa, 1), sp.Le(V_next, Vmax)),
        rewrite={r_sa: at_most(1), V_next: at_most(Vmax)},
        note="Exact: 1 + gamma Vmax = Qmax.",
    ),
    algebraic(
        "lemma3.Q_nonneg", "Q*(s,a) >= 0 (hypothesis made explicit)", r_sa + gamma * V_next, 0,
        ">=", "r >= 0 and V >= 0 (entropy is nonnegative)",
        hypotheses=(sp.Ge(r_sa, 0, evaluate=False), sp.Ge(V_next, 0)),
        rewrite={V_next: at_least(0)},
        note="Not stated in the appendix; needed by lemma3.floor.",
    ),
    algebraic(
        "lemma3.floor", "exp(Q*/lam)/sum_b exp(Q*_b/lam) >= 1/(|A| exp(Qmax/lam))",
        _softmax, floor, ">=",
        "Boltzmann form of pi* [46]; Q*(s,b) <= Qmax",
        hypotheses=(sp.Le(Q_a, Qmax), sp.Le(Q_b, Qmax)),
        condition=sp.Ge(Q_a, 0),
        rewrite={Q_a: between(0, Qmax), Q_b: at_most(Qmax)},
        counterexample={"Q_a": -3, "Q_b": 2, "lam": 1, "gamma": sp.Rational(1, 2), "nA": 2},
        note="Worst case: the other |A|-1 actions at Q_b. The appendix bounds the numerator "
             "by exp(0) = 1, which needs Q*(s,a) >= 0 (true, lemma3.Q_nonneg). The condition "
             "is sufficient, not necessary (a slightly negative Q_a also works).",
    ),
]

claim = Claim(
    name="lemma3",
    title="Lemma 3",
    reference="Appendix A, Lemma 3",
    statement="For any mean field mu, pi*_mu(a|s) >= 1/(|A| exp(Qmax/lam)) for all (s, a), "
              "Qmax = (1 + gamma lam log|A|)/(1 - gamma).",
    hypotheses=["r(s, a, mu) in [0, 1]", "pi*_mu(a|s) ∝ exp(Q*_mu(s, a)/lam)",
                sp.Lt(gamma, 1), "Q*_mu(s, a) >= 0 (made explicit)"],
    lhs=pi_star,
    rhs=floor,
    relation=">=",
    steps=steps,
    conclusion="lemma3.floor",
)
