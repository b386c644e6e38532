"""The sampled rate's K schedule (RateSetting.K_schedule): K grows with T as stated."""

import math

import pytest

from mfgcheck.reports import rate, settings


def test_k_schedule_grows_with_T_and_reaches_the_runs():
    rs = next(r for r in settings.quick().rate if r.K_schedule is not None)
    kc, ka, p = rs.K_schedule
    game = rs.game.build()
    items = rate.run_settings(rs, game)
    for it in items:
        T = it["T"]
        kw = it["oracle_kwargs"]
        assert kw["K_critic"] == math.ceil(kc * T ** p)
        assert kw["K_actor"] == math.ceil(ka * T ** (2 * p))
        assert kw["critic_init"] == "warm"
    # eps_total = O(T^-p) and Theorem 1's eps term O(T^(-p/4)) is no slower than T^(-1/5)
    assert p / 4 >= 0.2 - 1e-12
    Ks = sorted({it["oracle_kwargs"]["K_actor"] for it in items})
    assert len(Ks) == len(rs.T) and Ks == sorted(Ks)


def test_the_full_profile_covers_every_setting_of_the_quick_one():
    """Issue 13: the full profile has the quick profile's coverage, on larger grids: every
    rate setting, paper panel and assumption game of quick is in full, with at least its
    grid of T (a setting that only the quick profile ran went unnoticed once)."""
    quick, full = settings.quick(), settings.full()
    full_rate = {r.id: r for r in full.rate}
    for r in quick.rate:
        assert r.id in full_rate, r.id
        assert set(r.T) <= set(full_rate[r.id].T) and r.oracle == full_rate[r.id].oracle
    assert {p.id for p in quick.paper} <= {p.id for p in full.paper}
    assert {g.name for g in quick.assumptions.games} <= {g.name for g in full.assumptions.games}
    assert full.lemmas.examples >= quick.lemmas.examples and not full.lemmas.claims
    assert full.ablation is not None and not full.ablation.variants    # every factor


@pytest.mark.parametrize("name", sorted(settings.PROFILES))
def test_every_rate_setting_of_a_profile_has_its_own_heading(name):
    """The report's contents list one entry per rate setting: two sampled settings on SIS
    (fixed K, and K growing with T) had the same heading, so the contents showed it twice."""
    from mfgcheck.reports.rate import setting_title

    titles = [setting_title(rs) for rs in settings.profile(name).rate]
    assert len(titles) == len(set(titles)), titles
