"""Claims, proof steps and the small SymPy prover behind every verdict.

A :class:`Step` is one relation ``lhs <relation> rhs`` of a proof in the appendix, with the
justification the appendix gives and a verdict:

- ``proved``: SymPy shows ``rhs - lhs`` (for ``<=``) is nonnegative under the declared
  assumptions. The prover (:func:`prove`) rewrites each hypothesis into a parametrisation by
  nonnegative slack variables (``x <= b`` becomes ``x = b - s``, ``gamma in (0, 1)`` becomes
  ``gamma = 1/(1 + g)``, ``|A| >= 2`` becomes ``|A| = 2 + m``), replaces ``exp(x)`` of known
  sign by ``1 + s`` or ``1/(1 + s)`` (a sound relaxation), splits ``Abs``/``Max``/``Min`` into
  their two linear cases, compares squares when both sides are nonnegative square roots,
  and finally reads the sign of ``together(...)`` from a factored or expanded numerator
  whose terms all have a known sign. No ``simplify()``.
- ``conditional``: the same proof goes through once a stated condition is added, and a
  counterexample (exact rationals) shows it fails without it. With ``exact=True`` SymPy
  checks instead that ``rhs - lhs`` is a positive multiple of the condition's two sides'
  difference, so the condition is equivalent to the relation (``condition_of`` gives the
  raw numerator form SymPy derives).
- ``refuted``: a point of exact rationals satisfying every declared assumption where the
  relation fails, evaluated exactly (or with mpmath at 50 digits when exp/log appear).
- ``numeric``: the step rests on a paper assumption or on probability; ``property`` names
  the check in ``mfgcheck.properties`` that tests it.
- ``unknown``: neither the prover nor the counterexample search
  (:mod:`mfgcheck.theory.counterexamples`) decided it within its budget (which the step
  records). Never shown as proved or refuted.

:func:`prove` returns a :class:`Decision`: ``proved`` (with the method that proved it) or
``unknown`` (the prover gave up). It never returns ``refuted``: only an exact counterexample
refutes (:func:`mfgcheck.theory.refute`). A ``Decision`` is truthy exactly when proved.

Formulas apart from proofs: importing a claim module builds its statements and steps but
runs no proof. A step's verdict (with its ``method`` and recorded ``counterexample``) is
decided on first use (reading ``step.verdict``, printing the step, :func:`settle` for many
steps with a progress indicator) and kept in the on-disk cache of
:mod:`mfgcheck.theory.verdict_cache` (keyed by the theory's sources and the SymPy version).
A declared verdict the prover cannot confirm raises :class:`ProofError` when it is decided.
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import sympy as sp

from . import verdict_cache
from .symbols import LATEX_NAMES, SYMBOLS, gamma, info, is_declared, nA, resolve
from .vocabulary import KINDS, VERDICTS  # noqa: F401 - re-exported

RELATIONS = {"<=": sp.Le, ">=": sp.Ge, "==": sp.Eq}
PRECISION = 50
_TOL = sp.Float("1e-40", PRECISION)


class ProofError(RuntimeError):
    """A verdict that SymPy could not confirm (a bug in a claim module, not in the paper)."""


# --- slack parametrisations of hypotheses --------------------------------------------------
def slack(name: str = "s") -> sp.Dummy:
    """A fresh nonnegative variable."""
    return sp.Dummy(name, nonnegative=True)


def at_least(bound):
    """``bound + s``: every value ``>= bound``."""
    return bound + slack()


def at_most(bound):
    """``bound - s``: every value ``<= bound``."""
    return bound - slack()


def times_at_least(bound):
    """``bound * (1 + s)``: every value ``>= bound`` for a positive bound."""
    return bound * (1 + slack())


def times_at_most(bound):
    """``bound / (1 + s)``: every value in ``(0, bound]`` for a positive bound."""
    return bound / (1 + slack())


def root_at_most(bound):
    """``bound / (1 + s)^2``: every value in ``(0, bound]``, with a square root that SymPy
    simplifies (``sqrt(bound)/(1 + s)``)."""
    return bound / (1 + slack()) ** 2


def between(lo, hi):
    """``lo + (hi - lo) s / (1 + s)``: every value in ``[lo, hi)`` (closure by continuity)."""
    s = slack()
    return lo + (hi - lo) * s / (1 + s)


def _default_rewrite() -> dict:
    """gamma in (0, 1) as 1/(1 + g), g > 0; |A| >= 2 as 2 + m, m >= 0 an integer."""
    return {
        gamma: 1 / (1 + sp.Dummy("g", positive=True)),
        nA: 2 + sp.Dummy("m", integer=True, nonnegative=True),
    }


def _apply(expr, rewrite, defaults=None) -> sp.Expr:
    """Apply the step's rewrite stages, then the default rewrite (shared within one proof)."""
    expr = sp.sympify(expr)
    stages = [] if rewrite is None else ([rewrite] if isinstance(rewrite, Mapping) else rewrite)
    for stage in stages:
        expr = expr.subs(stage, simultaneous=True)
    if expr.has(sp.Derivative):
        expr = expr.doit()
    defaults = _default_rewrite() if defaults is None else defaults
    expr = expr.subs({k: v for k, v in defaults.items() if k in expr.free_symbols})
    return sp.expand_log(expr)


def _relax_exp(expr) -> sp.Expr:
    """Split exp(sum) into a product of exp(term); write each exp(t) with t >= 0 as 1 + s_t
    and each exp(t) with t <= 0 as 1/(1 + s_{-t}) (s_t >= 0 fresh, one per canonical t, so
    exp(t) exp(-t) = 1 survives). A sound relaxation: it only forgets exp's shape."""
    variables: dict = {}

    def var(t):
        if t not in variables:
            variables[t] = 1 + slack("e")
        return variables[t]

    def relax(arg):
        out = sp.Integer(1)
        for term in sp.Add.make_args(sp.expand(arg)):
            term = sp.cancel(sp.together(term))
            if term.is_nonnegative:
                out *= var(term)
            elif term.is_nonpositive:
                out /= var(sp.cancel(-term))
            else:
                out *= sp.exp(term)
        return out

    return expr.replace(sp.exp, relax)


def _sign_nonneg(expr) -> bool:
    """Read the sign of ``num/den`` from a factored or expanded numerator and denominator.
    A denominator that is >= 0 counts as positive: where it vanishes, expr is undefined."""
    expr = _relax_exp(expr)
    if expr.is_nonnegative:
        return True
    together = sp.together(expr)
    for num, den in {sp.fraction(together), sp.fraction(sp.factor(together))}:
        signs = [1 if f.is_nonnegative else -1 if f.is_nonpositive else 0
                 for f in (den, sp.factor(den), sp.expand(den))]
        sign = next((s for s in signs if s), 0)
        if sign and any((sign * f).is_nonnegative
                        for f in (num, sp.factor(num), sp.expand(num))):
            return True
    return False


def _unsigned_linear_variable(d):
    """A symbol of unknown sign in which ``d`` is linear with a nonzero coefficient."""
    d = sp.expand(d)
    for s in sorted(d.free_symbols, key=lambda s: s.name):
        if s.is_nonnegative is not None or s.is_nonpositive is not None:
            continue
        coef = d.coeff(s)
        rest = sp.expand(d - coef * s)
        if coef.is_nonzero and s not in coef.free_symbols | rest.free_symbols:
            return s, coef, rest
    return None


def _options(piece):
    """The values a piecewise atom can take: Abs(X) in {X, -X}, Max/Min(p, q) in {p, q}."""
    if isinstance(piece, sp.Abs):
        return piece.args[0], -piece.args[0]
    return piece.args


def _positive_split(piece):
    """Max/Min(s, p) with s a positive symbol not in p > 0: the cases s = p (1 + w) and
    s = p / (1 + w) (w >= 0), which cover s >= p and s <= p and keep s positive."""
    if isinstance(piece, sp.Abs) or len(piece.args) != 2:
        return None
    for s, p in (piece.args, piece.args[::-1]):
        if s.is_Symbol and s.is_positive and p.is_positive and s not in p.free_symbols:
            return [(s, p * (1 + slack("w"))), (s, p / (1 + slack("w")))]
    return None


def is_nonneg(expr, depth: int = 0) -> bool:
    """Whether SymPy can show ``expr >= 0`` (after rewriting, see the module docstring).

    ``Abs``/``Max``/``Min`` atoms are removed one at a time: by an exact case split when
    their argument is linear in a variable of unknown sign (substitute it so that the
    argument is ``+s`` or ``-s``), or when a ``Max``/``Min`` compares a positive symbol with
    a positive expression (:func:`_positive_split`); otherwise through monotonicity: the atom
    equals one of its options everywhere, so proving every option suffices, and where
    ``expr`` is monotone in the atom in the favourable direction (the atom bounds each
    option) one option suffices. Atoms needing every option are split first.
    """
    expr = sp.expand_log(sp.sympify(expr))
    pieces = sorted(expr.atoms(sp.Abs, sp.Max, sp.Min), key=sp.count_ops)
    if not pieces:
        return _sign_nonneg(expr)
    if depth > 12:
        return False
    for piece in pieces:
        d = piece.args[0] if isinstance(piece, sp.Abs) else piece.args[0] - piece.args[1]
        found = _unsigned_linear_variable(d)
        if found is not None:
            var, coef, rest = found
            return all(is_nonneg(expr.subs(var, (sign * slack("w") - rest) / coef), depth + 1)
                       for sign in (1, -1))
    for piece in pieces:
        split = _positive_split(piece)
        if split is not None:
            return all(is_nonneg(expr.subs(*case), depth + 1) for case in split)
    analysed = []
    for piece in pieces:
        # the atom's sign assumption must hold for every option, so that the segment between
        # an option and the atom's value (another option) stays where the slope was signed
        opts = _options(piece)
        atom = sp.Dummy("A", real=True, positive=all(o.is_positive for o in opts) or None,
                        nonnegative=all(o.is_nonnegative for o in opts) or None)
        body = expr.xreplace({piece: atom})
        slope = sp.diff(body, atom)
        upper = not isinstance(piece, sp.Min)  # Abs and Max bound every option from above
        favourable = is_nonneg(slope if upper else -slope, depth + 1)
        options = [body.subs(atom, o) for o in opts]
        analysed.append((favourable, options))
    analysed.sort(key=lambda item: item[0])  # split the unfavourable atoms first
    favourable, options = analysed[0]
    if favourable and any(is_nonneg(o, depth + 1) for o in options):
        return True
    return all(is_nonneg(o, depth + 1) for o in options)


def _is_zero(expr) -> bool:
    expr = sp.powsimp(sp.expand_log(expr, force=True))
    for form in (sp.expand(expr), sp.together(expr), sp.expand(sp.together(sp.expand(expr)))):
        if form == 0:
            return True
    num, _ = sp.fraction(sp.together(expr))
    return sp.expand(num) == 0


def _has_root(expr) -> bool:
    return any(not p.exp.is_integer for p in expr.atoms(sp.Pow))


@dataclass(frozen=True)
class Decision:
    """What a decision procedure concluded about one relation.

    ``status``: ``proved`` (``method`` names how), ``refuted`` (``counterexample`` maps every
    free symbol to an exact rational, re-verified exactly; ``lhs``/``rhs`` are its sides) or
    ``unknown`` (``budget`` says what was spent before giving up). Truthy exactly when
    proved, so ``if prove(...)`` keeps its meaning."""

    status: str
    method: str = ""
    counterexample: dict | None = None
    budget: str = ""
    lhs: object = None
    rhs: object = None

    def __post_init__(self):
        if self.status not in ("proved", "refuted", "unknown"):
            raise ValueError(f"status: {self.status!r}; proved, refuted or unknown")

    def __bool__(self) -> bool:
        return self.status == "proved"

    def __str__(self) -> str:
        if self.status == "proved":
            return f"proved ({self.method})"
        if self.status == "refuted":
            pt = ", ".join(f"{k}={v}" for k, v in (self.counterexample or {}).items())
            return f"refuted at {pt}: lhs={sp.N(self.lhs, 8)}, rhs={sp.N(self.rhs, 8)}"
        return f"unknown ({self.budget})"


def prove(lhs, rhs, relation: str, rewrite=None) -> Decision:
    """``proved`` if SymPy shows ``lhs <relation> rhs`` under the declared assumptions,
    naming the method; otherwise ``unknown`` (the prover gave up: this is no evidence that
    the relation is false)."""
    if relation == "==":
        if _is_zero(_apply(lhs - rhs, rewrite)):
            return Decision("proved", "identity: the difference simplifies to 0")
        return Decision("unknown", budget="identity prover: expand/together gave no 0")
    big, small = (rhs, lhs) if relation == "<=" else (lhs, rhs)
    defaults = _default_rewrite()
    big, small = _apply(big, rewrite, defaults), _apply(small, rewrite, defaults)
    if is_nonneg(big - small):
        return Decision("proved", "slack rewrite of the hypotheses, then the sign of the "
                                  "difference's numerator and denominator")
    if _has_root(big - small) and is_nonneg(big) and is_nonneg(small):
        if is_nonneg(sp.expand(big**2 - small**2)):
            return Decision("proved", "both sides nonnegative: compare their squares")
    return Decision("unknown", budget="sign prover (slack rewrite, exp relaxation, case "
                                      "splits of Abs/Max/Min to depth 12, squares)")


def prove_monotone(f, var, root, rewrite=None) -> Decision:
    """``f >= 0`` from ``f(root) = 0`` and ``(var - root) f'(var) >= 0`` (f has its minimum
    at ``root``): the mean-value argument, checked by SymPy."""
    f = sp.sympify(f)
    if _is_zero(f.subs(var, root)) and is_nonneg(
            _apply(sp.factor(sp.together((var - root) * sp.diff(f, var))), rewrite)):
        return Decision("proved", f"minimum at {var} = {root}: f(root) = 0 and "
                                  f"({var} - root) f' >= 0")
    return Decision("unknown", budget="monotonicity argument did not go through")


def condition_of(lhs, rhs, relation: str) -> sp.Relational:
    """The exact condition for ``lhs <relation> rhs``: ``numerator >= 0`` of
    ``together(rhs - lhs)`` (for ``<=``), whose denominator must be positive."""
    diff = rhs - lhs if relation == "<=" else lhs - rhs
    num, den = sp.fraction(sp.together(diff))
    if not is_nonneg(_apply(den, None)):
        num, den = -num, -den
    return sp.Ge(sp.expand(num), 0)


# --- exact evaluation ----------------------------------------------------------------------
def evaluate(expr, point: Mapping) -> sp.Expr:
    """``expr`` at ``point`` (symbols or names to exact numbers): a Rational when exact,
    otherwise a 50-digit Float."""
    point = {(resolve(k, expr) if isinstance(k, str) else k): sp.sympify(v) for k, v in
             point.items()}
    value = sp.sympify(expr).subs(point).doit()
    if value.is_Rational:
        return value
    return sp.N(value, PRECISION)


def compare(lhs_value, rhs_value, relation: str) -> bool:
    """Whether the relation holds between two evaluated numbers. Exact when both are
    rational; otherwise within 1e-40 (so a proved identity is not failed by rounding)."""
    d = sp.sympify(lhs_value) - sp.sympify(rhs_value)
    exact = d.is_Rational
    tol = 0 if exact else _TOL * max(1, abs(sp.N(rhs_value, PRECISION)))
    if relation in ("<=", "<"):
        return d <= tol
    if relation in (">=", ">"):
        return d >= -tol
    return abs(d) <= tol


def _relation_of(rel) -> str:
    return {sp.LessThan: "<=", sp.StrictLessThan: "<", sp.GreaterThan: ">=",
            sp.StrictGreaterThan: ">", sp.Equality: "=="}[type(rel)]


def _relational_holds(rel, point: Mapping) -> bool:
    """Evaluate a SymPy relational (or And of them) at a point, exactly where possible."""
    if isinstance(rel, sp.And):
        return all(_relational_holds(r, point) for r in rel.args)
    if isinstance(rel, sp.Or):
        return any(_relational_holds(r, point) for r in rel.args)
    if rel in (sp.true, sp.false):
        return bool(rel)
    lhs, rhs = evaluate(rel.lhs, point), evaluate(rel.rhs, point)
    op = _relation_of(rel)
    if op in ("<", ">"):
        d = lhs - rhs if op == ">" else rhs - lhs
        return bool(d > (0 if d.is_Rational else _TOL))
    return compare(lhs, rhs, op)


def _declaration(key):
    """The declaration of a symbol (by object) or of a name (this paper's), or None."""
    if isinstance(key, str):
        return SYMBOLS.get(key)
    try:
        return info(key)
    except KeyError:
        return None


def admissible(point: Mapping, hypotheses: Iterable = ()) -> bool:
    """Whether a point lies in every symbol's domain and satisfies every (SymPy) hypothesis."""
    for name, value in point.items():
        declared = _declaration(name)
        if declared is not None and not declared.admits(value):
            return False
    return all(_relational_holds(h, point) for h in hypotheses if isinstance(h, sp.Basic))


# --- steps and claims ----------------------------------------------------------------------
@dataclass
class Step:
    """One relation of a proof, with what the appendix cites for it and its verdict.

    ``verdict``, ``method`` and ``counterexample`` of a step built by
    :func:`~mfgcheck.theory.core.algebraic` are decided on first read (:meth:`settle`): the
    step holds its ``decision`` (the proof to run) until then. Everything else (sides,
    relation, condition, note) is there at once.
    """

    id: str
    label: str
    lhs: sp.Expr
    rhs: sp.Expr
    relation: str
    justification: str
    kind: str = "algebraic"
    verdict: str = "proved"
    condition: sp.Basic | None = None
    counterexample: dict | None = None
    property: str | None = None
    note: str = ""
    hypotheses: tuple = ()
    exact: bool = False  # conditional: the condition is equivalent to the relation
    method: str = ""  # proved / conditional: how SymPy proved it; unknown: the budget spent
    # the proof still to run (None once decided); it sets verdict, method, counterexample
    decision: Callable[[], None] | None = field(default=None, repr=False, compare=False)
    # the counterexample as declared ({name: "p/q"}) and the file of the module that built
    # the step: with the fields above, what the verdict is a function of (verdict_cache)
    declared_counterexample: dict = field(default_factory=dict, repr=False, compare=False)
    origin: str = field(default="", repr=False, compare=False)

    def settle(self) -> Step:
        """Decide the verdict now if it is still pending (from the on-disk cache when it
        holds a valid entry for this step, else by running the proof). Idempotent."""
        decision = self.__dict__.get("decision")
        if decision is None:
            return self
        self.__dict__["decision"] = None  # the proof reads the step's own fields
        try:
            if not self._from_cache():
                decision()
                verdict_cache.write(self)
        except BaseException:
            self.__dict__["decision"] = decision  # still pending: the next read tries again
            raise
        return self

    def _from_cache(self) -> bool:
        """Take the prover's conclusion from a valid cache entry, re-checking the evidence:
        the counterexample is evaluated again, exactly (and lies outside the condition)."""
        entry = verdict_cache.read(self)
        if entry is None:
            return False
        counterexample = None
        if self.declared_counterexample:
            try:
                counterexample = _check_counterexample(self.id, self.lhs, self.rhs,
                                                       self.relation, self.hypotheses,
                                                       self.declared_counterexample)
            except ProofError:
                return False  # the proof, run instead, reports it
            self.counterexample = counterexample  # read back by point()
            if self.condition is not None and _relational_holds(self.condition, self.point()):
                self.counterexample = None
                return False
        self.method, self.counterexample = entry["method"], counterexample
        return True

    @builtins.property
    def declared_verdict(self) -> str:
        """The verdict the claim module declares (what deciding must confirm)."""
        return self.__dict__["_verdict"]  # set at construction; deciding only confirms it

    @builtins.property
    def pending(self) -> bool:
        """Whether the verdict is still to be decided."""
        return self.__dict__.get("decision") is not None

    @builtins.property
    def claim(self) -> str:
        """The claim this step belongs to (``"lemma5"`` for ``"lemma5.eq5"``; the registered
        claim whose id prefixes the step's, ``mfgcheck.registry.claim_id_of``)."""
        from ..registry import claim_id_of

        return claim_id_of(self.id)

    @builtins.property
    def relational(self) -> sp.Basic:
        return RELATIONS[self.relation](self.lhs, self.rhs, evaluate=False)

    def point(self) -> dict:
        """The counterexample as ``{Symbol: Rational}`` (without the evaluated sides)."""
        if not self.counterexample:
            return {}
        context = sp.Tuple(self.lhs, self.rhs)  # names read as this step's symbols
        return {resolve(k, context): v for k, v in self.counterexample.items()
                if k not in ("lhs", "rhs")}

    def holds_at(self, point: Mapping) -> bool:
        """Whether ``lhs <relation> rhs`` at ``point``, evaluated exactly (or at 50 digits)."""
        return compare(evaluate(self.lhs, point), evaluate(self.rhs, point), self.relation)

    def free_symbols(self) -> set:
        out = set(self.lhs.free_symbols) | set(self.rhs.free_symbols)
        for h in self.hypotheses:
            if isinstance(h, sp.Basic):
                out |= h.free_symbols
        if isinstance(self.condition, sp.Basic):
            out |= self.condition.free_symbols
        return out

    def detail(self) -> str:
        """The condition (conditional) or counterexample (refuted), as one line."""
        if self.verdict == "conditional":
            return f"{'iff' if self.exact else 'if'} {sp.sstr(self.condition)}"
        if self.verdict == "refuted":
            cx = self.counterexample or {}
            pt = ", ".join(f"{k}={v}" for k, v in cx.items() if k not in ("lhs", "rhs"))
            lv, rv = (sp.N(cx[k], 6) for k in ("lhs", "rhs"))
            op = {"<=": ">", ">=": "<", "==": "!="}[self.relation]
            return f"at {pt}: lhs={lv} {op} rhs={rv}"
        if self.verdict == "numeric":
            return self.property or ""
        if self.verdict in ("proved", "unknown"):
            return self.method
        return ""

    def latex(self) -> str:
        return sp.latex(self.relational, symbol_names=LATEX_NAMES)

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"

    def _repr_html_(self) -> str:
        from .display import step_html
        return step_html(self)

    def __str__(self) -> str:
        text = f"[{self.id}] {self.label}: {sp.sstr(self.lhs)} {self.relation} " \
               f"{sp.sstr(self.rhs)}  ({self.justification}) -> {self.verdict}"
        extra = self.detail()
        return f"{text}; {extra}" if extra else text


def _decided_on_read(name: str) -> builtins.property:
    """A field of :class:`Step` that settles the step before it is read."""
    key = f"_{name}"

    def get(self):
        self.settle()
        return self.__dict__[key]

    def put(self, value):
        self.__dict__[key] = value

    return builtins.property(get, put, doc=f"The step's {name} (decided on first read).")


# dataclass's __init__ assigns these through the properties; their defaults stay in __init__
for _name in ("verdict", "method", "counterexample"):
    setattr(Step, _name, _decided_on_read(_name))


def settle(steps: Iterable[Step], *, progress: bool = True, desc: str = "theory") -> list[Step]:
    """Decide every pending verdict of ``steps`` (cached ones first, without output); the
    proofs still to run show a progress indicator on stderr (a bar on a terminal, plain lines
    in a file: :mod:`mfgcheck.progress`) unless ``progress=False``."""
    steps = list(steps)
    todo = []
    for step in steps:
        if step.pending:
            decision = step.__dict__["decision"]
            step.__dict__["decision"] = None
            if not step._from_cache():
                step.__dict__["decision"] = decision
                todo.append(step)
    if todo:
        from ..progress import progress as reporter

        noun = "proof step" if len(todo) == 1 else "proof steps"
        bar = reporter(todo, desc=f"{desc}: proving {len(todo)} {noun} (cached afterwards)",
                       enabled=progress)
        for step in bar:
            step.settle()
    return steps


@dataclass
class Claim:
    """A lemma, proposition or theorem: statement, hypotheses, conclusion and proof steps."""

    name: str
    title: str
    reference: str
    statement: str
    hypotheses: list
    lhs: sp.Expr
    rhs: sp.Expr
    relation: str
    steps: list[Step] = field(default_factory=list)
    note: str = ""
    conclusion: str = ""  # id of the step that yields the statement

    @property
    def relational(self) -> sp.Basic:
        return RELATIONS[self.relation](self.lhs, self.rhs, evaluate=False)

    def counts(self) -> dict[str, int]:
        """Number of steps per verdict."""
        settle(self.steps, desc=self.name)
        return {v: sum(s.verdict == v for s in self.steps) for v in VERDICTS}

    def bound(self, **numbers) -> float:
        """The right-hand side evaluated at keyword numbers (lambdify, built once)."""
        if "_bound" not in self.__dict__:
            self.__dict__["_bound"] = lambdify_kw(self.rhs)
        return self.__dict__["_bound"](**numbers)

    def subs(self, **numbers) -> sp.Basic:
        """The conclusion with some symbols replaced by numbers (exact if given exactly)."""
        return self.relational.subs({resolve(k, self.relational): sp.sympify(v)
                                     for k, v in numbers.items()})

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)

    def latex(self) -> str:
        return sp.latex(self.relational, symbol_names=LATEX_NAMES)

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"

    def _repr_html_(self) -> str:
        from .display import claim_html
        return claim_html(self)

    def __str__(self) -> str:
        hyps = "; ".join(h if isinstance(h, str) else sp.sstr(h) for h in self.hypotheses)
        lines = [f"{self.title} ({self.reference})", f"  {self.statement}",
                 f"  hypotheses: {hyps}",
                 f"  {sp.sstr(self.lhs)} {self.relation} {sp.sstr(self.rhs)}"]
        lines.append("  steps: " + ", ".join(f"{n} {v}" for v, n in self.counts().items() if n))
        return "\n".join(lines)


def lambdify_kw(expr) -> Callable[..., float]:
    """A fast evaluator of ``expr`` taking keyword numbers named after the symbols.

    Unknown keyword names raise ``TypeError``; registered names the expression does not use
    are ignored, so one dict of parameters can feed several bounds."""
    expr = sp.sympify(expr)
    syms = sorted(expr.free_symbols, key=lambda s: s.name)
    names = [s.name for s in syms]
    fn = sp.lambdify(syms, expr, modules=["numpy"])

    def evaluator(**numbers):
        unknown = [k for k in numbers if not is_declared(k)]
        missing = [k for k in names if k not in numbers]
        if unknown or missing:
            raise TypeError(f"unknown {unknown}, missing {missing}; needs {names}")
        out = fn(*(numbers[k] for k in names))
        try:
            return float(out)
        except TypeError:
            return out

    evaluator.args = tuple(names)  # type: ignore[attr-defined]  # read by properties, reports
    evaluator.expr = expr  # type: ignore[attr-defined]
    evaluator.__doc__ = f"Evaluate {sp.sstr(expr)} at keyword numbers {names}."
    return evaluator


def evaluators(named: Mapping[str, sp.Expr]) -> Callable[[str], Callable[..., float]]:
    """``numeric(name)`` for a module's named expressions (keyword evaluators, each built on
    its first request: lambdify costs time and imports NumPy)."""
    cache: dict[str, Callable[..., float]] = {}

    def numeric(name: str) -> Callable[..., float]:
        """Keyword evaluator of the named expression ``name`` (see ``NAMED``)."""
        if name not in cache:
            cache[name] = lambdify_kw(named[name])
        return cache[name]

    return numeric


# --- step factories: each one checks its verdict with SymPy --------------------------------
def _property_name(step_id: str) -> str | None:
    """The registered check of a numeric step (``mfgcheck.registry``), None if none is."""
    from .. import registry

    try:
        return registry.claim_of(step_id).check(step_id).function
    except registry.InvalidInputError:
        return None


def _check_counterexample(step_id, lhs, rhs, relation, hypotheses, counterexample) -> dict:
    context = sp.Tuple(lhs, rhs, *(h for h in hypotheses if isinstance(h, sp.Basic)))
    point = {resolve(k, context): sp.Rational(v) for k, v in counterexample.items()}
    if not admissible(point, hypotheses):
        raise ProofError(f"{step_id}: counterexample violates an assumption")
    lv, rv = evaluate(lhs, point), evaluate(rhs, point)
    if compare(lv, rv, relation):
        raise ProofError(f"{step_id}: counterexample satisfies the relation")
    record = {k: sp.Rational(v) for k, v in counterexample.items()}
    record.update(lhs=lv, rhs=rv)
    return record


def algebraic(step_id: str, label: str, lhs, rhs, relation: str, justification: str, *,
              hypotheses: Iterable = (), rewrite=None,
              prover: Callable[[], Decision | bool] | None = None,
              condition=None, exact: bool = False, counterexample: Mapping | None = None,
              note: str = "") -> Step:
    """Build a step whose verdict SymPy decides on first use (:meth:`Step.settle`).

    No ``condition`` and no ``counterexample``: it must be proved (``prover()`` or
    :func:`prove` with ``rewrite``). ``condition`` + ``counterexample``: it must be proved
    with the condition encoded in ``rewrite``, and the counterexample (outside the condition)
    must violate it. ``counterexample`` alone: refuted, and the prover must fail. Deciding
    raises :class:`ProofError` when SymPy does not confirm the declared verdict.
    """
    lhs, rhs, hypotheses = sp.sympify(lhs), sp.sympify(rhs), tuple(hypotheses)
    declared = ("proved" if condition is None and counterexample is None else
                "conditional" if condition is not None else "refuted")
    step = Step(step_id, label, lhs, rhs, relation, justification, hypotheses=hypotheses,
                note=note, verdict=declared, condition=condition,
                exact=bool(exact and condition is not None),
                declared_counterexample={k: str(sp.Rational(v))
                                         for k, v in (counterexample or {}).items()},
                origin=sys._getframe(1).f_globals.get("__file__") or "")

    def proof() -> bool:
        if prover is not None:
            ok = prover()
            step.method = getattr(ok, "method", "") or \
                f"step-specific argument ({getattr(prover, '__name__', 'prover')})"
            return bool(ok)
        decision = prove(lhs, rhs, relation, rewrite)
        step.method = decision.method or decision.budget
        return bool(decision)

    def decide() -> None:
        if counterexample is not None:
            step.counterexample = _check_counterexample(step_id, lhs, rhs, relation,
                                                        hypotheses, counterexample)
        if condition is None and counterexample is None:
            if not proof():
                raise ProofError(f"{step_id}: SymPy could not prove {lhs} {relation} {rhs}")
        elif condition is not None:
            if counterexample is None or _relational_holds(condition, step.point()):
                raise ProofError(f"{step_id}: needs a counterexample outside the condition")
            if exact and not _equivalent(lhs, rhs, relation, condition):
                raise ProofError(f"{step_id}: {condition} is not equivalent to the relation")
            if not exact and not proof():
                raise ProofError(f"{step_id}: SymPy could not prove it under {condition}")
        elif proof():
            raise ProofError(f"{step_id}: refuted by the counterexample, yet proved")
        step.verdict = declared

    step.decision = decide
    return step


def _equivalent(lhs, rhs, relation, condition) -> bool:
    """``condition`` (``a >= b`` or ``a <= b``) is a positive multiple of the relation."""
    diff = rhs - lhs if relation == "<=" else lhs - rhs
    cond = condition.lhs - condition.rhs if _relation_of(condition) in (">=", ">") else \
        condition.rhs - condition.lhs
    ratio = sp.cancel(sp.together(_apply(diff / cond, None)))
    return is_nonneg(ratio) and is_nonneg(1 / ratio)


def numeric_step(step_id: str, label: str, lhs, rhs, relation: str, justification: str, *,
                 hypotheses: Iterable = (), note: str = "") -> Step:
    """A step that rests on a paper assumption or on probability: checked by properties/."""
    return Step(step_id, label, sp.sympify(lhs), sp.sympify(rhs), relation, justification,
                kind="numeric", verdict="numeric", property=_property_name(step_id),
                note=note, hypotheses=tuple(hypotheses))
