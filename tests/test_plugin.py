"""The pytest plugin and ``mfgcheck.testing``: a user's test file runs outside the repository.

docs/example_user_test.py is copied into a temporary directory (outside the repository: no
conftest.py, no pyproject.toml of ours) and run there by pytest in a subprocess, with only
the installed package: what a downstream suite sees.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from hypothesis import settings

import mfgcheck.testing as mt

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "example_user_test.py"


def _outcomes(stdout: str) -> dict[str, int]:
    """``{"passed": 3, "deselected": 1, ...}`` from pytest's summary line."""
    return {k: int(n) for n, k in re.findall(r"(\d+) (passed|failed|error|errors|skipped|"
                                              r"deselected|warnings?)", stdout)}


def _run_pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "HYPOTHESIS_", "MFGCHECK_"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def user_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("user_suite")
    assert not d.resolve().is_relative_to(ROOT)
    shutil.copy(EXAMPLE, d / "test_example.py")
    return d


def test_the_plugin_is_an_installed_pytest11_entry_point():
    eps = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert eps.get("mfgcheck") == "mfgcheck.pytest_plugin"


def test_example_user_file_passes_outside_the_repository(user_dir):
    proc = _run_pytest(user_dir, "--hypothesis-profile=mfgcheck-ci", "-W",
                       "error::pytest.PytestUnknownMarkWarning")
    out = _outcomes(proc.stdout)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    # every test of the example ran and passed (none skipped: a skip is not a pass)
    n_tests = EXAMPLE.read_text().count("\ndef test_")
    assert n_tests == 4
    assert out.get("passed") == n_tests and not out.get("skipped"), proc.stdout[-2000:]
    # the file wrote nothing but Hypothesis's database beside itself
    assert {p.name for p in user_dir.iterdir()} <= {"test_example.py", ".hypothesis",
                                                     "__pycache__"}


def test_claim_option_keeps_only_the_marked_tests(user_dir):
    proc = _run_pytest(user_dir, "--hypothesis-profile=mfgcheck-dev",
                       "--mfgcheck-claim", "lemma2", "--collect-only")
    out = _outcomes(proc.stdout)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert out.get("deselected") == 2, proc.stdout[-2000:]
    assert "test_lemma2_floor_along_drawn_nac_runs" in proc.stdout
    assert "test_my_population_step" not in proc.stdout


def test_markers_are_registered_by_the_plugin(user_dir):
    proc = _run_pytest(user_dir, "--markers")
    for signature in mt.MARKERS:
        assert f"@pytest.mark.{signature}:" in proc.stdout, signature


def test_profiles_are_registered_with_their_settings():
    for name, kwargs in mt.PROFILES.items():
        prof = settings.get_profile(mt.PROFILE_PREFIX + name)
        for key, value in kwargs.items():
            got = getattr(prof, key)
            assert (set(got) if key == "suppress_health_check" else got) == (
                set(value) if key == "suppress_health_check" else value), (name, key)


def test_assert_holds_passes_and_fails_with_digits():
    ok = mt.Evidence("demo", "demo.s", lhs=1.0, rhs=1.0 + 1e-12)
    assert mt.assert_holds(ok) is ok
    bad = mt.Evidence("demo", "demo.s", lhs=1.0 + 1e-6, rhs=1.0)
    with pytest.raises(AssertionError, match=r"VIOLATED: lhs = 1\.0000009999999999"):
        mt.assert_holds(bad)
    nan = mt.Evidence("demo", "demo.s", lhs=float("nan"), rhs=1.0)
    with pytest.raises(AssertionError, match="NOT CHECKED"):
        mt.assert_holds(nan)


def test_every_public_name_of_mfgcheck_testing_resolves():
    for name in mt.__all__:
        assert getattr(mt, name) is not None, name
    # the strategies are Hypothesis strategies, the run driver turns a drawn run into iterates
    from hypothesis.strategies import SearchStrategy
    assert isinstance(mt.games(), SearchStrategy)
    assert isinstance(mt.nac_runs(), SearchStrategy)
    assert mt.drive_nac.__module__ == "mfgcheck.properties.trajectory"
