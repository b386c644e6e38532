"""The simulator that sampled oracles learn from: the agent sees transitions and rewards only.

``Environment(game, mu, rngs)`` holds the game and a batch of mean fields ``mu`` (B, S), one per
run, and the runs' random generators. It exposes

- ``reset()`` and ``step(actions)``: the Gym-style interface (states and rewards of each run);
- ``rollout(policy, n_steps)``: one trajectory per run, ``s_0 ~ rho``, ``a_k ~ policy(.|s_k)``,
  ``s_{k+1} ~ P(.|s_k, a_k, mu)``, with rewards ``r(s_k, a_k, mu)`` (Algorithm 2's samples);
- ``sample_visitation(policy, n)``: ``n`` independent pairs ``(s, a) ~ d^pi_mu x pi`` per run
  (Algorithm 3's samples);
- ``episode_pairs(policy, n)``: the first ``n`` pairs of back-to-back episodes (appendix D's
  episodic setting): ``s_0 ~ rho``, and before each transition the episode ends with
  probability ``1 - gamma`` and the next one starts from ``rho``. The pairs form one Markov
  chain with kernel ``gamma P(s'|s, a, mu) + (1 - gamma) rho(s')`` (times ``pi(a'|s')``), whose
  stationary law is ``d^pi_mu x pi`` (``d^T (gamma P_pi + (1-gamma) 1 rho^T) = d^T`` is the
  definition of ``d^pi_mu``): frequencies along the trajectory estimate ``d^pi_mu x pi``
  (the practical algorithm's estimates, ``practical.py``).

``rollout`` and ``sample_visitation`` are vectorised equivalents of calling ``reset``/``step``
with actions drawn from the agent's ``policy`` table (the agent hands over its own action
distribution; the mean field stays inside the environment, as appendix D requires: "the
mean-field states are not directly observed by the learning agent").

Visitation sampling is exact: start at ``s_0 ~ rho`` and, before each transition, stop with
probability ``1 - gamma``; the number of transitions ``H`` is geometric,
``Pr(H = h) = (1 - gamma) gamma^h``, so the state where the episode stops has law
``sum_h (1 - gamma) gamma^h Pr(s_h = .) = d^pi_mu`` (docs/conventions.md), and its action is
drawn from ``pi``. Each sample costs ``1/(1 - gamma)`` transitions on average.

Randomness: every draw of run ``b`` comes from ``rngs[b]`` alone, in an order that does not
depend on the other runs, so a run gives the same samples alone or inside a batch.
Categorical draws use the inverse CDF with ``u in (0, 1]`` (never a zero-probability outcome).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

import numpy as np


def _cdf(p: np.ndarray) -> np.ndarray:
    c = np.cumsum(p, axis=-1)
    c[..., -1] = 1.0        # exact top, so the inverse CDF never runs past the last outcome
    return c


def _draw(cdf_rows: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Inverse-CDF draw per row: the first index with ``cdf >= u`` (``u`` in (0, 1])."""
    return (cdf_rows < u[..., None]).sum(axis=-1)


@dataclass(frozen=True)
class Trajectory:
    """States, actions and rewards of one trajectory per run, shapes (B, K+1)."""

    states: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray


class Environment:
    """Simulator of the MDPs that a batch of mean fields induces (module docstring)."""

    def __init__(self, game, mu, rngs):
        mu = np.asarray(mu, dtype=np.float64)
        if mu.ndim == 1:
            mu = mu[None]
        self.n_runs, self.n_states = mu.shape
        self.n_actions = game.n_actions
        self.gamma = game.gamma
        if len(rngs) != self.n_runs:
            raise ValueError(f"rngs: {len(rngs)} generators for {self.n_runs} runs")
        self.rngs = list(rngs)
        # (B, 1, S) layout: row-by-row evaluation, batch-invariant bits (engine.game_at).
        self._P = game.transition_at(mu[:, None, :])[:, 0]                # (B, S, A, S)
        self._cdf_P = _cdf(self._P)
        self._r = game.reward_at(mu[:, None, :])[:, 0]                    # (B, S, A)
        self._rho = np.asarray(game.rho, dtype=np.float64)
        self._cdf_rho = _cdf(self._rho)
        self._ar = np.arange(self.n_runs)
        self._state = None

    # -- Gym-style interface -------------------------------------------------------------
    def reset(self) -> np.ndarray:
        """``s_0 ~ rho`` for every run, shape (B,)."""
        u = np.array([1.0 - rng.random() for rng in self.rngs])
        self._state = _draw(np.broadcast_to(self._cdf_rho, (self.n_runs, self.n_states)), u)
        return self._state.copy()

    def step(self, actions):
        """Apply ``actions`` (B,); returns ``(next_states, rewards)``, each (B,)."""
        if self._state is None:
            raise RuntimeError("step() before reset()")
        a = np.asarray(actions, dtype=np.intp)
        reward = self._r[self._ar, self._state, a]
        u = np.array([1.0 - rng.random() for rng in self.rngs])
        self._state = _draw(self._cdf_P[self._ar, self._state, a], u)
        return self._state.copy(), reward

    # -- vectorised samplers ---------------------------------------------------------------
    def rollout(self, policy, n_steps: int) -> Trajectory:
        """One trajectory of ``n_steps`` transitions per run under ``policy`` (B, S, A).

        Returns states, actions and rewards for ``k = 0 .. n_steps`` (the last pair is the
        ``(s', a')`` of the last TD target). The chain on pairs ``x = (s, a)`` moves by
        ``Pr(x' | x) = P(s'|s, a, mu) pi(a'|s')``, one inverse-CDF draw (``bisect``) per step,
        in a tight Python loop per run (sequential by nature; ~0.3 us per step).
        """
        B, K = self.n_runs, int(n_steps)
        S, A = self.n_states, self.n_actions
        policy = np.broadcast_to(policy, (B, S, A))
        chain = np.empty((B, K + 1), dtype=np.intp)
        for b, rng in enumerate(self.rngs):
            chain[b] = self._chain_one(b, policy[b], K, rng)
        states, actions = np.divmod(chain, A)
        rewards = self._r[self._ar[:, None], states, actions]
        return Trajectory(states=states, actions=actions, rewards=rewards)

    def episode_pairs(self, policy, n: int):
        """``n`` consecutive pairs of back-to-back episodes per run (module docstring); two
        (B, n) arrays."""
        B, S, A = self.n_runs, self.n_states, self.n_actions
        policy = np.broadcast_to(policy, (B, S, A))
        chain = np.empty((B, int(n)), dtype=np.intp)
        for b, rng in enumerate(self.rngs):
            chain[b] = self._chain_one(b, policy[b], int(n) - 1, rng, restart=True)
        return np.divmod(chain, A)

    def pair_kernel(self, b, pi, restart: bool = False):
        """The kernel on pairs ``x = s A + a`` of run ``b`` (S A, S A): ``P(s'|s, a) pi(a'|s')``,
        or with ``restart`` ``(gamma P(s'|s, a) + (1 - gamma) rho(s')) pi(a'|s')``, and the
        law of the first pair ``rho(s) pi(a|s)``."""
        S, A = self.n_states, self.n_actions
        P = self._P[b]
        if restart:
            P = self.gamma * P + (1.0 - self.gamma) * self._rho
        joint = (P[:, :, :, None] * pi[None, None, :, :]).reshape(S * A, S * A)
        return joint, (self._rho[:, None] * pi).ravel()

    def _chain_one(self, b, pi, K, rng, restart=False):
        joint, first = self.pair_kernel(b, pi, restart)
        rows = _cdf(joint).tolist()
        first = _cdf(first).tolist()
        u = (1.0 - rng.random(K + 1)).tolist()
        x = bisect_left(first, u[0])
        out = [x]
        append = out.append
        for k in range(1, K + 1):
            x = bisect_left(rows[x], u[k])
            append(x)
        return out

    def sample_visitation(self, policy, n: int):
        """``n`` independent ``(s, a) ~ d^pi_mu x pi`` per run; returns two (B, n) arrays."""
        B, n = self.n_runs, int(n)
        policy = np.broadcast_to(policy, (B, self.n_states, self.n_actions))
        states = np.empty((B, n), dtype=np.intp)
        actions = np.empty((B, n), dtype=np.intp)
        for b, rng in enumerate(self.rngs):
            states[b], actions[b] = self._visitation_one(b, _cdf(policy[b]), n, rng)
        return states, actions

    def _visitation_one(self, b, cdf_pi, n, rng):
        # H = number of transitions before stopping; episodes sorted by H so that those still
        # running at step t are a prefix.
        H = np.sort(rng.geometric(1.0 - self.gamma, size=n) - 1)[::-1]
        u0 = 1.0 - rng.random(n)
        s = _draw(np.broadcast_to(self._cdf_rho, (n, self.n_states)), u0)
        alive = np.searchsorted(-H, -np.arange(1, H[0] + 1), side="right") if n else []
        u = 1.0 - rng.random(2 * int(np.sum(alive)) + n)
        pos = 0
        cdf_P = self._cdf_P[b]
        for m in alive:                       # m episodes make transition number t
            head = s[:m]
            a = _draw(cdf_pi[head], u[pos:pos + m])
            s[:m] = _draw(cdf_P[head, a], u[pos + m:pos + 2 * m])
            pos += 2 * m
        a = _draw(cdf_pi[s], u[pos:pos + n])
        return s, a
