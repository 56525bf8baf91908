"""Signal constructors shared by the RTL blocks (widths in one place)."""

from __future__ import annotations

from myhdl import Signal, intbv, modbv

S32_MIN, S32_MAX = -(1 << 31), 1 << 31


def s32(value: int = 0) -> Signal:
    """A signed 32-bit value (coord/log formats)."""
    return Signal(intbv(value, min=S32_MIN, max=S32_MAX))


def u32(value: int = 0) -> Signal:
    """A 32-bit bit pattern (scalar registers, memory words, CSRs)."""
    return Signal(modbv(value)[32:])


def uint(width: int, value: int = 0) -> Signal:
    return Signal(modbv(value)[max(1, width):])


def sint(bits: int, value: int = 0) -> Signal:
    """A signed value of `bits` bits."""
    return Signal(intbv(value, min=-(1 << (bits - 1)), max=1 << (bits - 1)))


def flag(value: bool = False) -> Signal:
    return Signal(bool(value))
