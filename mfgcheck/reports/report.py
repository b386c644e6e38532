"""``mfgcheck report``: run every part of a profile, write results.json, render the pages.

The registry ``PARTS`` lists the parts (bsuite style: each is settings + analysis + plots; the
summary reads them): ``theory`` (verdict table), ``lemmas`` (property checks), ``assumptions``
(constants per game), ``rate`` (Theorem 1's rate), ``experiments`` (appendix D's figures).
Each part's result is plain data; a part that raises is recorded as ``{"status": "error"}``
with the error, and the report is still written (exit status 3).

Runs of the rate and paper experiments go through ``store.RunStore`` under ``<out>/runs``:
an interrupted report resumes where it stopped. ``results.json`` holds every number the pages
show, plus versions, seeds, parameters and wall times; the pages and figures are rendered
from it alone (``writer``), so ``mfgcheck report --from results.json`` gives the same pages.
"""

from __future__ import annotations

import json
import platform
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from . import settings as settings_mod
from . import summary as summary_mod
from .store import RunStore, atomic_write_text, check_writable, to_jsonable

SCHEMA = "mfgcheck-report-v1"
RESULTS = "results.json"


@dataclass(frozen=True)
class Part:
    name: str
    title: str
    run: Callable  # (profile, store, context, progress) -> dict


def _theory(profile, store, ctx, progress):
    from .tables import theory_part

    return theory_part()


def _lemmas(profile, store, ctx, progress):
    from .tables import lemma_part

    steps = ctx.get("theory", {}).get("steps")
    return lemma_part(profile.lemmas, progress=progress, theory_steps=steps)


def _assumptions(profile, store, ctx, progress):
    from .tables import assumption_part

    return assumption_part(profile.assumptions, progress=progress)


def _each(items, fn):
    """``fn`` over ``items``; one that raises is recorded (``errors``) and the others kept, so
    one failing setting does not take the whole part with it (exit status 3)."""
    done, errors = [], []
    for item in items:
        try:
            done.append(fn(item))
        except Exception as exc:  # noqa: BLE001 - recorded in the report
            errors.append({"id": item.id, "error": f"{type(exc).__name__}: {exc}",
                           "traceback": traceback.format_exc(limit=8)})
    return done, errors


def _rate(profile, store, ctx, progress):
    from . import rate

    entries, errors = _each(profile.rate, lambda rs: rate.run(
        rs, store, progress=progress, bootstrap_seed=profile.bootstrap_seed))
    return {"theory": rate.theory_rates(), "settings": entries, "errors": errors}


def _experiments(profile, store, ctx, progress):
    from . import experiments

    panels, errors = _each(profile.paper, lambda ps: experiments.run(ps, store,
                                                                     progress=progress))
    return {"panels": panels, "errors": errors}


PARTS = (
    Part("theory", "Proof steps (theory/)", _theory),
    Part("lemmas", "Lemma checks (properties/)", _lemmas),
    Part("assumptions", "Assumptions 1-3", _assumptions),
    Part("rate", "Theorem 1 rate", _rate),
    Part("experiments", "Appendix D figures", _experiments),
)


def environment() -> dict:
    """Versions of Python, the numerical stack and mfgcheck, and the platform."""
    out = {"python": platform.python_version(), "implementation": sys.implementation.name,
           "platform": platform.platform(), "machine": platform.machine()}
    for pkg in ("mfgcheck", "numpy", "scipy", "sympy", "cvxpy", "clarabel", "matplotlib",
                "hypothesis", "tqdm"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def run_report(profile_name: str = "quick", out="report", *, progress: bool = False,
               parts=None, command: str = "") -> dict:
    """Run (or resume) every part of the profile, write ``<out>/results.json`` and the pages;
    return the results dict. ``parts`` restricts to some part names (for tests)."""
    profile = settings_mod.profile(profile_name)
    if parts is not None:
        unknown = sorted(set(parts) - {p.name for p in PARTS})
        if unknown:
            from .._validate import InvalidInputError

            raise InvalidInputError(f"parts: unknown {', '.join(unknown)}; choose from "
                                    f"{', '.join(p.name for p in PARTS)}")
    out = check_writable(out)           # before any work: a read-only --out fails at once
    store = RunStore(out)
    started = time.perf_counter()
    results_parts: dict[str, dict] = {}
    wall: dict[str, float] = {}
    for part in PARTS:
        if parts is not None and part.name not in parts:
            continue
        t0 = time.perf_counter()
        if progress:
            print(f"mfgcheck report: {part.title} ...", file=sys.stderr, flush=True)
        try:
            res = part.run(profile, store, results_parts, progress)
            res = {"status": "ok", **res}
        except Exception as exc:  # noqa: BLE001 - recorded in the report, exit status 3
            res = {"status": "error", "error": f"{type(exc).__name__}: {exc}",
                   "traceback": traceback.format_exc(limit=8)}
        wall[part.name] = time.perf_counter() - t0
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
        "runs": {"directory": "runs", "computed": store.calls, "reused": store.hits},
    }
    results["summary"] = summary_mod.build(results_parts)
    path = write_results(to_jsonable(results), out)
    # The pages are rendered from the file just written, never from in-memory objects: what
    # `--from results.json` renders is byte for byte what this run renders.
    results = load_results(path)
    from .writer import write_pages

    write_pages(results, out)
    return results


def write_results(results: dict, out) -> Path:
    path = Path(out) / RESULTS
    atomic_write_text(path, json.dumps(results, indent=1, sort_keys=True, allow_nan=False)
                      + "\n")
    return path


def load_results(path) -> dict:
    """A report's results.json; ``InvalidInputError`` if ``path`` is not one."""
    from .._validate import InvalidInputError

    path = Path(path)
    if not path.is_file():
        what = "is a directory" if path.is_dir() else "does not exist"
        raise InvalidInputError(f"{path}: {what}; expected a report's results.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"{path}: not JSON ({exc})") from None
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema != SCHEMA:
        raise InvalidInputError(f"{path}: not an mfgcheck report (schema {schema!r}, expected "
                                f"{SCHEMA!r})")
    return data
