"""Compile every numba kernel the reports use, once, into numba's on-disk cache.

The hot loops of Algorithms 1-3 are numba kernels compiled on first call and cached on disk
(``cache=True``: ``__pycache__`` beside the sources, or ``NUMBA_CACHE_DIR``). Without a warm
cache every worker process of a report compiles the kernels it meets, at the same time as
the other workers: measured with ``mfgcheck report --profile test --workers 1`` in a fresh
``NUMBA_CACHE_DIR``, 28.9 s of CPU against 14.6 s with the cache warm (compiling is half of
that run), and the quick report's two workers each pay their share. ``make`` runs this
module once after installing (``python -m mfgcheck.reports.warm``), as a compiled package
would be built at install time; a report then only loads the machine code.

How: every task function of the report that reaches a kernel runs once on a *shrunk* copy
of the ``quick`` and ``full`` profiles' settings (``shrunk_runs``: the same games, oracles,
features, variants, batch sizes and argument types; a few iterations, small samples), so the
kernels are compiled for exactly the argument types the reports pass them (numba compiles
one specialisation per type signature: an array's dtype, dimension, layout and
read-only flag). The serverless section runs its ``test`` setting (training, online NAC, one
simulated run per policy). Nothing is written but the cache; the results are thrown away.

``tests/reports/test_warm.py`` checks that after ``warm()`` every numba dispatcher of the
package has been compiled, and (slow) that a report run after it compiles nothing.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace

# Paper panels long enough that the compiled advance between recorded iterations is used;
# rate runs keep their grid's smallest T (Theorem 1's steps need T large enough for eta lam < 1).
_T_EXACT = 40
_T_SAMPLED = 6
_K = 8


def _rate_runs(profile) -> list[list[dict]]:
    from . import rate

    out = []
    for rs in profile.rate:
        small = replace(rs, T=(min(rs.T),), K_schedule=None,
                        oracle_kwargs=_small_samples(rs.oracle_kwargs))
        items = rate.run_settings(small, small.game.build())
        # the report's first batch of the setting: its batch size decides array layouts
        # (a transition broadcast over 5 runs is not contiguous; over 1 it is)
        out.append([items[i] for i in rate.chunks(small, items)[0]])
    return out


def _small_samples(kwargs: dict) -> dict:
    return {k: (min(v, _K) if k in ("K_critic", "K_actor") else v) for k, v in kwargs.items()}


def _paper_runs(profile) -> list[list[dict]]:
    from . import experiments

    out: list[list[dict]] = []
    for ps in profile.paper:
        small = replace(ps, iterations=_T_EXACT if ps.oracle == "exact" else _T_SAMPLED,
                        segments=2, record_every=2,
                        oracle_kwargs=_small_samples(ps.oracle_kwargs))
        items = experiments.run_settings(small)
        chunks = experiments.chunks(items)       # the report's batches (module docstring)
        out.extend([items[i] for i in c] for c in chunks if len(c) == max(map(len, chunks)))
    return out


def shrunk_runs() -> list[tuple[str, object, object]]:
    """``(label, task function, argument)`` for every kernel-reaching task of the quick and
    full profiles, shrunk (module docstring)."""
    from . import experiments, rate
    from .settings import PROFILES

    work: list[tuple[str, object, object]] = []
    seen: set[str] = set()

    def add(label, fn, arg):
        key = f"{fn.__module__}.{fn.__qualname__}:{arg!r}"
        if key not in seen:
            seen.add(key)
            work.append((label, fn, arg))

    for name in ("quick", "full"):
        profile = PROFILES[name]()
        for chunk in _rate_runs(profile):
            add(f"rate {chunk[0]['game']['name']} {chunk[0]['oracle']}", rate.run_chunk, chunk)
        for chunk in _paper_runs(profile):
            s = chunk[0]
            add(f"paper {s['game']['name']} {s['oracle']} {s['algorithm']}",
                experiments.run_chunk, chunk)
        if profile.ablation is not None:
            ab = replace(profile.ablation, seeds=profile.ablation.seeds[:1], iterations=2,
                         overrides={**profile.ablation.overrides, "K": _K})
            add("ablation", experiments.run_ablation, ab)
    add("serverless", _serverless, "test")
    return work


def _serverless(profile_name: str) -> None:
    from .serverless import run

    run(profile_name)


def warm(progress=None) -> dict[str, float]:
    """Run ``shrunk_runs`` in this process; the CPU seconds each took (compiling, mostly)."""
    times: dict[str, float] = {}
    for label, fn, arg in shrunk_runs():
        start = time.process_time()
        fn(arg)                                          # type: ignore[operator]
        times[label] = times.get(label, 0.0) + time.process_time() - start
        if progress:
            progress(f"{label}: {times[label]:.1f} s CPU")
    return times


def _main() -> int:
    start = time.process_time()
    warm(progress=lambda line: print(f"warm: {line}", file=sys.stderr, flush=True))
    print(f"warm: numba kernels compiled and cached ({time.process_time() - start:.1f} s CPU)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
