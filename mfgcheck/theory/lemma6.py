"""Lemma 6 (appendix A): Lipschitz constant of the composite operator Lambda^lam.

Under Assumption 3, ``||Lambda(mu) - Lambda(mu')||_1 <= (d1 d2 + d3) ||mu - mu'||_1``; Lambda
is a contraction if ``d1 d2 + d3 < 1``. Named piece: ``lipschitz = d1 d2 + d3``
(``numeric("lipschitz")``).

All algebraic steps are proved; the Lipschitz properties of Gamma1 and Gamma2 are the
paper's Assumption 3 and are checked numerically. The triangle inequality is checked in one
coordinate of the 1-norm (the 1-norm is a sum of such terms).
"""

from __future__ import annotations

import sympy as sp
from sympy import Abs

from .core import Claim, algebraic, at_most, evaluators, numeric_step
from .symbols import D_pi, d1, d2, d3, dist_mu, u1, u2

lipschitz = d1 * d2 + d3
NAMED = {
    "lipschitz": lipschitz,
}
numeric = evaluators(NAMED)

steps = [
    algebraic(
        "lemma6.triangle", "insert Gamma2(Gamma1(mu'), mu) (one coordinate)",
        Abs(u1 + u2), Abs(u1) + Abs(u2), "<=", "triangle inequality",
    ),
    numeric_step(
        "lemma6.gamma2", "Lipschitz of Gamma2", Abs(u1) + Abs(u2), d2 * D_pi + d3 * dist_mu,
        "<=", "Assumption 3 (d2, d3)",
    ),
    numeric_step(
        "lemma6.gamma1", "Lipschitz of Gamma1", D_pi, d1 * dist_mu, "<=", "Assumption 3 (d1)",
    ),
    algebraic(
        "lemma6.combine", "d2 D + d3 ||mu - mu'|| <= (d1 d2 + d3) ||mu - mu'||",
        d2 * D_pi + d3 * dist_mu, lipschitz * dist_mu, "<=", "lemma6.gamma1",
        hypotheses=(sp.Le(D_pi, d1 * dist_mu),), rewrite={D_pi: at_most(d1 * dist_mu)},
    ),
    algebraic(
        "lemma6.contraction", "contraction if d1 d2 + d3 < 1",
        lipschitz * dist_mu, dist_mu, "<=", "definition of a contraction",
        hypotheses=(sp.Lt(lipschitz, 1),), rewrite={d3: at_most(1 - d1 * d2)},
    ),
]

claim = Claim(
    name="lemma6",
    title="Lemma 6",
    reference="Appendix A, Lemma 6",
    statement="||Lambda^lam(mu) - Lambda^lam(mu')||_1 <= (d1 d2 + d3) ||mu - mu'||_1; Lambda^lam "
              "is a contraction if d1 d2 + d3 < 1.",
    hypotheses=["Assumption 3"],
    lhs=Abs(u1 + u2),
    rhs=lipschitz * dist_mu,
    relation="<=",
    steps=steps,
    conclusion="lemma6.combine",
)
