"""The entropy-regularised optimal policy of a tabular MDP at high precision (mpmath).

Soft policy iteration: evaluate the policy exactly by an LU solve of
``(I - gamma P_pi) V = r_pi + lam H(pi)`` at ``mp.mp.dps`` digits, improve it to the softmax
``pi(a|s) ∝ exp(Q(s, a)/lam)``, stop when the Bellman residual is 10 digits below the working
precision. It shares no float routine with ``mfgcheck.numerics``, which is why the
confirmation routes (``properties.confirm``), the run replay (``properties.replay``) and other
papers' replays use it as their independent route. Its own module so that those can import it
without importing each other.
"""

from __future__ import annotations

import mpmath as mp

__all__ = ["soft_policy_mp"]


def _mp(x):
    """An mpf as is; a float (or NumPy number) as the exact binary number it is."""
    return x if isinstance(x, mp.mpf) else mp.mpf(float(x))


def soft_policy_mp(P, r, gamma, lam, pi0=None, max_iter: int = 200):
    """The regularised optimal policy and values at ``mp.mp.dps`` digits (module docstring).
    ``P[s][a][t]``, ``r[s][a]``: arrays or nested lists of floats or mpf. Returns ``(pi, V)``
    as nested lists of mpf."""
    S, A = len(r), len(r[0])
    g, lam = _mp(gamma), _mp(lam)
    Pm = [[[_mp(P[s][a][t]) for t in range(S)] for a in range(A)] for s in range(S)]
    rm = [[_mp(r[s][a]) for a in range(A)] for s in range(S)]
    if pi0 is None:
        pi = [[mp.mpf(1) / A] * A for _ in range(S)]
    else:  # any strictly positive start; Newton converges from it
        pi = [[_mp(max(pi0[s][a], 1e-300)) for a in range(A)] for s in range(S)]
        pi = [[p / mp.fsum(row) for p in row] for row in pi]
    tol = mp.mpf(10) ** (-(mp.mp.dps - 10))
    V = None
    for _ in range(max_iter):
        # policy evaluation: (I - gamma P_pi) V = r_pi + lam H(pi)
        M = mp.matrix(S, S)
        b = mp.matrix(S, 1)
        for s in range(S):
            ent = -mp.fsum(p * mp.log(p) for p in pi[s] if p > 0)
            b[s] = mp.fsum(pi[s][a] * rm[s][a] for a in range(A)) + lam * ent
            for t in range(S):
                M[s, t] = (1 if s == t else 0) - g * mp.fsum(pi[s][a] * Pm[s][a][t]
                                                            for a in range(A))
        V = mp.lu_solve(M, b)
        Q = [[rm[s][a] + g * mp.fsum(Pm[s][a][t] * V[t] for t in range(S)) for a in range(A)]
             for s in range(S)]
        new_V = []
        new_pi = []
        for s in range(S):
            m = max(Q[s])
            e = [mp.exp((q - m) / lam) for q in Q[s]]
            z = mp.fsum(e)
            new_V.append(m + lam * mp.log(z))
            new_pi.append([x / z for x in e])
        residual = max(abs(new_V[s] - V[s]) for s in range(S))
        pi = new_pi
        if residual < tol:
            return pi, [V[s] for s in range(S)]
    raise ArithmeticError(f"soft policy iteration in mpmath: residual {mp.nstr(residual, 3)} "
                          f"after {max_iter} iterations")
