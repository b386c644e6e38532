"""Theorem 1's step sizes at numbers: the one place for their exponents and default constants.

Theorem 1 (appendix B.3) runs Algorithm 1 for T iterations with the constant steps

    eta = c_eta T^(-2/5) / lam,        beta = c_beta T^(-4/5),

and then bounds ``D(pi*, avg pi) + ||mu* - avg mu||_1`` by ``O(T^(-1/5))`` (plus the eps term).
The exponents are the paper's; ``theory.rates.solve()`` derives them again from the bounds
(15)-(17) as the unique optimum, and the tests compare the two. The constants ``c_eta``,
``c_beta`` are the free constants of the O(.); ``C_ETA = 3``, ``C_BETA = 10`` are ours (the
defaults of ``mfgcheck rate``, ``mfgcheck bounds --T``, the report and
``algorithms.theorem1_steps``): they put the runs in the asymptotic regime within the report's
grid of T (with ``c_beta = 1`` the mean field's transient lasts ~T^(1/5)/d_bar steps of size
beta, and the averages are still pre-asymptotic at T = 1e4). ``eta lam = c_eta T^(-2/5) < 1``
then needs T > 16 and ``beta <= 1`` needs T >= 18.

This module is plain Python (no SymPy): the algorithms, the CLI and the reports read it
without loading the theory's proofs.
"""

from __future__ import annotations

from fractions import Fraction

#: T-exponents of Theorem 1's steps and of its rate: eta ~ T^-ETA_EXPONENT / lam,
#: beta ~ T^-BETA_EXPONENT, bound ~ T^-RATE_EXPONENT.
ETA_EXPONENT = Fraction(2, 5)
BETA_EXPONENT = Fraction(4, 5)
RATE_EXPONENT = Fraction(1, 5)

#: The default constants of the O(.) (module docstring says why these values).
C_ETA = 3.0
C_BETA = 10.0

#: The schedules as text, for tables, captions and JSON.
ETA_TEXT = "c_eta T^(-2/5)/lam"
BETA_TEXT = "c_beta T^(-4/5)"


def eta(T: float, lam: float, c_eta: float = C_ETA) -> float:
    """Theorem 1's policy step ``c_eta T^(-2/5) / lam`` (unchecked: see
    ``algorithms.theorem1_steps`` for the checked pair)."""
    return c_eta * T ** -float(ETA_EXPONENT) / lam


def beta(T: float, c_beta: float = C_BETA) -> float:
    """Theorem 1's mean-field step ``c_beta T^(-4/5)`` (unchecked)."""
    return c_beta * T ** -float(BETA_EXPONENT)
