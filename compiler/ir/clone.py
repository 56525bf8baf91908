"""A copy of a function's blocks, ops and values (concepts and output slots are shared:
no pass changes them), so that a pass may rewrite one copy while another is kept."""

from __future__ import annotations

from .core import Block, Function, Op, Value


def clone_function(fn: Function) -> Function:
    vmap: dict[int, Value] = {}

    def val(v: Value) -> Value:
        if v.fixed:
            return v
        if v.id not in vmap:
            vmap[v.id] = Value(v.type, v.hint, reg=v.reg)
        return vmap[v.id]

    blocks = [Block(b.name, [Op(op.opcode, [val(v) for v in op.operands],
                                val(op.result) if op.result is not None else None, dict(op.attrs), op.loc)
                             for op in b.ops]) for b in fn.blocks]
    return Function(fn.D, blocks, fn.concepts, fn.outputs, fn.stage, dict(fn.meta))
