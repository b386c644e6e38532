"""The ``mfgcheck`` command line: --help, exit codes, and ``bounds`` against hand values."""

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mfgcheck.cli import main

COMMANDS = ("report", "lemmas", "rate", "bounds", "equilibrium")


def test_entry_point_is_installed():
    exe = Path(sys.executable).parent / "mfgcheck"
    assert exe.exists() or shutil.which("mfgcheck")


@pytest.mark.parametrize("command", (None,) + COMMANDS)
def test_help(command):
    argv = [sys.executable, "-m", "mfgcheck.cli"] + ([command] if command else []) + ["--help"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "usage: mfgcheck" in done.stdout
    if command:
        assert command in done.stdout.splitlines()[0]
    else:
        assert all(c in done.stdout for c in COMMANDS)


def test_usage_errors_exit_2(capsys, tmp_path):
    assert main(["rate", "--game", "chess"]) == 2
    assert "--game" in capsys.readouterr().err
    assert main(["bounds", "--lam", "0.1"]) == 2          # --gamma, --A, --R missing
    assert "--gamma" in capsys.readouterr().err
    assert main(["report", "--from", str(tmp_path / "missing.json")]) == 2
    assert "missing.json" in capsys.readouterr().err


def _values(text):
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2:
            try:
                out[parts[0]] = float(parts[1])
            except ValueError:
                pass
    return out


def test_bounds_constants_match_hand_computation(capsys):
    assert main(["bounds", "--lam", "0.5", "--gamma", "0.9", "--A", "3", "--R", "2"]) == 0
    got = _values(capsys.readouterr().out)
    # appendix A at gamma = 0.9, lam = 0.5, |A| = 3, R = 2, by hand:
    qmax = (1 + 0.9 * 0.5 * math.log(3)) / 0.1           # 14.94375...
    assert got["Qmax"] == pytest.approx(qmax, rel=1e-9)
    assert got["Qmax"] == pytest.approx(14.9437553, rel=1e-7)
    assert got["p_min_bound"] == pytest.approx(math.exp(-8) / 3, rel=1e-9)
    assert got["tau"] == pytest.approx(math.exp(-qmax / 0.5) / 3, rel=1e-9)
    assert got["KLmax"] == pytest.approx(math.log(3) + 8, rel=1e-9)
    assert got["kappa"] == pytest.approx(20 * math.log(3) + 28, rel=1e-9)   # 49.97224...


def test_bounds_theorem1_and_json(capsys):
    argv = ["bounds", "--lam", "0.5", "--gamma", "0.9", "--A", "3", "--R", "2", "--T", "1000",
            "--d3", "0.9", "--d2", "1.5", "--d1", "0.1", "--c-eta", "1", "--c-beta", "1",
            "--C1", "1", "--C2", "1", "--C3", "1", "--d0", "0.5", "--eps-total", "0",
            "--sigma-pi0", "1", "--sigma-mu0", "1", "--json"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "undefined (d_bar <= 0)" in captured.err   # d1 d2 + d3 = 1.05 >= 1
    data = json.loads(captured.out)                   # stdout is the JSON document only
    assert data["assumed"] == {}
    b = data["theorem1"]
    eta, beta = 1000 ** -0.4 / 0.5, 1000 ** -0.8      # c_eta = c_beta = 1
    p_min = math.exp(-8) / 3
    kappa = 20 * math.log(3) + 28
    b15 = (1.0 / (1000 * eta * 0.5) + 0.0 + 2 * eta * 4 / 0.5
           + 2 * 2 * kappa * 0.5 * beta / (eta * 0.5))       # eps_total = 0, C1 = 1, d0 = .5
    assert b["avg_sigma_pi_bound"] == pytest.approx(b15, rel=1e-9)
    assert b["avg_D_policy_bound"] == pytest.approx(math.sqrt(2 * b15), rel=1e-9)
    assert b["final_bound"] is None
    assert p_min > 0


def test_equilibrium(capsys):
    assert main(["equilibrium", "--game", "sis", "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)                   # stdout is the JSON document only
    assert sum(data["mean_field"]) == pytest.approx(1.0, abs=1e-12)
    assert abs(data["certificate"]["exploitability"]) <= 1e-9
    assert "mean field mu*" in captured.err


@pytest.fixture(scope="module")
def report_run(tmp_path_factory):
    """A report of the tiny test profile, through the CLI."""
    out = tmp_path_factory.mktemp("cli-report")
    code = main(["report", "--profile", "test", "--out", str(out), "--quiet"])
    return out, code


def test_report_exit_status_follows_the_summary(report_run):
    out, code = report_run
    s = json.loads((out / "results.json").read_text())["summary"]
    assert code == s["exit_status"]
    statuses = ([c["status"] for c in s["claims"]] + [o["status"] for o in s["other"]]
                + [d["status"] for c in s["claims"] for d in c.get("details", [])])
    failed = "fail" in statuses
    undecided = s["errors"] or any(s["not_checked"].values()) or \
        {"unknown", "candidate"} & set(statuses)
    assert code == (1 if failed else (3 if undecided else 0))
    # the test profile checks only lemma2 and lemma4: every other claim says so, never PASS
    lines = {c["claim"]: c for c in s["claims"]}
    assert lines["lemma1"]["status"] == "unknown" and "not checked" in lines["lemma1"]["text"]
    assert code == 3


def test_report_from_results_regenerates_and_returns_the_exit_status(report_run, tmp_path):
    out, code = report_run
    results = json.loads((out / "results.json").read_text())
    shutil.copy(out / "results.json", tmp_path / "results.json")
    code = main(["report", "--from", str(tmp_path / "results.json")])
    assert code == results["summary"]["exit_status"]
    assert (tmp_path / "index.md").read_bytes() == (out / "index.md").read_bytes()


def test_lemmas_command(capsys):
    code = main(["lemmas", "--claims", "lemma4", "--examples", "3", "--quiet", "--json"])
    captured = capsys.readouterr()
    assert "lemma4.lipschitz" in captured.err              # the text table: stderr
    rows = json.loads(captured.out)["rows"]                # stdout: the JSON only
    assert "lemma4.lipschitz" in {r["step"] for r in rows}
    assert code == (1 if any(r["status"] == "fail" for r in rows) else 0)


def test_rate_command_resumes(capsys, tmp_path):
    argv = ["rate", "--game", "sis", "--T", "30", "100", "300", "--out", str(tmp_path),
            "--quiet", "--plot", str(tmp_path / "rate.png")]
    code = main(argv)
    text = capsys.readouterr().out
    assert code in (0, 1) and "slope" in text and (tmp_path / "rate.png").exists()
    n = len(list((tmp_path / "runs").glob("*.json")))
    assert n == 3
    assert main(argv) == code                          # rerun: resumed, same verdict
    assert capsys.readouterr().out.splitlines()[:6] == text.splitlines()[:6]
    assert len(list((tmp_path / "runs").glob("*.json"))) == n


def test_rate_offers_every_oracle_mode_and_runs_the_practical_one(capsys, tmp_path):
    """``rate --oracle practical`` (appendix D's oracle) runs and stores practical runs; the
    CLI's oracle choices are algorithms.oracle's modes (the parser does not import them)."""
    from mfgcheck.algorithms.oracle import ORACLE_MODES
    from mfgcheck.cli import ORACLES

    assert tuple(ORACLES) == tuple(ORACLE_MODES)
    argv = ["rate", "--oracle", "practical", "--T", "30", "60", "--seeds", "2", "--K", "50",
            "--out", str(tmp_path), "--quiet"]
    assert main(argv) in (0, 1)
    assert "practical oracle" in capsys.readouterr().out
    stored = [json.loads(p.read_text()) for p in (tmp_path / "runs").glob("*.json")]
    assert len(stored) == 4                             # 2 T x 2 seeds
    assert {s["settings"]["oracle"] for s in stored} == {"practical"}
    assert {s["settings"]["seed"] for s in stored} == {0, 1}
