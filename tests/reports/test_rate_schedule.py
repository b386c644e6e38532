"""The sampled rate's K schedule (RateSetting.K_schedule): K grows with T as stated."""

import math

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
