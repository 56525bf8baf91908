"""From the pipeline's coverage holes (verif/uarch_coverage.py) to targeted items, for the
closure loop on the RTL (the testbench's coverage-driven sequence; the ISS alone cannot see
these bins). A hole whose situation one generator stream makes is served by that stream
under one-hot knobs; the others by the generator's item for that bin
(verif/generator/uarch_items.py), which reads the hole's name."""

from __future__ import annotations

import random
from dataclasses import replace

from isa_spec import Spec

from .generator import Knobs, Target

# holes served by a stream: group -> stream (knobs narrowed by `_stream_knobs`)
STREAM_OF = {"boxpair": "box_chain", "pred": "branchy_loop"}
ITEM_GROUPS = ("stall", "flush", "shadow", "stall_flush")   # verif/generator/uarch_items.py
FWD_DISTANCE = {"ex": "0", "id": "1"}   # EX forwards a result computed right before; ID bypasses one a word earlier


def _one_hot(weights: dict[str, float], keys) -> dict[str, float]:
    keys = set(keys)
    return {k: (1.0 if k in keys else 0.0) for k in weights}


def uarch_targets(spec: Spec, holes: list[str], base: Knobs, rng: random.Random) -> list[Target]:
    """One target per pipeline hole (in a random order: a program fits only some of them)."""
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
        elif group in STREAM_OF:
            k = base
            if group == "boxpair":
                k = replace(base, box_chain_weights=_one_hot(base.box_chain_weights, [p[2]]))
            out.append(Target("stream", STREAM_OF[group], k))
    rng.shuffle(out)
    return out
