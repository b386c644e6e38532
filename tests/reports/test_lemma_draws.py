"""The lemma table is the same whatever ran before it in the process (issue 10 item 5,
issue 13 item 2): Hypothesis mixes the literal constants of loaded local modules into its
draws, so before ``properties.reproducible`` a worker that had imported, say, the serverless
simulator for an earlier task drew other examples than a fresh one."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
from mfgcheck.reports.lemmas import run_checks
records, skipped, _ = run_checks(examples=10, claims=("lemma3", "lemma4"))
print(json.dumps({"records": records, "skipped": skipped}, sort_keys=True, default=str))
"""


def _table(tmp_path, *preloaded: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, *preloaded], cwd=tmp_path,
                         capture_output=True, text=True, timeout=600, check=True)
    return json.loads(out.stdout.splitlines()[-1])


def test_lemma_draws_do_not_depend_on_modules_loaded_before(tmp_path):
    fresh = _table(tmp_path)
    after_other_tasks = _table(tmp_path, "mfgcheck.serverless.cluster",
                               "mfgcheck.serverless.model", "mfgcheck.reports.experiments",
                               "mfgcheck.algorithms")
    assert sum(len(v) for v in fresh["records"].values()) > 0, "no examples ran"
    assert fresh == after_other_tasks
