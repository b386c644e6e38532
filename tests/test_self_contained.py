"""The repository stands alone: no tracked file points to a path outside it.

A user's clone has neither the directory the paper's appendix was kept in during
development nor the machine the sample report was written on. docs/conventions.md carries
the project's account of the paper's definitions and cites the paper; everything else
points there. Checked on every tracked text file (``git ls-files``): the names of the
development-only files, absolute paths of a machine, and Markdown links whose target
resolves outside the repository root.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Written split so that this file does not match its own patterns.
FORBIDDEN = [
    re.compile(re.escape("../" + "shared")),
    re.compile(re.escape("NOTES" + ".md")),
    re.compile(re.escape("appendix" + ".txt")),
    # absolute paths of a developer's machine (scratch paths like /tmp in examples are fine)
    re.compile(r"(?<![\w.])/(?:" + "work|home|Users|root" + r")/[\w.+-]"),
]
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _tracked_text_files() -> list[Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: no list of tracked files")
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    files = []
    for name in out.stdout.decode().split("\0"):
        path = ROOT / name
        if not name or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data[:4096]:  # binary (figures)
            continue
        files.append(path)
    return files


def outside_references(text: str, path: Path) -> list[str]:
    """Every reference in ``text``, the content of ``path``, that points outside the
    repository (``line: text``); relative Markdown links resolve from ``path``'s directory."""
    found = []
    for lineno, line in enumerate(text.splitlines(), 1):
        for pattern in FORBIDDEN:
            if pattern.search(line):
                found.append(f"{lineno}: {line.strip()}")
        if path.suffix == ".md":
            for target in MARKDOWN_LINK.findall(line):
                if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                    continue  # a URL or an anchor
                resolved = (path.parent / target.split("#")[0]).resolve()
                if not resolved.is_relative_to(ROOT):
                    found.append(f"{lineno}: link {target} leaves the repository")
    return found


def test_no_tracked_file_points_outside_the_repository():
    files = _tracked_text_files()
    assert len(files) > 50, "git ls-files listed too few files for this to be a check"
    problems = {}
    for p in files:
        refs = outside_references(p.read_text(encoding="utf-8", errors="replace"), p)
        if refs:
            problems[str(p.relative_to(ROOT))] = refs
    assert not problems, problems


def test_the_check_catches_each_kind_of_outside_reference():
    # The detector itself must fire on each pattern (else the test above proves nothing).
    where = ROOT / "docs" / "page.md"
    cases = {
        "see ../" + "shared/paper/x": True,
        "conventions of NOTES" + ".md": True,
        "the appendix" + ".txt file": True,
        "in `/" + "work/main/.hypothesis`": True,
        "[paper](../../" + "paper.pdf)": True,
        "[conventions](conventions.md)": False,
        "[readme](../README.md#set-up)": False,
        "[site](https://example.org/a/../b)": False,
        "run `mfgcheck report --out /tmp/rep`": False,
    }
    for text, expected in cases.items():
        found = outside_references(text, where)
        assert bool(found) is expected, (text, found)


def test_conventions_page_cites_the_paper():
    text = " ".join((ROOT / "docs" / "conventions.md").read_text(encoding="utf-8").split())
    assert "A Mean-Field Game Approach to Cloud Resource" in text
    assert "NeurIPS 2022" in text and "Weichao Mao" in text
    # the objects the code reads from this page, each defined there
    for term in ("Gamma1", "Gamma2", "d^pi_mu", "Exploitability", "shifted Q-function",
                 "Qmax", "kappa", "DL-NAC", "Algorithm 1", "A3"):
        assert term in text, term
