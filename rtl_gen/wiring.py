"""Small wiring blocks. MyHDL's shadow slices break inside ConcatSignal when they are one
bit wide (`x[0:0][0]`), so buses are assembled from exact-width signals driven here."""

from __future__ import annotations

from myhdl import always_comb, block


@block
def low_bits(src, y):
    """y = the low len(y) bits of src."""
    n = len(y)

    @always_comb
    def comb():
        y.next = src[n:]
    return comb


@block
def field_bits(word, lsb: int, y):
    """y = word[lsb + len(y) - 1 : lsb]: a register index straight from the instruction word
    (slicing a slice would print `ir[11:7][2:0]`, which only some tools accept)."""
    hi = lsb + len(y)

    @always_comb
    def comb():
        y.next = word[hi:lsb]
    return comb
