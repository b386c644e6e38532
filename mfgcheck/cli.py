"""The ``mfgcheck`` command line: report, lemmas, rate, bounds, equilibrium.

Exit status (docs/report.md, "Exit status"): 0 every check passed or failed only where a
documented finding against the paper explains it; 1 a check failed; 2 a usage error (bad
arguments, bad input, an output directory that cannot be written); 3 a part of the report
could not run; 130 interrupted (SIGINT; the finished runs are stored, rerun to resume).
"""

from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, the shell's convention
GAMES = ("sis", "lq", "random")


# -- report ---------------------------------------------------------------------------------
def _report(args) -> int:
    from . import reports

    if args.from_json:
        results = reports.load_results(args.from_json)
        out = args.out if args.out_given else None
        paths = reports.regenerate(args.from_json, out)
        print(f"regenerated {paths['markdown']} and {paths['html']} from {args.from_json}")
        return int(results["summary"]["exit_status"])
    command = f"mfgcheck report --profile {args.profile} --out {args.out}"
    if args.parts:
        command += " --parts " + " ".join(args.parts)
    try:
        results = reports.run_report(args.profile, args.out, progress=not args.quiet,
                                     command=command, parts=args.parts)
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
    from .reports.writer import STATUS_TAG

    s = results["summary"]
    for line in s["claims"]:
        print(f"[{STATUS_TAG[line['status']]}] {line['title']}: {_plain(line['text'])}")
        for d in line.get("details", []):
            print(f"    [{STATUS_TAG[d['status']]}] rate {_plain(d['text'])}")
    for o in s["other"]:
        print(f"[{STATUS_TAG[o['status']]}] {_plain(o['text'])}")
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
    rows = part["rows"]
    header = ("check", "examples", "violations", "min slack", "max ratio", "status")
    table = [(r["step"], str(r["examples"]), str(r["violations"]), f"{r['min_slack']:.3g}",
              f"{r['max_ratio']:.3g}", r["status"]) for r in rows]
    _print_table(header, table)
    for k, v in sorted(part["skipped"].items()):
        print(f"not run: {k}: {v}")
    if args.json:
        print(json.dumps(part, indent=1, default=str))
    return EXIT_FAIL if any(r["status"] == "fail" for r in rows) else EXIT_OK


def _print_table(header, rows) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))


# -- rate -----------------------------------------------------------------------------------
def _game_spec(name: str, lam, gamma, normalise: bool = True):
    from .reports import settings

    base = {"sis": settings.SIS, "lq": settings.LQ, "random": settings.RANDOM}[name]
    kwargs = dict(base.kwargs)
    if lam is not None:
        kwargs["lam"] = lam
    if gamma is not None:
        kwargs["gamma"] = gamma
    return settings.GameSpec(base.name, kwargs, normalise=normalise, label=base.label)


def _rate(args) -> int:
    from .reports import rate, settings
    from .reports.store import RunStore

    spec = _game_spec(args.game, args.lam, args.gamma)
    seeds = (0,) if args.oracle == "exact" else tuple(range(args.seeds))
    oracle_kwargs = {k: v for k, v in (("K_critic", args.K), ("K_actor", args.K),
                                       ("critic_step", args.critic_step)) if v is not None}
    rs = settings.RateSetting(f"{args.game}-{args.oracle}", spec, args.oracle,
                              tuple(sorted(set(args.T))), seeds=seeds, c_eta=args.c_eta,
                              c_beta=args.c_beta, R=args.R, oracle_kwargs=oracle_kwargs)
    store = RunStore(args.out)
    entry = rate.run(rs, store, progress=not args.quiet)
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


# -- bounds ---------------------------------------------------------------------------------
def _bounds(args) -> int:
    from .reports import bounds

    consts = bounds.constants(gamma=args.gamma, lam=args.lam, nA=args.A, R=args.R)
    print(f"gamma={args.gamma:g} lam={args.lam:g} |A|={args.A} R={args.R:g}")
    for name in ("Qmax", "p_min_bound", "tau", "KLmax", "kappa"):
        print(f"  {name:<12} {consts[name]:.10g}")
    out = {"constants": consts}
    if args.T is not None:
        numbers = {"T": args.T, "gamma": args.gamma, "lam": args.lam, "nA": args.A,
                   "R": args.R, "C1": args.C1, "C2": args.C2, "C3": args.C3, "d0": args.d0,
                   "d1": args.d1, "d2": args.d2, "d3": args.d3,
                   "eps_total": args.eps_total, "sigma_pi_0": args.sigma_pi0,
                   "sigma_mu_0": args.sigma_mu0,
                   "p_min": args.p_min if args.p_min is not None else consts["p_min_bound"],
                   "eta": args.eta if args.eta is not None
                   else args.c_eta * args.T ** (-2 / 5) / args.lam,
                   "beta": args.beta if args.beta is not None
                   else args.c_beta * args.T ** (-4 / 5)}
        b = bounds.theorem1_bounds(numbers, corrected=args.corrected)
        print(f"Theorem 1 at T={args.T} (eta={numbers['eta']:.6g}, beta={numbers['beta']:.6g}, "
              f"p_min={numbers['p_min']:.6g}, d_bar={b['d_bar']:.6g}; {b['source']}"
              f"{', Lemma 7 corrected' if args.corrected else ''}):")
        for name in bounds.BOUND_NAMES:
            v = b[name]
            print(f"  {name:<20} {'undefined (d_bar <= 0)' if v is None else f'{v:.10g}'}")
        out["theorem1"] = b
    if args.json:
        print(json.dumps(out, indent=1))
    return EXIT_OK


# -- equilibrium ----------------------------------------------------------------------------
def _equilibrium(args) -> int:
    from . import numerics

    spec = _game_spec(args.game, args.lam, args.gamma, normalise=args.normalised)
    game = spec.build()
    eq = numerics.solve_equilibrium(game)
    S = game.state_labels or tuple(str(s) for s in range(game.n_states))
    A = game.action_labels or tuple(str(a) for a in range(game.n_actions))
    print(f"{game.name}: |S|={game.n_states} |A|={game.n_actions} gamma={game.gamma:g} "
          f"lam={game.lam:g} reward range {game.reward_range}")
    print("mean field mu*:")
    for s, m in zip(S, eq.mean_field):
        print(f"  {s:>4}  {m:.10f}")
    print("policy pi*(a|s):  " + " ".join(f"{a:>10}" for a in A))
    for s, row in zip(S, eq.policy):
        print(f"  {s:>4}           " + " ".join(f"{p:10.6f}" for p in row))
    print("certificate:")
    for k, v in eq.certificate().items():
        print(f"  {k:<20} {v}")
    if args.json:
        print(json.dumps({"mean_field": eq.mean_field.tolist(), "policy": eq.policy.tolist(),
                          "certificate": eq.certificate()}, indent=1))
    return EXIT_OK


# -- parser ---------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mfgcheck", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="command")

    r = sub.add_parser("report", help="write the rate-verification report",
                       description="Run every part of a profile (resumable: finished runs "
                                   "are reused) and write index.md, index.html, results.json "
                                   "and figures/ into --out. Exit status 1 if a check fails, "
                                   "3 if a part could not run.")
    r.add_argument("--profile", default="quick", choices=["quick", "full", "test"],
                   help="quick (make report, < 10 min), full (T up to 1e6), test (seconds)")
    r.add_argument("--out", default=None, help="output directory (default: report, or the "
                                               "directory of --from)")
    r.add_argument("--from", dest="from_json", metavar="RESULTS_JSON",
                   help="regenerate the pages from a results.json alone (no computation)")
    r.add_argument("--parts", nargs="+", default=None, metavar="PART",
                   help="only these parts of the report: theory lemmas assumptions rate "
                        "experiments (default: all)")
    r.add_argument("--quiet", action="store_true", help="no progress bars")
    r.set_defaults(func=_report)

    lm = sub.add_parser("lemmas", help="run properties' checks and print the lemma table",
                        description="Draw instances with Hypothesis (derandomised) for every "
                                    "check of mfgcheck.properties and print, per check, "
                                    "examples, violations, minimum slack and the tightest "
                                    "ratio. Exit status 1 if a violation is not explained by "
                                    "a finding of theory/.")
    lm.add_argument("--examples", type=int, default=25, help="examples per group (default 25)")
    lm.add_argument("--claims", nargs="*", default=[], metavar="CLAIM",
                    help="only these claims, e.g. lemma4 lemma6 (default: all)")
    lm.add_argument("--json", action="store_true", help="also print the table as JSON")
    lm.add_argument("--quiet", action="store_true", help="no progress bars")
    lm.set_defaults(func=_lemmas)

    rt = sub.add_parser("rate", help="measure Theorem 1's rate on one game",
                        description="Algorithm 1 with eta = c_eta T^-2/5/lam, beta = c_beta "
                                    "T^-4/5 for each T; Theorem 1's left side at the end, its "
                                    "log-log slope with a bootstrap CI, the explicit bound "
                                    "(15)-(17). Runs are stored in --out/runs: an interrupted "
                                    "rate resumes. Exit status 1 if the rate check fails.")
    rt.add_argument("--game", choices=GAMES, default="sis")
    rt.add_argument("--T", type=int, nargs="+", default=[100, 300, 1000, 3000, 10000])
    rt.add_argument("--seeds", type=int, default=5, help="seeds (sampled oracles; exact uses 1)")
    rt.add_argument("--oracle", default="exact",
                    choices=["exact", "sampled", "exact_critic", "exact_actor"])
    rt.add_argument("--K", type=int, default=None, help="samples per oracle call (sampled)")
    rt.add_argument("--critic-step", type=float, default=None, help="TD step (sampled)")
    rt.add_argument("--c-eta", type=float, default=3.0)
    rt.add_argument("--c-beta", type=float, default=10.0)
    rt.add_argument("--R", type=float, default=None, help="actor radius (default: algorithms')")
    rt.add_argument("--lam", type=float, default=None, help="entropy weight of the game")
    rt.add_argument("--gamma", type=float, default=None, help="discount of the game")
    rt.add_argument("--out", default="rate-runs", help="where runs are stored")
    rt.add_argument("--plot", default=None, metavar="PNG", help="write the log-log figure")
    rt.add_argument("--quiet", action="store_true", help="no progress bars")
    rt.set_defaults(func=_rate)

    b = sub.add_parser("bounds", help="evaluate the constants and Theorem 1's bounds",
                       description="Qmax, the p_min bound, tau, KLmax, kappa (appendix A) at "
                                   "the given numbers; with --T also Theorem 1's explicit "
                                   "bounds (15)-(17) (theory.theorem1).")
    b.add_argument("--lam", type=float, required=True)
    b.add_argument("--gamma", type=float, required=True)
    b.add_argument("--A", type=int, required=True, help="number of actions |A|")
    b.add_argument("--R", type=float, required=True, help="actor radius")
    b.add_argument("--T", type=int, default=None, help="also evaluate Theorem 1 at this T")
    for name, default in (("c-eta", 1.0), ("c-beta", 1.0)):
        b.add_argument(f"--{name}", type=float, default=default)
    for name in ("eta", "beta", "p-min"):
        b.add_argument(f"--{name}", type=float, default=None)
    for name, default in (("C1", 1.0), ("C2", 1.0), ("C3", 1.0), ("d0", 0.5), ("d1", 0.1),
                          ("d2", 1.0), ("d3", 0.5), ("eps-total", 0.0), ("sigma-pi0", 1.0),
                          ("sigma-mu0", 1.0)):
        b.add_argument(f"--{name}", type=float, default=default)
    b.add_argument("--corrected", action="store_true",
                   help="Lemma 7 with Pinsker's factor 2 (sqrt(2 (15)) in (16))")
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=_bounds)

    e = sub.add_parser("equilibrium", help="solve a game's regularised equilibrium",
                       description="The regularised Nash equilibrium (pi*, mu*) of a game and "
                                   "its certificate (exploitability, residuals).")
    e.add_argument("--game", choices=GAMES, default="sis")
    e.add_argument("--lam", type=float, default=None)
    e.add_argument("--gamma", type=float, default=None)
    e.add_argument("--normalised", action="store_true", help="rewards rescaled to [0, 1]")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=_equilibrium)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "report":
        args.out_given = args.out is not None
        if args.out is None:
            args.out = "report"
    from ._validate import InvalidInputError

    try:
        return args.func(args)
    except (InvalidInputError, FileNotFoundError, json.JSONDecodeError) as exc:
        print(f"mfgcheck {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
