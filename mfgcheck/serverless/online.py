"""NAC trained ONLINE in the simulated cluster: an online actor-critic OUTSIDE Theorem 1.

``experiment.train`` trains NAC on the tabular game calibrated from the simulator. Here the
same learner is trained on the cluster itself: every function of the simulated cluster acts
with the current policy ``pi_theta`` (linear features, ``policies.GamePolicy``'s state map:
load level x allocation level), and every ``window`` control minutes (one iteration ``t``)

1. the window's transitions ``(s, a, r, s')``, one per function and minute, feed Algorithm 2
   (``algorithms.critic.td0_critic``, linear TD(0), constant step, warm-started from the last
   iteration's critic): the ``F`` functions' chains are concatenated into one sequence and
   the ``F - 1`` steps that join two chains get step 0 (so no update bootstraps across
   functions); the last pair of each chain is ``(s_W, a')`` with ``a' ~ pi_t(.|s_W)``;
2. ``A_hat = Q_hat - E_pi Q_hat`` (``algorithms.actor.advantage_from_critic``), then
   Algorithm 3 (``algorithms.actor.sgd_actor``, Proposition 2's step) on the window's ``F W``
   pairs ``(s, a)``;
3. ``theta_{t+1} = (1 - eta lam) theta_t + eta w_hat_t`` with Theorem 1's ``eta`` for the run's
   ``T`` (as ``experiment.train``'s NAC).

The reward of ``(s, a)`` of function ``f`` at minute ``k`` is realised in the next minute:
``r = -(v + alpha res)`` (``game.reward_value``, the game's formula) with ``v`` the fraction of
``f``'s invocations finished in the minute that were slower than its QoS target (0 if none
finished) and ``res = game.resource_term(cpu, memory)`` of the warm pool the action set
(CPU limit x containers, memory x containers), on the game's scale (``game.resource_scale``),
then normalised as the game is (``Game.normalised``: ``(r - r_min) / scale``). The game's
reward is the mean over functions of the same expression at calibrated violation rates
(``game.cell_reward``); the tests check that on a stationary cell the two agree within the
sampling error.

What differs from Algorithm 1, and why this is outside Theorem 1 (Lemmas 1-8 give nothing
here):

- the mean field is the cluster's own: the empirical distribution of the functions' states
  (their load and allocation levels), recorded per window, and the contention it causes
  enters through the realised rewards; there is no ``beta``-averaged ``mu_t``;
- the samples are one correlated trajectory per function at the cluster's state-action
  frequencies, not i.i.d. draws from ``d^pi_mu x pi`` (Algorithm 3) nor a chain started at
  ``rho`` at a fixed mean field (Algorithm 2); consecutive iterations share the arrivals'
  time of day;
- the reward is realised (sampled violations, the actual warm pool), not the calibrated
  table, and the functions are not exchangeable (each function's reward is its own).

DL-NAC online (the mean field held per segment) is not implemented: holding the cluster's
mean field means freezing the allocations of the functions that make the contention while
the learner's policy changes; every function is an agent, so either the samples come from a
few learner functions only (1/12 of the transitions per simulated minute for one learner:
12x the simulated time for the same K) or all functions play the frozen policy and the
samples are off-policy for ``pi_t``, which Algorithms 2 and 3 do not cover
(docs/serverless.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..algorithms import actor as actor_mod
from ..algorithms import critic as critic_mod
from ..algorithms import engine
from ..algorithms.environment import Rollout
from ..algorithms.oracle import DEFAULT_CRITIC_STEP, OracleConfig
from ..algorithms.schedules import theorem1_steps
from . import game as game_mod
from . import model, policies, trace
from .cluster import Cluster, SimConfig


def minute_reward(late, finished, cpu, memory, data: game_mod.GameData, game,
                  alpha: float = model.ALPHA) -> np.ndarray:
    """The online reward of a minute, normalised as ``game.normalised()`` (module docstring):
    arrays over functions of late and finished invocation counts, warm-pool CPU (cores) and
    memory (GB); ``game`` the raw (unnormalised) serverless game, for its reward range."""
    late = np.asarray(late, dtype=np.float64)
    finished = np.asarray(finished, dtype=np.float64)
    v = np.divide(late, finished, out=np.zeros_like(late), where=finished > 0)
    res = game_mod.resource_term(np.asarray(cpu, dtype=np.float64),
                                 np.asarray(memory, dtype=np.float64),
                                 game_mod.resource_scale(data))
    r = game_mod.reward_value(v, res, alpha)
    return (r - game.reward_range[0]) / game.reward_scale


class _Window:
    """One iteration's recorded transitions as the ``env`` Algorithms 2 and 3 read: the
    critic's ``rollout`` is the concatenated chains, the actor's ``sample_visitation`` the
    window's pairs (minute-major: the functions interleaved)."""

    def __init__(self, chain_s, chain_a, chain_r, pairs_s, pairs_a, gamma):
        self.n_runs = 1
        self.gamma = gamma
        self._chain = (chain_s[None], chain_a[None], chain_r[None])
        self._pairs = (pairs_s[None], pairs_a[None])

    def rollout(self, policy, n_steps: int) -> Rollout:
        s, a, r = self._chain
        if n_steps + 1 != s.shape[1]:
            raise ValueError(f"n_steps: {n_steps}, the window holds {s.shape[1] - 1}")
        return Rollout(states=s, actions=a, rewards=r)

    def sample_visitation(self, policy, n: int):
        s, a = self._pairs
        if n != s.shape[1]:
            raise ValueError(f"n: {n}, the window holds {s.shape[1]} pairs")
        return s, a


class _Recorder(policies.GamePolicy):
    """A game policy run per function (``policies.GamePolicy``) that records, for every
    function and control minute after the first, the transition ``(s, a, r)`` with the
    online reward ``r`` (``minute_reward``) realised in the following minute."""

    def __init__(self, policy, data: game_mod.GameData, *, name: str = "recorder",
                 seed=0, start_level: int = 2):
        super().__init__(policy, data.median_rates, name=name, seed=seed,
                         start_level=start_level)
        self.data = data
        self.raw = game_mod.serverless(data=data)
        self.rewards: list[np.ndarray] = []
        self.transitions: list[tuple] = []
        self._prev = None       # (states, actions, cpu, memory) of the last tick
        self._fns = ()

    def new_episode(self):
        """A new cluster run: the chains restart."""
        self._prev = None

    def act(self, cluster, state):
        self._fns = cluster.functions
        return super().act(cluster, state)

    def observe(self, state, states):
        if self._prev is not None:
            s, a, cpu, mem = self._prev
            r = minute_reward(state["late"], state["finished"], cpu, mem, self.data, self.raw)
            self.record(s, a, r, states)

    def record(self, s, a, r, next_states) -> None:
        self.rewards.append(r)
        self.transitions.append((s, a))

    def allocated(self, states, actions, allocations):
        if states is None:      # t = 0: the start level, no action drawn
            self._prev = None
            return
        cpu = [x.warm_target * x.cpu_limit for x in allocations]
        mem = [x.warm_target * f.memory_gb for x, f in zip(allocations, self._fns)]
        self._prev = (list(states), list(actions), cpu, mem)


class OnlineNAC(_Recorder):
    """The online learner as a cluster policy (module docstring): acts with ``pi_theta``
    (``_Recorder``, ``GamePolicy``) and updates ``theta`` every ``window`` minutes."""

    def __init__(self, features, data: game_mod.GameData, *, T: int, window: int, seed: int,
                 R: float, critic_step: float = DEFAULT_CRITIC_STEP, c_eta: float = 1.0,
                 start_level: int = 2):
        game = game_mod.serverless(data=data).normalised()
        self.prob = engine.prepare(game, features, R, OracleConfig("sampled"))
        self.theta = np.zeros(self.prob.dim)
        self.psi = np.zeros(self.prob.dim)
        self.eta, _ = theorem1_steps(T, game.lam, c_eta, c_beta=0.0)   # no mean-field step
        self.T, self.window, self.critic_step = int(T), int(window), float(critic_step)
        act_seed, learn_seed = np.random.SeedSequence([seed, 14]).spawn(2)
        super().__init__(self._pi()[0], data, name="NAC (online)",
                         seed=act_seed.generate_state(1)[0], start_level=start_level)
        self.learn_rng = np.random.default_rng(learn_seed)
        self.t = 0
        self.history: list[dict] = []
        self._s: list[list[int]] = []
        self._a: list[list[int]] = []
        self._r: list[np.ndarray] = []
        self._mf: list[np.ndarray] = []

    def _pi(self):
        pi, logpi = engine.policy_of(self.prob, self.theta[None])
        return pi[0], logpi[0]

    def _reset_window(self):
        self._s, self._a, self._r, self._mf = [], [], [], []

    def new_episode(self):
        """A new cluster run (a pass over the training day): the chains restart."""
        super().new_episode()
        self._reset_window()

    def record(self, s, a, r, next_states):
        if self.t >= self.T:
            return
        self._s.append(s)
        self._a.append(a)
        self._r.append(r)
        self._mf.append(np.bincount(s, minlength=self.prob.game.n_states) / len(s))
        if len(self._r) == self.window:
            self._update(next_states)

    def _update(self, next_states):
        """One iteration (module docstring) from the window just completed."""
        game = self.prob.game
        W, A = self.window, game.n_actions
        pi, logpi = self._pi()
        S_ = np.array(self._s, dtype=np.intp).T             # (F, W)
        A_ = np.array(self._a, dtype=np.intp).T
        R_ = np.array(self._r).T                            # (F, W)
        F = S_.shape[0]
        s_last = np.array(next_states, dtype=np.intp)
        u = 1.0 - self.learn_rng.random(F)
        a_last = (np.cumsum(pi[s_last], axis=-1) < u[:, None]).sum(axis=-1)
        a_last = np.minimum(a_last, A - 1)
        chain_s = np.concatenate([S_, s_last[:, None]], axis=1).ravel()
        chain_a = np.concatenate([A_, a_last[:, None]], axis=1).ravel()
        chain_r = np.concatenate([R_, np.zeros((F, 1))], axis=1).ravel()
        K = chain_s.size - 1
        steps = np.full(K, self.critic_step)
        steps[W::W + 1] = 0.0                 # the joins (s_W of f) -> (s_0 of f + 1)
        env = _Window(chain_s, chain_a, chain_r, S_.T.ravel(), A_.T.ravel(), game.gamma)
        lam = game.lam
        crit = critic_mod.td0_critic(env, pi[None], logpi[None], self.prob.features, lam=lam,
                                     n_samples=K, steps=steps, radius=self.prob.critic_radius,
                                     tabular=False, psi0=self.psi[None])
        adv = actor_mod.advantage_from_critic(crit.q, logpi[None], pi[None], lam)
        w = actor_mod.sgd_actor(env, pi[None], self.prob.features, adv, R=self.prob.R,
                                n_samples=F * W, tabular=False).w[0]
        # diagnostic only (not used to learn): the exact minimiser of the same regression
        # under the window's empirical state frequencies, to compare Algorithm 3's output with
        d = np.bincount(S_.ravel(), minlength=game.n_states) / S_.size
        w_exact = actor_mod.exact_actor(pi[None], d[None], self.prob.features, adv,
                                        R=self.prob.R, tabular=False).w[0]
        self.psi = crit.psi[0]
        self.theta = (1.0 - self.eta * lam) * self.theta + self.eta * w
        mf = np.mean(self._mf, axis=0)
        self.history.append({"t": self.t, "mean_reward": float(R_.mean()),
                             "actor_norm": float(np.linalg.norm(w)),
                             "actor_norm_exact": float(np.linalg.norm(w_exact)),
                             "mean_field": mf.tolist(),
                             "contention": float(game_mod.contention(mf, self.data))})
        self.t += 1
        self.policy = self._pi()[0]
        self._reset_window()


@dataclass(frozen=True)
class OnlineSchedule:
    """The online training budget: ``passes`` runs of the cluster over hours
    ``[start_hour, start_hour + hours)`` of the training day (seeds 0 .. passes-1), one
    iteration per ``window`` control minutes: ``T = passes * floor(60 hours / window)``,
    ``F (window + 1) - 1`` critic samples (``F - 1`` of them with step 0) and ``F window``
    actor samples per iteration."""

    window: int = 10
    hours: float = 24.0
    start_hour: float = 0.0
    passes: int = 2
    critic_step: float = DEFAULT_CRITIC_STEP

    def __post_init__(self):
        if self.window < 1:
            raise ValueError(f"online window: {self.window} must be >= 1 minute")
        if self.passes < 1:
            raise ValueError(f"online passes: {self.passes} must be >= 1")
        trace.check_hours("online hours", self.start_hour, self.hours)
        if self.T < 1:
            raise ValueError(f"online window: {self.window} min is longer than the "
                             f"{self.hours} h of a pass")

    @property
    def minutes(self) -> int:
        return int(round(self.hours * 60))

    @property
    def T(self) -> int:
        # the first tick has no state yet: a pass gives minutes - 1 transitions
        return self.passes * ((self.minutes - 1) // self.window)


def train(counts_train, functions, nodes: int, data: game_mod.GameData, features, *,
          schedule: OnlineSchedule, R: float, seed: int = 0, c_eta: float = 1.0,
          progress=None) -> dict:
    """Train ``OnlineNAC`` in the simulated cluster (``nodes`` nodes, ``functions``, the
    training day's ``counts_train`` (F, 1440)); its final policy and the learning record."""
    t0 = time.perf_counter()
    learner = OnlineNAC(features, data, T=schedule.T, window=schedule.window, seed=seed, R=R,
                        c_eta=c_eta, critic_step=schedule.critic_step)
    start = int(round(schedule.start_hour * 60))
    events = 0
    for p in range(schedule.passes):
        t, f = trace.arrivals(counts_train, seed=[trace.TRAIN_DAYS[0], seed, p, 14],
                              start_minute=start, minutes=schedule.minutes)
        cl = Cluster(functions, SimConfig(n_nodes=nodes, placement=learner.placement),
                     seed=[trace.TRAIN_DAYS[0], seed, p, 15])
        learner.new_episode()
        res = cl.run(t, f, learner, horizon=schedule.minutes * 60.0)
        events += res.events
        if progress:
            progress(f"online NAC: pass {p + 1}/{schedule.passes}, {learner.t} of "
                     f"{learner.T} iterations ({time.perf_counter() - t0:.0f} s)")
    h = learner.history
    return {"policy": learner.policy.tolist(), "theta": learner.theta.tolist(),
            "T": learner.t, "eta": learner.eta, "window": schedule.window,
            "passes": schedule.passes, "hours": schedule.hours,
            "start_hour": schedule.start_hour, "end_hour": schedule.start_hour + schedule.hours,
            "K_critic": len(functions) * (schedule.window + 1) - 1,
            "K_actor": len(functions) * schedule.window,
            "simulated_minutes": schedule.passes * schedule.minutes,
            "mean_reward": [r["mean_reward"] for r in h],
            "contention": [r["contention"] for r in h],
            "actor_norm": [r["actor_norm"] for r in h],
            "actor_norm_exact": [r["actor_norm_exact"] for r in h],
            "final_mean_field": h[-1]["mean_field"] if h else None,
            "events": int(events), "wall_time": time.perf_counter() - t0}


def online_return(policy, counts, functions, nodes: int, data: game_mod.GameData, *,
                  seed, start_minute: int, minutes: int) -> dict:
    """Run the game policy ``policy`` (S, A) in the cluster over ``counts``' minutes and
    record the online reward (``minute_reward``) of every function and minute: the mean
    reward and the rewards (minutes - 1, F). The same arrivals, cluster and action randomness
    for every policy of a ``seed`` (common random numbers)."""
    rec = _Recorder(policy, data, seed=[seed, 18])
    t, f = trace.arrivals(counts, seed=[seed, 16], start_minute=start_minute, minutes=minutes)
    cl = Cluster(functions, SimConfig(n_nodes=nodes, placement=rec.placement), seed=[seed, 17])
    cl.run(t, f, rec, horizon=minutes * 60.0)
    r = np.array(rec.rewards)
    s, a = (np.array(v) for v in zip(*rec.transitions))
    return {"mean": float(r.mean()), "rewards": r, "states": s, "actions": a}
