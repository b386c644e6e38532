"""Empirical checks of the paper's claims, one module per claim, and the strategies they draw.

Each check is a plain function ``check_<step id with "." as "_">(instance, *, bound=None,
...) -> Evidence``: it computes every term exactly (numerics/, algorithms/), evaluates the
claim's or proof step's relation from theory/ at the measured numbers, and returns the
worst case as :class:`Evidence` (``lhs``, ``rhs``, ``slack``, ``ratio``, the instance as
JSON, side measurements). ``bound=`` replaces theory's right-hand side (mutation tests).

=================  =======================  ==============================================
module             instance                 what
=================  =======================  ==============================================
``lemma1``         ``NACRun``               Lemma 1 and its smoothness / PDL steps
``lemma2``         ``NACRun``               Lemma 2 (||theta_t|| <= R/lam, p_min)
``lemma3``         ``BestResponseCase``     Lemma 3 (floor of Gamma1(mu))
``lemma4``         ``KLTriple``             Lemma 4 (KL Lipschitz), paper's and sharp constant
``lemma5``         ``NACRun``               Lemma 5, displays (4)-(6)
``lemma6``         ``MeanFieldPairCase``    Lemma 6 (Lipschitz constant of Lambda)
``lemma7``         ``NACRun``               Lemma 7, displays (7)-(8)
``lemma8``         ``NACRun``               Lemma 8, displays (9)-(13)
``proposition1``   ``RateCase``             Algorithm 2's error against K
``proposition2``   ``RateCase``             Algorithm 3's optimality gap against K
``theorem1``       ``NACRun``               the two numeric steps of Theorem 1's proof
=================  =======================  ==============================================

``strategies`` (Hypothesis), ``instances``, ``tightness`` (the JSON record of the tightest
cases), ``trajectory`` (the exact terms along a run of Algorithm 1). ``checks()`` lists every
check by step id, ``resolve(name)`` turns theory's property names
(``"mfgcheck.properties.lemma5:check_lemma5_eq5"``) into the function, ``KNOWN_FAILURES``
collects the steps of the paper that fail numerically. See docs/properties.md.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from .evidence import Evidence, ratio, worst

CLAIMS = ("lemma1", "lemma2", "lemma3", "lemma4", "lemma5", "lemma6", "lemma7", "lemma8",
          "proposition1", "proposition2", "theorem1")


def step_id(function_name: str, claim: str) -> str:
    """``check_lemma5_eq6_display`` -> ``lemma5.eq6_display``; ``check_lemma5`` -> ``lemma5``."""
    body = function_name.removeprefix("check_")
    if body == claim:
        return claim
    if not body.startswith(claim + "_"):
        raise ValueError(f"{function_name} is not a check of {claim}")
    return f"{claim}.{body[len(claim) + 1:]}"


def checks(claim: str | None = None) -> dict[str, Callable]:
    """``{step id: check function}`` for one claim module or all of them."""
    out = {}
    for name in (CLAIMS if claim is None else (claim,)):
        mod = importlib.import_module(f".{name}", __name__)
        for attr in sorted(dir(mod)):
            fn = getattr(mod, attr)
            if attr.startswith("check_") and callable(fn) and fn.__module__ == mod.__name__:
                out[step_id(attr, name)] = fn
    return out


def resolve(property_name: str) -> Callable:
    """The function a theory Step's ``property`` names (``"module:function"``)."""
    module_name, _, function = property_name.partition(":")
    if not module_name.startswith(__name__ + ".") or not function:
        raise ValueError(f"{property_name!r} is not 'mfgcheck.properties.<claim>:check_...'")
    return getattr(importlib.import_module(module_name), function)


def known_failures() -> dict[str, str]:
    """Steps of the paper that the checks show failing, with the reason (step id -> text)."""
    out: dict[str, str] = {}
    for name in CLAIMS:
        out.update(getattr(importlib.import_module(f".{name}", __name__), "KNOWN_FAILURES", {}))
    return out


def statement_findings() -> dict[str, str]:
    """Claims whose statement itself (not only a step) the checks show failing, with the
    circumstances (claim -> text; a claim module's ``STATEMENT_FINDING``)."""
    out = {}
    for name in CLAIMS:
        text = getattr(importlib.import_module(f".{name}", __name__), "STATEMENT_FINDING", None)
        if text:
            out[name] = text
    return out


def __getattr__(name: str):
    if name == "KNOWN_FAILURES":
        return known_failures()
    if name in CLAIMS or name in ("strategies", "instances", "tightness", "trajectory"):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Evidence", "ratio", "worst", "CLAIMS", "checks", "resolve", "known_failures",
           "statement_findings", "step_id", "KNOWN_FAILURES", *CLAIMS, "strategies",
           "instances", "tightness", "trajectory"]
