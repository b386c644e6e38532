"""The verdict vocabulary: proved (with its method), refuted (exact counterexample,
re-verified exactly), unknown (the budget spent); "gave up" is never refuted."""

from __future__ import annotations

import pytest
import sympy as sp

import mfgcheck as mc
from mfgcheck.theory import core, verdicts
from mfgcheck.theory.symbols import SYMBOLS

STEPS = verdicts()
PROVED = [s for s in STEPS if s.verdict == "proved"]
REFUTED = [s for s in STEPS if s.verdict == "refuted"]
DIGITS = 80


@pytest.mark.parametrize("step", PROVED, ids=[s.id for s in PROVED])
def test_proved_steps_name_their_method(step):
    assert step.method, step.id


def test_prove_on_true_relations_is_proved_or_unknown_never_refuted():
    x = sp.Symbol("x", real=True)
    true_but_hard = [(sp.exp(x), 1 + x, ">="), (sp.sin(x) ** 2 + sp.cos(x) ** 2, 1, "==")]
    for lhs, rhs, rel in true_but_hard:
        d = core.prove(lhs, rhs, rel)
        assert d.status in ("proved", "unknown") and d.counterexample is None
    for s in PROVED:
        if s.relation in ("<=", ">=") and not s.hypotheses:
            assert core.prove(s.lhs, s.rhs, s.relation).status in ("proved", "unknown")
    false = core.prove(x, 1, "<=")
    assert false.status == "unknown" and not false  # gave up: not refuted, not truthy


@pytest.mark.parametrize("step", REFUTED, ids=[s.id for s in REFUTED])
def test_every_refuted_step_reverifies_exactly(step):
    """The stored point binds every free symbol to an exact rational inside its domain,
    and the relation fails there at 80 digits (exactly when both sides are rational)."""
    point = step.point()
    free = (step.lhs - step.rhs).free_symbols
    assert free <= set(point), free - set(point)
    for sym, value in point.items():
        assert value.is_Rational and SYMBOLS[sym.name].admits(value), sym
    lv = sp.sympify(step.lhs).subs(point).doit()
    rv = sp.sympify(step.rhs).subs(point).doit()
    d = lv - rv
    d = d if d.is_Rational else sp.N(d, DIGITS)
    if step.relation == "<=":
        assert d > 0
    elif step.relation == ">=":
        assert d < 0
    else:
        assert abs(d) > sp.Float("1e-30", DIGITS)


def test_refute_finds_exact_counterexamples_and_gives_up_honestly():
    from mfgcheck.theory import lemma7

    wrong = lemma7.claim.step("lemma7.eq8_pinsker")        # Pinsker without its factor 2
    d = mc.theory.refute(wrong.relational, wrong.hypotheses, budget=10)
    assert d.status == "refuted"
    point = {SYMBOLS[k].symbol: v for k, v in d.counterexample.items()}
    assert all(v.is_Rational for v in point.values())
    assert not wrong.holds_at(point)                        # exact re-evaluation
    true = lemma7.claim.step("lemma7.pinsker")              # Pinsker as it is
    d = mc.theory.refute(true.relational, true.hypotheses, budget=2)
    assert d.status == "unknown" and "points" in d.budget and not d


def test_decide_and_parse():
    assert mc.theory.decide("exp(-Qmax/lam)/nA <= 1").status == "proved"
    d = mc.theory.decide("gamma*lam <= 1/2", budget=2)
    assert d.status == "refuted"
    g, lam = (sp.Rational(d.counterexample[k]) for k in ("gamma", "lam"))
    assert g * lam > sp.Rational(1, 2)
    with pytest.raises(ValueError, match="unknown symbol"):
        mc.theory.parse("gamma + zeta")
