"""The hunter's instance families reach their regimes, and its family draws depend on the
seed alone (not on which modules are loaded).

The regimes are measured directly on the runs (the float route of Algorithm 1), not read from
the family code: near-deterministic policies (min pi_t tiny), features aligned with theta
(``|theta^T phi| = ||theta|| ||phi||``)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from mfgcheck.hunter import family_draws
from mfgcheck.properties import families, lemma2
from mfgcheck.properties.trajectory import drive


def _runs(family, n, seed=0):
    rng = np.random.default_rng(seed)
    return [family.build(family.sample(rng)) for _ in range(n)]


def test_the_new_families_are_searched_for_runs():
    names = [f.name for f in families.families_for("NACRunCase")]
    assert "near_deterministic" in names and "aligned" in names


def test_near_deterministic_runs_reach_tiny_probabilities():
    """Most draws put some action below 1e-6 along the run (the regime of Lemmas 1, 5, 8 at
    small p_min); a policy with all entries above 1e-3 would be no such regime."""
    mins = [drive(run).pi.min() for run in _runs(families.near_deterministic, 12)]
    assert sum(m < 1e-6 for m in mins) >= 6, mins
    assert min(mins) < 1e-12


def test_aligned_features_make_cauchy_schwarz_an_equality():
    """theta_t stays parallel to the features: max_{s,a} |theta_t^T phi(s, a)| equals
    ||theta_t|| (the largest feature has norm 1) to rounding, at every t, for every draw; and
    some draws saturate ||theta_t|| = R/lam, where Lemma 2's logit step is an equality."""
    saturated = 0
    for run in _runs(families.aligned, 10):
        phi = np.asarray(run.features)
        assert np.linalg.norm(phi, axis=-1).max() == pytest.approx(1.0, rel=1e-15)
        traj = drive(run)
        for theta in traj.theta[1:]:
            norm = np.linalg.norm(theta)
            logit = np.abs(phi @ theta).max()
            assert logit == pytest.approx(norm, rel=1e-12)
        saturated += np.linalg.norm(traj.theta, axis=-1).max() >= (1 - 1e-9) * run.R / run.game.lam
    assert saturated >= 2


def test_lemma2_logit_step_is_an_equality_on_aligned_features():
    """Lemma 2's ``max |theta_t^T phi| <= R/lam`` holds and is attained (ratio 1 to rounding)
    on the draws whose theta saturates."""
    evs = [lemma2.check_lemma2_logit(run) for run in _runs(families.aligned, 10)]
    assert all(e.holds for e in evs)
    assert max(e.ratio for e in evs) == pytest.approx(1.0, rel=1e-12)


def test_family_sample_stays_in_the_box_and_reaches_its_edges():
    rng = np.random.default_rng(3)
    fam = families.saturating
    draws = [fam.sample(rng) for _ in range(200)]
    for k, (lo, hi, _) in fam.continuous.items():
        values = [d[k] for d in draws]
        assert all(lo <= v <= hi for v in values)
        # EDGE = 0.1 at each end: 200 draws without an end have probability 0.9^200
        assert min(values) == lo and max(values) == pytest.approx(hi, rel=1e-15)
    for k, choices in fam.discrete.items():
        assert {d[k] for d in draws} <= set(choices)


_DRAW = textwrap.dedent("""
    import itertools, json, sys
    if sys.argv[1] == "with":
        sys.path.insert(0, sys.argv[2])
        import many_literals  # noqa: F401  (a local module full of float literals)
        import mfgcheck.reports.tables, mfgcheck.theory  # noqa: F401  (more local modules)
    import numpy as np
    import mfgcheck as mc
    from mfgcheck.hunter import family_draws
    from mfgcheck.properties import families, lemma2
    draws = [[f.name, p] for f, p in itertools.islice(
        family_draws(families.families_for("NACRunCase"), np.random.default_rng(0)), 40)]
    r = mc.hunt("lemma2", bound="exp(-R/lam)/nA", budget=30, seed=0)
    print(json.dumps({"draws": draws, "status": r.status, "family": r.family,
                      "params": r.params, "examples": r.examples}, default=float))
""")


def test_family_draws_do_not_depend_on_loaded_modules(tmp_path):
    """Hypothesis mixes the literal constants of loaded local modules into its draws (a
    refactor that moved a constant made a seeded hunt miss). The hunter's family draws come
    from the seed alone: a process that first imports a module full of literals (and more of
    the package) draws the same parameters and finds the same counterexample."""
    (tmp_path / "many_literals.py").write_text(
        "VALUES = (" + ", ".join(repr(x) for x in (
            0.0123, 7.5, 1e-3, 0.999, 2.220446049250313e-16, 0.5, 1e-9, 0.95, 17, 3, 50,
            0.3014441400568035, 4.0900214119103495)) + ")\n")
    outs = []
    for mode in ("without", "with"):
        proc = subprocess.run([sys.executable, "-c", _DRAW, mode, str(tmp_path)],
                              capture_output=True, text=True, cwd=tmp_path, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        outs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    a, b = outs
    assert a["draws"] == b["draws"]
    assert a["status"] == b["status"] == "counterexample"
    assert (a["family"], a["params"], a["examples"]) == (b["family"], b["params"], b["examples"])
    # the draws are the seed's generator's, recomputed here in this process, and the
    # counterexample is one of them (the hunt drew its families from the seed alone)
    here = json.loads(json.dumps([[fam.name, p] for _, (fam, p) in zip(range(500), family_draws(
        families.families_for("NACRunCase"), np.random.default_rng(0)))], default=float))
    assert here[:40] == a["draws"]
    assert [a["family"], a["params"]] in here[:a["examples"]]
