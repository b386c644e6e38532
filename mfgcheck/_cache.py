"""Where mfgcheck keeps what it can recompute: the user cache directory (a leaf module).

``cache_root()`` is ``$XDG_CACHE_HOME/mfgcheck`` or ``~/.cache/mfgcheck`` (the XDG base
directory convention), never the working directory. Each user of it takes a subdirectory and
an environment variable to relocate it (``MFGCHECK_THEORY_CACHE`` for the proof verdicts of
``mfgcheck.theory``, ``MFGCHECK_TIGHTEST_DIR`` for the tightest-instance records).

``write_json`` writes atomically (a temporary file renamed over the target), so a reader in
another process sees the old entry or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def cache_root() -> Path:
    """The user cache directory of mfgcheck: ``$XDG_CACHE_HOME/mfgcheck`` or
    ``~/.cache/mfgcheck`` (also where the test suite keeps its Hypothesis database)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "mfgcheck"


def keep_hypothesis_out_of_cwd() -> None:
    """Point Hypothesis' storage (``HYPOTHESIS_STORAGE_DIRECTORY``; by default
    ``.hypothesis/`` under the working directory, where it caches the literal constants of
    every local module it scans) at ``cache_root() / "hypothesis-home"``, unless the user set
    it. For processes mfgcheck owns (the CLI, whose worker processes inherit the
    environment; the test suite): a library call must not move a user's example database."""
    os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(cache_root() / "hypothesis-home"))


def write_json(path: Path, document) -> None:
    """``document`` as JSON at ``path``, atomically (parents created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(document, handle, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
