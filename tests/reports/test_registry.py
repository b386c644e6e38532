"""The findings registry: well formed, grounded in theory/ and properties/, and the one source
the docs and the report print."""

from pathlib import Path

import pytest

from mfgcheck import findings

ROOT = Path(__file__).resolve().parents[2]


def test_every_finding_is_graded():
    for f in findings.FINDINGS:
        assert f.kind in findings.KINDS and f.severity in findings.SEVERITIES, f.id
        assert f.consequence and f.evidence and f.paper and f.found, f.id
        if f.kind == "step false, conclusion survives":
            assert f.repair, f.id


def test_bad_kind_is_refused_with_its_name():
    with pytest.raises(ValueError, match="kind 'wrong'"):
        findings.Finding("x", "lemma1", "w", "p", "f", "wrong", "minor", "c", "e")


def test_evidence_ids_exist_in_theory_or_properties():
    from mfgcheck import properties, theory

    steps = {s.id for s in theory.verdicts()} | set(theory.claims())
    checks = {k for c in properties.CLAIMS for k in properties.checks(c)}
    others = {"assumption3"}
    for f in findings.FINDINGS:
        for sid in f.steps:
            assert sid in steps | checks | others, (f.id, sid)


def test_every_refuted_or_conditional_step_is_a_registered_finding():
    """A step theory refutes or finds conditional is a finding (or part of one): the
    registry cannot silently drop one."""
    from mfgcheck import theory

    covered = {sid for f in findings.FINDINGS for sid in f.steps}
    flagged = {s.id for s in theory.verdicts() if s.verdict in ("refuted", "conditional")}
    assert flagged - covered == set()


def test_docs_table_is_the_registry():
    text = (ROOT / "docs" / "index.md").read_text()
    start, end = "<!-- findings:start -->\n", "\n<!-- findings:end -->"
    table = text[text.index(start) + len(start):text.index(end)]
    assert table == findings.markdown_table()


def test_report_prints_the_registry(report_run):
    out, results = report_run
    assert results["summary"]["registry"] == findings.as_records()
    md = (out / "index.md").read_text()
    for f in findings.FINDINGS:
        assert f"`{f.id}`" in md and f.kind in md


def test_lemma3_missing_line_is_not_a_finding_against_the_statement():
    from mfgcheck.reports.summary import claim_line

    steps = [{"id": "lemma3.floor", "claim": "lemma3", "verdict": "conditional",
              "detail": "if Q_a >= 0", "note": ""}]
    rows = [{"claim": "lemma3", "step": "lemma3", "status": "pass", "examples": 40,
             "violations": 0, "max_ratio": 0.2}]
    line = claim_line("lemma3", steps, rows)
    assert line["status"] == "pass" and "missing proof line" in line["text"]
    # a conditional step the registry grades otherwise stays a finding
    steps = [{"id": "lemma5.kappa_tau", "claim": "lemma5", "verdict": "conditional",
              "detail": "iff ...", "note": ""}]
    line = claim_line("lemma5", steps, [])
    assert line["status"] == "finding" and "step false, conclusion survives" in line["text"]


def test_a_violation_near_one_never_prints_as_one():
    from mfgcheck.reports.summary import claim_line
    from mfgcheck.reports.tables import summarise_evidence

    ev = {"claim": "lemma9", "step": "lemma9", "lhs": 1.001, "rhs": 1.0, "slack": -0.001,
          "ratio": 1.001, "tightness": 1.001, "holds": False, "status": "violated"}
    rows = summarise_evidence({"lemma9": [ev]}, [])
    line = claim_line("lemma9", [], rows)
    assert line["status"] == "fail" and "max ratio 1 + 0.001" in line["text"]
    ev = dict(ev, lhs=1.0001, ratio=1.0001, tightness=1.0001)
    rows = summarise_evidence({"lemma9": [ev]}, [])
    text = claim_line("lemma9", [], rows)["text"]
    assert "1 + 0.0001" in text and "max ratio 1," not in text and "max ratio 1)" not in text
