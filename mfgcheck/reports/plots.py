"""Figures of the report, drawn from results.json data only (so ``--from`` redraws them).

matplotlib as ``mfgcheck._plotting`` sets it up (Agg, one layout pass, Unicode log labels,
PNGs without a timestamp or software tag: the same data and the same matplotlib give the
same bytes).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .._plotting import footer, log_scale, save, subplots


def _num(x) -> float:
    return float(x) if x is not None else float("nan")


def rate_figure(entry: dict, theory_slope: float, path: Path) -> None:
    """Theorem 1's left side against T (log-log). Left panel, what the theorem bounds: the
    running averages (filled; min-max band over seeds), the theoretical ``T^theory_slope``
    as a dashed line anchored at the first averaged point, the fitted line. Middle panel, on
    its own axis: the last iterate (open squares), which Theorem 1 does not bound and which
    may sit many decades lower (drawn with the averages it would squash them). Right panel,
    when evaluated: the explicit bound (15)-(17) beside the observed left side."""
    per_T = entry["per_T"]
    T = np.array([p["T"] for p in per_T], float)
    mean = np.array([_num(p["lhs_mean"]) for p in per_T])
    last = np.array([_num(p["last_mean"]) for p in per_T])
    bound = np.array([_num(p.get("bound")) for p in per_T])
    has_bound = np.isfinite(bound).any()
    n = 3 if has_bound else 2
    fig, axes = subplots(1, n, figsize=(5.2 * n, 4.4), squeeze=False)
    ax = axes[0, 0]
    seeds = len(entry["seeds"])
    if seeds > 1:
        lo = np.array([_num(p["lhs_min"]) for p in per_T])
        hi = np.array([_num(p["lhs_max"]) for p in per_T])
        ax.fill_between(T, lo, hi, color="C0", alpha=0.2, lw=0,
                        label=f"average iterate: min-max over {seeds} seeds")
    ax.plot(T, mean, "o-", color="C0", lw=1.2,
            label="average iterate" + (" (mean over seeds)" if seeds > 1 else ""))
    anchor = mean[0] * (T / T[0]) ** theory_slope
    ax.plot(T, anchor, "k--", lw=1.5, label=f"theory: slope {theory_slope:g} (anchored)")
    fit = entry.get("fit")
    if fit:
        ax.plot(T, 10 ** (fit["intercept"] + fit["slope"] * np.log10(T)), ":", color="C3",
                lw=1.5, label=f"fit: slope {fit['slope']:.3g} "
                              f"[{fit['ci_low']:.3g}, {fit['ci_high']:.3g}]")
    _loglog(ax, r"$D(\pi^*,\bar\pi_T) + \|\mu^* - \bar\mu_T\|_1$",
            f"{entry['title']}: the averages (Theorem 1)")
    axl = axes[0, 1]
    if entry.get("last_at_floor"):
        axl.text(0.5, 0.5, f"last iterate < {entry['last_floor']:g} at every T\n(not drawn)",
                 ha="center", va="center", transform=axl.transAxes, fontsize=9)
        log_scale(axl, "x")
        axl.set_xlabel("T (iterations of Algorithm 1)")
        axl.set_title("the last iterate (not bounded by Theorem 1)")
    else:
        ok = last > 0
        axl.plot(T[ok], last[ok], "s--", mfc="none", color="C1", lw=0.8,
                 label="last iterate" + (" (mean over seeds)" if seeds > 1 else ""))
        _loglog(axl, r"$D(\pi^*,\pi_T) + \|\mu^* - \mu_T\|_1$",
                "the last iterate, on its own axis (not bounded by Theorem 1)")
    if has_bound:
        ax2 = axes[0, 2]
        ok = np.isfinite(bound)
        ax2.plot(T[ok], bound[ok], "^-", color="C2", label="explicit bound (15)-(17)")
        ax2.plot(T, mean, "o-", color="C0", label="observed left side")
        for t, b, m in zip(T[ok], bound[ok], mean[ok]):
            ax2.annotate(f"{m / b:.2g}", (t, b), textcoords="offset points", xytext=(0, 6),
                         ha="center", fontsize=7, color="C2")
        _loglog(ax2, "value (log scale)", "bound vs observed (labels: observed / bound)")
    footer(fig, entry["caption"], fontsize=9)
    save(fig, path)


def _loglog(ax, ylabel: str, title: str) -> None:
    log_scale(ax, "x", "y")
    ax.set_xlabel("T (iterations of Algorithm 1)")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="best")


COINCIDE_RTOL = 1e-3
"""Two curves whose largest gap is below this fraction of the plotted range are drawn on top
of each other at any resolution a page allows: the caption must say so."""


def curve_gap(panel: dict) -> tuple[float, float] | None:
    """``(max |mean_A - mean_B|, range)`` between the first two algorithms of a panel over
    the iterations both record, with ``range`` the span of the values plotted (at least
    their magnitude, so that flat curves are compared with their level); None if fewer than
    two algorithms or no common iteration."""
    algs = panel["algorithms"]
    if len(algs) < 2:
        return None
    a, b = algs[0], algs[1]
    ta, tb = np.asarray(a["iterations"], float), np.asarray(b["iterations"], float)
    common, ia, ib = np.intersect1d(ta, tb, return_indices=True)
    if common.size == 0:
        return None
    ya = np.asarray(a["mean"], float)[ia]
    yb = np.asarray(b["mean"], float)[ib]
    ok = np.isfinite(ya) & np.isfinite(yb)
    if not ok.any():
        return None
    both = np.concatenate([ya[ok], yb[ok]])
    span = max(float(both.max() - both.min()), float(np.abs(both).max()))
    return float(np.abs(ya[ok] - yb[ok]).max()), span


def _coincident(panel: dict) -> tuple[str, str, str] | None:
    """``(label A, label B, gap as the report prints it)`` when the first two curves of a
    panel coincide to within ``COINCIDE_RTOL`` of the plotted range, else None."""
    from .doc import fmt

    gap = panel["curve_gap"] if "curve_gap" in panel else curve_gap(panel)
    if gap is None or gap[0] > COINCIDE_RTOL * gap[1]:
        return None
    a, b = (x["label"] for x in panel["algorithms"][:2])
    return a, b, fmt(gap[0])


def coincidence_note(panel: dict) -> str:
    """The caption's sentence when the first two curves coincide ("" otherwise)."""
    c = _coincident(panel)
    if c is None:
        return ""
    return (f"{c[0]} and {c[1]} coincide here: their mean exploitabilities differ by at most "
            f"{c[2]} over the common iterations, so the two curves overlap ({c[1]} is drawn "
            "dashed with markers on top)")


def exploitability_figure(panel: dict, path: Path, floor: float = 1e-12) -> None:
    """Exploitability against iterations for NAC and DL-NAC: the mean over seeds and a band
    (``panel['band']``: the 10%-90% quantiles over seeds), values clipped at ``floor``
    (below is rounding), DL-NAC's segment ends as dotted lines; lam and gamma under the plot.

    What the plot must not hide: a log y-axis only when the values span more than a decade;
    otherwise a linear axis **from 0**, so that a change of 0.3% is drawn as the 0.3% it is
    (an axis fitted to 0.696-0.699 makes noise look like learning). When the two curves
    coincide (``coincidence_note``) the second is drawn dashed with markers over the first
    and the note is written on the plot."""
    fig, ax = subplots(figsize=(8, 4.6))
    many = panel["n_seeds"] > 1
    note = _coincident(panel)
    for i, alg in enumerate(panel["algorithms"]):
        t = np.asarray(alg["iterations"], float)

        def clip(v):
            return np.maximum(np.asarray(v, float), floor)

        style = {"ls": "--", "marker": "o", "ms": 3.5, "mfc": "none", "zorder": 3,
                 "markevery": max(1, t.size // 25)} if note and i == 1 else {}
        ax.plot(t, clip(alg["mean"]), color=f"C{i}", lw=1.4,
                label=f"{alg['label']}" + (" (mean)" if many else ""), **style)
        if many:
            ax.fill_between(t, clip(alg["low"]), clip(alg["high"]), color=f"C{i}", alpha=0.2,
                            lw=0, label=f"{alg['label']} ({panel['band']} over "
                                        f"{panel['n_seeds']} seeds)")
        seg = alg.get("segment_length")
        if seg:
            for x in np.arange(seg, t[-1] + 0.5, seg):
                ax.axvline(x, color=f"C{i}", lw=0.6, ls=":", alpha=0.6)
    values = np.concatenate([np.maximum(np.asarray(a[k], float), floor)
                             for a in panel["algorithms"] for k in ("mean", "low", "high")])
    values = values[np.isfinite(values)]
    if values.size and values.max() > 10 * values.min():
        log_scale(ax, "y")             # several decades: log scale
    elif values.size:                  # a narrow range: linear from 0, plain tick labels
        ax.set_ylim(0, 1.08 * values.max())
        ax.ticklabel_format(axis="y", style="plain", useOffset=False)
    ax.set_xlabel("iteration (policy updates)")
    ax.set_ylabel("exploitability (exact, dynamic programming)")
    ax.set_title(f"{panel['figure']}: {panel['title']}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    if note:
        ax.text(0.99, 0.98, f"{note[0]} and {note[1]} coincide (max gap {note[2]})",
                transform=ax.transAxes, ha="right", va="top", fontsize=8,
                bbox={"fc": "white", "ec": "#999", "alpha": 0.9})
    footer(fig, panel["stamp"] + f"; values below {floor:g} drawn at {floor:g}", fontsize=8,
           x=0.01, ha="left")
    save(fig, path)
