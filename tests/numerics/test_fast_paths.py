"""The fast exact paths of issue 13 against the routes they replace: the factored population
step against the contraction of the (S, A, S) transition, exploitability through it against
the game without it, Anderson with a short warm-up against the long one, and the
equilibrium certificate's warm-started best response against the cold one."""

import dataclasses

import numpy as np
import pytest

import mfgcheck as mc
from mfgcheck._validate import InvalidInputError
from mfgcheck.numerics import mdp
from mfgcheck.numerics.population import induced_mean_field

EPS = np.finfo(float).eps


def _policy(rng, S, A, scale):
    logits = scale * rng.standard_normal((S, A))
    pi = np.exp(logits - logits.max(axis=1, keepdims=True))
    return pi / pi.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("S, A, coupling", [(2, 2, 1.0), (7, 3, 0.3), (60, 5, 3.0)])
def test_factored_population_step_is_gamma2(S, A, coupling):
    g = mc.games.random_game(S, A, seed=S, transition_coupling=coupling)
    assert g.population_fn is not None
    rng = np.random.default_rng(0)
    for scale in (0.1, 3.0, 30.0):
        mu = rng.dirichlet(np.full(S, 0.3))
        pi = _policy(rng, S, A, scale)
        want = mdp.population_step(g.transition(mu), pi, mu)
        got = g.population_step(mu, pi)
        # Both sum S A products of numbers in [0, 1]: rounding of order S A eps.
        assert np.abs(got - want).max() <= 8 * S * A * EPS
        assert got.sum() == pytest.approx(1.0, abs=8 * S * A * EPS)


def test_normalised_game_keeps_the_factored_step():
    g = mc.games.random_game(5, 3, seed=1)
    assert g.normalised().population_fn is g.population_fn


def test_a_wrong_population_fn_is_refused():
    g = mc.games.random_game(4, 2, seed=0)
    with pytest.raises(InvalidInputError, match="population_fn: differs from Gamma2"):
        dataclasses.replace(g, population_fn=lambda mu, pi: np.roll(g.population_fn(mu, pi), 1))
    with pytest.raises(InvalidInputError, match="population_fn: returned shape"):
        dataclasses.replace(g, population_fn=lambda mu, pi: np.ones(3))


@pytest.mark.parametrize("S, A", [(5, 3), (80, 4)])
def test_exploitability_through_the_factored_step_equals_the_contraction(S, A):
    g = mc.games.random_game(S, A, seed=2)
    plain = dataclasses.replace(g, population_fn=None)
    rng = np.random.default_rng(3)
    for scale in (0.5, 5.0):
        pi = _policy(rng, S, A, scale)
        fast = mc.numerics.exploitability_details(g, pi)
        slow = mc.numerics.exploitability_details(plain, pi)
        # Both solve mu_pi to ||G(mu) - mu||_1 <= 5e-14; V is 1/(1 - gamma)-Lipschitz in the
        # model at that scale, so the values agree to ~1e-12 of the value scale.
        scale_v = max(abs(slow.best_value), 1.0)
        assert abs(fast.value - slow.value) <= 1e-12 * scale_v
        assert np.abs(fast.mean_field - slow.mean_field).sum() <= 1e-12


@pytest.mark.parametrize("game", [mc.games.sis(), mc.games.by_name("lq"),
                                  mc.games.random_game(6, 3, seed=4)], ids=lambda g: g.name)
def test_short_warmup_finds_the_mean_field_the_flow_reaches(game):
    """Against the plain damped flow from rho, iterated to its limit (the definition)."""
    rng = np.random.default_rng(5)
    for scale in (0.3, 3.0):
        pi = _policy(rng, game.n_states, game.n_actions, scale)
        fast = induced_mean_field(game, pi)               # 5 plain steps, then Anderson
        mu = game.rho.copy()
        for _ in range(200_000):
            new = 0.5 * (mu + game.population_step(mu, pi))
            if np.abs(new - mu).sum() <= 1e-15:
                break
            mu = new
        assert np.abs(fast - new).sum() <= 1e-11


def test_certificate_warm_start_gives_the_same_best_response():
    g = mc.games.random_game(30, 4, seed=6)
    eq = mc.numerics.solve_equilibrium(g)
    cold = mc.numerics.exploitability_details(g, eq.policy)
    warm = mc.numerics.exploitability_details(g, eq.policy, best_response_start=eq.policy)
    assert abs(warm.best_value - cold.best_value) <= 1e-13 * abs(cold.best_value)
    assert np.abs(warm.best_response - cold.best_response).max() <= 1e-12
    assert eq.exploitability == pytest.approx(cold.value, abs=1e-12)


# -- finite horizon: a constant transition is neither copied nor checked again --------------
def _constant_game(S=6, A=3, *, read_only=True, seed=7):
    from mfgcheck.games.base import Game

    rng = np.random.default_rng(seed)
    P0 = rng.dirichlet(np.ones(S), size=(S, A))
    R = rng.uniform(size=(S, A))
    P0.setflags(write=not read_only)

    def transition(mu):
        if read_only:        # one read-only array for every mu, as games.peers returns
            return np.broadcast_to(P0, np.shape(mu)[:-1] + P0.shape)
        return np.broadcast_to(P0, np.shape(mu)[:-1] + P0.shape).copy()

    def reward(mu):
        return np.broadcast_to(R, np.shape(mu)[:-1] + R.shape).copy()

    return Game("constant", S, A, 0.9, 0.1, np.full(S, 1.0 / S), transition, reward)


@pytest.mark.parametrize("lam", [0.0, 0.2])
def test_finite_horizon_constant_transition_checked_once_same_bits(monkeypatch, lam):
    from mfgcheck.numerics import finite_horizon as fh

    spec = fh.FiniteHorizonSpec(horizon=12, gamma=0.95, lam=lam)
    shared, fresh = _constant_game(), _constant_game(read_only=False)
    pi = np.random.default_rng(0).dirichlet(np.ones(3), size=(12, 6))
    checks = []
    real = fh._check_transitions
    monkeypatch.setattr(fh, "_check_transitions",
                        lambda game, P, first: checks.append(P.shape[0]) or real(game, P, first))
    a = fh.exploitability_details(shared, pi, spec)
    n_shared = len(checks)
    checks.clear()
    b = fh.exploitability_details(fresh, pi, spec)
    assert n_shared == 1 and len(checks) == 12       # fresh arrays are checked at every step
    assert a.value == b.value and a.best_value == b.best_value
    assert np.array_equal(a.flow, b.flow) and np.array_equal(a.best_response, b.best_response)
    # With a given flow the model along it is built by one batched call: checked once too.
    checks.clear()
    c = fh.exploitability_details(shared, pi, spec, flow=a.flow)
    assert checks == [1] and c.value == pytest.approx(a.value, rel=1e-12)

