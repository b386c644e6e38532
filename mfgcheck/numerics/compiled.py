"""Compiled (numba) inner loops of the exact numerics, bit-equal to their NumPy references.

Each kernel does the reference's floating-point operations in the reference's order, so the
results are the same bits (``tests/numerics/test_compiled.py`` compares them on many random
inputs). NumPy's orders, which the kernels reproduce:

- ``x.sum()`` of a contiguous vector (and ``X.sum(-1)`` of each row of a C array) is NumPy's
  pairwise summation (``_pairwise_sum``: below 8 entries a plain loop from 0; up to 128, eight
  running sums over strided entries combined as ``((r0 + r1) + (r2 + r3)) + ((r4 + r5) +
  (r6 + r7))``, then the remainder one by one; longer vectors split in halves at a multiple
  of 8);
- ``X.sum(0)`` adds the rows one after the other.

``use_compiled()``: numba imports and the environment variable ``MFGCHECK_KERNELS`` is not
``numpy`` (the one switch: ``algorithms.kernels`` reads it from here); ``cache=True`` keeps
the compiled code between processes.
"""

from __future__ import annotations

import os

import numpy as np

try:
    import numba
except ImportError:  # pragma: no cover - numba is a dependency; the references still work
    numba = None  # type: ignore[assignment]


def use_compiled() -> bool:
    """Whether the compiled kernels run (module docstring; ``algorithms.kernels`` too)."""
    return numba is not None and os.environ.get("MFGCHECK_KERNELS", "numba") != "numpy"


def _jit(fn):
    return numba.njit(cache=True, nogil=True, error_model="numpy")(fn) if numba is not None else fn


@_jit
def _block_sum(x, lo, n):
    """NumPy's sum of ``x[lo:lo + n]`` for ``n <= 128`` (one block, no split)."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += x[i]
        return res
    r0, r1, r2, r3 = x[lo], x[lo + 1], x[lo + 2], x[lo + 3]
    r4, r5, r6, r7 = x[lo + 4], x[lo + 5], x[lo + 6], x[lo + 7]
    m = n - n % 8
    i = 8
    while i < m:
        r0 += x[lo + i]
        r1 += x[lo + i + 1]
        r2 += x[lo + i + 2]
        r3 += x[lo + i + 3]
        r4 += x[lo + i + 4]
        r5 += x[lo + i + 5]
        r6 += x[lo + i + 6]
        r7 += x[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += x[lo + i]
        i += 1
    return res


@_jit
def _pairwise_sum(x, lo, n):
    """NumPy's sum of ``x[lo:lo + n]`` (module docstring): blocks of at most 128 combined as
    NumPy's recursion does (``sum(left half) + sum(right half)``), with an explicit stack (a
    recursive function does not survive numba's cache)."""
    if n <= 128:
        return _block_sum(x, lo, n)
    los = np.empty(64, dtype=np.int64)
    ns = np.empty(64, dtype=np.int64)
    stage = np.zeros(64, dtype=np.int64)
    vals = np.empty(64)
    los[0], ns[0], top, nv = lo, n, 1, 0
    while top > 0:
        k = top - 1
        m = ns[k]
        if m <= 128:
            vals[nv] = _block_sum(x, los[k], m)
            nv += 1
            top -= 1
            continue
        n2 = m // 2
        n2 -= n2 % 8
        if stage[k] == 0:                           # the left half first
            stage[k] = 1
            los[top], ns[top], stage[top] = los[k], n2, 0
            top += 1
        elif stage[k] == 1:                         # then the right half
            stage[k] = 2
            los[top], ns[top], stage[top] = los[k] + n2, m - n2, 0
            top += 1
        else:                                       # left + right
            vals[nv - 2] = vals[nv - 2] + vals[nv - 1]
            nv -= 1
            top -= 1
    return vals[0]


@_jit
def _column_total(M, act, out):
    """``M[arange(S), act].sum(0)`` into ``out``: the rows added one after the other."""
    S = M.shape[0]
    for t in range(S):
        out[t] = M[0, act[0], t]
    for s in range(1, S):
        for t in range(S):
            out[t] += M[s, act[s], t]


@_jit
def coordinate_ascent(M, act):
    """``assumption_constants.mean_field_gap_sup``'s coordinate ascent from the actions
    ``act`` (S,), in place: maximise ``sum_t |sum_s M[s, act[s], t]|`` one state at a time
    until no state improves by more than 1e-15; returns the value (``act`` holds the
    maximiser)."""
    S, A = M.shape[0], M.shape[1]
    tot = np.empty(S)
    base = np.empty(S)
    row = np.empty(S)
    _column_total(M, act, tot)
    for t in range(S):
        row[t] = abs(tot[t])
    val = _pairwise_sum(row, 0, S)
    improved = True
    while improved:
        improved = False
        for s in range(S):
            _column_total(M, act, tot)
            for t in range(S):
                base[t] = tot[t] - M[s, act[s], t]
            best_a, best = 0, -np.inf
            for a in range(A):
                for t in range(S):
                    row[t] = abs(base[t] + M[s, a, t])
                c = _pairwise_sum(row, 0, S)
                if c > best:                    # the first maximum: numpy's argmax
                    best_a, best = a, c
            if best > val + 1e-15:
                act[s], val, improved = best_a, best, True
    return val
