"""Random items: one instruction with its set-ups (constrained sources, box value classes,
a hazard distance), fillers and producers, and the choice of the next item."""

from __future__ import annotations

from collections.abc import Callable

from ..value_classes import result_sources
from .knobs import _pick
from .names import IMM_KINDS
from .roles import Roles


class _Items:
    """The item stream (a mixin of the program builder)."""

    def _producer(self, reg: str, avoid: set[str]) -> None:
        """Write reg (so that it is a fresh source)."""
        rng = self.rng
        if reg in self.bregs and self.box_ok:
            slot = self._box_slot(_pick(rng, self.k.box_class_weights) or "overlap")
            self._load_box(reg, 4 * (slot + rng.choice((0, 2 * self.D))), avoid)
        elif reg in self.bregs:
            bw = [n for n in self.a.fillers if self.roles[n].b_writes]
            if bw:
                self._free_instr(rng.choice(bw), avoid, dest=reg)
        elif rng.random() < 0.5:
            self.li(reg, rng.choice(self.corners))
        else:
            xw = [n for n in self.a.fillers if self.roles[n].x_writes]
            self._free_instr(_pick(rng, self.k.instr_weights, xw) or rng.choice(xw), avoid, dest=reg)

    def _filler(self, avoid: set[str]) -> None:
        free_b = [b for b in self.bregs if b not in avoid]
        pool = [n for n in self.a.fillers if free_b or not self.roles[n].b_writes]
        name = _pick(self.rng, self.k.filler_weights or self.k.instr_weights, pool) or self.rng.choice(pool)
        self._free_instr(name, avoid)

    def _free_instr(self, name: str, avoid: set[str], dest: str | None = None) -> None:
        ro, rng = self.roles[name], self.rng
        ops = {}
        for op in self.spec.instructions[name].operands:
            if op.name in ro.x_writes:
                ops[op.name] = dest or self._dest_x(avoid)
            elif op.name in ro.b_writes:
                ops[op.name] = dest or rng.choice([b for b in self.bregs if b not in avoid])
            elif op.kind == "xreg":
                ops[op.name] = self._src()
            elif op.kind == "breg":
                ops[op.name] = rng.choice(self.bregs)
            else:
                ops[op.name] = str(self._imm(op))
        self.emit(name, ops)

    # ---- items ----

    def main(self, name: str, values: dict | None = None, label: Callable[[int], str] | None = None,
             comment: str = "") -> int:
        """Emit `name` with set-ups for constrained sources (values: operand -> int or label
        expression), box value classes, and a hazard distance; returns its pc."""
        ins, ro, rng = self.spec.instructions[name], self.roles[name], self.rng
        values = dict(values or {})
        k = self._hazard()
        ops: dict[str, str] = {}
        producible: list[str] = []
        constrained = self._x_sources(ro, values, ops, producible)
        taken = set(ops.values())
        for o in constrained:
            pool = [r for r in self.free if r not in taken]
            ops[o] = rng.choice(self._pinned(o, pool) or pool)
            taken.add(ops[o])
        loads = self._box_sources(name, ops, producible)
        self._other_operands(name, values, ops)
        srcs = {ops[o] for o in ro.sources if ops[o] != self.x0}
        avoid = srcs | taken
        for reg, addr in loads:  # constrained registers are set after these: usable as temporaries
            self._load_box(reg, addr, avoid - {ops[o] for o in constrained})
        for o in rng.sample(list(constrained), len(constrained)):
            if self.k.dense and isinstance(constrained[o], int):
                self._put(ops[o], constrained[o])
            else:
                self.li(ops[o], constrained[o])
        self._space(srcs, k, producible, avoid)
        if label is not None:
            op = next(op for op in ins.operands if op.kind == "label")
            ops[op.name] = label(4 * self.words)
        return self.emit(name, ops, comment)

    def _x_sources(self, ro: Roles, values: dict, ops: dict[str, str], producible: list[str]) -> dict[str, int]:
        """Scalar source registers: x0 or a constrained register for operands with a value
        (returned: operand -> value, registers chosen later), a random one for the others."""
        constrained = {}
        for o in ro.x_reads:
            if o in values:
                pinned = o in self.k.reg_pins
                if values[o] == 0 and (self._zero_pinned(o) if pinned else self.rng.random() < 0.5):
                    ops[o] = self.x0
                else:
                    constrained[o] = values[o]
            else:
                ops[o] = self._src(o)
                if ops[o] != self.x0:
                    producible.append(ops[o])
        return constrained

    def _box_sources(self, name: str, ops: dict[str, str], producible: list[str]) -> list[tuple[str, int]]:
        """Box source registers; for a box operator, a prepared pair of the chosen value class
        loaded right before (returned: (box register, byte address of its value))."""
        ro, rng = self.roles[name], self.rng
        loads: list[tuple[str, int]] = []
        if ro.b_reads and name in self.a.box_ops and self.box_ok:
            slot = self._box_slot(_pick(rng, self.k.box_class_weights) or "overlap")
            regs = rng.sample(self.bregs, min(len(ro.b_reads), len(self.bregs)))
            if len(regs) > 1 and rng.random() < 0.1:
                regs[1] = regs[0]  # the same register twice: identical boxes
            if any(o in self.k.reg_pins for o in ro.b_reads):
                regs = self._pin_boxes(ro.b_reads, regs)
            first = rng.randrange(2)
            for j, o in enumerate(ro.b_reads):
                ops[o] = regs[j % len(regs)]
                if ops[o] not in [r for r, _ in loads]:
                    loads.append((ops[o], 4 * (slot + 2 * self.D * ((first + j) % 2))))
        else:
            for o in ro.b_reads:
                ops[o] = self._breg(o) if o in self.k.reg_pins else rng.choice(self.bregs)
                producible.append(ops[o])
        return loads

    def _other_operands(self, name: str, values: dict, ops: dict[str, str]) -> None:
        """Immediates (given or by class), CSRs and destinations."""
        ro = self.roles[name]
        for op in self.spec.instructions[name].operands:
            if op.name in ops:
                continue
            if op.name in values:
                ops[op.name] = str(values[op.name])
            elif op.kind in IMM_KINDS:
                ops[op.name] = str(self._imm(op))
            elif op.kind == "csr":
                ops[op.name] = self._csr(ro)
            elif op.name in ro.x_writes:
                ops[op.name] = self._dest_x(o=op.name)
            elif op.name in ro.b_writes:
                ops[op.name] = self._breg(op.name) if op.name in self.k.reg_pins else self.rng.choice(self.bregs)

    def _space(self, srcs: set[str], k: int | None, producible: list[str], avoid: set[str]) -> None:
        """Fillers (and a producer) so that the nearest source was written k instructions
        before the next one; with no hazard wanted, until no source is within the horizon."""
        d = self._min_dist(srcs)
        if srcs and k is None:
            while (d := self._min_dist(srcs)) is not None and d < 5:
                self._filler(avoid)
        elif srcs:
            if (d is None or d > k) and producible:
                self._producer(self.rng.choice(producible), avoid)
                d = 0
            for _ in range(k - d if d is not None and d < k else 0):
                self._filler(avoid)

    def item(self, in_loop: bool) -> None:
        k, rng = self.k, self.rng
        if not in_loop and rng.random() < k.loop_prob and self.a.closers | self.a.exits:
            return self.loop()
        if k.stream_prob > 0 and rng.random() < k.stream_prob:
            return self.stream(None, in_loop)
        r = rng.random()
        if r < k.illegal_prob:
            enc = [t.name for t in self.spec.traps.values() if t.tval == "encoding" and t.name in self.a.recipes]
            return self.trap(rng.choice(enc)) if enc else None
        r -= k.illegal_prob
        if r < k.trap_prob:
            cause = _pick(rng, k.trap_weights, [t for t in self.spec.traps if t in self.a.recipes])
            return self.trap(cause) if cause else None
        r -= k.trap_prob
        if r < k.temp_prob:
            return self.temps()
        r -= k.temp_prob
        if r < k.value_prob:
            return self.li(rng.choice(self.free), rng.choice(self.corners))
        body = [n for n in self.spec.instructions if not self.roles[n].halts]
        name = _pick(rng, k.instr_weights, body)
        if name is None:
            return self.li(rng.choice(self.free), rng.choice(self.corners))
        return self.instruction(name)

    def instruction(self, name: str) -> None:
        ro = self.roles[name]
        if ro.conditional:
            return self.branch(name)
        if ro.jumps:
            return self.indirect(name) if name in self.a.indirect else self.direct(name)
        values = {}
        if ro.mem and ro.mem_words > (self.scratch if ro.mem == "store" else self.dmem):
            return self.li(self.rng.choice(self.free), self.rng.choice(self.corners))  # only traps fit
        if ro.mem:
            self._address(name, self._in_range(ro), values)
        if self.k.result_class:  # source values the oracle proves hit the wanted result bin
            values.update(self.rng.choice(result_sources(self.a.oracle, name, self.k.result_class) or [{}]))
        if ro.dim_ops:  # corners: the first and last dimension
            d = ro.dim_ops[0]
            values[d] = 0 if self._zero_pinned(d) else self.rng.choice((0, self.D - 1, self.rng.randrange(self.D)))
        self.main(name, values)
