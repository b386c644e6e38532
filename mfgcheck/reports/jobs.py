"""The report's work as tasks for an executor (``mfgcheck.executor``), and the loop that runs them.

A part of the report is a ``Job``: ``start()`` gives its first tasks, ``take(task, outcome)``
receives each result (and may give follow-up tasks), ``result()`` assembles the part once no
task is outstanding. ``run_jobs`` drives several parts at once on one executor, starting a part
when the parts it needs have finished (the lemma table needs the theory's verdicts), and
submitting the costliest tasks first (longest-processing-time order keeps every worker busy
to the end).

``SweepJob`` is the stored sweep (rate settings, paper panels; hunts and property campaigns
fit the same mould): per group (one setting), the runs not yet in the ``RunStore`` are computed
in chunks by a module-level ``chunk_fn(list of settings) -> list of results`` on any worker,
written here, in this process, as each chunk returns (workers never write); when a group's runs
are all stored, ``analyse_fn((group.spec, records, prelude))`` runs as one more task.
An optional ``prelude`` (a value every analysis needs, computed once rather than once per
worker: Theorem 1's exponents from SymPy) is stored in the part's result under its name and
handed to every analysis. It is taken from another part's result when ``prelude_from``
names a part that runs in the same report (``on_part_finished``: the theory part solves the
same SymPy problems, so the value costs nothing there); otherwise its task runs beside the
first chunks. A group whose
chunk or analysis raises is recorded in ``errors`` with its traceback; the others go on.
"""

from __future__ import annotations

import heapq
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..executor import Outcome, run_task
from ..numerics.blas import kernel_threads


class LocalRunner:
    """Tasks run one at a time in a daemon thread of this process (``Task.local``): the
    thread is abandoned, not waited for, if the report is interrupted."""

    def __init__(self):
        import queue

        self._todo: queue.Queue = queue.Queue()
        self._done: queue.Queue = queue.Queue()
        self._thread = None
        self.busy = 0

    def submit(self, key, task: Task) -> None:
        import threading

        if self._thread is None:
            self._thread = threading.Thread(target=self._work, daemon=True,
                                            name="mfgcheck-local-tasks")
            self._thread.start()
        self.busy += 1
        self._todo.put((key, task))

    def _work(self):
        while True:
            key, task = self._todo.get()
            self._done.put(Outcome(key, *run_task(task.fn, task.arg)))

    def done(self) -> list[Outcome]:
        import queue

        out = []
        while True:
            try:
                out.append(self._done.get_nowait())
            except queue.Empty:
                break
        self.busy -= len(out)
        return out


@dataclass
class Task:
    key: tuple
    fn: Callable
    arg: Any
    cost: float = 1.0           # relative; larger runs first
    label: str = ""
    # Run in this process rather than on a worker: tasks that need theory/'s SymPy
    # derivations (seconds of CPU to build in every fresh process; cached here once built).
    local: bool = False


class Job:
    def start(self) -> list[Task]:
        raise NotImplementedError

    def take(self, task: Task, outcome: Outcome) -> list[Task]:
        raise NotImplementedError

    def result(self) -> dict:
        raise NotImplementedError

    def on_part_finished(self, name: str, result: dict) -> list[Task]:
        """Another part of the report finished (for jobs that use its result)."""
        return []

    def blocked(self) -> bool:
        """Waiting for another part (no task outstanding, but not finished)."""
        return False


class OneTask(Job):
    """A part computed by one task; its error is the part's error.

    ``after = (part name, fn)``: the task's value is finished in this process by
    ``fn(value, that part's result)`` once that part of the report has finished too (the
    task itself does not wait for it: the lemma checks run beside the theory part, and only
    their summary reads the theory's verdicts); ``(None, fn)``: ``fn(value, None)`` at once."""

    def __init__(self, fn, arg, *, cost: float = 1e12, label: str = "", local: bool = False,
                 after: tuple[str | None, Callable] | None = None):
        self.task = Task(("part",), fn, arg, cost, label, local)
        self.value: Any = None
        self.after = after
        self._got = False
        self._other: tuple | None = None if after is None or after[0] is not None else (None,)

    def start(self):
        return [self.task]

    def take(self, task, outcome):
        if not outcome.ok:
            raise TaskFailed(outcome)
        self.value = outcome.value
        self._got = True
        self._finish()
        return []

    def on_part_finished(self, name, result):
        if self.after is not None and name == self.after[0]:
            self._other = (result,)
            self._finish()
        return []

    def _finish(self):
        if self.after is not None and self._got and self._other is not None:
            fn, self.after = self.after[1], None
            self.value = fn(self.value, self._other[0])

    def blocked(self) -> bool:
        return self.after is not None and self._got

    def result(self):
        return self.value


class ManyTasks(OneTask):
    """A part computed by independent tasks, one per argument of ``args`` (side by side on the
    workers); ``after = (part name, fn)`` as for ``OneTask``, with the list of the tasks'
    values, in the order of ``args``, in place of one value. A task's error is the part's."""

    def __init__(self, fn, args: list, *, labels: list[str] | None = None,
                 cost: float = 1e12, after: tuple[str | None, Callable] | None = None):
        super().__init__(fn, None, cost=cost, after=after)
        labels = labels or [""] * len(args)
        self.tasks = [Task(("share", i), fn, a, cost, lab) for i, (a, lab)
                      in enumerate(zip(args, labels))]
        self.values: list = [None] * len(args)
        self.left = len(args)
        if not args:
            self.value, self._got = [], True
            self._finish()

    def start(self):
        return list(self.tasks)

    def take(self, task, outcome):
        if not outcome.ok:
            raise TaskFailed(outcome)
        self.values[task.key[1]] = outcome.value
        self.left -= 1
        if self.left == 0:
            self.value, self._got = self.values, True
            self._finish()
        return []


class TaskFailed(RuntimeError):
    def __init__(self, outcome: Outcome):
        super().__init__(outcome.error)
        self.outcome = outcome


@dataclass
class Group:
    """One setting of a sweep: its runs' ``items`` (settings), how they are chunked (lists of
    indices), and the task that analyses the records."""

    id: str
    spec: Any
    items: list[dict]
    chunks: list[list[int]]
    chunk_fn: Callable
    analyse_fn: Callable
    cost: Callable[[dict], float] = lambda s: 1.0
    analyse_local: bool = False
    # Optional: the costly numerics of the analysis, ``prepare_fn((spec, records))``, as a
    # task on a worker before a local analysis, which then gets ``(spec, records, prelude,
    # prepared)`` (the analyses of several groups then run side by side, not one after
    # another in this process's thread).
    prepare_fn: Callable | None = None
    prepared: tuple | None = None           # (prepare_fn's value,) once it is in
    records: list = field(default_factory=list)
    left: int = 0
    seconds: float = 0.0


class SweepJob(Job):
    """Stored runs in chunks, then one analysis per group (module docstring)."""

    def __init__(self, store, groups: list[Group], *, entries: str,
                 prelude: tuple[str, Callable] | None = None,
                 prelude_from: tuple[str, Callable] | None = None):
        self.store, self.groups, self.entries_key = store, groups, entries
        self.prelude = prelude
        self.prelude_from = prelude_from    # (part name, result -> value or None)
        self.extra: dict = {}
        self.entries: dict[str, dict] = {}
        self.errors: dict[str, dict] = {}
        self.waiting: list[Group] = []      # runs stored, analysis waiting for the prelude

    def _ready(self) -> bool:
        return self.prelude is None or self.prelude[0] in self.extra

    def start(self):
        tasks = []
        if self.prelude is not None and self.prelude_from is None:
            tasks.append(self._prelude_task())
        for g in self.groups:
            g.records = self.store.lookup(g.items)
            todo = [c for c in g.chunks if any(g.records[i] is None for i in c)]
            # A chunk partly stored (an earlier run used other chunks) is computed only for
            # its missing runs.
            todo = [[i for i in c if g.records[i] is None] for c in todo]
            g.left = len(todo)
            for c in todo:
                chunk = [g.items[i] for i in c]
                tasks.append(Task(("run", g.id, tuple(c)), g.chunk_fn, chunk,
                                  sum(g.cost(s) for s in chunk),
                                  f"{g.id} {_describe(chunk)}"))
            if not todo:
                tasks += self._analysis(g)
        return tasks

    def blocked(self) -> bool:
        return bool(self.waiting)

    def _prelude_task(self) -> Task:
        assert self.prelude is not None      # called only when a prelude is declared
        return Task(("prelude",), self.prelude[1], None, 1e12, self.prelude[0], local=True)

    def on_part_finished(self, name, result):
        if self.prelude_from is None or name != self.prelude_from[0]:
            return []
        extract, self.prelude_from = self.prelude_from[1], None
        try:
            value = extract(result)
        except Exception:  # noqa: BLE001 - the part failed: compute the value here
            value = None
        return [self._prelude_task()] if value is None else self._provide(value)

    def _provide(self, value) -> list[Task]:
        assert self.prelude is not None      # a value is provided only for a prelude
        self.extra[self.prelude[0]] = value
        waiting, self.waiting = self.waiting, []
        return [t for g in waiting for t in self._analysis(g)]

    def _analysis(self, g: Group) -> list[Task]:
        if g.prepare_fn is not None and g.prepared is None:
            return [Task(("prepare", g.id), g.prepare_fn, (g.spec, g.records), 1e12,
                         f"{g.id} analysis (numerics)")]
        if not self._ready():
            self.waiting.append(g)
            return []
        pre = self.extra.get(self.prelude[0]) if self.prelude else None
        arg = (g.spec, g.records, pre) + (g.prepared or ())
        return [Task(("analyse", g.id), g.analyse_fn, arg, 1e12,
                     f"{g.id} analysis", local=g.analyse_local)]

    def take(self, task, outcome):
        if task.key[0] == "prelude":
            if not outcome.ok:
                raise TaskFailed(outcome)
            return self._provide(outcome.value)
        g = next(g for g in self.groups if g.id == task.key[1])
        g.seconds += outcome.seconds
        if not outcome.ok:
            self.errors.setdefault(g.id, {"id": g.id, "error": outcome.error,
                                          "traceback": outcome.traceback})
            return []
        if task.key[0] == "analyse":
            self.entries[g.id] = {**outcome.value, "wall_time": g.seconds}
            return []
        if task.key[0] == "prepare":
            g.prepared = (outcome.value,)
            return self._analysis(g)
        idx = task.key[2]
        if len(outcome.value) != len(idx):
            self.errors.setdefault(g.id, {"id": g.id, "error": f"{len(outcome.value)} "
                                          f"results for {len(idx)} runs", "traceback": ""})
            return []
        share = outcome.seconds / len(idx)
        for i, res in zip(idx, outcome.value):
            g.records[i] = self.store.put(g.items[i], res, share)
        g.left -= 1
        if g.left == 0 and g.id not in self.errors:
            return self._analysis(g)
        return []

    def result(self):
        order = [g.id for g in self.groups]
        return {**self.extra,
                self.entries_key: [self.entries[i] for i in order if i in self.entries],
                "errors": [self.errors[i] for i in order if i in self.errors]}


def _describe(chunk: list[dict]) -> str:
    parts = []
    for name in ("algorithm", "T", "iterations"):
        vals = sorted({s[name] for s in chunk if s.get(name) is not None}, key=str)
        if vals:
            parts.append(f"{name}={','.join(str(v) for v in vals)}")
    seeds = {s.get("seed") for s in chunk}
    if len(seeds) > 1:
        parts.append(f"{len(seeds)} seeds")
    return " ".join(parts)


def run_jobs(parts, make_job: Callable, executor, *, progress: bool = False,
             stream=None, cpu: dict | None = None) -> tuple[dict, dict]:
    """Run the parts (objects with ``name`` and ``needs``) on ``executor``.

    ``make_job(part, finished)`` builds a part's ``Job`` once the parts it needs are in
    ``finished`` (name -> result dict). Returns ``(results, seconds)``: per part its result
    (``{"status": "ok", ...}`` or ``{"status": "error", "error", "traceback"}``) and the
    seconds its tasks took on the workers. With ``progress``, one line per finished task on
    ``stream`` (stderr): readable in a terminal and in a log file alike. ``cpu``, if given, is
    filled with the CPU seconds of each part's tasks (``Outcome.cpu``: on a shared machine the
    figure to compare, where the wall time follows the load)."""
    loop = _Loop(parts, make_job, executor, progress, stream or sys.stderr)
    # One BLAS thread for the whole run, so that the local thread and this one agree.
    try:
        with kernel_threads():
            loop.run()
    finally:
        if cpu is not None:
            cpu.update(loop.cpu)
    return loop.results, loop.seconds


class _Loop:
    def __init__(self, parts, make_job, executor, progress, stream):
        self.names = {p.name for p in parts}
        self.waiting = list(parts)
        self.make_job, self.executor = make_job, executor
        self.progress, self.stream = progress, stream
        self.active: dict[str, Job] = {}
        self.outstanding: dict[str, int] = {}
        self.results: dict[str, dict] = {}
        self.seconds: dict[str, float] = {p.name: 0.0 for p in parts}
        self.cpu: dict[str, float] = {p.name: 0.0 for p in parts}
        self.tasks: dict[tuple, tuple[str, Task]] = {}
        self.local: list[tuple] = []
        self.queue: list[tuple] = []         # (-cost, order, key): remote tasks not yet handed
        self.runner = LocalRunner()
        self.done = self.submitted = 0
        self.started = time.perf_counter()

    def fail(self, name, exc):
        import traceback

        self.active.pop(name, None)
        if isinstance(exc, TaskFailed):
            self.results[name] = {"status": "error", "error": exc.outcome.error,
                                  "traceback": exc.outcome.traceback}
        else:
            self.results[name] = {"status": "error", "error": f"{type(exc).__name__}: {exc}",
                                  "traceback": traceback.format_exc(limit=8)}
        # A part waiting for this one (the lemma table for the theory's verdicts) finishes
        # with the error as that part's result, instead of waiting for ever and vanishing.
        self.announce(name)

    def announce(self, name):
        """Tell the other active jobs that part ``name`` finished (ok or not)."""
        for other, oj in list(self.active.items()):
            try:
                self.submit(other, oj.on_part_finished(name, self.results[name]))
            except Exception as exc:  # noqa: BLE001 - recorded in the report
                self.fail(other, exc)
        for other in list(self.active):
            self.finish_if_done(other)

    def submit(self, name, new):
        for t in new:
            key = (name, *t.key)
            self.tasks[key] = (name, t)
            self.outstanding[name] = self.outstanding.get(name, 0) + 1
            self.submitted += 1
            if t.local:
                self.local.append(key)
            else:
                heapq.heappush(self.queue, (-t.cost, self.submitted, key))
        self.pump()

    def pump(self):
        """Hand the executor the costliest queued tasks, no more than it can start soon: a
        task queued later (the lemma checks, once the theory is done) still overtakes cheaper
        ones queued before it, which a FIFO pool alone would not allow."""
        limit = 2 * max(1, getattr(self.executor, "workers", 1))
        while self.queue and self.executor.pending() < limit:
            key = heapq.heappop(self.queue)[2]
            t = self.tasks[key][1]
            self.executor.submit(key, t.fn, t.arg)

    def finish_if_done(self, name) -> bool:
        job = self.active.get(name)
        if job is None or self.outstanding.get(name, 0) or job.blocked():
            return False
        del self.active[name]
        try:
            self.results[name] = {"status": "ok", **job.result()}
        except Exception as exc:  # noqa: BLE001 - recorded in the report
            self.fail(name, exc)
            return True
        self.announce(name)
        return True

    def start_ready(self):
        fresh = []
        while True:
            ready = [p for p in self.waiting
                     if all(n in self.results or n not in self.names for n in p.needs)]
            if not ready:
                break
            for p in ready:
                self.waiting.remove(p)
                try:
                    job = self.active[p.name] = self.make_job(p, self.results)
                    new = job.start()
                except Exception as exc:  # noqa: BLE001 - recorded in the report
                    self.fail(p.name, exc)
                    continue
                fresh += [(p.name, t) for t in new]
                if not new:
                    self.finish_if_done(p.name)
        fresh.sort(key=lambda nt: -nt[1].cost)          # longest first over all ready now
        for name, t in fresh:
            self.submit(name, [t])

    def outcomes(self):
        """Outcomes as they come: remote ones from the executor, local ones from a thread of
        this process (so that no stored result waits for a local task to finish)."""
        while self.local or self.runner.busy or self.executor.pending() or self.queue:
            self.pump()
            while self.local:
                key = self.local.pop(0)
                self.runner.submit(key, self.tasks[key][1])
            if self.runner.busy:
                got = self.runner.done() + list(self.executor.results(block=False))
                yield from got
                if not got:
                    time.sleep(0.02)
            else:
                for o in self.executor.results(block=True):
                    yield o
                    break                  # a local task may have been queued: look again

    def run(self):
        self.start_ready()
        for outcome in self.outcomes():
            name, task = self.tasks.pop(outcome.tag)
            self.outstanding[name] -= 1
            self.seconds[name] += outcome.seconds
            self.cpu[name] += outcome.cpu
            self.done += 1
            if self.progress:
                status = "" if outcome.ok else f"  FAILED: {outcome.error}"
                print(f"mfgcheck report: [{self.done}/{self.submitted}] {name}: "
                      f"{task.label or name} {outcome.seconds:.1f} s, CPU "
                      f"{outcome.cpu:.1f} s (elapsed "
                      f"{time.perf_counter() - self.started:.0f} s){status}",
                      file=self.stream, flush=True)
            if name not in self.active:
                continue                     # the part failed already: its late results go
            try:
                self.submit(name, self.active[name].take(task, outcome))
            except Exception as exc:  # noqa: BLE001 - recorded in the report
                self.fail(name, exc)
                self.start_ready()
                continue
            if self.finish_if_done(name):
                self.start_ready()
        # Nothing may vanish from the report: a part still waiting when no task is left
        # (for a part that never finished) is an error that says what it waited for.
        for name in [*self.active, *(p.name for p in self.waiting)]:
            if name not in self.results:
                self.results[name] = {"status": "error", "error": "did not finish: no task "
                                      "left while it waited for another part",
                                      "traceback": None}


@dataclass(frozen=True)
class _Only:
    name: str
    needs: tuple = ()


def drive_one(job: SweepJob, executor=None, *, progress: bool = False) -> list[dict]:
    """Run one sweep job to its end (on ``executor``, default this process) and return its
    entries; the first error of a group is raised (as ``RuntimeError`` with its traceback)."""
    from ..executor import SerialExecutor

    ex = executor or SerialExecutor()
    try:
        results, _ = run_jobs([_Only("sweep")], lambda p, done: job, ex, progress=progress)
    finally:
        if executor is None:
            ex.close()
    res = results["sweep"]
    errors = res.get("errors") or ([res] if res["status"] == "error" else [])
    if errors:
        e = errors[0]
        raise RuntimeError(f"{e.get('id', 'sweep')}: {e['error']}\n{e.get('traceback') or ''}")
    return res[job.entries_key]
