"""One record per retired (or trapping) instruction, like RISC-V's RVFI."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RetireRecord:
    order: int                 # position in the retirement stream, from 0
    pc: int
    word: int
    name: str | None           # None when the encoding is illegal
    next_pc: int
    x_write: tuple[int, int] | None = None                  # (index, value)
    b_write: tuple[int, tuple[int, ...], tuple[int, ...]] | None = None  # (index, lo, hi)
    mem_writes: tuple[tuple[int, int], ...] = ()             # (byte address, value)
    csr_writes: tuple[tuple[int, int], ...] = ()             # (csr number, value)
    trap: int | None = None    # mcause code when the instruction trapped
    tval: int | None = None
    branch: tuple[bool, bool, int] | None = None             # (predicted, taken, counter before)
    halted: bool = False
    cycle: int | None = None   # the cycle in which it retired (golden_model/timing.py)
    extra: dict = field(default_factory=dict)

    @property
    def retired(self) -> bool:
        return self.trap is None
