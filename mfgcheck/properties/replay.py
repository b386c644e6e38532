"""Algorithm 1 replayed in mpmath: a run's terms at ``DPS`` digits (Lemmas 1, 2, 5, 7, 8 and
Theorem 1), so that a float64 violation along a run is confirmed or dismissed as rounding.

The float route (``trajectory.terms``) drives ``algorithms.nac_step`` in float64 and solves
every exact quantity with numerics/. :func:`replay` re-runs Algorithm 1 with the **exact
oracle** from the same instance (``theta_0 = 0``, ``mu_0 = rho``, the run's constant steps
``eta``, ``beta``, radius ``R``, features ``phi``) in mpmath, by code that shares no
floating-point routine with the float route:

- the game's maps at a mean field (:func:`model`): the random game's formulas
  ``P(.|s, a, mu) = softmax(L[s, a] + c H mu)``, ``r = (1 - c_r) B + c_r G mu`` evaluated in
  mpmath from its data (``games.random_game_arrays``, exact binary numbers), or, for any game
  whose dynamics and rewards do not depend on mu, its float arrays taken as exact; other
  games have no route (:class:`NoReplay`);
- the policy ``pi_t = softmax(theta_t^T phi)``; the critic ``q = Q - lam log pi`` by an mpmath
  LU solve of ``(I - gamma P_pi) V = E_pi[r - lam log pi]``, ``Q = r + gamma P V``;
- the actor ``argmin_{||w|| <= R} L(w)``, ``L(w) = E_{d^pi x pi}(w^T grad log pi - A)^2``:
  ``F = E[g g^T]``, ``b = E[A g]`` in mpmath, ``F``'s eigendecomposition (``mp.eigsy``), the
  minimum-norm ``F^+ b`` when it lies in the ball, else the multiplier ``nu`` of
  ``||(F + nu I)^+ b|| = R`` by bisection to ``DPS`` digits;
- ``rho`` (and ``mu_0 = rho``): the float entries renormalised to sum to 1 exactly;
- ``theta_{t+1} = (1 - eta lam) theta_t + eta w_t``, ``mu_{t+1} = (1 - beta) mu_t + beta
  Gamma2(pi_t, mu_t)``;
- best responses ``pi*_k = Gamma1(mu_k)`` by soft policy iteration (Newton's method on the
  regularised Bellman equation, ``precise_mdp.soft_policy_mp``), visitations by LU solves of
  ``d^T (I - gamma P_pi) = (1 - gamma) rho^T``, the equilibrium ``(pi*, mu*)`` by Newton's
  method (``mp.findroot``) on ``Lambda(mu) - mu`` from the float equilibrium, its residual
  checked.

:class:`PreciseTerms` holds, per step t, the terms of ``trajectory.Terms.t`` that the claims'
statements and the steps of ``RUN_ROUTES`` (properties/confirm.py) use, under the same names,
and the per-step constants of Assumptions 1-3 as ``trajectory`` defines them (``C1_t``,
``C2_t``, ``C3_t``, ``d0_t .. d3_t``, ``p_min_t``); :meth:`PreciseTerms.numbers` mirrors
``Terms.numbers`` (lists of mpf over t).

The replay must reproduce the float run it certifies: the iterates ``theta_k``, ``mu_k`` of
both routes must agree within ``REPRODUCE_RTOL`` (relative to their scale), else
:class:`NoReplay` is raised (e.g. a float actor that dropped an eigenvalue below its null
threshold computed another run), and the violation stays a candidate. Only the exact oracle
is replayed (a sampled run's terms depend on its random draws).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import mpmath as mp
import numpy as np

from .instances import NACRunCase

#: digits of the replay (the confirmation's precision, properties.confirm.DPS)
DPS = 60
#: the float run and the replay must agree this well (relative to the iterates' scale)
REPRODUCE_RTOL = 1e-6

__all__ = ["DPS", "NoReplay", "PreciseTerms", "REPRODUCE_RTOL", "model", "replay",
           "exact_constants_mp"]


class NoReplay(ValueError):
    """The run cannot be replayed at high precision (why, in the message)."""


# -- small mpmath linear algebra on nested lists ----------------------------------------------
def _mpf(x):
    return x if isinstance(x, mp.mpf) else mp.mpf(float(x))


def _zero_if_tiny(x):
    return x if abs(x) > _tiny() else mp.mpf(0)


def _tiny():
    """Differences below this are the replay's own rounding (``DPS - 15`` digits)."""
    return mp.mpf(10) ** (-(mp.mp.dps - 15))


def _solve(M, b):
    return list(mp.lu_solve(mp.matrix(M), mp.matrix(b)))


def _l1(x, y):
    return mp.fsum(abs(a - b) for a, b in zip(x, y))


def _kl(p, q):
    return mp.fsum(a * mp.log(a / b) for a, b in zip(p, q) if a > 0)


def _ratio(num, den):
    """``num/den``; ``0/0 = 0`` (a pair that did not move constrains nothing), as trajectory,
    with "0" meaning below the replay's rounding (``_tiny``): on a game whose dynamics do not
    depend on mu, ``pi*_t = pi*`` and the pair ``(pi*_t, pi*)`` of ``d2`` did not move."""
    if den > _tiny():
        return num / den
    return mp.inf if num > _tiny() else mp.mpf(0)


# -- the game's maps in mpmath -------------------------------------------------------------
def model(game):
    """``mu -> (P, r)`` in mpmath (nested lists ``P[s][a][s']``, ``r[s][a]``) for the random
    game (its formulas) or a game whose dynamics and rewards do not depend on mu; raises
    :class:`NoReplay` otherwise."""
    params = dict(getattr(game, "params", {}) or {})
    if game.name.startswith("random") and "normalised_from" not in params \
            and params.get("seed") is not None:
        from ..games.random_game import random_game_arrays

        S, A = game.n_states, game.n_actions
        L, H, B, G = (np.asarray(x, np.float64) for x in random_game_arrays(
            S, A, params["seed"], params["logit_scale"]))
        c, cr = _mpf(params["transition_coupling"]), _mpf(params["reward_coupling"])
        Lm = [[[_mpf(L[s, a, t]) for t in range(S)] for a in range(A)] for s in range(S)]
        Hm = [[_mpf(H[i, j]) for j in range(S)] for i in range(S)]
        Bm = [[_mpf(B[s, a]) for a in range(A)] for s in range(S)]
        Gm = [[_mpf(G[i, j]) for j in range(S)] for i in range(S)]

        def at(mu):
            h = [c * mp.fsum(Hm[i][j] * mu[j] for j in range(S)) for i in range(S)]
            P = []
            for s in range(S):
                row = []
                for a in range(A):
                    lg = [Lm[s][a][t] + h[t] for t in range(S)]
                    m = max(lg)
                    e = [mp.exp(x - m) for x in lg]
                    z = mp.fsum(e)
                    row.append([x / z for x in e])
                P.append(row)
            crowd = [mp.fsum(Gm[s][j] * mu[j] for j in range(S)) for s in range(S)]
            r = [[(1 - cr) * Bm[s][a] + cr * crowd[s] for a in range(A)] for s in range(S)]
            return P, r

        return at
    from .families import is_mu_independent

    if is_mu_independent(game):
        P0, r0 = game.transition(game.rho), game.reward(game.rho)
        P = [[[_mpf(v) for v in row] for row in block] for block in P0]
        r = [[_mpf(v) for v in row] for row in r0]
        return lambda mu: (P, r)
    raise NoReplay(f"game {game.name}: no high-precision model (random games and games whose "
                   "dynamics do not depend on mu have one)")


def _p_pi(P, pi):
    S, A = len(P), len(P[0])
    return [[mp.fsum(pi[s][a] * P[s][a][t] for a in range(A)) for t in range(S)]
            for s in range(S)]


def _gamma2(Ppi, mu):
    S = len(mu)
    return [mp.fsum(mu[s] * Ppi[s][t] for s in range(S)) for t in range(S)]


def _visitation(Ppi, rho, gamma):
    """``d^T (I - gamma P_pi) = (1 - gamma) rho^T``."""
    S = len(rho)
    M = [[(1 if s == t else 0) - gamma * Ppi[t][s] for t in range(S)] for s in range(S)]
    return _solve(M, [(1 - gamma) * x for x in rho])


def _evaluate(P, r, pi, logpi, gamma, lam, Ppi=None):
    """``(V, Q)`` of the regularised policy ``pi``: ``(I - gamma P_pi) V = E_pi[r - lam log
    pi]``, ``Q = r + gamma P V`` (``Ppi``: ``P_pi`` if the caller has it)."""
    S, A = len(r), len(r[0])
    Ppi = _p_pi(P, pi) if Ppi is None else Ppi
    M = [[(1 if s == t else 0) - gamma * Ppi[s][t] for t in range(S)] for s in range(S)]
    b = [mp.fsum(pi[s][a] * (r[s][a] - lam * logpi[s][a]) for a in range(A)) for s in range(S)]
    V = _solve(M, b)
    Q = [[r[s][a] + gamma * mp.fsum(P[s][a][t] * V[t] for t in range(S)) for a in range(A)]
         for s in range(S)]
    return V, Q


def _soft_optimum(P, r, gamma, lam, pi0=None):
    from .precise_mdp import soft_policy_mp

    return soft_policy_mp(P, r, gamma, lam, pi0=pi0)


def _policy(theta, phi):
    """``(pi, log pi)`` of the log-linear policy ``softmax(theta^T phi)``."""
    pi, logpi = [], []
    for block in phi:
        lg = [mp.fsum(f * th for f, th in zip(feat, theta)) for feat in block]
        m = max(lg)
        z = mp.fsum(mp.exp(x - m) for x in lg)
        lz = mp.log(z)
        logpi.append([x - m - lz for x in lg])
        pi.append([mp.exp(x - m) / z for x in lg])
    return pi, logpi


def _grad_log(pi, phi):
    """``g[s][a] = phi_{s,a} - E_{b ~ pi(.|s)} phi_{s,b}``."""
    n = len(phi[0][0])
    out = []
    for ps, block in zip(pi, phi):
        mean = [mp.fsum(p * f[i] for p, f in zip(ps, block)) for i in range(n)]
        out.append([[f[i] - mean[i] for i in range(n)] for f in block])
    return out


def _loss(w, pi, d, grad, adv):
    """``L(w) = sum_s d(s) sum_a pi(a|s) (w^T g_{s,a} - A(s, a))^2`` summed directly."""
    return mp.fsum(d[s] * pi[s][a] * (mp.fsum(x * y for x, y in zip(w, grad[s][a]))
                                     - adv[s][a]) ** 2
                   for s in range(len(pi)) for a in range(len(pi[0])))


def _actor(pi, d, grad, adv, R):
    """``argmin_{||w|| <= R} L(w)`` (minimum norm; module docstring)."""
    S, A, n = len(pi), len(pi[0]), len(grad[0][0])
    F = mp.matrix(n, n)
    b = [mp.mpf(0)] * n
    for s in range(S):
        for a in range(A):
            wt = d[s] * pi[s][a]
            g = grad[s][a]
            for i in range(n):
                b[i] += wt * adv[s][a] * g[i]
                for j in range(n):
                    F[i, j] += wt * g[i] * g[j]
    ev, U = mp.eigsy(F)
    lam_ = [ev[i] for i in range(n)]
    lmax = max(max(lam_), mp.mpf(0))
    beta = [mp.fsum(U[j, i] * b[j] for j in range(n)) for i in range(n)]
    # exact zeros of F come out at the replay's rounding; b lies in F's range (eq. (3))
    null = [lv <= _tiny() * max(lmax, 1) for lv in lam_]
    beta = [mp.mpf(0) if z else bv for z, bv in zip(null, beta)]

    def y_of(nu):
        return [mp.mpf(0) if z else bv / (lv + nu) for z, bv, lv in zip(null, beta, lam_)]

    def norm(y):
        return mp.sqrt(mp.fsum(v * v for v in y))

    R = _mpf(R)
    y = y_of(mp.mpf(0))
    if norm(y) > R:
        lo, hi = mp.mpf(0), mp.sqrt(mp.fsum(v * v for v in beta)) / R
        for _ in range(int(mp.mp.prec) + 20):   # ||y(nu)|| decreases in nu: bisection
            mid = (lo + hi) / 2
            if norm(y_of(mid)) > R:
                lo = mid
            else:
                hi = mid
        y = y_of(hi)
    return [mp.fsum(U[i, k] * y[k] for k in range(n)) for i in range(n)]


# -- the equilibrium ----------------------------------------------------------------------
def _equilibrium(at, game):
    """``(pi*, mu*)`` with ``Gamma2(Gamma1(mu*), mu*) = mu*``: Newton from the float
    equilibrium (``trajectory.equilibrium``), residual checked."""
    from .trajectory import equilibrium

    eq = equilibrium(game)
    S = game.n_states
    gamma, lam = _mpf(game.gamma), _mpf(game.lam)
    cache = {}

    def lam_map(mu):
        P, r = at(mu)
        pi, _ = _soft_optimum(P, r, gamma, lam, pi0=cache.get("pi", eq.policy))
        cache["pi"] = pi
        return pi, _gamma2(_p_pi(P, pi), mu)

    def full(x):
        return list(x) + [1 - mp.fsum(x)]

    if S == 1:
        mu = [mp.mpf(1)]
    else:
        def residual(*x):
            mu = full(x)
            new = lam_map(mu)[1]
            out = [new[i] - mu[i] for i in range(S - 1)]
            return out if S > 2 else out[0]

        x0 = [_mpf(v) for v in eq.mean_field[:-1]]
        try:
            root = mp.findroot(residual, x0 if S > 2 else x0[0],
                               tol=mp.mpf(10) ** (-(2 * mp.mp.dps - 30)))
        except (ZeroDivisionError, ValueError) as exc:
            raise NoReplay(f"equilibrium: Newton's method failed in mpmath ({exc})") from None
        mu = full([root] if S == 2 else [root[i] for i in range(S - 1)])
    pi, new = lam_map(mu)
    res = _l1(new, mu)
    if not res <= _tiny():
        raise NoReplay(f"equilibrium: ||Lambda(mu*) - mu*||_1 = {mp.nstr(res, 3)} in mpmath")
    if max(abs(a - float(b)) for a, b in zip(mu, eq.mean_field)) > 1e-6:
        raise NoReplay("equilibrium: mpmath and float64 found different fixed points")
    return pi, mu


# -- the replay ------------------------------------------------------------------------------
@dataclass
class PreciseTerms:
    """Terms along the replayed run (module docstring): ``t`` and ``per_step`` map names of
    ``trajectory.Terms`` to lists of mpf over ``t = 0..T-1``; ``iterates`` holds ``theta``,
    ``mu``, ``pi`` over ``k = 0..T``; ``equilibrium`` ``(pi*, mu*, d*)``."""

    run: NACRunCase
    t: dict
    per_step: dict
    iterates: dict
    equilibrium: tuple
    P: list | None  # the model's transition when it does not depend on mu

    def constants(self, scope: str = "trajectory") -> dict:
        """As ``trajectory.Terms.constants``: per step or the run's max (min for p_min)."""
        from .trajectory import SCOPES

        if scope not in SCOPES:
            raise ValueError(f"scope: {scope!r}; use one of {SCOPES}")
        if scope == "step":
            out = {k: list(v) for k, v in self.per_step.items()}
        else:
            out = {k: [min(v) if k == "p_min" else max(v)] * len(v)
                   for k, v in self.per_step.items()}
        out["d_bar"] = [1 - a * b - c for a, b, c in zip(out["d1"], out["d2"], out["d3"])]
        return out

    def numbers(self, scope: str = "trajectory") -> dict:
        """Theory's symbol names -> mpf or lists of mpf over t (as ``Terms.numbers``)."""
        run, game = self.run, self.run.game
        T = run.T
        base = {"gamma": _mpf(game.gamma), "lam": _mpf(game.lam), "nA": game.n_actions,
                "R": _mpf(run.R), "eta": [_mpf(run.eta)] * T, "beta": [_mpf(run.beta)] * T}
        return {**base, **self.t, **self.constants(scope)}

    def averages(self) -> dict:
        """Theorem 1's averages over the run (``properties.theorem1``)."""
        c = self.constants("trajectory")
        T = self.run.T
        return {"avg_D": mp.fsum(self.t["D_pi"]) / T, "avg_D_star": mp.fsum(self.t["D_eq"]) / T,
                "avg_sigma_pi": mp.fsum(self.t["sigma_pi"]) / T,
                "avg_sigma_mu": mp.fsum(self.t["sigma_mu"]) / T, "C2": c["C2"][0],
                "d1": c["d1"][0], "T": T}


def exact_constants_mp(terms: PreciseTerms) -> dict:
    """``families.exact_constants`` in mpmath, on the replay's model (a game whose dynamics
    do not depend on mu): ``d1 = 0``, ``d2 = max_s max_{a,b} ||P(s,a) - P(s,b)||_1/(2 d*(s))``,
    ``d3 = max ||P(s,a) - P(s',b)||_1 / 2``, ``C2 = 1``."""
    if terms.P is None:
        raise NoReplay("exact global constants need a game whose dynamics do not depend on mu")
    P, dstar = terms.P, terms.equilibrium[2]
    S, A = len(P), len(P[0])
    rows = [P[s][a] for s in range(S) for a in range(A)]
    d2 = max(max(_l1(P[s][a], P[s][b]) for a in range(A) for b in range(A)) / (2 * dstar[s])
             for s in range(S))
    d3 = max(_l1(x, y) for x in rows for y in rows) / 2
    return {"d1": mp.mpf(0), "d2": d2, "d3": d3, "C2": mp.mpf(1)}


def _check_reproduces(run: NACRunCase, theta, mu):
    from .trajectory import terms as float_terms

    traj = float_terms(run).traj
    for name, mine, theirs in (("theta", theta, traj.theta), ("mu", mu, traj.mu)):
        theirs = np.asarray(theirs, np.float64)
        scale = max(1.0, float(np.abs(theirs).max()))
        gap = max(float(abs(x - float(y))) for k in range(len(mine))
                  for x, y in zip(mine[k], theirs[k]))
        if gap > REPRODUCE_RTOL * scale:
            raise NoReplay(f"the mpmath replay does not reproduce the float run: max |{name} "
                           f"difference| = {gap:.3g} (tolerance {REPRODUCE_RTOL * scale:.3g})")


@lru_cache(maxsize=8)
def replay(run: NACRunCase, dps: int = DPS) -> PreciseTerms:
    """Replay ``run`` in mpmath at ``dps`` digits and compute its terms (module docstring);
    cached per run object. Raises :class:`NoReplay` when there is no route."""
    oracle = run.oracle if isinstance(run.oracle, str) else getattr(run.oracle, "mode", "")
    if oracle != "exact":
        raise NoReplay(f"oracle {oracle!r}: only the exact oracle is replayed")
    with mp.workdps(dps):
        return _replay(run)


def _replay(run: NACRunCase) -> PreciseTerms:
    game = run.game
    at = model(game)
    S, A = game.n_states, game.n_actions
    phi_f = np.asarray(run.features, np.float64)
    n = phi_f.shape[-1]
    phi = [[[_mpf(phi_f[s, a, i]) for i in range(n)] for a in range(A)] for s in range(S)]
    gamma, lam, R = _mpf(game.gamma), _mpf(game.lam), _mpf(run.R)
    eta, beta = _mpf(run.eta), _mpf(run.beta)
    # rho's float entries renormalised exactly (float 1/3 three times sums to 1 - 5.6e-17):
    # the initial distribution of the paper sums to 1
    rho = [_mpf(x) for x in game.rho]
    rho = [x / mp.fsum(rho) for x in rho]
    T = run.T

    # Algorithm 1 with the exact oracle.
    theta, mu = [[mp.mpf(0)] * n], [list(rho)]
    w_hat, g = [], []
    at_iterate = []         # the exact terms at (theta_t, mu_t), reused below as they are
    for _t in range(T):
        pi, logpi = _policy(theta[-1], phi)
        P, r = at(mu[-1])
        Ppi = _p_pi(P, pi)
        V, Q = _evaluate(P, r, pi, logpi, gamma, lam, Ppi)
        adv = [[Q[s][a] - mp.fsum(pi[s][b] * Q[s][b] for b in range(A)) for a in range(A)]
               for s in range(S)]
        d = _visitation(Ppi, rho, gamma)
        grad = _grad_log(pi, phi)
        at_iterate.append((P, r, pi, logpi, V, Q, adv, Ppi, d, grad))
        w = _actor(pi, d, grad, adv, R)
        w_hat.append(w)
        g.append([wi - lam * th for wi, th in zip(w, theta[-1])])
        theta.append([(1 - eta * lam) * th + eta * wi for th, wi in zip(theta[-1], w)])
        pop = _gamma2(Ppi, mu[-1])
        mu.append([(1 - beta) * m + beta * p for m, p in zip(mu[-1], pop)])
    _check_reproduces(run, theta, mu)

    # Exact terms at every iterate k = 0..T.
    pi_eq, mu_eq = _equilibrium(at, game)
    P_eq, _ = at(mu_eq)
    dstar = _visitation(_p_pi(P_eq, pi_eq), rho, gamma)
    pop_eq = _gamma2(_p_pi(P_eq, pi_eq), mu_eq)
    K = []
    warm = pi_eq
    for k in range(T + 1):
        if k < T:           # the same calls as Algorithm 1's loop made at iterate k
            P, r, pi, logpi, V, Q, adv, Ppi, d_pi, grad = at_iterate[k]
        else:
            P, r = at(mu[k])
            pi, logpi = _policy(theta[k], phi)
            Ppi = _p_pi(P, pi)
            d_pi = _visitation(Ppi, rho, gamma)
            V, Q = _evaluate(P, r, pi, logpi, gamma, lam, Ppi)
            adv = [[Q[s][a] - mp.fsum(pi[s][b] * Q[s][b] for b in range(A)) for a in range(A)]
                   for s in range(S)]
            grad = _grad_log(pi, phi)
        pistar, Vstar = _soft_optimum(P, r, gamma, lam, pi0=warm)
        warm = pistar
        Ppistar = _p_pi(P, pistar)
        d_star = _visitation(Ppistar, rho, gamma)
        q = [[Q[s][a] - lam * logpi[s][a] for a in range(A)] for s in range(S)]
        K.append({"P": P, "pi": pi, "logpi": logpi, "pistar": pistar, "d_star": d_star,
                  "d_pi": d_pi, "V": V, "q": q, "adv": adv, "Ppi": Ppi, "Ppistar": Ppistar,
                  "grad": grad,
                  "sigma_pi": mp.fsum(d_star[s] * _kl(pistar[s], pi[s]) for s in range(S)),
                  "sigma_mu": _l1(mu[k], mu_eq),
                  "Vgap": mp.fsum(rh * (vs - v) for rh, vs, v in zip(rho, Vstar, V))})

    names = ("sigma_pi", "sigma_pi_next", "sigma_mu", "sigma_mu_next", "kl_next", "err1", "EV",
             "Eq", "Vgap", "g_norm", "w_norm", "theta_norm", "theta_norm_next", "kl_shift",
             "shift_term", "kl_gap", "drift_ratio", "l1_star", "D_star_step", "dmu", "D_pi",
             "sq_l1", "D_eq", "lambda_gap", "policy_gap", "dist_mu", "eps_total", "min_pi_t",
             "min_pi_next")
    tt: dict[str, list] = {name: [] for name in names}
    ps: dict[str, list] = {name: [] for name in ("C1", "C2", "C3", "d0", "d1", "d2", "d3",
                                                 "p_min")}
    rows = range(S)
    for t in range(T):
        a_, b_ = K[t], K[t + 1]
        ds = a_["d_star"]
        grad = a_["grad"]
        gdot = [[mp.fsum(x * y for x, y in zip(g[t], grad[s][a])) for a in range(A)]
                for s in rows]
        kl_next = mp.fsum(ds[s] * _kl(a_["pistar"][s], b_["pi"][s]) for s in rows)
        kl_shift = mp.fsum(b_["d_star"][s] * _kl(a_["pistar"][s], b_["pi"][s]) for s in rows)
        D_star_step = mp.fsum(dstar[s] * _l1(a_["pistar"][s], b_["pistar"][s]) for s in rows)
        dmu = _l1(mu[t + 1], mu[t])
        drift = _l1(b_["d_star"], ds)
        D_pi = mp.fsum(dstar[s] * _l1(a_["pistar"][s], a_["pi"][s]) for s in rows)
        lam_mu = _gamma2(a_["Ppistar"], mu[t])
        g2_pi = _gamma2(a_["Ppi"], mu[t])
        mid = _gamma2(_p_pi(a_["P"], pi_eq), mu[t])
        D_pair = mp.fsum(dstar[s] * _l1(a_["pistar"][s], pi_eq[s]) for s in rows)
        pol_gap = _l1(lam_mu, g2_pi)
        vals = {
            "sigma_pi": a_["sigma_pi"], "sigma_pi_next": b_["sigma_pi"],
            "sigma_mu": a_["sigma_mu"], "sigma_mu_next": b_["sigma_mu"], "kl_next": kl_next,
            "err1": mp.fsum(ds[s] * mp.fsum(a_["pistar"][s][a] * (gdot[s][a] - a_["q"][s][a])
                                            for a in range(A)) for s in rows),
            "EV": mp.fsum(ds[s] * a_["V"][s] for s in rows),
            "Eq": mp.fsum(ds[s] * mp.fsum(a_["pistar"][s][a] * a_["q"][s][a] for a in range(A))
                          for s in rows),
            "Vgap": a_["Vgap"], "g_norm": mp.sqrt(mp.fsum(x * x for x in g[t])),
            "w_norm": mp.sqrt(mp.fsum(x * x for x in w_hat[t])),
            "theta_norm": mp.sqrt(mp.fsum(x * x for x in theta[t])),
            "theta_norm_next": mp.sqrt(mp.fsum(x * x for x in theta[t + 1])),
            "kl_shift": kl_shift, "shift_term": kl_shift - kl_next,
            "kl_gap": abs(mp.fsum(b_["d_star"][s] * (_kl(b_["pistar"][s], b_["pi"][s])
                                                     - _kl(a_["pistar"][s], b_["pi"][s]))
                                  for s in rows)),
            "drift_ratio": drift,
            "l1_star": mp.fsum(b_["d_star"][s] * _l1(a_["pistar"][s], b_["pistar"][s])
                               for s in rows),
            "D_star_step": D_star_step, "dmu": dmu, "D_pi": D_pi,
            "sq_l1": mp.fsum(ds[s] * _l1(a_["pistar"][s], a_["pi"][s]) ** 2 for s in rows),
            "D_eq": mp.fsum(dstar[s] * _l1(pi_eq[s], a_["pi"][s]) for s in rows),
            "lambda_gap": _l1(lam_mu, mu_eq), "policy_gap": pol_gap, "dist_mu": a_["sigma_mu"],
            # the exact critic makes A_hat = A: eps_critic = 0 and eps_approx + eps_actor is
            # L_t(w_hat_t) (trajectory: L_t(w*) + L_hat_t(w_hat) - L_hat_t(w*), w* over R^d)
            "eps_total": _loss(w_hat[t], a_["pi"], a_["d_pi"], grad, a_["adv"]),
            "min_pi_t": min(min(row) for row in a_["pi"]),
            "min_pi_next": min(min(row) for row in b_["pi"]),
        }
        for name in names:
            tt[name].append(vals[name])
        ps["C1"].append(max(b_["d_star"][s] / dstar[s] for s in rows))
        ps["C2"].append(mp.sqrt(mp.fsum(dstar[s] ** 2 / ds[s] for s in rows)))
        ps["C3"].append(max(ds[s] / a_["d_pi"][s] for s in rows))
        ps["d0"].append(max(_ratio(drift, dmu), _ratio(D_star_step, dmu)))
        ps["d1"].append(_ratio(D_pair, a_["sigma_mu"]))
        ps["d2"].append(max(_ratio(_l1(lam_mu, mid), D_pair), _ratio(pol_gap, D_pi)))
        ps["d3"].append(_ratio(_l1(mid, pop_eq), a_["sigma_mu"]))
        ps["p_min"].append(min(vals["min_pi_t"], vals["min_pi_next"]))
    P0 = None
    from .families import is_mu_independent

    if is_mu_independent(game):
        P0 = at(mu_eq)[0]
    return PreciseTerms(run=run, t=tt, per_step=ps,
                        iterates={"theta": theta, "mu": mu, "pi": [k["pi"] for k in K]},
                        equilibrium=(pi_eq, mu_eq, dstar), P=P0)
