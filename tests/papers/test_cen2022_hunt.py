"""The counterexample hunter on Cen et al. (2022), Theorem 1: it certifies at 60 digits a
counterexample to (22b) with the contraction factor squared, written as text in the paper's
namespace, and finds none against the theorem as stated (budgets of a few seconds)."""

import json

from mfgcheck import hunt
from mfgcheck.cli import main

SQUARED = "2*C1/lam*rho**(2*t)"  # (22b) with (1 - eta tau)^(2t): false


def test_the_hunter_certifies_a_counterexample_to_the_squared_rate():
    res = hunt("cen2022.theorem1.eq22b", bound=SQUARED, budget=8, seed=0)
    assert res.status == "counterexample", str(res)
    ev = res.evidence
    assert ev.confirmed and ev.precise["digits"] == 60 and ev.precise["route"] == "precise"
    assert float(ev.precise["lhs"]) > float(ev.precise["rhs"])
    assert res.seconds < 8 * 1.5  # it stops at the first certified violation


def test_the_hunter_finds_nothing_against_the_theorem_as_stated():
    for target in ("cen2022.theorem1", "cen2022.theorem1.eq22b"):
        res = hunt(target, budget=3, seed=1)
        assert res.status == "none" and res.examples > 0 and res.max_ratio <= 1, str(res)


def test_hunt_on_the_command_line(capsys):
    code = main(["hunt", "cen2022.theorem1.eq22b", "--bound", SQUARED, "--budget", "8",
                 "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "counterexample" and code != 0
