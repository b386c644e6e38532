"""Claims, named pieces, coverage of the appendix, the prover's honesty, and the CLI."""

from __future__ import annotations

import ast
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from mfgcheck.theory import claims, core, summary, table, verdicts
from mfgcheck.theory.symbols import x1

ROOT = Path(__file__).resolve().parents[2]
CLAIMS = claims()


def test_every_display_and_statement_is_covered():
    labels = " ".join(s.label for s in verdicts())
    for n in range(4, 19):
        assert f"({n})" in labels, f"display ({n}) has no step"
    for name, claim in CLAIMS.items():
        assert claim.steps and all(s.claim == name for s in claim.steps)
        assert claim.conclusion in {s.id for s in claim.steps}
        assert claim.reference and claim.statement and claim.relation in ("<=", ">=", "==")


def test_claim_api_and_bounds():
    lemma5 = CLAIMS["lemma5"]
    numbers = dict(gamma=0.9, lam=0.1, nA=2, R=1.0, C1=2.0, d0=0.5, dmu=0.1, kl_next=0.3)
    kappa = 20 * math.log(2) + 120
    assert lemma5.bound(**numbers) == pytest.approx(0.3 + 3 * kappa * 0.5 * 0.1)
    assert "Lemma 5" in str(lemma5) and lemma5.latex()
    exact = lemma5.subs(gamma=sp.Rational(1, 2), lam=1, nA=2, R=1)
    assert sp.log(2) in exact.atoms(sp.log)
    assert lemma5.counts()["conditional"] >= 2


def test_named_pieces():
    from mfgcheck.theory import lemma2, lemma3, lemma4, lemma5, lemma7, lemma8

    assert lemma2.numeric("theta_bound")(R=2.0, lam=0.5) == pytest.approx(4.0)
    assert lemma2.numeric("p_min_bound")(R=1.0, lam=1.0, nA=2) == pytest.approx(
        math.exp(-2) / 2)
    assert lemma3.numeric("floor")(gamma=0.5, lam=1.0, nA=2) == pytest.approx(math.exp(-2) / 4)
    assert lemma4.numeric("constant")(alpha1=0.5, alpha2=0.25) == pytest.approx(1 + math.log(4))
    assert lemma4.numeric("sharp_constant")(alpha1=0.5, alpha2=0.25) == pytest.approx(
        1.5 * math.log(2))
    drift = lemma5.numeric("drift_coefficient")(gamma=0.5, lam=1.0, nA=2, R=1.0, C1=1.0, d0=2.0)
    assert drift == pytest.approx(2 * (4 * math.log(2) + 4) * 2)
    corrected = lemma7.numeric("corrected_rhs")(beta=0.1, d_bar=0.5, sigma_mu=1.0, d2=1.0,
                                                C2=2.0, sigma_pi=0.5)
    assert corrected == pytest.approx(0.95 + 0.2)
    terms = dict(C3=1.0, eta=0.1, p_min=0.25, eps_total=0.04)
    assert lemma8.numeric("critic_term")(**terms) == pytest.approx(3 * 0.1 * 5 * 0.2)
    assert lemma8.numeric("smooth_term")(eta=0.1, R=2.0) == pytest.approx(0.08)
    for module in (lemma2, lemma3, lemma4, lemma5, lemma7, lemma8):
        for name, expr in module.NAMED.items():
            assert getattr(module, name) is expr and name in module.__doc__, (module, name)


def test_prover_is_not_vacuous():
    assert not core.prove(x1, 1, "<=")  # x1 is any real number
    assert core.prove(x1**2, 0, ">=")
    assert not core.is_nonneg(sp.Symbol("y", positive=True) - 1)
    # a declared verdict SymPy cannot confirm fails when the step is decided (first read),
    # and again on the next read: a failed decision is never recorded as a verdict
    false = core.algebraic("demo.false", "false", 2 * x1, x1, "<=", "none")
    for _ in range(2):
        with pytest.raises(core.ProofError):
            false.verdict  # noqa: B018
    assert false.pending
    true = core.algebraic("demo.true", "true", x1**2, -1, ">=", "none", counterexample={"x1": 3})
    with pytest.raises(core.ProofError):  # a "counterexample" that satisfies the relation
        core.settle([true], progress=False)


def test_table_and_summary():
    counts = summary()
    assert sum(counts.values()) == len(verdicts())
    text = table()
    assert f"{counts['refuted']} refuted" in text


def _cli(cache: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, MFGCHECK_THEORY_CACHE=cache, MFGCHECK_PROGRESS="plain")
    out = subprocess.run([sys.executable, "-m", "mfgcheck.theory", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out


def test_cli_prints_every_step_the_same_with_and_without_the_cache():
    verdicts()  # every step decided in this process: the session's cache holds them all
    warm = _cli(os.environ["MFGCHECK_THEORY_CACHE"])
    assert "proving" not in warm.stderr  # read from the cache: no proof ran
    out = _cli("off")  # every proof runs again, with progress lines on stderr
    assert "theory: proving" in out.stderr and "done in" in out.stderr
    assert out.stdout == warm.stdout
    for step in verdicts():
        assert re.search(rf"^{re.escape(step.id)}\s", out.stdout, re.M), step.id
    counts = summary()
    assert f"{counts['proved']} proved, {counts['conditional']} conditional" in out.stdout
    assert "if R <= 1/2" in out.stdout and "at p=1/2, q=1/4" in out.stdout


def test_theory_imports_no_other_subpackage():
    """theory/ imports only the standard library, SymPy, mpmath, itself and the light leaves
    of tests/test_layers.py (the claim registry, the cache directory, progress; static check)."""
    allowed = {"__future__", "sympy", "mpmath", "builtins", "functools", "itertools",
               "importlib", "argparse", "collections", "dataclasses", "math", "random", "time",
               "fractions", "re", "html", "hashlib", "json", "os", "sys", "pathlib", "typing"}
    # the leaf modules of tests/test_layers.py that theory may use (no NumPy, no solvers)
    leaves = {"_cache", "progress", "_errors", "registry"}
    for path in (ROOT / "mfgcheck" / "theory").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                if node.level == 2:    # `from ..registry import x`, `from .. import registry`
                    imported = [node.module] if node.module else [a.name for a in node.names]
                    assert set(imported) <= leaves, (path.name, imported)
                    continue
                if node.level:
                    assert node.level == 1, (path.name, node.module)
                    continue
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, (path.name, name)
