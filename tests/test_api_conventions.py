"""A coherent, typed public API (issue 11 item 5): py.typed ships in the package data; `make
lint` runs ruff and mypy (configured in pyproject.toml, installed by the dev extra); no two
public classes share a name; one serialisation verb (``to_dict``)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_py_typed_is_package_data():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert (ROOT / "mfgcheck" / "py.typed").is_file()
    assert "py.typed" in project["tool"]["setuptools"]["package-data"]["mfgcheck"]


def test_lint_runs_ruff_and_mypy_from_the_dev_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    dev = project["project"]["optional-dependencies"]["dev"]
    assert any(d.startswith("mypy") for d in dev) and any(d.startswith("ruff") for d in dev)
    assert project["tool"]["mypy"]["files"] == ["mfgcheck"]
    lines = (ROOT / "Makefile").read_text().split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "bin/ruff check" in lines and "bin/mypy" in lines


def _public_modules():
    """(dotted name, AST) of every module of the package whose path has no underscored part."""
    import ast

    for path in sorted((ROOT / "mfgcheck").rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        if any(part.startswith("_") and part != "__init__" for part in rel.parts):
            continue
        yield ".".join(rel.parts), ast.parse(path.read_text())


def _public_module_names():
    """Every module of the package whose dotted name has no underscored part."""
    for module, _ in _public_modules():
        yield module.removesuffix(".__init__")


def test_no_two_public_classes_share_a_name():
    """`from mfgcheck.x import Name` names one thing: the classes reachable through the public
    names of the public modules (``__all__`` where a module has one, else every name without
    a leading underscore), wherever they are defined, have pairwise different names."""
    import importlib
    from collections import defaultdict

    where: dict[str, dict[int, str]] = defaultdict(dict)
    for name in _public_module_names():
        module = importlib.import_module(name)
        public = getattr(module, "__all__", None) or [
            n for n in vars(module) if not n.startswith("_")]
        for attr in public:
            obj = getattr(module, attr)
            if isinstance(obj, type) and obj.__module__.split(".")[0] == "mfgcheck":
                where[obj.__name__][id(obj)] = f"{obj.__module__}.{obj.__qualname__}"
    assert len(where) > 50  # the walk saw the package's classes
    assert {k: sorted(v.values()) for k, v in where.items() if len(v) > 1} == {}


def test_one_serialisation_verb():
    """Plain-data views of objects are ``to_dict()`` (``from_dict`` where they rebuild):
    no ``as_dict``/``asdict``/``to_json`` methods, and a ``describe`` returns text."""
    import ast

    for module, tree in _public_modules():
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            for fn in (n for n in cls.body if isinstance(n, ast.FunctionDef)):
                where = f"{module}.{cls.name}.{fn.name}"
                assert fn.name not in ("as_dict", "asdict", "to_json", "serialize"), where
                if fn.name == "describe":
                    assert isinstance(fn.returns, ast.Name) and fn.returns.id == "str", where


# The whole package is held to the underscore rule (issue 11).
SWEPT = ("mfgcheck.",)


def _annotation_names(tree) -> set[str]:
    """Names in the annotations of a module's functions and class fields: a type a public
    function takes or returns is public even if no other file names it."""
    import ast

    out = set()
    for node in ast.walk(tree):
        anns = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            anns = [a.annotation for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
            anns.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            anns = [node.annotation]
        for ann in anns:
            if ann is not None:
                out |= {n.id for n in ast.walk(ann) if isinstance(n, ast.Name)}
                out |= {n.value for n in ast.walk(ann) if isinstance(n, ast.Constant)
                        and isinstance(n.value, str)}
    return out


def test_internal_functions_and_classes_are_underscored():
    """What is internal is underscored: a function or class defined at the top of a public
    module must have a leading underscore unless something makes it public: its module's
    ``__all__`` or docstring names it, a public function of the module takes or returns it,
    the registry names it (the claims' checks), pytest names it (``pytest_*`` hooks of the
    plugin), or another file of the repository (package,
    tests, benchmarks, docs) mentions it. Module-level constants are not held to this: they
    are the named defaults ("one fact, one place") a reader looks up by name."""
    import ast
    import importlib
    import re

    from mfgcheck import registry

    registered = {c.function.partition(":")[2] for s in registry.claims().values()
                  for c in s.checks}
    files = [*sorted((ROOT / "mfgcheck").rglob("*.py")), *sorted((ROOT / "tests").rglob("*.py")),
             *sorted((ROOT / "benchmarks").rglob("*.py")), *sorted((ROOT / "docs").rglob("*.md")),
             ROOT / "README.md", ROOT / "pyproject.toml"]
    # (this file lists names: it does not count as a use of them)
    texts = {p: p.read_text(encoding="utf-8") for p in files if p != Path(__file__).resolve()}
    found: dict[str, set[str]] = {}
    for module, tree in _public_modules():
        if not module.startswith(SWEPT):
            continue
        path = ROOT / (module.replace(".", "/") + ".py")
        doc = ast.get_docstring(tree) or ""
        exported = set(getattr(importlib.import_module(module.removesuffix(".__init__")),
                               "__all__", ()))
        public_types = _annotation_names(tree)
        for node in tree.body:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            name = node.name
            if (name.startswith(("_", "pytest_"))      # pytest hooks are named by pytest
                    or name in exported | public_types | registered):
                continue
            word = re.compile(rf"\b{re.escape(name)}\b")
            if word.search(doc) or any(word.search(t) for p, t in texts.items() if p != path):
                continue
            found.setdefault(module.removesuffix(".__init__"), set()).add(name)
    assert found == {}, "\n".join(f"{m}: {sorted(n)}" for m, n in sorted(found.items()))
