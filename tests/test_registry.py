"""The claim and game registries (mfgcheck.registry): the built-ins agree with the code they
name (checked by an independent route: the check functions the claim modules define), bad
names and duplicates are errors naming the valid choices, entry points load once."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
import typing
from importlib.metadata import EntryPoint

import numpy as np
import pytest

from mfgcheck import InvalidInputError, registry

PAPER_CLAIMS = ["lemma1", "lemma2", "lemma3", "lemma4", "lemma5", "lemma6", "lemma7", "lemma8",
                "proposition1", "proposition2", "theorem1"]


def _defined_checks(module_name: str) -> set[str]:
    """The ``check_*`` functions a module defines itself (not imported ones)."""
    mod = importlib.import_module(module_name)
    return {name for name, fn in inspect.getmembers(mod, inspect.isfunction)
            if name.startswith("check_") and fn.__module__ == mod.__name__}


def test_the_papers_claims_in_the_appendix_order():
    assert list(registry.claims(paper="mao2022")) == PAPER_CLAIMS
    assert list(registry.claims())[:11] == PAPER_CLAIMS
    assert registry.claim("lemma3").title == "Lemma 3"
    assert registry.claim("proposition2").title == "Proposition 2"
    assert registry.papers()[0] == "mao2022"


def test_registered_checks_are_exactly_the_check_functions_of_the_claim_modules():
    for cid, spec in registry.claims(paper="mao2022").items():
        defined = _defined_checks(f"mfgcheck.properties.{cid}")
        registered = {c.function.partition(":")[2] for c in spec.checks}
        assert registered == defined, cid
        for c in spec.checks:
            fn = c.load()
            assert fn.__name__ == "check_" + c.step.replace(".", "_")
            assert registry.claim_of(c.step) is spec


def _type_name(annotation) -> str:
    if isinstance(annotation, typing.ForwardRef):
        return annotation.__forward_arg__
    return annotation if isinstance(annotation, str) else annotation.__name__


def test_each_check_draws_the_instance_type_it_takes():
    # independent of the registry's declaration: the first parameter's annotation of the
    # check against the return annotation of the strategy it is registered with
    for spec in registry.claims(paper="mao2022").values():
        for c in spec.checks:
            taken = inspect.signature(c.load()).parameters
            first = next(iter(taken.values())).annotation
            # st.composite annotates the factory as returning SearchStrategy[<instance>]
            (drawn,) = typing.get_args(c.load_strategy().__annotations__["return"])
            assert _type_name(first) == _type_name(drawn), c.step


def test_every_numeric_theory_step_has_a_registered_check():
    for cid, spec in registry.claims(paper="mao2022").items():
        claim = spec.theory_claim()
        assert claim.name == cid
        for step in claim.steps:
            if step.kind == "numeric":
                assert spec.check(step.id).function == step.property, step.id


@pytest.mark.parametrize("bad", ["lemma9", "Lemma7", "", "lemma"])
def test_unknown_claim_lists_the_valid_ids(bad):
    with pytest.raises(InvalidInputError) as err:
        registry.claim(bad)
    msg = str(err.value)
    assert msg.startswith(f"claim: unknown {bad!r}; choose from ")
    assert all(c in msg for c in PAPER_CLAIMS)


def test_unknown_step_and_paper():
    with pytest.raises(InvalidInputError, match="lemma4.lipschitz"):
        registry.claim("lemma4").check("lemma4.nope")
    with pytest.raises(InvalidInputError, match="belongs to no registered claim"):
        registry.claim_of("lemma9.eq1")
    with pytest.raises(InvalidInputError, match="paper: unknown 'nobody'; choose from mao2022"):
        registry.claims(paper="nobody")


def test_games_build_with_their_settings():
    assert list(registry.games())[:4] == ["sis", "lq", "random", "serverless"]
    from mfgcheck import games

    g = registry.build_game("random", n_states=50, n_actions=4, seed=3)
    ref = games.random_game(50, 4, 3)
    assert (g.n_states, g.n_actions) == (50, 4)
    mu = np.full(50, 1 / 50)
    assert np.array_equal(g.reward(mu), ref.reward(mu))
    assert np.array_equal(g.transition(mu), ref.transition(mu))
    assert registry.build_game("random").n_states == registry.game("random").settings["n_states"]
    assert registry.build_game("sis").to_dict() == games.sis().to_dict()
    assert registry.build_game("lq", lam=2.0).lam == 2.0
    with pytest.raises(TypeError):
        registry.game("random").settings["seed"] = 1   # read-only defaults


def test_unknown_game_lists_the_valid_names():
    with pytest.raises(InvalidInputError,
                       match=r"^game: unknown 'chess'; choose from sis, lq, random, serverless"):
        registry.game("chess")


def test_duplicates_are_errors_naming_them():
    with registry.temporary():
        with pytest.raises(InvalidInputError, match="claim: 'lemma3' is already registered"):
            registry.register_claim(registry.ClaimSpec("lemma3", "other", "L", "s"))
        with pytest.raises(InvalidInputError, match="step 'lemma3.Qmax' is already registered"):
            registry.register_claim(registry.ClaimSpec(
                "lemma3.Qmax", "other", "L", "s", None,
                (registry.CheckSpec("lemma3.Qmax", "m:f", "m:g"),)))
        with pytest.raises(InvalidInputError, match="game: 'sis' is already registered"):
            registry.register_game(registry.GameSpec("sis", "m:f"))


@pytest.mark.parametrize("make, field", [
    (lambda: registry.ClaimSpec("Lemma 3", "p", "t", "s"), "ClaimSpec.id"),
    (lambda: registry.ClaimSpec("x1", "Mao 2022", "t", "s"), "ClaimSpec.paper"),
    (lambda: registry.ClaimSpec("x1", "p", "", "s"), "ClaimSpec.title"),
    (lambda: registry.ClaimSpec("x1", "p", "t", "two\nlines"), "ClaimSpec.statement"),
    (lambda: registry.ClaimSpec("x1", "p", "t", "s", None, ("x1",)), "ClaimSpec.checks"),
    (lambda: registry.ClaimSpec("x1", "p", "t", "s", None,
                                (registry.CheckSpec("x2", "m:f", "m:g"),)), "ClaimSpec.checks"),
    (lambda: registry.ClaimSpec("x1", "p", "t", "s", uses=(("x1", "itself"),)),
     "ClaimSpec.uses"),
    (lambda: registry.ClaimSpec("x1", "p", "t", "s", uses=(("lemma3",),)), "ClaimSpec.uses"),
    (lambda: registry.ClaimSpec("x1", "p", "t", "s", uses=(("lemma3", " "),)),
     "ClaimSpec.uses"),
    (lambda: registry.CheckSpec("x1", "m.f", "m:g"), "CheckSpec.function"),
    (lambda: registry.CheckSpec("x1", "m:f", ""), "CheckSpec.strategy"),
    (lambda: registry.GameSpec("Big", "m:f"), "GameSpec.name"),
    (lambda: registry.GameSpec("g", "m:f", settings=[1]), "GameSpec.settings"),
])
def test_malformed_specs_name_the_field(make, field):
    with pytest.raises(InvalidInputError, match=f"^{field}"):
        make()


def test_dependency_edges_read_the_claims_uses():
    # Theorem 1 of Mao et al. uses Lemmas 7, 8 and Propositions 1, 2 (appendix B.3)
    edges = registry.dependency_edges()
    assert {u for u, user in edges if user == "theorem1"} == {"lemma7", "lemma8",
                                                               "proposition1", "proposition2"}
    assert all(user in registry.claims() and used in registry.claims() for used, user in edges)
    with registry.temporary():
        registry.register_claim(registry.ClaimSpec("x1", "p", "t", "s",
                                                   uses=(("theorem1", "its rate"),)))
        assert ("theorem1", "x1") in registry.dependency_edges()
        registry.register_claim(registry.ClaimSpec("x2", "p", "t", "s",
                                                   uses=(("nowhere", "a typo"),)))
        with pytest.raises(InvalidInputError, match="ClaimSpec.uses \\(x2\\): 'nowhere'"):
            registry.dependency_edges()


def test_temporary_registrations_are_removed():
    import tests.registry_plugin as plugin

    with registry.temporary():
        plugin.register()
        assert plugin.CLAIM_ID in registry.claims()
        assert registry.claims(paper="throwaway") == {plugin.CLAIM_ID: plugin.CLAIM}
        assert registry.build_game(plugin.GAME_NAME).n_states == 3
        assert registry.claim_of(plugin.CLAIM_ID) is plugin.CLAIM
    assert plugin.CLAIM_ID not in registry.claims()
    assert plugin.GAME_NAME not in registry.games()


def test_entry_points_load_once_after_the_built_ins_and_failures_are_reported(monkeypatch):
    import importlib.metadata as md

    calls = []
    good = EntryPoint("throwaway", "tests.registry_plugin:register", "mfgcheck.claims")
    bad = EntryPoint("broken", "tests.registry_plugin:broken", "mfgcheck.games")

    def fake(group):
        calls.append(group)
        return {"mfgcheck.claims": [good], "mfgcheck.games": [bad]}[group]

    monkeypatch.setattr(md, "entry_points", fake)
    with registry.temporary():
        # a fresh registry: nothing loaded yet
        monkeypatch.setattr(registry, "_CLAIMS", {})
        monkeypatch.setattr(registry, "_GAMES", {})
        monkeypatch.setattr(registry, "_ERRORS", {})
        monkeypatch.setattr(registry, "_state", {"loaded": False, "loading": False})
        with pytest.warns(RuntimeWarning, match="mfgcheck.games:broken"):
            ids = list(registry.claims())
        assert ids == PAPER_CLAIMS + ["throwaway.claim1"]
        assert list(registry.games()) == ["sis", "lq", "random", "serverless",
                                          "throwaway_game"]
        assert registry.load_errors() == {
            "mfgcheck.games:broken": "RuntimeError: this plugin is broken on purpose"}
        registry.claims()
        registry.games()
        assert calls == ["mfgcheck.claims", "mfgcheck.games"]   # loaded once


def test_the_registry_imports_nothing_heavy():
    code = ("import sys, mfgcheck.registry as r; r.claims(); r.games(); "
            "print(sorted(m for m in ('numpy', 'sympy', 'scipy', 'hypothesis') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_the_strategies_draw_every_registered_game():
    from hypothesis import HealthCheck, find, settings

    from mfgcheck.properties.strategies import registered_games

    quick = settings(database=None, max_examples=200, suppress_health_check=list(HealthCheck))
    for name, spec in registry.games().items():
        g = find(registered_games(),
                 lambda g, n=name: g.name == n or g.name.startswith(n + "-"), settings=quick)
        if spec.strategy is None:     # drawn with its default settings
            assert g.to_dict() == registry.build_game(name).to_dict()
        else:
            assert g.n_states >= 1 and g.n_actions >= 1
    with pytest.raises(InvalidInputError, match="game: unknown 'chess'"):
        find(registered_games(names=("chess",)), lambda g: True)
