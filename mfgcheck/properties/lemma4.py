"""Lemma 4 (appendix A; Lemma 3 of [78]): KL is Lipschitz in its first argument.

Claim: if ``x(a), y(a) >= alpha1`` and ``z(a) >= alpha2`` for all a, then
``KL(x||z) - KL(y||z) <= (1 + log(1/min{alpha1, alpha2})) ||x - y||_1``.

The checks take the largest valid floors, ``alpha1 = min(x, y)`` and ``alpha2 = min(z)``
(the smallest bound the lemma allows for the triple), so they are as sharp as the lemma:

- ``check_lemma4``: the claim with the paper's constant (theory ``lemma4.claim``);
- ``check_lemma4_lipschitz``: step ``lemma4.lipschitz``, the same difference against the
  sharp constant ``(log(1/alpha1) + log(1/alpha2))/2`` that the mean-value proof gives
  (theory ``lemma4.sharp_constant``). If it holds, the paper's constant holds with room.
"""

from __future__ import annotations

import numpy as np

from ..numerics import kl, l1
from . import _theory
from ._theory import Bound
from .evidence import Evidence
from .instances import KLTriple


def _numbers(t: KLTriple) -> dict:
    x, y, z = (np.asarray(v, dtype=np.float64) for v in (t.x, t.y, t.z))
    return {"kl_diff": float(kl(x, z) - kl(y, z)), "l1_xy": float(l1(x, y)),
            "alpha1": t.alpha1, "alpha2": t.alpha2}


def _scale(t: KLTriple) -> float:
    """The magnitude of the terms of ``KL(x||z) - KL(y||z)``: its rounding error is relative
    to them, not to the difference (evidence.py, "Tolerance")."""
    x, y, z = (np.asarray(v, dtype=np.float64) for v in (t.x, t.y, t.z))
    return float(max(kl(x, z), kl(y, z), np.abs(x * np.log(z)).sum(),
                     np.abs(y * np.log(z)).sum()))


def _measurements(numbers: dict) -> dict:
    out = dict(numbers)
    if numbers["l1_xy"] > 0:
        # The Lipschitz ratio itself, comparable with both constants.
        out["lipschitz_ratio"] = numbers["kl_diff"] / numbers["l1_xy"]
    out["paper_constant"] = float(_theory.expression("lemma4", "constant")(
        alpha1=numbers["alpha1"], alpha2=numbers["alpha2"]))
    out["sharp_constant"] = float(_theory.expression("lemma4", "sharp_constant")(
        alpha1=numbers["alpha1"], alpha2=numbers["alpha2"]))
    return out


def check_lemma4(triple: KLTriple, *, bound: Bound | None = None) -> Evidence:
    """Lemma 4 as stated (appendix A): ``KL(x||z) - KL(y||z) <= (1 + log(1/min{alpha1,
    alpha2})) ||x - y||_1``. ``bound`` replaces theory's right-hand side (keywords
    alpha1, alpha2, l1_xy, kl_diff)."""
    numbers = _numbers(triple)
    return _theory.evidence("lemma4", numbers, bound=bound, instance=triple.to_dict(),
                            measurements=_measurements(numbers), scale=_scale(triple))


def check_lemma4_lipschitz(triple: KLTriple, *, bound: Bound | None = None) -> Evidence:
    """Step ``lemma4.lipschitz``: the same difference against the sharp constant
    ``(log(1/alpha1) + log(1/alpha2))/2 * ||x - y||_1`` (mean value theorem + centring)."""
    numbers = _numbers(triple)
    return _theory.evidence("lemma4.lipschitz", numbers, bound=bound,
                            instance=triple.to_dict(), measurements=_measurements(numbers),
                            scale=_scale(triple))
