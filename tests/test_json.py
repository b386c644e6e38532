"""mfgcheck._json.to_jsonable: the one conversion to plain JSON (store, games, evidence)."""

import json
from pathlib import Path

import numpy as np

from mfgcheck._json import to_jsonable


def test_to_jsonable_gives_strict_json():
    x = {1: np.arange(3), "t": (np.float64(0.5), np.int64(7)), "p": Path("a/b"),
         "bad": [float("nan"), np.inf, -np.inf], "m": np.array([[1.5, np.nan]])}
    out = to_jsonable(x)
    assert out == {"1": [0, 1, 2], "t": [0.5, 7], "p": "a/b", "bad": ["nan", "inf", "-inf"],
                   "m": [[1.5, "nan"]]}
    assert type(out["t"][1]) is int and type(out["t"][0]) is float
    assert json.loads(json.dumps(out, allow_nan=False)) == out


def test_writers_share_the_conversion():
    """Games' descriptions, evidence records and the run store all go through it."""
    from mfgcheck.games import base
    from mfgcheck.properties import evidence
    from mfgcheck.reports import store

    assert base.to_jsonable is evidence.to_jsonable is store.to_jsonable is to_jsonable
