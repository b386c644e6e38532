"""A 60-digit replay of one NPG case (mpmath): the independent route that confirms or
overturns a float64 violation of a Theorem 1 check (``properties.confirm``).

From the case's data taken as exact binary numbers, and sharing no floating-point code with
:mod:`.mdp`: the soft optimum by soft policy iteration in mpmath
(:func:`mfgcheck.properties.precise_mdp.soft_policy_mp`: mpmath LU solves, stopped at a Bellman
residual below ``10^-(dps-10)``), then the NPG iterates (18) with exact evaluation by mpmath
LU solves, the auxiliary sequence ``tau log xi^(t)`` (42)-(43), and every norm the checks
measure. :func:`numbers` returns them named after theory's symbols, as lists over the
compared iterations ``t = 0..n-1`` (the float check's window), so the relation's sides can be
evaluated at the same precision.
"""

from __future__ import annotations

from functools import cache

import mpmath as mp
import sympy as sp

from ...properties.precise_mdp import soft_policy_mp
from . import theory

__all__ = ["replay", "numbers"]



def _logsumexp(xs):
    m = max(xs)
    return m + mp.log(mp.fsum(mp.exp(x - m) for x in xs))


def replay(case, T: int) -> dict:
    """``{"Q_star", "logpi_star", "V_star", "Q": [Q^(k)], "logpi": [log pi^(k)],
    "tlx": [tau log xi^(k)]}`` for ``k = 0..T``, nested lists of mpf at the current
    ``mp.mp.dps``."""
    mdp = case.mdp
    S, A = mdp.n_states, mdp.n_actions
    g, tau = mp.mpf(float(mdp.gamma)), mp.mpf(float(case.tau))
    eta = mp.mpf(float(case.eta))
    alpha = 1 - eta * tau / (1 - g)
    P = [[[mp.mpf(float(mdp.P[s, a, u])) for u in range(S)] for a in range(A)]
         for s in range(S)]
    r = [[mp.mpf(float(mdp.r[s, a])) for a in range(A)] for s in range(S)]
    pi_star, V_star = soft_policy_mp(mdp.P, mdp.r, mdp.gamma, case.tau)

    def q_of(V):
        return [[r[s][a] + g * mp.fsum(P[s][a][u] * V[u] for u in range(S)) for a in range(A)]
                for s in range(S)]

    def evaluate(logpi):
        M, b = mp.matrix(S, S), mp.matrix(S, 1)
        for s in range(S):
            pi = [mp.exp(x) for x in logpi[s]]
            b[s] = mp.fsum(pi[a] * (r[s][a] - tau * logpi[s][a]) for a in range(A))
            for u in range(S):
                M[s, u] = (1 if s == u else 0) - g * mp.fsum(pi[a] * P[s][a][u]
                                                            for a in range(A))
        V = mp.lu_solve(M, b)
        return q_of([V[s] for s in range(S)])

    Q_star = q_of(V_star)
    logpi_star = [[mp.log(p) for p in row] for row in pi_star]
    logpi = []
    for s in range(S):
        row = [mp.mpf(float(x)) for x in case.logits0[s]]
        z = _logsumexp(row)
        logpi.append([x - z for x in row])
    logpis, Qs = [logpi], []
    tlx = [[[V_star[s] + tau * logpi[s][a] for a in range(A)] for s in range(S)]]
    for k in range(T + 1):
        Q = evaluate(logpis[-1])
        Qs.append(Q)
        if k == T:
            break
        tlx.append([[alpha * tlx[-1][s][a] + (1 - alpha) * Q[s][a] for a in range(A)]
                    for s in range(S)])
        new = []
        for s in range(S):
            logits = [alpha * logpis[-1][s][a] + (1 - alpha) * Q[s][a] / tau for a in range(A)]
            z = _logsumexp(logits)
            new.append([x - z for x in logits])
        logpis.append(new)
    return {"Q_star": Q_star, "logpi_star": logpi_star, "V_star": V_star, "Q": Qs,
            "logpi": logpis, "tlx": tlx}


@cache
def _c1():
    """Theory's C1 (23) as an mpmath function of keyword numbers."""
    expr = theory.C1_value
    syms = sorted(expr.free_symbols, key=lambda s: s.name)
    fn = sp.lambdify(syms, expr, modules="mpmath")
    return lambda **kw: fn(*(kw[s.name] for s in syms))


def _sup(x, y):
    return max(abs(a - b) for ra, rb in zip(x, y) for a, b in zip(ra, rb))


def numbers(case) -> dict:
    """The checks' numbers (``checks.NPGTerms.numbers``) at the current precision."""
    n = case.terms.compared
    rep = replay(case, max(n, 1))
    Qs, tlx = rep["Q"], rep["tlx"]
    Q_err = [_sup(rep["Q_star"], Q) for Q in Qs]
    logpi_err = [_sup(rep["logpi_star"], lp) for lp in rep["logpi"]]
    xi_err = [_sup(rep["Q_star"], x) for x in tlx]
    Q_drop = [max(a - b for ra, rb in zip(Qs[k], Qs[k + 1]) for a, b in zip(ra, rb))
              for k in range(len(Qs) - 1)]
    g, tau = mp.mpf(float(case.mdp.gamma)), mp.mpf(float(case.tau))
    eta = mp.mpf(float(case.eta))
    C1 = _c1()(**{"gamma": g, "lam": tau, "eta": eta, "Q0_err": Q_err[0],
                  "logpi0_err": logpi_err[0]})
    return {"gamma": g, "lam": tau, "eta": eta, "C1": C1,
            "t": [mp.mpf(k) for k in range(n)], "Q_err": Q_err[1:n + 1],
            "Q_err_prev": Q_err[:n], "logpi_err": logpi_err[1:n + 1],
            "xi_err": xi_err[:n], "xi_err_next": xi_err[1:n + 1],
            "Q_drop": Q_drop[:n], "y0": _sup(Qs[0], tlx[0]),
            "Q0_err": Q_err[0], "logpi0_err": logpi_err[0],
            "xi0_err": xi_err[0]}
