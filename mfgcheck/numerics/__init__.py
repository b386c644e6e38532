"""Exact numerics on tabular games: the single source of truth for every exact quantity.

Game-level functions validate their inputs; ``mdp`` holds the batched array kernels that
algorithms/ call in hot loops.
"""

from . import actor_regression, finite_horizon, mdp
from .assumption_constants import AssumptionConstants, assumption_constants
from .best_response import SoftOptimum, best_response, soft_optimum
from .distances import kl, l1, policy_distance, weighted_kl
from .equilibrium import Equilibrium, Lambda, solve_equilibrium
from .evaluation import PolicyValues, policy_evaluation, visitation
from .exploitability import ExploitabilityResult, exploitability, exploitability_details
from .fixed_point import NonConvergenceError
from .policies import (
    grad_log_policy,
    is_tabular,
    loglinear_logits,
    loglinear_policy,
    random_features,
    tabular_features,
    uniform_policy,
    validate_features,
    validate_policy,
)
from .population import induced_mean_field, population_step

__all__ = [
    "AssumptionConstants", "assumption_constants",
    "actor_regression", "finite_horizon", "mdp", "SoftOptimum", "best_response", "soft_optimum",
    "kl", "l1", "policy_distance", "weighted_kl", "Equilibrium", "Lambda", "solve_equilibrium",
    "PolicyValues", "policy_evaluation", "visitation", "ExploitabilityResult", "exploitability",
    "exploitability_details", "NonConvergenceError", "grad_log_policy", "is_tabular",
    "loglinear_logits",
    "loglinear_policy", "random_features", "tabular_features", "uniform_policy",
    "validate_features", "validate_policy", "induced_mean_field", "population_step",
]
