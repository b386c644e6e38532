"""The symbols of Cen, Cheng, Chen, Wei and Chi (2022), in the paper's own namespace.

``SPACE = new_namespace("cen2022")`` (:mod:`mfgcheck.theory.symbols`): this paper's ``eta``
(the NPG learning rate) and ``C1`` (its (23)) are SymPy symbols of their own, distinct from
Mao et al.'s actor step ``eta`` and constant ``C1`` although they print alike; a bound
written as text for one of this paper's claims (``mfgcheck hunt cen2022.theorem1.eq22b
--bound "2*C1/lam*rho**(2*t)"``) is read in this namespace. Shared with Mao et al. and
declared once there: ``gamma`` (the discount factor) and ``lam``, which is this paper's
entropy weight ``tau`` (the same role: ``V_tau = E sum gamma^k (r - tau log pi)``). The named
constants ``alpha`` and ``rho`` (``theory.CONSTANTS``) are expanded by the parser.

In Python: ``from mfgcheck.papers.cen2022.symbols import eta, t, C1``.
"""

from __future__ import annotations

from sympy import Interval, oo

from ...theory.symbols import gamma, lam, new_namespace

SPACE = new_namespace("cen2022", constants="mfgcheck.papers.cen2022.theory")
WHERE = "Cen et al. 2022, Theorem 1"
_NONNEG = Interval(0, oo)

tau = lam  # the paper's tau is mfgcheck's shared entropy weight


def _own(name, description, domain, sample, latex, **assume):
    return SPACE.declare(name, description, WHERE, domain, sample, latex=latex, **assume)


eta = _own("eta", "NPG learning rate eta, 0 < eta <= (1 - gamma)/tau", Interval.open(0, oo),
           ("1/100", 1), r"\eta", positive=True)
t = _own("t", "iteration counter t >= 0", _NONNEG, (0, 50), "t", integer=True,
         nonnegative=True)
C1 = _own("C1", "C1 = ||Q* - Q^(0)||_inf + 2 tau (1 - eta tau/(1-gamma)) ||log pi* - log "
          "pi^(0)||_inf (paper (23))", _NONNEG, (0, 20), "C_1", nonnegative=True)
Q_err = _own("Q_err", "||Q*_tau - Q^(t+1)_tau||_inf", _NONNEG, (0, 20),
             r"\|Q^\star_\tau - Q^{(t+1)}_\tau\|_\infty", nonnegative=True)
Q_err_prev = _own("Q_err_prev", "||Q*_tau - Q^(t)_tau||_inf", _NONNEG, (0, 20),
                  r"\|Q^\star_\tau - Q^{(t)}_\tau\|_\infty", nonnegative=True)
logpi_err = _own("logpi_err", "||log pi*_tau - log pi^(t+1)||_inf", _NONNEG, (0, 40),
                 r"\|\log\pi^\star_\tau - \log\pi^{(t+1)}\|_\infty", nonnegative=True)
Q0_err = _own("Q0_err", "||Q*_tau - Q^(0)_tau||_inf", _NONNEG, (0, 20),
              r"\|Q^\star_\tau - Q^{(0)}_\tau\|_\infty", nonnegative=True)
logpi0_err = _own("logpi0_err", "||log pi*_tau - log pi^(0)||_inf", _NONNEG, (0, 40),
                  r"\|\log\pi^\star_\tau - \log\pi^{(0)}\|_\infty", nonnegative=True)
xi_err = _own("xi_err", "||Q*_tau - tau log xi^(t)||_inf (paper (42))", _NONNEG, (0, 20),
              r"\|Q^\star_\tau - \tau\log\xi^{(t)}\|_\infty", nonnegative=True)
xi_err_next = _own("xi_err_next", "||Q*_tau - tau log xi^(t+1)||_inf", _NONNEG, (0, 20),
                   r"\|Q^\star_\tau - \tau\log\xi^{(t+1)}\|_\infty", nonnegative=True)
xi0_err = _own("xi0_err", "||Q*_tau - tau log xi^(0)||_inf", _NONNEG, (0, 20),
               r"\|Q^\star_\tau - \tau\log\xi^{(0)}\|_\infty", nonnegative=True)
y0 = _own("y0", "||Q^(0)_tau - tau log xi^(0)||_inf (the vector y of paper (47))", _NONNEG,
          (0, 20), r"\|Q^{(0)}_\tau - \tau\log\xi^{(0)}\|_\infty", nonnegative=True)
Q_drop = _own("Q_drop", "max_{s,a} (Q^(t)_tau - Q^(t+1)_tau)(s, a) (monotonicity, paper (33))",
              Interval(-oo, oo), (-5, 5), r"\max(Q^{(t)}_\tau - Q^{(t+1)}_\tau)", real=True)

__all__ = ["SPACE", "gamma", "lam", "tau", "eta", "t", "C1", "Q_err", "Q_err_prev",
           "logpi_err", "Q0_err", "logpi0_err", "xi_err", "xi_err_next", "xi0_err", "y0",
           "Q_drop"]
