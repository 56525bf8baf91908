"""Scalar register file: SREGS x 32 bits, x0 reads as zero, three read ports, one write."""

from __future__ import annotations

from myhdl import always_comb, always_seq, block

from .config import RtlConfig
from .signals import u32


@block
def regfile(cfg: RtlConfig, clk, rst, ra, rb, rc, da, db, dc, we, wa, wd, dbg_a, dbg_d):
    """Read ports (ra->da, rb->db, rc->dc, dbg_a->dbg_d) take the low sreg_bits of the
    index (the decoder has already refused indices beyond SREGS)."""
    regs = [u32() for _ in range(cfg.SREGS)]
    bits = cfg.sreg_bits

    @always_seq(clk.posedge, reset=rst)
    def write():
        if we and wa[bits:] != 0:
            regs[wa[bits:]].next = wd

    @always_comb
    def read():
        da.next = regs[ra[bits:]]
        db.next = regs[rb[bits:]]
        dc.next = regs[rc[bits:]]
        dbg_d.next = regs[dbg_a[bits:]]

    return write, read
