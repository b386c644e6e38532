"""The tightness record: per claim or proof step, the highest ratio lhs/rhs ever observed.

Every property test passes its evidence to :func:`observe`, which (inside a Hypothesis test)
``note()``s lhs, rhs and slack, ``target()``s the ratio so that Hypothesis hunts for tight
or violating cases, and calls :func:`record`. :func:`record` keeps one JSON file per step id
in the directory given by the environment variable ``MFGCHECK_TIGHTEST_DIR``, by default the
user cache directory ``$XDG_CACHE_HOME/mfgcheck/tightest`` (``~/.cache/mfgcheck/tightest``):
never under the working directory, and the report does not read it (a report never
depends on which tests ran before it)::

    {
      "format": 1,
      "claim": "lemma4", "step": "lemma4.lipschitz",
      "examples": 312,          # evidence recorded since the file was created
      "violations": 0,          # how many of them violated the relation
      "min_slack": 1.2e-09,     # smallest rhs - lhs seen
      "max_ratio": 0.9908,      # highest tightness seen (the ratio lhs/rhs, 0 for cases
                                # below numerical resolution; see evidence.py)
      "tightest": {...},        # Evidence.to_dict() of the case with the highest tightness
                                # (a violation always beats a case that holds)
      "updated": "2025-01-01T12:00:00+00:00"
    }

``Evidence.to_dict()`` holds ``claim, step, relation, lhs, rhs, slack, ratio, holds,
instance, measurements, note``; non-finite numbers are written as the strings ``"inf"``,
``"-inf"``, ``"nan"``. The ``instance`` rebuilds the case (``instances.rebuild_game`` for
its game). Counts accumulate across runs; :func:`reset` (or deleting the directory) starts
afresh. :func:`load_all` returns ``{step_id: record}``.
"""

from __future__ import annotations

import json
import math
import os
from datetime import UTC, datetime
from pathlib import Path

from .._cache import cache_root
from .._json import to_jsonable
from .evidence import Evidence

ENV_VAR = "MFGCHECK_TIGHTEST_DIR"
FORMAT = 1
TARGET_CLIP = 1e6  # target() needs a finite score


def directory() -> Path:
    """Where the records live: ``$MFGCHECK_TIGHTEST_DIR`` or ``cache_root()/tightest``."""
    return Path(os.environ.get(ENV_VAR) or cache_root() / "tightest")


def _path(step: str, where: Path | None) -> Path:
    return (where or directory()) / f"{step}.json"


def _num(x) -> float:
    return float(x)  # also parses the strings "inf", "-inf", "nan" written for non-finite


def record(evidence: Evidence, *, where: Path | None = None) -> dict:
    """Fold ``evidence`` into the record of its step and write it; returns the record."""
    path = _path(evidence.step, where)
    path.parent.mkdir(parents=True, exist_ok=True)
    rec = load(evidence.step, where=where)
    new = evidence.to_dict()
    if rec is None:
        rec = {"format": FORMAT, "claim": evidence.claim, "step": evidence.step,
               "examples": 0, "violations": 0, "min_slack": math.inf, "max_ratio": -math.inf,
               "tightest": None}
    rec["examples"] += 1
    rec["violations"] += int(not evidence.holds)
    rec["min_slack"] = min(_num(rec["min_slack"]), evidence.slack)
    rec["max_ratio"] = max(_num(rec["max_ratio"]), evidence.tightness)
    old = rec["tightest"]
    if old is None or (not evidence.holds, evidence.tightness) > (not old["holds"],
                                                                  _num(old["tightness"])):
        rec["tightest"] = new
    rec["updated"] = datetime.now(UTC).isoformat(timespec="seconds")
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(to_jsonable(rec), indent=1, sort_keys=True))
    tmp.replace(path)
    return rec


def load(step: str, *, where: Path | None = None) -> dict | None:
    """The record of one step (``None`` if there is none yet)."""
    path = _path(step, where)
    if not path.exists():
        return None
    return json.loads(path.read_text())


def load_all(*, where: Path | None = None) -> dict[str, dict]:
    """Every record in the directory, keyed by step id."""
    root = where or directory()
    if not root.exists():
        return {}
    return {p.name[:-len(".json")]: json.loads(p.read_text())
            for p in sorted(root.glob("*.json"))}


def reset(*, where: Path | None = None) -> None:
    """Delete every record (start a fresh campaign)."""
    root = where or directory()
    for p in root.glob("*.json"):
        p.unlink()


def observe(evidence: Evidence, *, save: bool = True) -> Evidence:
    """Inside a Hypothesis test: ``note()`` the evidence, ``target()`` its tightness (the
    ratio; label: the step id; clipped to +-1e6); anywhere, with ``save``, :func:`record`
    it. Returns the evidence."""
    from hypothesis import note, target
    from hypothesis.control import currently_in_test_context
    if not currently_in_test_context():
        if save:
            record(evidence)
        return evidence
    note(f"{evidence}\n  instance: {json.dumps(evidence.instance)[:4000]}\n"
         f"  measurements: {json.dumps(to_jsonable(evidence.measurements))[:4000]}")
    score = evidence.tightness
    score = 0.0 if math.isnan(score) else max(-TARGET_CLIP, min(TARGET_CLIP, score))
    target(score, label=evidence.step)
    if save:
        record(evidence)
    return evidence
