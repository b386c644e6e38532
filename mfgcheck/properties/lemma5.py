"""Lemma 5 (appendix A, displays (4)-(6)): from sigma^pi_{t+1} back to step t.

Claim: ``sigma^pi_{t+1} <= E_{d*_t}[KL(pi*_t || pi_{t+1})] + (1 + C1) kappa d0
||mu_{t+1} - mu_t||_1`` with ``kappa = 2 log|A|/(1-gamma) + (1 + 2R(1-gamma))/(lam(1-gamma))``.

Checks along a run of Algorithm 1 (worst step reported; constants C1, d0 and ``p_min``
measured along the run, see ``trajectory``; ``D`` here is ``D(pi*_t, pi*_{t+1})``):

- ``check_lemma5``: the claim (theory ``lemma5.claim``);
- ``check_lemma5_eq4_split``: display (4) (step ``lemma5.eq4_split`` at the measured
  ``E_{d*_{t+1}}KL(pi*_t||pi_{t+1})``: its slack is exactly the third term of (4));
- ``check_lemma5_KLmax``: ``log(1/p_min) <= KLmax`` (step ``lemma5.KLmax``, Lemma 2);
- ``check_lemma5_kl_bound``: ``max_s KL(pi*_t(.|s) || pi_{t+1}(.|s)) <= KLmax`` (the bound
  before (5), measured KL on the left);
- ``check_lemma5_eq5``: step ``lemma5.eq5`` (Assumption 1);
  ``check_lemma5_eq5_display``: the whole of (5), ``(E_{d*_{t+1}} - E_{d*_t})[KL] <=
  KLmax d0 ||mu_{t+1} - mu_t||``;
- ``check_lemma5_eq6_lemma4``: step ``lemma5.eq6_lemma4`` (Lemma 4 with ``alpha1 = tau``,
  ``alpha2 = p_min``); ``check_lemma5_eq6_kappa``: step ``lemma5.eq6_kappa``,
  ``1 + log(1/min{tau, p_min}) <= kappa`` (theory: conditional, fails for small gamma and
  small R/lam); ``check_lemma5_kappa_sharp``: step ``lemma5.kappa_sharp`` (the repair);
- ``check_lemma5_eq6_assumption2``, ``check_lemma5_eq6``: the two assumption steps of (6);
  ``check_lemma5_eq6_display``: the whole of (6), ``|E_{d*_{t+1}}[KL(pi*_{t+1}||pi_{t+1})
  - KL(pi*_t||pi_{t+1})]| <= kappa C1 d0 ||mu_{t+1} - mu_t||``.
"""

from __future__ import annotations

from ._along import along
from ._theory import Bound
from .evidence import Evidence
from .instances import NACRunCase
from .trajectory import kl_rows

#: theory symbol -> measured term: ``D`` is ``D(pi*_t, pi*_{t+1})`` in Lemma 5
RENAME = {"D_pi": "D_star_step"}

#: Steps of Lemma 5 that fail numerically for some parameters.
KNOWN_FAILURES = {
    "lemma5.eq6_kappa": "kappa >= 1 + log(1/min{tau, p_min}) fails when log|A|/(1-gamma) + "
                        "2R/lam < 1 (theory: conditional); the lemma survives because Lemma 4 "
                        "holds with the sharp constant, which is <= kappa (lemma5.kappa_sharp).",
}


def _along(ref, run, scope, bound, **kw):
    rename = {**RENAME, **kw.pop("rename", {})}
    return along(ref, run, scope=scope, bound=bound, rename=rename, **kw)


def check_lemma5(run: NACRunCase, *, scope: str = "trajectory",
                 bound: Bound | None = None) -> Evidence:
    """Lemma 5 (appendix A) at every step of the run."""
    return _along("lemma5", run, scope, bound)


def check_lemma5_eq4_split(run: NACRunCase, *, scope: str = "trajectory",
                           bound: Bound | None = None) -> Evidence:
    """Display (4): ``sigma^pi_{t+1} <= E_{d*_{t+1}}KL(pi*_t||pi_{t+1}) + |...|``."""
    return _along("lemma5.eq4_split", run, scope, bound)


def check_lemma5_KLmax(run: NACRunCase, *, scope: str = "trajectory",
                       bound: Bound | None = None) -> Evidence:
    """Step ``lemma5.KLmax``: ``log(1/p_min) <= log|A| + 2R/lam`` at the measured p_min."""
    return _along("lemma5.KLmax", run, scope, bound)


def _kl_max(tr, numbers):
    pistar, pi = tr.k["pistar"], tr.traj.pi
    return {"kl_state_max": kl_rows(pistar[:-1], pi[1:]).max(-1)}


def check_lemma5_kl_bound(run: NACRunCase, *, scope: str = "trajectory",
                          bound: Bound | None = None) -> Evidence:
    """Before (5): ``KL(pi*_t(.|s) || pi_{t+1}(.|s)) <= KLmax`` at every state (the
    bound of ``lemma5.KLmax`` with the measured KL on the left)."""
    return _along("lemma5.KLmax", run, scope, bound, extra=_kl_max, lhs="kl_state_max",
                  label="lemma5.kl_bound")


def check_lemma5_eq5(run: NACRunCase, *, scope: str = "trajectory",
                     bound: Bound | None = None) -> Evidence:
    """Step ``lemma5.eq5`` (Assumption 1): ``KLmax E_{d*}|d*_{t+1}-d*_t|/d* <= KLmax d0
    ||mu_{t+1} - mu_t||``."""
    return _along("lemma5.eq5", run, scope, bound)


def check_lemma5_eq5_display(run: NACRunCase, *, scope: str = "trajectory",
                             bound: Bound | None = None) -> Evidence:
    """Display (5) whole: ``(E_{d*_{t+1}} - E_{d*_t})[KL(pi*_t||pi_{t+1})] <= KLmax d0
    ||mu_{t+1} - mu_t||_1`` (right side of step ``lemma5.eq5``)."""
    return _along("lemma5.eq5", run, scope, bound, lhs="shift_term",
                  label="lemma5.eq5_display")


def check_lemma5_eq6_lemma4(run: NACRunCase, *, scope: str = "trajectory",
                            bound: Bound | None = None) -> Evidence:
    """Step ``lemma5.eq6_lemma4``: ``|E_{d*_{t+1}}[KL(pi*_{t+1}||pi_{t+1}) -
    KL(pi*_t||pi_{t+1})]| <= (1 + log(1/min{tau, p_min})) E_{d*_{t+1}}||pi*_t -
    pi*_{t+1}||_1``."""
    return _along("lemma5.eq6_lemma4", run, scope, bound)


def check_lemma5_eq6_kappa(run: NACRunCase, *, scope: str = "trajectory",
                           bound: Bound | None = None) -> Evidence:
    """Step ``lemma5.eq6_kappa``: ``1 + log(1/min{tau, p_min}) <= kappa`` at the measured
    ``p_min`` (theory: holds only under a condition; see ``mfgcheck.theory.lemma5``)."""
    return _along("lemma5.eq6_kappa", run, scope, bound)


def check_lemma5_kappa_sharp(run: NACRunCase, *, scope: str = "trajectory",
                             bound: Bound | None = None) -> Evidence:
    """Step ``lemma5.kappa_sharp``: ``(log(1/tau) + log(1/p_min))/2 <= kappa``."""
    return _along("lemma5.kappa_sharp", run, scope, bound)


def check_lemma5_eq6_assumption2(run: NACRunCase, *, scope: str = "trajectory",
                                 bound: Bound | None = None) -> Evidence:
    """Step ``lemma5.eq6_assumption2``: ``kappa E_{d*_{t+1}}||pi*_t - pi*_{t+1}|| <= kappa
    C1 D(pi*_t, pi*_{t+1})`` (Assumption 2)."""
    return _along("lemma5.eq6_assumption2", run, scope, bound)


def check_lemma5_eq6(run: NACRunCase, *, scope: str = "trajectory",
                     bound: Bound | None = None) -> Evidence:
    """Step ``lemma5.eq6``: ``kappa C1 D(pi*_t, pi*_{t+1}) <= kappa C1 d0 ||mu_{t+1} -
    mu_t||`` (Assumption 1)."""
    return _along("lemma5.eq6", run, scope, bound)


def check_lemma5_eq6_display(run: NACRunCase, *, scope: str = "trajectory",
                             bound: Bound | None = None) -> Evidence:
    """Display (6) whole: ``|E_{d*_{t+1}}[KL(pi*_{t+1}||pi_{t+1}) - KL(pi*_t||pi_{t+1})]|
    <= kappa C1 d0 ||mu_{t+1} - mu_t||_1`` (right side of step ``lemma5.eq6``)."""
    return _along("lemma5.eq6", run, scope, bound, lhs="kl_gap", label="lemma5.eq6_display")

