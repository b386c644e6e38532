"""Symbolic exploration of the paper's formulas, within the symbols' declared domains.

SymPy knows that ``gamma`` is positive (declared so in :mod:`mfgcheck.theory.symbols`) but
not that ``gamma < 1``: assumptions such as ``gamma in (0, 1)`` or ``|A| >= 2`` live in each
symbol's ``domain``. This module turns those domains into what SymPy can use, so that a
user never needs a private helper::

    >>> from mfgcheck.theory import constants, explore
    >>> explore.subs(constants.Qmax, gamma="1/2", lam=1, nA=2)
    log(2) + 2
    >>> explore.limit(constants.kappa, "gamma", 1)      # from inside (0, 1): from below
    oo
    >>> explore.refine(abs(1 - explore.symbol("gamma")))
    1 - gamma
    >>> print(explore.latex(constants.Qmax))
    \\frac{\\gamma \\lambda \\log{\\left(|\\mathcal{A}| \\right)} + 1}{1 - \\gamma}

- :func:`symbol` returns the package's symbol by name (the same object every formula uses);
- :func:`subs` substitutes numbers (exact rationals from strings or ints; floats kept as
  floats), refusing a value outside the symbol's domain with an ``ValueError``
  naming the symbol and its domain;
- :func:`assumptions` gives the domains as SymPy facts (``Q.lt(gamma, 1) & ...``) for
  ``sympy.refine`` and ``sympy.ask``; :func:`refine` applies them;
- :func:`limit` takes a limit at a point of a symbol's domain (or its boundary), from
  inside the domain (``gamma -> 1`` from below, ``lam -> 0`` from above);
- :func:`latex` prints in the paper's notation (``\\gamma``, ``\\lambda``,
  ``|\\mathcal{A}|``, ...).

docs/symbolic.md walks through these with Lemma and Theorem expressions.
"""

from __future__ import annotations

import sympy as sp

from .symbols import LATEX_NAMES, SYMBOLS


def symbol(name: str) -> sp.Symbol:
    """The package's SymPy symbol called ``name`` (``"gamma"``, ``"lam"``, ``"nA"``, ...)."""
    try:
        return SYMBOLS[name].symbol
    except KeyError:
        raise ValueError(f"symbol: no symbol {name!r}; known: {sorted(SYMBOLS)}") \
            from None


def _name(sym) -> str:
    return sym if isinstance(sym, str) else sym.name


def subs(expr, **numbers) -> sp.Basic:
    """``expr`` with symbols replaced by numbers, each checked against its domain.

    Values are sympified: ``"1/2"`` or ``sympy.Rational(1, 2)`` stay exact, a float stays
    a float. ``ValueError`` if a name is unknown or a value lies outside the
    symbol's domain (``gamma=1.5``: gamma must lie in (0, 1))."""
    mapping = {}
    for name, value in numbers.items():
        info = SYMBOLS.get(name)
        if info is None:
            raise ValueError(f"{name}: no such symbol; known: {sorted(SYMBOLS)}")
        v = sp.sympify(value)
        if not v.is_number:
            raise ValueError(f"{name}: {value!r} is not a number")
        if not info.admits(v):
            raise ValueError(f"{name}: {value} lies outside its domain {info.domain}"
                                    + (" (an integer)" if info.integer else ""))
        mapping[info.symbol] = v
    return sp.sympify(expr).subs(mapping)


def _facts(info) -> list:
    s, dom = info.symbol, info.domain
    facts = []
    if isinstance(dom, sp.Interval):
        if dom.start.is_finite:
            facts.append(sp.Q.gt(s, dom.start) if dom.left_open else sp.Q.ge(s, dom.start))
        if dom.end.is_finite:
            facts.append(sp.Q.lt(s, dom.end) if dom.right_open else sp.Q.le(s, dom.end))
    if info.integer:
        facts.append(sp.Q.integer(s))
    return facts


def assumptions(expr=None) -> sp.Basic:
    """The declared domains as SymPy facts, for ``sympy.refine``/``sympy.ask``: of every
    registered symbol, or only of those free in ``expr``."""
    wanted = None if expr is None else {s.name for s in sp.sympify(expr).free_symbols}
    facts = [f for name, info in SYMBOLS.items() if wanted is None or name in wanted
             for f in _facts(info)]
    return sp.And(*facts) if facts else sp.true


def refine(expr) -> sp.Basic:
    """``sympy.refine(expr)`` under the domains of its symbols (``|1 - gamma| -> 1 - gamma``)."""
    expr = sp.sympify(expr)
    return sp.refine(expr, assumptions(expr))


def limit(expr, name: str, point) -> sp.Basic:
    """The limit of ``expr`` as the symbol ``name`` tends to ``point`` from inside its
    domain: from below at the domain's upper end, from above at its lower end, two-sided
    in the interior. ``ValueError`` if ``point`` is outside the domain's closure."""
    info = SYMBOLS.get(name)
    if info is None:
        raise ValueError(f"{name}: no such symbol; known: {sorted(SYMBOLS)}")
    p = sp.sympify(point)
    dom = info.domain
    if not (dom.contains(p) == sp.true or p in (dom.inf, dom.sup)):
        raise ValueError(f"{name}: the point {point} lies outside the closure of its "
                                f"domain {dom}")
    if p == dom.sup and p != dom.inf:
        direction = "-"
    elif p == dom.inf:
        direction = "+"
    else:
        direction = "+-"
    return sp.limit(sp.sympify(expr), info.symbol, p, direction)


def latex(expr) -> str:
    """LaTeX of ``expr`` (an expression or a relation) in the paper's notation."""
    return sp.latex(sp.sympify(expr), symbol_names=LATEX_NAMES)
