"""The compiler's cost model of the pipeline, from the spec's timing rules (isa.toml
[timing]): cycles in EX and the bubble between two adjacent instructions. Written for
the compiler (it may not import the golden model's timing model); docs/pipeline.md has
the rules."""

from __future__ import annotations

from ..ir import Op
from ..target import Target


def instruction(op: Op) -> str:
    """The LPU instruction an lpu op becomes (its last word for the two-word li)."""
    if op.opcode in ("lpu.alu", "lpu.alui"):
        return op.attrs["op"]
    if op.opcode == "lpu.bcc":
        return op.attrs["cond"]
    if op.opcode == "lpu.li":
        return "addi"
    if op.opcode == "lpu.j":
        return "jal"
    return op.opcode.removeprefix("lpu.")


class CostModel:
    def __init__(self, target: Target):
        self.t = target.timing
        self._names: dict[int, str] = {}

    def name(self, op: Op) -> str:
        n = self._names.get(id(op))
        if n is None:
            n = self._names[id(op)] = instruction(op)
        return n

    def cycles(self, op: Op) -> int:
        return self.t.ex_cycles[self.name(op)]

    def bubble(self, prev: Op | None, cur: Op) -> int:
        """Stall cycles of `cur` right after `prev` (rules 2c, 2d, 2e)."""
        if prev is None:
            return 0
        p, c = self.name(prev), self.name(cur)
        n = 0
        if p in self.t.late and prev.result is not None and prev.result.type.value != "box" \
                and any(v is prev.result for v in cur.operands):
            n = max(n, self.t.late_use)
        if c in self.t.mem_port_ex and p in self.t.mem_port_mw:
            n = max(n, self.t.mem_port)
        if p in self.t.resolve_in_mw:
            n = max(n, self.t.gecp_resolve)
        return n
