"""The public interface of DESIGN.md: these names stay, with these meanings."""

import numpy as np
import sympy

import mfgcheck as mc


def test_design_interface_games_and_numerics():
    game = mc.games.sis(gamma=0.9, lam=0.1)
    assert (game.n_states, game.n_actions, game.gamma, game.lam) == (2, 2, 0.9, 0.1)
    assert game.rho.shape == (2,)
    assert game.transition(game.rho).shape == (2, 2, 2)
    assert game.reward(game.rho).shape == (2, 2)
    for builder in (mc.games.linear_quadratic, lambda: mc.games.random_game(4, 3, seed=0)):
        g = builder()
        assert g.transition(g.rho).shape == (g.n_states, g.n_actions, g.n_states)
    eq = mc.numerics.solve_equilibrium(game)
    assert eq.policy.shape == (2, 2) and eq.mean_field.shape == (2,)
    assert isinstance(mc.numerics.exploitability(game, eq.policy), float)
    assert abs(eq.exploitability) < 1e-10
    br = mc.numerics.best_response(game, eq.mean_field)
    np.testing.assert_allclose(br, eq.policy, atol=1e-9)
    np.testing.assert_allclose(mc.numerics.population_step(game, br, eq.mean_field),
                               eq.mean_field, atol=1e-10)
    np.testing.assert_allclose(mc.numerics.induced_mean_field(game, eq.policy), eq.mean_field,
                               atol=1e-10)


def test_design_interface_algorithms_and_theory():
    game = mc.games.sis()
    run = mc.algorithms.nac(game, T=50, eta=0.05, beta=0.01, oracle="exact", seed=0)
    assert run is not None
    assert isinstance(mc.theory.constants.kappa, sympy.Expr)
    verdicts = mc.theory.verdicts()
    assert len(verdicts) > 20
    assert {v.verdict for v in verdicts} <= {"proved", "conditional", "refuted", "numeric"}
