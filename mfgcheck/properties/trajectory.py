"""Every exact term of the proofs of Lemmas 1, 2, 5, 7 and 8 along a run of Algorithm 1.

:func:`terms` drives ``mfgcheck.algorithms.nac_step`` for ``run.T`` iterations and computes,
with numerics/ (exact linear algebra, no sampling), for each iterate ``k = 0..T`` and each
step ``t = 0..T-1`` the quantities the appendix names (docs/conventions.md):

- ``pi*_k = Gamma1(mu_k)``, ``d*_k = d^{pi*_k}_{mu_k}``, ``d^{pi_k}_{mu_k}``, the equilibrium
  ``(pi*, mu*)`` and ``d* = d^{pi*}_{mu*}``;
- ``sigma^pi_k = E_{d*_k} KL(pi*_k || pi_k)``, ``sigma^mu_k = ||mu_k - mu*||_1``;
- Lemma 1: ``E_{d*_t} KL(pi*_t || pi_{t+1})``, ``g_t^T grad log pi_t``, ``q^{pi_t}_{mu_t}``,
  ``E_{d*_t} V^{pi_t}_{mu_t}``, ``V^{pi*_t}(rho) - V^{pi_t}(rho)``;
- Lemma 5: the three terms of (4), the drift ``E_{d*}|d*_{t+1} - d*_t|/d*``, ``D(pi*_t,
  pi*_{t+1})``, ``E_{d*_{t+1}}||pi*_t - pi*_{t+1}||_1``;
- Lemma 7: ``Lambda(mu_t)``, ``Gamma2(pi*_t, mu_t)``, ``Gamma2(pi_t, mu_t)``, ``D(pi*_t,
  pi_t)``, ``E_{d*_t}||pi*_t - pi_t||_1^2``;
- Lemma 8: the actor losses ``L_t``, ``L_hat_t`` (numerics.actor_regression) at ``w_hat_t``,
  their minima, and the errors ``eps_critic = max_{s,a}(q_hat - q)^2`` (the oracle's realised
  error; the exact oracle gives 0), ``eps_actor = L_hat_t(w_hat_t) - min_w L_hat_t(w)`` (over
  R^d, as the chain after (11) needs; the ball-constrained gap is recorded too),
  ``eps_approx = min_w L_t(w)`` (over R^d, the appendix's ``w*_t``).

The constants of Assumptions 1-3 are measured along the run: for step t, the smallest values
valid for the pairs that step uses (``C1_t = max_s d*_{t+1}(s)/d*(s)``, ``C2_t``, ``C3_t``,
``d0_t`` from ``(mu_t, mu_{t+1})``, ``d1_t, d2_t, d3_t`` from the pair ``(mu_t, mu*)`` of
Lemma 7 and ``d2_t`` also from ``(pi*_t, pi_t)``; ``p_min_t = min(pi_t, pi_{t+1})``).
A ratio whose numerator and denominator are both at or below the run's precision
(``DIFF_FLOOR``, from their scale) is undetermined: NaN in ``per_step``, listed by
``Terms.undetermined``; ``constants`` uses its float quotient only at its own step (where a
check needs only the product with the denominator, i.e. the numerator) and never as the
run's constant. ``constants(scope="trajectory")`` takes the maximum
(minimum for ``p_min``) over the run: the paper's uniform constants restricted to what the
run visits; ``scope="step"`` keeps them per step (a stricter test: the proof at step t only
uses step t's pairs).

Results are cached per run object (``functools.lru_cache``), so the many checks of one drawn
run share one computation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..numerics import mdp, solve_equilibrium
from ..numerics.actor_regression import (
    actor_loss,
    actor_quadratic,
    solve_actor_exact,
    unconstrained_minimum,
)
from ..numerics.distances import kl as kl_rows  # noqa: F401 (re-exported)
from ..numerics.policies import grad_log_policy, loglinear_policy
from .instances import NACRunCase

SCOPES = ("trajectory", "step")

#: Absolute precision of differences of exact terms along a run. The soft best responses are
#: solved to ||V - V*||_inf <= 1e-12 (numerics.best_response) and the equilibrium to
#: ||Lambda(mu*) - mu*||_1 <= 1e-11 (numerics.solve_equilibrium); steps that are tight by
#: construction of the measured constants (e.g. (7) at per-step constants, which uses
#: Gamma2(Gamma1(mu*), mu*) = mu*) sit within a few of these tolerances of equality.
ATOL = 1e-10

#: The precision of an l1 difference of two probability vectors (``||mu - mu'||_1``,
#: ``||Gamma2(.) - Gamma2(.)||_1``) or of two policies weighted by ``d*`` (``D``) along a run:
#: ``ATOL`` per unit of their scale, which is 2 (each side has l1 mass 1). A ratio of two such
#: differences that are both at or below it is a ratio of rounding (on a game whose dynamics
#: do not depend on mu, ``pi*_t = pi*`` and ``D(pi*_t, pi*)`` is solver error): undetermined.
DIFF_FLOOR = 2 * ATOL


@lru_cache(maxsize=64)
def equilibrium(game):
    """``solve_equilibrium(game)``, cached per game object."""
    return solve_equilibrium(game)


@lru_cache(maxsize=64)
def equilibrium_visitation(game) -> np.ndarray:
    """``d* = d^{pi*}_{mu*}``, the weights of ``D`` (docs/conventions.md)."""
    eq = equilibrium(game)
    return mdp.discounted_visitation(game.transition(eq.mean_field), eq.policy, game.rho,
                                     game.gamma)


@dataclass
class Trajectory:
    """Iterates of one run (index k = 0..T) and per-step quantities (index t = 0..T-1).

    Arrays are stacked along the first axis. ``info`` keeps the algorithm's StepInfo objects.
    """

    run: NACRunCase
    theta: np.ndarray          # (T+1, d)
    pi: np.ndarray             # (T+1, S, A)
    mu: np.ndarray             # (T+1, S)
    w_hat: np.ndarray          # (T, d)
    g: np.ndarray              # (T, d)
    eta: np.ndarray            # (T,)
    beta: np.ndarray           # (T,)
    q_hat: np.ndarray          # (T, S, A)
    A_hat: np.ndarray          # (T, S, A)
    info: list = field(default_factory=list, repr=False)


def drive(run: NACRunCase) -> Trajectory:
    """Run Algorithm 1 (``algorithms.nac.nac_step``) for ``run.T`` iterations from
    ``NACState.initial`` (``theta_0 = 0``, ``mu_0 = rho``), with
    ``numpy.random.default_rng(run.seed)`` for sampled oracles."""
    from ..algorithms.nac import NACState, nac_step
    rng = np.random.default_rng(run.seed)
    state = NACState.initial(run.game, run.features)
    infos = []
    for _ in range(run.T):
        state, info = nac_step(run.game, state, eta=run.eta, beta=run.beta,
                               features=run.features, R=run.R, oracle=run.oracle, rng=rng)
        infos.append(info)
    theta = np.stack([np.asarray(i.theta, float) for i in infos]
                     + [np.asarray(state.theta, float)])
    mu = np.stack([np.asarray(i.mu, float) for i in infos] + [np.asarray(state.mu, float)])
    pi = np.stack([np.asarray(i.pi, float) for i in infos]
                  + [loglinear_policy(theta[-1], run.features)])

    def stack(name):
        return np.stack([np.asarray(getattr(i, name), float) for i in infos])

    return Trajectory(run=run, theta=theta, pi=pi, mu=mu, w_hat=stack("w_hat"), g=stack("g"),
                      eta=stack("eta"), beta=stack("beta"), q_hat=stack("q_hat"),
                      A_hat=stack("A_hat"), info=infos)


@dataclass
class Terms:
    """Exact terms along a trajectory (see the module docstring); ``k`` arrays have T+1
    entries, ``t`` arrays T entries. ``per_step`` holds the per-step constants."""

    traj: Trajectory
    k: dict
    t: dict
    per_step: dict
    quotients: dict = field(default_factory=dict)   # float quotients, rounding ratios included

    def constants(self, scope: str = "trajectory") -> dict:
        """``{name: array over t}``: per step (``scope="step"``) or the run's max (min for
        ``p_min``) broadcast over t (``scope="trajectory"``)."""
        if scope not in SCOPES:
            raise ValueError(f"scope: {scope!r}; use one of {SCOPES}")
        # An undetermined ratio (NaN in per_step: both differences below DIFF_FLOOR) is a pair
        # that moved only within the run's precision. At its own step the checks need only the
        # product (ratio x denominator), which is the numerator: scope "step" uses each pair's
        # float quotient (its product reproduces the pair's own rounding). The run's constant
        # is the largest *measured* ratio: a ratio of rounding is not the constant (one run
        # gave 0.19 in float64 against 0.72 at 60 digits for a true ratio 0) unless no step
        # measured one (then the largest quotient, which only restates the rounding).
        per = {name: self.quotients.get(name, v) for name, v in self.per_step.items()}
        if scope == "step":
            out = per
        else:
            out = {}
            for name, v in self.per_step.items():
                measured = v[~np.isnan(v)]
                if name == "p_min":
                    value = v.min()
                elif measured.size:
                    value = measured.max()
                else:                       # nothing measured: the quotients, as at a step
                    value = np.nanmax(np.nan_to_num(per[name], nan=0.0))
                out[name] = np.full_like(v, value)
        out["d_bar"] = 1.0 - out["d1"] * out["d2"] - out["d3"]
        return out

    def numbers(self, scope: str = "trajectory") -> dict:
        """Everything a theory expression may need, keyed by theory's symbol names (arrays
        over t), with the constants of ``scope``."""
        game = self.traj.run.game
        base = {"gamma": game.gamma, "lam": game.lam, "nA": game.n_actions, "R": self.traj.run.R,
                "eta": self.traj.eta, "beta": self.traj.beta}
        return {**base, **self.t, **self.constants(scope)}

    @property
    def undetermined(self) -> dict:
        """``{name: bool array over t}``: the steps where a measured constant is undetermined
        (every ratio it is the maximum of had numerator and denominator below
        ``DIFF_FLOOR``; NaN in ``per_step``)."""
        return {name: np.isnan(v) for name, v in self.per_step.items()}


def ratio(num, den, floor: float = DIFF_FLOOR) -> np.ndarray:
    """``num/den`` elementwise for two differences known to ``floor`` (their precision, from
    their scale): NaN ("undetermined": not measured) where both are at or below ``floor``
    (their ratio is a ratio of rounding, any value from 0 to the supremum; one run gave 0.19 in
    float64 against 0.72 at 60 digits for a true ratio 0), ``inf`` where only the numerator
    is above it and the denominator is 0 (no finite constant fits)."""
    num, den = np.asarray(num, float), np.asarray(den, float)
    safe = np.where(den > 0, den, 1.0)
    value = np.where(den > 0, num / safe, np.where(num > 0, np.inf, 0.0))
    return np.where((num <= floor) & (den <= floor), np.nan, value)


def max_ratio(*ratios) -> np.ndarray:
    """The largest of several measured ratios, ignoring the undetermined ones (NaN only where
    all are)."""
    out = ratios[0]
    for r in ratios[1:]:
        out = np.fmax(out, r)
    return out


@lru_cache(maxsize=32)
def terms(run: NACRunCase) -> Terms:
    """Drive the run and compute every exact term (cached per run object)."""
    traj = drive(run)
    game, phi = run.game, run.features
    gam, lam = game.gamma, game.lam
    eq = equilibrium(game)
    dstar = equilibrium_visitation(game)
    pi, mu = traj.pi, traj.mu
    P, r = game.transition(mu), game.reward(mu)                     # (T+1, S, A, S), (T+1, S, A)

    # Iterates k = 0..T.
    pistar, Qstar, Vstar, _, _ = mdp.soft_policy_iteration(P, r, gam, lam, tol=1e-12)
    rho = game.rho
    d_star_k = mdp.discounted_visitation(P, pistar, rho, gam)        # d*_k
    d_pi = mdp.discounted_visitation(P, pi, rho, gam)               # d^{pi_k}_{mu_k}
    V, Q = mdp.evaluate_policy(P, r, pi, gam, lam)
    logpi = np.log(pi)
    q = Q - lam * logpi
    adv = Q - (pi * Q).sum(-1, keepdims=True)
    sigma_pi = (d_star_k * kl_rows(pistar, pi)).sum(-1)
    sigma_mu = np.abs(mu - eq.mean_field).sum(-1)
    k = {"pistar": pistar, "d_star": d_star_k, "d_pi": d_pi, "V": V, "Q": Q, "q": q,
         "advantage": adv, "sigma_pi": sigma_pi, "sigma_mu": sigma_mu,
         "V_star_rho": Vstar @ rho, "V_rho": V @ rho}

    T = run.T
    now, nxt = slice(0, T), slice(1, T + 1)
    grad = grad_log_policy(pi[now], phi)                            # (T, S, A, d)
    gdot = np.einsum("tsad,td->tsa", grad, traj.g)
    # Lemma 1 / 8 (terms at mu_t, pi_t).
    w_grad = np.einsum("tsad,td->tsa", grad, traj.w_hat)
    kl_next = (d_star_k[now] * kl_rows(pistar[now], pi[nxt])).sum(-1)
    err1 = (d_star_k[now] * (pistar[now] * (gdot - q[now])).sum(-1)).sum(-1)
    EV = (d_star_k[now] * V[now]).sum(-1)
    Eq = (d_star_k[now] * (pistar[now] * q[now]).sum(-1)).sum(-1)
    # Lemma 5.
    kl_shift = (d_star_k[nxt] * kl_rows(pistar[now], pi[nxt])).sum(-1)
    kl_gap = np.abs((d_star_k[nxt] * (kl_rows(pistar[nxt], pi[nxt])
                                      - kl_rows(pistar[now], pi[nxt]))).sum(-1))
    drift_ratio = np.abs(d_star_k[nxt] - d_star_k[now]).sum(-1)    # E_{d*}[|.|/d*]
    shift = (kl_shift - kl_next)                                    # (E_{d*_{t+1}} - E_{d*_t}) KL
    l1_star = (d_star_k[nxt] * np.abs(pistar[now] - pistar[nxt]).sum(-1)).sum(-1)
    D_star_step = (dstar * np.abs(pistar[now] - pistar[nxt]).sum(-1)).sum(-1)
    dmu = np.abs(mu[nxt] - mu[now]).sum(-1)
    # Lemma 7.
    lam_mu = mdp.population_step(P[now], pistar[now], mu[now])      # Lambda(mu_t)
    g2_pi = mdp.population_step(P[now], pi[now], mu[now])           # Gamma2(pi_t, mu_t)
    D_pi_t = (dstar * np.abs(pistar[now] - pi[now]).sum(-1)).sum(-1)
    sq_l1 = (d_star_k[now] * np.abs(pistar[now] - pi[now]).sum(-1) ** 2).sum(-1)
    lam_gap = np.abs(lam_mu - eq.mean_field).sum(-1)                # ||Lambda(mu_t) - mu*||
    pol_gap = np.abs(lam_mu - g2_pi).sum(-1)                        # ||G2(pi*_t) - G2(pi_t)||
    # Lemma 6 on the pair (mu_t, mu*): pi = Gamma1(mu_t), pi' = pi*.
    P_eq = game.transition(eq.mean_field)
    mid = mdp.population_step(P[now], eq.policy, mu[now])           # Gamma2(pi*, mu_t)
    D_pair = (dstar * np.abs(pistar[now] - eq.policy).sum(-1)).sum(-1)
    pair_u1 = np.abs(lam_mu - mid).sum(-1)
    pair_u2 = np.abs(mid - mdp.population_step(P_eq, eq.policy, eq.mean_field)).sum(-1)
    # Lemma 8: actor regression at (pi_t, mu_t) with weights d^{pi_t}_{mu_t}.
    F, b_true, c_true = actor_quadratic(pi[now], d_pi[now], phi, adv[now])
    _, b_hat, c_hat = actor_quadratic(pi[now], d_pi[now], phi, traj.A_hat)
    L_what = actor_loss(traj.w_hat, pi[now], d_pi[now], phi, adv[now])
    Lh_what = actor_loss(traj.w_hat, pi[now], d_pi[now], phi, traj.A_hat)
    free_hat = unconstrained_minimum(F, b_hat, c_hat)
    free_true = unconstrained_minimum(F, b_true, c_true)
    ball_hat = solve_actor_exact(F, b_hat, c_hat, run.R)
    Lh_min = actor_loss(free_hat.w, pi[now], d_pi[now], phi, traj.A_hat)
    L_wstar = actor_loss(free_true.w, pi[now], d_pi[now], phi, adv[now])
    Lh_wstar = actor_loss(free_true.w, pi[now], d_pi[now], phi, traj.A_hat)
    Lh_ball = actor_loss(ball_hat.w, pi[now], d_pi[now], phi, traj.A_hat)
    critic_err = traj.q_hat - q[now]
    adv_err_sa = (traj.A_hat - adv[now]) ** 2
    adv_err = (d_pi[now] * (pi[now] * adv_err_sa).sum(-1)).sum(-1)
    eps_critic = (critic_err**2).max(axis=(-1, -2))
    eps_actor = np.maximum(Lh_what - Lh_min, 0.0)
    eps_approx = L_wstar
    resid = w_grad - adv[now]                                       # w_hat^T grad - A
    err_star = -(d_star_k[now] * (pistar[now] * resid).sum(-1)).sum(-1)
    err_pi = (d_star_k[now] * (pi[now] * resid).sum(-1)).sum(-1)
    # Term (1) of (9) exactly, and the appendix's rewrite with log pi = theta^T phi - E_pi.
    logits = np.einsum("sad,td->tsa", phi, traj.theta[now])
    mean_logit = (pi[now] * logits).sum(-1, keepdims=True)
    eta_t = traj.eta
    term1 = -eta_t * err1
    term1_rewrite = -eta_t * (d_star_k[now] * (pistar[now] * (
        gdot - Q[now] + lam * (logits - mean_logit))).sum(-1)).sum(-1)
    term2 = -eta_t * EV
    eq10_rhs = -eta_t * (d_star_k[now] * ((pistar[now] - pi[now]) * resid).sum(-1)).sum(-1)
    t = {
        "sigma_pi": sigma_pi[now], "sigma_pi_next": sigma_pi[nxt], "sigma_mu": sigma_mu[now],
        "sigma_mu_next": sigma_mu[nxt], "kl_next": kl_next, "err1": err1, "EV": EV, "Eq": Eq,
        "Vgap": k["V_star_rho"][now] - k["V_rho"][now],
        "g_norm": np.linalg.norm(traj.g, axis=-1), "w_norm": np.linalg.norm(traj.w_hat, axis=-1),
        "theta_norm": np.linalg.norm(traj.theta[now], axis=-1),
        "theta_norm_next": np.linalg.norm(traj.theta[nxt], axis=-1),
        "logpi_t": logpi[now], "logpi_next": logpi[nxt], "gdot": gdot,
        "kl_shift": kl_shift, "shift_term": shift, "kl_gap": kl_gap, "drift_ratio": drift_ratio,
        "l1_star": l1_star, "D_star_step": D_star_step, "dmu": dmu,
        "D_pi": D_pi_t, "sq_l1": sq_l1,
        "D_eq": (dstar * np.abs(eq.policy - pi[now]).sum(-1)).sum(-1),
        "lambda_gap": lam_gap, "policy_gap": pol_gap,
        "dist_mu": sigma_mu[now], "L_what": L_what, "Lh_what": Lh_what, "Lh_min": Lh_min,
        "Lh_min_ball": Lh_ball, "Lh_wstar": Lh_wstar, "L_wstar": L_wstar,
        "wstar_norm": np.linalg.norm(free_true.w, axis=-1), "adv_err": adv_err,
        "adv_err_max": adv_err_sa.max(axis=(-1, -2)), "eps_critic": eps_critic,
        "eps_actor": eps_actor, "eps_actor_ball": np.maximum(Lh_what - Lh_ball, 0.0),
        "eps_approx": eps_approx, "eps_total": eps_approx + eps_actor + eps_critic,
        "err_star": err_star, "err_pi": err_pi, "term1": term1, "term1_rewrite": term1_rewrite,
        "term2": term2, "eq10_rhs": eq10_rhs, "min_pi_t": pi[now].min(axis=(-1, -2)),
        "min_pi_next": pi[nxt].min(axis=(-1, -2)),
    }
    pairs = {"d0": [(drift_ratio, dmu), (D_star_step, dmu)], "d1": [(D_pair, sigma_mu[now])],
             "d2": [(pair_u1, D_pair), (pol_gap, D_pi_t)], "d3": [(pair_u2, sigma_mu[now])]}
    quotients = {name: max_ratio(*(ratio(n, d, floor=-1.0) for n, d in nd))
                 for name, nd in pairs.items()}
    per_step = {
        "C1": (d_star_k[nxt] / dstar).max(-1),
        "C2": np.sqrt((dstar**2 / d_star_k[now]).sum(-1)),
        "C3": (d_star_k[now] / d_pi[now]).max(-1),
        **{name: max_ratio(*(ratio(n, d) for n, d in nd)) for name, nd in pairs.items()},
        "p_min": np.minimum(pi[now].min(axis=(-1, -2)), pi[nxt].min(axis=(-1, -2))),
    }
    return Terms(traj=traj, k=k, t=t, per_step=per_step, quotients=quotients)
