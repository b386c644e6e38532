"""How the report's parts are split into tasks changes its wall time, never its numbers.

The lemma checks run beside the theory part and are summarised with its verdicts once both
are done; the serverless section runs as tasks (calibration, game, training, one task per
simulated run); the paper panels run in chunks of seeds. Each arrangement is compared with
the computation it replaces."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from mfgcheck.executor import SerialExecutor
from mfgcheck.reports.jobs import ManyTasks, OneTask, run_jobs
from mfgcheck.reports.store import canonical_json

TIMING = ("wall_time", "seconds", "events_per_wall_time_s")


def _strip(x):
    if isinstance(x, dict):
        return {k: _strip(v) for k, v in x.items() if not any(t in k for t in TIMING)}
    if isinstance(x, list):
        return [_strip(v) for v in x]
    return x


@dataclass(frozen=True)
class _Part:
    name: str
    needs: tuple = ()


def test_a_task_finished_with_another_parts_result():
    """``OneTask(after=(part, fn))``: the task runs without waiting for the other part (here
    before it: it costs more), and its part finishes with ``fn(value, other part's result)``;
    with ``(None, fn)`` (the other part not in this report) with ``fn(value, None)``."""
    order = []

    def other(_):
        order.append("theory")
        return {"steps": [1, 2]}

    def checks(_):
        order.append("lemmas")
        return {"rows": 3}

    def summary(raw, theory):
        return {**raw, "steps_seen": (theory or {}).get("steps")}

    def make(part, finished):
        if part.name == "theory":
            return OneTask(other, None, cost=1.0)
        return OneTask(checks, None, cost=2.0, after=("theory", summary))

    results, _ = run_jobs([_Part("theory"), _Part("lemmas")], make, SerialExecutor())
    assert order == ["lemmas", "theory"]
    assert results["lemmas"] == {"status": "ok", "rows": 3, "steps_seen": [1, 2]}
    results, _ = run_jobs([_Part("lemmas")],
                          lambda p, f: OneTask(checks, None, after=(None, summary)),
                          SerialExecutor())
    assert results["lemmas"] == {"status": "ok", "rows": 3, "steps_seen": None}


def test_a_part_waiting_for_a_failed_part_finishes_with_the_error():
    """The theory part fails: the lemma table, which waits for its verdicts, still finishes
    (with the failed part's result, no verdicts), and every part is in the results (a
    failed part used to leave the lemma part waiting and run_report raised KeyError)."""

    def broken(_):
        raise ZeroDivisionError("the prover crashed")

    def summary(raw, theory):
        return {**raw, "theory_status": (theory or {}).get("status")}

    def make(part, finished):
        if part.name == "theory":
            return OneTask(broken, None, cost=1.0)
        return ManyTasks(lambda x: {"rows": x}, [1, 2], cost=2.0,
                         after=("theory", lambda vals, th: summary({"rows": vals}, th)))

    results, _ = run_jobs([_Part("theory"), _Part("lemmas"), _Part("table", ("theory",))],
                          lambda p, f: make(p, f) if p.name != "table" else OneTask(
                              lambda _: {"saw": f["theory"]["status"]}, None),
                          SerialExecutor())
    assert results["theory"]["status"] == "error"
    assert "the prover crashed" in results["theory"]["error"]
    assert results["lemmas"] == {"status": "ok", "rows": [{"rows": 1}, {"rows": 2}],
                                 "theory_status": "error"}
    assert results["table"] == {"status": "ok", "saw": "error"}


def test_lemma_table_summarised_after_the_checks_equals_lemma_part():
    """``lemma_summary(lemma_checks(s), steps)`` is ``lemma_part(s, theory_steps=steps)``."""
    from mfgcheck.reports import tables
    from mfgcheck.reports.settings import LemmaSetting

    s = LemmaSetting(examples=3, claims=("lemma4",))
    steps = [{"id": "lemma4.bound", "claim": "lemma4", "verdict": "refuted"}]
    a = tables.lemma_part(s, theory_steps=steps)
    b = tables.lemma_summary(tables.lemma_checks(s), steps)
    assert canonical_json(_strip(a)) == canonical_json(_strip(b))
    assert a["rows"] and any(r["theory_verdict"] == "refuted" for r in a["rows"]) == any(
        r["step"] == "lemma4.bound" for r in a["rows"])


def test_many_tasks_finished_with_their_values_in_order_and_another_parts_result():
    """``ManyTasks``: one task per argument (the costliest submitted first), finished with
    the values in the order of the arguments, then with the other part's result."""
    def square(x):
        return x * x

    def summary(values, theory):
        return {"values": values, "steps_seen": (theory or {}).get("steps")}

    def make(part, finished):
        if part.name == "theory":
            return OneTask(lambda _: {"steps": [7]}, None, cost=1.0)
        return ManyTasks(square, [3, 1, 2], after=("theory", summary))

    results, _ = run_jobs([_Part("theory"), _Part("lemmas")], make, SerialExecutor())
    assert results["lemmas"] == {"status": "ok", "values": [9, 1, 4], "steps_seen": [7]}
    results, _ = run_jobs([_Part("lemmas")], lambda p, f: ManyTasks(
        square, [], after=(None, summary)), SerialExecutor())
    assert results["lemmas"] == {"status": "ok", "values": [], "steps_seen": None}


def test_lemma_checks_in_shares_per_claim_equal_the_checks_in_one_run():
    """The report's lemma part runs one task per claim on a large budget
    (``report.lemma_shares``); merged, in whatever order the shares ran in one process, they
    equal the checks run together."""
    from dataclasses import replace

    from mfgcheck.reports import report, tables
    from mfgcheck.reports.settings import LemmaSetting

    s = LemmaSetting(examples=3, claims=("lemma4", "lemma2"))
    assert report.lemma_shares(s) == [("lemma2", "lemma4")]       # a small budget: one task
    assert report.lemma_shares(replace(s, examples=report.LEMMA_SPLIT_EXAMPLES)) == [
        ("lemma2",), ("lemma4",)]
    shares = [("lemma2",), ("lemma4",)]
    late_first = {only: report.lemmas_task((s, only)) for only in reversed(shares)}
    merged = tables.merge_lemma_checks([late_first[only] for only in shares])
    whole = tables.lemma_checks(s)
    assert merged["records"] and set(merged["records"]) == set(whole["records"])
    assert list(merged["records"]) == list(whole["records"])      # the table's row order
    assert set(merged["timings"]) == set(whole["timings"])        # seconds per group
    assert canonical_json(_strip({**merged, "timings": None})) == canonical_json(
        _strip({**whole, "timings": None}))


def test_assumption_constants_per_game_equal_the_constants_in_one_run():
    from dataclasses import replace

    from mfgcheck.reports import report, tables
    from mfgcheck.reports.settings import RANDOM, SIS, AssumptionSetting

    s = AssumptionSetting((SIS, RANDOM), budget=6)
    shares = [report.assumptions_task(replace(s, games=(g,))) for g in reversed(s.games)]
    merged = report.assumptions_merge(shares[::-1])
    whole = tables.assumption_part(s)
    assert [r["game"] for r in merged["rows"]] == ["SIS", "random 5x3"]
    assert canonical_json(_strip(merged)) == canonical_json(_strip(whole))


def test_serverless_section_as_tasks_equals_the_section_in_one_process():
    pytest.importorskip("simpy")
    from mfgcheck.reports import serverless

    job = serverless.ServerlessJob("test")
    results, _ = run_jobs([_Part("serverless")], lambda p, f: job, SerialExecutor())
    as_tasks = results["serverless"]
    assert as_tasks["status"] == "ok"
    in_one = serverless.run("test")
    assert len(as_tasks["experiment"]["runs"]) == len(in_one["experiment"]["runs"]) > 1
    assert canonical_json(_strip({**as_tasks, "status": None})) == canonical_json(
        _strip({**in_one, "status": None}))


def test_calibration_is_computed_once_per_process_for_the_same_inputs():
    pytest.importorskip("simpy")
    from mfgcheck.serverless import game, model

    counts = np.full((2, 1440), 30.0)
    counts[:, ::7] = 90.0
    fns = model.FUNCTIONS[:2]
    a = game.calibrate(counts, functions=fns, invocations=40)
    assert game.calibrate(counts.astype(np.int64), functions=fns, invocations=40) is a
    b = game.calibrate(counts, functions=fns, invocations=41)
    assert b is not a and b.invocations == 41
    assert not game.is_default(a)


def test_paper_panel_runs_do_not_depend_on_their_chunk():
    """A panel's runs alone equal the same runs inside a batch of seeds (the sampled and the
    practical oracles, NAC and DL-NAC), so chunking the seeds changes no number."""
    from mfgcheck.reports import experiments, settings

    for oracle, kw in (("sampled", {"K_critic": 5, "K_actor": 5, "critic_step": 0.001}),
                       ("practical", {"K_critic": 20, "K_actor": 20, "critic_step": 0.001})):
        ps = settings.PaperSetting("p", "Figure 1", settings.SIS_RAW, 8, nac_eta=0.05,
                                   nac_beta=0.01, dl_eta=0.05, segments=2, seeds=(0, 1, 2),
                                   oracle=oracle, oracle_kwargs=kw, record_every=2)
        items = experiments.run_settings(ps)
        for alg in ("nac", "dl-nac"):
            chunk = [s for s in items if s["algorithm"] == alg]
            together = experiments.run_chunk(chunk)
            alone = [experiments.run_chunk([s])[0] for s in chunk]
            assert canonical_json(together) == canonical_json(alone)
            assert len({canonical_json(r) for r in together}) > 1     # seeds differ
    assert experiments.chunks(items) == [[0, 1, 2], [3, 4, 5]]
    assert experiments.SEEDS_PER_TASK < 10


def test_figures_drawn_on_workers_are_the_bytes_drawn_here(report_run, tmp_path):
    """The report draws its figures on its workers (returned as bytes, written here): while
    it runs (``figures.EarlyFigures``, tests/reports/test_figures.py) and the rest at the
    end; each file is the same, byte for byte, as drawn in this process, and none is
    missing."""
    from mfgcheck.executor import ProcessExecutor
    from mfgcheck.reports import figures, writer

    _, results = report_run
    here = writer.draw_figures(results, tmp_path / "here")
    with ProcessExecutor(2) as ex:
        there = writer.draw_figures(results, tmp_path / "there", ex)
    assert [p.name for p in here] == [p.name for p in there]
    assert [p.name for p in here] == sorted(u.name for u in figures.units(results))
    assert len(here) >= 4
    for a, b in zip(here, there):
        assert a.read_bytes() == b.read_bytes(), a.name
        assert b.stat().st_mode & 0o044 == 0o044          # readable by others


def _serverless_part(contraction: bool, nac, ens, ow) -> dict:
    ci = lambda m, h: {"mean": m, "low": m - h, "high": m + h, "n": 2}  # noqa: E731
    return {"game": {"assumptions": {"contraction": contraction, "lipschitz_Lambda": 1.5}},
            "experiment": {"setting": {"nodes": 21, "functions": 12, "hours": 2.0},
                           "summary": {"NAC": {"runs": 2, "violation_rate": ci(*nac)},
                                       "ENSURE": {"violation_rate": ci(*ens)},
                                       "OpenWhisk default": {"violation_rate": ci(*ow)}}}}


def test_serverless_summary_line_grades_assumption_and_advantage():
    """Assumption 3 failing is a finding; otherwise NAC's violation-rate interval below both
    baselines' is a pass (the paper's claim reproduced), anything else a warning."""
    from mfgcheck.reports import serverless

    below = ((0.01, 0.001), (0.03, 0.001), (0.02, 0.001))
    overlap = ((0.01, 0.001), (0.03, 0.001), (0.0105, 0.001))
    (line,) = serverless.claim_lines(_serverless_part(True, *below))
    assert line["status"] == "pass" and "NAC below both" in line["text"]
    (line,) = serverless.claim_lines(_serverless_part(True, *overlap))
    assert line["status"] == "warn" and "not reproduced" in line["text"]
    (line,) = serverless.claim_lines(_serverless_part(False, *below))
    assert line["status"] == "finding" and "Assumption 3 fails" in line["text"]
    assert "simulated" in line["text"] and "trained online in the simulated cluster" in line[
        "text"]


def test_report_summary_has_the_serverless_line(report_run):
    from mfgcheck.reports import serverless
    from mfgcheck.reports.doc import badge, to_markdown
    from mfgcheck.reports.writer import build_document

    _, results = report_run
    lines = [o for o in results["summary"]["other"] if o["claim"] == "serverless"]
    assert len(lines) == 1
    part = results["parts"]["serverless"]
    assert lines[0] == serverless.claim_lines(part)[0]
    # the pages of these results (index.md in `out` may have been rewritten by another
    # test's partial rerun into the same directory)
    md = to_markdown(build_document(results))
    assert f"{badge(lines[0]['status'])} {lines[0]['text']}" in md


def test_rate_analysis_with_its_constants_from_a_worker_equals_the_analysis_alone(tmp_path):
    """The rate part computes each setting's assumption constants as a task of their own
    (``rate.constants_task``, on a worker) before the analysis in the report's thread; the
    entry equals the one analysis that computes them itself."""
    from dataclasses import replace

    from mfgcheck.reports import rate, settings
    from mfgcheck.reports.jobs import SweepJob, drive_one
    from mfgcheck.reports.store import RunStore

    rs = settings.test().rate[0]
    g = rate.group(rs)
    assert g.prepare_fn is rate.constants_task
    store = RunStore(tmp_path / "out")

    def entry(group):
        job = SweepJob(store, [group], entries="settings", prelude=("theory", rate.theory_task))
        return drive_one(job)[0]

    split = entry(g)
    alone = entry(replace(rate.group(rs), prepare_fn=None))
    assert store.calls == len(g.items)            # the second sweep reused every run
    assert split["points"] and canonical_json(_strip(split)) == canonical_json(_strip(alone))
