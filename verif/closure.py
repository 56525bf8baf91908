"""Coverage-driven stimulus: a closed loop from coverage holes to generator knobs.

Each iteration generates a batch of programs, runs them on the ISS (sampling coverage with
pre_state before every step) into the running model, then, for the "driven" strategy, reads
the holes and steers the Knobs toward them; "random" keeps Knobs.uniform. Program i of a run
has the same seed under both strategies, so the curves differ only by the steering.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from golden_model import Iss
from isa_spec import Config, Spec

from .coverage import CoverageModel, pre_state
from .generator import BOX_CLASSES, IMM_CLASSES, GeneratedProgram, Knobs, generate

STEP_LIMIT = 200_000  # per program; generated programs halt far earlier
FOCUS, BACKGROUND = 4.0, 0.15  # weight per hole / weight of what has no hole left


@dataclass
class ClosureResult:
    strategy: str
    config: str
    seed: int
    curve: list[tuple[int, float]]      # (retired instructions so far, percent)
    retired: int                        # retired instructions run
    retired_to_full: int | None         # when 100 % was reached (None: not within the budget)
    programs: int
    holes: list[str]
    model: CoverageModel = field(repr=False)

    @property
    def percent(self) -> float:
        return self.curve[-1][1]


def program_seed(seed: int, index: int) -> int:
    """The seed of program `index` of a closure run (the same for every strategy)."""
    return seed * 1_000_003 + index


def run_program(spec: Spec, config: Config, prog: GeneratedProgram, model: CoverageModel,
                stop_at_full: bool = True) -> tuple[int, bool]:
    """Run one program on the ISS, sampling every step. Returns (retired, reached 100 %)."""
    iss = Iss(config, spec)
    iss.load_program(prog.text, prog.data)
    model.reset_history()
    retired, total = 0, model.total
    for _ in range(STEP_LIMIT):
        if iss.state.halted:
            return retired, False
        pre = pre_state(iss)
        rec = iss.step()
        model.sample(rec, pre)
        retired += rec.trap is None
        if stop_at_full and model.covered == total:
            return retired, True
    raise RuntimeError(f"program seed {prog.seed} did not halt within {STEP_LIMIT} steps")


def steer(spec: Spec, model: CoverageModel, base: Knobs) -> Knobs:
    """Knobs aimed at the current holes: weights of what has holes rise with their number,
    weights of what is closed drop to a background level (never zero: fillers use them)."""
    holes = model.holes()
    if not holes:
        return base
    instr, hazard, imm, box, trap, csr, pattern = (Counter() for _ in range(7))
    zero_reg = loops = illegal = 0
    classes = set(IMM_CLASSES)
    for h in holes:
        p = h.split("/")
        group = p[0]
        if group in ("instr", "field", "box", "hazard", "branch"):
            instr[p[1]] += 1
        if group == "field":
            cls = p[3]
            if cls in classes:
                imm[cls] += 1
            elif cls in spec.csrs:
                csr[cls] += 1
            elif cls.endswith("0"):
                zero_reg += 1
        elif group in ("hazard", "hazard_kind"):
            hazard[p[2]] += 1
        elif group in ("box", "boxclass"):
            c = p[-1]
            for g in (BOX_CLASSES if c == "plain" else (c,)):
                box[g] += 1
        elif group == "trap":
            trap[p[1]] += 1
            illegal += len(p) > 2
        elif group == "pred":
            loops += 1
            saturated = p[1] in ("counter0", "counter3")
            pattern["rare" if saturated else "alternate"] += 1
            pattern["random"] += 1
        elif group == "branch":
            loops += 1

    def weights(old: dict[str, float], boost: Counter) -> dict[str, float]:
        if not boost:
            return dict(old)
        return {k: (1.0 + FOCUS * boost[k]) if boost[k] else BACKGROUND for k in old}

    k = replace(base,
                instr_weights=weights(base.instr_weights, instr),
                hazard_weights=weights(base.hazard_weights, hazard),
                imm_class_weights=weights(base.imm_class_weights, imm),
                box_class_weights=weights(base.box_class_weights, box),
                trap_weights=weights(base.trap_weights, trap),
                csr_weights=weights(base.csr_weights, csr),
                pattern_weights=weights(base.pattern_weights, pattern))
    if trap:
        k.trap_prob = min(0.3, base.trap_prob * (1 + sum(trap.values())))
    if illegal:
        k.illegal_prob = min(0.2, base.illegal_prob * (1 + illegal))
    if loops:
        k.loop_prob = min(0.35, base.loop_prob * (1 + loops))
    if zero_reg:
        k.zero_reg_prob = min(0.35, base.zero_reg_prob * (1 + zero_reg / 4))
    return k


def run_closure(spec: Spec, config: Config, strategy: str, seed: int, budget_instructions: int,
                batch: int = 4, knobs: Knobs | None = None) -> ClosureResult:
    """Run batches until every bin is hit or the budget of retired instructions is spent."""
    if strategy not in ("driven", "random"):
        raise ValueError(f"strategy must be 'driven' or 'random', got {strategy!r}")
    base = knobs or Knobs.uniform(spec)
    model = CoverageModel(spec, config)
    current, retired, index, full = base, 0, 0, None
    curve = [(0, 0.0)]
    while retired < budget_instructions and full is None:
        for _ in range(batch):
            prog = generate(spec, config, program_seed(seed, index), current)
            index += 1
            n, done = run_program(spec, config, prog, model)
            retired += n
            curve.append((retired, model.percent()))
            if done:
                full = retired
                break
            if retired >= budget_instructions:
                break
        if strategy == "driven":
            current = steer(spec, model, base)
    return ClosureResult(strategy, config.name, seed, curve, retired, full, index, model.holes(), model)


def compare(spec: Spec, config: Config, seed: int, budget_instructions: int, batch: int = 4
            ) -> tuple[ClosureResult, ClosureResult, float]:
    """Driven and random on the same seeds and budget, and the ratio random / driven of the
    retired instructions to 100 % (random's budget if it never got there: a lower bound)."""
    driven = run_closure(spec, config, "driven", seed, budget_instructions, batch)
    rand = run_closure(spec, config, "random", seed, budget_instructions, batch)
    if driven.retired_to_full is None:
        return driven, rand, 0.0
    r = rand.retired_to_full if rand.retired_to_full is not None else rand.retired
    return driven, rand, r / driven.retired_to_full
