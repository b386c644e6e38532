"""The theory of the test-only plugin's throwaway claim (tests/registry_plugin.py): its
statement and one numeric step, as a paper's theory module would declare them. Plain SymPy
symbols (a test must not add a namespace to mfgcheck's symbol registry for good)."""

from __future__ import annotations

import sympy as sp

from mfgcheck.theory.core import Claim, numeric_step

max_p = sp.Symbol("max_p", positive=True)
n = sp.Symbol("n", positive=True, integer=True)

claim = Claim(
    name="throwaway.claim1",
    title="Throwaway claim 1",
    reference="tests/registry_plugin.py (a test-only claim)",
    statement="For a distribution p on n >= 2 points, max(p) >= 1/n.",
    hypotheses=["p a distribution on n >= 2 points"],
    lhs=max_p,
    rhs=1 / n,
    relation=">=",
    steps=[numeric_step("throwaway.claim1", "max(p) >= 1/n on drawn distributions", max_p,
                        1 / n, ">=", "the largest of n numbers is at least their mean")],
    conclusion="throwaway.claim1",
)
