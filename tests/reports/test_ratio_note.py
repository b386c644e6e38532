"""A row's ratio note says why a ratio above 1 sits on a row that holds: rounding (within the
error of the computed sides) and a float violation overturned by the independent re-check
(properties/confirm.py) are different reasons and must not read alike."""

from __future__ import annotations

from mfgcheck.properties.evidence import Evidence
from mfgcheck.reports.tables import ratio_note, summarise_evidence


def _row(ev: Evidence) -> dict:
    (row,) = summarise_evidence({ev.step: [ev.to_dict()]}, [])
    return row


def test_an_overturned_violation_names_the_recheck_not_rounding():
    # Proposition 1's case: an 8-seed mean exceeded the bound by 5%, 64 fresh seeds held
    ev = Evidence("proposition1", "proposition1", lhs=1.05, rhs=1.0, confirmed=False,
                  precise={"lhs": "0.41", "rhs": "1.0", "digits": 16,
                           "route": "64 fresh seeds", "ratio": 0.41})
    assert not ev.holds and ev.status == "holds"
    row = _row(ev)
    assert row["status"] == "pass" and row["violations"] == 0
    note = row["ratio_note"]
    assert "overturned" in note and "64 fresh seeds" in note and "0.41" in note
    assert "within the error" not in note


def test_a_rounding_level_ratio_says_within_the_error():
    ev = Evidence("lemma6", "lemma6", lhs=1.0 + 2.2e-16, rhs=1.0, atol=1e-11)
    assert ev.holds and ev.ratio > 1
    note = _row(ev)["ratio_note"]
    assert note.startswith("ratio > 1 but within the error") and "overturned" not in note


def test_no_note_below_one_and_on_a_violation():
    assert ratio_note(0.5, {"holds": True, "status": "holds"}) == ""
    assert ratio_note(1.2, {"holds": False, "status": "violated", "error": 1e-9}) == ""
