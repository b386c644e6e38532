"""The ablation figure's mean over seeds: drawn only where every seed was measured. A variant
whose step failed numerically stops there and records NaN after (``algorithms.ablation``);
the figure used ``np.nanmean`` over those columns ("Mean of empty slice" in every quick
report) and would have averaged the surviving seeds where only some had stopped."""

import math
import warnings

import numpy as np

from mfgcheck.reports import experiments


def test_seed_mean_is_the_plain_mean_where_every_seed_ran_and_nan_after_a_stop():
    nan = float("nan")
    series = [[1.0, 2.0, 4.0, nan, nan],
              [3.0, 6.0, 8.0, nan, nan],
              [5.0, 1.0, nan, 7.0, nan]]        # a third seed missing at t = 2 only
    got = experiments.seed_mean(series)
    # column by column, by hand: (1 + 3 + 5)/3, (2 + 6 + 1)/3; t = 2 and 3 miss a seed, t = 4
    # all of them
    assert got[0] == 3.0 and got[1] == 3.0
    assert all(math.isnan(x) for x in got[2:])


def test_seed_mean_equals_the_mean_over_seeds_of_complete_series():
    rng = np.random.default_rng(5)
    a = rng.lognormal(size=(4, 50))
    got = experiments.seed_mean(a.tolist())
    by_hand = [math.fsum(a[:, j]) / 4 for j in range(50)]
    # four positive terms: the two sums differ by at most a few ulps of the total
    assert np.allclose(got, by_hand, rtol=8 * np.finfo(float).eps, atol=0)


def _variant(label, factor, series, stopped):
    return {"label": label, "factor": factor, "seeds": [0, 1], "iterations": len(series[0]),
            "series": {k: series for k in ("err_weighted", "err_max", "omega")},
            "stopped": stopped}


def test_ablation_figure_of_a_stopped_variant_warns_nothing_and_says_where(tmp_path,
                                                                            monkeypatch):
    nan = float("nan")
    full = [[1.0, 0.5, 0.25, 0.125], [2.0, 1.0, 0.5, 0.25]]
    cut = [[1.0, 0.5, nan, nan], [2.0, 1.0, nan, nan]]
    ab = {"game": "SIS", "variants": [
        _variant("baseline", "none", full, None),
        _variant("actor: exact minimiser", "actor", cut,
                 {"t": 2, "min_policy": 1e-170, "reason": "FloatingPointError: overflow"})]}
    labels = []
    from matplotlib.axes import Axes

    plot = Axes.plot

    def spy(self, *args, **kwargs):
        labels.append(kwargs.get("label"))
        return plot(self, *args, **kwargs)

    monkeypatch.setattr(Axes, "plot", spy)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        experiments.draw_ablation(ab, tmp_path / "ablation.png")
    assert (tmp_path / "ablation.png").stat().st_size > 0
    assert "actor: exact minimiser (stopped at t = 2)" in labels
    assert "baseline" in labels
