"""Algorithm 1: the single-loop mean-field natural actor-critic (docs/conventions.md, s. 7).

``theta_0 = 0``, ``mu_0 = rho`` (or ``mu0``); for ``t = 0 .. T-1``: critic ``q_hat_t`` for
``(pi_t, mu_t)``, actor ``w_hat_t``, ``theta_{t+1} = (1 - eta_t lam) theta_t + eta_t w_hat_t``,
``mu_{t+1} = (1 - beta_t) mu_t + beta_t Gamma2(pi_t, mu_t)``. Oracle modes: ``oracle.py``.

OpenSpiel style, a small step and runners that drive it:

- ``nac_step(game, state, *, eta, beta, features, R, oracle, rng) -> (new_state, StepInfo)``:
  one iteration from ``NACState(t, theta, mu)``; ``StepInfo`` carries ``pi_t, mu_t, theta_t,
  q_hat_t, A_hat_t, w_hat_t, g_t, eta_t, beta_t`` (and ``log_pi_t``, ``population =
  Gamma2(pi_t, mu_t)``). This signature is stable: properties/ drives it to check Lemmas 1, 5,
  7, 8 step by step. It runs the same engine as ``nac``: T calls of ``nac_step`` give the same
  bits as ``nac(..., T)``.
- ``nac(game, T, eta, beta, ...) -> NACRun`` and ``nac_batch(game, T, eta, beta, seeds, ...)
  -> list[NACRun]``: many runs (seeds, and T with their own steps) advance together in one
  vectorised computation; a run gives the same bits alone and inside a batch (each run has
  its own ``Generator(seed)``). Exact oracles draw no random numbers.

Step sizes: numbers, ``Schedule``s or callables ``t -> step``; ``0 < eta_t lam < 1`` and
``0 <= beta_t <= 1`` are checked (constants once, callables at every ``t``).
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

import numpy as np

from .._validate import InvalidInputError, check_int, check_simplex_fast
from . import engine, exact_kernels, kernels
from . import metrics as metrics_mod
from .oracle import OracleConfig, as_oracle, reject_loose_settings
from .records import NACRun, record_times
from .schedules import Constant, as_schedule, check_beta, check_eta


@dataclass(frozen=True)
class NACState:
    """The state of Algorithm 1 before iteration ``t``: ``theta_t`` (d,), ``mu_t`` (S,), and
    ``psi`` (d,) the last sampled critic (the warm start of ``critic_init="warm"``; else None)."""

    t: int
    theta: np.ndarray
    mu: np.ndarray
    psi: np.ndarray | None = None

    @classmethod
    def initial(cls, game, features=None, mu0=None) -> NACState:
        """``t = 0``, ``theta_0 = 0``, ``mu_0 = rho`` (or ``mu0``)."""
        dim = game.n_states * game.n_actions if features is None else np.shape(features)[-1]
        mu = game.rho.copy() if mu0 is None else game.check_mean_field(mu0, "mu0").copy()
        return cls(0, np.zeros(dim), mu)


@dataclass(frozen=True)
class StepInfo:
    """What iteration ``t`` computed (docs/conventions.md names)."""

    t: int
    pi: np.ndarray            # pi_t (S, A)
    log_pi: np.ndarray        # log pi_t (S, A)
    mu: np.ndarray            # mu_t (S,)
    theta: np.ndarray         # theta_t (d,)
    q_hat: np.ndarray         # critic's shifted Q (S, A)
    A_hat: np.ndarray         # A_hat_t = Q_hat - E_pi Q_hat (S, A)
    w_hat: np.ndarray         # actor's output (d,)
    g: np.ndarray             # g_t = w_hat_t - lam theta_t (d,)
    eta: float
    beta: float
    population: np.ndarray    # Gamma2(pi_t, mu_t) (S,)


def _rng(x):
    if isinstance(x, np.random.Generator):
        return x
    return np.random.default_rng(x)


def nac_step(game, state: NACState, *, eta, beta, features=None, R=None,
             oracle: str | OracleConfig = "exact", rng=None,
             **removed) -> tuple[NACState, StepInfo]:
    """One iteration of Algorithm 1 from ``state``; returns ``(new_state, StepInfo)``.

    ``eta``, ``beta``: numbers or schedules (evaluated at ``state.t``). ``rng``: a Generator
    or seed, needed by sampled oracles (it is advanced). Other arguments as in ``nac``.
    """
    reject_loose_settings("nac_step", removed)
    oracle = as_oracle(oracle)
    prob = engine.prepare(game, features, R, oracle)
    eta_t = check_eta(as_schedule(eta, "eta")(state.t), game.lam)
    beta_t = check_beta(as_schedule(beta, "beta")(state.t))
    theta = np.asarray(state.theta, dtype=np.float64)
    if theta.shape != (prob.dim,):
        raise InvalidInputError(f"state.theta: shape {theta.shape}, expected ({prob.dim},)")
    # validated, not renormalised: T calls give the bits of nac(..., T)
    mu = check_simplex_fast("state.mu", state.mu, game.n_states)
    if mu.shape != (game.n_states,):
        raise InvalidInputError(f"state.mu: shape {mu.shape}, expected ({game.n_states},)")
    if oracle.uses_samples and rng is None:
        raise InvalidInputError(f"rng: oracle {oracle.mode!r} samples; pass a Generator or seed")
    rngs = [_rng(rng)] if oracle.uses_samples else None
    psi0 = None if state.psi is None else np.asarray(state.psi, dtype=np.float64)[None]
    st = engine.step_batch(prob, theta[None], mu[None], np.array([eta_t]), np.array([beta_t]),
                           rngs, psi0=psi0)
    info = StepInfo(t=state.t, pi=st.pi[0], log_pi=st.log_pi[0], mu=mu, theta=theta,
                    q_hat=st.q_hat[0], A_hat=st.A_hat[0], w_hat=st.w_hat[0], g=st.g[0],
                    eta=eta_t, beta=beta_t, population=st.population[0])
    psi = None if st.psi is None or not oracle.warm else st.psi[0]
    return NACState(state.t + 1, st.theta_next[0], st.mu_next[0], psi), info


# -- runners -------------------------------------------------------------------------------

def _per_run(x, B, name):
    if isinstance(x, (list, tuple, np.ndarray)) and not isinstance(x, str):
        if len(x) != B:
            raise InvalidInputError(f"{name}: {len(x)} values for {B} runs")
        return list(x)
    return [x] * B


def _batch_size(*values) -> int:
    sizes = {len(v) for v in values if isinstance(v, (list, tuple, np.ndarray))}
    if len(sizes) > 1:
        raise InvalidInputError(f"T, eta, beta, seeds: sequences of different lengths {sizes}")
    return sizes.pop() if sizes else 1


def _check_T(T, name="T") -> int:
    return check_int(name, T, minimum=1)


def _check_seeds(seeds) -> list[int]:
    """One seed or a non-empty sequence of seeds, each an integer >= 0."""
    if isinstance(seeds, (list, tuple, np.ndarray)):
        if not len(seeds):
            raise InvalidInputError("seeds: empty")
        return [check_int(f"seeds[{i}]", s, minimum=0) for i, s in enumerate(seeds)]
    return [check_int("seeds", seeds, minimum=0)]


def nac(game, T: int, eta, beta, *, features=None, R=None,
        oracle: str | OracleConfig = "exact", seed=0, mu0=None, record="log",
        metrics: bool = False, progress: bool = False, **removed) -> NACRun:
    """Run Algorithm 1 for ``T`` iterations (a batch of one; see ``nac_batch``).

    ``features``: (S, A, d) with ``||phi|| <= 1`` (default tabular); ``R``: actor radius (default
    ``engine.default_radius``); ``oracle``: ``"exact" | "sampled" | "exact_critic" |
    "exact_actor" | "practical"`` (with default settings) or an ``OracleConfig`` (sample sizes,
    critic step and radius, actor step, critic start: ``oracle.py``); ``record``:
    ``"log" | "all" | "last" | [t, ...]`` (``records.py``); ``metrics=True`` adds the exact
    metrics of ``metrics.py`` (costs exact solves at every recorded t).
    """
    reject_loose_settings("nac", removed)
    seed = check_int("seed", seed, minimum=0)
    return nac_batch(game, T, eta, beta, [seed], features=features, R=R, oracle=oracle,
                     mu0=mu0, record=record, metrics=metrics, progress=progress)[0]


def nac_batch(game, T, eta, beta, seeds, *, features=None, R=None,
              oracle: str | OracleConfig = "exact", mu0=None, record="log",
              metrics: bool = False, progress: bool = False, **removed) -> list[NACRun]:
    """Run many instances of Algorithm 1 together; returns one ``NACRun`` per run.

    ``T``, ``eta``, ``beta`` and ``seeds`` are each a single value (shared; a one-element
    ``seeds`` is shared too) or a sequence with one entry per run (e.g. a grid of T with
    Theorem 1's steps from ``schedules.theorem1_steps``). Runs that reach their T leave the
    batch.
    """
    reject_loose_settings("nac_batch", removed)
    seeds = _check_seeds(seeds)
    B = _batch_size(T, eta, beta, *([seeds] if len(seeds) > 1 else []))
    Ts = [_check_T(v, "T" if B == 1 else f"T[{i}]") for i, v in enumerate(_per_run(T, B, "T"))]
    seeds = _per_run(list(seeds) if len(seeds) != 1 else seeds[0], B, "seeds")
    oracle = as_oracle(oracle)
    prob = engine.prepare(game, features, R, oracle)
    lam = game.lam
    etas = [as_schedule(e, "eta") for e in _per_run(eta, B, "eta")]
    betas = [as_schedule(b, "beta") for b in _per_run(beta, B, "beta")]
    for i, (e, b) in enumerate(zip(etas, betas)):
        tag = "" if B == 1 else f"[{i}]"
        if isinstance(e, Constant):
            check_eta(e.value, lam, f"eta{tag}")
        if isinstance(b, Constant):
            check_beta(b.value, f"beta{tag}")
    mu_start = game.rho.copy() if mu0 is None else game.check_mean_field(mu0, "mu0")
    if mu_start.shape != (game.n_states,):
        raise InvalidInputError(f"mu0: shape {mu_start.shape}, expected ({game.n_states},)")
    start = time.perf_counter()
    raw = _run(prob, np.array(Ts), etas, betas, seeds, mu_start, record, progress)
    wall = (time.perf_counter() - start) / B
    features_desc = "tabular" if prob.tabular else {"shape": list(prob.features.shape)}
    ref = metrics_mod.reference(game) if metrics else None
    runs = []
    for i, rec in enumerate(raw):
        params = dict(T=Ts[i], eta=etas[i].to_dict(), beta=betas[i].to_dict(), R=prob.R,
                      oracle=oracle.to_dict(), seed=seeds[i], features=features_desc,
                      mu0=mu_start.tolist(), record=record if isinstance(record, str) else "list",
                      **engine.lemma2_bounds(game, prob.R))
        run = NACRun(game=game.to_dict(), params=params, wall_time=wall, **rec)
        if metrics:
            run.metrics = metrics_mod.compute_metrics(
                game, run, prob.features, prob.R, prob.tabular, ref,
                notes=run.extra.setdefault("metric_notes", []))
        runs.append(run)
    return runs


def _compiled_exact(prob, constant_steps: bool):
    """The compiled exact advance ``f(theta, mu, eta, beta, lam, gamma, R, n, sum_pi, sum_mu,
    max_norm, min_pi) -> iterations done`` when it applies (exact oracle, tabular features,
    ``rho > 0``, constant steps, and a game with a closed form: ``exact_kernels.advance``, or
    affine in ``mu``: ``kernels.exact_affine_advance``); else ``None``."""
    if not (kernels.use_compiled() and constant_steps and prob.oracle.mode == "exact"
            and prob.tabular and prob.d_positive):
        return None
    if prob.exact_model is not None:
        return functools.partial(exact_kernels.advance, prob.exact_model)
    affine = kernels.affine_model(prob.game)
    return None if affine is None else functools.partial(kernels.exact_affine_advance, affine)


def _run(prob, Ts, etas, betas, seeds, mu_start, record, progress):
    """The batched loop (records.py describes what is stored)."""
    game = prob.game
    B, S, A, dim = len(Ts), game.n_states, game.n_actions, prob.dim
    Tmax = int(Ts.max())
    grid = set(record_times(Tmax, record).tolist()) - {Tmax}
    idx = np.arange(B)                                  # original index of each active run
    theta = np.zeros((B, dim))
    mu = np.tile(mu_start, (B, 1))
    psi = None                                          # warm-started critic (oracle.py)
    rngs = [np.random.default_rng(s) for s in seeds] if prob.oracle.uses_samples else None
    const_eta = all(e.is_constant for e in etas)
    const_beta = all(b.is_constant for b in betas)
    eta_arr = np.array([e.value for e in etas]) if const_eta else None
    beta_arr = np.array([b.value for b in betas]) if const_beta else None
    sum_pi = np.zeros((B, S, A))
    sum_mu = np.zeros((B, S))
    max_norm = np.zeros(B)
    min_pi = np.ones(B)
    recs = [{k: [] for k in ("t", "theta", "policy", "mean_field", "avg_policy",
                             "avg_mean_field", "q_hat", "advantage", "w_hat")}
            for _ in range(B)]
    out_extra = [None] * B
    nan_sa, nan_d = np.full((S, A), np.nan), np.full(dim, np.nan)

    def store(rows, t, th, pi, m, q, adv, w):
        for j, r in enumerate(rows):
            rec = recs[idx[r]]
            rec["t"].append(t)
            rec["theta"].append(th[j].copy())
            rec["policy"].append(pi[j].copy())
            rec["mean_field"].append(m[j].copy())
            if t == 0:
                rec["avg_policy"].append(pi[j].copy())
                rec["avg_mean_field"].append(m[j].copy())
            else:
                rec["avg_policy"].append(sum_pi[r] / t)
                rec["avg_mean_field"].append(sum_mu[r] / t)
            rec["q_hat"].append(nan_sa if q is None else q[j].copy())
            rec["advantage"].append(nan_sa if adv is None else adv[j].copy())
            rec["w_hat"].append(nan_d if w is None else w[j].copy())

    bar = None
    if progress:
        from ..progress import progress as progress_bar
        bar = progress_bar(total=Tmax, desc=f"NAC {game.name} x{B}")
    t = 0
    T_act = Ts.copy()
    fast = _compiled_exact(prob, const_eta and const_beta)
    grid_sorted = np.array(sorted(grid) + [Tmax + 1], dtype=np.int64)
    numpy_next = False
    if fast is not None:
        theta = np.ascontiguousarray(theta)
        eta_arr = np.ascontiguousarray(eta_arr, dtype=np.float64)
        beta_arr = np.ascontiguousarray(beta_arr, dtype=np.float64)
    while idx.size:
        done = T_act == t
        if done.any():
            rows = np.flatnonzero(done)
            pi_f, _ = engine.policy_of(prob, theta[rows])
            norms = np.sqrt((theta[rows] ** 2).sum(axis=-1))
            max_norm[rows] = np.maximum(max_norm[rows], norms)
            min_pi[rows] = np.minimum(min_pi[rows], pi_f.min(axis=(-2, -1)))
            store(rows, t, theta[rows], pi_f, mu[rows], None, None, None)
            for r in rows:
                out_extra[idx[r]] = (float(max_norm[r]), float(min_pi[r]))
            keep = ~done
            idx, theta, mu, T_act = idx[keep], theta[keep], mu[keep], T_act[keep]
            psi = None if psi is None else psi[keep]
            sum_pi, sum_mu = sum_pi[keep], sum_mu[keep]
            max_norm, min_pi = max_norm[keep], min_pi[keep]
            if const_eta:
                eta_arr = eta_arr[keep]
            if const_beta:
                beta_arr = beta_arr[keep]
            if not idx.size:
                break
        eta_t = eta_arr if const_eta else np.array(
            [check_eta(etas[i](t), game.lam, f"eta(t={t})") for i in idx])
        beta_t = beta_arr if const_beta else np.array(
            [check_beta(betas[i](t), f"beta(t={t})") for i in idx])
        if fast is not None and t not in grid and not numpy_next:
            # compiled iterations up to the next recorded t or the next run's end
            nxt = min(int(T_act.min()), int(grid_sorted[np.searchsorted(grid_sorted, t,
                                                                         side="right")]))
            n = nxt - t
            done_n = fast(theta, mu, eta_t, beta_t, game.lam, game.gamma, prob.R,
                          n, sum_pi, sum_mu, max_norm, min_pi)
            t += done_n
            numpy_next = done_n < n                     # the ball binds or a game check fails
            if bar is not None:
                bar.update(done_n)
            continue
        numpy_next = False
        st = engine.step_batch(prob, theta, mu, eta_t, beta_t,
                               None if rngs is None else [rngs[i] for i in idx], psi0=psi)
        psi = st.psi
        max_norm = np.maximum(max_norm, np.sqrt((theta * theta).sum(axis=-1))
                              if st.theta_norm is None else st.theta_norm)
        min_pi = np.minimum(min_pi, st.pi.min(axis=(-2, -1)))
        if t in grid:
            store(range(idx.size), t, theta, st.pi, mu, st.q_hat, st.A_hat, st.w_hat)
        sum_pi += st.pi
        sum_mu += mu
        theta, mu = np.ascontiguousarray(st.theta_next), np.ascontiguousarray(st.mu_next)
        t += 1
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    results = []
    for b in range(B):
        rec = {k: np.array(v) for k, v in recs[b].items()}
        rec["theta_norm"] = np.sqrt((rec["theta"] ** 2).sum(axis=-1))
        rec["min_policy"] = rec["policy"].min(axis=(-2, -1))
        rec["max_theta_norm"], rec["min_policy_all"] = out_extra[b]
        results.append(rec)
    return results
