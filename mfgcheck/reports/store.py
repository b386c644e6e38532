"""Resumable sweeps: every finished run is on disk before the next one starts.

A run is identified by its *settings* (a JSON-serialisable dict: game, oracle, T, seed, step
sizes, ...). ``run_key(settings)`` hashes their canonical JSON (sorted keys, floats as
``repr``) together with ``SCHEMA``; the result is written to ``<root>/runs/<key>.json``
atomically (a temporary file in the same directory, then ``os.replace``), so a file that
exists is complete. A sweep that is interrupted (Ctrl-C, a crash, a killed machine) and
started again loads the finished runs and computes only the missing ones: nothing finished
is lost and nothing is computed twice.

Changing any setting (or ``SCHEMA``, when the meaning of a stored result changes) changes
the key, so a stale result is never reused for different settings.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

SCHEMA = "mfgcheck-run-v1"


def to_jsonable(x: Any) -> Any:
    """Plain JSON data from numpy scalars/arrays, tuples, dataclass-free dicts.

    Non-finite floats become the strings ``"nan"``, ``"inf"``, ``"-inf"`` so that the files
    are strict JSON (``json.loads`` of any other tool reads them)."""
    if isinstance(x, dict):
        return {str(k): to_jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [to_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return to_jsonable(x.tolist())
    if isinstance(x, np.generic):
        return to_jsonable(x.item())
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(x, Path):
        return str(x)
    return x


def canonical_json(x: Any) -> str:
    """Deterministic JSON text: sorted keys, no whitespace variation."""
    return json.dumps(to_jsonable(x), sort_keys=True, separators=(",", ":"), allow_nan=False)


def run_key(settings: dict) -> str:
    """A 20-hex-digit hash of the settings (and ``SCHEMA``): the run's file name."""
    text = SCHEMA + "\n" + canonical_json(settings)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the whole new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class RunStore:
    """Finished runs under ``<root>/runs/``, keyed by ``run_key(settings)``.

    ``store.run(settings, fn)`` returns the stored result if there is one, else calls
    ``fn(settings)``, writes its result, and returns it. ``calls`` counts the calls of ``fn``
    made through this store (tests use it to prove that a resumed sweep recomputes nothing).
    """

    def __init__(self, root):
        self.root = Path(root)
        self.runs = self.root / "runs"
        self.calls = 0
        self.hits = 0

    def path(self, settings: dict) -> Path:
        return self.runs / f"{run_key(settings)}.json"

    def load(self, settings: dict) -> dict | None:
        """The stored record ``{"key", "settings", "result", "wall_time"}`` or None."""
        p = self.path(settings)
        if not p.exists():
            return None
        record = json.loads(p.read_text(encoding="utf-8"))
        # A hash collision or a hand-edited file must not pass for this run.
        if canonical_json(record.get("settings")) != canonical_json(settings):
            return None
        return record

    def save(self, settings: dict, result: dict, wall_time: float) -> dict:
        record = {"key": run_key(settings), "schema": SCHEMA, "settings": to_jsonable(settings),
                  "result": to_jsonable(result), "wall_time": float(wall_time)}
        atomic_write_text(self.path(settings), json.dumps(record, sort_keys=True, indent=1))
        return record

    def run(self, settings: dict, fn: Callable[[dict], dict]) -> dict:
        """The record of ``settings``: loaded if finished before, else computed and saved."""
        record = self.load(settings)
        if record is not None:
            self.hits += 1
            return record
        start = time.perf_counter()
        self.calls += 1
        result = fn(settings)
        return self.save(settings, result, time.perf_counter() - start)

    def sweep(self, settings_list: Iterable[dict], fn: Callable[[dict], dict], *,
              progress: bool = False, desc: str = "runs") -> list[dict]:
        """``run`` over a list, in order, with a progress bar (stderr) if ``progress``."""
        items = list(settings_list)
        bar = _bar(len(items), desc, progress)
        records = []
        try:
            for s in items:
                records.append(self.run(s, fn))
                bar.update(1)
        finally:
            bar.close()
        return records

    def sweep_batched(self, settings_list: Iterable[dict],
                      batch_fn: Callable[[list[dict]], list[dict]], *, batch_size: int = 16,
                      progress: bool = False, desc: str = "runs") -> list[dict]:
        """Like ``sweep`` but computes the missing runs ``batch_size`` at a time with
        ``batch_fn(list of settings) -> list of results`` (vectorised runs). Every result of
        a batch is saved as soon as the batch returns; an interruption loses at most the batch
        in progress. The wall time recorded for each run is its share of the batch's."""
        items = list(settings_list)
        records: list[dict | None] = [self.load(s) for s in items]
        self.hits += sum(r is not None for r in records)
        todo = [i for i, r in enumerate(records) if r is None]
        bar = _bar(len(items), desc, progress)
        bar.update(len(items) - len(todo))
        try:
            for j in range(0, len(todo), batch_size):
                chunk = todo[j:j + batch_size]
                start = time.perf_counter()
                self.calls += len(chunk)
                results = batch_fn([items[i] for i in chunk])
                if len(results) != len(chunk):
                    raise RuntimeError(f"batch_fn returned {len(results)} results "
                                       f"for {len(chunk)} settings")
                share = (time.perf_counter() - start) / len(chunk)
                for i, res in zip(chunk, results):
                    records[i] = self.save(items[i], res, share)
                bar.update(len(chunk))
        finally:
            bar.close()
        return records  # type: ignore[return-value]


def _bar(total: int, desc: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, disable=not enabled, leave=False, dynamic_ncols=True)
