"""The mpmath replay of Algorithm 1 (properties/replay.py) and the confirmation of run-based
violations it gives (properties/confirm.py, ``RUN_ROUTES``).

Independent routes: the float64 terms of ``trajectory.terms`` (numerics/, NumPy), the
regularised performance-difference lemma (an identity: both sides computed separately in the
replay must agree to its precision), mass conservation of the mean-field flow, and the
closed-form constants of ``families.exact_constants`` (float64)."""

from __future__ import annotations

from dataclasses import replace

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import mfgcheck as mc
from mfgcheck.properties import _theory, confirm, families, lemma1, lemma2, lemma7, replay
from mfgcheck.properties.instances import NACRunCase
from mfgcheck.properties.trajectory import ATOL, terms


def _pinned_lemma7_run():
    """tests/properties/test_runs.py: Lemma 7 as stated fails at t = 0 (slack -1.9e-5) with
    the constants measured on the run (a mu-dependent 2x2 random game)."""
    g = mc.games.random_game(2, 2, 711, gamma=1 / 3, lam=1.2448555314310636,
                             transition_coupling=0.8089498112521791,
                             reward_coupling=0.5177632114951732, logit_scale=1.585554394671453)
    return NACRunCase(g, mc.numerics.tabular_features(2, 2), R=9.0, eta=0.7229754596225123,
                  beta=0.09166943227756562, T=5)


def _feature_run():
    """General (non-tabular) features and a radius small enough that the actor's ball binds."""
    g = mc.games.random_game(3, 2, 5, gamma=0.7, lam=0.3, transition_coupling=1.0,
                             reward_coupling=0.5, logit_scale=2.0)
    phi = mc.numerics.random_features(3, 2, 3, seed=1)
    return NACRunCase(g, phi, R=0.05, eta=2.0, beta=0.3, T=6)


def _mu_free_run():
    return families.mu_free_runs.build({"n_states": 3, "n_actions": 2, "game_seed": 3,
                                        "gamma": 0.8, "lam": 0.5, "logit_scale": 2.0,
                                        "R": 1.0, "u": 0.5, "beta": 0.1, "T": 5})


RUNS = [_pinned_lemma7_run, _feature_run, _mu_free_run]


@pytest.mark.parametrize("make", RUNS, ids=["mu_dependent", "features_ball", "mu_free"])
def test_the_replay_agrees_with_the_float_route(make):
    """Every term and constant of the replay equals the float route's within the float
    route's documented precision (trajectory.ATOL, relative to the term's scale); ratios
    whose denominator is below that precision are left out (0/0 in float64)."""
    run = make()
    pt, ft = replay.replay(run), terms(run)
    tol = 10 * ATOL
    for name, values in pt.t.items():
        f = np.asarray(ft.t[name], np.float64)
        for x, y in zip(values, f):
            assert abs(float(x) - y) <= tol * max(1.0, abs(y)), (name, float(x), y)
    # d2's first ratio is D(pi*_t, pi*)-normalised: its denominator is d1 sigma_mu
    dens = {"d0": ft.t["dmu"], "d1": ft.t["sigma_mu"], "d3": ft.t["sigma_mu"],
            "d2": np.minimum(ft.per_step["d1"] * ft.t["sigma_mu"], ft.t["D_pi"])}
    for name, values in pt.per_step.items():
        f = np.asarray(ft.per_step[name], np.float64)
        for i, (x, y) in enumerate(zip(values, f)):
            if name in dens and dens[name][i] < 1e3 * ATOL:
                continue
            assert abs(float(x) - y) <= 1e3 * tol * max(1.0, abs(y)), (name, i, float(x), y)
    if make is _feature_run:   # the ball binds: the bisection route of the actor ran
        assert max(pt.t["w_norm"]) == pytest.approx(run.R, rel=1e-40)


def test_the_replay_meets_identities_to_its_precision():
    """The performance-difference lemma (an identity) between two separately computed sides,
    mass conservation of mu_t and the equilibrium's fixed point, at 60 digits."""
    run = _feature_run()
    pt = replay.replay(run)
    with mp.workdps(replay.DPS):
        lam, gamma = mp.mpf(run.game.lam), mp.mpf(run.game.gamma)
        for t in range(run.T):
            rhs = (pt.t["Eq"][t] - pt.t["EV"][t] - lam * pt.t["sigma_pi"][t]) / (1 - gamma)
            assert abs(pt.t["Vgap"][t] - rhs) < mp.mpf(10) ** -45
        for mu in pt.iterates["mu"]:
            assert abs(mp.fsum(mu) - 1) < mp.mpf(10) ** -55
        pi_eq, mu_eq, dstar = pt.equilibrium
        assert abs(mp.fsum(dstar) - 1) < mp.mpf(10) ** -55
    float_eq = mc.numerics.solve_equilibrium(run.game)
    assert np.abs(np.array([float(x) for x in mu_eq]) - float_eq.mean_field).sum() < 1e-9


def test_exact_global_constants_in_mpmath_match_the_closed_form():
    run = _mu_free_run()
    c_mp = replay.exact_constants_mp(replay.replay(run))
    c = families.exact_constants(run.game)
    for k in ("d1", "d2", "d3", "C2"):
        assert float(c_mp[k]) == pytest.approx(c[k], rel=1e-12, abs=0.0)
    with pytest.raises(replay.NoReplay, match="do not depend on mu"):
        replay.exact_constants_mp(replay.replay(_pinned_lemma7_run()))


def test_a_run_based_violation_is_confirmed_at_high_precision():
    """Lemma 7 as stated, constants measured on the run: the float violation (slack -1.9e-5
    at t = 0) is now certified, not a candidate."""
    run = _pinned_lemma7_run()
    ev = lemma7.check_lemma7(run)
    assert ev.status == "candidate"
    checked = confirm.confirm(ev, run)
    assert checked.status == "violated" and checked.precise["t"] == 0
    assert checked.precise["digits"] >= 50
    gap = mp.mpf(checked.precise["lhs"]) - mp.mpf(checked.precise["rhs"])
    assert float(gap) == pytest.approx(ev.lhs - ev.rhs, rel=1e-6)
    # the corrected statement (sqrt(2 sigma)) holds on the same run at 60 digits
    ok = confirm.confirm(lemma7.check_lemma7_corrected(run), run)
    assert ok.confirmed is False and float(ok.precise["relative_gap"]) < 0


def _scaled(ref_expr, c: float):
    """A SymPy bound ``c * expr`` with ``c`` the exact binary float (both routes use it)."""
    return sp.Float(c, 60) * ref_expr


def test_a_planted_violation_is_confirmed_and_a_rounding_one_is_not():
    """A bound made slightly too small (the run's exact ratio times 1 - 1e-7) is violated by
    1e-7 relative: certified. A float64 'violation' of an identity (the sides are equal, the
    float difference is rounding) is overturned."""
    run = _pinned_lemma7_run()
    exact = confirm.confirm(lemma7.check_lemma7_corrected(run), run).precise["ratio"]
    rhs = _theory.module("lemma7").corrected_rhs
    too_small = _scaled(rhs, exact * (1 - 1e-7))
    bound_fn, _ = mc.hunter.as_bound(too_small)
    ev = lemma7.check_lemma7_corrected(run, bound=bound_fn)
    assert ev.status == "candidate" and ev.ratio == pytest.approx(1 + 1e-7, rel=1e-9)
    checked = confirm.confirm(ev, run, bound=too_small)
    assert checked.status == "violated"
    assert float(checked.precise["relative_gap"]) == pytest.approx(1e-7, rel=1e-6)
    # just above the exact value: a bound that holds by 1e-12, forced to read as a float
    # violation, is overturned by the replay
    enough = _scaled(rhs, exact * (1 + 1e-12))
    ev = lemma7.check_lemma7_corrected(run, bound=mc.hunter.as_bound(enough)[0])
    forced = replace(ev, lhs=ev.rhs * (1 + 1e-8))
    assert forced.status == "candidate"
    assert confirm.confirm(forced, run, bound=enough).status == "holds"
    # an identity (the performance-difference lemma): float rounding of equal sides
    pdl = lemma1.check_lemma1_pdl(run)
    rounding = replace(pdl, rtol=0.0, atol=0.0)   # float sides differ in the last digits
    assert rounding.status == "candidate" and abs(rounding.ratio - 1) < 1e-9
    dismissed = confirm.confirm(rounding, run)
    assert dismissed.confirmed is False and dismissed.status == "holds"
    assert abs(mp.mpf(dismissed.precise["relative_gap"])) < confirm.MARGIN


def test_runs_without_a_replay_stay_candidates():
    run = _pinned_lemma7_run()
    sampled = replace(run, oracle="sampled")
    ev = replace(lemma2.check_lemma2(run), lhs=1.0)   # forced float violation
    out = confirm.confirm(ev, sampled)
    assert out.confirmed is None and out.status == "candidate"
    assert "exact oracle" in out.measurements["precise_unavailable"]
    sis = NACRunCase(mc.games.sis(), mc.numerics.tabular_features(
        mc.games.sis().n_states, mc.games.sis().n_actions), R=1.0, eta=0.5, beta=0.1, T=2)
    with pytest.raises(replay.NoReplay, match="no high-precision model"):
        replay.replay(sis)
