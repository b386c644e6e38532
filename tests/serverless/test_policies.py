"""The baselines against their formulas (appendix E's descriptions; our readings in
policies.py): ENSURE's R + c sqrt(R) containers, CPU steps and node thresholds; OpenWhisk's
memory-proportional CPU shares and packing."""

import math

import numpy as np
import pytest

pytest.importorskip("simpy")

from mfgcheck.serverless import model, policies, trace  # noqa: E402
from mfgcheck.serverless.cluster import Cluster, SimConfig, water_fill  # noqa: E402


@pytest.mark.parametrize("R,c,n", [(0.0, 2.0, 0), (4.0, 2.0, 8), (2.25, 2.0, 6), (9.0, 1.0, 12),
                                   (0.01, 2.0, 1), (100.0, 1.5, 115)])
def test_ensure_containers_hand_values(R, c, n):
    # ceil(R + c sqrt(R)) by hand: 4 + 2*2 = 8; 2.25 + 3 = 5.25 -> 6; 9 + 3 = 12; 0.01 + 0.2
    # -> 1; 100 + 15 = 115.
    assert policies.ensure_containers(R, c) == n


def test_ensure_policy_allocates_its_formula_from_observed_rates():
    tr = trace.shipped_trace()
    med = np.median(tr.day(1), axis=1) / 60
    cl = Cluster(config=SimConfig(n_nodes=3))
    pol = policies.Ensure(med)
    first = pol.act(cl, None)
    counts = np.array([0, 1, 60, 600, 30, 7, 120, 3, 45, 12, 90, 2])
    p99 = np.array([model.isolated_p99(f) * r for f, r in
                    zip(model.FUNCTIONS, [1.2, 0.9, 1.05, 1.2, 1.0, 2, 0.5, 1.11, 1.09, 3, 1, 1])])
    state = {"counts": counts, "p99": p99, "active_nodes": 2, "active_memory_used": 0.9,
             "containers": [0] * 12}
    out = pol.act(cl, state)
    for k, (f, a0, a) in enumerate(zip(model.FUNCTIONS, first, out)):
        assert a0.cpu_limit == 1.0
        ratio = p99[k] / model.isolated_p99(f)
        cpu = 1.25 if ratio > 1.1 else (0.75 if ratio <= 1.0 else 1.0)
        cpu = min(cpu, f.parallelism)          # never more than the function can use
        assert a.cpu_limit == pytest.approx(cpu, abs=1e-12)
        lam = counts[k] / 60.0
        mean = f.base_time * (f.cpu_fraction / min(cpu, f.parallelism) + 1 - f.cpu_fraction)
        R = lam * mean
        assert a.warm_target == math.ceil(R + model.ENSURE_C * math.sqrt(R) - 1e-12)
        assert a.cap is None
    assert cl.active_nodes == 3              # 90% > 80% memory used: one more node


def test_ensure_cpu_and_node_rules():
    iso = 1.0
    assert policies.ensure_cpu(1.0, 1.2, iso) == 1.25
    assert policies.ensure_cpu(2.0, 1.2, iso) == 2.0                 # clipped at the top
    assert policies.ensure_cpu(1.0, 1.05, iso) == 1.0                # within the threshold
    assert policies.ensure_cpu(1.0, 0.9, iso) == 0.75
    assert policies.ensure_cpu(0.5, 0.9, iso) == 0.5                 # clipped at the bottom
    assert policies.ensure_cpu(1.0, float("nan"), iso) == 0.75       # no traffic: scale down
    assert policies.ensure_nodes(3, 0.85, 21) == 4
    assert policies.ensure_nodes(21, 0.95, 21) == 21
    assert policies.ensure_nodes(3, 0.3, 21) == 2
    assert policies.ensure_nodes(1, 0.1, 21) == 1
    assert policies.ensure_nodes(3, 0.6, 21) == 3


def test_openwhisk_shares_proportional_to_memory_under_contention():
    mem = [0.25, 0.5, 1.0, 0.25]
    # four unlimited containers wanting 8 cores each on an 8-core node: shares = 8 m / sum m
    shares = water_fill(8.0, [8.0] * 4, mem)
    np.testing.assert_allclose(shares, [8.0 * m / sum(mem) for m in mem], rtol=1e-12)
    # the guarantee counted as allocated CPU: cores * m / M
    assert policies.openwhisk_cpu_guarantee(0.5, 16.0) == 8.0 * 0.5 / 16.0


def test_openwhisk_packs_onto_as_few_nodes_as_possible():
    # Memory for 4 containers of 0.25 GB per node; 12 concurrent invocations need 12
    # containers: first fit fills node 0, then 1, then 2, and leaves the other nodes empty.
    f = model.FUNCTIONS[0]
    cl = Cluster((f,), SimConfig(n_nodes=6, memory=(1.0,)), seed=0)
    times = np.linspace(0.0, 0.011, 12)
    res = cl.run(times, np.zeros(12, dtype=np.int64), policies.OpenWhiskDefault())
    nodes = res.container_log[np.argsort(res.container_log[:, 0]), 2]
    np.testing.assert_array_equal(nodes, np.repeat([0, 1, 2], 4))
    # its CPU allocation is the memory-proportional guarantee of each container
    total = sum(cl._cpu_reserved(c) for n in cl.nodes for c in n.containers)
    assert total == pytest.approx(12 * policies.openwhisk_cpu_guarantee(f.memory_gb, 1.0),
                                  rel=1e-12)


def test_game_policy_levels_follow_the_actions():
    L = len(model.ALLOCATION_LEVELS)
    up = np.zeros((3 * L, 3))
    up[:, 2] = 1.0
    med = np.ones(12)
    pol = policies.GamePolicy(up, med, start_level=0)
    cl = Cluster(config=SimConfig(n_nodes=2))
    pol.act(cl, None)
    state = {"counts": np.full(12, 60), "p99": np.ones(12)}
    for k in range(1, L + 2):
        out = pol.act(cl, state)
        assert pol.levels == [min(k, L - 1)] * 12
    f = model.FUNCTIONS[3]
    frac, c = model.ALLOCATION_LEVELS[L - 1]
    R = 1.0 * f.mean_service(frac * f.parallelism)
    assert out[3].cpu_limit == frac * f.parallelism
    assert out[3].warm_target == max(1, math.ceil(R + c * math.sqrt(R) - 1e-12))
    with pytest.raises(ValueError, match="policy"):
        policies.GamePolicy(np.ones((2, 3)) / 3, med)
