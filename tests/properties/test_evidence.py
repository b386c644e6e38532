"""Evidence, the tightness record, the registry of checks and the bridge to theory/."""

import json
import math
from dataclasses import replace

import numpy as np
import pytest

import mfgcheck.properties as props
from mfgcheck.properties import tightness
from mfgcheck.properties.evidence import Evidence, ratio, ratio_text, worst


@pytest.mark.parametrize("lhs, rhs, expected, holds", [
    (1.0, 2.0, 0.5, True),        # rhs > 0: lhs/rhs
    (3.0, 2.0, 1.5, False),
    (-3.0, -2.0, 0.5, True),      # rhs < 0: 1 - slack/|rhs| = 2 - lhs/rhs
    (-1.0, -2.0, 1.5, False),
    (-2.0, -2.0, 1.0, True),      # equality is tight for either sign
    (0.0, 0.0, 0.0, True),        # both sides vanish: no tightness information
    (1.0, 0.0, math.inf, False),
    (-1.0, 0.0, -math.inf, True),
])
def test_ratio_is_at_most_one_exactly_when_the_bound_holds(lhs, rhs, expected, holds):
    assert ratio(lhs, rhs) == expected
    ev = Evidence("c", "c", lhs, rhs)
    assert ev.holds is holds
    assert ev.slack == rhs - lhs
    assert (ev.ratio <= 1.0) is holds


def test_tolerance_comes_from_the_scale_not_a_fixed_number():
    assert Evidence("c", "c", 1.0 + 0.5e-9, 1.0).holds
    assert not Evidence("c", "c", 1.0 + 2e-9, 1.0).holds
    # no absolute floor: a positive lhs against a zero bound is a violation ...
    assert not Evidence("c", "c", 0.5e-12, 0.0).holds
    # ... unless the check declares the error of its quantities: the scale of the terms a
    # side was computed from, or a documented absolute error of an iterative solve
    assert Evidence("c", "c", 0.5e-12, 0.0, scale=1e3).holds
    assert Evidence("c", "c", 0.5e-12, 0.0, atol=1e-12).holds
    assert not Evidence("c", "c", 2e-12, 0.0, atol=1e-12).holds
    assert Evidence("c", "c", 1.0, 1.0 + 1e-10, relation="==").holds
    assert not Evidence("c", "c", 1.0, 1.1, relation="==").holds
    with pytest.raises(ValueError, match="scale"):
        Evidence("c", "c", 1.0, 1.0, scale=-1.0)


def test_tiny_floors_are_compared_in_log_space():
    """A floor of 1e-40 is as checkable as a floor of 1 (Lemma 3's pi* is 8e-40 on the
    absorbing-state game): a fixed absolute tolerance would pass both of these."""
    assert Evidence("c", "c", 3.6e-47, 8.2e-40).holds
    wrong = Evidence("c", "c", 4.3e-24, 8.2e-40)
    assert not wrong.holds and wrong.status == "candidate"
    assert wrong.log_ratio == pytest.approx(math.log(4.3e-24 / 8.2e-40), rel=1e-12)
    assert not Evidence("c", "c", 1e-40 * (1 + 1e-6), 1e-40).holds
    assert Evidence("c", "c", 1e-40 * (1 + 1e-10), 1e-40).holds


def test_status_needs_confirmation():
    ev = Evidence("c", "c", 1.1, 1.0)
    assert ev.status == "candidate"
    assert replace(ev, confirmed=True).status == "violated"
    assert replace(ev, confirmed=False).status == "holds"  # overturned: it was rounding


@pytest.mark.parametrize("r, text", [
    (1.00103, "1.00103"), (1.0 + 1.03e-4, "1 + 0.000103"), (1.0 - 2e-7, "1 - 2e-07"),
    (1.0, "1"), (0.5, "0.5"), (math.inf, "inf"), (math.nan, "nan")])
def test_ratio_text_never_reads_one_for_a_violation(r, text):
    assert ratio_text(r) == text


def test_tightness_ignores_roundoff_below_resolution():
    noise = Evidence("c", "c", 2.5e-15, 2.4e-15, scale=1.0)
    assert noise.ratio > 1 and noise.holds and noise.tightness == 0.0
    real = Evidence("c", "c", 0.9, 1.0)
    assert worst([noise, real]) is real
    bad = Evidence("c", "c", 1.1, 1.0)
    assert worst([real, bad]) is bad


def test_a_sampling_allowance_is_not_roundoff():
    # Proposition 1's slope check: fitted slope -1.7 against the claimed -1.0 on 8 seeds,
    # allowance 0.3 (Student's t times the jackknife standard error). Both sides lie within
    # 10x the allowance, which for a rounding error would make the ratio meaningless (0);
    # for a sampling allowance the ratio, 2 - lhs/rhs = 0.3, is the slack the estimate left.
    rounding = Evidence("proposition1", "proposition1", -1.7, -1.0, atol=0.3)
    sampled = Evidence("proposition1", "proposition1", -1.7, -1.0, atol=0.3, sampled=True)
    assert rounding.tightness == 0.0
    assert math.isclose(sampled.tightness, 2 - (-1.7) / (-1.0)) and sampled.holds
    # the allowance still decides whether the relation holds
    assert Evidence("p", "p", -0.8, -1.0, atol=0.3, sampled=True).holds
    assert not Evidence("p", "p", -0.6, -1.0, atol=0.3, sampled=True).holds


def test_evidence_to_dict_is_json(tmp_path):
    ev = Evidence("lemma4", "lemma4.x", 1.0, 0.0, instance={"a": np.arange(3)},
                  measurements={"v": np.float64(2.0)})
    d = json.loads(json.dumps(ev.to_dict()))
    assert d["ratio"] == "inf" and d["holds"] is False and d["instance"] == {"a": [0, 1, 2]}


def test_tightness_record_keeps_the_highest_ratio_and_counts(tmp_path):
    evs = [Evidence("lemma9", "lemma9.s", lhs, 1.0, instance={"k": i})
           for i, lhs in enumerate([0.3, 0.8, 0.5])]
    for ev in evs:
        tightness.record(ev, where=tmp_path)
    rec = tightness.load("lemma9.s", where=tmp_path)
    assert rec["examples"] == 3 and rec["violations"] == 0
    assert rec["max_ratio"] == 0.8 and rec["tightest"]["instance"] == {"k": 1}
    assert rec["min_slack"] == pytest.approx(0.2)
    tightness.record(Evidence("lemma9", "lemma9.s", 1.2, 1.0, instance={"k": 9}),
                     where=tmp_path)
    rec = tightness.load_all(where=tmp_path)["lemma9.s"]
    assert rec["violations"] == 1 and rec["tightest"]["instance"] == {"k": 9}
    tightness.reset(where=tmp_path)
    assert tightness.load_all(where=tmp_path) == {}


def test_tightness_directory_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(tightness.ENV_VAR, str(tmp_path / "t"))
    tightness.record(Evidence("lemma9", "lemma9", 0.1, 1.0))
    assert (tmp_path / "t" / "lemma9.json").exists()


def test_every_numeric_step_of_theory_names_an_existing_check():
    from mfgcheck import registry
    for claim in props.CLAIMS:
        spec = registry.claim(claim)
        for s in spec.theory_claim().steps:
            if s.kind == "numeric":
                fn = props.resolve(s.property)
                assert s.property == registry.claim_of(s.id).check(s.id).function
                if spec.paper == "mao2022":  # its naming convention; others name freely
                    assert fn.__name__ == "check_" + s.id.replace(".", "_")
                assert fn.__doc__


def test_registry_maps_names_to_step_ids():
    assert props.checks("lemma5")["lemma5.eq6_display"].__name__ == "check_lemma5_eq6_display"
    assert props.checks("proposition1")["proposition1"].__name__ == "check_proposition1"
    table = props.checks()
    assert {"lemma4", "lemma4.lipschitz", "lemma7.eq8", "proposition2.sgd"} <= set(table)
    for sid, fn in table.items():
        assert fn.__doc__, sid
    with pytest.raises(ValueError):
        props.resolve("os:getcwd")
    assert set(props.known_failures()) == {
        "lemma7.eq8", "lemma7.eq8_pinsker", "lemma8.logpi", "lemma8.adv_error",
        "lemma8.min_ball", "lemma8.actor_chain_ball", "lemma5.eq6_kappa"}


@pytest.mark.parametrize("make", [
    lambda: __import__("mfgcheck").games.random_game(3, 2, seed=4, lam=0.2, reward_coupling=0.3),
    lambda: __import__("mfgcheck").games.sis(lam=0.3).normalised(),
    lambda: __import__("mfgcheck").games.linear_quadratic(n_states=6, max_move=1),
])
def test_rebuild_game_from_its_description(make):
    from mfgcheck.properties.instances import rebuild_game
    g = make()
    h = rebuild_game(json.loads(json.dumps(g.to_dict())))
    mus = np.random.default_rng(0).dirichlet(np.ones(g.n_states), size=3)
    assert (h.gamma, h.lam, h.n_states, h.n_actions) == (g.gamma, g.lam, g.n_states, g.n_actions)
    np.testing.assert_array_equal(h.transition(mus), g.transition(mus))
    np.testing.assert_array_equal(h.reward(mus), g.reward(mus))


def test_tightness_records_live_outside_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.delenv(tightness.ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    d = tightness.directory()
    assert d == tmp_path / "cache" / "mfgcheck" / "tightest"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert not tightness.directory().resolve().is_relative_to(tmp_path.resolve())
