"""Instruction and data memories: word arrays with a combinational read and a synchronous
write; the host port (program loading) has priority over the core's write port."""

from __future__ import annotations

from myhdl import always, always_comb, block

from .signals import u32


@block
def word_memory(words: int, clk, raddr, rdata, dbg_addr, dbg_data, we, waddr, wdata,
                host_we, host_addr, host_wdata):
    """A memory without a debug port or a core write port takes None for them."""
    # Not reset (RAM-like): the host loads every word the program may read.
    mem = [u32() for _ in range(words)]

    @always(clk.posedge)
    def write():
        if host_we:
            mem[host_addr].next = host_wdata
        elif we:
            mem[waddr].next = wdata

    @always(clk.posedge)
    def host_write():
        if host_we:
            mem[host_addr].next = host_wdata

    @always_comb
    def read():
        rdata.next = mem[raddr]
        dbg_data.next = mem[dbg_addr]

    @always_comb
    def read_only():
        rdata.next = mem[raddr]

    return (write if we is not None else host_write), (read if dbg_addr is not None else read_only)
