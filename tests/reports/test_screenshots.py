"""``make screenshots``: the report rendered by headless Chromium at 1400 px.

Skipped only when no Chromium is installed (it is not a Python dependency); the HTML
structure is tested without a browser in test_readability.py. With Chromium, the page as
drawn must leave the right margin empty: nothing (a table, a formula, a figure) runs past
the body's width.
"""

from __future__ import annotations

import numpy as np
import pytest

from mfgcheck.reports import screenshots

pytestmark = pytest.mark.skipif(screenshots.find_browser() is None,
                                reason="no Chromium installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def shots(report_run, tmp_path_factory):
    out, _ = report_run
    dest = tmp_path_factory.mktemp("shots")
    paths = screenshots.screenshots(out / "index.html", dest, width=1400, height=900)
    return dest, paths


def _pixels(path):
    from PIL import Image

    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def test_the_whole_page_and_its_screens_at_1400_px(shots):
    dest, paths = shots
    names = [p.name for p in paths]
    assert names[:2] == ["top.png", "page.png"]
    whole = _pixels(dest / "page.png")
    tiles = [_pixels(p) for p in paths[2:]]
    assert len(tiles) == -(-whole.shape[0] // 900)            # ceil: every row in a tile
    assert sum(t.shape[0] for t in tiles) == whole.shape[0]
    assert np.array_equal(np.concatenate(tiles), whole)
    for px in [_pixels(dest / "top.png"), whole]:
        assert px.shape[1] == 1400
        assert (px < 250).any()                # something is drawn (not a blank page)
    # the page ends before the window did: the whole report is in page.png
    assert (whole[-30:] >= 250).all()


def test_nothing_runs_past_the_right_margin(shots):
    dest, _ = shots
    px = _pixels(dest / "page.png")
    # body: max-width 1180 px centred in 1400 px, so the last 60 px columns are page margin
    margin = px[:, -60:, :]
    assert (margin >= 250).all(), "content drawn in the right margin: something overflows"
