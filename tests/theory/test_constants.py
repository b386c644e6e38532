"""Constants and the symbol registry: values checked against numbers computed by hand."""

from __future__ import annotations

import math

import pytest
import sympy as sp

from mfgcheck.theory import constants
from mfgcheck.theory.symbols import SYMBOLS, R, gamma, lam, nA

LOG2 = math.log(2)


def test_constants_at_half_discount():
    # gamma = 1/2, lam = 1, |A| = 2, R = 1, by hand:
    # Qmax = (1 + log 2 / 2)/(1/2) = 2 + log 2; kappa = 4 log 2 + (1 + 1)/(1/2) = 4 log 2 + 4
    point = dict(gamma=0.5, lam=1.0, nA=2, R=1.0)
    assert constants.numeric("Qmax")(**point) == pytest.approx(2 + LOG2)
    assert constants.numeric("kappa")(**point) == pytest.approx(4 * LOG2 + 4)
    assert constants.numeric("KLmax")(**point) == pytest.approx(LOG2 + 2)
    assert constants.numeric("p_min_bound")(**point) == pytest.approx(math.exp(-2) / 2)
    assert constants.numeric("tau")(**point) == pytest.approx(math.exp(-2) / 4)


def test_constants_at_the_brief_point():
    # gamma = 0.9, lam = 0.1, |A| = 2, R = 1: kappa = 2 log 2/0.1 + (1 + 0.2)/(0.01)
    point = dict(gamma=0.9, lam=0.1, nA=2, R=1.0)
    assert constants.numeric("kappa")(**point) == pytest.approx(20 * LOG2 + 120)
    assert constants.numeric("Qmax")(**point) == pytest.approx(10 + 0.9 * LOG2)
    assert constants.numeric("KLmax")(**point) == pytest.approx(LOG2 + 20)
    assert constants.numeric("tau")(**point) == pytest.approx(math.exp(-(10 + 0.9 * LOG2) / 0.1)
                                                              / 2, rel=1e-9)


def test_exact_values():
    half = {gamma: sp.Rational(1, 2), lam: 1, nA: 2, R: 1}
    assert sp.expand(constants.kappa.subs(half) - (4 * sp.log(2) + 4)) == 0
    assert sp.expand(constants.Qmax.subs(half) - (2 + sp.log(2))) == 0


def test_numeric_rejects_unknown_and_missing_names():
    kappa = constants.numeric("kappa")
    assert kappa.args == ("R", "gamma", "lam", "nA")
    with pytest.raises(TypeError):
        kappa(gamma=0.9, lam=0.1, nA=2)
    with pytest.raises(TypeError):
        kappa(gamma=0.9, lam=0.1, nA=2, R=1.0, radius=3)
    # registered names the expression does not use are ignored
    assert kappa(gamma=0.9, lam=0.1, nA=2, R=1.0, T=10) == pytest.approx(20 * LOG2 + 120)


def test_latex():
    assert r"\gamma" in constants.latex("kappa") and r"\lambda" in constants.latex("kappa")
    assert r"|\mathcal{A}|" in constants.latex("p_min_bound")


def test_symbol_registry():
    assert gamma.is_positive and lam.is_positive and R.is_positive and nA.is_integer
    for name, info in SYMBOLS.items():
        assert info.name == name == info.symbol.name
        assert info.description and info.where
        lo, hi = info.sample
        assert lo <= hi
    assert SYMBOLS["gamma"].admits(sp.Rational(1, 2)) and not SYMBOLS["gamma"].admits(1)
    assert SYMBOLS["nA"].admits(2) and not SYMBOLS["nA"].admits(1)
    assert not SYMBOLS["nA"].admits(sp.Rational(5, 2))
    for name in ("eta", "beta", "d0", "d1", "d2", "d3", "C1", "C2", "C3", "eps_actor",
                 "eps_critic", "eps_approx", "eps_total", "p_min", "tau", "K", "omega", "T",
                 "sigma_pi", "sigma_mu"):
        assert name in SYMBOLS
