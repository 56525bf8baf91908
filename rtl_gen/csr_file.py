"""Control and status registers, generated from isa.toml [csrs]: read-write registers,
trap registers (also written by a trap), performance counters and constants."""

from __future__ import annotations

from myhdl import always_comb, always_seq, block, instances

from isa_spec import load_spec

from .config import RtlConfig
from .decode import gated, or_chain
from .signals import flag, u32

# The RTL behaviour of CSRs with a hardware role (names from the spec).
COUNTER_EVENT = {"cycle": "tick", "instret": "retire", "branches": "branch", "mispred": "mispred"}
TRAP_FIELD = {"mepc": "epc", "mcause": "cause", "mtval": "tval"}


@block
def counter_csr(clk, rst, value, event):
    @always_seq(clk.posedge, reset=rst)
    def seq():
        if event:
            value.next = value + 1
    return seq


@block
def rw_csr(clk, rst, value, we, wnum, wdata, number: int):
    @always_seq(clk.posedge, reset=rst)
    def seq():
        if we and wnum == number:
            value.next = wdata
    return seq


@block
def trap_csr(clk, rst, value, we, wnum, wdata, number: int, trap, trap_value):
    @always_seq(clk.posedge, reset=rst)
    def seq():
        if trap:
            value.next = trap_value
        elif we and wnum == number:
            value.next = wdata
    return seq


@block
def eq_const(sig, constant: int, y):
    @always_comb
    def comb():
        y.next = sig == constant
    return comb


@block
def const_csr(clk, rst, value, constant: int):
    # A register that holds its reset value (a comb block would have no inputs).
    @always_seq(clk.posedge, reset=rst)
    def seq():
        value.next = constant
    return seq


@block
def csr_file(cfg: RtlConfig, clk, rst, rnum, rdata, rvalid, rwritable, we, wnum, wdata, events,
             trap, trap_values, named):
    """rnum -> rdata (rvalid: the CSR exists, rwritable: it is read-write). events: dict of
    counter event flags; trap_values: dict epc/cause/tval; named: dict name -> Signal that
    the caller provides (so the core can read beta_i, mtvec ... directly)."""
    spec = load_spec()
    regs = []
    for c in spec.csrs.values():
        v = named[c.name]
        if c.name in COUNTER_EVENT:
            regs.append(counter_csr(clk, rst, v, events[COUNTER_EVENT[c.name]]))
        elif isinstance(c.reset, str):
            regs.append(const_csr(clk, rst, v, getattr(cfg, c.reset)))
        elif c.name in TRAP_FIELD:
            regs.append(trap_csr(clk, rst, v, we, wnum, wdata, c.number, trap, trap_values[TRAP_FIELD[c.name]]))
        elif c.access == "rw":
            regs.append(rw_csr(clk, rst, v, we, wnum, wdata, c.number))
    csrs = list(spec.csrs.values())
    terms = [u32() for _ in csrs]
    muxes = [gated(rnum, c.number, named[c.name], t) for c, t in zip(csrs, terms, strict=True)]
    read_or = or_chain(rdata, terms)
    hits = [flag() for _ in csrs]
    rw_hits = [flag() for c in csrs if c.access == "rw"]
    eqs = [eq_const(rnum, c.number, h) for c, h in zip(csrs, hits, strict=True)]
    rw_eqs = [eq_const(rnum, c.number, h)
              for c, h in zip([c for c in csrs if c.access == "rw"], rw_hits, strict=True)]
    valid_or = or_chain(rvalid, hits)
    writable_or = or_chain(rwritable, rw_hits)

    return instances()
