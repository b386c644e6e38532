"""The strategies of mfgcheck.properties.strategies keep their documented contracts."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mfgcheck.numerics import NonConvergenceError, solve_equilibrium
from mfgcheck.properties import strategies as ps

SIMPLEX_ATOL = 1e-15


def _assert_distribution(x, n, floor=0.0):
    assert x.shape == (n,) and x.dtype == np.float64
    assert np.all(np.isfinite(x))
    assert x.min() >= floor
    assert abs(x.sum() - 1.0) <= n * SIMPLEX_ATOL


@given(st.data(), st.integers(2, 8), st.floats(0.0, 1.0))
def test_distributions_lie_on_the_simplex_above_the_floor(data, n, frac):
    floor = frac / n
    x = data.draw(ps.distributions(n, floor=floor))
    _assert_distribution(x, n, floor)


@given(ps.distributions(min_size=3, max_size=5))
def test_distributions_of_drawn_size(x):
    assert 3 <= x.size <= 5
    _assert_distribution(x, x.size)


@settings(max_examples=1)
@given(st.data())
def test_distributions_reject_an_impossible_floor(data):
    with pytest.raises(ValueError, match="floor"):
        data.draw(ps.distributions(4, floor=0.3))


@given(st.data(), st.integers(2, 6), st.floats(0.0, 1.0))
def test_distribution_pairs_share_size_and_floor(data, n, frac):
    floor = frac / n
    x, y = data.draw(ps.distribution_pairs(n, floor=floor))
    _assert_distribution(x, n, floor)
    _assert_distribution(y, n, floor)


def test_distribution_pairs_reach_close_pairs_and_point_masses():
    """Both regimes the bounds are about are reachable: a nearly equal pair, and a point mass
    (entries exactly 0), found by search rather than assumed."""
    from hypothesis import find
    close = find(ps.distribution_pairs(3), lambda p: 0 < np.abs(p[0] - p[1]).sum() < 1e-3)
    assert 0 < np.abs(close[0] - close[1]).sum() < 1e-3
    point = find(ps.distributions(4), lambda x: x.max() == 1.0)
    assert (point == 0).sum() == 3


@given(st.data(), st.integers(1, 5), st.integers(2, 5))
def test_policies_are_row_stochastic(data, S, A):
    pi = data.draw(ps.policies(S, A, floor=0.1 / A))
    assert pi.shape == (S, A)
    for row in pi:
        _assert_distribution(row, A, 0.1 / A)


@given(st.data(), st.integers(1, 5), st.integers(1, 4), st.sampled_from(["tabular", "low_dim"]))
def test_features_have_norm_at_most_one(data, S, A, kind):
    phi = data.draw(ps.features(S, A, kind=kind, min_dim=1, max_dim=3))
    assert phi.shape[:2] == (S, A) and np.all(np.isfinite(phi))
    assert np.linalg.norm(phi, axis=-1).max() <= 1.0 + 1e-15
    if kind == "tabular":
        assert phi.shape[-1] == S * A
        np.testing.assert_array_equal(phi.reshape(S * A, S * A), np.eye(S * A))
    else:
        assert 1 <= phi.shape[-1] <= 3
        nonzero = np.abs(phi[phi != 0])
        assert nonzero.size == 0 or nonzero.min() >= ps.FEATURE_SNAP / np.sqrt(3)


@settings(max_examples=40)
@given(ps.games(min_states=2, max_states=5, min_actions=2, max_actions=3), st.data())
def test_games_have_unit_rewards_and_mean_field_dependent_transitions(game, data):
    assert 2 <= game.n_states <= 5 and 2 <= game.n_actions <= 3
    assert 0.1 <= game.gamma <= 0.95 and 0.05 <= game.lam <= 2.0
    assert game.reward_range == (0.0, 1.0)
    mus = np.stack([data.draw(ps.distributions(game.n_states)) for _ in range(3)])
    r = game.reward(mus)
    assert r.min() >= 0.0 and r.max() <= 1.0
    # mu-dependence: two point masses give different transitions (coupling >= 0.1 > 0).
    P = game.transition(np.eye(game.n_states)[:2])
    assert np.abs(P[0] - P[1]).max() > 0
    # reproducible from its parameters
    from mfgcheck.games import random_game
    np.testing.assert_array_equal(random_game(**game.params).transition(mus), game.transition(mus))


@given(st.data(), st.integers(2, 6))
def test_mean_field_pairs_are_distinct(data, S):
    mu, nu = data.draw(ps.mean_field_pairs(S))
    _assert_distribution(mu, S)
    _assert_distribution(nu, S)
    assert np.abs(mu - nu).sum() > 1e-9


@given(ps.parameters())
def test_parameters_satisfy_lemma2_step_condition(p):
    assert 0.0 < p.eta * p.lam < 1.0
    assert 0.1 <= p.gamma <= 0.95 and 0.05 <= p.lam <= 2.0 and 0.1 <= p.R <= 10.0
    assert set(p.to_dict()) == {"gamma", "lam", "R", "eta"}


def test_parameters_reach_eta_lam_near_one():
    from hypothesis import find
    p = find(ps.parameters(), lambda p: p.eta * p.lam > 0.999)
    assert 0.999 < p.eta * p.lam < 1.0


@given(ps.kl_triples())
def test_kl_triples_respect_their_floors(t):
    n = t.x.size
    assert t.y.size == t.z.size == n
    assert 1e-4 <= t.floor_xy <= 1.0 / n and 1e-4 <= t.floor_z <= 1.0 / n
    assert t.alpha1 >= t.floor_xy and t.alpha2 >= t.floor_z
    for v in (t.x, t.y, t.z):
        _assert_distribution(v, n)


@settings(max_examples=10)
@given(ps.nac_runs(max_T=10))
def test_nac_runs_have_a_certified_equilibrium_and_valid_settings(run):
    g = run.game
    assert 0 < run.eta * g.lam < 1 and 1e-3 <= run.beta <= 1 and 5 <= run.T <= 10
    assert np.linalg.norm(run.features, axis=-1).max() <= 1 + 1e-15
    try:
        eq = solve_equilibrium(g)
    except NonConvergenceError:  # pragma: no cover - the strategy filters these out
        pytest.fail("nac_runs drew a game without a certified equilibrium")
    assert eq.exploitability <= 1e-8


@settings(max_examples=10)
@given(ps.rate_cases())
def test_rate_cases_have_floored_policies(case):
    A = case.game.n_actions
    assert case.policy.min() >= min(0.2, 1 / A) - 1e-15
    assert case.game.gamma <= 0.8 and len(case.seeds) == 8


@given(ps.best_response_cases(), ps.mean_field_pair_cases(), ps.policy_cases())
def test_instances_to_dict_is_json(a, b, c):
    import json
    for inst in (a, b, c):
        json.dumps(inst.to_dict())


# --- the game-level cases draw every registered game ------------------------------------------
def _quick():
    from hypothesis import HealthCheck, Phase

    # no shrinking: any example of the kind will do (shrinking re-solves equilibria)
    return settings(database=None, max_examples=300, phases=[Phase.generate],
                    suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("strategy", [ps.best_response_cases, ps.mean_field_pair_cases])
def test_game_level_cases_draw_every_registered_game(strategy):
    """Lemma 3's and Lemma 6's instances come from random games and from every registered
    kind (SIS, LQ, the serverless game), so ``mfgcheck lemmas`` checks those claims on them;
    without ``registered`` only random games within the size bounds."""
    from hypothesis import find

    from mfgcheck import registry

    for name in registry.games():
        case = find(strategy(), lambda c, n=name: c.game.name.startswith(n), settings=_quick())
        assert case.mu.shape == (case.game.n_states,)


@settings(max_examples=30)
@given(ps.best_response_cases(registered=False, max_states=3),
       ps.mean_field_pair_cases(registered=False, max_states=3))
def test_unregistered_cases_are_random_games_within_the_bounds(a, b):
    for case in (a, b):
        assert case.game.name.startswith("random") and case.game.n_states <= 3


def test_a_registered_kind_is_built_once_and_shared():
    # one game object per registration: the equilibrium cache serves every draw of it
    from hypothesis import find

    one = find(ps.registered_games(names=("sis",)), lambda g: True)
    two = find(ps.registered_games(names=("sis",)), lambda g: True)
    assert one is two


def test_a_kind_that_cannot_be_built_is_left_out_with_a_warning():
    """A game whose optional dependency is missing (the serverless game without SimPy) is
    not drawn by default, with a warning; asked for by name it is the ImportError."""
    from hypothesis import find

    from mfgcheck import registry

    with registry.temporary():
        registry.register_game(registry.GameSpec(
            "needs_extra", "tests.properties.test_strategies:_missing_extra"))
        with pytest.warns(RuntimeWarning, match="game 'needs_extra' left out"):
            names = {find(ps.registered_games(), lambda g, n=n: g.name.startswith(n),
                          settings=_quick()).name.split("-")[0]
                     for n in ("sis", "lq", "random")}
        assert names == {"sis", "lq", "random"}
        with pytest.raises(ImportError, match="no_such_extra"):
            find(ps.registered_games(names=("needs_extra",)), lambda g: True)


def _missing_extra():
    import no_such_extra  # noqa: F401

    raise AssertionError("unreachable")
