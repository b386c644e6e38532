"""numerics.assumption_constants: every estimate is attained by the instance it reports
(recomputed through the game-level numerics functions), the exact inner suprema agree with
brute force, and the search is reproducible."""

import numpy as np
import pytest

import mfgcheck as mc
from mfgcheck.numerics.assumption_constants import (
    assumption_constants,
    mean_field_gap_sup,
    policy_lipschitz_sup,
)


@pytest.fixture(scope="module")
def game():
    return mc.games.random_game(3, 2, seed=5, lam=0.4)


@pytest.fixture(scope="module")
def consts(game):
    return assumption_constants(game, n_pairs=30, refine_steps=10, top_k=2, seed=1)


def _dstar(game):
    eq = mc.numerics.solve_equilibrium(game)
    return eq, mc.numerics.visitation(game, eq.policy, eq.mean_field)


def test_estimates_are_attained_by_their_argmax_instances(game, consts):
    eq, dstar = _dstar(game)
    br = lambda mu: mc.numerics.best_response(game, mu)  # noqa: E731
    a = consts.argmax
    mu, nu = np.array(a["d1"]["mu"]), np.array(a["d1"]["mu_other"])
    d1 = mc.numerics.policy_distance(br(mu), br(nu), dstar) / np.abs(mu - nu).sum()
    assert consts.d1 == pytest.approx(d1, rel=1e-8)
    mu, nu = np.array(a["d0"]["mu"]), np.array(a["d0"]["mu_other"])
    visit = np.abs(mc.numerics.visitation(game, br(mu), mu)
                   - mc.numerics.visitation(game, br(nu), nu)).sum()
    D = mc.numerics.policy_distance(br(mu), br(nu), dstar)
    assert consts.d0 == pytest.approx(max(visit, D) / np.abs(mu - nu).sum(), rel=1e-8)
    mu = np.array(a["C1"]["mu"])
    assert consts.C1 == pytest.approx((mc.numerics.visitation(game, br(mu), mu) / dstar).max(),
                                      rel=1e-8)
    mu, pi = np.array(a["C3"]["mu"]), np.array(a["C3"]["policy"])
    ratio = mc.numerics.visitation(game, br(mu), mu) / mc.numerics.visitation(game, pi, mu)
    assert consts.C3 == pytest.approx(ratio.max(), rel=1e-8)
    assert consts.contraction == (consts.d1 * consts.d2 + consts.d3 < 1)
    assert consts.d_bar == pytest.approx(1 - consts.lipschitz_Lambda)


def test_d2_supremum_is_exact(game):
    """Random policy pairs never exceed the closed form, and the single-state move
    (e_a - e_b) at its argmax state attains it (brute force through population_step)."""
    _, dstar = _dstar(game)
    rng = np.random.default_rng(0)
    mu = rng.dirichlet(np.ones(3))
    P = game.transition(mu)
    sup = float(policy_lipschitz_sup(P, mu, dstar))
    for _ in range(200):
        pi, pj = rng.dirichlet(np.ones(2), size=3), rng.dirichlet(np.ones(2), size=3)
        num = np.abs(mc.numerics.population_step(game, pi, mu)
                     - mc.numerics.population_step(game, pj, mu)).sum()
        assert num <= sup * mc.numerics.policy_distance(pi, pj, dstar) * (1 + 1e-12) + 1e-15
    best = 0.0
    for s in range(3):
        pi = np.full((3, 2), 0.5)
        pj = pi.copy()
        pi[s], pj[s] = [1.0, 0.0], [0.0, 1.0]
        num = np.abs(mc.numerics.population_step(game, pi, mu)
                     - mc.numerics.population_step(game, pj, mu)).sum()
        best = max(best, num / mc.numerics.policy_distance(pi, pj, dstar))
    assert best == pytest.approx(sup, rel=1e-12)


def test_d3_maximum_over_policies(game):
    rng = np.random.default_rng(1)
    mu, nu = rng.dirichlet(np.ones(3)), rng.dirichlet(np.ones(3))
    P1, P2 = game.transition(mu), game.transition(nu)
    value, actions = mean_field_gap_sup(mu, nu, P1, P2)
    det = np.eye(2)[actions]
    num = np.abs(mc.numerics.population_step(game, det, mu)
                 - mc.numerics.population_step(game, det, nu)).sum()
    assert num == pytest.approx(value, rel=1e-12)
    for _ in range(200):
        pi = rng.dirichlet(np.ones(2), size=3)
        assert np.abs(mc.numerics.population_step(game, pi, mu)
                      - mc.numerics.population_step(game, pi, nu)).sum() <= value + 1e-14


def test_coordinate_ascent_is_a_lower_bound_of_the_enumeration():
    g = mc.games.random_game(6, 3, seed=2)   # 3^6 = 729: enumerated
    rng = np.random.default_rng(2)
    mu, nu = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))
    P1, P2 = g.transition(mu), g.transition(nu)
    exact, _ = mean_field_gap_sup(mu, nu, P1, P2)
    import importlib

    ac = importlib.import_module("mfgcheck.numerics.assumption_constants")
    limit = ac.ENUMERATION_LIMIT
    try:
        ac.ENUMERATION_LIMIT = 1
        ascent, _ = mean_field_gap_sup(mu, nu, P1, P2, (np.full((6, 3), 1 / 3),))
    finally:
        ac.ENUMERATION_LIMIT = limit
    assert ascent <= exact + 1e-15 and ascent >= 0.5 * exact


def test_visited_pairs_and_reproducibility(game, consts):
    again = assumption_constants(game, n_pairs=30, refine_steps=10, top_k=2, seed=1)
    assert again.values() == consts.values()
    run = mc.algorithms.nac(game, 20, 1.0, 0.2, record="all")
    visited = list(zip(run.policy, run.mean_field))
    v = assumption_constants(game, visited=visited, n_pairs=9, refine_steps=0, top_k=1)
    assert v.budget["C_source"].startswith("visited (21")
    assert v.budget["d0_source"] == "consecutive visited pairs"


def test_bad_budget_is_rejected(game):
    with pytest.raises(ValueError, match="n_pairs"):
        assumption_constants(game, n_pairs=1)


def test_progress_counts_every_stage_once(monkeypatch, capsys):
    """The plain progress ends at n/n: no stage is counted twice or left out (it printed 7/6)."""
    monkeypatch.setenv("MFGCHECK_PROGRESS", "plain")
    game = mc.games.random_game(3, 2, seed=5, lam=0.4)
    assumption_constants(game, n_pairs=9, refine_steps=0, top_k=1, progress=True)
    last = capsys.readouterr().err.strip().splitlines()[-1]
    done, total = last.split(": ", 1)[1].split(" done")[0].split("/")
    assert done == total, last
