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

Visitation sampling is exact and direct: the simulator knows its own model at ``mu``, so it
computes ``d^pi_mu`` (``d^T (I - gamma P_pi) = (1 - gamma) rho^T``, numerics.mdp) and draws
each pair by one inverse-CDF draw from ``d^pi_mu(s) pi(a|s)``: one uniform per sample. (The
law is that of the episodic construction, which starts at ``s_0 ~ rho``, stops before each
transition with probability ``1 - gamma`` and returns the state where it stops:
``sum_h (1 - gamma) gamma^h Pr(s_h = .) = d^pi_mu``, docs/conventions.md; that walk cost
``1/(1 - gamma)`` transitions and uniforms per sample. The agent sees the same thing, i.i.d.
pairs from ``d^pi_mu x pi``; ``tests/algorithms/test_sampling.py`` checks the law against
an independent route, the power series of the episodic construction.)

Randomness: every draw of run ``b`` comes from ``rngs[b]`` alone, in an order that does not
depend on the other runs, so a run gives the same samples alone or inside a batch.
Categorical draws use the inverse CDF with ``u in (0, 1]`` (never a zero-probability outcome).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

from . import kernels


def _cdf(p: np.ndarray) -> np.ndarray:
    c = np.cumsum(p, axis=-1)
    c[..., -1] = 1.0        # exact top, so the inverse CDF never runs past the last outcome
    return c


def _draw(cdf_rows: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Inverse-CDF draw per row: the first index with ``cdf >= u`` (``u`` in (0, 1])."""
    return (cdf_rows < u[..., None]).sum(axis=-1)


@dataclass(frozen=True)
class Rollout:
    """States, actions and rewards of one trajectory per run, shapes (B, K+1)."""

    states: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray


class Environment:
    """Simulator of the MDPs that a batch of mean fields induces (module docstring)."""

    def __init__(self, game, mu, rngs, transition=None):
        mu = np.asarray(mu, dtype=np.float64)
        if mu.ndim == 1:
            mu = mu[None]
        self.n_runs, self.n_states = mu.shape
        self.n_actions = game.n_actions
        self.gamma = game.gamma
        if len(rngs) != self.n_runs:
            raise ValueError(f"rngs: {len(rngs)} generators for {self.n_runs} runs")
        self.rngs = list(rngs)
        # (B, 1, S) layout: row-by-row evaluation, batch-invariant bits (engine.game_at);
        # ``transition``: P at these mean fields when the caller has evaluated it that way
        # (engine.step_batch: one evaluation of the game per step, not two)
        self._P = (game.transition_at(mu[:, None, :])[:, 0] if transition is None
                   else transition)                                       # (B, S, A, S)
        self._cdf_P = None                                                # step(): lazily
        self._r = game.reward_at(mu[:, None, :])[:, 0]                    # (B, S, A)
        self._r.setflags(write=False)
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
        if self._cdf_P is None:
            self._cdf_P = _cdf(self._P)
        self._state = _draw(self._cdf_P[self._ar, self._state, a], u)
        return self._state.copy(), reward

    # -- vectorised samplers ---------------------------------------------------------------
    def rollout(self, policy, n_steps: int) -> Rollout:
        """One trajectory of ``n_steps`` transitions per run under ``policy`` (B, S, A).

        Returns states, actions and rewards for ``k = 0 .. n_steps`` (the last pair is the
        ``(s', a')`` of the last TD target). The chain on pairs ``x = (s, a)`` moves by
        ``Pr(x' | x) = P(s'|s, a, mu) pi(a'|s')``, one inverse-CDF draw (``bisect``) per step,
        in a tight Python loop per run (sequential by nature; ~0.3 us per step).
        """
        B, K = self.n_runs, int(n_steps)
        S, A = self.n_states, self.n_actions
        policy = np.broadcast_to(policy, (B, S, A))
        chain = self._chain(policy, K, restart=False)
        states, actions = np.divmod(chain, A)
        rewards = self._r[self._ar[:, None], states, actions]
        return Rollout(states=states, actions=actions, rewards=rewards)

    def episode_pairs(self, policy, n: int):
        """``n`` consecutive pairs of back-to-back episodes per run (module docstring); two
        (B, n) arrays."""
        B, S, A = self.n_runs, self.n_states, self.n_actions
        policy = np.broadcast_to(policy, (B, S, A))
        return np.divmod(self._chain(policy, int(n) - 1, restart=True), A)

    @property
    def rewards(self) -> np.ndarray:
        """``r(s, a, mu)`` of every run (B, S, A), read-only: what ``step`` returns at each
        pair (for compiled kernels that look rewards up at the pairs they visit)."""
        return self._r

    def uniforms(self, n: int) -> np.ndarray:
        """``n`` uniforms in (0, 1] per run (B, n): ``1 - rng.random(n)`` from each run's own
        generator (written in place: the values of ``np.stack([1 - rng.random(n) ...])``)."""
        u = np.empty((self.n_runs, int(n)))
        for b, rng in enumerate(self.rngs):
            rng.random(out=u[b])
        return np.subtract(1.0, u, out=u)

    def chain_inputs(self, policy, K: int, restart: bool = False):
        """What ``kernels.chain_batch`` (and the fused ``kernels.td0_chain_batch``) draw the
        ``K + 1`` pairs of every run's pair chain from: the CDF rows of the pair kernel
        (B, SA, SA), of the first pair (B, SA) and the uniforms (B, K+1); the Python
        reference ``_chain_one`` draws from the same uniforms."""
        rows, first = self._pair_cdfs(np.broadcast_to(policy, (self.n_runs, self.n_states,
                                                               self.n_actions)), restart)
        return rows, first, self.uniforms(int(K) + 1)

    def _chain(self, policy, K, restart):
        """``K + 1`` pairs of every run's pair chain (B, K+1): compiled
        (``kernels.chain_batch``) or the Python reference ``_chain_one``, same uniforms."""
        if kernels.use_compiled():
            return kernels.chain_batch(*self.chain_inputs(policy, K, restart))
        chain = np.empty((self.n_runs, K + 1), dtype=np.intp)
        for b, rng in enumerate(self.rngs):
            chain[b] = self._chain_one(b, policy[b], K, rng, restart)
        return chain

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

    def visitation_law(self, policy) -> np.ndarray:
        """``d^pi_mu(s) pi(a|s)`` of every run, flat over pairs ``s A + a`` (B, S A)."""
        B, S, A = self.n_runs, self.n_states, self.n_actions
        policy = np.broadcast_to(policy, (B, S, A))
        P_pi = (policy[..., None] * self._P).sum(axis=-2)              # row by row (B, S, S)
        d = discounted_visitation(P_pi, self._rho, self.gamma)
        return (d[:, :, None] * policy).reshape(B, S * A)

    def sample_visitation_pairs(self, policy, n: int) -> np.ndarray:
        """``n`` independent pairs ``x = s A + a ~ d^pi_mu x pi`` per run (B, n): one
        inverse-CDF draw per sample (module docstring), compiled (``kernels.draw_batch``) or
        NumPy, same uniforms, same index (the first with ``cdf >= u``)."""
        cdf = _cdf(self.visitation_law(policy))
        u = self.uniforms(n)
        if kernels.use_compiled():
            return kernels.draw_batch(cdf, u)
        return np.stack([np.searchsorted(cdf[b], u[b], side="left")
                         for b in range(self.n_runs)])

    def sample_visitation(self, policy, n: int):
        """``n`` independent ``(s, a) ~ d^pi_mu x pi`` per run; returns two (B, n) arrays."""
        return np.divmod(self.sample_visitation_pairs(policy, n), self.n_actions)

    def _pair_cdfs(self, policy, restart=False):
        """CDF rows of every run's pair kernel (B, SA, SA) and first pair (B, SA)."""
        if kernels.use_compiled():
            return kernels.pair_cdfs_batch(self._P, np.ascontiguousarray(policy), self._rho,
                                           self.gamma, restart)
        rows, first = zip(*(self.pair_kernel(b, policy[b], restart)
                            for b in range(self.n_runs)))
        return _cdf(np.stack(rows)), _cdf(np.stack(first))


def discounted_visitation(P_pi, rho, gamma: float) -> np.ndarray:
    """``d`` (B, S) with ``d^T (I - gamma P_pi) = (1 - gamma) rho^T`` for policy transitions
    ``P_pi`` (B, S, S) (``numerics.mdp.discounted_visitation``, for a batch of ``P_pi``: one
    stacked solve, each run's bits its own), clipped at 0 and renormalised (rounding)."""
    S = P_pi.shape[-1]
    M = np.swapaxes(np.eye(S) - gamma * P_pi, -1, -2)
    rhs = np.broadcast_to(((1.0 - gamma) * rho)[:, None], M.shape[:-2] + (S, 1))
    d = np.linalg.solve(M, rhs)[..., 0]
    np.clip(d, 0.0, None, out=d)
    return d / d.sum(axis=-1, keepdims=True)
