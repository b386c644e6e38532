"""Progress of long runs: a tqdm bar on a terminal, plain lines in a file.

Every long loop of mfgcheck (report parts, sweeps, NAC and DL-NAC runs, property checks,
assumption constants, finite-horizon passes) reports progress through :func:`progress`.
Where progress goes (stderr) is a terminal, it is a tqdm bar, redrawn in place. Where it is
not (``make report > log 2>&1``, CI), redrawing writes carriage returns and bar fragments
into the file, so instead each loop writes a few complete lines: one at the start, one at
every tenth of the way (at most one per :data:`MIN_INTERVAL` seconds) and one at the end
with the elapsed time::

    NAC sis x16: 0/3000
    NAC sis x16: 300/3000 (10%), 1.2 s
    ...
    NAC sis x16: 3000/3000 done in 11.8 s

``MFGCHECK_PROGRESS=plain`` or ``=bar`` overrides the detection.
"""

from __future__ import annotations

import os
import sys
import time

MIN_INTERVAL = 2.0
"""Seconds between two intermediate lines of the plain progress (start and end always)."""

ENV_VAR = "MFGCHECK_PROGRESS"


def _is_terminal(stream) -> bool:
    mode = os.environ.get(ENV_VAR, "").strip().lower()
    if mode in ("plain", "bar"):
        return mode == "bar"
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class PlainProgress:
    """The subset of tqdm's interface mfgcheck uses (``update``, ``close``, iteration,
    context manager), writing whole lines."""

    def __init__(self, iterable=None, *, total=None, desc="", stream=None):
        self.iterable = iterable
        if total is None and iterable is not None and hasattr(iterable, "__len__"):
            total = len(iterable)
        self.total = total
        self.desc = desc or "progress"
        self.stream = stream if stream is not None else sys.stderr
        self.n = 0
        self.start = time.perf_counter()
        self._last_line = self.start
        self._next_tenth = 1
        self._closed = False
        self._write(f"{self.desc}: 0" + (f"/{self.total}" if self.total else ""))

    def _write(self, line: str) -> None:
        print(line, file=self.stream, flush=True)

    def update(self, n: int = 1) -> None:
        self.n += n
        now = time.perf_counter()
        if not self.total:
            if now - self._last_line >= MIN_INTERVAL:
                self._write(f"{self.desc}: {self.n}, {now - self.start:.1f} s")
                self._last_line = now
            return
        tenth = int(10 * self.n / self.total)
        if tenth >= self._next_tenth and self.n < self.total:
            self._next_tenth = tenth + 1
            if now - self._last_line >= MIN_INTERVAL:
                self._write(f"{self.desc}: {self.n}/{self.total} ({100 * self.n // self.total}%),"
                            f" {now - self.start:.1f} s")
                self._last_line = now

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        count = f"{self.n}/{self.total}" if self.total else f"{self.n}"
        self._write(f"{self.desc}: {count} done in {time.perf_counter() - self.start:.1f} s")

    def __iter__(self):
        try:
            for item in self.iterable:
                yield item
                self.update(1)
        finally:
            self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def progress(iterable=None, *, total: int | None = None, desc: str = "",
             enabled: bool = True, leave: bool = False, stream=None):
    """A progress reporter over ``iterable`` (or ``total`` steps driven by ``update``).

    ``enabled=False``: a disabled tqdm (no output). Otherwise a tqdm bar when ``stream``
    (default stderr) is a terminal, else a :class:`PlainProgress`."""
    from tqdm.auto import tqdm

    stream = stream if stream is not None else sys.stderr
    if not enabled:
        return tqdm(iterable, total=total, disable=True)
    if _is_terminal(stream):
        return tqdm(iterable, total=total, desc=desc, leave=leave, dynamic_ncols=True,
                    file=stream)
    return PlainProgress(iterable, total=total, desc=desc, stream=stream)
