"""Typed package: py.typed ships in the package data, and `make lint` runs mypy as well as ruff
(configured in pyproject.toml, installed by the dev extra)."""

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
