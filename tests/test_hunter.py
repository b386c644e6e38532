"""The counterexample hunter: wrong bounds are refuted and certified at high precision, true
bounds (weaker than the paper's) are not, and the tiny floors of Lemma 3 are checkable.

The expected values are derived independently of the code under test: the soft best
response of the absorbing-state game has a closed form (an absorbing state with reward r has
V = (r + lam log|A|)/(1 - gamma)), evaluated here with mpmath."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

import mfgcheck as mc
from mfgcheck.cli import main
from mfgcheck.properties import confirm, lemma3
from mfgcheck.properties.families import absorbing_game
from mfgcheck.properties.instances import BestResponseCase

LAM_DOUBLED = "exp(-Qmax/(2*lam))/nA"          # Lemma 3's floor with lam doubled: wrong
FLOOR_SQUARED = "exp(-2*Qmax/lam)/nA"          # a smaller floor: true and weaker
HALVED = "(1 + log(1/Min(alpha1, alpha2)))/2*l1_xy"    # Lemma 4's constant halved: wrong
DOUBLED = "2*(1 + log(1/Min(alpha1, alpha2)))*l1_xy"   # doubled: true and weaker
FAST = 15.0  # seconds: the fast tier's budget (the budget is 60 s, slow tier)


def _pi_bad(gamma, lam, nA=2):
    """pi*(bad action | transient state) of absorbing_game(gamma, lam, gap=1), closed form:
    Q(0, good) - Q(0, bad) = gamma (V(1) - V(2)) = gamma / (1 - gamma)."""
    with mp.workdps(60):
        d = mp.mpf(gamma) / (1 - mp.mpf(gamma))
        return 1 / (1 + mp.exp(d / mp.mpf(lam)))


def test_lemma3_with_lam_doubled_is_refuted_on_the_absorbing_game():
    game = absorbing_game(0.9, 0.1, 1.0)
    case = BestResponseCase(game, np.full(3, 1 / 3))
    true_pi = _pi_bad(0.9, 0.1)
    assert float(true_pi) == pytest.approx(8.194e-40, rel=1e-3)
    ok = lemma3.check_lemma3(case)
    assert ok.holds and ok.rhs == pytest.approx(float(true_pi), rel=1e-12)
    bound, expr = mc.hunter.as_bound(LAM_DOUBLED)
    bad = lemma3.check_lemma3(case, bound=bound)
    with mp.workdps(60):
        qmax = (1 + mp.mpf(0.9) * mp.mpf(0.1) * mp.log(2)) / (1 - mp.mpf(0.9))
        floor = mp.exp(-qmax / (2 * mp.mpf(0.1))) / 2
    assert bad.lhs == pytest.approx(float(floor), rel=1e-12)   # 4.3e-24
    assert not bad.holds and bad.status == "candidate"
    certified = confirm.confirm(bad, case, bound=expr)
    assert certified.status == "violated"
    assert mp.mpf(certified.precise["rhs"]) == pytest.approx(true_pi, rel=1e-25)


def test_a_float_violation_that_is_rounding_is_overturned():
    game = absorbing_game(0.9, 0.1, 1.0)
    case = BestResponseCase(game, np.full(3, 1 / 3))
    # a floor equal to pi* up to float rounding: the float comparison may go either way,
    # the 60-digit one says it holds with a relative margin of 1e-15 or so
    true_pi = float(_pi_bad(0.9, 0.1)) * (1 - 1e-13)
    ev = lemma3.check_lemma3(case, bound=lambda **_: true_pi)
    from dataclasses import replace

    forced = replace(ev, lhs=true_pi)
    checked = confirm.confirm(forced, case, bound=mc.theory.parse(repr(true_pi)))
    assert checked.confirmed is False and checked.status == "holds"


@pytest.mark.parametrize("target, bound", [("lemma3", LAM_DOUBLED), ("lemma4", HALVED)])
def test_the_hunter_refutes_wrong_bounds_within_budget(target, bound):
    r = mc.hunt(target, bound=bound, budget=FAST, seed=0)
    assert r.status == "counterexample", str(r)
    assert r.evidence.confirmed and r.evidence.precise["digits"] >= 50
    assert r.seconds < FAST + 5  # the budget (plus certification) bounds the search
    assert r.max_ratio > 1


@pytest.mark.parametrize("target, bound, ceiling", [
    ("lemma3", FLOOR_SQUARED, 1.0), ("lemma4", DOUBLED, 0.5 + 1e-9)])
def test_the_hunter_does_not_refute_true_weaker_bounds(target, bound, ceiling):
    r = mc.hunt(target, bound=bound, budget=3.0, seed=0)
    assert r.status == "none", str(r)
    # Lemma 4 doubled is at most half the paper's bound, which holds: ratio <= 1/2
    assert r.max_ratio <= ceiling


def test_hunt_result_names_the_instance_and_the_ratio():
    r = mc.hunt("lemma4", bound=HALVED, budget=FAST, seed=0)
    text = str(r)
    assert "COUNTEREXAMPLE" in text and "60 digits" in text and "kl_triple" in text
    d = r.to_dict()
    assert d["status"] == "counterexample" and d["evidence"]["status"] == "violated"


def test_hunt_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown symbol"):
        mc.hunt("lemma3", bound="exp(-Qmax/zeta)", budget=1)
    with pytest.raises(ValueError, match="target"):
        mc.hunt("lemma99", budget=1)
    with pytest.raises(ValueError, match="budget"):
        mc.hunt("lemma3", budget=-1)


def test_cli_hunt_exit_status(capsys):
    assert main(["hunt", "lemma4", "--bound", HALVED, "--budget", str(FAST)]) == 1
    assert "COUNTEREXAMPLE" in capsys.readouterr().out
    assert main(["hunt", "lemma4", "--bound", "zeta*l1_xy", "--budget", "1"]) == 2


def test_user_check_function(tmp_path):
    """A user's own check: any function of an annotated instance type returning Evidence."""
    from mfgcheck.properties import _theory
    from mfgcheck.properties.instances import KLTriple

    def check_mine(t: KLTriple, *, bound=None):
        x, z = np.asarray(t.x), np.asarray(t.z)
        # a wrong claim: KL(x||z) <= log(1/alpha2)/4
        kl = float(np.sum(x * np.log(x / z)))
        return mc.properties.Evidence("mine", "mine", kl, math.log(1 / t.alpha2) / 4)

    r = mc.hunt(check_mine, budget=3.0)
    assert r.status == "candidate"   # no independent route for a user's check: not certified
    assert r.max_ratio > 1
    assert _theory is not None


@pytest.mark.slow
@pytest.mark.parametrize("target, bound", [("lemma3", LAM_DOUBLED), ("lemma4", HALVED)])
def test_cli_refutes_wrong_bounds_within_60s(target, bound):
    assert main(["hunt", target, "--bound", bound, "--budget", "60"]) == 1


@pytest.mark.slow
@pytest.mark.parametrize("target, bound", [("lemma3", FLOOR_SQUARED), ("lemma4", DOUBLED)])
def test_true_bounds_survive_60s(target, bound):
    assert mc.hunt(target, bound=bound, budget=60.0).status == "none"


def test_exact_constants_of_a_mu_free_game_are_suprema():
    """d3 (closed form) bounds the ratio at random mean-field pairs and every deterministic
    policy, and is attained by one of them (brute force, independent of the closed form)."""
    import itertools

    from mfgcheck.properties import families

    run = families.mu_free_runs.build({"n_states": 3, "n_actions": 2, "game_seed": 3,
                                       "gamma": 0.8, "lam": 0.5, "logit_scale": 2.0,
                                       "R": 1.0, "u": 0.5, "beta": 0.1, "T": 5})
    game = run.game
    c = families.exact_constants(game)
    P = game.transition(game.rho)
    best = 0.0
    for acts in itertools.product(range(2), repeat=3):
        Ppi = P[np.arange(3), list(acts)]
        for s, t in itertools.combinations(range(3), 2):
            best = max(best, 0.5 * np.abs(Ppi[s] - Ppi[t]).sum())   # e_s - e_t: the extreme
    # a mixed-row pair (different actions in the same state) can exceed it: the closed form
    # maximises over all pairs of rows, which includes these
    assert best <= c["d3"] + 1e-15
    rng = np.random.default_rng(0)
    for _ in range(200):
        mu, nu = rng.dirichlet(np.ones(3), 2)
        pi = rng.dirichlet(np.ones(2), 3)
        Ppi = np.einsum("sa,sat->st", pi, P)
        assert np.abs((mu - nu) @ Ppi).sum() <= c["d3"] * np.abs(mu - nu).sum() + 1e-12
    assert c["d1"] == 0.0 and c["C2"] == 1.0
    with pytest.raises(ValueError, match="depend on mu"):
        families.exact_constants(mc.games.sis())


def test_lemma7_with_exact_global_constants_holds_on_a_mu_free_run():
    from mfgcheck.properties import families, lemma7

    run = families.mu_free_runs.build({"n_states": 2, "n_actions": 2, "game_seed": 39,
                                       "gamma": 0.87, "lam": 1.0, "logit_scale": 1.0,
                                       "R": 0.7, "u": 0.98, "beta": 0.01, "T": 10})
    ev = lemma7.statement_with_global_constants(run)
    assert ev.holds
    # independent route: the right side from the trajectory's terms and the closed-form
    # constants, d_bar = 1 - d1 d2 - d3 of the GLOBAL constants (not the run's measured d_bar,
    # which is the pair's own contraction and made the statement tight by construction)
    from mfgcheck.properties.trajectory import terms

    c = families.exact_constants(run.game)
    tr, t = terms(run), ev.measurements["where"]["t"]
    d_bar = 1.0 - c["d1"] * c["d2"] - c["d3"]
    rhs = ((1 - run.beta * d_bar) * tr.t["sigma_mu"][t]
           + c["d2"] * c["C2"] * run.beta * np.sqrt(tr.t["sigma_pi"][t]))
    assert ev.rhs == pytest.approx(rhs, rel=1e-12)
    assert ev.lhs == pytest.approx(tr.t["sigma_mu_next"][t], rel=1e-15)
    # and the mpmath replay agrees on the worst ratio over the run (a 60-digit route)
    checked = confirm.confirm(ev, run)
    assert checked.confirmed is False and checked.precise["ratio"] < 1


def test_saturating_runs_reach_lemma2_without_its_factor_2():
    """Lemma 2's floor exp(-R/lam)/|A| (the 2 dropped) is violated on a run whose actor
    saturates (the saturating family, or the aligned one, where |theta^T phi| = ||theta||
    reaches R/lam), and certified by the mpmath replay of the run (properties/replay.py)."""
    r = mc.hunt("lemma2", bound="exp(-R/lam)/nA", budget=FAST, seed=0)
    assert r.status == "counterexample", str(r)
    assert r.max_ratio > 1 and r.family in ("saturating", "aligned")
    assert "replay" in r.evidence.precise["route"] and r.evidence.precise["digits"] >= 50
    # the exact p_min of the replayed run is below the wrong floor: lhs (floor) > rhs (p_min)
    assert mp.mpf(r.evidence.precise["lhs"]) > mp.mpf(r.evidence.precise["rhs"])


LEMMA1_LAM_DOUBLED = "sigma_pi*(1 - 2*eta*lam) - eta*err1 - eta*EV + eta**2*g_norm**2/2"


def test_lemma1_with_lam_doubled_is_certified_and_a_callable_bound_is_not():
    """Lemma 1 with (1 - 2 eta lam) sigma^pi_t: refuted on a run and certified by the mpmath
    replay when the bound is an expression; the same bound as a Python callable has no
    high-precision form and stays a candidate (theory's own side must not be re-evaluated in
    its place)."""
    from mfgcheck.properties import _theory

    r = mc.hunt("lemma1", bound=LEMMA1_LAM_DOUBLED, budget=FAST, seed=0)
    assert r.status == "counterexample", str(r)
    assert "replay" in r.evidence.precise["route"]
    assert mp.mpf(r.evidence.precise["lhs"]) > mp.mpf(r.evidence.precise["rhs"])
    fn = _theory.substituted("lemma1", lam=lambda n: 2 * n["lam"])
    c = mc.hunt("lemma1", bound=fn, budget=FAST, seed=0)
    assert c.status == "candidate" and c.evidence.precise is None
    # both searches drew the same runs (the seed alone) and met the same violation
    assert c.params == r.params and c.evidence.lhs == r.evidence.lhs


def test_hunt_with_a_replaced_left_side():
    """lhs= replaces theory's left side: 2 (KL(x||z) - KL(y||z)) against Lemma 4's bound is
    wrong (the sharp constant reaches the paper's as the floors vanish), and certified."""
    r = mc.hunt("lemma4", lhs="2*kl_diff", budget=FAST, seed=0)
    assert r.status == "counterexample" and r.lhs == "2*kl_diff"
    assert float(r.evidence.precise["lhs"]) > float(r.evidence.precise["rhs"])


def test_rate_theory_slope_must_be_a_decay(capsys):
    assert main(["rate", "--theory-slope", "0.5"]) == 2
    assert "--theory-slope" in capsys.readouterr().err


@pytest.mark.slow
def test_rate_judges_a_users_slope(tmp_path):
    """The same runs judged against two claims: T^-1/5 holds (faster), T^-2 fails (slower)."""
    argv = ["rate", "--game", "sis", "--T", "30", "100", "300", "--out", str(tmp_path),
            "--quiet", "--theory-slope"]
    assert main(argv + ["-0.2"]) == 0
    assert main(argv + ["-2"]) == 1


def test_hunt_result_displays_in_jupyter_without_rounding_a_violation_to_one():
    """A violation by 1e-4 must read as one in the notebook table (never as a ratio of 1),
    with both sides to 17 digits and the status the evidence carries."""
    from mfgcheck.hunter import HuntResult
    from mfgcheck.properties.evidence import Evidence

    ev = Evidence("lemma3", "lemma3.statement", lhs=1.0001, rhs=1.0, instance={"p": 0.5})
    r = HuntResult("lemma3", "candidate", ev, max_ratio=ev.ratio, examples=7, seconds=0.5,
                   budget=1.0, bound="exp(-Qmax/(2*lam))/nA")
    html = r._repr_html_()
    assert "CANDIDATE" in html and "7 examples" in html and "exp(-Qmax/(2*lam))/nA" in html
    assert f"{1.0001:.17g}" in html and "VIOLATED (float64 candidate)" in html
    shown = [c for c in html.split("<td>") if c.startswith("1 + ")]
    assert shown, "the ratio 1.0001 is not printed as 1 + ..."
    assert r._repr_latex_() == ev._repr_latex_() and "VIOLATED" in r._repr_latex_()
    none = HuntResult("lemma3", "none", None, max_ratio=0.5, examples=3, seconds=0.1,
                      budget=1.0)
    assert "no counterexample" in none._repr_html_() and none._repr_latex_() is None
