"""IR data: values, ops, blocks, the function that holds them, and its constant tables.

A Function is one compiled program: a CFG of blocks (the entry first), the concept boxes it
reads (exactly representable in the coord format), and its output slots. The CFG is
acyclic (loops over concept lists are unrolled by the front end), so every value is
defined once and used only where its definition dominates.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from ..errors import NOWHERE, Loc


class Type(Enum):
    BOX = "box"
    LOGPROB = "logprob"   # a log-domain real: log volumes and log probabilities
    BOOL = "bool"
    INT = "int"
    INDEX = "index"       # a position in a candidate list (argmax)

    def __str__(self) -> str:
        return self.value


_ids = itertools.count()


@dataclass(eq=False)
class Value:
    type: Type
    hint: str = ""                 # the source name it was bound to, for the printer
    id: int = field(default_factory=lambda: next(_ids))
    reg: int | None = None         # physical register, after allocation
    fixed: bool = False            # a hard-wired register (x0): defined everywhere, by no op

    def __repr__(self) -> str:
        return f"%{self.id}:{self.type}"


@dataclass(eq=False)
class Op:
    opcode: str
    operands: list[Value]
    result: Value | None = None
    attrs: dict = field(default_factory=dict)
    loc: Loc = NOWHERE

    def __repr__(self) -> str:
        return f"Op({self.opcode}, {self.operands}, -> {self.result}, {self.attrs})"


@dataclass(eq=False)
class Block:
    name: str
    ops: list[Op] = field(default_factory=list)

    @property
    def terminator(self) -> Op | None:
        return self.ops[-1] if self.ops else None

    def successors(self) -> list[str]:
        t = self.terminator
        if t is None:
            return []
        return [t.attrs[k] for k in ("then", "else", "target") if k in t.attrs]


@dataclass(frozen=True)
class ConceptBox:
    name: str
    lo: np.ndarray      # (D,) float64, exact coord values
    hi: np.ndarray


@dataclass(frozen=True)
class OutputSlot:
    """A result the host reads back: its source name (with loop indices), type, and for an
    index the candidate names it indexes."""

    name: str
    type: Type
    labels: tuple[str, ...] = ()
    loc: Loc = NOWHERE


@dataclass(eq=False)
class Function:
    D: int
    blocks: list[Block] = field(default_factory=list)
    concepts: dict[str, ConceptBox] = field(default_factory=dict)
    outputs: list[OutputSlot] = field(default_factory=list)
    stage: str = "slrm"        # "slrm" (high level) or "lpu" (after instruction selection)
    meta: dict = field(default_factory=dict)   # pass statistics, layout facts

    def block(self, name: str) -> Block:
        for b in self.blocks:
            if b.name == name:
                return b
        raise KeyError(name)

    def ops(self):
        for b in self.blocks:
            yield from b.ops

    def predecessors(self) -> dict[str, list[str]]:
        preds: dict[str, list[str]] = {b.name: [] for b in self.blocks}
        for b in self.blocks:
            for s in b.successors():
                preds[s].append(b.name)
        return preds

    def uses(self) -> dict[int, list[Op]]:
        out: dict[int, list[Op]] = {}
        for op in self.ops():
            for v in op.operands:
                out.setdefault(v.id, []).append(op)
        return out
