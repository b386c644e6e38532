"""Empirical checks of Theorem 1 of Cen et al. (2022) on random tabular MDPs.

An instance is an :class:`NPGCase`: an MDP, the entropy weight ``tau``, a learning rate
``eta`` in Theorem 1's range ``(0, (1 - gamma)/tau]``, an initial policy
(``pi^(0) = softmax(logits0)``) and a number of iterations ``T``. Its exact terms
(:class:`NPGTerms`, computed once per case) are the soft optimum (:func:`.mdp.soft_optimum`),
the NPG iterates (:func:`.mdp.npg`, exact policy evaluation by linear solves) and the proof's
auxiliary sequence ``tau log xi^(t)`` (paper (42)). Each check evaluates one relation of
:mod:`.theory` at every compared iteration and returns the worst as
:class:`~mfgcheck.properties.evidence.Evidence` (``lhs <= rhs``):

==========================  ===========================================================
check                       relation (step id)
==========================  ===========================================================
``check_theorem1``          (22a) ``||Q* - Q^(t+1)|| <= C1 gamma (1 - eta tau)^t``
                            (``cen2022.theorem1``)
``check_eq22b``             (22b) ``||log pi* - log pi^(t+1)|| <= 2 C1/tau (1 - eta tau)^t``
``check_monotone``          (33) ``Q^(t+1) >= Q^(t)``
``check_eq44``              (44), the recursion of ``||Q* - tau log xi^(t)||``
``check_eq45``              Lemma 3, ``||Q* - Q^(t+1)||`` against ``xi^(t+1)``
``check_softmax``           (54), log-policy error against ``||Q* - tau log xi^(t+1)||``
``check_xi0``, ``check_y0_triangle``   (42a) and (52) at ``t = 0``
==========================  ===========================================================

**Which iterations are compared.** The errors decay geometrically and reach the rounding
floor of float64; below it a difference of computed numbers says nothing. A case compares the
iterations ``t < T`` at which (22a)'s right side is still ``FLOOR`` times above the rounding
bound of a soft Q-function (:func:`.mdp.roundoff`); ``measurements["compared"]`` says how many.
The window depends on the case only, never on the bound a caller passes, so a mutated bound
is compared on the same iterations. Every evidence declares ``atol``, the documented float
error of its left side (:meth:`NPGTerms.error`), which the tests check against the 60-digit
replay of :mod:`.precise`.

A float64 violation is confirmed or overturned at 60 digits by :mod:`.precise` (registered as
this claim's route in ``properties.confirm.ROUTES`` when this module is imported).

``bound=`` replaces theory's right side (a keyword callable of the numbers below, e.g.
``theory.numeric("bound_logpi")``), as in every mfgcheck check; the hunter's override
(``mfgcheck.hunt(..., bound="...")``) works the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy.special import logsumexp

from ..._validate import InvalidInputError
from ...properties import _theory
from ...properties.evidence import Evidence
from . import theory
from .mdp import EPS, MDP, Optimum, npg, npg_alpha, roundoff, soft_optimum

__all__ = ["NPGCase", "NPGTerms", "FLOOR", "check_theorem1", "check_eq22b", "check_monotone",
           "check_eq44", "check_eq45", "check_softmax", "check_xi0", "check_y0_triangle"]

FLOOR = 100.0  # compare while (22a)'s bound is this many rounding errors above zero


@dataclass(frozen=True)
class NPGCase:
    """One run of exact entropy-regularised NPG to check (module docstring). ``params`` says
    how it was drawn (strategies), for the record."""

    mdp: MDP
    tau: float
    eta: float
    logits0: np.ndarray  # pi^(0) = softmax(logits0) per state
    T: int
    params: Mapping = field(default_factory=dict)

    def __post_init__(self):
        npg_alpha(self.mdp.gamma, self.tau, self.eta)  # validates tau and the range of eta
        # kept as given, so a case rebuilt from its JSON has the same bits
        object.__setattr__(self, "logits0", np.asarray(self.logits0, dtype=np.float64))
        if self.logits0.shape != self.mdp.r.shape or not np.isfinite(self.logits0).all():
            raise InvalidInputError(f"logits0: shape {self.logits0.shape} with finite entries "
                                    f"expected {self.mdp.r.shape} (pi^(0) has full support)")

    def to_dict(self) -> dict:
        """The case as JSON: enough to rebuild it exactly (``from_description``)."""
        return {"P": self.mdp.P.tolist(), "r": self.mdp.r.tolist(), "gamma": self.mdp.gamma,
                "tau": self.tau, "eta": self.eta, "logits0": self.logits0.tolist(),
                "T": self.T, "params": dict(self.params)}

    @classmethod
    def from_description(cls, d: Mapping) -> NPGCase:
        return cls(MDP(np.array(d["P"]), np.array(d["r"]), d["gamma"]), d["tau"], d["eta"],
                   np.array(d["logits0"]), d["T"], d.get("params", {}))

    @cached_property
    def terms(self) -> NPGTerms:
        return NPGTerms.of(self)


def _sup(x: np.ndarray) -> np.ndarray:
    """The sup norm over the last two axes (s, a)."""
    return np.abs(x).max(axis=(-2, -1))


@dataclass(frozen=True)
class NPGTerms:
    """The exact quantities of one case; arrays over iterations ``k = 0..T``."""

    case: NPGCase
    optimum: Optimum
    alpha: float
    Q_err: np.ndarray       # ||Q* - Q^(k)||_inf
    logpi_err: np.ndarray   # ||log pi* - log pi^(k)||_inf
    xi_err: np.ndarray      # ||Q* - tau log xi^(k)||_inf
    Q_drop: np.ndarray      # max (Q^(k) - Q^(k+1)), k = 0..T-1
    y0: float               # ||Q^(0) - tau log xi^(0)||_inf
    C1: float
    compared: int           # iterations t = 0..compared-1 are compared
    q_error: float          # float error bound of a soft Q-function (mdp.roundoff)
    logpi_error: float      # float error bound of a log-policy iterate

    @classmethod
    def of(cls, case: NPGCase) -> NPGTerms:
        mdp, tau = case.mdp, case.tau
        opt = soft_optimum(mdp, tau)
        logits = case.logits0
        run = npg(mdp, tau, case.eta, logits - logsumexp(logits, axis=1)[:, None], case.T)
        a = run.alpha
        # tau log xi^(0) = V*(s) + tau log pi^(0)(a|s); then (43)
        tlx_rows = [opt.V[:, None] + tau * run.log_pi[0]]
        for k in range(case.T):
            tlx_rows.append(a * tlx_rows[-1] + (1 - a) * run.Q[k])
        tlx = np.array(tlx_rows)
        Q_err = _sup(opt.Q - run.Q)
        logpi_err = _sup(opt.log_pi - run.log_pi)
        C1 = float(theory.numeric("C1")(**{"Q0_err": Q_err[0],
                                           "logpi0_err": logpi_err[0],
                                           "eta": case.eta, "lam": tau,
                                           "gamma": mdp.gamma}))
        q_error = roundoff(mdp, tau)
        rho = 1 - case.eta * tau
        bound = C1 * mdp.gamma * rho ** np.arange(case.T)
        compared = int(np.sum(bound > FLOOR * q_error))
        # a log-policy iterate: the Q errors enter with weight (1 - alpha)/tau and contract
        # by alpha (sum <= 1/tau); the rounding of each update (a few eps times the largest
        # logit) accumulates over at most min(T, 1/(1 - alpha)) effective steps
        scale = max(np.abs(run.log_pi).max(), np.abs(opt.Q).max() / tau)
        steps = min(case.T + 1, 1.0 / max(1.0 - a, EPS))
        logpi_error = 2 * q_error / tau + 8 * EPS * scale * steps
        return cls(case, opt, a, Q_err, logpi_err, _sup(opt.Q[None] - tlx),
                   (run.Q[:-1] - run.Q[1:]).max(axis=(-2, -1)), float(_sup(run.Q[0] - tlx[0])),
                   C1, compared, q_error, logpi_error)

    def numbers(self) -> dict:
        """Every measured number, named after theory's symbols, over ``t = 0..compared-1``
        (``*_next`` and the errors at ``t + 1``); scalars broadcast."""
        n = self.compared
        c = self.case
        return {"gamma": c.mdp.gamma, "lam": c.tau, "eta": c.eta, "C1": self.C1,
                "t": np.arange(n), "Q_err": self.Q_err[1:n + 1],
                "Q_err_prev": self.Q_err[:n], "logpi_err": self.logpi_err[1:n + 1],
                "xi_err": self.xi_err[:n], "xi_err_next": self.xi_err[1:n + 1],
                "Q_drop": self.Q_drop[:n], "y0": self.y0,
                "Q0_err": self.Q_err[0], "logpi0_err": self.logpi_err[0],
                "xi0_err": self.xi_err[0]}

    def measurements(self) -> dict:
        return {"compared": self.compared, "T": self.case.T, "alpha": self.alpha,
                "rho": 1 - self.case.eta * self.case.tau, "C1": self.C1,
                "soft_policy_iterations": self.optimum.iterations,
                "bellman_residual": self.optimum.residual, "q_error": self.q_error,
                "logpi_error": self.logpi_error}


def _evidence(step: str, case: NPGCase, bound, *, atol: float, lhs=None, rel=None) -> Evidence:
    """The worst compared iteration of theory's relation ``step`` as Evidence (``not
    checked`` is an error: a case with no iteration above the rounding floor raises)."""
    terms = case.terms
    if terms.compared == 0 and step not in (f"{theory.CLAIM_ID}.xi0",
                                            f"{theory.CLAIM_ID}.y0_triangle"):
        raise ValueError(f"{step}: no iteration of this case is above the rounding floor "
                         f"(C1 = {terms.C1:.3g}); nothing to compare")
    owner = theory.claim if step == theory.CLAIM_ID else theory.claim.step(step)
    left = lhs if lhs is not None else _side(owner, "lhs")
    right = bound if bound is not None else _side(owner, "rhs")
    return _theory.evidence(step, terms.numbers(), bound=right, lhs=left,
                            rel=rel or owner.relation, instance=case.to_dict(),
                            measurements=terms.measurements(), index_names=("t",),
                            atol=atol)


_SIDES: dict = {}


def _side(owner, which: str) -> Callable:
    """Keyword evaluator of a side of a theory claim or step (built once)."""
    key = (owner.name if hasattr(owner, "name") else owner.id, which)
    if key not in _SIDES:
        from ...theory.core import lambdify_kw
        _SIDES[key] = _theory._tolerant(lambdify_kw(getattr(owner, which)))
    return _SIDES[key]


def check_theorem1(case: NPGCase, *, bound=None) -> Evidence:
    """(22a): ``||Q*_tau - Q^(t+1)_tau||_inf <= C1 gamma (1 - eta tau)^t`` at every compared
    ``t`` (the claim ``cen2022.theorem1``)."""
    return _evidence(theory.CLAIM_ID, case, bound, atol=2 * case.terms.q_error)


def check_eq22b(case: NPGCase, *, bound=None) -> Evidence:
    """(22b): ``||log pi*_tau - log pi^(t+1)||_inf <= 2 C1/tau (1 - eta tau)^t``."""
    return _evidence(f"{theory.CLAIM_ID}.eq22b", case, bound, atol=2 * case.terms.logpi_error)


def check_monotone(case: NPGCase, *, bound=None) -> Evidence:
    """(33): ``max (Q^(t) - Q^(t+1)) <= 0`` (monotone improvement of the soft Q-function)."""
    return _evidence(f"{theory.CLAIM_ID}.monotone", case, bound, atol=2 * case.terms.q_error)


def check_eq44(case: NPGCase, *, bound=None) -> Evidence:
    """(44): ``||Q* - tau log xi^(t+1)|| <= alpha ||Q* - tau log xi^(t)|| + (1 - alpha)
    ||Q* - Q^(t)||``."""
    return _evidence(f"{theory.CLAIM_ID}.eq44", case, bound, atol=3 * case.terms.q_error)


def check_eq45(case: NPGCase, *, bound=None) -> Evidence:
    """Lemma 3 (45): ``||Q* - Q^(t+1)|| <= gamma (||Q* - tau log xi^(t+1)|| + alpha^(t+1)
    ||Q^(0) - tau log xi^(0)||)``."""
    return _evidence(f"{theory.CLAIM_ID}.eq45", case, bound, atol=3 * case.terms.q_error)


def check_softmax(case: NPGCase, *, bound=None) -> Evidence:
    """(54): ``||log pi* - log pi^(t+1)|| <= 2/tau ||Q* - tau log xi^(t+1)||``."""
    t = case.terms
    return _evidence(f"{theory.CLAIM_ID}.softmax", case, bound,
                     atol=2 * t.logpi_error + 2 * t.q_error / case.tau)


def check_xi0(case: NPGCase, *, bound=None) -> Evidence:
    """(42a): ``||Q* - tau log xi^(0)|| = tau ||log pi* - log pi^(0)||`` (an identity)."""
    t = case.terms
    return _evidence(f"{theory.CLAIM_ID}.xi0", case, bound,
                     atol=2 * t.q_error + case.tau * t.logpi_error)


def check_y0_triangle(case: NPGCase, *, bound=None) -> Evidence:
    """(52): ``||Q^(0) - tau log xi^(0)|| <= ||Q* - Q^(0)|| + ||Q* - tau log xi^(0)||``."""
    return _evidence(f"{theory.CLAIM_ID}.y0_triangle", case, bound,
                     atol=3 * case.terms.q_error)


def _precise(case: NPGCase) -> dict:
    """The checks' numbers at 60 digits (:mod:`.precise`): the route that confirms or
    overturns a float64 violation of any check of this claim."""
    from .precise import numbers

    return numbers(case)


def _register_routes() -> None:
    """``properties.confirm`` re-evaluates a violation through ``ROUTES[step]``: add this
    claim's steps (from the one list of checks, ``cen2022.CHECKS``)."""
    from ...properties import confirm
    from . import CHECKS, CLAIM_ID

    for suffix, _ in CHECKS:
        confirm.ROUTES[f"{CLAIM_ID}.{suffix}" if suffix else CLAIM_ID] = _precise


_register_routes()
