"""A tiny document model rendered to Markdown and to plain HTML+CSS (no JavaScript).

The report is a list of blocks (``Heading``, ``Para``, ``Bullets``, ``Table``, ``Image``,
``Code``); each renders to Markdown and to HTML, so both pages carry the same text and
numbers. Inline markup inside text is the Markdown subset ``**bold**``, ``*italic*``,
```code``` and ``[text](url)``; the HTML renderer escapes everything else.

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


@dataclass
class Image:
    path: str
    alt: str
    caption: str = ""


@dataclass
class Code:
    text: str


@dataclass
class Document:
    title: str
    blocks: list = field(default_factory=list)

    def add(self, *blocks) -> Document:
        self.blocks.extend(blocks)
        return self


# -- Markdown --------------------------------------------------------------------------
def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(doc: Document) -> str:
    out = [f"# {doc.title}", ""]
    for b in doc.blocks:
        if isinstance(b, Heading):
            out += ["#" * b.level + " " + b.text, ""]
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
    return "\n".join(out).rstrip("\n") + "\n"


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
        for pattern, repl in _INLINE[1:]:
            s = pattern.sub(repl, s)
        out.append(s)
    return "".join(out)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 1100px;
       margin: 2em auto; padding: 0 1em; color: #1b1b1b; line-height: 1.45; }
h1, h2, h3 { line-height: 1.2; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; }
table { border-collapse: collapse; margin: .6em 0 1.2em; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; } tr:nth-child(even) td { background: #fafafa; }
code { background: #f3f3f3; padding: 0 .2em; border-radius: 3px; font-size: 0.92em; }
pre { background: #f6f6f6; padding: .6em; overflow-x: auto; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-style: italic; color: #444; }
.caption { color: #444; font-style: italic; }
.verdict-fail { border-left: 4px solid #c0392b; padding-left: .6em; }
.verdict-finding { border-left: 4px solid #d68910; padding-left: .6em; }
.verdict-pass { border-left: 4px solid #1e8449; padding-left: .6em; }
""".strip()


def to_html(doc: Document) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{html.escape(doc.title)}</title>", f"<style>\n{CSS}\n</style>", "</head>",
           "<body>", f"<h1>{inline_html(doc.title)}</h1>"]
    for b in doc.blocks:
        if isinstance(b, Heading):
            anchor = b.anchor or _slug(b.text)
            out.append(f'<h{b.level} id="{anchor}">{inline_html(b.text)}</h{b.level}>')
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
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif isinstance(b, Image):
            cap = f"<figcaption>{inline_html(b.caption)}</figcaption>" if b.caption else ""
            out.append(f'<figure><img src="{html.escape(b.path)}" alt="{html.escape(b.alt)}">'
                       f"{cap}</figure>")
        elif isinstance(b, Code):
            out.append(f"<pre><code>{html.escape(b.text)}</code></pre>")
        else:  # pragma: no cover
            raise TypeError(f"unknown block {type(b).__name__}")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
