"""MW: the data-memory access of lw/sw (the single data port; EX's lbx/sbx use it when MW
does not), the late results (lw's word, the scalar non-linear unit, blvol/blcp from box stage
2), bgecp's resolution (a misprediction redirects fetch from here), the register write-back
and retirement: the registered trace port, the retirement order, and halting."""

from __future__ import annotations

from myhdl import always_comb, always_seq, block, instances

from .config import RtlConfig, clog2
from .decode import rom
from .scalar_nl import SCALAR_NL_OPS, SCALAR_NL_UNIT, scalar_nl_unit
from .signals import flag, s32, u32, uint
from .stage_regs import LATE_LCP, LATE_LVOL, LATE_LW, LATE_NL


@block
def dmem_port(cfg: RtlConfig, m, box, port):
    """The one data-memory port: MW's lw/sw when MW holds one, else EX's lbx/sbx word."""
    DB = clog2(cfg.DMEM_WORDS)

    @always_comb
    def comb():
        mw_mem = m.valid and (m.late == LATE_LW or m.mem_count == 1)
        if mw_mem:
            port.raddr.next = m.addr[DB + 2:2]
        else:
            port.raddr.next = box.dm_addr
        port.we.next = (m.valid and m.mem_count == 1) or box.dm_we
        port.waddr.next = m.addr[DB + 2:2] if (m.valid and m.mem_count == 1) else box.dm_addr
        port.wdata.next = m.x2 if (m.valid and m.mem_count == 1) else box.dm_wdata
    return comb


@block
def mw_stage(cfg: RtlConfig, clk, rst, m, dm_rdata, lvol, lcp, mw, trace, named_cycle, halted, trapped, arch_pc):
    """m: the EX/MW register; dm_rdata: the data port's word; lvol/lcp: box stage 2's
    totals; mw: MW's outputs (we, rd, wd: the register write; train, taken, mispred;
    redirect (valid, target, stop)); trace: the rvfi_* ports (registered here); named_cycle:
    the cycle CSR; arch_pc: the architectural PC (next_pc of the last retirement)."""
    STEP = cfg.insn_bytes
    D = cfg.D
    nl_sel, nl_y = uint(3), s32()
    nl_select = [0] * 32  # decoder op code -> the unit's select (index in SCALAR_NL_OPS)
    for o in SCALAR_NL_UNIT.ops:
        nl_select[SCALAR_NL_UNIT.code(o)] = SCALAR_NL_OPS.index(o)
    nl_op5 = uint(5)
    nl_rom = rom(nl_op5, nl_sel, tuple(nl_select))
    nl_a, nl_b = s32(), s32()
    nl_inst = scalar_nl_unit(cfg, nl_sel, nl_a, nl_b, nl_y)
    wd, next_pc, order = u32(), u32(), u32()
    taken, br_valid = flag(), flag()

    @always_comb
    def operands():
        nl_op5.next = m.nl_op
        nl_a.next = m.x1.signed()
        nl_b.next = m.x2.signed()

    @always_comb
    def result():
        if m.late == LATE_LW:
            wd.next = dm_rdata
        elif m.late == LATE_NL:
            wd.next = nl_y[32:]
        elif m.late == LATE_LVOL:
            wd.next = lvol[32:]
        elif m.late == LATE_LCP:
            wd.next = lcp[32:]
        else:
            wd.next = m.value

    @always_comb
    def write_back():
        mw.we.next = m.valid and m.rd_we
        mw.rd.next = m.rd
        mw.wd.next = wd

    @always_comb
    def resolve():
        t = bool(m.taken)
        next_pc.next = m.next_pc
        if m.gecp:
            t = lcp >= m.x3.signed()
            if t:
                next_pc.next = m.target
            else:
                next_pc.next = m.pc + STEP
        taken.next = t
        br_valid.next = m.br_valid or m.gecp
        g = m.valid and m.gecp
        mw.train.next = g
        mw.taken.next = t
        mw.mispred.next = g and t != m.pred
        mw.redirect.valid.next = g and t != m.pred
        mw.redirect.stop.next = False

    @always_comb
    def redirect_target():
        mw.redirect.target.next = next_pc

    @always_seq(clk.posedge, reset=rst)
    def retire():
        trace.valid.next = m.valid
        trace.halt.next = m.valid and m.halts
        if m.valid:
            order.next = order + 1
            arch_pc.next = next_pc
            if m.halts:
                halted.next = True
                if m.trap:
                    trapped.next = True
            trace.order.next = order
            trace.pc.next = m.pc
            trace.cycle.next = named_cycle
            trace.insn.next = m.insn
            trace.next_pc.next = next_pc
            trace.trap.next = m.trap
            trace.cause.next = m.cause
            trace.tval.next = m.tval
            trace.rd_we.next = m.rd_we
            trace.rd_addr.next = m.rd if m.rd_we else 0
            trace.rd_wdata.next = wd if m.rd_we else 0
            trace.bd_we.next = m.bd_we
            trace.bd_addr.next = m.rd if m.bd_we else 0
            trace.bd_lo.next = m.payload[32 * D:] if m.bd_we else 0
            trace.bd_hi.next = m.payload[64 * D:32 * D] if m.bd_we else 0
            trace.mem_we.next = m.mem_count != 0
            trace.mem_addr.next = m.addr if m.mem_count != 0 else 0
            trace.mem_count.next = m.mem_count
            if m.mem_count == 1:
                trace.mem_wdata.next = m.x2
            elif m.mem_count != 0:
                trace.mem_wdata.next = m.payload
            else:
                trace.mem_wdata.next = 0
            trace.csr_we.next = m.csr_we
            trace.csr_addr.next = m.csr_addr if m.csr_we else 0
            trace.csr_wdata.next = m.csr_wdata if m.csr_we else 0
            trace.br_valid.next = br_valid
            trace.br_pred.next = m.pred if br_valid else 0
            trace.br_taken.next = taken if br_valid else 0
            trace.br_counter.next = m.counter if br_valid else 0

    return instances()
