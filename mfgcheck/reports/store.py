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

The store heals: a run file that cannot be read, is empty or truncated, is not JSON, or does
not have the record's schema (``check_record``: schema tag, key = hash of its settings,
settings equal to the ones asked for, a result dict, a wall time) is moved into
``<root>/quarantine/`` with a ``StoreWarning`` naming it, and the run is computed again. A
damaged file costs one run, never the report.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .._json import to_jsonable  # the one conversion (report.py imports it from here)

SCHEMA = "mfgcheck-run-v1"
RECORD_FIELDS = ("key", "schema", "settings", "result", "wall_time")


class StoreWarning(UserWarning):
    """A run file was damaged and has been quarantined (its run is recomputed)."""


class InvalidRecordError(ValueError):
    """A run file's content is not a record of the run it is stored for."""


def canonical_json(x: Any) -> str:
    """Deterministic JSON text: sorted keys, no whitespace variation."""
    return json.dumps(to_jsonable(x), sort_keys=True, separators=(",", ":"), allow_nan=False)


def run_key(settings: dict) -> str:
    """A 20-hex-digit hash of the settings (and ``SCHEMA``): the run's file name."""
    text = SCHEMA + "\n" + canonical_json(settings)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _umask() -> int:
    """The process's umask (read by setting it and restoring it at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the whole new one.
    The file gets the mode an ordinary ``open(path, "w")`` would give (0644 under the usual
    umask 022), not mkstemp's private 0600: reports are read by others."""
    _atomic_write(path, text, "w")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """``atomic_write_text`` for bytes (figures drawn on a worker)."""
    _atomic_write(path, data, "wb")


def _atomic_write(path, data, mode: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with (os.fdopen(fd, mode) if "b" in mode
              else os.fdopen(fd, mode, encoding="utf-8")) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_record(record: Any, settings: dict | None = None) -> dict:
    """``record`` if it is a complete run record (of ``settings``, if given), else raise
    ``InvalidRecordError`` naming the field and the problem."""
    if not isinstance(record, dict):
        raise InvalidRecordError(f"not a JSON object but {type(record).__name__}")
    missing = [k for k in RECORD_FIELDS if k not in record]
    if missing:
        raise InvalidRecordError(f"missing field(s) {', '.join(missing)}")
    if record["schema"] != SCHEMA:
        raise InvalidRecordError(f"schema {record['schema']!r}, expected {SCHEMA!r}")
    if not isinstance(record["settings"], dict):
        raise InvalidRecordError("settings: not a JSON object")
    if record["key"] != run_key(record["settings"]):
        raise InvalidRecordError(f"key {record['key']!r} is not the hash of its settings "
                                 f"({run_key(record['settings'])})")
    if settings is not None and canonical_json(record["settings"]) != canonical_json(settings):
        raise InvalidRecordError("settings differ from the run asked for (edited file or hash "
                                 "collision)")
    if not isinstance(record["result"], dict):
        raise InvalidRecordError("result: not a JSON object")
    w = record["wall_time"]
    if isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w) or w < 0:
        raise InvalidRecordError(f"wall_time: {w!r} is not a finite number >= 0")
    return record


def read_record(path: Path, settings: dict | None = None) -> dict:
    """The validated record in ``path``; ``InvalidRecordError`` if unreadable or invalid
    (``FileNotFoundError`` passes through)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidRecordError(f"unreadable ({type(exc).__name__}: {exc})") from None
    if not text.strip():
        raise InvalidRecordError("empty file")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidRecordError(f"not JSON (truncated?): {exc}") from None
    return check_record(record, settings)


def check_writable(directory) -> Path:
    """Create ``directory`` (and ``runs/`` in it) if needed and prove that files can be
    written there, before any work: ``InvalidInputError`` naming the directory and the
    reason otherwise (a read-only or full file system, a path through a regular file, no
    permission)."""
    from .._validate import InvalidInputError

    directory = Path(directory)
    try:
        for d in (directory, directory / "runs"):
            d.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".mfgcheck-write-probe.", dir=d)
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        raise InvalidInputError(
            f"output directory {directory}: not writable ({exc.strerror or exc}); choose "
            "another --out") from None
    return directory


class RunStore:
    """Finished runs under ``<root>/runs/``, keyed by ``run_key(settings)``.

    ``store.run(settings, fn)`` returns the stored result if there is one, else calls
    ``fn(settings)``, writes its result, and returns it. ``calls`` counts the calls of ``fn``
    made through this store (tests use it to prove that a resumed sweep recomputes nothing).
    """

    def __init__(self, root):
        self.root = Path(root)
        self.runs = self.root / "runs"
        self.quarantine_dir = self.root / "quarantine"
        self.calls = 0
        self.hits = 0
        self.quarantined: list[Path] = []

    def path(self, settings: dict) -> Path:
        return self.runs / f"{run_key(settings)}.json"

    def load(self, settings: dict) -> dict | None:
        """The stored record ``{"key", "settings", "result", "wall_time"}`` or None."""
        p = self.path(settings)
        try:
            # A hash collision or a hand-edited file must not pass for this run: the record's
            # settings must be the ones asked for.
            return read_record(p, settings)
        except FileNotFoundError:
            return None
        except InvalidRecordError as exc:
            self.quarantine(p, str(exc))
            return None

    def quarantine(self, path: Path, reason: str) -> Path:
        """Move a damaged run file into ``<root>/quarantine/`` (never overwriting an earlier
        one) and warn, naming it; returns the new path."""
        self.quarantine_dir.mkdir(parents=True, exist_ok=True)
        dest = self.quarantine_dir / path.name
        n = 1
        while dest.exists():
            dest = self.quarantine_dir / f"{path.stem}.{n}{path.suffix}"
            n += 1
        os.replace(path, dest)
        self.quarantined.append(dest)
        warnings.warn(f"run store: {path} is damaged ({reason}); moved to {dest}, the run is "
                      "computed again", StoreWarning, stacklevel=3)
        return dest

    def merge(self, other) -> dict:
        """Copy into this store the runs of another (a report's ``--out`` or its ``runs/``),
        computed on another machine: each file is validated (``read_record``) and written
        here atomically. A run stored on both sides keeps ours; if the two results differ
        (they should be bit-equal) a ``StoreWarning`` names both files. Damaged files are
        skipped with a warning. Returns counts: added, present, differing, damaged."""
        other = Path(other)
        src = other / "runs" if (other / "runs").is_dir() else other
        if not src.is_dir():
            from .._validate import InvalidInputError

            raise InvalidInputError(f"--merge {other}: no run store there (no runs/ folder)")
        counts = {"added": 0, "present": 0, "differing": 0, "damaged": 0}
        for path in sorted(src.glob("*.json")):
            try:
                record = read_record(path)
            except InvalidRecordError as exc:
                counts["damaged"] += 1
                warnings.warn(f"run store: {path} is damaged ({exc}); not merged", StoreWarning,
                              stacklevel=2)
                continue
            mine = self.runs / f"{record['key']}.json"
            if mine.exists():
                counts["present"] += 1
                try:
                    same = canonical_json(read_record(mine)["result"]) == \
                        canonical_json(record["result"])
                except InvalidRecordError:
                    same = True            # ours is damaged: load() quarantines it later
                if not same:
                    counts["differing"] += 1
                    warnings.warn(f"run store: {path} and {mine} hold different results for "
                                  f"the same settings; kept {mine}", StoreWarning, stacklevel=2)
                continue
            atomic_write_text(mine, json.dumps(record, sort_keys=True, indent=1))
            counts["added"] += 1
        return counts

    def stored(self) -> int:
        """The number of run files in the store."""
        return sum(1 for _ in self.runs.glob("*.json")) if self.runs.is_dir() else 0

    def save(self, settings: dict, result: dict, wall_time: float) -> dict:
        record = {"key": run_key(settings), "schema": SCHEMA, "settings": to_jsonable(settings),
                  "result": to_jsonable(result), "wall_time": float(wall_time)}
        atomic_write_text(self.path(settings), json.dumps(record, sort_keys=True, indent=1))
        return record

    def put(self, settings: dict, result: dict, wall_time: float) -> dict:
        """Save the result of a run computed elsewhere (an executor's worker): counted as
        computed. Only the process that owns the store writes it."""
        self.calls += 1
        return self.save(settings, result, wall_time)

    def lookup(self, settings_list: Iterable[dict]) -> list[dict | None]:
        """The stored record of each settings (None where missing or quarantined); counts
        the found ones as reused."""
        records = [self.load(s) for s in settings_list]
        self.hits += sum(r is not None for r in records)
        return records

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
        records = self.lookup(items)
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
    from ..progress import progress

    return progress(total=total, desc=desc, enabled=enabled)
