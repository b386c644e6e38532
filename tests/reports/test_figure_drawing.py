"""How the report's figures are drawn (``mfgcheck._plotting``): laid out once and drawn once,
nothing outside the canvas, log-axis labels in Unicode that name the ticks matplotlib labels,
PNGs a function of the data alone."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.ticker import LogFormatterSciNotation, LogLocator
from PIL import Image

from mfgcheck import _plotting
from mfgcheck.reports import figures, plots

_DIGITS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹−", "-0123456789-")


def _value(label: str) -> float:
    """The number a Unicode log label names, read by hand: ``[c×]base^exponent``."""
    sign = -1.0 if label.startswith("−") else 1.0
    coeff, _, power = label.lstrip("−").rpartition("×")
    base = "".join(ch for ch in power if ch.isascii())
    exponent = power[len(base):].translate(_DIGITS)
    value = float(base) ** int(exponent) if exponent else float(base)
    return sign * (float(coeff) if coeff else 1.0) * value


def _log_axes(span):
    """Two log y-axes on ``span``: matplotlib's defaults, and ``_plotting.log_scale``."""
    fig = Figure(figsize=(4, 3), dpi=_plotting.DPI)
    default, ours = fig.add_subplot(121), fig.add_subplot(122)
    default.set_yscale("log")
    _plotting.log_scale(ours, "y")
    for ax in (default, ours):
        ax.set_ylim(*span)
    return default, ours


SPANS = [(1e-3, 0.5), (2.1e-3, 1.9e-2), (1e-12, 1.0), (30.0, 300.0), (0.55, 0.71),
         (1e2, 1e5), (7e-9, 3e-8)]


@pytest.mark.parametrize("span", SPANS)
def test_log_labels_name_the_ticks_matplotlib_labels(span):
    """The same ticks carry a label as with matplotlib's formatter, and each label, read
    back by hand, is the tick's value (to the ``%g`` digits it is printed with)."""
    default, ours = _log_axes(span)
    lo, hi = span
    for which in ("major", "minor"):
        locs, fmts = {}, {}
        for ax in (default, ours):
            axis = ax.yaxis
            loc = axis.get_minorticklocs() if which == "minor" else axis.get_majorticklocs()
            fmt = fmts[ax] = getattr(axis, f"get_{which}_formatter")()
            shown = [x for x in loc if lo * (1 - 1e-9) <= x <= hi * (1 + 1e-9)]
            labels = fmt.format_ticks(loc)
            locs[ax] = {x: lab for x, lab in zip(loc, labels) if x in shown}
        assert set(locs[default]) == set(locs[ours])                # the same ticks shown
        # where matplotlib labels the multiples 1, 2, 3, 4, 6 of each power, ours label 1, 2, 5
        subset = getattr(fmts[default], "_sublabels", None) == _plotting.SUBSET_MPL
        for x, lab in locs[ours].items():
            want = bool(locs[default][x])
            if subset:
                want = round(x / 10 ** math.floor(math.log10(x) + 1e-9)) in _plotting.SUBSET_OURS
            assert bool(lab) == want, (x, lab, locs[default][x])
            assert "$" not in lab                                    # no mathtext
            if lab:
                assert math.isclose(_value(lab), x, rel_tol=1e-5), (lab, x)


@pytest.mark.parametrize("span", [(30.0, 300.0), (100.0, 3e4), (0.2, 0.9), (1e-3, 0.5)])
def test_log_labels_of_an_axis_do_not_overlap(span):
    """The T axis of the rate figures (30 to 300 on the growing-K setting) printed 3×10¹ and
    4×10¹ into each other: no two labels of a log axis as wide as a figure's panel overlap."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(4.5, 3), dpi=_plotting.DPI)
    ax = fig.add_subplot(111)
    _plotting.log_scale(ax, "x")
    ax.set_xlim(*span)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = sorted((t.get_window_extent(renderer) for t in
                    [*ax.xaxis.get_majorticklabels(), *ax.xaxis.get_minorticklabels()]
                    if t.get_text() and t.get_visible()), key=lambda b: b.x0)
    assert len(boxes) >= 2                                          # something to compare
    for left, right in zip(boxes, boxes[1:]):
        assert left.x1 <= right.x0, (span, left, right)


def test_unicode_label_of_each_form_matplotlib_writes():
    f = LogFormatterSciNotation(10, labelOnlyBase=False)
    assert _plotting.unicode_label(f(1e-3)) == "10⁻³"
    assert _plotting.unicode_label(f(2e-3)) == "2×10⁻³"
    assert _plotting.unicode_label(f(1e5)) == "10⁵"
    assert _plotting.unicode_label(f(-3e12)) == "−3×10¹²"
    assert _plotting.unicode_label("") == ""
    assert _plotting.unicode_label("plain") == "plain"


def test_the_locator_drops_only_ticks_outside_the_view():
    rng = np.random.default_rng(3)
    for _ in range(200):
        a, b = np.sort(10.0 ** rng.uniform(-14, 6, size=2))
        for subs in ((1.0,), "auto"):
            default = LogLocator(10, subs=subs, numticks=9).tick_values(a, b)
            _, cls = _plotting._classes()
            ours = cls(10, subs=subs, numticks=9).tick_values(a, b)
            inside = default[(default >= a * (1 - 1e-12)) & (default <= b * (1 + 1e-12))]
            assert set(inside) <= set(ours) <= set(default)


def _count_draws(monkeypatch):
    count = {"draw": 0}
    real = Figure.draw

    def draw(self, renderer):
        count["draw"] += 1
        return real(self, renderer)

    monkeypatch.setattr(Figure, "draw", draw)
    return count


def _entry(caption: str) -> dict:
    per_T = [{"T": t, "lhs_mean": t ** -0.3, "last_mean": 0.1 * t ** -0.5,
              "bound": 10 * t ** -0.2} for t in (10, 100, 1000, 10000)]
    return {"per_T": per_T, "seeds": [0], "title": "probe", "caption": caption}


def test_a_figure_is_drawn_once(monkeypatch, tmp_path):
    """``save`` lays the figure out and draws it once: no second draw for a layout engine
    left behind by ``tight_layout``, nor for ``bbox_inches="tight"``."""
    count = _count_draws(monkeypatch)
    plots.rate_figure(_entry("c"), -0.2, tmp_path / "r.png")
    assert count["draw"] == 1
    assert (tmp_path / "r.png").read_bytes()[:4] == b"\x89PNG"


def _outside(fig) -> list[str]:
    """What ``fig`` draws outside its canvas (more than a pixel): the bounding box of every
    artist drawn (matplotlib's ``get_tightbbox``, what ``bbox_inches="tight"`` would crop
    to), edge by edge."""
    renderer = fig.canvas.get_renderer()
    tight = fig.get_tightbbox(renderer)
    w, h = fig.get_size_inches()
    px = 1.0 / fig.dpi
    out = []
    if tight.x0 < -px:
        out.append(f"left by {-tight.x0:.3f} in")
    if tight.y0 < -px:
        out.append(f"bottom by {-tight.y0:.3f} in")
    if tight.x1 > w + px:
        out.append(f"right by {tight.x1 - w:.3f} in")
    if tight.y1 > h + px:
        out.append(f"top by {tight.y1 - h:.3f} in")
    return out


@pytest.fixture
def overflow(monkeypatch):
    """``{png name: what its figure draws outside the canvas}``, checked as each is saved."""
    seen: dict[str, list[str]] = {}
    real = Figure.savefig

    def savefig(self, fname, *args, **kwargs):
        seen[Path(fname).name] = _outside(self)
        return real(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    return seen


def test_a_long_caption_is_wrapped_inside_the_figure(overflow, tmp_path):
    caption = " ".join(f"word{i} = {i / 7:.4f}," for i in range(60))   # ~1100 characters
    plots.rate_figure(_entry(caption), -0.2, tmp_path / "r.png")
    assert list(overflow.values()) == [[]]
    with Image.open(tmp_path / "r.png") as im:
        # the PNG is the figure's size: 3 panels of 5.2 x 4.4 inches at DPI
        assert im.size == (round(3 * 5.2 * _plotting.DPI), round(4.4 * _plotting.DPI))


def test_every_figure_of_a_report_stays_inside_its_canvas_and_repeats_its_bytes(
        report_run, overflow, tmp_path):
    _, results = report_run
    units = figures.units(results)
    kinds = {u.kind for u in units}
    assert {"claims", "rate", "panel", "ablation"} <= kinds
    for unit in units:
        first = figures.draw_unit(unit, tmp_path / "a").read_bytes()
        assert overflow.pop(unit.name) == [], unit.name
        assert figures.draw_unit(unit, tmp_path / "b").read_bytes() == first, unit.name
        with Image.open(io.BytesIO(first)) as im:
            assert not {"Software", "Creation Time", "date:create"} & set(im.info), unit.name


def _shortcut_free(monkeypatch, draw, tmp_path) -> None:
    """``draw(directory)`` with ``SHORTCUTS`` on and off: the same PNG files, byte for byte
    (the shortcuts skip only work that changes no pixel)."""
    fast = draw(tmp_path / "fast")
    monkeypatch.setattr(_plotting, "SHORTCUTS", False)
    slow = draw(tmp_path / "slow")
    monkeypatch.setattr(_plotting, "SHORTCUTS", True)
    assert [p.name for p in fast] == [p.name for p in slow] and fast
    for a, b in zip(fast, slow):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_the_shortcuts_change_no_pixel_of_a_report(report_run, monkeypatch, tmp_path):
    _, results = report_run
    units = figures.units(results)
    _shortcut_free(monkeypatch, lambda d: [figures.draw_unit(u, d) for u in units], tmp_path)


def test_the_shortcuts_change_no_pixel_of_a_long_caption(monkeypatch, tmp_path):
    """A footer that is wrapped, and one that fits (the shortcut: not wrapped at all)."""
    def draw(caption):
        def into(d):
            plots.rate_figure(_entry(caption), -0.2, d / "r.png")
            return [d / "r.png"]
        return into

    for caption in ("short", " ".join(f"w{i} = {i / 7:.4f}," for i in range(60))):
        _shortcut_free(monkeypatch, draw(caption), tmp_path / caption[:5])


@pytest.fixture(scope="module")
def serverless_results():
    pytest.importorskip("simpy")
    from mfgcheck.serverless import experiment
    from tests.serverless.test_experiment import TINY

    return experiment.run(TINY)


def test_the_serverless_figures_stay_inside_their_canvas(serverless_results, overflow,
                                                         monkeypatch, tmp_path):
    from mfgcheck.serverless import plots as serverless_plots

    paths = serverless_plots.draw(serverless_results, tmp_path)
    assert overflow == {p.name: [] for p in paths}
    assert set(overflow) == set(serverless_plots.FIGURES)
    for p in paths:
        with Image.open(p) as im:
            assert "Software" not in im.info, p.name
    _shortcut_free(monkeypatch, lambda d: serverless_plots.draw(serverless_results, d),
                   tmp_path)
