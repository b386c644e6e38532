"""Start-up and import times of the commands that need formulas, not proofs (issue 11).

Each command runs in a fresh process (that is what a user waits for: interpreter start-up,
imports, the work), best of ``--repeat`` wall times, with the child's CPU time (user + sys,
steadier than the wall clock on a shared machine). In the same run, as references: the
interpreter alone (``python -c pass``) and ``import sympy`` (the floor of any command that
reads a formula). Targets (issue 11, item 3):

- ``mfgcheck bounds ... --T 100`` under 2 s, start-up included (no proof, no solver);
- a second ``python -m mfgcheck.theory --claim lemma5`` under 3 s (verdicts from the cache);
- for the record: the same cold (cache empty: lemma5's proofs run), every claim imported
  (``theory.claims()``: statements and steps, no proof), and every verdict cold and warm
  (``theory.verdicts()``).

The proof-verdict cache of every run lives in a temporary directory (``MFGCHECK_THEORY_CACHE``),
never the user's: a "cold" run starts from an empty one, a "warm" run from one that the same
command filled just before.

Run: ``.venv/bin/python benchmarks/imports.py`` (``--repeat 5``; ``--quick`` skips the
slow all-verdicts cold run).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
BOUNDS = [PY, "-m", "mfgcheck.cli", "bounds", "--lam", "1", "--gamma", "0.9", "--A", "2",
          "--R", "1", "--T", "100", "--assume"]
LEMMA5 = [PY, "-m", "mfgcheck.theory", "--claim", "lemma5"]
CLAIMS = [PY, "-c", "import mfgcheck.theory as t; t.claims()"]
VERDICTS = [PY, "-c", "import mfgcheck.theory as t; t.verdicts(progress=False)"]


def run(argv: list[str], cache: str) -> tuple[float, float]:
    """(wall seconds, child CPU seconds) of one run of ``argv``."""
    env = dict(os.environ, MFGCHECK_THEORY_CACHE=cache, MFGCHECK_PROGRESS="plain")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{out.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def best(argv: list[str], repeat: int, *, warm: bool) -> tuple[float, float]:
    """Best wall time (and the CPU time of that run) over ``repeat`` runs; ``warm``: each
    run finds the cache the previous identical run filled, else a fresh empty cache."""
    results = []
    with tempfile.TemporaryDirectory(prefix="mfgcheck-bench-") as tmp:
        if warm:
            run(argv, tmp)  # fill it
        for i in range(repeat):
            cache = tmp if warm else str(Path(tmp) / f"cold{i}")
            results.append(run(argv, cache))
            if not warm:
                shutil.rmtree(cache, ignore_errors=True)
    return min(results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="skip the all-verdicts cold run")
    args = parser.parse_args()
    rows = [
        ("python -c pass (reference)", [PY, "-c", "pass"], False, None),
        ("import sympy (reference)", [PY, "-c", "import sympy"], False, None),
        ("mfgcheck bounds ... --T 100", BOUNDS, False, 2.0),
        ("theory --claim lemma5, second run", LEMMA5, True, 3.0),
        ("theory --claim lemma5, cold", LEMMA5, False, None),
        ("theory.claims() (no proof)", CLAIMS, False, None),
        ("theory.verdicts(), warm", VERDICTS, True, None),
    ]
    if not args.quick:
        rows.append(("theory.verdicts(), cold", VERDICTS, False, None))
    print(f"best of {args.repeat} wall times (fresh process each); CPU = the child's "
          f"user + sys; machine load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'command':<36} {'wall s':>7} {'cpu s':>7} {'/python':>8} {'/sympy':>7}  target")
    ref = {}
    failed = 0
    for label, argv, warm, target in rows:
        slow = label == "theory.verdicts(), cold"  # ~15-40 s: once
        wall, cpu = best(argv, 1 if slow else args.repeat, warm=warm)
        if label.startswith("python"):
            ref["python"] = wall
        if label.startswith("import sympy"):
            ref["sympy"] = wall
        verdict = ""
        if target is not None:
            ok = wall < target
            failed += not ok
            verdict = f"< {target:g} s: {'met' if ok else 'NOT met'}"
        print(f"{label:<36} {wall:7.2f} {cpu:7.2f} {wall / ref['python']:8.1f} "
              f"{wall / ref.get('sympy', wall):7.2f}  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
