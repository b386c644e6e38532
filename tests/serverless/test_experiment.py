"""The experiment end to end on a tiny setting (3 functions, 2 nodes, 15 simulated minutes):
every policy evaluated, numbers consistent with the runs, the same bits twice, figures
written, the CLI's output traceable to results.json."""

import json

import numpy as np
import pytest

pytest.importorskip("simpy")

from mfgcheck import cli  # noqa: E402
from mfgcheck.serverless import experiment, plots  # noqa: E402

TINY = experiment.Setting(functions=3, nodes=2, hours=0.25, start_hour=13.0, days=(2,),
                          seeds=(0, 1), nac_T=20, dl_segments=2, dl_segment_length=3,
                          K_critic=50, K_actor=50, online_window=5, online_hours=0.5,
                          online_start_hour=12.0, online_passes=1)


@pytest.fixture(scope="module")
def results():
    return experiment.run(TINY)


def test_every_policy_evaluated_and_summaries_match_runs(results, tmp_path):
    summ = results["summary"]
    assert list(summ) == list(experiment.POLICIES)
    json.dumps(results, allow_nan=False)             # plain data, no NaN
    for name, s in summ.items():
        runs = [r for r in results["runs"] if r["policy"] == name]
        assert len(runs) == s["runs"] == 2
        for key in ("violation_rate", "cpu", "memory", "cold_starts"):
            vals = [r[key] for r in runs]
            assert s[key]["mean"] == pytest.approx(np.mean(vals), rel=1e-12)
            assert s[key]["low"] <= s[key]["mean"] <= s[key]["high"]
        for r in runs:
            assert r["max_node_memory_ratio"] <= 1.0
            assert sum(r["invocations"]) > 0
    # the same arrivals for every policy of a (day, seed): paired comparisons
    inv = {tuple(r["invocations"]) for r in results["runs"] if r["seed"] == 0}
    assert len(inv) == 1
    paths = plots.draw(results, tmp_path)
    assert all(p.stat().st_size > 10_000 for p in paths)


def test_a_run_gives_the_same_bits_twice(results):
    again = experiment.simulate(TINY, results["train"], "ENSURE", 2, 1)
    first = next(r for r in results["runs"] if r["policy"] == "ENSURE" and r["seed"] == 1)
    for key in ("p99", "violation", "cpu", "memory", "cold_starts"):
        assert again[key] == first[key]


def test_cli_serverless_writes_results(tmp_path, capsys):
    code = cli.main(["serverless", "--functions", "2", "--nodes", "2", "--hours", "0.1",
                     "--start-hour", "12", "--days", "2", "--seeds", "1", "--nac-T", "20",
                     "--K", "50", "--online-passes", "1", "--online-hours", "0.5",
                     "--online-start-hour", "12", "--online-window", "5",
                     "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 0
    out = capsys.readouterr().out
    data = json.loads((tmp_path / "out" / "results.json").read_text())
    assert data["simulation"] is True
    v = data["summary"]["ENSURE"]["violation_rate"]["mean"]
    assert f"{v:.4g}" in out                          # the printed numbers are the file's
    assert (tmp_path / "out" / "figures" / "serverless-violations.png").exists()


def test_cli_serverless_bad_arguments(tmp_path, capsys):
    assert cli.main(["serverless", "--functions", "13", "--out", str(tmp_path)]) == 2
    assert "functions" in capsys.readouterr().err


def test_invocations_counts_the_arrivals_a_run_simulates():
    # the scheduler's cost of a run grows with it (reports.serverless.simulation_cost)
    from mfgcheck.reports import serverless as section
    from mfgcheck.serverless import trace

    for day in TINY.days:
        t, _ = trace.arrivals(trace.shipped_trace().day(day)[:TINY.functions], seed=[day, 0],
                              start_minute=780, minutes=15)
        assert experiment.invocations(TINY, day) == t.size > 0
    costs = [section.simulation_cost(st, 2) for st in
             (TINY, section.setting_for("quick"), section.setting_for("full"))]
    assert costs == sorted(costs) and len(set(costs)) == 3
