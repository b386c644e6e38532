"""Renderers import no solvers: ``mfgcheck report --from results.json`` writes the pages from
the file alone, without loading what computes the numbers (NumPy is fine, the solvers and
runners are not), and without SymPy (the claims' dependency graph is plain data in the
registry, ``ClaimSpec.uses``; statements are text in results.json).

Checked in a fresh process (``sys.modules`` after the command), on the results of the shared
``test``-profile report (tests/reports/conftest.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# what computes the numbers: our solvers, simulators and runners, and the libraries only
# they need (the serverless package's data model, CLI and plots are not among them)
SOLVERS = ("mfgcheck.numerics", "mfgcheck.algorithms", "mfgcheck.properties",
           "mfgcheck.hunter", "mfgcheck.serverless.cluster", "mfgcheck.serverless.experiment",
           "mfgcheck.serverless.game", "mfgcheck.serverless.online", "mfgcheck.serverless.policies",
           "mfgcheck.serverless.trace", "mfgcheck.reports.runner", "mfgcheck.reports.jobs",
           "mfgcheck.reports.report", "mfgcheck.executor", "numba", "cvxpy", "scipy",
           "hypothesis", "simpy", "distributed")


def _loaded_by(argv: list[str], expected: int = 0) -> list[str]:
    """The modules loaded by ``mfgcheck <argv>`` in a fresh process (its exit status must be
    ``expected``)."""
    code = ("import json, sys\n"
            "from mfgcheck.cli import main\n"
            f"code = main({argv!r})\n"
            "print(json.dumps({'code': code, 'modules': sorted(sys.modules)}))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=300, env=dict(os.environ))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout.strip().splitlines()[-1])
    assert data["code"] == expected, out.stderr
    return data["modules"]


def _solvers(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == s or m.startswith(s + ".") for s in SOLVERS)]


def test_report_from_results_json_imports_no_solver(report_run, tmp_path):
    out, _ = report_run
    shutil.copy(out / "results.json", tmp_path / "results.json")
    status = json.loads((out / "results.json").read_text())["summary"]["exit_status"]
    modules = _loaded_by(["report", "--from", str(tmp_path / "results.json")], status)
    assert (tmp_path / "index.md").read_bytes() == (out / "index.md").read_bytes()
    assert "mfgcheck.reports.writer" in modules  # the renderer ran
    assert "mfgcheck.reports.graph" in modules   # and drew the dependency graph
    assert _solvers(modules) == []
    assert [m for m in modules if m == "sympy" or m.startswith("sympy.")] == []


def test_the_check_sees_solvers_when_they_are_loaded(tmp_path):
    """The same probe on a command that solves (an equilibrium) finds them."""
    modules = _loaded_by(["equilibrium", "--game", "sis"])
    assert "mfgcheck.numerics" in _solvers(modules)
    # a formula needs SymPy: the probe sees it
    assert "sympy" in _loaded_by(["bounds", "--lam", "0.1", "--gamma", "0.9", "--A", "2",
                                  "--R", "1"])
