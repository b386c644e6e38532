"""The modelling table: the isolated p99 (the QoS target's base) against the simulator, and
docs/serverless.md lists every entry."""

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

pytest.importorskip("simpy")

from mfgcheck.serverless import model  # noqa: E402
from mfgcheck.serverless.cluster import Allocation, Cluster, SimConfig  # noqa: E402
from mfgcheck.serverless.policies import Fixed  # noqa: E402

DOC = Path(__file__).resolve().parents[2] / "docs" / "serverless.md"


@pytest.mark.parametrize("name", ["Primes", "Image-Inference", "Uploader"])
def test_isolated_p99_matches_the_simulator_alone_on_a_node(name):
    f = next(p for p in model.FUNCTIONS if p.name == name)
    n = 8000
    times = 10.0 + np.arange(n) * 10.0 * f.base_time     # one at a time: no queueing
    cl = Cluster((f,), SimConfig(n_nodes=1), seed=3)
    res = cl.run(times, np.zeros(n, dtype=np.int64), Fixed([Allocation(warm_target=1)]))
    lat = np.sort(res.latency[~res.cold])
    # distribution-free 99% interval for the 0.99 quantile from order statistics
    k_lo, k_hi = stats.binom.ppf([0.005, 0.995], lat.size, 0.99).astype(int)
    assert lat[k_lo - 1] <= model.isolated_p99(f) <= lat[k_hi]
    assert model.qos_target(f) == pytest.approx(1.15 * model.isolated_p99(f), rel=1e-15)


def test_docs_list_every_modelling_choice():
    text = DOC.read_text(encoding="utf-8")
    assert "This is a simulation" in text
    for row in model.modelling_table():
        name = row["name"].removeprefix("function ")
        assert name in text, name
