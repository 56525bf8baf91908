"""The typed stage registers of the pipeline (IF/ID, ID/EX, EX/MW) and the bundles that
travel between stages. Each bundle is a dataclass of Signals made for one configuration;
a stage block reads its input bundle and drives the next one, nothing else is shared."""

from __future__ import annotations

from dataclasses import dataclass

from myhdl import SignalType

from .config import RtlConfig, clog2
from .signals import flag, u32, uint
from .units import UNITS


@dataclass
class IfId:
    """A fetched word and IF's prediction for it."""
    valid: SignalType
    pc: SignalType
    insn: SignalType
    fault: SignalType       # the fetch itself faulted (misaligned or outside imem)
    pred: SignalType        # predicted taken (conditional branches)
    counter: SignalType     # the predictor counter the prediction used

    @classmethod
    def make(cls) -> IfId:
        return cls(flag(), u32(), u32(), flag(), flag(), uint(2))


@dataclass
class IdEx:
    """A decoded instruction with its scalar operands (read in ID, forwarded in EX)."""
    valid: SignalType
    pc: SignalType
    insn: SignalType
    fault: SignalType
    legal: SignalType
    unit: SignalType
    op: SignalType
    imm: SignalType
    has_imm: SignalType
    rd: SignalType          # register fields of the word (5 bits)
    rs1: SignalType
    rs2: SignalType
    x1: SignalType          # x[rs1], x[rs2], x[rd field] (bgecp's threshold)
    x2: SignalType
    x3: SignalType
    reads1: SignalType      # the instruction reads x[rs1] / x[rs2] / x[rd field]
    reads2: SignalType
    reads3: SignalType
    pred: SignalType
    counter: SignalType

    @classmethod
    def make(cls) -> IdEx:
        ub = clog2(len(UNITS))
        return cls(flag(), u32(), u32(), flag(), flag(), uint(ub), uint(5), u32(), flag(), uint(5), uint(5),
                   uint(5), u32(), u32(), u32(), flag(), flag(), flag(), flag(), uint(2))


@dataclass
class ExMw:
    """An instruction leaving EX: its retirement record so far, and what MW still does (the
    data-memory access of lw/sw, the late results, bgecp's resolution)."""
    valid: SignalType
    pc: SignalType
    insn: SignalType
    next_pc: SignalType
    trap: SignalType
    cause: SignalType
    tval: SignalType
    halts: SignalType       # retiring it halts the core (halt, or a trap with mtvec = 0)
    rd_we: SignalType
    rd: SignalType
    value: SignalType       # x[rd] when computed in EX
    late: SignalType        # result kind (LATE_* in mw_stage.py)
    nl_op: SignalType
    x1: SignalType
    x2: SignalType
    x3: SignalType
    addr: SignalType        # lw/sw byte address; lbx/sbx base
    mem_count: SignalType   # words stored (rvfi_mem_count)
    bd_we: SignalType
    payload: SignalType     # box written (hi:lo) or the words sbx stored
    csr_we: SignalType
    csr_addr: SignalType
    csr_wdata: SignalType
    br_valid: SignalType
    pred: SignalType
    taken: SignalType
    counter: SignalType
    gecp: SignalType        # bgecp: resolved in MW
    target: SignalType      # bgecp's taken target

    @classmethod
    def make(cls, cfg: RtlConfig) -> ExMw:
        return cls(flag(), u32(), u32(), u32(), flag(), uint(8), u32(), flag(), flag(), uint(5), u32(), uint(3),
                   uint(3), u32(), u32(), u32(), u32(), uint(16), flag(), uint(64 * cfg.D), flag(),
                   uint(cfg.csr_bits), u32(), flag(), flag(), flag(), uint(2), flag(), u32())


@dataclass
class Redirect:
    """A fetch redirect (flushes IF and ID) and whether fetching stops (the core halts)."""
    valid: SignalType
    target: SignalType
    stop: SignalType

    @classmethod
    def make(cls) -> Redirect:
        return cls(flag(), u32(), flag())


# ExMw.late: where MW takes x[rd] from
LATE_NONE, LATE_LW, LATE_NL, LATE_LVOL, LATE_LCP = range(5)
