"""Theorem 1's rate, measured: Algorithm 1 for T on a log grid, the left side at t = T.

Theorem 1 (appendix B.3): with ``eta = O(T^(-2/5))/lam`` and ``beta = O(T^(-4/5))``,
``D(pi*, avg pi) + ||mu* - avg mu||_1 <= O~(1/(lam T^(1/5)) + sqrt(|A| exp(1/lam)
eps_total^(1/2)/lam))``. For each setting of the profile (game, oracle, grid of T, seeds) we
run Algorithm 1 with ``eta = c_eta T^(-2/5)/lam`` and ``beta = c_beta T^(-4/5)`` (lam of the
normalised game: the theory assumes rewards in [0, 1]) and measure the left side at the end
of each run. Reported:

- the log-log slope of the left side against T with a bootstrap CI (``stats``: resampling the
  (T, value) points for the deterministic exact oracle, one seed; resampling seeds within each
  T for sampled oracles), against the theoretical exponent (-1/5, or theory.rates' derived
  exponent); a fit over the upper half of the grid (``fit_tail``) shows the asymptotic slope;
- the explicit right side (15)-(17) (``bounds``) with the instance's constants: C1..C3 and
  d0..d3 estimated by ``numerics.assumption_constants`` along the visited iterates of every
  run of the setting (lower estimates: a bound computed with them is at most the true one),
  p_min and eps_total measured, sigma^pi_0 and sigma^mu_0 computed exactly; the ratio
  observed/bound at each T;
- the last iterate beside the average.

Every run goes through the ``RunStore`` (resumable).
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np

from ..theory import step_sizes
from . import bounds, stats
from .doc import Heading, Image, Para, Table, fmt
from .settings import RateSetting

EXPERIMENT = "theorem1-rate"
PAPER_SLOPE = -float(step_sizes.RATE_EXPONENT)
LAST_FLOOR = 1e-9  # a last iterate below this at every T has converged to rounding level


def theory_rates() -> dict:
    """Theorem 1's exponents: theory.rates' derivation when available, else the paper's."""
    paper = (step_sizes.ETA_EXPONENT, step_sizes.BETA_EXPONENT, step_sizes.RATE_EXPONENT)
    out = {"paper": {k: float(v) for k, v in zip("abr", paper)}, "slope": PAPER_SLOPE,
           "source": "paper (theory.rates unavailable)"}
    try:
        from ..theory import rates
    except ImportError:
        return out
    derived = _rates_record(rates)
    if derived is not None:
        out["derived"] = derived
        out["source"] = "theory.rates"
        r = derived.get("r")
        if isinstance(r, float) and r > 0:
            out["slope"] = -r
    return out


def _rates_record(rates) -> dict | None:
    """Plain numbers from ``theory.rates.solve()`` (exponents a, b, r of eta ~ T^-a/lam,
    beta ~ T^-b, bound ~ T^-r; uniqueness; agreement with the paper's 2/5, 4/5, 1/5)."""
    try:
        res = rates.solve()
        return {"a": float(res.a), "b": float(res.b), "r": float(res.r),
                "a_exact": str(res.a), "b_exact": str(res.b), "r_exact": str(res.r),
                "unique": bool(res.unique), "agrees_with_paper": bool(res.agrees_with_paper)}
    except Exception as exc:  # noqa: BLE001 - the report must still be written
        return {"error": f"{type(exc).__name__}: {exc}"}


def run_settings(rs: RateSetting, game) -> list[dict]:
    """The settings of every run of ``rs`` (one per T and seed), as stored in the RunStore."""
    from . import runner  # solvers: imported by the functions that run, never by rendering

    seeds = (0,) if rs.oracle == "exact" else rs.seeds
    return [{"experiment": EXPERIMENT, "runner": runner.runner_id(), "game": asdict(rs.game),
             "oracle": rs.oracle, "oracle_kwargs": rs.oracle_kwargs_at(T),
             "features": rs.features, "R": rs.R, "T": int(T), "seed": int(seed),
             "c_eta": rs.c_eta, "c_beta": rs.c_beta, "eta": rs.eta(T, game.lam),
             "beta": rs.beta(T)} for T in rs.T for seed in seeds]


def initial_gaps(game, eq) -> dict:
    """``sigma^pi_0 = E_{d*_0} KL(pi*_0 || pi_0)`` (pi_0 uniform: theta_0 = 0, pi*_0 =
    Gamma1(rho), d*_0 = d^{pi*_0}_rho) and ``sigma^mu_0 = ||rho - mu*||_1``."""
    from .. import numerics  # solvers: imported by the functions that run, never by rendering

    mu0 = game.rho
    pi_star0 = numerics.best_response(game, mu0)
    d0 = numerics.visitation(game, pi_star0, mu0)
    pi0 = numerics.uniform_policy(game.n_states, game.n_actions)
    return {"sigma_pi_0": float(numerics.weighted_kl(pi_star0, pi0, d0)),
            "sigma_mu_0": float(numerics.l1(mu0, eq.mean_field))}


def run_chunk(chunk: list[dict]) -> list[dict]:
    """Task: the results of some runs of one setting (``runner.rate_batch``), computed from
    their settings alone (the game and its equilibrium are rebuilt, once per process)."""
    from . import runner  # solvers: imported by the functions that run, never by rendering

    game, _, eq_rec = runner.equilibrium_of(chunk[0]["game"])
    return runner.rate_batch(game, eq_rec, chunk)


def chunks(rs: RateSetting, items: list[dict]) -> list[list[int]]:
    """How the runs of ``rs`` are split into tasks: the exact oracle's whole grid of T in one
    task (one vectorised batch: a step of NumPy's exact path costs about the same for one run
    as for a few, and a run leaves the batch at its T, so the grid costs about as much as its
    largest T alone instead of the sum of its T, about 12% less CPU measured; the task is no
    longer than the largest run alone was); sampled oracles up to ``SEEDS_PER_TASK`` seeds of
    one T together (their cost grows with the batch; more seeds are split so that two
    workers share a long T). Results do not depend on the chunking (every run has its own
    seed; the batched kernels are batch-independent, tested), only the time does."""
    if rs.oracle == "exact":
        return [list(range(len(items)))] if items else []
    by_T: dict[int, list[int]] = {}
    for i, s in enumerate(items):
        by_T.setdefault(s["T"], []).append(i)
    return [idx[j:j + SEEDS_PER_TASK] for idx in by_T.values()
            for j in range(0, len(idx), SEEDS_PER_TASK)]


SEEDS_PER_TASK = 5


def run_cost(s: dict) -> float:
    """Relative cost of one run (for scheduling the longest first): iterations, times the
    samples per step of a sampled oracle."""
    K = (s.get("oracle_kwargs") or {}).get("K_critic") or 0
    return float(s["T"]) * (1.0 + (K / 10.0 if s["oracle"] != "exact" else 0.0))


def theory_task(_=None) -> dict:
    """Task: ``theory_rates()`` (SymPy; computed once per report, not once per worker)."""
    return theory_rates()


def constants_task(arg) -> tuple[dict, dict]:
    """Task: the numerics of one setting's analysis from ``((rs, bootstrap_seed), records)``:
    the assumption constants along every iterate the setting's runs visited and the initial
    gaps (``initial_gaps``), as ``(constants, gaps)``. The search uses a fixed seed, so the
    value is the same wherever it runs (a worker: the report's thread keeps the SymPy part)."""
    from . import runner  # solvers: imported by the functions that run, never by rendering

    (rs, bootstrap_seed), records = arg
    game, eq, _ = runner.equilibrium_of(records[0]["settings"]["game"])
    # Constants along every visited iterate of the setting (one search per setting): the
    # largest ratios over all runs, valid for each run.
    visited = [(np.asarray(p), np.asarray(m)) for rec in records
               for p, m in rec["result"].get("visited", [])]
    ac = runner.assumption_constants(game, visited=visited or None, equilibrium=eq,
                                       n_pairs=rs.constants_budget, refine_steps=20,
                                       seed=bootstrap_seed)
    return ac.to_dict(), initial_gaps(game, eq)


def analysis_task(arg) -> dict:
    """Task: the analysis of one setting from ``((rs, bootstrap_seed), records, theory)``
    (records in the order of ``run_settings``, ``theory`` from ``theory_rates``), or with
    a fourth item, ``constants_task``'s value computed elsewhere; the assumption constants
    and the bootstrap use fixed seeds, so the entry is the same wherever it runs."""
    from . import runner  # solvers: imported by the functions that run, never by rendering

    (rs, bootstrap_seed), records, theory, *prepared = arg
    game, _, eq_rec = runner.equilibrium_of(records[0]["settings"]["game"])
    constants, gaps = (prepared[0] if prepared
                       else constants_task(((rs, bootstrap_seed), records)))
    return analyse(rs, game, eq_rec, records, constants, gaps,
                   theory=theory, bootstrap_seed=bootstrap_seed)


def group(rs: RateSetting, *, bootstrap_seed: int = 0):
    """The sweep of ``rs`` as a ``jobs.Group``: runs, chunks, analysis."""
    from .jobs import Group

    game = rs.game.build()
    items = run_settings(rs, game)
    # The analysis evaluates theory/'s bounds (SymPy): in the process that already has them;
    # its numerics (the constants along the visited iterates) first, on a worker.
    return Group(rs.id, (rs, bootstrap_seed), items, chunks(rs, items), run_chunk,
                 analysis_task, run_cost, analyse_local=True, prepare_fn=constants_task)


def _theory_with_slope(slope, _=None) -> dict:
    """Task: ``theory_rates()`` with a user's claimed slope in place of the paper's (``rate
    --theory-slope``); the verdicts then judge that claim the way they judge the paper's."""
    out = theory_rates()
    if slope is not None:
        out = {**out, "slope": float(slope), "source": f"user claim: slope {slope:g}"}
    return out


def run(rs: RateSetting, store, *, progress: bool = False, bootstrap_seed: int = 0,
        executor=None, theory_slope: float | None = None) -> dict:
    """Run (or resume) the sweep ``rs`` and analyse it (see the module docstring), on
    ``executor`` (default: this process). ``theory_slope`` judges a user's rate claim
    instead of the paper's."""
    from functools import partial

    from .jobs import SweepJob, drive_one

    prelude = theory_task if theory_slope is None else partial(_theory_with_slope,
                                                               theory_slope)
    job = SweepJob(store, [group(rs, bootstrap_seed=bootstrap_seed)], entries="settings",
                   prelude=("theory", prelude))
    return drive_one(job, executor, progress=progress)[0]


def setting_title(rs) -> str:
    """A rate setting's heading: game, oracle and, for K growing with T, that (a profile runs
    two sampled settings on SIS: their headings and contents entries must differ)."""
    return (f"{rs.game.title}{' (normalised)' if rs.game.normalise else ''}, {rs.oracle} "
            f"oracle" + ("" if rs.K_schedule is None else ", K growing with T"))

def analyse(rs: RateSetting, game, eq_rec: dict, records: list[dict], constants: dict,
            gaps: dict, *, theory: dict, bootstrap_seed: int = 0) -> dict:
    """Slopes, bounds and verdicts of one setting from its run records (plain data out)."""
    slope = theory["slope"]
    exact = rs.oracle == "exact"
    seeds = sorted({r["settings"]["seed"] for r in records})
    Ts = sorted({r["settings"]["T"] for r in records})
    by = {(r["settings"]["T"], r["settings"]["seed"]): r for r in records}
    points = []
    for r in records:
        res = r["result"]
        points.append({"T": r["settings"]["T"], "seed": r["settings"]["seed"],
                       "eta": r["settings"]["eta"], "beta": r["settings"]["beta"],
                       "wall_time": r["wall_time"],
                       **{k: v for k, v in res.items() if k not in ("visited", "trajectory")}})
        points[-1]["trajectory"] = res.get("trajectory")
    lhs = np.array([[by[(T, s)]["result"]["lhs"] for s in seeds] for T in Ts])
    last = np.array([[by[(T, s)]["result"]["last"] for s in seeds] for T in Ts])
    fit_fn = stats.fit_loglog if len(seeds) == 1 else stats.fit_loglog_seeds
    arg = (lambda v: v[:, 0]) if len(seeds) == 1 else (lambda v: v)

    def fit(values, Tsel=slice(None)):
        try:
            return fit_fn(np.array(Ts)[Tsel], arg(values)[Tsel], resamples=rs.bootstrap,
                          seed=bootstrap_seed).to_dict()
        except ValueError:
            return None

    tail = slice(len(Ts) // 2, None) if len(Ts) - len(Ts) // 2 >= 3 else slice(None)
    per_T = []
    p_min_run = min(float(p["p_min"]) for p in points)
    for i, T in enumerate(Ts):
        row = {"T": T, "eta": rs.eta(T, game.lam), "beta": rs.beta(T),
               "lhs_mean": float(lhs[i].mean()), "lhs_min": float(lhs[i].min()),
               "lhs_max": float(lhs[i].max()), "last_mean": float(last[i].mean()),
               "exploitability_avg": _mean([by[(T, s)]["result"]["exploitability_avg"]
                                            for s in seeds]),
               "exploitability_last": _mean([by[(T, s)]["result"]["exploitability_last"]
                                             for s in seeds])}
        eps = max(float(by[(T, s)]["result"].get("eps_total", 0.0)) for s in seeds)
        R_used = max(float(by[(T, s)]["result"]["R"]) for s in seeds)
        numbers = {"T": T, "eta": row["eta"], "beta": row["beta"], "lam": game.lam,
                   "gamma": game.gamma, "nA": game.n_actions, "R": R_used,
                   "p_min": min(float(by[(T, s)]["result"]["p_min"]) for s in seeds),
                   "eps_total": eps, **gaps,
                   **{k: constants[k] for k in ("C1", "C2", "C3", "d0", "d1", "d2", "d3")}}
        b = bounds.theorem1_bounds(numbers)
        row.update(eps_total=eps, p_min=numbers["p_min"], R=R_used, bound=b["final_bound"],
                   bound_policy=b["avg_D_policy_bound"], bound_sigma_pi=b["avg_sigma_pi_bound"],
                   bound_mean_field=b["avg_sigma_mu_bound"], bound_source=b["source"],
                   kappa=b["kappa"])
        row["ratio"] = (row["lhs_mean"] / b["final_bound"]) if b["final_bound"] else None
        per_T.append(row)
    # A last iterate at rounding level (every value below LAST_FLOOR) has no slope to fit.
    last_at_floor = bool(np.all(last < LAST_FLOOR))
    f, f_last, f_tail = fit(lhs), (None if last_at_floor else fit(last)), fit(lhs, tail)
    verdict = stats.rate_verdict(stats.SlopeFit(**f), slope) if f else "undetermined"
    tail_verdict = (stats.rate_verdict(stats.SlopeFit(**f_tail), slope)
                    if f_tail else "undetermined")
    ratios = [r["ratio"] for r in per_T if r["ratio"] is not None]
    bound_status = ("not applicable" if not ratios else
                    ("violated" if max(ratios) > 1 + 1e-9 else "holds"))
    title = setting_title(rs)
    caption = (f"lam = {fmt(game.lam)}, gamma = {fmt(game.gamma)}, eta = {fmt(rs.c_eta)} "
               f"T^-2/5/lam, beta = {fmt(rs.c_beta)} T^-4/5, R = {fmt(per_T[0]['R'])}, "
               f"{rs.features} features, {rs.oracle} oracle, seeds = {len(seeds)}"
               + ("" if rs.K_schedule is None else
                  f", K_critic = ceil({fmt(rs.K_schedule[0])} T^{fmt(rs.K_schedule[2])}), "
                  f"K_actor = ceil({fmt(rs.K_schedule[1])} T^{fmt(2 * rs.K_schedule[2])}) "
                  "(eps_total = O(T^-p) with p the exponent of K_critic, so the eps term of the "
                  "bound is O(T^(-p/4)))"))
    return {
        "id": rs.id, "title": title, "caption": caption, "setting": asdict(rs),
        "game": game.to_dict(), "reward_scale": _scale(rs), "normalised": rs.game.normalise,
        "oracle": rs.oracle, "seeds": seeds, "bootstrap": "points" if len(seeds) == 1
        else "seeds", "equilibrium": {"mean_field": eq_rec["mean_field"],
                                      "certificate": eq_rec["certificate"]},
        "constants": {k: constants[k] for k in ("d0", "d1", "d2", "d3", "C1", "C2", "C3",
                                                 "lipschitz_Lambda", "d_bar", "contraction")},
        "constants_budget": constants.get("budget", {}), "initial": gaps,
        "p_min_observed": p_min_run, "points": points, "per_T": per_T,
        "fit": f, "fit_last": f_last, "fit_tail": f_tail, "theory_slope": slope,
        "slope_tolerance": stats.SLOPE_TOLERANCE, "last_at_floor": last_at_floor,
        "last_floor": LAST_FLOOR,
        "verdict": verdict, "tail_verdict": tail_verdict, "bound_status": bound_status,
        "max_ratio": max(ratios) if ratios else None,
        "status": _status(exact, verdict, tail_verdict, bound_status),
    }


def _mean(values) -> float | None:
    """Mean of the values that could be computed (None: an exploitability that did not
    converge, see runner.safe_exploitability); None if none could."""
    vals = [float(v) for v in values if v is not None]
    return float(np.mean(vals)) if vals else None


def _scale(rs: RateSetting) -> float:
    from .. import games

    return float(games.by_name(rs.game.name, **rs.game.kwargs).reward_scale)


def _status(exact: bool, verdict: str, tail_verdict: str, bound_status: str) -> str:
    """``fail`` / ``warn`` / ``pass`` of one rate setting (docs/report.md, "Exit status").

    - the explicit bound (15)-(17) evaluated with the measured constants is exceeded: fail;
    - the exact oracle decays slower than T^theory on the upper half of the grid (the whole
      tail CI above the theoretical slope) and the bound cannot vouch (not applicable): fail;
      with the bound holding at every T it is a warning (the bound, not the slope, is
      the theorem's statement: a shallower stretch below the bound is pre-asymptotic);
    - sampled oracles: a slower slope is a warning (eps_total adds a floor to the bound).
    """
    if bound_status == "violated":
        return "fail"
    if tail_verdict == "slower":
        if exact and bound_status != "holds":
            return "fail"
        return "warn"
    return "pass"


# -- rendering (from results.json data only) -----------------------------------------------
def figure_name(entry: dict) -> str:
    return f"rate-{entry['id']}.png"


def _ci(f: dict | None, entry: dict | None = None) -> str:
    if not f:
        if entry is not None and entry.get("last_at_floor"):
            return f"— (below {fmt(entry['last_floor'])} at every T: rounding level)"
        return "—"
    return f"{fmt(f['slope'])} [{fmt(f['ci_low'])}, {fmt(f['ci_high'])}]"


VERDICT_TEXT = {
    "faster": "steeper than the theory: the bound holds and is loose in T on this range",
    "consistent": "consistent with the theoretical exponent (within the slope tolerance): "
                  "the rate is attained, the bound is tight in T",
    "slower": "shallower than the theory on this range",
    "undetermined": "not determined",
}


def render(part: dict, figrel: str) -> list:
    th = part["theory"]
    blocks = [Heading(2, "Theorem 1: the rate, measured"),
              Para(f"Algorithm 1 with eta = c_eta T^-2/5/lam and beta = c_beta T^-4/5 for each T "
                   f"of a log grid; the left side of Theorem 1, D(pi*, avg pi) + ||mu* - avg "
                   f"mu||_1, at the end of each run. Theoretical slope: **{fmt(th['slope'])}** "
                   f"(source: {th['source']}"
                   + (f"; derived exponents a = {fmt(th['derived'].get('a'))}, b = "
                      f"{fmt(th['derived'].get('b'))}, r = {fmt(th['derived'].get('r'))}"
                      if th.get("derived") else "") + "). "
                   "The theory assumes rewards in [0, 1]: games are normalised "
                   "(r' = (r - r_min)/(r_max - r_min), lam' = lam/(r_max - r_min)); with these "
                   "step sizes NAC's iterates do not change under the normalisation, the "
                   "constants of the bound do. The exact oracle is deterministic, so one seed "
                   "suffices and the CI resamples (T, value) points; with sampled oracles the "
                   "CI resamples seeds within each T. Verdicts: *faster* / *slower* when the "
                   "whole CI lies below / above the theoretical slope by more than the slope "
                   "tolerance "
                   + fmt(part["settings"][0]["slope_tolerance"] if part["settings"] else None)
                   + ", *consistent* otherwise.")]
    rows = []
    for e in part["settings"]:
        rows.append([e["title"], f"{fmt(e['per_T'][0]['T'])}–{fmt(e['per_T'][-1]['T'])}",
                     fmt(len(e["seeds"])), _ci(e["fit"]), _ci(e["fit_tail"]),
                     _ci(e["fit_last"], e), e["verdict"], e["bound_status"],
                     fmt(e["max_ratio"]), e["status"]])
    level = part["settings"][0]["fit"]["level"] if part["settings"] and \
        part["settings"][0]["fit"] else None
    blocks.append(Table(["setting", "T", "seeds",
                         f"slope (avg) [{fmt(level)} CI]", "tail slope",
                         "slope (last iterate)", "verdict", "bound (15)-(17)",
                         "max observed/bound", "status"], rows))
    for e in part["settings"]:
        c = e["constants"]
        blocks.append(Heading(3, e["title"]))
        blocks.append(Para(
            f"{e['caption']}. Reward scale {fmt(e['reward_scale'])}"
            f"{' (normalised)' if e['normalised'] else ''}; equilibrium exploitability "
            f"{fmt(e['equilibrium']['certificate']['exploitability'])}. Slope "
            f"{_ci(e['fit'])} ({e['bootstrap']} bootstrap, "
            f"{fmt(e['fit']['resamples'] if e['fit'] else None)} resamples): "
            f"{VERDICT_TEXT[e['verdict']]}; upper half of the grid "
            f"{_ci(e['fit_tail'])}: {VERDICT_TEXT[e['tail_verdict']]}."))
        blocks.append(Para(
            f"Constants along the visited iterates (lower estimates): d0 = {fmt(c['d0'])}, "
            f"d1 = {fmt(c['d1'])}, d2 = {fmt(c['d2'])}, d3 = {fmt(c['d3'])}, C1 = {fmt(c['C1'])}, "
            f"C2 = {fmt(c['C2'])}, C3 = {fmt(c['C3'])}; d1 d2 + d3 = "
            f"{fmt(c['lipschitz_Lambda'])} (contraction: {fmt(c['contraction'])}); "
            f"sigma^pi_0 = {fmt(e['initial']['sigma_pi_0'])}, sigma^mu_0 = "
            f"{fmt(e['initial']['sigma_mu_0'])}, smallest pi_t(a|s) = {fmt(e['p_min_observed'])}."
            + ("" if c["contraction"] else
               " **Assumption 3 fails on this instance (d1 d2 + d3 >= 1): (16) and the final "
               "bound are not defined; the observed rate is reported without a bound.**")))
        blocks.append(Table(
            ["T", "eta", "beta", "left side (avg)", "min–max over seeds", "last iterate",
             "exploitability (avg)", "exploitability (last)", "eps_total", "bound (15)-(17)",
             "observed/bound"],
            [[fmt(r["T"]), fmt(r["eta"]), fmt(r["beta"]), fmt(r["lhs_mean"]),
              f"{fmt(r['lhs_min'])}–{fmt(r['lhs_max'])}", fmt(r["last_mean"]),
              fmt(r["exploitability_avg"]), fmt(r["exploitability_last"]), fmt(r["eps_total"]),
              fmt(r["bound"]), fmt(r["ratio"])] for r in e["per_T"]]))
        blocks.append(Image(f"{figrel}/{figure_name(e)}", f"Theorem 1 rate, {e['title']}",
                            "Dashed: the theoretical slope anchored at the first point; "
                            "dotted: the fitted line."))
    return blocks


def claim_lines(part: dict) -> list[dict]:
    """Summary lines for Theorem 1, one per setting."""
    out = []
    for e in part["settings"]:
        text = (f"{e['title']}: slope {_ci(e['fit'])} vs {fmt(e['theory_slope'])} "
                f"({e['verdict']}; tail {_ci(e['fit_tail'])}, {e['tail_verdict']}); "
                f"explicit bound: {e['bound_status']}"
                + (f" (max observed/bound {fmt(e['max_ratio'])})" if e["max_ratio"] else "")
                + f"; last iterate slope {_ci(e['fit_last'], e)}")
        out.append({"claim": "theorem1", "status": e["status"], "text": text})
    return out
