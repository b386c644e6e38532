"""Many-example campaigns (``make test-slow``: the ``thorough`` profile): every check on many
drawn instances, each step's tightest case saved by ``properties.tightness`` for the report.
Steps the paper gets right must hold; the known failures and Lemma 7 as stated are recorded.
"""

import pytest
from hypothesis import assume, given, settings

import mfgcheck.properties as props
from mfgcheck.algorithms import OracleConfig
from mfgcheck.properties import lemma8
from mfgcheck.properties import strategies as ps
from mfgcheck.properties.tightness import observe

from .helpers import assert_holds, counterexample

pytestmark = pytest.mark.slow
KNOWN = props.known_failures()
NOT_ASSERTED = {"lemma7"}


def _all(claim, instance, **kw):
    for sid, check in props.checks(claim).items():
        ev = check(instance, **kw)
        if sid in KNOWN or sid in NOT_ASSERTED:
            observe(ev)
        else:
            assert_holds(ev)


@settings(max_examples=2000)
@given(ps.kl_triples())
def test_campaign_lemma4(triple):
    _all("lemma4", triple)


@settings(max_examples=500)
@given(ps.best_response_cases())
def test_campaign_lemma3(case):
    for check in (props.lemma3.check_lemma3, props.lemma3.check_lemma3_Qmax,
                  props.lemma3.check_lemma3_Q_nonneg):
        assert_holds(check(case))


@settings(max_examples=300)
@given(ps.mean_field_pair_cases())
def test_campaign_lemma6(case):
    _all("lemma6", case)


@pytest.mark.parametrize("scope", ["trajectory", "step"])
@pytest.mark.parametrize("claim", ["lemma1", "lemma2", "lemma5", "lemma7", "lemma8"])
@settings(max_examples=200)
@given(run=ps.nac_runs(max_T=60))
def test_campaign_runs(claim, scope, run):
    _all(claim, run, scope=scope)


@settings(max_examples=200)
@given(run=ps.nac_runs(max_T=60))
def test_campaign_theorem1(run):
    _all("theorem1", run)


@settings(max_examples=40)
@given(run=ps.nac_runs(max_states=3, max_actions=3, max_T=10,
                       oracle=OracleConfig("sampled", K_critic=1000, K_actor=1000)))
def test_campaign_sampled_runs(run):
    for claim in ("lemma1", "lemma2", "lemma5", "lemma7", "lemma8"):
        _all(claim, run, scope="trajectory")


@settings(max_examples=30)
@given(ps.rate_cases())
def test_campaign_propositions(case):
    assert_holds(props.proposition2.check_proposition2(case))
    # a case over Proposition 1's K-grid budget is not checked (NaN sides; the strategy does
    # not bound omega from below): discarded, neither passed nor failed
    assume(not props.proposition1.measure_critic(case).get("over_budget"))
    assert_holds(props.proposition1.check_proposition1(case))
    observe(props.proposition1.check_proposition1_rate(case))


def test_search_finds_the_pointwise_advantage_error():
    counterexample(ps.nac_runs(max_states=2, max_actions=3, min_T=2, max_T=5,
                               oracle=OracleConfig("exact_actor", K_critic=2000)),
                   lemma8.check_lemma8_adv_error, max_examples=400)
