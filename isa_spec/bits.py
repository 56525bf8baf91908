"""Two's-complement helpers: the one signed conversion every Python part uses.

Everything may import isa_spec (LPU_BRIEF section 8), so the golden model, the assembler
and the testbench share this one implementation instead of keeping their own copies.
"""

from __future__ import annotations


def to_signed(value: int, bits: int) -> int:
    """The low `bits` bits of `value` read as a two's-complement number.

    Bits above `bits` are ignored, so an unsigned word, a negative Python int or a wider
    bus slice all give the same answer for the same low bits.
    """
    if bits <= 0:
        raise ValueError(f"to_signed: width must be > 0, got {bits}")
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def to_s32(value: int) -> int:
    """The low 32 bits as a signed word (the scalar register and memory word width)."""
    return to_signed(value, 32)


def to_unsigned(value: int, bits: int) -> int:
    """The low `bits` bits of `value` as an unsigned number."""
    return value & ((1 << bits) - 1)
