"""Cen et al. (2022) registered as a plugin would be (entry point ``mfgcheck.claims`` ->
``mfgcheck.papers.cen2022:register``): the registry lists it after the built-ins, every
numeric step of its theory has exactly the registered check, and every check's strategy
draws instances the check accepts."""

from hypothesis import given, settings

from mfgcheck import registry
from mfgcheck.papers import cen2022
from mfgcheck.papers.cen2022 import theory


def test_the_claim_is_registered_through_its_entry_point():
    from importlib.metadata import entry_points

    eps = {ep.name: ep.value for ep in entry_points(group="mfgcheck.claims")}
    assert eps.get("cen2022") == "mfgcheck.papers.cen2022:register"
    assert not registry.load_errors()
    spec = registry.claim(cen2022.CLAIM_ID)
    assert spec.paper == "cen2022" and "cen2022" in registry.papers()
    assert list(registry.claims(paper="cen2022")) == [cen2022.CLAIM_ID]
    assert spec.theory_claim() is theory.claim
    # built-ins first, then the plugins
    ids = list(registry.claims())
    assert ids.index(cen2022.CLAIM_ID) > ids.index("theorem1")


def test_numeric_steps_and_registered_checks_are_the_same_list():
    spec = registry.claim(cen2022.CLAIM_ID)
    numeric = {s.id: s.property for s in theory.steps if s.verdict == "numeric"}
    checks = {c.step: c.function for c in spec.checks}
    statement = checks.pop(cen2022.CLAIM_ID)
    assert statement.endswith(":check_theorem1")
    assert checks == numeric
    for step in spec.steps:
        assert registry.claim_of(step) is spec


@settings(max_examples=3)
@given(registry.claim(cen2022.CLAIM_ID).checks[0].load_strategy()())
def test_every_registered_check_runs_on_the_registered_strategy(case):
    for c in registry.claim(cen2022.CLAIM_ID).checks:
        ev = c.load()(case)
        assert ev.step == c.step and ev.holds
