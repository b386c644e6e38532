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
sign of ``rhs``.

**Tolerance** comes from the scale of what is compared and the error of computing it, never
from a fixed absolute number: a bound holds when ``lhs <= rhs + tol`` with
``tol = rtol * max(|lhs|, |rhs|, scale) + atol``, where

- ``rtol = 1e-9`` is the relative rounding error budget of a float64 computation of each
  side (a few million units in the last place: linear solves, log-sum-exp, sums);
- ``scale`` (default 0) is the magnitude of the terms a side was computed from when it is a
  difference of larger numbers (``KL(x||z) - KL(y||z)`` in Lemma 4): cancellation leaves an
  absolute error ``rtol * scale``, which the check declares;
- ``atol`` (default 0) is a documented absolute error of the computed quantities (the
  tolerance of an iterative solve, e.g. ``trajectory.ATOL`` along a run), never a default;
  with ``sampled=True`` it is instead the allowance for the sampling noise of sides that are
  statistics of random draws (Proposition 1's fitted slope over seeds).

When both sides are positive and no ``atol`` is declared, the comparison is made in log
space, ``log lhs <= log rhs + log(1 + rtol)`` (the same relation, without underflow), so a
floor of 1e-40 (Lemma 3) is as checkable as a floor of 1. ``tightness`` is the ratio used to
rank cases (worst entry, tightness records, Hypothesis ``target``): the ratio, except 0 when
both sides are within the declared error (``max(|lhs|, |rhs|) <= 10 (atol + rtol scale)``),
where a ratio is only roundoff. For ``sampled`` evidence the tightness is the ratio itself:
sides within a few times a sampling allowance are not roundoff, and their ratio still says
how much slack the estimate left (reporting 0 there read as "far from tight").

**Confirmation.** A float64 violation is a ``candidate`` until an independent high-precision
re-evaluation of both sides (mpmath at 50 digits, or exact rationals:
``properties.confirm``) confirms it (``confirmed=True``: status ``violated``) or overturns it
(``confirmed=False``: status ``holds``, the float violation was rounding). ``status`` is
``"holds"``, ``"candidate"`` or ``"violated"``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from .._json import to_jsonable

RTOL = 1e-9
ATOL = 0.0  # no absolute tolerance unless a check declares the error of its quantities
STATUSES = ("holds", "candidate", "violated")


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
    scale: float = 0.0
    confirmed: bool | None = None
    precise: dict | None = None  # the high-precision sides, as strings, when re-evaluated
    sampled: bool = False        # atol is a sampling allowance, not a rounding error

    def __post_init__(self):
        if self.relation not in ("<=", "=="):
            raise ValueError(f"relation: {self.relation!r}; evidence is oriented as <= or ==")
        for name in ("rtol", "atol", "scale"):
            v = float(getattr(self, name))
            if not (v >= 0 and math.isfinite(v)):
                raise ValueError(f"{name}: {v!r}; must be a finite number >= 0")
        object.__setattr__(self, "lhs", float(self.lhs))
        object.__setattr__(self, "rhs", float(self.rhs))

    @property
    def error(self) -> float:
        """The absolute error allowed between the sides (module docstring)."""
        return self.atol + self.rtol * max(abs(self.lhs), abs(self.rhs), self.scale)

    @property
    def status(self) -> str:
        """``holds``, ``candidate`` (float violation, not re-evaluated) or ``violated``
        (confirmed at high precision); a violation overturned at high precision holds."""
        if self.holds or self.confirmed is False:
            return "holds"
        return "violated" if self.confirmed else "candidate"

    @property
    def slack(self) -> float:
        """``rhs - lhs``: nonnegative when the (upper-bound) relation holds."""
        return self.rhs - self.lhs

    @property
    def ratio(self) -> float:
        """Tightness: ``lhs/rhs`` for ``rhs > 0``; see the module docstring otherwise."""
        return ratio(self.lhs, self.rhs)

    @property
    def log_ratio(self) -> float:
        """``log(lhs) - log(rhs)`` when both sides are positive (``nan`` otherwise): the
        comparison made in log space, exact for floors far below 1e-300 relative."""
        if self.lhs > 0 and self.rhs > 0:
            return math.log(self.lhs) - math.log(self.rhs)
        return math.nan

    @property
    def tightness(self) -> float:
        """The ratio, or 0 when both sides are within the declared error (docstring)."""
        resolution = 10 * ((0.0 if self.sampled else self.atol) + self.rtol * self.scale)
        if resolution > 0 and max(abs(self.lhs), abs(self.rhs)) <= resolution:
            return 0.0
        return self.ratio

    @property
    def holds(self) -> bool:
        """Whether the relation holds at float precision, within :attr:`error`."""
        if not (math.isfinite(self.lhs) and math.isfinite(self.rhs)):
            return self.lhs <= self.rhs if self.relation == "<=" else self.lhs == self.rhs
        if self.relation == "==":
            return abs(self.lhs - self.rhs) <= self.error
        if self.lhs > 0 and self.rhs > 0 and self.atol == 0 and self.scale <= self.rhs:
            return self.log_ratio <= math.log1p(self.rtol)
        return self.lhs <= self.rhs + self.error

    def to_dict(self) -> dict:
        """JSON-serialisable form (the tightness files store this)."""
        return to_jsonable({
            "claim": self.claim, "step": self.step, "relation": self.relation,
            "lhs": self.lhs, "rhs": self.rhs, "slack": self.slack, "ratio": self.ratio,
            "tightness": self.tightness, "holds": self.holds, "status": self.status,
            "confirmed": self.confirmed, "precise": self.precise, "error": self.error,
            "instance": self.instance, "measurements": self.measurements, "note": self.note,
        })

    def with_note(self, note: str) -> Evidence:
        return replace(self, note=note)

    def _repr_html_(self) -> str:
        """One-row table for Jupyter: step, lhs, relation, rhs, slack, ratio, verdict (17
        significant digits, enough to confirm a violation elsewhere)."""
        import html
        cells = [f"<code>{html.escape(self.step)}</code>", f"{self.lhs:.17g}",
                 html.escape(self.relation), f"{self.rhs:.17g}", f"{self.slack:.6g}",
                 ratio_text(self.ratio), self._verdict_text(), html.escape(self.note)]
        head = "".join(f"<th>{h}</th>" for h in ("step", "lhs", "", "rhs", "slack", "ratio",
                                                  "", "note"))
        return (f"<table><thead><tr>{head}</tr></thead><tbody><tr>"
                + "".join(f"<td>{c}</td>" for c in cells) + "</tr></tbody></table>")

    def _repr_latex_(self) -> str:
        op = r"\leq" if self.relation == "<=" else "="
        step = self.step.replace("_", r"\_")
        return (f"$\\text{{{step}}}:\\ {self.lhs:.17g} {op} {self.rhs:.17g}"
                f"\\quad(\\text{{{self._verdict_text()}}})$")

    def _verdict_text(self) -> str:
        """One wording of the status for every display (text, HTML, LaTeX)."""
        return {"holds": "holds", "candidate": "VIOLATED (float64 candidate)",
                "violated": "VIOLATED (confirmed at high precision)"}[self.status]

    def __str__(self) -> str:
        return (f"[{self.step}] lhs={self.lhs:.17g} {self.relation} rhs={self.rhs:.17g}  "
                f"slack={self.slack:.3g} ratio={ratio_text(self.ratio)}  "
                f"{self._verdict_text()}")


def ratio(lhs: float, rhs: float) -> float:
    """The tightness ratio of ``lhs <= rhs`` (module docstring): <= 1 exactly when it holds."""
    if rhs > 0:
        return lhs / rhs
    if rhs < 0:
        return 2.0 - lhs / rhs
    if lhs == 0:
        return 0.0
    return math.copysign(math.inf, lhs)


def ratio_text(r) -> str:
    """A ratio as text that never reads as 1 when it is not 1: ``1 + 1.03e-03`` for a ratio
    within 1e-3 of 1 (and ``1 - ...`` below), 6 significant digits otherwise; ``inf`` and
    ``nan`` as such (the report explains them on their row)."""
    if r is None:
        return "—"
    r = float(r)
    if not math.isfinite(r):
        return "nan" if math.isnan(r) else ("inf" if r > 0 else "-inf")
    d = r - 1.0
    if d != 0 and abs(d) < 1e-3:
        return f"1 {'+' if d > 0 else '-'} {abs(d):.3g}"
    return f"{r:.6g}"


def worst(evidence: Iterable[Evidence]) -> Evidence:
    """The evidence with the highest tightness (the tightest or most violated case); a
    violated case always beats one that holds."""
    items = list(evidence)
    if not items:
        raise ValueError("worst: no evidence given")
    return max(items, key=lambda e: (e.status == "violated", not e.holds, e.tightness))
