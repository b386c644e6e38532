"""The import graph of the mfgcheck package, read from its source (``ast``, nothing imported).

An edge ``a -> b`` means that running module ``a`` can execute module ``b``: ``import b``,
``from b import name`` and ``from pkg import b`` (``b`` a submodule), plus the packages above
``b`` that are not already above ``a`` (importing ``mfgcheck.theory.core`` from
``mfgcheck.reports.bounds`` also runs ``mfgcheck/theory/__init__.py``). Each edge records
whether it is ``eager`` (executed when ``a`` is imported: module level, including ``try`` and
``if`` blocks) or ``deferred`` (inside a function or class body method, run on first use).
Imports under ``if TYPE_CHECKING:`` never execute and are left out.

``python -m tests.import_graph`` prints every cycle (strongly connected component) and the
edges against the layer order of ``tests/test_layers.py``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "mfgcheck"
ROOT = Path(__file__).resolve().parents[1] / PACKAGE


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    deferred: bool

    def __str__(self) -> str:
        how = "deferred" if self.deferred else "eager"
        return f"{self.source} -> {self.target} ({how}, line {self.line})"


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _is_package(name: str, known: dict[str, Path]) -> bool:
    return name in known and known[name].name == "__init__.py"


def _resolve(module: str, level: int, current: str, known: dict[str, Path]) -> str:
    if level == 0:
        return module
    base = current.split(".")
    if not _is_package(current, known):
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> Iterable[tuple[ast.stmt, bool]]:
    """(import statement, deferred) for every import that can execute."""

    def walk(node, deferred):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child.test):
                for sub in child.orelse:
                    yield from walk_one(sub, deferred)
                continue
            yield from walk_one(child, deferred)

    def walk_one(node, deferred):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, deferred
            return
        inner = deferred or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        yield from walk(node, inner)

    yield from walk(tree, False)


def _with_parents(target: str, source: str, known: dict[str, Path]) -> list[str]:
    """``target`` and the packages above it that running ``source`` has not already run."""
    parts = target.split(".")
    above_source = {".".join(source.split(".")[:i]) for i in range(1, source.count(".") + 2)}
    out = []
    for i in range(1, len(parts) + 1):
        name = ".".join(parts[:i])
        if name in known and name != source and (name == target or name not in above_source):
            out.append(name)
    return out


def edges(root: Path = ROOT) -> list[Edge]:
    """Every import edge between modules of the package."""
    known = modules(root)
    out: set[Edge] = set()
    for name, path in known.items():
        tree = ast.parse(path.read_text(), str(path))
        for node, deferred in _imports(tree):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = _resolve(node.module or "", node.level, name, known)
                subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known]
                # ``from <package above us> import <submodule>`` needs only the submodule:
                # the package's __init__ is already running; any other name needs the base
                if len(subs) < len(node.names) or not name.startswith(base + "."):
                    targets.append(base)
                targets += subs
            for target in targets:
                if not target.startswith(PACKAGE):
                    continue
                while target not in known and "." in target:
                    target = target.rsplit(".", 1)[0]
                for t in _with_parents(target, name, known):
                    out.add(Edge(name, t, node.lineno, deferred))
    # one edge per (source, target): eager wins over deferred, then the first line
    best: dict[tuple[str, str], Edge] = {}
    for e in sorted(out, key=lambda e: (e.deferred, e.line)):
        best.setdefault((e.source, e.target), e)
    return sorted(best.values(), key=lambda e: (e.source, e.target))


def cycles(graph: Iterable[Edge]) -> list[list[str]]:
    """The strongly connected components with more than one module (or a self-loop), each
    sorted; an import cycle is a path inside one of them (Tarjan's algorithm)."""
    succ: dict[str, list[str]] = {}
    for e in graph:
        succ.setdefault(e.source, []).append(e.target)
        succ.setdefault(e.target, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def connect(v: str) -> None:  # iterative enough for a package of ~150 modules
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in succ[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in succ[v]:
                found.append(sorted(comp))

    for v in sorted(succ):
        if v not in index:
            connect(v)
    return sorted(found)


def cycle_edges(graph: list[Edge]) -> list[Edge]:
    """The edges inside the cycles of ``graph``."""
    where = {m: i for i, comp in enumerate(cycles(graph)) for m in comp}
    return [e for e in graph if e.source in where and where.get(e.target) == where[e.source]]


def main() -> int:
    from tests.test_layers import violations

    graph = edges()
    for label, subset in (("all imports", graph),
                          ("eager imports only", [e for e in graph if not e.deferred])):
        comps = cycles(subset)
        print(f"{label}: {len(comps)} cycle(s)")
        for comp in comps:
            print("  " + ", ".join(comp))
            for e in cycle_edges(subset):
                if e.source in comp:
                    print(f"    {e}")
    bad = violations(graph)
    print(f"layer order: {len(bad)} edge(s) against it")
    for e in bad:
        print(f"  {e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
