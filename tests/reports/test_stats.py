"""Log-log slopes with bootstrap CIs, on synthetic data with a known slope."""

import numpy as np
import pytest

from mfgcheck.reports.stats import (
    SlopeFit,
    fit_loglog,
    fit_loglog_seeds,
    ols_slope,
    rate_verdict,
)

T = np.array([1e2, 3e2, 1e3, 3e3, 1e4, 3e4, 1e5])


def test_exact_power_law_gives_its_slope_and_a_degenerate_ci():
    fit = fit_loglog(T, 2.0 * T ** -0.2, resamples=300)
    assert fit.slope == pytest.approx(-0.2, abs=1e-12)
    assert fit.intercept == pytest.approx(np.log10(2.0), abs=1e-12)
    assert fit.ci_low == pytest.approx(-0.2, abs=1e-12)
    assert fit.ci_high == pytest.approx(-0.2, abs=1e-12)


def test_points_bootstrap_covers_the_true_slope():
    rng = np.random.default_rng(1)
    y = 3.0 * T ** -0.35 * np.exp(0.05 * rng.standard_normal(T.size))
    fit = fit_loglog(T, y, resamples=2000, seed=0)
    assert fit.method == "points" and fit.points == T.size
    assert fit.ci_low < -0.35 < fit.ci_high
    assert fit.ci_high - fit.ci_low < 0.2       # informative, not the whole line
    assert fit.covers(-0.35)


def test_seed_bootstrap_covers_the_true_slope_and_is_reproducible():
    rng = np.random.default_rng(2)
    vals = 0.5 * T[:, None] ** -0.2 * np.exp(0.1 * rng.standard_normal((T.size, 10)))
    fit = fit_loglog_seeds(T, vals, resamples=2000, seed=3)
    assert fit.method == "seeds"
    assert fit.ci_low < -0.2 < fit.ci_high
    assert fit == fit_loglog_seeds(T, vals, resamples=2000, seed=3)


def test_ols_matches_numpy_polyfit():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=20), rng.normal(size=20)
    b, a = ols_slope(x, y)
    assert (b, a) == pytest.approx(tuple(np.polyfit(x, y, 1)), abs=1e-12)


@pytest.mark.parametrize("lo, hi, verdict", [
    (-0.5, -0.3, "faster"), (-0.3, -0.1, "consistent"), (-0.15, -0.05, "slower"),
    (-0.215, -0.205, "consistent"),     # within the 0.02 resolution of the exponent
    (-0.25, -0.221, "faster"), (-0.179, -0.15, "slower")])
def test_rate_verdict(lo, hi, verdict):
    fit = SlopeFit((lo + hi) / 2, 0.0, lo, hi, 0.95, "points", 100, 5)
    assert rate_verdict(fit, -0.2) == verdict


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="two distinct"):
        fit_loglog([10, 10, 10], [1, 2, 3])
    with pytest.raises(ValueError, match="positive"):
        fit_loglog([10, 100], [1.0, 0.0])
    with pytest.raises(ValueError, match="shape"):
        fit_loglog_seeds(T, np.ones(T.size))


def test_a_statement_finding_is_shown_and_never_passes_silently():
    from mfgcheck.reports.summary import claim_line

    rows = [{"claim": "lemma7", "step": "lemma7", "status": "pass", "examples": 40,
             "violations": 0, "max_ratio": 0.9}]
    plain = claim_line("lemma7", [], rows)
    flagged = claim_line("lemma7", [], rows, "fails on a pinned run")
    assert plain["status"] == "pass"
    assert flagged["status"] == "finding" and "fails on a pinned run" in flagged["text"]
