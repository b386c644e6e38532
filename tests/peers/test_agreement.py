"""Agreement with the peers' own evaluators (the ``peers`` tier: ``make test-peers``).

Our finite-horizon exploitability on each adapter equals MFGLib's ``exploitability_score``
and OpenSpiel's ``NashConv`` on the peer's own game, to a relative 1e-9, for the uniform
policy and random policies; the model pieces (transitions, rewards, flows) agree one by one.
"""

import numpy as np
import pytest

from mfgcheck.games import peers
from mfgcheck.numerics import finite_horizon as fh
from mfgcheck.numerics import peers as peer_runs

pytestmark = pytest.mark.peers
mfglib = pytest.importorskip("mfglib")
pyspiel = pytest.importorskip("pyspiel")
torch = pytest.importorskip("torch")

REL = 1e-9

INSTANCES = {
    "mfglib-sis": lambda: peers.mfglib_sis(),
    "mfglib-sis-T20": lambda: peers.mfglib_sis(T=20, mu0=(0.9, 0.1)),
    "mfglib-lq": lambda: peers.mfglib_linear_quadratic(),
    "mfglib-lq-larger": lambda: peers.mfglib_linear_quadratic(T=5, el=8, m=3, k=0.5,
                                                              c_term=2.0),
    "openspiel-lq": lambda: peers.openspiel_linear_quadratic(),
    # The case derived by hand in test_adapters.py (first-visit moves).
    "openspiel-lq-small": lambda: peers.openspiel_linear_quadratic(size=5, horizon=3,
                                                                   n_actions_per_side=1),
    # mean_revert 0.35 keeps move + 0.35 (mean - x) off the rounding ties at the uniform
    # mean (see docs/finite_horizon.md, "ties").
    "openspiel-lq-mean-revert": lambda: peers.openspiel_linear_quadratic(
        size=13, horizon=6, n_actions_per_side=2, mean_revert=0.35, volatility=1.3),
}


def _policies(pg, seed):
    H, S, A = pg.horizon, pg.game.n_states, pg.game.n_actions
    rng = np.random.default_rng(seed)
    out = [("uniform", fh.uniform_policy(H, S, A))]
    for conc in (1.0, 0.3):
        out.append((f"dirichlet({conc})", rng.dirichlet(np.full(A, conc), size=(H, S))))
    det = np.eye(A)[rng.integers(A, size=(H, S))]
    out.append(("deterministic", det))
    return out


def _peer_value(pg, pi):
    if pg.peer == "mfglib":
        return peer_runs.mfglib_exploitability(pg, pi)
    return peer_runs.openspiel_nash_conv(pg, pi)


@pytest.mark.parametrize("name", list(INSTANCES))
def test_exploitability_equals_the_peers_own_value(name):
    pg = INSTANCES[name]()
    for label, pi in _policies(pg, seed=len(name)):
        ours = fh.exploitability(pg.game, pi, pg.spec)
        theirs = _peer_value(pg, pi)
        assert ours == pytest.approx(theirs, rel=REL), (name, label, ours, theirs)
        assert ours > 0.01  # none of these policies is an equilibrium


# -- MFGLib, piece by piece ------------------------------------------------------------------
def _mfglib_joint(pg, rng):
    """A random joint state-action distribution L_t (MFGLib's argument) and its marginal."""
    S, A = pg.game.n_states, pg.game.n_actions
    mu = rng.dirichlet(np.ones(S))
    pi = rng.dirichlet(np.ones(A), size=S)
    L_ours = mu[:, None] * pi
    L_peer = pg.to_peer_policy(np.broadcast_to(pi, (pg.horizon, S, A)))[0] * mu[:, None]
    return mu, L_ours, torch.tensor(L_peer, dtype=torch.float64)


@pytest.mark.parametrize("name", ["mfglib-sis", "mfglib-lq", "mfglib-lq-larger"])
def test_mfglib_transition_and_reward_match(name):
    pg = INSTANCES[name]()
    env = peer_runs.mfglib_environment(pg)
    rng = np.random.default_rng(3)
    reverse = pg.peer_game == "susceptible_infected"
    for _ in range(5):
        mu, L_ours, L_peer = _mfglib_joint(pg, rng)
        mu = L_ours.sum(axis=1)
        with peer_runs.torch_default_float64():
            P_peer = env.prob(0, L_peer).numpy()           # (S', S, A)
            r_peer = env.reward(0, L_peer).numpy()
            term = env.reward(env.T, L_peer).numpy()[:, 0]
        P_peer = np.moveaxis(P_peer, 0, -1)                # (S, A, S')
        if reverse:
            P_peer, r_peer = P_peer[:, ::-1], r_peer[:, ::-1]
        np.testing.assert_allclose(pg.game.transition(mu), P_peer, rtol=0, atol=1e-15)
        np.testing.assert_allclose(pg.game.reward(mu), r_peer, rtol=1e-14, atol=1e-15)
        if pg.spec.terminal_reward is not None:
            flow = np.broadcast_to(mu, (pg.horizon + 1, mu.size))
            np.testing.assert_allclose(pg.spec.terminal_reward(flow), term, rtol=1e-14,
                                       atol=1e-15)


@pytest.mark.parametrize("name", ["mfglib-sis", "mfglib-lq-larger"])
def test_mfglib_flow_matches_mean_field_from_policy(name):
    from mfglib.utils import mean_field_from_policy

    pg = INSTANCES[name]()
    env = peer_runs.mfglib_environment(pg)
    rng = np.random.default_rng(5)
    pi = rng.dirichlet(np.ones(pg.game.n_actions), size=(pg.horizon, pg.game.n_states))
    with peer_runs.torch_default_float64():
        L = mean_field_from_policy(torch.tensor(pg.to_peer_policy(pi)), env=env).numpy()
    flow = fh.mean_field_flow(pg.game, pi, pg.spec)
    # MFGLib's L has T + 1 slices: the marginals are mu_0 .. mu_T.
    np.testing.assert_allclose(flow[:L.shape[0]], L.sum(axis=-1), rtol=0, atol=1e-14)


# -- OpenSpiel, piece by piece ---------------------------------------------------------------
def _decision_state(os_game, x, distribution):
    """A decision node at tick 0 at position x with the given distribution."""
    state = os_game.new_initial_state()
    state.apply_action(x)                     # initial chance node: position x
    state._distribution = list(distribution)  # the distribution rewards and moves read
    return state


def test_openspiel_transition_matches_its_state_machine():
    pg = INSTANCES["openspiel-lq-mean-revert"]()
    os_game = peer_runs.openspiel_game(pg)
    S, A = pg.game.n_states, pg.game.n_actions
    mu = np.random.default_rng(2).dirichlet(np.ones(S))
    P = pg.game.transition(mu)
    for x in range(S):
        for a in range(A):
            state = _decision_state(os_game, x, mu)
            state.apply_action(a)
            row = np.zeros(S)
            for k, p in state.chance_outcomes():
                row[state.child(k).x] += p
            np.testing.assert_allclose(P[x, a], row, rtol=0, atol=1e-15)


def test_openspiel_flow_matches_distribution_policy():
    from open_spiel.python.mfg.algorithms import distribution

    pg = INSTANCES["openspiel-lq"]()
    os_game = peer_runs.openspiel_game(pg)
    pi = np.random.default_rng(4).dirichlet(np.ones(pg.game.n_actions),
                                            size=(pg.horizon, pg.game.n_states))
    dist = distribution.DistributionPolicy(os_game, peer_runs.openspiel_policy(pg, pi, os_game))
    flow = fh.mean_field_flow(pg.game, pi, pg.spec)
    for t in range(1, pg.horizon + 1):
        theirs = [dist.value_str(f"({x}, {t})_a", 0.0) for x in range(pg.game.n_states)]
        np.testing.assert_allclose(flow[t], theirs, rtol=0, atol=1e-14)


def test_openspiel_rewards_lag_one_move_and_skip_the_terminal():
    """The two properties of mean_field_lin_quad that the "nashconv" convention encodes."""
    pg = INSTANCES["openspiel-lq"]()
    os_game = peer_runs.openspiel_game(pg)
    S = pg.game.n_states
    uniform = np.full(S, 1.0 / S)
    # (1) The decision node pays for the *previous* move: at tick 0 the move is 0, whatever
    # action is about to be taken; after a move of +3 the next node pays -9/2 for it.
    state = _decision_state(os_game, 2, uniform)
    d = 4.5 - 2
    assert state.rewards()[0] == pytest.approx(-0.5 * 0.5 * d**2, rel=1e-15)
    state.apply_action(6)                                       # move +3: 2 -> 5
    nxt = state.child(3)                                        # noise 0
    nxt.update_distribution(list(uniform))
    d = 4.5 - 5
    assert nxt.rewards()[0] == pytest.approx(0.5 * (-9 + 2 * 0.01 * 3 * d - 0.5 * d**2),
                                             rel=1e-15)
    # (2) The terminal state follows a chance node and is a mean-field node: reward 0,
    # although terminal_cost = 1 and x differs from the mean.
    state = os_game.new_initial_state()
    state.apply_action(0)
    for _ in range(pg.horizon):
        if state.is_terminal():
            break
        state.apply_action(0)                                   # move -3
        state.apply_action(3)                                   # noise 0
        if not state.is_terminal():
            state.update_distribution(list(uniform))
    assert state.is_terminal() and state.x != 4.5
    assert state.rewards()[0] == 0.0


def test_openspiel_value_cache_ignores_the_previous_move():
    """OpenSpiel's PolicyValue keys values by "(x, t)": two nodes at the same (x, t) reached
    by different moves pay different rewards but get the same cached value."""
    from open_spiel.python.mfg import value
    from open_spiel.python.mfg.algorithms import distribution, policy_value

    pg = INSTANCES["openspiel-lq"]()
    os_game = peer_runs.openspiel_game(pg)
    pi = fh.uniform_policy(pg.horizon, pg.game.n_states, pg.game.n_actions)
    pol = peer_runs.openspiel_policy(pg, pi, os_game)
    dist = distribution.DistributionPolicy(os_game, pol)
    pv = policy_value.PolicyValue(os_game, dist, pol, value.TabularValueFunction(os_game))
    S = pg.game.n_states
    mu1 = [dist.value_str(f"({x}, 1)_a", 0.0) for x in range(S)]
    nodes = []
    for x0, a in ((0, 6), (6, 0)):        # 0 + 3 = 3 and 6 - 3 = 3, noise 0: both at (3, 1)
        state = _decision_state(os_game, x0, np.full(S, 1.0 / S))
        state.apply_action(a)
        state = state.child(3)
        state.update_distribution(mu1)
        nodes.append(state)
    assert str(nodes[0]) == str(nodes[1]) == "(3, 1)"
    assert nodes[0].rewards()[0] != nodes[1].rewards()[0]
    assert pv.eval_state(nodes[0]) == pv.eval_state(nodes[1])


def test_openspiel_nashconv_is_not_the_intended_objective():
    """The two conventions differ by much more than rounding: the finding is not noise."""
    nash = INSTANCES["openspiel-lq"]()
    intended = peers.openspiel_linear_quadratic(convention="intended")
    pi = fh.uniform_policy(nash.horizon, nash.game.n_states, nash.game.n_actions)
    a = fh.exploitability(nash.game, pi, nash.spec)
    b = fh.exploitability(intended.game, pi, intended.spec)
    assert a == pytest.approx(peer_runs.openspiel_nash_conv(nash, pi), rel=REL)
    assert abs(a - b) > 1.0
