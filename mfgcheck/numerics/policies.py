"""Policies and the log-linear softmax policy class (docs/conventions.md, "Policy class").

``pi_theta(a|s) ∝ exp(theta^T phi_{s,a})`` with features ``phi`` of shape (S, A, d) and
``||phi_{s,a}||_2 <= 1``; ``grad_theta log pi_theta(a|s) = phi_{s,a} - sum_a' pi(a'|s) phi_{s,a'}``.
``tabular_features`` (one-hot in (s, a), d = S A) represents every softmax policy exactly;
``is_tabular(phi)`` recognises them.
"""

from __future__ import annotations

import numpy as np

from .._validate import InvalidInputError, as_float_array, check_int, check_number, check_policy

FEATURE_NORM_TOL = 1e-12


def uniform_policy(n_states: int, n_actions: int) -> np.ndarray:
    S, A = check_int("n_states", n_states, minimum=1), check_int("n_actions", n_actions, minimum=1)
    return np.full((S, A), 1.0 / A)


def validate_policy(game, policy, name: str = "policy") -> np.ndarray:
    """``policy`` as a validated (..., S, A) array of action distributions for ``game``."""
    return check_policy(name, policy, game.n_states, game.n_actions)


def tabular_features(n_states: int, n_actions: int) -> np.ndarray:
    """One-hot features ``phi_{s,a} = e_{(s,a)}``, shape (S, A, S*A), norm exactly 1."""
    n_states = check_int("n_states", n_states, minimum=1)
    n_actions = check_int("n_actions", n_actions, minimum=1)
    return np.eye(n_states * n_actions).reshape(n_states, n_actions, n_states * n_actions)


def is_tabular(features) -> bool:
    """Whether ``features`` (S, A, d) are exactly ``tabular_features(S, A)`` (the one-hot
    features every tabular route of the solvers and algorithms assumes)."""
    S, A, dim = np.shape(features)
    return dim == S * A and bool(np.array_equal(features, tabular_features(S, A)))


def random_features(n_states: int, n_actions: int, dim: int, seed: int = 0,
                    *, norm: float = 1.0) -> np.ndarray:
    """Gaussian features scaled to ``||phi_{s,a}||_2 = norm <= 1``, shape (S, A, dim)."""
    check_number("norm", norm, gt=0.0, le=1.0)
    n_states = check_int("n_states", n_states, minimum=1)
    n_actions = check_int("n_actions", n_actions, minimum=1)
    dim = check_int("dim", dim, minimum=1)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    phi = rng.standard_normal((n_states, n_actions, dim))
    return norm * phi / np.linalg.norm(phi, axis=-1, keepdims=True)


def validate_features(phi, n_states: int, n_actions: int) -> np.ndarray:
    """Features of shape (S, A, d) with every ``||phi_{s,a}||_2 <= 1`` (Lemma 2 needs it)."""
    phi = as_float_array("features", phi)
    if phi.ndim != 3 or phi.shape[:2] != (n_states, n_actions):
        raise InvalidInputError(
            f"features: shape {phi.shape}, expected ({n_states}, {n_actions}, d)")
    norms = np.linalg.norm(phi, axis=-1)
    if norms.max() > 1 + FEATURE_NORM_TOL:
        s, a = np.unravel_index(norms.argmax(), norms.shape)
        raise InvalidInputError(f"features: ||phi[{s}, {a}]||_2 = {norms.max():.6g} > 1")
    return phi


def loglinear_logits(theta: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """``theta^T phi_{s,a}``, shape (..., S, A) for theta of shape (..., d)."""
    return np.einsum("sad,...d->...sa", phi, theta)


def loglinear_policy(theta: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """``pi_theta(a|s) = softmax_a(theta^T phi_{s,a})``, stable for any ``||theta||``."""
    logits = loglinear_logits(theta, phi)
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def grad_log_policy(pi: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """``grad_theta log pi(a|s) = phi_{s,a} - sum_a' pi(a'|s) phi_{s,a'}``, shape (..., S, A, d)."""
    mean_phi = np.einsum("...sa,sad->...sd", pi, phi)
    return phi - mean_phi[..., None, :]
