"""What a run of Algorithm 1 records, and when (bsuite style: log-spaced iterations).

``record_times(T, record)``: ``"log"`` (default) records ``t = 0``, the integers
``round(10^(k/20))`` (20 per decade) below ``T``, and ``T``; ``"all"`` every ``t``; ``"last"``
only ``T``; a sequence of ints records those (clipped to ``[0, T]``) and ``T``. Runs in a batch
share the grid, so a run records the same iterations alone or in a batch.

At a recorded ``t`` the run stores ``theta_t``, ``pi_t``, ``mu_t``, ``||theta_t||``,
``min pi_t``, the running averages ``avg_pi_t = (1/t) sum_{s<t} pi_s`` and ``avg_mu_t`` (the
output of Theorem 1 for a run of length ``t``; at ``t = 0`` they are ``pi_0`` and ``mu_0`` by
convention), and the step's ``q_hat_t``, ``A_hat_t``, ``w_hat_t`` (NaN at ``t = T``, where no
step is taken). ``max_theta_norm`` and ``min_policy_all`` track Lemma 2's quantities over
*every* iterate ``0..T``, recorded or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from .._validate import InvalidInputError

LOG_POINTS_PER_DECADE = 20


def log_grid(T: int, per_decade: int = LOG_POINTS_PER_DECADE) -> np.ndarray:
    """``0`` and the distinct ``round(10^(k/per_decade)) < T``."""
    if T <= 1:
        return np.array([0], dtype=np.int64)
    k = np.arange(int(np.ceil(np.log10(T) * per_decade)) + 1)
    pts = np.unique(np.rint(10.0 ** (k / per_decade)).astype(np.int64))
    return np.concatenate([[0], pts[pts < T]])


def record_times(T: int, record) -> np.ndarray:
    """Sorted iterations ``t`` in ``[0, T]`` to record; always includes ``T``."""
    if isinstance(record, str):
        if record == "log":
            pts = log_grid(T)
        elif record == "all":
            pts = np.arange(T)
        elif record == "last":
            pts = np.array([], dtype=np.int64)
        else:
            raise InvalidInputError(
                f"record: {record!r}; use 'log', 'all', 'last' or a list of ints")
    else:
        try:
            pts = np.asarray(list(record), dtype=np.int64)
        except (TypeError, ValueError):
            raise InvalidInputError(f"record: {record!r} is not a list of ints") from None
        if pts.size and pts.min() < 0:
            raise InvalidInputError(f"record: negative iteration {pts.min()}")
        pts = pts[pts < T]
    return np.unique(np.concatenate([pts, [T]])).astype(np.int64)


_ARRAY_FIELDS = ("t", "theta", "policy", "mean_field", "theta_norm", "min_policy",
                 "avg_policy", "avg_mean_field", "q_hat", "advantage", "w_hat")


@dataclass
class NACRun:
    """One run of Algorithm 1 (arrays indexed by the recorded iterations ``t``).

    ``params`` holds T, step sizes, R, the oracle, the seed, the features and the Lemma 2
    bounds ``theta_bound = R/lam`` and ``p_min_bound = exp(-2R/lam)/|A|``; ``metrics``
    (when computed) maps names to arrays over the recorded ``t`` (see ``metrics.py``);
    ``extra["metric_notes"]`` lists any metric computed at a looser tolerance or left NaN.
    """

    game: dict
    params: dict
    t: np.ndarray
    theta: np.ndarray
    policy: np.ndarray
    mean_field: np.ndarray
    theta_norm: np.ndarray
    min_policy: np.ndarray
    avg_policy: np.ndarray
    avg_mean_field: np.ndarray
    q_hat: np.ndarray
    advantage: np.ndarray
    w_hat: np.ndarray
    max_theta_norm: float
    min_policy_all: float
    metrics: dict | None = None
    wall_time: float = float("nan")
    extra: dict = field(default_factory=dict)

    # -- convenience ------------------------------------------------------------------
    @property
    def T(self) -> int:
        return int(self.t[-1])

    @property
    def final_policy(self) -> np.ndarray:
        return self.policy[-1]

    @property
    def final_mean_field(self) -> np.ndarray:
        return self.mean_field[-1]

    @property
    def average_policy(self) -> np.ndarray:
        """Theorem 1's ``(1/T) sum_{t<T} pi_t`` (per-state mixture)."""
        return self.avg_policy[-1]

    @property
    def average_mean_field(self) -> np.ndarray:
        return self.avg_mean_field[-1]

    # -- serialisation ----------------------------------------------------------------
    def to_dict(self) -> dict:
        """Plain lists and numbers (JSON-ready; NaN stays float('nan'))."""
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray):
                v = v.tolist()
            elif f.name == "metrics" and v is not None:
                v = {k: np.asarray(a).tolist() for k, a in v.items()}
            elif isinstance(v, np.generic):
                v = v.item()
            out[f.name] = v
        return out

    @classmethod
    def from_dict(cls, data: dict) -> NACRun:
        kw = dict(data)
        for name in _ARRAY_FIELDS:
            kw[name] = np.asarray(kw[name], dtype=np.int64 if name == "t" else np.float64)
        if kw.get("metrics") is not None:
            kw["metrics"] = {k: np.asarray(v, dtype=np.float64) for k, v in kw["metrics"].items()}
        return cls(**kw)
