"""Evidence: what one empirical check of one claim (or one proof step) measured.

Every check in ``mfgcheck.properties`` returns an :class:`Evidence`. Whatever the claim's
direction, evidence is oriented as ``lhs <= rhs`` (or ``lhs == rhs`` for an identity):

- an upper bound ``X <= b`` gives ``lhs = X``, ``rhs = b``;
- a lower bound ``X >= b`` (Lemma 2's ``p_min``, Lemma 3's floor) gives ``lhs = b``,
  ``rhs = X``, so that "holds" always reads ``lhs <= rhs``.

``slack = rhs - lhs`` (>= 0 when the relation holds) and the **ratio**

- ``ratio = lhs / rhs`` when ``rhs > 0`` (the usual tightness measure: 1 is tight);
- ``ratio = 1 - slack/|rhs| = 2 - lhs/rhs`` when ``rhs < 0`` (same reading: <= 1 holds,
  1 is tight, it grows with the violation);
- when ``rhs == 0``: ``0.0`` if ``lhs == 0`` (both sides vanish, as for ``x = y`` in
  Lemma 4: a degenerate case that says nothing about tightness, so the tightness search
  must not be drawn to it), ``+inf`` if ``lhs > 0`` (violated), ``-inf`` if ``lhs < 0``.

So the relation holds exactly when ``ratio <= 1`` (up to the tolerance below), for either
sign of ``rhs``. ``tightness`` is the ratio used to rank cases (worst entry, tightness
records, Hypothesis ``target``): the ratio, except 0 when both sides are below the numerical
resolution (``|lhs|, |rhs| <= 10 atol``), where a ratio is only roundoff. For an identity
(``relation == "=="``) the ratio is defined the same way and "holds" means
``|lhs - rhs| <= atol + rtol |rhs|``.

Tolerance: computed quantities are float64 results of exact linear algebra, so a bound is
taken to hold when ``lhs <= rhs + rtol |rhs| + atol`` with ``rtol = 1e-9``, ``atol = 1e-12``
by default (``measured <= bound (1 + rtol)`` of the project's standard, plus an absolute
floor for bounds that are 0).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np

RTOL = 1e-9
ATOL = 1e-12


def _plain(x):
    """A JSON-serialisable copy (arrays to lists, NumPy scalars to Python numbers)."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return _plain(x.tolist())
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return repr(x)  # "inf", "-inf", "nan": JSON has no literal for them
    return x


@dataclass(frozen=True)
class Evidence:
    """One measurement of one relation.

    ``claim`` is the claim's module name (``"lemma5"``); ``step`` the proof step's id in
    theory/ (``"lemma5.eq5"``) or the claim name itself for the statement of the claim;
    ``instance`` a JSON-serialisable summary from which the case can be rebuilt;
    ``measurements`` the side quantities (constants measured, the worst ``t``, ...);
    ``note`` a sentence (for example why a paper step is expected to fail).
    """

    claim: str
    step: str
    lhs: float
    rhs: float
    relation: str = "<="
    instance: dict = field(default_factory=dict)
    measurements: dict = field(default_factory=dict)
    note: str = ""
    rtol: float = RTOL
    atol: float = ATOL

    def __post_init__(self):
        if self.relation not in ("<=", "=="):
            raise ValueError(f"relation: {self.relation!r}; evidence is oriented as <= or ==")
        object.__setattr__(self, "lhs", float(self.lhs))
        object.__setattr__(self, "rhs", float(self.rhs))

    @property
    def slack(self) -> float:
        """``rhs - lhs``: nonnegative when the (upper-bound) relation holds."""
        return self.rhs - self.lhs

    @property
    def ratio(self) -> float:
        """Tightness: ``lhs/rhs`` for ``rhs > 0``; see the module docstring otherwise."""
        return ratio(self.lhs, self.rhs)

    @property
    def tightness(self) -> float:
        """The ratio, or 0 when both sides are below resolution (module docstring)."""
        if max(abs(self.lhs), abs(self.rhs)) <= 10 * self.atol:
            return 0.0
        return self.ratio

    @property
    def holds(self) -> bool:
        """Whether the relation holds up to ``rtol``/``atol``."""
        tol = self.atol + self.rtol * abs(self.rhs)
        if not (math.isfinite(self.lhs) and math.isfinite(self.rhs)):
            return self.lhs <= self.rhs if self.relation == "<=" else self.lhs == self.rhs
        if self.relation == "==":
            return abs(self.lhs - self.rhs) <= tol
        return self.lhs <= self.rhs + tol

    def as_dict(self) -> dict:
        """JSON-serialisable form (the tightness files store this)."""
        return _plain({
            "claim": self.claim, "step": self.step, "relation": self.relation,
            "lhs": self.lhs, "rhs": self.rhs, "slack": self.slack, "ratio": self.ratio,
            "tightness": self.tightness, "holds": self.holds, "instance": self.instance,
            "measurements": self.measurements, "note": self.note,
        })

    def with_note(self, note: str) -> Evidence:
        return replace(self, note=note)

    def __str__(self) -> str:
        verdict = "holds" if self.holds else "VIOLATED"
        return (f"[{self.step}] lhs={self.lhs:.6g} {self.relation} rhs={self.rhs:.6g}  "
                f"slack={self.slack:.3g} ratio={self.ratio:.6g}  {verdict}")


def ratio(lhs: float, rhs: float) -> float:
    """The tightness ratio of ``lhs <= rhs`` (module docstring): <= 1 exactly when it holds."""
    if rhs > 0:
        return lhs / rhs
    if rhs < 0:
        return 2.0 - lhs / rhs
    if lhs == 0:
        return 0.0
    return math.copysign(math.inf, lhs)


def worst(evidence: Iterable[Evidence]) -> Evidence:
    """The evidence with the highest tightness (the tightest or most violated case); a
    violated case always beats one that holds."""
    items = list(evidence)
    if not items:
        raise ValueError("worst: no evidence given")
    return max(items, key=lambda e: (not e.holds, e.tightness))
