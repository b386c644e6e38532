"""Every symbol of the appendix, declared once with its SymPy assumptions, in per-paper
namespaces.

A ``Namespace`` maps a name to a :class:`SymbolInfo`: the SymPy symbol, a one-line
description, where it appears in the paper, its mathematical domain (``domain``, a SymPy set
that a counterexample must respect) and a box that tests draw exact rationals from
(``sample``). Assumptions SymPy cannot express (``gamma < 1``, ``|A| >= 2``, ``T >= 1``, ...)
live in the domain.

- ``SHARED``: the symbols every paper of this toolkit uses with one meaning, declared once:
  ``gamma`` (discount), ``lam`` (entropy weight), ``nA`` (``|A|``).
- ``MAO2022`` (also ``SYMBOLS``): the notation of Mao et al. (NeurIPS 2022) plus the shared
  symbols. The module attributes (``gamma``, ``lam``, ``R``, ``nA``, ...) are its symbols:
  ``from mfgcheck.theory.symbols import gamma, lam``.
- ``new_namespace("cen2022")``: another paper's namespace, reading the shared symbols
  through it. Its own symbols are ``ScopedSymbol`` objects, equal only to the symbol of
  the same name *in the same namespace*: a second paper's ``kappa``, ``tau`` or ``C1`` is a
  different SymPy symbol from this paper's, with its own domain, and declaring a name twice
  in a namespace (or a shared name again) is an error. ``namespace(paper)`` returns a
  namespace, ``info(symbol)`` the declaration of any declared symbol (by object, so the
  right domain whatever paper it comes from), ``resolve(name, expr, namespace)`` the symbol
  a name means in an expression or namespace.

The second block of this paper's namespace holds the scalar variables that proof steps use
when a step is an inequality between numbers in disguise (a probability, a feature
coordinate, a critic error, ...). They are declared here too, so that a counterexample names
only registered symbols.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import sympy as sp
from sympy import Interval, Rational, oo


@dataclass(frozen=True)
class SymbolInfo:
    """One registered symbol: the SymPy object and what it means."""

    name: str
    symbol: sp.Symbol
    description: str
    where: str
    domain: sp.Set
    sample: tuple[Rational, Rational]
    integer: bool = False
    paper: str = "mao2022"

    def admits(self, value) -> bool:
        """Whether an exact value lies in the symbol's domain (and is an integer if needed)."""
        value = sp.nsimplify(value) if isinstance(value, float) else sp.sympify(value)
        if self.integer and not value.is_integer:
            return False
        return bool(self.domain.contains(value))


class ScopedSymbol(sp.Symbol):
    """A symbol of one paper's namespace: prints as its name, equal only to the symbol of the
    same name, assumptions and namespace (SymPy's ``Dummy`` works the same way)."""

    __slots__ = ("namespace",)

    def __new__(cls, name: str, namespace: str, **assumptions):
        cls._sanitize(assumptions, cls)
        obj = sp.Symbol.__xnew__(cls, name, **assumptions)
        obj.namespace = namespace
        return obj

    def __getnewargs_ex__(self):
        return ((self.name, self.namespace), self._assumptions_orig)

    def _hashable_content(self):
        return sp.Symbol._hashable_content(self) + (self.namespace,)


LATEX_NAMES: dict[sp.Symbol, str] = {}
_BY_SYMBOL: dict[sp.Symbol, SymbolInfo] = {}
_NAMESPACES: dict[str, Namespace] = {}


class Namespace(Mapping):
    """The symbols of one paper, by name, with the shared ones read through ``parent``.

    ``constants``: a module exposing ``CONSTANTS`` (name -> SymPy expression) that the
    string parser substitutes (``counterexamples.parse``), or None."""

    def __init__(self, paper: str, *, parent: Namespace | None = None, scoped: bool = True,
                 constants: str | None = None):
        if paper in _NAMESPACES:
            raise ValueError(f"namespace: {paper!r} already exists; use namespace({paper!r})")
        self.paper, self.parent, self.scoped, self._constants = paper, parent, scoped, constants
        self._own: dict[str, SymbolInfo] = {}
        _NAMESPACES[paper] = self

    def declare(self, name, description, where, domain, sample, *, latex=None, integer=False,
                **assume) -> sp.Symbol:
        """Declare ``name`` in this namespace; a name it already has (its own or a shared
        one) is an error naming where it is declared."""
        if name in self:
            raise ValueError(f"symbol {name!r}: already declared in namespace "
                             f"{self[name].paper!r}; reuse it (symbols.{name} / "
                             f"namespace({self[name].paper!r})[{name!r}].symbol)")
        if integer:
            assume["integer"] = True
        sym = ScopedSymbol(name, self.paper, **assume) if self.scoped else \
            sp.Symbol(name, **assume)
        info = SymbolInfo(name, sym, description, where, domain,
                          (Rational(sample[0]), Rational(sample[1])), integer, self.paper)
        self._own[name] = info
        _BY_SYMBOL[sym] = info
        if latex:
            LATEX_NAMES[sym] = latex
        return sym

    def own(self) -> dict[str, SymbolInfo]:
        """The symbols declared in this namespace itself (not the shared ones)."""
        return dict(self._own)

    def constants(self) -> dict:
        """The named constants of this paper (``{name: expression}``), or ``{}``."""
        if self._constants is None:
            return {}
        return dict(importlib.import_module(self._constants).CONSTANTS)

    def __getitem__(self, name: str) -> SymbolInfo:
        if name in self._own:
            return self._own[name]
        if self.parent is not None:
            return self.parent[name]
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        if self.parent is not None:
            yield from (k for k in self.parent if k not in self._own)
        yield from self._own

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, name) -> bool:
        return name in self._own or (self.parent is not None and name in self.parent)

    def __repr__(self) -> str:
        return f"<symbols of {self.paper}: {len(self)} names>"


def namespace(paper: str) -> Namespace:
    """The namespace of ``paper``; unknown -> ValueError listing the namespaces."""
    try:
        return _NAMESPACES[paper]
    except KeyError:
        raise ValueError(f"namespace: unknown {paper!r}; choose from "
                         f"{', '.join(_NAMESPACES)}") from None


def new_namespace(paper: str, *, constants: str | None = None) -> Namespace:
    """A new paper's namespace (scoped symbols), reading the shared symbols through it."""
    return Namespace(paper, parent=SHARED, scoped=True, constants=constants)


def info(symbol: sp.Symbol) -> SymbolInfo:
    """The declaration of a declared symbol, whatever its namespace (KeyError if none)."""
    return _BY_SYMBOL[symbol]


def resolve(name: str, expr=None, space: Namespace | None = None) -> sp.Symbol:
    """The symbol ``name`` means: the free symbol of that name in ``expr`` if it has one
    (so a step of another paper reads its own symbols), otherwise ``space``'s (default: this
    paper's, ``MAO2022``). KeyError if neither has it."""
    if expr is not None:
        for sym in sp.sympify(expr).free_symbols:
            if sym.name == name:
                return sym
    return (MAO2022 if space is None else space)[name].symbol


def is_declared_symbol(symbol) -> bool:
    """Whether ``symbol`` (the object) is declared in some namespace."""
    return symbol in _BY_SYMBOL


def is_declared(name: str) -> bool:
    """Whether some namespace declares ``name``."""
    return any(name in ns for ns in _NAMESPACES.values())


_R = Rational
_POS = Interval.open(0, oo)
_NONNEG = Interval(0, oo)
_REAL = Interval(-oo, oo)
_UNIT = Interval.Lopen(0, 1)  # probabilities that are positive

SHARED = Namespace("shared", scoped=False)
MAO2022 = Namespace("mao2022", parent=SHARED, scoped=False,
                    constants="mfgcheck.theory.constants")
SYMBOLS = MAO2022  # the paper's symbols and the shared ones (the name theory has always used)
_SHARED_NAMES = ("gamma", "lam", "nA")


def _declare(name, description, where, domain, sample, **kw):
    space = SHARED if name in _SHARED_NAMES else MAO2022
    return space.declare(name, description, where, domain, sample, **kw)


def by_name(name: str) -> sp.Symbol:
    """The registered symbol called ``name`` (this paper's namespace)."""
    return SYMBOLS[name].symbol


# --- the paper's notation -------------------------------------------------------------------
gamma = _declare(
    "gamma",
    "discount factor, gamma in (0, 1)",
    "everywhere; Qmax, kappa",
    Interval.open(0, 1),
    ("1/100", "99/100"),
    latex=r"\gamma",
    positive=True,
)
lam = _declare(
    "lam",
    "entropy-regularisation weight lambda > 0",
    "everywhere",
    _POS,
    ("1/20", 5),
    latex=r"\lambda",
    positive=True,
)
R = _declare(
    "R",
    "radius of the actor ball ||w_hat||_2 <= R",
    "Lemma 2, Lemma 8, Prop. 2",
    _POS,
    ("1/10", 4),
    positive=True,
)
nA = _declare(
    "nA",
    "number of actions |A|, an integer >= 2",
    "Lemma 2, 3, 5; Theorem 1",
    Interval(2, oo),
    (2, 6),
    latex=r"|\mathcal{A}|",
    integer=True,
    positive=True,
)
T = _declare(
    "T",
    "number of iterations of Algorithm 1, T >= 1",
    "Theorem 1 (15)-(17)",
    Interval(1, oo),
    (1, 10**4),
    positive=True,
)
eta = _declare(
    "eta",
    "actor step size eta_t = eta (constant in Theorem 1)",
    "Lemma 1, 2, 8; Thm 1",
    _POS,
    ("1/1000", 1),
    latex=r"\eta",
    positive=True,
)
beta = _declare(
    "beta",
    "mean-field step size beta_t = beta in (0, 1]",
    "Lemma 7; Theorem 1",
    Interval.Lopen(0, 1),
    ("1/1000", 1),
    latex=r"\beta",
    positive=True,
)
d0 = _declare(
    "d0",
    "Assumption 1 constant (visitation drift, Gamma1 Lipschitz)",
    "Lemma 5 (5), (6)",
    _NONNEG,
    (0, 3),
    latex="d_0",
    nonnegative=True,
)
d1 = _declare(
    "d1",
    "Assumption 3: Lipschitz constant of Gamma1 in D",
    "Lemma 6, 7; (18)",
    _NONNEG,
    (0, 2),
    latex="d_1",
    nonnegative=True,
)
d2 = _declare(
    "d2",
    "Assumption 3: Lipschitz constant of Gamma2 in the policy",
    "Lemma 6, 7; (16)",
    _NONNEG,
    (0, 2),
    latex="d_2",
    nonnegative=True,
)
d3 = _declare(
    "d3",
    "Assumption 3: Lipschitz constant of Gamma2 in the mean field",
    "Lemma 6, 7",
    _NONNEG,
    (0, 1),
    latex="d_3",
    nonnegative=True,
)
d_bar = _declare(
    "d_bar",
    "contraction margin d_bar = 1 - d1 d2 - d3 > 0",
    "Lemma 7; (16)",
    Interval.Lopen(0, 1),
    ("1/100", 1),
    latex=r"\bar d",
    positive=True,
)
C1 = _declare(
    "C1",
    "Assumption 2: d*_{t+1}(s)/d*(s) <= C1",
    "Lemma 5 (6)",
    _POS,
    ("1/2", 5),
    latex="C_1",
    positive=True,
)
C2 = _declare(
    "C2",
    "Assumption 2: E_{d*_t}[(d*/d*_t)^2] <= C2^2",
    "Lemma 7 (8); Thm 1",
    _POS,
    ("1/2", 5),
    latex="C_2",
    positive=True,
)
C3 = _declare(
    "C3",
    "Assumption 2: d*_t(s)/d^{pi_t}_{mu_t}(s) <= C3",
    "Lemma 8 (11)-(13)",
    _POS,
    ("1/2", 5),
    latex="C_3",
    positive=True,
)
eps_actor = _declare(
    "eps_actor",
    "actor (regression) optimisation error",
    "Lemma 8; Prop. 2",
    _NONNEG,
    (0, 2),
    latex=r"\varepsilon_{\mathrm{actor}}",
    nonnegative=True,
)
eps_critic = _declare(
    "eps_critic",
    "critic error: E(q_hat - q)^2 <= eps_critic",
    "Lemma 8; Prop. 1",
    _NONNEG,
    (0, 2),
    latex=r"\varepsilon_{\mathrm{critic}}",
    nonnegative=True,
)
eps_approx = _declare(
    "eps_approx",
    "compatible-function approximation error min_w L_t(w)",
    "Lemma 8",
    _NONNEG,
    (0, 2),
    latex=r"\varepsilon_{\mathrm{approx}}",
    nonnegative=True,
)
eps_total = _declare(
    "eps_total",
    "eps_approx + eps_actor + eps_critic",
    "Lemma 8; Theorem 1",
    _NONNEG,
    (0, 6),
    latex=r"\varepsilon_{\mathrm{total}}",
    nonnegative=True,
)
p_min = _declare(
    "p_min",
    "inf_t min_{s,a} pi_t(a|s) (a number in (0, 1/|A|])",
    "Lemma 2, 5, 8; Thm 1",
    Interval.Lopen(0, _R(1, 2)),
    ("1/1000", "1/2"),
    latex=r"p_{\min}",
    positive=True,
)
tau = _declare(
    "tau",
    "floor of pi*_t (Lemma 3), tau = exp(-Qmax/lam)/|A|",
    "Lemma 5 (6)",
    Interval.Lopen(0, _R(1, 2)),
    ("1/1000", "1/2"),
    latex=r"\tau",
    positive=True,
)
sigma_pi = _declare(
    "sigma_pi",
    "sigma^pi_t = E_{d*_t} KL(pi*_t || pi_t)",
    "Lemma 1, 7, 8; Thm 1",
    _NONNEG,
    (0, 5),
    latex=r"\sigma^\pi_t",
    nonnegative=True,
)
sigma_pi_next = _declare(
    "sigma_pi_next",
    "sigma^pi_{t+1}",
    "Lemma 5, 8; (14)",
    _NONNEG,
    (0, 5),
    latex=r"\sigma^\pi_{t+1}",
    nonnegative=True,
)
sigma_pi0 = _declare(
    "sigma_pi0",
    "sigma^pi_0, the initial policy gap",
    "(15)",
    _NONNEG,
    (0, 5),
    latex=r"\sigma^\pi_0",
    nonnegative=True,
)
sigma_mu = _declare(
    "sigma_mu",
    "sigma^mu_t = ||mu_t - mu*||_1",
    "Lemma 7; (16)",
    Interval(0, 2),
    (0, 2),
    latex=r"\sigma^\mu_t",
    nonnegative=True,
)
sigma_mu_next = _declare(
    "sigma_mu_next",
    "sigma^mu_{t+1}",
    "Lemma 7; (16)",
    Interval(0, 2),
    (0, 2),
    latex=r"\sigma^\mu_{t+1}",
    nonnegative=True,
)
sigma_mu0 = _declare(
    "sigma_mu0",
    "sigma^mu_0, the initial mean-field gap",
    "(16)",
    Interval(0, 2),
    (0, 2),
    latex=r"\sigma^\mu_0",
    nonnegative=True,
)
K = _declare(
    "K",
    "inner iterations of Algorithms 2 and 3",
    "Prop. 1, 2",
    Interval(1, oo),
    (1, 10**4),
    integer=True,
    positive=True,
)
omega = _declare(
    "omega",
    "smallest eigenvalue of the feature covariance",
    "Prop. 1",
    _POS,
    ("1/100", 1),
    latex=r"\omega",
    positive=True,
)
tau_mix = _declare(
    "tau_mix",
    "mixing time tau_mix(alpha_K) of the induced chain",
    "Prop. 1",
    _POS,
    (1, 100),
    latex=r"\tau_{\mathrm{mix}}",
    positive=True,
)
rho = _declare(
    "rho",
    "almost-sure bound on the stochastic-gradient norm",
    "Prop. 2",
    _POS,
    ("1/10", 50),
    latex=r"\rho",
    positive=True,
)
B = _declare(
    "B",
    "the undefined constant of Prop. 2's bound (the radius, i.e. R)",
    "Prop. 2",
    _POS,
    ("1/10", 4),
    positive=True,
)
alpha1 = _declare(
    "alpha1",
    "Lemma 4: floor of x and y",
    "Lemma 4",
    _UNIT,
    ("1/1000", 1),
    latex=r"\alpha_1",
    positive=True,
)
alpha2 = _declare(
    "alpha2",
    "Lemma 4: floor of z",
    "Lemma 4",
    _UNIT,
    ("1/1000", 1),
    latex=r"\alpha_2",
    positive=True,
)
kl_next = _declare(
    "kl_next", "E_{d*_t} KL(pi*_t || pi_{t+1})", "Lemma 1, 5, 8", _NONNEG, (0, 5), nonnegative=True
)
dmu = _declare(
    "dmu", "||mu_{t+1} - mu_t||_1", "Lemma 5, 8; Thm 1", Interval(0, 2), (0, 2), nonnegative=True
)
dist_mu = _declare(
    "dist_mu",
    "||mu - mu'||_1 for two mean fields",
    "Lemma 6",
    Interval(0, 2),
    (0, 2),
    nonnegative=True,
)
D_pi = _declare(
    "D_pi",
    "a policy distance D(., .) = E_{d*} ||. - .||_1 (in [0, 2])",
    "Lemma 6, 7; (18)",
    Interval(0, 2),
    (0, 2),
    nonnegative=True,
)
g_norm = _declare(
    "g_norm",
    "||g_t||_2, g_t = w_hat_t - lam theta_t",
    "Lemma 1, 8",
    _NONNEG,
    (0, 8),
    nonnegative=True,
)
err1 = _declare(
    "err1",
    "E_{d*_t, pi*_t}[g^T grad log pi_t - q]",
    "Lemma 1, 8 (term (1))",
    _REAL,
    (-5, 5),
    real=True,
)
EV = _declare(
    "EV",
    "E_{d*_t}[V^{pi_t}_{mu_t}(s)]",
    "Lemma 1, 8 (term (2))",
    _NONNEG,
    (0, 20),
    nonnegative=True,
)
Vgap = _declare(
    "Vgap",
    "V^{pi*_t}_{mu_t}(rho) - V^{pi_t}_{mu_t}(rho) >= 0 (optimality)",
    "Lemma 1",
    _NONNEG,
    (0, 20),
    nonnegative=True,
)
Eq = _declare("Eq", "E_{d*_t, pi*_t}[q^{pi_t}_{mu_t}(s, a)]", "Lemma 1", _REAL, (-5, 40), real=True)

# --- scalar proof variables ---------------------------------------------------------------
theta = _declare(
    "theta",
    "one coordinate of theta_t (collinear worst case)",
    "Lemma 2, 8",
    _REAL,
    (-5, 5),
    real=True,
)
w_hat = _declare("w_hat", "one coordinate of w_hat_t", "Lemma 2, 8", _REAL, (-5, 5), real=True)
theta_norm = _declare("theta_norm", "||theta_t||_2", "Lemma 2", _NONNEG, (0, 20), nonnegative=True)
w_norm = _declare(
    "w_norm", "||w_hat_t||_2", "Lemma 2, 8; Prop. 2", _NONNEG, (0, 5), nonnegative=True
)
phi_norm = _declare(
    "phi_norm", "||phi_{s,a}||_2 <= 1", "Lemma 2", _NONNEG, (0, 1), nonnegative=True
)
num = _declare(
    "num", "softmax numerator exp(theta^T phi_{s,a})", "Lemma 2", _POS, ("1/100", 10), positive=True
)
den = _declare(
    "den",
    "softmax normaliser sum_b exp(theta^T phi_{s,b})",
    "Lemma 2",
    _POS,
    ("1/100", 100),
    positive=True,
)
r_sa = _declare(
    "r_sa", "reward r(s, a, mu) in [0, 1]", "Lemma 3", Interval(0, 1), (0, 1), nonnegative=True
)
V_next = _declare(
    "V_next", "E_{s'} V(s') (the continuation value)", "Lemma 3", _REAL, (-5, 40), real=True
)
Q_a = _declare(
    "Q_a", "Q*(s, a) for the action a", "Lemma 3; Lemma 8; Prop. 2", _REAL, (-5, 40), real=True
)
Q_b = _declare(
    "Q_b", "Q*(s, b) for the other actions", "Lemma 3; Lemma 8; Prop. 2", _REAL, (-5, 40), real=True
)
p = _declare(
    "p",
    "a probability pi*(a|s) in (0, 1]",
    "Lemma 5; Lemma 7 (Pinsker)",
    _UNIT,
    ("1/1000", 1),
    positive=True,
)
q = _declare(
    "q",
    "a probability pi(a|s) in (0, 1]",
    "Lemma 5; Lemma 7 (Pinsker)",
    _UNIT,
    ("1/1000", 1),
    positive=True,
)
x1 = _declare(
    "x1", "x(a1) for a two-point distribution x", "Lemma 4", Interval(0, 1), (0, 1), real=True
)
y1 = _declare(
    "y1", "y(a1) for a two-point distribution y", "Lemma 4", Interval(0, 1), (0, 1), real=True
)
c1 = _declare("c1", "Lemma 4 slope log xi_1 + 1 - log z_1", "Lemma 4", _REAL, (-8, 8), real=True)
c2 = _declare("c2", "Lemma 4 slope log xi_2 + 1 - log z_2", "Lemma 4", _REAL, (-8, 8), real=True)
xi = _declare(
    "xi",
    "Lemma 4 mean-value point between x(a) and y(a)",
    "Lemma 4",
    _UNIT,
    ("1/1000", 1),
    positive=True,
)
z = _declare(
    "z", "Lemma 4 reference probability z(a)", "Lemma 4", _UNIT, ("1/1000", 1), positive=True
)
u1 = _declare(
    "u1",
    "a real number (triangle inequality, first difference)",
    "Lemma 5, 6, 7; (18)",
    _REAL,
    (-3, 3),
    real=True,
)
u2 = _declare(
    "u2",
    "a real number (triangle inequality, second difference)",
    "Lemma 5, 6, 7; (18)",
    _REAL,
    (-3, 3),
    real=True,
)
u3 = _declare(
    "u3",
    "a real number (triangle inequality, third difference)",
    "Lemma 7",
    _REAL,
    (-3, 3),
    real=True,
)
kl = _declare(
    "kl",
    "KL(pi*_t || pi_{t+1}) at one state, 0 <= kl",
    "Lemma 5 (5)",
    _NONNEG,
    (0, 10),
    nonnegative=True,
)
ratio = _declare(
    "ratio", "a density ratio or weight, >= 0", "Lemma 5, 7, 8", _NONNEG, (0, 5), nonnegative=True
)
pi1 = _declare(
    "pi1",
    "pi_t(a1|s) for two actions",
    "Lemma 1, 8; Prop. 2",
    Interval.open(0, 1),
    ("1/100", "99/100"),
    positive=True,
)
pistar1 = _declare(
    "pistar1",
    "pi*_t(a1|s) for two actions",
    "Lemma 8",
    Interval.open(0, 1),
    ("1/100", "99/100"),
    positive=True,
)
phi1 = _declare(
    "phi1",
    "feature phi_{s,a1} (one coordinate, |phi| <= 1)",
    "Lemma 1, 8; Prop. 2",
    Interval(-1, 1),
    (-1, 1),
    real=True,
)
phi2 = _declare(
    "phi2",
    "feature phi_{s,a2} (one coordinate, |phi| <= 1)",
    "Lemma 1, 8; Prop. 2",
    Interval(-1, 1),
    (-1, 1),
    real=True,
)
e1 = _declare("e1", "critic error q_hat(s, a1) - q(s, a1)", "Lemma 8", _REAL, (-2, 2), real=True)
e2 = _declare("e2", "critic error q_hat(s, a2) - q(s, a2)", "Lemma 8", _REAL, (-2, 2), real=True)
lognorm = _declare(
    "lognorm",
    "the log-softmax normaliser log sum_b exp(theta^T phi_{s,b})",
    "Lemma 8",
    _REAL,
    (-5, 5),
    real=True,
)
g1 = _declare("g1", "one coordinate of g_t", "Lemma 8 (1)", _REAL, (-5, 5), real=True)
w0 = _declare(
    "w0",
    "unconstrained minimiser of a 1-D least-squares actor loss",
    "Lemma 8",
    _REAL,
    (-6, 6),
    real=True,
)
L_what = _declare("L_what", "L_t(w_hat_t)", "Lemma 8", _NONNEG, (0, 20), nonnegative=True)
Lh_what = _declare("Lh_what", "L_hat_t(w_hat_t)", "Lemma 8", _NONNEG, (0, 20), nonnegative=True)
Lh_min = _declare("Lh_min", "min_w L_hat_t(w)", "Lemma 8", _NONNEG, (0, 20), nonnegative=True)
Lh_wstar = _declare("Lh_wstar", "L_hat_t(w*_t)", "Lemma 8", _NONNEG, (0, 20), nonnegative=True)
L_wstar = _declare("L_wstar", "L_t(w*_t)", "Lemma 8", _NONNEG, (0, 20), nonnegative=True)
adv_err = _declare(
    "adv_err", "E_{d, pi}[(A_hat - A)^2]", "Lemma 8", _NONNEG, (0, 5), nonnegative=True
)
grad_norm = _declare(
    "grad_norm",
    "||grad log pi(a|s)||_2 (<= 2 when ||phi|| <= 1)",
    "Prop. 2",
    _NONNEG,
    (0, 2),
    nonnegative=True,
)
A_hat = _declare(
    "A_hat", "an advantage estimate A_hat(s, a)", "Prop. 2", _REAL, (-20, 20), real=True
)
s_a = _declare(
    "s_a",
    "a nonnegative number (sum or average, first)",
    "Theorem 1",
    _NONNEG,
    (0, 10),
    nonnegative=True,
)
s_b = _declare(
    "s_b",
    "a nonnegative number (sum or average, second)",
    "Theorem 1",
    _NONNEG,
    (0, 10),
    nonnegative=True,
)
X_rest = _declare(
    "X_rest",
    "the remaining terms of a recursion (any real)",
    "Theorem 1 (14)",
    _REAL,
    (-10, 10),
    real=True,
)
c_eta = _declare(
    "c_eta",
    "constant in eta = c_eta T^{-a} / lam",
    "Theorem 1; rates",
    _POS,
    ("1/10", 1),
    positive=True,
)
c_beta = _declare(
    "c_beta",
    "constant in beta = c_beta T^{-b}",
    "Theorem 1; rates",
    _POS,
    ("1/10", 1),
    positive=True,
)
a_exp = _declare(
    "a_exp",
    "exponent a in eta ~ T^{-a}/lam",
    "rates",
    Interval(0, 1),
    (0, 1),
    latex="a",
    nonnegative=True,
)
b_exp = _declare(
    "b_exp",
    "exponent b in beta ~ T^{-b}",
    "rates",
    Interval(0, 1),
    (0, 1),
    latex="b",
    nonnegative=True,
)
H_ent = _declare(
    "H_ent",
    "entropy H(pi(.|s)) of a policy at one state",
    "Lemma 3",
    _NONNEG,
    (0, 3),
    latex="H",
    nonnegative=True,
)
pi_star = _declare(
    "pi_star",
    "pi*_mu(a|s), the regularised best response",
    "Lemma 3",
    _UNIT,
    ("1/1000", 1),
    latex=r"\pi^\star(a|s)",
    positive=True,
)
kl_diff = _declare("kl_diff", "KL(x||z) - KL(y||z)", "Lemma 4", _REAL, (-5, 5), real=True)
l1_xy = _declare(
    "l1_xy",
    "||x - y||_1 for two distributions",
    "Lemma 4",
    Interval(0, 2),
    (0, 2),
    nonnegative=True,
)
kl_shift = _declare(
    "kl_shift",
    "E_{d*_{t+1}} KL(pi*_t || pi_{t+1})",
    "Lemma 5 (4)",
    _NONNEG,
    (0, 5),
    nonnegative=True,
)
dstar = _declare(
    "dstar",
    "d*(s), the equilibrium visitation at one state",
    "Lemma 5, 7",
    _UNIT,
    ("1/100", 1),
    latex=r"d^\star(s)",
    positive=True,
)
drift_ratio = _declare(
    "drift_ratio",
    "E_{d*}[|d*_{t+1}(s) - d*_t(s)| / d*(s)]",
    "Lemma 5 (5)",
    _NONNEG,
    (0, 4),
    nonnegative=True,
)
kl_gap = _declare(
    "kl_gap",
    "|E_{d*_{t+1}}[KL(pi*_{t+1}||pi_{t+1}) - KL(pi*_t||pi_{t+1})]|",
    "Lemma 5 (6)",
    _NONNEG,
    (0, 5),
    nonnegative=True,
)
l1_star = _declare(
    "l1_star",
    "E_{d*_{t+1}} ||pi*_t(.|s) - pi*_{t+1}(.|s)||_1",
    "Lemma 5 (6)",
    Interval(0, 2),
    (0, 2),
    nonnegative=True,
)
m_t = _declare(
    "m_t",
    "mu_t(s), one coordinate of the mean field",
    "Lemma 7; Theorem 1",
    Interval(0, 1),
    (0, 1),
    nonnegative=True,
)
m_star = _declare(
    "m_star",
    "mu*(s), one coordinate of the equilibrium mean field",
    "Lemma 7",
    Interval(0, 1),
    (0, 1),
    nonnegative=True,
)
g2_pi = _declare(
    "g2_pi", "Gamma2(pi_t, mu_t)(s)", "Lemma 7; Theorem 1", Interval(0, 1), (0, 1), nonnegative=True
)
g2_star = _declare(
    "g2_star",
    "Gamma2(Gamma1(mu_t), mu_t)(s) = Lambda(mu_t)(s)",
    "Lemma 7",
    Interval(0, 1),
    (0, 1),
    nonnegative=True,
)
sq_l1 = _declare(
    "sq_l1",
    "E_{d*_t} ||pi*_t(.|s) - pi_t(.|s)||_1^2",
    "Lemma 7 (8)",
    Interval(0, 4),
    (0, 4),
    nonnegative=True,
)
logpi_t = _declare(
    "logpi_t", "log pi_t(a|s)", "Lemma 1", Interval(-oo, 0), (-6, 0), nonpositive=True
)
logpi_next = _declare(
    "logpi_next", "log pi_{t+1}(a|s)", "Lemma 1", Interval(-oo, 0), (-6, 0), nonpositive=True
)
gdot = _declare("gdot", "g_t^T grad log pi_t(a|s)", "Lemma 1", _REAL, (-5, 5), real=True)
err_star = _declare(
    "err_star",
    "-E_{d*_t, pi*_t}[w_hat^T grad log pi_t - A] (left of (12))",
    "Lemma 8 (11), (12)",
    _REAL,
    (-5, 5),
    real=True,
)
err_pi = _declare(
    "err_pi",
    "E_{d*_t, pi_t}[w_hat^T grad log pi_t - A] (left of (13))",
    "Lemma 8 (13)",
    _REAL,
    (-5, 5),
    real=True,
)
critic_mse = _declare(
    "critic_mse", "E ||q_hat - q^pi||^2_{d^pi x pi}", "Prop. 1", _NONNEG, (0, 5), nonnegative=True
)
sgd_gap = _declare(
    "sgd_gap", "E f(average iterate) - f(x*)", "Prop. 2", _NONNEG, (0, 5), nonnegative=True
)
sigma_pi_T = _declare(
    "sigma_pi_T",
    "sigma^pi_T",
    "Theorem 1 (15)",
    _NONNEG,
    (0, 5),
    latex=r"\sigma^\pi_T",
    nonnegative=True,
)
sigma_mu_T = _declare(
    "sigma_mu_T",
    "sigma^mu_T",
    "Theorem 1 (16)",
    Interval(0, 2),
    (0, 2),
    latex=r"\sigma^\mu_T",
    nonnegative=True,
)
avg_sigma_pi = _declare(
    "avg_sigma_pi", "(1/T) sum_t sigma^pi_t", "Theorem 1 (15)", _NONNEG, (0, 5), nonnegative=True
)
avg_sigma_mu = _declare(
    "avg_sigma_mu",
    "(1/T) sum_t sigma^mu_t",
    "Theorem 1 (16)",
    Interval(0, 2),
    (0, 2),
    nonnegative=True,
)
avg_sqrt_sigma = _declare(
    "avg_sqrt_sigma",
    "(1/T) sum_t sqrt(sigma^pi_t)",
    "Theorem 1 (16)",
    _NONNEG,
    (0, 3),
    nonnegative=True,
)
avg_D = _declare(
    "avg_D",
    "(1/T) sum_t D(pi_t, pi*_t)",
    "Theorem 1 (18)",
    Interval(0, 2),
    (0, 2),
    nonnegative=True,
)
avg_D_star = _declare(
    "avg_D_star",
    "(1/T) sum_t D(pi*, pi_t)",
    "Theorem 1 (18)",
    Interval(0, 2),
    (0, 2),
    nonnegative=True,
)
gap_final = _declare(
    "gap_final",
    "D(pi*, avg_t pi_t) + ||mu* - avg_t mu_t||_1",
    "Theorem 1",
    Interval(0, 4),
    (0, 4),
    nonnegative=True,
)
