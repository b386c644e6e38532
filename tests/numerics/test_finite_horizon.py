"""Finite-horizon numerics, each against an independent route (no peers needed).

- backward induction (lam = 0) against brute force over every deterministic policy, each
  evaluated by propagating the agent's state distribution forward;
- the soft backward induction (lam > 0) against a forward evaluation of the softmax policy
  it returns, and against random policies (it must beat them);
- the mean-field flow against a loop of the validated, stationary ``population_step``;
- exploitability >= 0, and = 0 for the best response when the game does not depend on mu;
- the discounted long-horizon limit against the stationary ``policy_evaluation`` and
  ``soft_optimum`` (error <= gamma^H ||V||_inf, since V - V_H = gamma^H P_pi^H V);
- the forward own value used by exploitability against the backward policy evaluation;
- bad input raises InvalidInputError naming the field.
"""

import itertools

import numpy as np
import pytest

import mfgcheck as mc
from mfgcheck._validate import InvalidInputError
from mfgcheck.numerics import finite_horizon as fh

RTOL = 1e-12


def _random_policy(rng, H, S, A, concentration=1.0):
    return rng.dirichlet(np.full(A, concentration), size=(H, S))


def _forward_value(game, policy, flow, spec, rho):
    """``J(pi, flow)`` by propagating the agent's own state distribution forward, with the
    validated ``game.transition``/``game.reward`` and the spec's rewards: no recursion."""
    H = spec.horizon
    r, g = fh.flow_rewards(game, flow, spec)
    d, total = np.asarray(rho, float), 0.0
    for h in range(H):
        pi = policy[h]
        with np.errstate(divide="ignore", invalid="ignore"):
            ent = np.where(pi > 0, pi * np.log(pi), 0.0).sum(axis=-1)
        total += spec.gamma**h * (d @ ((pi * r[h]).sum(axis=-1) - spec.lam * ent))
        d = np.einsum("s,sa,sat->t", d, pi, game.transition(flow[h]))
    return total + spec.gamma**H * (d @ g)


def _terminal(game):
    # A terminal reward that depends on the final mean field, to exercise spec.terminal_reward.
    w = np.linspace(-1.0, 1.0, game.n_states)
    return lambda flow: w * (1.0 + flow[-1] @ w)


# -- mean-field flow ----------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_flow_equals_step_by_step_population_step(seed):
    game = mc.games.random_game(5, 3, seed=seed, transition_coupling=2.0)
    spec = fh.FiniteHorizonSpec(horizon=12)
    pi = _random_policy(np.random.default_rng(seed), 12, 5, 3)
    flow = fh.mean_field_flow(game, pi, spec)
    mu = game.rho
    assert np.array_equal(flow[0], game.rho)
    for h in range(12):
        mu = mc.numerics.population_step(game, pi[h], mu)
        np.testing.assert_allclose(flow[h + 1], mu, rtol=0, atol=1e-15)
    assert np.allclose(flow.sum(axis=1), 1.0, atol=1e-14, rtol=0)


def test_flow_uses_the_mean_field_of_each_step():
    """A policy that changes mu changes later transitions: the flow of a mu-dependent game
    differs from the flow computed with the transition frozen at rho."""
    game = mc.games.random_game(4, 2, seed=3, transition_coupling=3.0)
    spec = fh.FiniteHorizonSpec(horizon=6)
    pi = _random_policy(np.random.default_rng(3), 6, 4, 2)
    flow = fh.mean_field_flow(game, pi, spec)
    P0 = game.transition(game.rho)
    frozen = [game.rho]
    for h in range(6):
        frozen.append(np.einsum("s,sa,sat->t", frozen[-1], pi[h], P0))
    assert np.abs(flow[-1] - frozen[-1]).max() > 1e-3


# -- backward induction ---------------------------------------------------------------------
@pytest.mark.parametrize("seed, gamma", [(0, 1.0), (1, 0.8), (2, 1.0)])
def test_backward_induction_equals_brute_force_over_deterministic_policies(seed, gamma):
    S, A, H = 3, 2, 3
    game = mc.games.random_game(S, A, seed=seed, transition_coupling=2.0)
    rng = np.random.default_rng(seed)
    spec = fh.FiniteHorizonSpec(horizon=H, gamma=gamma, terminal_reward=_terminal(game))
    flow = fh.mean_field_flow(game, _random_policy(rng, H, S, A), spec)
    br = fh.best_response(game, flow, spec)
    # Brute force: all (A^S)^H = 512 deterministic time-dependent policies, from each start
    # state (the backward induction is optimal from every state at once).
    eye = np.eye(A)
    best = np.full(S, -np.inf)
    for choice in itertools.product(range(A), repeat=S * H):
        pi = eye[np.array(choice).reshape(H, S)]
        for s in range(S):
            best[s] = max(best[s], _forward_value(game, pi, flow, spec, np.eye(S)[s]))
    np.testing.assert_allclose(br.V[0], best, rtol=RTOL, atol=0)
    assert br.value == pytest.approx(game.rho @ best, rel=RTOL)
    # The greedy policy it returns attains the value.
    assert _forward_value(game, br.policy, flow, spec, game.rho) == pytest.approx(br.value,
                                                                                   rel=RTOL)


@pytest.mark.parametrize("lam, gamma", [(0.3, 0.9), (0.05, 1.0), (2.0, 1.0)])
def test_soft_backward_induction_against_direct_evaluation_of_its_policy(lam, gamma):
    S, A, H = 4, 3, 6
    game = mc.games.random_game(S, A, seed=7, transition_coupling=1.5)
    rng = np.random.default_rng(7)
    spec = fh.FiniteHorizonSpec(horizon=H, gamma=gamma, lam=lam,
                                terminal_reward=_terminal(game))
    flow = fh.mean_field_flow(game, _random_policy(rng, H, S, A), spec)
    br = fh.best_response(game, flow, spec)
    assert np.all(br.policy > 0)  # softmax: full support
    direct = _forward_value(game, br.policy, flow, spec, game.rho)
    assert direct == pytest.approx(br.value, rel=RTOL)
    for s in range(S):
        assert _forward_value(game, br.policy, flow, spec, np.eye(S)[s]) == \
            pytest.approx(br.V[0, s], rel=RTOL)
    # The regularised optimum beats every other policy (strictly: it is unique).
    for _ in range(20):
        other = _random_policy(rng, H, S, A, concentration=0.5)
        assert _forward_value(game, other, flow, spec, game.rho) < br.value


def test_soft_backup_is_stable_for_tiny_lam_and_tends_to_the_hard_max():
    game = mc.games.random_game(5, 4, seed=11)
    spec0 = fh.FiniteHorizonSpec(horizon=8)
    flow = fh.mean_field_flow(game, fh.uniform_policy(8, 5, 4), spec0)
    hard = fh.best_response(game, flow, spec0)
    for lam in (1e-3, 1e-6, 1e-9):
        soft = fh.best_response(game, flow, fh.FiniteHorizonSpec(horizon=8, lam=lam))
        assert np.all(np.isfinite(soft.V)) and np.all(np.isfinite(soft.policy))
        # 0 <= V_soft - V_hard <= lam log|A| per step (the entropy bonus is at most log|A|).
        gap = soft.V[0] - hard.V[0]
        assert gap.min() >= -1e-12
        assert gap.max() <= 8 * lam * np.log(4) * (1 + 1e-9) + 1e-12


def test_policy_evaluation_backward_equals_forward():
    game = mc.games.random_game(6, 3, seed=5, transition_coupling=1.0)
    rng = np.random.default_rng(5)
    spec = fh.FiniteHorizonSpec(horizon=9, gamma=0.95, lam=0.2, terminal_reward=_terminal(game))
    pi = _random_policy(rng, 9, 6, 3)
    flow = fh.mean_field_flow(game, pi, spec)
    ev = fh.policy_evaluation(game, pi, flow, spec)
    assert ev.value == pytest.approx(_forward_value(game, pi, flow, spec, game.rho), rel=RTOL)
    # Q_h = r_h + gamma P_h V_{h+1}, checked at one step with the validated game functions.
    h = 4
    r, _ = fh.flow_rewards(game, flow, spec)
    Q = r[h] + spec.gamma * game.transition(flow[h]) @ ev.V[h + 1]
    np.testing.assert_allclose(ev.Q[h], Q, rtol=RTOL, atol=1e-13)
    # exploitability's own value (forward, agent distribution = flow) is the same number.
    det = fh.exploitability_details(game, pi, spec)
    assert det.policy_value == pytest.approx(ev.value, rel=RTOL)
    assert det.best_value == pytest.approx(fh.best_response(game, flow, spec).value, rel=RTOL)


# -- exploitability -------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("lam", [0.0, 0.1])
def test_exploitability_is_nonnegative(seed, lam):
    game = mc.games.random_game(5, 3, seed=seed, transition_coupling=2.0, reward_coupling=0.8)
    rng = np.random.default_rng(seed)
    spec = fh.FiniteHorizonSpec(horizon=10, lam=lam)
    for conc in (0.2, 1.0, 5.0):
        e = fh.exploitability(game, _random_policy(rng, 10, 5, 3, conc), spec)
        assert e >= -1e-12


@pytest.mark.parametrize("lam", [0.0, 0.3])
def test_best_response_has_zero_exploitability_when_the_game_ignores_mu(lam):
    """With P and r independent of mu, the best response to any flow is a best response to
    its own flow: a Nash equilibrium, exploitability 0."""
    game = mc.games.random_game(6, 3, seed=4, transition_coupling=0.0, reward_coupling=0.0)
    rng = np.random.default_rng(4)
    w = np.linspace(0.0, 2.0, 6)  # a terminal reward that ignores mu too
    spec = fh.FiniteHorizonSpec(horizon=7, gamma=0.9, lam=lam, terminal_reward=lambda flow: w)
    other = _random_policy(rng, 7, 6, 3)
    br = fh.best_response(game, fh.mean_field_flow(game, other, spec), spec)
    assert abs(fh.exploitability(game, br.policy, spec)) <= 1e-13
    assert fh.exploitability(game, other, spec) > 1e-3  # the test can fail


def test_exploitability_with_explicit_flow_and_details():
    game = mc.games.random_game(4, 3, seed=9, transition_coupling=1.0)
    rng = np.random.default_rng(9)
    spec = fh.FiniteHorizonSpec(horizon=5, lam=0.1)
    pi = _random_policy(rng, 5, 4, 3)
    det = fh.exploitability_details(game, pi, spec)
    # Passing the policy's own flow explicitly takes the backward route for J(pi): same value.
    again = fh.exploitability(game, pi, spec, flow=det.flow)
    assert again == pytest.approx(det.value, rel=1e-11)
    assert det.value == pytest.approx(det.best_value - det.policy_value, rel=1e-15)
    # Against another flow, J(pi, flow) is evaluated with the agent's own distribution.
    flow2 = fh.mean_field_flow(game, fh.uniform_policy(5, 4, 3), spec)
    e2 = fh.exploitability_details(game, pi, spec, flow=flow2)
    assert e2.policy_value == pytest.approx(_forward_value(game, pi, flow2, spec, game.rho),
                                            rel=RTOL)


def test_same_input_gives_bit_equal_output():
    game = mc.games.random_game(5, 3, seed=1)
    spec = fh.FiniteHorizonSpec(horizon=6, lam=0.2)
    pi = _random_policy(np.random.default_rng(1), 6, 5, 3)
    a = fh.exploitability_details(game, pi, spec)
    b = fh.exploitability_details(game, pi, spec)
    assert a.value == b.value and np.array_equal(a.flow, b.flow)


def test_recomputed_transitions_match_the_cached_ones(monkeypatch):
    game = mc.games.random_game(5, 3, seed=2, transition_coupling=1.0)
    spec = fh.FiniteHorizonSpec(horizon=6, lam=0.1)
    pi = _random_policy(np.random.default_rng(2), 6, 5, 3)
    cached = fh.exploitability_details(game, pi, spec)
    monkeypatch.setattr(fh, "TRANSITION_CACHE_BYTES", 0)
    recomputed = fh.exploitability_details(game, pi, spec)
    assert recomputed.value == pytest.approx(cached.value, rel=1e-12)
    np.testing.assert_allclose(recomputed.flow, cached.flow, rtol=0, atol=1e-15)


# -- long-horizon limit ----------------------------------------------------------------------
@pytest.mark.parametrize("H", [5, 20, 80])
def test_discounted_long_horizon_limit_is_the_stationary_value(H):
    game = mc.games.random_game(6, 3, seed=8, transition_coupling=0.0, reward_coupling=0.0,
                                gamma=0.9, lam=0.2)
    pi = _random_policy(np.random.default_rng(8), 1, 6, 3)[0]
    mu = game.rho  # any mean field: the game ignores it
    spec = fh.FiniteHorizonSpec(horizon=H, gamma=game.gamma, lam=game.lam)
    flow = fh.mean_field_flow(game, fh.stationary_policy(pi, H), spec)
    V = mc.numerics.policy_evaluation(game, pi, mu).V
    V_H = fh.policy_evaluation(game, fh.stationary_policy(pi, H), flow, spec).V[0]
    # V - V_H = gamma^H P_pi^H V, so ||V - V_H||_inf <= gamma^H ||V||_inf.
    bound = game.gamma**H * np.abs(V).max()
    assert np.abs(V - V_H).max() <= bound * (1 + 1e-9)
    V_star = mc.numerics.soft_optimum(game, mu, tol=1e-13).V
    V_star_H = fh.best_response(game, flow, spec).V[0]
    assert np.abs(V_star - V_star_H).max() <= game.gamma**H * np.abs(V_star).max() * (1 + 1e-9)
    assert np.all(V_star_H >= V_H - 1e-12)


# -- validation ------------------------------------------------------------------------------
@pytest.fixture
def small():
    game = mc.games.random_game(3, 2, seed=0)
    spec = fh.FiniteHorizonSpec(horizon=4)
    return game, spec, fh.uniform_policy(4, 3, 2)


@pytest.mark.parametrize("kwargs, field", [
    (dict(horizon=0), "horizon"), (dict(horizon=2.5), "horizon"), (dict(horizon=True), "horizon"),
    (dict(horizon=3, gamma=0.0), "gamma"), (dict(horizon=3, gamma=1.5), "gamma"),
    (dict(horizon=3, gamma=float("nan")), "gamma"), (dict(horizon=3, lam=-0.1), "lam"),
    (dict(horizon=3, lam=float("inf")), "lam"), (dict(horizon=3, stage_reward=3), "stage_reward"),
])
def test_bad_spec_raises(kwargs, field):
    with pytest.raises(InvalidInputError, match=field):
        fh.FiniteHorizonSpec(**kwargs)


def test_bad_policy_raises(small):
    game, spec, pi = small
    with pytest.raises(InvalidInputError, match=r"policy: shape \(3, 2\)"):
        fh.exploitability(game, pi[0], spec)
    with pytest.raises(InvalidInputError, match="policy: shape"):
        fh.exploitability(game, pi[:3], spec)
    bad = pi.copy()
    bad[2, 1] = [0.7, 0.7]
    with pytest.raises(InvalidInputError, match=r"policy\[2, 1\]: sums to 1.4"):
        fh.mean_field_flow(game, bad, spec)
    bad = pi.copy()
    bad[1, 0] = [1.5, -0.5]
    with pytest.raises(InvalidInputError, match="negative"):
        fh.exploitability(game, bad, spec)
    bad = pi.copy()
    bad[0, 0, 0] = np.nan
    with pytest.raises(InvalidInputError, match="NaN"):
        fh.exploitability(game, bad, spec)


def test_bad_flow_rho_and_rewards_raise(small):
    game, spec, pi = small
    flow = fh.mean_field_flow(game, pi, spec)
    with pytest.raises(InvalidInputError, match=r"flow: shape \(4, 3\)"):
        fh.best_response(game, flow[:4], spec)
    bad = flow.copy()
    bad[2] = [0.5, 0.5, 0.5]
    with pytest.raises(InvalidInputError, match=r"flow\[2\]"):
        fh.policy_evaluation(game, pi, bad, spec)
    with pytest.raises(InvalidInputError, match="spec.rho"):
        fh.exploitability(game, pi, fh.FiniteHorizonSpec(horizon=4, rho=[0.5, 0.6, 0.0]))
    wrong_stage = fh.FiniteHorizonSpec(horizon=4, stage_reward=lambda f: np.zeros((4, 3, 3)))
    with pytest.raises(InvalidInputError, match="stage reward: shape"):
        fh.exploitability(game, pi, wrong_stage)
    nan_stage = fh.FiniteHorizonSpec(horizon=4, stage_reward=lambda f: np.full((4, 3, 2), np.nan))
    with pytest.raises(InvalidInputError, match="stage_reward"):
        fh.exploitability(game, pi, nan_stage)
    wrong_terminal = fh.FiniteHorizonSpec(horizon=4, terminal_reward=lambda f: np.zeros(2))
    with pytest.raises(InvalidInputError, match="terminal_reward"):
        fh.best_response(game, flow, wrong_terminal)


def test_transition_that_breaks_along_the_flow_raises():
    """The game validates its functions at rho and uniform only; a transition that stops
    being stochastic at a mean field the flow reaches must raise, naming the step."""
    good = np.full((2, 2, 2), 0.5)

    def transition(mu):
        mu = np.asarray(mu, float)
        P = np.broadcast_to(good, mu.shape[:-1] + good.shape).copy()
        P[..., 0, 0, 0] += np.where(mu[..., 0] > 0.9, 0.1, 0.0)
        return P

    game = mc.games.Game(name="leaky", n_states=2, n_actions=2, gamma=0.9, lam=0.1,
                         rho=np.array([0.5, 0.5]), transition_fn=transition,
                         reward_fn=lambda mu: np.zeros(np.shape(mu)[:-1] + (2, 2)))
    spec = fh.FiniteHorizonSpec(horizon=3)
    flow = np.array([[0.5, 0.5], [0.95, 0.05], [0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(InvalidInputError, match=r"leaky.transition\(flow\[1\]\)\[s=0, a=0\]"):
        fh.best_response(game, flow, spec)


def test_out_of_range_default_reward_raises():
    game = mc.games.sis(gamma=0.9, lam=0.1)
    bad = game.replace(reward_fn=lambda mu: np.full(np.shape(mu)[:-1] + (2, 2), -0.2)
                       + np.where(np.asarray(mu)[..., :1, None] > 0.9, -5.0, 0.0))
    spec = fh.FiniteHorizonSpec(horizon=2)
    flow = np.array([[0.5, 0.5], [0.95, 0.05], [0.5, 0.5]])
    with pytest.raises(InvalidInputError, match="reward_range"):
        fh.best_response(bad, flow, spec)


def test_stationary_policy_helper():
    pi = np.array([[0.2, 0.8], [1.0, 0.0]])
    tp = fh.stationary_policy(pi, 3)
    assert tp.shape == (3, 2, 2) and np.array_equal(tp[2], pi)
    with pytest.raises(InvalidInputError, match="policy: shape"):
        fh.stationary_policy(tp, 3)


def test_progress_bars_do_not_change_the_numbers():
    game = mc.games.random_game(4, 3, seed=6, transition_coupling=1.0)
    spec = fh.FiniteHorizonSpec(horizon=5, lam=0.1)
    pi = _random_policy(np.random.default_rng(6), 5, 4, 3)
    quiet = fh.exploitability(game, pi, spec)
    assert fh.exploitability(game, pi, spec, progress=True) == quiet
    flow = fh.mean_field_flow(game, pi, spec, progress=True)
    assert np.array_equal(flow, fh.mean_field_flow(game, pi, spec))
    assert fh.best_response(game, flow, spec, progress=True).value == \
        fh.best_response(game, flow, spec).value
