"""Proposition 2 (appendix C; Theorem 14.8 and Lemma 14.9 of [62]): projected SGD.

For convex f, x* = argmin_{||x|| <= R} f, stochastic gradients of norm <= rho a.s. and step
size R/(rho sqrt K): ``E f(average iterate) - f(x*) <= B rho / sqrt(K)``.

Named pieces: ``rhs = R rho / sqrt(K)`` (the bound with B read as the radius R),
``rho_bound = 4 (2R + Qmax)`` (a valid rho for Algorithm 3's gradient), ``paper_step =
R/(Qmax sqrt K)`` and ``bound_with_paper_step = R (Qmax + rho^2/Qmax) / (2 sqrt K)`` (what
Theorem 14.8 gives with the paper's step size when the gradient bound is rho); ``NAMED``,
evaluated by ``numeric(name)``.

Findings. B is undefined in the statement; in [62] it is the radius of the constraint set,
here R (``proposition2.B``). Algorithm 3's step size R/(Qmax sqrt K) corresponds to
rho = Qmax, but its stochastic gradient 2 (w^T grad log pi - A_hat) grad log pi has norm up to
4 (2R + Qmax) (``||grad log pi|| <= 2``, ``|w^T grad log pi| <= 2R``, ``|A_hat| <= Qmax`` when
Q_hat is in [0, Qmax]), and it exceeds Qmax on a two-action example (``proposition2.rho_Qmax``,
refuted). The O(1/sqrt K) rate and the O(1/eps_actor^2) iteration count survive; only the
constant changes (``bound_with_paper_step``).
"""

from __future__ import annotations

import sympy as sp
from sympy import Abs, sqrt

from .constants import Qmax
from .core import Claim, algebraic, between, evaluators, numeric_step, times_at_most
from .symbols import (
    A_hat,
    B,
    K,
    Q_a,
    Q_b,
    R,
    eps_actor,
    grad_norm,
    phi1,
    phi2,
    pi1,
    rho,
    sgd_gap,
    w_hat,
    w_norm,
)

rhs = R * rho / sqrt(K)
rho_bound = 4 * (2 * R + Qmax)
paper_step = R / (Qmax * sqrt(K))
bound_with_paper_step = R * (Qmax + rho**2 / Qmax) / (2 * sqrt(K))
NAMED = {
    "rhs": rhs,
    "rho_bound": rho_bound,
    "paper_step": paper_step,
    "bound_with_paper_step": bound_with_paper_step,
}
numeric = evaluators(NAMED)

_eta = sp.Symbol("alpha_bar", positive=True)  # a generic SGD step size (proof variable)
_general = R**2 / (2 * _eta * K) + _eta * rho**2 / 2  # Theorem 14.8 of [62], any step size
_grad1 = phi1 - (pi1 * phi1 + (1 - pi1) * phi2)  # grad log pi(a1|s), one feature coordinate
_adv1 = Q_a - (pi1 * Q_a + (1 - pi1) * Q_b)  # A_hat(s, a1) from Q_hat
_gradient_norm = 2 * Abs(w_hat * _grad1 - _adv1) * Abs(_grad1)
_q_range = (sp.Ge(Q_a, 0), sp.Le(Q_a, Qmax), sp.Ge(Q_b, 0), sp.Le(Q_b, Qmax))
_prob = {pi1: times_at_most(1)}

steps = [
    numeric_step(
        "proposition2.sgd", "projected SGD bound", sgd_gap, rhs, "<=",
        "Theorem 14.8 and Lemma 14.9 of [62]",
    ),
    algebraic(
        "proposition2.step_size", "step R/(rho sqrt K) turns R^2/(2 a K) + a rho^2/2 into "
        "R rho/sqrt K", _general.subs(_eta, R / (rho * sqrt(K))), rhs, "==",
        "Theorem 14.8 of [62] with its step size",
    ),
    algebraic(
        "proposition2.B", "B rho/sqrt K is R rho/sqrt K", B * rho / sqrt(K), rhs, "==",
        "B is undefined: the radius of the constraint set in [62]",
        condition=sp.Eq(B, R), rewrite={B: R},
        counterexample={"B": 2, "R": 1, "rho": 1, "K": 1},
    ),
    algebraic(
        "proposition2.grad_log", "||grad log pi(a|s)|| <= 2 (one coordinate, two actions)",
        Abs(_grad1), 2, "<=", "||phi|| <= 1, triangle inequality",
        rewrite=[{phi1: between(-1, 1), phi2: between(-1, 1)}, _prob],
    ),
    algebraic(
        "proposition2.A_hat", "|A_hat(s, a)| <= Qmax when Q_hat in [0, Qmax]", Abs(_adv1), Qmax,
        "<=", "A_hat(s, a) = Q_hat(s, a) - E_pi Q_hat(s, .)", hypotheses=_q_range,
        rewrite=[{Q_a: between(0, Qmax), Q_b: between(0, Qmax)}, _prob],
    ),
    algebraic(
        "proposition2.grad_norm", "||2 (w^T grad - A_hat) grad|| <= 4 (2R + Qmax)",
        2 * (w_norm * grad_norm + Abs(A_hat)) * grad_norm, rho_bound, "<=",
        "Cauchy-Schwarz, ||w|| <= R, ||grad log pi|| <= 2, |A_hat| <= Qmax",
        hypotheses=(sp.Le(w_norm, R), sp.Le(grad_norm, 2), sp.Le(Abs(A_hat), Qmax)),
        rewrite={w_norm: between(0, R), grad_norm: between(0, 2),
                 A_hat: between(-Qmax, Qmax)},
    ),
    algebraic(
        "proposition2.rho_Qmax", "step R/(Qmax sqrt K) needs ||gradient|| <= Qmax",
        _gradient_norm, Qmax, "<=", "rho = Qmax (implicit in the step size of Algorithm 3)",
        hypotheses=(sp.Le(Abs(w_hat), R), *_q_range),
        counterexample={"phi1": 1, "phi2": -1, "pi1": sp.Rational(1, 100), "w_hat": 1, "R": 1,
                        "Q_a": 0, "Q_b": 2, "gamma": sp.Rational(1, 2), "lam": 1, "nA": 2},
        note="The gradient norm is 15.68 > Qmax = 2 + log 2. Its supremum under the "
             "hypotheses is 4 (2R + Qmax) > Qmax for all parameters (pi(a|s) -> 0, phi_a = "
             "-phi_b, w aligned, Q_hat = (0, Qmax)). Theorem 14.8 still gives O(1/sqrt K) "
             "with this step, with the constant bound_with_paper_step.",
    ),
    algebraic(
        "proposition2.iterations", "K = (R rho/eps)^2 iterations give error eps",
        rhs.subs(K, (R * rho / eps_actor) ** 2), eps_actor, "==",
        "O(1/eps_actor^2) iterations",
    ),
]

claim = Claim(
    name="proposition2",
    title="Proposition 2",
    reference="Appendix C, Proposition 2 (Theorem 14.8, Lemma 14.9 of [62])",
    statement="Projected SGD with step R/(rho sqrt K) satisfies E f(average) - f(x*) <= "
              "B rho/sqrt K (B undefined; read B = R).",
    hypotheses=["f convex", "x* = argmin_{||x|| <= R} f", "||stochastic gradient|| <= rho a.s."],
    lhs=sgd_gap,
    rhs=rhs,
    relation="<=",
    steps=steps,
    conclusion="proposition2.sgd",
    note="The proposition averages x_1..x_K; Algorithm 3 outputs the average of w_0..w_{K-1} "
         "(the same up to an index shift).",
)
