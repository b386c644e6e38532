"""The counterexample hunter: point mfgcheck at a claim (or your own bound) and let it search.

``hunt(target, *, bound=None, lhs=None, budget=60, seed=0)``

- ``target``: a claim or step id with a check in ``mfgcheck.properties`` (``"lemma3"``,
  ``"lemma4.lipschitz"``), or your own check function ``check(instance, *, bound=None) ->
  Evidence`` whose first parameter is annotated with an instance type of
  ``properties.instances`` (that names the Hypothesis strategy and the families to search);
- ``bound`` / ``lhs``: replace theory's right / left side: a SymPy expression or a string
  over the registered symbols (``"exp(-Qmax/(2*lam))/nA"``; ``Qmax``, ``tau``, ``kappa``,
  ``KLmax``, ``p_min_bound`` are expanded), or a callable taking the check's keyword
  numbers. For a ``>=`` claim (Lemma 3's floor) ``bound`` is the floor;
- ``budget``: seconds of wall time (default 60); ``seed``: the search's seed (same seed,
  same search); ``families``: search these ``properties.families`` instead of the claim's
  strategy and default families.

The search (a third of the budget each, roughly):

1. **the tight-regime families** of ``properties.families`` (absorbing states with extreme
   reward gaps, KL triples at their floors, saturating runs, near-deterministic policies,
   features aligned with theta, ...), their parameters drawn from ``seed`` alone
   (:func:`family_draws`: the same seed gives the same draws whatever modules are loaded),
   then **Hypothesis**, with ``target()`` on the log of the ratio lhs/rhs, over the claim's
   own strategy (``properties.strategies``);
2. **local optimisation** (SciPy Nelder-Mead, in the family's unit box, log scale where
   declared) of the continuous parameters of the worst instances found;
3. **high-precision re-verification** (``properties.confirm``: mpmath at 60 digits) of the
   worst instance when its float ratio exceeds 1.

It returns a :class:`HuntResult`: ``counterexample`` (certified at high precision),
``candidate`` (violated in float64 but no independent route could confirm it) or ``none``
(no violation within the budget; ``max_ratio`` and the instance attaining it are reported,
which says how close the search came). "None within the budget" is not a proof.
"""

from __future__ import annotations

import inspect
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .properties.evidence import Evidence, ratio_text

if TYPE_CHECKING:
    from .properties.families import Family

__all__ = ["HuntResult", "hunt", "as_bound", "family_draws"]


class _Stop(Exception):
    """Raised inside the Hypothesis search when the budget is spent."""


@dataclass
class HuntResult:
    """What a hunt found (module docstring)."""

    target: str
    status: str  # "counterexample" | "candidate" | "none"
    evidence: Evidence | None
    max_ratio: float
    examples: int
    seconds: float
    budget: float
    bound: str = ""
    lhs: str = ""
    family: str = ""
    params: dict = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.status == "counterexample"

    def to_dict(self) -> dict:
        return {"target": self.target, "status": self.status, "max_ratio": self.max_ratio,
                "examples": self.examples, "seconds": self.seconds, "budget": self.budget,
                "bound": self.bound, "lhs": self.lhs, "family": self.family,
                "params": self.params,
                "evidence": self.evidence.to_dict() if self.evidence else None}

    def __str__(self) -> str:
        what = f"{self.target}" + (f" with bound {self.bound}" if self.bound else "") + \
               (f" and lhs {self.lhs}" if self.lhs else "")
        head = {"counterexample": "COUNTEREXAMPLE (certified at high precision)",
                "candidate": "CANDIDATE violation (float64 only; no independent route "
                             "confirmed it)",
                "none": "no counterexample within the budget"}[self.status]
        lines = [f"hunt {what}: {head}",
                 f"  {self.examples} examples in {self.seconds:.1f} s (budget {self.budget:g} s);"
                 f" max ratio lhs/rhs {ratio_text(self.max_ratio)}"]
        ev = self.evidence
        if ev is not None:
            lines.append(f"  worst: lhs = {ev.lhs:.17g}, rhs = {ev.rhs:.17g} "
                         f"(oriented lhs <= rhs)")
            if ev.precise:
                lines.append(f"  at {ev.precise['digits']} digits: lhs = {ev.precise['lhs']}, "
                             f"rhs = {ev.precise['rhs']}")
            if self.family:
                lines.append(f"  family {self.family}: {self.params}")
            lines.append(f"  instance: {_short(ev.instance)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """Jupyter: the verdict, the search spent and the worst instance's evidence (its
        sides to 17 digits, and at high precision when certified)."""
        import html

        rows = [("target", html.escape(self.target + (f"  (bound {self.bound})"
                                                       if self.bound else ""))),
                ("result", html.escape(str(self).splitlines()[0].split(": ", 1)[1])),
                ("search", f"{self.examples} examples in {self.seconds:.1f} s "
                           f"(budget {self.budget:g} s)"),
                ("max ratio lhs/rhs", ratio_text(self.max_ratio))]
        ev = self.evidence
        body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
        return f"<table><tbody>{body}</tbody></table>" + (ev._repr_html_() if ev else "")

    def _repr_latex_(self) -> str | None:
        return self.evidence._repr_latex_() if self.evidence is not None else None


def _short(d, limit: int = 600) -> str:
    import json

    text = json.dumps(d, default=str)
    return text if len(text) <= limit else text[:limit] + " ..."


def as_bound(spec, namespace=None) -> tuple[Callable | None, object]:
    """``(keyword evaluator, SymPy expression or None)`` of a bound given as a string (read
    against ``namespace``, a paper's symbols: ``theory.symbols``; default the paper's), SymPy
    expression or callable (None stays None)."""
    if spec is None:
        return None, None
    if callable(spec) and not hasattr(spec, "free_symbols"):
        return spec, None
    from .properties._theory import _tolerant
    from .theory.core import lambdify_kw
    from .theory.counterexamples import parse

    expr = parse(spec, namespace=namespace)
    return _tolerant(lambdify_kw(expr)), expr


def _resolve(target):
    """``(name, check function, instance type name, strategy)``: ``strategy`` is the
    registered ``"module:function"`` drawing the check's instances (``mfgcheck.registry``),
    None for a function no claim registers."""
    from . import registry

    if callable(target):
        fn, name, strategy = target, getattr(target, "__name__", "check"), None
    else:
        name = str(target)
        try:
            check = registry.claim_of(name).check(name)
        except registry.InvalidInputError as exc:
            raise ValueError(f"target: {name!r}: {exc}") from None
        fn, strategy = check.load(), check.strategy
    type_name = _instance_type(fn)
    if not type_name:
        raise ValueError(f"target {name!r}: its first parameter needs an instance type "
                         f"annotation (properties.instances)")
    if strategy is None:
        # a user's function: the strategy of a registered check taking the same instance type
        strategy = next((c.strategy for s in registry.claims().values() for c in s.checks
                         if _instance_type(c.load()) == type_name), None)
    return name, fn, type_name, strategy


def _namespace(name: str):
    """The symbols a bound for the target reads: those of the paper whose claim it is (the
    paper's own for a user's function or a paper without a namespace of its own)."""
    from . import registry
    from .theory import symbols

    try:
        spec = registry.claim_of(name)
        spec.theory_claim()     # its theory module declares the paper's namespace
        return symbols.namespace(spec.paper)
    except ValueError:          # InvalidInputError included: no registered claim, no space
        return symbols.MAO2022


def _instance_type(fn) -> str:
    """The name of the type annotating ``fn``'s first parameter ("" if none)."""
    params = list(inspect.signature(fn).parameters.values())
    ann = params[0].annotation if params else None
    return ann if isinstance(ann, str) else getattr(ann, "__name__", "")


def _score(ev: Evidence) -> float:
    """What the search maximises: ``log(lhs/rhs)`` when the bound is positive (floors of
    1e-40 compared in log space; a left side of 0, e.g. a floor that underflows, is as far
    from a violation as can be), otherwise ``tightness - 1``. 0 means tight, > 0 violated;
    sides within rounding error (tightness 0) score as far from tight."""
    t = ev.tightness
    if ev.rhs > 0:
        r = ev.log_ratio if (ev.lhs > 0 and t > 0) else -1e6
    else:
        r = t - 1.0 if t == t else -1e6
    if not math.isfinite(r):
        r = 1e6 if r > 0 else -1e6
    return max(-1e6, min(1e6, r))


def hunt(target, *, bound=None, lhs=None, budget: float = 60.0, seed: int = 0,
         families=None) -> HuntResult:
    """Search for a counterexample to ``target`` (module docstring)."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st
    from hypothesis import target as h_target

    from .properties import _theory, confirm
    from .properties import families as fam_mod
    from .registry import load_target

    if not (budget > 0 and math.isfinite(budget)):
        raise ValueError(f"budget: {budget!r}; seconds > 0")
    name, fn, type_name, strategy = _resolve(target)
    space = _namespace(name)
    bound_fn, bound_expr = as_bound(bound, space)
    lhs_fn, lhs_expr = as_bound(lhs, space)
    # explicit families replace the claim's own strategy (a user's family may need instances
    # the strategy does not draw, e.g. mu-independent games)
    factory = load_target(strategy) if families is None and strategy else None
    families = fam_mod.families_for(type_name) if families is None else tuple(families)
    start = time.perf_counter()
    seen: list[tuple[float, Evidence, object, Family | None, dict]] = []  # score, ev, inst,
    #                                                                     family, params
    count = 0
    max_ratio = -math.inf  # over every example (``seen`` keeps only the best scores)

    def run(instance):
        with _theory.override(bound=bound_fn, lhs=lhs_fn):
            kwargs = {"bound": bound_fn} if bound_fn is not None and \
                "bound" in inspect.signature(fn).parameters else {}
            return fn(instance, **kwargs)

    def record(ev, instance, family, params):
        nonlocal count, max_ratio
        count += 1
        if ev.tightness == ev.tightness:
            max_ratio = max(max_ratio, ev.tightness)
        seen.append((_score(ev), ev, instance, family, params))
        seen.sort(key=lambda t: -t[0])
        del seen[20:]

    # -- 1a. the families, parameters drawn from the seed alone ----------------------------
    rng = np.random.default_rng(seed)
    if factory is None and not families:
        raise ValueError(f"target {name!r}: no strategy or family for {type_name}")
    family_end = start + (0.4 if factory is not None else 0.6) * budget
    search_end = start + 0.6 * budget
    found = False
    for family, params in family_draws(families, rng):
        if time.perf_counter() > family_end:
            break
        try:
            instance = family.build(params)
            ev = run(instance)
        except Exception:  # noqa: BLE001 - an invalid instance of the family: skip it
            continue
        record(ev, instance, family, params)
        if not ev.holds:
            found = True
            break

    # -- 1b. Hypothesis over the claim's own strategy, targeting the ratio ------------------
    @settings(max_examples=10**6, database=None, deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.target])
    @given(factory() if factory is not None else st.nothing())
    def search(instance):
        if time.perf_counter() > search_end:
            raise _Stop
        try:
            ev = run(instance)
        except _Stop:
            raise
        except Exception:  # noqa: BLE001 - an instance the check refuses: skip it
            return
        record(ev, instance, None, {})
        h_target(_score(ev), label="score")
        if not ev.holds:
            raise _Stop

    if factory is not None and not found:
        _seeded(search, seed)
        try:
            search()
        except _Stop:
            pass
        except Exception as exc:  # noqa: BLE001 - Hypothesis wraps _Stop in some versions
            if not isinstance(getattr(exc, "__cause__", None), _Stop) and \
                    "_Stop" not in repr(exc):
                raise

    # -- 2. local refinement of the worst family instances --------------------------------
    from scipy.optimize import minimize

    refine_end = start + 0.9 * budget
    starts = [t for t in seen if t[3] is not None and t[3].continuous][:3]
    k = 0
    while starts and time.perf_counter() < refine_end and (not seen or seen[0][1].holds):
        score0, ev0, inst0, family, params = starts[k % len(starts)]
        assert family is not None                 # starts have a family (filtered above)
        u0 = family.to_unit(params)
        if k >= len(starts):  # restarts from a perturbation of a good start
            u0 = np.clip(u0 + rng.normal(0.0, 0.1, size=u0.shape), 0.0, 1.0)
        k += 1

        def neg(u, family=family, params=params):
            if time.perf_counter() > refine_end:
                raise _Stop
            p = family.from_unit(u, params)
            try:
                inst = family.build(p)
                ev = run(inst)
            except _Stop:
                raise
            except Exception:  # noqa: BLE001
                return 1e6
            record(ev, inst, family, p)
            if not ev.holds:
                raise _Stop
            return -_score(ev)

        try:
            minimize(neg, u0, method="Nelder-Mead",
                     options={"maxfev": 400, "xatol": 1e-10, "fatol": 1e-12})
        except _Stop:
            pass

    # -- 3. certification ---------------------------------------------------------------
    status = "none"
    best = seen[0] if seen else None
    ev = best[1] if best else None
    # a side given as a callable has no high-precision form: the violation stays a candidate
    # (re-evaluating theory's side in its place would certify another relation)
    opaque = (bound is not None and bound_expr is None) or (lhs is not None and lhs_expr is None)
    if best is not None and ev is not None and not ev.holds:
        checked = ev if opaque else confirm.confirm(ev, best[2], bound=bound_expr, lhs=lhs_expr)
        if checked.confirmed is None:
            status = "candidate"
        elif checked.confirmed:
            status = "counterexample"
        ev = checked
        if checked.confirmed is False:
            # rounding: drop it and report the best case that holds at float precision
            status = "none"
    if not math.isfinite(max_ratio) and max_ratio < 0:
        max_ratio = math.nan
    return HuntResult(
        target=name, status=status, evidence=ev, max_ratio=float(max_ratio),
        examples=count, seconds=time.perf_counter() - start, budget=budget,
        bound="" if bound is None else str(bound_expr if bound_expr is not None else bound),
        lhs="" if lhs is None else str(lhs_expr if lhs_expr is not None else lhs),
        family=best[3].name if best and best[3] is not None else "",
        params={k: (float(v) if isinstance(v, (float, np.floating)) else v)
                for k, v in (best[4] if best else {}).items()})


def family_draws(families, rng: np.random.Generator):
    """Endless ``(family, params)`` draws from ``rng`` alone: a family uniformly, then its
    parameters (``Family.sample``). The hunter's family search: the same seed gives the same
    draws whatever modules are loaded (Hypothesis would mix the literal constants of loaded
    local modules into them)."""
    families = tuple(families)
    if not families:
        return
    while True:
        family = families[int(rng.integers(len(families)))]
        yield family, family.sample(rng)


def _seeded(test, seed: int) -> None:
    """Make the Hypothesis search reproducible for a seed (``hypothesis.seed``)."""
    from hypothesis import seed as h_seed

    h_seed(seed)(test)
