"""Lemma 7 (appendix A; Lemma 8 of [78], displays (7), (8)): the mean-field recursion.

Claim (as stated): ``||mu_{t+1} - mu*||_1 <= (1 - beta d_bar) ||mu_t - mu*||_1
+ d2 C2 beta sqrt(sigma^pi_t)`` with ``d_bar = 1 - d1 d2 - d3``.

Checks along a run of Algorithm 1 (worst step reported; ``d1, d2, d3, C2`` measured along
the run, see ``trajectory``; ``D`` here is ``D(pi*_t, pi_t) = E_{d*}||pi*_t - pi_t||_1``):

- ``check_lemma7``: the claim as stated (theory ``lemma7.claim``, with ``sqrt(sigma)``);
- ``check_lemma7_corrected``: the claim with ``sqrt(2 sigma^pi_t)`` (theory
  ``lemma7.corrected_rhs``: what the proof establishes);
- ``check_lemma7_eq7_triangle``: the first inequality of (7) in 1-norm (step
  ``lemma7.eq7_triangle`` at the measured norms, ``sigma^mu_{t+1}`` on the left);
- ``check_lemma7_eq7_lipschitz``: step ``lemma7.eq7_lipschitz`` (Lemma 6 on the pair
  ``(mu_t, mu*)`` and Assumption 3 on ``(pi*_t, pi_t)``);
- ``check_lemma7_eq7_display``: all of (7), ``sigma^mu_{t+1} <= (1 - beta d_bar) sigma^mu_t +
  beta d2 D(pi*_t, pi_t)``;
- ``check_lemma7_eq8_cauchy_schwarz``: step ``lemma7.eq8_cauchy_schwarz``,
  ``D(pi*_t, pi_t) <= C2 sqrt(E_{d*_t}||pi*_t - pi_t||_1^2)``;
- ``check_lemma7_eq8_pinsker``: the last step of (8) as written,
  ``E_{d*_t}||pi*_t - pi_t||_1^2 <= sigma^pi_t`` (Pinsker without its factor 2: theory
  refutes it, ``lemma7.eq8_pinsker``; expected to FAIL near convergence);
- ``check_lemma7_pinsker``: Pinsker as it is, ``... <= 2 sigma^pi_t`` (``lemma7.pinsker``);
- ``check_lemma7_eq8``: display (8) as written, ``D(pi*_t, pi_t) <= C2 sqrt(sigma^pi_t)``
  (the Cauchy-Schwarz bound with the paper's Pinsker step; expected to FAIL).
"""

from __future__ import annotations

from .. import findings as _findings
from ._along import along
from ._theory import Bound
from .evidence import Evidence
from .instances import NACRunCase

#: Steps of Lemma 7 that the paper gets wrong; their checks are expected to fail somewhere.
KNOWN_FAILURES = {
    "lemma7.eq8_pinsker": "Pinsker's inequality is ||p - q||_1^2 <= 2 KL(p||q); the appendix "
                          "drops the 2, and the constant 2 is attained as pi_t -> pi*_t.",
    "lemma7.eq8": "display (8) inherits the missing factor 2: D(pi*_t, pi_t) <= C2 "
                  "sqrt(2 sigma^pi_t) is what Cauchy-Schwarz and Pinsker give.",
}

#: What the checks show about the statement itself (beyond its proof's steps); the report
#: prints it beside the claim's line. One fact, one place: the text is the findings
#: registry's (``mfgcheck.findings``, id ``lemma7.statement``), with its kind.
_STATEMENT = _findings.get("lemma7.statement")
STATEMENT_FINDING = f"{_STATEMENT.found} (finding {_STATEMENT.id}: {_STATEMENT.kind})"


def one_norms(tr, numbers):
    # the 1-norm versions of the coordinates u1, u2, u3 of theory's one-coordinate steps
    return {"u1": numbers["sigma_mu"], "u2": numbers["lambda_gap"], "u3": numbers["policy_gap"]}


def check_lemma7(run: NACRunCase, *, scope: str = "trajectory",
                 bound: Bound | None = None) -> Evidence:
    """Lemma 7 as stated (appendix A), at every step of the run."""
    return along("lemma7", run, scope=scope, bound=bound)


def check_lemma7_corrected(run: NACRunCase, *, scope: str = "trajectory",
                           bound: Bound | None = None) -> Evidence:
    """Lemma 7 with ``sqrt(2 sigma^pi_t)`` (theory ``lemma7.corrected_rhs``)."""
    from . import _theory
    fn = bound if bound is not None else _theory.expression("lemma7", "corrected_rhs")
    return along("lemma7", run, scope=scope, bound=fn, label="lemma7.corrected")


def check_lemma7_eq7_triangle(run: NACRunCase, *, scope: str = "trajectory",
                              bound: Bound | None = None) -> Evidence:
    """First inequality of (7): ``||mu_{t+1} - mu*|| <= (1-beta)||mu_t - mu*|| + beta
    ||Lambda(mu_t) - mu*|| + beta ||Gamma2(pi*_t, mu_t) - Gamma2(pi_t, mu_t)||``."""
    return along("lemma7.eq7_triangle", run, scope=scope, bound=bound, extra=one_norms,
                 lhs="sigma_mu_next")


def check_lemma7_eq7_lipschitz(run: NACRunCase, *, scope: str = "trajectory",
                               bound: Bound | None = None) -> Evidence:
    """Step ``lemma7.eq7_lipschitz``: ``beta ||Lambda(mu_t) - mu*|| + beta ||Gamma2(pi*_t,
    mu_t) - Gamma2(pi_t, mu_t)|| <= beta (d1 d2 + d3) sigma^mu_t + beta d2 D(pi*_t, pi_t)``."""
    return along("lemma7.eq7_lipschitz", run, scope=scope, bound=bound, extra=one_norms)


def check_lemma7_eq7_display(run: NACRunCase, *, scope: str = "trajectory",
                             bound: Bound | None = None) -> Evidence:
    """Display (7) whole: ``sigma^mu_{t+1} <= (1 - beta d_bar) sigma^mu_t + beta d2
    D(pi*_t, pi_t)`` (right side of step ``lemma7.eq7``)."""
    return along("lemma7.eq7", run, scope=scope, bound=bound, lhs="sigma_mu_next", rel="<=",
                 label="lemma7.eq7_display")


def check_lemma7_eq8_cauchy_schwarz(run: NACRunCase, *, scope: str = "trajectory",
                                    bound: Bound | None = None) -> Evidence:
    """Step ``lemma7.eq8_cauchy_schwarz``: ``D(pi*_t, pi_t) <= C2 sqrt(E_{d*_t}||pi*_t -
    pi_t||_1^2)``."""
    return along("lemma7.eq8_cauchy_schwarz", run, scope=scope, bound=bound)


def _pinsker(factor):
    def extra(tr, numbers):
        return {"pinsker_rhs": factor * numbers["sigma_pi"]}
    return extra


def check_lemma7_eq8_pinsker(run: NACRunCase, *, scope: str = "trajectory",
                             bound: Bound | None = None) -> Evidence:
    """Last step of (8) as the appendix uses it: ``E_{d*_t}||pi*_t - pi_t||_1^2 <=
    E_{d*_t} KL(pi*_t || pi_t)`` (KNOWN_FAILURES: Pinsker has a factor 2)."""
    fn = bound if bound is not None else (lambda **kw: kw["pinsker_rhs"])
    return along("lemma7.eq8_cauchy_schwarz", run, scope=scope, bound=fn, lhs="sq_l1",
                 extra=_pinsker(1.0), note=KNOWN_FAILURES["lemma7.eq8_pinsker"],
                 label="lemma7.eq8_pinsker")


def check_lemma7_pinsker(run: NACRunCase, *, scope: str = "trajectory",
                         bound: Bound | None = None) -> Evidence:
    """Pinsker's inequality as it is (step ``lemma7.pinsker``): ``E_{d*_t}||pi*_t -
    pi_t||_1^2 <= 2 sigma^pi_t``."""
    fn = bound if bound is not None else (lambda **kw: kw["pinsker_rhs"])
    return along("lemma7.eq8_cauchy_schwarz", run, scope=scope, bound=fn, lhs="sq_l1",
                 extra=_pinsker(2.0), label="lemma7.pinsker")


def check_lemma7_eq8(run: NACRunCase, *, scope: str = "trajectory",
                     bound: Bound | None = None) -> Evidence:
    """Display (8) as written: ``D(pi*_t, pi_t) <= C2 sqrt(sigma^pi_t)``: the right side of
    step ``lemma7.eq8_cauchy_schwarz`` with ``E||.||_1^2`` replaced by the paper's Pinsker
    bound ``sigma^pi_t`` (KNOWN_FAILURES)."""
    def extra(tr, numbers):
        return {"sq_l1": numbers["sigma_pi"]}
    return along("lemma7.eq8_cauchy_schwarz", run, scope=scope, bound=bound, extra=extra,
                 note=KNOWN_FAILURES["lemma7.eq8"], label="lemma7.eq8")


def statement_with_global_constants(run: NACRunCase, *, bound: Bound | None = None) -> Evidence:
    """Lemma 7 as stated with the paper's **global** constants, exact: on a game whose
    dynamics and rewards do not depend on mu (``families.exact_constants``: d1 = 0, d2 and d3
    in closed form, C2 = 1), at every step of the run. Not a ``check_`` (the report's random
    games depend on mu): the hunter runs it, ``mc.hunt(statement_with_global_constants,
    families=[families.mu_free_runs])``. Raises ``ValueError`` on a mu-dependent game."""
    from . import _theory
    from .families import exact_constants

    c = exact_constants(run.game)
    # d_bar too: theory's right side names it, and the run's numbers carry the d_bar of the
    # constants measured on the run (the pair's own contraction, tight by construction)
    glob = {k: c[k] for k in ("d1", "d2", "d3", "C2")}
    glob["d_bar"] = 1.0 - c["d1"] * c["d2"] - c["d3"]
    fn = bound if bound is not None else _theory.substituted(
        "lemma7", **{k: (lambda n, v=v: v) for k, v in glob.items()})
    ev = along("lemma7", run, bound=fn, label="lemma7.global")
    return Evidence(ev.claim, ev.step, ev.lhs, ev.rhs, ev.relation, instance=ev.instance,
                    measurements={**ev.measurements, "global_constants": c},
                    atol=ev.atol)
