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


def cpu_timed(fn, repeat=1):
    """``(best CPU time of this process over repeat calls, best wall time, the last result)``.
    On a machine shared with other jobs the wall clock mostly measures the others; the CPU
    time of a single-threaded computation is its own work (run with
    ``OPENBLAS_NUM_THREADS=1`` so that BLAS threads do not add their spinning to it)."""
    best_cpu, best_wall, out = np.inf, np.inf, None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        best_cpu = min(best_cpu, time.process_time() - c)
        best_wall = min(best_wall, time.perf_counter() - w)
    return best_cpu, best_wall, out
