"""Compiled kernels (numba) of the sampled oracles' hot loops, and the switch that selects them.

Each kernel is a line-by-line transcription of its NumPy/Python reference, fed with the same
random numbers drawn by NumPy from the run's own ``Generator`` (so a run gives the same samples
alone or in a batch, compiled or not), and doing the same floating-point operations in the same
order: the results are **bit-equal** to the reference (``tests/algorithms/test_kernels.py``).

==========================  ========================================  ==========================
kernel                      reference                                 what
==========================  ========================================  ==========================
``pair_cdfs_batch``         ``Environment.pair_kernel``, ``_cdf``     pair-kernel CDF rows
``chain_batch``             ``Environment._chain_one``                the pair chain (TD's
                                                                      trajectory, episodes)
``td0_chain_batch``         ``rollout`` + ``critic._td0_tabular``     Algorithm 2, one-hot phi,
                                                                      fused with the chain
``draw_batch``              ``np.searchsorted`` (left)                ``(s, a) ~ d^pi_mu x pi``
``sgd_tabular_batch``       ``actor._sgd_tabular``                    Algorithm 3, one-hot phi
``td0_linear_batch``        ``critic._td0_vectorised``                Algorithm 2, general phi
``sgd_linear_batch``        ``actor._sgd_vectorised``                 Algorithm 3, general phi
``exact_affine_advance``    ``engine.step_batch`` (exact oracle)      Algorithm 1, exact oracle
==========================  ========================================  ==========================

The last one is not bit-equal: it solves the same equations with other code (Gaussian
elimination instead of LAPACK), for games affine in ``mu`` (``affine_model``: SIS), tabular
features and constant steps; ``nac_batch`` uses it between recorded iterations (recorded
iterations run the NumPy step, which also stores the step's q, A and w). The tests bound the
difference (1e-12 T relative to the scale over T iterations).

Inverse-CDF draws return the first index of the CDF row with an entry ``>= u``: the index
``bisect_left`` / ``searchsorted(side="left")`` (the references) return, since CDF rows are
non-decreasing and end at exactly 1 (short rows: the count of entries ``< u``, without a
data-dependent branch; long rows: bisection).

Why fused (``td0_chain_batch``): the trajectory of Algorithm 2 is consumed as it is drawn,
without the (B, K+1) arrays of pairs, rewards and costs; Algorithm 3's pairs are drawn in one
pass (``draw_batch``) and the SGD reads its targets ``A_hat(s, a)`` from the (B, S A) table.

The switch: compiled kernels are used when numba imports and the environment variable
``MFGCHECK_KERNELS`` is not ``numpy``; ``use_compiled()`` tells. ``cache=True`` keeps the
compiled code between processes (first use compiles in a few seconds).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

# The switch and the jit settings live with the numerics' kernels (one place for both).
from ..numerics.compiled import _jit, numba, use_compiled  # noqa: F401 - numba: tests read it


@_jit
def _first_geq(cdf, u):
    """The first index ``i`` with ``cdf[i] >= u`` (``cdf`` non-decreasing, last entry 1, ``u``
    in (0, 1]): ``bisect_left``. Short rows count the entries ``< u`` (the same index, since
    they form a prefix; no data-dependent branch to mispredict), long rows bisect."""
    n = cdf.shape[0]
    if n <= 32:
        i = 0
        for k in range(n):
            i += cdf[k] < u
        return i
    lo, hi = 0, n - 1
    while lo < hi:
        mid = (lo + hi) >> 1
        if cdf[mid] < u:
            lo = mid + 1
        else:
            hi = mid
    return lo


@_jit
def pair_cdfs_batch(P, pi, rho, gamma, restart):
    """``Environment.pair_kernel`` + ``_cdf`` for every run: CDF rows (B, SA, SA) of the pair
    kernel ``P(s'|s, a) pi(a'|s')`` (with ``restart``: ``(gamma P + (1 - gamma) rho(s'))``) and
    the CDF (B, SA) of the first pair ``rho(s) pi(a|s)``; running sums left to right, last
    entry set to exactly 1 (the reference's ``cumsum``)."""
    B, S, A = pi.shape
    n = S * A
    rows = np.empty((B, n, n))
    first = np.empty((B, n))
    for b in range(B):
        for s in range(S):
            for a in range(A):
                x = s * A + a
                c = 0.0
                for t in range(S):
                    p = P[b, s, a, t]
                    if restart:
                        p = gamma * p + (1.0 - gamma) * rho[t]
                    for a2 in range(A):
                        c += p * pi[b, t, a2]
                        rows[b, x, t * A + a2] = c
                rows[b, x, n - 1] = 1.0
        c = 0.0
        for s in range(S):
            for a in range(A):
                c += rho[s] * pi[b, s, a]
                first[b, s * A + a] = c
        first[b, n - 1] = 1.0
    return rows, first


@_jit
def chain_batch(rows, first, u):
    """Pair chains, one per run: ``rows`` (B, n, n) CDFs of the pair kernel, ``first`` (B, n)
    CDF of the first pair, ``u`` (B, K+1) uniforms in (0, 1]; returns (B, K+1) pair indices."""
    B, K1 = u.shape
    out = np.empty((B, K1), dtype=np.int64)
    for b in range(B):
        rb = rows[b]
        ub = u[b]
        x = _first_geq(first[b], ub[0])
        out[b, 0] = x
        for k in range(1, K1):
            x = _first_geq(rb[x], ub[k])
            out[b, k] = x
    return out


@_jit
def td0_chain_batch(rows, first, u, cost, steps, gamma, radius, psi0):
    """``chain_batch`` fused with TD(0) for one-hot features: the pair chain drawn as TD consumes it
    (``rows``, ``first``, ``u`` as in ``chain_batch``), ``cost`` (B, n) the per-pair cost
    ``r(s, a) - lam log pi(a|s)`` read at the visited pairs (the reference computes the same
    difference per sample: ``Trajectory.rewards - lam log pi``); the same operations in the
    same order as ``critic._td0_tabular`` on ``Environment.rollout``'s trajectory, without the
    (B, K+1) index, reward and cost arrays. ``steps`` (B, K), or (1, K) shared by the runs.
    Returns ``(psi_bar (B, n), n_proj (B,))``."""
    B, K1 = u.shape
    K = K1 - 1
    n = psi0.shape[1]
    out = np.empty((B, n))
    n_proj_out = np.zeros(B, dtype=np.int64)
    r2 = radius * radius
    for b in range(B):
        rb = rows[b]
        ub = u[b]
        cb = cost[b]
        sb = steps[b if steps.shape[0] > 1 else 0]
        psi = psi0[b].copy()
        acc = np.zeros(n)
        last = np.zeros(n, dtype=np.int64)
        nsq = 0.0
        for j in range(n):
            nsq += psi[j] * psi[j]
        n_proj = 0
        i = _first_geq(first[b], ub[0])
        for k in range(K):
            nxt = _first_geq(rb[i], ub[k + 1])
            cur = psi[i]
            new = cur + sb[k] * (cb[i] + gamma * psi[nxt] - cur)
            acc[i] += cur * (k + 1 - last[i])
            last[i] = k + 1
            psi[i] = new
            nsq += new * new - cur * cur
            if nsq > r2:
                nsq = 0.0
                for j in range(n):
                    nsq += psi[j] * psi[j]
                if nsq > r2:
                    scale = radius / math.sqrt(nsq)
                    for j in range(n):
                        acc[j] += psi[j] * (k + 1 - last[j])
                        last[j] = k + 1
                        psi[j] *= scale
                    nsq = 0.0
                    for j in range(n):
                        nsq += psi[j] * psi[j]
                    n_proj += 1
            i = nxt
        for j in range(n):
            acc[j] += psi[j] * (K - last[j])
            out[b, j] = acc[j] / K
        n_proj_out[b] = n_proj
    return out, n_proj_out


@_jit
def draw_batch(cdf, u):
    """Inverse-CDF draws, one law per run: ``cdf`` (B, n), ``u`` (B, K) in (0, 1]; returns the
    indices (B, K) (``environment._draw``)."""
    B, K = u.shape
    out = np.empty((B, K), dtype=np.int64)
    for b in range(B):
        cb = cdf[b]
        for k in range(K):
            out[b, k] = _first_geq(cb, u[b, k])
    return out


@_jit
def sgd_tabular_batch(x, advantage, pi, two_alpha, R):
    """``actor._sgd_tabular`` for every run: ``x`` (B, K) the sampled pairs ``s A + a``,
    ``advantage`` (B, S*A) read at them (the reference's targets), ``pi`` (B, S, A),
    ``two_alpha`` (B,); returns ``w_bar`` (B, S*A)."""
    B, K = x.shape
    S, A = pi.shape[1], pi.shape[2]
    out = np.empty((B, S * A))
    r2 = R * R
    for b in range(B):
        w = np.zeros((S, A))
        acc = np.zeros((S, A))
        last = np.zeros(S, dtype=np.int64)
        nsq = 0.0
        ta = two_alpha[b]
        for k in range(K):
            xk = x[b, k]
            s = xk // A
            a = xk - s * A
            mean = 0.0
            for j in range(A):
                mean += pi[b, s, j] * w[s, j]
            coef = ta * (w[s, a] - mean - advantage[b, xk])
            nk = k + 1 - last[s]
            last[s] = k + 1
            for j in range(A):
                old = w[s, j]
                acc[s, j] += old * nk
                new = old - coef * ((1.0 if j == a else 0.0) - pi[b, s, j])
                w[s, j] = new
                nsq += new * new - old * old
            if nsq > r2:
                nsq = 0.0
                for t in range(S):
                    for j in range(A):
                        nsq += w[t, j] * w[t, j]
                if nsq > r2:
                    scale = R / math.sqrt(nsq)
                    for t in range(S):
                        n_t = k + 1 - last[t]
                        last[t] = k + 1
                        for j in range(A):
                            acc[t, j] += w[t, j] * n_t
                            w[t, j] *= scale
                    nsq = 0.0
                    for t in range(S):
                        for j in range(A):
                            nsq += w[t, j] * w[t, j]
        for t in range(S):
            for j in range(A):
                acc[t, j] += w[t, j] * (K - last[t])
                out[b, t * A + j] = acc[t, j] / K
    return out


# -- general linear features: NumPy's row sums reproduced ------------------------------------
# The references (``critic._td0_vectorised``, ``actor._sgd_vectorised``) form dot products and
# squared norms as ``(u * v).sum(axis=-1)``: NumPy sums a contiguous row pairwise (below 8 terms
# left to right from 0; up to 128 terms eight interleaved partial sums, combined as
# ``((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))``, then the rest left to right; longer
# rows split in two halves of a multiple of 8 and recurse), and the reduction adds that to its
# identity 0. ``_row_dot`` does the same additions on the same products: the kernels below are
# bit-equal to their references (tests/algorithms/test_kernels.py also checks ``_row_dot``
# against ``np.sum`` directly, so a NumPy that sums otherwise is seen, not silently absorbed).


@_jit
def _block_dot(u, v, lo, n):
    """NumPy's ``pairwise_sum`` of ``u[lo + i] * v[lo + i]``, ``i < n <= 128`` (no split)."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += u[i] * v[i]
        return res
    r0 = u[lo] * v[lo]
    r1 = u[lo + 1] * v[lo + 1]
    r2 = u[lo + 2] * v[lo + 2]
    r3 = u[lo + 3] * v[lo + 3]
    r4 = u[lo + 4] * v[lo + 4]
    r5 = u[lo + 5] * v[lo + 5]
    r6 = u[lo + 6] * v[lo + 6]
    r7 = u[lo + 7] * v[lo + 7]
    i = 8
    while i < n - n % 8:
        j = lo + i
        r0 += u[j] * v[j]
        r1 += u[j + 1] * v[j + 1]
        r2 += u[j + 2] * v[j + 2]
        r3 += u[j + 3] * v[j + 3]
        r4 += u[j + 4] * v[j + 4]
        r5 += u[j + 5] * v[j + 5]
        r6 += u[j + 6] * v[j + 6]
        r7 += u[j + 7] * v[j + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += u[lo + i] * v[lo + i]
        i += 1
    return res


@_jit
def _row_dot(u, v):
    """``(u * v).sum(axis=-1)`` of one row, bit for bit (the comment above). Rows longer than
    128 split as NumPy's recursion does, walked with an explicit stack (a recursive numba
    function loaded from the cache crashes)."""
    n = u.shape[0]
    if n <= 128:
        return 0.0 + _block_dot(u, v, 0, n)
    # post-order walk: (lo, n, 0) = visit, (lo, n, 1) = add the two halves' sums
    todo = np.empty((192, 3), dtype=np.int64)
    vals = np.empty(64)
    top, nv = 0, 0
    todo[0, 0], todo[0, 1], todo[0, 2] = 0, n, 0
    top = 1
    while top > 0:
        top -= 1
        lo, m, combine = todo[top, 0], todo[top, 1], todo[top, 2]
        if combine == 1:
            nv -= 1
            vals[nv - 1] = vals[nv - 1] + vals[nv]
        elif m <= 128:
            vals[nv] = _block_dot(u, v, lo, m)
            nv += 1
        else:
            m2 = m // 2
            m2 -= m2 % 8
            todo[top, 0], todo[top, 1], todo[top, 2] = lo, m, 1
            todo[top + 1, 0], todo[top + 1, 1], todo[top + 1, 2] = lo + m2, m - m2, 0
            todo[top + 2, 0], todo[top + 2, 1], todo[top + 2, 2] = lo, m2, 0
            top += 3
    return 0.0 + vals[0]


@_jit
def row_dot_batch(u, v):
    """``_row_dot`` of every row of ``u``, ``v`` (B, d): for the test against ``np.sum``."""
    out = np.empty(u.shape[0])
    for b in range(u.shape[0]):
        out[b] = _row_dot(u[b], v[b])
    return out


@_jit
def td0_linear_batch(x, cost, steps, gamma, radius, phi, psi0):
    """``critic._td0_vectorised`` for every run, same arguments except ``phi`` (S*A, d): ``x``
    (B, K+1) the trajectory's pairs ``s A + a``, ``cost`` (B, K+1) its ``r_k - lam log
    pi(a_k|s_k)``, ``steps`` (B, K), ``psi0`` (B, d). The same operations in the same order as
    the reference; returns ``(psi_bar (B, d), n_proj (B,))``."""
    B, K1 = x.shape
    K = K1 - 1
    d = phi.shape[1]
    out = np.empty((B, d))
    n_proj_out = np.zeros(B, dtype=np.int64)
    for b in range(B):
        psi = psi0[b].copy()
        acc = np.zeros(d)
        n_proj = 0
        for k in range(K):
            for j in range(d):
                acc[j] += psi[j]
            f = phi[x[b, k]]
            delta = cost[b, k] + gamma * _row_dot(psi, phi[x[b, k + 1]]) - _row_dot(psi, f)
            c = steps[b, k] * delta
            for j in range(d):
                psi[j] += c * f[j]
            norm = math.sqrt(_row_dot(psi, psi))
            if norm > radius:
                scale = radius / norm
                for j in range(d):
                    psi[j] *= scale
                n_proj += 1
        for j in range(d):
            out[b, j] = acc[j] / K
        n_proj_out[b] = n_proj
    return out, n_proj_out


@_jit
def sgd_linear_batch(x, targets, mean_phi, phi, two_alpha, R):
    """``actor._sgd_vectorised`` for every run: ``x`` (B, K) the sampled pairs ``s A + a``,
    ``targets`` (B, K) ``A_hat`` at them, ``mean_phi`` (B, S, d) ``sum_a pi(a|s) phi_{s,a}``
    (``actor._mean_features``), ``phi`` (S*A, d), ``two_alpha`` (B,); the same operations in
    the same order as the reference; returns ``w_bar`` (B, d)."""
    B, K = x.shape
    A = phi.shape[0] // mean_phi.shape[1]
    d = phi.shape[1]
    out = np.empty((B, d))
    g = np.empty(d)
    for b in range(B):
        w = np.zeros(d)
        acc = np.zeros(d)
        ta = two_alpha[b]
        for k in range(K):
            for j in range(d):
                acc[j] += w[j]
            xk = x[b, k]
            s = xk // A
            for j in range(d):
                g[j] = phi[xk, j] - mean_phi[b, s, j]
            c = ta * (_row_dot(w, g) - targets[b, k])
            for j in range(d):
                w[j] -= c * g[j]
            norm = math.sqrt(_row_dot(w, w))
            if norm > R:
                scale = R / norm
                for j in range(d):
                    w[j] *= scale
        for j in range(d):
            out[b, j] = acc[j] / K
    return out


# -- Algorithm 1 with the exact oracle, tabular features, games affine in mu ----------------
# The game checks of the NumPy path (``Game.transition_at`` / ``reward_at`` at every new mean
# field: entries >= -tol, row sums within tol of 1, rewards inside reward_range; NaN fails
# every comparison) run inside ``exact_affine_advance`` on the P(mu_t), r(mu_t) it builds.
# ``GAME_CHECKS = False`` turns them off: only for benchmarks/validation.py, which measures
# what they cost.
GAME_CHECKS = True


class AffineModel(NamedTuple):
    """``affine_model``'s result: ``P`` (S, S, A, S) and ``r`` (S, S, A) base and differences,
    and ``bounds = (sum_tol, r_lo, r_hi)`` of the game checks (``_validate.is_stochastic``,
    ``in_range``: the tolerances are theirs)."""

    P: np.ndarray
    r: np.ndarray
    bounds: np.ndarray


def affine_model(game, rtol: float = 1e-13) -> AffineModel | None:
    """``(P_d, r_d)`` with ``P_d[0] = P(e_0)`` and ``P_d[j] = P(e_j) - P(e_0)`` (j >= 1), and the
    same for ``r``, when ``P(mu) = P(e_0) + sum_{j >= 1} mu_j (P(e_j) - P(e_0))`` on the simplex
    (the game is affine in ``mu``; SIS: the infection probability is ``0.92 mu(I)``), checked
    at 4 random mean fields to ``rtol`` relative to the largest entry; ``None`` otherwise (the
    NumPy path runs). Why differences from a base, not ``sum_j mu_j P(e_j)``: the rows of
    ``P(e_0) + sum_j mu_j D_j`` sum to 1 whatever the rounding of ``sum mu``; with the convex
    form a mass error ``e`` of ``mu`` becomes ``(1 + beta) e`` in one step of the mean field
    and grows geometrically (it did: 6e-6 after 300 iterations)."""
    from .._validate import _fast_tol, _reward_tol

    S = game.n_states
    eye = np.eye(S)
    Pv = game.transition_at(eye[:, None, :])[:, 0]       # as the NumPy path evaluates it
    rv = game.reward_at(eye[:, None, :])[:, 0]
    Pd = np.concatenate([Pv[:1], Pv[1:] - Pv[:1]])
    rd = np.concatenate([rv[:1], rv[1:] - rv[:1]])
    rng = np.random.default_rng(0)
    for mu in rng.dirichlet(np.ones(S), size=4):
        P, r = game.transition_at(mu), game.reward_at(mu)
        P_lin = Pd[0] + np.tensordot(mu[1:], Pd[1:], 1)
        r_lin = rd[0] + np.tensordot(mu[1:], rd[1:], 1)
        if (np.abs(P - P_lin).max() > rtol * max(1.0, np.abs(P).max())
                or np.abs(r - r_lin).max() > rtol * max(1.0, np.abs(r).max())):
            return None
    r_tol = _reward_tol(np.float64, game.reward_range)
    lo, hi = game.reward_range
    bounds = np.array([_fast_tol(np.float64, S), lo - r_tol, hi + r_tol])
    return AffineModel(np.ascontiguousarray(Pd, dtype=np.float64),
                       np.ascontiguousarray(rd, dtype=np.float64), bounds)


def exact_affine_advance(model: AffineModel, theta, mu, eta, beta, lam, gamma, R, n_steps,
                         sum_pi, sum_mu, max_norm, min_pi) -> int:
    """``n_steps`` iterations of Algorithm 1 with the exact oracle (``_exact_affine_advance``)
    on ``model`` (``affine_model``), with the game checks unless ``GAME_CHECKS`` is off;
    returns the number of iterations done (fewer when an iteration must run in NumPy)."""
    return _exact_affine_advance(model.P, model.r, model.bounds, GAME_CHECKS, theta, mu, eta,
                                 beta, lam, gamma, R, n_steps, sum_pi, sum_mu, max_norm, min_pi)


@_jit
def _softmax_row(theta, b, s, A, pi, logpi_s):
    """``pi[b, s, :]`` = softmax of the tabular logits ``theta[b, s A : (s + 1) A]`` and
    ``logpi_s[:]`` its log, stable (the largest logit subtracted); the exact steps' policy
    (this module's kernel and ``exact_kernels``)."""
    am = 0                              # the largest logit: exp(0) = 1 exactly, no call for it
    for a in range(1, A):
        if theta[b, s * A + a] > theta[b, s * A + am]:
            am = a
    z = theta[b, s * A + am]
    Z = 0.0
    for a in range(A):
        e = 1.0 if a == am else math.exp(theta[b, s * A + a] - z)
        pi[b, s, a] = e
        Z += e
    lZ = math.log(Z)
    for a in range(A):
        pi[b, s, a] /= Z
        logpi_s[a] = theta[b, s * A + a] - z - lZ


@_jit
def _gauss_solve(M, V):
    """``V <- M^{-1} V`` for a square ``M`` (S, S) by Gaussian elimination with partial
    pivoting, in place (``M`` is destroyed); the exact steps' value solve
    ``(I - gamma P_pi) V = E_pi[r - lam log pi]`` (this kernel and ``exact_kernels``)."""
    S = M.shape[0]
    for c in range(S):
        p = c
        for i in range(c + 1, S):
            if abs(M[i, c]) > abs(M[p, c]):
                p = i
        if p != c:
            for j in range(S):
                tmp = M[c, j]
                M[c, j] = M[p, j]
                M[p, j] = tmp
            tmp = V[c]
            V[c] = V[p]
            V[p] = tmp
        for i in range(c + 1, S):
            f = M[i, c] / M[c, c]
            for j in range(c, S):
                M[i, j] -= f * M[c, j]
            V[i] -= f * V[c]
    for c in range(S - 1, -1, -1):
        acc = V[c]
        for j in range(c + 1, S):
            acc -= M[c, j] * V[j]
        V[c] = acc / M[c, c]


@_jit
def _exact_affine_advance(Pv, rv, bounds, check, theta, mu, eta, beta, lam, gamma, R, n_steps,
                          sum_pi, sum_mu, max_norm, min_pi):
    """``Pv``, ``rv``: ``affine_model``'s base and differences. ``n_steps`` iterations of
    Algorithm 1 with the exact oracle and tabular features for every run, in place on
    ``theta`` (B, S*A), ``mu`` (B, S) and the running sums; the same maths as ``engine.step_batch``
    (``V = (I - gamma P_pi)^{-1} E_pi[r - lam log pi]`` by Gaussian elimination with partial
    pivoting, ``w = A - mean_a A``). With ``check``, ``P(mu_t)`` and ``r(mu_t)`` as built here
    pass the game checks of ``Game.transition_at`` / ``reward_at`` (``bounds = (tol, r_lo,
    r_hi)``: entries >= -tol, row sums in [1 - tol, 1 + tol], r in [r_lo, r_hi]; NaN fails).
    Stops, before an iteration changes anything, at the first iteration where some run's
    ``||w|| > R`` (the constrained actor then runs in NumPy) or fails a check (the NumPy step
    then evaluates the game itself and raises the detailed error); returns the number of
    iterations done."""
    tol, r_lo, r_hi = bounds[0], bounds[1], bounds[2]
    B = theta.shape[0]
    S, A = Pv.shape[1], Pv.shape[2]
    P = np.empty((S, A, S))
    r = np.empty((S, A))
    logpi = np.empty((S, A))
    M = np.empty((S, S))
    V = np.empty(S)
    pi = np.empty((B, S, A))
    Ppi = np.empty((B, S, S))
    w = np.empty((B, S * A))
    pop = np.empty(S)
    for step in range(n_steps):
        binding = False
        for b in range(B):
            nt = 0.0
            for i in range(S * A):
                nt += theta[b, i] * theta[b, i]
            if math.sqrt(nt) > max_norm[b]:
                max_norm[b] = math.sqrt(nt)
            for s in range(S):
                _softmax_row(theta, b, s, A, pi, logpi[s])
                for a in range(A):
                    if pi[b, s, a] < min_pi[b]:
                        min_pi[b] = pi[b, s, a]
            bad = False
            for s in range(S):
                for a in range(A):
                    rr = rv[0, s, a]
                    for j in range(1, S):
                        rr += mu[b, j] * rv[j, s, a]
                    r[s, a] = rr
                    row, low = 0.0, 0.0
                    for t in range(S):
                        pp = Pv[0, s, a, t]
                        for j in range(1, S):
                            pp += mu[b, j] * Pv[j, s, a, t]
                        P[s, a, t] = pp
                        row += pp
                        low = min(low, pp)
                    # written so that NaN fails: a NaN entry makes the row sum NaN
                    bad |= not (low >= -tol and abs(row - 1.0) <= tol
                                and r_lo <= rr <= r_hi)
            if check and bad:
                return step
            for s in range(S):
                rhs = 0.0
                for a in range(A):
                    rhs += pi[b, s, a] * (r[s, a] - lam * logpi[s, a])
                V[s] = rhs
                for t in range(S):
                    pp = 0.0
                    for a in range(A):
                        pp += pi[b, s, a] * P[s, a, t]
                    Ppi[b, s, t] = pp
                    M[s, t] = (1.0 if s == t else 0.0) - gamma * pp
            _gauss_solve(M, V)
            nw = 0.0
            for s in range(S):
                mean_q = 0.0
                for a in range(A):
                    q = 0.0
                    for t in range(S):
                        q += P[s, a, t] * V[t]
                    q = r[s, a] + gamma * q
                    w[b, s * A + a] = q
                    mean_q += pi[b, s, a] * q
                m = 0.0
                for a in range(A):
                    w[b, s * A + a] -= mean_q
                    m += w[b, s * A + a]
                m /= A
                for a in range(A):
                    w[b, s * A + a] -= m
                    nw += w[b, s * A + a] * w[b, s * A + a]
            if math.sqrt(nw) > R:
                binding = True
        if binding:
            return step
        for b in range(B):
            for s in range(S):
                for a in range(A):
                    sum_pi[b, s, a] += pi[b, s, a]
            for t in range(S):
                acc = 0.0
                for s in range(S):
                    acc += mu[b, s] * Ppi[b, s, t]
                pop[t] = acc
                sum_mu[b, t] += mu[b, t]
            for t in range(S):
                mu[b, t] = (1.0 - beta[b]) * mu[b, t] + beta[b] * pop[t]
            el = eta[b] * lam
            for i in range(S * A):
                theta[b, i] = (1.0 - el) * theta[b, i] + eta[b] * w[b, i]
    return n_steps
