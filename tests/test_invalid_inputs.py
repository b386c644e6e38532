"""Every invalid input of tests/invalid_inputs.py: a clear error naming the field and the
problem (API), exit status 2 or 3 with one line on stderr and nothing on stdout (CLI), and
docs/invalid-inputs.md in agreement with the table."""

import functools
from pathlib import Path

import pytest

import mfgcheck as mc
from mfgcheck._validate import InvalidInputError

from . import invalid_inputs as table

DOC = Path(__file__).resolve().parents[1] / "docs" / "invalid-inputs.md"


@functools.cache
def _outcomes():
    return table.outcomes()


def test_invalid_input_error_is_one_public_value_error():
    assert mc.InvalidInputError is InvalidInputError
    assert issubclass(InvalidInputError, ValueError)


@pytest.mark.parametrize("i", range(len(table.API)), ids=[r.code for r in table.API])
def test_api_refuses_naming_field_and_problem(i):
    row, (kind, message) = table.API[i], _outcomes()[0][i]
    assert kind == "InvalidInputError", f"{row.code}: {kind}: {message}"
    assert row.field in message and row.problem in message, message


@pytest.mark.parametrize("i", range(len(table.CLI)), ids=[r.argv for r in table.CLI])
def test_cli_refuses_with_one_line_and_exit_status(i):
    row, out = table.CLI[i], _outcomes()[1][i]
    assert out.status == row.status, out.stderr
    assert out.stdout == ""
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    assert lines[0].startswith("mfgcheck")
    assert row.field in lines[0] and row.problem in lines[0], lines[0]


def test_cli_rows_cover_the_issue():
    """The command-line cases named in issue 15 are rows of the table."""
    argvs = {r.argv for r in table.CLI}
    for needed in ("rate --T 0", "rate --T -5", "rate --seeds 0", "lemmas --examples 0",
                   "report --from DIR", "report --from DIR/other.json",
                   "equilibrium --lam 1e-300", "bounds --lam -1 --gamma 0.9 --A 3 --R 2",
                   "bounds --lam 0 --gamma 0.9 --A 3 --R 2",
                   "bounds --lam 0.5 --gamma 1.5 --A 3 --R 2",
                   "bounds --lam 0.5 --gamma 0.9 --A 0 --R 2"):
        assert needed in argvs, needed


def test_docs_table_agrees_with_the_tests():
    """docs/invalid-inputs.md is the table rendered with today's messages (regenerate:
    ``.venv/bin/python -m tests.invalid_inputs > docs/invalid-inputs.md``)."""
    assert DOC.read_text(encoding="utf-8") == table.render(*_outcomes())
