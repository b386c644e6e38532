"""Algorithm 1 (single-loop mean-field NAC), Algorithms 2 and 3, DL-NAC, oracles, schedules.

OpenSpiel style: small steps (``nac_step``) that runners (``nac``, ``nac_batch``, ``dl_nac``)
drive. See ``docs/algorithms.md``.
"""

from .actor import ActorEstimate, advantage_from_critic, exact_actor, sgd_actor, sgd_step_size
from .critic import CriticEstimate, default_critic_radius, td0_critic
from .dl_nac import DLNACRun, dl_nac, dl_nac_batch
from .engine import default_radius
from .environment import Environment, Rollout
from .metrics import METRIC_NAMES, compute_metrics
from .nac import NACState, StepInfo, nac, nac_batch, nac_step
from .oracle import ORACLE_MODES, OracleConfig
from .records import NACRun, log_grid, record_times
from .schedules import (
    Constant,
    FunctionSchedule,
    Power,
    Schedule,
    as_schedule,
    td_theory_steps,
    theorem1_steps,
)

__all__ = [
    "ActorEstimate", "advantage_from_critic", "exact_actor", "sgd_actor", "sgd_step_size",
    "CriticEstimate", "default_critic_radius", "td0_critic", "DLNACRun", "dl_nac", "dl_nac_batch",
    "default_radius", "Environment", "Rollout", "METRIC_NAMES", "compute_metrics",
    "NACState", "StepInfo", "nac", "nac_batch", "nac_step", "ORACLE_MODES", "OracleConfig",
    "NACRun", "log_grid", "record_times", "Constant", "FunctionSchedule", "Power", "Schedule",
    "as_schedule", "td_theory_steps", "theorem1_steps",
]
