"""Empirical checks of the paper's claims, one module per claim, and the strategies they draw.

Each check is a plain function ``check(instance, *, bound=None, ...) -> Evidence``,
registered with its step id and the strategy of its instances in ``mfgcheck.registry`` (the
paper's in ``mfgcheck.catalogue``, named ``check_<step id with "." as "_">``): it computes
every term exactly (numerics/, algorithms/), evaluates the claim's or proof step's
relation from theory/ at the measured numbers, and returns the worst case as
:class:`Evidence` (``lhs``, ``rhs``, ``slack``, ``ratio``, the instance as JSON, side
measurements). ``bound=`` replaces theory's right-hand side (mutation tests).

=================  =======================  ==============================================
module             instance                 what
=================  =======================  ==============================================
``lemma1``         ``NACRunCase``               Lemma 1 and its smoothness / PDL steps
``lemma2``         ``NACRunCase``               Lemma 2 (||theta_t|| <= R/lam, p_min)
``lemma3``         ``BestResponseCase``     Lemma 3 (floor of Gamma1(mu))
``lemma4``         ``KLTriple``             Lemma 4 (KL Lipschitz), paper's and sharp constant
``lemma5``         ``NACRunCase``               Lemma 5, displays (4)-(6)
``lemma6``         ``MeanFieldPairCase``    Lemma 6 (Lipschitz constant of Lambda)
``lemma7``         ``NACRunCase``               Lemma 7, displays (7)-(8)
``lemma8``         ``NACRunCase``               Lemma 8, displays (9)-(13)
``proposition1``   ``RateCase``             Algorithm 2's error against K
``proposition2``   ``RateCase``             Algorithm 3's optimality gap against K
``theorem1``       ``NACRunCase``               the two numeric steps of Theorem 1's proof
=================  =======================  ==============================================

``strategies`` (Hypothesis), ``instances``, ``tightness`` (the JSON record of the tightest
cases), ``trajectory`` (the exact terms along a run of Algorithm 1). ``CLAIMS`` are the
registered claims' ids, ``checks()`` lists every registered check by step id,
``resolve(name)`` turns theory's property names
(``"mfgcheck.properties.lemma5:check_lemma5_eq5"``) into the function, ``KNOWN_FAILURES``
collects the steps of the paper that fail numerically. See docs/properties.md.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from .evidence import Evidence, ratio, worst

_PARTS = ("strategies", "instances", "tightness", "trajectory")


def _claims() -> dict:
    from ..registry import claims

    return claims()


def checks(claim: str | None = None) -> dict[str, Callable]:
    """``{step id: check function}`` of one registered claim or of all of them
    (``mfgcheck.registry``; an unknown claim is an ``InvalidInputError`` listing the ids)."""
    from ..registry import claim as spec

    specs = _claims().values() if claim is None else (spec(claim),)
    return {c.step: c.load() for s in specs for c in s.checks}


def resolve(property_name: str) -> Callable:
    """The function a theory Step's ``property`` names (``"module:function"``): it must be a
    registered check (``mfgcheck.registry``)."""
    for spec in _claims().values():
        for c in spec.checks:
            if c.function == property_name:
                return c.load()
    raise ValueError(f"{property_name!r} is not a registered check ('package.module:check_...' "
                     f"of a claim in mfgcheck.registry)")


def _check_modules():
    """``(claim id, module)`` for every module holding a registered check; a module that fails
    to import is left out here (``reports.lemmas`` reports its checks as not run)."""
    for cid, spec in _claims().items():
        for name in spec.modules:
            try:
                yield cid, importlib.import_module(name)
            except Exception:  # noqa: BLE001, S112 - reported where its checks run
                continue


def known_failures() -> dict[str, str]:
    """Steps the checks show failing, with the reason (step id -> text; a check module's
    ``KNOWN_FAILURES``)."""
    out: dict[str, str] = {}
    for _, module in _check_modules():
        out.update(getattr(module, "KNOWN_FAILURES", {}))
    return out


def statement_findings() -> dict[str, str]:
    """Claims whose statement itself (not only a step) the checks show failing, with the
    circumstances (claim -> text; a claim module's ``STATEMENT_FINDING``)."""
    out = {}
    for cid, module in _check_modules():
        text = getattr(module, "STATEMENT_FINDING", None)
        if text:
            out[cid] = text
    return out


def __getattr__(name: str):
    if name == "KNOWN_FAILURES":
        return known_failures()
    if name == "CLAIMS":  # the registered claims' ids (mfgcheck.registry), read when asked
        return tuple(_claims())
    if name in _PARTS or name in _claims():
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Evidence", "ratio", "worst", "CLAIMS", "checks", "resolve", "known_failures",
           "statement_findings", "KNOWN_FAILURES", "strategies", "instances", "tightness",
           "trajectory"]
