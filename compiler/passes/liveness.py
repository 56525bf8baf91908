"""Live values at block boundaries (the CFG is acyclic: one backward pass is exact)."""

from __future__ import annotations

from ..ir import Function
from ..ir.dominance import topological_order


def live_out(fn: Function) -> dict[str, set[int]]:
    order = topological_order(fn)
    live_in: dict[str, set[int]] = {}
    out: dict[str, set[int]] = {}
    for name in reversed(order):
        b = fn.block(name)
        lo = set().union(*(live_in.get(s, set()) for s in b.successors()))
        out[name] = lo
        live = set(lo)
        for op in reversed(b.ops):
            if op.result is not None:
                live.discard(op.result.id)
            live |= {v.id for v in op.operands}
        live_in[name] = live
    return out
