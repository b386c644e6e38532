"""Theorem 1 (appendix B.3): the two numeric steps of its proof, along a run of Algorithm 1.

With averages over the run ``t = 0..T-1`` and the constants measured along it (maxima over
the run, ``trajectory``):

- ``check_theorem1_policy_cauchy_schwarz``: step ``theorem1.policy_cauchy_schwarz``,
  ``(1/T) sum_t D(pi_t, pi*_t) <= C2 sqrt((2/T) sum_t sigma^pi_t)`` (Cauchy-Schwarz over
  (t, s), Assumption 2, Pinsker with its factor 2, as the theorem's proof writes it);
- ``check_theorem1_eq18``: step ``theorem1.eq18``, ``(1/T) sum_t D(pi*, pi_t) <=
  (1/T) sum_t D(pi_t, pi*_t) + d1 (1/T) sum_t ||mu_t - mu*||_1`` (Assumption 3 on the pairs
  ``(mu_t, mu*)``).

``D`` is weighted by the equilibrium visitation ``d*`` (docs/conventions.md). Theorem 1's statement
itself is an O~ rate, checked by the report's sweeps, not here.
"""

from __future__ import annotations

import numpy as np

from . import _theory
from ._theory import Bound
from .evidence import Evidence
from .instances import NACRunCase
from .trajectory import ATOL, terms


def _averages(run: NACRunCase) -> dict:
    tr = terms(run)
    c = tr.constants("trajectory")
    t = tr.t
    return {"avg_D": float(np.mean(t["D_pi"])), "avg_D_star": float(np.mean(t["D_eq"])),
            "avg_sigma_pi": float(np.mean(t["sigma_pi"])),
            "avg_sigma_mu": float(np.mean(t["sigma_mu"])), "C2": float(c["C2"][0]),
            "d1": float(c["d1"][0]), "T": run.T}


def check_theorem1_policy_cauchy_schwarz(run: NACRunCase, *,
                                          bound: Bound | None = None) -> Evidence:
    """Step ``theorem1.policy_cauchy_schwarz`` (appendix B.3, after (15))."""
    m = _averages(run)
    return _theory.evidence("theorem1.policy_cauchy_schwarz", m, bound=bound,
                            instance=run.to_dict(), measurements=m, atol=ATOL)


def check_theorem1_eq18(run: NACRunCase, *, bound: Bound | None = None) -> Evidence:
    """Step ``theorem1.eq18`` (appendix B.3, display (18))."""
    m = _averages(run)
    return _theory.evidence("theorem1.eq18", m, bound=bound, instance=run.to_dict(),
                            measurements=m, atol=ATOL)
