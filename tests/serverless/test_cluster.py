"""The simulator's bookkeeping: cold starts exactly when a container was evicted, evictions
exactly at the idle deadline, memory never over capacity, fair CPU shares."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("simpy")

from mfgcheck.serverless import model, policies, trace  # noqa: E402
from mfgcheck.serverless.cluster import (  # noqa: E402
    Allocation,
    Cluster,
    SimConfig,
    percentile_sorted,
    water_fill,
)

TIMEOUT = model.IDLE_TIMEOUT_S


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cold_start_exactly_when_the_container_was_evicted(seed):
    # One function, invocations separated by gaps on both sides of the 10-minute timeout.
    f = model.FUNCTIONS[0]
    rng = np.random.default_rng(seed)
    gaps = rng.uniform(0.5 * TIMEOUT, 1.5 * TIMEOUT, 120)
    gaps[::7] = TIMEOUT          # exact ties: the container idle since e is evicted at e + 600
    times = np.cumsum(gaps)
    cl = Cluster((f,), SimConfig(n_nodes=1), seed=seed)
    res = cl.run(times, np.zeros(times.size, dtype=np.int64), policies.OpenWhiskDefault())
    # Independent route: the single container went idle at the previous invocation's end
    # (one invocation at a time: gaps >> service times), so invocation k is cold iff it
    # arrives at or after end[k-1] + timeout.
    assert res.cold[0]
    expected = times[1:] >= res.end[:-1] + TIMEOUT
    np.testing.assert_array_equal(res.cold[1:], expected)
    assert 0 < expected.sum() < expected.size          # both cases occur
    # every eviction happened exactly at its idle deadline, the end of some invocation + 600
    log = res.container_log
    evicted = log[np.isfinite(log[:, 4]), 4]
    assert evicted.size == res.cold.sum() - 1       # the last container is still alive
    np.testing.assert_allclose(np.sort(evicted),
                               np.sort(res.end[np.flatnonzero(np.r_[expected, False])]) + TIMEOUT,
                               rtol=0, atol=1e-9 * times[-1])
    # a container is created exactly for each cold start
    assert log.shape[0] == res.cold.sum()


def _memory_profile(log, node_index, mem_of_fn):
    """Max reserved memory on a node over time, rebuilt from the container log alone
    (evictions before creations at equal times: the simulator frees memory to make room)."""
    rows = log[log[:, 2] == node_index]
    ev = [(r[3], 1, mem_of_fn[int(r[1])]) for r in rows]
    ev += [(r[4], 0, -mem_of_fn[int(r[1])]) for r in rows if np.isfinite(r[4])]
    ev.sort()
    level, peak = 0.0, 0.0
    for _, _, dm in ev:
        level += dm
        peak = max(peak, level)
    return peak


@pytest.mark.parametrize("policy", ["openwhisk", "ensure"])
def test_memory_never_over_capacity(policy):
    # Small nodes (3 GB) and the busiest 20 minutes of a day: placement is under pressure.
    tr = trace.shipped_trace()
    counts = tr.day(2)
    t, f = trace.arrivals(counts, seed=3, start_minute=840, minutes=20)
    med = np.median(tr.day(1), axis=1) / 60
    pol = policies.OpenWhiskDefault() if policy == "openwhisk" else policies.Ensure(med)
    cl = Cluster(config=SimConfig(n_nodes=4, memory=(3.0,), placement=pol.placement), seed=1)
    if policy == "ensure":
        cl.active_nodes = 1
    res = cl.run(t, f, pol)
    mem = [fp.memory_gb for fp in model.FUNCTIONS]
    peaks = [_memory_profile(res.container_log, i, mem) for i in range(4)]
    for peak, cap in zip(peaks, res.node_memory):
        assert peak <= cap + 1e-9 * cap
    np.testing.assert_allclose(peaks, res.node_peak, rtol=1e-12)
    # the check had something to check: some node came within one container of full
    assert max(p - c for p, c in zip(peaks, res.node_memory)) >= -max(mem)
    assert np.all(np.isfinite(res.end))          # every invocation finished


@given(st.lists(st.tuples(st.floats(0.05, 4.0), st.floats(0.1, 4.0)), min_size=1, max_size=12),
       st.floats(0.5, 16.0))
def test_water_fill_is_weighted_max_min_fair(items, cores):
    d = [x[0] for x in items]
    w = [x[1] for x in items]
    s = np.array(water_fill(cores, d, w))
    scale = max(cores, sum(d))
    assert np.all(s <= np.array(d) + 1e-12 * scale) and np.all(s >= 0)
    assert s.sum() == pytest.approx(min(cores, sum(d)), rel=1e-12, abs=1e-12 * scale)
    # unsaturated containers share one level per unit weight, at least everyone else's
    unsat = s < np.array(d) - 1e-9 * scale
    if unsat.any():
        level = s[unsat] / np.array(w)[unsat]
        assert np.ptp(level) <= 1e-9 * scale
        sat_levels = (s / np.array(w))[~unsat]
        assert np.all(sat_levels <= level.max() + 1e-9 * scale)


def test_allocation_rejects_bad_values():
    with pytest.raises(ValueError, match="cpu_limit"):
        Allocation(cpu_limit=0.0)
    with pytest.raises(ValueError, match="warm_target"):
        Allocation(warm_target=-1)
    with pytest.raises(ValueError, match="placement"):
        SimConfig(placement="random")
    cl = Cluster(config=SimConfig(n_nodes=1))
    with pytest.raises(ValueError, match="sorted"):
        cl.run([2.0, 1.0], [0, 0])
    with pytest.raises(ValueError, match="fns"):
        Cluster(config=SimConfig(n_nodes=1)).run([1.0], [12])


@given(st.lists(st.floats(0.0, 1e4, allow_subnormal=False), min_size=1, max_size=400),
       st.sampled_from([99.0, 50.0, 90.0, 99.9, 0.0, 100.0, 37.5]))
def test_percentile_of_a_sorted_list_is_numpys_float(xs, q):
    # the ticks' p99 (percentile_sorted) must be NumPy's float exactly: the policies see it
    got = percentile_sorted(sorted(xs), q)
    want = float(np.percentile(np.asarray(xs), q))
    assert got.hex() == want.hex()


def test_percentile_of_a_sorted_list_on_latency_like_windows():
    # windows of latencies as the cluster sees them: every size 1..600, heavy-tailed values,
    # ties (repeated values) in some
    rng = np.random.default_rng(5)
    for n in range(1, 601):
        x = rng.lognormal(-1.0, 1.0, n)
        if n % 3 == 0:
            x[: n // 2] = x[0]
        assert percentile_sorted(sorted(x.tolist()), 99.0) == np.percentile(x, 99.0)


def test_progress_is_reported_and_changes_nothing():
    tr = trace.shipped_trace()
    t, f = trace.arrivals(tr.day(2)[:2], seed=9, start_minute=600, minutes=130)
    horizon = 130 * 60.0

    def run(progress):
        cl = Cluster(model.FUNCTIONS[:2], SimConfig(n_nodes=2), seed=3)
        return cl.run(t, f, policies.OpenWhiskDefault(), horizon=horizon, progress=progress)

    seen: list[tuple] = []
    a, b = run(None), run(lambda now, h: seen.append((now, h)))
    for key in ("start", "end", "cold", "cpu", "memory", "containers", "container_log"):
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key))
    assert a.events == b.events and a.sim_time == b.sim_time
    # every simulated hour (horizon / 24 is shorter), then once at the horizon
    assert seen == [(3600.0, horizon), (7200.0, horizon), (horizon, horizon)]


def test_cold_start_normals_are_one_stream_whatever_the_blocks():
    # _cold_z draws its stream in growing blocks: the values are the stream's, in order
    cl = Cluster(config=SimConfig(n_nodes=1), seed=[3, 4])
    got = [cl._cold_z() for _ in range(5000)]
    _, cold = (np.random.default_rng(s) for s in np.random.SeedSequence([3, 4]).spawn(2))
    np.testing.assert_array_equal(got, cold.standard_normal(5000))



def _reachable_sizes(root) -> list[int]:
    """Lengths of every list, tuple, dict and array reachable from ``root`` (not through
    modules, classes or functions, which reach everything)."""
    import gc
    import types

    stop = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType)
    seen, stack, sizes = set(), [root], []
    while stack:
        o = stack.pop()
        if id(o) in seen or isinstance(o, stop):
            continue
        seen.add(id(o))
        if isinstance(o, (list, tuple, dict)):
            sizes.append(len(o))
        elif isinstance(o, np.ndarray):
            sizes.append(o.size)
        stack.extend(gc.get_referents(o))
    return sizes


def test_a_finished_run_keeps_nothing_per_invocation():
    # A cluster sits in reference cycles (a container's reused event calls back into it)
    # that only a full collection frees; a report worker used to keep each simulated day's
    # per-invocation lists until then (3 GB at the full profile's peak). Nothing a finished
    # cluster reaches may be as long as the invocations it simulated.
    n = 5_000
    rng = np.random.default_rng(0)
    t, f = np.sort(rng.uniform(0.0, 600.0, n)), rng.integers(0, 2, n)
    cl = Cluster(model.FUNCTIONS[:2], SimConfig(n_nodes=2), seed=1)
    res = cl.run(t, f, policies.OpenWhiskDefault(), horizon=600.0)
    assert res.start.size == n and np.isfinite(res.end).all()     # the run did its work
    assert max(_reachable_sizes(cl)) < n
