"""A throwaway claim and a throwaway game, registered from a test-only module
(tests/registry_plugin.py) through the public registry only, without editing any package
file, are seen by the command line's choices, the strategies, the lemma table and the
report."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, find, settings

from mfgcheck import InvalidInputError, registry
from mfgcheck.cli import main

plugin = pytest.importorskip("tests.registry_plugin")

FIND = settings(database=None, max_examples=200, suppress_health_check=list(HealthCheck))


@pytest.fixture
def registered():
    with registry.temporary():
        plugin.register()
        yield


def test_cli_choices_list_them(registered, capsys):
    assert main(["lemmas", "--help"]) == 0
    assert plugin.CLAIM_ID in capsys.readouterr().out
    assert main(["equilibrium", "--help"]) == 0
    assert plugin.GAME_NAME in capsys.readouterr().out
    assert main(["equilibrium", "--game", plugin.GAME_NAME, "--n-states", "4", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["game"]["name"].startswith(plugin.GAME_NAME) and out["game"]["n_states"] == 4


def test_without_registration_they_are_usage_errors(capsys):
    assert main(["lemmas", "--claims", plugin.CLAIM_ID]) == 2
    err = capsys.readouterr().err
    assert "invalid choice" in err and "lemma7" in err
    assert main(["equilibrium", "--game", plugin.GAME_NAME]) == 2


def test_the_strategies_draw_the_game(registered):
    from mfgcheck.properties.strategies import registered_games

    g = find(registered_games(), lambda g: g.name == plugin.GAME_NAME, settings=FIND)
    assert (g.n_states, g.n_actions) == (3, 2)
    assert find(registered_games(names=(plugin.GAME_NAME,)), lambda g: True).name == \
        plugin.GAME_NAME
    with pytest.raises(InvalidInputError, match="choose from sis, lq, random, serverless, "
                                                 "throwaway_game"):
        find(registered_games(names=("chess",)), lambda g: True)


def test_the_lemma_table_and_the_report_show_the_claim(registered, report_run, capsys):
    from mfgcheck.reports import summary, tables
    from mfgcheck.reports.doc import to_markdown
    from mfgcheck.reports.writer import build_document

    code = main(["lemmas", "--claims", plugin.CLAIM_ID, "--examples", "5", "--quiet",
                 "--json"])
    part = json.loads(capsys.readouterr().out)
    assert code == 0
    (row,) = part["rows"]
    assert (row["claim"], row["step"], row["examples"], row["violations"], row["status"]) == \
        (plugin.CLAIM_ID, plugin.CLAIM_ID, 5, 0, "pass")
    assert part["calls"] == {plugin.CLAIM_ID: {"examples": 5, "raised": 0}}
    assert 0 < row["max_ratio"] <= 1          # 1/n <= max(p) on every drawn distribution

    # the report of the test profile, with this lemma part: the claim is in the summary's
    # claim list and in the lemma table
    _, results = report_run
    results = json.loads(json.dumps(results))
    parts = results["parts"]
    parts["lemmas"] = {**part, "status": "ok"}
    results["summary"] = summary.build(parts)
    line = next(c for c in results["summary"]["claims"] if c["claim"] == plugin.CLAIM_ID)
    assert line["title"] == "Throwaway claim 1" and line["status"] == "pass"
    md = to_markdown(build_document(results))
    assert "Throwaway claim 1" in md and f"| {plugin.CLAIM_ID} |" in md
    assert tables.claim_title(plugin.CLAIM_ID) == "Throwaway claim 1"


def test_the_hunter_reaches_the_claim(registered):
    """``mfgcheck hunt`` reads the claim's check and strategy from the registry: nothing
    against the true claim, a violation of a wrong variant (max(p) >= 2/n fails at the uniform
    distribution, where max(p) = 1/n). Without a 60-digit route the violation stays a
    candidate (``properties.confirm``)."""
    from mfgcheck.hunter import hunt

    true = hunt(plugin.CLAIM_ID, budget=3, seed=0)
    assert true.status == "none" and true.examples > 0 and 0 < true.max_ratio <= 1
    wrong = hunt(plugin.CLAIM_ID, bound=lambda n: 2.0 / n, budget=3, seed=0)
    assert wrong.status == "candidate" and not wrong.evidence.holds
    p = wrong.evidence.instance["p"]
    assert max(p) < 2.0 / len(p)        # the violation, recomputed from the instance


def test_the_claim_docs_and_the_dependency_graph_show_the_claim(registered):
    """The generated claim page (``reports.claim_docs``) reads the claim's theory module and
    its registered checks; the dependency graph draws it (a claim of its own paper that uses
    none: a lone node)."""
    from mfgcheck import theory
    from mfgcheck.reports import claim_docs, graph

    page = claim_docs.claim_page(plugin.CLAIM_ID)
    assert page.startswith("# Throwaway claim 1\n")
    assert "max(p) >= 1/n" in page and "`tests.registry_plugin` checks" in page
    assert f"mfgcheck lemmas --claims {plugin.CLAIM_ID}" in page
    assert plugin.CLAIM_ID in theory.claims()  # the claims claim_docs.write pages
    pos = graph.layout()
    assert plugin.CLAIM_ID in pos and graph.depth(plugin.CLAIM_ID) == 0
    assert all(plugin.CLAIM_ID not in edge for edge in registry.dependency_edges())
