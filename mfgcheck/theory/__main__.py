"""``python -m mfgcheck.theory [--claim NAME] [--verdict VERDICT]``: print the verdict table.

Only the steps asked for are decided: from the on-disk cache (``theory.verdict_cache``) when
it holds them, otherwise by SymPy with a progress indicator on stderr."""

from __future__ import annotations

import argparse
import importlib

from . import VERDICTS, _theory_modules, claims, table
from .core import settle


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mfgcheck.theory", description=__doc__)
    parser.add_argument("--claim", help="only this claim (e.g. lemma5)")
    parser.add_argument("--verdict", choices=VERDICTS, help="only steps with this verdict")
    args = parser.parse_args(argv)
    modules = _theory_modules()  # the registered claims that have a theory
    if args.claim is None:
        chosen = list(claims().values())
    elif args.claim in modules:  # only this claim's module (and what it imports)
        chosen = [importlib.import_module(modules[args.claim]).claim]
    else:
        parser.error(f"--claim: unknown {args.claim!r}; choose from {', '.join(modules)}")
    steps = settle(step for claim in chosen for step in claim.steps)
    steps = [s for s in steps if args.verdict is None or s.verdict == args.verdict]
    if not steps:
        parser.error("no step matches")
    print(table(steps))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
