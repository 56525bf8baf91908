"""From the pipeline's coverage holes (verif/uarch_coverage.py) to targeted items, for the
closure loop on the RTL (the testbench's coverage-driven sequence; the ISS alone cannot see
these bins). A hole whose situation one generator stream makes is served by that stream
under one-hot knobs; the others by the generator's item for that bin
(verif/generator/uarch_items.py), which reads the hole's name."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace

from isa_spec import Config, Spec
from isa_spec.timing import timing_table

from .generator import BOX_OPERATOR_CLASS, Knobs, Target, instruction_roles

ITEM_GROUPS = ("stall", "flush", "shadow", "stall_flush")   # verif/generator/uarch_items.py
FWD_DISTANCE = {"ex": "0", "id": "1"}   # EX forwards a result computed right before; ID bypasses one a word earlier


def _one_hot(weights: dict[str, float], keys) -> dict[str, float]:
    keys = set(keys)
    return {k: (1.0 if k in keys else 0.0) for k in weights}


def uarch_targets(spec: Spec, config: Config, holes: list[str], base: Knobs, rng: random.Random,
                  loop: Callable[[int, bool], Target]) -> tuple[list[Target], list[Target]]:
    """One target per pipeline hole, in a random order (a program fits only some of them):
    (targets, closing ones: items that end the program with a halt, to go after all others).
    `loop(counter, taken)` is the planner's loop target for a predictor state."""
    out: list[Target] = []
    for h in holes:
        p = h.split("/")
        if len(p) < 3 or p[0] != "uarch":
            continue
        group = p[1]
        if group == "stall" and p[2] == "mem_port":
            out.append(Target("stream", "mem_port", replace(base, hazard_weights=_one_hot(base.hazard_weights, "0"))))
        elif group in ITEM_GROUPS:
            out.append(Target("uarch", h, base))
        elif group == "fwd":   # fwd/PATH/FIELD/CLASS: a chain into a CLASS instruction reading FIELD
            path, fld, cls = p[2], p[3], p[4]
            names = [n for n, i in spec.instructions.items() if i.iclass == cls
                     and any(o.kind == "xreg" and o.field.name == fld for o in i.operands)]
            out.append(Target("stream", "chain", replace(
                base, instr_weights=_one_hot(base.instr_weights, names),
                hazard_weights=_one_hot(base.hazard_weights, FWD_DISTANCE[path]))))
        elif group == "boxpair":   # both operations of the spec's box class
            box = [n for n, i in spec.instructions.items() if i.iclass == BOX_OPERATOR_CLASS]
            out.append(Target("stream", "box_chain", replace(
                base, box_chain_weights=_one_hot(base.box_chain_weights, [p[2]]),
                instr_weights=_one_hot(base.instr_weights, box))))
        elif group == "pred":   # pred/counterC/OUTCOME/STAGE: a branch-heavy loop with the planner's
            # pattern for that counter state, over branches resolved there (their value patterns)
            mw = timing_table(spec, config).resolve_in_mw
            names = [n for n, i in spec.instructions.items() if i.conditional and (n in mw) == (p[4] == "mw")]
            k = loop(int(p[2].removeprefix("counter")), p[3] == "taken").knobs
            out.append(Target("stream", "branchy_loop", replace(k, instr_weights=_one_hot(k.instr_weights, names))))
    rng.shuffle(out)
    roles = instruction_roles(spec, config)
    halting = {f"uarch/stall/ex_busy/{c}" for c in {i.iclass for i in spec.instructions.values()}
               if all(roles[n].halts for n, i in spec.instructions.items() if i.iclass == c)}
    return [t for t in out if t.name not in halting], [t for t in out if t.name in halting][:1]
