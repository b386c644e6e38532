"""What a downstream test suite needs to test its own code against mfgcheck.

Import from here, not from the modules behind it (their layout may change; these names
stay)::

    from hypothesis import given
    import mfgcheck.testing as mt

    @given(mt.games(max_states=4))
    def test_my_solver(game):
        ...

- **Strategies** (Hypothesis; keyword-only size bounds; plain float64 NumPy arrays or a
  validated ``Game``): ``games``, ``distributions``, ``policies``, ``features``,
  ``mean_field_pairs``, ``parameters``, ``nac_runs`` (a run of Algorithm 1, ``NACRunCase``, on a
  game whose equilibrium is certified) and ``rate_cases`` (Propositions 1 and 2). Their
  contracts are stated in :mod:`mfgcheck.properties.strategies`.
- **Checks**: ``checks(claim)`` (``{step id: check}``, for example
  ``checks("lemma2")["lemma2"](run)``): mfgcheck's own check of each claim and proof step,
  returning an ``Evidence`` (both sides measured exactly; :mod:`mfgcheck.properties.evidence`).
- **Helpers**: ``drive_nac(run)`` runs a drawn ``NACRunCase`` and returns its ``Trajectory``
  (:func:`mfgcheck.properties.trajectory.drive`); :func:`assert_holds` asserts that an
  ``Evidence`` holds and fails with both sides printed to 17 significant digits;
  ``observe(evidence)`` (inside a Hypothesis test) notes the evidence, steers the search
  towards tight cases with ``target()`` and records the tightest case
  (:func:`mfgcheck.properties.tightness.observe`; the ``mfg_tightness_dir`` fixture keeps
  the records out of the working directory); :func:`register_profiles` registers the
  Hypothesis profiles.
- **Profiles** (:data:`PROFILES`), registered as ``mfgcheck-dev``, ``mfgcheck-ci`` and
  ``mfgcheck-thorough`` by the pytest plugin (``pytest --hypothesis-profile=mfgcheck-ci``).
- **Markers** (:data:`MARKERS`) and **fixtures** come with the pytest plugin
  (:mod:`mfgcheck.pytest_plugin`, a ``pytest11`` entry point: installing mfgcheck enables
  it). Fixtures: ``mfg_sis`` and ``mfg_lq`` (the paper's two games, normalised to rewards in
  [0, 1] as the theory assumes), ``mfg_sis_equilibrium`` (its certified regularised
  equilibrium), ``mfg_tightness_dir`` (a temporary directory for the tightness records).

An example suite that uses only this module and the plugin: ``docs/example_user_test.py``
(the test suite runs it from a directory outside the repository); guide: docs/testing.md.
"""

from __future__ import annotations

import importlib

from hypothesis import HealthCheck, settings

# name -> module that defines it; imported on first use, so that the pytest plugin (which
# imports this module in every pytest run of an environment with mfgcheck) stays cheap.
_LAZY = {
    "Evidence": "properties.evidence", "NACRunCase": "properties.instances",
    "RateCase": "properties.instances", "Trajectory": "properties.trajectory",
    "drive_nac": "properties.trajectory:drive", "checks": "properties",
    "observe": "properties.tightness", "Parameters": "properties.strategies",
    **{name: "properties.strategies" for name in (
        "distributions", "features", "games", "mean_field_pairs", "nac_runs", "parameters",
        "policies", "rate_cases")},
}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'mfgcheck.testing' has no attribute {name!r}")
    module, _, attr = _LAZY[name].partition(":")
    value = getattr(importlib.import_module(f"mfgcheck.{module}"), attr or name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + list(_LAZY))


__all__ = ["PROFILES", "PROFILE_PREFIX", "MARKERS", "register_profiles", "assert_holds",
           *_LAZY]

_SLOW_CHECKS = [HealthCheck.too_slow, HealthCheck.data_too_large]

PROFILES: dict[str, dict] = {
    # day-to-day: few examples, no deadline (an exact solve can take longer than 200 ms)
    "dev": {"max_examples": 30, "deadline": None},
    # CI: a few hundred examples per property over a tier, derandomised (same examples on
    # every run, so a failure in CI reproduces locally)
    "ci": {"max_examples": 100, "deadline": None, "derandomize": True,
           "suppress_health_check": _SLOW_CHECKS},
    # campaigns, on demand (make test-slow)
    "thorough": {"max_examples": 2000, "deadline": None, "suppress_health_check": _SLOW_CHECKS},
}
"""Hypothesis profiles by short name: the one place they are defined."""

PROFILE_PREFIX = "mfgcheck-"

MARKERS: dict[str, str] = {
    "slow": "many-example property runs and long sweeps (deselected by default in make test)",
    "peers": "agreement with MFGLib/OpenSpiel (run by make test-peers)",
    "claim(name)": "the paper's claim a test checks, e.g. @pytest.mark.claim('lemma7'); "
                   "select with --mfgcheck-claim lemma7",
}
"""pytest markers by signature: help text (``pytest --markers`` lists them)."""


def register_profiles(prefix: str = PROFILE_PREFIX) -> list[str]:
    """Register every profile of :data:`PROFILES` with Hypothesis as ``prefix + name``;
    return the registered names. Loading one stays the caller's choice
    (``--hypothesis-profile`` or ``settings.load_profile``)."""
    names = []
    for name, kwargs in PROFILES.items():
        settings.register_profile(prefix + name, **kwargs)
        names.append(prefix + name)
    return names


def assert_holds(evidence):
    """Assert that ``evidence.lhs <= evidence.rhs`` (or ``==`` for an identity) holds within
    the evidence's own tolerance (relative to ``|rhs|``); on failure the message shows both
    sides and the slack to 17 significant digits, enough to confirm the violation at higher
    precision. Returns the evidence."""
    if not evidence.holds:
        sides = (evidence.lhs, evidence.rhs)
        what = ("NOT CHECKED (a side is NaN)" if any(x != x for x in sides) else "VIOLATED")
        raise AssertionError(
            f"{evidence.step}: lhs {evidence.relation} rhs {what}: "
            f"lhs = {evidence.lhs:.17g}, rhs = {evidence.rhs:.17g}, "
            f"slack = {evidence.slack:.17g}, ratio = {evidence.ratio:.17g}; "
            f"instance: {evidence.instance}")
    return evidence
