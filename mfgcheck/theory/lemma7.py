"""Lemma 7 (appendix A; Lemma 8 of [78]): one-step recursion of the mean-field gap.

With ``d_bar = 1 - d1 d2 - d3 > 0``, the paper states
``||mu_{t+1} - mu*||_1 <= (1 - beta d_bar) ||mu_t - mu*||_1 + d2 C2 beta sqrt(sigma^pi_t)``.

Named pieces: ``rhs`` (the paper's right side) and ``corrected_rhs`` (with
``sqrt(2 sigma^pi_t)``), evaluated by ``numeric(name)``.

Finding. The last step of display (8) uses Pinsker's inequality as ``||p - q||_1^2 <= KL(p||q)``;
Pinsker gives ``||p - q||_1^2 <= 2 KL(p||q)`` and the constant 2 is sharp as p -> q. The step
is refuted by two Bernoulli distributions (p = 1/2, q = 1/4: ||p - q||_1^2 = 1/4 > KL = 0.144),
and so is display (8) itself (one state, C2 = 1). The proof establishes Lemma 7 with
``d2 C2 beta sqrt(2 sigma^pi_t)``; Theorem 1's proof uses 2 KL correctly for the policy but
inherits the missing sqrt(2) in (16).
"""

from __future__ import annotations

import sympy as sp
from sympy import Abs, log, sqrt

from .core import (
    Claim,
    Decision,
    algebraic,
    between,
    evaluators,
    numeric_step,
    prove_monotone,
    times_at_most,
)
from .symbols import (
    C2,
    D_pi,
    beta,
    d1,
    d2,
    d3,
    d_bar,
    g2_pi,
    g2_star,
    m_star,
    m_t,
    p,
    q,
    sigma_mu,
    sigma_mu_next,
    sigma_pi,
    sq_l1,
    u1,
    u2,
    u3,
)

rhs = (1 - beta * d_bar) * sigma_mu + d2 * C2 * beta * sqrt(sigma_pi)
corrected_rhs = (1 - beta * d_bar) * sigma_mu + d2 * C2 * beta * sqrt(2 * sigma_pi)
NAMED = {
    "rhs": rhs,
    "corrected_rhs": corrected_rhs,
}
numeric = evaluators(NAMED)

_kl_binary = p * log(p / q) + (1 - p) * log((1 - p) / (1 - q))
_l1_binary = Abs(p - q) + Abs((1 - p) - (1 - q))
_proper = (sp.Lt(p, 1), sp.Lt(q, 1))


def _pinsker() -> Decision:
    """2 KL(p||q) - ||p - q||_1^2 is 0 at q = p and (q - p) d/dq >= 0 for q in (0, 1)."""
    f = 2 * _kl_binary - 4 * (p - q) ** 2
    return prove_monotone(f, q, p, rewrite={q: times_at_most(1)})


steps = [
    algebraic(
        "lemma7.update", "(7) first line: regroup the update (one coordinate)",
        (1 - beta) * m_t + beta * g2_pi - m_star,
        (1 - beta) * (m_t - m_star) + beta * (g2_star - m_star) - beta * (g2_star - g2_pi), "==",
        "mu_{t+1} = (1 - beta) mu_t + beta Gamma2(pi_t, mu_t); add and subtract",
    ),
    algebraic(
        "lemma7.eq7_triangle", "(7) first inequality (one coordinate)",
        Abs((1 - beta) * u1 + beta * u2 - beta * u3),
        (1 - beta) * Abs(u1) + beta * Abs(u2) + beta * Abs(u3), "<=",
        "triangle inequality, 0 < beta <= 1", hypotheses=(sp.Le(beta, 1),),
        rewrite={beta: times_at_most(1)},
    ),
    numeric_step(
        "lemma7.eq7_lipschitz", "(7) second inequality: Lemma 6 and Gamma2",
        beta * Abs(u2) + beta * Abs(u3), beta * (d1 * d2 + d3) * sigma_mu + beta * d2 * D_pi, "<=",
        "Gamma2(Gamma1(mu*), mu*) = mu*, Lemma 6, Assumption 3 (d2)",
    ),
    algebraic(
        "lemma7.eq7", "(7): collect the coefficient of ||mu_t - mu*||",
        (1 - beta) * sigma_mu + beta * (d1 * d2 + d3) * sigma_mu + beta * d2 * D_pi,
        (1 - beta * (1 - d1 * d2 - d3)) * sigma_mu + beta * d2 * D_pi, "==",
        "d_bar = 1 - d1 d2 - d3",
    ),
    numeric_step(
        "lemma7.eq8_cauchy_schwarz", "(8) Cauchy-Schwarz and Assumption 2",
        D_pi, C2 * sqrt(sq_l1), "<=", "Cauchy-Schwarz; E_{d*_t}[(d*/d*_t)^2] <= C2^2",
    ),
    algebraic(
        "lemma7.eq8_pinsker", "(8) last step: ||p - q||_1^2 <= KL(p||q) (two points)",
        _l1_binary**2, _kl_binary, "<=", "Pinsker's inequality (as used)",
        hypotheses=_proper, counterexample={"p": sp.Rational(1, 2), "q": sp.Rational(1, 4)},
        note="Pinsker is ||p - q||_1^2 <= 2 KL(p||q); the factor 2 is missing.",
    ),
    algebraic(
        "lemma7.pinsker", "Pinsker: ||p - q||_1^2 <= 2 KL(p||q) (two points)",
        _l1_binary**2, 2 * _kl_binary, "<=", "2 KL - ||p-q||^2 has its minimum 0 at q = p",
        hypotheses=_proper, prover=_pinsker,
        note="The two-point case; the general case follows by data processing on the set "
             "{a: p(a) >= q(a)}.",
    ),
    algebraic(
        "lemma7.eq8", "(8): D(pi*_t, pi_t) <= C2 sqrt(E_{d*_t} KL) (one state, d* = d*_t)",
        _l1_binary, C2 * sqrt(_kl_binary), "<=", "Assumption 2 and Pinsker's inequality",
        hypotheses=(*_proper, sp.Ge(C2, 1)),
        counterexample={"p": sp.Rational(1, 2), "q": sp.Rational(1, 4), "C2": 1},
        note="With one state d* = d*_t, so C2 = 1 is admissible; (8) needs sqrt(2 KL).",
    ),
    algebraic(
        "lemma7.statement", "Lemma 7 from (7) and the corrected (8)",
        (1 - beta * d_bar) * sigma_mu + beta * d2 * D_pi, corrected_rhs, "<=",
        "(7), and (8) with sqrt(2 E KL)",
        hypotheses=(sp.Le(D_pi, C2 * sqrt(2 * sigma_pi)),),
        rewrite={D_pi: between(0, C2 * sqrt(2 * sigma_pi))},
        note="Holds with sqrt(2 sigma^pi_t); the paper's sqrt(sigma^pi_t) is not established.",
    ),
]

claim = Claim(
    name="lemma7",
    title="Lemma 7",
    reference="Appendix A, Lemma 7 (Lemma 8 of [78]), displays (7), (8)",
    statement="||mu_{t+1} - mu*||_1 <= (1 - beta_t d_bar) ||mu_t - mu*||_1 + d2 C2 beta_t "
              "sqrt(sigma^pi_t) for all t >= 0 (the proof gives sqrt(2 sigma^pi_t)).",
    hypotheses=["Assumptions 2 and 3", sp.Gt(d_bar, 0, evaluate=False), "d_bar = 1 - d1 d2 - d3",
                sp.Le(beta, 1)],
    lhs=sigma_mu_next,
    rhs=rhs,
    relation="<=",
    steps=steps,
    conclusion="lemma7.statement",
)
