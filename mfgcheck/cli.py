"""The ``mfgcheck`` command line."""

from __future__ import annotations

import argparse
import sys


def _equilibria(args) -> int:
    from . import games, numerics

    for name in ("sis", "lq"):
        game = games.by_name(name)
        eq = numerics.solve_equilibrium(game)
        print(f"{name}: gamma={game.gamma} lam={game.lam}")
        print(f"  mean field  {eq.mean_field.round(6).tolist()}")
        print(f"  certificate {eq.certificate()}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="mfgcheck", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="write the rate-verification report")
    rep.add_argument("--profile", default="quick", choices=["quick", "full"])
    rep.add_argument("--out", default="report")
    rep.set_defaults(func=_equilibria)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
