"""How claims, proof steps and verdict tables show themselves in Jupyter.

Jupyter calls ``_repr_html_`` (a table) and ``_repr_latex_`` (the relation in the paper's
notation) when an object is the last expression of a cell; the plain ``repr`` stays short.
:class:`StepTable` is what :func:`mfgcheck.theory.verdicts` returns: a list of
:class:`~mfgcheck.theory.core.Step` (so code that iterates or indexes it is unchanged) whose
``repr`` is one line of counts, whose HTML is the verdict table, and which filters by
claim or verdict.

Relations in the HTML cells are written as ``\\( ... \\)`` LaTeX, which the notebook's
MathJax typesets; every other text is HTML-escaped.
"""

from __future__ import annotations

import html

import sympy as sp

from .symbols import LATEX_NAMES
from .vocabulary import VERDICTS

VERDICT_COLOURS = {"proved": "#1e8449", "conditional": "#b9770e", "refuted": "#c0392b",
                   "numeric": "#2e6da4", "unknown": "#7f8c8d"}
"""Badge colour per verdict (unknown verdicts, e.g. from a later verdict type, are grey)."""


def _tex(expr) -> str:
    return sp.latex(expr, symbol_names=LATEX_NAMES)


def _tex_text(text: str) -> str:
    """Text for ``\\text{...}``: underscores escaped."""
    return text.replace("_", r"\_")


def _badge(verdict: str) -> str:
    colour = VERDICT_COLOURS.get(verdict, VERDICT_COLOURS["unknown"])
    return (f'<span style="background:{colour};color:#fff;border-radius:.6em;'
            f'padding:0 .45em;font-size:.85em;font-weight:600">{html.escape(verdict)}</span>')


def _cell(text) -> str:
    return f'<td style="text-align:left;vertical-align:top">{text}</td>'


_HEAD = ("step", "what", "relation", "verdict", "condition / counterexample / property")


def _row(step) -> str:
    return "<tr>" + "".join(_cell(c) for c in (
        f"<code>{html.escape(step.id)}</code>", html.escape(step.label),
        f"\\({_tex(step.relational)}\\)", _badge(step.verdict),
        html.escape(step.detail()))) + "</tr>"


def _steps_html(steps, caption: str = "") -> str:
    """An HTML table of proof steps: id, what, relation (LaTeX), verdict badge, detail."""
    head = "".join(f'<th style="text-align:left">{h}</th>' for h in _HEAD)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    body = "".join(_row(s) for s in steps)
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _counts_text(steps) -> str:
    """``"12 proved, 3 conditional, ..."`` (verdicts in order of first appearance)."""
    counts: dict[str, int] = {}
    for s in steps:
        counts[s.verdict] = counts.get(s.verdict, 0) + 1
    return ", ".join(f"{n} {v}" for v, n in counts.items())


def verdict_counts(steps) -> dict[str, int]:
    """Number of steps per verdict, every verdict of ``VERDICTS`` in its order."""
    return {v: sum(s.verdict == v for s in steps) for v in VERDICTS}


def text_table(steps, width: int = 46) -> str:
    """The plain-text verdict table: id, relation, justification (cut to ``width``),
    verdict, condition/counterexample; then the counts per verdict."""
    steps = list(steps)
    wid = max(len(s.id) for s in steps)
    lines = [f"{'step':<{wid}}  rel  {'justification':<{width}}  {'verdict':<11}  detail"]
    lines.append("-" * len(lines[0]))
    for s in steps:
        why = s.justification if len(s.justification) <= width else \
            s.justification[: width - 3] + "..."
        lines.append(f"{s.id:<{wid}}  {s.relation:<3}  {why:<{width}}  {s.verdict:<11}  "
                     f"{s.detail()}")
    counts = verdict_counts(steps)
    lines.append("")
    lines.append(", ".join(f"{n} {v}" for v, n in counts.items()) + f" ({len(steps)} steps)")
    return "\n".join(lines)


def claim_html(claim) -> str:
    """A claim: title, reference, statement, its conclusion in LaTeX, and its steps."""
    return (f"<p><strong>{html.escape(claim.title)}</strong> "
            f"<em>({html.escape(claim.reference)})</em>: {html.escape(claim.statement)}</p>"
            f"<p>\\[{_tex(claim.relational)}\\]</p>"
            + _steps_html(claim.steps, caption=f"{len(claim.steps)} steps: "
                                              f"{_counts_text(claim.steps)}"))


def step_html(step) -> str:
    return _steps_html([step])


class StepTable(list):
    """Proof steps as a list, displayed as a table (:mod:`mfgcheck.theory.display`).

    ``repr`` is one line; ``_repr_html_`` the table; ``text()`` the plain-text table of
    ``mfgcheck.theory.table``; ``by_claim(name)`` and ``by_verdict(verdict)`` filter."""

    def __repr__(self) -> str:
        claims = len({s.claim for s in self})
        return (f"<StepTable: {len(self)} steps of {claims} claims: {_counts_text(self)}; "
                "display it in Jupyter, print(t.text()), or filter with t.by_claim(name) / "
                "t.by_verdict(v)>")

    def _repr_html_(self) -> str:
        return _steps_html(self, caption=f"{len(self)} steps: {_counts_text(self)}")

    def _repr_latex_(self) -> str:
        rows = " \\\\ ".join(f"\\text{{{_tex_text(s.id)}}} & {_tex(s.relational)} & "
                             f"\\text{{{s.verdict}}}" for s in self)
        return f"$\\begin{{array}}{{lll}} {rows} \\end{{array}}$"

    def text(self) -> str:
        return text_table(self)

    def by_claim(self, name: str) -> StepTable:
        return StepTable(s for s in self if s.claim == name)

    def by_verdict(self, verdict: str) -> StepTable:
        return StepTable(s for s in self if s.verdict == verdict)
