"""The simulator reproduces, bit for bit, the outputs of the simulator before its speed-up
(issue 13): every array of every case of ``golden.py`` has the digest stored in
``simulation_golden.json`` (written by the simulator of commit db9af52, see ``golden.py``),
``experiment.simulate``'s metrics are the same floats, the calibration's violation rates
and the online recorder's states, actions and rewards are the same."""

import json

import pytest

pytest.importorskip("simpy")

from . import golden  # noqa: E402

STORED = json.loads(golden.PATH.read_text())


@pytest.mark.parametrize("name", [name for name, _ in golden.cluster_cases()])
def test_cluster_case_is_bit_equal_to_the_stored_run(name):
    thunk = dict(golden.cluster_cases())[name]
    got = golden.fingerprint(thunk())
    want = STORED["cluster"][name]
    assert want["events"] > 1000                    # the case simulated something
    assert got == want


def test_experiment_metrics_are_the_stored_floats():
    got = golden.experiment_runs()
    # through JSON as stored (floats round-trip exactly; NaN compares equal as text)
    assert json.dumps(got, sort_keys=True) == json.dumps(STORED["experiment"], sort_keys=True)
    assert all(sum(r["invocations"]) > 10_000 for r in got.values())


def test_calibration_cells_are_the_stored_violation_rates():
    got = golden.calibration_cells()
    assert got == STORED["calibration"]
    assert 0 < sum(got["violation"]) < len(got["violation"])     # neither all 0 nor all 1


def test_online_recorder_is_bit_equal_to_the_stored_run():
    got = golden.online_cells()
    assert got == STORED["online_return"]
    assert len(got["states"]) > 10
