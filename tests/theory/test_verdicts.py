"""Every verdict, re-checked by an argument independent of the prover that produced it.

- proved: random exact rational points satisfying the symbols' domains and the step's
  hypotheses, where the relation holds when evaluated exactly (50-digit mpmath for exp/log);
- conditional: the same at random points where the condition holds, and the stored
  counterexample lies outside the condition and violates the relation;
- refuted: the stored counterexample satisfies every assumption and violates the relation;
- numeric: the step names its property by the convention of the design.
"""

from __future__ import annotations

import random
import zlib

import pytest
import sympy as sp
from sympy.core.function import AppliedUndef

from mfgcheck import registry
from mfgcheck.theory import symbols, verdicts

STEPS = verdicts()
PROVED = [s for s in STEPS if s.verdict == "proved"]
CONDITIONAL = [s for s in STEPS if s.verdict == "conditional"]
REFUTED = [s for s in STEPS if s.verdict == "refuted"]
NUMERIC = [s for s in STEPS if s.verdict == "numeric"]
POINTS = 8
ATTEMPTS = 300
DIGITS = 50


def _ids(steps):
    return [s.id for s in steps]


def _value(expr, point):
    value = sp.sympify(expr).subs(point).doit()
    return value if value.is_Rational else sp.N(value, DIGITS)


def _gap(lhs, rhs, relation, point):
    """Signed amount by which the relation is violated (> 0 means violated), and a scale.
    A matrix identity (another paper's proof) is compared entry by entry."""
    if isinstance(lhs, sp.MatrixBase):
        gaps = [_gap(a, b, relation, point) for a, b in zip(lhs, rhs)]
        return max(g for g, _ in gaps), max(c for _, c in gaps)
    lv, rv = _value(lhs, point), _value(rhs, point)
    scale = max(1, abs(sp.N(lv, DIGITS)), abs(sp.N(rv, DIGITS)))
    if relation == "<=":
        return lv - rv, scale
    if relation == ">=":
        return rv - lv, scale
    return abs(lv - rv), scale


def _holds(lhs, rhs, relation, point):
    gap, scale = _gap(lhs, rhs, relation, point)
    return bool(gap <= sp.Float("1e-35", DIGITS) * scale)


def _violated(lhs, rhs, relation, point):
    gap, scale = _gap(lhs, rhs, relation, point)
    return bool(gap > sp.Float("1e-20", DIGITS) * scale)


def _true(rel, point):
    if isinstance(rel, sp.And):
        return all(_true(r, point) for r in rel.args)
    if isinstance(rel, sp.Equality):
        return _holds(rel.lhs, rel.rhs, "==", point)
    relation = "<=" if isinstance(rel, (sp.LessThan, sp.StrictLessThan)) else ">="
    if not _holds(rel.lhs, rel.rhs, relation, point):
        return False
    if isinstance(rel, (sp.StrictLessThan, sp.StrictGreaterThan)):
        return not _holds(rel.lhs, rel.rhs, "==", point)
    return True


def _relations(step, with_condition):
    rels = [h for h in step.hypotheses if isinstance(h, sp.Basic)]
    if with_condition and step.condition is not None:
        rels.append(step.condition)
    return rels


def _bounds(rels):
    """Hypotheses of the form ``symbol <= expr`` / ``symbol >= expr``, by symbol (each
    relation bounds one symbol, so a chain x <= y <= z is drawn z, y, x)."""
    upper, lower = {}, {}
    for r in rels:
        if isinstance(r, (sp.LessThan, sp.StrictLessThan)):
            small, big = r.lhs, r.rhs
        elif isinstance(r, (sp.GreaterThan, sp.StrictGreaterThan)):
            small, big = r.rhs, r.lhs
        else:
            continue
        if small.is_Symbol and small not in big.free_symbols:
            upper.setdefault(small, []).append(big)
        elif big.is_Symbol and big not in small.free_symbols:
            lower.setdefault(big, []).append(small)
    return upper, lower


def _draw(symbol, rng, integer_T, lo=None, hi=None):
    """A random rational in the symbol's sampling box, intersected with [lo, hi]."""
    info = symbols.info(symbol)  # by object: each paper's symbol has its own domain
    a, b = info.sample
    if info.integer or (integer_T and symbol.name == "T"):
        return sp.Integer(rng.randint(int(a), min(int(b), 30 if integer_T else int(b))))
    if lo is not None:
        a = max(a, sp.Rational(float(lo)))
    if hi is not None:
        b = min(b, sp.Rational(float(hi)))
    if a > b:
        return None
    n = 840
    return a + (b - a) * sp.Rational(rng.randint(0, n), n)


def _concrete_functions(step, rng):
    """Undefined functions (sigma_t in the telescoping sum) become random quadratics."""
    t = sp.Symbol("t")
    funcs = {f.func for e in (step.lhs, step.rhs) for f in e.atoms(AppliedUndef)}
    return {f: sp.Lambda(t, sum(sp.Rational(rng.randint(-9, 9), rng.randint(1, 9)) * t**k
                                for k in range(3))) for f in funcs}


def _sample(step, with_condition):
    """Random admissible points (domains, hypotheses, optionally the condition).

    Symbols bounded by a hypothesis ``x <= expr`` or ``x >= expr`` are drawn after the
    symbols of ``expr``, inside the bound; every relation is then checked exactly."""
    rng = random.Random(zlib.crc32(step.id.encode()))
    rels = _relations(step, with_condition)
    imposed = [r for r in rels if isinstance(r, sp.Equality) and r.lhs.is_Symbol]
    upper, lower = _bounds(rels)
    todo = sorted(step.free_symbols() - {r.lhs for r in imposed}, key=lambda s: s.name)
    integer_T = step.lhs.has(sp.Sum) or step.rhs.has(sp.Sum)
    wanted = 4 if integer_T else POINTS  # symbolic sums are slow to evaluate
    points = []
    for _ in range(ATTEMPTS):
        point, pending = {}, list(todo)
        while pending:
            ready = [s for s in pending
                     if all(e.free_symbols <= set(point)
                            for e in upper.get(s, []) + lower.get(s, []))]
            sym = ready[0] if ready else pending[0]
            pending.remove(sym)
            his = [_value(e, point) for e in upper.get(sym, [])] if ready else []
            los = [_value(e, point) for e in lower.get(sym, [])] if ready else []
            value = _draw(sym, rng, integer_T, max(los, default=None), min(his, default=None))
            if value is None:
                break
            point[sym] = value
        if pending or len(point) < len(todo):
            continue
        for r in imposed:
            point[r.lhs] = _value(r.rhs, point)
        if not all(symbols.info(s).admits(v) for s, v in point.items() if v.is_Rational):
            continue
        if all(_true(r, point) for r in rels):
            points.append(point)
            if len(points) == wanted:
                break
    return points, _concrete_functions(step, rng)


def _with_functions(expr, funcs):
    return expr.replace(lambda e: isinstance(e, AppliedUndef),
                        lambda e: funcs[e.func](*e.args)) if funcs else expr


def test_verdict_counts():
    assert len(STEPS) == len({s.id for s in STEPS}), "step ids must be globally unique"
    assert {s.verdict for s in STEPS} <= {"proved", "conditional", "refuted", "numeric"}
    assert len(PROVED) > 60 and len(REFUTED) >= 5 and len(CONDITIONAL) >= 8


def test_every_step_uses_registered_symbols():
    for step in STEPS:
        for s in step.free_symbols():
            assert symbols.is_declared_symbol(s) and symbols.info(s).symbol == s, (step.id, s)


@pytest.mark.parametrize("step", PROVED, ids=_ids(PROVED))
def test_proved_holds_at_random_points(step):
    points, funcs = _sample(step, with_condition=False)
    assert len(points) >= 4, f"too few admissible points for {step.id}"
    lhs, rhs = _with_functions(step.lhs, funcs), _with_functions(step.rhs, funcs)
    for point in points:
        assert _holds(lhs, rhs, step.relation, point), (step.id, point)


@pytest.mark.parametrize("step", CONDITIONAL, ids=_ids(CONDITIONAL))
def test_conditional_holds_under_condition(step):
    points, _ = _sample(step, with_condition=True)
    assert len(points) >= 4, f"too few points inside the condition for {step.id}"
    for point in points:
        assert _holds(step.lhs, step.rhs, step.relation, point), (step.id, point)


@pytest.mark.parametrize("step", CONDITIONAL, ids=_ids(CONDITIONAL))
def test_conditional_fails_outside_condition(step):
    point = step.point()
    assert all(symbols.info(s).admits(v) for s, v in point.items())
    assert all(_true(h, point) for h in _relations(step, with_condition=False))
    assert not _true(step.condition, point)
    assert _violated(step.lhs, step.rhs, step.relation, point)


EXACT = [s for s in CONDITIONAL if s.exact]


@pytest.mark.parametrize("step", EXACT, ids=_ids(EXACT))
def test_exact_condition_is_equivalent(step):
    points, _ = _sample(step, with_condition=False)
    assert len(points) >= 4
    for point in points:
        holds = _holds(step.lhs, step.rhs, step.relation, point)
        assert holds == _true(step.condition, point), (step.id, point)


def test_exact_conditions_match_the_derived_numerator():
    from mfgcheck.theory.core import condition_of

    for step in EXACT:
        derived = condition_of(step.lhs, step.rhs, step.relation)
        point = step.point()  # outside the condition: both forms must be false there
        assert not _true(derived, point) and not _true(step.condition, point), step.id


@pytest.mark.parametrize("step", REFUTED, ids=_ids(REFUTED))
def test_refuted_counterexample(step):
    point = step.point()
    assert point and all(isinstance(v, sp.Rational) for v in point.values())
    assert set(point) >= step.free_symbols()
    assert all(symbols.info(s).admits(v) for s, v in point.items())
    assert all(_true(h, point) for h in _relations(step, with_condition=False))
    assert _violated(step.lhs, step.rhs, step.relation, point)
    # the recorded sides are the sides at the point
    for side in ("lhs", "rhs"):
        recorded = step.counterexample[side]
        assert abs(sp.N(recorded - _value(getattr(step, side), point), DIGITS)) < 1e-30


@pytest.mark.parametrize("step", NUMERIC, ids=_ids(NUMERIC))
def test_numeric_names_its_property(step):
    assert step.kind == "numeric"
    spec = registry.claim_of(step.id)
    assert step.property == spec.check(step.id).function
    if spec.paper == "mao2022":  # its naming convention; other papers name checks freely
        assert step.property == \
            f"mfgcheck.properties.{step.claim}:check_{step.id.replace('.', '_')}"
    assert step.justification


def test_algebraic_steps_are_decided():
    for step in STEPS:
        if step.kind == "algebraic":
            assert step.verdict in ("proved", "conditional", "refuted"), step.id
            assert (step.condition is not None) == (step.verdict == "conditional")
            assert (step.counterexample is not None) == (step.verdict != "proved")
