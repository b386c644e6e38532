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

``--report`` adds the serial tail of a whole report in each tree: ``mfgcheck report --profile
<profile>`` with its progress lines timestamped as they arrive, the seconds from its last
task's line to the end of the command (results.json, the pages, the figures not drawn yet,
the workers' shutdown), and when its first task came back; then every number of the two
results.json is compared (``benchmarks/report.py``'s rule: timings and provenance left
out). One run each (a quick report is ~100-150 s of CPU); on a shared machine read it with
the load average printed beside it.

    .venv/bin/python benchmarks/pages.py --against HEAD~3 --results report/results.json
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
    ap.add_argument("--only", nargs="*", default=["lemmas", "lemma7", "figures"],
                    choices=["lemmas", "lemma7", "figures"])
    ap.add_argument("--report", action="store_true", help="also the serial tail of a report")
    ap.add_argument("--keep", help="with --report: copy both reports' figures here "
                                   "(<keep>/reference, <keep>/new), to look at them")
    args = ap.parse_args(argv)
    print(f"load average at start: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="mfgcheck-pages-") as tmp:
        ref, new = Path(tmp) / "ref", Path(tmp) / "new"
        ref.mkdir()
        if args.new:
            new.mkdir()
        trees = {"reference": unpack(args.against, ref),
                 "new": unpack(args.new, new) if args.new else ROOT}
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
