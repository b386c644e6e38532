"""The package's import graph: no cycle, and every layer imports only the layers below it.

The graph is read from the source (``tests/import_graph.py``: ``ast``, nothing imported), with
every import that can execute: module level (eager) and inside functions (deferred, run on
first use), but not ``if TYPE_CHECKING:`` blocks. ``python -m tests.import_graph`` prints it.

The layer order, lowest first (``LAYERS``); each layer is a set of top-level modules or
subpackages of ``mfgcheck``:

0. leaves: the package root ``mfgcheck/__init__.py`` and ``_errors``, ``_validate``,
   ``_cache``, ``_lazy``, ``_json``, ``progress``, ``registry``, ``catalogue``, ``findings``,
   ``_plotting`` (matplotlib as every figure uses it: the report's and the serverless
   experiment's): small modules every layer may use; they import only other leaves;
1. ``theory`` (SymPy): imports, of mfgcheck, only itself and the light leaves ``_errors``,
   ``_cache``, ``_lazy``, ``progress``, ``registry`` (not ``_validate``, which loads NumPy);
2. ``games``; 3. ``numerics``; 4. ``algorithms``, ``executor``;
5. ``properties``, ``serverless`` (the simulated cluster runs the algorithms);
6. ``reports``; 7. ``hunter``; 8. the entry points ``cli``, ``pytest_plugin``, ``testing``.

Another paper's subpackage (``mfgcheck/papers/<paper>/``) spans layers: each of its modules
is in the layer of its role (``PAPER_ROLES``: ``symbols`` and ``theory`` are theory, ``mdp``
numerics, ``checks``, ``strategies``, ``precise`` and ``survey`` properties).

An edge ``a -> b`` is allowed when ``a`` and ``b`` are in the same top-level unit (a
subpackage's modules import each other freely, without cycles), or when ``b``'s layer is
strictly below ``a``'s; units of the first and the last layer may also import each other.
The registry's ``"package.module:function"`` strings (claims, checks, games resolved on
first use, like entry points) are not imports: a registered game or check may live in any
layer.
"""

from __future__ import annotations

import pytest

from tests.import_graph import Edge, cycle_edges, cycles, edges, modules

PACKAGE = "mfgcheck"
LEAVES = ("", "_errors", "_validate", "_cache", "_lazy", "_json", "progress", "registry",
          "catalogue", "findings", "_plotting")
THEORY_LEAVES = ("", "_errors", "_cache", "_lazy", "progress", "registry")
LAYERS = (
    LEAVES,
    ("theory",),
    ("games",),
    ("numerics",),
    ("algorithms", "executor"),
    ("properties", "serverless"),
    ("reports",),
    ("hunter",),
    ("cli", "pytest_plugin", "testing"),
)
# A paper's subpackage (mfgcheck/papers/<paper>/) holds the layers of one claim side by side;
# each of its modules is in the layer of its role (the package __init__s only register it).
PAPER_ROLES = {"symbols": "theory", "theory": "theory", "mdp": "numerics",
               "checks": "properties", "strategies": "properties", "precise": "properties",
               "survey": "properties"}
# the layers whose units may import each other (the cycle test still applies): the leaves
# (the root re-exports _errors; registry loads catalogue) and the entry points
MUTUAL = (0, len(LAYERS) - 1)
GRAPH = edges()


def unit(module: str) -> str:
    """The top-level unit of a module: ``mfgcheck.theory.core`` -> ``theory``; the package
    root is ``""``; a module of another paper (``mfgcheck.papers.<paper>.<module>``) is in
    the unit of its role (``PAPER_ROLES``), the papers' packages are leaves."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] == "papers":
        if len(parts) <= 3:
            return ""
        if parts[3] not in PAPER_ROLES:
            raise KeyError(f"{module}: a paper's module of no known role (add "
                           f"{parts[3]!r} to PAPER_ROLES in tests/test_layers.py)")
        return PAPER_ROLES[parts[3]]
    return parts[1] if len(parts) > 1 else ""


def layer(module: str) -> int:
    name = unit(module)
    for level, units in enumerate(LAYERS):
        if name in units:
            return level
    raise KeyError(f"{module}: in no layer of tests/test_layers.py (add its unit to LAYERS)")


def allowed(edge: Edge) -> bool:
    source, target = unit(edge.source), unit(edge.target)
    if source == target:
        return True
    if source == "theory":
        return target in THEORY_LEAVES
    if layer(edge.source) in MUTUAL and layer(edge.target) == layer(edge.source):
        return True
    return layer(edge.target) < layer(edge.source)


def violations(graph: list[Edge]) -> list[Edge]:
    """The edges against the layer order."""
    return [e for e in graph if not allowed(e)]


def test_the_graph_is_read():
    # the reader sees the imports it must: eager, deferred, relative, parents of a target
    pairs = {(e.source, e.target): e for e in GRAPH}
    assert not pairs[("mfgcheck.theory.lemma5", "mfgcheck.theory.core")].deferred
    assert pairs[("mfgcheck.cli", "mfgcheck.reports.bounds")].deferred
    assert ("mfgcheck.cli", "mfgcheck.reports") in pairs  # running reports/__init__ too
    assert len(modules()) > 100 and len(GRAPH) > 300


def test_every_module_is_in_a_layer():
    for name in modules():
        layer(name)


def test_no_import_cycle():
    found = cycles(GRAPH)
    detail = "\n".join(f"  {e}" for e in cycle_edges(GRAPH))
    assert not found, f"import cycles {found}:\n{detail}"


@pytest.mark.parametrize("units", LAYERS[1:], ids=lambda u: "+".join(u))
def test_layer_imports_only_below(units):
    bad = [e for e in violations(GRAPH) if unit(e.source) in units]
    assert not bad, "imports against the layer order:\n" + "\n".join(f"  {e}" for e in bad)


def test_leaves_import_only_leaves():
    bad = [e for e in GRAPH if unit(e.source) in LEAVES and unit(e.target) not in LEAVES]
    assert not bad, "\n".join(f"  {e}" for e in bad)


def test_the_checks_can_fail():
    """The cycle finder and the layer rule catch what they are for (a synthetic graph)."""
    cyc = [Edge("mfgcheck.a", "mfgcheck.b", 1, False), Edge("mfgcheck.b", "mfgcheck.c", 1, True),
           Edge("mfgcheck.c", "mfgcheck.a", 1, True), Edge("mfgcheck.c", "mfgcheck.d", 1, False)]
    assert cycles(cyc) == [["mfgcheck.a", "mfgcheck.b", "mfgcheck.c"]]
    up = [Edge("mfgcheck.games.base", "mfgcheck.numerics.mdp", 3, False),
          Edge("mfgcheck.theory.core", "mfgcheck._validate", 3, True),
          Edge("mfgcheck.numerics.mdp", "mfgcheck.games.base", 3, False),
          Edge("mfgcheck.reports.writer", "mfgcheck.algorithms.nac", 3, True)]
    assert violations(up) == up[:2]
