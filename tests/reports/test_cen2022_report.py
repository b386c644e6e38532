"""Cen et al. (2022), Theorem 1, registered by its entry point only, is in the lemma table
(``mfgcheck lemmas``), the report's claim list and its Markdown, and ``python -m
mfgcheck.theory``'s claims."""

from __future__ import annotations

import json

from mfgcheck import theory
from mfgcheck.cli import main

CLAIM = "cen2022.theorem1"


def test_the_lemma_table_and_the_report_show_the_claim(report_run, capsys):
    from mfgcheck.reports import summary, tables
    from mfgcheck.reports.doc import to_markdown
    from mfgcheck.reports.writer import build_document

    code = main(["lemmas", "--claims", CLAIM, "--examples", "5", "--quiet", "--json"])
    part = json.loads(capsys.readouterr().out)
    assert code == 0
    rows = {r["step"]: r for r in part["rows"]}
    assert set(rows) == {CLAIM} | {f"{CLAIM}.{s}" for s in (
        "eq22b", "monotone", "eq44", "eq45", "softmax", "xi0", "y0_triangle")}
    for step, row in rows.items():
        assert (row["claim"], row["examples"], row["violations"], row["status"]) == \
            (CLAIM, 5, 0, "pass"), step
        assert part["calls"][step] == {"examples": 5, "raised": 0}
    assert 0 < rows[CLAIM]["max_ratio"] <= 1

    # the test profile's report does not select it: listed, and said to be not checked
    _, results = report_run
    results = json.loads(json.dumps(results))
    line = next(c for c in results["summary"]["claims"] if c["claim"] == CLAIM)
    assert line["status"] != "pass" and "not checked" in line["text"]
    # with this lemma part it passes, and the Markdown names it
    parts = results["parts"]
    parts["lemmas"] = {**part, "status": "ok"}
    results["summary"] = summary.build(parts)
    line = next(c for c in results["summary"]["claims"] if c["claim"] == CLAIM)
    assert line["title"] == "Theorem 1 (Cen et al. 2022)" and line["status"] == "pass"
    md = to_markdown(build_document(results))
    assert "Theorem 1 (Cen et al. 2022)" in md and f"| {CLAIM} |" in md
    assert tables.claim_title(CLAIM) == "Theorem 1 (Cen et al. 2022)"


def test_the_theory_tables_include_its_steps():
    assert CLAIM in theory.claims()
    steps = [s for s in theory.verdicts() if s.claim == CLAIM]
    assert len(steps) == 19 and {s.verdict for s in steps} == {"proved", "numeric"}
