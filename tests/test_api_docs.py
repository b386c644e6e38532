"""The API reference (docs/api, Sphinx + MyST + autodoc) builds with warnings as errors.

``make docs`` builds it into build/docs; here it is built into a temporary directory, so the
suite (and CI, through ``make test``) fails on a docstring that docutils cannot parse or a
cross-reference to a name that does not exist (``nitpicky``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "docs" / "api"

# sphinx and myst-parser come with the dev extra that make test installs: if they are
# missing, these tests fail (an unbuilt reference is not a checked one).


def _build(src: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-E", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(out / ".doctrees"), str(src), str(out / "html")],
        capture_output=True, text=True, timeout=600)


def test_api_reference_builds_without_warnings(tmp_path):
    proc = _build(API, tmp_path)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "WARNING" not in proc.stderr, proc.stderr[-4000:]
    html = tmp_path / "html"
    # the pages hold the documented objects, generated from the docstrings
    expected = {
        "numerics.html": ["mfgcheck.numerics.exploitability.exploitability",
                          "mfgcheck.numerics.equilibrium.solve_equilibrium"],
        "games.html": ["mfgcheck.games.Game", "mfgcheck.games.sis"],
        "algorithms.html": ["mfgcheck.algorithms.nac.nac"],
        "theory.html": ["mfgcheck.theory.verdicts", "mfgcheck.theory.core.Claim"],
        "testing.html": ["mfgcheck.testing.assert_holds", "mfgcheck.pytest_plugin.mfg_sis"],
    }
    for page, ids in expected.items():
        text = (html / page).read_text(encoding="utf-8")
        for anchor in ids:
            assert f'id="{anchor}"' in text, (page, anchor)


def test_a_broken_reference_fails_the_build(tmp_path):
    # The same configuration on a one-page project whose text names a function that does
    # not exist: the build must fail, else the test above could not catch one.
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(API / "conf.py", src / "conf.py")
    (src / "index.md").write_text(
        "# probe\n\n```{eval-rst}\nSee :func:`mfgcheck.numerics.no_such_function`.\n```\n")
    proc = _build(src, tmp_path / "out")
    assert proc.returncode != 0
    assert "no_such_function" in proc.stderr
