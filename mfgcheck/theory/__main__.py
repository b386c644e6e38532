"""``python -m mfgcheck.theory [--claim NAME] [--verdict VERDICT]``: print the verdict table."""

from __future__ import annotations

import argparse

from . import VERDICTS, table, verdicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mfgcheck.theory", description=__doc__)
    parser.add_argument("--claim", help="only this claim (e.g. lemma5)")
    parser.add_argument("--verdict", choices=VERDICTS, help="only steps with this verdict")
    args = parser.parse_args(argv)
    steps = [s for s in verdicts()
             if (args.claim is None or s.claim == args.claim)
             and (args.verdict is None or s.verdict == args.verdict)]
    if not steps:
        parser.error("no step matches")
    print(table(steps))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
