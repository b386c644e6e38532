"""Timing shared by the benchmark scripts (run as ``python benchmarks/<name>.py``)."""

import time

import numpy as np


def timed(fn, repeat=1):
    """``(best wall time over repeat calls, the last result)``."""
    best, out = np.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out
