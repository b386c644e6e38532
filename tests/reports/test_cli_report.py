"""`mfgcheck report` stops cleanly: an unwritable --out fails before any work (exit 2), and
SIGINT leaves a resumable store, says how many runs it holds and exits 130; --merge reuses
runs computed elsewhere."""

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from mfgcheck import cli
from mfgcheck.reports import report, run_report


@pytest.fixture
def no_parts_may_run(monkeypatch):
    """Replace every part by one that records that it ran."""
    ran = []
    parts = tuple(report.Part(p.name, p.title, lambda *a, _n=p.name: ran.append(_n) or {})
                  for p in report.PARTS)
    monkeypatch.setattr(report, "PARTS", parts)
    return ran


def test_unwritable_out_fails_before_any_work(tmp_path, capsys, no_parts_may_run):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    out = blocker / "report"
    assert cli.main(["report", "--profile", "test", "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"output directory {out}: not writable" in err
    assert no_parts_may_run == []


def test_read_only_out_fails_before_any_work(tmp_path, capsys, no_parts_may_run):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    try:
        try:                                  # root writes through mode bits: nothing to test
            (out / "probe").write_text("")
            pytest.skip("this user can write into a read-only directory (root)")
        except PermissionError:
            pass
        assert cli.main(["report", "--profile", "test", "--out", str(out), "--quiet"]) == 2
    finally:
        out.chmod(0o755)
    assert "not writable" in capsys.readouterr().err
    assert no_parts_may_run == []


def test_unknown_part_is_a_usage_error(tmp_path, capsys):
    assert cli.main(["report", "--profile", "test", "--out", str(tmp_path), "--parts",
                     "rate", "tea"]) == 2
    assert "parts: unknown tea" in capsys.readouterr().err


def _group_gone(pgid, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def _count_runs(out):
    runs = out / "runs"
    return len(list(runs.glob("*.json"))) if runs.is_dir() else 0


def test_sigint_stores_finished_runs_and_exits_130(tmp_path):
    out = tmp_path / "report"
    argv = [sys.executable, "-m", "mfgcheck.cli", "report", "--profile", "test", "--out",
            str(out), "--quiet", "--parts", "rate", "experiments"]
    # A new session: SIGINT goes to the whole process group, as Ctrl-C in a terminal does
    # (worker processes included).
    # Two local worker processes: the interrupt must stop them too. SIGINT restored to its
    # default in the child: a test suite started from a background job of a
    # non-interactive shell inherits SIGINT ignored, and Python then installs no
    # KeyboardInterrupt handler (the run would finish with exit 0).
    env = {**os.environ, "MFGCHECK_WORKERS": "2"}
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, cwd=tmp_path, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while _count_runs(out) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "finished before the first run was stored: nothing to stop"
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    m = re.search(r"interrupted; (\d+) runs stored; rerun to resume", stderr)
    assert m, stderr
    stored = int(m.group(1))
    assert stored == _count_runs(out) >= 1
    assert not (out / "results.json").exists()
    assert _group_gone(proc.pid, 10), "a worker process outlived the interrupted report"
    # Resume: the stored runs are reused, the others computed.
    again = run_report("test", out, parts=["rate", "experiments"])
    assert again["parts"]["rate"]["status"] == again["parts"]["experiments"]["status"] == "ok"
    assert again["runs"]["reused"] == stored
    assert again["runs"]["computed"] + stored == _count_runs(out)


def test_merge_reuses_runs_computed_elsewhere(tmp_path, capsys):
    elsewhere, here = tmp_path / "machine-a", tmp_path / "here"
    # exit 3 too: with --parts rate the claims' checks did not run ("not checked")
    assert cli.main(["report", "--profile", "test", "--out", str(elsewhere), "--quiet",
                     "--parts", "rate", "--workers", "1"]) in (0, 1, 3)
    a = json.loads((elsewhere / "results.json").read_text())
    assert cli.main(["report", "--profile", "test", "--out", str(here), "--quiet",
                     "--parts", "rate", "--merge", str(elsewhere)]) in (0, 1, 3)
    b = json.loads((here / "results.json").read_text())
    assert b["runs"]["computed"] == 0 and b["runs"]["reused"] == a["runs"]["computed"] > 0
    assert b["runs"]["merged"][str(elsewhere)]["added"] == a["runs"]["computed"]
    assert b["parts"]["rate"]["settings"][0]["per_T"] == a["parts"]["rate"]["settings"][0][
        "per_T"]


def test_a_report_writes_nothing_into_the_working_directory(tmp_path):
    # Hypothesis caches the constants of the modules it scans under its storage directory,
    # by default .hypothesis/ in the working directory: the lemma checks' searches wrote it
    # wherever `mfgcheck report` was started. The CLI points it at the user cache.
    cwd, out, cache = tmp_path / "cwd", tmp_path / "out", tmp_path / "cache"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_STORAGE_DIRECTORY"}
    env |= {"XDG_CACHE_HOME": str(cache), "MFGCHECK_WORKERS": "1"}
    proc = subprocess.run([sys.executable, "-m", "mfgcheck.cli", "report", "--profile", "test",
                           "--parts", "lemmas", "--out", str(out), "--quiet"], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=600)
    assert (out / "results.json").exists(), proc.stderr          # the searches ran
    assert sorted(p.name for p in cwd.iterdir()) == []
    assert any((cache / "mfgcheck" / "hypothesis-home").rglob("*")), "cache not used"
