"""mfgcheck.executor: every executor gives the same outcomes; a task lost with its worker is
recomputed; and the test profile's report computed on a Dask LocalCluster (two worker
processes, loopback only), on two local processes and in the test process equals the report
computed on one local worker process, bit for bit."""

import os
from pathlib import Path

import pytest

from mfgcheck._validate import InvalidInputError
from mfgcheck.executor import (
    ENV_SCHEDULER,
    ENV_WORKERS,
    DaskExecutor,
    ProcessExecutor,
    SerialExecutor,
    make_executor,
    run_task,
)
from mfgcheck.reports import run_report
from mfgcheck.reports.store import canonical_json


def square_plus_blas(x):
    """A task: x^2 and the BLAS threads it saw."""
    from mfgcheck.numerics.blas import blas_threads

    if x < 0:
        raise ValueError(f"negative input {x}")
    return x * x, blas_threads()


def die_once(marker):
    """A task whose worker dies the first time it runs (the marker file remembers)."""
    p = Path(marker)
    if not p.exists():
        p.write_text("died")
        os._exit(1)
    return "recomputed"


def test_run_task_limits_blas_and_captures_errors():
    value, err, tb, sec, cpu = run_task(square_plus_blas, 3)
    assert value == (9, 1) and err is None and sec >= 0 and cpu >= 0
    value, err, tb, _, _ = run_task(square_plus_blas, -2)
    assert value is None and err == "ValueError: negative input -2" and "square_plus_blas" in tb


@pytest.mark.parametrize("make", [SerialExecutor, lambda: ProcessExecutor(2)])
def test_executors_give_the_same_outcomes(make):
    with make() as ex:
        out = ex.map(square_plus_blas, [1, 2, -1, 4])
    assert [o.value for o in out] == [(1, 1), (4, 1), None, (16, 1)]
    assert [o.ok for o in out] == [True, True, False, True]
    assert out[2].error == "ValueError: negative input -1"


def test_a_task_lost_with_its_local_worker_is_recomputed(tmp_path):
    with ProcessExecutor(2) as ex:
        out = ex.map(die_once, [str(tmp_path / "m")])
    assert out[0].value == "recomputed"
    assert (tmp_path / "m").read_text() == "died"     # it did die once


def test_make_executor_reads_the_environment(monkeypatch):
    monkeypatch.delenv(ENV_SCHEDULER, raising=False)
    monkeypatch.setenv(ENV_WORKERS, "1")
    assert isinstance(make_executor(), SerialExecutor)
    monkeypatch.setenv(ENV_WORKERS, "3")
    ex = make_executor()
    assert isinstance(ex, ProcessExecutor) and ex.workers == 3
    assert isinstance(make_executor(workers=1), SerialExecutor)     # the argument wins
    monkeypatch.setenv(ENV_WORKERS, "two")
    with pytest.raises(InvalidInputError, match="MFGCHECK_WORKERS: 'two'"):
        make_executor()
    with pytest.raises(InvalidInputError, match="workers: 0"):
        make_executor(workers=0)


# -- bit-equal reports ----------------------------------------------------------------------
TIMING = ("wall_time", "seconds", "generated_utc", "executor", "elapsed")


def numbers(results: dict, skip=()) -> str:
    """Everything results.json says about the checks, without timings and the executor."""
    def strip(x):
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if not any(t in k for t in TIMING)}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x
    return canonical_json(strip({k: v for k, v in results["parts"].items() if k not in skip}))


@pytest.fixture(scope="module")
def local_report(tmp_path_factory):
    """The reference: one local worker process (a fresh interpreter, like the CLI's)."""
    with ProcessExecutor(1) as ex:
        return run_report("test", tmp_path_factory.mktemp("one-worker"), executor=ex)


def test_report_in_this_process_is_bit_equal(local_report, report_run):
    """The session's report (tests/reports/conftest.py), computed in the test process.
    Its lemma table is left out: the Hypothesis searches of reports.lemmas draw other
    examples in a process where other tests ran Hypothesis before (a finding for
    reports.lemmas, reported; each process of a report run is fresh, so a report is not
    affected)."""
    _, res = report_run
    assert res["runs"]["computed"] == local_report["runs"]["computed"] > 0
    assert numbers(res, skip=("lemmas",)) == numbers(local_report, skip=("lemmas",))


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None,
                                  silence_logs=40) as c:
        yield c


def test_report_on_local_processes_is_bit_equal(local_report, tmp_path):
    with ProcessExecutor(2) as ex:
        res = run_report("test", tmp_path, executor=ex)
    assert res["runs"]["computed"] == local_report["runs"]["computed"] > 0
    assert numbers(res) == numbers(local_report)


def test_report_on_a_dask_local_cluster_is_bit_equal(local_report, cluster, tmp_path,
                                                      monkeypatch):
    # The scheduler named by the environment variable, as a user on a cluster would.
    monkeypatch.setenv(ENV_SCHEDULER, cluster.scheduler_address)
    res = run_report("test", tmp_path)
    assert res["runs"]["executor"].startswith(f"dask at {cluster.scheduler_address}")
    assert "(2 workers)" in res["runs"]["executor"]
    assert res["runs"]["computed"] == local_report["runs"]["computed"] > 0
    assert numbers(res) == numbers(local_report)


def test_a_task_lost_with_its_dask_worker_is_recomputed(cluster, tmp_path):
    from distributed import Client

    with Client(cluster, set_as_default=False) as client:
        with DaskExecutor(client=client) as ex:
            out = ex.map(die_once, [str(tmp_path / "m")])
    assert out[0].value == "recomputed"
    assert (tmp_path / "m").read_text() == "died"


def test_rate_runs_do_not_depend_on_their_chunk():
    """The chunking of a sweep into tasks changes the wall time, never a result: each run
    alone equals the same run inside a batch (exact and sampled oracles)."""
    from mfgcheck.reports import rate, settings

    for rs in (settings.test().rate[0],
               settings.RateSetting("s", settings.SIS, "sampled", (30, 60), seeds=(0, 1, 2),
                                    oracle_kwargs={"K_critic": 5, "K_actor": 5,
                                                   "critic_step": 0.05})):
        items = rate.run_settings(rs, rs.game.build())
        together = rate.run_chunk(items)
        alone = [rate.run_chunk([s])[0] for s in items]
        strip = [{k: v for k, v in r.items() if "wall_time" not in k} for r in together]
        assert strip == [{k: v for k, v in r.items() if "wall_time" not in k} for r in alone]
