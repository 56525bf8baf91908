"""Data memory: the image, box-pair slots, legal and bad addresses, box loads."""

from __future__ import annotations

from golden_model.state import to_s32

from .domains import box_pair, imm_range
from .roles import Roles


class _Memory:
    """Data-memory layout and address set-ups (a mixin of the program builder)."""

    def _data(self, index: int, values: list[int]) -> None:
        self.data_writes.append((index, values))

    def _box_slot(self, cls: str) -> int:
        """Word index of a box pair of class `cls` (A at +0, B at +2D)."""
        size = 4 * self.D
        if self.box_next + size <= self.dmem:
            idx, self.box_next = self.box_next, self.box_next + size
        elif self.slots[cls]:
            return self.rng.choice(self.slots[cls])
        else:
            idx = self.box_base + size * self.rng.randrange(max(1, (self.dmem - self.box_base) // size))
        lo_a, hi_a, lo_b, hi_b = box_pair(self.rng, cls, self.D, self.coord)
        self._data(idx, lo_a + hi_a + lo_b + hi_b)
        self.slots[cls].append(idx)
        return idx

    def _in_range(self, ro: Roles) -> int:
        """A legal byte address: stores stay in the scratch area, loads go anywhere."""
        top = self.scratch if ro.mem == "store" or (self.rng.random() < 0.7 and ro.mem_words <= self.scratch) \
            else self.dmem
        return 4 * self.rng.randrange(max(1, top - ro.mem_words + 1))

    # ---- set-ups ----

    def _load_box(self, reg: str, byte_addr: int, avoid: set[str]) -> None:
        """reg = the box at byte_addr: a box load, or (small D) coordinate setters."""
        a, rng = self.a, self.rng
        tmp = [r for r in self.free if r not in avoid]
        if a.setters and self.D <= 2 and len(tmp) >= 2 and not self.k.dense and rng.random() < 0.2:
            vals = self._image_at(byte_addr // 4, 2 * self.D)
            val, ix = rng.sample(tmp, 2)
            for side in (0, 1):
                name = a.setters[side]
                ro = self.roles[name]
                vop = next(o for o in ro.x_reads if o not in ro.dim_ops)
                for j in range(self.D):
                    self.li(val, vals[side * self.D + j])
                    if j:
                        self.addi(ix, self.x0, j)
                    self.emit(name, {ro.b_writes[0]: reg, vop: val, ro.dim_ops[0]: ix if j else self.x0})
            return
        ro = self.roles[a.box_load]
        base = next(o for o in ro.addr_ops if o in ro.x_reads)
        off = next(o for o in ro.addr_ops if o != base)
        ops = {ro.b_writes[0]: reg}
        if byte_addr <= self.imm_max and (self.k.dense or rng.random() < 0.7 or not tmp):
            ops.update({base: self.x0, off: str(byte_addr)})
        else:
            t = rng.choice(tmp)
            k = rng.randint(-64, 64) * 4
            self.li(t, byte_addr - k)
            ops.update({base: t, off: str(k)})
        self.emit(a.box_load, ops)

    def _image_at(self, index: int, n: int) -> list[int]:
        out = [0] * n
        for i, vals in self.data_writes:
            for j, v in enumerate(vals):
                if index <= i + j < index + n:
                    out[i + j - index] = v
        return out

    def _address(self, name: str, addr: int, values: dict) -> None:
        """Offsets by class and a base register value so that base + offsets == addr; or,
        sometimes, absolute addressing through x0 when addr fits the offset field."""
        ro = self.roles[name]
        base = next(o for o in ro.addr_ops if o in ro.x_reads)
        offs = [op for op in self.spec.instructions[name].operands if op.name in ro.addr_ops and op.name != base]
        absolute = self._zero_pinned(base) if base in self.k.reg_pins else self.rng.random() < self.k.zero_reg_prob
        if len(offs) == 1 and absolute:
            lo, hi = imm_range(offs[0])
            if lo <= to_s32(addr) <= hi:
                values.update({offs[0].name: to_s32(addr), base: 0})
                return
        total = 0
        for op in offs:
            values[op.name] = self._imm(op)
            total += values[op.name]
        values[base] = addr - total
