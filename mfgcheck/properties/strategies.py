"""Hypothesis strategies for mean-field games and the objects the paper's claims quantify over.

A typed, public module (xarray style): every strategy takes keyword-only size bounds and
returns plain NumPy arrays (float64) or a validated :class:`mfgcheck.games.Game`. The
contract each strategy promises is stated in its docstring and tested in
``tests/properties/test_strategies.py``.

=========================  =====================================================================
strategy                   draws
=========================  =====================================================================
``distributions``          a probability vector; optional lower bound ``floor`` on every entry
``distribution_pairs``     two such vectors, the second either independent or a small move
``policies``               an (S, A) row-stochastic array; optional ``floor``
``features``               (S, A, d) features with every ``||phi_{s,a}||_2 <= 1`` (tabular or
                           low-dimensional)
``games``                  a random game (``mfgcheck.games.random_game``): rewards in [0, 1],
                           mean-field-dependent transitions, drawn seed, couplings, gamma, lam
``registered_games``       a game of any registered kind (``mfgcheck.registry``), each drawn by
                           its kind's strategy or built with its default settings (built once
                           per process: the serverless game's calibration is simulated)
``mean_field_pairs``       two distinct mean fields of the same size
``parameters``             ``Parameters(gamma, lam, R, eta)`` with ``0 < eta lam < 1``
``best_response_cases``    a game and a mean field (Lemma 3); the game a random one within the
                           size bounds or, in half the draws, one of any registered kind
                           (sis, lq, serverless, a plugin's: ``registered=True``)
``kl_triples``             x, y, z with floors (Lemma 4)
``mean_field_pair_cases``  a game and two mean fields (Lemma 6); games as for
                           ``best_response_cases``
``nac_runs``               a game with a certified equilibrium, features, R, eta, beta, T
                           (Lemmas 1, 2, 5, 7, 8 along Algorithm 1)
``policy_cases``           a policy (Lemma 3's entropy step)
``rate_cases``             a game, tabular features, a policy, a mean field and seeds
                           (Propositions 1, 2)
=========================  =====================================================================

Entries are drawn as Hypothesis floats (not from a seeded RNG) wherever the shape allows, so
that shrinking and ``target()`` reach the boundary cases the bounds are about: entries at
the floor, zeros, point masses, ``eta lam`` near 1. Games are the exception: they are built
by ``random_game`` from a drawn seed (their tables are a deterministic function of it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from hypothesis import strategies as st

from ..games import Game, random_game
from ..numerics import tabular_features

if TYPE_CHECKING:
    from ..algorithms.oracle import OracleConfig
from .instances import (
    BestResponseCase,
    KLTriple,
    MeanFieldPairCase,
    NACRunCase,
    PolicyCase,
    RateCase,
)

FEATURE_SNAP = 1e-3

__all__ = [
    "Parameters", "distributions", "distribution_pairs", "policies", "features", "games",
    "registered_games",
    "mean_field_pairs", "parameters", "unit_floats", "best_response_cases", "kl_triples",
    "mean_field_pair_cases", "nac_runs", "policy_cases", "rate_cases",
]


def unit_floats(*, min_value: float = 0.0, max_value: float = 1.0) -> st.SearchStrategy[float]:
    """Finite floats in ``[min_value, max_value]``, no subnormals (they carry no meaning here
    and make ``log`` of a probability lose all its digits)."""
    return st.floats(min_value=min_value, max_value=max_value, allow_nan=False,
                     allow_infinity=False, allow_subnormal=False)


def _check_floor(n: int, floor: float) -> None:
    if not 0.0 <= floor <= 1.0 / n:
        raise ValueError(f"floor: {floor} must lie in [0, 1/n] = [0, {1.0 / n:.6g}] for n = {n}")


def _weights_to_simplex(w: np.ndarray, floor: float) -> np.ndarray:
    """``floor + (1 - n floor) w / sum(w)`` (uniform if ``w`` is all zero), entries >= floor."""
    n = w.shape[-1]
    total = w.sum(axis=-1, keepdims=True)
    p = np.where(total > 0, w / np.where(total > 0, total, 1.0), 1.0 / n)
    return _polish(floor + (1.0 - n * floor) * p, floor)


def _polish(x: np.ndarray, floor: float) -> np.ndarray:
    """Remove rounding: entries clipped to ``>= floor``; the largest entry (the farthest from
    the floor) absorbs the excess so that the sum is 1 to machine precision."""
    x = np.maximum(x, floor)
    excess = x.sum(axis=-1, keepdims=True) - 1.0
    idx = np.argmax(x, axis=-1)[..., None]
    np.put_along_axis(x, idx, np.take_along_axis(x, idx, -1) - excess, axis=-1)
    return x


@st.composite
def distributions(draw, n: int | None = None, *, min_size: int = 2, max_size: int = 6,
                  floor: float = 0.0) -> np.ndarray:
    """A probability vector of length ``n`` (or a drawn length in ``[min_size, max_size]``)
    whose entries are all ``>= floor`` (``0 <= floor <= 1/n``) and sum to 1 (to 1e-15).

    Built as ``floor + (1 - n floor) w / sum(w)`` from weights ``w``: either drawn in [0, 1]
    (zero weights put an entry exactly at the floor, or at 0) or, one draw in four, a vertex
    ``w = e_i`` (the point mass, or the floored vertex ``1 - (n-1) floor`` on one entry): the
    extreme points where the bounds of Lemmas 3, 4 and 6 are tightest.
    """
    if n is None:
        n = draw(st.integers(min_value=min_size, max_value=max_size))
    _check_floor(n, floor)
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        w = np.zeros(n)
        w[draw(st.integers(min_value=0, max_value=n - 1))] = 1.0
    else:
        w = np.array(draw(st.lists(unit_floats(), min_size=n, max_size=n)), dtype=np.float64)
    return _weights_to_simplex(w, floor)


@st.composite
def distribution_pairs(draw, n: int | None = None, *, min_size: int = 2, max_size: int = 6,
                       floor: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Two probability vectors ``(x, y)`` of the same length, entries ``>= floor``.

    ``y`` is either drawn independently or a move from ``x`` toward another draw by a
    fraction ``10^-k``, ``k`` in [0, 9]: the second kind reaches the local (derivative)
    regime where Lipschitz bounds are tightest. ``x == y`` is possible.
    """
    if n is None:
        n = draw(st.integers(min_value=min_size, max_value=max_size))
    x = draw(distributions(n, floor=floor))
    other = draw(distributions(n, floor=floor))
    if draw(st.booleans()):
        return x, other
    t = 10.0 ** -draw(unit_floats(min_value=0.0, max_value=9.0))
    return x, _polish((1.0 - t) * x + t * other, floor)


@st.composite
def policies(draw, n_states: int, n_actions: int, *, floor: float = 0.0) -> np.ndarray:
    """An (S, A) array whose rows are distributions over actions with entries ``>= floor``."""
    rows = [draw(distributions(n_actions, floor=floor)) for _ in range(n_states)]
    return np.stack(rows)


@st.composite
def features(draw, n_states: int, n_actions: int, *, kind: str | None = None,
             min_dim: int = 1, max_dim: int = 4) -> np.ndarray:
    """Features ``phi`` of shape (S, A, d) with ``||phi_{s,a}||_2 <= 1`` for every (s, a).

    ``kind="tabular"``: the one-hot features (d = S A, every norm exactly 1; every softmax
    policy is representable). ``kind="low_dim"``: d in ``[min_dim, max_dim]``, entries drawn
    in [-1, 1] with those below ``1e-3`` in magnitude set to 0, each row divided by
    ``max(1, ||row||)`` (so norms lie in [0, 1]; zero rows are possible). Why the snap: a
    direction carried only by features of size 1e-9 makes the actor regression's Fisher
    matrix singular to working precision without being singular, and the regression's
    unconstrained minimum (Lemma 8's w*_t) numerically undefined. ``kind=None`` draws the
    kind.
    """
    if kind is None:
        kind = draw(st.sampled_from(["tabular", "low_dim"]))
    if kind == "tabular":
        return tabular_features(n_states, n_actions)
    if kind != "low_dim":
        raise ValueError(f"kind: {kind!r}; use 'tabular', 'low_dim' or None")
    if not 1 <= min_dim <= max_dim:
        raise ValueError(f"min_dim, max_dim: need 1 <= {min_dim} <= {max_dim}")
    d = draw(st.integers(min_value=min_dim, max_value=max_dim))
    flat = draw(st.lists(unit_floats(min_value=-1.0, max_value=1.0),
                         min_size=n_states * n_actions * d, max_size=n_states * n_actions * d))
    phi = np.array(flat, dtype=np.float64).reshape(n_states, n_actions, d)
    phi[np.abs(phi) < FEATURE_SNAP] = 0.0
    norms = np.linalg.norm(phi, axis=-1, keepdims=True)
    return phi / np.maximum(1.0, norms)


@st.composite
def games(draw, *, min_states: int = 2, max_states: int = 6, min_actions: int = 2,
          max_actions: int = 4, min_gamma: float = 0.1, max_gamma: float = 0.95,
          min_lam: float = 0.05, max_lam: float = 2.0,
          max_transition_coupling: float = 3.0) -> Game:
    """A random game (``mfgcheck.games.random_game``) with rewards in [0, 1] and transitions
    that depend on the mean field.

    Drawn: ``n_states`` in ``[min_states, max_states]``, ``n_actions`` in ``[min_actions,
    max_actions]``, the seed, ``gamma`` in ``[min_gamma, max_gamma]``, ``lam`` in
    ``[min_lam, max_lam]``, ``transition_coupling`` in ``[0.1, max_transition_coupling]``
    (> 0: the transition depends on mu), ``reward_coupling`` in [0, 1], ``logit_scale`` in
    [0.1, 3]. The game is reproducible from ``game.params`` (``random_game(**game.params)``).
    """
    if not 1 <= min_states <= max_states or not 1 <= min_actions <= max_actions:
        raise ValueError("need 1 <= min_states <= max_states and 1 <= min_actions <= max_actions")
    S = draw(st.integers(min_value=min_states, max_value=max_states))
    A = draw(st.integers(min_value=min_actions, max_value=max_actions))
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    gamma = draw(unit_floats(min_value=min_gamma, max_value=max_gamma))
    lam = draw(unit_floats(min_value=min_lam, max_value=max_lam))
    tc = draw(unit_floats(min_value=0.1, max_value=max_transition_coupling))
    rc = draw(unit_floats(min_value=0.0, max_value=1.0))
    scale = draw(unit_floats(min_value=0.1, max_value=3.0))
    return random_game(S, A, seed, gamma=gamma, lam=lam, transition_coupling=tc,
                       reward_coupling=rc, logit_scale=scale)


@st.composite
def registered_games(draw, names: tuple[str, ...] | None = None) -> Game:
    """A game of any registered kind (``mfgcheck.registry``: sis, lq, random, serverless and
    whatever a plugin registers), read from the registry at draw time.

    The kind is drawn from ``names`` (default: every registered game; an unknown name is an
    ``InvalidInputError`` listing the registered ones); the game is then drawn from the kind's
    own strategy (``GameSpec.strategy``, e.g. random games from ``games``) or, for a kind
    without one (the paper's SIS and LQ games, the serverless game), built with its default
    settings. The serverless game needs the ``serverless`` extra (SimPy): without it, the
    default draws leave it out with a warning (asked for by name, it is an ImportError)."""
    from .. import registry

    specs = registry.games()
    if names is None:
        chosen = tuple(n for n, spec in specs.items() if _buildable(spec))
    else:
        chosen = tuple(registry.game(n).name for n in names)
    spec = specs[draw(st.sampled_from(chosen))]
    factory = spec.load_strategy()
    return _default_game(spec) if factory is None else draw(factory())


# name -> (spec, its game at the default settings): one game object per registration, so that
# the checks' per-game caches (the equilibrium, ``trajectory.equilibrium``) serve every draw
_DEFAULT_GAMES: dict[str, tuple[object, Game]] = {}
_UNBUILDABLE: dict[str, object] = {}


def _default_game(spec) -> Game:
    cached = _DEFAULT_GAMES.get(spec.name)
    if cached is None or cached[0] is not spec:    # a new registration under the name
        cached = _DEFAULT_GAMES[spec.name] = (spec, spec.build())
    return cached[1]


def _buildable(spec) -> bool:
    """Whether a game kind can be drawn here: it has a strategy, or its default game builds
    (a missing optional dependency, ImportError, leaves it out with a warning)."""
    if spec.strategy is not None:
        return True
    if _UNBUILDABLE.get(spec.name) is spec:
        return False
    try:
        _default_game(spec)
    except ImportError as exc:
        import warnings

        _UNBUILDABLE[spec.name] = spec   # warned once per registration
        warnings.warn(f"registered_games: game {spec.name!r} left out ({exc}); install its "
                      f"extra to draw it", RuntimeWarning, stacklevel=3)
        return False
    return True


def _case_games(registered: bool, **bounds) -> st.SearchStrategy[Game]:
    """Random games within ``bounds`` (``games``), or with ``registered`` those and, in half
    the draws, a game of any registered kind (``registered_games``; its size is its own)."""
    random = games(**bounds)
    return st.one_of(random, registered_games()) if registered else random


@st.composite
def mean_field_pairs(draw, n_states: int, *, floor: float = 0.0
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Two mean fields ``(mu, mu')`` on ``n_states`` states with ``||mu - mu'||_1 > 0``
    (independent, or one a small move from the other: see ``distribution_pairs``)."""
    pair = draw(distribution_pairs(n_states, floor=floor).filter(
        lambda p: np.abs(p[0] - p[1]).sum() > 1e-9))
    return pair


@dataclass(frozen=True)
class Parameters:
    """Algorithm parameters: discount ``gamma``, entropy weight ``lam``, actor radius ``R``
    and actor step ``eta`` with ``0 < eta lam < 1`` (Lemma 2's hypothesis)."""

    gamma: float
    lam: float
    R: float
    eta: float

    def to_dict(self) -> dict:
        return {"gamma": self.gamma, "lam": self.lam, "R": self.R, "eta": self.eta}


@st.composite
def parameters(draw, *, min_gamma: float = 0.1, max_gamma: float = 0.95,
               min_lam: float = 0.05, max_lam: float = 2.0, min_R: float = 0.1,
               max_R: float = 10.0, max_eta_lam: float = 1.0) -> Parameters:
    """``Parameters(gamma, lam, R, eta)`` with gamma, lam, R in the given closed ranges and
    ``eta = u / lam`` for a drawn ``u`` in ``(0, max_eta_lam)``, so ``0 < eta lam < 1``
    strictly (also after rounding)."""
    if not 0 < max_eta_lam <= 1:
        raise ValueError(f"max_eta_lam: {max_eta_lam} must lie in (0, 1]")
    gamma = draw(unit_floats(min_value=min_gamma, max_value=max_gamma))
    lam = draw(unit_floats(min_value=min_lam, max_value=max_lam))
    R = draw(unit_floats(min_value=min_R, max_value=max_R))
    u = draw(st.floats(min_value=0.0, max_value=max_eta_lam, exclude_min=True,
                       exclude_max=True, allow_subnormal=False))
    eta = u / lam
    while eta * lam >= 1.0:  # rounding can push u/lam*lam up to 1.0
        eta = np.nextafter(eta, 0.0)
    return Parameters(gamma=gamma, lam=lam, R=R, eta=float(eta))


# --- instances of the checks (mfgcheck.properties.instances) -------------------------------
@st.composite
def best_response_cases(draw, *, min_states: int = 2, max_states: int = 6,
                        min_actions: int = 2, max_actions: int = 4,
                        registered: bool = True) -> BestResponseCase:
    """A game and a mean field on its states (Lemma 3). The game is random (``games``,
    within the size bounds) or, with ``registered``, in half the draws a game of any
    registered kind (``registered_games``: the paper's SIS and LQ, the serverless game, a
    plugin's), whatever its size."""
    game = draw(_case_games(registered, min_states=min_states, max_states=max_states,
                            min_actions=min_actions, max_actions=max_actions))
    return BestResponseCase(game, draw(distributions(game.n_states)))


@st.composite
def kl_triples(draw, *, min_size: int = 2, max_size: int = 6,
               min_floor: float = 1e-4) -> KLTriple:
    """``x, y`` with entries >= a drawn ``floor_xy`` and ``z`` >= a drawn ``floor_z``, both
    floors log-uniform in ``[min_floor, 1/n]`` (Lemma 4's hypotheses; the bound is about
    small floors, which a uniform draw would rarely give); ``(x, y)`` from
    ``distribution_pairs`` (independent or close)."""
    n = draw(st.integers(min_value=min_size, max_value=max_size))
    lo, hi = np.log10(min_floor), np.log10(1.0 / n)
    f_xy = float(min(1.0 / n, 10.0 ** draw(unit_floats(min_value=lo, max_value=hi))))
    f_z = float(min(1.0 / n, 10.0 ** draw(unit_floats(min_value=lo, max_value=hi))))
    x, y = draw(distribution_pairs(n, floor=f_xy))
    z = draw(distributions(n, floor=f_z))
    return KLTriple(x, y, z, floor_xy=f_xy, floor_z=f_z)


@st.composite
def mean_field_pair_cases(draw, *, min_states: int = 2, max_states: int = 6,
                          min_actions: int = 2, max_actions: int = 4,
                          registered: bool = True) -> MeanFieldPairCase:
    """A game whose equilibrium the solver certifies (``D`` is weighted by its visitation
    ``d*``) and two distinct mean fields (``mean_field_pairs``) (Lemma 6). Games as in
    ``best_response_cases``."""
    game = draw(_case_games(registered, min_states=min_states, max_states=max_states,
                            min_actions=min_actions, max_actions=max_actions
                            ).filter(_has_equilibrium))
    mu, mu_other = draw(mean_field_pairs(game.n_states))
    return MeanFieldPairCase(game, mu, mu_other)


def _has_equilibrium(game: Game) -> bool:
    from ..numerics import NonConvergenceError
    from .trajectory import equilibrium
    try:
        equilibrium(game)
    except NonConvergenceError:
        return False
    return True


@st.composite
def nac_runs(draw, *, min_states: int = 2, max_states: int = 5, min_actions: int = 2,
             max_actions: int = 3, min_T: int = 5, max_T: int = 30,
             oracle: str | OracleConfig = "exact", feature_kind: str | None = None,
             max_dim: int = 4,
             min_R: float = 0.1, max_R: float = 10.0, min_lam: float = 0.05,
             max_lam: float = 2.0, max_transition_coupling: float = 2.0) -> NACRunCase:
    """A run of Algorithm 1 on a drawn game whose regularised equilibrium the solver
    certifies (games where it does not are filtered out: the trajectory checks need mu*).

    ``R`` in ``[min_R, max_R]``, ``eta = u/lam`` with ``u`` in (0, 1) (``parameters``),
    ``beta`` in [1e-3, 1], ``T`` in ``[min_T, max_T]``, features from ``features``
    (``feature_kind``: ``"tabular"``, ``"low_dim"`` (d <= ``max_dim``) or drawn), ``oracle``
    passed to ``nac_step`` (a mode or an ``OracleConfig``), a drawn seed."""
    game = draw(games(min_states=min_states, max_states=max_states, min_actions=min_actions,
                      max_actions=max_actions, min_lam=min_lam, max_lam=max_lam,
                      max_transition_coupling=max_transition_coupling).filter(_has_equilibrium))
    prm = draw(parameters(min_gamma=game.gamma, max_gamma=game.gamma, min_lam=game.lam,
                          max_lam=game.lam, min_R=min_R, max_R=max_R))
    beta = draw(unit_floats(min_value=1e-3, max_value=1.0))
    T = draw(st.integers(min_value=min_T, max_value=max_T))
    phi = draw(features(game.n_states, game.n_actions, kind=feature_kind, max_dim=max_dim))
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    return NACRunCase(game, phi, R=prm.R, eta=prm.eta, beta=beta, T=T, oracle=oracle, seed=seed)


@st.composite
def policy_cases(draw, *, min_states: int = 1, max_states: int = 6, min_actions: int = 2,
                 max_actions: int = 6) -> PolicyCase:
    """A policy (``policies``) of drawn size."""
    S = draw(st.integers(min_value=min_states, max_value=max_states))
    A = draw(st.integers(min_value=min_actions, max_value=max_actions))
    return PolicyCase(draw(policies(S, A)))


@st.composite
def rate_cases(draw, *, min_states: int = 2, max_states: int = 3, min_actions: int = 2,
               max_actions: int = 2, max_gamma: float = 0.8, policy_floor: float = 0.2,
               n_seeds: int = 8, Ks: tuple[int, ...] = (), R: float = 2.0) -> RateCase:
    """A game, tabular features (realisable critic), a policy with every entry
    ``>= policy_floor`` and a mean field, for Propositions 1 and 2; ``n_seeds`` consecutive
    seeds from a drawn start. The floor and ``gamma <= max_gamma`` keep
    ``omega (1 - gamma)`` away from 0, so that TD's theory steps leave their transient within
    a few thousand iterations (``proposition1``)."""
    game = draw(games(min_states=min_states, max_states=max_states, min_actions=min_actions,
                      max_actions=max_actions, max_gamma=max_gamma))
    floor = min(policy_floor, 1.0 / game.n_actions)
    pi = draw(policies(game.n_states, game.n_actions, floor=floor))
    mu = draw(distributions(game.n_states))
    start = draw(st.integers(min_value=0, max_value=2**31))
    return RateCase(game, tabular_features(game.n_states, game.n_actions), pi, mu, Ks=Ks,
                    seeds=tuple(range(start, start + n_seeds)), R=R)
