"""Coverage-driven stimulus: a closed loop from coverage holes to targeted programs.

Each program runs on the ISS (sampling coverage with pre_state before every step) into the
running model. "random" generates every program with Knobs.uniform. "driven" starts the
same way (WARMUP programs, identical to random's), then reads the holes after every program
and generates the next one from targeted items aimed at them (verif/targets.py: one-hot
knobs per item, packed so that one instruction fills every compatible hole it can), with no
random filler items; as holes close, the programs shrink. Program i of a run has the same
seed under both strategies, so both are reproducible from the seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from golden_model import Iss
from isa_spec import Config, Spec

from .coverage import CoverageModel, pre_state
from .generator import GeneratedProgram, Knobs, generate, generate_targeted
from .targets import plan

STEP_LIMIT = 200_000  # per program; generated programs halt far earlier
WARMUP = 1  # uniform programs before targeting: while nearly every bin is a hole, any item fills some


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


def driven_program(spec: Spec, config: Config, model: CoverageModel, seed: int, index: int,
                   base: Knobs, warmup: int = WARMUP) -> GeneratedProgram:
    """Program `index` of a coverage-driven run: uniform random for the first `warmup`
    programs (the same as the random strategy's), then targeted items for the holes of
    `model` as it is now (verif/targets.py). Reproducible from the seed and the model."""
    s = program_seed(seed, index)
    if index < warmup or not model.holes():
        return generate(spec, config, s, base)
    targets = plan(model, base, random.Random(s))
    return generate_targeted(spec, config, s, targets, base)


def run_closure(spec: Spec, config: Config, strategy: str, seed: int, budget_instructions: int,
                warmup: int = WARMUP, knobs: Knobs | None = None) -> ClosureResult:
    """Run programs until every bin is hit or the budget of retired instructions is spent.
    "random": Knobs.uniform throughout; "driven": `warmup` uniform programs, then each
    program is planned from the holes left by all before it."""
    if strategy not in ("driven", "random"):
        raise ValueError(f"strategy must be 'driven' or 'random', got {strategy!r}")
    base = knobs or Knobs.uniform(spec)
    model = CoverageModel(spec, config)
    retired, index, full = 0, 0, None
    curve = [(0, 0.0)]
    while retired < budget_instructions and full is None:
        if strategy == "driven":
            prog = driven_program(spec, config, model, seed, index, base, warmup)
        else:
            prog = generate(spec, config, program_seed(seed, index), base)
        index += 1
        n, done = run_program(spec, config, prog, model)
        retired += n
        curve.append((retired, model.percent()))
        if done:
            full = retired
    return ClosureResult(strategy, config.name, seed, curve, retired, full, index, model.holes(), model)


def compare(spec: Spec, config: Config, seed: int, budget_instructions: int, warmup: int = WARMUP
            ) -> tuple[ClosureResult, ClosureResult, float]:
    """Driven and random on the same seeds and budget, and the ratio random / driven of the
    retired instructions to 100 % (random's budget if it never got there: a lower bound)."""
    driven = run_closure(spec, config, "driven", seed, budget_instructions, warmup)
    rand = run_closure(spec, config, "random", seed, budget_instructions)
    if driven.retired_to_full is None:
        return driven, rand, 0.0
    r = rand.retired_to_full if rand.retired_to_full is not None else rand.retired
    return driven, rand, r / driven.retired_to_full
