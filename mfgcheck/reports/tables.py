"""The three tables of the report: theory's verdicts, the lemma checks, the assumptions.

- **Verdicts** (``theory_part``): every proof step of ``mfgcheck.theory.verdicts()`` with its
  status (proved / conditional / refuted / numeric), the condition or counterexample, and
  the property of properties/ that checks a numeric step.
- **Lemma checks** (``lemma_part``): properties/' checks run on a budget (``lemmas``), per
  step: examples, violations, minimum slack, tightest ratio lhs/rhs (<= 1 holds; 1 is tight)
  and the tightest instance. A violation is a *finding* when theory/ marks the step (or its
  claim) refuted or conditional, or the check's evidence carries a note explaining it;
  otherwise it is a *failure* (docs/report.md, "Exit status").
- **Assumptions** (``assumption_part``): d0..d3, C1..C3 (numerics.assumption_constants,
  lower estimates by search; C1..C3 around the equilibrium), Lemma 6's contraction
  ``d1 d2 + d3 < 1``, and the reward normalisation of each game.
"""

from __future__ import annotations

import math
import time

from ..registry import claim_id_of, claims
from .doc import STATUS_ORDER, Details, Heading, Para, Table, badge, fmt
from .settings import AssumptionSetting


def claim_title(name: str) -> str:
    """A registered claim's title ("Lemma 3"); another name (an assumption, "experiments")
    as it is."""
    spec = claims().get(name)
    return spec.title if spec is not None else name


def claim_anchor(name: str) -> str:
    """The anchor of a claim's section in the report (its proof steps, ``render_theory``):
    the summary table and the findings table link there."""
    return f"claim-{name}"


# -- theory verdicts ---------------------------------------------------------------------
def _get(obj, name, default=None):
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def _step_record(step) -> dict:
    """A theory Step (or dict) as plain strings and numbers."""
    import sympy as sp

    detail = step.detail() if hasattr(step, "detail") else ""
    cond = _get(step, "condition")
    cex = _get(step, "counterexample")
    sid = str(_get(step, "id"))
    return {
        "id": sid, "claim": str(_get(step, "claim", None) or claim_id_of(sid)),
        "label": str(_get(step, "label", "") or ""),
        "relation": str(_get(step, "relation", "")),
        "justification": str(_get(step, "justification", "") or ""),
        "kind": str(_get(step, "kind", "") or ""), "verdict": str(_get(step, "verdict")),
        "condition": sp.sstr(cond) if cond is not None else None,
        "counterexample": ({str(k): sp.sstr(v) for k, v in cex.items()} if cex else None),
        "property": _get(step, "property"), "note": str(_get(step, "note", "") or ""),
        "detail": detail,
    }


def theory_part() -> dict:
    start = time.perf_counter()
    from .. import theory

    steps = [_step_record(s) for s in theory.verdicts()]
    counts: dict[str, dict[str, int]] = {}
    for s in steps:
        c = counts.setdefault(s["claim"], {})
        c[s["verdict"]] = c.get(s["verdict"], 0) + 1
    return {"steps": steps, "counts": counts, "wall_time": time.perf_counter() - start}


def render_theory(part: dict) -> list:
    blocks = [Heading(2, "Proof steps: theory's verdicts"),
              Para("Every inequality step of appendices A and B as a SymPy relation. "
                   "**proved**: SymPy shows it under the declared assumptions; "
                   "**conditional**: it holds exactly under the stated condition; "
                   "**refuted**: an exact counterexample satisfying every assumption violates "
                   "it; **numeric**: it rests on a paper assumption or on probability and is "
                   "checked by the named property (lemma table below).")]
    rows = []
    for claim in sorted(part["counts"], key=_claim_order):
        c = part["counts"][claim]
        rows.append([claim_title(claim)] + [fmt(c.get(v, 0)) for v in
                                            ("proved", "conditional", "refuted", "numeric")])
    blocks.append(Table(["claim", "proved", "conditional", "refuted", "numeric"], rows))
    # one section per claim, anchored, so that the summary and the findings link to it
    for claim in sorted({s["claim"] for s in part["steps"]}, key=_claim_order):
        rows = [[s["id"], s["label"], s["verdict"], s["justification"],
                 f"`{s['detail']}`" if s["detail"] else "", s["note"]]
                for s in part["steps"] if s["claim"] == claim]
        c = part["counts"].get(claim, {})
        kinds = ["proved", "conditional", "refuted", "numeric"]
        kinds += sorted(set(c) - set(kinds))
        folded = f"{fmt(len(rows))} steps: " + ", ".join(
            f"{fmt(c[v])} {v}" for v in kinds if c.get(v))
        blocks += [Heading(3, claim_title(claim), anchor=claim_anchor(claim)),
                   Details(folded, [Table(["step", "what", "verdict",
                                           "justification (appendix)",
                                           "condition / counterexample / property", "note"],
                                          rows)])]
    return blocks


def _claim_order(name: str):
    """Registration order (the paper's claims in the appendix's order, then plugins'); names
    no claim registers last, alphabetically."""
    ids = list(claims())
    return (ids.index(name), name) if name in ids else (len(ids), name)


# -- lemma checks --------------------------------------------------------------------------
def _status(e: dict) -> str:
    """An example's status (older records without one: from ``holds``)."""
    return e.get("status") or ("holds" if e["holds"] else "candidate")


def ratio_note(r, tight: dict) -> str:
    """Why a ratio is infinite, NaN or above 1 on a row that holds (printed on the row)."""
    if r is None:
        return ""
    r = float(r)
    holds = _status(tight) == "holds" if "holds" in tight else True
    if r != r:
        return "ratio NaN: a side is NaN"
    if math.isinf(r):
        if r < 0:
            return "ratio -inf: rhs = 0 and lhs < 0 (holds)"
        return ("ratio inf: rhs = 0 and lhs > 0" + (
            f", within the error {fmt(_f(tight['error']))} of the computed sides"
            if holds and tight.get("error") is not None else ""))
    if r > 1 and holds:
        precise = tight.get("precise") or {}
        if tight.get("confirmed") is False:
            # a float64 violation that the independent re-check overturned (confirm.py):
            # the row holds because of that re-check, not because of rounding
            from ..properties.evidence import ratio_text

            again = precise.get("ratio")
            return ("ratio > 1 in float64, overturned by the re-check ("
                    + str(precise.get("route", "high precision"))
                    + (f": ratio {ratio_text(_f(again))}" if again is not None else "") + ")")
        err = tight.get("error")
        return ("ratio > 1 but within the error of the computed sides"
                + (f" ({fmt(_f(err))})" if err is not None else ""))
    return ""


def summarise_evidence(records: dict[str, list[dict]], theory_steps: list[dict] | None) -> list:
    """Per step: examples, violations (confirmed at high precision / float-only
    candidates), min slack, max ratio, tightest case, status.

    ``records`` maps a step id to the ``Evidence.to_dict()`` of every example. The status is
    ``pass`` (no violation), ``finding`` (violations that theory or the check explains),
    ``fail`` (an unexplained violation confirmed at high precision), ``candidate`` (an
    unexplained violation seen in float64 only, not confirmed) or ``warn`` (NaN sides)."""
    from ..properties import known_failures

    known = known_failures()
    verdict = {s["id"]: s["verdict"] for s in theory_steps or []}
    claim_bad = {s["claim"] for s in theory_steps or [] if s["verdict"] in
                 ("refuted", "conditional")}
    rows = []
    for step, evs in sorted(records.items(), key=lambda kv: (_claim_order(claim_id_of(kv[0])),
                                                              kv[0])):
        if not evs:
            continue
        claim = evs[0]["claim"]
        # A NaN side (e.g. sqrt of a rounding-negative KL) is no evidence either way: such
        # examples are counted apart ("invalid"), neither as violations nor as support.
        invalid = [e for e in evs if _nan(e["lhs"]) or _nan(e["rhs"])]
        budget = _budget(evs, invalid)
        evs = [e for e in evs if not (_nan(e["lhs"]) or _nan(e["rhs"]))]
        if not evs:
            rows.append({"claim": claim, "step": step, "examples": 0, "violations": 0,
                         "confirmed": 0, "candidates": 0,
                         "invalid": len(invalid), "min_slack": None, "max_ratio": None,
                         "ratio_excess": None, "ratio_note": "every example had a NaN side",
                         "theory_verdict": verdict.get(step), "status": "warn",
                         "tightest": {"lhs": None, "rhs": None, "instance": "",
                                      "note": "every example had a NaN side"},
                         "budget": budget})
            continue
        viol = [e for e in evs if _status(e) != "holds"]
        confirmed = [e for e in viol if _status(e) == "violated"]
        tight = max(evs, key=lambda e: (_status(e) == "violated", _status(e) != "holds",
                                        _f(e.get("tightness", e["ratio"]))))
        # explained: theory flags the step, or the check lists it among the paper's known
        # failures (KNOWN_FAILURES); a descriptive note on the evidence explains nothing
        explained = (verdict.get(step) in ("refuted", "conditional")
                     or (step == claim and claim in claim_bad)
                     or step in known)
        max_ratio = _f(tight.get("tightness", tight["ratio"]))
        if not viol:
            status = "pass" if not invalid else "warn"
            if verdict.get(step) == "refuted":
                # theory proves a counterexample exists; these examples did not reach it
                status = "warn"
        elif explained:
            status = "finding"
        else:
            status = "fail" if confirmed else "candidate"
        rows.append({
            "claim": claim, "step": step, "examples": len(evs), "violations": len(viol),
            "confirmed": len(confirmed), "candidates": len(viol) - len(confirmed),
            "invalid": len(invalid),
            "min_slack": min(_f(e["slack"]) for e in evs),
            "max_ratio": max_ratio,
            # the distance to 1, stored so that a ratio of 1.0001 is printed "1 + 0.0001"
            "ratio_excess": (max_ratio - 1.0) if math.isfinite(max_ratio) else None,
            "ratio_note": ratio_note(max_ratio, tight) or (
                "theory refutes this step; no drawn example reached a counterexample"
                if verdict.get(step) == "refuted" and not viol else ""),
            "theory_verdict": verdict.get(step),
            "tightest": {"lhs": _f(tight["lhs"]), "rhs": _f(tight["rhs"]),
                         "instance": _short_instance(tight.get("instance", {})),
                         "note": tight.get("note", ""), "precise": tight.get("precise")},
            "status": status, "budget": budget,
        })
    return rows


def _budget(evs: list[dict], invalid: list[dict]) -> dict | None:
    """A check's declared budget (``measurements["budget"]``, e.g. Proposition 1's K grid)
    and how many examples it left unmeasured (``measurements["over_budget"]``)."""
    text = next((e["measurements"]["budget"] for e in evs
                 if isinstance(e.get("measurements"), dict) and e["measurements"].get("budget")),
                None)
    if text is None:
        return None
    over = sum(1 for e in invalid if isinstance(e.get("measurements"), dict)
               and e["measurements"].get("over_budget"))
    return {"text": text, "over": over, "of": len(evs)}


def ratio_cell(row: dict) -> str:
    """The max ratio of a row as the report prints it: never "1" for a ratio that is not
    exactly 1 (``1 + 0.00103``), with the reason for inf/NaN."""
    r = row.get("max_ratio")
    if r is None:
        return fmt(None)
    exc = row.get("ratio_excess")
    if exc is not None and exc != 0 and fmt(r) in ("1", "1.00"):
        text = f"1 {'+' if exc > 0 else '-'} {fmt(abs(exc))}"
    else:
        text = fmt(r)
    note = row.get("ratio_note")
    return f"{text} ({note})" if note else text


def _f(x) -> float:
    return float(x)


def _nan(x) -> bool:
    return x is None or (isinstance(x, str) and x == "nan") or (isinstance(x, float) and x != x)


def _short_instance(inst: dict) -> str:
    """A one-line description of a check's instance (the full one is in the run files)."""
    if not isinstance(inst, dict):
        return str(inst)[:80]
    parts = [str(inst.get("kind", ""))]
    game = inst.get("game")
    if isinstance(game, dict):
        parts.append(f"{game.get('name', '')} |S|={game.get('n_states')} "
                     f"|A|={game.get('n_actions')} gamma={fmt(game.get('gamma'))} "
                     f"lam={fmt(game.get('lam'))}")
    for k in ("R", "eta", "beta", "T", "floor_xy", "floor_z"):
        if k in inst:
            parts.append(f"{k}={fmt(inst[k])}")
    return " ".join(p for p in parts if p)


def lemma_part(setting, *, progress: bool = False, theory_steps=None) -> dict:
    """Run properties/' checks (``lemmas.run_checks``) and summarise them.

    ``calls`` records, per check, the examples it ran on and the calls that raised, so the
    summary can say *not checked* for a check that crashed, is missing or saw no example.
    The report reads nothing left by earlier test runs (the tightness records of the test
    campaigns live in a user cache directory, ``properties.tightness``)."""
    return lemma_summary(lemma_checks(setting, progress=progress), theory_steps)


def lemma_checks(setting, *, progress: bool = False, only: tuple[str, ...] = ()) -> dict:
    """The checks of ``lemma_part`` without the summary: they need no theory verdicts, so the
    report runs them beside the theory part and summarises when both are done. ``only``
    runs the checks of these claims alone (a share of ``setting``'s, for one task of the
    report; ``merge_lemma_checks`` joins the shares)."""
    from . import lemmas

    start = time.perf_counter()
    calls: dict = {}
    records, skipped, timings = lemmas.run_checks(examples=setting.examples,
                                                  claims=only or setting.claims,
                                                  progress=progress, calls=calls)
    return {"examples": setting.examples, "claims": tuple(setting.claims), "records": records,
            "skipped": skipped, "calls": calls, "timings": timings,
            "seconds": time.perf_counter() - start}


def merge_lemma_checks(shares: list[dict]) -> dict:
    """``lemma_checks(setting)`` from the ``lemma_checks(setting, only=...)`` of disjoint
    claim lists, given in the order of the claims (the order ``run_checks`` runs the groups
    in: sorted by claim): every group is its own derandomised search, so its draws do not
    depend on which groups ran before it in the process."""
    out: dict = {"examples": shares[0]["examples"], "claims": shares[0]["claims"],
                 "records": {}, "skipped": {}, "calls": {}, "timings": {}, "seconds": 0.0}
    for sh in shares:
        for k in ("records", "skipped", "calls", "timings"):
            out[k].update(sh[k])
        out["seconds"] += sh["seconds"]
    return out


def lemma_summary(raw: dict, theory_steps) -> dict:
    """``lemma_part`` from ``lemma_checks``' output and the theory's steps (or None)."""
    rows = summarise_evidence(raw["records"], theory_steps)
    from ..properties import statement_findings

    return {"examples_per_group": raw["examples"], "rows": rows, "skipped": raw["skipped"],
            "calls": raw["calls"], "selected": list(raw["claims"] or claims()),
            "statement_findings": statement_findings(),
            "group_seconds": raw["timings"], "wall_time": raw["seconds"]}


def render_lemmas(part: dict) -> list:
    blocks = [Heading(2, "Lemma checks: properties/ on random instances"),
              Para(f"Each check draws instances with Hypothesis (derandomised; "
                   f"{fmt(part['examples_per_group'])} examples per group of checks sharing "
                   "an instance type, with target() on the ratio lhs/rhs to hunt for tight "
                   "cases) and measures both sides of the relation. ratio <= 1 means "
                   "the relation holds; 1 is tight; a ratio within a thousandth of 1 "
                   "is printed as 1 + x. A float64 violation is re-evaluated at 60 "
                   "digits (or on fresh seeds) where the check has an independent route "
                   "(properties.confirm): **confirmed** "
                   "violations count; the others are **candidates** (float64 only). A "
                   "violation is a **finding** when theory marks the step refuted or "
                   "conditional (or the check documents why it is expected), otherwise a "
                   "**failure** (confirmed) or a **candidate**. Examples where a side is NaN "
                   "are counted apart (column NaN): they support neither verdict (status "
                   "warn).")]
    rows = [[claim_title(r["claim"]), r["step"], fmt(r["examples"]),
             f"{fmt(r['violations'])} ({fmt(r.get('confirmed', 0))} confirmed)"
             if r["violations"] else "0",
             fmt(r.get("invalid", 0)), fmt(r["min_slack"]), ratio_cell(r),
             r["theory_verdict"] or "—", badge(r["status"]), r["tightest"]["instance"]]
            for r in part["rows"]]
    statuses = [r["status"] for r in part["rows"]]
    folded = f"{fmt(len(rows))} checks: " + ", ".join(
        f"{badge(st)} {fmt(statuses.count(st))}" for st in STATUS_ORDER if st in statuses)
    blocks.append(Details(folded, [Table(["claim", "check (step)", "examples", "violations",
                                          "NaN", "min slack", "max ratio", "theory", "status",
                                          "tightest instance"], rows)]))
    budgets = [(r["step"], r["budget"]) for r in part["rows"] if r.get("budget")]
    if budgets:
        blocks.append(Para("**Budgets**: " + "; ".join(
            f"`{step}`: {b['text']}; {fmt(b['over'])} of {fmt(b['of'])} examples over it "
            f"(not checked: column NaN)" for step, b in budgets) + "."))
    missing = not_checked(part)
    if missing:
        blocks.append(Para("**Not checked**: " + "; ".join(
            f"`{k}` ({v})" for k, v in sorted(missing.items()))))
    if part["skipped"]:
        blocks.append(Para("Not run: " + "; ".join(f"`{k}` ({v})" for k, v in
                                                    sorted(part["skipped"].items()))))
    return blocks


def not_checked(part: dict) -> dict[str, str]:
    """``{check step id: reason}`` for every check that crashed, saw no example, or did not
    run (a claim selected but without rows)."""
    out = {}
    rows = {r["step"]: r for r in part.get("rows", [])}
    for sid, c in sorted((part.get("calls") or {}).items()):
        if c.get("raised"):
            out[sid] = f"raised on {c['raised']} call(s)"
        elif not c.get("examples"):
            out[sid] = "ran on 0 examples"
        elif sid in rows and not rows[sid]["examples"]:
            out[sid] = "every example had a NaN side"
    return out


# -- the findings registry -----------------------------------------------------------------
def render_registry(records: list[dict]) -> list:
    """The findings registry (``mfgcheck.findings``, stored in results.json) as a table."""
    if not records:
        return []
    def claim_cell(name):
        # claims link to their section of the report (proof steps); others (an assumption,
        # the experiments) have no section
        return f"[{claim_title(name)}](#{claim_anchor(name)})" if name in claims() \
            else claim_title(name)

    rows = [[claim_cell(f["claim"]), f"`{f['id']}`", f["where"],
             f["found"] + (f" Repair: {f['repair']}." if f.get("repair") else ""),
             f["kind"], f["severity"], f["consequence"], f["evidence"]] for f in records]
    return [Heading(3, "Findings against the paper (registry)"),
            Para("Every finding of mfgcheck against the paper, graded by kind and severity "
                 "(mfgcheck/findings.py; docs/index.md prints the same table). The claim "
                 "links to its proof steps below."),
            Table(["claim", "id", "where", "what we found", "kind", "severity", "consequence",
                   "evidence"], rows)]


# -- assumptions -----------------------------------------------------------------------------
def assumption_part(setting: AssumptionSetting, *, progress: bool = False) -> dict:
    from . import runner

    start = time.perf_counter()
    rows = []
    for spec in setting.games:
        game = spec.build()
        raw = spec.__class__(spec.name, spec.kwargs, normalise=False).build()
        ac = runner.assumption_constants(game, n_pairs=setting.budget, seed=setting.seed,
                                           progress=progress)
        d = ac.to_dict()
        rows.append({"game": spec.title, "name": game.name, "n_states": game.n_states,
                     "n_actions": game.n_actions, "gamma": game.gamma, "lam": game.lam,
                     "lam_raw": raw.lam, "reward_range": list(raw.reward_range),
                     "reward_scale": raw.reward_scale, "normalised": spec.normalise,
                     **{k: d[k] for k in ("d0", "d1", "d2", "d3", "C1", "C2", "C3",
                                          "lipschitz_Lambda", "d_bar", "contraction")},
                     "budget": d.get("budget", {})})
    return {"rows": rows, "budget": setting.budget, "seed": setting.seed,
            "wall_time": time.perf_counter() - start}


def render_assumptions(part: dict) -> list:
    blocks = [Heading(2, "Assumptions 1-3 on each game"),
              Para(f"Constants estimated by numerics.assumption_constants (search budget "
                   f"{fmt(part['budget'])} pairs, seed {fmt(part['seed'])}): each is the "
                   "largest ratio found, a **lower estimate** of the supremum the assumption "
                   "needs; C1..C3 around the equilibrium. Lemma 6 and (16) need d1 d2 + d3 < 1. "
                   "The theory assumes rewards in [0, 1]: games are normalised to "
                   "r' = (r - r_min)/(r_max - r_min) with lam' = lam/(r_max - r_min).")]
    rows = [[r["game"], f"{fmt(r['n_states'])}x{fmt(r['n_actions'])}", fmt(r["gamma"]),
             f"{fmt(r['lam_raw'])} -> {fmt(r['lam'])}",
             f"[{fmt(r['reward_range'][0])}, {fmt(r['reward_range'][1])}]",
             fmt(r["d0"]), fmt(r["d1"]), fmt(r["d2"]), fmt(r["d3"]), fmt(r["C1"]),
             fmt(r["C2"]), fmt(r["C3"]), fmt(r["lipschitz_Lambda"]), fmt(r["contraction"])]
            for r in part["rows"]]
    blocks.append(Table(["game", "|S|x|A|", "gamma", "lam -> normalised", "reward range",
                         "d0", "d1", "d2", "d3", "C1", "C2", "C3", "d1 d2 + d3",
                         "contraction"], rows))
    return blocks


def assumption_lines(part: dict) -> list[dict]:
    out = []
    for r in part["rows"]:
        ok = r["contraction"]
        out.append({"claim": "assumption3", "status": "pass" if ok else "finding",
                    "text": f"{r['game']}: d1 d2 + d3 = {fmt(r['lipschitz_Lambda'])} over the "
                            "whole simplex (a lower estimate by search; the rate lines "
                            "give the estimate on the iterates a run visits) "
                            + ("< 1: Assumption 3's contraction holds (estimate)" if ok else
                               ">= 1: Assumption 3 fails on this game, so Lemma 7 and (16) "
                               "do not apply to it")})
    return out
