"""Lemma 2 (appendix A; Lemma 2 of [13]): persistence of excitation, along Algorithm 1.

Claim: with ``theta_0 = 0``, ``||w_hat_t|| <= R``, ``||phi_{s,a}|| <= 1`` and
``0 < eta lam < 1``: ``||theta_t||_2 <= R/lam`` for all t, and
``p_min = inf_t min_{s,a} pi_t(a|s) >= exp(-2R/lam)/|A|``.

Checks on a run (``instances.NACRunCase``; iterates from ``algorithms.nac_step``), each
reporting the worst step:

- ``check_lemma2``: the claim's conclusion on ``p_min`` (theory ``lemma2.claim``), with
  ``p_min`` the minimum over the run (``scope="trajectory"``) or over ``pi_t, pi_{t+1}``
  (``scope="step"``); ``lhs`` = the bound, ``rhs`` = ``p_min`` (a lower bound);
- ``check_lemma2_theta_bound``: ``||theta_{t+1}||_2 <= R/lam`` (``lemma2.theta_bound``);
- ``check_lemma2_induction``: step ``lemma2.induction``,
  ``(1 - eta lam)||theta_t|| + eta ||w_hat_t|| <= R/lam``, at the measured norms;
- ``check_lemma2_logit``: step ``lemma2.logit`` with the measured ``max |theta_t^T phi|``
  on the left (Cauchy-Schwarz gives ``||theta_t|| ||phi|| <= R/lam``).
"""

from __future__ import annotations

import numpy as np

from ._along import along
from ._theory import Bound
from .evidence import Evidence
from .instances import NACRunCase


def check_lemma2(run: NACRunCase, *, scope: str = "trajectory",
                 bound: Bound | None = None) -> Evidence:
    """Lemma 2 (appendix A): ``p_min >= exp(-2R/lam)/|A|`` along a run of Algorithm 1."""
    return along("lemma2", run, scope=scope, bound=bound)


def check_lemma2_theta_bound(run: NACRunCase, *, scope: str = "trajectory",
                             bound: Bound | None = None) -> Evidence:
    """Lemma 2, first statement: ``||theta_{t+1}||_2 <= R/lam`` for every t of the run."""
    from . import _theory
    fn = bound if bound is not None else _theory.expression("lemma2", "theta_bound")
    return along("lemma2.induction", run, scope=scope, bound=fn, lhs="theta_norm_next",
                 label="lemma2.theta_bound")


def check_lemma2_induction(run: NACRunCase, *, scope: str = "trajectory",
                           bound: Bound | None = None) -> Evidence:
    """Step ``lemma2.induction``: ``(1 - eta lam)||theta_t|| + eta lam ||w_hat_t||/lam <=
    R/lam`` at the measured ``||theta_t||``, ``||w_hat_t||`` (needs ``||w_hat_t|| <= R``)."""
    return along("lemma2.induction", run, scope=scope, bound=bound)


def _max_logit(tr, numbers):
    phi = tr.traj.run.features
    logits = np.einsum("sad,td->tsa", phi, tr.traj.theta[:-1])
    return {"max_logit": np.abs(logits).max(axis=(-1, -2))}


def check_lemma2_logit(run: NACRunCase, *, scope: str = "trajectory",
                       bound: Bound | None = None) -> Evidence:
    """Step ``lemma2.logit``: ``max_{s,a} |theta_t^T phi_{s,a}| <= R/lam``."""
    return along("lemma2.logit", run, scope=scope, bound=bound, extra=_max_logit,
                 lhs="max_logit")

