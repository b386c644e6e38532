"""A tiny document model rendered to Markdown and to plain HTML+CSS (no JavaScript).

The report is a list of blocks (``Heading``, ``Para``, ``Bullets``, ``Table``, ``Image``,
``Code``; ``Details`` folds blocks under a one-line summary); each renders to Markdown and
to HTML, so both pages carry the same text and numbers. Inline markup inside text is the
Markdown subset ``**bold**``, ``*italic*``, ```code``` and ``[text](url)``; the HTML renderer
escapes everything else.

Reading aids, in both renderings: every heading gets a unique anchor (``Heading.anchor`` or
a slug of its text) and the document opens with a table of contents linking to the level-2
and level-3 headings; ``badge(status)`` writes a verdict as ``[FINDING]``, which the HTML
renderer turns into a coloured badge (``STATUS_COLOURS``, one colour per status, also used
by the figures); every HTML table sits in a horizontally scrolling box and long cells wrap,
so no table runs off the page; long reference tables (every proof step, the parameters) are
folded (``Details``) and open on a click.

``fmt`` is the one number formatter of the report: every number a page shows goes through it
(3 significant digits by default; integers in full), and the tests check that each number
token of ``index.md`` is ``fmt`` of a number in results.json.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field


def fmt(x, digits: int = 3) -> str:
    """A number as the report prints it: ints in full, floats to ``digits`` significant
    digits (``%g``), non-finite as ``nan``/``inf``; ``None`` as an em dash."""
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return str(x)
    x = float(x)
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if x == 0:
        return "0"
    return f"{x:.{digits}g}"


STATUS_LABELS = {"pass": "PASS", "finding": "FINDING", "warn": "WARN", "fail": "FAIL",
                 "candidate": "CANDIDATE", "unknown": "NOT CHECKED"}
"""How each status of the report reads (``unknown``: the check did not run or saw nothing;
``candidate``: a float64 violation not yet confirmed at high precision)."""

STATUS_ORDER = ("fail", "candidate", "unknown", "finding", "warn", "pass")
"""The statuses from the most to the least severe (a line's worst status wins)."""

STATUS_COLOURS = {"pass": "#1e8449", "finding": "#b9770e", "warn": "#d4ac0d",
                  "fail": "#c0392b", "candidate": "#8e44ad", "unknown": "#7f8c8d"}
"""One colour per status: the HTML badges and the dependency-graph figure use these."""

_BADGE = re.compile(r"\[(" + "|".join(STATUS_LABELS.values()) + r")\](?!\()")
_STATUS_OF_LABEL = {label: status for status, label in STATUS_LABELS.items()}


def badge(status: str) -> str:
    """A verdict as inline text: ``[FINDING]`` (Markdown shows it as is; HTML as a badge)."""
    return f"[{STATUS_LABELS[status]}]"


@dataclass
class Heading:
    level: int
    text: str
    anchor: str = ""


@dataclass
class Para:
    text: str
    cls: str = ""  # HTML class (e.g. "verdict-fail"); Markdown ignores it


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    caption: str = ""
    cls: str = ""  # HTML class of the table (e.g. "summary"); Markdown ignores it


@dataclass
class Image:
    path: str
    alt: str
    caption: str = ""


@dataclass
class Code:
    text: str


@dataclass
class Details:
    """Blocks folded under a one-line ``summary`` (HTML ``<details>``: closed until the reader
    opens it; the Markdown carries the same tags, which GitHub renders folded and a plain
    reader sees as one line before the content). Long reference material (every proof step,
    the parameters) folds away, so the page reads in a minute."""

    summary: str
    blocks: list = field(default_factory=list)


@dataclass
class Document:
    title: str
    blocks: list = field(default_factory=list)
    toc: bool = True  # a table of contents after the first paragraph

    def add(self, *blocks) -> Document:
        self.blocks.extend(blocks)
        return self

    def anchors(self) -> list[tuple[Heading, str]]:
        """Every heading with its unique anchor (explicit, else a slug of the text; a
        repeated slug gets ``-2``, ``-3``, ...)."""
        seen: dict[str, int] = {}
        out = []
        for b in _walk(self.blocks):
            if isinstance(b, Heading):
                base = b.anchor or _slug(b.text) or "section"
                seen[base] = seen.get(base, 0) + 1
                out.append((b, base if seen[base] == 1 else f"{base}-{seen[base]}"))
        return out

    def contents(self) -> list[tuple[int, str, str]]:
        """``(level, text, anchor)`` of the level-2 and level-3 headings: the table of
        contents."""
        return [(h.level, h.text, a) for h, a in self.anchors() if h.level in (2, 3)]


def _walk(blocks):
    """Every block, those folded in ``Details`` included, in document order."""
    for b in blocks:
        yield b
        if isinstance(b, Details):
            yield from _walk(b.blocks)


def _toc_position(doc: Document) -> int:
    """The table of contents goes after the opening paragraph(s), before the first heading."""
    for i, b in enumerate(doc.blocks):
        if isinstance(b, Heading):
            return i
    return len(doc.blocks)


# -- Markdown --------------------------------------------------------------------------
def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_toc(doc: Document) -> list[str]:
    lines = ["**Contents**", ""]
    for level, text, anchor in doc.contents():
        lines.append("  " * (level - 2) + f"- [{_md_link_text(text)}](#{anchor})")
    return lines + [""]


def _md_link_text(text: str) -> str:
    return text.replace("[", "(").replace("]", ")")


def to_markdown(doc: Document) -> str:
    out = [f"# {doc.title}", ""]
    anchors = {id(h): a for h, a in doc.anchors()}
    toc_at = _toc_position(doc) if doc.toc and doc.contents() else -1
    for i, b in enumerate(doc.blocks):
        if i == toc_at:
            out += _md_toc(doc)
        out += _md_block(b, anchors)
    return "\n".join(out).rstrip("\n") + "\n"


def _md_block(b, anchors) -> list[str]:
    out: list[str] = []
    if isinstance(b, Heading):
        out += [f'<a id="{anchors[id(b)]}"></a>', "", "#" * b.level + " " + b.text, ""]
    elif isinstance(b, Details):
        # the summary line as HTML (GitHub renders Markdown inside <summary> as text)
        out += ["<details>", f"<summary>{inline_html(b.summary)}</summary>", ""]
        for inner in b.blocks:
            out += _md_block(inner, anchors)
        out += ["</details>", ""]
    elif isinstance(b, Para):
        out += [b.text, ""]
    elif isinstance(b, Bullets):
        out += [f"- {item}" for item in b.items] + [""]
    elif isinstance(b, Table):
        if b.caption:
            out += [b.caption, ""]
        out.append("| " + " | ".join(_md_cell(h) for h in b.header) + " |")
        out.append("|" + "|".join("---" for _ in b.header) + "|")
        out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]
        out.append("")
    elif isinstance(b, Image):
        out += [f"![{b.alt}]({b.path})", ""]
        if b.caption:
            out += [f"*{b.caption}*", ""]
    elif isinstance(b, Code):
        out += ["```", b.text.rstrip("\n"), "```", ""]
    else:  # pragma: no cover - a programming error
        raise TypeError(f"unknown block {type(b).__name__}")
    return out


# -- HTML ------------------------------------------------------------------------------
_INLINE = [
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*([^*]+)\*\*"), r"<strong>\1</strong>"),
    # *italic* only between whitespace-delimited asterisks, so that products such as
    # (gamma + 1)*log(nA) in a formula stay as they are
    (re.compile(r"(?<!\S)\*([^*\s][^*]*?[^*\s]|[^*\s])\*(?![\w*])"), r"<em>\1</em>"),
    (re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)"), r'<a href="\2">\1</a>'),
]


def inline_html(text: str) -> str:
    """Escape ``text`` and convert the inline Markdown subset. Code spans are protected
    from the other rules."""
    parts = re.split(r"(`[^`]+`)", str(text))
    out = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append(f"<code>{html.escape(part[1:-1])}</code>")
            continue
        s = html.escape(part, quote=False)
        s = _BADGE.sub(lambda m: _badge_html(_STATUS_OF_LABEL[m.group(1)]), s)
        for pattern, repl in _INLINE[1:]:
            s = pattern.sub(repl, s)
        out.append(s)
    return "".join(out)


def _badge_html(status: str) -> str:
    return f'<span class="badge verdict-{status}">{STATUS_LABELS[status]}</span>'


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 1180px;
       margin: 2em auto; padding: 0 1em; color: #1b1b1b; line-height: 1.45; }
h1, h2, h3 { line-height: 1.2; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; }
h2, h3 { scroll-margin-top: .5em; }
nav.toc { background: #f7f7f7; border: 1px solid #ddd; padding: .4em 1em; margin: 1em 0;
          columns: 2; column-gap: 2em; font-size: .92em; }
nav.toc ul { margin: .2em 0; padding-left: 1.2em; } nav.toc > ul { padding-left: 0; }
nav.toc li { list-style: none; break-inside: avoid; } nav.toc ul ul li { list-style: disc; }
.table-wrap { max-width: 100%; overflow-x: auto; margin: .6em 0 1.2em; }
table { border-collapse: collapse; font-size: 0.88em; }
th, td { border: 1px solid #bbb; padding: .25em .5em; text-align: left; vertical-align: top;
         overflow-wrap: break-word; }
td { max-width: 34em; }
th { background: #f0f0f0; } tr:nth-child(even) td { background: #fafafa; }
table.summary td:nth-child(2), table.summary td:nth-child(3) { white-space: nowrap; }
code { background: #f3f3f3; padding: 0 .2em; border-radius: 3px; font-size: 0.92em;
       overflow-wrap: anywhere; }
pre { background: #f6f6f6; padding: .6em; overflow-x: auto; }
pre code { overflow-wrap: normal; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-style: italic; color: #444; }
.caption { color: #444; font-style: italic; }
.badge { display: inline-block; padding: .05em .5em; border-radius: .7em; color: #fff;
         font-size: .78em; font-weight: 700; letter-spacing: .03em; white-space: nowrap; }
a.top { font-size: .8em; font-weight: normal; margin-left: .6em; }
.figure-row { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr));
              gap: 0 1.2em; align-items: start; }
details { margin: .4em 0 1em; } details > summary { cursor: pointer; color: #1a4f8b; }
details[open] > summary { margin-bottom: .4em; }
"""
CSS += "\n".join(f".badge.verdict-{s} {{ background: {c}; }}" for s, c in STATUS_COLOURS.items())
CSS = CSS.strip()


def _html_toc(doc: Document) -> str:
    """Nested list: level-3 entries under the preceding level-2 entry."""
    parts = ['<nav class="toc" aria-label="Contents"><strong>Contents</strong><ul>']
    open_sub = False
    for level, text, anchor in doc.contents():
        link = f'<a href="#{anchor}">{inline_html(text)}</a>'
        if level == 2:
            if open_sub:
                parts.append("</ul></li>")
                open_sub = False
            parts.append(f"<li>{link}")
            parts.append("<ul>")
            open_sub = True
        else:
            parts.append(f"<li>{link}</li>")
    if open_sub:
        parts.append("</ul></li>")
    parts.append("</ul></nav>")
    return "".join(parts).replace("<ul></ul>", "")


def to_html(doc: Document) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{html.escape(doc.title)}</title>", f"<style>\n{CSS}\n</style>", "</head>",
           "<body>", f'<h1 id="top">{inline_html(doc.title)}</h1>']
    anchors = {id(h): a for h, a in doc.anchors()}
    toc_at = _toc_position(doc) if doc.toc and doc.contents() else -1
    for i, b in enumerate(doc.blocks):
        if i == toc_at:
            out.append(_html_toc(doc))
        # consecutive figures share a row (two side by side at the page's width), so a
        # section of panels is half as tall; a lone figure keeps the full width
        row = isinstance(b, Image) and (
            (i + 1 < len(doc.blocks) and isinstance(doc.blocks[i + 1], Image))
            or (i > 0 and isinstance(doc.blocks[i - 1], Image)))
        if row and not (i > 0 and isinstance(doc.blocks[i - 1], Image)):
            out.append('<div class="figure-row">')
        out += _html_block(b, anchors, doc.toc)
        if row and not (i + 1 < len(doc.blocks) and isinstance(doc.blocks[i + 1], Image)):
            out.append("</div>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _html_block(b, anchors, toc: bool) -> list[str]:
    out: list[str] = []
    if isinstance(b, Heading):
        top = ' <a class="top" href="#top">top</a>' if b.level == 2 and toc else ""
        out.append(f'<h{b.level} id="{anchors[id(b)]}">{inline_html(b.text)}{top}'
                   f"</h{b.level}>")
    elif isinstance(b, Details):
        out.append(f"<details><summary>{inline_html(b.summary)}</summary>")
        for inner in b.blocks:
            out += _html_block(inner, anchors, toc)
        out.append("</details>")
    elif isinstance(b, Para):
        cls = f' class="{b.cls}"' if b.cls else ""
        out.append(f"<p{cls}>{inline_html(b.text)}</p>")
    elif isinstance(b, Bullets):
        out.append("<ul>" + "".join(f"<li>{inline_html(i)}</li>" for i in b.items)
                   + "</ul>")
    elif isinstance(b, Table):
        if b.caption:
            out.append(f'<p class="caption">{inline_html(b.caption)}</p>')
        head = "".join(f"<th>{inline_html(h)}</th>" for h in b.header)
        body = "".join("<tr>" + "".join(f"<td>{inline_html(c)}</td>" for c in row)
                       + "</tr>" for row in b.rows)
        cls = f' class="{b.cls}"' if b.cls else ""
        out.append(f'<div class="table-wrap"><table{cls}><thead><tr>{head}</tr></thead>'
                   f"<tbody>{body}</tbody></table></div>")
    elif isinstance(b, Image):
        cap = f"<figcaption>{inline_html(b.caption)}</figcaption>" if b.caption else ""
        out.append(f'<figure><img src="{html.escape(b.path)}" alt="{html.escape(b.alt)}">'
                   f"{cap}</figure>")
    elif isinstance(b, Code):
        out.append(f"<pre><code>{html.escape(b.text)}</code></pre>")
    else:  # pragma: no cover
        raise TypeError(f"unknown block {type(b).__name__}")
    return out
