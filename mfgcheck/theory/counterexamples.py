"""Decide a symbolic relation: prove it, or find an exact counterexample, or say "unknown".

``refute(relation, hypotheses=(), budget=..., seed=...)`` searches for a point of exact
rationals in the declared domains of the relation's symbols (``theory.symbols``: each
symbol's ``domain`` and sampling box ``sample``) that satisfies every hypothesis and violates
the relation. The search is a float pre-screen (NumPy ``lambdify``) over

1. the corners and edges of the sampling boxes (0, 1, the box ends, 1/k, 1 - 1/k: where the
   paper's bounds are tight),
2. seeded random points, log-uniform on wide boxes,
3. a local refinement (a compass search on the violation ``lhs - rhs``, inside the boxes)
   from the most violating points,

and every candidate is then rounded to a nearby rational (``limit_denominator``), checked
against the domains and hypotheses, and re-evaluated **exactly** (``core.evaluate``:
rationals exactly, exp/log at 50 digits by SymPy's adaptive ``evalf``). Only a point that
survives the exact re-evaluation refutes. Otherwise the answer is ``unknown``, with the budget
spent and the largest float violation seen (``max_gap``): never ``refuted`` without a point,
never ``proved`` by search. ``decide`` tries the prover (``core.prove``) first.
"""

from __future__ import annotations

import math
import random
import time
from fractions import Fraction

import sympy as sp

from . import core
from .symbols import MAO2022, Namespace, info, is_declared_symbol

__all__ = ["refute", "decide", "parse"]

_OPS = {sp.LessThan: "<=", sp.StrictLessThan: "<=", sp.GreaterThan: ">=",
        sp.StrictGreaterThan: ">=", sp.Equality: "=="}


def parse(text, *, constants: bool = True, namespace: Namespace | None = None) -> sp.Basic:
    """A relation or expression from a string, its names read against one paper's symbol
    namespace (``theory.symbols``; default this paper's, ``MAO2022``), e.g.
    ``"exp(-Qmax/(2*lam))/nA"``; the namespace's named constants (this paper's ``Qmax``,
    ``tau``, ``kappa``, ``KLmax``, ``p_min_bound``, theory.constants) are replaced by their
    definitions when ``constants``. An unknown name is an error naming it."""
    space = MAO2022 if namespace is None else namespace
    where = f"namespace {space.paper!r} (mfgcheck.theory.symbols)"
    if isinstance(text, sp.Basic):
        expr = text
    else:
        import re

        consts = space.constants()
        local = {k: v.symbol for k, v in space.items()}
        local.update({k: sp.Symbol(f"_const_{k}") for k in consts})
        allowed = set(local) | {"exp", "log", "sqrt", "Min", "Max", "Abs", "pi", "E"}
        # names only: a float literal such as 8.2e-40 has an exponent, not a symbol "e"
        bare = re.sub(r"(?<![A-Za-z_0-9.])\d*\.?\d+(?:[eE][-+]?\d+)?", " ", str(text))
        names = set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", bare))
        unknown = sorted(names - allowed)
        if unknown:
            raise ValueError(f"expression {text!r}: unknown symbol(s) {unknown}; known "
                             f"symbols are those of {where} and the constants "
                             f"{sorted(consts)}")
        try:
            expr = sp.sympify(text, locals=local)
        except (sp.SympifyError, SyntaxError, TypeError) as exc:
            raise ValueError(f"expression {text!r}: cannot parse ({exc})") from None
        expr = expr.subs({sp.Symbol(f"_const_{k}"): v for k, v in consts.items()}) \
            if constants else expr
    # a SymPy expression may use any paper's declared symbols (looked up by object); a
    # string was read against the namespace
    known = ({v.symbol for v in space.values()} if not isinstance(text, sp.Basic) else
             {s for s in expr.free_symbols if is_declared_symbol(s)})
    unknown = sorted(s.name for s in expr.free_symbols if s not in known)
    if unknown:
        raise ValueError(f"expression {text!r}: unknown symbol(s) {unknown}; known symbols "
                         f"are those of {where}")
    return expr


def _sides(relation, namespace=None):
    relation = parse(relation, namespace=namespace)
    if type(relation) not in _OPS:
        raise ValueError(f"relation {relation}: expected <=, >=, <, > or ==")
    return relation.lhs, relation.rhs, _OPS[type(relation)]


def _box(sym):
    declared = info(sym)  # by object: the domain of the paper the symbol belongs to
    lo, hi = (float(x) for x in declared.sample)
    return lo, hi, declared.integer


def _corner_values(lo, hi, integer):
    if integer:
        return sorted({int(lo), int(lo) + 1, int(hi), int(round((lo + hi) / 2))})
    vals = {lo, hi, (lo + hi) / 2}
    for k in (2, 3, 4, 10, 100):
        for v in (1 / k, 1 - 1 / k, float(k)):
            if lo <= v <= hi:
                vals.add(v)
    return sorted(vals)


def _gap_fn(lhs, rhs, op, syms):
    """Float violation: > 0 when the relation fails at the point."""
    diff = (lhs - rhs) if op == "<=" else (rhs - lhs)
    f = sp.lambdify(syms, diff, modules=["math"])

    def gap(x):
        try:
            v = f(*x)
        except (ZeroDivisionError, OverflowError, ValueError, TypeError):
            return -math.inf
        v = complex(v)
        if abs(v.imag) > 1e-12 or not math.isfinite(v.real):
            return -math.inf
        return abs(v.real) if op == "==" else v.real

    return gap


def _hyp_fn(hypotheses, syms):
    fs = []
    for h in hypotheses:
        if isinstance(h, sp.Basic) and type(h) in _OPS:
            lhs, rhs, op = h.lhs, h.rhs, _OPS[type(h)]
            fs.append(_gap_fn(lhs, rhs, op, syms))

    def ok(x):
        return all(f(x) <= 0 for f in fs)

    return ok


def _rational(v: float, integer: bool, denominator: int) -> sp.Rational:
    if integer:
        return sp.Integer(int(round(v)))
    f = Fraction(v).limit_denominator(denominator)
    return sp.Rational(f.numerator, f.denominator)


def _exact_check(lhs, rhs, op, syms, x, hypotheses, integers):
    """The exact counterexample near float point ``x``, or None."""
    for den in (10, 100, 1000, 10**6, 10**12):
        point = {s: _rational(v, i, den) for s, v, i in zip(syms, x, integers)}
        if not core.admissible(point, hypotheses):
            continue
        lv, rv = core.evaluate(lhs, point), core.evaluate(rhs, point)
        if not core.compare(lv, rv, op):
            return point, lv, rv
    return None


def _compass(gap, ok, x, boxes, done, steps: int = 60):
    """Compass search maximising ``gap`` over the continuous coordinates, inside the boxes
    and the hypotheses: try +-h on each coordinate, halve h when nothing improves."""
    best = gap(x)
    h = [0.25 * (hi - lo) for lo, hi, _ in boxes]
    for _ in range(steps):
        if done() or best > 0:
            break
        improved = False
        for i, (lo, hi, integer) in enumerate(boxes):
            if integer:
                continue
            for sign in (1, -1):
                y = list(x)
                y[i] = min(max(x[i] + sign * h[i], lo), hi)
                if ok(y):
                    g = gap(y)
                    if g > best:
                        x, best, improved = y, g, True
        if not improved:
            h = [v / 2 for v in h]
    return x


def refute(relation, hypotheses=(), *, budget: float = 10.0, seed: int = 0,
           max_points: int = 20000, namespace: Namespace | None = None) -> core.Decision:
    """Search for an exact counterexample to ``relation`` (a SymPy relational or a string,
    read against ``namespace``) within ``budget`` seconds: ``refuted`` with the point, or
    ``unknown`` with the budget spent and the largest float violation found (module
    docstring)."""
    lhs, rhs, op = _sides(relation, namespace)
    hypotheses = tuple(parse(h, namespace=namespace) if isinstance(h, str) else h
                       for h in hypotheses)
    syms = sorted((lhs - rhs).free_symbols | {s for h in hypotheses if isinstance(h, sp.Basic)
                                             for s in h.free_symbols}, key=lambda s: s.name)
    start = time.perf_counter()
    if not syms:
        lv, rv = core.evaluate(lhs, {}), core.evaluate(rhs, {})
        if core.compare(lv, rv, op):
            return core.Decision("unknown", budget="no free symbol; the relation holds")
        return core.Decision("refuted", counterexample={}, lhs=lv, rhs=rv)
    boxes = [_box(s) for s in syms]
    integers = [b[2] for b in boxes]
    gap, ok = _gap_fn(lhs, rhs, op, syms), _hyp_fn(hypotheses, syms)
    rng = random.Random(seed)
    best: list[tuple[float, tuple]] = []
    refined: set = set()
    tried = 0

    def consider(x):
        nonlocal tried
        tried += 1
        if not ok(x):
            return None
        g = gap(x)
        best.append((g, tuple(x)))
        if g > 0:
            return _exact_check(lhs, rhs, op, syms, x, hypotheses, integers)
        return None

    def draw():
        x = []
        for lo, hi, integer in boxes:
            if integer:
                x.append(rng.randint(int(lo), int(hi)))
            elif lo > 0 and hi / lo > 100:
                x.append(math.exp(rng.uniform(math.log(lo), math.log(hi))))
            else:
                x.append(rng.uniform(lo, hi))
        return x

    def done():
        return time.perf_counter() - start > budget or tried >= max_points

    def result(found):
        point, lv, rv = found
        return core.Decision("refuted", counterexample={s.name: v for s, v in point.items()},
                             lhs=lv, rhs=rv,
                             budget=f"{tried} points, {time.perf_counter() - start:.2g} s")

    # 1. corners of the boxes (one coordinate at a time off a random base, then pure corners)
    corners = [_corner_values(*b) for b in boxes]
    for _ in range(200):
        if done():
            break
        x = [rng.choice(c) for c in corners]
        found = consider(x)
        if found:
            return result(found)
    # 2. random points, 3. refinement of the worst few, alternating until the budget is spent
    while not done():
        for _ in range(500):
            found = consider(draw())
            if found:
                return result(found)
            if done():
                break
        best.sort(key=lambda t: -t[0])
        del best[50:]
        for g0, x0 in [t for t in best if t[1] not in refined][:3]:
            if done() or not math.isfinite(g0) or all(b[2] for b in boxes):
                break
            refined.add(x0)
            x = _compass(gap, ok, list(x0), boxes, done)
            found = consider(x)
            if found:
                return result(found)
    top = max(best, default=(-math.inf, ()))
    return core.Decision(
        "unknown", budget=f"{tried} points in {time.perf_counter() - start:.2g} s "
                          f"(budget {budget} s); largest float violation {top[0]:.3g}")


def decide(relation, hypotheses=(), *, rewrite=None, budget: float = 10.0,
           seed: int = 0, namespace: Namespace | None = None) -> core.Decision:
    """``core.prove`` first (proved, naming the method), then :func:`refute`."""
    lhs, rhs, op = _sides(relation, namespace)
    decision = core.prove(lhs, rhs, op, rewrite)
    if decision:
        return decision
    found = refute(relation, hypotheses, budget=budget, seed=seed, namespace=namespace)
    if found.status == "refuted":
        return found
    return core.Decision("unknown", budget=f"{decision.budget}; search: {found.budget}")
