"""The verdict lines at the top of the report, and the exit status, from results data only.

Per claim (Lemmas 1-8, Propositions 1-2, Theorem 1) one line combining theory's verdicts
for its proof steps, properties' checks and the findings registry (``mfgcheck.findings``):

- **fails** (status ``fail``): a check found a violation, confirmed at high precision, that
  theory does not explain (the step is not refuted or conditional, and the check documents
  no reason): a bug or an unreported error of the paper; the exit status is 1;
- **violated in float64 only** (``candidate``): an unexplained violation that no independent
  high-precision route confirmed; undecided, the exit status is 3;
- **fails at step X as written** (``finding``): theory refutes a step of the proof (exact
  counterexample); the line names the registry's kind and says whether the claim's
  statement itself held on the examples;
- **holds under a condition** (``finding``): a step holds only under a condition the paper
  does not state;
- **holds; a missing proof line** (``pass``): the only flagged step needs a fact that follows
  from the claim's own hypotheses (registry kind ``missing proof line``);
- **holds with a smaller constant** (``pass``): every step proved or checked, and the
  claim's own check never came within a factor 2 of its bound (max ratio < 0.5);
- **holds** (``pass``): every step proved or checked without violation;
- **not checked** (``unknown``): a check of the claim crashed, saw 0 examples or did not run
  (not selected, part missing); never a pass. The exit status is 3.

Theorem 1 adds one line per rate setting (rate.claim_lines), the assumptions, the paper's
experiments, the ablation and the (simulated) serverless application add theirs. Exit
status: 1 if any line is ``fail``; 3 if a part of the report could not run, a claim is not
checked or a violation is only a candidate; 0 otherwise (findings and warnings are printed
but do not fail the run).
"""

from __future__ import annotations

from ..registry import claim_id_of
from .doc import STATUS_ORDER, fmt
from .tables import claim_title, ratio_cell

SMALLER_CONSTANT = 0.5


def claim_line(claim: str, steps: list[dict], rows: list[dict],
               statement_finding: str | None = None, unchecked: dict | None = None) -> dict:
    """One claim's line (module docstring); ``unchecked`` maps the claim's checks that did
    not give evidence to the reason."""
    line = _claim_line(claim, steps, rows)
    if statement_finding:
        line["text"] += f"; statement: {statement_finding}"
        if line["status"] == "pass":
            line["status"] = "finding"
    if unchecked:
        why = "; ".join(f"{k}: {v}" for k, v in sorted(unchecked.items()))
        if line["status"] == "pass":
            line["status"] = "unknown"
            line["text"] = f"**not checked** ({why}); otherwise {line['text']}"
        else:
            line["text"] += f"; **not checked**: {why}"
    return line


def _kinds(step_ids) -> dict[str, str]:
    """``{step id: registry kind}`` for steps the findings registry grades."""
    from .. import findings

    return {sid: f.kind for sid in step_ids for f in findings.for_step(sid)}


def _claim_line(claim: str, steps: list[dict], rows: list[dict]) -> dict:
    refuted = [s for s in steps if s["verdict"] == "refuted"]
    conditional = [s for s in steps if s["verdict"] == "conditional"]
    fails = [r for r in rows if r["status"] == "fail"]
    candidates = [r for r in rows if r["status"] == "candidate"]
    examples = sum(r["examples"] for r in rows)
    own = [r for r in rows if r["step"] == claim]
    checked = f"{fmt(len(steps))} steps in theory, {fmt(len(rows))} checks on " \
              f"{fmt(examples)} examples" if (steps or rows) else ""
    kinds = _kinds([s["id"] for s in refuted + conditional])
    if fails:
        where = ", ".join(f"{r['step']} ({fmt(r['violations'])} of {fmt(r['examples'])}, "
                          f"{fmt(r.get('confirmed', r['violations']))} confirmed at high "
                          f"precision, max ratio {ratio_cell(r)})" for r in fails)
        return _line(claim, "fail", f"**fails**: violated at {where}, not explained by "
                                    f"theory ({checked})")
    if candidates:
        where = ", ".join(f"{r['step']} ({fmt(r['violations'])} of {fmt(r['examples'])}, "
                          f"max ratio {ratio_cell(r)})" for r in candidates)
        return _line(claim, "candidate", f"**violated in float64 only** at {where}: no "
                                         f"independent high-precision route confirmed it "
                                         f"({checked})")
    stmt = ""
    if own:
        r = own[0]
        stmt = (f"; its statement held on the {fmt(r['examples'])} examples drawn here "
                f"(max ratio {ratio_cell(r)})" if not r["violations"] else
                f"; its statement was violated on {fmt(r['violations'])} of "
                f"{fmt(r['examples'])} examples ({fmt(r.get('confirmed', 0))} confirmed at "
                f"high precision, max ratio {ratio_cell(r)})")
    if refuted:
        ids = "; ".join(f"{s['id']} (`{s['detail']}`"
                        + (f"; {kinds[s['id']]}" if s["id"] in kinds else "") + ")"
                        for s in refuted)
        return _line(claim, "finding", f"**fails at step** {ids}{stmt} ({checked})")
    if conditional and all(kinds.get(s["id"]) == "missing proof line" for s in conditional):
        conds = "; ".join(f"{s['id']} `{s['detail']}`" for s in conditional)
        return _line(claim, "pass", f"**holds**; a missing proof line, not a finding against "
                                    f"the statement: {conds}, which follows from the claim's "
                                    f"hypotheses{stmt} ({checked})")
    if conditional:
        conds = "; ".join(f"{s['id']} `{s['detail']}`"
                          + (f" ({kinds[s['id']]})" if s["id"] in kinds else "")
                          for s in conditional)
        return _line(claim, "finding", f"**holds under a condition**: {conds} ({checked})")
    if not steps and not rows:
        return _line(claim, "unknown", "**not checked** in this report")
    viol = [r for r in rows if r["violations"]]
    if viol:  # explained violations of checks (documented by the checks)
        where = ", ".join(r["step"] for r in viol)
        return _line(claim, "finding", f"**holds except** {where} (documented by the check; "
                                       f"{checked})")
    if own and own[0]["max_ratio"] is not None and own[0]["max_ratio"] < SMALLER_CONSTANT:
        return _line(claim, "pass", f"**holds with a smaller constant**: max ratio "
                                    f"{ratio_cell(own[0])} ({checked})")
    ratio = f"; max ratio {ratio_cell(own[0])}" if own and own[0]["max_ratio"] else ""
    return _line(claim, "pass", f"**holds** ({checked}{ratio})")


def _line(claim: str, status: str, text: str) -> dict:
    return {"claim": claim, "title": claim_title(claim), "status": status, "text": text}


def _unchecked_by_claim(lemmas: dict) -> dict[str, dict[str, str]]:
    """``{claim: {check or claim: reason}}`` for claims whose numeric checks did not all give
    evidence (tables.not_checked), or did not run at all."""
    from ..registry import claims
    from .tables import not_checked

    ids = tuple(claims())
    out: dict[str, dict[str, str]] = {}
    if lemmas.get("status") != "ok":
        why = "the lemma checks did not run" + (f": {lemmas.get('error')}"
                                                if lemmas.get("error") else "")
        return {c: {c: why} for c in ids}
    selected = set(lemmas.get("selected") or ids)
    with_rows = {r["claim"] for r in lemmas.get("rows", []) if r["examples"]}
    calls = lemmas.get("calls")
    for sid, reason in not_checked(lemmas).items():
        out.setdefault(claim_id_of(sid), {})[sid] = reason
    for c in ids:
        if c not in selected:
            out.setdefault(c, {})[c] = "its checks were not selected in this report"
        elif c not in with_rows and (calls is None or
                                     not any(claim_id_of(k) == c for k in calls)):
            out.setdefault(c, {})[c] = "no check ran"
    return out


def build(parts: dict) -> dict:
    """Summary lines, findings and the exit status from the parts' results."""
    theory = parts.get("theory", {})
    lemmas = parts.get("lemmas", {})
    steps = theory.get("steps", []) if theory.get("status") == "ok" else []
    rows = lemmas.get("rows", []) if lemmas.get("status") == "ok" else []
    unchecked = _unchecked_by_claim(lemmas)
    from ..registry import claims

    lines = []
    for claim in claims():
        line = claim_line(claim, [s for s in steps if s["claim"] == claim],
                          [r for r in rows if r["claim"] == claim],
                          lemmas.get("statement_findings", {}).get(claim) if rows else None,
                          unchecked.get(claim))
        if claim == "theorem1" and parts.get("rate", {}).get("status") == "ok":
            from .rate import claim_lines

            line["details"] = claim_lines(parts["rate"])
            worst = _worst([line["status"]] + [d["status"] for d in line["details"]])
            line["status"] = worst
        lines.append(line)
    extra = []
    if parts.get("assumptions", {}).get("status") == "ok":
        from .tables import assumption_lines

        extra += assumption_lines(parts["assumptions"])
    if parts.get("experiments", {}).get("status") == "ok":
        from .experiments import claim_lines as exp_lines

        extra += exp_lines(parts["experiments"])
    if parts.get("ablation", {}).get("status") == "ok":
        from .experiments import ablation_lines

        extra += ablation_lines(parts["ablation"])
    if parts.get("serverless", {}).get("status") == "ok":
        from .serverless import claim_lines as serverless_lines

        extra += serverless_lines(parts["serverless"])
    findings = [{"id": s["id"], "verdict": s["verdict"], "detail": s["detail"],
                 "note": s["note"]} for s in steps if s["verdict"] in ("refuted", "conditional")]
    errors = {name: p.get("error", "") for name, p in parts.items() if p.get("status") != "ok"}
    for name, p in parts.items():
        for e in p.get("errors", []) if p.get("status") == "ok" else []:
            errors[f"{name}/{e['id']}"] = e["error"]
    statuses = [ln["status"] for ln in lines] + [e["status"] for e in extra]
    for ln in lines:
        statuses += [d["status"] for d in ln.get("details", [])]
    undecided = any(s in ("unknown", "candidate") for s in statuses) or any(unchecked.values())
    exit_status = 1 if "fail" in statuses else (3 if errors or undecided else 0)
    from .. import findings as registry

    return {"claims": lines, "other": extra, "findings": findings, "errors": errors,
            "key_findings": key_findings(parts), "registry": registry.as_records(),
            "not_checked": unchecked,
            "counts": {s: statuses.count(s) for s in ("pass", "warn", "finding", "fail",
                                                      "candidate", "unknown")},
            "exit_status": exit_status}


def _simplex_estimate(parts: dict, entry: dict) -> str:
    """The other estimate of d1 d2 + d3 for the same game (the assumptions part's search over
    the whole simplex), named, so that the report's two numbers are never confused."""
    rows = parts.get("assumptions", {}).get("rows", []) \
        if parts.get("assumptions", {}).get("status") == "ok" else []
    name = entry.get("game", {}).get("name")
    for r in rows:
        if r.get("name") == name:
            return f"; {fmt(r['lipschitz_Lambda'])} over the whole simplex (Assumptions section)"
    return ""


def _worst(statuses: list[str]) -> str:
    for s in STATUS_ORDER:
        if s in statuses:
            return s
    return "unknown"


def key_findings(parts: dict) -> list[str]:
    """Plain statements of what the numbers say about the paper (from the rate, assumption
    and experiment parts), for the top of the report."""
    out = []
    rate = parts.get("rate", {})
    for e in rate.get("settings", []) if rate.get("status") == "ok" else []:
        f, tail, last = e["fit"], e["fit_tail"], e["per_T"][-1]
        if not f:
            continue
        c = e["constants"]
        where = f"{e['title']} (T up to {fmt(last['T'])})"
        if e["oracle"] == "exact":
            verdict = {"consistent": "attains the rate T^-1/5: the exponent is tight",
                       "faster": "decays faster than T^-1/5 on this range",
                       "slower": "decays slower than T^-1/5 on this range"}
            ref = tail or f
            text = (f"{where}: Theorem 1's left side has slope {fmt(f['slope'])} "
                    f"(upper half of the grid {fmt(ref['slope'])}, CI [{fmt(ref['ci_low'])}, "
                    f"{fmt(ref['ci_high'])}]) and {verdict[e['tail_verdict']]}")
            if not c["contraction"]:
                text += (f", although Assumption 3 fails on this game (d1 d2 + d3 = "
                         f"{fmt(c['lipschitz_Lambda'])} >= 1 on the iterates these runs "
                         f"visit{_simplex_estimate(parts, e)}; both are lower estimates)")
            out.append(text + ".")
            if last["last_mean"] is not None and last["last_mean"] < 1e-2 * last["lhs_mean"]:
                out.append(f"{where}: the last iterate is much closer to the equilibrium than "
                           f"the average ({fmt(last['last_mean'])} vs {fmt(last['lhs_mean'])} "
                           f"at T = {fmt(last['T'])}): the averaging of Theorem 1, with "
                           f"beta ~ T^-4/5, is what limits the rate.")
            if e["max_ratio"] is not None:
                out.append(f"{where}: the explicit bound (15)-(17) holds at every T, observed/"
                           f"bound at most {fmt(e['max_ratio'])} (loose by a factor "
                           f"{fmt(1 / e['max_ratio'])} or more).")
        else:
            out.append(f"{where}: with the {e['oracle']} oracle the measured eps_total is "
                       f"{fmt(last['eps_total'])} and the left side stays near "
                       f"{fmt(last['lhs_mean'])} (slope {fmt(f['slope'])}): the "
                       f"sqrt(eps_total) term of the bound dominates at this sample size. "
                       f"The ablation isolates the cause: the critic restarted from psi_0 = 0 "
                       f"with a constant step at every iteration is far from q in every norm "
                       f"(weighted and per-(s, a) alike); a warm start alone removes the "
                       f"lock-in (docs/algorithms.md, 'Ablation').")
    exp = parts.get("experiments", {})
    for p in exp.get("panels", []) if exp.get("status") == "ok" else []:
        nac, dl = p["algorithms"]
        if p.get("oracle") != "exact" and nac["zigzag"]["end"] >= 0.9 * nac["zigzag"]["start"]:
            ck = p["setting"]["oracle_kwargs"]
            out.append(f"{p['figure']} ({p['title']}): with the paper's critic step "
                       f"{fmt(ck.get('critic_step'))} and K = {fmt(ck.get('K_critic'))} samples "
                       f"per critic call, neither NAC nor DL-NAC reduces the exploitability "
                       f"({fmt(nac['zigzag']['start'])} -> {fmt(nac['final_mean'])}): the "
                       "figures are not reproduced at this budget (the critic barely moves "
                       "from its initialisation).")
    return out
