"""Lemma 2 (appendix A, persistence of excitation; Lemma 2 of [13]).

For lam > 0, theta_0 = 0, ||w_hat_t||_2 <= R, ||phi_{s,a}||_2 <= 1 and 0 < eta lam < 1:
``||theta_t||_2 <= R/lam`` for all t, and ``p_min >= exp(-2R/lam)/|A|``.

Named pieces (``NAMED``, evaluated by ``numeric(name)``): ``theta_bound = R/lam`` and
``p_min_bound = exp(-2R/lam)/|A|``.

The triangle-inequality step is checked in the collinear (one-coordinate) case, where it is
tight; what SymPy checks there is that the coefficients 1 - eta lam and eta lam are
nonnegative, which is where the hypothesis 0 < eta lam < 1 enters.
"""

from __future__ import annotations

import sympy as sp
from sympy import Abs, exp

from . import constants
from .core import Claim, algebraic, between, evaluators, times_at_least, times_at_most
from .symbols import R, den, eta, lam, nA, num, p_min, phi_norm, theta, theta_norm, w_hat, w_norm

theta_bound = constants.theta_bound
p_min_bound = constants.p_min_bound
NAMED = {
    "theta_bound": theta_bound,
    "p_min_bound": p_min_bound,
}
numeric = evaluators(NAMED)

_M = R / lam  # the logit bound |theta^T phi| <= R/lam
_step_ok = sp.Lt(eta * lam, 1)
_eta_in_range = {eta: between(0, 1 / lam)}

steps = [
    algebraic(
        "lemma2.update", "policy update rewritten",
        theta + eta * (w_hat - lam * theta), (1 - eta * lam) * theta + eta * lam * (w_hat / lam),
        "==", "theta_{t+1} = theta_t + eta g_t with g_t = w_hat_t - lam theta_t",
    ),
    algebraic(
        "lemma2.triangle", "triangle inequality on theta_{t+1}",
        Abs((1 - eta * lam) * theta + eta * lam * (w_hat / lam)),
        (1 - eta * lam) * Abs(theta) + eta * lam * Abs(w_hat / lam), "<=",
        "triangle inequality (needs 0 < eta lam < 1)",
        hypotheses=(_step_ok,), rewrite=_eta_in_range,
    ),
    algebraic(
        "lemma2.induction", "induction step ||theta_{t+1}|| <= R/lam",
        (1 - eta * lam) * theta_norm + eta * lam * (w_norm / lam), R / lam, "<=",
        "induction hypothesis, ||w_hat_t|| <= R, 0 < eta lam < 1",
        hypotheses=(_step_ok, sp.Le(theta_norm, R / lam), sp.Le(w_norm, R)),
        rewrite=[_eta_in_range, {theta_norm: between(0, R / lam), w_norm: between(0, R)}],
    ),
    algebraic(
        "lemma2.logit", "|theta^T phi| <= R/lam",
        theta_norm * phi_norm, R / lam, "<=",
        "Cauchy-Schwarz, ||theta_t|| <= R/lam, ||phi_{s,a}|| <= 1",
        hypotheses=(sp.Le(theta_norm, R / lam), sp.Le(phi_norm, 1)),
        rewrite={theta_norm: between(0, R / lam), phi_norm: between(0, 1)},
    ),
    algebraic(
        "lemma2.softmax_floor", "pi_t(a|s) >= exp(-R/lam)/(|A| exp(R/lam))",
        num / den, exp(-_M) / (nA * exp(_M)), ">=",
        "softmax: numerator >= exp(-R/lam), normaliser <= |A| exp(R/lam)",
        hypotheses=(sp.Ge(num, exp(-_M)), sp.Le(den, nA * exp(_M))),
        rewrite={num: times_at_least(exp(-_M)), den: times_at_most(nA * exp(_M))},
    ),
    algebraic(
        "lemma2.p_min", "exp(-R/lam)/(|A| exp(R/lam)) = exp(-2R/lam)/|A|",
        exp(-_M) / (nA * exp(_M)), p_min_bound, "==", "exponent arithmetic",
    ),
]

claim = Claim(
    name="lemma2",
    title="Lemma 2",
    reference="Appendix A, Lemma 2 (Lemma 2 of [13])",
    statement="||theta_t||_2 <= R/lam for all t, and p_min = inf_t min_{s,a} pi_t(a|s) >= "
              "exp(-2R/lam)/|A| > 0.",
    hypotheses=["lam > 0", "theta_0 = 0", sp.Le(w_norm, R), sp.Le(phi_norm, 1),
                sp.Gt(eta * lam, 0, evaluate=False), _step_ok],
    lhs=p_min,
    rhs=p_min_bound,
    relation=">=",
    steps=steps,
    conclusion="lemma2.softmax_floor",
)
