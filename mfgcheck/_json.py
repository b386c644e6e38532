"""Plain JSON data from the package's values: the one conversion every writer uses.

``to_jsonable(x)``: NumPy arrays and scalars become lists and Python numbers, tuples become
lists, dict keys strings, paths strings, and the non-finite floats the strings ``"nan"``,
``"inf"``, ``"-inf"`` (JSON has no literal for them), so ``json.dumps(..., allow_nan=False)``
accepts the result and any other tool's ``json.loads`` reads it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np


def to_jsonable(x: Any) -> Any:
    """Plain JSON data from numpy scalars/arrays, tuples, dicts (module docstring)."""
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
