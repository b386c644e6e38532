"""BLAS threads for mfgcheck's kernels, set deliberately.

The kernels of numerics/ and algorithms/ multiply small matrices (S up to a few hundred):
there a second BLAS thread costs more in synchronisation than it saves, and on a busy machine
it thrashes (a 300-state matrix-vector product measured 48-162 ms with 2 OpenBLAS threads
against 24 ms with one). Sweeps get their parallelism from processes (``mfgcheck.executor``),
one BLAS thread each; and one thread makes every reduction order independent of the machine,
so results are bit-equal whatever the executor and worker count.

``kernel_threads()`` is a context manager limiting BLAS to ``KERNEL_THREADS`` threads
(threadpoolctl); the controller that finds the loaded BLAS libraries is built once.
"""

from __future__ import annotations

from contextlib import contextmanager

KERNEL_THREADS = 1
_controller = None


def _get_controller():
    global _controller
    if _controller is None:
        import numpy  # noqa: F401 - its BLAS must be loaded before the controller looks
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    return _controller


@contextmanager
def kernel_threads(n: int = KERNEL_THREADS):
    """Run the block with ``n`` BLAS threads (restored after)."""
    with _get_controller().limit(limits=n, user_api="blas"):
        yield


def blas_threads() -> int:
    """The number of threads BLAS uses now (the largest over loaded BLAS libraries)."""
    info = [lib["num_threads"] for lib in _get_controller().info()
            if lib.get("user_api") == "blas"]
    return max(info) if info else 1
