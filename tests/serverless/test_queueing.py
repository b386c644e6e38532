"""The simulator reproduces M/M/c queueing results in the special case where it is one:
one node, one function, c warm containers with one core each, a container cap of c, no
interference, exponential service, Poisson arrivals. Compared with the Erlang C formulas
(independent of the simulator) within a 99% confidence interval over independent
replications."""

import math

import numpy as np
import pytest
from scipy import optimize, stats

pytest.importorskip("simpy")

from mfgcheck.serverless.cluster import Allocation, Cluster, SimConfig  # noqa: E402
from mfgcheck.serverless.model import FunctionProfile  # noqa: E402
from mfgcheck.serverless.policies import Fixed  # noqa: E402


def erlang_c(c: int, a: float) -> float:
    """P(wait) in M/M/c with offered load a = lambda/mu (Erlang C)."""
    top = a ** c / math.factorial(c) * c / (c - a)
    return top / (sum(a ** k / math.factorial(k) for k in range(c)) + top)


def sojourn_quantile(c, lam, mu, q):
    """q-quantile of the M/M/c response time: W = 0 w.p. 1 - C, else Exp(c mu - lam); plus an
    independent Exp(mu) service; P(T > t) = (1-C) e^{-mu t} + C (th e^{-mu t} - mu e^{-th t})
    / (th - mu), th = c mu - lam (th != mu)."""
    C = erlang_c(c, lam / mu)
    th = c * mu - lam

    def tail(t):
        return ((1 - C) * math.exp(-mu * t)
                + C * (th * math.exp(-mu * t) - mu * math.exp(-th * t)) / (th - mu)) - (1 - q)

    return optimize.brentq(tail, 0.0, 100.0 / min(mu, th))


def replicate(c, lam, mu, seed, n=4000, warm=500):
    f = FunctionProfile("mm", "cpu", 1.0 / mu, 1.0, 1.0, 0.25, "python", lam)
    cfg = SimConfig(n_nodes=1, cores=float(c), service="exponential", memory=(64.0,),
                    interference={"cpu": 0.0}, idle_timeout=1e12)
    rng = np.random.default_rng([seed, 99])
    times = 30.0 + np.cumsum(rng.exponential(1.0 / lam, n))   # containers warm by t = 30
    cl = Cluster((f,), cfg, seed=seed)
    res = cl.run(times, np.zeros(n, dtype=np.int64),
                 Fixed([Allocation(cpu_limit=1.0, cap=c, warm_target=c)]))
    assert not res.cold.any()          # the c containers were warm before the first arrival
    return res.wait[warm:].mean(), np.percentile(res.latency[warm:], 99)


# At low utilisation (the last case, rho = 0.35) waiting is rare and comes in clusters (busy
# periods), so a replication's mean wait is skewed: more replications make the t interval
# across them valid.
@pytest.mark.parametrize("c,lam,mu,n,reps", [(1, 0.7, 1.0, 4000, 12), (3, 2.4, 1.0, 4000, 12),
                                             (5, 3.5, 2.0, 4000, 40)])
def test_mmc_mean_wait_and_p99_match_erlang_c(c, lam, mu, n, reps):
    reps = np.array([replicate(c, lam, mu, seed, n=n) for seed in range(reps)])
    wq = erlang_c(c, lam / mu) / (c * mu - lam)
    p99 = sojourn_quantile(c, lam, mu, 0.99)
    for k, exact in ((0, wq), (1, p99)):
        x = reps[:, k]
        half = stats.t.ppf(0.995, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
        assert abs(x.mean() - exact) <= half, (k, x.mean(), exact, half)
        # the interval is informative: narrower than a third of the value it brackets
        assert half < exact / 3


def test_erlang_c_reference_values():
    # hand-checkable cases: M/M/1 P(wait) = rho; M/M/2 with a = 1: C = 1/3
    assert erlang_c(1, 0.7) == pytest.approx(0.7, rel=1e-12)
    assert erlang_c(2, 1.0) == pytest.approx(1.0 / 3.0, rel=1e-12)
    # M/M/1 response time is Exp(mu - lam): p99 = ln(100)/(mu - lam)
    assert sojourn_quantile(1, 0.5, 1.0, 0.99) == pytest.approx(math.log(100) / 0.5, rel=1e-9)
