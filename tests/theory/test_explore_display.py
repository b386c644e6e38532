"""Symbolic exploration (theory.explore) and Jupyter displays (theory.display, Evidence).

Expected values are derived by hand from the formulas of appendix A, not from the code.
"""

from __future__ import annotations

import doctest
import math
from html.parser import HTMLParser

import pytest
import sympy as sp

from mfgcheck import theory
from mfgcheck.properties.evidence import Evidence
from mfgcheck.theory import constants, display, explore


def test_subs_is_exact_and_checks_domains():
    # Qmax = (1 + gamma lam log|A|)/(1 - gamma) at gamma = 1/2, lam = 1, |A| = 2:
    # (1 + log(2)/2) / (1/2) = 2 + log 2
    assert sp.simplify(explore.subs(constants.Qmax, gamma="1/2", lam=1, nA=2)
                       - (2 + sp.log(2))) == 0
    for bad in ({"gamma": 1.5}, {"gamma": 1}, {"lam": 0}, {"nA": 1}, {"nA": 2.5}):
        name = next(iter(bad))
        with pytest.raises(ValueError, match=name):
            explore.subs(constants.Qmax, **bad)
    with pytest.raises(ValueError, match="no such symbol"):
        explore.subs(constants.Qmax, gama=0.5)


def test_limits_come_from_inside_the_domain():
    # kappa has 1/(1 - gamma) terms with positive coefficients: +oo as gamma -> 1 from below
    assert explore.limit(constants.kappa, "gamma", 1) == sp.oo
    # Qmax -> 1/(1 - gamma) as lam -> 0+ (the entropy term vanishes)
    g = explore.symbol("gamma")
    assert sp.simplify(explore.limit(constants.Qmax, "lam", 0) - 1 / (1 - g)) == 0
    # a two-sided limit at gamma -> 1 would be -oo from above: the domain decides
    assert sp.limit(1 / (1 - g), g, 1, "+") == -sp.oo
    assert explore.limit(1 / (1 - g), "gamma", 1) == sp.oo
    with pytest.raises(ValueError, match="outside the closure"):
        explore.limit(constants.Qmax, "gamma", 2)


def test_refine_uses_every_declared_domain():
    g, nA = explore.symbol("gamma"), explore.symbol("nA")
    assert explore.refine(sp.Abs(1 - g)) == 1 - g
    assert explore.refine(sp.Abs(sp.log(nA))) == sp.log(nA)   # |A| >= 2: log|A| > 0
    assert sp.refine(g < 1, explore.assumptions()) == sp.true


def test_latex_uses_the_papers_notation():
    tex = explore.latex(constants.Qmax)
    for piece in (r"\gamma", r"\lambda", r"|\mathcal{A}|"):
        assert piece in tex
    assert "gamma" not in tex.replace(r"\gamma", "")


def test_the_module_docstring_examples_run():
    result = doctest.testmod(explore, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 4 and result.failed == 0


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.tags = 0, []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.rows += tag == "tr"


def test_verdicts_is_a_list_with_a_short_repr_and_a_table():
    t = theory.verdicts()
    assert isinstance(t, list) and isinstance(t, display.StepTable)
    steps = [s for c in theory.claims().values() for s in c.steps]
    assert [s.id for s in t] == [s.id for s in steps]          # same steps, same order
    r = repr(t)
    assert len(r) < 300 and f"{len(steps)} steps" in r
    counts = {}
    for s in steps:
        counts[s.verdict] = counts.get(s.verdict, 0) + 1
    for verdict, n in counts.items():
        assert f"{n} {verdict}" in r
    p = _Cells()
    p.feed(t._repr_html_())
    assert p.rows == len(steps) + 1                            # header + one row per step
    assert t.by_claim("lemma7") == [s for s in steps if s.claim == "lemma7"]
    assert all(s.verdict == "refuted" for s in t.by_verdict("refuted"))


def test_claims_and_steps_display_as_html_and_latex():
    claim = theory.claims()["lemma7"]
    html = claim._repr_html_()
    assert claim.title in html and html.count("<tr>") == len(claim.steps) + 1
    assert claim.latex() in html                               # the conclusion, typeset
    step = claim.steps[0]
    assert step.id in step._repr_html_() and step._repr_html_().count("<tr>") == 2
    assert step._repr_latex_().startswith("$") and r"\sigma" in claim._repr_latex_() + \
        "".join(s._repr_latex_() for s in claim.steps)
    # text is escaped: a label with markup characters cannot break the page
    odd = sp.Symbol("x")
    from mfgcheck.theory.core import Step
    s = Step("probe.s", "<b>a & b</b>", odd, odd, "<=", "j")
    assert "<b>a" not in s._repr_html_() and "&lt;b&gt;a &amp; b" in s._repr_html_()


def test_evidence_displays_both_sides():
    ev = Evidence("lemma9", "lemma9.s", lhs=0.25, rhs=0.1438, instance={"p": 0.5})
    html = ev._repr_html_()
    for text in ("lemma9.s", "0.25", "0.1438", "VIOLATED"):
        assert text in html
    tex = ev._repr_latex_()
    assert r"\leq" in tex and "0.25" in tex and "0.1438" in tex
    ok = Evidence("lemma9", "lemma9.s", lhs=1.0, rhs=2.0)
    assert "holds" in ok._repr_html_()
    assert math.isclose(ok.slack, 1.0)
