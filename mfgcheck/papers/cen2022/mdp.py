"""Exact tabular numerics for Cen et al. (2022): soft policy evaluation, the soft optimum and
entropy-regularised natural policy gradient (NPG), independent of the mean-field code.

A discounted MDP ``(S, A, P, r, gamma)`` with rewards in [0, 1] and entropy weight ``tau > 0``
(the paper's notation, section 2; ``tau`` is the shared symbol ``lam`` of mfgcheck). For a
policy ``pi`` (paper (8), (11a), (11b)):

- ``V^pi_tau(s) = E[sum_k gamma^k (r(s_k, a_k) - tau log pi(a_k|s_k)) | s_0 = s]``,
  computed exactly by one linear solve ``(I - gamma P_pi) V = r_pi + tau H(pi)``
  (:func:`soft_evaluate`; LAPACK LU with partial pivoting);
- ``Q^pi_tau(s, a) = r(s, a) + gamma E_{s'~P(.|s,a)} V^pi_tau(s')``.

The soft optimum ``Q*_tau`` is the fixed point of the soft Bellman optimality operator
``T_tau(Q)(s, a) = r(s, a) + gamma E_{s'} tau log sum_a' exp(Q(s', a')/tau)`` (paper (35),
Lemma 2), with ``pi*_tau(.|s) = softmax(Q*_tau(s, .)/tau)`` and
``V*_tau(s) = tau logsumexp(Q*_tau(s, .)/tau)``. :func:`soft_optimum` finds it by soft policy
iteration (exact evaluation, then the Boltzmann improvement): Newton's method on the Bellman
equation, which converges at rate gamma and quadratically near the optimum (the paper's
Theorem 3). :func:`soft_value_iteration` iterates ``T_tau`` alone (no linear solve): the
independent route the tests compare against.

NPG with exact evaluation (paper (18), Algorithm 1), in log space (no underflow for nearly
deterministic policies)::

    log pi^{t+1}(a|s) = alpha log pi^t(a|s) + (1 - alpha) Q^t_tau(s, a)/tau - log Z^t(s),
    alpha = 1 - eta tau/(1 - gamma),   0 < eta <= (1 - gamma)/tau,

``log Z^t(s)`` the log-sum-exp normaliser. ``eta = (1 - gamma)/tau`` is soft policy iteration.

**Rounding.** :func:`roundoff` bounds the float64 error of a computed soft Q-function:
``8 (S + A) eps kappa Vmax`` with ``kappa = (1 + gamma)/(1 - gamma)`` the infinity-norm
condition number of ``I - gamma P_pi`` and ``Vmax = (1 + tau log|A|)/(1 - gamma)`` the largest
soft value (rewards in [0, 1]); the tests compare it with a 60-digit mpmath replay
(:mod:`.precise`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import lu_factor, lu_solve
from scipy.special import logsumexp

from ..._validate import (
    InvalidInputError,
    check_discount,
    check_int,
    check_number,
    check_temperature,
)

EPS = float(np.finfo(np.float64).eps)

__all__ = ["MDP", "Optimum", "NPGRun", "random_mdp", "soft_evaluate", "soft_bellman",
           "soft_optimum", "soft_value_iteration", "npg", "npg_alpha", "roundoff", "EPS"]


@dataclass(frozen=True)
class MDP:
    """A finite discounted MDP: ``P[s, a, s']`` (rows are distributions), ``r[s, a]`` in
    [0, 1], ``gamma`` in (0, 1)."""

    P: np.ndarray
    r: np.ndarray
    gamma: float

    def __post_init__(self):
        P = np.asarray(self.P, dtype=np.float64)
        r = np.asarray(self.r, dtype=np.float64)
        if P.ndim != 3 or P.shape[0] != P.shape[2] or P.shape[0] < 1 or P.shape[1] < 1:
            raise InvalidInputError(f"P: shape {P.shape}, expected (S, A, S) with S, A >= 1")
        if r.shape != P.shape[:2]:
            raise InvalidInputError(f"r: shape {r.shape}, expected {P.shape[:2]} (S, A)")
        if not (np.isfinite(P).all() and np.isfinite(r).all()):
            raise InvalidInputError("P, r: must be finite")
        if (P < 0).any():
            s, a, t = np.argwhere(P < 0)[0]
            raise InvalidInputError(f"P[{s}, {a}, {t}]: {P[s, a, t]!r} is negative")
        sums = P.sum(axis=-1)
        tol = 4 * P.shape[0] * EPS
        if (np.abs(sums - 1) > tol).any():
            s, a = np.argwhere(np.abs(sums - 1) > tol)[0]
            raise InvalidInputError(f"P[{s}, {a}, :]: sums to {sums[s, a]:.17g}, not 1")
        if (r < 0).any() or (r > 1).any():
            raise InvalidInputError(f"r: values in [{r.min():.6g}, {r.max():.6g}]; the theorem "
                                    f"assumes rewards in [0, 1]")
        # kept as given (no renormalisation), so a case rebuilt from its JSON has the same bits
        object.__setattr__(self, "P", P)
        object.__setattr__(self, "r", r)
        object.__setattr__(self, "gamma", check_discount(self.gamma))

    @property
    def n_states(self) -> int:
        return self.P.shape[0]

    @property
    def n_actions(self) -> int:
        return self.P.shape[1]


def random_mdp(n_states: int, n_actions: int, seed: int, gamma: float, *,
               concentration: float = 1.0) -> MDP:
    """A random MDP: ``P[s, a, :]`` Dirichlet(``concentration``), ``r`` uniform on [0, 1];
    the same arguments give the same bits. Small concentrations give nearly deterministic
    transitions."""
    n_states = check_int("n_states", n_states, minimum=1)
    n_actions = check_int("n_actions", n_actions, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    concentration = check_number("concentration", concentration, gt=0.0)
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.full(n_states, concentration), size=(n_states, n_actions))
    r = rng.uniform(size=(n_states, n_actions))
    return MDP(P, r, gamma)


def _log_policy(log_pi, mdp: MDP) -> np.ndarray:
    log_pi = np.asarray(log_pi, dtype=np.float64)
    if log_pi.shape != (mdp.n_states, mdp.n_actions):
        raise InvalidInputError(f"log_pi: shape {log_pi.shape}, expected "
                                f"({mdp.n_states}, {mdp.n_actions})")
    if np.isnan(log_pi).any() or (log_pi == np.inf).any():
        raise InvalidInputError("log_pi: must not contain nan or +inf")
    norm = logsumexp(log_pi, axis=1)
    if (np.abs(norm) > 4 * mdp.n_actions * EPS * np.maximum(1, np.abs(log_pi).max())).any():
        s = int(np.argmax(np.abs(norm)))
        raise InvalidInputError(f"log_pi[{s}]: exp sums to {np.exp(norm[s]):.17g}, not 1")
    return log_pi - norm[:, None]


def soft_evaluate(mdp: MDP, log_pi, tau: float) -> tuple[np.ndarray, np.ndarray]:
    """``(V^pi_tau, Q^pi_tau)`` of the policy ``exp(log_pi)`` by one linear solve."""
    return _evaluate(mdp, _log_policy(log_pi, mdp), check_temperature(tau, "tau"))


def _evaluate(mdp: MDP, log_pi: np.ndarray, tau: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`soft_evaluate` of a validated, normalised log-policy (the solvers' own)."""
    pi = np.exp(log_pi)
    # pi log pi -> 0 where pi underflows: entropy terms of zero-probability actions vanish
    ent = -np.sum(np.where(pi > 0, pi * log_pi, 0.0), axis=1)
    r_pi = np.einsum("sa,sa->s", pi, mdp.r)
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    M = np.eye(mdp.n_states) - mdp.gamma * P_pi
    V = lu_solve(lu_factor(M), r_pi + tau * ent)
    Q = mdp.r + mdp.gamma * np.einsum("sat,t->sa", mdp.P, V)
    return V, Q


def soft_bellman(mdp: MDP, Q, tau: float) -> np.ndarray:
    """``T_tau(Q)(s, a) = r(s, a) + gamma E_{s'} tau logsumexp(Q(s', .)/tau)`` (paper (35))."""
    V = tau * logsumexp(np.asarray(Q, dtype=np.float64) / tau, axis=1)
    return mdp.r + mdp.gamma * np.einsum("sat,t->sa", mdp.P, V)


@dataclass(frozen=True)
class Optimum:
    """The soft optimum: ``Q``, ``V``, ``log_pi`` (of ``pi*_tau``), the soft policy iterations
    it took and the Bellman residual ``||T_tau(Q) - Q||_inf`` at the end."""

    Q: np.ndarray
    V: np.ndarray
    log_pi: np.ndarray
    iterations: int
    residual: float


def _boltzmann(Q: np.ndarray, tau: float) -> tuple[np.ndarray, np.ndarray]:
    """``(log softmax(Q/tau), tau logsumexp(Q/tau))`` per state."""
    lse = logsumexp(Q / tau, axis=1)
    return Q / tau - lse[:, None], tau * lse


def soft_optimum(mdp: MDP, tau: float, *, max_iter: int = 200) -> Optimum:
    """``Q*_tau`` by soft policy iteration to its fixed point (module docstring). Stops when
    an iteration no longer changes ``Q`` beyond its rounding (:func:`roundoff`); raises
    ``ArithmeticError`` if that does not happen within ``max_iter`` iterations."""
    tau = check_temperature(tau, "tau")
    log_pi = np.full((mdp.n_states, mdp.n_actions), -np.log(mdp.n_actions))
    V, Q = _evaluate(mdp, log_pi, tau)
    tol = roundoff(mdp, tau)
    for k in range(1, max_iter + 1):
        log_pi, _ = _boltzmann(Q, tau)
        V, Q_new = _evaluate(mdp, log_pi, tau)
        change = float(np.abs(Q_new - Q).max())
        Q = Q_new
        if change <= tol:
            log_pi, V = _boltzmann(Q, tau)
            residual = float(np.abs(soft_bellman(mdp, Q, tau) - Q).max())
            return Optimum(Q, V, log_pi, k, residual)
    raise ArithmeticError(f"soft policy iteration: Q still moves by {change:.3g} > {tol:.3g} "
                          f"after {max_iter} iterations")


def soft_value_iteration(mdp: MDP, tau: float, *, tol: float | None = None,
                         max_iter: int = 100_000) -> np.ndarray:
    """``Q*_tau`` by iterating ``T_tau`` from 0 until ``||T_tau(Q) - Q||_inf <= tol (1 -
    gamma)`` (then ``||Q - Q*|| <= gamma tol``); ``tol`` defaults to :func:`roundoff`. Uses no
    linear solve: an independent route to :func:`soft_optimum`."""
    tau = check_temperature(tau, "tau")
    tol = roundoff(mdp, tau) if tol is None else check_number("tol", tol, gt=0.0)
    Q = np.zeros_like(mdp.r)
    for _ in range(max_iter):
        Q_new = soft_bellman(mdp, Q, tau)
        if np.abs(Q_new - Q).max() <= tol * (1 - mdp.gamma):
            return Q_new
        Q = Q_new
    raise ArithmeticError(f"soft value iteration did not reach {tol:.3g} in {max_iter} steps")


def npg_alpha(gamma: float, tau: float, eta: float) -> float:
    """``alpha = 1 - eta tau/(1 - gamma)`` (paper (41)); requires ``0 < eta <= (1-gamma)/tau``."""
    gamma, tau = check_discount(gamma), check_temperature(tau, "tau")
    eta = check_number("eta", eta, gt=0.0)
    alpha = 1.0 - eta * tau / (1.0 - gamma)
    if alpha < -4 * EPS:
        raise InvalidInputError(f"eta: {eta!r} must be <= (1 - gamma)/tau = "
                                f"{(1 - gamma) / tau!r} (Theorem 1's learning rates)")
    return max(alpha, 0.0)


@dataclass(frozen=True)
class NPGRun:
    """Iterates ``t = 0..T`` of exact entropy-regularised NPG: ``log_pi[t]``, ``Q[t]``, ``V[t]``
    (the soft Q and V of ``pi^t``), and ``alpha``."""

    log_pi: np.ndarray
    Q: np.ndarray
    V: np.ndarray
    alpha: float


def npg(mdp: MDP, tau: float, eta: float, log_pi0, T: int) -> NPGRun:
    """``T`` iterations of NPG (paper (18), module docstring) from ``exp(log_pi0)``."""
    T = check_int("T", T, minimum=0)
    alpha = npg_alpha(mdp.gamma, tau, eta)
    log_pi = _log_policy(log_pi0, mdp)
    pis, Qs, Vs = [log_pi], [], []
    tau = check_temperature(tau, "tau")
    for t in range(T + 1):
        V, Q = _evaluate(mdp, log_pi, tau)
        Qs.append(Q)
        Vs.append(V)
        if t == T:
            break
        logits = alpha * log_pi + (1.0 - alpha) * Q / tau
        log_pi = logits - logsumexp(logits, axis=1)[:, None]
        pis.append(log_pi)
    return NPGRun(np.array(pis), np.array(Qs), np.array(Vs), alpha)


def roundoff(mdp: MDP, tau: float) -> float:
    """A bound on the float64 error of a computed soft Q-function (module docstring)."""
    kappa = (1 + mdp.gamma) / (1 - mdp.gamma)
    vmax = (1 + tau * np.log(mdp.n_actions)) / (1 - mdp.gamma)
    return 8.0 * (mdp.n_states + mdp.n_actions) * EPS * kappa * vmax
