"""The actor regression of eq. (3) and its exact optimum over the ball ``||w||_2 <= R``.

For a policy ``pi`` (S, A), state weights ``d`` (S,) (the visitation ``d^pi_mu``), features
``phi`` (S, A, n) and a target advantage ``A_hat`` (S, A) (docs/conventions.md, section 6):

    L(w) = sum_s d(s) sum_a pi(a|s) (w^T g_{s,a} - A_hat(s, a))^2,   g = grad log pi,
         = w^T F w - 2 b^T w + c,

with the Fisher matrix ``F = E[g g^T]``, ``b = E[A_hat g]``, ``c = E[A_hat^2]`` (expectations
over ``s ~ d, a ~ pi``). ``F`` is positive semi-definite and always singular: ``sum_a pi(a|s)
g_{s,a} = 0``, so directions constant in ``a`` at each state are invisible to ``L``; ``b`` lies
in the range of ``F`` (``b = G^T D A_hat`` with ``F = G^T D G``).

``min_{||w|| <= R} L(w)`` is a trust-region subproblem. With ``F = U diag(l) U^T`` and
``beta = U^T b`` its solution is ``w(nu) = U diag(1/(l + nu)) beta`` where the multiplier
``nu >= 0`` is 0 if the minimum-norm unconstrained minimiser ``F^+ b`` lies in the ball, and
otherwise the root of the secular equation ``||w(nu)|| = R``, found by Newton's method on
``1/||w(nu)|| - 1/R`` (concave and increasing in ``nu``, so Newton from the left converges
monotonically; Moré and Sorensen 1983). The "hard case" of the trust-region literature
(``nu* = -l_min`` with ``b`` orthogonal to the bottom eigenspace) is here ``nu* = 0`` with
``b`` in the range of a singular ``F``: the minimisers form an affine set and we return the
minimum-norm one, ``F^+ b``.

Numerical null space: eigenvalues ``l_i <= NULL_RTOL * max(l)`` count as 0, and components of
``b`` along them with ``|beta_i| <= NULL_BTOL * ||b||`` (the roundoff left by ``b in range(F)``)
are dropped. Dropping a component ``delta`` of ``b`` changes the optimal value by at most
``2 R |delta|``. A larger null component of ``b`` is kept (then ``L`` is unbounded below along
it over R^n and the constrained optimum sits on the sphere).

``solve_actor_cvxpy`` states the same problem in cvxpy (Clarabel) as the independent route that
certifies ``solve_actor_exact``; it returns a duality gap computed from the solver's dual
variable by us (the Lagrange dual function evaluated in closed form), and raises
``UncertifiedSolutionError`` unless the solver reports ``optimal``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import (
    InvalidInputError,
    as_float_array,
    check_finite_fast,
    check_positive,
    check_positive_array,
    check_simplex_fast,
    check_weights,
)

NULL_RTOL = 1e-12       # eigenvalues below this fraction of the largest count as 0
NULL_BTOL = 1e-10       # null components of b below this fraction of ||b|| are roundoff
# F's roundoff: a symmetric PSD matrix computed in float64 has eigenvalues (and asymmetry) off
# by about n eps ||F||; more negative than PSD_RTOL n eps ||F|| means F is not PSD.
PSD_RTOL = 64.0
_NEWTON_MAX_ITER = 100


class UncertifiedSolutionError(RuntimeError):
    """The conic solver did not certify its result as optimal."""


@dataclass(frozen=True)
class ActorSolution:
    """``w`` (..., n), ``value = L(w)`` (...), ``constraint_active`` (...) and the multiplier
    ``nu`` (...) of ``||w||^2 <= R^2`` (0 when inactive)."""

    w: np.ndarray
    value: np.ndarray
    constraint_active: np.ndarray
    multiplier: np.ndarray


@dataclass(frozen=True)
class CvxpySolution:
    """cvxpy's optimum ``w``, its value ``L(w)`` (recomputed from ``F, b, c``), the solver
    ``status`` and the ``duality_gap = L(w) - g(nu)`` with ``g`` the Lagrange dual function
    at the solver's multiplier (a certificate: ``L(w) - min L <= duality_gap``)."""

    w: np.ndarray
    value: float
    status: str
    duality_gap: float
    multiplier: float


# -- the quadratic -------------------------------------------------------------------------

def _check_weights(d, S: int) -> np.ndarray:
    """State weights ``d`` (..., S): finite, non-negative, not all zero."""
    return check_weights("d (state weights)", d, S)


def _check_inputs(pi, d, phi, A_hat):
    from .policies import validate_features

    phi = as_float_array("features", phi)
    if phi.ndim != 3:
        raise InvalidInputError(f"features: shape {phi.shape}, expected (S, A, n)")
    S, A, _ = phi.shape
    phi = validate_features(phi, S, A)          # ||phi_{s,a}|| <= 1 (the paper's assumption)
    pi = check_simplex_fast("policy", pi, A)
    if pi.shape[-2:] != (S, A):
        raise InvalidInputError(f"policy: shape {pi.shape}, expected ({S}, {A})")
    d = _check_weights(d, S)
    A_hat = check_finite_fast("advantage", A_hat, (S, A))
    return pi, d, phi, A_hat


def _grad_log(pi, phi):
    # grad log pi(a|s) = phi_{s,a} - sum_a' pi(a'|s) phi_{s,a'} (numerics.grad_log_policy)
    from .policies import grad_log_policy
    return grad_log_policy(pi, phi)


def actor_loss(w, pi, d, phi, A_hat) -> np.ndarray:
    """``L(w)`` summed directly over (s, a) (the route independent of the quadratic form).

    Broadcasts over leading axes of ``w`` (..., n), ``pi`` (..., S, A), ``d`` (..., S),
    ``A_hat`` (..., S, A)."""
    pi, d, phi, A_hat = _check_inputs(pi, d, phi, A_hat)
    w = as_float_array("w", w, (phi.shape[-1],))
    g = _grad_log(pi, phi)
    resid = np.einsum("...sai,...i->...sa", g, w) - A_hat
    return (d[..., :, None] * pi * resid**2).sum(axis=(-2, -1))


def actor_quadratic(pi, d, phi, A_hat):
    """``(F, b, c)`` with ``L(w) = w^T F w - 2 b^T w + c``; batched over leading axes."""
    pi, d, phi, A_hat = _check_inputs(pi, d, phi, A_hat)
    g = _grad_log(pi, phi)
    weight = d[..., :, None] * pi                                   # (..., S, A)
    F = np.einsum("...sa,...sai,...saj->...ij", weight, g, g)
    F = 0.5 * (F + np.swapaxes(F, -1, -2))
    b = np.einsum("...sa,...sa,...sai->...i", weight, A_hat, g)
    c = (weight * A_hat**2).sum(axis=(-2, -1))
    return F, b, c


# -- the trust-region subproblem in eigen-coordinates -----------------------------------------

def _null_clean(l, beta):
    """Zero eigenvalues below ``NULL_RTOL max(l)`` and the roundoff part of ``beta`` on them."""
    l = np.clip(l, 0.0, None)
    lmax = l.max(axis=-1, keepdims=True)
    null = l <= NULL_RTOL * lmax
    bnorm = np.sqrt((beta * beta).sum(axis=-1, keepdims=True))
    l = np.where(null, 0.0, l)
    beta = np.where(null & (np.abs(beta) <= NULL_BTOL * bnorm), 0.0, beta)
    return l, beta


def _safe_div(num, den):
    return num / np.where(den > 0, den, 1.0)


def _trust_region_eig(l, beta, R):
    """Minimise ``sum_i l_i y_i^2 - 2 beta_i y_i`` over ``||y||_2 <= R``.

    ``l`` (..., n) >= 0 and ``beta`` (..., n) as returned by ``_null_clean`` (``beta_i = 0``
    wherever ``l_i = 0`` unless the null component is genuine). Returns
    ``(y, nu, active)``; each batch element's iteration stops on its own (elements are
    frozen once converged), so a batch gives the same bits as each element alone.
    """
    R = np.asarray(R, dtype=np.float64)
    zero_l = l == 0.0
    unbounded = (zero_l & (beta != 0.0)).any(axis=-1)
    y_free = np.where(zero_l, 0.0, _safe_div(beta, l))
    free_norm = np.sqrt((y_free * y_free).sum(axis=-1))
    active = unbounded | (free_norm > R)
    nu = np.zeros(l.shape[:-1])
    if not active.any():
        return y_free, nu, active
    b2 = beta * beta
    bnorm = np.sqrt(b2.sum(axis=-1))
    bnull = np.sqrt(np.where(zero_l, b2, 0.0).sum(axis=-1))
    # A start left of the root: ||y(nu)|| >= ||b||/(l_max + nu) and >= ||b_null||/nu.
    nu = np.maximum(0.0, np.maximum(bnorm / R - l.max(axis=-1), bnull / R))
    nu = np.where(active, nu, 0.0)
    todo = active.copy()
    for _ in range(_NEWTON_MAX_ITER):
        den = l + nu[..., None]
        s2 = _safe_div(b2, den**2).sum(axis=-1)
        s3 = _safe_div(b2, den**3).sum(axis=-1)
        norm = np.sqrt(s2)
        h = 1.0 / norm - 1.0 / R
        step = np.where(s3 > 0, h * norm**3 / np.where(s3 > 0, s3, 1.0), 0.0)
        new = nu - step
        converged = todo & ((np.abs(new - nu) <= 4e-16 * np.abs(new))
                            | (np.abs(norm - R) <= 1e-15 * R))
        nu = np.where(todo, new, nu)
        todo &= ~converged
        if not todo.any():
            break
    den = l + nu[..., None]
    y = np.where(active[..., None], _safe_div(beta, den), y_free)
    # The root is found to ~1 ulp; rescale so that ||y|| <= R holds exactly (Lemma 2 needs it).
    ynorm = np.sqrt((y * y).sum(axis=-1))
    scale = np.where(active & (ynorm > R), R / np.where(ynorm > 0, ynorm, 1.0), 1.0)
    return y * scale[..., None], nu, active


def _check_radius(R) -> np.ndarray:
    """The actor's radius(es): ``||w|| <= R`` with ``R > 0``."""
    return check_positive_array("R (the actor's ball ||w|| <= R)", R)


def _check_quadratic(F, b, c, R=None):
    F = as_float_array("F", F)
    if F.ndim < 2 or F.shape[-1] != F.shape[-2]:
        raise InvalidInputError(f"F: shape {F.shape}, expected (..., n, n)")
    n = F.shape[-1]
    b = as_float_array("b", b, (n,))
    c = as_float_array("c", c)
    if R is not None:
        R = _check_radius(R)
    return F, b, c, R


def _psd_eigh(F):
    """``eigh`` of a symmetric positive semi-definite ``F`` (..., n, n), refusing an ``F``
    that is not symmetric or has an eigenvalue below ``-PSD_RTOL n eps max|l|`` (roundoff
    of a Fisher matrix ``G^T D G`` is far smaller; a genuinely indefinite ``F`` makes the
    quadratic unbounded or the problem non-convex, and clipping it would solve another
    problem silently)."""
    n = F.shape[-1]
    scale = np.abs(F).max(axis=(-2, -1), initial=0.0)
    tol = PSD_RTOL * n * np.finfo(np.float64).eps * scale
    asym = np.abs(F - np.swapaxes(F, -1, -2)).max(axis=(-2, -1), initial=0.0)
    if (asym > tol).any():
        raise InvalidInputError(f"F: not symmetric (max |F - F^T| = {asym.max():.3g}, "
                                f"tolerance {tol.max():.2g})")
    F = 0.5 * (F + np.swapaxes(F, -1, -2))
    l, U = np.linalg.eigh(F)
    lmin = l[..., 0]
    bad = lmin < -np.maximum(tol, PSD_RTOL * n * np.finfo(np.float64).eps
                             * np.abs(l).max(axis=-1))
    if bad.any():
        raise InvalidInputError(
            f"F: not positive semi-definite (smallest eigenvalue {lmin[bad].min():.6g}, "
            f"largest {l[..., -1].max():.6g}); the actor's F = E[g g^T] is PSD")
    return l, U


def solve_actor_exact(F, b, c, R) -> ActorSolution:
    """``argmin_{||w||_2 <= R} w^T F w - 2 b^T w + c`` by eigendecomposition and a secular
    equation (module docstring). Batched over leading axes of ``F`` (..., n, n), ``b``, ``c``."""
    F, b, c, R = _check_quadratic(F, b, c, R)
    l, U = _psd_eigh(F)
    beta = np.einsum("...ji,...j->...i", U, b)
    l, beta = _null_clean(l, beta)
    y, nu, active = _trust_region_eig(l, beta, R)
    w = np.einsum("...ij,...j->...i", U, y)
    value = (l * y * y).sum(axis=-1) - 2.0 * (beta * y).sum(axis=-1) + c
    return ActorSolution(w=w, value=value, constraint_active=active, multiplier=nu)


def unconstrained_minimum(F, b, c) -> ActorSolution:
    """``min_{w in R^n} L(w)`` (the appendix's ``w*_t = argmin over R^d`` behind eps_approx):
    ``w = F^+ b`` (minimum norm), ``value = c - b^T F^+ b`` (for a loss it can come out as
    ``-1e-17``-size roundoff; ``actor_loss(w, ...)`` is the nonnegative route). Raises if
    ``b`` has a genuine component in the null space of ``F`` (then L is unbounded below;
    never the case for eq. (3))."""
    F, b, c, _ = _check_quadratic(F, b, c)
    l, U = _psd_eigh(F)
    beta = np.einsum("...ji,...j->...i", U, b)
    l, beta = _null_clean(l, beta)
    if ((l == 0.0) & (beta != 0.0)).any():
        raise InvalidInputError("b: has a component in the null space of F; L is unbounded "
                                "below (not a least-squares quadratic)")
    y = np.where(l == 0.0, 0.0, _safe_div(beta, l))
    w = np.einsum("...ij,...j->...i", U, y)
    value = c - (beta * y).sum(axis=-1)
    return ActorSolution(w=w, value=value, constraint_active=np.zeros(np.shape(value), bool),
                         multiplier=np.zeros(np.shape(value)))


# -- tabular features: F is block-diagonal by state -----------------------------------------

def solve_actor_tabular(pi, d, A_hat, R) -> ActorSolution:
    """``solve_actor_exact`` for tabular features (``phi = tabular_features(S, A)``), using the
    block structure ``F = blockdiag_s d(s) (diag(pi_s) - pi_s pi_s^T)``,
    ``b_s = d(s) pi_s * (A_hat_s - E_{pi_s} A_hat_s)``.

    The minimum-norm unconstrained minimiser is ``w_s = A_hat_s - mean_a A_hat_s`` (orthogonal
    to the null direction ``1`` of each block) on states with ``d(s) > 0`` and ``pi_s > 0`` and
    0 where ``d(s) = 0``; if it lies in the ball it is returned directly, otherwise the
    trust-region problem is solved with one ``A x A`` eigendecomposition per state and a
    shared multiplier. Batched over leading axes; output ``w`` has shape (..., S*A) in the
    order of ``tabular_features`` (index ``s*A + a``).
    """
    if np.ndim(pi) < 2:
        raise InvalidInputError(f"policy: shape {np.shape(pi)}, expected (..., S, A)")
    S, A = np.shape(pi)[-2:]
    pi = check_simplex_fast("policy", pi, A)
    batch = pi.shape[:-2]
    n = int(np.prod(batch))
    pi = pi.reshape(n, S, A)
    d = _check_weights(d, S)
    A_hat = check_finite_fast("advantage", A_hat, (S, A))
    R = _check_radius(R)
    try:
        d = np.broadcast_to(d, batch + (S,)).reshape(n, S)
        A_hat = np.broadcast_to(A_hat, batch + (S, A)).reshape(n, S, A)
        R = np.broadcast_to(R, batch).reshape(n)
    except ValueError:
        raise InvalidInputError(f"d, advantage, R: shapes {d.shape}, {A_hat.shape}, {R.shape} "
                                f"do not broadcast to the policies' batch {batch}") from None
    seen = d > NULL_RTOL * d.max(axis=-1, keepdims=True)
    w = np.where(seen[..., None], A_hat - A_hat.mean(axis=-1, keepdims=True), 0.0)
    w = w.reshape(n, S * A)
    weight = d[..., None] * pi
    c = (weight * A_hat**2).sum(axis=(-2, -1))
    # b_s = d_s E_{a~pi}[A_hat g] = d_s pi_s * (A_hat_s - E_pi A_hat_s) (E_pi g = 0).
    b = (weight * (A_hat - (pi * A_hat).sum(axis=-1, keepdims=True))).reshape(n, S * A)
    value = c - (b * w).sum(axis=-1)          # L(w_free) = c - b.w_free since F w_free = b
    active = np.sqrt((w * w).sum(axis=-1)) > R
    nu = np.zeros(n)
    # Only the runs whose free minimiser leaves the ball are solved again, each by a route
    # chosen from its own data, so a run's numbers do not depend on the other runs of a batch.
    positive = (pi > 0).all(axis=(-2, -1))
    for rows, route in ((active & positive, _tabular_trust_region_sm),
                        (active & ~positive, _tabular_trust_region)):
        if rows.any():
            w[rows], value[rows], nu[rows] = route(pi[rows], np.where(seen, d, 0.0)[rows],
                                                   A_hat[rows], R[rows])
    return ActorSolution(w=w.reshape(batch + (S * A,)), value=value.reshape(batch),
                         constraint_active=active.reshape(batch), multiplier=nu.reshape(batch))


def _tabular_trust_region_sm(pi, d, A_hat, R):
    """The block-diagonal trust-region solve without eigendecompositions (all ``pi > 0``).

    ``F_s + nu I = diag(d_s pi_s + nu) - u u^T`` with ``u = sqrt(d_s) pi_s`` is a diagonal minus
    a rank-one matrix, so ``(F + nu I)^{-1} y`` costs O(A) per state (Sherman-Morrison, with
    ``1 - u^T diag(.)^{-1} u = sum_a pi_a nu/(d_s pi_a + nu)`` written without cancellation).
    Newton on ``1/||w(nu)|| - 1/R`` as in ``_trust_region_eig``, from ``nu = 0`` (where
    ``w = A_hat - mean A_hat`` and ``F_s^+ y = centre(y/pi_s)/d_s`` for ``y`` orthogonal to 1)
    or from ``||b||/R - max_s d_s max_a pi_sa`` (a lower bound on the root, since
    ``lambda_max(F_s) <= d_s max_a pi_sa``). The exact solution is orthogonal to 1 in every
    block (``1^T (F + nu I) w = nu 1^T w = 1^T b = 0``), so blocks are centred to remove
    roundoff along the null directions. Returns w (B, S*A), value, nu.
    """
    B, S, A = pi.shape
    centred = A_hat - (pi * A_hat).sum(axis=-1, keepdims=True)
    Dp = d[..., None] * pi
    b = Dp * centred
    b -= b.mean(axis=-1, keepdims=True)               # exactly what F's range allows
    u = np.sqrt(d)[..., None] * pi
    seen = (d > 0)[..., None]

    def solve(nu, y):
        nuv = nu[:, None, None]
        den = Dp + nuv
        x = y / den
        z = u / den
        return x + z * (u * x).sum(axis=-1, keepdims=True) / (pi * nuv / den).sum(
            axis=-1, keepdims=True)

    def centre(x):
        return x - x.mean(axis=-1, keepdims=True)

    def norm(x):
        return np.sqrt((x * x).sum(axis=(-2, -1)))

    w0 = np.where(seen, centre(A_hat), 0.0)
    bnorm = norm(b)
    lmax = (d * pi.max(axis=-1)).max(axis=-1)
    nu = np.maximum(0.0, bnorm / R - lmax)
    at_zero = nu == 0.0
    todo = np.ones(B, dtype=bool)
    for _ in range(_NEWTON_MAX_ITER):
        safe = np.where(at_zero, 1.0, nu)
        w = np.where(at_zero[:, None, None], w0, centre(solve(safe, b)))
        Fw = np.where(seen, centre(w / np.where(seen, Dp, 1.0)), 0.0)   # F^+ w at nu = 0
        Hw = np.where(at_zero[:, None, None], Fw, solve(safe, w))
        q = (w * Hw).sum(axis=(-2, -1))
        phi = norm(w)
        new = nu + (1.0 / R - 1.0 / phi) * phi**3 / q
        converged = todo & ((np.abs(new - nu) <= 4e-16 * np.abs(new))
                            | (np.abs(phi - R) <= 1e-15 * R))
        nu = np.where(todo, new, nu)
        at_zero &= ~todo
        todo &= ~converged
        if not todo.any():
            break
    w = centre(solve(nu, b))
    wn = norm(w)
    w *= np.where(wn > R, R / wn, 1.0)[:, None, None]
    quad = (d * ((pi * w * w).sum(axis=-1) - (pi * w).sum(axis=-1) ** 2)).sum(axis=-1)
    c = (Dp * A_hat**2).sum(axis=(-2, -1))
    value = quad - 2.0 * (b * w).sum(axis=(-2, -1)) + c
    return w.reshape(B, S * A), value, nu


def _tabular_trust_region(pi, d, A_hat, R):
    """The block-diagonal trust-region solve by per-state eigendecompositions (any ``pi``,
    also with zeros); returns w (B, S*A), value, nu."""
    B, S, A = pi.shape
    M = -pi[..., :, None] * pi[..., None, :]
    idx = np.arange(A)
    M[..., idx, idx] += pi
    m, U = np.linalg.eigh(M)                                        # (B, S, A), (B, S, A, A)
    centred = A_hat - (pi * A_hat).sum(axis=-1, keepdims=True)
    beta = d[..., None] * np.einsum("bsji,bsj->bsi", U, pi * centred)
    l = d[..., None] * np.clip(m, 0.0, None)
    lf, bf = _null_clean(l.reshape(B, S * A), beta.reshape(B, S * A))
    y, nu, _ = _trust_region_eig(lf, bf, R)
    c = (d[..., None] * pi * A_hat**2).sum(axis=(-2, -1))
    value = (lf * y * y).sum(axis=-1) - 2.0 * (bf * y).sum(axis=-1) + c
    w = np.einsum("bsij,bsj->bsi", U, y.reshape(B, S, A)).reshape(B, S * A)
    return w, value, nu


# -- cvxpy: the independent, certified route ------------------------------------------------

def solve_actor_cvxpy(F, b, c, R, *, tol: float = 1e-8, **solver_options) -> CvxpySolution:
    """The actor problem as a cvxpy second-order cone program, solved by Clarabel.

    ``w^T F w`` is written as ``||L w||^2`` with ``L = diag(sqrt(l)) U^T`` from the
    eigendecomposition of ``F`` (negative roundoff eigenvalues clipped), so cvxpy needs no PSD
    check. The solver's ``w`` is projected onto the ball if it leaves it by the feasibility
    tolerance, so ``value`` is attained by a feasible point. ``tol`` sets Clarabel's gap and
    feasibility tolerances (1e-8 is Clarabel's default; at 1e-10 it sometimes stops at
    ``optimal_inaccurate``); ``solver_options`` are passed through (e.g. ``max_iter``).
    Raises ``UncertifiedSolutionError`` unless the status is ``optimal``.
    """
    import cvxpy as cp

    F, b, c, R = _check_quadratic(F, b, c, R)
    if F.ndim != 2:
        raise InvalidInputError(f"F: shape {F.shape}; solve_actor_cvxpy takes one problem")
    R, c = float(R), float(c)
    tol = check_positive("tol", tol)
    l, U = _psd_eigh(F)
    F = 0.5 * (F + F.T)
    Lf = np.sqrt(np.clip(l, 0.0, None))[:, None] * U.T
    w = cp.Variable(F.shape[0])
    norm_con = cp.norm(w, 2) <= R
    prob = cp.Problem(cp.Minimize(cp.sum_squares(Lf @ w) - 2 * b @ w + c), [norm_con])
    opts = dict(tol_gap_abs=tol, tol_gap_rel=tol, tol_feas=tol)
    opts.update(solver_options)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)   # "solution may be inaccurate": we raise
        try:
            prob.solve(solver=cp.CLARABEL, **opts)
        except cp.error.SolverError as exc:
            raise UncertifiedSolutionError(f"cvxpy/Clarabel failed: {exc}") from exc
    if prob.status != cp.OPTIMAL:
        raise UncertifiedSolutionError(
            f"cvxpy/Clarabel status {prob.status!r}: the result is not certified optimal")
    wv = np.asarray(w.value, dtype=np.float64)
    # Interior-point iterates may leave the ball by the feasibility tolerance; project so that
    # value is attained by a feasible point and the gap below is a true certificate.
    wnorm = float(np.linalg.norm(wv))
    if wnorm > R:
        wv = wv * (R / wnorm)
    value = float(wv @ F @ wv - 2 * b @ wv + c)
    # Multiplier of ||w|| <= R is z; for ||w||^2 <= R^2 it is nu = z/(2R). The dual function
    # g(nu) = c - b^T (F + nu I)^+ b - nu R^2 lower-bounds min L for every nu >= 0.
    z = max(float(norm_con.dual_value), 0.0)
    nu = z / (2 * R)
    lc, beta = _null_clean(l[None], (U.T @ b)[None])
    lc, beta = lc[0], beta[0]
    den = lc + nu
    if np.any((den == 0) & (beta != 0)):
        dual = -np.inf
    else:
        dual = c - float((_safe_div(beta**2, den)).sum()) - nu * R**2
    scale = abs(c) + 2.0 * float(np.linalg.norm(b)) * R + float(np.abs(l).max()) * R * R
    gap = certified_gap(value, dual, scale, F.shape[0])
    return CvxpySolution(w=wv, value=value, status=prob.status,
                         duality_gap=gap, multiplier=nu)


def certified_gap(value: float, dual: float, scale: float, n: int) -> float:
    """``value - dual``, refused (``UncertifiedSolutionError``) if it is negative beyond
    roundoff: weak duality makes it >= 0 for a PSD ``F`` and any multiplier, up to the
    rounding of both sides, ``PSD_RTOL n eps`` times ``scale = |c| + 2 ||b|| R + ||F|| R^2``
    (the size of the terms of L). A gap below that certifies nothing."""
    gap = value - dual
    if not gap >= -PSD_RTOL * n * np.finfo(np.float64).eps * scale:
        raise UncertifiedSolutionError(
            f"duality gap {gap:.6g} < 0 (value {value:.6g}, dual bound {dual:.6g}): weak "
            f"duality fails, so the result is not certified")
    return gap
