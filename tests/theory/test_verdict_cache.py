"""Formulas apart from proofs: steps are decided on first use and cached on disk.

- importing every claim module runs no proof (a fresh process: every algebraic step pending);
- a decided step written to the cache and read back is the same step, for every step of the
  theory (verdict, method, the counterexample's exact numbers and 50-digit sides, which are
  evaluated again on every read);
- a valid entry is used (the proof does not run again); a missing, truncated, tampered or
  stale entry is recomputed and rewritten, never trusted; a counterexample that no longer
  refutes is caught even behind a valid entry;
- the cache lives where ``MFGCHECK_THEORY_CACHE`` says, else in the user cache (never the
  working directory), is off with ``off``, and its key changes with SymPy's version.

The whole table with the cache off vs read from it: tests/theory/test_claims.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from mfgcheck.theory import core, verdict_cache, verdicts
from mfgcheck.theory.symbols import gamma, lam, nA

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(verdict_cache.ENV_VAR, str(tmp_path / "verdicts"))
    return tmp_path / "verdicts" / verdict_cache.key()


class Counted:
    """A prover that records how often it ran (the proof behind a step)."""

    def __init__(self, result=True):
        self.calls, self.result = 0, result

    def __call__(self):
        self.calls += 1
        return self.result


def _never():
    raise AssertionError("the proof ran: the cache entry was not used")


def _refuted_step(prover):
    """A refuted step with a 50-digit side (log): log|A| <= 1/(lam (1 - gamma)) fails at
    |A| = 1000, gamma = 1/2, lam = 1 (6.9 > 2)."""
    return core.algebraic(
        "demo.cache_refuted", "log|A| <= 1/(lam (1 - gamma))", sp.log(nA),
        1 / (lam * (1 - gamma)), "<=", "none", prover=prover,
        counterexample={"nA": 1000, "gamma": sp.Rational(1, 2), "lam": 1})


def _record(step):
    return (step.id, step.verdict, step.method, step.detail(),
            None if step.counterexample is None else
            {k: (type(v).__name__, sp.srepr(v)) for k, v in step.counterexample.items()})


def test_importing_the_claims_runs_no_proof():
    code = ("import mfgcheck.theory as th\n"
            "steps = [s for c in th.claims().values() for s in c.steps]\n"
            "algebraic = [s for s in steps if s.kind == 'algebraic']\n"
            "assert len(algebraic) > 60 and all(s.pending for s in algebraic)\n"
            "print(len(algebraic))\n")
    env = {**__import__("os").environ, verdict_cache.ENV_VAR: "off"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) > 60


def test_every_step_reads_back_from_the_cache_unchanged(cache):
    steps = verdicts(progress=False)
    algebraic = [s for s in steps if s.kind == "algebraic"]
    for step in algebraic:
        verdict_cache.write(step)
        twin = core.Step(step.id, step.label, step.lhs, step.rhs, step.relation,
                         step.justification, verdict=step.verdict, condition=step.condition,
                         hypotheses=step.hypotheses, exact=step.exact,
                         declared_counterexample=step.declared_counterexample,
                         origin=step.origin, decision=_never)
        twin.settle()
        assert _record(twin) == _record(step), step.id
    assert len(list(cache.glob("*.json"))) == len(algebraic)


def test_a_valid_entry_is_used_and_gives_the_same_verdict(cache):
    first = Counted(result=False)
    cold = _refuted_step(first)
    assert cold.verdict == "refuted" and first.calls == 1
    entry = cache / "demo.cache_refuted.json"
    assert entry.is_file()
    again = Counted(result=False)
    warm = _refuted_step(again)
    assert warm.verdict == "refuted" and again.calls == 0  # read, not proved again
    assert _record(warm) == _record(cold)
    assert isinstance(warm.counterexample["lhs"], sp.Float)  # log(1000), 50 digits, exact bits
    assert warm.counterexample["lhs"] == cold.counterexample["lhs"]


def _rewrite(entry: Path, change) -> None:
    """Apply ``change`` to the payload and store it with a matching checksum (so only the
    validation of the content can reject it)."""
    document = json.loads(entry.read_text())
    change(document["payload"])
    document["sha256"] = verdict_cache._checksum(document["payload"])
    entry.write_text(json.dumps(document))


CORRUPTIONS = {
    "truncated": lambda e: e.write_text(e.read_text()[: len(e.read_text()) // 2]),
    "not json": lambda e: e.write_bytes(b"\x00\xff garbage"),
    "bit flipped": lambda e: e.write_text(e.read_text().replace("refuted", "proved")),
    "verdict changed": lambda e: _rewrite(e, lambda p: p.update(verdict="proved")),
    "stale fingerprint": lambda e: _rewrite(e, lambda p: p.update(fingerprint="0" * 64)),
    "other step": lambda e: _rewrite(e, lambda p: p.update(step="demo.other")),
    "other format": lambda e: _rewrite(e, lambda p: p.update(format=0)),
    "method not text": lambda e: _rewrite(e, lambda p: p.update(method=None)),
    "no payload": lambda e: e.write_text(json.dumps({"sha256": "0"})),
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_a_corrupt_entry_is_recomputed_never_trusted(cache, corruption):
    cold = _refuted_step(Counted(result=False))
    expected = _record(cold)
    entry = cache / "demo.cache_refuted.json"
    CORRUPTIONS[corruption](entry)
    prover = Counted(result=False)
    step = _refuted_step(prover).settle()
    assert prover.calls == 1, corruption  # the proof ran again
    assert _record(step) == expected
    # and the entry was rewritten: a third step reads it without proving
    third = Counted(result=False)
    assert _refuted_step(third).verdict == "refuted" and third.calls == 0


def test_the_counterexample_is_checked_again_behind_a_valid_entry(cache):
    _refuted_step(Counted(result=False)).settle()
    # the same step id and entry, but the declared point no longer refutes: |A| = 2
    moved = core.algebraic(
        "demo.cache_refuted", "log|A| <= 1/(lam (1 - gamma))", sp.log(nA),
        1 / (lam * (1 - gamma)), "<=", "none", prover=Counted(result=False),
        counterexample={"nA": 2, "gamma": sp.Rational(1, 2), "lam": 1})
    entry = cache / "demo.cache_refuted.json"
    _rewrite(entry, lambda p: p.update(fingerprint=verdict_cache.fingerprint(moved)))
    with pytest.raises(core.ProofError, match="satisfies the relation"):
        moved.verdict  # noqa: B018


def test_a_failed_decision_is_not_cached(cache):
    prover = Counted(result=True)  # "proved", yet the step declares a counterexample
    step = _refuted_step(prover)
    with pytest.raises(core.ProofError):
        core.settle([step], progress=False)
    assert not (cache / "demo.cache_refuted.json").exists()


def test_where_the_cache_lives(tmp_path, monkeypatch):
    monkeypatch.delenv(verdict_cache.ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert verdict_cache.directory() == tmp_path / "xdg" / "mfgcheck" / "theory" / \
        verdict_cache.key()
    monkeypatch.setenv(verdict_cache.ENV_VAR, str(tmp_path / "elsewhere"))
    assert verdict_cache.directory() == tmp_path / "elsewhere" / verdict_cache.key()
    monkeypatch.setenv(verdict_cache.ENV_VAR, "off")
    assert verdict_cache.directory() is None
    prover = Counted(result=False)
    assert _refuted_step(prover).verdict == "refuted" and prover.calls == 1
    assert not any(tmp_path.rglob("*.json"))  # off: nothing written anywhere


def test_the_key_follows_sympy_and_the_sources(monkeypatch):
    key = verdict_cache.key()
    monkeypatch.setattr(sp, "__version__", sp.__version__ + ".post1")
    verdict_cache.key.cache_clear()
    try:
        assert verdict_cache.key() != key
    finally:
        monkeypatch.undo()
        verdict_cache.key.cache_clear()
    assert verdict_cache.key() == key
    # every source file of the theory enters the key
    sources = sorted(Path(verdict_cache.__file__).parent.rglob("*.py"))
    assert Path(core.__file__) in sources and len(sources) > 15


def test_progress_lines_when_stderr_is_a_file(cache, monkeypatch, capsys):
    monkeypatch.setenv("MFGCHECK_PROGRESS", "plain")
    step = _refuted_step(Counted(result=False))
    core.settle([step])
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "theory: proving 1 proof step (cached afterwards): 0/1"
    assert err[-1].startswith("theory: proving 1 proof step (cached afterwards): 1/1 done in ")
    fresh = _refuted_step(Counted(result=False))
    core.settle([fresh])  # from the cache: nothing to show
    assert capsys.readouterr().err == ""
