"""Run properties/' checks on a budget, outside pytest (``mfgcheck lemmas``, the report).

A check is a function ``check_<name>(instance) -> Evidence`` in a claim module of
``mfgcheck.properties`` (``lemma1`` ... ``theorem1``); the type of its first argument
(``NACRun``, ``KLTriple``, ...) names the Hypothesis strategy that draws its instances
(``strategies.nac_runs``, ``strategies.kl_triples``, ...: the CamelCase type in snake case,
plural). Checks of one claim module that take the same instance type are run on the same
drawn instances (their exact terms are cached per instance). Each group runs as one
Hypothesis search: ``examples`` examples, derandomised (the same table every time), no
example database, ``target()`` on every check's ratio lhs/rhs so the search hunts for tight
or violating cases. A float64 violation is re-evaluated at high precision where the check has
an independent route (``properties.confirm``): confirmed, it is ``violated``; overturned, it
``holds``; otherwise it stays a ``candidate``. Every example's evidence is kept; nothing is
asserted here: the report counts the violations.

``run_checks`` also returns, per check, how many examples ran and how many calls raised
(``expected``): a check that raised, is missing or ran on 0 examples is *not checked*, never a
pass (``reports.summary``).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import time
from collections import defaultdict

CLAIM_MODULE = re.compile(r"^(lemma\d+|proposition\d+|theorem\d+)$")


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def strategy_name(type_name: str) -> str:
    """``NACRun`` -> ``nac_runs``, ``KLTriple`` -> ``kl_triples``."""
    return _snake(type_name) + "s"


def discover(claims=()) -> tuple[dict, dict]:
    """``({(claim, type_name): [(check_name, fn), ...]}, {name: reason skipped})``."""
    from .. import properties

    groups: dict[tuple[str, str], list] = defaultdict(list)
    skipped: dict[str, str] = {}
    for info in pkgutil.iter_modules(properties.__path__):
        if not CLAIM_MODULE.match(info.name) or (claims and info.name not in claims):
            continue
        try:
            mod = importlib.import_module(f"{properties.__name__}.{info.name}")
        except Exception as exc:  # noqa: BLE001 - a broken module is reported, not fatal
            skipped[info.name] = f"import failed: {type(exc).__name__}: {exc}"
            continue
        for name, fn in inspect.getmembers(mod, inspect.isfunction):
            if not name.startswith("check_") or fn.__module__ != mod.__name__:
                continue
            params = list(inspect.signature(fn).parameters.values())
            if not params:
                continue
            ann = params[0].annotation
            type_name = ann if isinstance(ann, str) else getattr(ann, "__name__", "")
            groups[(info.name, type_name)].append((name, fn))
    return dict(groups), skipped


def expected_checks(groups: dict) -> dict[str, list[str]]:
    """``{claim: [step ids of its checks]}`` of the discovered groups."""
    from ..properties import step_id

    out: dict[str, list[str]] = defaultdict(list)
    for (claim, _), checks in groups.items():
        out[claim] += [step_id(name, claim) for name, _ in checks]
    return {k: sorted(v) for k, v in out.items()}


def run_checks(*, examples: int = 25, claims=(), progress: bool = False,
               calls: dict | None = None) -> tuple[dict, dict, dict]:
    """Run every discovered check group on ``examples`` drawn instances.

    Returns ``({step_id: [Evidence.to_dict(), ...]}, {group: reason}, {group: seconds})``;
    the second dict names the groups that could not run (no strategy, an error) and why,
    and ``"<group> errors"`` entries for checks that raised on some examples. ``calls``, if
    given, is filled with ``{step_id: {"examples": n, "raised": k}}`` for every check."""
    from ..progress import progress as progress_bar
    from ..properties import step_id, strategies
    from ..properties.reproducible import load_package_modules

    load_package_modules()  # the same draws whatever ran before in this process
    groups, skipped = discover(claims)
    records: dict[str, list[dict]] = defaultdict(list)
    timings: dict[str, float] = {}
    bar = progress_bar(total=len(groups), desc="lemma checks", enabled=progress)
    for (claim, type_name), checks in sorted(groups.items()):
        label = f"{claim}[{type_name}]"
        for name, _ in checks:
            if calls is not None:
                calls.setdefault(step_id(name, claim), {"examples": 0, "raised": 0})
        factory = getattr(strategies, strategy_name(type_name), None)
        if factory is None:
            skipped[label] = f"no strategy {strategy_name(type_name)}() for {type_name}"
            bar.update()
            continue
        errors: list[str] = []
        search = _search(factory(), checks, records, errors, examples,
                         {name: (calls or {}).get(step_id(name, claim)) for name, _ in checks})
        start = time.perf_counter()
        try:
            search()
        except Exception as exc:  # noqa: BLE001 - e.g. a strategy that filters everything
            skipped[label] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        if errors:
            skipped[f"{label} errors"] = f"{len(errors)} failed calls, first: {errors[0][:200]}"
        timings[label] = time.perf_counter() - start
        bar.update()
    bar.close()
    return dict(records), skipped, timings


def _search(strategy, checks, records, errors, examples, counters):
    """One Hypothesis search running ``checks`` on each drawn instance (module docstring)."""
    from hypothesis import HealthCheck, Phase, given, settings, target

    from ..properties import confirm

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.target])
    @given(strategy)
    def search(instance):
        for name, fn in checks:
            try:
                ev = fn(instance)
                if not ev.holds:
                    ev = confirm.confirm(ev, instance)
            except Exception as exc:  # noqa: BLE001 - counted, reported, not fatal
                errors.append(f"{name}: {type(exc).__name__}: {exc}")
                if counters.get(name) is not None:
                    counters[name]["raised"] += 1
                continue
            if counters.get(name) is not None:
                counters[name]["examples"] += 1
            d = ev.to_dict()
            records[d["step"]].append(d)
            r = ev.ratio
            if r == r:  # not NaN
                target(max(-1e6, min(1e6, r)), label=d["step"])

    return search
