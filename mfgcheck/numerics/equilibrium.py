"""The regularised Nash equilibrium: ``pi* = Gamma1(mu*)``, ``mu* = Gamma2(pi*, mu*)``.

We solve ``mu = Lambda(mu) = Gamma2(Gamma1(mu), mu)`` (Lemma 6) by damped Anderson
acceleration (fixed_point.py) from ``rho``: it converges where the plain iteration
``mu <- Lambda(mu)`` does not contract (for example SIS at small lam, where the best response
switches sharply and the plain iteration oscillates). Each ``Lambda`` evaluation warm-starts
soft policy iteration from the previous best response, so it costs one or two linear solves
near the solution.

The certificate is independent of how the solve went: the exploitability of ``pi*`` computed
afresh (its induced mean field from rho, then the best response there), and both fixed-point
residuals. ``solve_equilibrium`` raises ``NonConvergenceError`` rather than return a point
whose certificate fails ``tol``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import mdp
from .exploitability import exploitability_details
from .fixed_point import NonConvergenceError, anderson_simplex


@dataclass(frozen=True)
class Equilibrium:
    """``policy`` (S, A), ``mean_field`` (S,), and the certificate: ``exploitability`` of the
    policy, ``mean_field_residual = ||Gamma2(pi*, mu*) - mu*||_1``, ``policy_residual =
    max_s ||Gamma1(mu*)(.|s) - pi*(.|s)||_1`` (0 by construction up to the solver tolerance),
    ``bellman_residual`` of the best response, and the solver's iteration counts."""

    policy: np.ndarray
    mean_field: np.ndarray
    exploitability: float
    mean_field_residual: float
    policy_residual: float
    bellman_residual: float
    iterations: int
    evaluations: int
    method: str

    def certificate(self) -> dict:
        return {k: getattr(self, k) for k in ("exploitability", "mean_field_residual",
                                               "policy_residual", "bellman_residual",
                                               "iterations", "evaluations", "method")}


def Lambda(game, mu) -> np.ndarray:
    """``Lambda^lam(mu) = Gamma2(Gamma1^lam(mu), mu)`` (Lemma 6)."""
    mu = game.check_mean_field(mu)
    P, r = game.transition(mu), game.reward(mu)
    pi = mdp.soft_policy_iteration(P, r, game.gamma, game.lam)[0]
    return mdp.population_step(P, pi, mu)


def certificate_limit(game, tol: float) -> float:
    """The largest ``|exploitability|`` the certificate accepts: ``100 tol`` relative to the
    value scale ``(r_max - r_min + lam log|A|)/(1 - gamma)`` (``Game.value_scale``), since
    exploitability is a difference of values and its roundoff grows with them (at gamma =
    0.9999 values are ~1e4 and an absolute 1e-9 would be decided by rounding). A negative
    exploitability beyond it is as wrong as a positive one."""
    return 100.0 * tol * game.value_scale


def solve_equilibrium(game, *, tol: float = 1e-11, mu0=None, max_iter: int = 2000,
                      memory: int = 6, alpha: float = 0.5) -> Equilibrium:
    """The regularised equilibrium of ``game`` with a certificate (see module docstring).

    ``tol`` bounds the fixed-point residual ``||Lambda(mu) - mu||_1``; the returned
    exploitability is certified within ``certificate_limit(game, tol)`` (``100 tol`` times the
    value scale) or the solve raises.
    """
    state = {"pi": None}

    def lam_map(mu):
        P, r = game.transition_at(mu), game.reward_at(mu)
        pi = mdp.soft_policy_iteration(P, r, game.gamma, game.lam, tol=1e-13, pi0=state["pi"])[0]
        state["pi"] = pi
        return mdp.population_step(P, pi, mu)

    start = game.rho if mu0 is None else game.check_mean_field(mu0, "mu0")
    fp = anderson_simplex(lam_map, start, tol=tol, max_iter=max_iter, memory=memory,
                          alpha=alpha, warmup=5, what=f"equilibrium of {game.name}")
    mu = fp.x
    P, r = game.transition(mu), game.reward(mu)
    pi, _, _, bellman, _ = mdp.soft_policy_iteration(P, r, game.gamma, game.lam, tol=1e-13)
    # Certificate: recomputed from scratch, not taken from the solver's state.
    mf_res = float(np.abs(mdp.population_step(P, pi, mu) - mu).sum())
    # mu_pi is recomputed from rho (the point of the certificate); only soft policy
    # iteration starts from pi, the best response at mu, which is known (Newton converges to
    # the same optimum from any start: fewer steps, the same value).
    expl = exploitability_details(game, pi, best_response_start=pi)
    pol_res = float(np.abs(expl.best_response - pi).sum(axis=-1).max())
    limit = certificate_limit(game, tol)
    if not abs(expl.value) <= limit:
        raise NonConvergenceError(
            f"equilibrium of {game.name}: fixed point found (residual {fp.residual:.2g}) but its "
            f"policy has exploitability {expl.value:.3g} (certified only within {limit:.2g}): "
            f"the population under pi* from rho settles at another mean field "
            f"(||mu_pi - mu*||_1 = {np.abs(expl.mean_field - mu).sum():.3g})")
    return Equilibrium(policy=pi, mean_field=mu, exploitability=expl.value,
                       mean_field_residual=mf_res, policy_residual=pol_res,
                       bellman_residual=bellman, iterations=fp.iterations,
                       evaluations=fp.evaluations, method=f"anderson(m={memory}, alpha={alpha})")
