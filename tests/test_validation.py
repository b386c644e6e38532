"""Input validation beyond the table of tests/invalid_inputs.py: the stable KL against mpmath,
float32 accepted at float32 precision, the fast game checks against the detailed ones, the
PSD and duality-gap refusals, the equilibrium certificate's relative tolerance, and the
command line's exit-status contract, --help and --json."""

import argparse
import dataclasses
import json
import math

import mpmath
import numpy as np
import pytest
import scipy.stats

import mfgcheck as mc
from mfgcheck import _validate as v
from mfgcheck.cli import build_parser, main
from mfgcheck.games import Game
from mfgcheck.numerics import actor_regression as ar
from mfgcheck.numerics import equilibrium as eq_mod
from mfgcheck.reports import bounds
from mfgcheck.reports.settings import RateSetting
from mfgcheck.theory.step_sizes import C_BETA, C_ETA

EPS32 = float(np.finfo(np.float32).eps)


# -- KL -----------------------------------------------------------------------------------------

def kl_mpmath(p, q, dps=60):
    """``sum_a (p log(p/q) - p + q)`` (the form ``kl`` computes) at ``dps`` digits, on the
    exact values of the floats."""
    with mpmath.workdps(dps):
        total = mpmath.mpf(0)
        for a, b in zip(p, q):
            a, b = mpmath.mpf(float(a)), mpmath.mpf(float(b))
            if b == 0:
                if a > 0:
                    return math.inf
                continue
            total += (a * mpmath.log(a / b) if a > 0 else 0) - a + b
        return float(total)


KL_CASES = [
    ([1e-17, 1 - 1e-17], [0.5, 0.5]),                       # the issue's NaN
    ([0.0, 1.0], [0.5, 0.5]),
    ([0.3, 0.7], [0.3 + 1e-9, 0.7 - 1e-9]),                   # p ~ q: KL ~ 1e-18
    ([0.25, 0.25, 0.5], [0.25 - 3e-7, 0.25 + 1e-7, 0.5 + 2e-7]),
    ([0.5, 0.5], [1e-300, 1 - 1e-300]),                     # tiny q
    ([1e-300, 1 - 1e-300], [0.5, 0.5]),                     # tiny p
    ([0.2, 0.3, 0.5], [0.5, 0.3, 0.2]),
]


@pytest.mark.parametrize("p, q", KL_CASES)
def test_kl_matches_mpmath(p, q):
    want = kl_mpmath(p, q)
    got = float(mc.numerics.kl(p, q))
    assert got == pytest.approx(want, rel=1e-12, abs=0.0)


def test_kl_of_the_issue_is_log_2_as_scipy_says():
    got = float(mc.numerics.kl([1e-17, 1 - 1e-17], [0.5, 0.5]))
    assert got == pytest.approx(scipy.stats.entropy([1e-17, 1 - 1e-17], [0.5, 0.5]), rel=1e-14)
    assert got == pytest.approx(math.log(2), rel=1e-14)


def test_kl_infinite_where_q_vanishes_and_rows_batch():
    assert mc.numerics.kl([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert mc.numerics.kl([1.0, 0.0], [1.0, 0.0]) == 0.0
    P = np.array([c[0] for c in KL_CASES[:2]])
    Q = np.array([c[1] for c in KL_CASES[:2]])
    np.testing.assert_array_equal(mc.numerics.kl(P, Q),
                                  [mc.numerics.kl(p, q) for p, q in zip(P, Q)])


def test_sigma_pi_0_on_lq_is_the_mpmath_value():
    """The issue's "sigma^pi_0 = nan" on LQ: pi*_0 has probabilities ~1e-17."""
    from mfgcheck.reports import rate

    game = mc.games.linear_quadratic().normalised()
    got = rate.initial_gaps(game, mc.numerics.solve_equilibrium(game))["sigma_pi_0"]
    pi_star0 = mc.numerics.best_response(game, game.rho)
    assert pi_star0.min() < 1e-12                       # the regime that gave NaN
    d0 = mc.numerics.visitation(game, pi_star0, game.rho)
    pi0 = np.full(pi_star0.shape[-1], 1 / pi_star0.shape[-1])
    want = sum(w * kl_mpmath(row, pi0) for w, row in zip(d0, pi_star0))
    assert got == pytest.approx(want, rel=1e-12)


# -- float32 accepted at float32 precision --------------------------------------------------------

def _game(P, rho, dtype):
    def transition(mu):
        return np.broadcast_to(P.astype(dtype), np.shape(mu)[:-1] + P.shape).copy()

    def reward(mu):
        mu = np.asarray(mu, dtype=np.float64)
        return np.broadcast_to(np.arange(P.shape[1]) / P.shape[1], mu.shape[:-1]
                               + P.shape[:2]) * (1 - 0.5 * mu[..., :, None])

    return Game(name=f"g-{np.dtype(dtype).name}", n_states=P.shape[0], n_actions=P.shape[1],
                gamma=0.9, lam=0.2, rho=np.asarray(rho, dtype=dtype), transition_fn=transition,
                reward_fn=reward)


def test_float32_games_and_policies_are_accepted_at_float32_precision():
    rng = np.random.default_rng(3)
    P = rng.dirichlet(np.ones(3), size=(3, 3))
    rho = np.array([0.1, 0.2, 0.7])
    P32, rho32 = P.astype(np.float32), rho.astype(np.float32)
    # the float32 rows do not sum to 1 within float64's tolerance (the issue's refusal) ...
    assert np.abs(P32.astype(np.float64).sum(-1) - 1).max() > v.ATOL or \
        abs(float(rho32.astype(np.float64).sum()) - 1) > v.ATOL
    g64, g32 = _game(P, rho, np.float64), _game(P, rho, np.float32)
    # ... and are accepted; the solutions agree to float32's rounding amplified by 1/(1-gamma)
    e64, e32 = mc.numerics.solve_equilibrium(g64), mc.numerics.solve_equilibrium(g32)
    tol = 100 * 3 * EPS32 / (1 - 0.9)
    assert np.abs(e64.mean_field - e32.mean_field).sum() <= tol
    run = mc.algorithms.nac(g32, 30, 0.5, 0.05)
    assert np.allclose(run.mean_field.sum(-1), 1.0, rtol=0, atol=1e-12)
    pi32 = np.full((3, 3), 1 / 3, dtype=np.float32)    # rows sum to 1.0000000298 in float64
    assert abs(float(pi32.astype(np.float64).sum(-1)[0]) - 1) > v.ATOL
    got = mc.numerics.exploitability(g64, pi32)
    want = mc.numerics.exploitability(g64, np.full((3, 3), 1 / 3))
    assert got == pytest.approx(want, abs=10 * 3 * EPS32 * g64.value_scale)
    assert float(mc.numerics.kl(pi32[0], [0.2, 0.3, 0.5])) == pytest.approx(
        kl_mpmath([1 / 3] * 3, [0.2, 0.3, 0.5]), rel=10 * EPS32)


# -- the fast game checks agree with the detailed ones -------------------------------------------

def _valid_by_detailed_check(P, S, A):
    try:
        v.check_transition("P", P, S, A)
    except v.InvalidInputError:
        return False
    return True


@pytest.mark.parametrize("S, A", [(2, 2), (3, 4), (12, 3), (50, 3)])   # each row-sum route
def test_is_stochastic_agrees_with_check_transition(S, A):
    rng = np.random.default_rng(S)
    P = rng.dirichlet(np.ones(S), size=(4, 1, S, A))      # a batch laid out as (B, 1, ...)
    tol = v.sum_tol(np.float64, S)
    cases = {"valid": P}
    for name, delta in (("over", 2 * tol), ("under", -2 * tol), ("slightly over", 0.4 * tol)):
        Q = P.copy()
        Q[2, 0, S - 1, A - 1, 0] += delta
        cases[name] = Q
    for name, value in (("nan", np.nan), ("inf", np.inf), ("-inf", -np.inf)):
        Q = P.copy()
        Q[1, 0, 0, 0, S - 1] = value
        cases[name] = Q
    Q = P.copy()                                          # a negative entry, sums kept at 1
    Q[0, 0, 1, 0, 0] = -2 * tol
    Q[0, 0, 1, 0, 1] = 1 - Q[0, 0, 1, 0, 2:].sum() + 2 * tol
    cases["negative"] = Q
    verdicts = {k: v.is_stochastic(Q, S, A) for k, Q in cases.items()}
    assert verdicts == {k: _valid_by_detailed_check(Q, S, A) for k, Q in cases.items()}
    assert verdicts["valid"] and verdicts["slightly over"]
    assert not any(verdicts[k] for k in ("over", "under", "nan", "inf", "-inf", "negative"))
    assert not v.is_stochastic(P[..., :-1], S, A)          # wrong shape


@pytest.mark.parametrize("S, A", [(3, 2), (12, 3)])
def test_broadcast_views_are_checked_on_their_block_and_nothing_else(S, A):
    """A game may return a read-only broadcast of one kernel for a batch of mean fields (the
    LQ game does): the fast checks look at the distinct block only, which is every entry of
    the view; a batch axis with real strides is still checked element by element."""
    rng = np.random.default_rng(S)
    P = rng.dirichlet(np.ones(S), size=(S, A))
    bad = P.copy()
    bad[S - 1, A - 1, 0] = np.nan
    view = np.broadcast_to(P, (5, 1) + P.shape)
    assert view.strides[0] == 0 and v.is_stochastic(view, S, A)
    assert not v.is_stochastic(np.broadcast_to(bad, (5, 1) + P.shape), S, A)
    mixed = np.broadcast_to(np.stack([P, bad])[None], (4, 2) + P.shape)  # axis 1 is real
    assert mixed.strides[0] == 0 and mixed.strides[1] != 0
    assert not v.is_stochastic(mixed, S, A)
    assert v.is_stochastic(mixed[:, 0], S, A)
    r = rng.uniform(-1.0, 0.0, (S, A))
    assert v.in_range(np.broadcast_to(r, (7, S, A)), S, A, (-1.0, 0.0))
    r_bad = r.copy()
    r_bad[0, 0] = 0.5
    assert not v.in_range(np.broadcast_to(np.stack([r, r_bad]), (3, 2, S, A)), S, A,
                          (-1.0, 0.0))


def test_lq_transition_is_one_read_only_kernel_checked_at_every_mean_field():
    game = mc.games.linear_quadratic()
    mu = np.random.default_rng(0).dirichlet(np.ones(game.n_states), size=(6, 1))
    P = game.transition_at(mu)
    assert P.shape == (6, 1, game.n_states, game.n_actions, game.n_states)
    assert not P.flags.writeable                         # nobody can corrupt the kernel
    np.testing.assert_array_equal(P[3, 0], game.transition_fn(game.rho))
    kernel, bad = P[0, 0], np.where(P[0, 0] > 0.2, np.nan, P[0, 0])

    def leaks_away_from_rho(m):              # valid at rho (checked at construction) only
        block = kernel if np.array_equal(m, game.rho) else bad
        return np.broadcast_to(block, np.shape(m)[:-1] + kernel.shape)

    broken = dataclasses.replace(game, transition_fn=leaks_away_from_rho)
    with pytest.raises(v.InvalidInputError, match="transition"):
        broken.transition_at(mu)


def test_in_range_agrees_with_check_reward():
    r = np.linspace(-1.5, 0.0, 8).reshape(2, 2, 2)
    rng_ = (-1.5, 0.0)
    assert v.in_range(r, 2, 2, rng_)
    for bad in (np.nan, np.inf, 0.1, -1.6):
        q = r.copy()
        q[1, 0, 1] = bad
        assert not v.in_range(q, 2, 2, rng_)
        with pytest.raises(v.InvalidInputError, match="reward"):
            v.check_reward("reward", q, 2, 2, rng_)


# -- the actor's solvers -------------------------------------------------------------------------

def test_psd_check_accepts_fisher_matrices_and_refuses_indefinite_ones():
    rng = np.random.default_rng(0)
    phi = mc.numerics.tabular_features(3, 4)
    for _ in range(20):
        pi = rng.dirichlet(np.ones(4), size=3)
        F, b, c = ar.actor_quadratic(pi, rng.dirichlet(np.ones(3)), phi,
                                     rng.standard_normal((3, 4)))
        assert np.linalg.eigvalsh(F).min() <= 0        # singular: roundoff may go below 0
        ar.solve_actor_exact(F, b, c, 1.0)               # accepted
        null = np.zeros(12)
        null[:4] = 0.5                                    # 1 on state 0's block: F null = 0
        G = F - 1e-6 * np.abs(F).max() * np.outer(null, null)
        with pytest.raises(v.InvalidInputError, match="positive semi-definite"):
            ar.solve_actor_exact(G, b, c, 1.0)


def test_negative_duality_gap_is_not_a_certificate():
    with pytest.raises(ar.UncertifiedSolutionError, match="duality gap -98"):
        ar.certified_gap(value=1.0, dual=99.0, scale=100.0, n=3)       # the issue's gap
    with pytest.raises(ar.UncertifiedSolutionError):
        ar.certified_gap(value=np.nan, dual=0.0, scale=1.0, n=3)
    assert ar.certified_gap(value=1.0, dual=1.0 + 1e-15, scale=1.0, n=3) == pytest.approx(
        -1e-15)                                          # roundoff: accepted


# -- the equilibrium certificate ------------------------------------------------------------------

def test_certificate_tolerance_is_relative_to_the_value_scale():
    game = mc.games.sis(gamma=0.9999)
    lo, hi = game.reward_range
    scale = (hi - lo + game.lam * math.log(2)) / (1 - 0.9999)     # by hand
    assert game.value_scale == pytest.approx(scale, rel=1e-12)
    assert eq_mod.certificate_limit(game, 1e-11) == pytest.approx(100 * 1e-11 * scale,
                                                                  rel=1e-12)
    eq = mc.numerics.solve_equilibrium(game)
    assert abs(eq.exploitability) <= eq_mod.certificate_limit(game, 1e-11)


@pytest.mark.parametrize("factor, ok", [(0.5, True), (2.0, False), (-2.0, False)])
def test_certificate_refuses_exploitability_beyond_the_limit(monkeypatch, factor, ok):
    game = mc.games.sis()
    limit = eq_mod.certificate_limit(game, 1e-11)
    real = eq_mod.exploitability_details

    def shifted(g, pi, **kw):
        return dataclasses.replace(real(g, pi, **kw), value=factor * limit)

    monkeypatch.setattr(eq_mod, "exploitability_details", shifted)
    if ok:
        assert mc.numerics.solve_equilibrium(game).exploitability == factor * limit
    else:
        with pytest.raises(mc.numerics.NonConvergenceError, match="certified only within"):
            mc.numerics.solve_equilibrium(game)


# -- integers -------------------------------------------------------------------------------------

def test_integral_numbers_are_integers_and_others_are_not():
    assert v.check_int("n", 3.0) == 3 and v.check_int("n", np.int64(4)) == 4
    for bad in (2.5, True, "3", math.inf, None):
        with pytest.raises(v.InvalidInputError, match="^n: "):
            v.check_int("n", bad)
    g = Game(name="g", n_states=2.0, n_actions=2, gamma=0.9, lam=0.1, rho=[0.5, 0.5],
             transition_fn=lambda mu: np.full(np.shape(mu)[:-1] + (2, 2, 2), 0.5),
             reward_fn=lambda mu: np.zeros(np.shape(mu)[:-1] + (2, 2)))
    assert g.n_states == 2 and isinstance(g.n_states, int)


# -- the command line: exit status, --help, --json, bounds --T -------------------------------------

def _lemma_part(status):
    row = {"step": "lemma4.x", "examples": 3, "violations": int(status == "fail"),
           "min_slack": 0.0, "max_ratio": 0.5, "status": status}
    return lambda setting, **kw: {"rows": [row], "skipped": {}}


def test_exit_status_contract(monkeypatch, capsys, tmp_path):
    """0 passed; 1 a check failed (and only then); 2 bad input; 3 could not run or a bug;
    130 interrupted."""
    from mfgcheck import reports
    from mfgcheck.reports import tables

    monkeypatch.setattr(tables, "theory_part", lambda: {"steps": None})
    for status, code in (("pass", 0), ("fail", 1)):
        monkeypatch.setattr(tables, "lemma_part", _lemma_part(status))
        assert main(["lemmas", "--quiet"]) == code
    assert main(["bounds", "--lam", "0.5", "--gamma", "0.9", "--A", "3", "--R", "2"]) == 0
    assert main(["bounds", "--lam", "-1", "--gamma", "0.9", "--A", "3", "--R", "2"]) == 2
    capsys.readouterr()

    def boom(game, **kw):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(mc.numerics, "solve_equilibrium", boom)
    assert main(["equilibrium"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" in err and err.strip().splitlines()[-1].startswith(
        "mfgcheck equilibrium: internal error (ZeroDivisionError)")

    def full_disk(game, **kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(mc.numerics, "solve_equilibrium", full_disk)
    assert main(["equilibrium"]) == 3
    assert capsys.readouterr().err.startswith("mfgcheck equilibrium: could not run")

    def interrupted(*a, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(reports, "run_report", interrupted)
    assert main(["report", "--profile", "test", "--out", str(tmp_path), "--quiet"]) == 130
    assert "interrupted" in capsys.readouterr().err


def _subparsers():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices


@pytest.mark.parametrize("command", ["report", "lemmas", "rate", "bounds", "equilibrium"])
def test_help_documents_every_option_and_its_default(command):
    sub = _subparsers()[command]
    options = [a for a in sub._actions if a.option_strings and a.dest != "help"]
    assert options
    for action in options:
        assert action.help and action.help.strip(), action.option_strings
    text = sub.format_help()
    assert text.count("(default:") == len(options), text


def test_step_constants_have_one_source():
    """theory.step_sizes' constants are the defaults of the report's settings, `rate`,
    `bounds --T` and algorithms.theorem1_steps, and all evaluate the same steps."""
    import inspect

    from mfgcheck.algorithms import theorem1_steps

    rs = RateSetting("x", None, "exact", (100,))
    assert (rs.c_eta, rs.c_beta) == (C_ETA, C_BETA)
    params = inspect.signature(theorem1_steps).parameters
    assert (params["c_eta"].default, params["c_beta"].default) == (C_ETA, C_BETA)
    for T, lam in ((100, 0.5), (12345, 0.07)):
        assert theorem1_steps(T, lam) == (rs.eta(T, lam), rs.beta(T))
        # by hand: eta = c_eta T^(-2/5) / lam, beta = c_beta T^(-4/5)
        assert rs.eta(T, lam) == pytest.approx(C_ETA / (T ** 0.4 * lam), rel=1e-15)
        assert rs.beta(T) == pytest.approx(C_BETA / T ** 0.8, rel=1e-15)
    for command in ("rate", "bounds"):
        sub = _subparsers()[command]
        defaults = {a.dest: a.default for a in sub._actions}
        assert (defaults["c_eta"], defaults["c_beta"]) == (C_ETA, C_BETA)
        assert f"(default: {C_ETA})" in " ".join(sub.format_help().split())


def test_bounds_T_uses_the_shared_steps_and_reports_what_it_assumed(capsys):
    argv = ["bounds", "--lam", "0.5", "--gamma", "0.9", "--A", "3", "--R", "2", "--T", "1000",
            "--C1", "2", "--d1", "0.2", "--assume", "--json"]
    assert main(argv) == 0
    out = capsys.readouterr()
    doc = json.loads(out.out)                                   # stdout: the JSON only
    assert set(doc["assumed"]) == set(bounds.INSTANCE) - {"C1", "d1"}
    assert doc["assumed"] == {k: bounds.PLACEHOLDERS[k] for k in doc["assumed"]}
    n = doc["numbers"]
    assert (n["C1"], n["d1"]) == (2.0, 0.2)
    assert n["eta"] == pytest.approx(C_ETA * 1000 ** -0.4 / 0.5, rel=1e-14)
    assert n["beta"] == pytest.approx(C_BETA * 1000 ** -0.8, rel=1e-14)
    assert "assumed (placeholders, not measured)" in out.err
    typed = bounds.theorem1_bounds(n, fallback=True)             # the independent route
    for name in bounds.BOUND_NAMES:
        assert doc["theorem1"][name] == pytest.approx(typed[name], rel=1e-12)
