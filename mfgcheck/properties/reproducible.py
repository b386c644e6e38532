"""Make a derandomised Hypothesis search draw the same examples in every process.

Hypothesis (6.1xx) mixes into its draws the literal constants of every *local* module that
is loaded when it draws (``hypothesis.internal.conjecture.providers``: it scans
``sys.modules`` for new modules at each input). A derandomised search with a fixed budget,
as ``reports.lemmas`` and the hunter run, therefore drew other examples depending on which of
mfgcheck's modules an earlier task had happened to import in the same worker: the report's
lemma table changed with the executor's scheduling. Importing every module of the package
before searching fixes the pool of constants (the package's own, whatever ran before), using
only public import machinery. Modules outside mfgcheck that a user's own process loads
(their scripts, a test suite) still enter the pool: the guarantee is "same command, same
table", not "same table inside any host process".
"""

from __future__ import annotations

import importlib
import pkgutil

_done = False


def load_package_modules() -> None:
    """Import every submodule of mfgcheck once (``__main__`` modules excepted; a module
    whose optional extra is not installed is skipped: the installed extras are part of the
    environment, like the library versions)."""
    global _done
    if _done:
        return
    import mfgcheck

    for info in pkgutil.walk_packages(mfgcheck.__path__, prefix="mfgcheck."):
        if info.name.rsplit(".", 1)[-1] == "__main__":
            continue
        try:
            importlib.import_module(info.name)
        except ImportError:
            continue
    _done = True
