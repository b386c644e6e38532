"""Lemma 6 (appendix A): the Lipschitz constant of ``Lambda^lam = Gamma2(Gamma1^lam(.), .)``.

Claim: under Assumption 3, ``||Lambda(mu) - Lambda(mu')||_1 <= (d1 d2 + d3) ||mu - mu'||_1``.

On a pair ``(mu, mu')`` the constants are the Lipschitz ratios measured on that same pair,
with ``pi = Gamma1(mu)``, ``pi' = Gamma1(mu')``, ``D`` weighted by the equilibrium
visitation ``d*`` (docs/conventions.md):

- ``d1 = D(pi, pi')/||mu - mu'||_1``;
- ``d2 = ||Gamma2(pi, mu) - Gamma2(pi', mu)||_1 / D(pi, pi')``; when numerator and
  denominator are both at or below the precision of such differences
  (``trajectory.DIFF_FLOOR``: the pair's best responses coincide up to the solver's tolerance,
  e.g. on a game whose dynamics do not depend on mu) the ratio is undetermined (any value
  from 0 to the supremum): ``d2`` is NaN ("not measured") and ``d2_determined`` False. The
  checks need only the product ``d2 D``, which for the pair's own ratio is the numerator
  itself: they evaluate the bound with it (``_bound_numbers``), so they stay the triangle
  inequality, at rounding level in that term;
- ``d3 = ||Gamma2(pi', mu) - Gamma2(pi', mu')||_1 / ||mu - mu'||_1``;

so ``d1 d2 + d3`` is the smallest value of the theory's expression valid for the pair and
the claim is exactly the triangle inequality of the proof: it cannot fail, and its ratio
says how much the proof loses on that pair (1 when the two differences are aligned). The
suprema over all policies at the pair (``d2_sup`` exact, ``d3_sup`` over deterministic
policies, see ``numerics.assumption_constants``) are recorded beside it.

Checks: ``check_lemma6`` (the claim, bound ``lemma6.claim.rhs``), ``check_lemma6_gamma2``
(step ``lemma6.gamma2``) and ``check_lemma6_gamma1`` (step ``lemma6.gamma1``).
"""

from __future__ import annotations

import numpy as np

from ..numerics import mdp
from ..numerics.assumption_constants import mean_field_gap_sup, policy_lipschitz_sup
from . import _theory
from ._theory import Bound
from .evidence import Evidence
from .instances import MeanFieldPairCase
from .trajectory import equilibrium_visitation, ratio


def measure_pair(case: MeanFieldPairCase) -> dict:
    """Every term of Lemma 6's proof on the pair (exact)."""
    game = case.game
    mu, mu2 = (game.check_mean_field(m) for m in (case.mu, case.mu_other))
    P1, r1 = game.transition(mu), game.reward(mu)
    P2, r2 = game.transition(mu2), game.reward(mu2)
    pi1 = mdp.soft_policy_iteration(P1, r1, game.gamma, game.lam)[0]
    pi2 = mdp.soft_policy_iteration(P2, r2, game.gamma, game.lam)[0]
    dstar = equilibrium_visitation(game)
    lam1 = mdp.population_step(P1, pi1, mu)          # Lambda(mu)
    lam2 = mdp.population_step(P2, pi2, mu2)         # Lambda(mu')
    mid = mdp.population_step(P1, pi2, mu)           # Gamma2(Gamma1(mu'), mu)
    dist = float(np.abs(mu - mu2).sum())
    D = float((dstar * np.abs(pi1 - pi2).sum(-1)).sum())
    u1 = float(np.abs(lam1 - mid).sum())
    u2 = float(np.abs(mid - lam2).sum())
    d1 = D / dist if dist > 0 else 0.0
    d2_sup = float(policy_lipschitz_sup(P1, mu, dstar))
    d2 = float(ratio(u1, D))
    determined = not np.isnan(d2)
    d3 = u2 / dist if dist > 0 else 0.0
    d3_sup = mean_field_gap_sup(mu, mu2, P1, P2, (pi1, pi2))[0] / dist if dist > 0 else 0.0
    return {"dist_mu": dist, "D_pi": D, "lambda_gap": float(np.abs(lam1 - lam2).sum()),
            "gamma2_policy_gap": u1, "gamma2_mean_field_gap": u2, "d1": d1, "d2": d2,
            "d2_determined": determined, "d3": d3, "d2_sup": d2_sup, "d3_sup": float(d3_sup)}


def _bound_numbers(m: dict) -> dict:
    """The pair's measurements for the bound: an undetermined ``d2`` enters only as
    ``d2 D(pi, pi')``, which equals the measured numerator ``||Gamma2(pi, mu) - Gamma2(pi',
    mu)||_1`` (0 when ``D = 0``)."""
    if m["d2_determined"]:
        return m
    D = m["D_pi"]
    return {**m, "d2": m["gamma2_policy_gap"] / D if D > 0 else 0.0}


def check_lemma6(case: MeanFieldPairCase, *, bound: Bound | None = None) -> Evidence:
    """Lemma 6 (appendix A): ``||Lambda(mu) - Lambda(mu')||_1 <= (d1 d2 + d3) ||mu - mu'||_1``
    with d1, d2, d3 the ratios measured on the pair (module docstring)."""
    m = measure_pair(case)
    return _theory.evidence("lemma6", _bound_numbers(m), bound=bound, lhs=m["lambda_gap"],
                            instance=case.to_dict(), measurements=m)


def check_lemma6_gamma2(case: MeanFieldPairCase, *, bound: Bound | None = None) -> Evidence:
    """Step ``lemma6.gamma2``: ``||Gamma2(pi, mu) - Gamma2(pi', mu)|| + ||Gamma2(pi', mu) -
    Gamma2(pi', mu')|| <= d2 D(pi, pi') + d3 ||mu - mu'||`` (Assumption 3)."""
    m = measure_pair(case)
    return _theory.evidence("lemma6.gamma2", _bound_numbers(m), bound=bound,
                            lhs=m["gamma2_policy_gap"] + m["gamma2_mean_field_gap"],
                            instance=case.to_dict(), measurements=m)


def check_lemma6_gamma1(case: MeanFieldPairCase, *, bound: Bound | None = None) -> Evidence:
    """Step ``lemma6.gamma1``: ``D(Gamma1(mu), Gamma1(mu')) <= d1 ||mu - mu'||`` (A3)."""
    m = measure_pair(case)
    return _theory.evidence("lemma6.gamma1", _bound_numbers(m), bound=bound,
                            instance=case.to_dict(),
                            measurements=m)
