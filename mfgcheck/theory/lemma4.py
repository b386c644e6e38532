"""Lemma 4 (appendix A; Lemma 3 of [78]): KL is Lipschitz in its first argument.

If x(a) >= alpha1, y(a) >= alpha1 and z(a) >= alpha2 for all a, then
``KL(x||z) - KL(y||z) <= (1 + log(1/min{alpha1, alpha2})) ||x - y||_1``.

Named pieces (``NAMED``, evaluated by ``numeric(name)``): ``constant = 1 +
log(1/min{alpha1, alpha2})`` (the paper's) and ``sharp_constant = (log(1/alpha1) +
log(1/alpha2))/2`` (what the proof below gives).

Proof encoded (per-coordinate mean value argument). With f(t) = t log t - t log z(a),
KL(x||z) - KL(y||z) = sum_a f'(xi_a)(x(a) - y(a)) and the slope f'(xi) = log xi + 1 - log z
lies in [1 - log(1/alpha1), 1 + log(1/alpha2)]. Since sum_a (x(a) - y(a)) = 0, any constant
can be subtracted from the slopes; subtracting the midpoint gives
``KL(x||z) - KL(y||z) <= (log(1/alpha1) + log(1/alpha2))/2 * ||x - y||_1``, which is at most
``log(1/min{alpha1, alpha2})``: the lemma holds, without the "1 +".

What SymPy proves: the derivative, the slope range, the centring in the two-action case
(where it is tight) and the comparison of constants. What it does not prove: the mean value
theorem itself and the reduction of |A| actions to the centred bound; the lemma as a whole
is checked numerically (``lemma4.lipschitz``).
"""

from __future__ import annotations

import sympy as sp
from sympy import Abs, log

from .core import Claim, algebraic, between, evaluators, numeric_step, times_at_least, times_at_most
from .symbols import alpha1, alpha2, c1, c2, kl_diff, l1_xy, x1, xi, y1, z

constant = 1 + log(1 / sp.Min(alpha1, alpha2))
sharp_constant = (log(1 / alpha1) + log(1 / alpha2)) / 2
NAMED = {
    "constant": constant,
    "sharp_constant": sharp_constant,
}
numeric = evaluators(NAMED)

_slope = log(xi) + 1 - log(z)
_a1, _a2 = log(1 / alpha1), log(1 / alpha2)
_unit = {alpha1: times_at_most(1), alpha2: times_at_most(1)}

steps = [
    algebraic(
        "lemma4.derivative", "d/dt [t log t - t log z] = log t + 1 - log z",
        sp.diff(xi * log(xi) - xi * log(z), xi), _slope, "==", "calculus",
    ),
    algebraic(
        "lemma4.slope_upper", "slope <= 1 + log(1/alpha2)", _slope, 1 + _a2, "<=",
        "xi <= 1 and z >= alpha2", hypotheses=(sp.Le(xi, 1), sp.Ge(z, alpha2)),
        rewrite={xi: times_at_most(1), z: times_at_least(alpha2)},
    ),
    algebraic(
        "lemma4.slope_lower", "slope >= 1 - log(1/alpha1)", _slope, 1 - _a1, ">=",
        "xi >= alpha1 and z <= 1", hypotheses=(sp.Ge(xi, alpha1), sp.Le(z, 1)),
        rewrite={xi: times_at_least(alpha1), z: times_at_most(1)},
    ),
    algebraic(
        "lemma4.centring", "sum_a c_a (x_a - y_a) <= sharp constant * ||x - y||_1 (|A| = 2)",
        (c1 - c2) * (x1 - y1), sharp_constant * (Abs(x1 - y1) + Abs((1 - x1) - (1 - y1))), "<=",
        "sum_a (x_a - y_a) = 0: subtract the midpoint of the slope range",
        hypotheses=(sp.Ge(c1, 1 - _a1), sp.Le(c1, 1 + _a2), sp.Ge(c2, 1 - _a1),
                    sp.Le(c2, 1 + _a2), sp.Le(alpha1, 1), sp.Le(alpha2, 1)),
        rewrite=[{c1: between(1 - _a1, 1 + _a2), c2: between(1 - _a1, 1 + _a2)}, _unit],
        note="Two actions, where the centred bound is attained; |A| > 2 follows by the same "
             "centring (checked numerically in lemma4.lipschitz).",
    ),
    algebraic(
        "lemma4.constant", "(log 1/alpha1 + log 1/alpha2)/2 <= 1 + log(1/min{alpha1, alpha2})",
        sharp_constant, constant, "<=", "average <= maximum",
        note="So Lemma 4 holds with the smaller constant (log(1/alpha1) + log(1/alpha2))/2.",
    ),
    numeric_step(
        "lemma4.lipschitz", "Lemma 4 on actual distributions", kl_diff, sharp_constant * l1_xy,
        "<=", "mean value theorem per coordinate + centring",
        hypotheses=("x(a), y(a) >= alpha1", "z(a) >= alpha2"),
        note="The numeric check can test the sharp constant, hence the paper's too.",
    ),
]

claim = Claim(
    name="lemma4",
    title="Lemma 4",
    reference="Appendix A, Lemma 4 (Lemma 3 of [78])",
    statement="If x(a), y(a) >= alpha1 and z(a) >= alpha2 for all a, then KL(x||z) - KL(y||z) "
              "<= (1 + log(1/min{alpha1, alpha2})) ||x - y||_1.",
    hypotheses=["x, y, z distributions on A", "x(a), y(a) >= alpha1", "z(a) >= alpha2"],
    lhs=kl_diff,
    rhs=constant * l1_xy,
    relation="<=",
    steps=steps,
    conclusion="lemma4.lipschitz",
)
