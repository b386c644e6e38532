"""Run properties/' checks on a budget, outside pytest (``mfgcheck lemmas``, the report).

The checks are the registered ones (``mfgcheck.registry``: each claim's checks, with the
step id each checks and the Hypothesis strategy that draws its instances). Checks of one
claim that share a strategy are run on the same
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

import time
from collections import defaultdict


def _discover(claims=()) -> tuple[dict, dict]:
    """``({(claim, strategy): [(step id, check function), ...]}, {name: reason skipped})``
    for the registered claims (``mfgcheck.registry``; ``claims`` selects some, an unknown id
    is an ``InvalidInputError`` listing the registered ones). A check that cannot be imported
    is skipped with the reason; the checks of a group are in the order of their function
    names (the order the searches have always called them in)."""
    from .. import registry

    specs = [registry.claim(c) for c in claims] if claims else registry.claims().values()
    groups: dict[tuple[str, str], list] = defaultdict(list)
    skipped: dict[str, str] = {}
    for spec in specs:
        for check in sorted(spec.checks, key=lambda c: c.function):
            try:
                fn = check.load()
            except Exception as exc:  # noqa: BLE001 - a broken module is reported, not fatal
                skipped[check.step] = f"import failed: {type(exc).__name__}: {exc}"
                continue
            groups[(spec.id, check.strategy)].append((check.step, fn))
    return dict(groups), skipped


def _expected_checks(groups: dict) -> dict[str, list[str]]:
    """``{claim: [step ids of its checks]}`` of the discovered groups."""
    out: dict[str, list[str]] = defaultdict(list)
    for (claim, _), checks in groups.items():
        out[claim] += [step for step, _ in checks]
    return {k: sorted(v) for k, v in out.items()}


def run_checks(*, examples: int = 25, claims=(), progress: bool = False,
               calls: dict | None = None) -> tuple[dict, dict, dict]:
    """Run every discovered check group on ``examples`` drawn instances.

    Returns ``({step_id: [Evidence.to_dict(), ...]}, {group: reason}, {group: seconds})``;
    the second dict names the groups that could not run (no strategy, an error) and why,
    and ``"<group> errors"`` entries for checks that raised on some examples. ``calls``, if
    given, is filled with ``{step_id: {"examples": n, "raised": k}}`` for every check."""
    from ..progress import progress as progress_bar
    from ..properties.reproducible import load_package_modules
    from ..registry import load_target

    load_package_modules()  # the same draws whatever ran before in this process
    groups, skipped = _discover(claims)
    records: dict[str, list[dict]] = defaultdict(list)
    timings: dict[str, float] = {}
    bar = progress_bar(total=len(groups), desc="lemma checks", enabled=progress)
    for (claim, strategy), checks in sorted(groups.items()):
        label = f"{claim}[{strategy.rpartition(':')[2]}]"
        for step, _ in checks:
            if calls is not None:
                calls.setdefault(step, {"examples": 0, "raised": 0})
        try:
            factory = load_target(strategy)
        except Exception as exc:  # noqa: BLE001 - reported: the group is not run
            skipped[label] = f"strategy {strategy} not loaded: {type(exc).__name__}: {exc}"
            bar.update()
            continue
        errors: list[str] = []
        search = _search(factory(), checks, records, errors, examples,
                         {step: (calls or {}).get(step) for step, _ in checks})
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
