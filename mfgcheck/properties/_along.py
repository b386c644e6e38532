"""Evidence along a run of Algorithm 1: evaluate a theory relation at every step t and keep
the worst one (shared by the checks of Lemmas 1, 2, 5, 7 and 8)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from . import _theory
from ._theory import Bound
from .evidence import Evidence
from .instances import NACRunCase
from .trajectory import ATOL, SCOPES, Terms, terms


def along(ref: str, run: NACRunCase, *, scope: str = "trajectory", bound: Bound | None = None,
          rename: Mapping[str, str] | None = None, lhs: str | Callable | None = None,
          extra: Callable[[Terms, dict], dict] | None = None,
          index_names: tuple[str, ...] = ("t",), note: str = "", label: str | None = None,
          rel: str | None = None) -> Evidence:
    """Evidence for ``ref`` (a claim or step id) along ``run``, with the absolute tolerance
    ``trajectory.ATOL`` (the precision of the exact solves behind the terms).

    ``rename`` maps theory symbols to names in ``Terms.numbers`` where a symbol means a
    different measured quantity in this claim (for example ``D_pi`` is ``D(pi*_t,
    pi*_{t+1})`` in Lemma 5 but ``D(pi*_t, pi_t)`` in Lemma 7); ``lhs`` overrides theory's
    left side by a measured quantity (a key of the numbers, or a function of them);
    ``extra(terms, numbers)`` adds numbers; ``label`` names the evidence when the check is
    not theory's step ``ref`` itself; ``rel`` overrides the relation. The worst t (highest
    ratio, violations first) is reported, with every per-step number at that t in
    ``measurements``.
    """
    if scope not in SCOPES:
        raise ValueError(f"scope: {scope!r}; use one of {SCOPES}")
    tr = terms(run)
    numbers = tr.numbers(scope)
    for sym, key in (rename or {}).items():
        numbers[sym] = numbers[key]
    if extra is not None:
        numbers.update(extra(tr, numbers))
    left = None
    if lhs is not None:
        left = numbers[lhs] if isinstance(lhs, str) else lhs(numbers)
    ev = _theory.evidence(ref, numbers, bound=bound, lhs=left, instance=run.to_dict(),
                          index_names=index_names, note=note, label=label, rel=rel,
                          atol=ATOL)
    where = ev.measurements.get("where", {})
    t = where.get("t")
    T = run.T
    at_t = {}
    if t is not None:
        for name, v in numbers.items():
            arr = np.asarray(v)
            if arr.ndim == 1 and arr.shape[0] == T:  # scalars per step (arrays stay out)
                at_t[name] = float(arr[t])
    measurements = {"where": where, "scope": scope, "T": T, "at_worst_t": at_t}
    return Evidence(ev.claim, ev.step, ev.lhs, ev.rhs, ev.relation, instance=ev.instance,
                    measurements=measurements, note=note, atol=ATOL)
