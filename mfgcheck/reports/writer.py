"""Render ``index.md``, ``index.html`` and the figures from results.json data alone.

``write_pages(results, out)`` builds one ``doc.Document`` from the results dict (never from
in-memory objects of a run), writes it as Markdown and as plain HTML+CSS, and draws the
figures (``figures.units``) as PNG files under ``<out>/figures/`` (the pages refer to them by
relative path, so the directory is self-contained); the report hands it the PNGs it drew
while running (``figures.EarlyFigures``), used only for the very data results.json holds.
``regenerate(results_json, out)`` is ``mfgcheck report --from``: the same pages from the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from . import experiments, rate, serverless, tables
from .doc import (
    Bullets,
    Code,
    Details,
    Document,
    Heading,
    Image,
    Para,
    Table,
    badge,
    fmt,
    to_html,
    to_markdown,
)
from .figures import DEPENDENCY_FIGURE
from .results import load_results

FIGURES = "figures"
SEVERITY_ORDER = ("major", "minor", "none")


def build_document(results: dict) -> Document:
    doc = Document(results["title"])
    s = results["summary"]
    doc.add(Para(f"Checks the theory of *{results['paper']}* claim by claim. Generated "
                 f"{results['generated_utc']} by `{results['command']}`; exit status "
                 f"**{fmt(s['exit_status'])}** (0: every check passed or is a documented "
                 "finding; 1: a check failed; 3: a part could not run). How to read this "
                 "report: docs/report.md."))
    doc.add(*_summary_blocks(results))
    parts = results["parts"]
    renderers: tuple[tuple[str, Callable[..., list]], ...] = (
        ("rate", rate.render), ("experiments", experiments.render),
        ("ablation", experiments.render_ablation), ("lemmas", tables.render_lemmas),
        ("theory", tables.render_theory), ("assumptions", tables.render_assumptions),
        ("serverless", serverless.render))
    for name, render in renderers:
        part = parts.get(name)
        if part is None:
            continue
        if part.get("status") != "ok":
            doc.add(Heading(2, f"{name}: could not run"),
                    Para(f"**error**: `{part.get('error', '')}`"),
                    Code(part.get("traceback", "")))
            continue
        if name in ("rate", "experiments", "serverless", "ablation"):
            doc.add(*render(part, FIGURES))
            for e in part.get("errors", []):
                doc.add(Para(f"**{e['id']} could not run**: `{e['error']}`"),
                        Code(e.get("traceback", "")))
        else:
            doc.add(*render(part))
    doc.add(*_reproducibility_blocks(results))
    return doc


def _summary_rows(results: dict) -> list[list[str]]:
    """The one-screen summary: per claim its status badge, the severity of its most severe
    finding in the findings registry (``summary.registry``) and that finding's one-line
    consequence; registry entries about something other than a claim (an assumption, the
    experiments) get a row of their own."""
    s = results["summary"]
    registry = s.get("registry", [])
    by_claim: dict[str, list[dict]] = {}
    for f in registry:
        by_claim.setdefault(f["claim"], []).append(f)

    def worst(claim):
        fs = sorted(by_claim.get(claim, []), key=lambda f: SEVERITY_ORDER.index(f["severity"]))
        return fs[0] if fs else None

    rows = []
    titles = {line["claim"]: line["title"] for line in s["claims"]}
    for line in s["claims"]:
        f = worst(line["claim"])
        link = f"[{line['title']}](#{tables.claim_anchor(line['claim'])})"
        rows.append([link, badge(line["status"]), f["severity"] if f else "—",
                     f["consequence"] if f else line["text"]])
    for claim in by_claim:
        if claim not in titles:
            f = worst(claim)
            rows.append([tables.claim_title(claim), badge("finding"), f["severity"],
                         f["consequence"]])
    return rows


def _summary_blocks(results: dict) -> list:
    s = results["summary"]
    c = s["counts"]
    blocks = [Heading(2, "Summary", anchor="summary"),
              Para(f"{fmt(c['pass'])} pass, {fmt(c['finding'])} findings against the paper, "
                   f"{fmt(c['warn'])} warnings, {fmt(c['fail'])} failed checks, "
                   f"{fmt(c.get('candidate', 0))} unconfirmed (float64-only) violations, "
                   f"{fmt(c['unknown'])} not checked."),
              Table(["claim", "verdict", "severity", "consequence (the most severe finding)"],
                    _summary_rows(results), cls="summary"),
              Image(f"{FIGURES}/{DEPENDENCY_FIGURE}", "the claims' dependency graph",
                    "The claims' dependency graph (appendix A-C): an arrow A -> B means the "
                    "proof of B uses A; each claim in the colour of its verdict above."),
              Heading(3, "Each claim, in detail")]
    items = []
    for line in s["claims"]:
        items.append(f"{badge(line['status'])} **{line['title']}**: {line['text']}")
        for d in line.get("details", []):
            items.append(f"{badge(d['status'])} **{line['title']}** rate, {d['text']}")
    blocks.append(Details(f"{fmt(len(items))} lines: each claim's verdict with its evidence, "
                          "then each rate setting", [Bullets(items)]))
    if s.get("key_findings"):
        blocks += [Heading(3, "What the measurements say"), Bullets(s["key_findings"])]
    if s["other"]:
        blocks += [Heading(3, "Assumptions and the paper's experiments"),
                   Bullets([f"{badge(o['status'])} {o['text']}" for o in s["other"]])]
    from .tables import render_registry

    blocks += render_registry(s.get("registry", []))
    if s["findings"]:
        blocks += [Heading(3, "Findings against the paper (proof steps)"),
                   Details(f"{fmt(len(s['findings']))} proof steps theory refutes or makes "
                           "conditional, with their counterexamples and conditions",
                           [Bullets([f"`{f['id']}` ({f['verdict']}): `{f['detail']}`"
                                     + (f". {f['note']}" if f["note"] else "")
                                     for f in s["findings"]])])]
    if s["errors"]:
        blocks += [Heading(3, "Parts that could not run"),
                   Bullets([f"{k}: `{v}`" for k, v in sorted(s["errors"].items())])]
    return blocks


def _reproducibility_blocks(results: dict) -> list:
    env = results["environment"]
    wall = results["wall_time"]
    runs = results["runs"]
    return [
        Heading(2, "Reproducibility"),
        Para(f"Runs are stored one file each under `{runs['directory']}/` (keyed by a hash of "
             f"their settings): {fmt(runs['computed'])} computed, {fmt(runs['reused'])} reused "
             "from an earlier, interrupted or identical invocation. `mfgcheck report --from "
             "results.json` regenerates these pages from results.json alone."),
        Table(["part", "wall time (s)"], [[k, fmt(v)] for k, v in wall.items()]),
        Details("package versions", [Table(["package", "version"],
                                           [[k, str(v)] for k, v in env.items()])]),
        Heading(3, "Parameters (the profile)"),
        Details("every parameter of the profile (JSON)",
                [Code(json.dumps(results["profile"], indent=1, sort_keys=True))]),
    ]


def draw_figures(results: dict, out, executor=None, drawn=None) -> list[Path]:
    """Draw every figure of ``results`` (``figures.units``) into ``<out>/figures``: in this
    process, or with ``executor`` (the report's workers: side by side, the same bytes) when
    one is given. ``drawn``: PNGs drawn while the report ran (``figures.EarlyFigures``), used
    for the units whose key (file name and data) they were drawn under."""
    from .figures import draw_task, draw_unit, units
    from .store import atomic_write_bytes

    figdir = Path(out) / FIGURES
    figdir.mkdir(parents=True, exist_ok=True)
    todo = []
    for unit in units(results):
        png = (drawn or {}).get(unit.key)
        if png is None:
            todo.append(unit)
        else:
            atomic_write_bytes(figdir / unit.name, png)
    if executor is None or executor.workers < 2:
        for unit in todo:
            draw_unit(unit, figdir)
    else:
        for unit, outcome in zip(todo, executor.map(draw_task, todo)):
            if not outcome.ok:
                raise RuntimeError(f"drawing the figures: {outcome.error}\n"
                                   f"{outcome.traceback or ''}")
            atomic_write_bytes(figdir / unit.name, outcome.value)
    return sorted(figdir.glob("*.png"))


def write_pages(results: dict, out, executor=None, drawn=None) -> dict:
    """Write index.md, index.html and the figures into ``out`` (the figures drawn with
    ``executor`` if given, those in ``drawn`` taken as drawn: ``draw_figures``); returns
    their paths."""
    from .store import atomic_write_text

    out = Path(out)
    doc = build_document(results)
    figures = draw_figures(results, out, executor, drawn)
    md, html = out / "index.md", out / "index.html"
    atomic_write_text(md, to_markdown(doc))
    atomic_write_text(html, to_html(doc))
    return {"markdown": md, "html": html, "figures": figures}


def regenerate(results_json, out=None) -> dict:
    """``mfgcheck report --from results.json``: the pages from the file alone."""
    results_json = Path(results_json)
    out = Path(out) if out is not None else results_json.parent
    return write_pages(load_results(results_json), out)
