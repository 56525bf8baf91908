"""Scalar register file: SREGS x 32 bits, x0 reads as zero, three read ports, one write."""

from __future__ import annotations

from myhdl import always_comb, always_seq, block

from .config import RtlConfig
from .signals import u32


@block
def regfile(cfg: RtlConfig, clk, rst, ra, rb, rc, da, db, dc, we, wa, wd, dbg_a, dbg_d):
    """Indices ra, rb, rc, wa are sreg_bits wide (the decoder has already refused indices
    beyond SREGS); the debug index dbg_a is wider and uses its low bits."""
    regs = [u32() for _ in range(cfg.SREGS)]
    bits = cfg.sreg_bits

    @always_seq(clk.posedge, reset=rst)
    def write():
        if we and wa != 0:
            regs[wa].next = wd

    @always_comb
    def read():
        da.next = regs[ra]
        db.next = regs[rb]
        dc.next = regs[rc]
        dbg_d.next = regs[dbg_a[bits:]]

    return write, read
