"""DL-NAC, the double-loop baseline of appendix D ("Zigzags for fixed-point iterations").

Segments ``j = 0 .. segments-1``, each of ``L = segment_length`` policy updates against a
fixed mean field, then one full mean-field step:

    for t = jL .. (j+1)L - 1:  theta_{t+1} = (1 - eta lam) theta_t + eta w_hat_t   (mu fixed)
    mu^{(j+1)} = Gamma2(pi_{(j+1)L}, mu^{(j)})

The policy update (critic, actor, oracles) is Algorithm 1's (engine.step_batch with
``beta = 0``); only the mean-field schedule differs. So ``mu_t = mu^{(floor(t/L))}`` changes only
at the segment ends ``t = L, 2L, ...``. With ``exploitability=True`` the run records the
exact exploitability of ``pi_t`` at every iteration (the zig-zag curve of Figures 1 and 2).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .. import numerics as nm
from .._validate import InvalidInputError
from . import engine
from .nac import _check_seeds, _check_T
from .oracle import OracleConfig, as_oracle, reject_loose_settings
from .schedules import Constant, as_schedule, check_eta


@dataclass
class DLNACRun:
    """Every iteration ``t = 0 .. segments * segment_length`` of a DL-NAC run."""

    game: dict
    params: dict
    t: np.ndarray
    policy: np.ndarray             # (n, S, A)
    mean_field: np.ndarray         # (n, S): the mean field the policy update at t used
    theta_norm: np.ndarray         # (n,)
    min_policy: np.ndarray         # (n,)
    segment_ends: np.ndarray       # iterations at which mu jumped
    exploitability: np.ndarray | None = None

    def to_dict(self) -> dict:
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = v.tolist() if isinstance(v, np.ndarray) else v
        return out


def dl_nac(game, segments: int, segment_length: int, eta, *, features=None, R=None,
           oracle: str | OracleConfig = "exact", seed=0, mu0=None,
           exploitability: bool = False, progress: bool = False, **removed) -> DLNACRun:
    """Run DL-NAC (module docstring). Arguments as in ``nac``."""
    reject_loose_settings("dl_nac", removed)
    return dl_nac_batch(game, segments, segment_length, eta, _check_seeds(seed),
                        features=features, R=R, oracle=oracle, mu0=mu0,
                        exploitability=exploitability, progress=progress)[0]


def dl_nac_batch(game, segments: int, segment_length: int, eta, seeds, *, features=None,
                 R=None, oracle: str | OracleConfig = "exact", mu0=None,
                 exploitability: bool = False, progress: bool = False,
                 **removed) -> list[DLNACRun]:
    """DL-NAC for several seeds advancing together (one ``DLNACRun`` per seed); a run gives
    the same bits alone and in a batch. Exact oracles draw no random numbers."""
    reject_loose_settings("dl_nac_batch", removed)
    segments = _check_T(segments, "segments")
    L = _check_T(segment_length, "segment_length")
    seeds = _check_seeds(seeds)
    B = len(seeds)
    oracle = as_oracle(oracle)
    prob = engine.prepare(game, features, R, oracle)
    eta_s = as_schedule(eta, "eta")
    if isinstance(eta_s, Constant):
        check_eta(eta_s.value, game.lam)
    mu = game.rho.copy() if mu0 is None else game.check_mean_field(mu0, "mu0").copy()
    if mu.shape != (game.n_states,):
        raise InvalidInputError(f"mu0: shape {mu.shape}, expected ({game.n_states},)")
    mu = np.tile(mu, (B, 1))
    rngs = [np.random.default_rng(s) for s in seeds] if oracle.uses_samples else None
    theta = np.zeros((B, prob.dim))
    psi = None                                          # warm-started critic (oracle.py)
    N = segments * L
    pols, mfs, norms = [], [], []
    zero = np.zeros(B)
    iterator = range(N + 1)
    if progress:
        from ..progress import progress as progress_bar
        iterator = progress_bar(iterator, desc=f"DL-NAC {game.name} x{B}")
    for t in iterator:
        pi, logpi = engine.policy_of(prob, theta)
        if t > 0 and t % L == 0:
            mu = engine.population_of(prob, pi, mu)     # mu^{(j+1)} = Gamma2(pi_{(j+1)L}, mu^{(j)})
        pols.append(pi)
        mfs.append(mu.copy())
        norms.append(np.sqrt((theta * theta).sum(axis=-1)))
        if t == N:
            break
        eta_t = np.full(B, check_eta(eta_s(t), game.lam, f"eta(t={t})"))
        st = engine.step_batch(prob, theta, mu, eta_t, zero, rngs, (pi, logpi), psi0=psi)
        theta, psi = st.theta_next, st.psi
    policy = np.stack(pols, axis=1)                       # (B, N+1, S, A)
    mean_field = np.stack(mfs, axis=1)
    theta_norm = np.stack(norms, axis=1)
    runs = []
    for b, seed in enumerate(seeds):
        expl = (np.array([nm.exploitability(game, p) for p in policy[b]])
                if exploitability else None)
        params = dict(segments=segments, segment_length=L, eta=eta_s.to_dict(), R=prob.R,
                      oracle=oracle.to_dict(), seed=seed,
                      features=("tabular" if prob.tabular
                                else {"shape": list(prob.features.shape)}),
                      **engine.lemma2_bounds(game, prob.R))
        runs.append(DLNACRun(game=game.to_dict(), params=params, t=np.arange(N + 1),
                             policy=policy[b], mean_field=mean_field[b],
                             theta_norm=theta_norm[b], min_policy=policy[b].min(axis=(-2, -1)),
                             segment_ends=np.arange(L, N + 1, L), exploitability=expl))
    return runs
