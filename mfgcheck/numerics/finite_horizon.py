"""Finite-horizon mean-field games: flows, backward induction, exploitability.

The theory (docs/conventions.md) is stationary and discounted; the peers (MFGLib, OpenSpiel) and
the paper's episodic simulations are finite-horizon. This module is the finite-horizon
counterpart of ``evaluation``, ``best_response``, ``population`` and ``exploitability``, on the
same ``Game`` (``transition_fn``/``reward_fn`` of mu) plus a ``FiniteHorizonSpec``:

- a time-dependent policy ``pi = (pi_0, ..., pi_{H-1})``, shape (H, S, A);
- its mean-field flow ``mu_0 = rho``, ``mu_{h+1} = Gamma2(pi_h, mu_h)``
  ``= sum_{s,a} mu_h(s) pi_h(a|s) P(.|s, a, mu_h)``, shape (H+1, S);
- against a flow, the value of ``pi`` (``lam >= 0`` the entropy weight, ``gamma`` in (0, 1])
  ``J(pi, mu) = E[ sum_{h<H} gamma^h (r_h(s_h, a_h) - lam log pi_h(a_h|s_h)) + gamma^H g(s_H) ]``
  with ``s_0 ~ rho``, ``a_h ~ pi_h(.|s_h)``, ``s_{h+1} ~ P(.|s_h, a_h, mu_h)``, ``r_h`` the stage
  reward (default ``r(s, a, mu_h)``) and ``g`` the terminal reward (default 0);
- backward induction ``V_H = g``, ``Q_h = r_h + gamma P_h V_{h+1}``, and
  ``V_h = max_a Q_h`` (lam = 0) or ``V_h = lam log sum_a exp(Q_h/lam)`` with best response
  ``pi_h ∝ exp(Q_h/lam)`` (lam > 0, the finite-horizon analogue of Lemma 3);
- exploitability ``E(pi) = max_pi' J(pi', mu^pi) - J(pi, mu^pi)`` (appendix D's definition
  with the finite-horizon value); ``E >= 0``, 0 exactly at a finite-horizon (regularised)
  Nash equilibrium. With lam = 0, gamma = 1 it is MFGLib's ``exploitability_score`` and
  OpenSpiel's ``NashConv`` (see games/peers.py for their conventions).

The game's ``gamma`` and ``lam`` (the stationary model's) are never read here: the spec's are.
Time-dependent rewards (a terminal reward; a reward that depends on the step, or on the
whole flow such as ``mu_{h+1}``) are expressed by the spec's ``stage_reward(flow)`` and
``terminal_reward(flow)``, which the peer adapters set.

Transitions ``P_h = P(.|., ., mu_h)`` are computed once per step; they are kept for the
backward pass when they fit in ``TRANSITION_CACHE_BYTES`` and recomputed otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import xlogy

from .._validate import ATOL, InvalidInputError, as_float_array, check_reward, check_simplex
from ..games.finite_horizon import FiniteHorizonSpec, FlowFn  # noqa: F401 - re-exported
from . import mdp

TRANSITION_CACHE_BYTES = 1 << 27  # 128 MiB: above this the backward pass recomputes P_h


@dataclass(frozen=True)
class FiniteHorizonValues:
    """Values of a policy (or of the best response) against a fixed flow.

    policy (H, S, A): the evaluated policy, or the best response (greedy, ties to the lowest
    action, if lam = 0; ``softmax(Q_h/lam)`` if lam > 0). ``Q`` (H, S, A), ``V`` (H+1, S) with
    ``V[H] = g``; ``value = rho . V[0]``.
    """

    policy: np.ndarray
    Q: np.ndarray
    V: np.ndarray
    value: float


@dataclass(frozen=True)
class FiniteHorizonExploitability:
    value: float
    flow: np.ndarray            # mu^pi, (H+1, S)
    best_value: float           # max_pi' J(pi', mu^pi)
    policy_value: float         # J(pi, mu^pi)
    best_response: np.ndarray   # (H, S, A)


# -- policies ------------------------------------------------------------------------------
def uniform_policy(horizon: int, n_states: int, n_actions: int) -> np.ndarray:
    return np.full((horizon, n_states, n_actions), 1.0 / n_actions)


def stationary_policy(policy, horizon: int) -> np.ndarray:
    """The time-dependent policy that plays the (S, A) ``policy`` at every step."""
    pi = np.asarray(policy, dtype=np.float64)
    if pi.ndim != 2:
        raise InvalidInputError(f"policy: shape {pi.shape}, expected (S, A)")
    return np.repeat(pi[None], int(horizon), axis=0)


def validate_policy(game, policy, spec: FiniteHorizonSpec, name: str = "policy") -> np.ndarray:
    """``policy`` as a validated (H, S, A) array whose rows are action distributions."""
    shape = (spec.horizon, game.n_states, game.n_actions)
    pi = as_float_array(name, policy)
    if pi.shape != shape:
        raise InvalidInputError(f"{name}: shape {pi.shape}, expected (H, S, A) = {shape}")
    return check_simplex(name, pi, game.n_actions)


def validate_flow(game, flow, spec: FiniteHorizonSpec, name: str = "flow") -> np.ndarray:
    """``flow`` as a validated (H+1, S) array of state distributions."""
    shape = (spec.horizon + 1, game.n_states)
    mu = as_float_array(name, flow)
    if mu.shape != shape:
        raise InvalidInputError(f"{name}: shape {mu.shape}, expected (H+1, S) = {shape}")
    return check_simplex(name, mu, game.n_states)


# -- model along a flow ----------------------------------------------------------------------
def _check_transitions(game, P, first_step: int) -> None:
    """Transitions of steps ``first_step, first_step + 1, ...``, shape (k, S, A, S): finite,
    non-negative, rows summing to 1.

    Vectorised and copy-free (``check_transition`` would clip into a copy), because this runs
    on every flow."""
    S, A = game.n_states, game.n_actions
    if P.ndim != 4 or P.shape[1:] != (S, A, S):
        raise InvalidInputError(f"{game.name}.transition_fn(mu): shape {P.shape[1:]}, "
                                f"expected {(S, A, S)}")
    sums = P.sum(axis=-1)
    bad = ~np.isfinite(sums) | (np.abs(sums - 1.0) > ATOL * S) | (P.min(axis=-1) < -ATOL)
    if bad.any():
        h, s, a = (int(i) for i in np.argwhere(bad)[0])
        row = P[h, s, a]
        raise InvalidInputError(
            f"{game.name}.transition(flow[{first_step + h}])[s={s}, a={a}] is not a "
            f"distribution (sum {row.sum():.12g}, min {row.min():.3g})")


def _transitions(game, flow_steps: np.ndarray) -> np.ndarray:
    """``P(. | ., ., mu_h)`` for every row of ``flow_steps`` (k, S), shape (k, S, A, S). A
    transition broadcast along the flow (stride 0: it ignores mu) is checked once."""
    P = np.asarray(game.transition_fn(flow_steps), dtype=np.float64)
    _check_transitions(game, P[:1] if P.ndim == 4 and P.strides[0] == 0 else P, 0)
    return P


def _same_data(a, b) -> bool:
    """``a`` and ``b`` are read-only views of the same memory with the same layout, so equal
    without reading them: a transition that ignores mu returns one constant array (games.peers)
    and needs no copy and no second check."""
    if b is None or a.flags.writeable or b.flags.writeable:
        return False
    ia, ib = a.__array_interface__, b.__array_interface__
    return all(ia[k] == ib[k] for k in ("data", "shape", "strides", "typestr"))


def _cache_fits(game, horizon: int) -> bool:
    return horizon * game.n_states ** 2 * game.n_actions * 8 <= TRANSITION_CACHE_BYTES


def flow_rewards(game, flow, spec: FiniteHorizonSpec) -> tuple[np.ndarray, np.ndarray]:
    """Stage rewards (H, S, A) and terminal reward (S,) along ``flow`` (H+1, S)."""
    flow = validate_flow(game, flow, spec)
    return _rewards(game, flow, spec)


def _rewards(game, flow, spec):
    H, S, A = spec.horizon, game.n_states, game.n_actions
    if spec.stage_reward is None:
        r = check_reward(f"{game.name}.reward(flow)", game.reward_fn(flow[:H]), S, A,
                         game.reward_range)
    else:
        r = as_float_array("spec.stage_reward(flow)", spec.stage_reward(flow))
    if r.shape != (H, S, A):
        raise InvalidInputError(f"stage reward: shape {r.shape}, expected (H, S, A) = "
                                f"{(H, S, A)}")
    if spec.terminal_reward is None:
        g = np.zeros(S)
    else:
        g = as_float_array("spec.terminal_reward(flow)", spec.terminal_reward(flow))
        if g.shape != (S,):
            raise InvalidInputError(f"spec.terminal_reward(flow): shape {g.shape}, "
                                    f"expected ({S},)")
    return r, g


def _steps(steps: range, progress: bool, desc: str):
    if not progress:
        return steps
    from ..progress import progress as progress_bar
    return progress_bar(steps, desc=desc)


def _forward(game, pi, rho, keep: bool, progress: bool = False):
    """The flow of ``pi`` from ``rho``; also the P_h, as a list of H (S A, S) arrays, if
    ``keep`` (references to what the game returned, not copies).

    For the peers' small games numpy's per-call overhead is the cost, so each step is a
    transition call and two in-place operations: ``w = mu_h * pi_h`` and
    ``mu_{h+1} = w (S A) x P_h (S A, S)`` (Gamma2). Each P_h is checked once; a step that
    returns the previous step's read-only array (a transition independent of mu) is neither
    copied nor checked again."""
    H, S, A = pi.shape
    SA = S * A
    flow = np.empty((H + 1, S))
    flow[0] = rho
    mu_col = flow[:, :, None]          # (H+1, S, 1) view: mu_h(s) pi_h(a|s) without reshaping
    P_list: list[np.ndarray] | None = [] if keep else None
    w = np.empty((S, A))
    w_flat = w.reshape(SA)
    transition_fn, dot, mul = game.transition_fn, np.dot, np.multiply
    raw_prev = None
    P = np.empty((SA, S))              # set at h = 0 (_same_data(raw, None) is False)
    for h in _steps(range(H), progress, "flow"):
        raw = transition_fn(flow[h])
        if not (isinstance(raw, np.ndarray) and _same_data(raw, raw_prev)):
            P = np.asarray(raw, dtype=np.float64)
            _check_transitions(game, P[None], h)
            P = P.reshape(SA, S)
        raw_prev = raw
        if P_list is not None:
            P_list.append(P)
        mul(pi[h], mu_col[h], out=w)
        dot(w_flat, P, out=flow[h + 1])
    return flow, P_list


def mean_field_flow(game, policy, spec: FiniteHorizonSpec, *, progress: bool = False):
    """``(mu_0, ..., mu_H)``: ``mu_0 = rho``, ``mu_{h+1} = Gamma2(pi_h, mu_h)``; shape (H+1, S)."""
    pi = validate_policy(game, policy, spec)
    return _forward(game, pi, spec.initial_distribution(game), keep=False,
                    progress=progress)[0]


# -- backward induction ----------------------------------------------------------------------
def _backward(game, flow, spec, r, g, P_all, pi=None, progress=False):
    """Backward induction along ``flow``: optimal (``pi is None``) or for ``pi``.

    Returns ``(Q, V)`` of shapes (H, S, A) and (H+1, S). Q is built flat, (S A) x S times S,
    so that each step is one matrix-vector product (the steps are tiny for the peers' games,
    and numpy's per-call overhead is what counts there)."""
    H, S, A = r.shape
    gamma, lam = spec.gamma, spec.lam
    Q = np.empty((H, S * A))
    V = np.empty((H + 1, S))
    V[H] = g
    r_flat = r.reshape(H, S * A)
    P_flat = P_all                       # a list of H (S A, S) arrays, or None
    max_reduce, dot, add = np.maximum.reduce, np.dot, np.add
    Q3 = Q.reshape(H, S, A)
    for h in _steps(range(H - 1, -1, -1), progress, "backward induction"):
        P = P_flat[h] if P_flat is not None else \
            _transitions(game, flow[h][None])[0].reshape(S * A, S)
        q = dot(P, V[h + 1], out=Q[h])
        if gamma != 1.0:
            q *= gamma
        add(q, r_flat[h], out=q)
        if pi is not None:
            V[h] = (pi[h] * Q3[h]).sum(axis=-1)
            if lam > 0:
                V[h] -= lam * xlogy(pi[h], pi[h]).sum(axis=-1)
        elif lam > 0:
            V[h] = mdp.soft_max_value(Q3[h], lam)
        else:
            max_reduce(Q3[h], axis=-1, out=V[h])
    return Q.reshape(H, S, A), V


def _greedy(Q, lam):
    if lam > 0:
        return mdp.soft_greedy(Q, lam)
    # Deterministic argmax, ties to the lowest action (any maximiser has the same value).
    pi = np.zeros_like(Q)
    np.put_along_axis(pi, Q.argmax(axis=-1)[..., None], 1.0, axis=-1)
    return pi


def _model_along(game, flow, spec):
    if not _cache_fits(game, spec.horizon):
        return None
    P = _transitions(game, flow[:spec.horizon])
    S, A = game.n_states, game.n_actions
    return [P[h].reshape(S * A, S) for h in range(spec.horizon)]


def best_response(game, flow, spec: FiniteHorizonSpec, *, progress: bool = False):
    """The best response to the flow ``flow`` (H+1, S) by backward induction.

    lam = 0: ``V_h = max_a Q_h``, a deterministic greedy policy. lam > 0: the soft backup
    ``V_h = lam log sum_a exp(Q_h/lam)`` (log-sum-exp, stable for any lam) and
    ``pi_h ∝ exp(Q_h/lam)``, the unique regularised optimum. Returns FiniteHorizonValues.
    """
    flow = validate_flow(game, flow, spec)
    r, g = _rewards(game, flow, spec)
    Q, V = _backward(game, flow, spec, r, g, _model_along(game, flow, spec), progress=progress)
    rho = spec.initial_distribution(game)
    return FiniteHorizonValues(policy=_greedy(Q, spec.lam), Q=Q, V=V, value=float(rho @ V[0]))


def policy_evaluation(game, policy, flow, spec: FiniteHorizonSpec, *, progress: bool = False):
    """Values of ``policy`` against ``flow`` by backward recursion:
    ``V_h = sum_a pi_h (Q_h - lam log pi_h)``, ``Q_h = r_h + gamma P_h V_{h+1}``, ``V_H = g``."""
    pi = validate_policy(game, policy, spec)
    flow = validate_flow(game, flow, spec)
    r, g = _rewards(game, flow, spec)
    Q, V = _backward(game, flow, spec, r, g, _model_along(game, flow, spec), pi=pi,
                     progress=progress)
    rho = spec.initial_distribution(game)
    return FiniteHorizonValues(policy=pi, Q=Q, V=V, value=float(rho @ V[0]))


# -- exploitability --------------------------------------------------------------------------
def _own_value(pi, flow, r, g, spec):
    """``J(pi, mu^pi)`` forward, without recursion: an agent that follows ``pi`` from ``rho``
    has state distribution ``mu_h`` at step h (it is one member of the population), so
    ``J = sum_h gamma^h E_{s~mu_h, a~pi_h}[r_h - lam log pi_h] + gamma^H mu_H . g``."""
    H = pi.shape[0]
    per_step = np.einsum("hs,hsa->h", flow[:H], pi * r)
    if spec.lam > 0:
        per_step -= spec.lam * np.einsum("hs,hs->h", flow[:H], xlogy(pi, pi).sum(axis=-1))
    disc = spec.gamma ** np.arange(H + 1)
    return float(disc[:H] @ per_step + disc[H] * (flow[H] @ g))


def exploitability_details(game, policy, spec: FiniteHorizonSpec, *, flow=None,
                           progress: bool = False) -> FiniteHorizonExploitability:
    """``E(pi) = max_pi' J(pi', mu^pi) - J(pi, mu^pi)`` with its parts.

    ``flow`` overrides ``mu^pi`` (then ``J(pi, flow)`` is computed by backward recursion,
    since the agent's own state distribution is no longer the flow)."""
    return _exploitability(game, policy, spec, flow, progress, details=True)


def exploitability(game, policy, spec: FiniteHorizonSpec, *, flow=None,
                   progress: bool = False) -> float:
    """Finite-horizon exploitability of ``policy`` (H, S, A); see exploitability_details."""
    return _exploitability(game, policy, spec, flow, progress, details=False)


def _exploitability(game, policy, spec, flow, progress, details):
    pi = validate_policy(game, policy, spec)
    rho = spec.initial_distribution(game)
    if flow is None:
        keep = _cache_fits(game, spec.horizon)
        mu, P_all = _forward(game, pi, rho, keep=keep, progress=progress)
        r, g = _rewards(game, mu, spec)
        own = _own_value(pi, mu, r, g, spec)
    else:
        mu = validate_flow(game, flow, spec)
        r, g = _rewards(game, mu, spec)
        P_all = _model_along(game, mu, spec)
        _, V_pi = _backward(game, mu, spec, r, g, P_all, pi=pi, progress=progress)
        own = float(rho @ V_pi[0])
    Q, V = _backward(game, mu, spec, r, g, P_all, progress=progress)
    best = float(rho @ V[0])
    if not details:
        return best - own
    return FiniteHorizonExploitability(value=best - own, flow=mu, best_value=best,
                                       policy_value=own, best_response=_greedy(Q, spec.lam))


__all__ = [
    "FiniteHorizonSpec", "FiniteHorizonValues", "FiniteHorizonExploitability",
    "uniform_policy", "stationary_policy", "validate_policy", "validate_flow",
    "mean_field_flow", "flow_rewards", "best_response", "policy_evaluation",
    "exploitability", "exploitability_details", "TRANSITION_CACHE_BYTES",
]
