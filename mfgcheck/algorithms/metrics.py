"""Exact metrics of the recorded iterates of a run (``nac(..., metrics=True)``).

Everything comes from numerics/ (docs/conventions.md): ``(pi*, mu*)`` from
``solve_equilibrium``, ``d* = d^{pi*}_{mu*}``, ``pi*_t = Gamma1(mu_t)``,
``d*_t = d^{pi*_t}_{mu_t}``.
Per recorded ``t``:

- ``sigma_pi = E_{s~d*_t} KL(pi*_t(.|s) || pi_t(.|s))`` and ``sigma_mu = ||mu_t - mu*||_1``;
- ``D_pi = D(pi_t, pi*) = E_{s~d*} ||pi_t(.|s) - pi*(.|s)||_1``;
- ``theorem1_lhs = D(pi*, avg pi) + ||mu* - avg mu||_1`` (Theorem 1's left side for a run of
  length ``t``);
- ``exploitability`` of ``pi_t`` and ``exploitability_avg`` of the averaged policy;
- ``eps_critic = max_{s,a} (q_hat_t - q_t)^2`` (the realised error of this run; the paper's
  ``eps_critic`` bounds its expectation);
- ``eps_actor = L_hat_t(w_hat_t) - min_{||w|| <= R} L_hat_t``;
- ``eps_approx = min_{w in R^d} L_t(w)`` (true advantage; the appendix's ``w*_t``);
- ``eps_total`` their sum, and ``actor_loss_true = L_t(w_hat_t)`` (Lemma 8's proof bounds it by
  ``4 eps_approx + 2 eps_actor + 6 eps_critic``).

The ``eps_*`` are NaN at the final ``t = T``, where no step is taken; ``error_metrics`` computes
them alone (they need no equilibrium). Losses are evaluated by
``actor_loss`` (a sum of nonnegative terms), minimisers by ``actor_regression``.
"""

from __future__ import annotations

import numpy as np

from .. import numerics as nm
from ..numerics import actor_regression as ar
from . import exploitability_kernels as ek

ERROR_NAMES = ("eps_critic", "eps_actor", "eps_approx", "eps_total", "actor_loss_true")
METRIC_NAMES = ("sigma_pi", "sigma_mu", "D_pi", "theorem1_lhs", "exploitability",
                "exploitability_avg", *ERROR_NAMES)


def reference(game):
    """``(equilibrium, d*)`` shared by all runs on ``game``."""
    eq = nm.solve_equilibrium(game)
    d_star = nm.visitation(game, eq.policy, eq.mean_field)
    return eq, d_star


def _actor_min(pi, d, phi, A_hat, R, tabular):
    if tabular:
        return ar.solve_actor_tabular(pi, d, A_hat, R).w
    F, b, c = ar.actor_quadratic(pi, d, phi, A_hat)
    return ar.solve_actor_exact(F, b, c, R).w


def _exploitability(game, pi, notes, label):
    """``numerics.exploitability`` (compiled when the game allows: ``exploitability_kernels``);
    if its induced-mean-field solve misses tol 1e-13 (it can, by a few 1e-13, for averaged
    SIS policies), once more at ``exploitability_kernels.RETRY_TOL``, with a note; NaN with a
    note if that fails too (``exploitability_kernels.exploitability_retrying``)."""
    value, note = ek.exploitability_retrying(game, pi)
    if note:
        notes.append(f"{label}: {note}")
    return float("nan") if value is None else value


def error_metrics(game, run, features, R: float, tabular: bool) -> dict:
    """The oracle errors ``ERROR_NAMES`` (module docstring) of every recorded iterate of
    ``run``, NaN at the final ``t = T``; they need no equilibrium and no exploitability."""
    out = {k: np.full(run.t.shape, np.nan) for k in ERROR_NAMES}
    for i in range(run.t.size):
        if np.isnan(run.w_hat[i]).any():
            continue                                   # final iterate: no step taken
        pi, mu = run.policy[i], run.mean_field[i]
        vals = nm.policy_evaluation(game, pi, mu)
        d = nm.visitation(game, pi, mu)
        w_hat, A_hat = run.w_hat[i], run.advantage[i]
        out["eps_critic"][i] = float(np.max((run.q_hat[i] - vals.q) ** 2))
        w_opt = _actor_min(pi, d, features, A_hat, R, tabular)
        out["eps_actor"][i] = float(ar.actor_loss(w_hat, pi, d, features, A_hat)
                                    - ar.actor_loss(w_opt, pi, d, features, A_hat))
        F, b, c = ar.actor_quadratic(pi, d, features, vals.advantage)
        w_star = ar.unconstrained_minimum(F, b, c).w
        out["eps_approx"][i] = float(ar.actor_loss(w_star, pi, d, features, vals.advantage))
        out["eps_total"][i] = out["eps_approx"][i] + out["eps_actor"][i] + out["eps_critic"][i]
        out["actor_loss_true"][i] = float(ar.actor_loss(w_hat, pi, d, features, vals.advantage))
    return out


def compute_metrics(game, run, features, R: float, tabular: bool, ref=None,
                    notes: list | None = None) -> dict:
    """The metrics above for every recorded iterate of ``run`` (a ``NACRun``). Where an
    exploitability needed a looser tolerance, or could not be computed, ``notes`` (a list)
    receives a line saying so."""
    notes = [] if notes is None else notes
    eq, d_star = reference(game) if ref is None else ref
    pi_eq, mu_eq = eq.policy, eq.mean_field
    out = {k: np.full(run.t.shape, np.nan) for k in METRIC_NAMES[:-len(ERROR_NAMES)]}
    for i in range(run.t.size):
        pi, mu = run.policy[i], run.mean_field[i]
        pi_star_t = nm.best_response(game, mu)
        d_star_t = nm.visitation(game, pi_star_t, mu)
        out["sigma_pi"][i] = nm.weighted_kl(pi_star_t, pi, d_star_t)
        out["sigma_mu"][i] = nm.l1(mu, mu_eq)
        out["D_pi"][i] = nm.policy_distance(pi, pi_eq, d_star)
        out["theorem1_lhs"][i] = (nm.policy_distance(pi_eq, run.avg_policy[i], d_star)
                                  + nm.l1(mu_eq, run.avg_mean_field[i]))
        t = int(run.t[i])
        out["exploitability"][i] = _exploitability(game, pi, notes, f"t={t} pi_t")
        out["exploitability_avg"][i] = _exploitability(game, run.avg_policy[i], notes,
                                                       f"t={t} avg pi")
    out.update(error_metrics(game, run, features, R, tabular))
    return out
