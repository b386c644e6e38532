"""Where sweeps run: in this process, in local worker processes, or on a Dask cluster.

Every sweep of mfgcheck (the report's parts, rate settings, seeds; hunts and property
campaigns can use the same layer) submits *tasks*: a module-level function and one picklable
argument. ``make_executor`` picks the executor:

- ``scheduler`` (``--scheduler tcp://host:8786``, or the environment variable
  ``MFGCHECK_SCHEDULER``) names a Dask distributed scheduler: tasks run on its workers (a
  laptop's ``LocalCluster``, a cluster from dask-jobqueue or Kubernetes). The workers need
  mfgcheck installed; they share no file system with us: they return results, and the one
  process that submitted the tasks writes them (the run store stays the single source of
  truth).
- otherwise ``workers`` local processes (``--workers N``, ``MFGCHECK_WORKERS``; default: the
  CPUs this process may use); one worker means no pool at all (``SerialExecutor``).

Results are bit-equal whatever the executor and the worker count: a task's result depends on
its argument alone (seeds are part of the run's settings, never drawn from the order of
execution), and every task runs with one BLAS thread (``numerics.blas``), so no reduction
order depends on the machine's load or thread count.

A task lost with its worker is run again: Dask's scheduler reschedules it; a local pool that
breaks (a worker killed by the OOM killer, a segfault) is restarted and its unfinished tasks
resubmitted, up to ``retries`` times (beyond them, ``ExecutorError``). An exception raised
*by* a task is not retried: it comes back as ``Outcome.error`` (the type, message and
traceback), so that one failing setting does not take a sweep with it.

    with make_executor() as ex:
        for i, x in enumerate(items):
            ex.submit(i, fn, x)
        for out in ex.results():          # as tasks finish; submit() may be called meanwhile
            ...
"""

from __future__ import annotations

import atexit
import os
import signal
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

ENV_SCHEDULER = "MFGCHECK_SCHEDULER"
ENV_WORKERS = "MFGCHECK_WORKERS"


@dataclass(frozen=True)
class Outcome:
    """What one task gave: ``value`` or ``error`` (a one-line message; ``traceback``), the
    seconds it took on its worker (wall) and the CPU seconds of the thread that ran it (on a
    shared machine the wall time grows with the load, the CPU time hardly)."""

    tag: Any
    value: Any = None
    error: str | None = None
    traceback: str | None = None
    seconds: float = 0.0
    cpu: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


class ExecutorError(RuntimeError):
    """The executor itself failed (a task lost more often than ``retries`` allows)."""


def run_task(fn: Callable, arg: Any) -> tuple:
    """Run one task where it lands (any executor): one BLAS thread, exceptions caught.

    Returns ``(value, None, None, seconds, cpu)`` or ``(None, message, traceback, seconds,
    cpu)``: the wall seconds and the CPU seconds of this thread (one BLAS thread: the task's
    own CPU, whatever else runs in the process), the fields of ``Outcome`` after its tag."""
    import time

    from .numerics.blas import kernel_threads

    start, cpu = time.perf_counter(), time.thread_time()
    try:
        with kernel_threads():
            value = fn(arg)
        return (value, None, None, time.perf_counter() - start, time.thread_time() - cpu)
    except Exception as exc:  # noqa: BLE001 - returned to the caller, who records it
        return (None, f"{type(exc).__name__}: {exc}", traceback.format_exc(limit=12),
                time.perf_counter() - start, time.thread_time() - cpu)


class Executor:
    """Submit tasks with ``submit(tag, fn, arg)``, collect ``Outcome``s with ``results()``."""

    kind = "executor"
    workers = 1

    def submit(self, tag, fn: Callable, arg: Any) -> None:
        raise NotImplementedError

    def results(self, block: bool = True) -> Iterator[Outcome]:
        """Outcomes as tasks finish, until none is pending; ``block=False``: only those
        finished already."""
        raise NotImplementedError

    def pending(self) -> int:
        raise NotImplementedError

    def map(self, fn: Callable, args) -> list[Outcome]:
        """``fn`` over ``args``; the outcomes in the order of ``args``."""
        args = list(args)
        for i, a in enumerate(args):
            self.submit(i, fn, a)
        out: list[Outcome | None] = [None] * len(args)
        for o in self.results():
            out[o.tag] = o
        return out  # type: ignore[return-value]

    def describe(self) -> str:
        return f"{self.kind} ({self.workers} worker{'s' if self.workers != 1 else ''})"

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


class SerialExecutor(Executor):
    """Tasks run in this process, in the order submitted (the reference executor)."""

    kind = "serial"

    def __init__(self):
        self._queue: list[tuple] = []

    def submit(self, tag, fn, arg) -> None:
        self._queue.append((tag, fn, arg))

    def pending(self) -> int:
        return len(self._queue)

    def results(self, block: bool = True) -> Iterator[Outcome]:
        while self._queue:
            tag, fn, arg = self._queue.pop(0)
            yield Outcome(tag, *run_task(fn, arg))


def _init_worker() -> None:
    # Ctrl-C reaches the whole process group: the parent handles it (stores, reports, stops
    # the pool); a worker printing its own KeyboardInterrupt traceback would only add noise.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker has nothing to save when it exits (its results went back through the pool's
    # pipe, written synchronously; the parent writes every file). Registered last, this
    # handler runs first and ends the process without the interpreter's teardown (freeing
    # every module and array one by one): closing the pool took 0.4-0.9 s, the report's
    # serial tail, and takes 0.02 s (benchmarks/sweeps.py --close).
    atexit.register(os._exit, 0)


class ProcessExecutor(Executor):
    """``workers`` local processes (spawned: no state inherited from the parent)."""

    kind = "local processes"

    def __init__(self, workers: int, *, retries: int = 2):
        self.workers = int(workers)
        self.retries = int(retries)
        self._pool: Any = None              # the ProcessPoolExecutor, made on first use
        self._pending: dict = {}           # future -> (tag, fn, arg, attempts)

    def _make_pool(self):
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(self.workers, mp_context=mp.get_context("spawn"),
                                   initializer=_init_worker)

    def _launch(self, tag, fn, arg, attempts: int) -> None:
        if self._pool is None:
            self._pool = self._make_pool()
        self._pending[self._pool.submit(run_task, fn, arg)] = (tag, fn, arg, attempts)

    def submit(self, tag, fn, arg) -> None:
        self._launch(tag, fn, arg, 0)

    def pending(self) -> int:
        return len(self._pending)

    def results(self, block: bool = True) -> Iterator[Outcome]:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        while self._pending:
            done, _ = wait(list(self._pending), return_when=FIRST_COMPLETED,
                           timeout=None if block else 0)
            if not done:
                return
            lost = []
            for fut in done:
                entry = self._pending.pop(fut)
                try:
                    got = fut.result()
                except BrokenProcessPool:
                    lost.append(entry)
                    continue
                yield Outcome(entry[0], *got)
            if lost:
                yield from self._restart(lost)

    def _restart(self, lost: list) -> Iterator[Outcome]:
        """A worker died and the pool broke: every unfinished task is lost with it. Keep the
        results that arrived, start a new pool, submit the lost tasks again."""
        for fut, entry in list(self._pending.items()):
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                yield Outcome(entry[0], *fut.result())
            else:
                lost.append(entry)
        self._pending.clear()
        self._terminate()
        for tag, fn, arg, attempts in lost:
            if attempts >= self.retries:
                raise ExecutorError(f"task {tag!r}: lost with its worker process "
                                    f"{attempts + 1} times (killed, out of memory, or a crash "
                                    "in native code)")
            self._launch(tag, fn, arg, attempts + 1)

    def _terminate(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # Running tasks would otherwise run to their end before the interpreter may exit.
        procs = list((getattr(pool, "_processes", None) or {}).values())
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
        for proc in procs:
            proc.join(timeout=5)       # reaped here, not left as zombies after we exit
        pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        if self._pending:                 # interrupted: stop the running tasks now
            self._pending.clear()
            self._terminate()
        elif self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True)


class DaskExecutor(Executor):
    """Tasks on the workers of a Dask distributed scheduler (``address``), or of ``client``.

    The scheduler reschedules a task whose worker is lost (up to its ``allowed-failures``,
    default 3); beyond that the task fails with ``KilledWorker``, raised here as
    ``ExecutorError``."""

    kind = "dask"

    def __init__(self, address: str | None = None, *, client=None):
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - the dask extra is installed by make
            raise ImportError("a Dask scheduler needs the 'distributed' package: "
                              "pip install 'mfgcheck[dask]'") from exc
        self.address = address
        self._own = client is None
        self.client = client if client is not None else Client(address, set_as_default=False)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        self._pending: dict = {}
        self._done: Any = None               # distributed.as_completed over the futures

    def describe(self) -> str:
        where = self.address or getattr(self.client, "scheduler", None)
        where = getattr(where, "address", where)
        return f"dask at {where} ({self.workers} workers)"

    def submit(self, tag, fn, arg) -> None:
        from distributed import as_completed

        fut = self.client.submit(run_task, fn, arg, pure=False,
                                 key=f"mfgcheck-{uuid.uuid4().hex}")
        self._pending[fut] = tag
        if self._done is None:
            self._done = as_completed([fut], loop=self.client.loop)
        else:
            self._done.add(fut)

    def pending(self) -> int:
        return len(self._pending)

    def results(self, block: bool = True) -> Iterator[Outcome]:
        from distributed.scheduler import KilledWorker

        while self._pending:
            if not block and not self._done.has_ready():
                return
            fut = next(self._done)
            tag = self._pending.pop(fut)
            try:
                got = fut.result()
            except KilledWorker as exc:
                raise ExecutorError(f"task {tag!r}: lost with its worker too often "
                                    f"({exc})") from None
            yield Outcome(tag, *got)

    def close(self) -> None:
        if self._pending:
            self.client.cancel(list(self._pending))
            self._pending.clear()
        if self._own:
            self.client.close()


def default_workers() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def make_executor(scheduler: str | None = None, workers: int | None = None) -> Executor:
    """The executor for a sweep (module docstring): Dask if a scheduler is named (argument or
    ``MFGCHECK_SCHEDULER``), else ``workers`` local processes (argument, ``MFGCHECK_WORKERS``
    or every usable CPU); serial for one worker."""
    from ._validate import InvalidInputError

    scheduler = scheduler or os.environ.get(ENV_SCHEDULER) or None
    if scheduler:
        return DaskExecutor(scheduler)
    if workers is None:
        env = os.environ.get(ENV_WORKERS)
        try:
            workers = int(env) if env else default_workers()
        except ValueError:
            raise InvalidInputError(f"{ENV_WORKERS}: {env!r} is not an integer") from None
    if int(workers) < 1:
        raise InvalidInputError(f"workers: {workers} must be >= 1")
    return SerialExecutor() if int(workers) == 1 else ProcessExecutor(int(workers))
