"""The actor regression (eq. (3)) and its exact optimum, each against an independent route."""

import numpy as np
import pytest

from mfgcheck._validate import InvalidInputError
from mfgcheck.numerics import actor_regression as ar
from mfgcheck.numerics import random_features, tabular_features


def _instance(seed, S=3, A=3, dim=None):
    rng = np.random.default_rng(seed)
    pi = rng.dirichlet(np.ones(A), size=S)
    d = rng.dirichlet(np.ones(S))
    A_hat = rng.standard_normal((S, A))
    phi = tabular_features(S, A) if dim is None else random_features(S, A, dim, seed=seed)
    return pi, d, phi, A_hat


def _projected_gradient(F, b, R, iters=20000):
    """Projected gradient descent on w^T F w - 2 b^T w with step 1/(2 l_max): the plain route."""
    step = 1.0 / (2.0 * np.linalg.eigvalsh(F).max())
    w = np.zeros_like(b)
    for _ in range(iters):
        w = w - step * (2 * F @ w - 2 * b)
        n = np.linalg.norm(w)
        if n > R:
            w *= R / n
    return w


@pytest.mark.parametrize("dim", [None, 4])
def test_quadratic_form_matches_direct_sum(dim):
    pi, d, phi, A_hat = _instance(0, dim=dim)
    F, b, c = ar.actor_quadratic(pi, d, phi, A_hat)
    rng = np.random.default_rng(1)
    for _ in range(5):
        w = rng.standard_normal(phi.shape[-1])
        assert w @ F @ w - 2 * b @ w + c == pytest.approx(ar.actor_loss(w, pi, d, phi, A_hat),
                                                          rel=1e-12, abs=1e-13)
    # F is singular along per-state constants (tabular): sum_a pi g_{s,a} = 0.
    if dim is None:
        ones_s0 = np.zeros(phi.shape[-1])
        ones_s0[: phi.shape[1]] = 1.0
        np.testing.assert_allclose(F @ ones_s0, 0, atol=1e-15)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("dim", [None, 3, 5])
def test_trust_region_agrees_with_cvxpy(seed, dim):
    """Constraint inactive (R large) and active (R small): the exact solver attains the
    certified optimum: cvxpy's value minus its duality gap <= ours <= cvxpy's value."""
    pi, d, phi, A_hat = _instance(seed, dim=dim)
    F, b, c = ar.actor_quadratic(pi, d, phi, A_hat)
    free = ar.unconstrained_minimum(F, b, c)
    norm_free = np.linalg.norm(free.w)
    for R, active in ((2.0 * norm_free, False), (0.3 * norm_free, True)):
        ex = ar.solve_actor_exact(F, b, c, R)
        cv = ar.solve_actor_cvxpy(F, b, c, R)
        assert bool(ex.constraint_active) is active
        assert cv.status == "optimal" and cv.duality_gap >= -1e-12
        assert ex.value <= cv.value + 1e-12
        assert ex.value >= cv.value - cv.duality_gap - 1e-12
        assert np.linalg.norm(ex.w) <= R * (1 + 1e-12)
        # The value reported is the loss at the returned w (the direct sum).
        assert ex.value == pytest.approx(ar.actor_loss(ex.w, pi, d, phi, A_hat), abs=1e-12)
        if active:
            # Unique minimiser when the constraint binds (F + nu I is positive definite).
            pg = _projected_gradient(F, b, R)
            np.testing.assert_allclose(ex.w, pg, atol=1e-7)
            assert np.linalg.norm(ex.w) == pytest.approx(R, rel=1e-12)
        else:
            # Closed form: the minimum-norm minimiser F^+ b.
            np.testing.assert_allclose(ex.w, np.linalg.pinv(F, rcond=1e-10) @ b, atol=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_tabular_block_solver_matches_general_solver(seed):
    pi, d, phi, A_hat = _instance(seed, S=4, A=3)
    F, b, c = ar.actor_quadratic(pi, d, phi, A_hat)
    norm_free = np.linalg.norm(ar.unconstrained_minimum(F, b, c).w)
    for R in (3.0 * norm_free, 0.5 * norm_free, 0.05 * norm_free):
        tab = ar.solve_actor_tabular(pi, d, A_hat, R)
        gen = ar.solve_actor_exact(F, b, c, R)
        np.testing.assert_allclose(tab.w, gen.w, atol=1e-10)
        assert tab.value == pytest.approx(gen.value, abs=1e-12)
        assert tab.constraint_active == gen.constraint_active


@pytest.mark.parametrize("case", ["pi_has_zero", "d_has_zero"])
def test_tabular_solver_degenerate_blocks(case):
    """An action with probability 0 (the eigen route per state) or an unvisited state
    (its block of w stays 0) against the general solver on the full F."""
    pi, d, phi, A_hat = _instance(7, S=3, A=3)
    if case == "pi_has_zero":
        pi[1] = [0.0, 0.4, 0.6]
    else:
        d = np.array([0.5, 0.0, 0.5])
    F, b, c = ar.actor_quadratic(pi, d, phi, A_hat)
    norm_free = np.linalg.norm(ar.unconstrained_minimum(F, b, c).w)
    for R in (0.5 * norm_free, 0.1 * norm_free):
        tab = ar.solve_actor_tabular(pi, d, A_hat, R)
        gen = ar.solve_actor_exact(F, b, c, R)
        assert tab.constraint_active and gen.constraint_active
        np.testing.assert_allclose(tab.w, gen.w, atol=1e-10)
        assert tab.value == pytest.approx(gen.value, abs=1e-12)
        if case == "d_has_zero":
            np.testing.assert_array_equal(tab.w[3:6], 0.0)


def test_batched_solvers_equal_individual_solves_bit_for_bit():
    insts = [_instance(s, S=3, A=3) for s in range(5)]
    pi = np.stack([i[0] for i in insts])
    d = np.stack([i[1] for i in insts])
    A_hat = np.stack([i[3] for i in insts])
    R = np.array([0.05, 10.0, 0.2, 10.0, 0.01])
    tab = ar.solve_actor_tabular(pi, d, A_hat, R)
    assert tab.constraint_active.any() and not tab.constraint_active.all()
    for j in range(5):
        one = ar.solve_actor_tabular(pi[j], d[j], A_hat[j], R[j])
        assert np.array_equal(one.w, tab.w[j])
    F, b, c = ar.actor_quadratic(pi, d, tabular_features(3, 3), A_hat)
    gen = ar.solve_actor_exact(F, b, c, R)
    for j in range(5):
        assert np.array_equal(ar.solve_actor_exact(F[j], b[j], c[j], R[j]).w, gen.w[j])


def test_hard_case_singular_F_returns_minimum_norm_minimiser():
    """F singular, b in its range, ||F^+ b|| < R: every F^+ b + z (z in the null space) is
    optimal; the solver returns the minimum-norm one. With a genuine null component of b the
    optimum lies on the sphere (L -> -inf along it over R^n)."""
    F = np.diag([2.0, 1.0, 0.0])
    b = np.array([1.0, 0.5, 0.0])
    sol = ar.solve_actor_exact(F, b, 0.0, R=5.0)
    np.testing.assert_allclose(sol.w, [0.5, 0.5, 0.0], atol=1e-15)
    assert not sol.constraint_active and sol.value == pytest.approx(-0.75)
    b2 = np.array([1.0, 0.5, 0.1])
    sol2 = ar.solve_actor_exact(F, b2, 0.0, R=5.0)
    cv = ar.solve_actor_cvxpy(F, b2, 0.0, 5.0)
    assert sol2.constraint_active and np.linalg.norm(sol2.w) == pytest.approx(5.0)
    assert cv.value - cv.duality_gap - 1e-10 <= sol2.value <= cv.value + 1e-10
    with pytest.raises(InvalidInputError, match="null space"):
        ar.unconstrained_minimum(F, b2, 0.0)


def test_cvxpy_refuses_uncertified_status():
    pi, d, phi, A_hat = _instance(3, dim=4)
    F, b, c = ar.actor_quadratic(pi, d, phi, A_hat)
    with pytest.raises(ar.UncertifiedSolutionError, match="not certified"):
        ar.solve_actor_cvxpy(F, b, c, 0.1, max_iter=1)


def test_bad_inputs_name_the_field():
    pi, d, phi, A_hat = _instance(0)
    F, b, c = ar.actor_quadratic(pi, d, phi, A_hat)
    with pytest.raises(InvalidInputError, match="R"):
        ar.solve_actor_exact(F, b, c, -1.0)
    with pytest.raises(InvalidInputError, match="^b"):
        ar.solve_actor_exact(F, b[:-1], c, 1.0)
    with pytest.raises(InvalidInputError, match="advantage"):
        ar.actor_quadratic(pi, d, phi, A_hat[:, :-1])
    with pytest.raises(InvalidInputError, match="F"):
        ar.solve_actor_exact(np.ones((3, 4)), b, c, 1.0)
