"""Figures of the serverless experiment, drawn from its results dict alone (a SIMULATION):
latency CDFs per function, QoS violations per function, resources over the simulated day."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .._plotting import log_scale, save, subplots

COLOURS = {"NAC": "#1b9e77", "DL-NAC": "#7570b3", "NAC (online)": "#a6761d",
           "MFE (exact)": "#66a61e",
           "ENSURE": "#d95f02", "OpenWhisk default": "#e7298a"}
FIGURES = ("serverless-latency-cdf.png", "serverless-violations.png",
           "serverless-resources.png")


def _latency_cdfs(results: dict, path) -> Path:
    """Tail of each function's latency distribution, ``P(latency > x)`` against ``x`` / QoS
    target, log-log: the p99 is where a curve crosses 0.01, the QoS holds when that happens
    left of 1."""
    from matplotlib.ticker import FixedLocator, NullLocator

    summ = results["summary"]
    names = results["policies"]
    fns = results["runs"][0]["functions"]
    targets = results["runs"][0]["qos_target"]
    levels = np.asarray(results["quantile_levels"])
    cols = 4
    rows = int(np.ceil(len(fns) / cols))
    fig, axes = subplots(rows, cols, figsize=(3.2 * cols, 2.6 * rows), squeeze=False)
    ticks = [0.25, 0.5, 1.0, 2.0, 4.0]
    for k, fname in enumerate(fns):
        ax = axes[k // cols][k % cols]
        lo, hi = np.inf, 0.0
        for name in names:
            q = summ[name]["latency_quantiles"][k]
            if q is not None:
                x = np.asarray(q) / targets[k]
                keep = levels >= 0.5
                ax.plot(x[keep], 1.0 - levels[keep], color=COLOURS.get(name), lw=1.2,
                        label=name)
                lo, hi = min(lo, x[keep].min()), max(hi, x[keep].max())
        ax.axvline(1.0, color="k", ls=":", lw=0.8)
        ax.axhline(0.01, color="grey", ls="--", lw=0.6)
        log_scale(ax, "x", "y")
        ax.set_ylim(1e-3, 0.5)
        if np.isfinite(lo):
            ax.set_xlim(min(lo, 0.9) * 0.9, max(hi, 1.1) * 1.1)
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xticklabels([f"{t:g}" for t in ticks])
        ax.set_title(fname, fontsize=9)
        ax.tick_params(labelsize=7)
        if k % cols == 0:
            ax.set_ylabel("P(latency > x)", fontsize=8)
        if k // cols == rows - 1:
            ax.set_xlabel("x = latency / QoS target", fontsize=8)
    for k in range(len(fns), rows * cols):
        axes[k // cols][k % cols].axis("off")
    run = summ[names[0]]["latency_run"]
    axes[0][0].legend(fontsize=6, loc="lower left")
    fig.suptitle(f"SIMULATED latency tails (held-out day {run['day']}, seed {run['seed']}); "
                 "dotted: QoS target; dashed: 1% (the p99)", fontsize=10)
    return save(fig, path)


def violations(results: dict, path) -> Path:
    summ = results["summary"]
    names = results["policies"]
    fns = results["runs"][0]["functions"]
    x = np.arange(len(fns))
    w = 0.8 / len(names)
    fig, ax = subplots(figsize=(11, 3.6))
    for j, name in enumerate(names):
        cis = summ[name]["violation"]
        m = np.array([np.nan if c["mean"] is None else c["mean"] for c in cis])
        lo = np.array([np.nan if c["low"] is None else c["low"] for c in cis])
        hi = np.array([np.nan if c["high"] is None else c["high"] for c in cis])
        # a rate is >= 0: the t interval's lower end is clipped at 0 in the figure
        err = np.vstack([np.nan_to_num(m - np.maximum(lo, 0.0)), np.nan_to_num(hi - m)])
        ax.bar(x + (j - (len(names) - 1) / 2) * w, m, w, yerr=err, capsize=1.5,
               color=COLOURS.get(name), label=name)
    ax.set_xticks(x, fns, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("QoS violation rate")
    ax.set_ylim(bottom=0.0)
    ax.set_title(f"SIMULATED: fraction of invocations slower than the QoS target "
                 f"(mean, {results['confidence_percent']}% CI over {summ[names[0]]['runs']} "
                 "runs)", fontsize=10)
    ax.legend(fontsize=7, ncol=len(names))
    return save(fig, path)


def resources(results: dict, path) -> Path:
    summ = results["summary"]
    start = results["setting"]["start_hour"]
    fig, axes = subplots(1, 2, figsize=(11, 3.4))
    for name in results["policies"]:
        s = summ[name]
        t = start + np.asarray(s["series"]["t_hours"])
        axes[0].plot(t, s["series"]["cpu"], color=COLOURS.get(name), lw=1.1, label=name)
        axes[1].plot(t, s["series"]["memory"], color=COLOURS.get(name), lw=1.1, label=name)
    axes[0].set_ylabel("CPU reserved (cores)")
    axes[1].set_ylabel("memory reserved (GB)")
    for ax in axes:
        ax.set_xlabel("hour of the held-out day")
    axes[0].legend(fontsize=7)
    fig.suptitle("SIMULATED resources over the day (mean over runs)", fontsize=10)
    return save(fig, path)


#: each figure's file name -> the function drawing it from the results dict
DRAW = dict(zip(FIGURES, (_latency_cdfs, violations, resources)))


def draw(results: dict, figdir) -> list[Path]:
    figdir = Path(figdir)
    figdir.mkdir(parents=True, exist_ok=True)
    return [fn(results, figdir / name) for name, fn in DRAW.items()]
