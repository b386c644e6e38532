"""The adapter to algorithms/: batched DL-NAC equals algorithms.dl_nac bit for bit, and the
end-of-run left side equals the one algorithms' metrics compute (an independent route)."""

import numpy as np
import pytest

from mfgcheck import algorithms as al
from mfgcheck import games, numerics
from mfgcheck.reports import runner


@pytest.mark.parametrize("oracle", ["exact", al.OracleConfig("sampled", K_critic=5, K_actor=5)])
def test_dl_nac_batch_equals_dl_nac_per_seed(oracle):
    game = games.sis()
    ts, pols = runner.dl_nac_batch(game, 3, 4, 0.05, [0, 7], oracle=oracle, record=range(13))
    assert ts == list(range(13))
    for b, seed in enumerate([0, 7]):
        ref = al.dl_nac(game, 3, 4, 0.05, oracle=oracle, seed=seed)
        assert np.array_equal(pols[b], ref.policy)


def test_rate_batch_left_side_matches_algorithms_metrics():
    game = games.sis().normalised()
    eq_rec = runner.equilibrium_record(game)
    settings = [{"T": T, "seed": 0, "eta": 2 * T ** -0.4 / game.lam, "beta": 5 * T ** -0.8,
                 "oracle": "exact", "oracle_kwargs": {}, "features": "tabular", "R": None}
                for T in (20, 50)]
    out = runner.rate_batch(game, eq_rec, settings)
    for res in out:
        assert res["lhs"] == pytest.approx(res["lhs_metrics"], rel=1e-12, abs=1e-15)
        assert res["lhs"] == pytest.approx(res["lhs_policy"] + res["lhs_mean_field"])
        assert res["eps_total"] <= 1e-20          # exact oracle, tabular, ball inactive
        assert 0 < res["p_min"] <= 0.5
        assert len(res["visited"]) == len(res["trajectory"]["t"])


def test_left_side_is_zero_at_the_equilibrium():
    game = games.sis()
    eq_rec = runner.equilibrium_record(game)
    pi, mu = eq_rec["policy"], eq_rec["mean_field"]
    res = runner.summarise_end(game, eq_rec, avg_policy=pi, avg_mean_field=mu,
                               last_policy=pi, last_mean_field=mu)
    assert res["lhs"] == 0 and res["last"] == 0
    assert abs(res["exploitability_avg"]) <= 1e-9


def test_safe_exploitability_is_the_compiled_routes_value():
    """It returns the compiled route's value (algorithms.exploitability_kernels, whose
    agreement with numerics' reference tests/numerics/test_exploitability_kernels.py bounds
    policy by policy, from the fixed point's conditioning and the rounding of the values)."""
    from mfgcheck.algorithms import exploitability_kernels

    game = games.sis()
    pi = numerics.uniform_policy(2, 2)
    got = runner.safe_exploitability(game, pi)
    assert got == exploitability_kernels.exploitability(game, pi)


def test_rate_runs_record_on_the_log_grid():
    """Rate runs record on ``algorithms.log_grid`` (4 points a decade): 0 and the distinct
    round(10^(k/4)) below T, here written out by hand for T = 1000."""
    from mfgcheck.algorithms import log_grid

    g = log_grid(1000, runner.RATE_RECORD_PER_DECADE).tolist()
    assert g == [0, 1, 2, 3, 6, 10, 18, 32, 56, 100, 178, 316, 562]


def test_run_metrics_without_exploitability_keeps_the_errors_of_compute_metrics(monkeypatch):
    """When algorithms.compute_metrics raises NonConvergenceError, run_metrics returns the
    oracle errors eps_* of algorithms.metrics.error_metrics, equal to the ones compute_metrics
    gives when it does not raise, and a note saying what was left out."""
    from mfgcheck.algorithms import metrics as mm
    from mfgcheck.algorithms.oracle import OracleConfig

    game = games.sis()
    phi = numerics.random_features(2, 2, 3, seed=1)
    run = al.nac(game, 6, 0.5, 0.1, features=phi, R=2.0, seed=4, record="all",
                 oracle=OracleConfig("sampled", K_critic=40, K_actor=40))
    full, note = runner.run_metrics(game, run, phi, 2.0)
    assert note == ""

    def fail(*args, **kwargs):
        raise numerics.NonConvergenceError("forced")

    monkeypatch.setattr(mm, "compute_metrics", fail)
    errors, note = runner.run_metrics(game, run, phi, 2.0)
    assert "NonConvergenceError (forced)" in note and "eps_*" in note
    assert set(errors) == set(mm.ERROR_NAMES)
    assert np.isfinite(errors["eps_total"][:-1]).all() and np.isnan(errors["eps_total"][-1])
    assert errors["eps_total"][:-1].max() > 0            # sampled oracle: errors are not 0
    for k in mm.ERROR_NAMES:
        np.testing.assert_array_equal(errors[k], full[k])


@pytest.mark.parametrize("name", ["random", "lq"])
def test_exact_rate_grid_in_one_batch_equals_each_run_alone(name):
    """The report runs an exact-oracle setting's whole grid of T as one batch
    (``rate.chunks``); every run's record (its recorded iterates on its own log grid, the left
    sides, the metrics) is the one it has alone, bit for bit, for games on NumPy's exact path
    (not affine in mu) whose steps see batches of several sizes as runs leave."""
    from mfgcheck.reports import rate, settings
    from mfgcheck.reports.store import canonical_json

    spec = {"random": settings.RANDOM, "lq": settings.LQ}[name]
    rs = settings.RateSetting(f"{name}-exact", spec, "exact", (30, 100, 300))
    items = rate.run_settings(rs, spec.build())
    assert rate.chunks(rs, items) == [[0, 1, 2]]
    together = rate.run_chunk(items)
    alone = [rate.run_chunk([s])[0] for s in items]

    def bits(r):
        return canonical_json({k: v for k, v in r.items() if k != "run_wall_time"})

    assert [len(r["visited"]) for r in together] == [len(r["visited"]) for r in alone]
    assert [bits(r) for r in together] == [bits(r) for r in alone]
