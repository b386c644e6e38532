"""The ``mfgcheck`` command line: report, lemmas, hunt, rate, bounds, equilibrium,
serverless.

Exit status (docs/report.md, "Exit status"): 0 every check passed or failed only where a
documented finding against the paper explains it; 1 a check failed; 2 a usage error (bad
arguments, bad input, an output directory that cannot be written: one line on stderr naming
the option and the problem, no traceback); 3 a part could not run (a solver did not converge
or certify its result, a file could not be written); 130 interrupted (SIGINT; the finished
runs are stored, rerun to resume). With --json, stdout carries the JSON document only.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback

from . import registry
from ._validate import InvalidInputError, check_int, check_number

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, the shell's convention
# algorithms.oracle.ORACLE_MODES (not imported: the parser must not load the numerical
# stack; tests/test_cli.py keeps the two equal)
ORACLES = ("exact", "sampled", "exact_critic", "exact_actor", "practical")


# -- argument types: the checks of _validate, with argparse's "argument --X: problem" ------------
def _typed(kind: str, **domain):
    """An argparse ``type`` parsing an ``int`` (``kind="int"``, ``domain = {minimum: m}``) or
    a ``float`` (``domain`` as ``_validate.check_number``), e.g. ``_typed("float", gt=0)``."""

    def parse(text: str):
        try:
            value = float(text) if kind == "float" else _int(text)
            if kind == "int":
                return check_int("value", value, **domain)
            return check_number("value", value, **domain)
        except (ValueError, InvalidInputError) as exc:
            problem = str(exc).split(": ", 1)[-1] if isinstance(exc, InvalidInputError) else (
                f"{text!r} is not {'an integer' if kind == 'int' else 'a number'}")
            raise argparse.ArgumentTypeError(problem) from None

    parse.__name__ = kind            # argparse names the type in some messages
    return parse


def _int(text: str):
    try:
        return int(text)
    except ValueError:
        return float(text)           # "1e3" is an integer; "2.5" is refused by check_int


POSITIVE_INT = _typed("int", minimum=1)
POSITIVE = _typed("float", gt=0.0)
DISCOUNT = _typed("float", gt=0.0, lt=1.0)


def _stdout(args):
    """Where human-readable tables go: stderr under --json (stdout is the JSON only)."""
    return sys.stderr if getattr(args, "json", False) else sys.stdout


# -- report ---------------------------------------------------------------------------------
def _report(args) -> int:
    from . import reports

    if args.from_json:
        from pathlib import Path

        from .reports.store import check_writable

        results = reports.load_results(args.from_json)
        out = args.out if args.out_given else None
        check_writable(Path(args.from_json).parent if out is None else out)
        paths = reports.regenerate(args.from_json, out)
        print(f"regenerated {paths['markdown']} and {paths['html']} from {args.from_json}")
        return int(results["summary"]["exit_status"])
    command = f"mfgcheck report --profile {args.profile} --out {args.out}"
    if args.parts:
        command += " --parts " + " ".join(args.parts)
    if args.merge:
        command += " --merge " + " ".join(args.merge)
    try:
        results = reports.run_report(args.profile, args.out, progress=not args.quiet,
                                     command=command, parts=args.parts,
                                     scheduler=args.scheduler, workers=args.workers,
                                     merge=args.merge or ())
    except KeyboardInterrupt:
        # Every finished run is already on disk (atomic writes): say so, and how to resume.
        n = reports.RunStore(args.out).stored()
        print(f"\ninterrupted; {n} runs stored; rerun to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    _print_summary(results)
    print(f"wrote {args.out}/index.md, {args.out}/index.html, {args.out}/results.json "
          f"({results['wall_time']['total']:.0f} s)")
    return int(results["summary"]["exit_status"])


def _print_summary(results: dict) -> None:
    from .reports.doc import badge

    s = results["summary"]
    for line in s["claims"]:
        print(f"{badge(line['status'])} {line['title']}: {_plain(line['text'])}")
        for d in line.get("details", []):
            print(f"    {badge(d['status'])} rate {_plain(d['text'])}")
    for o in s["other"]:
        print(f"{badge(o['status'])} {_plain(o['text'])}")
    for name, err in s["errors"].items():
        print(f"[ERROR] {name}: {err}")
    print(f"exit status {s['exit_status']}")


def _plain(text: str) -> str:
    return text.replace("**", "")


# -- lemmas ---------------------------------------------------------------------------------
def _lemmas(args) -> int:
    from .reports import tables
    from .reports.settings import LemmaSetting

    try:
        steps = tables.theory_part()["steps"]
    except Exception as exc:  # noqa: BLE001 - the table still works without theory
        print(f"(theory/ unavailable: {exc}; violations cannot be matched to findings)",
              file=sys.stderr)
        steps = None
    part = tables.lemma_part(LemmaSetting(examples=args.examples, claims=tuple(args.claims)),
                             progress=not args.quiet, theory_steps=steps)
    from .properties.evidence import ratio_text

    rows = part["rows"]
    header = ("check", "examples", "violations", "confirmed", "min slack", "max ratio",
              "status")
    table = [(r["step"], str(r["examples"]), str(r["violations"]), str(r.get("confirmed", 0)),
              "-" if r["min_slack"] is None else f"{r['min_slack']:.3g}",
              ratio_text(r["max_ratio"]) + (f" ({r['ratio_note']})" if r.get("ratio_note")
                                            else ""), r["status"]) for r in rows]
    out = _stdout(args)
    _print_table(header, table, out)
    missing = tables.not_checked(part)
    for k, v in sorted(missing.items()):
        print(f"not checked: {k}: {v}", file=out)
    for k, v in sorted(part["skipped"].items()):
        print(f"not run: {k}: {v}", file=out)
    if args.json:
        print(json.dumps(part, indent=1, default=str))
    if any(r["status"] == "fail" for r in rows):
        return EXIT_FAIL
    undecided = missing or any(r["status"] == "candidate" for r in rows) or part["skipped"]
    return EXIT_ERROR if undecided else EXIT_OK


# -- hunt -----------------------------------------------------------------------------------
def _hunt(args) -> int:
    from .hunter import hunt

    try:
        result = hunt(args.target, bound=args.bound, lhs=args.lhs, budget=args.budget,
                      seed=args.seed)
    except ValueError as exc:
        print(f"mfgcheck hunt: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(result.to_dict(), indent=1, default=str))
    else:
        print(result)
    return {"counterexample": EXIT_FAIL, "candidate": EXIT_ERROR}.get(result.status, EXIT_OK)


def _game_args(p) -> None:
    """``--game`` (a registered game, ``mfgcheck.registry``) and the settings a game may take;
    a setting left out is the game's (or the report profile's, ``reports.settings``)."""
    names = tuple(registry.games())
    p.add_argument("--game", choices=names, default="sis", metavar="GAME",
                   help=f"the game: {', '.join(names)}")
    p.add_argument("--n-states", type=POSITIVE_INT, default=None,
                   help="number of states (games that take it, e.g. random)")
    p.add_argument("--n-actions", type=POSITIVE_INT, default=None,
                   help="number of actions (games that take it, e.g. random)")
    p.add_argument("--seed", type=_typed("int", minimum=0), default=None,
                   help="the game's seed (games that take it, e.g. random)")


def _print_table(header, rows, out=None) -> None:
    out = out or sys.stdout
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)), file=out)


# -- rate -----------------------------------------------------------------------------------
def _game_spec(args, normalise: bool = True):
    """The game of ``--game`` with the settings given on the command line (``--lam``,
    ``--gamma``, ``--n-states``, ``--n-actions``, ``--seed``; a setting the game does not take
    is a usage error naming the settings it takes)."""
    from .reports import settings

    given = {"lam": args.lam, "gamma": args.gamma, "n_states": args.n_states,
             "n_actions": args.n_actions, "seed": args.seed}
    return settings.game_setting(args.game, **{k: v for k, v in given.items() if v is not None})


def _rate(args) -> int:
    import math

    from .reports import rate, settings
    from .reports.store import RunStore, check_writable

    if args.theory_slope is not None and not (math.isfinite(args.theory_slope)
                                              and args.theory_slope < 0):
        print(f"mfgcheck rate: --theory-slope: {args.theory_slope!r}; a finite negative "
              f"number (the claimed exponent of T, e.g. -0.2 for T^-1/5)", file=sys.stderr)
        return EXIT_USAGE

    spec = _game_spec(args)
    _check_steps(spec.build().lam, args.T, args.c_eta, args.c_beta)
    seeds = (0,) if args.oracle == "exact" else tuple(range(args.seeds))
    oracle_kwargs = {k: v for k, v in (("K_critic", args.K), ("K_actor", args.K),
                                       ("critic_step", args.critic_step)) if v is not None}
    rs = settings.RateSetting(f"{args.game}-{args.oracle}", spec, args.oracle,
                              tuple(sorted(set(args.T))), seeds=seeds, c_eta=args.c_eta,
                              c_beta=args.c_beta, R=args.R, oracle_kwargs=oracle_kwargs)
    store = RunStore(check_writable(args.out))       # before any work
    entry = rate.run(rs, store, progress=not args.quiet, theory_slope=args.theory_slope)
    if args.plot:
        from pathlib import Path

        from .reports.plots import rate_figure

        rate_figure(entry, entry["theory_slope"], Path(args.plot))
        print(f"figure: {args.plot}")
    header = ("T", "left side (avg)", "last iterate", "bound (15)-(17)", "observed/bound")
    table = [(str(r["T"]), f"{r['lhs_mean']:.4g}", f"{r['last_mean']:.4g}",
              "-" if r["bound"] is None else f"{r['bound']:.4g}",
              "-" if r["ratio"] is None else f"{r['ratio']:.3g}") for r in entry["per_T"]]
    print(f"{entry['title']}: {entry['caption']}")
    _print_table(header, table)
    f = entry["fit"]
    if f:
        print(f"slope {f['slope']:.3g} [{f['ci_low']:.3g}, {f['ci_high']:.3g}] "
              f"({f['method']} bootstrap) vs theory {entry['theory_slope']:g}: "
              f"{entry['verdict']}; tail: {entry['tail_verdict']}; explicit bound: "
              f"{entry['bound_status']}")
    c = entry["constants"]
    print("constants: " + ", ".join(f"{k}={c[k]:.3g}" for k in
                                     ("d0", "d1", "d2", "d3", "C1", "C2", "C3"))
          + f"; d1 d2 + d3 = {c['lipschitz_Lambda']:.3g}")
    print(f"runs stored under {args.out}/runs (rerun resumes); status: {entry['status']}")
    return EXIT_FAIL if entry["status"] == "fail" else EXIT_OK


def _check_steps(lam: float, Ts, c_eta: float, c_beta: float, *, given_eta=False,
                 given_beta=False):
    """Theorem 1's steps ``(eta, beta)`` at the last T, checked at every T (0 < eta lam < 1,
    0 < beta <= 1) before any work is done; a step given explicitly is not checked here."""
    from .algorithms.schedules import theorem1_steps

    steps = None
    for T in Ts:
        try:         # a given step replaces the schedule's: check the schedule with c = 1/2
            steps = theorem1_steps(T, lam, 0.5 if given_eta else c_eta,
                                   0.5 if given_beta else c_beta)
        except InvalidInputError as exc:
            raise InvalidInputError(f"--T {T}: {exc}; take a larger T or smaller --c-eta, "
                                    f"--c-beta") from None
    return steps


# -- bounds ---------------------------------------------------------------------------------
# CLI option -> name in reports.bounds (the others are the same with "-" for "_")
_BOUNDS_NAMES = {"A": "nA", "sigma_pi0": "sigma_pi_0", "sigma_mu0": "sigma_mu_0"}


def _bounds(args) -> int:
    from .reports import bounds

    out = _stdout(args)
    consts = bounds.constants(gamma=args.gamma, lam=args.lam, nA=args.A, R=args.R)
    doc = {"inputs": {"gamma": args.gamma, "lam": args.lam, "nA": args.A, "R": args.R},
           "constants": consts}
    if args.T is not None:                  # computed (and checked) before anything is printed
        doc.update(_theorem1(args, consts))
    print(f"gamma={args.gamma:g} lam={args.lam:g} |A|={args.A} R={args.R:g}", file=out)
    for name in ("Qmax", "p_min_bound", "tau", "KLmax", "kappa"):
        print(f"  {name:<12} {consts[name]:.10g}", file=out)
    if args.T is not None:
        _print_theorem1(args, doc, out)
    if args.json:
        print(json.dumps(doc, indent=1))
    return EXIT_OK


def _print_theorem1(args, doc: dict, out) -> None:
    from .reports import bounds

    b, n, steps, assumed = doc["theorem1"], doc["numbers"], doc["steps"], doc["assumed"]
    print(f"Theorem 1 at T={args.T} (eta={n['eta']:.6g}, beta={n['beta']:.6g}, "
          f"p_min={n['p_min']:.6g}, d_bar={b['d_bar']:.6g}; {b['source']}"
          f"{', Lemma 7 corrected' if args.corrected else ''}):", file=out)
    print(f"  steps: eta = {steps['eta']}, beta = {steps['beta']} (c_eta={args.c_eta:g}, "
          f"c_beta={args.c_beta:g})", file=out)
    if assumed:
        print("  assumed (placeholders, not measured): "
              + ", ".join(f"{k}={v:g}" for k, v in assumed.items()), file=out)
    for name in bounds.BOUND_NAMES:
        v = b[name]
        print(f"  {name:<20} {'undefined (d_bar <= 0)' if v is None else f'{v:.10g}'}",
              file=out)


def _theorem1(args, consts: dict) -> dict:
    """Theorem 1's bounds for ``bounds --T``: instance constants given, or (``--assume``)
    placeholders reported as assumed; steps from --eta/--beta or Theorem 1's schedule."""
    from .algorithms.schedules import check_beta, check_eta
    from .reports import bounds
    from .theory import step_sizes

    given = {name: getattr(args, name) for name in ("C1", "C2", "C3", "d0", "d1", "d2", "d3",
                                                      "eps_total", "sigma_pi0", "sigma_mu0")}
    given = {_BOUNDS_NAMES.get(k, k): v for k, v in given.items()}
    missing = [k for k in bounds.INSTANCE if given[k] is None]
    if missing and not args.assume:
        options = " ".join(_option(k) for k in missing)
        raise InvalidInputError(
            f"--T: Theorem 1's bounds need the instance constants {options} (measure them "
            f"with numerics.assumption_constants, as `mfgcheck rate` does), or pass --assume to "
            f"use placeholders")
    assumed = {k: bounds.PLACEHOLDERS[k] for k in missing}
    eta, beta = _check_steps(args.lam, [args.T], args.c_eta, args.c_beta,
                             given_eta=args.eta is not None, given_beta=args.beta is not None)
    steps = {"c_eta": args.c_eta, "c_beta": args.c_beta,
             "eta": step_sizes.ETA_TEXT, "beta": step_sizes.BETA_TEXT}
    if args.eta is not None:
        eta, steps["eta"] = check_eta(args.eta, args.lam, "--eta"), "given"
    if args.beta is not None:
        beta, steps["beta"] = check_beta(args.beta, "--beta"), "given"
    p_min = consts["p_min_bound"] if args.p_min is None else args.p_min
    numbers = {"T": args.T, "gamma": args.gamma, "lam": args.lam, "nA": args.A, "R": args.R,
               "eta": eta, "beta": beta, "p_min": p_min,
               **{k: v for k, v in given.items() if v is not None}, **assumed}
    b = bounds.theorem1_bounds(numbers, corrected=args.corrected)
    return {"theorem1": b, "numbers": numbers, "assumed": assumed, "steps": steps}


def _option(name: str) -> str:
    cli = {v: k for k, v in _BOUNDS_NAMES.items()}.get(name, name)
    return "--" + cli.replace("_", "-")


# -- equilibrium ----------------------------------------------------------------------------
def _equilibrium(args) -> int:
    from . import numerics

    spec = _game_spec(args, normalise=args.normalised)
    game = spec.build()
    eq = numerics.solve_equilibrium(game)
    S = game.state_labels or tuple(str(s) for s in range(game.n_states))
    A = game.action_labels or tuple(str(a) for a in range(game.n_actions))
    out = _stdout(args)
    print(f"{game.name}: |S|={game.n_states} |A|={game.n_actions} gamma={game.gamma:g} "
          f"lam={game.lam:g} reward range {game.reward_range}", file=out)
    print("mean field mu*:", file=out)
    for s, m in zip(S, eq.mean_field):
        print(f"  {s:>4}  {m:.10f}", file=out)
    print("policy pi*(a|s):  " + " ".join(f"{a:>10}" for a in A), file=out)
    for s, row in zip(S, eq.policy):
        print(f"  {s:>4}           " + " ".join(f"{p:10.6f}" for p in row), file=out)
    print("certificate:", file=out)
    for k, v in eq.certificate().items():
        print(f"  {k:<20} {v}", file=out)
    if args.json:
        print(json.dumps({"game": game.to_dict(), "mean_field": eq.mean_field.tolist(),
                          "policy": eq.policy.tolist(), "certificate": eq.certificate()},
                         indent=1, default=str))
    return EXIT_OK


# -- parser ---------------------------------------------------------------------------------
class _Formatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """--help shows every option's default; descriptions keep their line breaks."""


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line (and exit 2) rather than the usage block."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    from .theory.step_sizes import C_BETA, C_ETA

    p = _Parser(prog="mfgcheck", description=__doc__, formatter_class=_Formatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="command",
                           parser_class=_Parser)

    def command(name, **kw):
        return sub.add_parser(name, formatter_class=_Formatter, **kw)

    r = command("report", help="write the rate-verification report",
                description="Run every part of a profile (resumable: finished runs are reused) "
                            "and write index.md, index.html, results.json and figures/ into "
                            "--out. Exit status 1 if a check fails, 3 if a part could not run.")
    r.add_argument("--profile", default="quick", choices=["quick", "full", "test"],
                   help="quick (make report; < 1 min on 2 cores), full (T up to 1e6; < 5 min), "
                        "test (seconds)")
    r.add_argument("--out", default=None, help="output directory (if not given: report, or "
                                               "the directory of --from)")
    r.add_argument("--from", dest="from_json", metavar="RESULTS_JSON",
                   help="regenerate the pages from a report's results.json alone "
                        "(no computation)")
    r.add_argument("--parts", nargs="+", default=None, metavar="PART",
                   help="only these parts of the report: theory lemmas assumptions rate "
                        "experiments serverless (empty: all)")
    r.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run on a Dask cluster, e.g. tcp://host:8786 (None: the environment "
                        "variable MFGCHECK_SCHEDULER; unset: local processes)")
    r.add_argument("--workers", type=POSITIVE_INT, default=None, metavar="N",
                   help="local worker processes (None: MFGCHECK_WORKERS, else every CPU; "
                        "1 = in this process)")
    r.add_argument("--merge", nargs="+", default=None, metavar="DIR",
                   help="first copy the runs stored in these report directories (computed "
                        "elsewhere) into --out: they are reused, not recomputed")
    r.add_argument("--quiet", action="store_true", help="no progress bars")
    r.set_defaults(func=_report)

    lm = command("lemmas", help="run properties' checks and print the lemma table",
                 description="Draw instances with Hypothesis (derandomised) for every check of "
                             "mfgcheck.properties and print, per check, examples, violations, "
                             "minimum slack and the tightest ratio. Exit status 1 if a violation "
                             "is not explained by a finding of theory/.")
    lm.add_argument("--examples", type=POSITIVE_INT, default=25,
                    help="Hypothesis examples per group of checks")
    claim_ids = tuple(registry.claims())
    lm.add_argument("--claims", nargs="*", default=[], metavar="CLAIM", choices=claim_ids,
                    help=f"only these claims (empty: all): {', '.join(claim_ids)}")
    lm.add_argument("--json", action="store_true",
                    help="print the table as JSON on stdout (the text table goes to stderr)")
    lm.add_argument("--quiet", action="store_true", help="no progress bars")
    lm.set_defaults(func=_lemmas)

    rt = command("rate", help="measure Theorem 1's rate on one game",
                 description="Algorithm 1 with eta = c_eta T^-2/5/lam, beta = c_beta T^-4/5 for "
                             "each T; Theorem 1's left side at the end, its log-log slope with a "
                             "bootstrap CI, the explicit bound (15)-(17). Runs are stored in "
                             "--out/runs: an interrupted rate resumes. Exit status 1 if the rate "
                             "check fails.")
    _game_args(rt)
    rt.add_argument("--T", type=POSITIVE_INT, nargs="+", default=[100, 300, 1000, 3000, 10000],
                    help="iteration counts (each needs eta lam < 1 and beta <= 1)")
    rt.add_argument("--seeds", type=POSITIVE_INT, default=5,
                    help="number of seeds (sampled oracles; exact uses 1)")
    rt.add_argument("--oracle", default="exact", choices=ORACLES,
                    help="where the critic and actor come from (algorithms.oracle; practical: "
                         "appendix D's trajectory-based natural gradient, critic carried "
                         "across iterations)")
    rt.add_argument("--K", type=POSITIVE_INT, default=None,
                    help="samples per oracle call (sampled; None: algorithms' default)")
    rt.add_argument("--critic-step", type=POSITIVE, default=None,
                    help="TD step (sampled; None: algorithms' default)")
    rt.add_argument("--c-eta", type=POSITIVE, default=C_ETA, help="eta = c_eta T^-2/5/lam")
    rt.add_argument("--c-beta", type=POSITIVE, default=C_BETA, help="beta = c_beta T^-4/5")
    rt.add_argument("--R", type=POSITIVE, default=None,
                    help="actor radius (None: algorithms' default)")
    rt.add_argument("--lam", type=POSITIVE, default=None,
                    help="entropy weight of the game (None: the game's)")
    rt.add_argument("--gamma", type=DISCOUNT, default=None,
                    help="discount of the game (None: the game's)")
    rt.add_argument("--out", default="rate-runs", help="where runs are stored")
    rt.add_argument("--plot", default=None, metavar="PNG", help="write the log-log figure")
    rt.add_argument("--theory-slope", type=float, default=None, metavar="S",
                    help="judge this rate claim (log-log slope S, e.g. -0.25 for T^-1/4) the "
                         "way the report judges the paper's T^-1/5 (None: the paper's)")
    rt.add_argument("--quiet", action="store_true", help="no progress bars")
    rt.set_defaults(func=_rate)

    h = command("hunt", help="search for a counterexample to a claim or a bound",
                       description="Hypothesis search (target() on the ratio lhs/rhs) over "
                                   "the claim's instances and tight-regime families, local "
                                   "optimisation of the worst instance, re-verification at "
                                   "60 digits. Exit status 1: counterexample certified; 0: "
                                   "none within the budget (the largest ratio is printed); "
                                   "3: a float64-only candidate no independent route "
                                   "confirmed; 2: bad target or expression.")
    h.add_argument("target", help="a claim or check id: lemma3, lemma4, lemma4.lipschitz, ...")
    h.add_argument("--bound", default=None, metavar="EXPR",
                   help="replace theory's right side (for a >= claim, the floor), e.g. "
                        "'exp(-Qmax/(2*lam))/nA'; names are theory's symbols")
    h.add_argument("--lhs", default=None, metavar="EXPR", help="replace theory's left side")
    h.add_argument("--budget", type=float, default=60.0, help="search budget in seconds")
    h.add_argument("--seed", type=int, default=0, help="search seed")
    h.add_argument("--json", action="store_true", help="print the result as JSON")
    h.set_defaults(func=_hunt)

    b = command("bounds", help="evaluate the constants and Theorem 1's bounds",
                description="Qmax, the p_min bound, tau, KLmax, kappa (appendix A) at the given "
                            "numbers; with --T also Theorem 1's explicit bounds (15)-(17) "
                            "(theory.theorem1), which need the instance constants C1-C3, d0-d3, "
                            "eps_total, sigma_pi0, sigma_mu0 (or --assume for placeholders, "
                            "printed as assumed).")
    _bounds_args(b)
    b.set_defaults(func=_bounds)

    e = command("equilibrium", help="solve a game's regularised equilibrium",
                description="The regularised Nash equilibrium (pi*, mu*) of a game and its "
                            "certificate (exploitability, residuals). Exit status 3 if the "
                            "solver does not converge.")
    _game_args(e)
    e.add_argument("--lam", type=POSITIVE, default=None,
                   help="entropy weight (None: the game's)")
    e.add_argument("--gamma", type=DISCOUNT, default=None, help="discount (None: the game's)")
    e.add_argument("--normalised", action="store_true", help="rewards rescaled to [0, 1]")
    e.add_argument("--json", action="store_true",
                   help="print the result as JSON on stdout (the text goes to stderr)")
    e.set_defaults(func=_equilibrium)

    from .serverless.command import add_parser as add_serverless

    add_serverless(sub)
    return p


def _bounds_args(b) -> None:
    """``bounds``' options; their domains are reports.bounds.DOMAINS (one place)."""
    from .reports import bounds
    from .theory.step_sizes import C_BETA, C_ETA

    def domain(name):
        return POSITIVE_INT if name in bounds.INTEGERS else _typed("float", **bounds.DOMAINS[name])

    b.add_argument("--lam", type=domain("lam"), required=True, help="entropy weight lam")
    b.add_argument("--gamma", type=domain("gamma"), required=True, help="discount gamma")
    b.add_argument("--A", type=domain("nA"), required=True, help="number of actions |A|")
    b.add_argument("--R", type=domain("R"), required=True, help="actor radius R")
    b.add_argument("--T", type=domain("T"), default=None,
                   help="also evaluate Theorem 1's bounds at this T")
    b.add_argument("--c-eta", type=POSITIVE, default=C_ETA,
                   help="eta = c_eta T^-2/5/lam (as `mfgcheck rate`)")
    b.add_argument("--c-beta", type=POSITIVE, default=C_BETA,
                   help="beta = c_beta T^-4/5 (as `mfgcheck rate`)")
    b.add_argument("--eta", type=domain("eta"), default=None,
                   help="policy step (None: c_eta T^-2/5/lam)")
    b.add_argument("--beta", type=domain("beta"), default=None,
                   help="mean-field step (None: c_beta T^-4/5)")
    b.add_argument("--p-min", type=domain("p_min"), default=None,
                   help="min_{t,s,a} pi_t(a|s) (None: Lemma 2's bound exp(-2R/lam)/|A|)")
    helps = {"C1": "Assumption 3 constant C1", "C2": "Assumption 3 constant C2",
             "C3": "Assumption 3 constant C3", "d0": "Lipschitz constant d0",
             "d1": "Lipschitz constant d1", "d2": "Lipschitz constant d2",
             "d3": "Lipschitz constant d3", "eps-total": "critic + actor error eps_total",
             "sigma-pi0": "sigma^pi_0 = E KL(pi*_0 || pi_0)",
             "sigma-mu0": "sigma^mu_0 = ||mu_0 - mu*||_1"}
    for opt, text in helps.items():
        name = _BOUNDS_NAMES.get(opt.replace("-", "_"), opt.replace("-", "_"))
        b.add_argument(f"--{opt}", type=domain(name), default=None,
                       help=f"{text} (needed with --T unless --assume)")
    b.add_argument("--assume", action="store_true",
                   help="with --T, use placeholders for the instance constants not given "
                        f"({', '.join(f'{k}={v:g}' for k, v in bounds.PLACEHOLDERS.items())}) "
                        "and print them as assumed")
    b.add_argument("--corrected", action="store_true",
                   help="Lemma 7 with Pinsker's factor 2 (sqrt(2 (15)) in (16))")
    b.add_argument("--json", action="store_true",
                   help="print the results as JSON on stdout (the text goes to stderr)")


def _solver_failures() -> tuple[type[BaseException], ...]:
    """The solvers' failure types whose modules are loaded (evaluated when an exception
    propagates: a command that never imported the solvers, such as ``bounds``, cannot have
    raised them, and does not import them to find out)."""
    found = []
    for module, name in (("mfgcheck.numerics.fixed_point", "NonConvergenceError"),
                         ("mfgcheck.numerics.actor_regression", "UncertifiedSolutionError")):
        if module in sys.modules:
            found.append(getattr(sys.modules[module], name))
    return tuple(found)


def main(argv=None) -> int:
    from ._cache import keep_hypothesis_out_of_cwd

    keep_hypothesis_out_of_cwd()       # a report writes nothing outside --out and the cache
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:          # --help (0) or a usage error (2, one line printed)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if args.command == "report":
        args.out_given = args.out is not None
        if args.out is None:
            args.out = "report"
    def say(kind: str, exc: BaseException) -> None:
        text = " ".join(str(exc).split())
        print(f"mfgcheck {args.command}: {kind}{text}", file=sys.stderr)

    try:
        return args.func(args)
    except InvalidInputError as exc:
        say("", exc)
        return EXIT_USAGE
    except _solver_failures() as exc:
        say("could not run: ", exc)
        return EXIT_ERROR
    except OSError as exc:
        say("could not run: ", exc)
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - a bug: keep the traceback, but not exit 1
        traceback.print_exc()
        say(f"internal error ({type(exc).__name__}), please report it: ", exc)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
