"""A check that crashes, or sees no example, is 'not checked' and the report exits 3."""

import pytest

from mfgcheck.properties import lemma4, strategies
from mfgcheck.properties.instances import KLTriple
from mfgcheck.reports import summary, tables
from mfgcheck.reports.settings import LemmaSetting


def _summary(part):
    theory = tables.theory_part()
    return summary.build({"theory": {"status": "ok", **theory},
                          "lemmas": {"status": "ok", **part}})


def test_a_crashing_check_is_not_checked(monkeypatch):
    def boom(triple: KLTriple, *, bound=None):
        raise RuntimeError("boom")

    boom.__module__ = lemma4.__name__
    monkeypatch.setattr(lemma4, "check_lemma4", boom)
    monkeypatch.setattr(lemma4, "check_lemma4_lipschitz", boom)
    part = tables.lemma_part(LemmaSetting(examples=3, claims=("lemma4",)))
    assert part["calls"]["lemma4"] == {"examples": 0, "raised": 3}
    s = _summary(part)
    line = next(ln for ln in s["claims"] if ln["claim"] == "lemma4")
    assert line["status"] == "unknown" and "not checked" in line["text"]
    assert "raised" in line["text"] and s["exit_status"] == 3


def test_a_check_with_zero_examples_is_not_checked(monkeypatch):
    from hypothesis import strategies as st

    monkeypatch.setattr(strategies, "kl_triples", lambda: st.nothing())
    part = tables.lemma_part(LemmaSetting(examples=3, claims=("lemma4",)))
    assert part["calls"]["lemma4"]["examples"] == 0
    s = _summary(part)
    line = next(ln for ln in s["claims"] if ln["claim"] == "lemma4")
    assert line["status"] == "unknown" and "0 examples" in line["text"]
    assert s["exit_status"] == 3


@pytest.mark.parametrize("claim", ["lemma1", "theorem1"])
def test_an_unselected_claim_is_not_checked_not_pass(claim):
    part = {"rows": [], "calls": {}, "selected": ["lemma4"], "skipped": {}}
    s = _summary(part)
    line = next(ln for ln in s["claims"] if ln["claim"] == claim)
    # never PASS: Lemma 1 (all steps proved) is not checked; Theorem 1 keeps its theory
    # finding (conditional steps) and says its checks did not run
    assert line["status"] == ("unknown" if claim == "lemma1" else "finding")
    assert "not checked" in line["text"] and s["exit_status"] == 3
