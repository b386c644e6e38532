"""Instance families that reach the regimes where the paper's bounds are tight.

A :class:`Family` is a box of named continuous parameters (some on a log scale) and discrete
choices, and ``build(params) -> instance`` (an instance of properties/instances.py). The
hunter (``mfgcheck.hunt``) draws parameters from its seed alone (:meth:`Family.sample`;
:meth:`Family.strategy` gives a Hypothesis strategy for a user's own tests), then refines the
worst instance's continuous parameters with a local optimiser inside the box
(:meth:`Family.to_unit` / :meth:`Family.from_unit`). Every family is public so that a user's
own search can use it.

========================  ====================  ==============================================
family                    instance              regime
========================  ====================  ==============================================
``absorbing``             ``BestResponseCase``  one transient state choosing between absorbing
                                                states with an extreme reward gap; dynamics
                                                and rewards independent of mu (Lemma 3: pi* at
                                                the floor, near-deterministic policies)
``kl_floor``              ``KLTriple``          x, y at the floor alpha1 where z is large and
                                                z at alpha2 where x is large (Lemma 4: the
                                                Lipschitz constant is attained)
``saturating``            ``NACRunCase``        runs whose actor saturates (small radius R,
                                                step eta lam near 1, near-deterministic
                                                policies from sharp rewards): Lemma 2's p_min
                                                and the actor steps of Lemmas 5, 8 at worst
``near_deterministic``    ``NACRunCase``        weak regularisation (lam <= 0.1) and R up to
                                                1000 lam: policies down to exp(-gap/lam)
                                                (Lemmas 1, 5, 8 at small p_min)
``aligned``               ``NACRunCase``        features on one line (``aligned_features``):
                                                theta stays parallel to them, so
                                                ``|theta^T phi| = ||theta|| ||phi||`` (Lemma
                                                2's Cauchy-Schwarz an equality)
``mu_free_runs``          ``NACRunCase``        runs on games whose dynamics and rewards do
                                                not depend on mu: the constants of
                                                Assumptions 2-3 have closed forms
                                                (``exact_constants``), so Lemma 7 can be
                                                checked with its global constants
========================  ====================  ==============================================

``FAMILIES`` maps a claim's instance type name to its families; claims without a family are
searched with their Hypothesis strategy alone (``strategies``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from ..games import Game
from .instances import BestResponseCase, KLTriple

__all__ = ["EDGE", "Family", "absorbing", "kl_floor", "absorbing_game", "FAMILIES",
           "families_for", "exact_constants", "is_mu_independent", "mu_free_runs", "saturating",
           "near_deterministic", "aligned", "aligned_features"]


#: probability that :meth:`Family.sample` puts a continuous parameter at each end of its box
EDGE = 0.1


@dataclass(frozen=True)
class Family:
    """A box of parameters and a builder (module docstring).

    ``continuous``: ``{name: (low, high, log)}``; ``discrete``: ``{name: choices}``."""

    name: str
    instance_type: str
    build: Callable[[Mapping], object]
    continuous: Mapping[str, tuple[float, float, bool]]
    discrete: Mapping[str, tuple] = field(default_factory=dict)
    description: str = ""

    def strategy(self):
        """Hypothesis strategy of parameter dicts (floats inside the box)."""
        from hypothesis import strategies as st

        parts = {}
        for k, (lo, hi, log) in self.continuous.items():
            if log:
                parts[k] = st.floats(math.log(lo), math.log(hi)).map(math.exp)
            else:
                parts[k] = st.floats(lo, hi)
        for k, choices in self.discrete.items():
            parts[k] = st.sampled_from(tuple(choices))
        return st.fixed_dictionaries(parts)

    def sample(self, rng: np.random.Generator) -> dict:
        """Parameters drawn from ``rng`` alone (the hunter's draws; same seed, same draws,
        whatever modules are loaded: Hypothesis mixes the literal constants of loaded local
        modules into its draws, so its draws change when the code does). Each continuous
        parameter is uniform in the box (log-uniform where declared), at its low or high
        end with probability ``EDGE`` each (tight regimes sit at the box's edges); discrete
        ones uniform over their choices."""
        out: dict = {}
        for k, (lo, hi, log) in self.continuous.items():
            u = rng.random()
            x = 0.0 if u < EDGE else 1.0 if u < 2 * EDGE else rng.random()
            out[k] = lo * (hi / lo) ** x if log else lo + (hi - lo) * x
        for k, choices in self.discrete.items():
            out[k] = tuple(choices)[int(rng.integers(len(choices)))]
        return out

    def to_unit(self, params: Mapping) -> np.ndarray:
        """The continuous parameters mapped to [0, 1] (log scale where declared)."""
        out = []
        for k, (lo, hi, log) in self.continuous.items():
            v = float(params[k])
            out.append((math.log(v / lo) / math.log(hi / lo)) if log else (v - lo) / (hi - lo))
        return np.array(out)

    def from_unit(self, u, base: Mapping) -> dict:
        """Parameters from a point of the unit cube (clipped into it), discrete ones from
        ``base``."""
        params = dict(base)
        for x, (k, (lo, hi, log)) in zip(u, self.continuous.items()):
            x = min(max(float(x), 0.0), 1.0)
            params[k] = lo * (hi / lo) ** x if log else lo + (hi - lo) * x
        return params


def absorbing_game(gamma: float, lam: float, gap: float, r0: float = 0.0, n_actions: int = 2,
                   n_bad: int = 1) -> Game:
    """States: 0 transient, 1 absorbing with reward 1, 2.. absorbing with reward ``1 - gap``.

    From state 0, action 0 moves to state 1 and every other action to a bad state (actions
    beyond ``n_bad + 1`` repeat the last bad state); state 0 pays ``r0``. Dynamics and rewards
    do not depend on mu, so the soft best response has a closed form: an absorbing state
    with reward r has V = (r + lam log|A|)/(1 - gamma) and
    pi*(a|0) = softmax(gamma V(next(a))/lam). The gap between the good and a bad action is
    gamma gap/(1 - gamma), so pi*(bad|0) ~ exp(-gamma gap/((1 - gamma) lam)).
    """
    n_bad = max(1, min(int(n_bad), n_actions - 1))
    S, A = 2 + n_bad, int(n_actions)
    P = np.zeros((S, A, S))
    r = np.zeros((S, A))
    for a in range(A):
        P[0, a, 1 if a == 0 else 1 + min(a, n_bad)] = 1.0
    r[0, :] = r0
    for s in range(1, S):
        P[s, :, s] = 1.0
        r[s, :] = 1.0 if s == 1 else 1.0 - gap
    P.setflags(write=False)
    r.setflags(write=False)
    rho = np.zeros(S)
    rho[0] = 1.0
    return Game(
        "absorbing", S, A, gamma, lam, rho,
        transition_fn=lambda mu: np.broadcast_to(P, np.shape(mu)[:-1] + P.shape),
        reward_fn=lambda mu: np.broadcast_to(r, np.shape(mu)[:-1] + r.shape),
        reward_range=(0.0, 1.0),
        params={"gamma": gamma, "lam": lam, "gap": gap, "r0": r0, "n_actions": A,
                "n_bad": n_bad})


def _absorbing_case(p: Mapping) -> BestResponseCase:
    game = absorbing_game(p["gamma"], p["lam"], p["gap"], p["r0"], p["n_actions"],
                          p["n_bad"])
    return BestResponseCase(game, np.full(game.n_states, 1.0 / game.n_states))


absorbing = Family(
    "absorbing", "BestResponseCase", _absorbing_case,
    continuous={"gamma": (0.3, 0.995, False), "lam": (0.02, 2.0, True),
                "gap": (0.0, 1.0, False), "r0": (0.0, 1.0, False)},
    discrete={"n_actions": (2, 3, 4), "n_bad": (1, 2, 3)},
    description="absorbing states with an extreme reward gap, mu-independent dynamics")


def _kl_case(p: Mapping) -> KLTriple:
    """x = (a, 1 - a), y = x moved by ``delta`` toward (1/2, 1/2), z = (1 - b, b), spread
    over ``n`` entries by splitting the large entry (the small entries stay at the floor)."""
    n, a, b, delta = int(p["n"]), p["a"], p["b"], p["delta"]

    def spread(small, k):
        big = 1.0 - small * (n - 1)
        out = np.full(n, small)
        out[k] = big
        return out

    a = min(a, 0.5 / n)
    b = min(b, 0.5 / n)
    x = spread(a, n - 1)
    y = x + delta * (np.full(n, 1.0 / n) - x)
    z = spread(b, 0)
    return KLTriple(x, y / y.sum(), z / z.sum(), floor_xy=a, floor_z=b)


kl_floor = Family(
    "kl_floor", "KLTriple", _kl_case,
    continuous={"a": (1e-12, 0.25, True), "b": (1e-12, 0.25, True),
                "delta": (1e-9, 1.0, True)},
    discrete={"n": (2, 3, 4)},
    description="x, y at the floor where z is large, z at its floor where x is large")

def _tabular_run(p: Mapping):
    """A run of Algorithm 1 with tabular features on a random game (couplings 0 when the
    family has none: a game whose dynamics and rewards do not depend on mu)."""
    from ..games import random_game
    from ..numerics import tabular_features
    from .instances import NACRunCase

    game = random_game(int(p["n_states"]), int(p["n_actions"]), int(p["game_seed"]),
                       gamma=p["gamma"], lam=p["lam"],
                       transition_coupling=p.get("transition_coupling", 0.0),
                       reward_coupling=p.get("reward_coupling", 0.0),
                       logit_scale=p["logit_scale"])
    return NACRunCase(game, tabular_features(game.n_states, game.n_actions), R=p["R"],
                  eta=p["u"] / game.lam, beta=p["beta"], T=int(p["T"]), seed=0)


saturating = Family(
    "saturating", "NACRunCase", _tabular_run,
    continuous={"gamma": (0.1, 0.95, False), "lam": (0.02, 1.0, True),
                "logit_scale": (0.5, 8.0, True), "R": (0.01, 0.5, True),
                "u": (0.5, 0.999, False), "beta": (1e-3, 1.0, True),
                "transition_coupling": (0.0, 2.0, False), "reward_coupling": (0.0, 1.0, False)},
    discrete={"n_states": (2, 3), "n_actions": (2, 3), "game_seed": tuple(range(50)),
              "T": (10, 20, 30)},
    description="actor runs that saturate the radius R with eta lam near 1")

near_deterministic = Family(
    "near_deterministic", "NACRunCase", _tabular_run,
    continuous={"gamma": (0.5, 0.99, False), "lam": (0.002, 0.05, True),
                "logit_scale": (0.5, 8.0, True), "R": (0.5, 5.0, True),
                "u": (0.5, 0.999, False), "beta": (1e-3, 1.0, True),
                "transition_coupling": (0.0, 2.0, False), "reward_coupling": (0.0, 1.0, False)},
    discrete={"n_states": (2, 3), "n_actions": (2, 3), "game_seed": tuple(range(50)),
              "T": (20, 40)},
    description="runs whose policies become near-deterministic: weak regularisation "
                "(lam <= 0.1) and a radius R up to 1000 lam, so theta_t -> w_t/lam puts "
                "probabilities down to exp(-gap/lam) (Lemmas 1, 5, 8 at small p_min)")


def aligned_features(n_states: int, n_actions: int, dim: int, seed: int = 0) -> np.ndarray:
    """Features on one line: ``phi(s, a) = c(s, a) v`` with ``v`` a unit vector of R^dim and
    ``c(s, 0) = 1``, ``c(s, 1) = -1``, other actions' ``c`` drawn from
    ``{0, +-1/4, +-1/2}`` (all from ``seed``): powers of two, so that ``c v`` is exact in
    binary and the features are collinear exactly, as the mpmath replay (replay.py) reads
    them. Every direction the actor moves theta in (``grad log pi`` is a combination of
    features) is along ``v``, so ``theta_t`` stays parallel to every feature from
    ``theta_0 = 0``: ``|theta_t^T phi(s, a)| = ||theta_t|| ||phi(s, a)||`` at the actions with
    ``|c| = 1``, Cauchy-Schwarz in Lemma 2 an equality. (A feature off the line, however
    slightly, lets the actor put its weight there: the advantage it cannot fit along ``v`` is
    fitted by a large weight on the small direction, until the ball binds; products ``c v``
    rounded in float64 are such features for an exact solver, while float64's actor treats
    the tiny eigenvalues as 0.)"""
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(dim)
    v /= np.linalg.norm(v)
    c = rng.choice(np.array([-0.5, -0.25, 0.0, 0.25, 0.5]), size=(n_states, n_actions))
    c[:, 0] = 1.0
    if n_actions > 1:
        c[:, 1] = -1.0
    return c[..., None] * v


def _aligned_run(p: Mapping):
    from ..games import random_game
    from .instances import NACRunCase

    game = random_game(int(p["n_states"]), int(p["n_actions"]), int(p["game_seed"]),
                       gamma=p["gamma"], lam=p["lam"],
                       transition_coupling=p["transition_coupling"],
                       reward_coupling=p["reward_coupling"], logit_scale=p["logit_scale"])
    phi = aligned_features(game.n_states, game.n_actions, int(p["dim"]),
                           seed=int(p["game_seed"]))
    return NACRunCase(game, phi, R=p["R"], eta=p["u"] / game.lam, beta=p["beta"], T=int(p["T"]),
                  seed=0)


aligned = Family(
    "aligned", "NACRunCase", _aligned_run,
    continuous={"gamma": (0.1, 0.95, False), "lam": (0.02, 1.0, True),
                "logit_scale": (0.5, 8.0, True), "R": (0.01, 2.0, True),
                "u": (0.5, 0.999, False), "beta": (1e-3, 1.0, True),
                "transition_coupling": (0.0, 2.0, False), "reward_coupling": (0.0, 1.0, False)},
    discrete={"n_states": (2, 3), "n_actions": (2, 3), "dim": (1, 2, 3),
              "game_seed": tuple(range(50)), "T": (10, 20, 30)},
    description="features on one line (aligned_features): theta stays parallel to them, so "
                "|theta^T phi| = ||theta|| ||phi|| (Lemma 2's Cauchy-Schwarz an equality)")

FAMILIES: dict[str, tuple[Family, ...]] = {
    "BestResponseCase": (absorbing,),
    "KLTriple": (kl_floor,),
    "NACRunCase": (saturating, near_deterministic, aligned),
}


def families_for(instance_type: str) -> tuple[Family, ...]:
    """The tight-regime families for an instance type (empty if none)."""
    return FAMILIES.get(instance_type, ())


# -- games whose dynamics and rewards do not depend on mu: exact global constants ------------
def is_mu_independent(game, trials: int = 3, seed: int = 0) -> bool:
    """Whether ``P(.|s, a, mu)`` and ``r(s, a, mu)`` are the same at ``rho``, uniform and a
    few random mean fields (exactly, bit for bit)."""
    rng = np.random.default_rng(seed)
    S = game.n_states
    fields = [game.rho, np.full(S, 1.0 / S)] + [rng.dirichlet(np.ones(S)) for _ in range(trials)]
    P0, r0 = game.transition(fields[0]), game.reward(fields[0])
    return all(np.array_equal(game.transition(m), P0) and np.array_equal(game.reward(m), r0)
               for m in fields[1:])


def exact_constants(game) -> dict:
    """Assumptions 2-3's constants of a game whose dynamics and rewards do not depend on mu,
    in closed form (so they are the suprema the paper means, not lower estimates):

    - ``d1 = 0``: ``Gamma1(mu)`` is the same soft best response ``pi*`` for every mu;
    - ``d2 = max_s max_{a,b} ||P(.|s,a) - P(.|s,b)||_1 / (2 d*(s))``: the exact supremum for
      a given mu is ``max_s mu(s)/(2 d*(s)) max_{a,b}||...||_1``
      (numerics.assumption_constants), maximal at the point mass on the maximising s;
    - ``d3 = max_{s,s',a,b} ||P(.|s,a) - P(.|s',b)||_1 / 2``: the Dobrushin coefficient of
      ``P_pi``, maximised over policies (convex in each row, so at deterministic ones);
    - ``C1 = C2 = 1``: ``d*_mu = d^{pi*}`` does not depend on mu, so ``d*_mu = d*``.

    ``d*`` is the discounted visitation of the equilibrium policy from rho. Raises
    ``ValueError`` if the game's dynamics or rewards depend on mu."""
    from ..numerics import mdp, solve_equilibrium

    if not is_mu_independent(game):
        raise ValueError(f"game {game.name}: dynamics or rewards depend on mu; the closed "
                         "forms of exact_constants do not apply")
    P = game.transition(game.rho)
    eq = solve_equilibrium(game)
    dstar = mdp.discounted_visitation(P, eq.policy, game.rho, game.gamma)
    pair = np.abs(P[:, :, None, :] - P[:, None, :, :]).sum(-1)          # (S, A, A)
    d2 = float((pair.max(axis=(1, 2)) / (2.0 * dstar)).max())
    rows = P.reshape(-1, P.shape[-1])
    d3 = float(0.5 * np.abs(rows[:, None, :] - rows[None, :, :]).sum(-1).max())
    return {"d1": 0.0, "d2": d2, "d3": d3, "C1": 1.0, "C2": 1.0, "d_star": dstar.tolist()}


mu_free_runs = Family(
    "mu_free_runs", "NACRunCase", _tabular_run,
    continuous={"gamma": (0.1, 0.95, False), "lam": (0.05, 2.0, True),
                "logit_scale": (0.1, 5.0, True), "R": (0.1, 10.0, True),
                "u": (0.01, 0.99, False), "beta": (1e-3, 1.0, True)},
    discrete={"n_states": (2, 3), "n_actions": (2, 3), "game_seed": tuple(range(50)),
              "T": (5, 10, 20)},
    description="runs of Algorithm 1 on games whose dynamics and rewards do not depend on "
                "mu: every constant of Assumptions 2-3 has a closed form (exact_constants)")
