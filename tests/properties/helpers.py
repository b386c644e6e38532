"""Shared helpers for the property tests."""

from hypothesis import HealthCheck, Phase, given, settings, target

from mfgcheck.properties.tightness import TARGET_CLIP, observe


def assert_holds(evidence):
    """Record the evidence (note/target/tightness file) and assert it holds."""
    observe(evidence)
    assert evidence.holds, f"{evidence}\ninstance: {evidence.instance}"


def assert_fails(evidence):
    """Record the evidence and assert the relation is violated (a known failure)."""
    observe(evidence, save=False)
    assert not evidence.holds, f"expected a violation: {evidence}"


class Found(Exception):
    """Raised inside the search when a violating instance turns up."""

    def __init__(self, instance, evidence):
        super().__init__(str(evidence))
        self.instance, self.evidence = instance, evidence


def counterexample(strategy, check, *, max_examples=200, **kwargs):
    """An instance where ``check(instance, **kwargs)`` is violated, found by a Hypothesis
    search that ``target()``s the ratio (so it climbs toward the tight cases); returns
    ``(instance, evidence)``. Fails the test if no violation is found in the budget."""
    found = []

    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate, Phase.target],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def search(instance):
        ev = check(instance, **kwargs)
        target(max(-TARGET_CLIP, min(TARGET_CLIP, ev.tightness)))
        if not ev.holds:
            raise Found(instance, ev)

    try:
        search()
    except Found as hit:
        found.append(hit)
    assert found, f"no violation of {check.__name__} with {kwargs} in {max_examples} examples"
    return found[0].instance, found[0].evidence


def tightest(strategy, check, *, max_examples=100, **kwargs):
    """The highest-tightness evidence a targeted Hypothesis search finds (all must hold)."""
    best = []

    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate, Phase.target],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def search(instance):
        ev = check(instance, **kwargs)
        assert ev.holds, str(ev)
        target(max(-TARGET_CLIP, min(TARGET_CLIP, ev.tightness)))
        if not best or ev.tightness > best[0].tightness:
            best[:] = [ev]

    search()
    return best[0]
