"""Lemma 3 (appendix A): the soft best response is bounded away from zero.

Claim: for every mean field mu, ``pi*_mu(a|s) >= 1/(|A| exp(Qmax/lam))`` with
``Qmax = (1 + gamma lam log|A|)/(1 - gamma)``; the theory assumes ``r`` in [0, 1], so every
check here runs on ``game.normalised()`` (rewards rescaled to [0, 1], ``lam`` divided by the
reward range: docs/conventions.md).

Checks (each returns :class:`~mfgcheck.properties.evidence.Evidence`; the bound comes from
``mfgcheck.theory.lemma3``):

- ``check_lemma3``: the claim at ``pi* = Gamma1(mu)`` (worst (s, a)); ``lhs`` = the floor,
  ``rhs`` = ``pi*(a|s)`` (a lower bound, oriented as ``lhs <= rhs``);
- ``check_lemma3_Qmax``: ``Q*(s, a) = r + gamma E V*(s') <= Qmax`` (step ``lemma3.Qmax``);
- ``check_lemma3_Q_nonneg``: ``Q*(s, a) >= 0`` (step ``lemma3.Q_nonneg``, the hypothesis the
  appendix uses silently);
- ``check_lemma3_entropy``: ``H(pi(.|s)) <= log|A|`` on any policy (step ``lemma3.entropy``).
"""

from __future__ import annotations

import numpy as np
from scipy.special import entr

from ..numerics import soft_optimum
from . import _theory
from ._theory import Bound
from .evidence import Evidence
from .instances import BestResponseCase, PolicyCase


def _solve(case: BestResponseCase):
    game = case.game.normalised()
    opt = soft_optimum(game, case.mu)
    return game, opt


def check_lemma3(case: BestResponseCase, *, bound: Bound | None = None) -> Evidence:
    """Lemma 3 (appendix A): ``min_{s,a} Gamma1(mu)(a|s) >= exp(-Qmax/lam)/|A|`` on the
    normalised game. ``bound`` replaces theory's floor (keywords gamma, lam, nA)."""
    game, opt = _solve(case)
    numbers = {"gamma": game.gamma, "lam": game.lam, "nA": game.n_actions,
               "pi_star": opt.policy}
    return _theory.evidence(
        "lemma3", numbers, bound=bound, instance=case.to_dict(), index_names=("s", "a"),
        measurements={"min_pi_star": float(opt.policy.min()), "lam_normalised": game.lam,
                      "bellman_residual": opt.residual})


def _q_parts(case: BestResponseCase):
    game, opt = _solve(case)
    P, r = game.transition(case.mu), game.reward(case.mu)
    V_next = np.einsum("sat,t->sa", P, opt.V)
    return game, opt, {"gamma": game.gamma, "lam": game.lam, "nA": game.n_actions, "r_sa": r,
                       "V_next": V_next}


def check_lemma3_Qmax(case: BestResponseCase, *, bound: Bound | None = None) -> Evidence:
    """Step ``lemma3.Qmax`` (appendix A, Lemma 3's proof): ``Q*(s, a) <= Qmax`` for every
    (s, a), with ``Q* = r + gamma E_{s'} V*(s')`` computed exactly."""
    game, opt, numbers = _q_parts(case)
    return _theory.evidence("lemma3.Qmax", numbers, bound=bound, instance=case.to_dict(),
                            index_names=("s", "a"),
                            measurements={"max_Q_star": float(opt.Q.max())})


def check_lemma3_Q_nonneg(case: BestResponseCase, *, bound: Bound | None = None) -> Evidence:
    """Step ``lemma3.Q_nonneg``: ``Q*(s, a) >= 0`` (r >= 0 and entropies >= 0); the last
    display of Lemma 3's proof needs it."""
    game, opt, numbers = _q_parts(case)
    return _theory.evidence("lemma3.Q_nonneg", numbers, bound=bound, instance=case.to_dict(),
                            index_names=("s", "a"),
                            measurements={"min_Q_star": float(opt.Q.min())})


def check_lemma3_entropy(case: PolicyCase, *, bound: Bound | None = None) -> Evidence:
    """Step ``lemma3.entropy``: ``H(pi(.|s)) <= log|A|`` for every state of a policy."""
    pi = np.asarray(case.policy, dtype=np.float64)
    numbers = {"H_ent": entr(pi).sum(axis=-1), "nA": pi.shape[-1]}
    return _theory.evidence("lemma3.entropy", numbers, bound=bound, instance=case.to_dict(),
                            index_names=("s",))
