"""Symbols per paper (theory.symbols): the shared symbols are declared once and reused, a
second paper's C1 or tau is its own SymPy symbol with its own domain, and the string parser,
the counterexample search, exact evaluation and the hunter read the right namespace."""

from __future__ import annotations

import itertools
import pickle

import pytest
import sympy as sp

from mfgcheck.theory import core, counterexamples, symbols

_names = itertools.count()


@pytest.fixture(scope="module")
def other():
    """A second paper's namespace declaring C1 in (0, 2] and tau >= 1 (this paper's C1 is any
    positive number and its tau lies in (0, 1/2])."""
    space = symbols.new_namespace(f"otherpaper{next(_names)}")
    C1 = space.declare("C1", "another paper's constant", "nowhere", sp.Interval.Lopen(0, 2),
                       ("1/10", 2), positive=True)
    tau = space.declare("tau", "another paper's tau", "nowhere", sp.Interval(1, sp.oo),
                        (1, 10), positive=True)
    return space, C1, tau


def test_the_shared_symbols_are_declared_once():
    assert set(symbols.SHARED) == {"gamma", "lam", "nA"}
    for name in ("gamma", "lam", "nA"):
        assert symbols.SYMBOLS[name] is symbols.SHARED[name]
        assert symbols.SYMBOLS[name].symbol is getattr(symbols, name)
        assert symbols.SYMBOLS[name].paper == "shared"
    assert symbols.SYMBOLS is symbols.MAO2022
    assert not set(symbols.MAO2022.own()) & set(symbols.SHARED)
    # every name of this paper's view is a module attribute holding that very symbol
    for name, decl in symbols.SYMBOLS.items():
        assert getattr(symbols, name) is decl.symbol, name
        assert decl.paper in ("shared", "mao2022")


def test_a_second_papers_symbols_do_not_collide(other):
    space, C1, tau = other
    assert C1 != symbols.C1 and tau != symbols.tau
    assert str(C1) == "C1" and sp.latex(C1) == "C_{1}"
    assert symbols.info(C1).domain == sp.Interval.Lopen(0, 2)
    assert symbols.info(symbols.C1).domain == sp.Interval.open(0, sp.oo)   # unchanged
    assert space["gamma"].symbol is symbols.gamma                         # shared, reused
    assert symbols.SYMBOLS["C1"].symbol is symbols.C1
    assert set(space.own()) == {"C1", "tau"}
    assert sp.simplify(C1 - symbols.C1) != 0                               # two symbols


def test_redeclaring_is_an_error_naming_the_namespace(other):
    space, _, _ = other
    with pytest.raises(ValueError, match="'gamma': already declared in namespace 'shared'"):
        space.declare("gamma", "d", "w", sp.Interval.open(0, 1), (0, 1))
    with pytest.raises(ValueError, match=f"'C1': already declared in namespace '{space.paper}'"):
        space.declare("C1", "d", "w", sp.Interval.open(0, 1), (0, 1))
    with pytest.raises(ValueError, match="'mao2022' already exists"):
        symbols.new_namespace("mao2022")
    with pytest.raises(ValueError, match="unknown 'nobody'; choose from shared, mao2022"):
        symbols.namespace("nobody")


def test_the_parser_reads_the_namespace_it_is_given(other):
    space, C1, _ = other
    assert counterexamples.parse("C1", namespace=space) == C1
    assert counterexamples.parse("C1") == symbols.C1
    assert counterexamples.parse("gamma*C1", namespace=space).free_symbols == {symbols.gamma,
                                                                              C1}
    # this paper's named constants are not the other paper's: Qmax is unknown there
    with pytest.raises(ValueError, match="unknown symbol"):
        counterexamples.parse("Qmax", namespace=space)
    assert counterexamples.parse("Qmax").free_symbols == {symbols.gamma, symbols.lam,
                                                          symbols.nA}
    from mfgcheck.hunter import as_bound

    fn, expr = as_bound("2*C1", space)
    assert expr == 2 * C1 and fn(C1=1.5) == 3.0


def test_the_counterexample_search_uses_the_symbols_domain(other):
    space, C1, tau = other
    # tau <= 1/2 holds on this paper's tau (domain (0, 1/2]) and fails on the other's (>= 1)
    assert counterexamples.refute("tau <= 1/2", namespace=space, budget=5).status == "refuted"
    assert counterexamples.refute(symbols.tau <= sp.Rational(1, 2),
                                  budget=2).status != "refuted"
    # C1 <= 3 fails for this paper's C1 (any positive number), holds on the other's (0, 2]
    assert counterexamples.refute("C1 <= 3", budget=5).status == "refuted"
    assert counterexamples.refute(C1 <= 3, budget=2).status != "refuted"


def test_exact_evaluation_reads_names_as_the_expressions_symbols(other):
    _, C1, _ = other
    assert core.evaluate(2 * C1 + symbols.gamma, {"C1": 3, "gamma": sp.Rational(1, 2)}) == \
        sp.Rational(13, 2)
    assert core.evaluate(2 * symbols.C1, {"C1": 3}) == 6
    assert not core.admissible({C1: 3})            # outside the other paper's (0, 2]
    assert core.admissible({symbols.C1: 3})


def test_scoped_symbols_survive_pickling(other):
    _, C1, _ = other
    back = pickle.loads(pickle.dumps(C1 ** 2 + symbols.gamma))
    assert back == C1 ** 2 + symbols.gamma and C1 in back.free_symbols
