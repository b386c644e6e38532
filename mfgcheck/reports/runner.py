"""The adapter between reports/ and algorithms/: settings in, plain-data records out.

**Rate runs** (``rate_batch``): Algorithm 1 (``algorithms.nac_batch``, one vectorised batch
for many T and seeds) with Theorem 1's constant steps; for each run, at the end (t = T):

- ``lhs = D(pi*, avg pi) + ||mu* - avg mu||_1`` (Theorem 1's left side; ``avg pi`` the
  per-state mixture ``(1/T) sum_{t<T} pi_t``, ``avg mu`` likewise; ``D`` weighted by
  ``d* = d^{pi*}_{mu*}``), with its parts ``lhs_policy`` and ``lhs_mean_field``;
- ``last = D(pi*, pi_T) + ||mu* - mu_T||_1`` (the last iterate, beside the average);
- ``exploitability_avg`` and ``exploitability_last`` (numerics.exploitability);
- ``p_min`` (the smallest ``pi_t(a|s)`` over every iterate, the run's ``min_policy_all``),
  ``theta_norm_max``, ``R`` as used, and ``eps_total``, ``eps_critic``, ``eps_actor``,
  ``eps_approx``: the largest value over the recorded iterations (algorithms.metrics:
  exact; the paper's eps bound every t, we see the recorded ones);
- ``visited``: the recorded ``(pi_t, mu_t)``, from which the rate experiment estimates the
  constants of Assumptions 1-2 along the run.

The end-of-run numbers are recomputed here with numerics/ from the run's arrays (the single
source of truth); ``lhs_metrics`` keeps algorithms' own value as a cross-check.

**Paper runs** (``paper_batch``): NAC (``nac_batch``) and DL-NAC for several seeds at once;
the exploitability of the current policy ``pi_t`` every ``record_every`` iterations.
DL-NAC runs through ``algorithms.dl_nac_batch`` (all seeds advance together, each giving the
same bits as ``dl_nac`` with its seed); ``dl_nac_batch`` below keeps the recorded iterations.
"""

from __future__ import annotations

import functools
import json

import numpy as np

from .. import algorithms as al
from .. import numerics
from ..algorithms import exploitability_kernels
from ..algorithms.oracle import ORACLE_SETTINGS, as_oracle

RUNNER_ID = "algorithms-v1"
# rate runs record the iterates on algorithms.log_grid with this many points per decade
RATE_RECORD_PER_DECADE = 4


def runner_id() -> str:
    """Part of every stored run's key: changing the implementation invalidates old runs."""
    return RUNNER_ID


def game_of(spec: dict):
    """The game of a run's ``settings["game"]`` (a ``GameSetting`` as plain data), built once per
    process: tasks on a worker rebuild their game from the settings alone."""
    from .store import canonical_json

    return _prepared(canonical_json(spec))[0]


def equilibrium_of(spec: dict):
    """``(game, eq, eq_rec)`` for a game spec: the equilibrium solved once per process."""
    from .store import canonical_json

    game, cache = _prepared(canonical_json(spec))
    if "eq" not in cache:
        eq = numerics.solve_equilibrium(game)
        cache["eq"] = (eq, equilibrium_record(game, eq))
    return (game, *cache["eq"])


@functools.lru_cache(maxsize=32)
def _prepared(spec_json: str):
    from .settings import GameSetting

    d = json.loads(spec_json)
    spec = GameSetting(d["name"], d.get("kwargs") or {}, normalise=bool(d.get("normalise", True)),
                    label=d.get("label", ""))
    return spec.build(), {}


def assumption_constants(game, **kwargs):
    """``numerics.assumption_constants`` (imported from its module: the package does not
    export it in every version)."""
    import importlib

    mod = importlib.import_module("mfgcheck.numerics.assumption_constants")
    return mod.assumption_constants(game, **kwargs)


def features_for(game, spec: str) -> np.ndarray:
    """``tabular`` or ``random:<dim>`` (random features, seed 0, norm 1)."""
    if spec == "tabular":
        return numerics.tabular_features(game.n_states, game.n_actions)
    if spec.startswith("random:"):
        return numerics.random_features(game.n_states, game.n_actions, int(spec.split(":")[1]))
    raise ValueError(f"features: {spec!r}; use 'tabular' or 'random:<dim>'")


def equilibrium_record(game, eq=None) -> dict:
    """The equilibrium, its certificate and ``d*`` as plain data."""
    eq = numerics.solve_equilibrium(game) if eq is None else eq
    d_star = numerics.visitation(game, eq.policy, eq.mean_field)
    return {"policy": eq.policy, "mean_field": eq.mean_field, "d_star": d_star,
            "certificate": eq.certificate()}


def summarise_end(game, eq_rec: dict, *, avg_policy, avg_mean_field, last_policy,
                  last_mean_field) -> dict:
    """Theorem 1's left side for the average and the last iterate, and exploitabilities."""
    pi_eq = np.asarray(eq_rec["policy"])
    mu_eq = np.asarray(eq_rec["mean_field"])
    d_star = np.asarray(eq_rec["d_star"])
    D_avg = float(numerics.policy_distance(pi_eq, avg_policy, d_star))
    m_avg = float(numerics.l1(mu_eq, avg_mean_field))
    D_last = float(numerics.policy_distance(pi_eq, last_policy, d_star))
    m_last = float(numerics.l1(mu_eq, last_mean_field))
    return {
        "lhs": D_avg + m_avg, "lhs_policy": D_avg, "lhs_mean_field": m_avg,
        "last": D_last + m_last, "last_policy": D_last, "last_mean_field": m_last,
        "exploitability_avg": safe_exploitability(game, avg_policy),
        "exploitability_last": safe_exploitability(game, last_policy),
    }


def safe_exploitability(game, policy) -> float | None:
    """``numerics.exploitability`` (compiled when the game allows:
    ``algorithms.exploitability_kernels``); if the induced mean field does not reach numerics'
    default tolerance, the same computation at ``exploitability_kernels.RETRY_TOL``; None
    (reported as not computed) if that fails too. The failures that motivated it - averaged
    policies whose rows summed to 1 + 1e-12, so the population flow gained mass - are fixed at
    the root (``_validate.check_simplex`` renormalises); this stays as a guard for a report
    run."""
    return exploitability_kernels.exploitability_retrying(game, policy)[0]


def run_metrics(game, run, features, R: float, ref=None) -> tuple[dict, str]:
    """``algorithms.compute_metrics`` for one run, and a note. If it raises
    ``NonConvergenceError`` (an exploitability it evaluates, see ``safe_exploitability``), only
    the oracle errors eps_* (``algorithms.metrics.error_metrics``, which need no exploitability)
    are returned, and the note says so."""
    from ..algorithms import metrics as mm

    tabular = numerics.is_tabular(features)
    try:
        return mm.compute_metrics(game, run, features, R, tabular, ref), ""
    except numerics.NonConvergenceError as exc:
        note = (f"algorithms.compute_metrics raised NonConvergenceError ({exc}); only the "
                "errors eps_* were computed (algorithms.metrics.error_metrics)")
    return mm.error_metrics(game, run, features, R, tabular), note


def _oracle(settings: dict) -> al.OracleConfig:
    """The ``OracleConfig`` of stored settings: ``oracle`` (the mode) and ``oracle_kwargs``."""
    kw = dict(settings.get("oracle_kwargs") or {})
    return as_oracle(settings["oracle"], **{k: kw.get(k) for k in ORACLE_SETTINGS})


def _group_key(s: dict, *names) -> tuple:
    from .store import canonical_json

    return tuple(canonical_json(s.get(n)) for n in names)


def rate_batch(game, eq_rec: dict, settings_list: list[dict], *,
               progress: bool = False) -> list[dict]:
    """Rate runs for settings that share game, oracle, features and R (module docstring)."""
    keys = {_group_key(s, "oracle", "oracle_kwargs", "features", "R") for s in settings_list}
    if len(keys) != 1:
        raise ValueError("rate_batch: settings must share oracle, oracle_kwargs, features, R")
    s0 = settings_list[0]
    phi = features_for(game, s0["features"])
    Tmax = max(int(s["T"]) for s in settings_list)
    runs = al.nac_batch(game, [int(s["T"]) for s in settings_list],
                        [float(s["eta"]) for s in settings_list],
                        [float(s["beta"]) for s in settings_list],
                        [int(s["seed"]) for s in settings_list],
                        features=phi, R=s0["R"], oracle=_oracle(s0),
                        record=al.log_grid(Tmax, RATE_RECORD_PER_DECADE).tolist(),
                        metrics=False, progress=progress)
    from ..algorithms import metrics as mm

    ref = mm.reference(game)
    out = []
    for run in runs:
        res = summarise_end(game, eq_rec, avg_policy=run.average_policy,
                            avg_mean_field=run.average_mean_field,
                            last_policy=run.final_policy, last_mean_field=run.final_mean_field)
        m, note = run_metrics(game, run, phi, float(run.params["R"]), ref)
        nan = [float("nan")] * run.t.size
        res.update(
            metrics_note=note,
            lhs_metrics=float(m["theorem1_lhs"][-1]) if "theorem1_lhs" in m else None,
            p_min=float(run.min_policy_all), theta_norm_max=float(run.max_theta_norm),
            R=float(run.params["R"]), theta_bound=float(run.params["theta_bound"]),
            p_min_bound=float(run.params["p_min_bound"]),
            **{k: _nanmax(m[k]) for k in ("eps_total", "eps_critic", "eps_actor",
                                          "eps_approx")},
            trajectory={"t": run.t.tolist(),
                        **{k: m[k].tolist() if k in m else nan
                           for k in ("sigma_pi", "sigma_mu", "theorem1_lhs")}},
            visited=[[p.tolist(), mu.tolist()] for p, mu in zip(run.policy, run.mean_field)],
            run_wall_time=float(run.wall_time))
        out.append(res)
    return out


def _nanmax(x) -> float:
    x = np.asarray(x, float)
    return float(np.nanmax(x)) if np.isfinite(x).any() else 0.0


# -- the paper's experiments (appendix D, Figures 1 and 2) --------------------------------
def dl_nac_batch(game, segments: int, segment_length: int, eta: float, seeds, *,
                 features=None, R=None, oracle: str | al.OracleConfig = "exact", record=(),
                 progress: bool = False):
    """DL-NAC for several seeds at once (``algorithms.dl_nac_batch``); returns, per seed, the
    policies ``pi_t`` at the iterations of ``record`` (and the last), as ``(t_list, policies)``."""
    runs = al.dl_nac_batch(game, segments, segment_length, float(eta), [int(s) for s in seeds],
                           features=features, R=R, oracle=oracle, progress=progress)
    N = segments * segment_length
    ts = sorted({int(t) for t in record if 0 <= int(t) <= N} | {N})
    return ts, np.stack([run.policy[ts] for run in runs])      # (B, n_recorded, S, A)


def paper_batch(game, settings_list: list[dict], *, progress: bool = False) -> list[dict]:
    """NAC or DL-NAC runs (same algorithm, oracle, steps; different seeds) as one batch."""
    keys = {_group_key(s, "algorithm", "oracle", "oracle_kwargs", "features", "R", "eta",
                       "beta", "iterations", "segment_length", "record_every")
            for s in settings_list}
    if len(keys) != 1:
        raise ValueError("paper_batch: settings must differ only in their seeds")
    s0 = settings_list[0]
    seeds = [int(s["seed"]) for s in settings_list]
    n, every = int(s0["iterations"]), int(s0["record_every"])
    record = list(range(0, n, every))
    phi = features_for(game, s0["features"])
    oracle = _oracle(s0)
    if s0["algorithm"] == "nac":
        runs = al.nac_batch(game, n, float(s0["eta"]), float(s0["beta"]), seeds,
                            features=phi, R=s0["R"], oracle=oracle,
                            record=record, progress=progress)
        ts = runs[0].t.tolist()
        policies = np.stack([r.policy for r in runs])
    elif s0["algorithm"] == "dl-nac":
        ts, policies = dl_nac_batch(game, n // int(s0["segment_length"]),
                                    int(s0["segment_length"]), float(s0["eta"]), seeds,
                                    features=phi, R=s0["R"], oracle=oracle,
                                    record=record, progress=progress)
    else:
        raise ValueError(f"algorithm: {s0['algorithm']!r}; use 'nac' or 'dl-nac'")
    out = []
    for b in range(len(seeds)):
        expl = [safe_exploitability(game, p) for p in policies[b]]
        out.append({"iterations": [int(t) for t in ts], "exploitability": expl})
    return out
