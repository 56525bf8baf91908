"""Saturation of a wide signed value to signed 32 bits, built from bits: MyHDL prints the
integer limits 2^31-1 and -2^31 as 33-bit literals (a width truncation in Verilog), so the
limits are assembled as {sign, 31 x ~sign} instead."""

from __future__ import annotations

from myhdl import ConcatSignal, always_comb, block

from .signals import flag, uint


@block
def saturate32(x, y):
    """y (signed 32) = x clamped to [-2^31, 2^31 - 1]; x is signed and wider than 32 bits."""
    w = len(x)
    sign = x(w - 1)
    notsign = flag()
    limit = ConcatSignal(sign, *([notsign] * 31))
    top = uint(w - 31)
    top_src = x(w, 31)
    low = x(32, 0)
    all_ones = (1 << (w - 31)) - 1

    @always_comb
    def bits():
        notsign.next = not sign
        top.next = top_src

    @always_comb
    def clamp():
        if top == 0 or top == all_ones:
            y.next = low.signed()
        else:
            y.next = limit.signed()

    return bits, clamp
