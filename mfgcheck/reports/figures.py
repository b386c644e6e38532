"""The report's figures one PNG at a time, drawn from results.json data alone, some of them
while the report is still running.

A figure is a ``Unit``: its file name, its kind and the plain data it is drawn from (one rate
setting's entry, one paper panel, the serverless experiment, the ablation, the claims'
summary lines). ``units(results)`` lists the figures of a results.json (``writer`` draws
them); ``draw_unit`` draws one into a directory, ``draw_task`` on any worker (the PNG's
bytes). A unit's ``key`` is its file name and the SHA-256 of its data's JSON.

``EarlyFigures`` draws a part's figures on the workers as soon as the part's data is in (for
the sweeps, each setting's or panel's entry as its analysis returns) rather than all after the
last task, where they used to make the report's serial tail. The data a figure is drawn from
is what results.json will hold (``to_jsonable``, then a JSON round trip), and ``writer`` uses
a PNG drawn early only under the key of the unit it renders from results.json: anything else
is drawn again, so the pages stay a function of results.json alone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEPENDENCY_FIGURE = "claims-dependency.png"
# parts with figures; the claims' graph needs the summary of every part: drawn at the end
PARTS = ("rate", "experiments", "serverless", "ablation")


@dataclass(frozen=True)
class Unit:
    name: str                   # the PNG's file name under figures/
    kind: str
    data: Any                   # plain JSON data (as read from results.json)

    @property
    def key(self) -> tuple[str, str]:
        blob = json.dumps([self.kind, self.data], sort_keys=True, allow_nan=False)
        return self.name, hashlib.sha256(blob.encode()).hexdigest()


def part_units(name: str, part: dict) -> list[Unit]:
    """The figures of one part that ran (``part``: its results.json data)."""
    from . import experiments, rate

    if part.get("status") != "ok":
        return []
    if name == "rate":
        return [Unit(rate.figure_name(e), "rate", e) for e in part["settings"]]
    if name == "experiments":
        return [Unit(experiments.figure_name(p), "panel", p) for p in part["panels"]]
    if name == "serverless":
        from ..serverless.plots import FIGURES

        return [Unit(f, "serverless", part["experiment"]) for f in FIGURES]
    if name == "ablation":
        return [Unit(experiments.ABLATION_FIGURE, "ablation", part)]
    return []


def _entry_units(name: str, entry: dict) -> list[Unit]:
    """The figure of one entry of a sweep part (a rate setting, a paper panel)."""
    from . import experiments, rate

    if name == "rate":
        return [Unit(rate.figure_name(entry), "rate", entry)]
    if name == "experiments":
        return [Unit(experiments.figure_name(entry), "panel", entry)]
    return []


def units(results: dict) -> list[Unit]:
    """Every figure of a results.json: the claims' dependency graph, then each part's."""
    out = [Unit(DEPENDENCY_FIGURE, "claims", results["summary"]["claims"])]
    for name in PARTS:
        out += part_units(name, results["parts"].get(name, {}))
    return out


def draw_unit(unit: Unit, figdir: Path) -> Path:
    """Draw ``unit`` as ``figdir / unit.name``."""
    path = Path(figdir) / unit.name
    if unit.kind == "claims":
        from .graph import dependency_figure

        dependency_figure(unit.data, path)
    elif unit.kind == "rate":
        from .plots import rate_figure

        rate_figure(unit.data, unit.data["theory_slope"], path)
    elif unit.kind == "panel":
        from .plots import exploitability_figure

        exploitability_figure(unit.data, path, floor=unit.data["floor"])
    elif unit.kind == "serverless":
        from ..serverless.plots import DRAW

        DRAW[unit.name](unit.data, path)
    elif unit.kind == "ablation":
        from .experiments import draw_ablation

        draw_ablation(unit.data, path)
    else:  # pragma: no cover - a programming error
        raise ValueError(f"figure kind: {unit.kind!r}")
    return path


def draw_task(unit: Unit) -> bytes:
    """Task: ``unit`` drawn in a temporary directory where it runs (a worker shares no file
    system with the report); the PNG's bytes."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return draw_unit(unit, Path(tmp)).read_bytes()


def as_read_back(data):
    """``data`` as results.json gives it back: ``to_jsonable`` and a JSON round trip."""
    from .._json import to_jsonable

    return json.loads(json.dumps(to_jsonable(data), allow_nan=False))


class EarlyFigures:
    """Draws the parts' figures while the report runs (module docstring): ``wrap`` each
    part's job; ``drawn`` maps ``Unit.key`` to the PNG's bytes."""

    def __init__(self):
        self.drawn: dict[tuple[str, str], bytes] = {}

    def wrap(self, name: str, job):
        return _Drawing(job, name, self.drawn) if name in PARTS else job


class _Drawing:
    """A ``jobs.Job``: ``inner``'s tasks, and the figures of its entries and of its result as
    they come in. The part finishes when its figures are drawn too (they are its tasks); a
    figure that fails is left to ``writer``, which draws it again and reports its error."""

    def __init__(self, inner, part: str, drawn: dict):
        self.inner, self.part, self.drawn = inner, part, drawn
        self.left = 0                        # inner tasks handed out and not yet back
        self.seen: set[str] = set()          # entries whose figures were asked for
        self.asked: set[tuple[str, str]] = set()     # keys of the figures asked for
        self.done = False
        self.value: dict | None = None

    def _inner(self, tasks: list) -> list:
        self.left += len(tasks)
        return tasks

    def _figures(self) -> list:
        out: list[Unit] = []
        entries = getattr(self.inner, "entries", None)
        if isinstance(entries, dict):
            for gid, entry in list(entries.items()):
                if gid not in self.seen:
                    self.seen.add(gid)
                    out += _entry_units(self.part, as_read_back(entry))
        if not self.done and self.left == 0 and not self.inner.blocked():
            self.done = True
            try:
                self.value = self.inner.result()
            except Exception:  # noqa: BLE001 - the report records it when it asks result()
                return self._tasks(out)
            out += part_units(self.part, as_read_back({"status": "ok", **self.value}))
        return self._tasks(out)

    def _tasks(self, units_: list[Unit]) -> list:
        from .jobs import Task  # not at import: rendering loads no runner

        tasks = []
        for u in units_:
            if u.key not in self.asked:      # an entry's figure is its part's figure too
                self.asked.add(u.key)
                # as urgent as an analysis: their data is in, and they are short
                tasks.append(Task(("figure", u.key), draw_task, u, 1e12, f"figure {u.name}"))
        return tasks

    def start(self):
        return self._inner(self.inner.start()) + self._figures()

    def take(self, task, outcome):
        if task.key[0] == "figure":
            if outcome.ok:
                self.drawn[task.key[1]] = outcome.value
            return []
        self.left -= 1
        return self._inner(self.inner.take(task, outcome)) + self._figures()

    def on_part_finished(self, name, result):
        return self._inner(self.inner.on_part_finished(name, result)) + self._figures()

    def blocked(self) -> bool:
        return self.inner.blocked()

    def result(self):
        return self.value if self.done and self.value is not None else self.inner.result()
