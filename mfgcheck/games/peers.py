"""Adapters from the peers' finite-horizon games to ours (MFGLib, OpenSpiel): the models only.

Each adapter returns a ``PeerGame``: our ``Game`` (the per-step model ``P(.|s, a, mu)``,
``r(s, a, mu)``), the ``FiniteHorizonSpec`` that lays the peer's horizon, reward timing and
terminal reward over it (games/finite_horizon.py), and converters between our policies
(H, S, A) and the peer's. With them ``numerics.finite_horizon.exploitability(pg.game, pi,
pg.spec)`` equals the peer's own exploitability of ``pg.to_peer_policy(pi)`` (tests/peers/).

Running the peers' own code on these games (their environments, exploitability and NashConv)
is ``mfgcheck.numerics.peers``; this module never imports a peer
(``requirements-peers.txt`` pins the versions whose source the conventions below were read
from: mfglib 0.3.0, open_spiel 2.0.2).

``game.gamma`` and ``game.lam`` are the stationary model's (mfgcheck's defaults, never read by
the finite-horizon functions); the peers' objective is ``spec.gamma = 1``, ``spec.lam = 0``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtr

from .base import Game
from .finite_horizon import FiniteHorizonSpec
from .linear_quadratic import lq_reward_range

MFGLIB_VERSION = "0.3.0"
OPENSPIEL_VERSION = "2.0.2"


@dataclass(frozen=True)
class PeerGame:
    """A peer's game in our terms.

    game, spec: our model and the finite-horizon objective (``spec.horizon`` decision steps).
    peer: ``"mfglib"`` or ``"openspiel"``; peer_game: the peer's constructor name;
    peer_params: the arguments that rebuild the peer's own game (``mfglib_environment``,
    ``openspiel_game``).
    conventions: every difference from our defaults, one statement each (docs and reports).
    """

    name: str
    peer: str
    peer_game: str
    peer_params: dict
    game: Game
    spec: FiniteHorizonSpec
    conventions: tuple[str, ...]
    _to_peer: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    _from_peer: Callable[[np.ndarray], np.ndarray] = field(repr=False)

    @property
    def horizon(self) -> int:
        return self.spec.horizon

    def to_peer_policy(self, policy) -> np.ndarray:
        """Our (H, S, A) policy as the peer's array (MFGLib: (T+1, S, A) in its action order;
        OpenSpiel: (H, S, A) indexed by [tick, x, action])."""
        pi = np.asarray(policy, dtype=np.float64)
        if pi.shape != (self.horizon, self.game.n_states, self.game.n_actions):
            raise ValueError(f"policy: shape {pi.shape}, expected "
                             f"{(self.horizon, self.game.n_states, self.game.n_actions)}")
        return self._to_peer(pi)

    def from_peer_policy(self, peer_policy) -> np.ndarray:
        """The peer's policy array as our (H, S, A) policy."""
        return self._from_peer(np.asarray(peer_policy, dtype=np.float64))


def _scatter(targets, probs, batch, S, A):
    """``P[..., s, a, targets[..., s, a, j]] += probs[j]``, accumulated in ``j`` order (the
    peers' loop order, so that sums of equal targets round the same way)."""
    n = math.prod(batch)
    rows = np.arange(n * S * A).reshape(batch + (S, A, 1)) * S
    P = np.bincount((rows + targets).ravel(),
                    weights=np.broadcast_to(probs, targets.shape).ravel(),
                    minlength=n * S * A * S)
    return P.reshape(batch + (S, A, S))


def _transition_fn(build, S, mu_dependent: bool):
    """``mu -> P`` for a builder ``build(mu (..., S)) -> (..., S, A, S)``. Without mean
    reversion the peers' transition ignores mu: it is built once and returned as a read-only
    broadcast view (no copy per step)."""
    if mu_dependent:
        def transition(mu):
            return build(np.asarray(mu, dtype=np.float64))
        return transition
    P0 = build(np.full(S, 1.0 / S))
    P0.setflags(write=False)

    def fixed_transition(mu):
        return np.broadcast_to(P0, np.shape(mu)[:-1] + P0.shape)
    return fixed_transition


# -- MFGLib -------------------------------------------------------------------------------------
def mfglib_sis(T: int = 50, mu0=(0.4, 0.6)) -> PeerGame:
    """MFGLib's ``Environment.susceptible_infected(T, mu0)`` (mfglib/env/examples/
    susceptible_infected.py).

    Conventions, MFGLib vs ours (games.sis, appendix D):

    - actions: MFGLib's action 0 is *going out* (U) and 1 is *distancing* (D); ours are
      ``0 = D``, ``1 = U``. The converters reverse the action axis.
    - infection rate ``0.9**2 = 0.81`` (paper 0.92); recovery 0.3; costs 1 (infected) and
      0.5 (distancing), as ours.
    - ``mu0 = (0.4, 0.6)`` (S, I).
    - horizon: MFGLib's time runs ``t = 0..T`` and collects a reward at every t, including
      t = T, with a policy slice for each: ``T + 1`` decision steps, so ``spec.horizon = T+1``
      (51 by default). No terminal reward. Undiscounted, unregularised.
    - the transition at t uses ``mu_t = L_t.sum(actions)``, the marginal of the joint flow.
    - dtype: MFGLib computes in torch's default dtype (float32 unless changed); the peer
      functions here run it in float64 (``mfglib_environment``).
    """
    rho = np.asarray(mu0, dtype=np.float64)
    infection = 0.9**2                  # MFGLib writes (0.9**2) * mu_t[1]
    # P(mu) = base + mu(I) * slope: the SIS transition is affine in mu; writing it so makes
    # one call two array operations (the flow calls it at every step).
    base = np.zeros((2, 2, 2))
    base[0, 0, 0] = 1.0                 # S, distance -> S
    base[0, 1, 0] = 1.0                 # S, go out -> S (minus the infection below)
    base[1, :, 0], base[1, :, 1] = 0.3, 0.7
    slope = np.zeros((2, 2, 2))
    slope[0, 1, 1], slope[0, 1, 0] = infection, -infection
    reward = np.array([[-0.5, 0.0], [-1.5, -1.0]])   # [S, I] x [D, U]

    def transition(mu):
        mu = np.asarray(mu, dtype=np.float64)
        if mu.ndim == 1:                # the flow's hot path: a scalar times an array
            return base + mu[1] * slope
        return base + mu[..., 1, None, None, None] * slope

    def reward_fn(mu):
        mu = np.asarray(mu, dtype=np.float64)
        return np.broadcast_to(reward, mu.shape[:-1] + (2, 2)).copy()

    game = Game(name="mfglib-sis", n_states=2, n_actions=2, gamma=0.9, lam=0.1, rho=rho,
                transition_fn=transition, reward_fn=reward_fn, reward_range=(-1.5, 0.0),
                state_labels=("S", "I"), action_labels=("D", "U"),
                params=dict(peer="mfglib", T=T, mu0=list(map(float, rho)),
                            infection_rate=infection, recovery_rate=0.3))
    H = T + 1
    spec = FiniteHorizonSpec(horizon=H, description=(
        f"MFGLib SIS: {H} decision steps t = 0..{T} (reward at each, including t = T), "
        "no terminal reward, undiscounted, unregularised"))
    return PeerGame(
        name="mfglib-sis", peer="mfglib", peer_game="susceptible_infected",
        peer_params=dict(T=T, mu0=tuple(map(float, rho))), game=game, spec=spec,
        conventions=(
            "actions reversed: MFGLib 0 = go out (U), 1 = distance (D); ours 0 = D, 1 = U",
            "infection rate 0.9**2 = 0.81 (paper 0.92), recovery 0.3",
            f"mu0 = {tuple(map(float, rho))}",
            f"time t = 0..{T}: {H} rewarded decision steps, policy (T+1, S, A); "
            "no terminal reward",
            "undiscounted (gamma = 1), unregularised (lam = 0)",
            "MFGLib computes in torch's default dtype: run it in float64 to compare",
        ),
        _to_peer=lambda pi: pi[..., ::-1].copy(),
        _from_peer=lambda pi: pi[..., ::-1].copy(),
    )


def mfglib_linear_quadratic(T: int = 3, el: int = 5, m: int = 2, sigma: float = 3.0,
                            delta: float = 0.1, k: float = 1.0, q: float = 0.01,
                            kappa: float = 0.5, c_term: float = 1.0, mu0=None) -> PeerGame:
    """MFGLib's ``Environment.linear_quadratic`` (mfglib/env/examples/linear_quadratic.py).

    Conventions, MFGLib vs ours (games.linear_quadratic):

    - states: positions ``x = -el..el`` (``2 el + 1`` states), index ``x + el``; actions:
      moves ``-m..m``, index ``move + m`` (same order as ours).
    - dynamics: ``x' = round(x + (k (mean_t - x) + move) delta + sigma eps sqrt(delta))``
      with ``eps`` in ``sigma * {-3..3}`` (so the noise is ``sigma^2 j sqrt(delta)``: sigma
      enters twice) and ``P(eps) ∝ exp(-eps^2/2)``; rounding half to even (torch.round);
      **clipped** to ``[-el, el]``, not a torus. The mean reversion ``k`` makes the
      transition depend on mu. The expression is evaluated in MFGLib's operation order so
      that ties round the same way.
    - ``mean_t = sum_x x mu_t(x)`` over positions ``-el..el``.
    - reward for ``t < T``: ``(-move^2/2 + q move (mean_t - x) - kappa/2 (mean_t - x)^2) delta``;
      at ``t = T`` the terminal reward ``-c_term/2 (mean_T - x)^2`` (no ``delta``, no action).
      So ``spec.horizon = T`` decision steps plus ``spec.terminal_reward``; MFGLib's policy
      has a slice for ``t = T`` that does not change its value (our converter drops it and
      appends a uniform one).
    - ``mu0`` uniform by default; undiscounted, unregularised; float64 as for SIS.
    """
    if T < 1 or el < 1 or m < 0:
        raise ValueError("need T >= 1, el >= 1, m >= 0")
    S, A = 2 * el + 1, 2 * m + 1
    rho = np.full(S, 1.0 / S) if mu0 is None else np.asarray(mu0, dtype=np.float64)
    x = np.arange(-el, el + 1)
    moves = np.arange(-m, m + 1)
    eps = np.arange(-3, 4) * sigma
    eps_pr = np.exp(-0.5 * eps**2) / math.sqrt(2 * math.pi)
    eps_pr = eps_pr / eps_pr.sum()
    s_idx = np.arange(S)[:, None, None]
    a_idx = np.arange(A)[None, :, None]
    noise = sigma * eps * math.sqrt(delta)          # MFGLib: sigma * epsilon * sqrt(delta)

    def mean(mu):
        return (mu * x).sum(axis=-1)

    def build(mu):
        batch = mu.shape[:-1]
        m_t = mean(mu)[..., None, None, None]
        # MFGLib: s - el + (k * (m_t - s + el) + a - m) * delta + sigma * epsilon * sqrt(delta)
        nxt = (s_idx - el) + ((k * ((m_t - s_idx) + el) + a_idx) - m) * delta + noise
        nxt = np.clip(np.rint(nxt).astype(np.int64), -el, el) + el   # (..., S, A, 7)
        return _scatter(nxt, eps_pr, batch, S, A)

    transition = _transition_fn(build, S, mu_dependent=k != 0)

    r_c1 = -0.5 * moves.astype(float) ** 2

    def reward(mu):
        mu = np.asarray(mu, dtype=np.float64)
        d = mean(mu)[..., None, None] - x[:, None]                 # (..., S, 1)
        return (r_c1 + q * moves * d - 0.5 * kappa * d**2) * delta

    def terminal(flow):
        d = mean(flow[-1]) - x
        return -0.5 * c_term * d**2

    game = Game(name="mfglib-lq", n_states=S, n_actions=A, gamma=0.9, lam=1.0, rho=rho,
                transition_fn=transition, reward_fn=reward,
                reward_range=lq_reward_range(x, moves, -el, el, q=q, kappa=kappa, dt=delta),
                state_labels=tuple(str(v) for v in x),
                action_labels=tuple(f"{v:+d}" for v in moves),
                params=dict(peer="mfglib", T=T, el=el, m=m, sigma=sigma, delta=delta, k=k,
                            q=q, kappa=kappa, c_term=c_term, torus=False))
    spec = FiniteHorizonSpec(horizon=T, terminal_reward=terminal, description=(
        f"MFGLib LQ: {T} decision steps t = 0..{T - 1}, terminal reward "
        "-c_term/2 (mean_T - x)^2 at t = T, undiscounted, unregularised"))
    params = dict(T=T, el=el, m=m, sigma=sigma, delta=delta, k=k, q=q, kappa=kappa,
                  c_term=c_term, mu0=None if mu0 is None else tuple(map(float, rho)))

    def to_peer(pi):
        return np.concatenate([pi, np.full((1, S, A), 1.0 / A)])

    def from_peer(pi):
        if pi.shape != (T + 1, S, A):
            raise ValueError(f"MFGLib policy: shape {pi.shape}, expected {(T + 1, S, A)}")
        return pi[:T].copy()

    return PeerGame(
        name="mfglib-lq", peer="mfglib", peer_game="linear_quadratic", peer_params=params,
        game=game, spec=spec,
        conventions=(
            f"states x = -{el}..{el} (index x + el), moves -{m}..{m} (index move + m)",
            "noise sigma * eps sqrt(delta) with eps in sigma * {-3..3}, "
            "P(eps) ∝ exp(-eps^2/2) (sigma enters twice)",
            f"mean reversion k = {k} in the transition: P depends on mu",
            "next state rounded half to even, clipped to [-el, el] (no torus)",
            "mean_t = sum_x x mu_t(x), x = -el..el",
            "stage reward (-move^2/2 + q move (mean - x) - kappa/2 (mean - x)^2) delta "
            "at the current mean field",
            f"terminal reward -c_term/2 (mean_T - x)^2 at t = T: {T} decision steps + "
            "terminal; MFGLib's policy slice t = T has no effect",
            "mu0 uniform" if mu0 is None else "mu0 given",
            "undiscounted (gamma = 1), unregularised (lam = 0); MFGLib run in float64",
        ),
        _to_peer=to_peer, _from_peer=from_peer,
    )


# -- OpenSpiel ----------------------------------------------------------------------------------
OPENSPIEL_LQ_DEFAULTS = dict(size=10, horizon=10, dt=1.0, n_actions_per_side=3, volatility=1.0,
                             mean_revert=0.0, cross_q=0.01, kappa=0.5, terminal_cost=1.0,
                             spatial_bias=0)


def _openspiel_steps(horizon, dt) -> int:
    """OpenSpiel ends the game when ``tick * dt >= horizon``: the number of decision ticks."""
    tick = 0
    while not tick * dt >= horizon:
        tick += 1
    return tick


def _openspiel_first_actions(after_move, after_noise, moves):
    """The move that OpenSpiel's value tables attribute to each decision node (x, t).

    OpenSpiel's ``mean_field_lin_quad`` pays the cost of the move made at t - 1 at the
    decision node of t (``_rewards`` uses ``_last_action``), but ``PolicyValue`` and
    ``BestResponse`` cache node values under ``observation_string`` = ``"(x, t)"``, which does
    not contain the last move. So the node's value keeps the move of the *first* path that
    reaches it in their depth-first traversal (initial states x = 0..S-1, actions 0..A-1,
    noise outcomes in order). This replays that traversal.

    ``after_move[t, x, a]``: the position after the move (before the noise) at tick t;
    ``after_noise[y, k]``: the position after noise outcome k from y. Returns ``(H, S)``
    (row 0: move 0, OpenSpiel's initial ``_last_action``).
    """
    H, S, A = after_move.shape
    Y, Z, mv = after_move.tolist(), after_noise.tolist(), [float(m) for m in moves]
    first = [[0.0] * S for _ in range(H)]
    seen_decision = [bytearray(S) for _ in range(H)]
    seen_chance = [bytearray(S) for _ in range(H)]
    # Iterative depth-first search; a frame is (x, t, next action index).
    for x0 in range(S):
        if seen_decision[0][x0]:
            continue
        seen_decision[0][x0] = 1
        stack = [(x0, 0, 0)]
        while stack:
            x, t, i = stack.pop()
            if i >= A or t + 1 >= H:
                continue                      # t + 1 == H: the children are terminal
            stack.append((x, t, i + 1))
            y = Y[t][x][i]
            if seen_chance[t][y]:
                continue
            seen_chance[t][y] = 1
            seen_next, first_next = seen_decision[t + 1], first[t + 1]
            children = []
            for z in Z[y]:
                if not seen_next[z]:
                    seen_next[z] = 1
                    first_next[z] = mv[i]
                    children.append((z, t + 1, 0))
            # Marking all new children of tick t + 1 before exploring them is the same as
            # OpenSpiel's recursion: their subtrees only touch ticks > t + 1. Reversed so
            # that the first noise outcome's subtree is explored first.
            stack.extend(reversed(children))
    return np.array(first)


def openspiel_linear_quadratic(convention: str = "nashconv", **params) -> PeerGame:
    """OpenSpiel's ``mean_field_lin_quad`` (open_spiel/python/mfg/games/linear_quadratic.py).

    ``params``: OpenSpiel's (``size``, ``horizon``, ``dt``, ``n_actions_per_side``,
    ``volatility``, ``mean_revert``, ``cross_q``, ``kappa``, ``terminal_cost``; defaults
    ``OPENSPIEL_LQ_DEFAULTS``). Conventions, OpenSpiel vs ours (games.linear_quadratic):

    - states: positions ``0..size-1`` on a **torus** (``% size``); actions ``0..2n``,
      move ``a - n`` (same order as ours); ``rho`` uniform (OpenSpiel always starts from
      the uniform distribution).
    - horizon: decision ticks ``t = 0..H-1`` with ``H`` the first tick with
      ``tick * dt >= horizon`` (10 by default).
    - dynamics in two roundings (Python's ``round``: half to even): the player's move
      ``y = round(x + round((move + mean_revert (mean_t - x)) dt)) % size``, then the noise
      ``x' = round(y + k sqrt(dt) volatility) % size`` with ``k`` in ``-n..n`` (the same
      support as the moves) and ``P(k) = Phi((k + 1/2)/vol) - Phi((k - 1/2)/vol)``, the tails
      added to the end points (not renormalised).
    - ``mean_t = sum_x x mu_t(x)`` with positions ``0..size-1`` as numbers (not a circular
      mean); rewards use the distribution of tick t.
    - rewards (``_rewards``): the decision node of tick t pays
      ``dt/2 (-mv^2 + 2 q mv (mean_t - x) - kappa (mean_t - x)^2)`` with ``mv`` the move of
      the *previous* tick (0 at t = 0).

    ``convention`` chooses which objective the spec encodes:

    - ``"nashconv"`` (default): exactly what ``open_spiel.python.mfg.algorithms.nash_conv``
      computes. Two properties of OpenSpiel's game and evaluators decide it: (1) the terminal
      state is reached straight from a chance node, as a mean-field node, where ``_rewards``
      returns 0: the terminal cost and the cost of the last move are never paid; (2) the
      evaluators cache values by ``"(x, t)"``, which omits the previous move, so each node
      keeps the move of the first path of their depth-first traversal
      (``_openspiel_first_actions``). The stage reward is then a function of the state and
      the flow only: the best response ignores the action costs.
    - ``"intended"``: the linear-quadratic game of the docstring it cites (Perrin et al.
      2019, sec. 4.1): stage reward ``dt (-move^2/2 + q move (mean_t - x) - kappa/2
      (mean_t - x)^2)`` for the move made at t, at the current mean field, and terminal reward
      ``-terminal_cost/2 (mean_H - x)^2``. This is what the game means; OpenSpiel's NashConv
      does not compute it (documented in docs/finite_horizon.md).
    """
    if convention not in ("nashconv", "intended"):
        raise ValueError(f"convention: {convention!r}; use 'nashconv' or 'intended'")
    unknown = set(params) - set(OPENSPIEL_LQ_DEFAULTS)
    if unknown:
        raise ValueError(f"unknown OpenSpiel parameters {sorted(unknown)}")
    p = {**OPENSPIEL_LQ_DEFAULTS, **params}
    S, n, dt, vol = int(p["size"]), int(p["n_actions_per_side"]), float(p["dt"]), \
        float(p["volatility"])
    K, q, kappa, c = float(p["mean_revert"]), float(p["cross_q"]), float(p["kappa"]), \
        float(p["terminal_cost"])
    if S < 2 or n < 0 or dt <= 0 or vol <= 0:
        raise ValueError("need size >= 2, n_actions_per_side >= 0, dt > 0, volatility > 0")
    H = _openspiel_steps(p["horizon"], dt)
    if H < 1:
        raise ValueError(f"horizon {p['horizon']} with dt {dt} leaves no decision step")
    A = 2 * n + 1
    moves = np.arange(A) - n
    x = np.arange(S)
    noise_k = np.arange(A) - n
    noise_p = ndtr((noise_k + 0.5) / vol) - ndtr((noise_k - 0.5) / vol)
    noise_p[0] += ndtr((noise_k[0] - 0.5) / vol) - 0.0
    noise_p[-1] += 1.0 - ndtr((noise_k[-1] + 0.5) / vol)
    # Noise displacement as OpenSpiel computes it: move * sqrt(dt) * volatility.
    noise_disp = noise_k * math.sqrt(dt) * vol

    def mean(mu):
        return (x * mu).sum(axis=-1)     # OpenSpiel: np.sum(states * distribution)

    def after_move(means):
        """Position after the player's move, (..., S, A), for the means (...,) of mu_t."""
        full = (moves + K * (np.asarray(means)[..., None, None] - x[:, None])) * dt
        return np.mod(np.rint(x[:, None] + np.rint(full)), S).astype(np.int64)

    # Position after noise outcome k from y: round(y + k sqrt(dt) vol) % size, (S, K).
    after_noise = np.mod(np.rint(x[:, None] + noise_disp), S).astype(np.int64)

    def build(mu):
        return _scatter(after_noise[after_move(mean(mu))], noise_p, mu.shape[:-1], S, A)

    transition = _transition_fn(build, S, mu_dependent=K != 0)

    def reward(mu):
        # The intended per-step reward of the move made now, at the current mean field.
        mu = np.asarray(mu, dtype=np.float64)
        d = mean(mu)[..., None, None] - x[:, None]
        return dt / 2 * (-(moves**2) + 2 * q * moves * d - kappa * d**2)

    if convention == "intended":
        def terminal(flow):
            return -c * (mean(flow[-1]) - x) ** 2 / 2.0

        spec = FiniteHorizonSpec(horizon=H, terminal_reward=terminal, description=(
            f"OpenSpiel LQ, intended: {H} steps, reward of the current move at mu_t, "
            "terminal -c/2 (mean_H - x)^2"))
    else:
        cached = {}

        def first_moves(flow):
            if K == 0.0:                 # the traversal does not depend on the flow
                if "first" not in cached:
                    cached["first"] = _openspiel_first_actions(after_move(np.zeros(H)),
                                                               after_noise, moves)
                return cached["first"]
            return _openspiel_first_actions(after_move(mean(flow[:H])), after_noise, moves)

        def stage(flow):
            mv = first_moves(flow)                             # (H, S)
            d = mean(flow[:H])[:, None] - x                    # (H, S)
            node = dt / 2 * (-(mv**2) + 2 * q * mv * d - kappa * d**2)
            return np.broadcast_to(node[..., None], (H, S, A)).copy()

        spec = FiniteHorizonSpec(horizon=H, stage_reward=stage, description=(
            f"OpenSpiel LQ as its NashConv evaluates it: {H} steps, state-only reward with "
            "the first-visit previous move, no terminal reward"))

    game = Game(name=f"openspiel-lq-{convention}", n_states=S, n_actions=A, gamma=0.9, lam=1.0,
                rho=np.full(S, 1.0 / S), transition_fn=transition, reward_fn=reward,
                reward_range=lq_reward_range(x, moves, 0.0, S - 1.0, q=q, kappa=kappa, dt=dt),
                state_labels=tuple(str(v) for v in x),
                action_labels=tuple(f"{v:+d}" for v in moves),
                params=dict(peer="openspiel", convention=convention, **p))
    conventions = (
        f"torus of {S} positions 0..{S - 1}; moves -{n}..{n} (index move + n); rho uniform",
        f"{H} decision ticks (first tick with tick * dt >= horizon)",
        "two roundings (half to even): move, then noise k sqrt(dt) vol, k in -n..n, "
        "tails lumped at the ends",
        "mean_t = sum_x x mu_t(x) (positions as numbers, not circular)",
        ("OpenSpiel NashConv: cost of the previous move at the node of t, move of the first "
         "depth-first path (value cache keyed by (x, t)); terminal cost and last move unpaid"
         if convention == "nashconv" else
         "intended: reward of the current move at mu_t; terminal -c/2 (mean_H - x)^2"),
        "undiscounted (gamma = 1), unregularised (lam = 0)",
    )
    return PeerGame(
        name=f"openspiel-lq-{convention}", peer="openspiel", peer_game="mean_field_lin_quad",
        peer_params=p, game=game, spec=spec, conventions=conventions,
        _to_peer=lambda pi: pi.copy(), _from_peer=lambda pi: pi.copy(),
    )


__all__ = [
    "PeerGame", "mfglib_sis", "mfglib_linear_quadratic", "openspiel_linear_quadratic",
    "OPENSPIEL_LQ_DEFAULTS", "MFGLIB_VERSION", "OPENSPIEL_VERSION",
]
