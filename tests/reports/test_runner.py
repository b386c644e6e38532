"""The adapter to algorithms/: batched DL-NAC equals algorithms.dl_nac bit for bit, and the
end-of-run left side equals the one algorithms' metrics compute (an independent route)."""

import numpy as np
import pytest

from mfgcheck import algorithms as al
from mfgcheck import games, numerics
from mfgcheck.reports import runner


@pytest.mark.parametrize("oracle, kw", [("exact", {}),
                                        ("sampled", {"K_critic": 5, "K_actor": 5})])
def test_dl_nac_batch_equals_dl_nac_per_seed(oracle, kw):
    game = games.sis()
    ts, pols = runner.dl_nac_batch(game, 3, 4, 0.05, [0, 7], oracle=oracle,
                                   record=range(13), **kw)
    assert ts == list(range(13))
    for b, seed in enumerate([0, 7]):
        ref = al.dl_nac(game, 3, 4, 0.05, oracle=oracle, seed=seed, **kw)
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


def test_safe_exploitability_agrees_with_numerics_where_it_converges():
    game = games.sis()
    pi = numerics.uniform_policy(2, 2)
    assert runner.safe_exploitability(game, pi) == numerics.exploitability(game, pi)


def test_log_spaced_grid():
    g = runner.log_spaced(1000)
    assert g[0] == 0 and max(g) < 1000 and g == sorted(set(g))
    assert {1, 10, 100} <= set(g)
