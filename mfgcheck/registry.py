"""The registries of claims and games: the one list everything else reads.

A *claim* (a lemma, proposition or theorem of a paper) is registered once with its id, paper,
title, a one-line statement, the module of its SymPy theory and its empirical checks; a
*game* with its builder and named default settings. The theory tables, the property checks,
``mfgcheck lemmas``, the hunter, the report and the command line's choices read these
registries; nothing else lists claims or games.

Contract (stable; another package registers against it)::

    CheckSpec(step, function, strategy)
        step      "lemma5.eq6" (a step of the claim, or the claim id itself)
        function  "package.module:function"; check(instance, *, bound=None) -> Evidence
        strategy  "package.module:function"; strategy() -> a Hypothesis strategy of the
                  instances ``function`` takes. Checks of one claim that share a strategy
                  run on the same drawn instances.
    ClaimSpec(id, paper, title, statement, theory, checks, uses)
        id        "lemma3"; a paper other than mao2022 prefixes its ids: "cen2022.theorem1"
        paper     "mao2022", "cen2022"
        theory    "package.module" exposing ``claim`` (a theory.core.Claim), or None;
                  imported only when asked (``ClaimSpec.theory_claim()``)
        checks    tuple of CheckSpec
        uses      ((claim id, where its proof uses it), ...): the claims this claim's proof
                  invokes (plain data: the report's dependency graph reads it without SymPy;
                  ``dependency_edges``); a used id must be registered when the graph is read
    GameSpec(name, factory, settings={}, description="", strategy=None)
        factory   "package.module:function" building the game from keyword settings
        settings  the defaults ``build_game`` passes (a caller's keywords override them)
        strategy  optional "package.module:function" -> a Hypothesis strategy of games of
                  this kind (``properties.strategies.registered_games``); without one, the
                  game is drawn with its default settings

    register_claim(spec) / register_game(spec)   duplicate id/name -> InvalidInputError
    claims(paper=None) -> {id: ClaimSpec}         registration order: built-ins, then plugins
    claim(id) -> ClaimSpec                        unknown -> InvalidInputError listing the ids
    claim_of(step) -> ClaimSpec                   the claim a step id belongs to
    claim_id_of(step) -> str                      its id (the part before the first dot if none)
    dependency_edges() -> [(used, user)]           from every claim's ``uses``
    games() -> {name: GameSpec}; game(name); build_game(name, **settings) -> Game

The built-in registrations (the claims of Mao et al., NeurIPS 2022, and the games sis, lq,
random, serverless) are declared in one place, ``mfgcheck.catalogue``. Other packages add
claims and games through entry points in the groups ``mfgcheck.claims`` and
``mfgcheck.games``: each names a callable taking no arguments that calls
``register_claim`` / ``register_game``. Entry points are loaded once, on the first query; one
that fails to load is reported by ``load_errors()`` and a warning (its claims are then
missing, so the lemma table cannot count them as checked).

This module imports nothing heavy (no NumPy, no SymPy): the theory layer may import it.
"""

from __future__ import annotations

import contextlib
import importlib
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ._errors import InvalidInputError

__all__ = ["CheckSpec", "ClaimSpec", "GameSpec", "register_claim", "register_game", "claims",
           "claim", "claim_of", "claim_id_of", "dependency_edges", "games", "game",
           "build_game", "papers", "load", "load_errors", "temporary", "load_target",
           "ENTRY_POINT_GROUPS"]

ENTRY_POINT_GROUPS = ("mfgcheck.claims", "mfgcheck.games")
# the built-in claims and games (Mao et al. 2022; sis, lq, random, serverless): loaded first,
# by name, as the entry points are (the catalogue imports this module, not the reverse)
BUILT_INS = "mfgcheck.catalogue:register"

_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[A-Za-z0-9_]+)*$")
_TARGET = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
_MODULE = re.compile(r"^[A-Za-z_][\w.]*$")


def load_target(target: str):
    """The object ``"package.module:name"`` names (imports the module)."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def _check_text(field_name: str, value, pattern: re.Pattern, what: str) -> None:
    if not isinstance(value, str) or not pattern.match(value):
        raise InvalidInputError(f"{field_name}: {value!r} is not {what}")


@dataclass(frozen=True)
class CheckSpec:
    """One empirical check of a claim (module docstring)."""

    step: str
    function: str
    strategy: str

    def __post_init__(self):
        _check_text("CheckSpec.step", self.step, _ID, "a step id such as 'lemma5.eq6'")
        for name in ("function", "strategy"):
            _check_text(f"CheckSpec.{name} (step {self.step})", getattr(self, name), _TARGET,
                        "'package.module:function'")

    def load(self) -> Callable:
        """The check function (imports its module)."""
        return load_target(self.function)

    def load_strategy(self) -> Callable:
        """The strategy factory: ``load_strategy()()`` is a Hypothesis strategy."""
        return load_target(self.strategy)

    @property
    def module(self) -> str:
        return self.function.partition(":")[0]


@dataclass(frozen=True)
class ClaimSpec:
    """A claim of a paper (module docstring)."""

    id: str
    paper: str
    title: str
    statement: str
    theory: str | None = None
    checks: tuple[CheckSpec, ...] = ()
    uses: tuple[tuple[str, str], ...] = ()

    def __post_init__(self):
        _check_text("ClaimSpec.id", self.id, _ID, "an id such as 'lemma3' or 'cen2022.theorem1'")
        _check_text(f"ClaimSpec.paper ({self.id})", self.paper, re.compile(r"^[a-z][a-z0-9_]*$"),
                    "a paper key such as 'mao2022'")
        for name in ("title", "statement"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip() or "\n" in value:
                raise InvalidInputError(f"ClaimSpec.{name} ({self.id}): {value!r} is not a "
                                        f"non-empty line of text")
        if self.theory is not None:
            _check_text(f"ClaimSpec.theory ({self.id})", self.theory, _MODULE,
                        "a module name or None")
        object.__setattr__(self, "checks", tuple(self.checks))
        seen = set()
        for c in self.checks:
            if not isinstance(c, CheckSpec):
                raise InvalidInputError(f"ClaimSpec.checks ({self.id}): {c!r} is not a CheckSpec")
            if c.step != self.id and not c.step.startswith(self.id + "."):
                raise InvalidInputError(f"ClaimSpec.checks ({self.id}): step {c.step!r} is not "
                                        f"{self.id!r} or '{self.id}.<step>'")
            if c.step in seen:
                raise InvalidInputError(f"ClaimSpec.checks ({self.id}): step {c.step!r} twice")
            seen.add(c.step)
        object.__setattr__(self, "uses", tuple(tuple(u) for u in self.uses))
        for u in self.uses:
            if (len(u) != 2 or not isinstance(u[0], str) or not _ID.match(u[0])
                    or not isinstance(u[1], str) or not u[1].strip() or u[0] == self.id):
                raise InvalidInputError(f"ClaimSpec.uses ({self.id}): {u!r} is not a pair "
                                        f"(another claim's id, where the proof uses it)")

    def check(self, step: str) -> CheckSpec:
        """The check of ``step``; unknown -> InvalidInputError listing this claim's steps."""
        for c in self.checks:
            if c.step == step:
                return c
        raise InvalidInputError(f"step: unknown {step!r} in {self.id}; choose from "
                                f"{', '.join(c.step for c in self.checks) or '(no checks)'}")

    @property
    def steps(self) -> tuple[str, ...]:
        """The step ids of the checks, in declaration order."""
        return tuple(c.step for c in self.checks)

    @property
    def modules(self) -> tuple[str, ...]:
        """The modules holding the checks (each once, in order of first use)."""
        return tuple(dict.fromkeys(c.module for c in self.checks))

    def theory_claim(self):
        """The theory module's ``claim`` (imports it; its verdicts are decided on first
        read), or None."""
        return None if self.theory is None else importlib.import_module(self.theory).claim


@dataclass(frozen=True)
class GameSpec:
    """A game by name: its builder and default settings (module docstring)."""

    name: str
    factory: str
    settings: Mapping[str, object] = field(default_factory=dict)
    description: str = ""
    strategy: str | None = None

    def __post_init__(self):
        _check_text("GameSpec.name", self.name, re.compile(r"^[a-z][a-z0-9_]*$"),
                    "a lower-case name such as 'sis'")
        _check_text(f"GameSpec.factory ({self.name})", self.factory, _TARGET,
                    "'package.module:function'")
        if self.strategy is not None:
            _check_text(f"GameSpec.strategy ({self.name})", self.strategy, _TARGET,
                        "'package.module:function' or None")
        if not isinstance(self.settings, Mapping):
            raise InvalidInputError(f"GameSpec.settings ({self.name}): {self.settings!r} is "
                                    f"not a mapping")
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))

    def load(self) -> Callable:
        """The factory (imports its module)."""
        return load_target(self.factory)

    def load_strategy(self) -> Callable | None:
        """The strategy factory (``load_strategy()()`` draws games of this kind), or None."""
        return None if self.strategy is None else load_target(self.strategy)

    def parameters(self) -> tuple[str, ...] | None:
        """The settings the factory takes by name (None if it takes any ``**kwargs``)."""
        import inspect

        params = inspect.signature(self.load()).parameters.values()
        if any(p.kind is p.VAR_KEYWORD for p in params):
            return None
        return tuple(p.name for p in params
                     if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))

    def build(self, **settings):
        """The game: ``factory(**{**self.settings, **settings})``; a setting the factory does
        not take is an InvalidInputError listing those it takes."""
        known = self.parameters()
        unknown = [k for k in settings if known is not None and k not in known]
        if unknown:
            raise InvalidInputError(f"game {self.name}: unknown setting "
                                    f"{', '.join(map(repr, unknown))}; settings are "
                                    f"{', '.join(known)}")
        return self.load()(**{**self.settings, **settings})


# -- the registries ----------------------------------------------------------------------------
_CLAIMS: dict[str, ClaimSpec] = {}
_GAMES: dict[str, GameSpec] = {}
_ERRORS: dict[str, str] = {}
_state = {"loaded": False, "loading": False}


def register_claim(spec: ClaimSpec) -> ClaimSpec:
    """Add a claim; its id, and each of its step ids, must be new."""
    if not isinstance(spec, ClaimSpec):
        raise InvalidInputError(f"register_claim: {spec!r} is not a ClaimSpec")
    _load()
    if spec.id in _CLAIMS:
        raise InvalidInputError(f"claim: {spec.id!r} is already registered "
                                f"(by paper {_CLAIMS[spec.id].paper})")
    taken = {s: c.id for c in _CLAIMS.values() for s in c.steps}
    for step in spec.steps:
        if step in taken:
            raise InvalidInputError(f"claim {spec.id}: step {step!r} is already registered "
                                    f"by {taken[step]}")
    _CLAIMS[spec.id] = spec
    return spec


def register_game(spec: GameSpec) -> GameSpec:
    """Add a game; its name must be new."""
    if not isinstance(spec, GameSpec):
        raise InvalidInputError(f"register_game: {spec!r} is not a GameSpec")
    _load()
    if spec.name in _GAMES:
        raise InvalidInputError(f"game: {spec.name!r} is already registered")
    _GAMES[spec.name] = spec
    return spec


def _load() -> None:
    """Register the built-ins, then every entry point, once (re-entrant: registering from a
    loader does not load again)."""
    if _state["loaded"] or _state["loading"]:
        return
    _state["loading"] = True
    try:
        load_target(BUILT_INS)()  # by name, like the entry points: no import cycle with them
        from importlib.metadata import entry_points

        for group in ENTRY_POINT_GROUPS:
            for ep in sorted(entry_points(group=group), key=lambda e: e.name):
                try:
                    ep.load()()
                except Exception as exc:  # noqa: BLE001 - a broken plugin is reported
                    key = f"{group}:{ep.name}"
                    _ERRORS[key] = f"{type(exc).__name__}: {exc}"
                    warnings.warn(f"mfgcheck: entry point {key} ({ep.value}) failed to "
                                  f"load: {_ERRORS[key]}", RuntimeWarning, stacklevel=2)
    finally:
        _state["loading"] = False
    _state["loaded"] = True


def load() -> None:
    """Load the built-ins and the entry points now (queries do it on first use)."""
    _load()


def load_errors() -> dict[str, str]:
    """``{"group:name": error}`` for every entry point that failed to load."""
    _load()
    return dict(_ERRORS)


def claims(paper: str | None = None) -> dict[str, ClaimSpec]:
    """Every registered claim by id, in registration order (optionally one paper's)."""
    _load()
    if paper is not None and paper not in papers():
        raise InvalidInputError(f"paper: unknown {paper!r}; choose from {', '.join(papers())}")
    return {k: v for k, v in _CLAIMS.items() if paper is None or v.paper == paper}


def papers() -> tuple[str, ...]:
    """The papers with registered claims, in registration order."""
    _load()
    return tuple(dict.fromkeys(c.paper for c in _CLAIMS.values()))


def _lookup(table: dict, kind: str, key):
    """``table[key]``; unknown -> InvalidInputError naming ``kind`` and listing the keys."""
    _load()
    try:
        return table[key]
    except (KeyError, TypeError):
        raise InvalidInputError(f"{kind}: unknown {key!r}; choose from "
                                f"{', '.join(table)}") from None


def claim(claim_id: str) -> ClaimSpec:
    """The claim ``claim_id``; unknown -> InvalidInputError listing the registered ids."""
    return _lookup(_CLAIMS, "claim", claim_id)


def claim_of(step: str) -> ClaimSpec:
    """The claim whose id is ``step`` or the longest registered prefix ``<id>.`` of it
    (``"lemma5.eq6"`` -> lemma5, ``"cen2022.theorem1.contraction"`` -> cen2022.theorem1)."""
    _load()
    best = None
    for cid in _CLAIMS:
        if (step == cid or str(step).startswith(cid + ".")) and (
                best is None or len(cid) > len(best)):
            best = cid
    if best is None:
        raise InvalidInputError(f"step: {step!r} belongs to no registered claim; claims are "
                                f"{', '.join(_CLAIMS)}")
    return _CLAIMS[best]


def claim_id_of(step: str) -> str:
    """The id of the claim ``step`` belongs to (``claim_of``), or for a step no registered
    claim owns (an old record, a user's own check) the part before its first dot."""
    try:
        return claim_of(step).id
    except InvalidInputError:
        return str(step).split(".")[0]


def dependency_edges() -> list[tuple[str, str]]:
    """``(used, user)`` for every registered claim's ``uses``: an arrow from a claim to each
    claim whose proof uses it. A used id that is not registered -> InvalidInputError."""
    _load()
    out = []
    for user, spec in _CLAIMS.items():
        for used, _ in spec.uses:
            if used not in _CLAIMS:
                raise InvalidInputError(f"ClaimSpec.uses ({user}): {used!r} is not a "
                                        f"registered claim; claims are {', '.join(_CLAIMS)}")
            out.append((used, user))
    return out


def games() -> dict[str, GameSpec]:
    """Every registered game by name, in registration order."""
    _load()
    return dict(_GAMES)


def game(name: str) -> GameSpec:
    """The game ``name``; unknown -> InvalidInputError listing the registered names."""
    return _lookup(_GAMES, "game", name)


def build_game(name: str, **settings):
    """The game ``name`` built with its default settings overridden by ``settings``."""
    return game(name).build(**settings)


@contextlib.contextmanager
def temporary() -> Iterator[None]:
    """Registrations made inside the block are removed when it ends (tests register throwaway
    claims and games without leaking them into other tests)."""
    _load()
    claims_before, games_before = dict(_CLAIMS), dict(_GAMES)
    try:
        yield
    finally:
        _CLAIMS.clear()
        _CLAIMS.update(claims_before)
        _GAMES.clear()
        _GAMES.update(games_before)
