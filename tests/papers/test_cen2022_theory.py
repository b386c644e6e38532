"""Cen et al. (2022), Theorem 1 in SymPy: every algebraic step is proved, the provers reject
wrong variants (so a proof is not vacuous), the closed forms agree with explicit sums, and
the paper's symbols live in their own namespace."""

import importlib

import pytest
import sympy as sp

from mfgcheck.papers.cen2022 import symbols as cs
from mfgcheck.papers.cen2022 import theory
from mfgcheck.theory import symbols
from mfgcheck.theory.core import prove
from mfgcheck.theory.symbols import gamma, lam

A, I, w, y = theory._A, theory._I, theory._w, theory._y


def test_every_step_has_a_verdict_and_numeric_steps_name_an_existing_check():
    counts = theory.claim.counts()
    assert counts["proved"] == 12 and counts["numeric"] == 7
    assert counts["refuted"] == counts["unknown"] == counts["conditional"] == 0
    for step in theory.steps:
        assert step.id.startswith(theory.CLAIM_ID + ".")
        if step.verdict == "numeric":
            module, _, fn = step.property.partition(":")
            assert callable(getattr(importlib.import_module(module), fn)), step.id
    assert theory.claim.conclusion in {s.id for s in theory.steps}


@pytest.mark.parametrize("lhs,rhs,rel,rewrite", [
    # the C1 step with tau instead of 2 tau in front of ||log pi* - log pi^(0)||
    (theory._first_row, cs.Q0_err + lam * theory.alpha * cs.logpi0_err, "<=",
     [{cs.y0: cs.Q0_err + lam * cs.logpi0_err - sp.Dummy("s", nonnegative=True)},
      theory.LEARNING_RATES]),
    # alpha >= 0 without the upper bound on eta
    (theory.alpha, 0, ">=", None),
    # the rate gamma for every admissible eta (only soft policy iteration reaches it)
    (theory.rho, gamma, "<=", theory.LEARNING_RATES),
])
def test_the_prover_rejects_wrong_variants(lhs, rhs, rel, rewrite):
    assert prove(lhs, rhs, rel, rewrite).status == "unknown"


def test_matrix_provers_reject_wrong_identities():
    assert theory._zero_matrix(A * A - theory.rho * A)
    assert not theory._zero_matrix(A * A - theory.rho**2 * A)
    assert not theory._zero_matrix((A - theory.alpha * I) * sp.ImmutableMatrix([0, cs.y0]) -
                                   theory.alpha * y)


def test_rank_one_and_the_contraction_factor_at_exact_rationals():
    """A has eigenvalues 0 and 1 - eta tau (the contraction factor) at a rational point."""
    point = {gamma: sp.Rational(3, 5), lam: sp.Rational(1, 2), cs.eta: sp.Rational(1, 3)}
    M = A.subs(point)
    assert sorted(M.eigenvals()) == sorted([0, theory.rho.subs(point)])


@pytest.mark.parametrize("n", range(6))
def test_the_unrolled_sum_equals_the_closed_form(n):
    """sum_{k=0}^n alpha^(k+1) A^(n-k) y, summed explicitly at rationals (no induction)."""
    point = {gamma: sp.Rational(1, 4), lam: sp.Rational(2, 3), cs.eta: sp.Rational(3, 5),
             cs.y0: sp.Rational(7, 3)}
    a, M, yv = theory.alpha.subs(point), A.subs(point), y.subs(point)
    total = sum((a ** (k + 1) * M ** (n - k) * yv for k in range(n + 1)), sp.zeros(2, 1))
    assert sp.simplify(total - theory._unrolled(n).subs(point)) == sp.zeros(2, 1)


def test_C1_reduces_to_the_initial_Q_error_for_soft_policy_iteration():
    """eta = (1 - gamma)/tau (alpha = 0): C1 = ||Q* - Q^(0)||, the paper's SPI remark."""
    spi = theory.C1_value.subs(cs.eta, (1 - gamma) / lam)
    assert sp.simplify(spi - cs.Q0_err) == 0
    n = theory.numeric("C1")
    assert n(gamma=0.5, lam=2.0, eta=0.1, Q0_err=1.0,
             logpi0_err=3.0) == pytest.approx(1.0 + 2 * 2.0 * (1 - 0.2 / 0.5) * 3.0,
                                                       rel=1e-15)


def test_symbols_are_in_their_own_namespace():
    space = symbols.namespace("cen2022")
    assert space is cs.SPACE
    own = [info.symbol for info in space.own().values()]
    assert {s.name for s in own} >= {"eta", "t", "C1", "Q_err", "logpi_err"}
    # the paper's eta and C1 print like Mao et al.'s but are other symbols
    assert str(cs.eta) == "eta" and cs.eta != symbols.SYMBOLS["eta"].symbol
    assert cs.C1 != symbols.SYMBOLS["C1"].symbol
    assert symbols.info(cs.eta).paper == "cen2022"
    # shared symbols are reused, not redeclared
    assert space["gamma"].symbol is gamma and space["lam"].symbol is lam and cs.tau is lam
    free = set().union(*(s.free_symbols() for s in theory.steps))
    assert free <= set(own) | {gamma, lam}


def test_a_bound_written_as_text_is_read_in_the_papers_namespace():
    from mfgcheck.theory.counterexamples import parse

    expr = parse("2*C1/lam*rho**(2*t)", namespace=cs.SPACE)
    assert expr.free_symbols == {cs.C1, lam, cs.eta, cs.t}
    assert sp.simplify(expr - 2 * cs.C1 / lam * theory.rho ** (2 * cs.t)) == 0
