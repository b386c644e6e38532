"""Fixed points of maps on the probability simplex: damped Anderson acceleration.

Used for the induced mean field (``mu = Gamma2(pi, mu)``) and the equilibrium
(``mu = Lambda(mu)``). Plain iteration ``x <- G(x)`` converges only where ``G`` contracts;
Anderson acceleration (type II, memory ``m``) on the damped map
``x <- (1 - alpha) x + alpha G(x)`` converges superlinearly near a fixed point where the
Jacobian has no eigenvalue 1, also where the plain iteration oscillates or diverges.
Safeguards: iterates are kept on the simplex (clip, renormalise); a step that raises the
residual by more than ``restart_factor`` clears the history and halves alpha.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._validate import check_int, check_number, check_positive

# Anderson's default memory and restart threshold (module docstring), and the floor of the
# damping a restart halves.
MEMORY, RESTART_FACTOR, ALPHA_FLOOR = 6, 4.0, 1e-3


class NonConvergenceError(RuntimeError):
    """A fixed-point or equilibrium solve did not reach its tolerance."""


@dataclass(frozen=True)
class FixedPoint:
    x: np.ndarray
    residual: float          # ||G(x) - x||_1 at the returned x
    iterations: int
    evaluations: int


def _to_simplex(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, None)
    return x / x.sum()


def anderson_simplex(G: Callable[[np.ndarray], np.ndarray], x0: np.ndarray, *,
                     tol: float = 1e-13, max_iter: int = 5000, memory: int = MEMORY,
                     alpha: float = 1.0, warmup: int = 0,
                     restart_factor: float = RESTART_FACTOR,
                     what: str = "fixed point") -> FixedPoint:
    """Solve ``x = G(x)`` on the simplex to ``||G(x) - x||_1 <= tol``.

    ``warmup`` plain damped steps come first: they move the iterate into the basin of the
    attracting fixed point (the one the dynamics from ``x0`` reach) before acceleration.
    Raises ``NonConvergenceError`` (naming ``what`` and the residual) if it fails.
    """
    tol = check_positive("tol", tol)
    max_iter = check_int("max_iter", max_iter, minimum=1)
    memory = check_int("memory", memory, minimum=1)
    alpha = check_number("alpha", alpha, gt=0.0, le=1.0)
    x = _to_simplex(np.asarray(x0, dtype=np.float64))
    g = G(x)
    f = g - x
    evals = 1
    res = float(np.abs(f).sum())
    for it in range(warmup):
        if res <= tol:
            return FixedPoint(x, res, it, evals)
        x = _to_simplex(x + alpha * f)
        g = G(x)
        f = g - x
        evals += 1
        res = float(np.abs(f).sum())
    dX: list[np.ndarray] = []
    dF: list[np.ndarray] = []
    best = res
    for it in range(warmup, max_iter):
        if res <= tol:
            return FixedPoint(x, res, it, evals)
        if dF:
            Fm = np.stack(dF, axis=1)
            coef, *_ = np.linalg.lstsq(Fm, f, rcond=None)
            Xm = np.stack(dX, axis=1)
            x_new = x + alpha * f - (Xm + alpha * Fm) @ coef
        else:
            x_new = x + alpha * f
        x_new = _to_simplex(x_new)
        g_new = G(x_new)
        evals += 1
        f_new = g_new - x_new
        res_new = float(np.abs(f_new).sum())
        if res_new > restart_factor * best and dF:
            # The extrapolation overshot: forget the history, damp more, take a plain step.
            dX.clear()
            dF.clear()
            alpha = max(alpha / 2, ALPHA_FLOOR)
            x_new = _to_simplex(x + alpha * f)
            g_new = G(x_new)
            evals += 1
            f_new = g_new - x_new
            res_new = float(np.abs(f_new).sum())
        dX.append(x_new - x)
        dF.append(f_new - f)
        if len(dF) > memory:
            dX.pop(0)
            dF.pop(0)
        x, f, res = x_new, f_new, res_new
        best = min(best, res)
    if res <= tol:
        return FixedPoint(x, res, max_iter, evals)
    raise NonConvergenceError(
        f"{what}: residual ||G(x) - x||_1 = {res:.3g} > tol {tol:.3g} after {max_iter} iterations"
    )
