"""Theorem 1's explicit bounds and the constants, against hand computations."""

import math

import pytest

from mfgcheck.reports import bounds

POINT = dict(T=1000, eta=0.03, beta=0.004, lam=0.5, gamma=0.9, nA=3, R=2.0, C1=1.2, C2=1.1,
             C3=1.3, d0=0.4, d1=0.1, d2=1.5, d3=0.6, p_min=0.01, eps_total=1e-4,
             sigma_pi_0=0.7, sigma_mu_0=0.5)


def hand_constants(gamma, lam, nA, R):
    """Appendix A, typed from docs/conventions.md."""
    qmax = (1 + gamma * lam * math.log(nA)) / (1 - gamma)
    return {"Qmax": qmax, "p_min_bound": math.exp(-2 * R / lam) / nA,
            "tau": math.exp(-qmax / lam) / nA, "KLmax": math.log(nA) + 2 * R / lam,
            "kappa": 2 * math.log(nA) / (1 - gamma)
            + (1 + 2 * R * (1 - gamma)) / (lam * (1 - gamma))}


def test_constants_match_hand_values():
    got = bounds.constants(gamma=0.9, lam=0.5, nA=3, R=2.0)
    want = hand_constants(0.9, 0.5, 3, 2.0)
    for k, v in want.items():
        assert got[k] == pytest.approx(v, rel=1e-13), k
    # one number written out: kappa = 20 ln 3 + 1.4 / 0.05
    assert got["kappa"] == pytest.approx(20 * math.log(3) + 28.0, rel=1e-13)


def hand_final(n, pinsker=1.0):
    """(15), the policy bound, (16) and the final display, typed from appendix B.3."""
    kappa = hand_constants(n["gamma"], n["lam"], n["nA"], n["R"])["kappa"]
    b15 = (n["sigma_pi_0"] / (n["T"] * n["eta"] * n["lam"])
           + 3 * n["C3"] / n["lam"] * (1 + 1 / n["p_min"]) * math.sqrt(n["eps_total"])
           + 2 * n["eta"] * n["R"] ** 2 / n["lam"]
           + 2 * (1 + n["C1"]) * kappa * n["d0"] * n["beta"] / (n["eta"] * n["lam"]))
    dbar = 1 - n["d1"] * n["d2"] - n["d3"]
    b16 = (n["sigma_mu_0"] / (n["T"] * n["beta"] * dbar)
           + n["d2"] * n["C2"] / dbar * math.sqrt(pinsker * b15))
    pol = n["C2"] * math.sqrt(2 * b15)
    return b15, pol, b16, pol + (1 + n["d1"]) * b16


@pytest.mark.parametrize("fallback", [False, True])
@pytest.mark.parametrize("corrected", [False, True])
def test_theorem1_bounds_match_the_appendix(fallback, corrected):
    b = bounds.theorem1_bounds(POINT, corrected=corrected, fallback=fallback)
    if not fallback:
        assert b["source"] == "theory.theorem1"
    want = hand_final(POINT, 2.0 if corrected else 1.0)
    got = (b["avg_sigma_pi_bound"], b["avg_D_policy_bound"], b["avg_sigma_mu_bound"],
           b["final_bound"])
    assert got == pytest.approx(want, rel=1e-12)


def test_bounds_needing_contraction_are_undefined_without_it():
    b = bounds.theorem1_bounds({**POINT, "d3": 0.9})    # d1 d2 + d3 = 1.05 >= 1
    assert b["d_bar"] < 0
    assert b["avg_sigma_mu_bound"] is None and b["final_bound"] is None
    assert b["avg_sigma_pi_bound"] == pytest.approx(hand_final(POINT)[0], rel=1e-12)


def test_missing_numbers_are_named():
    with pytest.raises(ValueError, match="C2"):
        bounds.theorem1_bounds({k: v for k, v in POINT.items() if k != "C2"})
