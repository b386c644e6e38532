"""Lemmas 1, 2, 5, 7 and 8 along real runs of Algorithm 1: every step that the paper gets
right holds on every drawn run (both scopes of the constants); every step it gets wrong is
shown failing on a run; every bound made tighter than the paper's fails somewhere."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mfgcheck as mc
import mfgcheck.properties as props
from mfgcheck.algorithms import OracleConfig
from mfgcheck.properties import _theory, lemma2, lemma5, lemma7, lemma8
from mfgcheck.properties import strategies as ps
from mfgcheck.properties.instances import NACRunCase

from .helpers import assert_fails, assert_holds, counterexample, tightest

KNOWN = props.known_failures()
#: Lemma 7 as stated (with sqrt(sigma)) is not established by its proof (the missing factor
#: 2 of Pinsker); it is recorded, and shown failing with per-step constants below.
NOT_ASSERTED = {"lemma7"}

RUNS = ps.nac_runs(max_states=4, max_actions=3, max_T=25)
SAMPLED_RUNS = ps.nac_runs(max_states=3, max_actions=2, max_T=6,
                           oracle=OracleConfig("sampled", K_critic=300, K_actor=300))


def _check_all(claim, run, scope):
    for sid, check in props.checks(claim).items():
        ev = check(run, scope=scope) if claim != "theorem1" else check(run)
        if sid in KNOWN or sid in NOT_ASSERTED:
            props.tightness.observe(ev)   # recorded for the report, asserted elsewhere
        else:
            assert_holds(ev)


@pytest.mark.parametrize("scope", ["trajectory", "step"])
@pytest.mark.parametrize("claim", ["lemma1", "lemma2", "lemma5", "lemma7", "lemma8"])
@settings(max_examples=12)
@given(run=RUNS)
def test_steps_hold_along_exact_runs(claim, scope, run):
    _check_all(claim, run, scope)


@settings(max_examples=12)
@given(run=RUNS)
def test_theorem1_numeric_steps_along_exact_runs(run):
    _check_all("theorem1", run, "trajectory")


@pytest.mark.parametrize("claim", ["lemma1", "lemma2", "lemma5", "lemma7", "lemma8"])
@settings(max_examples=4)
@given(run=SAMPLED_RUNS)
def test_steps_hold_along_sampled_runs(claim, run):
    """With Algorithms 2 and 3 as oracles the epsilons are positive; the lemmas, stated
    with the realised errors, still hold."""
    _check_all(claim, run, "trajectory")


# --- steps of the paper that fail: each shown on a run ------------------------------------
def _run(S, A, seed, lam, R, eta, beta, T, features=None, oracle="exact", run_seed=0, **kw):
    g = mc.games.random_game(S, A, seed=seed, lam=lam, **kw)
    phi = mc.numerics.tabular_features(S, A) if features is None else np.asarray(features)
    return NACRunCase(g, phi, R=R, eta=eta, beta=beta, T=T, oracle=oracle, seed=run_seed)


EXACT_RUN = _run(4, 3, 2, 0.3, R=5.0, eta=0.5 / 0.3, beta=0.2, T=40)


def test_lemma7_pinsker_without_factor_two_fails():
    ev = lemma7.check_lemma7_eq8_pinsker(EXACT_RUN)
    assert_fails(ev)
    assert ev.ratio > 1.5       # the missing factor is 2: the ratio approaches 2 near pi*_t
    assert_holds(lemma7.check_lemma7_pinsker(EXACT_RUN))


def test_lemma7_display8_fails_and_its_correction_holds():
    assert_fails(lemma7.check_lemma7_eq8(EXACT_RUN))
    assert_holds(lemma7.check_lemma7_eq8_cauchy_schwarz(EXACT_RUN))
    assert_holds(lemma7.check_lemma7_corrected(EXACT_RUN))


def test_lemma7_as_stated_fails_with_per_step_constants():
    """Finding: sigma^mu_{t+1} <= (1 - beta d_bar) sigma^mu_t + d2 C2 beta sqrt(sigma^pi_t)
    fails at a step of a run when the constants are those of that step; with sqrt(2 sigma)
    it holds."""
    run = _run(5, 2, 1, 1.0, R=0.1, eta=0.5, beta=0.2, T=40)
    assert_fails(lemma7.check_lemma7(run, scope="step"))
    assert_holds(lemma7.check_lemma7_corrected(run, scope="step"))


def test_lemma7_as_stated_fails_with_constants_over_the_run():
    """Finding: also with the constants taken over the whole run (the paper's uniform
    constants restricted to the run) the stated Lemma 7 fails, at t = 0 of this run (found by
    a targeted search of 400 runs); the corrected statement holds."""
    g = mc.games.random_game(2, 2, 711, gamma=1 / 3, lam=1.2448555314310636,
                             transition_coupling=0.8089498112521791,
                             reward_coupling=0.5177632114951732, logit_scale=1.585554394671453)
    run = NACRunCase(g, mc.numerics.tabular_features(2, 2), R=9.0, eta=0.7229754596225123,
                 beta=0.09166943227756562, T=5)
    ev = lemma7.check_lemma7(run)
    assert_fails(ev)
    assert ev.measurements["where"]["t"] == 0 and ev.slack < -1e-5
    assert ev.measurements["at_worst_t"]["d_bar"] > 0      # Lemma 7's hypothesis holds
    assert_holds(lemma7.check_lemma7_corrected(run))
    # The report states this finding beside Lemma 7 (properties.statement_findings).
    from mfgcheck.properties import statement_findings
    assert "d_bar = 0.354" in statement_findings()["lemma7"]


def test_lemma7_display8_failure_is_found_by_search():
    counterexample(RUNS, lemma7.check_lemma7_eq8, max_examples=30)


def test_lemma8_logpi_rewrite_is_off_by_the_entropy():
    """Term (1) exactly vs the appendix's rewrite: they differ by eta lam E_{d*_t} H(pi_t),
    while (1) + (2) (display (10)) is exact."""
    ev = lemma8.check_lemma8_logpi(EXACT_RUN)
    assert_fails(ev)
    terms = props.trajectory.terms(EXACT_RUN)
    t = ev.measurements["where"]["t"]
    from scipy.special import entr
    pi, d = terms.traj.pi[t], terms.k["d_star"][t]
    gap = EXACT_RUN.eta * EXACT_RUN.game.lam * (d * entr(pi).sum(-1)).sum()
    assert ev.lhs - ev.rhs == pytest.approx(gap, rel=1e-9)
    assert_holds(lemma8.check_lemma8_eq10(EXACT_RUN))


def test_lemma8_pointwise_advantage_error_fails_with_a_sampled_critic():
    run = NACRunCase(mc.games.random_game(2, 3, 1402, gamma=0.6395056670906054,
                                      lam=1.028726475517359,
                                      transition_coupling=1.1388401274358695,
                                      reward_coupling=0.41025582437054464,
                                      logit_scale=1.33187646691159),
                 np.array([[[0.0, -0.6750546222604523, -0.3075761377674463],
                            [-0.5886822869803588, 0.0, 0.0], [-0.8429512617436572, 0.0, 0.0]],
                           [[0.0, 0.57927219085281, 0.02607795390776091],
                            [-0.519716624009657, -0.519716624009657, 0.0],
                            [-0.5773483446694834, -0.5773483446694834, -0.5773541182106654]]]),
                 R=6.276548735582157, eta=0.1342575815507499, beta=0.8470533465815746, T=5,
                 oracle=OracleConfig("exact_actor", K_critic=2000), seed=545)
    assert_fails(lemma8.check_lemma8_adv_error(run))
    assert_holds(lemma8.check_lemma8_adv_error_average(run))
    assert_holds(lemma8.check_lemma8(run))


def test_lemma8_min_over_the_ball_needs_w_star_in_the_ball():
    run = _run(5, 2, 1, 1.0, R=0.1, eta=0.5, beta=0.2, T=40)
    ev = lemma8.check_lemma8_min_ball(run)
    assert_fails(ev)
    assert ev.measurements["at_worst_t"]["wstar_norm"] > run.R
    assert_fails(lemma8.check_lemma8_actor_chain_ball(run))
    assert_holds(lemma8.check_lemma8_actor_chain(run))


def test_lemma5_kappa_condition_fails_for_small_gamma_and_R_over_lam():
    run = _run(3, 2, 4, 1.0, R=0.1, eta=0.5, beta=0.3, T=10, gamma=0.1)
    assert_fails(lemma5.check_lemma5_eq6_kappa(run))
    assert_holds(lemma5.check_lemma5_kappa_sharp(run))
    assert_holds(lemma5.check_lemma5_eq6_display(run))
    assert_holds(lemma5.check_lemma5(run))


# --- mutations: a bound tighter than the paper's fails ---------------------------------------
PHI_PM = np.array([[[1.0], [-1.0]]] * 2)   # phi_{s,a} = +-1: the logit spread reaches 2R/lam


@st.composite
def saturating_runs(draw):
    """Two states, features +-1, rewards without mean-field part: the actor saturates at R
    when one action dominates, so ||theta_t|| -> R/lam (Lemma 2's worst case)."""
    lam = draw(st.floats(0.05, 0.5))
    g = mc.games.random_game(2, 2, draw(st.integers(0, 200)), lam=lam, reward_coupling=0.0)
    return NACRunCase(g, PHI_PM, R=draw(st.floats(0.2, 2.0)), eta=0.9 / lam, beta=0.5, T=60)


def test_lemma2_pmin_without_factor_two_fails():
    mutated = _theory.substituted("lemma2", R=lambda n: n["R"] / 2)
    run, ev = counterexample(saturating_runs(), lemma2.check_lemma2, bound=mutated,
                             max_examples=60)
    assert lemma2.check_lemma2(run).holds


def test_lemma2_is_tight_on_saturating_runs():
    """With features +-1 and |A| = 2, pi_t(a|s) = 1/(1 + exp(2 |theta_t|)) and |theta_t| <=
    R/lam, so bound/p_min <= (1 + exp(-2R/lam))/2 (independent derivation), attained when
    the actor saturates (|theta_t| -> R/lam). The search reaches that limit."""
    ev = tightest(saturating_runs(), lemma2.check_lemma2, max_examples=60)
    inst = ev.instance
    limit = (1 + np.exp(-2 * inst["R"] / inst["game"]["lam"])) / 2
    assert limit * 0.99 < ev.ratio <= limit * (1 + 1e-9)


@pytest.mark.parametrize("check, mutation, label", [
    (lemma5.check_lemma5, _theory.substituted("lemma5", d0=lambda n: 0 * n["d0"]),
     "no drift term"),
    (lemma8.check_lemma8, _theory.substituted("lemma8", d0=lambda n: 0 * n["d0"]),
     "no drift term"),
    (lemma7.check_lemma7_corrected,
     lambda **n: _theory.expression("lemma7", "corrected_rhs")(**{**n, "C2": 0 * n["C2"]}),
     "no policy term"),
    (lemma7.check_lemma7_eq8_cauchy_schwarz, _theory.scaled("lemma7.eq8_cauchy_schwarz", 0.9),
     "0.9 x Cauchy-Schwarz"),
    (lemma8.check_lemma8_eq11, _theory.scaled("lemma8.eq11", 0.4), "0.4 x (11)"),
])
def test_tighter_bounds_fail_along_runs(check, mutation, label):
    counterexample(RUNS, check, bound=mutation, max_examples=40)


@pytest.mark.parametrize("seed", [0, 1])
def test_lemma1_with_lam_doubled_fails_along_runs(seed):
    """Lemma 1 with (1 - 2 eta lam) sigma: violated on few runs of the plain strategy (a
    40-example search found it or not from one test order to the next); the hunter, with its
    saturating-run family and local refinement, finds it in seconds for every seed."""
    import mfgcheck as mc

    r = mc.hunt("lemma1", bound=_theory.substituted("lemma1", lam=lambda n: 2 * n["lam"]),
                budget=30, seed=seed)
    assert r.status == "candidate" and r.max_ratio > 1, str(r)
