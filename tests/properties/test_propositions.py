"""Propositions 1 and 2 as rate checks on Algorithms 2 and 3."""

import numpy as np
import pytest
from hypothesis import assume, given, settings

import mfgcheck as mc
from mfgcheck.properties import _theory, proposition1, proposition2
from mfgcheck.properties import strategies as ps
from mfgcheck.properties.instances import RateCase

from .helpers import assert_holds, counterexample

CASE = RateCase(mc.games.random_game(3, 2, seed=1, lam=0.5, gamma=0.5),
                mc.numerics.tabular_features(3, 2), np.array([[0.3, 0.7], [0.5, 0.5], [0.8, 0.2]]),
                np.array([0.2, 0.3, 0.5]), Ks=(), seeds=tuple(range(6)))


def test_exponents_come_from_theory():
    assert proposition1.exponent("proposition1") == -1.0
    assert proposition1.exponent("proposition2", "rhs") == -0.5


def test_stationary_distribution_and_mixing_time_by_independent_routes():
    P = np.array([[0.9, 0.1], [0.3, 0.7]])
    d = proposition1.stationary(P)
    np.testing.assert_allclose(d, [0.75, 0.25], atol=1e-15)   # detailed balance: 0.1 d0 = 0.3 d1
    # second eigenvalue 0.6: TV from state 0 after t steps is 0.25 * 0.6^t, from state 1 0.75 0.6^t
    for eps in (0.5, 0.1, 1e-3):
        t = proposition1.mixing_time(P, d, eps)
        assert 0.75 * 0.6**t <= eps < 0.75 * 0.6 ** (t - 1) or (t == 0 and 0.75 <= eps)


@settings(max_examples=5)
@given(ps.rate_cases(n_seeds=6))
def test_proposition1_rate_on_well_conditioned_cases(case):
    """From K0 = 1/(omega (1 - gamma)) (the end of TD's projection transient) the error of
    Algorithm 2 decays at least like 1/K (fitted slope <= -1). The pointwise version with the
    O~ constant calibrated at K0 is recorded, not asserted: in this pre-asymptotic range the
    implied constant moves by a factor of a few (docs/properties.md); the pointwise version
    therefore calibrates the O~ constant on the first half of the K grid and checks the rest.
    The strategy does not bound omega from below (mu = (0, 0, 1) and a strong coupling gave
    omega = 8e-6 under the random profile): a case over the K-grid budget is not checked
    (NaN sides, its own test below), so it is discarded here, not passed."""
    assume(not proposition1.measure_critic(case).get("over_budget"))
    ev = proposition1.check_proposition1(case)
    assert_holds(ev)
    # the slope is a statistic of the seeds: its allowance is sampling noise, so the ratio
    # is reported as measured, never zeroed as roundoff (properties.evidence)
    assert ev.sampled and ev.tightness == ev.ratio
    errors = ev.measurements["errors"]
    assert errors[-1] < errors[0]
    assert_holds(proposition1.check_proposition1_rate(case))


def test_proposition1_pointwise_rate_on_a_fixed_case():
    ev = proposition1.check_proposition1_rate(CASE)
    assert_holds(ev)
    implied = ev.measurements["implied_constant"]
    assert ev.measurements["calibrated_constant"] == max(implied[: len(implied) // 2])


def test_proposition1_pointwise_rate_fails_on_a_bias_floor():
    """Mutation: an error that stops decreasing (a bias floor, e.g. a too-small projection
    radius) makes the implied constant grow along the grid: the check must fail."""
    m = proposition1.measure_critic(CASE)
    floor = m["errors"][0]
    c = max(m["implied_constant"][:2])
    rate = _theory.side("proposition1.rate", "rhs")
    ev = _theory.evidence(
        "proposition1.rate",
        {"critic_mse": np.full(2, floor), "K": np.array(m["Ks"][2:], float),
         "tau_mix": np.array(m["tau_mix"][2:], float), "omega": m["omega"],
         "gamma": CASE.game.gamma},
        bound=lambda **kw: c * rate(tau_mix=kw["tau_mix"], K=kw["K"], gamma=kw["gamma"],
                                    omega=kw["omega"]),
        instance=CASE.to_dict(), index_names=("K",))
    assert not ev.holds


@settings(max_examples=6)
@given(ps.rate_cases(n_seeds=6, max_states=4, max_actions=3))
def test_proposition2_bound_at_every_K(case):
    ev = proposition2.check_proposition2(case)
    assert_holds(ev)
    assert_holds(proposition2.check_proposition2_sgd(case))
    assert all(g >= -1e-12 for g in ev.measurements["gaps"])   # f(w*) is the minimum


def test_proposition1_with_a_faster_claimed_rate_fails():
    """Mutation: claiming error ~ K^-3 fails."""
    assert not proposition1.check_proposition1(CASE, bound=lambda **m: -3.0).holds
    fast = _theory.substituted("proposition1.rate", K=lambda n: n["K"] ** 3)
    assert not proposition1.check_proposition1_rate(CASE, bound=lambda **n: (
        proposition1.measure_critic(CASE)["implied_constant"][0] * fast(**n))).holds


def test_proposition2_with_a_much_smaller_constant_fails():
    """Mutation: the bound R rho/sqrt(K) divided by 1e4 fails (it is loose by 2-3 orders of
    magnitude on these problems: a finding recorded in docs/properties.md)."""
    counterexample(ps.rate_cases(n_seeds=4, Ks=(100, 300)), proposition2.check_proposition2,
                   bound=_theory.scaled("proposition2", 1e-4), max_examples=10)


def test_proposition2_optimum_is_the_exact_constrained_minimum():
    """Independent route: cvxpy's certified optimum agrees with the value the check uses."""
    from mfgcheck.numerics import actor_regression as ar
    m = proposition2.measure_actor(CASE)
    g, pi, mu = CASE.game, CASE.policy, CASE.mu
    vals = mc.numerics.policy_evaluation(g, pi, mu)
    d = mc.numerics.visitation(g, pi, mu)
    F, b, c = ar.actor_quadratic(pi, d, CASE.features, vals.advantage)
    sol = ar.solve_actor_cvxpy(F, b, c, CASE.R)
    assert m["optimum"] == pytest.approx(sol.value, abs=1e-8)


def test_proposition1_measures_a_case_once():
    """check_proposition1 and check_proposition1_rate share one measurement per case."""
    assert proposition1.measure_critic(CASE) is proposition1.measure_critic(CASE)


def test_proposition1_case_over_the_k_grid_budget_is_not_checked_and_says_so():
    """A policy with a tiny probability makes omega tiny and the K grid huge: the case is not
    measured (no TD runs), both checks give NaN sides (no evidence either way, not re-checked
    as a violation), and the report's lemma table counts it apart and states the budget."""
    from mfgcheck.properties import confirm
    from mfgcheck.reports import tables

    pi = np.array([[1e-7, 1 - 1e-7], [0.5, 0.5], [0.8, 0.2]])
    case = RateCase(CASE.game, CASE.features, pi, CASE.mu, Ks=(), seeds=(0, 1))
    m = proposition1.measure_critic(case)
    assert m["over_budget"] and sum(m["Ks"]) > proposition1.K_GRID_BUDGET
    assert "errors" not in m                                  # nothing was measured
    evs = [proposition1.check_proposition1(case), proposition1.check_proposition1_rate(case)]
    for ev in evs:
        assert np.isnan(ev.lhs) and np.isnan(ev.rhs) and "budget" in ev.note
        assert confirm.confirm(ev, case) is ev
    ok = proposition1.check_proposition1(CASE)
    assert not ok.measurements.get("over_budget") and ok.measurements["budget"]
    rows = tables.summarise_evidence({"proposition1": [ok.to_dict(), evs[0].to_dict()]}, [])
    (row,) = rows
    assert row["invalid"] == 1 and row["examples"] == 1
    assert row["budget"] == {"text": proposition1.BUDGET_TEXT, "over": 1, "of": 2}
    part = {"examples_per_group": 2, "rows": rows, "skipped": {}, "calls": {}}
    text = " ".join(getattr(b, "text", "") for b in tables.render_lemmas(part))
    assert "**Budgets**: `proposition1`: K grid capped at 2e+06" in text
    assert "1 of 2 examples over it" in text


def test_slope_standard_error_is_the_jackknife_by_pseudo_values():
    """Independent route: the jackknife variance is the variance of the pseudo-values
    ``B s - (B-1) s_(-i)`` over B; exact power laws per seed (slope -1 whatever the seed)
    have no sampling error."""
    rng = np.random.default_rng(3)
    Ks = np.array([5, 15, 50, 150])
    E = rng.lognormal(0.0, 1.0, (4, 8)) / Ks[:, None]
    B = E.shape[1]
    s = proposition1.fitted_slope(Ks, E)
    loo = [np.polyfit(np.log(Ks), np.log(np.delete(E, i, 1).mean(1)), 1)[0] for i in range(B)]
    pseudo = B * s - (B - 1) * np.array(loo)
    se = proposition1.slope_standard_error(Ks, E)
    assert se == pytest.approx(np.sqrt(pseudo.var(ddof=1) / B), rel=1e-10)
    exact = rng.lognormal(0.0, 1.0, 8)[None, :] / Ks[:, None]
    assert proposition1.slope_standard_error(Ks, exact) <= 1e-12


def test_slope_tolerance_is_a_calibrated_one_sided_test():
    """Synthetic seeds whose expected error is exactly 2/K with heavy-tailed (lognormal,
    sigma = 1) noise: the fitted slope exceeds -1 in about a third of 8-seed samples, the
    studentised allowance almost never (at most 3 false alarms in 400 samples: a rate of
    ~SLOPE_ALPHA gives 3 or more with probability < 1%; measured: 1). The price is power on 8
    such seeds: a bias floor (slope 0) is caught in 79% of samples (asserted > 50%, 14 binomial
    standard deviations below), a slope of -0.3 in 46%; 64 seeds (the recheck) narrow it."""
    rng = np.random.default_rng(7)
    Ks = np.array([5.0, 15.0, 50.0, 150.0])
    noise = np.exp(1.0 * rng.standard_normal((400, 4, 8)) - 0.5)   # mean 1

    def exceeds(power):
        out = []
        for z in noise:
            E = 2.0 * Ks[:, None] ** power * z
            se = proposition1.slope_standard_error(Ks, E)
            out.append(proposition1.fitted_slope(Ks, E)
                       > -1.0 + proposition1.slope_tolerance(se, E.shape[1]))
        return np.array(out)

    bare = np.array([proposition1.fitted_slope(Ks, 2.0 * Ks[:, None] ** -1.0 * z) > -1.0
                     for z in noise])
    assert bare.mean() > 0.2            # why the bare comparison was wrong
    assert exceeds(-1.0).sum() <= 3
    assert exceeds(0.0).mean() > 0.5    # the allowance still refutes a bias floor


def test_proposition1_slope_noise_is_not_a_violation():
    """The random profile's counterexample: on 8 seeds the slope is -0.966 against -1 (a bare
    comparison fails); it is within the slope's sampling error, and on 64 fresh seeds the slope
    itself is below -1 (4096 seeds: -1.057; docs in the module)."""
    from dataclasses import replace
    game = mc.games.random_game(2, 2, 0, gamma=0.125, lam=1.0, transition_coupling=1.0,
                                reward_coupling=0.0, logit_scale=0.25)
    case = RateCase(game, mc.numerics.tabular_features(2, 2), np.full((2, 2), 0.5),
                    np.array([1.0, 0.0]), Ks=(), seeds=tuple(range(1856, 1864)))
    ev = proposition1.check_proposition1(case)
    assert ev.rhs == -1.0 and ev.lhs > ev.rhs          # the bare comparison's "violation"
    assert ev.lhs - ev.rhs <= ev.measurements["slope_tolerance"]
    assert_holds(ev)
    again = proposition1.check_proposition1(replace(case, seeds=tuple(range(64))))
    assert again.lhs < -1.0
