"""The batched engine behind ``nac``, ``nac_batch``, ``nac_step`` and ``dl_nac``.

One step of Algorithm 1 (docs/conventions.md, "Algorithm 1") for a batch of B runs, arrays
``theta`` (B, d) and ``mu`` (B, S):

1. ``pi_t = softmax(theta_t^T phi)`` (and ``log pi_t``, stable);
2. critic ``q_hat_t`` for ``(pi_t, mu_t)``: exact, or Algorithm 2;
3. ``A_hat_t = Q_hat_t - E_pi Q_hat_t`` with ``Q_hat_t = q_hat_t + lam log pi_t``;
4. actor ``w_hat_t``: exact minimiser of ``L_hat_t`` over ``||w|| <= R``, or Algorithm 3;
5. ``theta_{t+1} = (1 - eta_t lam) theta_t + eta_t w_hat_t`` (``g_t = w_hat_t - lam theta_t``);
6. ``mu_{t+1} = (1 - beta_t) mu_t + beta_t Gamma2(pi_t, mu_t)``.

The exact path is fused for speed (one ``transition_fn``/``reward_fn`` call, one batched
``S x S`` solve, the policy transition shared by evaluation and ``Gamma2``); the tests check it
against ``numerics.policy_evaluation``, ``numerics.population_step`` and the actor solvers.
For a game with a closed form (``Game.structure``: the linear-quadratic and random games),
tabular features and ``rho > 0``, the exact step runs compiled (``exact_kernels.step``; the
constrained actor, when the ball binds, and runs whose game check fails stay in NumPy).
With tabular features and ``rho > 0`` everywhere the visitation ``d^pi_mu`` is never needed
unless the actor's constraint binds (``d(s) >= (1 - gamma) rho(s) > 0``, and the minimum-norm
minimiser ``A_hat_s - mean_a A_hat_s`` does not depend on ``d``).

Every run's arithmetic is independent of the other runs (row-wise operations, per-run random
generators, per-run stopping in the trust-region solver), so a run gives the same bits alone
as inside a batch; the tests check this. The game's functions are called on ``mu`` laid out
as (B, 1, S) (``game_at``): a game written with ``mu @ x`` would otherwise reach BLAS
``gemv``/``gemm``, whose blocking makes row b's result depend on how many rows there are
(the linear-quadratic game's ``mu_bar`` differs in the last bit between B = 1 and B = 4); with
a stacked (1, S) row per run numpy's matmul loops over the runs with one and the same kernel
call.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .._validate import InvalidInputError
from ..numerics import actor_regression as ar
from ..numerics.policies import is_tabular, tabular_features, validate_features
from . import exact_kernels, kernels
from .actor import advantage_from_critic, exact_actor, sgd_actor
from .critic import default_critic_radius, prop1_steps, td0_critic, td_omega
from .environment import Environment, discounted_visitation
from .oracle import OracleConfig
from .practical import episodic_actor

if TYPE_CHECKING:
    from ..games.base import Game


def default_radius(game) -> float:
    """Default actor radius ``R = sqrt(S A) (r_max - r_min + gamma lam log|A|)/(1 - gamma)``.

    Why: with tabular features the exact actor's minimum-norm solution is
    ``w_s = Q_s - mean_a Q_s``, whose entries lie within the spread ``max_a Q - min_a Q <=
    (r_max - r_min) + gamma (max V - min V) <= (r_max - r_min + gamma lam log|A|)/(1 - gamma)``,
    so the exact tabular actor never meets the constraint: Algorithm 1 is then exact NPG with
    entropy regularisation. (Lemma 2's bound ``exp(-2R/lam)/|A|`` is then tiny, but it holds.)
    For other features the regression's solution can be larger; pass ``R`` explicitly.
    """
    spread = (game.reward_scale + game.gamma * game.lam * math.log(game.n_actions))
    return math.sqrt(game.n_states * game.n_actions) * spread / (1.0 - game.gamma)


@functools.cache
def _lemma2_evaluators():
    from ..theory import constants

    return constants.numeric("theta_bound"), constants.numeric("p_min_bound")


def lemma2_bounds(game, R: float) -> dict[str, float]:
    """Lemma 2's bounds for a run with radius ``R`` on ``game``, evaluated from the theory's
    formulas (``theory.constants``): ``theta_bound = R/lam`` (every ``||theta_t||_2``) and
    ``p_min_bound = exp(-2R/lam)/|A|`` (every ``pi_t(a|s)``)."""
    theta_bound, p_min_bound = _lemma2_evaluators()
    return {"theta_bound": theta_bound(R=R, lam=game.lam),
            "p_min_bound": p_min_bound(R=R, lam=game.lam, nA=game.n_actions)}


@dataclass(frozen=True)
class Problem:
    """A validated (game, features, R, oracle) with what the hot loop precomputes."""

    game: Game
    features: np.ndarray
    tabular: bool
    R: float
    oracle: OracleConfig
    critic_radius: float
    d_positive: bool          # d^pi_mu(s) > NULL_RTOL max d for every pi, mu (rho > 0)
    eye: np.ndarray
    exact_model: exact_kernels.ExactModel | None = None   # the compiled exact step's game

    @property
    def dim(self) -> int:
        return self.features.shape[-1]


def prepare(game, features, R, oracle: OracleConfig) -> Problem:
    S, A = game.n_states, game.n_actions
    if features is None:
        phi, tabular = tabular_features(S, A), True
    else:
        phi = validate_features(features, S, A)
        tabular = is_tabular(phi)
    if R is None:
        R = default_radius(game)
    try:
        R = float(R)
    except (TypeError, ValueError):
        raise InvalidInputError(f"R: {R!r} is not a number") from None
    if not (R > 0 and math.isfinite(R)):
        raise InvalidInputError(f"R: {R!r} must be a finite number > 0")
    radius = (default_critic_radius(game, R) if oracle.critic_radius is None
              else float(oracle.critic_radius))
    d_positive = bool((1.0 - game.gamma) * game.rho.min() > ar.NULL_RTOL)
    phi = np.ascontiguousarray(phi, dtype=np.float64)
    phi.setflags(write=False)
    model = (exact_kernels.model_of(game) if kernels.use_compiled() and oracle.mode == "exact"
             and tabular and d_positive else None)
    return Problem(game=game, features=phi, tabular=tabular, R=R, oracle=oracle,
                   critic_radius=radius, d_positive=d_positive, eye=np.eye(S),
                   exact_model=model)


def game_at(fn, mu):
    """``fn(mu)`` for a batch ``mu`` (B, S), evaluated run by run in numpy's stacked layout
    (module docstring: batch-invariant bits)."""
    return fn(mu[:, None, :])[:, 0]


def policy_of(prob: Problem, theta: np.ndarray):
    """``(pi, log pi)`` (B, S, A) of ``theta`` (B, d), by a stable log-softmax."""
    S, A = prob.game.n_states, prob.game.n_actions
    if prob.tabular:
        logits = theta.reshape(theta.shape[0], S, A)
    else:
        logits = (prob.features[None] * theta[:, None, None, :]).sum(axis=-1)
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    Z = e.sum(axis=-1, keepdims=True)
    return e / Z, z - np.log(Z)


@dataclass
class BatchStep:
    """Everything one step computes, arrays with a leading batch axis."""

    pi: np.ndarray
    log_pi: np.ndarray
    q_hat: np.ndarray
    A_hat: np.ndarray
    w_hat: np.ndarray
    g: np.ndarray
    theta_next: np.ndarray
    mu_next: np.ndarray
    population: np.ndarray        # Gamma2(pi_t, mu_t)
    psi: np.ndarray | None = None  # the sampled critic's output psi_bar (B, d)
    theta_norm: np.ndarray | None = None  # ||theta_t|| (B,) as the compiled step computed it


def visitation(prob, Ppi):
    """``d^pi_mu`` from ``rho`` given ``P_pi`` (B, S, S):
    ``d^T (I - gamma P_pi) = (1 - gamma) rho^T``."""
    return discounted_visitation(Ppi, prob.game.rho, prob.game.gamma)


def exact_critic(prob: Problem, pi, logpi, mu, P=None, Ppi=None):
    """The exact shifted ``q = Q - lam log pi`` and advantage ``A = Q - E_pi Q`` (B, S, A) of
    ``(pi, mu)``: ``V = (I - gamma P_pi)^{-1} E_pi[r - lam log pi]``, ``Q = r + gamma P V``."""
    game = prob.game
    lam, gamma = game.lam, game.gamma
    if P is None:
        P = game_at(game.transition_at, mu)
        Ppi = (pi[..., None] * P).sum(axis=-2)
    r = game_at(game.reward_at, mu)
    rhs = (pi * (r - lam * logpi)).sum(axis=-1)
    V = np.linalg.solve(prob.eye - gamma * Ppi, rhs[..., None])[..., 0]
    Q = r + gamma * (P * V[:, None, None, :]).sum(axis=-1)
    return Q - lam * logpi, Q - (pi * Q).sum(axis=-1, keepdims=True)


def step_batch(prob: Problem, theta, mu, eta, beta, rngs=None, pi_logpi=None,
               psi0=None) -> BatchStep:
    """One step of Algorithm 1 for every run; ``eta``, ``beta`` (B,); ``rngs`` one Generator
    per run (sampled oracles only); ``psi0`` (B, d) the sampled critic's start (a warm start:
    the previous step's ``psi``; ``None``: zero)."""
    if prob.exact_model is not None and pi_logpi is None:
        return _compiled_step(prob, theta, mu, eta, beta)
    game, oracle = prob.game, prob.oracle
    lam, gamma = game.lam, game.gamma
    B = theta.shape[0]
    pi, logpi = policy_of(prob, theta) if pi_logpi is None else pi_logpi
    P = game_at(game.transition_at, mu)                         # (B, S, A, S)
    Ppi = (pi[..., None] * P).sum(axis=-2)                      # (B, S, S)
    d = None
    psi: np.ndarray | None = None
    if oracle.critic_exact:
        q_hat, A_hat = exact_critic(prob, pi, logpi, mu, P, Ppi)
        env = None
    else:
        env = Environment(game, mu, rngs, transition=P)
        K = oracle.K_critic
        steps = (prop1_steps(td_omega(visitation(prob, Ppi), pi, prob.features), gamma, K)
                 if isinstance(oracle.critic_step, str) else oracle.critic_step.values(K))
        crit = td0_critic(env, pi, logpi, prob.features, lam=lam, n_samples=K, steps=steps,
                          radius=prob.critic_radius, tabular=prob.tabular,
                          psi0=psi0 if oracle.warm else None)
        q_hat, psi = crit.q, crit.psi
        A_hat = advantage_from_critic(q_hat, logpi, pi, lam)
    if oracle.actor_exact:
        if prob.tabular and prob.d_positive:
            S, A = pi.shape[-2:]
            w = (A_hat - A_hat.mean(axis=-1, keepdims=True)).reshape(B, S * A)
            active = np.sqrt((w * w).sum(axis=-1)) > prob.R
            if active.any():
                d_act = visitation(prob, Ppi[active])
                w[active] = ar.solve_actor_tabular(pi[active], d_act, A_hat[active], prob.R).w
        else:
            d = visitation(prob, Ppi)
            w = exact_actor(pi, d, prob.features, A_hat, R=prob.R, tabular=prob.tabular).w
    else:
        if env is None:
            env = Environment(game, mu, rngs, transition=P)
        if oracle.mode == "practical":
            w = episodic_actor(env, pi, prob.features, A_hat, R=prob.R,
                               n_samples=oracle.K_actor, tabular=prob.tabular).w
        else:
            w = sgd_actor(env, pi, prob.features, A_hat, R=prob.R, n_samples=oracle.K_actor,
                          step=oracle.actor_step, tabular=prob.tabular).w
    el = eta * lam
    theta_next = (1.0 - el)[:, None] * theta + eta[:, None] * w
    population = (mu[:, :, None] * Ppi).sum(axis=-2)            # Gamma2(pi, mu)
    mu_next = (1.0 - beta)[:, None] * mu + beta[:, None] * population
    return BatchStep(pi=pi, log_pi=logpi, q_hat=q_hat, A_hat=A_hat, w_hat=w,
                     g=w - lam * theta, theta_next=theta_next, mu_next=mu_next,
                     population=population, psi=psi)


def _compiled_step(prob: Problem, theta, mu, eta, beta) -> BatchStep:
    """``step_batch`` by ``exact_kernels.step``; runs whose ``||w|| > R`` get the constrained
    actor (NumPy, as ``step_batch``), runs whose game check fails the whole NumPy step (which
    evaluates the game itself and raises its detailed error if it is invalid)."""
    assert prob.exact_model is not None
    lam = prob.game.lam
    st = exact_kernels.step(prob.exact_model, theta, mu, eta, beta, lam, prob.game.gamma)
    out = BatchStep(pi=st.pi, log_pi=st.log_pi, q_hat=st.q_hat, A_hat=st.A_hat, w_hat=st.w_hat,
                    g=st.w_hat, theta_next=st.theta_next, mu_next=st.mu_next,
                    population=st.population, theta_norm=st.norms[:, 0])
    active = st.ok & (st.norms[:, 1] > prob.R)
    if active.any():
        d_act = visitation(prob, st.Ppi[active])
        w = ar.solve_actor_tabular(st.pi[active], d_act, st.A_hat[active], prob.R).w
        out.w_hat[active] = w
        e = eta[active][:, None]
        out.theta_next[active] = (1.0 - e * lam) * theta[active] + e * w
    bad = ~st.ok
    if bad.any():
        ref = step_batch(dataclasses.replace(prob, exact_model=None), theta[bad], mu[bad],
                         eta[bad], beta[bad])
        for name in ("pi", "log_pi", "q_hat", "A_hat", "w_hat", "theta_next", "mu_next",
                     "population"):
            getattr(out, name)[bad] = getattr(ref, name)
    out.g = out.w_hat - lam * theta
    return out


def population_of(prob: Problem, pi, mu):
    """``Gamma2(pi, mu)`` for a batch, with the same arithmetic as ``step_batch``."""
    P = game_at(prob.game.transition_at, mu)
    Ppi = (pi[..., None] * P).sum(axis=-2)
    return (mu[:, :, None] * Ppi).sum(axis=-2)
