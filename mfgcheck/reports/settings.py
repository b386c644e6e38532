"""Report profiles: every parameter of every experiment, in one place, recorded in results.json.

Three profiles:

- ``quick`` (``make report``): exact-oracle rate sweeps with T in {1e2, 3e2, ..., 1e5} on SIS
  and a random game, up to 3e4 on LQ, a small sampled-oracle grid (5 seeds), the paper's
  Figures 1 and 2 (exact oracle; sampled oracle with 10 seeds), the lemma checks on a budget.
  About 82 s of CPU (docs/report.md, Timings: at least 41 s on 2 free cores).
- ``full`` (on demand): T up to 1e6 with the exact oracle, a larger sampled grid on two games,
  longer paper runs with K = 300, more property examples; every setting of ``quick`` on
  grids at least as large (about 378 s of CPU, docs/report.md).
- ``test``: the smallest profile that exercises every part (T in {30, 100, 300}, SIS only);
  the test suite uses it.

Theorem 1's step sizes (appendix B.3; ``theory.step_sizes``): ``eta = c_eta T^(-2/5) /
lam``, ``beta = c_beta T^(-4/5)``, constant over a run of length T. ``lam`` is the lam of the
game the theory is applied to: the normalised game (rewards in [0, 1], docs/conventions.md)
when ``normalise`` is set. NAC with these step sizes is invariant under the normalisation
(``eta lam`` is unchanged and the advantage scales with the reward), so normalising changes
the constants of the bound, not the runs.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace

from ..theory import step_sizes

GRID_QUICK_SIS = (100, 300, 1_000, 3_000, 10_000, 30_000, 100_000)
GRID_FULL = (100, 300, 1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000)


@dataclass(frozen=True)
class GameSetting:
    """A game of a report profile: a registered game's name (``mfgcheck.registry``) and the
    settings passed to its builder; ``normalise`` applies ``Game.normalised()`` (the theory
    assumes rewards in [0, 1])."""

    name: str
    kwargs: dict = field(default_factory=dict)
    normalise: bool = True
    label: str = ""

    def build(self):
        from ..registry import build_game

        g = build_game(self.name, **self.kwargs)
        return g.normalised() if self.normalise else g

    @property
    def title(self) -> str:
        return self.label or self.name


@dataclass(frozen=True)
class RateSetting:
    """One Theorem 1 rate sweep: Algorithm 1 on ``game`` for every T in ``T`` and seed.

    ``oracle``: ``exact`` (deterministic: one seed suffices, and the seeds list is then
    ``(0,)``) or ``sampled`` (Algorithms 2 and 3 with ``oracle_kwargs``; seeds matter).
    ``features``: ``tabular`` (eps_approx = 0 unless the ball ||w|| <= R binds) or
    ``random:<dim>`` (random features of that dimension, seed 0). ``R`` is the radius of the
    actor's ball (Lemma 2: ||theta_t|| <= R/lam); ``None`` takes algorithms' default
    (``engine.default_radius``: large enough that the exact tabular actor never meets the
    constraint, so eps_total = 0 with the exact oracle). ``c_eta``, ``c_beta``: the O(.)
    constants of Theorem 1's steps, by default ``theory.step_sizes``' (which says why).
    """

    id: str
    game: GameSetting
    oracle: str
    T: tuple[int, ...]
    seeds: tuple[int, ...] = (0,)
    c_eta: float = step_sizes.C_ETA
    c_beta: float = step_sizes.C_BETA
    R: float | None = None
    features: str = "tabular"
    oracle_kwargs: dict = field(default_factory=dict)
    bootstrap: int = 2000
    constants_budget: int = 64  # pairs searched by assumption_constants (d1, d2, d3)
    K_schedule: tuple[float, float, float] | None = None  # (k_critic, k_actor, p): below

    def eta(self, T: int, lam: float) -> float:
        return step_sizes.eta(T, lam, self.c_eta)

    def oracle_kwargs_at(self, T: int) -> dict:
        """``oracle_kwargs`` with, when ``K_schedule = (k_c, k_a, p)`` is set, ``K_critic =
        ceil(k_c T^p)`` and ``K_actor = ceil(k_a T^(2p))``: Proposition 1's critic error is
        O(1/K_critic) and Proposition 2's actor error O(1/sqrt(K_actor)), so both shrink like
        T^-p and eps_total = O(T^-p); Theorem 1's sqrt(eps_total^(1/2)) term is then
        O(T^(-p/4)), below the T^(-1/5) term when p >= 4/5."""
        kw = dict(self.oracle_kwargs)
        if self.K_schedule is not None:
            kc, ka, p = self.K_schedule
            kw.update(K_critic=math.ceil(kc * T ** p), K_actor=math.ceil(ka * T ** (2 * p)))
        return kw

    def beta(self, T: int) -> float:
        return step_sizes.beta(T, self.c_beta)


@dataclass(frozen=True)
class PaperSetting:
    """One panel of appendix D's Figures 1-2: NAC (single loop) and DL-NAC on one game with
    the paper's step sizes, ``seeds`` runs each, exploitability against iterations.

    DL-NAC runs ``segments`` segments of ``iterations / segments`` policy updates (the total
    equals NAC's ``iterations``). ``oracle`` and ``oracle_kwargs`` are the same for both
    algorithms (the paper's critic step size is 0.001). The exact oracle is deterministic:
    its panels use one seed."""

    id: str
    figure: str
    game: GameSetting
    iterations: int
    nac_eta: float
    nac_beta: float
    dl_eta: float
    segments: int
    seeds: tuple[int, ...]
    oracle: str = "sampled"
    oracle_kwargs: dict = field(default_factory=dict)
    R: float | None = None
    features: str = "tabular"
    record_every: int = 10


@dataclass(frozen=True)
class AblationSetting:
    """The sampled-oracle ablation (``algorithms.ablation``): the variants whose label is in
    ``variants`` (empty: all), ``seeds`` runs each, ``iterations`` of the baseline's schedule
    (Theorem 1's steps for its T); ``overrides`` change the baseline (a small K in tests)."""

    game: GameSetting
    seeds: tuple[int, ...]
    iterations: int
    variants: tuple[str, ...] = ()
    overrides: dict = field(default_factory=dict)


@dataclass(frozen=True)
class LemmaSetting:
    """The property checks of properties/: ``examples`` Hypothesis examples per claim
    (derandomised, so the table is reproducible)."""

    examples: int = 25
    claims: tuple[str, ...] = ()  # empty = every claim properties/ provides


@dataclass(frozen=True)
class AssumptionSetting:
    """Assumption constants (numerics.assumption_constants) per game, with a search
    ``budget`` (pairs of mean fields sampled)."""

    games: tuple[GameSetting, ...]
    budget: int = 200
    seed: int = 0


@dataclass(frozen=True)
class Profile:
    name: str
    rate: tuple[RateSetting, ...]
    paper: tuple[PaperSetting, ...]
    lemmas: LemmaSetting
    assumptions: AssumptionSetting
    bootstrap_seed: int = 0
    description: str = ""
    ablation: AblationSetting | None = None

    def to_dict(self) -> dict:
        return asdict(self)


# -- games ------------------------------------------------------------------------------
SIS = GameSetting("sis", {"gamma": 0.9, "lam": 0.1}, normalise=True, label="SIS")
LQ = GameSetting("lq", {"gamma": 0.9, "lam": 1.0}, normalise=True, label="LQ")
# A random game whose couplings are weak enough for Assumption 3's contraction
# (d1 d2 + d3 < 1, estimated): the one setting where the explicit bound (16)-(17) is defined.
RANDOM = GameSetting("random", {"n_states": 5, "n_actions": 3, "seed": 0, "gamma": 0.9,
                             "lam": 0.2, "logit_scale": 0.5, "transition_coupling": 0.3,
                             "reward_coupling": 0.3}, normalise=True, label="random 5x3")
# The paper's experiments run the games as stated (rewards not normalised): the figures
# show the exploitability of the game the paper describes.
SIS_RAW = replace(SIS, normalise=False)
LQ_RAW = replace(LQ, normalise=False)


def game_setting(name: str, **settings) -> GameSetting:
    """The setting the command line runs a registered game with: this module's for the games
    the profiles run (SIS, LQ, RANDOM, normalised), the registry's defaults for any other;
    ``settings`` override the builder's keyword arguments (``--n-states 50``). The label is
    kept only while the size and seed are the profile's."""
    from ..registry import game

    game(name)  # an unknown name is an error listing the registered games
    base = {g.name: g for g in (SIS, LQ, RANDOM)}.get(name, GameSetting(name, {}))
    label = base.label if not {"n_states", "n_actions", "seed"} & set(settings) else ""
    return GameSetting(name, {**base.kwargs, **settings}, normalise=base.normalise,
                       label=label)

# The quick profile's ablation: every factor except K = 10000 (the full profile has it).
ABLATION_QUICK = ("baseline", "critic step: Proposition 1 (exact omega)",
                  "critic init: warm start", "K = 100",
                  "actor step: constant 0.03 (~10x Prop. 2)", "actor: exact minimiser",
                  "features: random, full rank", "critic: exact (reference)")
SAMPLED_RATE = {"K_critic": 100, "K_actor": 100, "critic_step": 0.05}
PAPER_SAMPLED = {"K_critic": 100, "K_actor": 100, "critic_step": 0.001}
# Appendix D's implementation (algorithms.practical): the paper's critic step 0.001, the critic
# carried across iterations, K = 1000 transitions per oracle call.
PAPER_PRACTICAL = {"K_critic": 1000, "K_actor": 1000, "critic_step": 0.001}
# The sampled rate with K growing with T (RateSetting.oracle_kwargs_at): K_critic = 10 T^0.8,
# K_actor = T^1.6 / 10, so eps_total = O(T^-0.8) and the eps term is O(T^-0.2); the critic
# warm-started (the ablation: from psi_0 = 0 every iteration it locks in whatever K).
K_GROWING = (10.0, 0.1, 0.8)


# The sampled rate with K growing with T, in both the quick and the full profile (its K grows
# like T^1.6 for the actor: a longer grid would cost minutes per run).
SIS_GROWING_K = RateSetting("sis-sampled-growing-K", SIS, "sampled", (30, 100, 300),
                            seeds=tuple(range(5)),
                            oracle_kwargs={**SAMPLED_RATE, "critic_init": "warm"},
                            K_schedule=K_GROWING)


def _paper(seeds, exact_iterations, sampled_iterations, segments, sampled_kwargs,
           record_every):
    """Figures 1 (SIS) and 2 (LQ): an exact-oracle panel (deterministic, one seed) and a
    sampled-oracle panel (the paper's critic step 0.001, ``seeds`` seeds) for each;
    ``*_iterations`` are (SIS, LQ)."""
    out = []
    for k, (fig, tag, spec, eta, beta) in enumerate((
            ("Figure 1", "fig1-sis", SIS_RAW, 0.05, 0.01),
            ("Figure 2", "fig2-lq", LQ_RAW, 0.1, 0.05))):
        out.append(PaperSetting(f"{tag}-exact", fig, spec, exact_iterations[k], nac_eta=eta,
                                nac_beta=beta, dl_eta=eta, segments=segments, seeds=(0,),
                                oracle="exact", record_every=record_every))
        out.append(PaperSetting(f"{tag}-sampled", fig, spec, sampled_iterations[k],
                                nac_eta=eta, nac_beta=beta, dl_eta=eta, segments=segments,
                                seeds=seeds, oracle="sampled", oracle_kwargs=sampled_kwargs,
                                record_every=record_every))
        out.append(PaperSetting(f"{tag}-practical", fig, spec, sampled_iterations[k],
                                nac_eta=eta, nac_beta=beta, dl_eta=eta, segments=segments,
                                seeds=seeds, oracle="practical", oracle_kwargs=PAPER_PRACTICAL,
                                record_every=record_every))
    return tuple(out)


def quick() -> Profile:
    return Profile(
        name="quick",
        description="make report: exact-oracle rate sweeps up to T = 1e5 (SIS), a small "
                    "sampled grid, the paper's figures with 10 seeds, lemma checks on a budget",
        rate=(
            RateSetting("sis-exact", SIS, "exact", GRID_QUICK_SIS),
            RateSetting("lq-exact", LQ, "exact", (100, 300, 1_000, 3_000, 10_000, 30_000)),
            RateSetting("random-exact", RANDOM, "exact", (100, 300, 1_000, 3_000, 10_000,
                                                          30_000, 100_000)),
            RateSetting("sis-sampled", SIS, "sampled", (100, 300, 1_000),
                        seeds=tuple(range(5)), oracle_kwargs=SAMPLED_RATE),
            SIS_GROWING_K,
        ),
        paper=_paper(tuple(range(10)), (1_000, 500), (1_000, 500), 10, PAPER_SAMPLED, 10),
        lemmas=LemmaSetting(examples=40),
        assumptions=AssumptionSetting((SIS, LQ, RANDOM), budget=200),
        ablation=AblationSetting(SIS, seeds=tuple(range(4)), iterations=100,
                                 variants=ABLATION_QUICK),
    )


def full() -> Profile:
    return Profile(
        name="full",
        description="on demand: exact-oracle rate sweeps up to T = 1e6, a larger sampled "
                    "grid, more property examples",
        rate=(
            RateSetting("sis-exact", SIS, "exact", GRID_FULL),
            RateSetting("lq-exact", LQ, "exact", GRID_FULL[:-2]),
            RateSetting("random-exact", RANDOM, "exact", GRID_FULL[:-1]),
            RateSetting("sis-sampled", SIS, "sampled", (100, 300, 1_000, 3_000, 10_000),
                        seeds=tuple(range(10)), oracle_kwargs=SAMPLED_RATE),
            RateSetting("random-sampled", RANDOM, "sampled", (100, 300, 1_000, 3_000),
                        seeds=tuple(range(10)), oracle_kwargs=SAMPLED_RATE),
            SIS_GROWING_K,
        ),
        paper=_paper(tuple(range(10)), (3_000, 1_500), (3_000, 1_500), 15,
                     {**PAPER_SAMPLED, "K_critic": 300, "K_actor": 300}, 10),
        lemmas=LemmaSetting(examples=200),
        assumptions=AssumptionSetting((SIS, LQ, RANDOM), budget=2000),
        ablation=AblationSetting(SIS, seeds=tuple(range(10)), iterations=300),
    )


def test() -> Profile:
    """The tiny profile of the test suite: every part, in seconds."""
    return Profile(
        name="test",
        description="test suite: T in {30, 100, 300} on SIS only",
        rate=(RateSetting("sis-exact", SIS, "exact", (30, 100, 300), bootstrap=200,
                          constants_budget=6),),
        paper=(PaperSetting("fig1-sis-exact", "Figure 1", SIS_RAW, 60, nac_eta=0.05,
                            nac_beta=0.01, dl_eta=0.05, segments=3, seeds=(0,), oracle="exact",
                            record_every=5),
               PaperSetting("fig1-sis-sampled", "Figure 1", SIS_RAW, 20, nac_eta=0.05,
                            nac_beta=0.01, dl_eta=0.05, segments=2, seeds=(0, 1),
                            oracle="sampled", oracle_kwargs={"K_critic": 5, "K_actor": 5,
                                                             "critic_step": 0.001},
                            record_every=5)),
        lemmas=LemmaSetting(examples=3, claims=("lemma2", "lemma4")),
        assumptions=AssumptionSetting((SIS,), budget=20),
        ablation=AblationSetting(SIS, seeds=(0, 1), iterations=3,
                                 variants=("baseline", "critic init: warm start"),
                                 overrides={"K": 20}),
    )


PROFILES = {"quick": quick, "full": full, "test": test}


def profile(name: str) -> Profile:
    try:
        return PROFILES[name]()
    except KeyError:
        raise ValueError(f"profile: {name!r}; choose from {', '.join(PROFILES)}") from None
