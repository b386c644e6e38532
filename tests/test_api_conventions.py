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
