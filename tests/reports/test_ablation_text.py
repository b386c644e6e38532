"""The ablation's text in the report: locked seeds read as a count ("3/4 seeds"), taken from
the per-seed lock flags (not from the fraction)."""

import numpy as np

from mfgcheck.algorithms import ablation as ab
from mfgcheck.reports import experiments


def _variant(label, factor, locked):
    n, T = len(locked), 3
    series = {k: np.full((n, T), 0.5).tolist()
              for k in ("err_weighted", "err_max", "omega", "omega_stationary")}
    return {"label": label, "factor": factor, "seeds": list(range(n)), "iterations": T,
            "locked": locked, "exploitability_initial": 1.0,
            "exploitability_final": [1.5 if x else 0.1 for x in locked],
            "final_policy": np.full((n, 2, 2), 0.5).tolist(), "series": series,
            "stopped": None}


def _ablation(base_locked, warm_locked):
    variants = [_variant("baseline", "none", base_locked),
                _variant("critic init: warm start", "critic init", warm_locked)]
    return {"variants": variants, "summary": ab.summarise(variants), "game": "SIS",
            "baseline": {"T": 300, "c_eta": 3, "c_beta": 10, "K": 1000, "critic_step": 0.05}}


def test_summary_line_and_table_count_the_locked_seeds():
    data = _ablation([True, True, False, True], [False] * 4)
    (line,) = experiments.ablation_lines(data)
    assert "baseline locks in on 3/4 seeds" in line["text"]
    assert "critic init" in line["text"]
    blocks = experiments.render_ablation(data, "fig")
    table = next(b for b in blocks if type(b).__name__ == "Table")
    assert [row[1] for row in table.rows] == ["3/4", "0/4"]


def test_counts_survive_a_results_json_written_before_they_were_stored():
    data = _ablation([True] * 4, [False] * 4)
    for row in data["summary"]["rows"]:
        del row["locked"], row["seeds"]
    (line,) = experiments.ablation_lines(data)
    assert "locks in on 4/4 seeds" in line["text"]
