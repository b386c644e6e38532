"""Cen, Cheng, Chen, Wei and Chi, "Fast global convergence of natural policy gradient methods
with entropy regularization", Operations Research 70(4), 2022 (arXiv:2007.06558).

Theorem 1: exact entropy-regularised NPG on a tabular MDP with learning rate
``0 < eta <= (1 - gamma)/tau`` converges linearly at rate ``1 - eta tau``:
``||Q*_tau - Q^(t+1)_tau||_inf <= C1 gamma (1 - eta tau)^t`` and
``||log pi*_tau - log pi^(t+1)||_inf <= 2 C1/tau (1 - eta tau)^t``.

Modules: :mod:`.symbols` (the paper's namespace), :mod:`.theory` (statement, constants, proof
steps in SymPy), :mod:`.mdp` (exact tabular numerics), :mod:`.precise` (60-digit replay),
:mod:`.checks` (Evidence per relation), :mod:`.strategies` (random MDPs). Nothing heavy is
imported here: the registry imports this package to call :func:`register`.
"""

from __future__ import annotations

PAPER = "cen2022"
CLAIM_ID = "cen2022.theorem1"
_CHECKS = "mfgcheck.papers.cen2022.checks"
_CASES = "mfgcheck.papers.cen2022.strategies:npg_cases"

#: (step id suffix, check function): every relation a check measures, on one strategy
CHECKS = (("", "check_theorem1"), ("eq22b", "check_eq22b"), ("monotone", "check_monotone"),
          ("eq44", "check_eq44"), ("eq45", "check_eq45"), ("softmax", "check_softmax"),
          ("xi0", "check_xi0"), ("y0_triangle", "check_y0_triangle"))


def register() -> None:
    """Register Theorem 1 and its checks (the ``mfgcheck.claims`` entry point ``cen2022``).
    Imports only the registry: the theory and the checks load when first asked for."""
    from ...registry import CheckSpec, ClaimSpec, register_claim

    register_claim(ClaimSpec(
        CLAIM_ID, PAPER, "Theorem 1 (Cen et al. 2022)",
        "exact entropy-regularised NPG with 0 < eta <= (1-gamma)/tau converges linearly: "
        "||Q*_tau - Q^(t+1)_tau|| <= C1 gamma (1 - eta tau)^t, log-policies at 2 C1/tau "
        "(1 - eta tau)^t",
        "mfgcheck.papers.cen2022.theory",
        tuple(CheckSpec(f"{CLAIM_ID}.{suffix}" if suffix else CLAIM_ID, f"{_CHECKS}:{fn}",
                        _CASES) for suffix, fn in CHECKS)))
