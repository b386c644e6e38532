"""Reports: Theorem 1's rate measured, the paper's experiments reproduced, the lemma,
verdict and assumption tables, written as ``index.md``, ``index.html`` and ``results.json``.

bsuite style: each experiment is settings (``settings``) + analysis (``rate``,
``experiments``, ``tables``) + plots (``plots``); the registry ``report.PARTS`` lists them
and the summary (``summary``) reads their results. Runs are stored as they finish
(``store.RunStore``), so an interrupted report resumes. Pages are rendered from results.json
alone (``writer``)::

    from mfgcheck import reports
    results = reports.run_report("quick", "report", progress=True)
    reports.regenerate("report/results.json")          # the same pages again
    reports.fit_loglog(T, values)                        # slope with a bootstrap CI
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

# name -> submodule, imported on first use: the CLI's light commands (``bounds``) and the
# renderers (``report --from``) must not pay for the solvers that running a report imports
_EXPORTS = {
    "PARTS": "report", "load_results": "results", "run_report": "report",
    "PROFILES": "settings", "profile": "settings",
    "SlopeFit": "stats", "fit_loglog": "stats", "fit_loglog_seeds": "stats",
    "rate_verdict": "stats",
    "RunStore": "store", "run_key": "store",
    "regenerate": "writer", "write_pages": "writer",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # pragma: no cover
    from .report import PARTS, run_report  # noqa: F401
    from .results import load_results  # noqa: F401
    from .settings import PROFILES, profile  # noqa: F401
    from .stats import SlopeFit, fit_loglog, fit_loglog_seeds, rate_verdict  # noqa: F401
    from .store import RunStore, run_key  # noqa: F401
    from .writer import regenerate, write_pages  # noqa: F401
