"""Lemma 8 (appendix B.2): recursion of sigma^pi_t.

Under Assumptions 1 and 2, for every t >= 0,
``sigma^pi_{t+1} <= (1 - eta lam) sigma^pi_t + 3 C3 eta (1 + 1/p_min) sqrt(eps_total)
+ 2 eta^2 R^2 + (1 + C1) kappa d0 ||mu_{t+1} - mu_t||_1``.

Named pieces (``NAMED``, evaluated by ``numeric(name)``):
``contraction_term = (1 - eta lam) sigma^pi_t``,
``critic_term = 3 C3 eta (1 + 1/p_min) sqrt(eps_total)``,
``smooth_term = 2 eta^2 R^2``,
``drift_term = (1 + C1) kappa d0 ||mu_{t+1} - mu_t||_1``, ``rhs`` (their sum),
``actor_loss_bound = 4 eps_approx + 2 eps_actor + 6 eps_critic`` (bound on L_t(w_hat_t)),
``actor_loss_bound_per_sa = 4 eps_approx + 2 eps_actor + 24 eps_critic`` (if the per-(s, a)
advantage bound were used) and ``g_bound = 2 R``.

Findings.
- The rewrite of term (1) uses ``log pi_t(a|s) = theta^T phi_{s,a} - sum_a' pi_t(a') theta^T
  phi_{s,a'}``: not the log-softmax (the normaliser is log-sum-exp). The intermediate display
  is wrong (``lemma8.logpi``, refuted) but harmless: (1) + (2) does not depend on the
  normaliser at all (``lemma8.cancel``, proved for an arbitrary normaliser).
- "E(q_hat - q)^2 <= eps_critic for every (s, a) immediately implies E(A_hat - A)^2 <=
  eps_critic for every (s, a)" is false: the worst case is 4 (1 - pi(a|s))^2 eps_critic
  (``lemma8.adv_error`` refuted, ``lemma8.adv_error_worst`` proved). The proof only uses the
  average over a ~ pi_t, where Var <= second moment gives eps_critic exactly
  (``lemma8.adv_variance``, ``lemma8.adv_second_moment``), so the chain to
  ``L_t(w_hat) <= 4 eps_approx + 2 eps_actor + 6 eps_critic`` and the constant 3 in (12)
  (``sqrt(6) <= 3``) stand. Had the per-(s, a) bound been used, L_t <= 4 eps_approx +
  2 eps_actor + 24 eps_critic and 3 survives iff 15 eps_critic <= 5 eps_approx + 7 eps_actor.
- ``2 min_w L_hat(w) <= 2 L_hat(w*_t)`` with w*_t the unconstrained minimiser: if the actor
  oracle (3) minimises over ||w|| <= R (as Lemma 2 and Algorithm 3 require), this needs
  ``||w*_t|| <= R`` (``lemma8.min_ball``, conditional); otherwise define eps_approx with the
  minimum over the ball.
- The left side of (13) is identically zero (E_{a~pi_t} of grad log pi_t and of the advantage
  both vanish), so the factor (1 + 1/p_min) can be 1/p_min (``lemma8.eq13_zero``).
"""

from __future__ import annotations

import sympy as sp
from sympy import Abs, exp, log, sqrt

from .core import (
    Claim,
    algebraic,
    at_most,
    between,
    evaluators,
    numeric_step,
    times_at_least,
    times_at_most,
)
from .lemma1 import rhs as lemma1_rhs
from .lemma5 import drift_coefficient
from .symbols import (
    C3,
    EV,
    L_what,
    L_wstar,
    Lh_min,
    Lh_what,
    Lh_wstar,
    Q_a,
    Q_b,
    R,
    adv_err,
    dmu,
    e1,
    e2,
    eps_actor,
    eps_approx,
    eps_critic,
    eps_total,
    err1,
    err_pi,
    err_star,
    eta,
    g1,
    g_norm,
    kl_next,
    lam,
    lognorm,
    p,
    p_min,
    phi1,
    phi2,
    pi1,
    pistar1,
    q,
    ratio,
    sigma_pi,
    sigma_pi_next,
    theta,
    u1,
    u2,
    w0,
    w_hat,
)

contraction_term = (1 - eta * lam) * sigma_pi
critic_term = 3 * C3 * eta * (1 + 1 / p_min) * sqrt(eps_total)
smooth_term = 2 * eta**2 * R**2
drift_term = drift_coefficient * dmu
rhs = contraction_term + critic_term + smooth_term + drift_term
actor_loss_bound = 4 * eps_approx + 2 * eps_actor + 6 * eps_critic
actor_loss_bound_per_sa = 4 * eps_approx + 2 * eps_actor + 24 * eps_critic
g_bound = 2 * R
NAMED = {
    "contraction_term": contraction_term,
    "critic_term": critic_term,
    "smooth_term": smooth_term,
    "drift_term": drift_term,
    "rhs": rhs,
    "actor_loss_bound": actor_loss_bound,
    "actor_loss_bound_per_sa": actor_loss_bound_per_sa,
    "g_bound": g_bound,
}
numeric = evaluators(NAMED)

# one state, two actions, one feature coordinate: pi = (pi1, 1 - pi1), pi* = (pistar1, ...)
_pi = (pi1, 1 - pi1)
_pistar = (pistar1, 1 - pistar1)
_phi = (phi1, phi2)
_Q = (Q_a, Q_b)
_mean_phi = pi1 * phi1 + (1 - pi1) * phi2
_mean_Q = pi1 * Q_a + (1 - pi1) * Q_b
_grad = tuple(f - _mean_phi for f in _phi)


def _term(weights, f):
    return sum(w * f(i) for i, w in enumerate(weights))


# (1) and (2) with the true log-softmax: log pi(a) = theta phi_a - lognorm (any normaliser)
_true_log = tuple(theta * f - lognorm for f in _phi)
_term1 = -eta * _term(_pistar, lambda i: _phi[i] * g1 - _mean_phi * g1
                      - (_Q[i] - lam * _true_log[i]))
_term2 = -eta * _term(_pi, lambda i: _Q[i] - lam * _true_log[i])
_combined = -eta * sum((_pistar[i] - _pi[i]) * (_phi[i] * g1 - _Q[i] + lam * theta * _phi[i])
                       for i in range(2))
_with_w = -eta * sum((_pistar[i] - _pi[i]) * (_phi[i] * w_hat - _Q[i]) for i in range(2))
_eq10 = -eta * sum((_pistar[i] - _pi[i]) * (w_hat * _grad[i] - (_Q[i] - _mean_Q))
                   for i in range(2))
_eq13_lhs = _term(_pi, lambda i: w_hat * _grad[i] - (_Q[i] - _mean_Q))

# the softmax of (theta phi1, theta phi2) and the appendix's expression for log pi_t(a1|s)
_z = exp(theta * phi1) + exp(theta * phi2)
_softmax1 = exp(theta * phi1) / _z
_paper_log = theta * phi1 - (_softmax1 * theta * phi1 + (1 - _softmax1) * theta * phi2)

# critic error e_a = q_hat - q = Q_hat - Q, advantage error at a1
_adv_error = e1 - (pi1 * e1 + (1 - pi1) * e2)
_critic_ok = (sp.Le(e1**2, eps_critic), sp.Le(e2**2, eps_critic))
_errors = {e1: sqrt(eps_critic) * between(-1, 1), e2: sqrt(eps_critic) * between(-1, 1)}
_mean_e = pi1 * e1 + (1 - pi1) * e2
_second_e = pi1 * e1**2 + (1 - pi1) * e2**2
_var_e = pi1 * (e1 - _mean_e) ** 2 + (1 - pi1) * (e2 - _mean_e) ** 2
_prob = {pi1: times_at_most(1)}

_chain_hyps = (
    sp.Le(L_what, 2 * Lh_what + 2 * eps_critic), sp.Le(Lh_what, Lh_min + eps_actor),
    sp.Le(Lh_min, Lh_wstar), sp.Le(Lh_wstar, 2 * L_wstar + 2 * eps_critic),
    sp.Le(L_wstar, eps_approx),
)
_chain_rewrite = [{L_what: at_most(2 * Lh_what + 2 * eps_critic)},
                  {Lh_what: at_most(Lh_min + eps_actor)}, {Lh_min: at_most(Lh_wstar)},
                  {Lh_wstar: at_most(2 * L_wstar + 2 * eps_critic)},
                  {L_wstar: at_most(eps_approx)}]
_total = eps_approx + eps_actor + eps_critic
# by (10): (1) + (2) = -eta err1 - eta EV = eta (err_star + err_pi)
_before = lemma1_rhs.subs(err1, -EV - err_star - err_pi)

steps = [
    algebraic(
        "lemma8.eq9", "(9): Lemma 1 then Lemma 5",
        sigma_pi_next, lemma1_rhs + drift_term, "<=", "Lemma 5, Lemma 1",
        hypotheses=(sp.Le(sigma_pi_next, kl_next + drift_term), sp.Le(kl_next, lemma1_rhs)),
        rewrite=[{sigma_pi_next: at_most(kl_next + drift_term)}, {kl_next: at_most(lemma1_rhs)}],
    ),
    algebraic(
        "lemma8.logpi", "log pi_t(a|s) = theta^T phi_a - sum_a' pi_t(a') theta^T phi_a'",
        theta * phi1 - log(_z), _paper_log, "==", "expression of log pi_t (used to rewrite (1))",
        counterexample={"theta": 1, "phi1": 1, "phi2": 0},
        note="The normaliser of a log-softmax is log sum_b exp(theta^T phi_b), not the "
             "pi-average of the logits. Harmless: see lemma8.cancel.",
    ),
    algebraic(
        "lemma8.cancel", "(1) + (2) is the same for any normaliser of log pi_t",
        _term1 + _term2, _combined, "==",
        "sum_a (pi*_t(a) - pi_t(a)) c(s) = 0; sum_a pi*_t(a) = 1",
        note="Covers the appendix's two intermediate rewrites and its combination step.",
    ),
    algebraic(
        "lemma8.g_subst", "(10) first line: g_t = w_hat_t - lam theta_t",
        _combined.subs(g1, w_hat - lam * theta), _with_w, "==", "update rule",
    ),
    algebraic(
        "lemma8.eq10", "(10): centre by E_{a'~pi_t}[phi^T w_hat - Q]",
        _with_w, _eq10, "==", "sum_a (pi*_t(a) - pi_t(a)) = 0; definition of A",
    ),
    algebraic(
        "lemma8.eq11_sign", "(11) first step: -x <= |x| (per (s, a), weight d*_t pi*_t)",
        -p * u1, p * Abs(u1), "<=", "-x <= |x|; change of measure to d^{pi_t} x pi_t",
    ),
    algebraic(
        "lemma8.eq11_ratio", "(d*_t/d^{pi_t}) (pi*_t/pi_t) <= C3/p_min",
        ratio * p / q, C3 / p_min, "<=", "Assumption 2 (ratio <= C3), pi*_t <= 1, pi_t >= p_min",
        hypotheses=(sp.Le(ratio, C3), sp.Le(p, 1), sp.Ge(q, p_min)),
        rewrite={ratio: between(0, C3), p: times_at_most(1), q: times_at_least(p_min)},
    ),
    numeric_step(
        "lemma8.eq11", "(11)", err_star, C3 / p_min * sqrt(L_what), "<=",
        "Jensen (E|X| <= sqrt(E X^2)) and Assumption 2",
    ),
    algebraic(
        "lemma8.adv_error", "E(A_hat - A)^2 <= eps_critic for every (s, a)",
        _adv_error**2, eps_critic, "<=", "'immediately implies' (from the critic bound)",
        hypotheses=_critic_ok,
        counterexample={"e1": 1, "e2": -1, "eps_critic": 1, "pi1": sp.Rational(1, 100)},
        note="A_hat - A = e(a) - E_pi e: up to 4 (1 - pi(a|s))^2 eps_critic. Not needed: "
             "the proof only uses the average over a ~ pi_t (lemma8.adv_variance).",
    ),
    algebraic(
        "lemma8.adv_error_worst", "(A_hat - A)^2 <= 4 (1 - pi(a|s))^2 eps_critic",
        _adv_error**2, 4 * (1 - pi1) ** 2 * eps_critic, "<=", "|e(b)| <= sqrt(eps_critic)",
        hypotheses=_critic_ok, rewrite=[_errors, _prob],
    ),
    algebraic(
        "lemma8.adv_variance", "E_{a~pi}(A_hat - A)^2 = Var_pi(e) <= E_pi e^2",
        _var_e, _second_e, "<=", "variance <= second moment", rewrite=_prob,
    ),
    algebraic(
        "lemma8.adv_second_moment", "E_pi e^2 <= eps_critic", _second_e, eps_critic, "<=",
        "critic bound at every (s, a)", hypotheses=_critic_ok, rewrite=[_errors, _prob],
    ),
    algebraic(
        "lemma8.jensen_sq", "(x + y)^2 <= 2 x^2 + 2 y^2", (u1 + u2) ** 2, 2 * u1**2 + 2 * u2**2,
        "<=", "'simple fact'",
    ),
    algebraic(
        "lemma8.Lhat_wstar", "L_hat_t(w*_t) <= 2 L_t(w*_t) + 2 eps_critic",
        Lh_wstar, 2 * L_wstar + 2 * eps_critic, "<=", "lemma8.jensen_sq averaged; "
        "E_{d,pi}(A_hat - A)^2 <= eps_critic",
        hypotheses=(sp.Le(Lh_wstar, 2 * L_wstar + 2 * adv_err), sp.Le(adv_err, eps_critic)),
        rewrite=[{Lh_wstar: at_most(2 * L_wstar + 2 * adv_err)}, {adv_err: at_most(eps_critic)}],
    ),
    algebraic(
        "lemma8.L_what", "L_t(w_hat_t) <= 2 L_hat_t(w_hat_t) + 2 eps_critic",
        L_what, 2 * Lh_what + 2 * eps_critic, "<=", "'a similar argument'",
        hypotheses=(sp.Le(L_what, 2 * Lh_what + 2 * adv_err), sp.Le(adv_err, eps_critic)),
        rewrite=[{L_what: at_most(2 * Lh_what + 2 * adv_err)}, {adv_err: at_most(eps_critic)}],
    ),
    algebraic(
        "lemma8.min_ball", "min over ||w|| <= R of L_hat <= L_hat(w*_t) (1-D least squares)",
        sp.Max(w0 - R, 0) ** 2 + sp.Max(-w0 - R, 0) ** 2, 0, "<=",
        "w*_t = argmin over R^d; the oracle (3) minimises over the ball",
        condition=sp.Le(Abs(w0), R), rewrite={w0: between(-R, R)},
        counterexample={"w0": 2, "R": 1},
        note="L_hat(w) = (w - w0)^2: min over |w| <= R is the squared distance of w0 to the "
             "ball, positive when |w0| > R. Needs ||w*_t|| <= R, or eps_approx defined with "
             "the minimum over the ball.",
    ),
    algebraic(
        "lemma8.actor_chain", "L_t(w_hat_t) <= 4 eps_approx + 2 eps_actor + 6 eps_critic",
        L_what, actor_loss_bound, "<=", "oracle (3), lemma8.min_ball, definition of eps_approx",
        hypotheses=_chain_hyps, rewrite=_chain_rewrite,
    ),
    algebraic(
        "lemma8.sqrt6", "sqrt(6) <= 3", sqrt(6), 3, "<=", "arithmetic",
    ),
    algebraic(
        "lemma8.eq12_constant", "sqrt(4 eps_approx + 2 eps_actor + 6 eps_critic) <= "
        "3 sqrt(eps_total)", sqrt(actor_loss_bound), 3 * sqrt(_total), "<=", "coefficients <= 9",
    ),
    algebraic(
        "lemma8.eq12", "(12)", C3 / p_min * sqrt(L_what), 3 * C3 / p_min * sqrt(eps_total), "<=",
        "(11) and lemma8.actor_chain; eps_total = eps_approx + eps_actor + eps_critic",
        hypotheses=(sp.Le(L_what, actor_loss_bound), sp.Eq(eps_total, _total)),
        rewrite=[{L_what: between(0, actor_loss_bound), eps_total: _total}],
    ),
    algebraic(
        "lemma8.eq12_per_sa", "(12) if the per-(s, a) advantage bound 4 eps_critic were used",
        sqrt(actor_loss_bound_per_sa), 3 * sqrt(_total), "<=", "coefficients <= 9",
        condition=sp.Le(15 * eps_critic, 5 * eps_approx + 7 * eps_actor),
        rewrite={eps_critic: between(0, (5 * eps_approx + 7 * eps_actor) / 15)},
        counterexample={"eps_approx": 0, "eps_actor": 0, "eps_critic": 1},
        note="Not a step of the paper (the proof needs only lemma8.adv_variance). Exact "
             "condition: 9 eps_total - (4a + 2b + 24c) = 5a + 7b - 15c >= 0; in general the "
             "constant would be sqrt(24) = 2 sqrt(6).",
    ),
    algebraic(
        "lemma8.eq13_zero", "sum_a pi_t(a)(w_hat^T grad log pi_t - A) = 0",
        _eq13_lhs, 0, "==", "E_{a~pi_t} grad log pi_t = 0 and E_{a~pi_t} A = 0",
        note="The left side of (13) vanishes: (13) holds trivially and Lemma 8's factor "
             "(1 + 1/p_min) can be 1/p_min.",
    ),
    algebraic(
        "lemma8.eq13", "(13)", _eq13_lhs, 3 * C3 * sqrt(eps_total), "<=", "'similarly'",
    ),
    algebraic(
        "lemma8.g_norm", "||g_t|| <= ||w_hat_t|| + lam ||theta_t|| <= 2R (one coordinate)",
        Abs(w_hat - lam * theta), g_bound, "<=", "triangle inequality, Lemma 2, ||w_hat|| <= R",
        hypotheses=(sp.Le(Abs(w_hat), R), sp.Le(Abs(theta), R / lam)),
        rewrite={w_hat: between(-R, R), theta: between(-R / lam, R / lam)},
    ),
    algebraic(
        "lemma8.smooth_term", "eta^2/2 ||g_t||^2 <= 2 eta^2 R^2", eta**2 / 2 * g_norm**2,
        smooth_term, "<=", "lemma8.g_norm", hypotheses=(sp.Le(g_norm, g_bound),),
        rewrite={g_norm: between(0, g_bound)},
    ),
    algebraic(
        "lemma8.statement", "Lemma 8: substitute (10), (12), (13) into (9)",
        _before + drift_term, rhs, "<=", "(9), (10), (12), (13), lemma8.smooth_term",
        hypotheses=(sp.Le(err_star, 3 * C3 / p_min * sqrt(eps_total)),
                    sp.Le(err_pi, 3 * C3 * sqrt(eps_total)), sp.Le(g_norm, g_bound)),
        rewrite={err_star: at_most(3 * C3 / p_min * sqrt(eps_total)),
                 err_pi: at_most(3 * C3 * sqrt(eps_total)), g_norm: between(0, g_bound)},
    ),
]

claim = Claim(
    name="lemma8",
    title="Lemma 8",
    reference="Appendix B.2, Lemma 8, displays (9)-(13)",
    statement="sigma^pi_{t+1} <= (1 - eta lam) sigma^pi_t + 3 C3 eta (1 + 1/p_min) "
              "sqrt(eps_total) + 2 eta^2 R^2 + (1 + C1) kappa d0 ||mu_{t+1} - mu_t||_1.",
    hypotheses=["Assumptions 1 and 2", "Lemma 2: ||theta_t|| <= R/lam, ||w_hat_t|| <= R",
                "critic: E(q_hat - q)^2 <= eps_critic", "actor oracle (3)",
                "eps_total = eps_approx + eps_actor + eps_critic", "0 < eta lam < 1"],
    lhs=sigma_pi_next,
    rhs=rhs,
    relation="<=",
    steps=steps,
    conclusion="lemma8.statement",
)
