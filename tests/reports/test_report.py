"""The report of the ``test`` profile: files, results.json, regeneration, provenance of numbers,
resuming, and the exit status."""

import json
import re
import shutil

import pytest

from mfgcheck.reports import load_results, regenerate, run_report
from mfgcheck.reports import summary as summary_mod
from mfgcheck.reports.doc import fmt

NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?")


def test_writes_pages_results_and_figures(report_run):
    out, results = report_run
    for name in ("index.md", "index.html", "results.json"):
        assert (out / name).stat().st_size > 0
    html = (out / "index.html").read_text()
    assert "<script" not in html
    figures = sorted(p.name for p in (out / "figures").glob("*.png"))
    assert figures == ["ablation-critic-errors.png", "claims-dependency.png",
                       "paper-fig1-sis-exact.png", "paper-fig1-sis-sampled.png",
                       "rate-sis-exact.png", "serverless-latency-cdf.png",
                       "serverless-resources.png", "serverless-violations.png"]
    for fig in figures:                    # every figure is referenced by both pages
        assert f"figures/{fig}" in html
        assert f"figures/{fig}" in (out / "index.md").read_text()
        assert (out / "figures" / fig).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_results_json_records_provenance(report_run):
    out, results = report_run
    data = json.loads((out / "results.json").read_text())     # strict JSON
    env = data["environment"]
    for pkg in ("python", "numpy", "scipy", "sympy", "cvxpy", "mfgcheck", "platform"):
        assert env[pkg]
    assert set(data["wall_time"]) >= {"theory", "lemmas", "assumptions", "rate",
                                      "experiments", "total"}
    assert data["profile"]["name"] == "test"
    rate = data["parts"]["rate"]["settings"][0]
    assert [p["T"] for p in rate["per_T"]] == [30, 100, 300]
    assert rate["seeds"] == [0] and rate["bootstrap"] == "points"
    for p in rate["per_T"]:       # step sizes as Theorem 1 prescribes, from the profile
        lam = rate["game"]["lam"]
        assert p["eta"] == pytest.approx(3.0 * p["T"] ** -0.4 / lam, rel=1e-12)
        assert p["beta"] == pytest.approx(10.0 * p["T"] ** -0.8, rel=1e-12)
    assert all(part["status"] == "ok" for part in data["parts"].values()), {
        k: v.get("error") for k, v in data["parts"].items()}


def test_from_results_json_reproduces_the_pages_byte_for_byte(report_run, tmp_path):
    out, _ = report_run
    shutil.copy(out / "results.json", tmp_path / "results.json")   # results.json alone
    regenerate(tmp_path / "results.json")
    for name in ("index.md", "index.html"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name
    for fig in (out / "figures").glob("*.png"):
        assert (tmp_path / "figures" / fig.name).read_bytes() == fig.read_bytes(), fig.name


def _leaves(x):
    if isinstance(x, dict):
        for v in x.values():
            yield from _leaves(v)
    elif isinstance(x, list):
        for v in x:
            yield from _leaves(v)
    else:
        yield x


def test_every_number_in_the_markdown_comes_from_results_json(report_run):
    out, results = report_run
    allowed = set()
    for leaf in _leaves(load_results(out / "results.json")):
        if isinstance(leaf, bool) or leaf is None:
            continue
        if isinstance(leaf, (int, float)):
            allowed |= {fmt(leaf), str(leaf)}
        allowed |= set(NUMBER.findall(str(leaf)))
    md = (out / "index.md").read_text()
    # The template's own numbers are small integers (claim and equation numbers, exit
    # codes, "10%-90%"); every other number must be a value of results.json.
    static = {str(i) for i in range(-20, 21)} | {"90", "-90"}
    stray = sorted({tok for tok in NUMBER.findall(md) if tok not in allowed | static})
    assert stray == []


def test_pages_follow_results_json(report_run, tmp_path):
    """Change a number in results.json: the regenerated page shows the new number."""
    out, _ = report_run
    data = json.loads((out / "results.json").read_text())
    data["parts"]["rate"]["settings"][0]["per_T"][1]["lhs_mean"] = 0.123456789
    (tmp_path / "results.json").write_text(json.dumps(data))
    regenerate(tmp_path / "results.json")
    def rows_at_T100(page):
        # the rate table's row of T = 100 only: elsewhere (e.g. a part's wall time) 0.123 may
        # occur by coincidence
        return [line for line in page.splitlines() if line.startswith("| 100 |")]

    new_rows = rows_at_T100((tmp_path / "index.md").read_text())
    old_rows = rows_at_T100((out / "index.md").read_text())
    assert new_rows and any("0.123 |" in row for row in new_rows)
    assert not any("0.123" in row for row in old_rows)


def test_rerun_resumes_from_stored_runs(report_run):
    out, first = report_run
    assert first["runs"]["computed"] > 0
    again = run_report("test", out, parts={"rate", "experiments"})
    assert again["runs"]["computed"] == 0
    assert again["runs"]["reused"] == first["runs"]["computed"]
    assert again["parts"]["rate"]["settings"][0]["per_T"] == \
        first["parts"]["rate"]["settings"][0]["per_T"]


def _parts(lemma_status=None, verdict="proved", error=False, setting_error=False,
           crashed=False, zero=False, unselected=False):
    """Every claim checked and passing, except lemma4's step ``lemma4.x``."""
    from mfgcheck.properties import CLAIMS

    steps = [{"id": "lemma4.x", "claim": "lemma4", "verdict": verdict, "detail": "",
              "note": ""}]
    rows = [{"claim": c, "step": c, "examples": 5, "violations": 0, "confirmed": 0,
             "max_ratio": 0.5, "status": "pass"} for c in CLAIMS]
    calls = {c: {"examples": 5, "raised": 0} for c in CLAIMS}
    if lemma_status is not None:
        rows.append({"claim": "lemma4", "step": "lemma4.x", "examples": 5,
                     "violations": 0 if lemma_status == "pass" else 2,
                     "confirmed": 0 if lemma_status in ("pass", "candidate") else 2,
                     "max_ratio": 1.5, "status": lemma_status})
        calls["lemma4.x"] = {"examples": 5, "raised": 0}
    if crashed:
        calls["lemma4.x"] = {"examples": 3, "raised": 2}
    if zero:
        calls["lemma4.x"] = {"examples": 0, "raised": 0}
    parts = {"theory": {"status": "ok", "steps": steps},
             "lemmas": {"status": "ok", "rows": rows, "calls": calls,
                        "selected": [c for c in CLAIMS
                                     if not (unselected and c == "lemma1")]}}
    if error:
        parts["rate"] = {"status": "error", "error": "boom"}
    if setting_error:      # one setting of a part failed, the part itself ran
        parts["experiments"] = {"status": "ok", "panels": [],
                                "errors": [{"id": "fig1", "error": "boom"}]}
    return parts


@pytest.mark.parametrize("parts, status", [
    (_parts("pass"), 0),
    (_parts("finding", verdict="refuted"), 0),     # a documented finding does not fail
    (_parts("fail"), 1),                            # an unexplained violation fails
    (_parts("candidate"), 3),                       # float64 only: undecided
    (_parts("pass", error=True), 3),                # a part that could not run
    (_parts("fail", error=True), 1),
    (_parts("pass", setting_error=True), 3),
    (_parts("pass", crashed=True), 3),              # a check that raised
    (_parts("pass", zero=True), 3),                 # a check that saw 0 examples
    (_parts("pass", unselected=True), 3),           # a claim whose checks did not run
])
def test_exit_status(parts, status):
    assert summary_mod.build(parts)["exit_status"] == status


@pytest.mark.parametrize("kw", [{"crashed": True}, {"zero": True}])
def test_a_check_without_evidence_is_not_checked_never_pass(kw):
    s = summary_mod.build(_parts("pass", **kw))
    line = next(ln for ln in s["claims"] if ln["claim"] == "lemma4")
    assert line["status"] == "unknown" and "not checked" in line["text"]
    assert "lemma4.x" in s["not_checked"]["lemma4"]
