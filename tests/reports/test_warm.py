"""``reports.warm``: after it, every numba kernel of the package is compiled, and a report
compiles nothing (its kernels load from numba's cache)."""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import subprocess
import sys

import pytest

numba = pytest.importorskip("numba")

# Kernels that only the tests call (an entry point to check a kernel-internal helper).
TEST_ONLY = {"mfgcheck.algorithms.kernels.row_dot_batch"}


def _dispatchers() -> dict[str, object]:
    from numba.core.dispatcher import Dispatcher

    import mfgcheck

    found = {}
    for info in pkgutil.walk_packages(mfgcheck.__path__, prefix="mfgcheck."):
        if info.name.rsplit(".", 1)[-1] == "__main__":
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:
            continue
        for name, obj in vars(module).items():
            if isinstance(obj, Dispatcher) and obj.__module__ == info.name:
                found[f"{info.name}.{name}"] = obj
    return found


def test_warm_compiles_every_kernel_of_the_package():
    from mfgcheck.reports import warm

    assert _dispatchers(), "no numba kernel found: the walk is broken"
    warm.warm()
    kernels = _dispatchers()
    # A kernel called only by other kernels is compiled with its caller; when the caller loads
    # from the cache, the callee's dispatcher stays empty: it is reached when a reached
    # kernel's source calls it (closed transitively).
    reached = {n for n, d in kernels.items() if d.signatures}  # type: ignore[attr-defined]
    grew = True
    while grew:
        sources = "\n".join(inspect.getsource(kernels[n].py_func)  # type: ignore[attr-defined]
                             for n in reached)
        more = {n for n in kernels if f"{n.rsplit('.', 1)[1]}(" in sources} - reached
        reached |= more
        grew = bool(more)
    missed = sorted(set(kernels) - reached - TEST_ONLY)
    assert not missed, f"kernels warm() never reaches (add their task to warm.py): {missed}"


_COMPILED_IN_REPORT = """
import sys
from mfgcheck.reports.report import run_report
run_report("test", out=sys.argv[1], workers=1)
from numba.core.dispatcher import Dispatcher
kernels = {f"{m}.{n}": d for m, mod in list(sys.modules.items()) if m.startswith("mfgcheck")
           for n, d in vars(mod).items() if isinstance(d, Dispatcher)}
missed = sorted(name for name, d in kernels.items() if d.stats.cache_misses)
hits = sum(sum(d.stats.cache_hits.values()) for d in kernels.values())
print("MISSED", missed, "HITS", hits)
"""


@pytest.mark.slow
def test_a_report_after_warm_compiles_nothing(tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    subprocess.run([sys.executable, "-m", "mfgcheck.reports.warm"], env=env, check=True,
                   capture_output=True, timeout=900)
    out = subprocess.run([sys.executable, "-c", _COMPILED_IN_REPORT, str(tmp_path / "r")],
                         env=env, check=True, capture_output=True, text=True, timeout=900)
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("MISSED")][-1]
    assert line.startswith("MISSED [] HITS"), line
    assert int(line.rsplit(" ", 1)[1]) > 0, "the report loaded no kernel from the cache"
