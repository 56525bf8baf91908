"""The oracle: the golden model's semantic functions on a scratch ISS (branch outcomes,
trap causes of a stimulus), and the trap recipes it classifies."""

from __future__ import annotations

from dataclasses import dataclass

from golden_model.decode import Decoded
from golden_model.iss import ExecContext, Iss
from golden_model.ops import SEMANTICS
from golden_model.state import ArchState, to_s32
from isa_spec import Config, Spec
from isa_spec.types import Instruction

from .roles import _reg_indices, instruction_roles


@dataclass(frozen=True)
class TrapRecipe:
    """A stimulus that raises one trap cause: kind 'word' (an illegal .word), 'mem' (an
    address), 'dim' (a dimension index), 'jump' (an indirect jump target)."""

    kind: str
    mode: str
    ins: str | None = None
    operand: str | None = None


def encode(ins: Instruction, values: dict[str, int]) -> int:
    word = ins.match_bits
    for op in ins.operands:
        word = op.field.insert(word, values.get(op.name, 0))
    return word


class _Oracle:
    def __init__(self, spec: Spec, config: Config):
        self.spec, self.config = spec, config
        self.iss = Iss(config, spec)
        self.roles = instruction_roles(spec, config)

    def _fresh(self) -> ArchState:
        self.iss.state = ArchState.reset(self.spec, self.config)
        self.iss.order = 0
        return self.iss.state

    def run(self, name: str, x: dict[str, int], imm: dict[str, int] | None = None,
            boxes: dict[str, tuple] | None = None, csr: dict[str, int] | None = None) -> ExecContext:
        """Execute one instruction's semantics with the given operand values."""
        s, ins = self._fresh(), self.spec.instructions[name]
        idx = _reg_indices(ins, self.config["BREGS"])
        ops: dict[str, int] = {}
        for op in ins.operands:
            if op.kind == "xreg":
                ops[op.name] = idx[op.name]
                s.x[idx[op.name]] = to_s32(x.get(op.name, 0))
            elif op.kind == "breg":
                ops[op.name] = idx[op.name]
                if boxes and op.name in boxes:
                    s.box_lo[idx[op.name]], s.box_hi[idx[op.name]] = boxes[op.name]
            elif op.kind == "csr":
                ops[op.name] = next(iter(self.spec.csrs.values())).number
            else:
                ops[op.name] = (imm or {}).get(op.name, 0)
        s.csr.update(csr or {})
        ctx = ExecContext(self.iss, Decoded(ins, ops), 0)
        SEMANTICS[name](ctx)
        return ctx

    def taken(self, name: str, x: dict[str, int], **kw) -> bool:
        return self.run(name, x, **kw).branch_info[1]

    def cause(self, word: int, xvals: dict[int, int] | None = None, steps: int = 1) -> str | None:
        """The trap cause raised within `steps` steps of running `word` at pc 0."""
        s = self._fresh()
        s.imem[0] = word & 0xFFFFFFFF
        for i, v in (xvals or {}).items():
            s.x[i] = to_s32(v)
        for _ in range(steps):
            rec = self.iss.step()
            if rec.trap is not None:
                return self.spec.trap_by_code(rec.trap).name
            if s.halted:
                break
        return None


def _scheme(oracle: _Oracle, name: str, values: tuple[int, ...], want) -> int | None:
    """Operand order (0: (v, x0), 1: (x0, v)) under which taken(v) == want(v) for all values."""
    srcs = oracle.roles[name].x_reads
    for order in (0, 1):
        ok = True
        for v in values:
            x = {srcs[order]: v, srcs[1 - order]: 0}
            if oracle.taken(name, x) != want(v):
                ok = False
                break
        if ok:
            return order
    return None

