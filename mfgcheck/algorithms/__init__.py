"""Algorithm 1 (single-loop mean-field NAC), Algorithms 2 and 3, DL-NAC, oracles, schedules.

OpenSpiel style: small steps (``nac_step``) that runners (``nac``, ``nac_batch``, ``dl_nac``)
drive. See ``docs/algorithms.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {  # name -> submodule, imported on first use (numba, cvxpy are heavy)
    "ActorEstimate": "actor", "advantage_from_critic": "actor", "exact_actor": "actor",
    "sgd_actor": "actor", "sgd_step_size": "actor",
    "CriticEstimate": "critic", "default_critic_radius": "critic", "td0_critic": "critic",
    "DLNACRun": "dl_nac", "dl_nac": "dl_nac", "dl_nac_batch": "dl_nac",
    "default_radius": "engine",
    "Environment": "environment", "Rollout": "environment",
    "METRIC_NAMES": "metrics", "compute_metrics": "metrics",
    "NACState": "nac", "StepInfo": "nac", "nac": "nac", "nac_batch": "nac", "nac_step": "nac",
    "ORACLE_MODES": "oracle", "OracleConfig": "oracle",
    "NACRun": "records", "log_grid": "records", "record_times": "records",
    "Constant": "schedules", "FunctionSchedule": "schedules", "Power": "schedules",
    "Schedule": "schedules", "as_schedule": "schedules", "td_theory_steps": "schedules",
    "theorem1_steps": "schedules",
}
__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # pragma: no cover
    from .actor import (  # noqa: F401
        ActorEstimate,
        advantage_from_critic,
        exact_actor,
        sgd_actor,
        sgd_step_size,
    )
    from .critic import CriticEstimate, default_critic_radius, td0_critic  # noqa: F401
    from .dl_nac import DLNACRun, dl_nac, dl_nac_batch  # noqa: F401
    from .engine import default_radius  # noqa: F401
    from .environment import Environment, Rollout  # noqa: F401
    from .metrics import METRIC_NAMES, compute_metrics  # noqa: F401
    from .nac import NACState, StepInfo, nac, nac_batch, nac_step  # noqa: F401
    from .oracle import ORACLE_MODES, OracleConfig  # noqa: F401
    from .records import NACRun, log_grid, record_times  # noqa: F401
    from .schedules import (  # noqa: F401
        Constant,
        FunctionSchedule,
        Power,
        Schedule,
        as_schedule,
        td_theory_steps,
        theorem1_steps,
    )
