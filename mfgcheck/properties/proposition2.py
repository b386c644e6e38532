"""Proposition 2 (appendix C; Theorem 14.8, Lemma 14.9 of [62]): projected SGD (Algorithm 3).

Claim: for convex f, ``x* = argmin_{||x|| <= R} f``, stochastic gradients of norm ``<= rho``
a.s. and step ``R/(rho sqrt K)``: ``E f(average iterate) - f(x*) <= B rho/sqrt(K)`` (B read as
the radius R, theory ``proposition2.B``).

Measured on a ``RateCase``: ``f = L_hat`` of eq. (3) at ``(pi, mu)`` with the exact advantage
as target and the exact visitation ``d^pi_mu`` as weights (what Algorithm 3 samples from);
``f(x*)`` the exact optimum over the ball (``numerics.actor_regression.solve_actor_exact``);
the average iterate from ``algorithms.sgd_actor`` (its step ``R/(rho sqrt K)`` with
``rho = 4 (2R + max|A_hat|)``, an almost-sure bound on its stochastic gradient: ``||grad log
pi|| <= 2``, ``|w^T grad log pi| <= 2R``), for each K of ``case.Ks`` (default 100, 300, 1000,
3000), averaged over ``case.seeds``.

Checks:

- ``check_proposition2`` and ``check_proposition2_sgd`` (the claim, and theory's numeric step
  ``proposition2.sgd``): ``E L_hat(w_bar_K) - min L_hat <= R rho/sqrt(K)`` at every K, the
  worst K reported; the fitted log-log slope is recorded beside it (the bound is far from
  tight at small K, where the gap decays more slowly than K^(-1/2) while staying below it).
"""

from __future__ import annotations

import numpy as np

from ..numerics import mdp
from ..numerics.actor_regression import actor_loss, actor_quadratic, solve_actor_exact
from . import _theory
from ._theory import Bound
from .evidence import Evidence
from .instances import RateCase

DEFAULT_KS = (100, 300, 1000, 3000)


def measure_actor(case: RateCase) -> dict:
    """Optimality gaps of Algorithm 3 over the K grid, with rho and the bound per K."""
    from ..algorithms import Environment, sgd_actor, sgd_step_size
    game = case.game
    phi, pi, mu, P, r, Q = case.exact_model()
    adv = Q - (pi * Q).sum(-1, keepdims=True)
    d = mdp.discounted_visitation(P, pi, game.rho, game.gamma)
    F, b, c = actor_quadratic(pi, d, phi, adv)
    opt = float(actor_loss(solve_actor_exact(F, b, c, case.R).w, pi, d, phi, adv))
    Ks = np.asarray(case.Ks or DEFAULT_KS, dtype=np.int64)
    B = len(case.seeds)
    gaps, rhos = [], []
    for K in Ks:
        env = Environment(game, np.repeat(mu[None], B, 0),
                          [np.random.default_rng(s) for s in case.seeds])
        est = sgd_actor(env, np.repeat(pi[None], B, 0), phi, np.repeat(adv[None], B, 0),
                        R=case.R, n_samples=int(K))
        gaps.append(float((actor_loss(est.w, pi, d, phi, adv) - opt).mean()))
        # the rho behind the step size R/(rho sqrt K) that sgd_actor used
        rhos.append(float(case.R / (sgd_step_size(case.R, adv[None], int(K))[0]
                                    * np.sqrt(int(K)))))
    positive = [g for g in gaps if g > 0]
    slope = float(np.polyfit(np.log(Ks[: len(positive)]), np.log(positive), 1)[0]) \
        if len(positive) == len(gaps) else float("nan")
    return {"Ks": Ks.tolist(), "gaps": gaps, "rho": rhos, "optimum": opt, "slope": slope,
            "R": case.R}


def _evidence(ref: str, case: RateCase, bound: Bound | None, label: str | None = None):
    m = measure_actor(case)
    numbers = {"sgd_gap": np.array(m["gaps"]), "K": np.array(m["Ks"], dtype=float),
               "rho": np.array(m["rho"]), "R": case.R}
    return _theory.evidence(ref, numbers, bound=bound, instance=case.to_dict(),
                            index_names=("K",), measurements=m, label=label)


def check_proposition2(case: RateCase, *, bound: Bound | None = None) -> Evidence:
    """Proposition 2 (appendix C): ``E f(w_bar_K) - f(w*) <= R rho/sqrt(K)`` for Algorithm 3
    on the actor regression, at every K (theory ``proposition2.claim``)."""
    return _evidence("proposition2", case, bound)


def check_proposition2_sgd(case: RateCase, *, bound: Bound | None = None) -> Evidence:
    """Step ``proposition2.sgd``: the same bound (theory's numeric step)."""
    return _evidence("proposition2.sgd", case, bound)
