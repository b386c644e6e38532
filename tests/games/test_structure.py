"""games.structure: the closed forms of the linear-quadratic and random games against the
games' own NumPy functions (independent code), and how Game keeps them honest."""

import numpy as np
import pytest

import mfgcheck as mc
from mfgcheck._validate import InvalidInputError

EPS = np.finfo(float).eps

GAMES = {
    "lq": mc.games.linear_quadratic,
    "lq-normalised": lambda: mc.games.linear_quadratic().normalised(),
    "lq-small": lambda: mc.games.linear_quadratic(0.8, 0.5, n_states=7, max_move=2, kappa=0.0,
                                                  q=0.3, dt=0.5),
    "random": lambda: mc.games.random_game(6, 3, seed=2, transition_coupling=2.0),
    "random-scaled": lambda: mc.games.random_game(4, 2, seed=1, logit_scale=3.0,
                                                  reward_coupling=0.9),
}


@pytest.mark.parametrize("name", sorted(GAMES))
def test_structure_equals_the_game_functions_to_rounding(name):
    """At mean fields far from the two the constructor checked (vertices of the simplex and
    Dirichlet draws): transition to 64 (S + 4) eps, reward to that times the magnitude of the
    terms it sums (``reward_magnitude``)."""
    g = GAMES[name]()
    st = g.structure
    assert st is not None
    S = g.n_states
    rtol = 64 * (S + 4) * EPS
    mus = np.concatenate([np.eye(S)[[0, S - 1]],
                          np.random.default_rng(3).dirichlet(np.full(S, 0.3), size=5)])
    for mu in mus:
        np.testing.assert_allclose(st.transition_at(mu), g.transition(mu), rtol=0, atol=rtol)
        err = np.abs(st.reward_at(mu) - g.reward(mu))
        assert (err <= rtol * st.reward_magnitude(mu)).all(), err.max()


def test_the_transition_forms_differ_where_they_should():
    """The random game's kernel moves with mu; the linear-quadratic game's does not."""
    lq, rnd = GAMES["lq"](), GAMES["random"]()
    assert lq.structure.transition == "constant" and rnd.structure.transition == "softmax"
    e0, e1 = np.eye(rnd.n_states)[:2]
    assert np.abs(rnd.structure.transition_at(e0) - rnd.structure.transition_at(e1)).max() > 0.01


def test_a_structure_that_disagrees_with_the_game_is_refused():
    g = GAMES["random"]()
    st = g.structure
    bad = type(st)(st.transition, st.P, st.H, st.G, st.g0, st.c + 1e-6)
    with pytest.raises(InvalidInputError, match="structure: differs"):
        g.replace(structure=bad)
    with pytest.raises(InvalidInputError, match="structure.transition"):
        type(st)("affine", st.P, st.H, st.G, st.g0, st.c)
    with pytest.raises(InvalidInputError, match="structure.c: shape"):
        type(st)(st.transition, st.P, st.H, st.G, st.g0, st.c[:2])


def test_new_functions_drop_the_structure_and_normalising_keeps_it_exact():
    g = GAMES["lq"]()
    assert g.replace(reward_fn=lambda mu: g.reward_fn(mu) * 0.5).structure is None
    assert g.replace(lam=0.3).structure is g.structure
    n = g.normalised()
    lo, hi = g.reward_range
    assert (n.structure.shift, n.structure.scale) == (lo, hi - lo)
    assert n.structure.normalised(0.0, 2.0) is None     # a second shift does not compose
