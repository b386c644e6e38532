"""Theorem 1 (appendix B.3): convergence of the single-loop mean-field NAC.

With eta_t = eta = O(T^{-2/5})/lam and beta_t = beta = O(T^{-4/5}),
``D(pi*, avg_t pi_t) + ||mu* - avg_t mu_t||_1 <= O~(1/(lam T^{1/5})
+ sqrt(|A| exp(1/lam) eps_total^{1/2} / lam))``.

The explicit (constant-carrying) right sides of (15)-(18), ``avg_sigma_pi_bound``,
``avg_D_policy_bound``, ``avg_sigma_mu_bound`` (and ``_corrected``), ``final_bound`` (and
``_corrected``), ``paper_rate`` and the schedules ``eta_schedule``, ``beta_schedule``, are
defined in ``theorem1_bounds`` (formulas apart from this proof; ``rates`` reads them too)
and re-exported here with ``NAMED`` and ``numeric(name)``. The proof steps below use them.

Findings. (15) replaces 1/p_min <= |A| exp(2R/lam) by |A| exp(1/lam): valid iff R <= 1/2
(``theorem1.eq15_pmin``). (17) absorbs 1/T^{1/5} into 1/(lam T^{1/5}): valid iff lam <= 1
(``theorem1.eq17_lambda``; the same lam = O(1) assumption is needed to write (15)'s T^{-2/5}
term as O(1/(lam^2 T^{2/5})) since kappa contains log|A|/(1-gamma)). Lemma 7's missing
sqrt(2) enters (16) as a constant factor. The exponents a = 2/5, b = 4/5, r = 1/5 are the
unique optimum of the exponent LP (``rates``, ``theorem1.rates``).
"""

from __future__ import annotations

import sympy as sp
from sympy import Abs, exp, sqrt

from . import lemma7, lemma8
from .constants import kappa
from .core import (
    Claim,
    Decision,
    algebraic,
    at_most,
    between,
    numeric_step,
    root_at_most,
    slack,
    times_at_most,
)
from .rates import PAPER
from .symbols import (
    C1,
    C2,
    C3,
    R,
    T,
    avg_D,
    avg_D_star,
    avg_sigma_mu,
    avg_sigma_pi,
    avg_sqrt_sigma,
    beta,
    d0,
    d1,
    d2,
    d_bar,
    dmu,
    eps_total,
    eta,
    g2_pi,
    gap_final,
    lam,
    m_t,
    nA,
    p_min,
    s_a,
    s_b,
    sigma_mu,
    sigma_mu0,
    sigma_mu_next,
    sigma_mu_T,
    sigma_pi,
    sigma_pi0,
    sigma_pi_next,
    sigma_pi_T,
    u1,
    u2,
    x1,
    y1,
)
from .theorem1_bounds import (  # noqa: F401 - re-exported: the formulas of this claim
    BOUNDS,
    NAMED,
    avg_D_policy_bound,
    avg_sigma_mu_bound,
    avg_sigma_mu_bound_corrected,
    avg_sigma_pi_bound,
    beta_schedule,
    eta_schedule,
    final_bound,
    final_bound_corrected,
    numeric,
    paper_rate,
)

_t = sp.Symbol("t", integer=True, nonnegative=True)
_sigma = sp.Function("sigma")
_constant_terms = avg_sigma_pi_bound - sigma_pi0 / (T * eta * lam)
_rearranged = ((sigma_pi - sigma_pi_next) / (eta * lam) + 3 * C3 / lam * (1 + 1 / p_min)
               * sqrt(eps_total) + 2 * eta * R**2 / lam
               + 2 * (1 + C1) * kappa * d0 * beta / (eta * lam))
_mu_rearranged = (sigma_mu - sigma_mu_next) / (beta * d_bar) + d2 * C2 / d_bar * sqrt(sigma_pi)
_telescoped_mu = ((sigma_mu0 - sigma_mu_T) / (T * beta * d_bar)
                  + d2 * C2 / d_bar * avg_sqrt_sigma)


def _rates() -> Decision:
    """The exponent LP of ``rates`` (exact), run when the step is decided."""
    from . import rates

    result = rates.solve()
    if result.agrees_with_paper and result.unique:
        return Decision("proved", f"exponent LP solved exactly: unique optimum a = {result.a}, "
                                  f"b = {result.b}, r = {result.r}")
    return Decision("unknown", budget=f"exponent LP optimum a = {result.a}, b = {result.b}, "
                                      f"r = {result.r}, unique = {result.unique}")


def _rates_step():
    a, b, r = PAPER
    return algebraic(  # the LP's optimum r is compared with the paper's r by the prover
        "theorem1.rates", f"eta ~ T^-{a} / lam, beta ~ T^-{b} give the rate T^-{r}: the "
        "optimum of the exponent LP", r, sp.Rational(1, 5), "==",
        "exponent LP over the terms of (15), (16), (18)", prover=_rates,
        note="rates.solve() maximises r over the steps' exponents (a, b); the step is proved "
             f"when its unique optimum is a = {a}, b = {b}, r = {r}.",
    )


def _telescope() -> bool:
    total = sp.Sum(_sigma(_t) - _sigma(_t + 1), (_t, 0, T - 1)).doit()
    return sp.expand(total - (_sigma(0) - _sigma(T))) == 0


def _steps():
    return [
        algebraic(
            "theorem1.eq14", "(14) = Lemma 8", lemma8.rhs,
            (1 - eta * lam) * sigma_pi + 3 * C3 * eta * (1 + 1 / p_min) * sqrt(eps_total)
            + 2 * eta**2 * R**2 + (1 + C1) * kappa * d0 * dmu, "==", "Lemma 8",
        ),
        algebraic(
            "theorem1.mu_step", "mu_{t+1} - mu_t = beta (Gamma2(pi_t, mu_t) - mu_t)",
            (1 - beta) * m_t + beta * g2_pi - m_t, beta * (g2_pi - m_t), "==", "update rule",
        ),
        algebraic(
            "theorem1.mu_drift", "||mu_{t+1} - mu_t||_1 <= 2 beta (two states)",
            beta * (Abs(x1 - y1) + Abs((1 - x1) - (1 - y1))), 2 * beta, "<=",
            "||p - q||_1 <= 2 for distributions", hypotheses=(sp.Le(x1, 1), sp.Le(y1, 1)),
            rewrite={x1: between(0, 1), y1: between(0, 1)},
        ),
        algebraic(
            "theorem1.rearrange", "(14) with ||mu_{t+1} - mu_t|| <= 2 beta, rearranged",
            sigma_pi, _rearranged, "<=", "(14), theorem1.mu_drift",
            hypotheses=(sp.Le(sigma_pi_next, lemma8.rhs), sp.Le(dmu, 2 * beta)),
            rewrite=[{sigma_pi_next: at_most(lemma8.rhs)}, {dmu: between(0, 2 * beta)}],
        ),
        algebraic(
            "theorem1.telescope", "sum_{t<T} (sigma_t - sigma_{t+1}) = sigma_0 - sigma_T",
            sp.Sum(_sigma(_t) - _sigma(_t + 1), (_t, 0, T - 1)), _sigma(0) - _sigma(T), "==",
            "telescoping", prover=_telescope,
        ),
        algebraic(
            "theorem1.drop_last", "(sigma_0 - sigma_T)/(T eta lam) <= sigma_0/(T eta lam)",
            (sigma_pi0 - sigma_pi_T) / (T * eta * lam), sigma_pi0 / (T * eta * lam), "<=",
            "sigma_T >= 0",
        ),
        algebraic(
            "theorem1.eq15", "(15) before O~: average of the rearranged (14)",
            avg_sigma_pi, avg_sigma_pi_bound, "<=", "theorem1.telescope, theorem1.drop_last",
            hypotheses=(sp.Le(avg_sigma_pi, (sigma_pi0 - sigma_pi_T) / (T * eta * lam)
                              + _constant_terms),),
            rewrite={avg_sigma_pi: at_most((sigma_pi0 - sigma_pi_T) / (T * eta * lam)
                                           + _constant_terms)},
        ),
        algebraic(
            "theorem1.eq15_one_plus", "(15) O~: 1 + 1/p_min <= 2/p_min", 1 + 1 / p_min,
            2 / p_min, "<=", "p_min <= 1", rewrite={p_min: times_at_most(1)},
        ),
        algebraic(
            "theorem1.eq15_pmin", "(15) O~: 1/p_min <= |A| exp(2R/lam) written |A| exp(1/lam)",
            nA * exp(2 * R / lam), nA * exp(1 / lam), "<=", "Lemma 2 (p_min >= exp(-2R/lam)/|A|)",
            condition=sp.Le(R, sp.Rational(1, 2)), rewrite={R: at_most(sp.Rational(1, 2))},
            counterexample={"nA": 2, "R": 1, "lam": 1},
            note="Exact (exp is increasing). For R > 1/2 the factor exp((2R - 1)/lam) is not "
                 "a constant as lam -> 0: the O~ should read |A| exp(2R/lam)/lam.",
        ),
        numeric_step(
            "theorem1.policy_cauchy_schwarz", "avg D(pi_t, pi*_t) <= C2 sqrt(avg 2 KL)",
            avg_D, C2 * sqrt(2 * avg_sigma_pi), "<=",
            "Cauchy-Schwarz, Assumption 2, Pinsker with 2 KL (correct here)",
        ),
        algebraic(
            "theorem1.policy", "avg D(pi_t, pi*_t) <= C2 sqrt(2 (15))",
            avg_D, avg_D_policy_bound, "<=", "theorem1.policy_cauchy_schwarz, (15)",
            hypotheses=(sp.Le(avg_D, C2 * sqrt(2 * avg_sigma_pi)),
                        sp.Le(avg_sigma_pi, avg_sigma_pi_bound)),
            rewrite=[{avg_D: at_most(C2 * sqrt(2 * avg_sigma_pi))},
                     {avg_sigma_pi: root_at_most(avg_sigma_pi_bound)}],
        ),
        algebraic(
            "theorem1.sqrt_sum", "sqrt(x + y) <= sqrt(x) + sqrt(y) ((16) -> (17), policy O~)",
            sqrt(s_a + s_b), sqrt(s_a) + sqrt(s_b), "<=", "subadditivity of sqrt",
        ),
        algebraic(
            "theorem1.mu_rearrange", "Lemma 7 rearranged",
            sigma_mu, _mu_rearranged, "<=", "Lemma 7 (as stated)",
            hypotheses=(sp.Le(sigma_mu_next, lemma7.rhs),),
            rewrite={sigma_mu_next: at_most(lemma7.rhs)},
        ),
        algebraic(
            "theorem1.sqrt_avg", "(1/T) sum sqrt(sigma_t) <= sqrt((1/T) sum sigma_t) (T = 2)",
            (sqrt(s_a) + sqrt(s_b)) / 2, sqrt((s_a + s_b) / 2), "<=",
            "Cauchy-Schwarz (concavity of sqrt)",
            rewrite={s_a: slack("x") ** 2, s_b: slack("y") ** 2},
        ),
        algebraic(
            "theorem1.eq16", "(16) before O~",
            avg_sigma_mu, avg_sigma_mu_bound, "<=",
            "telescoping theorem1.mu_rearrange, theorem1.sqrt_avg, (15)",
            hypotheses=(sp.Le(avg_sigma_mu, _telescoped_mu),
                        sp.Le(avg_sqrt_sigma, sqrt(avg_sigma_pi)),
                        sp.Le(avg_sigma_pi, avg_sigma_pi_bound)),
            rewrite=[{avg_sigma_mu: at_most(_telescoped_mu)},
                     {avg_sqrt_sigma: at_most(sqrt(avg_sigma_pi))},
                     {avg_sigma_pi: root_at_most(avg_sigma_pi_bound)}],
            note="With Lemma 7 corrected, sqrt(2 (15)): avg_sigma_mu_bound_corrected.",
        ),
        algebraic(
            "theorem1.eq17_lambda", "(17): 1/T^{1/5} absorbed into 1/(lam T^{1/5})",
            1 / T ** sp.Rational(1, 5), 1 / (lam * T ** sp.Rational(1, 5)), "<=",
            "O~ notation", condition=sp.Le(lam, 1), exact=True,
            counterexample={"T": 32, "lam": 2},
            note="Exact. Holds up to a constant only if lam is bounded above.",
        ),
        algebraic(
            "theorem1.eq18_triangle", "(18) first line (one coordinate)",
            Abs(u1 + u2), Abs(u1) + Abs(u2), "<=", "triangle inequality",
        ),
        numeric_step(
            "theorem1.eq18", "(18)", avg_D_star, avg_D + d1 * avg_sigma_mu, "<=",
            "Assumption 3 (D(Gamma1(mu_t), Gamma1(mu*)) <= d1 ||mu_t - mu*||_1)",
        ),
        algebraic(
            "theorem1.final_convexity", "D(pi*, avg pi) <= avg D(pi*, pi_t) (T = 2, one "
            "coordinate)", Abs((u1 + u2) / 2), (Abs(u1) + Abs(u2)) / 2, "<=",
            "convexity of the norm",
        ),
        algebraic(
            "theorem1.final", "last display: combine (18) with the mean-field average",
            avg_D_star + avg_sigma_mu, avg_D + (1 + d1) * avg_sigma_mu, "<=", "(18) averaged",
            hypotheses=(sp.Le(avg_D_star, avg_D + d1 * avg_sigma_mu),),
            rewrite={avg_D_star: at_most(avg_D + d1 * avg_sigma_mu)},
        ),
        algebraic(
            "theorem1.final_bound", "last display: the explicit right side",
            avg_D + (1 + d1) * avg_sigma_mu, final_bound, "<=", "theorem1.policy, (16)",
            hypotheses=(sp.Le(avg_D, avg_D_policy_bound), sp.Le(avg_sigma_mu, avg_sigma_mu_bound)),
            rewrite={avg_D: at_most(avg_D_policy_bound), avg_sigma_mu: at_most(avg_sigma_mu_bound)},
        ),
        _rates_step(),
    ]


steps = _steps()

claim = Claim(
    name="theorem1",
    title="Theorem 1",
    reference="Appendix B.3, displays (14)-(18)",
    statement="With eta = O(T^{-2/5})/lam and beta = O(T^{-4/5}), D(pi*, avg pi_t) + "
              "||mu* - avg mu_t||_1 <= O~(1/(lam T^{1/5}) + sqrt(|A| exp(1/lam) "
              "eps_total^{1/2}/lam)).",
    hypotheses=["Assumptions 1-3", sp.Gt(d_bar, 0, evaluate=False), "Lemmas 2-8", sp.Ge(T, 1)],
    lhs=gap_final,
    rhs=final_bound,
    relation="<=",
    steps=steps,
    conclusion="theorem1.final_bound",
    note="rhs is the explicit bound; the O~ form is paper_rate (requires R <= 1/2, lam <= 1).",
)
