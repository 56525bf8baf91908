"""Operand set-ups for the stream items: the values an instruction's constrained operands
need (a legal address, a dimension index, a jump target), registers for them, their loads,
and the emission of the instruction with every other operand chosen at random."""

from __future__ import annotations

from dataclasses import dataclass, field

from .domains import imm_range
from .names import IMM_KINDS


@dataclass
class Prepared:
    """One instruction of a stream, ready to emit once its forwarded operand is written."""

    name: str
    ops: dict[str, str]                                  # every operand but the forwarded one
    values: dict[str, int | str] = field(default_factory=dict)  # constrained x operands: value or label
    setups: list[tuple[str, int | str]] = field(default_factory=list)  # (register, value) to load first
    after: str | None = None                             # a label to place right after it


class _Setups:
    """Set-ups of stream items (a mixin of the program builder)."""

    def _values(self, name: str) -> dict[str, int | str]:
        """Values the x operands (and their offsets) of `name` need to run without a trap and
        to fall through or come back to the next instruction."""
        ro, rng = self.roles[name], self.rng
        values: dict[str, int | str] = {}
        if ro.mem:
            self._address(name, self._in_range(ro), values)
        if ro.dim_ops:
            values[ro.dim_ops[0]] = rng.choice((0, self.D - 1, rng.randrange(self.D)))
        if ro.jumps and ro.target_ops:
            tgt = next(o for o in ro.target_ops if o in ro.x_reads)
            for op in self.spec.instructions[name].operands:
                if op.name in ro.target_ops and op.name != tgt:
                    values[op.name] = 0
            values[tgt] = self._new_label()
        return values

    def _prepare(self, name: str, via: str | None = None, fixed: dict[str, str] | None = None,
                 avoid: set[str] | frozenset[str] = frozenset()) -> Prepared:
        """Operands of `name` except `via` (the one a stream forwards into): `fixed` ones as
        given, constrained x operands in fresh registers (loaded by `setups`), the rest random;
        destinations avoid `avoid`. A branch or jump goes to the next instruction."""
        ro, rng = self.roles[name], self.rng
        p = Prepared(name, dict(fixed or {}))
        p.values = self._values(name)
        taken = set(avoid) | set(p.ops.values())
        for o in ro.x_reads:
            if o in p.ops or o == via:
                continue
            v = p.values.get(o)
            if v is None:
                p.ops[o] = self._src()
            elif v == 0:
                p.ops[o] = self.x0
            else:
                pool = [r for r in self.free if r not in taken] or self.free
                p.ops[o] = rng.choice(pool)
                taken.add(p.ops[o])
                p.setups.append((p.ops[o], v))
        for o in ro.b_reads:
            p.ops.setdefault(o, rng.choice(self.bregs))
        for op in self.spec.instructions[name].operands:
            if op.name in p.ops or op.name == via:
                continue
            if op.kind == "label":
                p.after = p.ops[op.name] = self._new_label()
            elif op.name in p.values:
                p.ops[op.name] = str(p.values[op.name])
            elif op.kind in IMM_KINDS:
                p.ops[op.name] = str(self._imm(op))
            elif op.kind == "csr":
                p.ops[op.name] = self._csr(ro)
            elif op.name in ro.x_writes:
                p.ops[op.name] = self._dest_x(avoid=taken)
            elif op.name in ro.b_writes:
                p.ops[op.name] = rng.choice(self.bregs)
        for o, v in p.values.items():  # a jump target is the label right after the jump
            if isinstance(v, str) and o in ro.target_ops:
                p.after = v
        return p

    def _put(self, reg: str, value: int | str) -> None:
        """reg = value: a label (la), an add-immediate when it fits (one word), else li."""
        if isinstance(value, str):
            self.li(reg, value, "la")
            return
        imm = next(op for op in self.spec.instructions[self.a.adder].operands if op.kind == "simm")
        lo, hi = imm_range(imm)
        if lo <= value <= hi:
            self.addi(reg, self.x0, value)
        else:
            self.li(reg, value)

    def _setup(self, p: Prepared) -> None:
        for reg, value in p.setups:
            self._put(reg, value)

    def _finish(self, p: Prepared, via: str | None = None, reg: str | None = None, comment: str = "") -> int:
        """Emit a prepared instruction (with `reg` in operand `via`) and its label."""
        pc = self.emit(p.name, {**p.ops, **({via: reg} if via else {})}, comment)
        if p.after:
            self.label(p.after)
        return pc
