"""The report reads in a minute: its HTML structure, file modes, figures and progress output.

The structure is tested on the HTML itself (anchors, table of contents, badges, tables in
scrolling boxes, the summary table, claim links); ``make screenshots`` renders it in
headless Chromium for a person to look at (tests/reports/test_screenshots.py checks that
target when Chromium is installed).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import numpy as np
import pytest

from mfgcheck import registry
from mfgcheck.progress import PlainProgress, progress
from mfgcheck.reports import doc, graph, plots
from mfgcheck.reports.store import atomic_write_text


class _Tree(HTMLParser):
    """Ids, links, classes, and the parent chain of every <table>."""

    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.stack: list[tuple[str, str]] = []
        self.table_parents: list[list[tuple[str, str]]] = []
        self.badges: list[str] = []
        self.nav_links: list[str] = []
        self.in_nav = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "a" and a.get("href", "").startswith("#"):
            self.links.append(a["href"][1:])
            if self.in_nav:
                self.nav_links.append(a["href"][1:])
        if tag == "table":
            self.table_parents.append(list(self.stack))
        if tag == "span" and "badge" in a.get("class", "").split():
            self.badges.append(a["class"])
        if tag == "nav":
            self.in_nav += 1
        if tag not in ("img", "meta", "br"):
            self.stack.append((tag, a.get("class", "")))

    def handle_endtag(self, tag):
        if tag == "nav":
            self.in_nav -= 1
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


@pytest.fixture(scope="module")
def page(report_run):
    out, results = report_run
    html = (out / "index.html").read_text()
    tree = _Tree()
    tree.feed(html)
    return out, results, html, tree


def test_every_anchor_is_unique_and_every_internal_link_resolves(page):
    _, _, _, tree = page
    assert len(tree.ids) == len(set(tree.ids)), sorted(i for i in tree.ids
                                                       if tree.ids.count(i) > 1)
    missing = sorted(set(tree.links) - set(tree.ids))
    assert missing == []


def test_table_of_contents_links_every_section(page):
    out, _, html, tree = page
    h2 = re.findall(r'<h2 id="([^"]+)"', html)
    assert len(h2) >= 4 and set(h2) <= set(tree.nav_links)
    assert html.index('<nav class="toc"') < html.index("<h2")
    md = (out / "index.md").read_text()
    assert "**Contents**" in md and "- [Summary](#summary)" in md
    assert '<a id="summary"></a>' in md


def test_verdict_badges_are_used_and_styled(page):
    _, results, html, tree = page
    statuses = {line["status"] for line in results["summary"]["claims"]}
    used = {c.split("verdict-")[1] for c in tree.badges}
    assert statuses <= used
    for status in used:                  # every class used is defined in the page's CSS
        assert f".badge.verdict-{status} {{ background: {doc.STATUS_COLOURS[status]}; }}" in html
    # no verdict left as bracketed text in the HTML (the Markdown keeps "[PASS]")
    assert not re.search(r"\[(PASS|FINDING|WARN|FAIL|NOT CHECKED)\]", html)


def test_every_table_sits_in_a_scrolling_box(page):
    _, _, html, tree = page
    assert tree.table_parents, "no table"
    for parents in tree.table_parents:
        assert parents and parents[-1] == ("div", "table-wrap")
    assert ".table-wrap { max-width: 100%; overflow-x: auto;" in html
    assert "overflow-wrap: anywhere" in html   # long cells (SymPy conditions) wrap


def test_summary_table_has_one_row_per_claim_with_badge_and_link(page):
    _, results, html, _ = page
    table = re.search(r'<table class="summary">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    claims = results["summary"]["claims"]
    assert len(rows) >= len(claims)
    for line, row in zip(claims, rows):
        assert f'href="#claim-{line["claim"]}"' in row
        assert f'class="badge verdict-{line["status"]}"' in row
    # it comes before every other section's content: the first screen
    assert html.index('<table class="summary">') < html.index('id="claim-lemma1"')


def test_dependency_graph_is_in_the_report(page):
    out, _, html, _ = page
    assert 'src="figures/claims-dependency.png"' in html
    assert (out / "figures" / "claims-dependency.png").read_bytes()[:4] == b"\x89PNG"


def test_output_files_are_readable_by_others(page):
    out, _, _, _ = page
    mask = os.umask(0o022)
    os.umask(mask)
    expected = 0o666 & ~mask
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 5
    for p in files:
        assert p.stat().st_mode & 0o777 == expected, (p, oct(p.stat().st_mode))


def test_atomic_write_gives_0644_under_umask_022(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "f.txt", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "f.txt").stat().st_mode & 0o777 == 0o644


# -- the dependency graph --------------------------------------------------------------------
def test_theorem1_rests_on_every_lemma_and_proposition():
    claims = set(registry.claims("mao2022"))
    assert claims == {f"lemma{i}" for i in range(1, 9)} | {"proposition1", "proposition2",
                                                            "theorem1"}
    assert graph.supports("theorem1") == claims - {"theorem1"}
    assert all(graph.depth(c) < graph.depth("theorem1") for c in claims if c != "theorem1")


def test_layout_draws_every_arrow_left_to_right_without_overlap():
    pos = graph.layout()
    assert set(pos) == set(registry.claims())
    for used, user in registry.dependency_edges():
        assert pos[used][0] < pos[user][0], (used, user)
    assert len(set(pos.values())) == len(pos)


def test_graph_nodes_take_the_colour_of_their_status(monkeypatch, tmp_path):
    captured = {}
    monkeypatch.setattr(plots, "save", lambda fig, path: captured.setdefault("fig", fig))
    statuses = ["pass", "finding", "fail", "warn", "unknown"]
    claims = [{"claim": c, "title": c, "status": statuses[i % 5]}
              for i, c in enumerate(registry.claims())]
    graph.dependency_figure(claims, tmp_path / "g.png")
    ax = captured["fig"].axes[0]
    from matplotlib.colors import to_hex
    boxes = {t.get_text().split("\n")[0]: to_hex(t.get_bbox_patch().get_facecolor())
             for t in ax.texts if t.get_bbox_patch() is not None}
    for line in claims:
        assert boxes[line["claim"]] == doc.STATUS_COLOURS[line["status"]].lower()


# -- figures show what they exist for ----------------------------------------------------------
def _capture(monkeypatch):
    captured = {}
    monkeypatch.setattr(plots, "save", lambda fig, path: captured.setdefault("fig", fig))
    return captured


def test_rate_figure_puts_the_last_iterate_on_its_own_axis(monkeypatch, tmp_path):
    captured = _capture(monkeypatch)
    T = [100, 1000, 10000]
    per_T = [{"T": t, "lhs_mean": t ** -0.2, "last_mean": 1e-12 * t ** -1.0} for t in T]
    entry = {"per_T": per_T, "seeds": [0], "title": "probe", "caption": "c"}
    plots.rate_figure(entry, -0.2, tmp_path / "r.png")
    ax_avg, ax_last = captured["fig"].axes[:2]
    avg_y = np.concatenate([ln.get_ydata() for ln in ax_avg.get_lines()])
    last_y = np.concatenate([ln.get_ydata() for ln in ax_last.get_lines()])
    assert np.all(avg_y > 1e-3)                    # no last-iterate point on the first axis
    assert np.allclose(sorted(last_y), sorted(p["last_mean"] for p in per_T), rtol=1e-12)
    lo, hi = ax_avg.get_ylim()
    assert lo > 1e-3                               # the comparison is not squashed


def _panel(nac, dl):
    its = list(range(0, 10 * len(nac), 10))
    alg = [{"label": lab, "iterations": its, "mean": m, "low": m, "high": m,
            "segment_length": None} for lab, m in (("NAC", nac), ("DL-NAC", dl))]
    return {"algorithms": alg, "n_seeds": 1, "band": "10%-90%", "figure": "Figure 2",
            "title": "probe", "stamp": "s"}


def test_coinciding_curves_are_said_so_and_drawn_distinguishably(monkeypatch, tmp_path):
    base = list(np.geomspace(0.7, 1e-3, 8))
    same = _panel(base, [v + 3e-15 for v in base])
    note = plots.coincidence_note(same)
    assert "coincide" in note and "3e-15" in note
    captured = _capture(monkeypatch)
    plots.exploitability_figure(same, tmp_path / "f.png")
    lines = captured["fig"].axes[0].get_lines()
    assert lines[0].get_linestyle() != lines[1].get_linestyle()
    assert lines[1].get_marker() not in (None, "None", "")
    apart = _panel(base, [v * 0.5 for v in base])
    assert plots.coincidence_note(apart) == ""


def test_a_flat_curve_is_not_zoomed_into_noise(monkeypatch, tmp_path):
    captured = _capture(monkeypatch)
    flat = _panel([0.697, 0.6972, 0.6969, 0.6971], [0.6975, 0.6968, 0.697, 0.6973])
    plots.exploitability_figure(flat, tmp_path / "f.png")
    lo, hi = captured["fig"].axes[0].get_ylim()
    assert lo == 0 and hi >= 0.6975


# -- progress ------------------------------------------------------------------------------------
def test_plain_progress_writes_whole_lines(monkeypatch):
    monkeypatch.setattr("mfgcheck.progress.MIN_INTERVAL", 0.0)
    stream = io.StringIO()
    bar = progress(total=1000, desc="runs", stream=stream)
    assert isinstance(bar, PlainProgress)
    for _ in range(1000):
        bar.update(1)
    bar.close()
    text = stream.getvalue()
    lines = text.splitlines()
    assert "\r" not in text and "\x1b" not in text
    assert lines[0] == "runs: 0/1000" and lines[-1].startswith("runs: 1000/1000 done in")
    assert 3 <= len(lines) <= 12          # about one line per tenth, not one per update


def test_progress_is_a_bar_on_a_terminal_and_can_be_forced(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("MFGCHECK_PROGRESS", raising=False)
    bar = progress(total=3, desc="x", stream=Tty())
    assert not isinstance(bar, PlainProgress)
    bar.close()
    monkeypatch.setenv("MFGCHECK_PROGRESS", "plain")
    assert isinstance(progress(total=3, desc="x", stream=Tty()), PlainProgress)


def test_a_redirected_run_writes_no_bar_fragments(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "MFGCHECK_PROGRESS"}
    proc = subprocess.run(
        [sys.executable, "-m", "mfgcheck.cli", "rate", "--game", "sis", "--T", "30", "100",
         "--out", str(tmp_path)], capture_output=True, text=True, timeout=600, env=env,
        cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    err = proc.stderr
    assert "\r" not in err and "\x1b[" not in err
    # whole lines that say what ran (the sweep's own progress lines, or PlainProgress's)
    lines = err.splitlines()
    assert lines and err.endswith("\n")
    assert any("sis-exact" in ln for ln in lines), err[-2000:]


def test_findings_table_is_in_the_report_and_links_to_the_claims(page):
    _, results, html, _ = page
    registry = results["summary"].get("registry", [])
    assert registry, "the findings registry is not in results.json"
    i = html.index('<h3 id="findings-against-the-paper-registry"')
    table = html[i:html.index("</table>", i)]
    for f in registry:
        assert f["id"] in table
        if f["claim"].startswith(("lemma", "proposition", "theorem")):
            assert f'href="#claim-{f["claim"]}"' in table
    # the summary's severity column reads the same registry
    summary = re.search(r'<table class="summary">(.*?)</table>', html, re.S).group(1)
    assert "major" in summary or "minor" in summary


def test_proof_step_tables_are_folded_under_their_claim_heading(page):
    """Every claim's proof-step table sits in a closed <details> right after its heading,
    whose one-line summary counts its steps by verdict (from results.json); the Markdown
    carries the same fold."""
    out, results, html, _ = page
    theory = results["parts"]["theory"]
    for claim, counts in theory["counts"].items():
        m = re.search(rf'id="claim-{claim}">.*?</h3>\s*<details><summary>(.*?)</summary>'
                      r'\s*<div class="table-wrap"><table>', html, re.S)
        assert m, claim
        n = sum(1 for s in theory["steps"] if s["claim"] == claim)
        assert m.group(1).startswith(f"{n} steps: ")
        for verdict, k in counts.items():
            assert f"{k} {verdict}" in m.group(1)
    assert "<details open" not in html           # folded until the reader opens them
    md = (out / "index.md").read_text()
    assert md.count("<details>") == md.count("</details>") == html.count("<details>") >= \
        len(theory["counts"])


def test_lemma_table_status_column_has_verdict_badges(page):
    _, results, html, _ = page
    table = html[html.index('id="lemma-checks'):]
    table = table[:table.index("</table>")]
    header = re.findall(r"<th>(.*?)</th>", table)
    col = header.index("status")
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    assert len(rows) == len(results["parts"]["lemmas"]["rows"]) > 0
    for row, rec in zip(rows, results["parts"]["lemmas"]["rows"]):
        cell = re.findall(r"<td>(.*?)</td>", row, re.S)[col]
        assert cell == f'<span class="badge verdict-{rec["status"]}">' \
                       f'{doc.STATUS_LABELS[rec["status"]]}</span>'
    # folded under a summary that counts the checks by status
    summary = re.search(r"<details><summary>(.*?)</summary>", table, re.S).group(1)
    assert summary.startswith(f"{len(rows)} checks: ")
    statuses = [r["status"] for r in results["parts"]["lemmas"]["rows"]]
    for st in set(statuses):
        assert f'{doc.STATUS_LABELS[st]}</span> {statuses.count(st)}' in summary


def test_details_fold_blocks_in_both_renderings():
    d = doc.Document("t", [doc.Para("intro"), doc.Heading(2, "A"),
                           doc.Details("3 steps: **2** proved",
                                       [doc.Heading(3, "inner"), doc.Table(["x"], [["1"]])])])
    html = doc.to_html(d)
    assert '<details><summary>3 steps: <strong>2</strong> proved</summary>' in html
    assert html.index("<details>") < html.index('<h3 id="inner">') < html.index("<table>") \
        < html.index("</details>")
    md = doc.to_markdown(d)
    assert "<details>\n<summary>3 steps: <strong>2</strong> proved</summary>\n\n" in md
    assert md.index("| x |") < md.index("</details>")
    assert [a for _, a in d.anchors()] == ["a", "inner"]


def test_consecutive_figures_share_a_row_and_a_lone_one_keeps_the_width():
    d = doc.Document("t", [doc.Image("a.png", "a"), doc.Para("x"), doc.Image("b.png", "b"),
                           doc.Image("c.png", "c"), doc.Image("e.png", "e")])
    html = doc.to_html(d)
    assert html.count('<div class="figure-row">') == 1
    row = html[html.index('<div class="figure-row">'):]
    row = row[:row.index("</div>")]
    assert [f in row for f in ("a.png", "b.png", "c.png", "e.png")] == [False, True, True, True]
    assert ".figure-row { display: grid;" in html
    assert "figure-row" not in doc.to_markdown(d)
