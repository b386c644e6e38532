"""The on-disk cache of proof verdicts: a proof runs once per version of the theory.

Deciding every step of the appendix takes SymPy 10-20 s; the verdict of a step depends only
on the theory's sources and on SymPy (and mpmath, which evaluates counterexamples). A decided
step (:meth:`mfgcheck.theory.core.Step.settle`) is written to

    <root>/<key>/<step id>.json

where ``<root>`` is ``$MFGCHECK_THEORY_CACHE`` or the user cache directory's ``theory``
(``~/.cache/mfgcheck/theory``, :func:`mfgcheck._cache.cache_root`; never the working
directory), ``MFGCHECK_THEORY_CACHE=off`` turns the cache off, and ``<key>`` (:func:`key`)
hashes every source file of ``mfgcheck.theory``, the SymPy, mpmath and Python versions:
editing the prover, a claim or a symbol, or upgrading SymPy, starts a fresh directory.

What the cache saves is the prover's work: an entry records that the declared verdict was
confirmed and how (``verdict``, ``method``), with a fingerprint of the step (id, sides,
relation, condition, hypotheses, declared counterexample, and the source of the module that
built it when that module is outside ``mfgcheck.theory``) and a SHA-256 checksum of its
payload. The evidence is not cached: a counterexample is evaluated again, exactly, whenever
an entry is used (``core.Step.settle``; a few milliseconds). An entry is used only if it
parses, its checksum and fingerprint match and its verdict is the one the step declares;
anything else (a truncated file, a bit flipped, a stale format) is recomputed and
overwritten, never trusted. Entries are written atomically, so parallel processes can share
the directory. The verdicts are the same with and without the cache (tests/theory).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from pathlib import Path

import mpmath
import sympy as sp

from .._cache import cache_root, write_json

ENV_VAR = "MFGCHECK_THEORY_CACHE"
OFF = ("off", "0", "no", "false", "none")
FORMAT = 1
_THEORY = Path(__file__).resolve().parent


@functools.cache
def _file_digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@functools.cache
def key() -> str:
    """The hash naming the cache directory: every ``*.py`` of ``mfgcheck/theory`` (names and
    contents), the SymPy, mpmath and Python versions, and the entry format."""
    h = hashlib.sha256(f"format {FORMAT}; sympy {sp.__version__}; mpmath {mpmath.__version__}; "
                       f"python {sys.version_info[0]}.{sys.version_info[1]}".encode())
    for path in sorted(_THEORY.rglob("*.py")):
        h.update(str(path.relative_to(_THEORY)).encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()[:32]


def directory() -> Path | None:
    """Where this version of the theory keeps its verdicts, or None when the cache is off."""
    value = os.environ.get(ENV_VAR, "").strip()
    if value.lower() in OFF:
        return None
    root = Path(value).expanduser() if value else cache_root() / "theory"
    return root / key()


def _path(step) -> Path | None:
    where = directory()
    return None if where is None else where / f"{step.id}.json"


def fingerprint(step) -> str:
    """What the verdict of ``step`` is a function of, beyond the theory's sources."""
    origin = step.origin
    outside = origin and not Path(origin).resolve().is_relative_to(_THEORY)
    parts = [step.id, sp.sstr(step.lhs), step.relation, sp.sstr(step.rhs),
             sp.sstr(step.condition), str(step.exact),
             "; ".join(sp.sstr(h) if isinstance(h, sp.Basic) else str(h) for h in step.hypotheses),
             repr(sorted(step.declared_counterexample.items())),
             _file_digest(origin) if outside and Path(origin).is_file() else ""]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _checksum(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def write(step) -> None:
    """Record the decided ``step`` (silently skipped when the cache is off or unwritable)."""
    path = _path(step)
    if path is None:
        return
    payload = {"format": FORMAT, "step": step.id, "fingerprint": fingerprint(step),
               "verdict": step.verdict, "method": step.method}
    try:
        write_json(path, {"payload": payload, "sha256": _checksum(payload)})
    except OSError:
        pass  # a read-only cache costs time, not correctness


def read(step) -> dict | None:
    """The valid entry of ``step`` (``verdict``, ``method``), or None when there is none or
    it is not valid (unreadable, checksum or fingerprint mismatch, another verdict than the
    one the step declares)."""
    path = _path(step)
    if path is None:
        return None
    try:
        document = json.loads(path.read_text())
        payload = document["payload"]
        if document["sha256"] != _checksum(payload):
            return None
        if (payload["format"], payload["step"], payload["fingerprint"], payload["verdict"]) \
                != (FORMAT, step.id, fingerprint(step), step.declared_verdict) or \
                not isinstance(payload["method"], str):
            return None
    except (OSError, ValueError, TypeError, KeyError):
        return None  # missing or corrupt: recomputed
    return payload
