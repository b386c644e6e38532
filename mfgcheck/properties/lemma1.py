"""Lemma 1 (appendix B.1): one NAC step measured against the current best response.

Claim: ``E_{d*_t} KL(pi*_t || pi_{t+1}) <= (1 - eta lam) sigma^pi_t
- eta E_{d*_t, pi*_t}[g_t^T grad log pi_t(a|s) - q^{pi_t}_{mu_t}(s, a)]
- eta E_{d*_t} V^{pi_t}_{mu_t}(s) + eta^2/2 ||g_t||^2``
with ``pi*_t = Gamma1(mu_t)``, ``d*_t = d^{pi*_t}_{mu_t}`` (docs/conventions.md).

Checks along a run of Algorithm 1 (``instances.NACRunCase``), worst step reported, every term
exact (``trajectory.terms``):

- ``check_lemma1``: the claim (theory ``lemma1.claim``);
- ``check_lemma1_descent``: step ``lemma1.descent``, the 1-smoothness inequality
  ``log pi_{t+1}(a|s) >= log pi_t(a|s) + eta g_t^T grad log pi_t(a|s) - eta^2/2 ||g_t||^2``
  at every (t, s, a);
- ``check_lemma1_pdl``: step ``lemma1.pdl``, the regularised performance difference lemma
  ``V^{pi*_t}(rho) - V^{pi_t}(rho) = (E_{d*_t,pi*_t} q - E_{d*_t} V)/(1-gamma)
  - lam sigma^pi_t/(1-gamma)`` (an identity);
- ``check_lemma1_optimality``: step ``lemma1.optimality`` (holds iff ``V^{pi*_t}(rho) >=
  V^{pi_t}(rho)``).
"""

from __future__ import annotations

from ._along import along
from ._theory import Bound
from .evidence import Evidence
from .instances import NACRunCase


def check_lemma1(run: NACRunCase, *, scope: str = "trajectory",
                 bound: Bound | None = None) -> Evidence:
    """Lemma 1 (appendix B.1) at every step of the run."""
    return along("lemma1", run, scope=scope, bound=bound)


def _per_action(tr, numbers):
    # eta_t and ||g_t|| broadcast against (t, s, a) arrays.
    return {"eta": numbers["eta"][:, None, None], "g_norm": numbers["g_norm"][:, None, None]}


def check_lemma1_descent(run: NACRunCase, *, scope: str = "trajectory",
                         bound: Bound | None = None) -> Evidence:
    """Step ``lemma1.descent`` (appendix B.1, smoothness of log pi_theta) at every
    (t, s, a)."""
    return along("lemma1.descent", run, scope=scope, bound=bound, extra=_per_action,
                 index_names=("t", "s", "a"))


def check_lemma1_pdl(run: NACRunCase, *, scope: str = "trajectory",
                     bound: Bound | None = None) -> Evidence:
    """Step ``lemma1.pdl``: the regularised performance difference lemma (Lemma 5 of [13])
    with ``pi = pi*_t``, ``pi' = pi_t``, ``mu = mu_t`` (an identity, checked to 1e-9)."""
    return along("lemma1.pdl", run, scope=scope, bound=bound)


def check_lemma1_optimality(run: NACRunCase, *, scope: str = "trajectory",
                            bound: Bound | None = None) -> Evidence:
    """Step ``lemma1.optimality``: dropping ``-eta (1 - gamma)(V^{pi*_t} - V^{pi_t})(rho)``
    needs ``pi*_t`` optimal for ``mu_t``."""
    return along("lemma1.optimality", run, scope=scope, bound=bound)
