"""The report's serverless section: the paper's application, SIMULATED (``mfgcheck.serverless``).

``run(profile_name)`` computes, as plain data for results.json:

- the serverless mean-field game (built from the simulator), its certified equilibrium and the
  assumption constants of Assumptions 1-3 (does d1 d2 + d3 < 1, Assumption 3's contraction,
  hold?), estimated by ``numerics.assumption_constants`` as for SIS and LQ;
- a short profile of the experiment (``experiment.Setting.quick()``: two busy hours of one
  held-out day, two seeds; the ``test`` profile a tiny one): NAC and DL-NAC trained on the
  game, evaluated beside the exact equilibrium policy, ENSURE and OpenWhisk's default; NAC
  trained online in the cluster (``serverless.online``) in the full and test profiles.

``render(part, figrel)`` states plainly that this is a simulation and what the paper measured
instead; every number it prints is read from the part (results.json).
"""

from __future__ import annotations

import time

from .doc import Heading, Image, Para, Table, fmt

FIGURE_NAMES = ("serverless-latency-cdf.png", "serverless-violations.png",
                "serverless-resources.png")
ASSUMPTION_BUDGET = {"test": 30, "quick": 200, "full": 1000}

PAPER_MEASURED = (
    "The paper (appendix E) measured a real OpenWhisk cluster on IBM Cloud (1 master and 21 "
    "worker nodes, 8 cores and 16-32 GB each), 12 benchmark functions driven by invocations "
    "sampled from the Azure Functions traces, latencies traced with FaaSProfiler, and compared "
    "NAC with ENSURE and OpenWhisk's default resource manager. We cannot run that cluster: "
    "everything below is a SIMULATION (SimPy) whose every modelling choice and number not "
    "taken from the paper is listed, with its source, in docs/serverless.md "
    "(mfgcheck.serverless.model). The workload is a synthetic trace in the Azure schema, not "
    "the Azure data.")


def setting_for(profile_name: str):
    from ..serverless import experiment

    if profile_name == "test":
        return experiment.Setting(functions=2, nodes=2, hours=0.1, start_hour=13.0, days=(2,),
                                  seeds=(0, 1), nac_T=20, K_critic=50, K_actor=50,
                                  online_window=5, online_hours=0.5, online_start_hour=12.0,
                                  online_passes=1)
    if profile_name == "full":
        return experiment.Setting(hours=24.0)
    return experiment.Setting.quick()


def run(profile_name: str, *, progress: bool = False) -> dict:
    """The section's data in this process (``ServerlessJob`` computes the same on an
    executor, its parts side by side)."""
    from ..serverless import experiment

    t0 = time.perf_counter()
    setting = setting_for(profile_name)
    exp = experiment.run(setting, progress=progress)
    return assemble(profile_name, game_part((profile_name, None)), exp,
                    time.perf_counter() - t0)


def game_part(arg) -> dict:
    """Task: the serverless game (calibrated ``data``, or the default calibration), its
    certified equilibrium and the assumption constants, from ``(profile_name, data)``."""
    from .. import numerics
    from ..serverless import game as game_mod

    profile_name, data = arg
    data = game_mod.default_data() if data is None else data
    g = game_mod.serverless(data=data).normalised()
    eq = numerics.solve_equilibrium(g)
    budget = ASSUMPTION_BUDGET.get(profile_name, 200)
    ac = numerics.assumption_constants(g, equilibrium=eq, n_pairs=budget, seed=0).to_dict()
    constants = {k: ac[k] for k in ("d0", "d1", "d2", "d3", "C1", "C2", "C3",
                                    "lipschitz_Lambda", "d_bar", "contraction")}
    return {"describe": g.to_dict(), "certificate": eq.certificate(),
            "mean_field": eq.mean_field.tolist(), "policy": eq.policy.tolist(),
            "contention": float(game_mod.contention(eq.mean_field, data)),
            "assumptions": constants, "assumption_budget": budget}


def assemble(profile_name: str, game: dict, exp: dict, seconds: float) -> dict:
    return {"simulation": True, "profile": profile_name, "game": game,
            "experiment": exp, "paper_measured": PAPER_MEASURED,
            "wall_time_inner": seconds}


def _calibration_task(setting) -> tuple:
    """Task: the experiment's calibration, and whether it is the game section's default one
    (same inputs: the section then reuses it instead of simulating the cells again)."""
    from ..serverless import experiment
    from ..serverless import game as game_mod

    data = experiment.calibration(setting)
    return data, game_mod.is_default(data)


def _train_task(arg) -> dict:
    from ..serverless import experiment

    setting, data = arg
    return experiment.train(setting, data=data)


def _online_task(arg) -> dict:
    from ..serverless import experiment

    setting, data = arg
    return experiment.train_online(setting, data=data)


def _simulate_task(arg) -> dict:
    from ..serverless import experiment

    setting, trained, name, day, seed = arg
    return experiment.simulate(setting, trained, name, day, seed)


# A simulated run's CPU: per invocation and per run (trace, arrivals, metrics), measured with
# benchmarks/serverless.py (a simulated day, 1.13 million invocations, 2.8-3.1 us each under
# the three policies, after issue 13's speed-up), in seconds.
SIMULATION_CPU_PER_INVOCATION_S = 3.0e-6
SIMULATION_CPU_PER_RUN_S = 0.1
# The scheduler's cost unit (``jobs.Task.cost``): the rate runs' iterations, about 3000 exact
# NumPy iterations per CPU second.
COST_PER_CPU_S = 3000.0


def simulation_cost(setting, day: int) -> float:
    """A simulated run's cost for the scheduler (longest first): its CPU seconds estimated
    from the invocations it simulates, in the rate runs' unit."""
    from ..serverless import experiment

    n = experiment.invocations(setting, day)
    return COST_PER_CPU_S * (SIMULATION_CPU_PER_RUN_S + SIMULATION_CPU_PER_INVOCATION_S * n)


class ServerlessJob:
    """The section as tasks for the report's executor (``jobs.Job``): the calibration, then
    the game section and the training side by side, then one task per simulated run
    (policy, day, seed). The same numbers as ``run`` (every task is deterministic in its
    argument; the runs are sorted when assembled)."""

    def __init__(self, profile_name: str):
        self.profile_name = profile_name
        self.setting = setting_for(profile_name)
        self.game: dict | None = None        # set when their tasks finish
        self.trained: dict | None = None
        self.online: dict | None = None
        self.data = None
        self.runs: list[dict] = []
        self.seconds = 0.0

    def _task(self, key, fn, arg, cost, label):
        from .jobs import Task

        return Task(key, fn, arg, cost, f"serverless {label}")

    def start(self):
        return [self._task(("calibrate",), _calibration_task, self.setting, 1e12,
                           "calibration (simulated cells)")]

    def take(self, task, outcome):
        from .jobs import TaskFailed

        if not outcome.ok:
            raise TaskFailed(outcome)
        self.seconds += outcome.seconds
        kind = task.key[0]
        from ..serverless import experiment

        if kind == "calibrate":
            data, default = outcome.value
            self.data = data
            tasks = [self._task(("game",), game_part,
                                (self.profile_name, data if default else None), 1e12,
                                "game, equilibrium, assumption constants"),
                     self._task(("train",), _train_task, (self.setting, data), 1e12,
                                "NAC and DL-NAC training")]
            if self.setting.online_passes:      # online NAC beside them (its own process)
                tasks.append(self._task(("online",), _online_task, (self.setting, data), 1e12,
                                        "NAC trained online in the simulated cluster"))
            return tasks
        if kind == "game":
            self.game = outcome.value
        elif kind == "train":
            self.trained = outcome.value
            names = [n for n in experiment.policies_of(self.setting) if n != experiment.ONLINE]
            return self._simulations(self.trained, names)
        elif kind == "online":
            self.online = outcome.value
            assert self.data is not None                 # set by the calibration's outcome
            trained = {"policies": {experiment.ONLINE: self.online["policy"]},
                       "median_rates": self.data.median_rates.tolist()}
            return self._simulations(trained, [experiment.ONLINE])
        else:
            self.runs.append(outcome.value)
        return []

    def _simulations(self, trained, names):
        from ..serverless import experiment

        return [self._task(("simulate", *sim), _simulate_task,
                           (self.setting, trained, *sim), simulation_cost(self.setting, sim[1]),
                           f"{sim[0]}, day {sim[1]}, seed {sim[2]}")
                for sim in experiment.simulations(self.setting, names)]

    def on_part_finished(self, name, result):
        return []

    def blocked(self) -> bool:
        return False

    def result(self) -> dict:
        from ..serverless import experiment

        assert self.game is not None and self.trained is not None   # result() comes last
        trained = self.trained
        if self.online is not None:
            assert self.data is not None                 # set by the calibration's outcome
            trained = experiment.with_online(trained, self.online, self.data)
        exp = experiment.assemble(self.setting, trained, self.runs, self.seconds)
        return assemble(self.profile_name, self.game, exp, self.seconds)


def _ci(c, digits=3):
    if c["mean"] is None:
        return "-"
    if c["low"] is None:
        return fmt(c["mean"], digits)
    return f"{fmt(c['mean'], digits)} [{fmt(c['low'], digits)}, {fmt(c['high'], digits)}]"


def _assumption_reading(a: dict) -> str:
    """What the constants say about Assumption 3 on this game (values from the part)."""
    text = (f"Assumption 3's contraction needs d1 d2 + d3 < 1; the estimates give "
            f"{fmt(a['lipschitz_Lambda'])}, and they are lower bounds of the suprema, so the "
            f"assumption {'fails' if not a['contraction'] else 'may hold'} on this game.")
    if a["d3"] >= 1.0 - 1e-9:
        text += (f" d3 = {fmt(a['d3'])}: the game's transitions do not depend on the mean "
                 "field (contention enters through the reward), so Gamma2(pi, .) is a "
                 "stochastic linear map and moves two point masses sent to disjoint "
                 "successors exactly as far apart as they were; d1 d2 + d3 < 1 would need "
                 "d1 d2 < 0. On games coupled through rewards only, the contraction of "
                 "Assumption 3 (as we read it: a supremum over all policies) cannot hold; "
                 "finding kind: hypothesis not satisfied by the paper's own application "
                 "(as we model it).")
    return text


def verdict(part: dict) -> str:
    conf = part["experiment"]["confidence_percent"]
    """One sentence: NAC against the baselines on the violation rate and CPU (from the part)."""
    s = part["experiment"]["summary"]
    nac, ens, ow = s["NAC"], s["ENSURE"], s["OpenWhisk default"]

    def rel(a, b, key):
        return "lower" if a[key]["high"] is not None and b[key]["low"] is not None and \
            a[key]["high"] < b[key]["low"] else (
            "higher" if a[key]["low"] is not None and b[key]["high"] is not None and
            a[key]["low"] > b[key]["high"] else "not distinguishable")

    return (f"NAC's violation rate vs ENSURE: {rel(nac, ens, 'violation_rate')}, vs OpenWhisk "
            f"default: {rel(nac, ow, 'violation_rate')}; NAC's CPU vs ENSURE: "
            f"{rel(nac, ens, 'cpu')}, vs OpenWhisk default: {rel(nac, ow, 'cpu')} ({conf}% "
            "intervals over the runs; 'not distinguishable' when they overlap).")


TRAINING_NOTE = (
    "NAC and DL-NAC are trained on the tabular game calibrated from the simulator; 'NAC "
    "(online)' is the same learner trained online in the simulated cluster on the training "
    "day, outside Theorem 1 (the cluster's own mean field, correlated samples, the realised "
    "reward; DL-NAC is not trained online: docs/serverless.md, 'Training online in the "
    "simulator')")
TRAINING_NOTE_NO_ONLINE = (
    "NAC and DL-NAC are trained on the tabular game calibrated from the simulator; NAC "
    "trained online in the simulated cluster (outside Theorem 1) is not in this profile (it "
    "costs two simulated cluster days): the full profile and `mfgcheck serverless` run it "
    "(docs/serverless.md, 'Training online in the simulator')")


def _training_note(exp: dict) -> str:
    return TRAINING_NOTE if exp.get("train", {}).get("online") else TRAINING_NOTE_NO_ONLINE


def _online_text(exp: dict) -> str:
    """How the online policy was trained (values from the part), or '' if it was not."""
    on = exp["train"].get("online")
    if not on:
        return ""
    return (f" NAC (online): {fmt(on['T'])} iterations of {fmt(on['window'])} simulated "
            f"minutes ({fmt(on['passes'])} pass(es) over hours {fmt(on['start_hour'])}-"
            f"{fmt(on['end_hour'])} of the training day), "
            f"{fmt(on['K_critic'])} critic and {fmt(on['K_actor'])} actor samples per "
            f"iteration.")


def claim_lines(part: dict) -> list[dict]:
    """The report summary's line for the section (values from the part): Assumption 3 on
    the serverless game and NAC's QoS violation rate against the baselines. Status: a
    finding when the assumption fails (a hypothesis the paper's own application does not
    satisfy, as we model it); otherwise a warning when NAC's interval is not below both
    baselines' (the paper's advantage not reproduced), else a pass."""
    a = part["game"]["assumptions"]
    exp = part["experiment"]
    st, s = exp["setting"], exp["summary"]
    nac, ens, ow = s["NAC"], s["ENSURE"], s["OpenWhisk default"]
    below = all(nac["violation_rate"]["high"] is not None and b["violation_rate"]["low"]
                is not None and nac["violation_rate"]["high"] < b["violation_rate"]["low"]
                for b in (ens, ow))
    status = "finding" if not a["contraction"] else ("pass" if below else "warn")
    text = (f"Serverless application (appendix E), **simulated** ({fmt(st['nodes'])} nodes, "
            f"{fmt(st['functions'])} functions, {fmt(st['hours'])} h of held-out trace, "
            f"{fmt(nac['runs'])} runs per policy): Assumption 3 "
            f"{'fails' if not a['contraction'] else 'is not refuted'} on its mean-field game "
            f"(d1 d2 + d3 = {fmt(a['lipschitz_Lambda'])}, a lower estimate); QoS violation "
            f"rate NAC {_ci(nac['violation_rate'])}, ENSURE {_ci(ens['violation_rate'])}, "
            f"OpenWhisk default {_ci(ow['violation_rate'])}: "
            + ("NAC below both, as the paper reports" if below else
               "the paper's advantage of NAC over both baselines is not reproduced")
            + (f"; NAC trained online {_ci(s['NAC (online)']['violation_rate'])}"
               if "NAC (online)" in s else "")
            + f". {_training_note(exp)}.")
    return [{"claim": "serverless", "status": status, "text": text}]


def render(part: dict, figrel: str) -> list:
    gp = part["game"]
    a = gp["assumptions"]
    exp = part["experiment"]
    st = exp["setting"]
    blocks = [Heading(2, "The paper's application, simulated (appendix E)"),
              Para(f"**This section is a simulation.** {part['paper_measured']}"),
              Heading(3, "The serverless mean-field game"),
              Para(f"A tabular game built from the simulator: 12 states (load level x "
                   f"allocation level), 3 actions (scale down, keep, up), the mean field sets "
                   f"the contention, reward -(QoS violation rate) - alpha * resources, alpha = "
                   f"0.3, normalised to [0, 1] (gamma {fmt(gp['describe']['gamma'])}, lam "
                   f"{fmt(gp['describe']['lam'])} after normalisation). Equilibrium certificate: "
                   f"exploitability {fmt(gp['certificate']['exploitability'])}, mean-field "
                   f"residual {fmt(gp['certificate']['mean_field_residual'])}; contention at "
                   f"the equilibrium u = {fmt(gp['contention'])}."),
              Table(["d0", "d1", "d2", "d3", "C1", "C2", "C3", "d1 d2 + d3", "d_bar",
                     "Assumption 3 contraction (d1 d2 + d3 < 1)"],
                    [[fmt(a[k]) for k in ("d0", "d1", "d2", "d3", "C1", "C2", "C3",
                                          "lipschitz_Lambda", "d_bar")]
                     + ["not refuted (estimates are lower bounds)" if a["contraction"]
                        else "fails (a lower bound already exceeds 1)"]],
                    caption=f"Lower estimates of the suprema (numerics.assumption_constants, "
                            f"{fmt(gp['assumption_budget'])} pairs, seed 0)."),
              Para(_assumption_reading(a)),
              Heading(3, "NAC against the baselines"),
              Para(f"{_training_note(exp)}. "
                   f"Trained on the game: NAC (Algorithm 1, linear features, sampled oracles, "
                   f"T = {fmt(st['nac_T'])}) and DL-NAC ({fmt(st['dl_segments'])} segments of "
                   f"{fmt(st['dl_segment_length'])}). Evaluated in the simulator on held-out "
                   f"day(s) {', '.join(str(d) for d in st['days'])} of the synthetic trace, "
                   f"hours {fmt(st['start_hour'])}-{fmt(st['end_hour'])}, "
                   f"{fmt(st['nodes'])} nodes, {fmt(st['functions'])} functions, seeds "
                   f"{', '.join(str(s) for s in st['seeds'])}. Mean and "
                   f"{exp['confidence_percent']}% interval over the runs.{_online_text(exp)} "
                   f"{verdict(part)}")]
    ex = exp["train"]["exploitability"]
    rows = []
    for name in exp["policies"]:
        s = exp["summary"][name]
        rows.append([name, _ci(s["violation_rate"]), _ci(s["functions_meeting_qos"]),
                     _ci(s["cpu"]), _ci(s["cpu_used"]), _ci(s["memory"]), _ci(s["cold_starts"]),
                     fmt(ex.get(name)) if name in ex else "-"])
    blocks.append(Table(["policy", "QoS violation rate", "functions meeting QoS",
                         "CPU reserved (cores)", "CPU used (cores)", "memory reserved (GB)",
                         "cold starts",
                         "exploitability on the game"], rows))
    fns = exp["runs"][0]["functions"]
    p99_rows = []
    for k, fname in enumerate(fns):
        p99_rows.append([fname, fmt(exp["runs"][0]["qos_target"][k])]
                        + [_ci(exp["summary"][n]["p99"][k]) for n in exp["policies"]])
    blocks.append(Table(["function", "QoS target (s)"]
                        + [f"p99 (s): {n}" for n in exp["policies"]], p99_rows))
    for name, cap in zip(FIGURE_NAMES, ("Latency tails per function, P(latency > x) "
                                        "against latency / QoS target (simulated)",
                                        "QoS violations per function (simulated)",
                                        "Resources over the simulated hours")):
        blocks.append(Image(f"{figrel}/{name}", cap, cap + "."))
    return blocks
