"""The report's lemma checks, figures and serial tail against a reference commit, in one run
(issue 13: the "pages" slice of the report's CPU).

The reference is another commit of this repository (``--against REF``, e.g. the commit before
a speed-up), unpacked with ``git archive`` into a temporary directory; each measurement runs
in a fresh process (imports, numba's cache, SymPy as a user pays them) with ``PYTHONPATH``
pointing at one tree or the other, the two alternating, ``--repeat`` times each after one
warm-up run each (numba compiles the reference's kernels into its temporary tree once); the
best CPU time (user + system of the child) of each is printed with the ratio new/reference.

- ``lemmas``: ``tables.lemma_checks`` of the profile's lemma setting (the report's "property
  checks" task: imports, strategies, checks, high-precision confirmations);
- ``lemma7``: the same for Lemma 7 alone (its violations are confirmed by the mpmath replay of
  each run, ``properties.replay``);
- ``figures``: every figure of a results.json (``--results``), drawn in one process
  (``writer.regenerate``, as ``mfgcheck report --from``).

``--figures RESULTS`` measures each figure of a results.json on its own (``reports.figures``:
the units a report draws, as its workers do, one ``draw_unit`` each): one process per tree,
the two alternating ``--repeat`` times; in each, every figure is drawn once to warm up
(imports, fonts, matplotlib's caches, as a worker that has drawn a figure already) and then
``--rounds`` times, timed with ``time.process_time``; the best CPU time of each figure in
each tree is printed with the ratio new/reference, then the totals. ``--keep DIR`` leaves the
PNGs of both trees in ``DIR/reference`` and ``DIR/new`` to look at.

``--report`` adds the serial tail of a whole report in each tree: ``mfgcheck report --profile
<profile>`` with its progress lines timestamped as they arrive, the seconds from its last
task's line to the end of the command (results.json, the pages, the figures not drawn yet,
the workers' shutdown), and when its first task came back; then every number of the two
results.json is compared (``benchmarks/report.py``'s rule: timings and provenance left
out). One run each (a quick report is ~100-150 s of CPU); on a shared machine read it with
the load average printed beside it.

    .venv/bin/python benchmarks/pages.py --against HEAD~3 --results report/results.json
    .venv/bin/python benchmarks/pages.py --against main --figures report/results.json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

LEMMAS = ("from mfgcheck.reports.settings import profile\n"
          "from mfgcheck.reports.tables import lemma_checks\n"
          "lemma_checks(profile({profile!r}).lemmas{only})\n")
FIGURES = ("from mfgcheck.reports.writer import regenerate\n"
           "regenerate({results!r}, {out!r})\n")
# each figure of a results.json on its own: once to warm up, then `rounds` times (CPU s)
FIGURE_UNITS = """
import json, time
from pathlib import Path
from mfgcheck.reports import figures
units = figures.units(json.loads(Path({results!r}).read_text()))
out = {{}}
for rnd in range({rounds} + 1):
    for u in units:
        start = time.process_time()
        figures.draw_unit(u, Path({out!r}))
        if rnd:
            out.setdefault(u.name, []).append(time.process_time() - start)
print(json.dumps(out))
"""


def unpack(ref: str, into: Path) -> Path:
    """The tree of commit ``ref`` under ``into`` (``git archive``: no worktree metadata)."""
    archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=ROOT,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def run(tree: Path, code: str) -> float:
    """CPU seconds (user + system) of ``python -c code`` with ``tree`` first on the path."""
    env = dict(os.environ, PYTHONPATH=str(tree), MFGCHECK_PROGRESS="plain")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([PY, "-c", code], cwd=tree, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"{tree}: failed:\n{out.stderr[-3000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def figure_times(tree: Path, results: Path, out: Path, rounds: int) -> dict[str, float]:
    """``{figure: best CPU seconds}`` of every figure of ``results`` drawn in ``tree``
    (``FIGURE_UNITS``: one process, ``rounds`` timed draws each after a warm-up), the PNGs in
    ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(tree), MFGCHECK_PROGRESS="plain")
    code = FIGURE_UNITS.format(results=str(results), out=str(out), rounds=rounds)
    proc = subprocess.run([PY, "-c", code], cwd=tree, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{tree}: failed:\n{proc.stderr[-3000:]}")
    return {name: min(t) for name, t in json.loads(proc.stdout.splitlines()[-1]).items()}


def compare_figures(trees: dict[str, Path], results: Path, repeat: int, rounds: int,
                    out: Path) -> None:
    """Each figure's best CPU time in each tree, alternating the trees ``repeat`` times;
    a table with the ratios, then the totals (module docstring)."""
    best: dict[str, dict[str, float]] = {label: {} for label in trees}
    for _ in range(repeat):
        for label, tree in trees.items():
            for name, t in figure_times(tree, results, out / label, rounds).items():
                best[label][name] = min(best[label].get(name, t), t)
    ref, new = best["reference"], best["new"]
    print(f"{'figure':36s} {'reference':>10s} {'new':>8s} {'new/ref':>8s}   (best CPU s)")
    for name in ref:
        if name in new:
            print(f"{name:36s} {ref[name]:10.3f} {new[name]:8.3f} {new[name] / ref[name]:8.3f}")
    both = [n for n in ref if n in new]
    total_ref, total_new = sum(ref[n] for n in both), sum(new[n] for n in both)
    print(f"{'total (' + str(len(both)) + ' figures)':36s} {total_ref:10.3f} {total_new:8.3f} "
          f"{total_new / total_ref:8.3f}   speed-up {total_ref / total_new:.2f}x", flush=True)
    for label in trees:
        missing = sorted(set(best[label]) - set(both))
        if missing:
            print(f"only in {label}: {', '.join(missing)}")


def compare(name: str, trees: dict[str, Path], code: str, repeat: int) -> None:
    best = {}
    for label, tree in trees.items():         # warm-up: numba's cache, .pyc files
        run(tree, code)
    for _ in range(repeat):
        for label, tree in trees.items():
            cpu = run(tree, code)
            best[label] = min(best.get(label, cpu), cpu)
    print(f"{name:10s} CPU s: reference {best['reference']:6.2f}  new {best['new']:6.2f}  "
          f"ratio new/reference {best['new'] / best['reference']:.3f}", flush=True)


def tail(tree: Path, profile: str, out: Path) -> tuple[float, float, float]:
    """``(seconds to its first task's end, seconds after its last task, total seconds)`` of
    one report in ``tree``: its progress lines timestamped as they arrive."""
    env = dict(os.environ, PYTHONPATH=str(tree), MFGCHECK_PROGRESS="plain")
    start = time.perf_counter()
    proc = subprocess.Popen([PY, "-m", "mfgcheck.cli", "report", "--profile", profile,
                             "--out", str(out)], cwd=tree, env=env, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    tasks = []                                  # arrival time of each "[i/n]" task line
    for line in proc.stderr:
        if re.match(r"mfgcheck report: \[\d+/\d+\]", line):
            tasks.append(time.perf_counter() - start)
    code = proc.wait()
    total = time.perf_counter() - start
    if code not in (0, 1) or not tasks:
        raise SystemExit(f"{tree}: report failed (exit {code})")
    return tasks[0], total - tasks[-1], total


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", required=True, help="the reference commit (git ref)")
    ap.add_argument("--new", help="a commit to measure in place of the working tree")
    ap.add_argument("--profile", default="quick")
    ap.add_argument("--results", help="a report's results.json for the figures' measure")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", nargs="*", default=None,   # all three unless --figures
                    choices=["lemmas", "lemma7", "figures"])
    ap.add_argument("--figures", metavar="RESULTS",
                    help="each figure of this results.json timed on its own (docstring)")
    ap.add_argument("--rounds", type=int, default=3,
                    help="with --figures: timed draws of each figure per process")
    ap.add_argument("--report", action="store_true", help="also the serial tail of a report")
    ap.add_argument("--keep", help="with --report or --figures: copy both trees' figures "
                                   "here (<keep>/reference, <keep>/new), to look at them")
    args = ap.parse_args(argv)
    if args.only is None:
        args.only = [] if args.figures else ["lemmas", "lemma7", "figures"]
    print(f"load average at start: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="mfgcheck-pages-") as tmp:
        ref, new = Path(tmp) / "ref", Path(tmp) / "new"
        ref.mkdir()
        if args.new:
            new.mkdir()
        trees = {"reference": unpack(args.against, ref),
                 "new": unpack(args.new, new) if args.new else ROOT}
        if args.figures:
            pngs = Path(args.keep) if args.keep else Path(tmp) / "figures"
            compare_figures(trees, Path(args.figures).resolve(), args.repeat, args.rounds,
                            pngs.resolve())
        if "lemmas" in args.only:
            compare("lemmas", trees, LEMMAS.format(profile=args.profile, only=""), args.repeat)
        if "lemma7" in args.only:
            compare("lemma7", trees, LEMMAS.format(profile=args.profile,
                                                   only=", only=('lemma7',)"), args.repeat)
        if "figures" in args.only and args.results:
            compare("figures", trees, FIGURES.format(
                results=str(Path(args.results).resolve()), out=str(Path(tmp) / "pages")),
                args.repeat)
        if args.report:
            for label, tree in trees.items():
                first, after, total = tail(tree, args.profile, Path(tmp) / f"report-{label}")
                print(f"report    {label:9s}: {total:6.1f} s wall, first task back at "
                      f"{first:5.1f} s, {after:5.1f} s after its last task (load "
                      f"{os.getloadavg()[0]:.1f})", flush=True)
            sys.path.insert(0, str(ROOT / "benchmarks"))
            from report import differences, strip  # benchmarks/report.py: the same rule

            a, b = (strip(json.loads((Path(tmp) / f"report-{label}" / "results.json")
                                     .read_text())) for label in trees)
            diff = differences(a, b)
            print("results.json: identical numbers" if not diff else
                  "results.json differs:\n  " + "\n  ".join(diff))
            for label in trees if args.keep else ():
                shutil.copytree(Path(tmp) / f"report-{label}" / "figures",
                                Path(args.keep) / label, dirs_exist_ok=True)
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
