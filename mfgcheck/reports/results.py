"""``results.json``, the report's one output that everything else is rendered from: its name,
schema, and how it is written and read back (``load_results`` checks that a file is one).

Kept apart from running the report (``report``) and rendering it (``writer``): both read and
write the file, neither imports the other's stack, and ``mfgcheck report --from`` loads
neither the solvers nor the runners.
"""

from __future__ import annotations

import json
from pathlib import Path

from .store import atomic_write_text

SCHEMA = "mfgcheck-report-v1"
RESULTS = "results.json"


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
