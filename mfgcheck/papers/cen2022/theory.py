"""Theorem 1 of Cen, Cheng, Chen, Wei and Chi (2022), its constants and proof steps in SymPy.

Source: S. Cen, C. Cheng, Y. Chen, Y. Wei, Y. Chi, "Fast global convergence of natural
policy gradient methods with entropy regularization", Operations Research 70(4):2563-2578,
2022 (arXiv:2007.06558). Section 3.1, Theorem 1 ("Linear convergence of exact
entropy-regularized NPG"); proof in Section 4.2.2 (Lemma 3, displays (41)-(54)).

**Statement.** For any learning rate ``0 < eta <= (1 - gamma)/tau``, the entropy-regularised
NPG updates (18) with exact policy evaluation satisfy, for all ``t >= 0``,

- (22a) ``||Q*_tau - Q^(t+1)_tau||_inf <= C1 gamma (1 - eta tau)^t``,
- (22b) ``||log pi*_tau - log pi^(t+1)||_inf <= 2 C1 tau^-1 (1 - eta tau)^t``,
- (23) ``C1 = ||Q*_tau - Q^(0)_tau||_inf + 2 tau (1 - eta tau/(1 - gamma)) ||log pi*_tau -
  log pi^(0)||_inf``.

How the statement was obtained: the stored text of both versions of the paper that the
search tool reaches (arXiv v4 and the Operations Research version) gives Theorem 1's wording,
its learning-rate range and the iteration counts it implies (``1/(eta tau) log(C1 gamma/eps)``
for the Q-functions, ``1/(eta tau) log(2 C1/(eps tau))`` for the log-policies, and
``||Q* - Q^(0)||`` alone for ``eta = (1 - gamma)/tau``), and the proof's text (the matrix ``A``,
the vectors ``x_t`` and ``y`` of (47), the rank-one identity, the Woodbury step, the triangle
inequality (52) and the softmax property (54)); the display equations themselves were not
decoded in that text. (22a), (22b) and (23) above are what those pieces determine, and every
step below re-derives them: a reading error would show as a step SymPy cannot prove or a
numeric check that fails.

Notation: ``tau`` is mfgcheck's shared ``lam``; ``alpha = 1 - eta tau/(1 - gamma)`` (41) and
``rho = 1 - eta tau`` (the contraction factor). The auxiliary sequence (42):
``xi^(0)(s, a) = ||exp(Q*_tau(s, .)/tau)||_1 pi^(0)(a|s)`` and ``xi^(t+1) = (xi^(t))^alpha
exp((1 - alpha) Q^(t)_tau/tau)``, so that ``pi^(t) = xi^(t)/||xi^(t)||_1`` per state and
``tau log xi^(t+1) = alpha tau log xi^(t) + (1 - alpha) Q^(t)_tau`` (43).

The proof, step by step (``steps``; ids ``cen2022.theorem1.<name>``):

1. ``alpha_nonneg``, ``alpha_at_most_one``, ``rate_identity`` (``(1 - alpha) gamma + alpha =
   1 - eta tau``), ``rate_range`` (``1 - eta tau >= gamma``): algebra, proved.
2. ``monotone`` (33): ``Q^(t+1) >= Q^(t)`` entrywise (Lemma 1, performance improvement);
   ``eq44``: ``||Q* - tau log xi^(t+1)|| <= alpha ||Q* - tau log xi^(t)|| + (1 - alpha)
   ||Q* - Q^(t)||``; ``eq45`` (Lemma 3): ``||Q* - Q^(t+1)|| <= gamma (||Q* - tau log
   xi^(t+1)|| + alpha^(t+1) ||Q^(0) - tau log xi^(0)||)``: numeric (checked on random MDPs).
   Together: ``x_{t+1} <= A x_t + gamma alpha^(t+1) y`` (46), ``A = [gamma(1-alpha),
   gamma alpha; 1-alpha, alpha]``, ``x_t = (||Q* - Q^(t)||, ||Q* - tau log xi^(t)||)``,
   ``y = (||Q^(0) - tau log xi^(0)||, 0)``.
3. ``rank_one`` (48): ``A^2 = (1 - eta tau) A``; ``woodbury``: ``w = (0, y_1/gamma)``
   solves ``(A - alpha I) w = alpha y`` (so ``(A/alpha - I)^-1 y = w >= 0``, (50));
   ``unrolled_base``, ``unrolled_step``: by induction on ``t`` (symbolic),
   ``sum_{k=0}^t alpha^(k+1) A^(t-k) y = ((1 - eta tau)^t A - alpha^(t+1) I) w`` (49);
   ``drop_negative``: the ``-alpha^(t+1) w`` part is <= 0. Proved (matrix identities).
4. ``lyapunov``: ``A (x_0 + gamma w) = (gamma, 1) ((1-alpha) x_0[0] + alpha (x_0[1] +
   y_1))``: proved. ``xi0`` ((42a): ``||Q* - tau log xi^(0)|| = tau ||log pi* - log
   pi^(0)||``) and ``y0_triangle`` ((52): ``y_1 <= ||Q* - Q^(0)|| + ||Q* - tau log
   xi^(0)||``): numeric. ``C1``: hence ``(1-alpha) x_0[0] + alpha (x_0[1] + y_1) <= C1``:
   proved. So ``x_{t+1} <= (1 - eta tau)^t C1 (gamma, 1)`` (53): ``eq53`` gives (22a).
5. ``softmax`` (54): ``||log pi* - log pi^(t+1)|| <= 2/tau ||Q* - tau log xi^(t+1)||``
   (numeric), which with (53) gives (22b) (``eq22b``, numeric and checked directly).

The claim's own relation is (22a); (22b) is the step ``eq22b``. Named pieces (``NAMED``,
``numeric(name)``): ``alpha``, ``rho``, ``C1`` (23) as a function of the initial errors,
``bound_Q`` (22a) and ``bound_logpi`` (22b).
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from ...theory.core import Claim, algebraic, evaluators, numeric_step, times_at_most
from .symbols import (
    C1,
    Q0_err,
    Q_drop,
    Q_err,
    Q_err_prev,
    eta,
    gamma,
    lam,
    logpi0_err,
    logpi_err,
    t,
    xi0_err,
    xi_err,
    xi_err_next,
    y0,
)

CLAIM_ID = "cen2022.theorem1"
CHECKS = "mfgcheck.papers.cen2022.checks"

alpha = 1 - eta * lam / (1 - gamma)
rho = 1 - eta * lam
C1_value = Q0_err + 2 * lam * alpha * logpi0_err
bound_Q = C1 * gamma * rho**t
bound_logpi = 2 * C1 / lam * rho**t
NAMED = {"alpha": alpha, "rho": rho, "C1": C1_value, "bound_Q": bound_Q,
         "bound_logpi": bound_logpi}
#: the named constants a bound written as text may use (the namespace's parser expands them)
CONSTANTS = {"alpha": alpha, "rho": rho}
numeric = evaluators(NAMED)

#: Theorem 1's learning rates, 0 < eta <= (1 - gamma)/tau, as a slack rewrite
LEARNING_RATES = {eta: times_at_most((1 - gamma) / lam)}
ETA_RANGE = sp.Le(eta, (1 - gamma) / lam)

_A = sp.ImmutableMatrix([[gamma * (1 - alpha), gamma * alpha], [1 - alpha, alpha]])
_I = sp.eye(2)
_y = sp.ImmutableMatrix([y0, 0])
_w = sp.ImmutableMatrix([0, y0 / gamma])
_x0 = sp.ImmutableMatrix([Q0_err, xi0_err])
_u = sp.ImmutableMatrix([gamma, 1])


def _unrolled(n):
    """``((1 - eta tau)^n A - alpha^(n+1) I) w``: the closed form of (49)'s sum."""
    return (rho**n * _A - alpha ** (n + 1) * _I) * _w


def _zero_matrix(M) -> bool:
    """Every entry of ``M`` simplifies to 0 (expand, together, powsimp: no simplify())."""
    return all(sp.expand(sp.powsimp(sp.together(sp.expand(e)), force=True)) == 0
               or sp.cancel(sp.together(sp.expand_power_exp(e))) == 0 for e in M)


def _rank_one() -> bool:
    return _zero_matrix(_A * _A - rho * _A)


def _woodbury() -> bool:
    return _zero_matrix((_A - alpha * _I) * _w - alpha * _y)


def _unrolled_base() -> bool:
    return _zero_matrix(_unrolled(0) - alpha * _y)


def _unrolled_step() -> bool:
    # S_{t+1} = A S_t + alpha^(t+2) y; the closed form satisfies the same recursion
    return _zero_matrix(sp.expand_power_exp(_A * _unrolled(t) + alpha ** (t + 2) * _y
                                            - _unrolled(t + 1)))


def _lyapunov() -> bool:
    lhs = _A * (_x0 + gamma * _w)
    rhs = _u * ((1 - alpha) * Q0_err + alpha * (xi0_err + y0))
    return _zero_matrix(lhs - rhs)


def _own(step, check: str):
    """A numeric step whose check lives in this paper's checks module."""
    return replace(step, property=f"{CHECKS}:{check}")


_first_row = (1 - alpha) * Q0_err + alpha * (lam * logpi0_err + y0)

steps = [
    algebraic(
        f"{CLAIM_ID}.alpha_nonneg", "alpha = 1 - eta tau/(1 - gamma) >= 0", alpha, 0, ">=",
        "(41) with 0 < eta <= (1 - gamma)/tau", hypotheses=(ETA_RANGE,),
        rewrite=LEARNING_RATES,
    ),
    algebraic(
        f"{CLAIM_ID}.alpha_at_most_one", "alpha <= 1", alpha, 1, "<=",
        "(41) with eta, tau > 0 and gamma < 1",
    ),
    algebraic(
        f"{CLAIM_ID}.rate_identity", "(1 - alpha) gamma + alpha = 1 - eta tau",
        (1 - alpha) * gamma + alpha, rho, "==",
        "definition (41) of alpha (used after (48))",
    ),
    algebraic(
        f"{CLAIM_ID}.rate_range", "1 - eta tau >= gamma (the rate lies in [gamma, 1))", rho,
        gamma, ">=", "eta tau <= 1 - gamma", hypotheses=(ETA_RANGE,), rewrite=LEARNING_RATES,
        note="eta = (1 - gamma)/tau (soft policy iteration) gives the fastest rate, gamma.",
    ),
    _own(numeric_step(
        f"{CLAIM_ID}.monotone", "Q^(t+1)_tau >= Q^(t)_tau entrywise (33)", Q_drop, 0, "<=",
        "Lemma 1 (performance improvement) and the definition (11a)",
        hypotheses=(ETA_RANGE,),
    ), "check_monotone"),
    _own(numeric_step(
        f"{CLAIM_ID}.eq44", "||Q* - tau log xi^(t+1)|| <= alpha ||Q* - tau log xi^(t)|| + "
        "(1 - alpha) ||Q* - Q^(t)|| (44)", xi_err_next,
        alpha * xi_err + (1 - alpha) * Q_err_prev, "<=",
        "the identity (43) and the triangle inequality", hypotheses=(ETA_RANGE,),
    ), "check_eq44"),
    _own(numeric_step(
        f"{CLAIM_ID}.eq45", "||Q* - Q^(t+1)|| <= gamma (||Q* - tau log xi^(t+1)|| + "
        "alpha^(t+1) ||Q^(0) - tau log xi^(0)||) (Lemma 3)", Q_err,
        gamma * (xi_err_next + alpha ** (t + 1) * y0), "<=",
        "monotonicity (33), Q^(t) - tau log xi^(t) >= alpha^t (Q^(0) - tau log xi^(0)), and "
        "log-sum-exp is 1-Lipschitz in the sup norm", hypotheses=(ETA_RANGE,),
        note="Lemma 3's display was not decoded in the text we could read; this is the "
             "form the linear system (46)-(47) requires (first row of A, and gamma alpha^(t+1)"
             " y), re-derived here and checked numerically.",
    ), "check_eq45"),
    algebraic(
        f"{CLAIM_ID}.rank_one", "A^2 = (1 - eta tau) A (48)", _A * _A, rho * _A, "==",
        "A = (gamma, 1)^T (1 - alpha, alpha) has rank one", prover=_rank_one,
    ),
    algebraic(
        f"{CLAIM_ID}.woodbury", "(A - alpha I) w = alpha y with w = (0, y_1/gamma) (50)",
        (_A - alpha * _I) * _w, alpha * _y, "==",
        "Woodbury: (alpha^-1 A - I)^-1 y = w, a nonnegative vector", prover=_woodbury,
        note="Written without dividing by alpha, so it also covers alpha = 0 (SPI).",
    ),
    algebraic(
        f"{CLAIM_ID}.unrolled_base", "sum_{k=0}^0 alpha^(k+1) A^(-k) y = (A - alpha I) w",
        alpha * _y, _unrolled(0), "==", "the closed form of (49) at t = 0",
        prover=_unrolled_base,
    ),
    algebraic(
        f"{CLAIM_ID}.unrolled_step", "A S_t + alpha^(t+2) y = S_{t+1} for S_t = ((1-eta "
        "tau)^t A - alpha^(t+1) I) w", _A * _unrolled(t) + alpha ** (t + 2) * _y,
        _unrolled(t + 1), "==", "induction on t (symbolic t), with A^(t+1) = (1 - eta tau)^t A",
        prover=_unrolled_step,
    ),
    algebraic(
        f"{CLAIM_ID}.drop_negative", "-alpha^(t+1) w <= 0 (dropped in (51))",
        -alpha ** (t + 1) * y0 / gamma, 0, "<=", "alpha >= 0, y_1 >= 0",
        hypotheses=(ETA_RANGE,), rewrite=LEARNING_RATES,
    ),
    algebraic(
        f"{CLAIM_ID}.lyapunov", "A (x_0 + gamma w) = (gamma, 1) ((1-alpha) x_0[0] + alpha "
        "(x_0[1] + y_1)) (51)", _A * (_x0 + gamma * _w),
        _u * ((1 - alpha) * Q0_err + alpha * (xi0_err + y0)), "==",
        "A = u v^T with v = (1 - alpha, alpha), and v^T w gamma = alpha y_1",
        prover=_lyapunov,
    ),
    _own(numeric_step(
        f"{CLAIM_ID}.xi0", "||Q* - tau log xi^(0)|| = tau ||log pi* - log pi^(0)|| (42a)",
        xi0_err, lam * logpi0_err, "==",
        "Q*(s, a) - tau log xi^(0)(s, a) = tau (log pi*(a|s) - log pi^(0)(a|s)) since "
        "pi* = softmax(Q*/tau)",
    ), "check_xi0"),
    _own(numeric_step(
        f"{CLAIM_ID}.y0_triangle", "||Q^(0) - tau log xi^(0)|| <= ||Q* - Q^(0)|| + ||Q* - "
        "tau log xi^(0)|| (52)", y0, Q0_err + xi0_err, "<=", "triangle inequality",
    ), "check_y0_triangle"),
    algebraic(
        f"{CLAIM_ID}.C1", "(1-alpha) ||Q* - Q^(0)|| + alpha (tau ||log pi* - log pi^(0)|| + "
        "y_1) <= C1 (23)", _first_row, C1_value, "<=",
        "y_1 <= ||Q* - Q^(0)|| + tau ||log pi* - log pi^(0)|| ((52) with (42a)) and alpha >= 0",
        hypotheses=(ETA_RANGE, sp.Le(y0, Q0_err + lam * logpi0_err)),
        rewrite=[{y0: Q0_err + lam * logpi0_err - sp.Dummy("s", nonnegative=True)},
                 LEARNING_RATES],
    ),
    algebraic(
        f"{CLAIM_ID}.eq53", "x_{t+1}[0] <= gamma (1-eta tau)^t ((1-alpha) x_0[0] + alpha "
        "(x_0[1] + y_1)) <= C1 gamma (1 - eta tau)^t (53)", gamma * rho**t * _first_row,
        bound_Q.subs(C1, C1_value), "<=",
        "(49)-(51) with the C1 step; gamma (1 - eta tau)^t >= 0",
        hypotheses=(ETA_RANGE, sp.Le(y0, Q0_err + lam * logpi0_err)),
        rewrite=[{y0: Q0_err + lam * logpi0_err - sp.Dummy("s", nonnegative=True)},
                 LEARNING_RATES],
    ),
    _own(numeric_step(
        f"{CLAIM_ID}.softmax", "||log pi* - log pi^(t+1)|| <= 2/tau ||Q* - tau log "
        "xi^(t+1)|| (54)", logpi_err, 2 * xi_err_next / lam, "<=",
        "pi^(t+1) = xi^(t+1)/||xi^(t+1)||_1 and the softmax property (66) of the paper's "
        "appendix A.2",
    ), "check_softmax"),
    _own(numeric_step(
        f"{CLAIM_ID}.eq22b", "||log pi* - log pi^(t+1)|| <= 2 C1/tau (1 - eta tau)^t (22b)",
        logpi_err, bound_logpi, "<=", "(53) and (54)", hypotheses=(ETA_RANGE,),
    ), "check_eq22b"),
]

claim = Claim(
    name=CLAIM_ID,
    title="Theorem 1 (Cen et al. 2022)",
    reference="Cen, Cheng, Chen, Wei, Chi, Operations Research 2022 (arXiv:2007.06558), "
              "Section 3.1, Theorem 1; proof in Section 4.2",
    statement="For 0 < eta <= (1 - gamma)/tau, exact entropy-regularised NPG satisfies "
              "||Q*_tau - Q^(t+1)_tau||_inf <= C1 gamma (1 - eta tau)^t and ||log pi*_tau - "
              "log pi^(t+1)||_inf <= 2 C1/tau (1 - eta tau)^t for all t >= 0, C1 = ||Q*_tau - "
              "Q^(0)_tau||_inf + 2 tau (1 - eta tau/(1 - gamma)) ||log pi*_tau - log "
              "pi^(0)||_inf.",
    hypotheses=[ETA_RANGE, sp.Lt(gamma, 1), "tabular MDP, softmax policies, exact soft "
                "policy evaluation", "pi^(0) has full support"],
    lhs=Q_err,
    rhs=bound_Q,
    relation="<=",
    steps=steps,
    conclusion=f"{CLAIM_ID}.eq53",
)
