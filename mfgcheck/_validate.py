"""Input validation shared by every module: bad input raises, it is never computed on.

Each check names the field and the problem, e.g. ``transition(mu)[s=1, a=0] sums to 0.97,
not 1`` or ``gamma: 1.5 must lie in (0, 1)``; the error is ``InvalidInputError`` (a
``ValueError``), which the command line turns into exit status 2 and a one-line message.

Tolerances come from what is compared. A row of ``n`` probabilities stored with machine
epsilon ``eps`` sums to 1 only within about ``n eps`` (``sum_tol``): float32 data are accepted
at float32 precision and then carried in float64. For float64 the floor is ``ATOL = 1e-9``
(about ``2^22`` roundings of ``eps = 2.2e-16``): running averages over T up to 1e6 steps and
population flows drift by that much, and must still count as distributions.
"""

from __future__ import annotations

import math
import operator

import numpy as np

from ._errors import InvalidInputError  # defined apart: light modules raise it without NumPy

ATOL = 1e-9
_EPS64 = float(np.finfo(np.float64).eps)
_F64 = np.dtype(np.float64)


# -- scalars -----------------------------------------------------------------------------------

def check_int(name: str, x, *, minimum: int | None = None) -> int:
    """``x`` as an ``int``; integral floats (``3.0``) pass, ``2.5``, ``True``, ``"3"`` do not."""
    if isinstance(x, (bool, np.bool_)):
        raise InvalidInputError(f"{name}: {x!r} is a bool, not an integer")
    try:
        v = operator.index(x)
    except TypeError:
        try:
            f = float(x)
        except (TypeError, ValueError):
            raise InvalidInputError(f"{name}: {x!r} is not an integer") from None
        if isinstance(x, (str, bytes)) or not math.isfinite(f) or not f.is_integer():
            raise InvalidInputError(f"{name}: {x!r} is not an integer") from None
        v = int(f)
    if minimum is not None and v < minimum:
        raise InvalidInputError(f"{name}: {v} must be an integer >= {minimum}")
    return v


def _interval(gt, ge, lt, le) -> str:
    """``"in (0, 1)"``, ``"> 0"``, ``">= 1"`` ... (empty without bounds)."""
    lo = f"({gt:g}" if gt is not None else (f"[{ge:g}" if ge is not None else None)
    hi = f"{lt:g})" if lt is not None else (f"{le:g}]" if le is not None else None)
    if lo and hi:
        return f"in {lo}, {hi}"
    if lo:
        return f"> {gt:g}" if gt is not None else f">= {ge:g}"
    if hi:
        return f"< {lt:g}" if lt is not None else f"<= {le:g}"
    return ""


def check_number(name: str, x, *, gt=None, ge=None, lt=None, le=None,
                 finite: bool = True) -> float:
    """``x`` as a float, finite (unless ``finite=False``) and inside the given bounds."""
    if isinstance(x, (bool, np.bool_)):
        raise InvalidInputError(f"{name}: {x!r} is a bool, not a number")
    if isinstance(x, (str, bytes)):
        raise InvalidInputError(f"{name}: {x!r} is a string, not a number")
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{name}: {x!r} is not a number") from None
    where = _interval(gt, ge, lt, le)
    if math.isnan(v) or (finite and math.isinf(v)):
        raise InvalidInputError(f"{name}: {x!r} must be a finite number {where}".rstrip())
    ok = ((gt is None or v > gt) and (ge is None or v >= ge)
          and (lt is None or v < lt) and (le is None or v <= le))
    if not ok:
        raise InvalidInputError(f"{name}: {x!r} must be {where}")
    return v


def check_positive(name: str, x) -> float:
    """A finite number > 0 (radii, step sizes, entropy weights)."""
    return check_number(name, x, gt=0.0)


def check_discount(gamma, name: str = "gamma") -> float:
    """The discount factor, in the open interval (0, 1)."""
    return check_number(name, gamma, gt=0.0, lt=1.0)


def check_temperature(lam, name: str = "lam") -> float:
    """The entropy weight, a finite number > 0."""
    return check_number(name, lam, gt=0.0)


# -- arrays ------------------------------------------------------------------------------------

def sum_tol(dtype, n: int) -> float:
    """Tolerance on ``|sum - 1|`` of ``n`` probabilities stored as ``dtype`` (module doc)."""
    dtype = np.dtype(dtype)
    eps = float(np.finfo(dtype).eps) if np.issubdtype(dtype, np.floating) else _EPS64
    return max(ATOL, 4.0 * max(n, 1) * eps)


def _dtype(x):
    dt = getattr(x, "dtype", None)
    return dt if dt is not None and np.issubdtype(dt, np.floating) else np.float64


def as_float_array(name: str, x, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """``x`` as a float64 array, finite, with the expected trailing ``shape`` (if given)."""
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{name}: not numeric ({exc})") from None
    if shape is not None and (arr.ndim < len(shape) or arr.shape[arr.ndim - len(shape):] != shape):
        raise InvalidInputError(f"{name}: shape {arr.shape}, expected {shape} (optionally batched)")
    bad = ~np.isfinite(arr)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InvalidInputError(f"{name}: entry {where} is {arr[where]} (NaN or infinite)")
    return arr


def check_nonnegative(name: str, x, shape: tuple[int, ...] | None = None,
                      *, atol: float | None = None) -> np.ndarray:
    """A finite float64 array with no entry below ``-atol`` (default ``sum_tol`` of its dtype);
    entries within the tolerance are clipped to 0."""
    tol = sum_tol(_dtype(x), 1) if atol is None else atol
    arr = as_float_array(name, x, shape)
    if (arr < -tol).any():
        where = tuple(int(i) for i in np.argwhere(arr < -tol)[0])
        raise InvalidInputError(f"{name}: entry {where} is negative ({arr[where]:.3g})")
    return np.clip(arr, 0.0, None)


def check_simplex(name: str, x, n: int, *, atol: float | None = None) -> np.ndarray:
    """Rows over the last axis are probability vectors of length ``n``.

    The tolerance is ``sum_tol(dtype, n)`` unless ``atol`` is given. Rows accepted are
    returned as float64, clipped at 0 and renormalised to sum to 1 exactly: a running average
    of policies drifts by ~1e-12, and a population flow driven by rows summing to
    ``1 + 1e-12`` gains mass at every step and never settles.
    """
    tol = sum_tol(_dtype(x), n) if atol is None else atol
    arr = check_nonnegative(name, x, (n,), atol=tol)
    sums = arr.sum(axis=-1)
    off = np.abs(sums - 1.0) > tol
    if off.any():
        where = tuple(int(i) for i in np.argwhere(off)[0]) if sums.ndim else ()
        label = f"{name}{list(where) if where else ''}"
        total = sums[where] if where else float(sums)
        if abs(total) <= tol:
            raise InvalidInputError(f"{label}: sums to 0 (a zero row cannot be a distribution)")
        raise InvalidInputError(f"{label}: sums to {total:.12g}, not 1 (tolerance {tol:.2g})")
    return arr / arr.sum(axis=-1, keepdims=True)


def check_policy(name: str, policy, n_states: int, n_actions: int) -> np.ndarray:
    """A (..., S, A) array whose rows are distributions over actions."""
    if np.shape(policy)[-2:] != (n_states, n_actions):
        raise InvalidInputError(f"{name}: shape {np.shape(policy)}, expected "
                                f"({n_states}, {n_actions}) (optionally batched)")
    return check_simplex(name, policy, n_actions)


def check_transition(name: str, P, n_states: int, n_actions: int) -> np.ndarray:
    """A (..., S, A, S) array of next-state distributions."""
    if np.shape(P)[-3:] != (n_states, n_actions, n_states):
        raise InvalidInputError(f"{name}: shape {np.shape(P)}, expected "
                                f"({n_states}, {n_actions}, {n_states}) (optionally batched)")
    return check_simplex(name, P, n_states)


def _reward_tol(dtype, reward_range) -> float:
    """Rounding allowed at the ends of ``reward_range``: ``sum_tol`` scaled by its ends."""
    lo, hi = reward_range
    return _fast_tol(dtype, 1) * max(1.0, abs(lo), abs(hi))


def check_reward(name: str, r, n_states: int, n_actions: int,
                 reward_range: tuple[float, float] | None = None) -> np.ndarray:
    tol = 0.0 if reward_range is None else _reward_tol(_dtype(r), reward_range)
    arr = as_float_array(name, r, (n_states, n_actions))
    if reward_range is not None:
        lo, hi = reward_range
        if (arr < lo - tol).any() or (arr > hi + tol).any():
            raise InvalidInputError(
                f"{name}: values in [{arr.min():.6g}, {arr.max():.6g}] leave the declared "
                f"reward_range [{lo:.6g}, {hi:.6g}]"
            )
    return arr


# -- the fast path: a game evaluated at a solver's own mean field --------------------------------
# These run at every step of the algorithms, where a step of a small game costs ~150 us: a
# fast test returning a bool (a handful of numpy calls, nothing allocated of P's size), and
# the detailed check, which raises with the precise message, only when it fails.
_TOLS: dict = {}
_MIN, _MAX, _ADD = np.minimum.reduce, np.maximum.reduce, np.add.reduce  # no wrappers
_FEW_STATES = 8              # row sums by column additions up to here (_row_sums)
_ONE_THREAD_BLOCK = 2304 * 3     # below OpenBLAS's 2304 * 4: a product on one thread


def _fast_tol(dtype, n: int) -> float:
    key = (dtype, n)
    tol = _TOLS.get(key)
    if tol is None:
        tol = _TOLS[key] = sum_tol(dtype if np.issubdtype(dtype, np.floating) else np.float64,
                                   n)
    return tol


def _last_axis_sums(x: np.ndarray, n: int) -> np.ndarray:
    """Sums over the last axis (length ``n``) of ``x``, flattened: column additions for short
    rows (numpy's sum over a short last axis costs a loop per row), einsum otherwise."""
    rows = x.reshape(-1, n)
    if n > _FEW_STATES:
        return np.einsum("ij->i", rows)
    sums = rows[:, 0].copy() if n == 1 else rows[:, 0] + rows[:, 1]
    for j in range(2, n):
        sums += rows[:, j]
    return sums


def _row_sums(P, n_states: int, n_actions: int) -> np.ndarray:
    """Row sums of a (..., S, A, S) array: ``_last_axis_sums``, except for blocks that fit a
    matrix-vector product BLAS runs on one thread, which is faster than einsum (OpenBLAS
    threads a product above 2304 * 4 entries, and threads woken at every step stall for
    milliseconds on a loaded machine)."""
    S = n_states
    if S > _FEW_STATES and n_actions * S * S <= _ONE_THREAD_BLOCK:
        return (P.reshape(-1, n_actions * S, S) @ np.ones(S)).reshape(-1)
    return _last_axis_sums(P, S)


def _distinct(x: np.ndarray, core: int) -> np.ndarray:
    """``x`` without its leading axes of stride 0 (a ``broadcast_to`` view repeats one block
    along them: its entries are the block's, so checking the block checks them all); the
    last ``core`` axes are kept."""
    lead = x.strides[:x.ndim - core]
    if 0 in lead:
        return x[tuple(0 if st == 0 else slice(None) for st in lead)]
    return x


def is_stochastic(P, n_states: int, n_actions: int) -> bool:
    """Whether ``P`` is a (..., S, A, S) array of rows that are distributions: every row sum
    within ``sum_tol`` of 1 and no entry below ``-sum_tol``. NaN fails every comparison and
    an infinite entry makes its row sum non-finite, so non-finite data cannot pass. A
    broadcast view is checked on its distinct block (``_distinct``)."""
    if getattr(P, "shape", ())[-3:] != (n_states, n_actions, n_states) or not P.size:
        return False
    P = _distinct(P, 3)
    tol = _fast_tol(P.dtype, n_states)
    sums = _row_sums(P, n_states, n_actions)
    return bool(_MIN(sums) >= 1.0 - tol and _MAX(sums) <= 1.0 + tol
                and _MIN(P, axis=None) >= -tol)


def is_distribution(x, n: int) -> bool:
    """Whether ``x`` is a float64 vector of ``n`` non-negative entries summing to 1 within
    ``sum_tol`` (two reductions; NaN fails, an infinite entry makes the sum non-finite)."""
    if type(x) is not np.ndarray or x.dtype is not _F64 or x.shape != (n,):
        return False
    tol = _fast_tol(_F64, n)
    return _MIN(x) >= -tol and -tol <= _ADD(x) - 1.0 <= tol


def in_range(r, n_states: int, n_actions: int, reward_range: tuple[float, float]) -> bool:
    """Whether ``r`` is a finite (..., S, A) array inside ``reward_range`` (NaN fails)."""
    if getattr(r, "shape", ())[-2:] != (n_states, n_actions) or not r.size:
        return False
    r = _distinct(r, 2)
    lo, hi = reward_range
    tol = _reward_tol(r.dtype, reward_range)
    return bool(_MIN(r, axis=None) >= lo - tol and _MAX(r, axis=None) <= hi + tol)


def _float64_or_none(x):
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def check_finite_fast(name: str, x, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """``as_float_array`` without copying valid float64 data: one reduction on the fast path
    (the sum of finite numbers is finite unless it overflows, which falls back to the
    detailed check)."""
    arr = _float64_or_none(x)
    if arr is not None and arr.size and np.isfinite(arr.sum()) and (
            shape is None or (arr.ndim >= len(shape)
                              and arr.shape[arr.ndim - len(shape):] == shape)):
        return arr
    return as_float_array(name, x, shape)


def check_simplex_fast(name: str, x, n: int) -> np.ndarray:
    """The rows of ``x`` are distributions (as ``check_simplex``), returned as float64 but not
    renormalised: for functions whose callers pass distributions they computed themselves,
    where bits must not change. A few numpy calls on the fast path."""
    arr = _float64_or_none(x)
    if arr is not None and arr.size and arr.shape[-1:] == (n,):
        tol = _fast_tol(getattr(x, "dtype", None) or np.dtype(np.float64), n)
        sums = _last_axis_sums(arr, n)
        if (_MIN(arr, axis=None) >= -tol and _MIN(sums) >= 1.0 - tol
                and _MAX(sums) <= 1.0 + tol):
            return arr
    check_simplex(name, x, n)
    return as_float_array(name, x, (n,))


def check_weights(name: str, x, n: int) -> np.ndarray:
    """Weights over the last axis (length ``n``): finite, non-negative, no row all 0 (a
    visitation, up to its normalisation); float64, not copied when valid."""
    arr = _float64_or_none(x)
    if arr is not None and arr.size and arr.shape[-1:] == (n,):
        sums = _last_axis_sums(arr, n)
        if _MIN(arr, axis=None) >= 0.0 and _MIN(sums) > 0.0 and _MAX(sums) < np.inf:
            return arr
    arr = check_nonnegative(name, x, (n,), atol=0.0)
    if not (arr.sum(axis=-1) > 0).all():
        raise InvalidInputError(f"{name}: the weights of a row are all 0")
    return arr


def check_positive_array(name: str, x) -> np.ndarray:
    """A float64 array (or scalar) of finite numbers > 0; a Python number is checked without
    numpy calls."""
    if isinstance(x, (float, int)) and not isinstance(x, bool) and math.isfinite(x) and x > 0:
        return np.asarray(x, dtype=np.float64)
    arr = as_float_array(name, x)
    if not (arr > 0).all():
        raise InvalidInputError(f"{name}: {arr.min() if arr.ndim else arr} must be > 0")
    return arr
