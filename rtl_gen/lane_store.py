"""Box register storage for one lane: lane l holds dimensions l, l + LANES, ... of every
box register, so that LANES lanes read and write LANES dimensions per cycle. Word address
= {register, beat} (concatenated, so no multiplier; unused slots when BEATS is not a power of two)."""

from __future__ import annotations

from myhdl import always_comb, always_seq, block

from .config import RtlConfig
from .signals import s32


@block
def lane_store(cfg: RtlConfig, clk, rst, addr_a, addr_b, addr_dbg, a_lo, a_hi, b_lo, b_hi,
               dbg_lo, dbg_hi, we_lo, we_hi, waddr, w_lo, w_hi):
    n = cfg.BREGS << cfg.beat_bits
    lo = [s32() for _ in range(n)]
    hi = [s32() for _ in range(n)]

    @always_seq(clk.posedge, reset=rst)
    def write():
        if we_lo:
            lo[waddr].next = w_lo
        if we_hi:
            hi[waddr].next = w_hi

    @always_comb
    def read():
        a_lo.next = lo[addr_a]
        a_hi.next = hi[addr_a]
        b_lo.next = lo[addr_b]
        b_hi.next = hi[addr_b]
        dbg_lo.next = lo[addr_dbg]
        dbg_hi.next = hi[addr_dbg]

    return write, read
