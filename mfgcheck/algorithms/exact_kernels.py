"""Compiled (numba) step of Algorithm 1 with the exact oracle, for games with a ``Structure``.

One iteration for run ``b`` (docs/conventions.md, "Algorithm 1"), the maths of
``engine.step_batch``'s exact path with tabular features and ``rho > 0``:

1. ``pi = softmax(theta)`` per state (``log pi`` by log-sum-exp);
2. ``P(mu)``, ``r(mu)`` from the game's closed form (``games.structure``: a constant kernel or
   a factored softmax; a reward quadratic in ``y = G mu + g0``), with the checks of
   ``Game.transition_at`` / ``reward_at`` (entries ``>= -tol``, row sums within ``tol`` of 1,
   rewards inside ``reward_range``; NaN fails);
3. ``V = (I - gamma P_pi)^{-1} E_pi[r - lam log pi]`` by Gaussian elimination with partial
   pivoting; ``Q = r + gamma P V``; ``q = Q - lam log pi``; ``A = Q - E_pi Q``;
4. ``w = A - mean_a A`` (the exact actor's minimum-norm solution, valid while ``||w|| <= R``);
5. ``theta' = (1 - eta lam) theta + eta w``; ``mu' = (1 - beta) mu + beta mu P_pi``.

Two entry points run one compiled loop (``_iterate``), so they give the same bits: ``step``
(one iteration, every output; ``engine.step_batch`` calls it and runs the constrained actor in
NumPy for runs whose ``||w|| > R``, and the whole NumPy step for runs whose game check fails)
and ``advance`` (``n`` iterations in place with the running sums of ``nac._run``; stops before
an iteration where some run needs NumPy). Every run's arithmetic reads only its own row, so a
run gives the same bits alone or in a batch, whatever the record setting (recorded iterations
go through ``step``, the others through ``advance``) and driven by ``nac`` or ``nac_step``.

Not bit-equal to the NumPy route (other summation orders, elimination instead of LAPACK): the
tests bound the difference by the rounding scale. ``kernels.use_compiled()`` is the switch;
``cache=True`` keeps the compiled code between processes.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import kernels

_jit = kernels._jit


class ExactModel(NamedTuple):
    """A game's ``Structure`` as the kernels read it, with the checks' bounds ``(tol, r_lo,
    r_hi)`` (``_validate.is_stochastic``, ``in_range``: their tolerances)."""

    constant: bool
    P: np.ndarray
    H: np.ndarray
    G: np.ndarray
    g0: np.ndarray
    c: np.ndarray
    shift: float
    scale: float
    bounds: np.ndarray


def model_of(game) -> ExactModel | None:
    """The kernels' model of ``game`` when it has a ``structure`` (and, for a constant
    kernel, that kernel passes the game checks once: it is the same at every ``mu``); else
    ``None`` (the NumPy path runs)."""
    from .._validate import _fast_tol, _reward_tol, is_stochastic

    st = getattr(game, "structure", None)
    if st is None:
        return None
    S = game.n_states
    constant = st.transition == "constant"
    if constant and not is_stochastic(st.P, S, game.n_actions):
        return None
    lo, hi = game.reward_range
    r_tol = _reward_tol(np.float64, game.reward_range)
    bounds = np.array([_fast_tol(np.float64, S), lo - r_tol, hi + r_tol])
    # writeable copies: numba types read-only arrays apart, and P joins the scratch kernel
    return ExactModel(constant, np.array(st.P), np.array(st.H), np.array(st.G),
                      np.array(st.g0), np.array(st.c), st.shift, st.scale, bounds)


@_jit
def _game_at(constant, Pm, H, G, g0, c, shift, scale, bounds, mu, P, r, u):
    """``P(mu)`` into ``P`` (unless ``constant``: ``Pm`` is the kernel) and ``r(mu)`` into
    ``r``; returns whether they pass the game checks (a constant kernel passed them once)."""
    S, A = r.shape
    tol, r_lo, r_hi = bounds[0], bounds[1], bounds[2]
    ok = True
    if not constant:
        hmax = -math.inf
        for t in range(S):
            h = 0.0
            for j in range(S):
                h += H[t, j] * mu[j]
            u[t] = h
            hmax = max(hmax, h)
        for t in range(S):
            u[t] = math.exp(u[t] - hmax)
        for s in range(S):
            for a in range(A):
                Z = 0.0
                for t in range(S):
                    e = Pm[s, a, t] * u[t]
                    P[s, a, t] = e
                    Z += e
                row, low = 0.0, 0.0
                for t in range(S):
                    p = P[s, a, t] / Z
                    P[s, a, t] = p
                    row += p
                    low = min(low, p)
                # written so that NaN fails: a NaN entry makes the row sum NaN
                ok &= low >= -tol and abs(row - 1.0) <= tol
    for s in range(S):
        y = g0[s]
        for j in range(S):
            y += G[s, j] * mu[j]
        for a in range(A):
            rr = (c[0, s, a] + c[1, s, a] * y + c[2, s, a] * (y * y) - shift) / scale
            r[s, a] = rr
            ok &= r_lo <= rr <= r_hi
    return ok


@_jit
def _evaluate(b, constant, Pm, H, G, g0, c, shift, scale, bounds, theta, mu, lam, gamma,
              P, r, u, M, V, pi, logpi, Ppi, q, adv, w, norms):
    """Steps 1-4 for run ``b``: rows ``b`` of ``pi``, ``logpi``, ``Ppi``, ``q``, ``adv``,
    ``w`` (B, S*A) and ``norms[b] = (||theta_b||, ||w_b||)``; ``P``, ``r``, ``u``, ``M``,
    ``V`` scratch. Returns whether the game checks passed."""
    S, A = r.shape
    nt = 0.0
    for i in range(S * A):
        nt += theta[b, i] * theta[b, i]
    norms[b, 0] = math.sqrt(nt)
    for s in range(S):
        kernels._softmax_row(theta, b, s, A, pi, logpi[b, s])
    ok = _game_at(constant, Pm, H, G, g0, c, shift, scale, bounds, mu[b], P, r, u)
    Pk = Pm if constant else P
    for s in range(S):
        rhs = 0.0
        for a in range(A):
            rhs += pi[b, s, a] * (r[s, a] - lam * logpi[b, s, a])
        V[s] = rhs
        for t in range(S):
            M[s, t] = 0.0
        for a in range(A):
            p = pi[b, s, a]
            for t in range(S):
                M[s, t] += p * Pk[s, a, t]
        for t in range(S):
            Ppi[b, s, t] = M[s, t]
            M[s, t] = (1.0 if s == t else 0.0) - gamma * M[s, t]
    kernels._gauss_solve(M, V)              # Gaussian elimination, partial pivoting
    nw = 0.0
    for s in range(S):
        mean_q = 0.0
        for a in range(A):
            x = 0.0
            for t in range(S):
                x += Pk[s, a, t] * V[t]
            x = r[s, a] + gamma * x
            adv[b, s, a] = x
            q[b, s, a] = x - lam * logpi[b, s, a]
            mean_q += pi[b, s, a] * x
        m = 0.0
        for a in range(A):
            adv[b, s, a] -= mean_q
            m += adv[b, s, a]
        m /= A
        for a in range(A):
            x = adv[b, s, a] - m
            w[b, s * A + a] = x
            nw += x * x
    norms[b, 1] = math.sqrt(nw)
    return ok


@_jit
def _update(b, theta, mu, w, Ppi, eta, beta, lam, theta_out, mu_out, pop):
    """Steps 5-6 for run ``b``: ``pop[b] = Gamma2(pi, mu)``, rows ``b`` of ``theta_out`` and
    ``mu_out`` (which may be ``theta`` and ``mu``: each entry reads only its own old value)."""
    S = mu.shape[1]
    for t in range(S):
        acc = 0.0
        for s in range(S):
            acc += mu[b, s] * Ppi[b, s, t]
        pop[b, t] = acc
    for t in range(S):
        mu_out[b, t] = (1.0 - beta[b]) * mu[b, t] + beta[b] * pop[b, t]
    el = eta[b] * lam
    for i in range(theta.shape[1]):
        theta_out[b, i] = (1.0 - el) * theta[b, i] + eta[b] * w[b, i]


def _scratch(model: ExactModel, B: int):
    S, A = model.c.shape[1], model.c.shape[2]
    return (np.empty((S, A, S)), np.empty((S, A)), np.empty(S), np.empty((S, S)),
            np.empty(S), np.empty((B, S, A)), np.empty((B, S, A)), np.empty((B, S, S)),
            np.empty((B, S, A)), np.empty((B, S, A)), np.empty((B, S * A)), np.empty((B, 2)),
            np.empty((B, S)))


class CompiledStep(NamedTuple):
    """``step``'s outputs, arrays with a leading batch axis; ``ok[b]``: run ``b`` passed the
    game checks; ``norms[b] = (||theta_b||, ||w_b||)``."""

    ok: np.ndarray
    pi: np.ndarray
    log_pi: np.ndarray
    Ppi: np.ndarray
    q_hat: np.ndarray
    A_hat: np.ndarray
    w_hat: np.ndarray
    norms: np.ndarray
    theta_next: np.ndarray
    mu_next: np.ndarray
    population: np.ndarray


def step(model: ExactModel, theta, mu, eta, beta, lam, gamma) -> CompiledStep:
    """One iteration for every run (module docstring), ``w`` unconstrained."""
    B, S = mu.shape
    scratch = _scratch(model, B)
    ok = np.empty(B, dtype=np.bool_)
    theta = np.ascontiguousarray(theta, dtype=np.float64)
    mu = np.ascontiguousarray(mu, dtype=np.float64)
    theta_next, mu_next = np.empty_like(theta), np.empty_like(mu)
    sums = np.zeros((B, S, scratch[5].shape[2])), np.zeros((B, S)), np.zeros(B), np.ones(B)
    _iterate(model.constant, model.P, model.H, model.G, model.g0, model.c, model.shift,
             model.scale, model.bounds, theta, mu, np.ascontiguousarray(eta, dtype=np.float64),
             np.ascontiguousarray(beta, dtype=np.float64), lam, gamma, math.inf, 1, False,
             *sums, ok, theta_next, mu_next, *scratch)
    pi, logpi, Ppi, q, adv, w, norms, pop = scratch[5:]
    return CompiledStep(ok, pi, logpi, Ppi, q, adv, w, norms, theta_next, mu_next, pop)


def advance(model: ExactModel, theta, mu, eta, beta, lam, gamma, R, n_steps, sum_pi, sum_mu,
            max_norm, min_pi) -> int:
    """``n_steps`` iterations in place on ``theta`` (B, S*A), ``mu`` (B, S) and ``nac._run``'s
    running sums ``sum_pi``, ``sum_mu``, ``max_norm``, ``min_pi``; stops before an iteration
    where some run's ``||w|| > R`` or game check fails (``step`` and NumPy take it); returns the
    number of iterations done."""
    B = theta.shape[0]
    scratch = _scratch(model, B)
    return _iterate(model.constant, model.P, model.H, model.G, model.g0, model.c, model.shift,
                    model.scale, model.bounds, theta, mu, eta, beta, lam, gamma, R, n_steps,
                    True, sum_pi, sum_mu, max_norm, min_pi, np.empty(B, dtype=np.bool_),
                    theta, mu, *scratch)


@_jit
def _iterate(constant, Pm, H, G, g0, c, shift, scale, bounds, theta, mu, eta, beta, lam, gamma,
             R, n_steps, in_place, sum_pi, sum_mu, max_norm, min_pi, ok, theta_out, mu_out,
             P, r, u, M, V, pi, logpi, Ppi, q, adv, w, norms, pop):
    """The one compiled loop behind ``step`` (one iteration into ``theta_out``, ``mu_out``;
    every run, whatever its checks and ``||w||``) and ``advance`` (``in_place``: ``theta_out``
    is ``theta``; stops before an iteration where some run fails a check or ``||w|| > R``;
    keeps the running sums). One function, so one compilation, and the same bits for both."""
    B, S, A = pi.shape
    for it in range(n_steps):
        for b in range(B):
            ok[b] = _evaluate(b, constant, Pm, H, G, g0, c, shift, scale, bounds, theta, mu,
                              lam, gamma, P, r, u, M, V, pi, logpi, Ppi, q, adv, w, norms)
            if in_place and (not ok[b] or norms[b, 1] > R):
                return it
        for b in range(B):
            if in_place:
                if norms[b, 0] > max_norm[b]:
                    max_norm[b] = norms[b, 0]
                for s in range(S):
                    for a in range(A):
                        if pi[b, s, a] < min_pi[b]:
                            min_pi[b] = pi[b, s, a]
                        sum_pi[b, s, a] += pi[b, s, a]
                for t in range(S):
                    sum_mu[b, t] += mu[b, t]
            _update(b, theta, mu, w, Ppi, eta, beta, lam, theta_out, mu_out, pop)
    return n_steps
