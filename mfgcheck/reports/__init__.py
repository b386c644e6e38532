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

from .report import PARTS, load_results, run_report
from .settings import PROFILES, profile
from .stats import SlopeFit, fit_loglog, fit_loglog_seeds, rate_verdict
from .store import RunStore, run_key
from .writer import regenerate, write_pages

__all__ = ["PARTS", "PROFILES", "RunStore", "SlopeFit", "fit_loglog", "fit_loglog_seeds",
           "load_results", "profile", "rate_verdict", "regenerate", "run_key", "run_report",
           "write_pages"]
