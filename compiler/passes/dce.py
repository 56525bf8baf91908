"""Dead-code elimination: pure ops whose results nothing uses (a `let` never read, a score
computed for an output that was optimised away) are removed, to a fixed point; so are
blocks no path reaches."""

from __future__ import annotations

from ..ir import Function
from ..ir.dominance import topological_order
from ..ir.ops import OPS

NAME = "dce"


def run(fn: Function, target=None) -> Function:
    reachable = set(topological_order(fn))
    dropped_blocks = [b.name for b in fn.blocks if b.name not in reachable]
    fn.blocks = [b for b in fn.blocks if b.name in reachable]
    removed: dict[str, int] = {}
    changed = True
    while changed:
        used = {v.id for op in fn.ops() for v in op.operands}
        changed = False
        for b in fn.blocks:
            keep = []
            for op in b.ops:
                if OPS[op.opcode].pure and op.result is not None and op.result.id not in used:
                    removed[op.opcode] = removed.get(op.opcode, 0) + 1
                    changed = True
                else:
                    keep.append(op)
            b.ops = keep
    key = NAME if fn.stage == "slrm" else f"{NAME}.{fn.stage}"
    fn.meta.setdefault("passes", {})[key] = {"removed": removed, "blocks": len(dropped_blocks)}
    return fn
