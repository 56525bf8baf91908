"""The one signed-conversion helper (isa_spec/bits.py), against an independent definition."""

from __future__ import annotations

import itertools

import pytest

from isa_spec.bits import to_s32, to_signed, to_unsigned


def _reference(value: int, bits: int) -> int:
    """By enumeration, not bit tricks: the one number in [-2^(n-1), 2^(n-1)) congruent to
    value modulo 2^n."""
    lo = -(2 ** (bits - 1))
    for candidate in range(lo, lo + 2 ** bits):
        if (candidate - value) % (2 ** bits) == 0:
            return candidate
    raise AssertionError("unreachable")


@pytest.mark.parametrize("bits", range(1, 11))
def test_to_signed_every_value_of_small_widths(bits: int) -> None:
    # every pattern of the width, plus values with junk above the width and negative inputs
    for value in range(-3 * 2 ** bits, 3 * 2 ** bits):
        assert to_signed(value, bits) == _reference(value, bits), (value, bits)


def test_to_signed_boundaries_of_real_widths() -> None:
    for bits, (v, want) in itertools.product((12, 20, 32), ((0, 0), (1, 1), (-1, -1))):
        assert to_signed(v, bits) == want
    assert to_signed(0x7FF, 12) == 2047 and to_signed(0x800, 12) == -2048
    assert to_s32(0x7FFFFFFF) == 2 ** 31 - 1
    assert to_s32(0x80000000) == -(2 ** 31)
    assert to_s32(0xFFFFFFFF) == -1
    assert to_s32(1 << 32) == 0  # bits above the word are ignored (a wide bus slice)


def test_to_unsigned_inverts_to_signed() -> None:
    for bits in range(1, 9):
        for raw in range(2 ** bits):
            assert to_unsigned(to_signed(raw, bits), bits) == raw


def test_zero_width_is_refused() -> None:
    with pytest.raises(ValueError, match="width must be > 0"):
        to_signed(1, 0)
