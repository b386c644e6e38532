"""Proposition 1 (appendix C; Theorem 3 of [10]): the rate of Algorithm 2 (projected TD(0)).

Claim: with steps ``alpha_k = 1/(omega (k+1)(1-gamma))``,
``E||q_hat - q^pi||^2_{d^pi x pi} <= O~(tau_mix(alpha_K) / (K (1-gamma)^2 omega))``.

Measured on a ``RateCase`` (game, features, policy pi, mean field mu; the critic of
``algorithms.td0_critic`` run for each K of a grid, averaged over seeds, all seeds in one
vectorised batch):

- ``d^pi`` is the steady state of the chain ``P_pi`` (what TD samples from and what [10]
  weights by), ``omega`` the smallest eigenvalue of ``sum_{s,a} d^pi(s) pi(a|s) phi phi^T``,
  ``tau_mix(eps) = min{t: max_s TV(P_pi^t(s, .), d^pi) <= eps}`` of the state chain, taken
  ``>= 1`` (for ``eps >= 1`` the definition gives 0 and the bound would vanish);
- the K grid (``case.Ks`` or, if empty, ``K0 (1, 3, 10, 30)`` with ``K0 = ceil(1/(omega
  (1-gamma)))``, the first K whose step is <= 1: before it TD is in its projection-dominated
  transient, where no rate is visible);
- its budget: a grid whose sum exceeds ``K_GRID_BUDGET`` TD samples per seed (a tiny
  ``omega (1 - gamma)``: one case in 20 of the full profile drove the grid to 6e7 samples) is
  not measured: both checks return NaN sides with a note saying so, which the report counts
  apart (column NaN: not checked, neither a pass nor a violation) and states with the budget.
  Shrinking such a grid instead would measure TD's transient and report it as a violation.

Checks:

- ``check_proposition1``: the log-log slope of the mean error against K (least squares)
  against the slope of theory's rate on the same grid (``tau_mix(alpha_K)`` grows as
  ``alpha_K`` shrinks, so it is above -1); ``lhs`` = slope, ``rhs`` = exponent: holds when the
  error decays at least as fast as claimed, up to the slope's sampling error. The slope is a
  statistic of the seeds, so it is allowed ``atol = t_{B-1}(1 - SLOPE_ALPHA) se`` above the
  exponent, ``se`` its jackknife (leave one seed out) standard error over the ``B`` seeds
  (``slope_tolerance``). Compared with no allowance (as we first did), Hypothesis' random
  profile found ``random-2x2`` cases (gamma = 0.125, lam = 1, tau_mix = 1, rhs = -1) with a
  slope of -0.966 to -0.998 on 8 seeds; on one of them 4096 fresh seeds give -1.057 (8-seed
  slopes there have sd 0.16 and 24% of them exceed -1) and the error keeps falling faster
  than 1/K up to K = 15000: sampling noise, not the paper. The allowance is wide on 8 seeds
  (median 0.57 on that case, 0.92 on a heavier-tailed one): 8 seeds cannot resolve a slope
  better; 64 seeds (the recheck) bring it to about 0.2;
- ``check_proposition1_rate``: step ``proposition1.rate`` on the second half of the K grid,
  with the O~ constant calibrated on the first half (``c = max error(K)/rate(K)`` there):
  ``error(K) <= c rate(K)``. An O~ bound claims *some* constant, eventually; calibrating at
  the single first K (as we first did) demands that constant already in TD's transient, where
  the implied constant still moves by a factor of a few (e.g. 3.5 -> 4.7 -> 1.7 -> 0.6 on a
  2-state game with gamma = 0.1) and flagged 1 in 40 derandomised cases - an artefact of our
  reading, not a failure of the claim. A decay slower than 1/K (a bias floor, a wrong rate)
  makes the implied constant grow along the grid and still fails this check.

Both measure an expectation by the mean over ``case.seeds`` (8 in the strategy): a heavy
tailed mean, so a violation is re-run on 64 fresh seeds before it counts
(``confirm.RECHECKS``). On the full profile's 200 examples the calibrated check flagged 16
distinct instances (max ratio 1.82); with 64 fresh seeds every one held (ratios 0.37-0.45).
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from ..numerics import mdp
from . import _theory
from ._theory import Bound
from .evidence import Evidence
from .instances import RateCase


def stationary(P_pi: np.ndarray) -> np.ndarray:
    """The stationary distribution of a row-stochastic matrix (least squares on
    ``d^T (P - I) = 0``, ``sum d = 1``; unique for the irreducible chains of random games)."""
    S = P_pi.shape[0]
    M = np.vstack([P_pi.T - np.eye(S), np.ones((1, S))])
    rhs = np.zeros(S + 1)
    rhs[-1] = 1.0
    d = np.linalg.lstsq(M, rhs, rcond=None)[0]
    d = np.clip(d, 0.0, None)
    return d / d.sum()


def mixing_time(P_pi: np.ndarray, d: np.ndarray, eps: float, t_max: int = 100_000) -> int:
    """``min{t >= 0: max_s TV(P^t(s, .), d) <= eps}`` (``t_max`` if never reached)."""
    Pt = np.eye(P_pi.shape[0])
    for t in range(t_max + 1):
        if 0.5 * np.abs(Pt - d).sum(-1).max() <= eps:
            return t
        Pt = Pt @ P_pi
    return t_max


def exponent(claim_name: str, piece: str = "rate") -> float:
    """``d log(rate)/d log K`` of theory's named rate (``-1`` for Proposition 1)."""
    from ..theory.symbols import K
    expr = getattr(_theory.module(claim_name), piece)
    return float(sp.simplify(K * sp.diff(sp.log(expr), K)))


K_GRID_BUDGET = 2_000_000   # TD samples per seed for one case's K grid (module docstring)
BUDGET_TEXT = (f"K grid capped at {K_GRID_BUDGET:.0e} TD samples per seed (sum of the grid "
               f"K0 (1, 3, 10, 30), K0 = ceil(1/(omega (1-gamma)))); cases beyond it are not "
               f"measured (NaN sides)")


#: one-sided false-alarm probability of the slope check (``slope_tolerance``)
SLOPE_ALPHA = 1e-3


def fitted_slope(Ks: np.ndarray, seed_errors: np.ndarray) -> float:
    """Least-squares slope of ``log mean_seeds(error)`` against ``log K`` (``seed_errors``:
    (len(Ks), n_seeds))."""
    return float(np.polyfit(np.log(Ks), np.log(seed_errors.mean(axis=1)), 1)[0])


def slope_standard_error(Ks, seed_errors: np.ndarray) -> float:
    """Jackknife (leave one seed out) standard error of :func:`fitted_slope`.

    The seeds are the independent replicates of the measurement; the errors at different K
    share a seed, so the seed is what is left out (a column of ``seed_errors``), which keeps
    the correlation between the K's. ``se^2 = (B-1)/B sum_i (s_(-i) - mean s_(-i))^2``
    (Efron and Stein); deterministic, no resampling. NaN for fewer than 2 seeds."""
    E = np.asarray(seed_errors, dtype=np.float64)
    B = E.shape[1]
    if B < 2:
        return math.nan
    Ks = np.asarray(Ks)
    loo = np.array([fitted_slope(Ks, np.delete(E, i, axis=1)) for i in range(B)])
    return float(math.sqrt((B - 1) / B * ((loo - loo.mean()) ** 2).sum()))


def slope_tolerance(se: float, n_seeds: int, alpha: float = SLOPE_ALPHA) -> float:
    """How far the fitted slope may exceed the claimed one by chance: the one-sided
    ``1 - alpha`` quantile of Student's t with ``n_seeds - 1`` degrees of freedom times the
    jackknife standard error (a studentised slope; ``alpha = SLOPE_ALPHA``)."""
    from scipy.stats import t as student

    if not (se >= 0 and math.isfinite(se)) or n_seeds < 2:
        return 0.0
    return float(student.ppf(1.0 - alpha, n_seeds - 1) * se)


def _Ks(case: RateCase, omega: float, gamma: float) -> np.ndarray:
    if case.Ks:
        return np.asarray(case.Ks, dtype=np.int64)
    K0 = int(np.ceil(1.0 / (omega * (1.0 - gamma))))
    return K0 * np.array([1, 3, 10, 30], dtype=np.int64)


_MEASURED: dict[int, tuple[RateCase, dict]] = {}   # id(case) -> (case, measurements)


def measure_critic(case: RateCase) -> dict:
    """Errors of Algorithm 2 over the K grid (module docstring), with omega, tau_mix, rates.

    Measured once per case object: ``check_proposition1`` and ``check_proposition1_rate`` on
    the same case share the measurement (a tiny omega makes the K grid long: each case used to
    be measured twice). The last 8 cases are kept; the case itself is held so its id stays
    valid. TD runs the compiled kernel (``algorithms.kernels``) for tabular features."""
    hit = _MEASURED.get(id(case))
    if hit is not None and hit[0] is case:
        return hit[1]
    out = _measure_critic(case)
    if len(_MEASURED) >= 8:
        _MEASURED.pop(next(iter(_MEASURED)))
    _MEASURED[id(case)] = (case, out)
    return out


def _measure_critic(case: RateCase) -> dict:
    from ..algorithms import Environment, default_critic_radius, td0_critic, td_theory_steps
    game = case.game
    phi, pi, mu, P, r, Q = case.exact_model()
    q = Q - game.lam * np.log(pi)
    P_pi = mdp.policy_transition(P, pi)
    d = stationary(P_pi)
    weight = d[:, None] * pi
    cov = np.einsum("sa,sai,saj->ij", weight, phi, phi)
    omega = float(np.linalg.eigvalsh(cov).min())
    Ks = _Ks(case, omega, game.gamma)
    if int(Ks.sum()) > K_GRID_BUDGET:
        return {"Ks": Ks.tolist(), "omega": omega, "over_budget": True,
                "budget": BUDGET_TEXT,
                "note": f"not measured: the K grid needs {int(Ks.sum()):.3g} TD samples per "
                        f"seed, over the budget of {K_GRID_BUDGET:.0e} (omega (1 - gamma) = "
                        f"{omega * (1 - game.gamma):.3g})"}
    B = len(case.seeds)
    schedule = td_theory_steps(omega, game.gamma)
    errors, taus, seed_errors = [], [], []
    for K in Ks:
        env = Environment(game, np.repeat(mu[None], B, 0),
                          [np.random.default_rng(s) for s in case.seeds])
        est = td0_critic(env, np.repeat(pi[None], B, 0), np.repeat(np.log(pi)[None], B, 0), phi,
                         lam=game.lam, n_samples=int(K), steps=schedule.values(int(K)),
                         radius=default_critic_radius(game, case.R))
        seed_errors.append((weight * (est.q - q) ** 2).sum(axis=(-1, -2)))
        errors.append(float(seed_errors[-1].mean()))
        taus.append(max(1, mixing_time(P_pi, d, float(schedule(int(K))))))
    rate = _theory.expression("proposition1", "rate")
    rates = [float(rate(tau_mix=tau, K=int(K), gamma=game.gamma, omega=omega))
             for tau, K in zip(taus, Ks)]
    slope = fitted_slope(Ks, np.asarray(seed_errors))
    return {"Ks": Ks.tolist(), "errors": errors, "tau_mix": taus, "omega": omega,
            "rates": rates, "slope": slope, "budget": BUDGET_TEXT,
            "slope_se": slope_standard_error(Ks, np.asarray(seed_errors)),
            "implied_constant": [e / r for e, r in zip(errors, rates)]}


def check_proposition1(case: RateCase, *, bound: Bound | None = None) -> Evidence:
    """Proposition 1 (appendix C) as a rate: the fitted log-log slope of Algorithm 2's error
    against K must not exceed the slope of theory's rate ``tau_mix(alpha_K)/(K (1-gamma)^2
    omega)`` on the same grid (-1 only when tau_mix stays constant). ``bound(**numbers)``
    replaces that exponent (keywords: the measurements)."""
    m = measure_critic(case)
    if m.get("over_budget"):
        return _not_measured("proposition1", case, m)
    # the claim's own slope on this grid: tau_mix(alpha_K) grows with K (alpha_K shrinks),
    # so the rate decays slower than 1/K there; comparing with -1 (as we first did) flagged
    # grids where tau_mix went 1 -> 4, a defect of our reading, not of the paper
    rate_slope = float(np.polyfit(np.log(m["Ks"]), np.log(m["rates"]), 1)[0])
    expo = rate_slope if bound is None else float(bound(**m))
    # the slope is a statistic of case.seeds (a heavy-tailed mean at each K): it may exceed
    # the claimed slope by chance; comparing it with no allowance flagged random-2x2 cases
    # whose slope was -0.998 against -1 on 8 seeds (module docstring)
    tol = slope_tolerance(m["slope_se"], len(case.seeds))
    return Evidence("proposition1", "proposition1", m["slope"], expo,
                    instance=case.to_dict(), atol=tol, sampled=True,
                    measurements={**m, "exponent": expo, "slope_tolerance": tol,
                                  "reading": "lhs: fitted slope of log E||q_hat - q||^2 "
                                             "against log K; rhs: the claimed exponent"})


def check_proposition1_rate(case: RateCase, *, bound: Bound | None = None) -> Evidence:
    """Step ``proposition1.rate`` on the second half of the K grid, with the O~ constant
    calibrated on the first half (module docstring):
    ``E||q_hat - q||^2(K) <= c tau_mix(alpha_K)/(K (1-gamma)^2 omega)``
    (``where["K"]`` indexes the second half of the K grid)."""
    m = measure_critic(case)
    if m.get("over_budget"):
        return _not_measured("proposition1.rate", case, m)
    half = max(1, len(m["Ks"]) // 2)
    c = max(m["implied_constant"][:half])
    later = slice(half, None)
    numbers = {"critic_mse": np.array(m["errors"][later]),
               "K": np.array(m["Ks"][later], dtype=float),
               "tau_mix": np.array(m["tau_mix"][later], dtype=float), "omega": m["omega"],
               "gamma": case.game.gamma}
    fn = bound if bound is not None else (
        lambda **kw: c * _theory.side("proposition1.rate", "rhs")(
            tau_mix=kw["tau_mix"], K=kw["K"], gamma=kw["gamma"], omega=kw["omega"]))
    return _theory.evidence("proposition1.rate", numbers, bound=fn, instance=case.to_dict(),
                            index_names=("K",), measurements={**m, "calibrated_constant": c})


def _not_measured(step: str, case: RateCase, m: dict) -> Evidence:
    """A case over the K-grid budget: NaN sides (no evidence either way) and the reason."""
    return Evidence("proposition1", step, math.nan, math.nan, instance=case.to_dict(),
                    measurements=m, note=m["note"])
