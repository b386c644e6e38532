"""The document model: Markdown and HTML carry the same text; HTML is escaped."""

from mfgcheck.reports.doc import (
    Bullets,
    Document,
    Heading,
    Image,
    Para,
    Table,
    fmt,
    inline_html,
    to_html,
    to_markdown,
)


def test_fmt():
    assert fmt(3) == "3" and fmt(0.0) == "0" and fmt(None) == "—"
    assert fmt(0.000123456) == "0.000123" and fmt(123456.0) == "1.23e+05"
    assert fmt(float("inf")) == "inf" and fmt(float("nan")) == "nan" and fmt(True) == "yes"


def test_inline_markup_and_escaping():
    assert inline_html("a < b & **c**") == "a &lt; b &amp; <strong>c</strong>"
    assert inline_html("*faster* / *slower*") == "<em>faster</em> / <em>slower</em>"
    # products in formulas are not emphasis
    text = "(gamma + 1)*log(nA)/(1 - gamma) + 1/(lam*(1 - gamma))"
    assert inline_html(text) == text
    assert inline_html("`x*y < 1` [doc](report.md)") == \
        '<code>x*y &lt; 1</code> <a href="report.md">doc</a>'


def test_both_renderings_carry_the_same_cells():
    doc = Document("T", [Heading(2, "H"), Para("p 0.5"), Bullets(["one", "two"]),
                         Table(["a", "b|c"], [["1", "x|y"]]), Image("f.png", "alt", "cap")])
    md, html = to_markdown(doc), to_html(doc)
    assert "| a | b\\|c |" in md and "| 1 | x\\|y |" in md
    assert "<th>b|c</th>" in html and "<td>x|y</td>" in html
    assert "![alt](f.png)" in md and '<img src="f.png" alt="alt">' in html
    assert "<script" not in html
