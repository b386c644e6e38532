"""The report's wall time, and its numbers against a reference report (issue 13).

Runs ``mfgcheck report --profile <profile> --out <out>`` in a fresh process (so imports,
numba compilation and SymPy derivations are paid as a user pays them), measures its wall
time, CPU time (this process's children: the report and its worker processes) and peak
resident memory of the largest process, then compares every number of the new
``results.json`` with a reference ``results.json`` (``--against``: a report computed by an
earlier version of the code, e.g. the commit before a speed-up). Timings, dates, the
executor's description and the store's computed/reused counters are not results and are left
out of the comparison (``IGNORED``); everything else must be equal, bit for bit (floats are
compared by their JSON text, which round-trips float64 exactly).

The report's own output (one progress line per finished task) is kept in ``<out>/report.log``.
Printed: the wall time against the reference's (the ``wall_time.total`` recorded in its
results.json, and ``--previous-seconds`` if given: a figure measured elsewhere, e.g. 140 s on
a fresh clone), the ratio, the per-part times, and the differing paths (none: "identical").
Exit status 1 if any number differs.

    .venv/bin/python benchmarks/report.py --profile quick --out /tmp/new \\
        --against /tmp/old/results.json --previous-seconds 140

On a shared machine the absolute times are noisy (the load average at start and end is
printed): compare a reference and a new run made one after the other, or read the CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

IGNORED = ("wall_time", "cpu_time", "wall_time_inner", "run_wall_time", "group_seconds", "seconds",
           "generated_utc", "events_per_wall_time_s", "executor", "computed", "reused",
           "command", "environment", "merged")
"""Keys whose values are timings or provenance, not results (any depth)."""


def strip(obj):
    """``obj`` without the ``IGNORED`` keys (recursively)."""
    if isinstance(obj, dict):
        return {k: strip(v) for k, v in obj.items() if k not in IGNORED}
    if isinstance(obj, list):
        return [strip(v) for v in obj]
    return obj


def differences(a, b, path: str = "", limit: int = 50) -> list[str]:
    """Paths where ``a`` and ``b`` (results.json data, ``strip``-ped) differ, at most
    ``limit``; floats compare exactly."""
    out: list[str] = []

    def walk(x, y, p):
        if len(out) >= limit:
            return
        if isinstance(x, dict) and isinstance(y, dict):
            for k in sorted(set(x) | set(y)):
                if k not in x or k not in y:
                    out.append(f"{p}/{k}: only in {'new' if k in y else 'reference'}")
                else:
                    walk(x[k], y[k], f"{p}/{k}")
        elif isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                out.append(f"{p}: {len(x)} items in the reference, {len(y)} in the new")
                return
            for i, (u, v) in enumerate(zip(x, y)):
                walk(u, v, f"{p}[{i}]")
        elif x != y or type(x) is not type(y):
            if not (isinstance(x, float) and isinstance(y, float) and x != x and y != y):
                out.append(f"{p}: {x!r} -> {y!r}")

    walk(a, b, path)
    return out


def run_report(profile: str, out: Path, extra: list[str]) -> dict:
    """Run the report in a child process; wall time, CPU time of the children, peak RSS."""
    exe = Path(sys.executable).with_name("mfgcheck")
    cmd = [str(exe), "report", "--profile", profile, "--out", str(out), *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load0 = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"command": " ".join(cmd), "exit": proc.returncode, "wall": wall,
            "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "peak_rss_mb": after.ru_maxrss / 1024.0, "load": (load0, os.getloadavg()[0]),
            "output": proc.stdout}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--profile", default="quick")
    ap.add_argument("--out", type=Path, default=Path("/tmp/mfgcheck-bench-report"))
    ap.add_argument("--against", type=Path, help="a reference report's results.json")
    ap.add_argument("--previous-seconds", type=float,
                    help="a previous wall time to compare with (e.g. 140 on a fresh clone)")
    ap.add_argument("--from-existing", action="store_true",
                    help="do not run: compare the results.json already in --out")
    ap.add_argument("extra", nargs="*", help="more arguments for mfgcheck report "
                    "(after --, e.g. -- --workers 2)")
    args = ap.parse_args(argv)
    new_path = args.out / "results.json"
    if not args.from_existing:
        if (args.out / "runs").exists():
            print(f"{args.out}/runs exists: stored runs would be reused, not timed; use a "
                  "fresh --out", file=sys.stderr)
            return 2
        r = run_report(args.profile, args.out, args.extra)
        (args.out / "report.log").write_text(r["output"])     # its progress lines
        print(f"{r['command']}: exit {r['exit']}, wall {r['wall']:.1f} s, CPU "
              f"{r['cpu']:.1f} s (report + workers), peak RSS {r['peak_rss_mb']:.0f} MB "
              f"(largest process), load average {r['load'][0]:.1f} -> {r['load'][1]:.1f}")
        if r["exit"] not in (0, 1, 3):
            print(r["output"][-3000:])
            return 2
    new = json.loads(new_path.read_text())
    parts = new.get("wall_time", {})
    print("per part (s, task time on its worker): " + ", ".join(
        f"{k} {v:.1f}" for k, v in parts.items() if k != "total"))
    cpu = new.get("cpu_time", {})
    if cpu:
        print(f"per part (s, CPU of its tasks; sum {sum(cpu.values()):.1f}): " + ", ".join(
            f"{k} {v:.1f}" for k, v in cpu.items()))
    total = parts.get("total")
    if args.previous_seconds and total:
        print(f"total {total:.1f} s against the previous {args.previous_seconds:.1f} s: "
              f"{args.previous_seconds / total:.2f}x")
    status = 0
    if args.against:
        ref = json.loads(args.against.read_text())
        ref_total = ref.get("wall_time", {}).get("total")
        if ref_total and total:
            print(f"total {total:.1f} s against the reference's {ref_total:.1f} s "
                  f"({args.against}): {ref_total / total:.2f}x")
        diff = differences(strip(ref), strip(new))
        if diff:
            status = 1
            print(f"{len(diff)}{'+' if len(diff) >= 50 else ''} differences from the "
                  "reference:")
            for d in diff:
                print("  " + d[:300])
        else:
            print("results identical to the reference (timings and provenance left out)")
    return status


if __name__ == "__main__":
    sys.exit(main())
