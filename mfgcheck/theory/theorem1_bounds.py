"""Theorem 1's explicit bounds and step-size schedules (appendix B.3): formulas only.

The constant-carrying right sides that ``theorem1`` proves and ``rates`` reads its exponents
from, kept apart from the proof so that ``rates`` and the numbers (``mfgcheck bounds --T``,
the report) import them without ``theorem1`` (no import cycle, no proof):

- ``avg_sigma_pi_bound`` (display (15) before the O~):
  ``sigma0/(T eta lam) + 3 C3/lam (1 + 1/p_min) sqrt(eps_total) + 2 eta R^2/lam
  + 2 (1 + C1) kappa d0 beta/(eta lam)``;
- ``avg_D_policy_bound = C2 sqrt(2 (15))`` (the policy bound after (15));
- ``avg_sigma_mu_bound = sigma_mu0/(T beta d_bar) + d2 C2/d_bar sqrt((15))`` ((16), as in the
  paper) and ``avg_sigma_mu_bound_corrected`` (with sqrt(2 (15)), from the corrected Lemma 7);
- ``final_bound = avg_D_policy_bound + (1 + d1) avg_sigma_mu_bound`` and
  ``final_bound_corrected``;
- ``paper_rate = 1/(lam T^{1/5}) + sqrt(|A| exp(1/lam) sqrt(eps_total)/lam)`` (the O~ form);
- ``eta_schedule = c_eta T^{-a}/lam`` and ``beta_schedule = c_beta T^{-b}``.

``NAMED`` holds them by name and ``numeric(name)`` evaluates one at keyword numbers;
``theorem1`` re-exports all of them.
"""

from __future__ import annotations

import sympy as sp
from sympy import exp, sqrt

from .constants import kappa
from .core import evaluators
from .symbols import (
    C1,
    C2,
    C3,
    R,
    T,
    a_exp,
    b_exp,
    beta,
    c_beta,
    c_eta,
    d0,
    d1,
    d2,
    d_bar,
    eps_total,
    eta,
    lam,
    nA,
    p_min,
    sigma_mu0,
    sigma_pi0,
)

avg_sigma_pi_bound = (sigma_pi0 / (T * eta * lam)
                      + 3 * C3 / lam * (1 + 1 / p_min) * sqrt(eps_total)
                      + 2 * eta * R**2 / lam
                      + 2 * (1 + C1) * kappa * d0 * beta / (eta * lam))
avg_D_policy_bound = C2 * sqrt(2 * avg_sigma_pi_bound)
avg_sigma_mu_bound = sigma_mu0 / (T * beta * d_bar) + d2 * C2 / d_bar * sqrt(avg_sigma_pi_bound)
avg_sigma_mu_bound_corrected = (sigma_mu0 / (T * beta * d_bar)
                                + d2 * C2 / d_bar * sqrt(2 * avg_sigma_pi_bound))
final_bound = avg_D_policy_bound + (1 + d1) * avg_sigma_mu_bound
final_bound_corrected = avg_D_policy_bound + (1 + d1) * avg_sigma_mu_bound_corrected
paper_rate = 1 / (lam * T ** sp.Rational(1, 5)) + sqrt(nA * exp(1 / lam) * sqrt(eps_total) / lam)
eta_schedule = c_eta * T ** (-a_exp) / lam
beta_schedule = c_beta * T ** (-b_exp)

BOUNDS = {  # the bounds whose T-exponents rates.py reads
    "avg_sigma_pi_bound": avg_sigma_pi_bound,
    "avg_D_policy_bound": avg_D_policy_bound,
    "avg_sigma_mu_bound": avg_sigma_mu_bound,
    "final_bound": final_bound,
}
NAMED = {
    "avg_sigma_pi_bound": avg_sigma_pi_bound,
    "avg_D_policy_bound": avg_D_policy_bound,
    "avg_sigma_mu_bound": avg_sigma_mu_bound,
    "avg_sigma_mu_bound_corrected": avg_sigma_mu_bound_corrected,
    "final_bound": final_bound,
    "final_bound_corrected": final_bound_corrected,
    "paper_rate": paper_rate,
}
numeric = evaluators(NAMED)
