"""Log-log slopes with bootstrap confidence intervals.

A rate ``y ~ C T^s`` is a line ``log y = log C + s log T``; ``s`` is fitted by ordinary least
squares on ``(log10 T, log10 y)``. Its uncertainty is estimated by the bootstrap (Efron &
Tibshirani, ch. 9), in one of two ways, and the report says which:

- ``"points"`` (pairs bootstrap): resample the ``(T, y)`` points with replacement. Used when
  each T has one deterministic value (exact oracle): the spread then measures how far the
  points are from a single power law over the grid, not noise.
- ``"seeds"`` (stratified bootstrap): for each T resample its seeds with replacement, average
  them (arithmetic mean), and refit. Used with sampled oracles, where seeds carry the noise.

The interval is the percentile interval of the bootstrap slopes at ``level`` (0.95 by
default); resamples with fewer than two distinct T are skipped (their slope is undefined).
Same ``seed`` => the same interval.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class SlopeFit:
    """``slope`` and ``intercept`` (log10 scale), the ``ci`` at ``level``, the bootstrap
    ``method`` and number of resamples used, and the number of ``points`` (distinct T)."""

    slope: float
    intercept: float
    ci_low: float
    ci_high: float
    level: float
    method: str
    resamples: int
    points: int

    def covers(self, value: float) -> bool:
        return self.ci_low <= value <= self.ci_high

    def to_dict(self) -> dict:
        return asdict(self)


def ols_slope(x, y) -> tuple[float, float]:
    """Least-squares line ``y = a + b x``; returns ``(b, a)``."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    xm = x.mean()
    sxx = ((x - xm) ** 2).sum()
    if sxx == 0:
        raise ValueError("slope: all x equal (need at least two distinct T)")
    b = float(((x - xm) * (y - y.mean())).sum() / sxx)
    return b, float(y.mean() - b * xm)


def _check(T, values):
    T = np.asarray(T, float)
    v = np.asarray(values, float)
    if T.ndim != 1 or T.size < 2:
        raise ValueError(f"T: need a 1-d grid of at least 2 values, got shape {T.shape}")
    if np.unique(T).size < 2:
        raise ValueError("T: need at least two distinct values")
    if np.any(T <= 0) or not np.all(np.isfinite(v)) or np.any(v <= 0):
        raise ValueError("T and values must be positive and finite for a log-log fit")
    return T, v


def fit_loglog(T, values, *, resamples: int = 2000, level: float = 0.95,
               seed: int = 0) -> SlopeFit:
    """Slope of ``log10 values`` against ``log10 T`` with a pairs-bootstrap CI (``points``).

    ``T`` and ``values`` are 1-d of equal length (one value per run)."""
    T, v = _check(T, values)
    if v.shape != T.shape:
        raise ValueError(f"values: shape {v.shape}, expected {T.shape}")
    x, y = np.log10(T), np.log10(v)
    b, a = ols_slope(x, y)
    rng = np.random.default_rng(seed)
    slopes = []
    for _ in range(resamples):
        idx = rng.integers(0, x.size, x.size)
        if np.unique(x[idx]).size < 2:
            continue
        slopes.append(ols_slope(x[idx], y[idx])[0])
    lo, hi = _percentile_ci(slopes, level)
    return SlopeFit(b, a, lo, hi, level, "points", len(slopes), int(np.unique(T).size))


def fit_loglog_seeds(T, values, *, resamples: int = 2000, level: float = 0.95,
                     seed: int = 0) -> SlopeFit:
    """Slope of ``log10 mean_seeds(values)`` against ``log10 T``, CI by resampling seeds
    within each T (``seeds``). ``T`` is (n,), ``values`` is (n, n_seeds)."""
    T = np.asarray(T, float)
    v = np.asarray(values, float)
    if v.ndim != 2 or v.shape[0] != T.shape[0]:
        raise ValueError(f"values: shape {v.shape}, expected ({T.shape[0]}, n_seeds)")
    _check(T, v.ravel() if v.size else v)
    x = np.log10(T)
    b, a = ols_slope(x, np.log10(v.mean(axis=1)))
    rng = np.random.default_rng(seed)
    n = v.shape[1]
    slopes = []
    for _ in range(resamples):
        idx = rng.integers(0, n, v.shape)
        means = np.take_along_axis(v, idx, axis=1).mean(axis=1)
        slopes.append(ols_slope(x, np.log10(means))[0])
    lo, hi = _percentile_ci(slopes, level)
    return SlopeFit(b, a, lo, hi, level, "seeds", len(slopes), int(np.unique(T).size))


def _percentile_ci(slopes, level: float) -> tuple[float, float]:
    if not 0 < level < 1:
        raise ValueError(f"level: {level} must lie in (0, 1)")
    if len(slopes) == 0:
        raise ValueError("bootstrap: no valid resample (need more distinct T)")
    q = (1 - level) / 2
    lo, hi = np.quantile(np.asarray(slopes), [q, 1 - q])
    return float(lo), float(hi)


SLOPE_TOLERANCE = 0.02


def rate_verdict(fit: SlopeFit, theory: float, tol: float = SLOPE_TOLERANCE) -> str:
    """Compare a fitted slope with the theoretical exponent of an upper bound ``O(T^theory)``.

    - ``"faster"``: the whole CI lies below ``theory - tol`` (the error decays faster than
      the bound: the bound holds and is loose in T on this range);
    - ``"slower"``: the whole CI lies above ``theory + tol`` (the error decays slower than
      the bound allows on this range);
    - ``"consistent"``: otherwise (the CI reaches within ``tol`` of the theoretical exponent).

    ``tol`` (0.02 by default) is the resolution at which we call two exponents equal: over
    three decades of T it is a factor 10^0.06 = 1.15 in the error. It is not a tolerance on
    any bound: the explicit bound (15)-(17) is compared without one.
    """
    if fit.ci_high < theory - tol:
        return "faster"
    if fit.ci_low > theory + tol:
        return "slower"
    return "consistent"
