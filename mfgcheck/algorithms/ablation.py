"""Ablation of the sampled oracles: which factor makes Algorithm 1 with Algorithms 2-3 lock in.

Baseline (the configuration of the lock-in finding, ``BASELINE``): normalised SIS, Theorem 1's
steps for ``T`` (``eta = c_eta T^-2/5/lam``, ``beta = c_beta T^-4/5``), ``K_critic = K_actor =
K``, Algorithm 2 with a constant step from ``psi_0 = 0`` at every iteration, Algorithm 3 with
Proposition 2's step, tabular features. Each variant (``VARIANTS``) changes exactly one
factor: the critic's step schedule (Proposition 1's ``1/(omega (k+1)(1-gamma))`` with the
exact ``omega`` of each iteration), its initialisation (warm start from the previous
iteration's critic), ``K``, the actor's step (or the exact actor), the features (random,
full rank: still realisable, no longer one-hot), and the exact critic as a reference.

Along every run, at every iteration ``t`` and for every seed, against the exact ``q_t`` of
``(pi_t, mu_t)``:

- ``err_weighted = sum_{s,a} d(s) pi(a|s) (q_hat - q)^2`` with ``d = d^pi_mu`` (the norm of
  Proposition 1's statement), and ``err_weighted_stationary`` with the stationary law of
  ``P_pi`` (the norm of Bhandari et al., what properties/ checks);
- ``err_max = max_{s,a} (q_hat - q)^2`` (Lemma 8's per-(s, a) ``eps_critic``);
- ``omega`` (visitation) and ``omega_stationary`` (``critic.td_omega``), ``min_policy``.

A step that fails numerically (the exact actor's trust-region solve overflows once
``pi_t(a|s) ~ 1e-170``) ends the run there: the last policy counts as final, the series are NaN
after it, and ``stopped`` records the iteration and the error.

At the end: the exact exploitability of ``pi_T`` per seed. A seed is *locked* when
``E(pi_T) >= E(pi_0)`` (the run ends no better than the uniform policy it started from: it
learned nothing or moved away; scale-free). A variant *changes the outcome* when its locked
fraction differs from the baseline's by at least one half.

Under realisability and ``omega > 0`` a weighted bound implies a per-(s, a) one:
with ``q_hat - q = phi^T (psi - psi*)``, ``err_weighted = (psi - psi*)^T Sigma (psi - psi*) >=
omega ||psi - psi*||^2 >= omega (q_hat - q)^2(s, a)`` (``||phi|| <= 1``), so ``err_max <=
err_weighted / omega``: the two norms differ by the constant ``1/omega``, which Lemma 2 bounds
only through ``pi >= exp(-2R/lam)/|A|``. ``ratio_bound = err_weighted / omega`` is recorded
beside ``err_max`` (the tests check ``err_max <= ratio_bound``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .. import numerics as nm
from ..theory import step_sizes
from . import engine
from .critic import stationary_batch, td_omega
from .oracle import OracleConfig
from .schedules import theorem1_steps

BASELINE = {"T": 300, "c_eta": step_sizes.C_ETA, "c_beta": step_sizes.C_BETA, "K": 1000,
            "critic_step": 0.05, "critic_init": "zero", "actor": "sgd", "actor_step": None,
            "features": "tabular"}

# (label, factor, overrides): one factor changed at a time.
VARIANTS: tuple[tuple[str, str, dict], ...] = (
    ("baseline", "none", {}),
    ("critic step: Proposition 1 (exact omega)", "critic step", {"critic_step": "prop1"}),
    ("critic init: warm start", "critic init", {"critic_init": "warm"}),
    ("K = 100", "K", {"K": 100}),
    ("K = 10000", "K", {"K": 10_000}),
    ("actor step: constant 0.03 (~10x Prop. 2)", "actor step", {"actor_step": 0.03}),
    ("actor: exact minimiser", "actor", {"actor": "exact"}),
    ("features: random, full rank", "features", {"features": "random:4"}),
    ("critic: exact (reference)", "critic", {"critic": "exact"}),
)
LOCK_CHANGE = 0.5


@dataclass
class VariantResult:
    label: str
    factor: str
    config: dict
    seeds: list
    iterations: int
    series: dict = field(default_factory=dict)    # name -> (n_seeds, iterations) lists
    stopped: dict | None = None                   # a step that failed numerically (below)
    exploitability_initial: float = float("nan")
    exploitability_final: list = field(default_factory=list)
    locked: list = field(default_factory=list)
    final_policy: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _features(game, spec: str):
    if spec == "tabular":
        return None
    return nm.random_features(game.n_states, game.n_actions, int(spec.split(":")[1]))


def _oracle_for(cfg: dict) -> OracleConfig:
    """The ``OracleConfig`` of a variant's configuration."""
    mode = {("sgd", "td"): "sampled", ("exact", "td"): "exact_actor",
            ("sgd", "exact"): "exact_critic"}[(cfg["actor"], cfg.get("critic", "td"))]
    return OracleConfig(mode, K_critic=cfg["K"], K_actor=cfg["K"],
                        critic_step=cfg["critic_step"], critic_init=cfg["critic_init"],
                        actor_step=cfg["actor_step"])


def run_variant(game, overrides: dict, seeds, *, iterations: int | None = None,
                label: str = "", factor: str = "") -> VariantResult:
    """Algorithm 1 under ``BASELINE`` with ``overrides``, all seeds in one batch, with the
    diagnostics of the module docstring at every iteration (``iterations`` defaults to T)."""
    cfg = {**BASELINE, **overrides}
    eta, beta = theorem1_steps(cfg["T"], game.lam, cfg["c_eta"], cfg["c_beta"])
    n_it = cfg["T"] if iterations is None else int(iterations)
    oracle = _oracle_for(cfg)
    prob = engine.prepare(game, _features(game, cfg["features"]), None, oracle)
    seeds = [int(s) for s in seeds]
    B = len(seeds)
    rngs = [np.random.default_rng(s) for s in seeds]
    theta = np.zeros((B, prob.dim))
    mu = np.tile(game.rho, (B, 1))
    psi = None
    names = ("err_weighted", "err_weighted_stationary", "err_max", "ratio_bound", "omega",
             "omega_stationary", "min_policy")
    eta_v, beta_v = np.full(B, eta), np.full(B, beta)
    series = {k: np.full((B, n_it), np.nan) for k in names}
    stopped = None
    for t in range(n_it):
        pi, logpi = engine.policy_of(prob, theta)
        try:
            with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
                st = engine.step_batch(prob, theta, mu, eta_v, beta_v, rngs, (pi, logpi),
                                       psi0=psi)
        except (FloatingPointError, np.linalg.LinAlgError, nm.NonConvergenceError) as exc:
            stopped = {"t": t, "min_policy": float(pi.min()),
                       "reason": f"{type(exc).__name__}: {exc}"}
            break
        q, _ = engine.exact_critic(prob, pi, logpi, mu)
        P = engine.game_at(game.transition_at, mu)
        Ppi = (pi[..., None] * P).sum(axis=-2)
        d = engine.visitation(prob, Ppi)
        ds = stationary_batch(Ppi)
        err = (st.q_hat - q) ** 2
        series["err_weighted"][:, t] = (d[..., None] * pi * err).sum(axis=(-2, -1))
        series["err_weighted_stationary"][:, t] = (ds[..., None] * pi * err).sum(axis=(-2, -1))
        series["err_max"][:, t] = err.max(axis=(-2, -1))
        series["omega"][:, t] = td_omega(d, pi, prob.features)
        series["omega_stationary"][:, t] = td_omega(ds, pi, prob.features)
        series["ratio_bound"][:, t] = series["err_weighted"][:, t] / series["omega"][:, t]
        series["min_policy"][:, t] = pi.min(axis=(-2, -1))
        theta, mu, psi = st.theta_next, st.mu_next, st.psi
    pi_T, _ = engine.policy_of(prob, theta)
    e0 = nm.exploitability(game, nm.uniform_policy(game.n_states, game.n_actions))
    eT = [float(nm.exploitability(game, p)) for p in pi_T]
    return VariantResult(label=label, factor=factor, config=cfg, seeds=seeds, iterations=n_it,
                         series={k: v.tolist() for k, v in series.items()},
                         exploitability_initial=float(e0), exploitability_final=eT,
                         locked=[bool(e >= e0) for e in eT],
                         final_policy=pi_T.tolist(), stopped=stopped)


def summarise(results: Sequence[VariantResult | dict]) -> dict:
    """Per variant: locked fraction, mean final exploitability, the first iteration's and the
    run's mean errors, the smallest omega; and which factors change the outcome."""
    rows = []
    base = None
    for r in results:
        r = r.to_dict() if isinstance(r, VariantResult) else r
        s = {k: np.asarray(v, float) for k, v in r["series"].items()}
        row = {"label": r["label"], "factor": r["factor"],
               "locked_fraction": float(np.mean(r["locked"])),
               "locked": int(np.sum(r["locked"])), "seeds": len(r["locked"]),
               "exploitability_final_mean": float(np.mean(r["exploitability_final"])),
               "exploitability_final_min": float(np.min(r["exploitability_final"])),
               "exploitability_final_max": float(np.max(r["exploitability_final"])),
               "exploitability_initial": r["exploitability_initial"],
               "err_weighted_t0": float(s["err_weighted"][:, 0].mean()),
               "err_max_t0": float(s["err_max"][:, 0].mean()),
               "err_weighted_mean": float(np.nanmean(s["err_weighted"])),
               "err_max_mean": float(np.nanmean(s["err_max"])),
               "omega_min": float(np.nanmin(s["omega"])),
               "omega_stationary_min": float(np.nanmin(s["omega_stationary"])),
               "min_policy_final": float(np.min(r["final_policy"])),
               "stopped": r.get("stopped")}
        if r["factor"] == "none":
            base = row
        rows.append(row)
    if base is None:
        raise ValueError("ablation: no baseline variant")
    for row in rows:
        row["changes_outcome"] = bool(
            abs(row["locked_fraction"] - base["locked_fraction"]) >= LOCK_CHANGE - 1e-12)
    decisive = sorted({r["factor"] for r in rows if r["changes_outcome"]
                       and r["factor"] not in ("none", "critic")})
    return {"rows": rows, "decisive_factors": decisive,
            "baseline_locked_fraction": base["locked_fraction"]}


def run_ablation(game, seeds, *, variants=VARIANTS, iterations: int | None = None,
                 overrides: dict | None = None, progress=None) -> dict:
    """Every variant on ``game`` (``overrides`` change the baseline for all of them, e.g. a
    smaller T in tests); returns ``{"variants": [...], "summary": ...}`` as plain data."""
    out = []
    for label, factor, ov in variants:
        if progress is not None:
            progress(label)
        out.append(run_variant(game, {**(overrides or {}), **ov}, seeds,
                               iterations=iterations, label=label, factor=factor).to_dict())
    return {"variants": out, "summary": summarise(out), "baseline": {**BASELINE,
                                                                      **(overrides or {})},
            "lock_rule": "E(pi_T) >= E(pi_0)", "lock_change": LOCK_CHANGE}
