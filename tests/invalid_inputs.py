"""Every invalid input the tests try, with the field and the problem its message must name.

One table, two readers: ``tests/test_invalid_inputs.py`` runs every row and checks the error
(``InvalidInputError`` naming the field and the problem in the API; on the command line the
exit status, one line on stderr, nothing on stdout, no traceback), and ``docs/invalid-inputs.md``
is generated from it with the messages the code gives today::

    .venv/bin/python -m tests.invalid_inputs > docs/invalid-inputs.md

(a test checks that the file agrees with the table).
"""

from __future__ import annotations

import contextlib
import io
import json
import shlex
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Run once before the API rows; the names it defines are used in the rows (and shown in docs).
SETUP = '''\
import numpy as np
import mfgcheck as mc
from mfgcheck.games import Game
from mfgcheck.numerics import actor_regression as ar
from mfgcheck.reports import bounds

sis = mc.games.sis()
pi = mc.numerics.uniform_policy(2, 2)          # a 2-state, 2-action policy
d = np.array([0.5, 0.5])                       # state weights
A_hat = np.zeros((2, 2))                       # advantages
numbers = dict(T=1000, eta=0.03, beta=0.004, lam=0.5, gamma=0.9, nA=3, R=2.0, C1=1.2,
               C2=1.1, C3=1.3, d0=0.4, d1=0.1, d2=1.5, d3=0.6, p_min=0.01, eps_total=1e-4,
               sigma_pi_0=0.7, sigma_mu_0=0.5)  # Theorem 1's bounds' inputs

def game(transition=None, **changes):
    """A valid 2-state, 2-action game; `transition(mu)` replaces its uniform transition."""
    kwargs = dict(name="custom", n_states=2, n_actions=2, gamma=0.9, lam=0.1,
                  rho=[0.9, 0.1], reward_fn=lambda mu: np.zeros(np.shape(mu)[:-1] + (2, 2)),
                  transition_fn=transition or (lambda mu: np.full(np.shape(mu)[:-1]
                                                                  + (2, 2, 2), 0.5)))
    return Game(**{**kwargs, **changes})

def broken_elsewhere(value):
    """A transition to (0.7, 0.3) from everywhere, at rho = (0.9, 0.1) and at the uniform
    mean field (where Game checks it on construction), and `value` times that elsewhere."""
    def transition(mu):
        mu = np.asarray(mu)
        checked = np.isclose(mu[..., 0], 0.9) | np.isclose(mu[..., 0], 0.5)
        P = np.broadcast_to([0.7, 0.3], mu.shape[:-1] + (2, 2, 2))
        return np.where(checked[..., None, None, None], P, value * P)
    return transition

leaky = game(broken_elsewhere(0.8))            # rows sum to 0.8 away from rho and uniform

def population(mu, pi):
    """A factored Gamma2 of game()'s transition to (0.7, 0.3), right at rho (where Game
    checks it), losing 20% of the mass elsewhere."""
    out = np.array([0.7, 0.3])
    return out if np.isclose(mu[0], 0.9) else 0.8 * out

leaky_population = game(broken_elsewhere(1.0), population_fn=population)
nan_game = game(broken_elsewhere(np.nan))      # NaN away from rho and uniform
'''


@dataclass(frozen=True)
class Api:
    """A Python expression (in ``SETUP``'s namespace) that must raise ``InvalidInputError``
    whose message contains ``field`` and ``problem``."""

    code: str
    field: str
    problem: str


@dataclass(frozen=True)
class Cli:
    """``mfgcheck <argv>`` (``DIR`` is a scratch directory holding FILES) must exit with
    ``status``, print one line on stderr containing ``field`` and ``problem``, and nothing on
    stdout."""

    argv: str
    status: int
    field: str
    problem: str


API = (
    # games
    Api("game(n_states=2.5)", "n_states", "not an integer"),
    Api("game(n_actions=0)", "n_actions", ">= 1"),
    Api("game(gamma=1.5)", "gamma", "(0, 1)"),
    Api("game(gamma=float('nan'))", "gamma", "finite"),
    Api("game(lam=0)", "lam", "> 0"),
    Api("game(rho=[0.7, 0.7])", "rho", "sums to 1.4"),
    Api("game(rho=np.float32([0.6, 0.5]))", "rho", "sums to 1.1"),
    Api("game(transition=lambda mu: np.full(np.shape(mu)[:-1] + (2, 2, 2), 0.6))",
        "transition", "sums to 1.2"),
    Api("mc.games.random_game(2.5, 3)", "n_states", "not an integer"),
    Api("mc.games.random_game(3, 2, seed=1.5)", "seed", "not an integer"),
    Api("mc.games.random_game(3, 2, reward_coupling=2)", "reward_coupling", "[0, 1]"),
    Api("mc.games.linear_quadratic(n_states=1)", "n_states", ">= 2"),
    Api("mc.games.linear_quadratic(dt=0)", "dt", "> 0"),
    Api("mc.games.sis(infection_rate=1.5)", "infection_rate", "[0, 1]"),
    Api("mc.games.sis(gamma=1.5)", "gamma", "(0, 1)"),
    Api("mc.games.by_name('chess')", "game", "unknown 'chess'"),
    # policies and features
    Api("mc.numerics.uniform_policy(2.5, 2)", "n_states", "not an integer"),
    Api("mc.numerics.tabular_features(0, 2)", "n_states", ">= 1"),
    Api("mc.numerics.random_features(2, 2, 0)", "dim", ">= 1"),
    Api("mc.numerics.random_features(2, 2, 3, norm=2)", "norm", "(0, 1]"),
    Api("mc.numerics.policy_evaluation(sis, np.ones((2, 2)), sis.rho)", "policy", "sums to 2"),
    Api("mc.numerics.exploitability(sis, [[1.2, -0.2], [0.5, 0.5]])", "policy", "negative"),
    Api("mc.numerics.assumption_constants(sis, n_pairs=0)", "n_pairs", ">= 3"),
    # distances
    Api("mc.numerics.kl([0.5, 0.6], [0.5, 0.5])", "p", "sums to 1.1"),
    Api("mc.numerics.kl([0.5, 0.5], [1.5, -0.5])", "q", "negative"),
    Api("mc.numerics.kl([np.nan, 1.0], [0.5, 0.5])", "p", "NaN"),
    Api("mc.numerics.kl([0.5, 0.5], [0.2, 0.3, 0.5])", "p, q", "last axis"),
    Api("mc.numerics.l1([0.0, 1.0], [0.0, 1.0, 0.0])", "x, y", "last axis"),
    Api("mc.numerics.l1([np.inf, 1.0], [0.0, 1.0])", "x", "infinite"),
    Api("mc.numerics.policy_distance(pi, 2 * pi, d)", "pi_other", "sums to 2"),
    Api("mc.numerics.policy_distance(pi, pi, [0.5, 0.6])", "weights", "sums to 1.1"),
    Api("mc.numerics.weighted_kl(pi, np.full((3, 2), 0.5), d)", "pi_star, pi", "shapes"),
    Api("mc.numerics.weighted_kl(pi, pi, [-0.5, 1.5])", "weights", "negative"),
    # the actor's regression and its solvers
    Api("ar.solve_actor_tabular(pi, d, A_hat, R=0)", "R", "> 0"),
    Api("ar.solve_actor_tabular(pi, d, A_hat, R=-1)", "R", "> 0"),
    Api("ar.solve_actor_tabular(pi, d, [[np.nan, 0], [0, 0]], R=1)", "advantage", "NaN"),
    Api("ar.solve_actor_tabular([[1.5, -0.5], [0.5, 0.5]], d, A_hat, R=1)", "policy",
        "negative"),
    Api("ar.solve_actor_tabular(pi, [0.0, 0.0], A_hat, R=1)", "d", "all 0"),
    Api("ar.solve_actor_tabular(pi, [-0.5, 1.5], A_hat, R=1)", "d", "negative"),
    Api("ar.actor_quadratic(pi, d, 1e6 * mc.numerics.tabular_features(2, 2), A_hat)",
        "features", "> 1"),
    Api("ar.solve_actor_exact(np.diag([1.0, -1.0, 1.0]), np.ones(3), 0.0, 1.0)", "F",
        "not positive semi-definite"),
    Api("ar.solve_actor_cvxpy(np.diag([1.0, -1.0, 1.0]), np.ones(3), 0.0, 1.0)", "F",
        "not positive semi-definite"),
    Api("ar.solve_actor_exact([[1.0, 2.0], [0.0, 1.0]], np.ones(2), 0.0, 1.0)", "F",
        "not symmetric"),
    Api("ar.solve_actor_cvxpy(np.eye(2), np.ones(2), 0.0, 1.0, tol=-1)", "tol", "> 0"),
    # algorithms
    Api("mc.algorithms.nac(sis, 10, 0.5, 0.05, seed=1.5)", "seed", "not an integer"),
    Api("mc.algorithms.OracleConfig('sampled', critic_step=-1)", "critic_step", "> 0"),
    Api("mc.algorithms.OracleConfig('sampled', actor_step=np.inf)", "actor_step", "finite"),
    Api("mc.algorithms.OracleConfig('sampled', K_critic=0)", "K_critic", ">= 1"),
    Api("mc.algorithms.nac(sis, 0, 0.5, 0.05)", "T", ">= 1"),
    Api("mc.algorithms.nac(sis, 10, 20.0, 0.05)", "eta", "eta*lam"),
    Api("mc.algorithms.nac(sis, 10, 0.5, 1.5)", "beta", "[0, 1]"),
    Api("mc.algorithms.nac(sis, 10, 0.5, 0.05, R=0)", "R", "> 0"),
    Api("mc.algorithms.nac_batch(sis, 10, 0.5, 0.05, [0, 1.5])", "seeds[1]", "not an integer"),
    Api("mc.algorithms.nac(leaky, 10, 0.5, 0.05)", "custom.transition(mu)", "sums to 0.8"),
    Api("mc.algorithms.nac(nan_game, 10, 0.5, 0.05)", "custom.transition(mu)", "NaN"),
    Api("mc.algorithms.nac(leaky, 10, 0.5, 0.05, oracle='sampled')",
        "custom.transition(mu)", "sums to 0.8"),
    Api("mc.algorithms.dl_nac(leaky, 2, 5, 0.5)", "custom.transition(mu)", "sums to 0.8"),
    Api("mc.algorithms.dl_nac(sis, 2, 5, 0.5, seed=-1)", "seeds", ">= 0"),
    # exact numerics
    Api("mc.numerics.solve_equilibrium(leaky)", "custom.transition(mu)", "sums to 0.8"),
    Api("mc.numerics.induced_mean_field(leaky, pi)", "custom.transition(mu)", "sums to 0.8"),
    Api("mc.numerics.induced_mean_field(leaky_population, pi)", "custom.population_fn(mu, pi)",
        "sums to 0.8"),
    Api("mc.numerics.solve_equilibrium(sis, tol=-1)", "tol", "> 0"),
    Api("mc.numerics.solve_equilibrium(sis, max_iter=2.5)", "max_iter", "not an integer"),
    Api("mc.numerics.best_response(sis, sis.rho, tol=0)", "tol", "> 0"),
    Api("mc.numerics.soft_optimum(sis, sis.rho, method='newton')", "method", "newton"),
    # Theorem 1's constants and bounds
    Api("bounds.constants(gamma=0.9, lam=-1, nA=3, R=2)", "lam", "> 0"),
    Api("bounds.constants(gamma=1.0, lam=0.5, nA=3, R=2)", "gamma", "(0, 1)"),
    Api("bounds.constants(gamma=0.9, lam=0.5, nA=0, R=2)", "nA", ">= 1"),
    Api("bounds.theorem1_bounds({**numbers, 'C1': -1})", "C1", ">= 0"),
    Api("bounds.theorem1_bounds({**numbers, 'p_min': 2})", "p_min", "(0, 1]"),
)

_B = "bounds --lam 0.5 --gamma 0.9 --A 3 --R 2"
CLI = (
    Cli("bounds --lam -1 --gamma 0.9 --A 3 --R 2", 2, "--lam", "> 0"),
    Cli("bounds --lam 0 --gamma 0.9 --A 3 --R 2", 2, "--lam", "> 0"),
    Cli("bounds --lam 0.5 --gamma 1.5 --A 3 --R 2", 2, "--gamma", "(0, 1)"),
    Cli("bounds --lam 0.5 --gamma 0.9 --A 0 --R 2", 2, "--A", ">= 1"),
    Cli("bounds --lam 0.5 --gamma 0.9 --A 2.5 --R 2", 2, "--A", "not an integer"),
    Cli("bounds --lam 0.5 --gamma 0.9 --A 3 --R 0", 2, "--R", "> 0"),
    Cli("bounds --lam 0.5 --gamma 0.9 --A 3 --R nan", 2, "--R", "finite"),
    Cli("bounds --lam 0.5", 2, "--gamma", "required"),
    Cli(f"{_B} --T 0", 2, "--T", ">= 1"),
    Cli(f"{_B} --T 1000", 2, "--T", "--C1 --C2 --C3 --d0 --d1 --d2 --d3"),
    Cli(f"{_B} --T 1000 --assume --C1 -1", 2, "--C1", ">= 0"),
    Cli(f"{_B} --T 1000 --assume --eta 5", 2, "--eta", "eta*lam"),
    Cli(f"{_B} --T 1000 --assume --beta 2", 2, "--beta", "(0, 1]"),
    Cli(f"{_B} --T 1000 --assume --sigma-mu0 3", 2, "--sigma-mu0", "[0, 2]"),
    Cli(f"{_B} --T 10 --assume", 2, "--T 10", "eta*lam"),
    Cli(f"{_B} --frobnicate", 2, "--frobnicate", "unrecognized"),
    Cli("rate --T 0", 2, "--T", ">= 1"),
    Cli("rate --T -5", 2, "--T", ">= 1"),
    Cli("rate --T 10", 2, "--T 10", "eta*lam"),
    Cli("rate --T 100 1e3 2.5", 2, "--T", "not an integer"),
    Cli("rate --seeds 0", 2, "--seeds", ">= 1"),
    Cli("rate --K 0", 2, "--K", ">= 1"),
    Cli("rate --critic-step -1", 2, "--critic-step", "> 0"),
    Cli("rate --c-eta 0", 2, "--c-eta", "> 0"),
    Cli("rate --lam 0", 2, "--lam", "> 0"),
    Cli("rate --gamma 1", 2, "--gamma", "(0, 1)"),
    Cli("rate --game chess", 2, "--game", "invalid choice"),
    Cli("rate --T 100 --out DIR/notes.txt/runs", 2, "notes.txt", "not writable"),
    Cli("lemmas --examples 0", 2, "--examples", ">= 1"),
    Cli("lemmas --examples 2.5", 2, "--examples", "not an integer"),
    Cli("lemmas --claims lemma99", 2, "--claims", "invalid choice: 'lemma99' (choose from"),
    Cli("lemmas --claims Lemma7", 2, "--claims", "invalid choice: 'Lemma7' (choose from"),
    Cli("equilibrium --game chess", 2, "--game", "invalid choice: 'chess' (choose from"),
    Cli("equilibrium --game sis --n-states 5", 2, "game sis", "unknown setting 'n_states'"),
    Cli("equilibrium --game random --n-states 0", 2, "--n-states", ">= 1"),
    Cli("report --from DIR/missing.json", 2, "missing.json", "does not exist"),
    Cli("report --from DIR", 2, "DIR", "is a directory"),
    Cli("report --from DIR/notes.txt", 2, "notes.txt", "not JSON"),
    Cli("report --from DIR/other.json", 2, "other.json", "not an mfgcheck report"),
    Cli("report --from DIR/list.json", 2, "list.json", "not an mfgcheck report"),
    Cli("report --profile huge", 2, "--profile", "invalid choice"),
    Cli("equilibrium --gamma 0", 2, "--gamma", "(0, 1)"),
    Cli("equilibrium --lam nan", 2, "--lam", "finite"),
    Cli("equilibrium --lam 1e-300", 3, "could not run", "residual"),
    Cli("frobnicate", 2, "command", "invalid choice"),
)

# Files in DIR for the `report --from` rows: none of them is a report's results.json.
FILES = {"notes.txt": "not json\n", "other.json": json.dumps({"a": 1}),
         "list.json": json.dumps([1, 2, 3])}


# -- running the rows ------------------------------------------------------------------------

def namespace() -> dict:
    ns: dict = {}
    exec(SETUP, ns)  # noqa: S102 - the table's own setup code
    return ns


def run_api(row: Api, ns: dict) -> tuple[str, str]:
    """``(exception class name, message)``, or ``("no error", repr(result))``."""
    try:
        result = eval(row.code, ns)  # noqa: S307 - the table's own code
    except Exception as exc:  # noqa: BLE001 - the test asserts the class
        return type(exc).__name__, str(exc)
    return "no error", repr(result)[:200]


@dataclass(frozen=True)
class CliOutcome:
    status: int
    stdout: str
    stderr: str


def run_cli(row: Cli, directory: Path) -> CliOutcome:
    """``mfgcheck <argv>`` in this process; ``DIR`` in argv and output is ``directory``."""
    from mfgcheck.cli import main

    argv = [a.replace("DIR", str(directory)) for a in shlex.split(row.argv)]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return CliOutcome(status, out.getvalue().replace(str(directory), "DIR"),
                      err.getvalue().replace(str(directory), "DIR"))


def scratch(directory: Path) -> Path:
    for name, text in FILES.items():
        (directory / name).write_text(text)
    return directory


def outcomes() -> tuple[list, list]:
    """Every row run once: API ``(class, message)`` and CLI ``CliOutcome``."""
    ns = namespace()
    api = [run_api(row, ns) for row in API]
    with tempfile.TemporaryDirectory() as tmp:
        directory = scratch(Path(tmp))
        cli = [run_cli(row, directory) for row in CLI]
    return api, cli


# -- the docs page -----------------------------------------------------------------------------

def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(api_outcomes, cli_outcomes) -> str:
    lines = [
        "# Invalid inputs and their messages",
        "",
        "Every invalid input the tests try (`tests/invalid_inputs.py`, one table for the tests",
        "and this page, which a test keeps in agreement) and the message mfgcheck gives.",
        "In Python the error is `mfgcheck.InvalidInputError` (a `ValueError`); on the command",
        "line the message is one line on stderr, stdout stays empty, and the exit status is 2",
        "(bad input) or 3 (the input is valid but a solver could not run on it). Regenerate",
        "with `.venv/bin/python -m tests.invalid_inputs > docs/invalid-inputs.md`.",
        "",
        "## Python API",
        "",
        "The rows run after this setup:",
        "",
        "```python",
        SETUP.rstrip(),
        "```",
        "",
        "| call | error |",
        "| --- | --- |",
    ]
    for row, (kind, message) in zip(API, api_outcomes):
        lines.append(f"| `{_cell(row.code)}` | {kind}: {_cell(message)} |")
    lines += [
        "",
        "## Command line",
        "",
        "`DIR` is a directory holding " + ", ".join(f"`{k}`" for k in FILES)
        + " (none of them a report's results.json).",
        "",
        "| command | exit | stderr |",
        "| --- | --- | --- |",
    ]
    for row, out in zip(CLI, cli_outcomes):
        lines.append(f"| `mfgcheck {_cell(row.argv)}` | {out.status} | "
                     f"{_cell(out.stderr.strip())} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render(*outcomes()))
