"""The report's figures as units (``reports.figures``): drawn while the report runs, as each
part's data comes in, and used by the pages only for the data results.json holds."""

from __future__ import annotations

import copy

import pytest

from mfgcheck.executor import SerialExecutor
from mfgcheck.reports import figures, writer
from mfgcheck.reports.jobs import Task, run_jobs


def _identity(x):
    return x


class _Sweep:
    """A sweep job's outline (``jobs.SweepJob``): one analysis task per entry, the entries
    in ``entries`` as they return, the part's result their list."""

    def __init__(self, entries: list[dict]):
        self.given = entries
        self.entries: dict[str, dict] = {}

    def start(self):
        return [Task(("analyse", str(i)), _identity, e, 1e12) for i, e in enumerate(self.given)]

    def take(self, task, outcome):
        self.entries[task.key[1]] = outcome.value
        return []

    def on_part_finished(self, name, result):
        return []

    def blocked(self):
        return False

    def result(self):
        return {"settings": [self.entries[k] for k in sorted(self.entries)], "errors": []}


class _Part:
    name = "rate"
    needs: tuple = ()


def test_each_entry_is_drawn_as_it_comes_in_and_the_part_keeps_its_result(report_run):
    _, results = report_run
    part = results["parts"]["rate"]
    early = figures.EarlyFigures()
    sweep = _Sweep(copy.deepcopy(part["settings"]))
    done, _ = run_jobs([_Part()], lambda p, fin: early.wrap(p.name, sweep), SerialExecutor())
    assert done["rate"]["status"] == "ok"
    assert done["rate"]["settings"] == part["settings"]
    want = {u.key for u in figures.part_units("rate", part)}
    assert len(want) == len(part["settings"]) >= 1
    assert set(early.drawn) == want
    for unit in figures.part_units("rate", part):
        assert early.drawn[unit.key] == figures.draw_task(unit)     # the same bytes


def test_parts_without_figures_are_not_wrapped():
    job = object()
    assert figures.EarlyFigures().wrap("lemmas", job) is job


def test_the_pages_use_a_drawn_figure_only_for_the_data_it_was_drawn_from(report_run,
                                                                          tmp_path):
    _, results = report_run
    units = figures.units(results)
    assert units[0].name == figures.DEPENDENCY_FIGURE
    rate_units = [u for u in units if u.kind == "rate"]
    assert rate_units
    first = rate_units[0]
    stale = figures.Unit(first.name, first.kind, {**first.data, "caption": "other data"})
    assert stale.key[0] == first.key[0] and stale.key[1] != first.key[1]
    drawn = {first.key: b"drawn early", stale.key: b"not these data"}
    writer.draw_figures(results, tmp_path / "a", drawn=drawn)
    assert (tmp_path / "a" / writer.FIGURES / first.name).read_bytes() == b"drawn early"
    drawn = {stale.key: b"not these data"}
    writer.draw_figures(results, tmp_path / "b", drawn=drawn)
    assert (tmp_path / "b" / writer.FIGURES / first.name).read_bytes() == \
        figures.draw_task(first)


def test_units_are_read_back_data():
    nan = float("nan")
    got = figures.as_read_back({"x": (1, 2.5), "y": nan, "z": {"k": [nan]}})
    assert got == {"x": [1, 2.5], "y": "nan", "z": {"k": ["nan"]}}


def test_a_report_writes_the_figures_its_results_json_gives(tmp_path):
    """End to end: the figures a report drew while running (each paper panel's, as its
    analysis returned) are, byte for byte, those ``mfgcheck report --from`` draws from its
    results.json (its own report: the shared one is rewritten by other tests; the bytes
    drawn on worker processes are those drawn here, test_report_jobs.py)."""
    from mfgcheck.reports import run_report
    from mfgcheck.reports.results import load_results

    early = []
    real = figures.EarlyFigures.wrap

    def spy(self, name, job):
        early.append(self)
        return real(self, name, job)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(figures.EarlyFigures, "wrap", spy)
        run_report("test", tmp_path / "run", parts={"experiments"}, executor=SerialExecutor())
    results = load_results(tmp_path / "run" / "results.json")
    panels = figures.part_units("experiments", results["parts"]["experiments"])
    assert panels and set(early[0].drawn) == {u.key for u in panels}   # drawn while running
    drawn = sorted((tmp_path / "run" / writer.FIGURES).glob("*.png"))
    again = writer.draw_figures(results, tmp_path / "again")
    assert [p.name for p in drawn] == [p.name for p in again]
    assert {u.kind for u in figures.units(results)} == {"panel", "claims"}
    for a, b in zip(drawn, again):
        assert a.read_bytes() == b.read_bytes(), a.name
