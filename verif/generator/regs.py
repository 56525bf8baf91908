"""Register allocation and operand choices: sources, destinations, box registers, pins of a
targeted item, immediates by class, hazard distances, CSRs."""

from __future__ import annotations

from isa_spec.types import Operand

from .domains import imm_classes, imm_range
from .knobs import _index, _pick
from .names import HAZARDS, TRAP_VECTOR_CSR, UNPREDICTED_CSR
from .roles import Roles


class _Regs:
    """Operand choices (a mixin of the program builder)."""

    def _hazard(self) -> int | None:
        h = _pick(self.rng, self.k.hazard_weights, HAZARDS) or "none"
        return None if h == "none" else int(h)

    def _imm(self, op: Operand, cls: str | None = None) -> int:
        lo, hi = imm_range(op)
        cls = cls or _pick(self.rng, self.k.imm_class_weights, imm_classes(op)) or "positive"
        rng = self.rng
        if cls == "positive":
            return rng.choice((1, 2, rng.randint(1, max(1, hi - 1))))
        if cls == "negative" and lo < 0:
            return rng.choice((-1, -2, rng.randint(lo + 1, -1)))
        return {"min": lo, "max": hi}.get(cls, 0)

    def _pinned(self, o: str | None, pool: list[str], zero: str | None = None) -> list[str] | None:
        """The registers of `pool` (plus the zero register) a targeted item allows for operand
        `o`; None when `o` is not pinned or no allowed register is available."""
        if o is None or o not in self.k.reg_pins:
            return None
        allowed = set(self.k.reg_pins[o])
        out = [r for r in ([zero] if zero else []) + pool if _index(r) in allowed]
        return out or None

    def _src(self, o: str | None = None) -> str:
        if (pins := self._pinned(o, self.free, self.x0)) is not None:
            return self.rng.choice(pins)
        return self.x0 if self.rng.random() < self.k.zero_reg_prob else self.rng.choice(self.free)

    def _dest_x(self, avoid=frozenset(), o: str | None = None) -> str:
        pool = [r for r in self.free if r not in avoid]
        if (pins := self._pinned(o, pool, self.x0)) is not None:
            return self.rng.choice(pins)
        return self.x0 if not pool or self.rng.random() < self.k.zero_reg_prob else self.rng.choice(pool)

    def _breg(self, o: str | None = None, avoid=()) -> str:
        pool = [b for b in self.bregs if b not in avoid] or self.bregs
        pins = self._pinned(o, pool) or self._pinned(o, self.bregs)
        return self.rng.choice(pins if pins is not None else pool)

    def _pin_boxes(self, operands: tuple[str, ...], regs: list[str]) -> list[str]:
        """Box source registers: pinned operands first, the others kept unless they collide."""
        out = list(regs)
        pinned = [j for j, o in enumerate(operands[:len(regs)]) if o in self.k.reg_pins]
        for j in pinned:
            out[j] = self._breg(operands[j], avoid=[out[i] for i in pinned if i < j])
        for j in range(len(out)):
            if j not in pinned and out[j] in [out[i] for i in pinned]:
                out[j] = self._breg(avoid=out)
        return out

    def _zero_pinned(self, o: str) -> bool:
        return self.k.reg_pins.get(o) == (_index(self.x0),)

    def _csr(self, ro: Roles) -> str:
        if ro.csr_write:
            names = [c.name for c in self.spec.csrs.values() if c.access == "rw" and c.name != TRAP_VECTOR_CSR]
        else:
            names = [n for n in self.spec.csrs if n != UNPREDICTED_CSR]
        return _pick(self.rng, self.k.csr_weights, names) or self.rng.choice(names)
