"""Estimates of the constants of Assumptions 1-3 (d0, d1, d2, d3, C1, C2, C3) for any game.

The assumptions (docs/conventions.md, reconstructed from where the appendix invokes them), with
``d*`` the visitation of the equilibrium ``(pi*, mu*)``, ``D(pi, pi') = E_{s~d*}||pi(.|s) -
pi'(.|s)||_1``, ``Gamma1`` the soft best response, ``d*_mu = d^{Gamma1(mu)}_mu``:

- A1 (d0): ``E_{d*}[|d*_{mu'}(s) - d*_mu(s)|/d*(s)] = ||d*_{mu'} - d*_mu||_1 <= d0 ||mu - mu'||_1``
  and ``D(Gamma1(mu), Gamma1(mu')) <= d0 ||mu - mu'||_1``;
- A2 (C1, C2, C3), along Algorithm 1's iterates ``(pi_t, mu_t)``: ``d*_{mu_t}(s)/d*(s) <= C1``;
  ``E_{d*_{mu_t}}[(d*/d*_{mu_t})^2] <= C2^2``; ``d*_{mu_t}(s)/d^{pi_t}_{mu_t}(s) <= C3``;
- A3: ``D(Gamma1(mu), Gamma1(mu')) <= d1 ||mu - mu'||_1``;
  ``||Gamma2(pi, mu) - Gamma2(pi', mu)||_1 <= d2 D(pi, pi')``;
  ``||Gamma2(pi, mu) - Gamma2(pi, mu')||_1 <= d3 ||mu - mu'||_1``; ``d_bar = 1 - d1 d2 - d3``.

Each constant is the supremum of a ratio; every ratio we evaluate is a valid **lower bound**
on it. The estimate is the largest ratio found by a search whose budget is returned:

- d0, d1, d3 (pairs of mean fields): ``n_pairs`` random pairs (a third independent
  Dirichlet(1), a third sparse Dirichlet(0.2), a third close pairs ``mu' = mu + small
  move``), then ``refine_steps`` hill-climbing moves from each of the ``top_k`` best pairs.
- d2 (one mean field): the supremum over policy pairs is exact for a given ``mu``: the
  D-unit ball is the convex hull of single-state moves ``(e_a - e_b)/(2 d*(s))`` and the
  numerator is convex, so ``d2(mu) = max_s mu(s)/(2 d*(s)) max_{a,b}||P(.|s,a,mu) -
  P(.|s,b,mu)||_1``; the search is over ``mu`` (random, then hill climbing).
- d3: for a pair ``(mu, mu')`` the numerator is convex in ``pi``, so its maximum is at a
  deterministic policy: enumerated when ``|A|^|S| <= 4096``, otherwise coordinate ascent from
  the greedy actions of both best responses (a lower bound).
- C1, C2, C3 are defined along Algorithm 1's trajectory (docs/conventions.md A2): with ``visited``
  (a list of ``(pi_t, mu_t)``) they are the maxima over it, and d0 is taken over the
  consecutive pairs ``(mu_t, mu_{t+1})`` as in Lemma 5 (d1, d2, d3 still over the simplex).
  Without it, over ``n_pairs`` points drawn around the equilibrium
  (``mu = (1-e) mu* + e nu``, ``pi = (1-e) pi* + e pi_random``, ``e`` uniform in
  ``[0, radius]``).

Everything exact on the game as given (use ``game.normalised()`` for the theory's setting).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from .._validate import check_int, check_number
from ..progress import progress as progress_bar
from . import compiled, mdp
from .equilibrium import Equilibrium, solve_equilibrium

ENUMERATION_LIMIT = 4096
CONSTANTS = ("d0", "d1", "d2", "d3", "C1", "C2", "C3")


@dataclass(frozen=True)
class AssumptionConstants:
    """Estimated constants (lower bounds), whether ``d1 d2 + d3 < 1`` (Lemma 6's contraction),
    the search budget, and for each constant the instance that attained it (``argmax``:
    mean fields / policies as lists)."""

    game: str
    d0: float
    d1: float
    d2: float
    d3: float
    C1: float
    C2: float
    C3: float
    budget: dict = field(default_factory=dict)
    argmax: dict = field(default_factory=dict)

    @property
    def lipschitz_Lambda(self) -> float:
        """``d1 d2 + d3``, Lemma 6's Lipschitz constant of Lambda."""
        return self.d1 * self.d2 + self.d3

    @property
    def d_bar(self) -> float:
        """``1 - d1 d2 - d3`` (Lemma 7 needs it > 0)."""
        return 1.0 - self.lipschitz_Lambda

    @property
    def contraction(self) -> bool:
        return self.lipschitz_Lambda < 1.0

    def values(self) -> dict:
        return {k: getattr(self, k) for k in CONSTANTS}

    def to_dict(self) -> dict:
        out = asdict(self)
        out.update(lipschitz_Lambda=self.lipschitz_Lambda, d_bar=self.d_bar,
                   contraction=self.contraction)
        return out


# --- exact pieces (batched over leading axes) ----------------------------------------------
class _Model:
    """Exact Gamma1, visitations and Gamma2 pieces for batches of mean fields."""

    def __init__(self, game, eq: Equilibrium):
        self.game = game
        self.eq = eq
        P = game.transition(eq.mean_field)
        self.dstar = mdp.discounted_visitation(P, eq.policy, game.rho, game.gamma)
        self.evaluations = 0

    def best(self, mus: np.ndarray):
        """(pi* = Gamma1(mu), d*_mu, P, err) for a batch of mean fields (N, S); ``err``
        bounds ``||pi(.|s) - Gamma1(mu)(.|s)||_1`` for every state and mean field of the batch
        (``policy_error``)."""
        g = self.game
        P, r = g.transition_at(mus), g.reward_at(mus)
        pi, _, _, residual, _ = mdp.soft_policy_iteration(P, r, g.gamma, g.lam, tol=1e-12)
        d = mdp.discounted_visitation(P, pi, g.rho, g.gamma)
        self.evaluations += len(mus)
        return pi, d, P, policy_error(residual, g.gamma, g.lam, g.n_states)

    def D(self, pi1, pi2) -> np.ndarray:
        return (self.dstar * np.abs(pi1 - pi2).sum(-1)).sum(-1)

    def d2(self, mus, P) -> np.ndarray:
        return policy_lipschitz_sup(P, mus, self.dstar)

    def d3_numerator(self, mu, mu2, P1, P2, pi_starts) -> tuple[float, np.ndarray]:
        return mean_field_gap_sup(mu, mu2, P1, P2, pi_starts)


def policy_error(residual: float, gamma: float, lam: float, n_states: int) -> float:
    """A bound on ``||pi(.|s) - Gamma1(mu)(.|s)||_1`` for the policy ``pi = softmax(Q/lam)``
    that soft policy iteration returns with Bellman residual ``residual = max|T V - V|`` (``V``,
    ``Q`` the values of the policy evaluated last): ``||V - V*|| <= residual/(1 - gamma)``, so
    ``||Q - Q*|| <= gamma residual/(1 - gamma)``, and softmax moves by at most
    ``2 ||dQ||_inf / lam`` in l1; plus the rounding of the solves (``64 S eps``)."""
    return (2.0 * gamma * residual / ((1.0 - gamma) * lam)
            + 64 * n_states * float(np.finfo(float).eps))


def policy_lipschitz_sup(P, mu, dstar) -> np.ndarray:
    """``sup_{pi != pi'} ||Gamma2(pi, mu) - Gamma2(pi', mu)||_1 / D(pi, pi')``, exactly:
    ``max_s mu(s)/(2 d*(s)) max_{a,b} ||P(.|s,a,mu) - P(.|s,b,mu)||_1`` (module docstring).
    ``P`` (..., S, A, S) at ``mu`` (..., S); ``dstar`` (S,)."""
    lead = P.shape[:-3]
    if lead and not any(P.strides[:len(lead)]):
        # one kernel broadcast over the batch (a game whose transition does not depend on
        # mu): its spread once, the same bits
        P = P[(0,) * len(lead)]
    spread = np.abs(P[..., :, :, None, :] - P[..., :, None, :, :]).sum(-1)  # (..., S, A, A)
    worst = np.broadcast_to(spread.max(axis=(-1, -2)), lead + P.shape[-3:-2])  # (..., S)
    return (mu / (2.0 * dstar) * worst).max(-1)


def mean_field_gap_sup(mu, mu2, P1, P2, pi_starts=()) -> tuple[float, np.ndarray]:
    """``max_pi ||Gamma2(pi, mu) - Gamma2(pi, mu')||_1`` over deterministic policies (the
    maximum over all policies: the norm is convex in pi). Enumerated when
    ``|A|^|S| <= 4096``; otherwise coordinate ascent from the greedy actions of each policy
    in ``pi_starts`` (a lower bound). Returns ``(value, actions)``."""
    M = mu[:, None, None] * P1 - mu2[:, None, None] * P2    # (S, A, S)
    S, A = M.shape[:2]
    if A**S <= ENUMERATION_LIMIT:
        total = np.zeros((1, S))
        for s in range(S):  # all A^S sums, built state by state
            total = (total[:, None, :] + M[s][None, :, :]).reshape(-1, S)
        norms = np.abs(total).sum(-1)
        k = int(norms.argmax())
        return float(norms[k]), np.array(np.unravel_index(k, (A,) * S))
    best_val, best_act = -1.0, None
    fast = compiled.use_compiled()
    M = np.ascontiguousarray(M, dtype=np.float64)
    for start in (*pi_starts, np.eye(A)[np.zeros(S, int)]):
        act = np.asarray(start).argmax(-1)
        val = (float(compiled.coordinate_ascent(M, act)) if fast       # the same bits
               else _coordinate_ascent(M, act))
        if val > best_val:
            best_val, best_act = val, act.copy()
    assert best_act is not None               # val >= 0 > best_val at the first start
    return best_val, best_act


def _coordinate_ascent(M, act) -> float:
    """Coordinate ascent over states from the actions ``act`` (in place): a local max of the
    convex ``sum_t |sum_s M[s, act[s], t]|``; the reference of ``compiled.coordinate_ascent``."""
    S = M.shape[0]
    val = float(np.abs(M[np.arange(S), act].sum(0)).sum())
    improved = True
    while improved:
        improved = False
        for s in range(S):
            base = M[np.arange(S), act].sum(0) - M[s, act[s]]
            cand = np.abs(base[None, :] + M[s]).sum(-1)
            a = int(cand.argmax())
            if cand[a] > val + 1e-15:
                act[s], val, improved = a, float(cand[a]), True
    return val


def _dirichlet(rng, n, S, alpha):
    return rng.dirichlet(np.full(S, alpha), size=n)


def _pair_ratios(model: _Model, mus, mus2) -> dict[str, np.ndarray]:
    """The ratios of d1, d0 and d3 for pairs of mean fields. The numerators of d1 and d0 are
    computed from best responses known to ``err`` (``policy_error``): each is lowered by its
    error bound (``D``: ``err1 + err2``; the visitations: ``gamma/(1 - gamma)`` times that,
    since ``||d^pi - d^pi'||_1 <= gamma/(1 - gamma) max_s ||pi(.|s) - pi'(.|s)||_1``), so
    every ratio stays a lower bound on the supremum even for pairs closer than the best
    responses' accuracy (consecutive iterates of a run that has converged: their raw ratio
    is noise: it was read as d0 = 91 on the quick report's random 5x3 game, where the search
    over the simplex finds 0.23). ``d0_raw``: d0's ratio without the lowering."""
    pi1, d1v, P1, e1 = model.best(mus)
    pi2, d2v, P2, e2 = model.best(mus2)
    gamma = model.game.gamma
    dist = np.abs(mus - mus2).sum(-1)
    D = model.D(pi1, pi2)
    visit = np.abs(d1v - d2v).sum(-1)
    d3 = np.array([model.d3_numerator(mus[i], mus2[i], P1[i], P2[i], (pi1[i], pi2[i]))[0]
                   for i in range(len(mus))])

    def over_dist(x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(dist > 0, x / dist, 0.0)

    err = e1 + e2
    r_d1 = over_dist(np.maximum(D - err, 0.0))
    r_visit = over_dist(np.maximum(visit - gamma / (1 - gamma) * err, 0.0))
    return {"d1": r_d1, "d0": np.maximum(r_d1, r_visit), "d3": over_dist(d3),
            "d0_raw": over_dist(np.maximum(D, visit))}


def _hill_climb(score, x0: np.ndarray, rng, steps: int):
    """Maximise ``score`` (a function of a batch of points) from ``x0`` by random mixing
    moves on the simplex; the step halves after 5 failures in a row."""
    x, best = x0.copy(), float(score(x0[None])[0])
    size, fails = 0.2, 0
    for _ in range(steps):
        nu = rng.dirichlet(np.ones(x.shape[-1]), size=x.shape[:-1] if x.ndim > 1 else None)
        cand = (1 - size) * x + size * nu
        if x.ndim > 1 and rng.random() < 0.3:   # pull the pair together: the local regime
            cand = x.copy()
            cand[1] = (1 - size) * x[1] + size * x[0]
        val = float(score(cand[None])[0])
        if val > best:
            x, best, fails = cand, val, 0
        else:
            fails += 1
            if fails >= 5:
                size, fails = max(size / 2, 1e-6), 0
    return x, best


def assumption_constants(game, *, visited=None, equilibrium: Equilibrium | None = None,
                         n_pairs: int = 256, refine_steps: int = 60, top_k: int = 4,
                         radius: float = 0.1, seed: int = 0,
                         progress: bool = False) -> AssumptionConstants:
    """Estimate d0..d3 and C1..C3 of ``game`` (module docstring) and whether d1 d2 + d3 < 1.

    ``visited``: optional list of ``(pi_t, mu_t)`` from a run of Algorithm 1 (C1..C3 and d0
    are then measured along it). ``equilibrium``: a solved equilibrium (solved here if not
    given). Same arguments and seed => the same numbers.
    """
    n_pairs = check_int("n_pairs", n_pairs, minimum=3)
    refine_steps = check_int("refine_steps", refine_steps, minimum=0)
    top_k = check_int("top_k", top_k, minimum=1)
    radius = check_number("radius", radius, ge=0.0, le=1.0)
    seed = check_int("seed", seed, minimum=0)
    eq = equilibrium if equilibrium is not None else solve_equilibrium(game)
    model = _Model(game, eq)
    rng = np.random.default_rng(seed)
    S = game.n_states
    # Seven stages: the pair draws, d0, d1, d3, d2, C1..C3, and d0 along the visited run.
    bar = progress_bar(total=7, desc=f"assumption constants ({game.name})", enabled=progress)
    argmax: dict[str, dict] = {}

    # d0, d1, d3 over pairs of mean fields.
    k = n_pairs // 3
    mus = np.concatenate([_dirichlet(rng, k, S, 1.0), _dirichlet(rng, k, S, 0.2),
                          _dirichlet(rng, n_pairs - 2 * k, S, 1.0)])
    mus2 = np.concatenate([_dirichlet(rng, k, S, 1.0), _dirichlet(rng, k, S, 0.2),
                           np.zeros((n_pairs - 2 * k, S))])
    eps = 10.0 ** rng.uniform(-4, -1, size=n_pairs - 2 * k)[:, None]
    mus2[2 * k:] = (1 - eps) * mus[2 * k:] + eps * _dirichlet(rng, n_pairs - 2 * k, S, 1.0)
    ratios = _pair_ratios(model, mus, mus2)
    bar.update()
    best = {}
    for name in ("d0", "d1", "d3"):
        order = np.argsort(ratios[name])[::-1][:top_k]
        cands = []
        for i in order:
            x, val = _hill_climb(lambda b, n=name: _pair_ratios(model, b[:, 0], b[:, 1])[n],
                                 np.stack([mus[i], mus2[i]]), rng, refine_steps)
            cands.append((val, x))
        val, x = max(cands, key=lambda c: c[0])
        best[name] = val
        argmax[name] = {"mu": x[0].tolist(), "mu_other": x[1].tolist()}
        bar.update()

    # d2 over single mean fields (exact in the policies).
    def d2_score(b):
        return model.d2(b, game.transition_at(b))

    singles = np.concatenate([mus, _dirichlet(rng, n_pairs, S, 0.2)])
    scores = d2_score(singles)
    cands = [_hill_climb(d2_score, singles[i], rng, refine_steps)
             for i in np.argsort(scores)[::-1][:top_k]]
    x, val = max(cands, key=lambda c: c[1])
    best["d2"] = val
    argmax["d2"] = {"mu": x.tolist()}
    bar.update()

    # C1, C2, C3: along the visited pairs, or around the equilibrium.
    if visited is not None:
        pis = np.stack([np.asarray(p, float) for p, _ in visited])
        vmus = np.stack([np.asarray(m, float) for _, m in visited])
        source = f"visited ({len(visited)} pairs)"
    else:
        e = rng.uniform(0, radius, size=(n_pairs, 1))
        vmus = (1 - e) * eq.mean_field + e * _dirichlet(rng, n_pairs, S, 1.0)
        e2 = rng.uniform(0, radius, size=(n_pairs, 1, 1))
        rand_pi = rng.dirichlet(np.ones(game.n_actions), size=(n_pairs, S))
        pis = (1 - e2) * eq.policy + e2 * rand_pi
        source = f"around the equilibrium ({n_pairs} draws, radius {radius})"
    _, dmu, P, _ = model.best(vmus)
    dpi = mdp.discounted_visitation(P, pis, game.rho, game.gamma)
    c1 = (dmu / model.dstar).max(-1)
    c2 = np.sqrt((model.dstar**2 / dmu).sum(-1))
    c3 = (dmu / dpi).max(-1)
    for name, vals in (("C1", c1), ("C2", c2), ("C3", c3)):
        i = int(np.argmax(vals))
        best[name] = float(vals[i])
        argmax[name] = {"mu": vmus[i].tolist(), "policy": pis[i].tolist()}
    bar.update()
    if visited is not None and len(visited) > 1:
        ratios = _pair_ratios(model, vmus[:-1], vmus[1:])
        r = ratios["d0"]
        i = int(np.argmax(r))
        best["d0"] = float(r[i])
        argmax["d0"] = {"mu": vmus[i].tolist(), "mu_other": vmus[i + 1].tolist(),
                        "t": i, "raw_ratio": float(ratios["d0_raw"][i])}
    bar.update()  # the visited-run stage counts even when there is no run to measure
    bar.close()
    budget = {"pairs": n_pairs, "refine_steps": refine_steps, "top_k": top_k,
              "radius": radius, "seed": seed, "best_response_evaluations": model.evaluations,
              "C_source": source,
              "d0_source": "consecutive visited pairs" if visited is not None else "simplex",
              "d3_policies": "enumerated" if game.n_actions**S <= ENUMERATION_LIMIT
              else "coordinate ascent (lower bound)"}
    return AssumptionConstants(game=game.name, **{k: float(best[k]) for k in CONSTANTS},
                               budget=budget, argmax=argmax)
