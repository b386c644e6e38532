"""The constants of appendix A as SymPy expressions, with numeric evaluators and LaTeX.

- ``Qmax = (1 + gamma lam log|A|) / (1 - gamma)``: bound on the soft Q-function (Lemma 3).
- ``theta_bound = R/lam``: bound on every ||theta_t||_2 (Lemma 2);
- ``p_min_bound = exp(-2R/lam) / |A|``: floor of every iterate pi_t (Lemma 2).
- ``tau = exp(-Qmax/lam) / |A|``: floor of pi*_t (Lemma 3; Lemma 5 before (6)).
- ``KLmax = log|A| + 2R/lam``: bound on KL(pi*_t || pi_{t+1}) (Lemma 5 before (5)).
- ``kappa = 2 log|A|/(1 - gamma) + (1 + 2R(1 - gamma))/(lam (1 - gamma))`` (Lemmas 5, 8).

``numeric(name)`` returns a keyword evaluator, e.g.
``numeric("kappa")(gamma=0.9, lam=0.1, nA=2, R=1.0)``; ``latex(name)`` the LaTeX source.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp
from sympy import exp, log

from .core import lambdify_kw
from .symbols import LATEX_NAMES, R, gamma, lam, nA

Qmax = (1 + gamma * lam * log(nA)) / (1 - gamma)
theta_bound = R / lam
p_min_bound = exp(-2 * R / lam) / nA
tau = exp(-Qmax / lam) / nA
KLmax = log(nA) + 2 * R / lam
kappa = 2 * log(nA) / (1 - gamma) + (1 + 2 * R * (1 - gamma)) / (lam * (1 - gamma))

CONSTANTS: dict[str, sp.Expr] = {
    "Qmax": Qmax,
    "theta_bound": theta_bound,
    "p_min_bound": p_min_bound,
    "tau": tau,
    "KLmax": KLmax,
    "kappa": kappa,
}


def numeric(name: str) -> Callable[..., float]:
    """Keyword evaluator of a constant (lambdify)."""
    return lambdify_kw(CONSTANTS[name])


def latex(name: str) -> str:
    """LaTeX source of a constant, with the paper's symbol names."""
    return sp.latex(CONSTANTS[name], symbol_names=LATEX_NAMES)
