"""The mfgcheck pytest plugin (entry point ``pytest11: mfgcheck``; on once mfgcheck is
installed, off with ``-p no:mfgcheck``).

- registers the markers of :data:`mfgcheck.testing.MARKERS` (``slow``, ``peers``,
  ``claim(name)``) and the option ``--mfgcheck-claim NAME`` (repeatable) that keeps only the
  tests marked ``claim(NAME)``;
- registers the Hypothesis profiles of :data:`mfgcheck.testing.PROFILES` as
  ``mfgcheck-dev``, ``mfgcheck-ci`` and ``mfgcheck-thorough`` when it is imported, that is
  before Hypothesis's own plugin reads ``--hypothesis-profile``; it loads none of them (the
  suite's default profile stays the suite's choice);
- provides the fixtures ``mfg_sis``, ``mfg_lq``, ``mfg_sis_equilibrium`` and
  ``mfg_tightness_dir`` (documented in :mod:`mfgcheck.testing`, which also holds the
  strategies: ``from mfgcheck.testing import games, policies, nac_runs``).

The plugin imports only Hypothesis and the light parts of mfgcheck at start-up; games and
solvers are built on first use of a fixture.
"""

from __future__ import annotations

import pytest

from . import testing

testing.register_profiles()


def pytest_addoption(parser):
    group = parser.getgroup("mfgcheck")
    group.addoption("--mfgcheck-claim", action="append", default=[], metavar="NAME",
                    help="run only tests marked claim(NAME), e.g. lemma7 (repeatable)")


def pytest_configure(config):
    for signature, text in testing.MARKERS.items():
        config.addinivalue_line("markers", f"{signature}: {text}")


def pytest_collection_modifyitems(config, items):
    wanted = set(config.getoption("--mfgcheck-claim") or ())
    if not wanted:
        return
    keep, drop = [], []
    for item in items:
        names = {arg for m in item.iter_markers("claim") for arg in m.args}
        (keep if names & wanted else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def mfg_sis():
    """The SIS game of the paper's appendix D with mfgcheck's documented defaults
    (gamma 0.9, lam 0.1), normalised to rewards in [0, 1] as the theory assumes."""
    from .games import sis
    return sis().normalised()


@pytest.fixture(scope="session")
def mfg_lq():
    """The linear-quadratic game of appendix D (25 states, 7 moves, on a torus), normalised to
    rewards in [0, 1]."""
    from .games import linear_quadratic
    return linear_quadratic().normalised()


@pytest.fixture(scope="session")
def mfg_sis_equilibrium(mfg_sis):
    """The regularised Nash equilibrium of ``mfg_sis`` with its certificate
    (``numerics.solve_equilibrium``, which raises rather than return an uncertified point)."""
    from .numerics import solve_equilibrium
    return solve_equilibrium(mfg_sis)


@pytest.fixture(scope="session")
def mfg_tightness_dir(tmp_path_factory):
    """A temporary directory (one per session, so that Hypothesis tests may use it) that
    receives the tightness records of :func:`~mfgcheck.properties.tightness.observe`, instead of
    ``./.hypothesis/tightest``."""
    from .properties import tightness
    where = tmp_path_factory.mktemp("mfgcheck") / "tightest"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(tightness.ENV_VAR, str(where))
        yield where
