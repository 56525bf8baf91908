"""Appends ops to a current block; used by the front end's lowering and by tests."""

from __future__ import annotations

from ..errors import NOWHERE, Loc
from .core import Block, Function, Op, Type, Value
from .ops import OPS


class Builder:
    def __init__(self, fn: Function):
        self.fn = fn
        self._n = 0
        self.block = self.new_block("entry")

    def new_block(self, stem: str) -> Block:
        name = stem if stem == "entry" and not self.fn.blocks else f"{stem}{self._n}"
        self._n += 1
        b = Block(name)
        self.fn.blocks.append(b)
        return b

    def at(self, block: Block) -> None:
        self.block = block

    def op(self, opcode: str, *operands: Value, type: Type | None = None, loc: Loc = NOWHERE,
           hint: str = "", **attrs) -> Value | None:
        d = OPS[opcode]
        rtype = d.result
        if rtype == "same":
            rtype = operands[0].type
        elif rtype == "attr":
            rtype = type
            attrs["type"] = type
        result = Value(rtype, hint) if rtype is not None else None
        self.block.ops.append(Op(opcode, list(operands), result, attrs, loc))
        return result
