"""The per-claim pages in docs/claims are generated from theory/ and properties/: the
committed pages must equal a fresh generation (regenerate with
``python -m mfgcheck.reports.claim_docs``)."""

from pathlib import Path

import pytest

from mfgcheck import theory
from mfgcheck.reports.claim_docs import claim_page

DOCS = Path(__file__).resolve().parents[2] / "docs" / "claims"


@pytest.mark.parametrize("name", list(theory.claims()))
def test_claim_page_is_up_to_date(name):
    page = claim_page(name)
    assert f"`{theory.claims()[name].steps[0].id}`" in page
    assert (DOCS / f"{name}.md").read_text() == page
