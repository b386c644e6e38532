"""NAC trained online in the simulated cluster (``serverless.online``): the online reward is the
game's (on a stationary cell it agrees with the calibrated table within the sampling error
derived from the counts), training is reproducible, and the learned policy is a policy."""

import math

import numpy as np
import pytest

pytest.importorskip("simpy")

from mfgcheck.serverless import experiment, model, online, policies, trace  # noqa: E402
from mfgcheck.serverless import game as G  # noqa: E402
from mfgcheck.serverless.cluster import Cluster, SimConfig  # noqa: E402

F = 2
Z = 4.0          # standard errors: a false alarm has probability ~6e-5 under the binomial law


@pytest.fixture(scope="module")
def counts():
    return trace.shipped_trace().day(trace.TRAIN_DAYS[0])[:F]


@pytest.fixture(scope="module")
def data(counts):
    return G.calibrate(counts, functions=model.FUNCTIONS[:F])


class _Minutes(policies.Fixed):
    """A fixed allocation that keeps the cluster's state of every tick."""

    def __init__(self, alloc):
        super().__init__([alloc])
        self.states = []

    def act(self, cluster, state):
        if state is not None:
            self.states.append(state)
        return self.allocations


def _stationary(data, f, x, level, g, minutes, seed):
    """The online rewards of function ``f`` alone on one node, as in the calibration of cell
    (x, level, u = grid[g]): Poisson arrivals at the load level's rate, the level's
    allocation, background contention u; per minute late and finished counts."""
    fp = model.FUNCTIONS[f]
    rate = data.load_multiplier[x] * data.median_rates[f]
    alloc = policies.level_allocation(fp, rate, level)
    rng = np.random.default_rng(seed)
    times = np.cumsum(rng.exponential(1.0 / rate, int(rate * 60 * minutes)))
    cl = Cluster((fp,), SimConfig(n_nodes=1, background=data.grid[g], memory=(32.0,)),
                 seed=seed + 1)
    pol = _Minutes(alloc)
    cl.run(times, np.zeros(times.size, dtype=np.int64), pol, horizon=times[-1])
    late = np.array([s["late"][0] for s in pol.states])
    fin = np.array([s["finished"][0] for s in pol.states])
    keep = fin > 0
    r = online.minute_reward(late[keep][:, None], fin[keep][:, None],
                             [alloc.warm_target * alloc.cpu_limit],
                             [alloc.warm_target * fp.memory_gb], data,
                             G.serverless(data=data))[:, 0]
    return r, late[keep], fin[keep]


def test_online_reward_agrees_with_the_calibrated_cell(data):
    f, x, level, g = 0, 1, 0, 1       # Base64, mid load, lowest level, u = 0.5
    raw = G.serverless(data=data)
    scale = raw.reward_scale
    r, late, fin = _stationary(data, f, x, level, g, minutes=60, seed=123)
    assert fin.min() > 20 and r.size >= 55
    table = (G.cell_reward(data, f, x, level, g) - raw.reward_range[0]) / scale
    p = late.sum() / fin.sum()
    assert 0.05 < p < 0.95            # a cell where the violation term is not degenerate
    # Var(mean_k late_k/n_k) = p(1-p) sum_k 1/n_k / M^2 (binomial given the counts); the
    # table's rate is a binomial fraction of data.invocations; rewards are -v/scale + const
    se = math.sqrt(p * (1 - p) * ((1.0 / fin).sum() / fin.size ** 2 + 1.0 / data.invocations))
    assert abs(r.mean() - table) <= Z * se / scale
    # the same data against another cell's table (level 2: almost no violations) is refuted
    other = (G.cell_reward(data, f, x, 2, g) - raw.reward_range[0]) / scale
    res0 = G.resource_term(data.cpu[f, x, 0], data.memory[f, x, 0], G.resource_scale(data))
    res2 = G.resource_term(data.cpu[f, x, 2], data.memory[f, x, 2], G.resource_scale(data))
    other_same_res = other + model.ALPHA * (res2 - res0) / scale    # violation term only
    assert abs(r.mean() - other_same_res) > Z * se / scale


def test_game_reward_is_the_mean_of_the_cell_rewards(data):
    """The one reward formula: the game's r(s, a, mu) at a grid contention is the mean over
    functions of ``cell_reward`` (what the online reward estimates per function)."""
    game = G.serverless(data=data)
    L = len(model.ALLOCATION_LEVELS)
    for g, u in enumerate(data.grid):
        # a mean field whose contention is exactly u is not needed: evaluate through
        # violation_at at the grid point, as the reward function does
        v = G.violation_at(u, data)
        res = G.resources(data)
        for x in range(G.X):
            for level in range(L):
                want = np.mean([G.cell_reward(data, f, x, level, g) for f in range(F)])
                got = G.reward_value(v[x, level], res[x, level])
                assert got == pytest.approx(want, rel=1e-12, abs=1e-15)
    assert game.reward_range == (-(1 + model.ALPHA), 0.0)


def _tiny(data, counts, seed=0):
    return online.train(counts, model.FUNCTIONS[:F], 2, data, experiment.linear_features(),
                        schedule=online.OnlineSchedule(window=5, hours=1.0, start_hour=12.0,
                                                 passes=2), R=10.0, seed=seed)


def test_online_training_same_seed_same_bits_and_a_valid_policy(data, counts):
    a, b = _tiny(data, counts), _tiny(data, counts)
    assert a["theta"] == b["theta"] and a["policy"] == b["policy"]
    assert a["mean_reward"] == b["mean_reward"]
    c = _tiny(data, counts, seed=1)
    assert c["theta"] != a["theta"]                   # the seed matters
    pi = np.asarray(a["policy"])
    assert pi.shape == (G.S, G.A) and np.all(np.isfinite(pi)) and np.all(pi > 0)
    np.testing.assert_allclose(pi.sum(axis=1), 1.0, rtol=0, atol=4 * np.finfo(float).eps)
    assert a["T"] == online.OnlineSchedule(window=5, hours=1.0, start_hour=12.0, passes=2).T == 22
    assert len(a["mean_reward"]) == len(a["actor_norm"]) == len(a["actor_norm_exact"]) == a["T"]
    assert np.any(np.asarray(a["theta"]) != 0.0)      # it learned something
    # the recorded mean field is the cluster's empirical state distribution over functions
    mf = np.asarray(a["final_mean_field"])
    assert mf.sum() == pytest.approx(1.0) and np.all(mf * F * 5 == np.round(mf * F * 5))
    policies.GamePolicy(pi, data.median_rates)        # runs in the cluster as the others


def test_a_tiny_online_run_beats_the_uniform_policy_where_it_must():
    """Constant load (Base64 at 2/s, Primes at 0.25/s) on one shared node. Uniform actions
    make each function's allocation a symmetric random walk on the 4 levels, clipped at the
    ends, whose stationary law is uniform: the uniform policy earns about the mean over
    levels of the reward, a policy that stays at the best level its maximum, and the
    calibrated table puts a clear gap between the two (Primes at the lowest level violates its
    QoS target in about 40% of its invocations). A tiny online run (12 simulated hours,
    windows of 30 minutes: T = 23) must close part of that gap: its policy's online return,
    paired with the uniform policy's on the same arrivals (6 seeds, 2 h each), is higher,
    the lower end of a one-sided 95% t interval above 0."""
    from scipy import stats

    fns = model.FUNCTIONS[:F]
    counts = np.tile(np.array([[120], [15]]), (1, 1440))
    data = G.calibrate(counts, functions=fns)
    mid = 1                                            # constant load: the mid level
    r = np.array([[G.cell_reward(data, f, mid, lv, 1) for lv in range(4)] for f in range(F)])
    r_mean = r.mean(axis=0)                            # the game's reward per level at u = 0.5
    gap = (r_mean.max() - r_mean.mean()) / G.serverless(data=data).reward_scale
    assert gap > 0.03
    res = online.train(counts, fns, 1, data, experiment.linear_features(),
                       schedule=online.OnlineSchedule(window=30, hours=12.0, passes=1,
                                                critic_step=0.5), R=10.0, seed=0)
    learned, uniform = np.asarray(res["policy"]), np.full((G.S, G.A), 1.0 / G.A)
    gains = np.array([
        online.online_return(learned, counts, fns, 1, data, seed=s, start_minute=0,
                             minutes=120)["mean"]
        - online.online_return(uniform, counts, fns, 1, data, seed=s, start_minute=0,
                               minutes=120)["mean"] for s in range(6)])
    lower = gains.mean() - stats.t.ppf(0.95, gains.size - 1) * gains.std(ddof=1) / math.sqrt(
        gains.size)
    assert lower > 0, gains
