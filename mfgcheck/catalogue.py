"""The built-in registrations, declared here and nowhere else: the claims of Mao et al., "A
Mean-Field Game Approach to Cloud Resource Management with Function Approximation" (NeurIPS
2022, appendix), with their checks and the strategies those draw, and the games sis, lq,
random, serverless.

A claim's checks are listed per strategy as step suffixes: ``""`` is the claim's own
statement (step id ``lemma5``, check ``check_lemma5``), ``"eq6"`` the step ``lemma5.eq6``
(check ``check_lemma5_eq6``); the check lives in ``mfgcheck.properties.<claim>``, its theory
in ``mfgcheck.theory.<claim>``. Checks of one claim that share a strategy run on the same
drawn instances (``reports.lemmas``). ``mfgcheck.registry`` calls :func:`register` before
loading any entry point.
"""

from __future__ import annotations

from .registry import CheckSpec, ClaimSpec, GameSpec, register_claim, register_game

PAPER = "mao2022"
_STRATEGIES = "mfgcheck.properties.strategies"
NAC_RUNS = f"{_STRATEGIES}:nac_runs"
BEST_RESPONSE_CASES = f"{_STRATEGIES}:best_response_cases"
POLICY_CASES = f"{_STRATEGIES}:policy_cases"
KL_TRIPLES = f"{_STRATEGIES}:kl_triples"
MEAN_FIELD_PAIR_CASES = f"{_STRATEGIES}:mean_field_pair_cases"
RATE_CASES = f"{_STRATEGIES}:rate_cases"

# The claims each proof uses (``ClaimSpec.uses``: the dependency graph of the report), read
# from the proofs (appendix A-C): (claim, where the appendix does so). Results of other papers
# that the appendix cites (Lemma 5 of [13], Theorem 3 of [10], ...) are not nodes, and neither
# are the assumptions (they are constants, ``numerics.assumption_constants``). Propositions 1
# and 2 instantiate the critic and actor oracles (appendix C): their accuracy is the
# eps_critic and eps_actor of eps_total in Theorem 1's bound.
USES: dict[str, tuple[tuple[str, str], ...]] = {
    "lemma5": (("lemma2", "p_min, persistence of excitation"),
               ("lemma3", "the floor tau of pi*_t"),
               ("lemma4", "KL Lipschitz in its second argument")),
    "lemma7": (("lemma6", "Lipschitz constant of Lambda"),),
    "lemma8": (("lemma1", "one-step improvement, first line of the proof"),
               ("lemma5", "sigma^pi_{t+1} against E KL(pi*_t || pi_{t+1})"),
               ("lemma2", "||g_t|| <= 2R")),
    "theorem1": (("lemma8", "B.3, the policy recursion"),
                 ("lemma7", "B.3, the mean-field recursion"),
                 ("proposition1", "eps_critic in eps_total"),
                 ("proposition2", "eps_actor in eps_total")),
}

# (id, title, one-line statement, {strategy: step suffixes}), in the appendix's order
MAO2022: tuple[tuple[str, str, str, dict[str, tuple[str, ...]]], ...] = (
    ("lemma1", "Lemma 1",
     "one actor step decreases E KL(pi*_t || pi_t), up to the actor's error and eta^2 terms",
     {NAC_RUNS: ("", "descent", "optimality", "pdl")}),
    ("lemma2", "Lemma 2",
     "the actor stays in the ball ||theta_t|| <= R/lam, so pi_t >= exp(-2R/lam)/|A|",
     {NAC_RUNS: ("", "induction", "logit", "theta_bound")}),
    ("lemma3", "Lemma 3",
     "the soft best response to any mean field is bounded below by 1/(|A| exp(Qmax/lam))",
     {BEST_RESPONSE_CASES: ("", "Q_nonneg", "Qmax"), POLICY_CASES: ("entropy",)}),
    ("lemma4", "Lemma 4",
     "KL(x||z) - KL(y||z) is Lipschitz in x in l1, with constant 1 + log(1/min floor)",
     {KL_TRIPLES: ("", "lipschitz")}),
    ("lemma5", "Lemma 5",
     "the KL to the best response moves by at most (1 + C1) kappa d0 ||mu_{t+1} - mu_t||_1",
     {NAC_RUNS: ("", "KLmax", "eq4_split", "eq5", "eq5_display", "eq6", "eq6_assumption2",
                 "eq6_display", "eq6_kappa", "eq6_lemma4", "kappa_sharp", "kl_bound")}),
    ("lemma6", "Lemma 6",
     "the regularised best-response map Lambda is (d1 d2 + d3)-Lipschitz in the mean field",
     {MEAN_FIELD_PAIR_CASES: ("", "gamma1", "gamma2")}),
    ("lemma7", "Lemma 7",
     "the mean field contracts toward mu* at rate 1 - beta d_bar, up to d2 C2 beta sqrt(sigma)",
     {NAC_RUNS: ("", "corrected", "eq7_display", "eq7_lipschitz", "eq7_triangle", "eq8",
                 "eq8_cauchy_schwarz", "eq8_pinsker", "pinsker")}),
    ("lemma8", "Lemma 8",
     "the policy error sigma contracts at rate 1 - eta lam, up to the approximation, step and "
     "mean-field terms",
     {NAC_RUNS: ("", "L_what", "Lhat_wstar", "actor_chain", "actor_chain_ball", "adv_error",
                 "adv_error_average", "eq10", "eq11", "eq12", "eq12_display", "eq13",
                 "eq13_zero", "eq9", "g_norm", "logpi", "min_ball", "smooth_term")}),
    ("proposition1", "Proposition 1",
     "the TD critic (Algorithm 2) reaches error O~(1/K) after K iterations",
     {RATE_CASES: ("", "rate")}),
    ("proposition2", "Proposition 2",
     "the projected-SGD actor (Algorithm 3) reaches optimality gap O(1/sqrt K)",
     {RATE_CASES: ("", "sgd")}),
    ("theorem1", "Theorem 1",
     "Algorithm 1 with eta ~ T^(-2/5)/lam, beta ~ T^(-4/5) converges at rate O~(T^(-1/5))",
     {NAC_RUNS: ("eq18", "policy_cauchy_schwarz")}),
)


def _checks(claim_id: str, groups: dict[str, tuple[str, ...]]) -> tuple[CheckSpec, ...]:
    module = f"mfgcheck.properties.{claim_id}"
    out = []
    for strategy, suffixes in groups.items():
        for suffix in suffixes:
            step = f"{claim_id}.{suffix}" if suffix else claim_id
            out.append(CheckSpec(step, f"{module}:check_{step.replace('.', '_')}", strategy))
    return tuple(out)


GAMES = (
    GameSpec("sis", "mfgcheck.games.sis:sis", {},
             "the SIS epidemic game of appendix D (2 states, 2 actions)"),
    GameSpec("lq", "mfgcheck.games.linear_quadratic:linear_quadratic", {},
             "the linear-quadratic game of appendix D (25 states on a torus)"),
    GameSpec("random", "mfgcheck.games.random_game:random_game",
             {"n_states": 10, "n_actions": 3, "seed": 0},
             "a random game with rewards in [0, 1], by size and seed",
             strategy=f"{_STRATEGIES}:games"),
    GameSpec("serverless", "mfgcheck.serverless.game:serverless", {},
             "the simulated serverless cluster's game (extra 'serverless': SimPy)"),
)


def register() -> None:
    """Register the built-in claims and games (``mfgcheck.registry`` calls this once)."""
    for claim_id, title, statement, groups in MAO2022:
        register_claim(ClaimSpec(claim_id, PAPER, title, statement,
                                 f"mfgcheck.theory.{claim_id}", _checks(claim_id, groups),
                                 uses=USES.get(claim_id, ())))
    for spec in GAMES:
        register_game(spec)
