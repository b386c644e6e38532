"""Lemma 1 (appendix B.1): one NAC step against the current best response.

``E_{d*_t} KL(pi*_t || pi_{t+1}) <= (1 - eta lam) sigma^pi_t
- eta E_{d*_t, pi*_t}[g_t^T grad log pi_t(a|s) - q^{pi_t}_{mu_t}(s, a)]
- eta E_{d*_t} V^{pi_t}_{mu_t}(s) + eta^2/2 ||g_t||^2``.

Named pieces (``NAMED``, evaluated by ``numeric(name)``): ``rhs``.

Proof encoded. log pi_theta(a|s) is 1-smooth: its gradient is phi_{s,a} - E_pi phi and its
Hessian is -Cov_pi(phi), whose norm is at most E_pi (u^T phi)^2 <= 1 (proved for two actions
and one feature coordinate, symbolically). The descent inequality for the actual policies and
the regularised performance difference lemma are checked numerically; the rest is algebra.
The first display is an equality, written "<=" in the appendix (harmless).
"""

from __future__ import annotations

import sympy as sp
from sympy import exp, log

from .core import (
    Claim,
    algebraic,
    at_least,
    at_most,
    between,
    evaluators,
    numeric_step,
    times_at_most,
)
from .symbols import (
    EV,
    Eq,
    Vgap,
    err1,
    eta,
    g_norm,
    gamma,
    gdot,
    kl_next,
    lam,
    logpi_next,
    logpi_t,
    p,
    phi1,
    phi2,
    pi1,
    q,
    sigma_pi,
    theta,
)

rhs = (1 - eta * lam) * sigma_pi - eta * err1 - eta * EV + eta**2 / 2 * g_norm**2
NAMED = {
    "rhs": rhs,
}
numeric = evaluators(NAMED)

# two actions, one feature coordinate: pi_theta(a1|s) = softmax(theta phi)_1
_z = exp(theta * phi1) + exp(theta * phi2)
_logpi1 = theta * phi1 - log(_z)
_pi = (exp(theta * phi1) / _z, exp(theta * phi2) / _z)
_mean_phi = _pi[0] * phi1 + _pi[1] * phi2
_second = pi1 * phi1**2 + (1 - pi1) * phi2**2
_mean = pi1 * phi1 + (1 - pi1) * phi2
_probability = {pi1: times_at_most(1)}
_features = {phi1: between(-1, 1), phi2: between(-1, 1)}
_descent = logpi_t + eta * gdot - eta**2 / 2 * g_norm**2
_pdl = sp.Eq(Vgap, (Eq - EV) / (1 - gamma) - lam * sigma_pi / (1 - gamma))
_pdl_zero = _pdl.lhs - _pdl.rhs  # linear in Eq: solved without sp.solve (cheap at import)
_Eq_from_pdl = -_pdl_zero.subs(Eq, 0) / sp.diff(_pdl_zero, Eq)

steps = [
    algebraic(
        "lemma1.grad", "grad log pi_theta(a|s) = phi_{s,a} - E_pi phi",
        sp.Derivative(_logpi1, theta), phi1 - _mean_phi, "==", "softmax calculus",
    ),
    algebraic(
        "lemma1.hessian", "Hessian of log pi_theta = -Var_pi(phi)",
        sp.Derivative(_logpi1, theta, 2),
        -(_pi[0] * phi1**2 + _pi[1] * phi2**2 - _mean_phi**2), "==", "softmax calculus",
    ),
    algebraic(
        "lemma1.variance", "Var_pi(u^T phi) <= E_pi (u^T phi)^2", _second - _mean**2, _second,
        "<=", "variance <= second moment", rewrite=_probability,
    ),
    algebraic(
        "lemma1.smooth", "E_pi (u^T phi)^2 <= 1: log pi_theta is 1-smooth", _second, 1, "<=",
        "||u|| = 1, ||phi_{s,a}|| <= 1", rewrite=[_probability, _features],
    ),
    numeric_step(
        "lemma1.descent", "log pi_{t+1}(a|s) >= log pi_t(a|s) + eta g^T grad - eta^2/2 ||g||^2",
        logpi_next, _descent, ">=", "1-smoothness (Lemma 3.4 of [11]) with theta_{t+1} - "
        "theta_t = eta g_t",
    ),
    algebraic(
        "lemma1.kl_difference", "first display: KL(p||q') - KL(p||q) = p (log q - log q')",
        p * log(p / q) - p * log(p / pi1), p * (log(pi1) - log(q)), "==",
        "definition of KL (the appendix writes <=; it is =)",
    ),
    algebraic(
        "lemma1.smooth_step", "second display: per action, by lemma1.descent",
        p * (logpi_t - logpi_next), p * (-eta * gdot + eta**2 / 2 * g_norm**2), "<=",
        "smoothness of log pi_theta", hypotheses=(sp.Ge(logpi_next, _descent),),
        rewrite={logpi_next: at_least(_descent)},
    ),
    algebraic(
        "lemma1.add_q", "third display: add and subtract q",
        -eta * (err1 + Eq), -eta * err1 - eta * Eq, "==", "linearity",
    ),
    numeric_step(
        "lemma1.pdl", "regularised performance difference lemma", Vgap,
        (Eq - EV) / (1 - gamma) - lam * sigma_pi / (1 - gamma), "==", "Lemma 5 of [13]",
    ),
    algebraic(
        "lemma1.apply_pdl", "fourth display: substitute the performance difference",
        -eta * _Eq_from_pdl, -eta * (1 - gamma) * Vgap - eta * lam * sigma_pi - eta * EV, "==",
        "lemma1.pdl solved for E[q]",
    ),
    algebraic(
        "lemma1.optimality", "drop -eta (1 - gamma)(V* - V) <= 0",
        -eta * (1 - gamma) * Vgap - eta * lam * sigma_pi - eta * EV,
        -eta * lam * sigma_pi - eta * EV, "<=",
        "pi*_t is optimal for mu_t: V^{pi*_t} >= V^{pi_t}",
        hypotheses=(sp.Ge(Vgap, 0, evaluate=False),),
    ),
    algebraic(
        "lemma1.statement", "Lemma 1: rearrange",
        kl_next, rhs, "<=", "rearranging",
        hypotheses=(sp.Le(kl_next - sigma_pi,
                          -eta * err1 - eta * lam * sigma_pi - eta * EV + eta**2 / 2 * g_norm**2),),
        rewrite={kl_next: at_most(sigma_pi - eta * err1 - eta * lam * sigma_pi - eta * EV
                                  + eta**2 / 2 * g_norm**2)},
    ),
]

claim = Claim(
    name="lemma1",
    title="Lemma 1",
    reference="Appendix B.1 (statement in the main text)",
    statement="E_{d*_t} KL(pi*_t||pi_{t+1}) <= (1 - eta lam) sigma^pi_t - eta E[g_t^T grad log "
              "pi_t - q] - eta E_{d*_t} V^{pi_t}_{mu_t} + eta^2/2 ||g_t||^2.",
    hypotheses=["log-linear policy, ||phi_{s,a}|| <= 1", "theta_{t+1} = theta_t + eta g_t",
                "pi*_t = Gamma1(mu_t), d*_t = d^{pi*_t}_{mu_t}"],
    lhs=kl_next,
    rhs=rhs,
    relation="<=",
    steps=steps,
    conclusion="lemma1.statement",
)
