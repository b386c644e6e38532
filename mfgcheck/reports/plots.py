"""Figures of the report, drawn from results.json data only (so ``--from`` redraws them).

matplotlib with the Agg backend; PNGs are written without a timestamp or software tag
(``metadata``), so the same data and the same matplotlib give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

PNG_METADATA = {"Software": None}
DPI = 110


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _num(x) -> float:
    return float(x) if x is not None else float("nan")


def save(fig, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, metadata=PNG_METADATA, bbox_inches="tight")
    _plt().close(fig)


def rate_figure(entry: dict, theory_slope: float, path: Path) -> None:
    """Theorem 1's left side against T (log-log): the running averages (filled), the last
    iterate (open), the theoretical ``T^theory_slope`` as a dashed line anchored at the first
    averaged point, the fitted line; right panel: the explicit bound (15)-(17) beside the
    observed left side, when it was evaluated."""
    plt = _plt()
    per_T = entry["per_T"]
    T = np.array([p["T"] for p in per_T], float)
    mean = np.array([_num(p["lhs_mean"]) for p in per_T])
    last = np.array([_num(p["last_mean"]) for p in per_T])
    bound = np.array([_num(p.get("bound")) for p in per_T])
    has_bound = np.isfinite(bound).any()
    fig, axes = plt.subplots(1, 2 if has_bound else 1, figsize=(11 if has_bound else 6.2, 4.4),
                             squeeze=False)
    ax = axes[0, 0]
    seeds = len(entry["seeds"])
    if seeds > 1:
        lo = np.array([_num(p["lhs_min"]) for p in per_T])
        hi = np.array([_num(p["lhs_max"]) for p in per_T])
        ax.fill_between(T, lo, hi, color="C0", alpha=0.2, lw=0,
                        label=f"average iterate: min-max over {seeds} seeds")
    ax.plot(T, mean, "o-", color="C0", lw=1.2,
            label="average iterate" + (" (mean over seeds)" if seeds > 1 else ""))
    if entry.get("last_at_floor"):
        ax.plot([], [], " ", label=f"last iterate: < {entry['last_floor']:g} at every T "
                                   "(not drawn)")
    elif np.all(last > 0):
        ax.plot(T, last, "s--", mfc="none", color="C1", lw=0.8, label="last iterate")
    anchor = mean[0] * (T / T[0]) ** theory_slope
    ax.plot(T, anchor, "k--", lw=1.5, label=f"theory: slope {theory_slope:g} (anchored)")
    fit = entry.get("fit")
    if fit:
        ax.plot(T, 10 ** (fit["intercept"] + fit["slope"] * np.log10(T)), ":", color="C3",
                lw=1.5, label=f"fit: slope {fit['slope']:.3g} "
                              f"[{fit['ci_low']:.3g}, {fit['ci_high']:.3g}]")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("T (iterations of Algorithm 1)")
    ax.set_ylabel(r"$D(\pi^*,\bar\pi_T) + \|\mu^* - \bar\mu_T\|_1$")
    ax.set_title(f"{entry['title']}: Theorem 1's left side")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    if has_bound:
        ax2 = axes[0, 1]
        ok = np.isfinite(bound)
        ax2.plot(T[ok], bound[ok], "^-", color="C2", label="explicit bound (15)-(17)")
        ax2.plot(T, mean, "o-", color="C0", label="observed left side")
        for t, b, m in zip(T[ok], bound[ok], mean[ok]):
            ax2.annotate(f"{m / b:.2g}", (t, b), textcoords="offset points", xytext=(0, 6),
                         ha="center", fontsize=7, color="C2")
        ax2.set_xscale("log")
        ax2.set_yscale("log")
        ax2.set_xlabel("T (iterations of Algorithm 1)")
        ax2.set_ylabel("value (log scale)")
        ax2.set_title("bound vs observed (labels: observed / bound)")
        ax2.grid(True, which="both", alpha=0.3)
        ax2.legend(fontsize=8, loc="best")
    fig.suptitle(entry["caption"], fontsize=9, y=0.005, va="bottom")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    save(fig, path)


def exploitability_figure(panel: dict, path: Path, floor: float = 1e-12) -> None:
    """Exploitability against iterations for NAC and DL-NAC: the mean over seeds and a band
    (``panel['band']``: the 10%-90% quantiles over seeds), values clipped at ``floor``
    (below is rounding), a log y-axis when they span more than a decade, DL-NAC's segment
    ends as dotted lines; lam and gamma in the caption under the plot."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, 4.6))
    many = panel["n_seeds"] > 1
    for i, alg in enumerate(panel["algorithms"]):
        t = np.asarray(alg["iterations"], float)

        def clip(v):
            return np.maximum(np.asarray(v, float), floor)

        ax.plot(t, clip(alg["mean"]), color=f"C{i}", lw=1.4,
                label=f"{alg['label']}" + (" (mean)" if many else ""))
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
        ax.set_yscale("log")           # several decades: log scale
    else:                              # a narrow range: linear, with plain tick labels
        ax.ticklabel_format(axis="y", style="plain", useOffset=False)
    ax.set_xlabel("iteration (policy updates)")
    ax.set_ylabel("exploitability (exact, dynamic programming)")
    ax.set_title(f"{panel['figure']}: {panel['title']}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    fig.text(0.01, 0.005, panel["stamp"] + f"; values below {floor:g} drawn at {floor:g}",
             fontsize=8, va="bottom", ha="left", wrap=True)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    save(fig, path)
