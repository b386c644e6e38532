"""One report of the tiny ``test`` profile, shared by the report and CLI tests."""

import pytest


@pytest.fixture(scope="session")
def report_run(tmp_path_factory):
    """``(out_dir, results)`` of ``run_report("test", ...)`` (a few seconds)."""
    from mfgcheck.reports import run_report

    out = tmp_path_factory.mktemp("report")
    results = run_report("test", out, progress=False)
    return out, results
