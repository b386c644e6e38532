"""matplotlib as every figure of the package uses it: the Agg backend, one layout pass, PNGs
that are a function of the data alone, log-axis tick labels without mathtext.

What a figure costs is layout and text, so a figure here is laid out and drawn once:

- it is created at the resolution it is saved at (``DPI``), so that the renderer of the
  layout is the one the PNG is drawn with and each text is measured once;
- ``save`` runs ``tight_layout`` once, then removes the figure's layout engine: matplotlib
  leaves a placeholder engine after ``tight_layout``, and ``savefig`` would then draw the
  whole figure once more before drawing it for the PNG, as ``bbox_inches="tight"`` would
  too. The PNG is the figure's size: nothing is drawn outside it (text under the panels is
  a ``footer``, wrapped to the width when it is wider);
- a log axis labels its ticks 10⁻³ and 2×10⁻³ in plain Unicode (``log_scale``) where
  matplotlib writes ``$10^{-3}$`` in mathtext (parsed by pyparsing, then laid out glyph by
  glyph).

``SHORTCUTS`` skips work that changes no pixel of these figures: the ticks matplotlib's log
locator adds outside the view (each is five artists, updated at every pass, never drawn);
the search for what a title could overlap (top tick labels, an offset text: the figures
have none; matplotlib runs it on every axis at every pass); wrapping a footer that fits
(matplotlib measures every prefix of every line).

PNGs are written without a timestamp or software tag (``PNG_METADATA``), so the same data
and the same matplotlib give the same bytes.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

PNG_METADATA = {"Software": None}
DPI = 110
SHORTCUTS = True
"""Skip the work that changes no pixel (module docstring); tests draw every figure of a
report with and without, and compare the bytes."""

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
# matplotlib's log labels: $\mathdefault{[-]10^{e}}$, $\mathdefault{[-]c\times10^{e}}$, or a
# plain number $\mathdefault{[-]x}$ (exponents under axes.formatter.min_exponent)
_MATHTEXT = re.compile(r"^\$\\mathdefault\{(-?)(?:([^\\^{}]+)\\times)?([^\\^{}]+)"
                       r"(?:\^\{(-?\d+)\})?\}\$$")


def plt():
    """``matplotlib.pyplot`` on the Agg backend (no display)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    return pyplot


def subplots(*args, **kwargs):
    """``pyplot.subplots`` at the resolution of the PNG (module docstring); with
    ``SHORTCUTS``, titles at the top of their axes without matplotlib's search for what they
    could overlap (module docstring)."""
    import matplotlib

    with matplotlib.rc_context({"axes.titley": 1.0} if SHORTCUTS else {}):
        return plt().subplots(*args, dpi=DPI, **kwargs)


def save(fig, path: Path) -> Path:
    """Lay ``fig`` out once (``tight_layout``) and write it to ``path`` as a PNG at ``DPI``
    with ``PNG_METADATA``; the figure is closed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pyplot = plt()
    try:
        fig.set_dpi(DPI)
        fig.tight_layout()
        fig.set_layout_engine(None)        # no second draw in savefig (module docstring)
        fig.savefig(path, dpi=DPI, metadata=PNG_METADATA)
    finally:
        pyplot.close(fig)
    return path


def footer(fig, text: str, fontsize: float, x: float = 0.5, ha: str = "center"):
    """``text`` under the panels (``supxlabel``: the layout makes room for it), at ``x``
    (figure coordinates, aligned ``ha``), wrapped to the figure's width when it is wider
    (only then: matplotlib wraps by measuring every prefix of every line, at every layout
    pass; a text that fits is the line it would give)."""
    label = fig.supxlabel(text, x=x, ha=ha, fontsize=fontsize)
    if not SHORTCUTS:
        label.set_wrap(True)
        return label
    box = label.get_window_extent(fig.canvas.get_renderer())
    if box.x0 < fig.bbox.x0 or box.x1 > fig.bbox.x1:
        label.set_wrap(True)
    return label


def unicode_label(mathtext: str) -> str:
    """A log-axis label of matplotlib's mathtext (``$\\mathdefault{2\\times10^{-3}}$``) in
    plain Unicode (``2×10⁻³``); a label of another form is returned as it is."""
    m = _MATHTEXT.match(mathtext)
    if m is None:
        return mathtext
    sign, coeff, base, exponent = m.groups()
    out = ("−" if sign else "") + (f"{coeff}×" if coeff else "") + base
    return out + (exponent.translate(_SUPERSCRIPT) if exponent is not None else "")


def in_view(locs, vmin: float, vmax: float):
    """The tick locations ``locs`` of a log axis inside its view ``[vmin, vmax]`` (up to a
    millionth of its span in decades: matplotlib draws those within 1e-10 of it)."""
    import numpy as np

    locs = np.asarray(locs, dtype=float)
    lo, hi = sorted((float(vmin), float(vmax)))
    if not lo > 0 or locs.size == 0:
        return locs
    llo, lhi = np.log10(lo), np.log10(hi)
    tol = 1e-6 * max(lhi - llo, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ll = np.log10(locs)
    return locs[(ll >= llo - tol) & (ll <= lhi + tol)]


# The multiples of a power of 10 that matplotlib's log formatter labels on an axis of about
# one decade (``LogFormatter.set_locs``), and the ones labelled here instead.
SUBSET_MPL = {1.0, 2.0, 3.0, 4.0, 6.0, 10.0}
SUBSET_OURS = {1.0, 2.0, 5.0, 10.0}


@functools.cache
def _classes():
    from matplotlib.ticker import LogFormatterSciNotation, LogLocator

    class SuperscriptLogFormatter(LogFormatterSciNotation):
        """matplotlib's log formatter (the same ticks labelled, the same values), its labels
        in Unicode (``unicode_label``)."""

        def __call__(self, x, pos=None):
            return unicode_label(super().__call__(x, pos))

        def set_locs(self, locs=None):
            super().set_locs(locs)
            # On an axis of about one decade matplotlib labels the multiples 1, 2, 3, 4, 6 of
            # each power: 3x10^k and 4x10^k are too close for labels this wide (they ran
            # into each other on the rate figures' T axis). Label 1, 2, 5 instead.
            if self._sublabels is not None and self._sublabels == SUBSET_MPL:
                self._sublabels = SUBSET_OURS

    class InViewLogLocator(LogLocator):
        """matplotlib's log locator without the decades outside the view it adds (they are
        never drawn, but each costs a tick object: five artists, laid out at every pass)."""

        def tick_values(self, vmin, vmax):
            return in_view(super().tick_values(vmin, vmax), vmin, vmax)

    return SuperscriptLogFormatter, InViewLogLocator


def log_scale(ax, *axes: str) -> None:
    """A log scale on ``ax``'s ``axes`` ("x", "y") with matplotlib's ticks and labels
    (``LogScale``'s defaults: decades labelled on the major ticks, multiples on the minor
    ones when the axis spans few decades), the labels in Unicode (``unicode_label``) and the
    ticks outside the view not made (``in_view``)."""
    formatter, locator = _classes()
    for name in axes:
        getattr(ax, f"set_{name}scale")("log")
        axis = getattr(ax, f"{name}axis")
        base = axis.get_transform().base
        if SHORTCUTS:
            axis.set_major_locator(locator(base))
            axis.set_minor_locator(locator(base, subs="auto"))
        axis.set_major_formatter(formatter(base))
        axis.set_minor_formatter(formatter(base, labelOnlyBase=False))
