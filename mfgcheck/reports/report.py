"""``mfgcheck report``: run every part of a profile, write results.json, render the pages.

The registry ``PARTS`` lists the parts (bsuite style: each is settings + analysis + plots; the
summary reads them): ``theory`` (verdict table), ``lemmas`` (property checks), ``assumptions``
(constants per game), ``rate`` (Theorem 1's rate), ``experiments`` (appendix D's figures),
``serverless`` (appendix E's application, simulated: ``reports/serverless.py``),
``ablation`` (the sampled-oracle ablation, ``algorithms.ablation``).
Each part's result is plain data; a part that raises is recorded as ``{"status": "error"}``
with the error, and the report is still written (exit status 3).

Every part is a job of tasks (``jobs``) run on one executor (``mfgcheck.executor``: local
processes by default, a Dask cluster when a scheduler is named): the parts run side by side,
the rate settings and paper panels in chunks of runs, longest first. Runs of the rate and
paper experiments go through ``store.RunStore`` under ``<out>/runs``, written by this process
alone as results come back: an interrupted report resumes where it stopped.
``results.json`` holds every number the pages show, plus versions, seeds, parameters and
wall times; the pages and figures are rendered from it alone (``writer``), so
``mfgcheck report --from results.json`` gives the same pages.
"""

from __future__ import annotations

import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata

from ..executor import make_executor
from . import settings as settings_mod
from . import summary as summary_mod
from .figures import EarlyFigures
from .jobs import ManyTasks, OneTask, SweepJob, run_jobs
from .results import RESULTS, SCHEMA, load_results, write_results  # noqa: F401 - re-exported
from .store import RunStore, check_writable, to_jsonable
from .writer import write_pages


@dataclass(frozen=True)
class Part:
    """A part of the report: ``job(profile, store, finished, selected)`` returns its
    ``jobs.Job`` once the parts named in ``needs`` are in ``finished`` (name -> result);
    ``selected`` names the parts this report runs."""

    name: str
    title: str
    job: Callable
    needs: tuple[str, ...] = ()


def theory_task(_) -> dict:
    """The theory part, and Theorem 1's exponents for the rate part: the same SymPy
    problems, solved once in one process (``functools.cache``)."""
    from .rate import theory_rates
    from .tables import theory_part

    return {**theory_part(), "rates": theory_rates()}


def lemmas_task(arg) -> dict:
    """Task: the property checks of some claims (``tables.lemma_checks``) from ``(setting,
    claims)``; summarised with the theory's verdicts by ``_lemmas_summary`` once every share
    and the theory part are done (the checks do not wait for it)."""
    from .tables import lemma_checks

    setting, only = arg
    return lemma_checks(setting, only=only)


def _lemmas_summary(raw: dict, theory: dict | None) -> dict:
    from .tables import lemma_summary

    return lemma_summary(raw, (theory or {}).get("steps"))


def assumptions_task(setting) -> dict:
    from .tables import assumption_part

    return assumption_part(setting)


def _theory(profile, store, finished, selected):
    return OneTask(theory_task, None, label="SymPy proof steps", local=True)


# Examples per group from which the lemma checks run as one task per claim. A share costs
# its worker the checks' warm-up (imports, theory's SymPy statements: 2-5 s of CPU per
# worker): measured side by side, the quick profile's 40 examples took 15.2 s of CPU as one
# task and 20.7 s as one task per claim, and one task is not its longest; the full profile's
# 200 took 88.5 s as one task, its longest.
LEMMA_SPLIT_EXAMPLES = 100


def lemma_shares(setting) -> list[tuple[str, ...]]:
    """The claims of ``setting`` (all registered ones when it names none) in the order
    ``lemmas.run_checks`` runs them (sorted): one task each when the profile draws at least
    ``LEMMA_SPLIT_EXAMPLES`` examples per group (each claim's groups are searches of their
    own, so the shares run side by side on the workers), else all in one task."""
    from ..registry import claims

    names = sorted(setting.claims or claims())
    if setting.examples < LEMMA_SPLIT_EXAMPLES:
        return [tuple(names)]
    return [(c,) for c in names]


def _lemmas_merge(shares: list[dict], theory: dict | None) -> dict:
    from .tables import merge_lemma_checks

    return _lemmas_summary(merge_lemma_checks(shares), theory)


def _lemmas(profile, store, finished, selected):
    shares = lemma_shares(profile.lemmas)
    return ManyTasks(lemmas_task, [(profile.lemmas, only) for only in shares],
                     labels=[f"property checks {only[0]}" if len(only) == 1 else
                             "property checks" for only in shares],
                     after=("theory" if "theory" in selected else None, _lemmas_merge))


def assumptions_merge(shares: list[dict], _=None) -> dict:
    """``tables.assumption_part`` of every game from its one-game shares (in the games'
    order): each game's search has its own seed, whatever ran before it."""
    return {**shares[0], "rows": [r for sh in shares for r in sh["rows"]],
            "wall_time": sum(sh["wall_time"] for sh in shares)}


def _assumptions(profile, store, finished, selected):
    from dataclasses import replace

    one = [replace(profile.assumptions, games=(g,)) for g in profile.assumptions.games]
    if not one:
        return OneTask(assumptions_task, profile.assumptions, cost=1e11,
                       label="assumption constants")
    return ManyTasks(assumptions_task, one, cost=1e11,
                     labels=[f"assumption constants {g.title}" for g in
                             profile.assumptions.games], after=(None, assumptions_merge))


def _rate(profile, store, finished, selected):
    from . import rate

    return SweepJob(store, [rate.group(rs, bootstrap_seed=profile.bootstrap_seed)
                            for rs in profile.rate],
                    entries="settings", prelude=("theory", rate.theory_task),
                    prelude_from=(("theory", lambda res: res.get("rates"))
                                  if "theory" in selected else None))


def _experiments(profile, store, finished, selected):
    from . import experiments

    return SweepJob(store, [experiments.group(ps) for ps in profile.paper], entries="panels")


def _serverless(profile, store, finished, selected):
    from .serverless import ServerlessJob

    # its calibration, game, training and simulated runs as tasks on the workers
    return ServerlessJob(profile.name)


def _ablation_task(setting) -> dict | None:
    from .experiments import run_ablation

    return run_ablation(setting)


def _ablation(profile, store, finished, selected):
    return OneTask(_ablation_task, profile.ablation, label="sampled-oracle ablation")


PARTS = (
    Part("theory", "Proof steps (theory/)", _theory),
    Part("lemmas", "Lemma checks (properties/)", _lemmas),
    Part("assumptions", "Assumptions 1-3", _assumptions),
    Part("rate", "Theorem 1 rate", _rate),
    Part("experiments", "Appendix D figures", _experiments),
    Part("serverless", "Appendix E application (simulated)", _serverless),
    Part("ablation", "Sampled-oracle ablation", _ablation),
)


def environment() -> dict:
    """Versions of Python, the numerical stack and mfgcheck, and the platform."""
    out: dict[str, str | None] = {"python": platform.python_version(),
                                  "implementation": sys.implementation.name,
           "platform": platform.platform(), "machine": platform.machine()}
    for pkg in ("mfgcheck", "numpy", "scipy", "sympy", "cvxpy", "clarabel", "matplotlib",
                "hypothesis", "tqdm"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def run_report(profile_name: str = "quick", out="report", *, progress: bool = False,
               parts=None, command: str = "", executor=None, scheduler: str | None = None,
               workers: int | None = None, merge=()) -> dict:
    """Run (or resume) every part of the profile, write ``<out>/results.json`` and the pages;
    return the results dict. ``parts`` restricts to some part names. The work runs on
    ``executor``, or on the one ``executor.make_executor(scheduler, workers)`` picks (Dask
    when a scheduler is named, else local processes); the results do not depend on it.
    ``merge``: run stores computed elsewhere (other ``--out`` directories), copied into this
    one first (``RunStore.merge``): their runs are reused, not computed again."""
    profile = settings_mod.profile(profile_name)
    if parts is not None:
        unknown = sorted(set(parts) - {p.name for p in PARTS})
        if unknown:
            from .._validate import InvalidInputError

            raise InvalidInputError(f"parts: unknown {', '.join(unknown)}; choose from "
                                    f"{', '.join(p.name for p in PARTS)}")
    out = check_writable(out)           # before any work: a read-only --out fails at once
    store = RunStore(out)
    merged = {str(d): store.merge(d) for d in merge}
    if progress:
        for d, c in merged.items():
            print(f"mfgcheck report: merged {d}: {c['added']} runs added, {c['present']} "
                  f"already here ({c['differing']} differing), {c['damaged']} damaged",
                  file=sys.stderr, flush=True)
    started = time.perf_counter()
    selected = [p for p in PARTS if parts is None or p.name in parts]
    names = {p.name for p in selected}
    ex = executor if executor is not None else make_executor(scheduler, workers)
    # each part's figures drawn on the workers as its data comes in, not all at the end
    early = EarlyFigures()
    try:
        if progress:
            print(f"mfgcheck report: {profile.name} profile on {ex.describe()}",
                  file=sys.stderr, flush=True)
        cpu: dict[str, float] = {}
        done, seconds = run_jobs(selected, lambda p, fin: early.wrap(
            p.name, p.job(profile, store, fin, names)), ex, progress=progress, cpu=cpu)
        executor_desc = ex.describe()
    except BaseException:
        if executor is None:
            ex.close()
        raise
    results_parts: dict[str, dict] = {}
    wall: dict[str, float] = {}
    for part in selected:           # the registry's order, whatever order they finished in
        res = done[part.name]
        wall[part.name] = seconds[part.name]
        res["wall_time"] = wall[part.name]
        results_parts[part.name] = to_jsonable(res)
    wall["total"] = time.perf_counter() - started
    results = {
        "schema": SCHEMA,
        "title": f"mfgcheck report ({profile.name} profile)",
        "generated_utc": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "command": command or f"mfgcheck report --profile {profile.name} --out {out}",
        "profile": profile.to_dict(),
        "environment": environment(),
        "paper": "Mao, Qiu, Wang, Franke, Kalbarczyk, Iyer, Basar: A Mean-Field Game Approach "
                 "to Cloud Resource Management with Function Approximation (NeurIPS 2022), "
                 "appendix",
        "parts": results_parts,
        "wall_time": wall,
        # CPU seconds of each part's tasks (provenance like the wall times, not a result)
        "cpu_time": {k: cpu.get(k, 0.0) for k in wall if k != "total"},
        "runs": {"directory": "runs", "computed": store.calls, "reused": store.hits,
                 "quarantined": [str(p.relative_to(out)) for p in store.quarantined],
                 "executor": executor_desc, "merged": merged},
    }
    results["summary"] = summary_mod.build(results_parts)
    path = write_results(to_jsonable(results), out)
    # The pages are rendered from the file just written, never from in-memory objects: what
    # `--from results.json` renders is byte for byte what this run renders.
    results = load_results(path)
    try:
        write_pages(results, out, executor=ex, drawn=early.drawn)   # the rest on the workers
    finally:
        if executor is None:
            ex.close()
    return results
