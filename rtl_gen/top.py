"""The LPU top: creates the shared signals, instantiates every unit and the control, and
drives the ports documented in docs/rtl_ports.md."""

from __future__ import annotations

from types import SimpleNamespace

from myhdl import ConcatSignal, ResetSignal, Signal, always_comb, block, instances

from isa_spec import load_spec

from .alu import alu
from .box_datapath import box_datapath, sum_bits
from .config import RtlConfig, clog2
from .core_control import M as MEM_OPS
from .core_control import State, core_control
from .core_control import X as BOX_OPS
from .csr_file import csr_file
from .decode import decode_tables, decoder, rom
from .memories import word_memory
from .predictor import predictor
from .regfile import regfile
from .saturate import saturate32
from .scalar_nl import SCALAR_NL_OPS, SCALAR_NL_UNIT, scalar_nl_unit
from .signals import flag, s32, sint, u32, uint
from .units import UNITS
from .wiring import field_bits, low_bits

TOP_NAME = "lpu_top"
DBG_X, DBG_BLO, DBG_BHI, DBG_DMEM, DBG_CSR, DBG_PC = range(6)


def top_ports(cfg: RtlConfig) -> dict[str, Signal]:
    """The top's ports, by name (order = the module's port order)."""
    d2 = 2 * cfg.D
    return {
        "clk": flag(), "rst": ResetSignal(0, active=1, isasync=False),
        "halted": flag(), "trapped": flag(),
        "host_imem_we": flag(), "host_imem_addr": uint(clog2(cfg.IMEM_WORDS)), "host_imem_wdata": u32(),
        "host_dmem_we": flag(), "host_dmem_addr": uint(clog2(cfg.DMEM_WORDS)), "host_dmem_wdata": u32(),
        "dbg_sel": uint(3), "dbg_idx": uint(16), "dbg_rdata": u32(),
        "rvfi_valid": flag(), "rvfi_order": u32(), "rvfi_pc": u32(), "rvfi_insn": u32(), "rvfi_next_pc": u32(),
        "rvfi_trap": flag(), "rvfi_cause": uint(8), "rvfi_tval": u32(),
        "rvfi_rd_we": flag(), "rvfi_rd_addr": uint(5), "rvfi_rd_wdata": u32(),
        "rvfi_bd_we": flag(), "rvfi_bd_addr": uint(5), "rvfi_bd_lo": uint(32 * cfg.D), "rvfi_bd_hi": uint(32 * cfg.D),
        "rvfi_mem_we": flag(), "rvfi_mem_addr": u32(), "rvfi_mem_count": uint(16), "rvfi_mem_wdata": uint(32 * d2),
        "rvfi_csr_we": flag(), "rvfi_csr_addr": uint(cfg.csr_bits), "rvfi_csr_wdata": u32(),
        "rvfi_br_valid": flag(), "rvfi_br_pred": flag(), "rvfi_br_taken": flag(), "rvfi_br_counter": uint(2),
        "rvfi_halt": flag(), "rvfi_cycle": u32(),   # the cycle CSR's value in the retirement cycle
    }


def _control_signals(cfg: RtlConfig) -> SimpleNamespace:
    return SimpleNamespace(
        retire=flag(), trap=flag(), cause=uint(8), tval=u32(), next_pc=u32(), rd_we=flag(), rd_wd=u32(),
        dm_we=flag(), dm_waddr=uint(clog2(cfg.DMEM_WORDS)), dm_wdata=u32(), dm_raddr=uint(clog2(cfg.DMEM_WORDS)),
        box_we_lo=flag(), box_we_hi=flag(), all_lanes=flag(), lane_w=uint(cfg.lane_bits),
        w_beat=uint(cfg.beat_bits), wmode=uint(2), wscalar=s32(), csr_we=flag(), train=flag(), taken=flag(),
        halt=flag(), goto=Signal(State.FETCH), mem_count=uint(16), bd_we=flag(), a_reg=uint(5),
        a_beat=uint(cfg.beat_bits), a_lane=uint(cfg.lane_bits))


@block
def lpu_top(cfg: RtlConfig, clk, rst, halted, trapped, host_imem_we, host_imem_addr, host_imem_wdata,
            host_dmem_we, host_dmem_addr, host_dmem_wdata, dbg_sel, dbg_idx, dbg_rdata,
            rvfi_valid, rvfi_order, rvfi_pc, rvfi_insn, rvfi_next_pc, rvfi_trap, rvfi_cause, rvfi_tval,
            rvfi_rd_we, rvfi_rd_addr, rvfi_rd_wdata, rvfi_bd_we, rvfi_bd_addr, rvfi_bd_lo, rvfi_bd_hi,
            rvfi_mem_we, rvfi_mem_addr, rvfi_mem_count, rvfi_mem_wdata, rvfi_csr_we, rvfi_csr_addr,
            rvfi_csr_wdata, rvfi_br_valid, rvfi_br_pred, rvfi_br_taken, rvfi_br_counter, rvfi_halt, rvfi_cycle):
    spec = load_spec()
    tables = decode_tables(spec)
    D, LANES, BEATS = cfg.D, cfg.LANES, cfg.beats
    SB = sum_bits(cfg)
    ib, db = clog2(cfg.IMEM_WORDS), clog2(cfg.DMEM_WORDS)
    trace = SimpleNamespace(
        valid=rvfi_valid, order=rvfi_order, pc=rvfi_pc, insn=rvfi_insn, next_pc=rvfi_next_pc, trap=rvfi_trap,
        cause=rvfi_cause, tval=rvfi_tval, rd_we=rvfi_rd_we, rd_addr=rvfi_rd_addr, rd_wdata=rvfi_rd_wdata,
        bd_we=rvfi_bd_we, bd_addr=rvfi_bd_addr, bd_lo=rvfi_bd_lo, bd_hi=rvfi_bd_hi, mem_we=rvfi_mem_we,
        mem_addr=rvfi_mem_addr, mem_count=rvfi_mem_count, mem_wdata=rvfi_mem_wdata, csr_we=rvfi_csr_we,
        csr_addr=rvfi_csr_addr, csr_wdata=rvfi_csr_wdata, br_valid=rvfi_br_valid, br_pred=rvfi_br_pred,
        br_taken=rvfi_br_taken, br_counter=rvfi_br_counter, halt=rvfi_halt, cycle=rvfi_cycle)
    ir = u32()
    rd, rs1, rs2 = (ir(f.slices[0][0] + 1, f.slices[0][1]) for f in (spec.fields[n] for n in ("rd", "rs1", "rs2")))
    s = SimpleNamespace(
        state=Signal(State.FETCH), pc=u32(spec.reset_pc), ir=ir, rd=rd, rs1=rs1, rs2=rs2,
        beat=uint(cfg.beat_bits), lane=uint(cfg.lane_bits), side=flag(), k=uint(clog2(2 * D) + 1),
        mbase=uint(30), acc_int=sint(SB), acc_b=sint(SB), sum_int=sint(SB), sum_b=sint(SB),
        legal=flag(), unit=uint(clog2(len(UNITS))), op=uint(5), imm=u32(),
        has_imm=flag(), x1=u32(), x2=u32(), x3=u32(), addr=u32(), alu_y=u32(), nl_y=s32(), imem_rdata=u32(),
        dm_rdata=u32(), csr_rdata=u32(), csr_valid=flag(), csr_writable=flag(), pred_counter=uint(2),
        pred_taken=flag(), a_word_lo=s32(), a_word_hi=s32(), lvol=u32(), lcp=u32(), mtvec=None, cycle=None,
        trapped=trapped, order=u32(), op_is_sbx=flag(), box_we_any=flag(), tr_lo=uint(32 * D),
        tr_hi=uint(32 * D), tr_lo_shift=uint(32 * D), tr_hi_shift=uint(32 * D), tr_mem=uint(64 * D),
        tr_mem_shift=uint(64 * D), mem_trace=uint(64 * D), trace=trace, c=_control_signals(cfg))
    c = s.c

    # decode, scalar registers, ALU, scalar non-linear unit
    dec = decoder(cfg, ir, s.legal, s.unit, s.op, s.imm, s.has_imm, tables, spec)
    dbg_x = u32()
    lsb = {n: spec.fields[n].slices[0][1] for n in ("rd", "rs1", "rs2")}
    rd_x, rs1_x, rs2_x = (uint(cfg.sreg_bits) for _ in range(3))
    x_idx = [field_bits(ir, lsb["rd"], rd_x), field_bits(ir, lsb["rs1"], rs1_x), field_bits(ir, lsb["rs2"], rs2_x)]
    xregs = regfile(cfg, clk, rst, rs1_x, rs2_x, rd_x, s.x1, s.x2, s.x3, c.rd_we, rd_x, c.rd_wd, dbg_idx, dbg_x)
    alu_b = u32()
    alu_inst = alu(s.op, s.x1, alu_b, s.alu_y)
    nl_sel, nl_a, nl_b = uint(3), s32(), s32()
    nl_select = [0] * 32  # decoder op code -> the unit's select (index in SCALAR_NL_OPS)
    for o in SCALAR_NL_UNIT.ops:
        nl_select[SCALAR_NL_UNIT.code(o)] = SCALAR_NL_OPS.index(o)
    nl_rom = rom(s.op, nl_sel, tuple(nl_select))
    nl_inst = scalar_nl_unit(cfg, nl_sel, nl_a, nl_b, s.nl_y)

    # memories, predictor, CSRs
    dbg_dm = u32()
    ish = cfg.insn_shift  # the PC's word index
    imem = word_memory(cfg.IMEM_WORDS, clk, s.pc(ib + ish, ish), s.imem_rdata, None, None, None, None, None,
                       host_imem_we, host_imem_addr, host_imem_wdata)
    dmem = word_memory(cfg.DMEM_WORDS, clk, c.dm_raddr, s.dm_rdata, dbg_idx(db, 0), dbg_dm, c.dm_we, c.dm_waddr,
                       c.dm_wdata, host_dmem_we, host_dmem_addr, host_dmem_wdata)
    pred = predictor(cfg, clk, rst, s.pc, s.pred_counter, s.pred_taken, c.train, c.taken)
    named = {n: u32(v.reset if isinstance(v.reset, int) else getattr(cfg, v.reset)) for n, v in spec.csrs.items()}
    s.mtvec, s.cycle = named["mtvec"], named["cycle"]
    events = {"tick": flag(), "retire": flag(), "branch": flag(), "mispred": flag()}
    CSRB = cfg.csr_bits  # CSR numbers are the spec's csr field
    csr_rnum = uint(CSRB)
    csrs = csr_file(cfg, clk, rst, csr_rnum, s.csr_rdata, s.csr_valid, s.csr_writable, c.csr_we, s.imm(CSRB, 0),
                    s.x1, events, c.trap, {"epc": s.pc, "cause": c.cause, "tval": c.tval}, named)

    # box datapath
    bb, tb = cfg.breg_bits, cfg.beat_bits
    addr_a, addr_b, addr_dbg, waddr = (uint(bb + tb) for _ in range(4))
    sel_dbg = uint(cfg.lane_bits)
    dbg_lo, dbg_hi = s32(), s32()
    wlo_bus, whi_bus, alo_bus, ahi_bus = (uint(32 * LANES) for _ in range(4))
    boxes = box_datapath(cfg, clk, rst, addr_a, addr_b, addr_dbg, c.a_lane, sel_dbg, s.a_word_lo, s.a_word_hi,
                         dbg_lo, dbg_hi, named["beta_i"], named["ibeta_i"], named["beta_v"], named["ibeta_v"],
                         c.wmode, c.box_we_lo, c.box_we_hi, c.all_lanes, c.lane_w, waddr, c.wscalar,
                         s.sum_int, s.sum_b, wlo_bus, whi_bus, alo_bus, ahi_bus)
    U_BOX, U_MEM = UNITS.index("box"), UNITS.index("mem")
    LVOL, SBX = BOX_OPS.LVOL, MEM_OPS.SBX
    sat_i, sat_b = s32(), s32()
    lcp_wide = sint(34)
    lcp_sat = s32()
    lcp_bits, lvol_bits = lcp_sat(32, 0), sat_b(32, 0)

    ev_tick, ev_retire, ev_branch, ev_mispred = (events[k] for k in ("tick", "retire", "branch", "mispred"))

    @always_comb
    def operands():
        alu_b.next = s.imm if s.has_imm else s.x2
        nl_a.next = s.x1.signed()
        nl_b.next = s.x2.signed()
        s.addr.next = s.x1 + s.imm
        csr_rnum.next = s.imm[CSRB:] if s.state != State.HALT else dbg_idx[CSRB:]
        ev_tick.next = s.state != State.HALT
        ev_retire.next = c.retire
        ev_branch.next = c.train
        ev_mispred.next = c.train and (c.taken != s.pred_taken)
        s.op_is_sbx.next = s.unit == U_MEM and s.op == SBX
        s.box_we_any.next = c.box_we_lo or c.box_we_hi
        halted.next = s.state == State.HALT

    # {register, beat} addresses of the lane stores (register fields already range-checked)
    b_reg, dbg_reg, dbg_dim, dbg_beat, dbg_lane = uint(5), uint(16), uint(16), uint(16), uint(16)

    @always_comb
    def box_regs():
        b_reg.next = rs1 if (s.unit == U_BOX and s.op == LVOL) else rs2
        dbg_reg.next = dbg_idx // D
        dbg_dim.next = dbg_idx % D

    @always_comb
    def box_dbg_split():
        dbg_beat.next = dbg_dim // LANES
        dbg_lane.next = dbg_dim % LANES

    a_reg_b, b_reg_b, rd_b, dbg_reg_b = (uint(bb) for _ in range(4))
    lb = cfg.lane_bits
    dbg_beat_b, dbg_lane_b = uint(tb), uint(lb)
    narrow = [low_bits(c.a_reg, a_reg_b), low_bits(b_reg, b_reg_b), field_bits(ir, lsb["rd"], rd_b),
              low_bits(dbg_reg, dbg_reg_b),
              low_bits(dbg_beat, dbg_beat_b), low_bits(dbg_lane, dbg_lane_b)]
    addr_a_v = ConcatSignal(a_reg_b, c.a_beat)
    addr_b_v = ConcatSignal(b_reg_b, s.beat)
    waddr_v = ConcatSignal(rd_b, c.w_beat)
    addr_dbg_v = ConcatSignal(dbg_reg_b, dbg_beat_b)

    @always_comb
    def box_addresses():
        addr_a.next = addr_a_v
        addr_b.next = addr_b_v
        waddr.next = waddr_v
        addr_dbg.next = addr_dbg_v
        sel_dbg.next = dbg_lane_b

    # a dimension index from x[rs2] (bgetlo ... bsethi), split into beat and lane
    dim_beat, dim_lane = uint(8), uint(8)

    @always_comb
    def dim_split():
        dim_beat.next = s.x2[8:] // LANES
        dim_lane.next = s.x2[8:] % LANES

    s.dim_beat, s.dim_lane = dim_beat(tb, 0), dim_lane(cfg.lane_bits, 0)
    control = core_control(cfg, clk, rst, s)

    sats = [saturate32(s.acc_int, sat_i), saturate32(s.acc_b, sat_b), saturate32(lcp_wide, lcp_sat)]

    @always_comb
    def lcp_difference():
        lcp_wide.next = sat_i - sat_b

    @always_comb
    def results3():
        s.lvol.next = lvol_bits
        s.lcp.next = lcp_bits

    shift_lo = ConcatSignal(wlo_bus, s.tr_lo(32 * D, 32 * LANES)) if BEATS > 1 else wlo_bus
    shift_hi = ConcatSignal(whi_bus, s.tr_hi(32 * D, 32 * LANES)) if BEATS > 1 else whi_bus
    shift_alo = ConcatSignal(alo_bus, s.tr_lo(32 * D, 32 * LANES)) if BEATS > 1 else alo_bus
    shift_ahi = ConcatSignal(ahi_bus, s.tr_hi(32 * D, 32 * LANES)) if BEATS > 1 else ahi_bus
    shift_mem = ConcatSignal(c.dm_wdata, s.tr_mem(64 * D, 32))

    @always_comb
    def trace_shifts():
        if s.state == State.READBACK:
            s.tr_lo_shift.next = shift_alo
            s.tr_hi_shift.next = shift_ahi
        else:
            s.tr_lo_shift.next = shift_lo
            s.tr_hi_shift.next = shift_hi
        s.tr_mem_shift.next = shift_mem
        if s.op_is_sbx:
            s.mem_trace.next = s.tr_mem
        else:
            s.mem_trace.next = s.x2

    @always_comb
    def debug_read():
        v = s.pc
        if dbg_sel == DBG_X:
            v = dbg_x
        elif dbg_sel == DBG_BLO:
            v = dbg_lo[32:]
        elif dbg_sel == DBG_BHI:
            v = dbg_hi[32:]
        elif dbg_sel == DBG_DMEM:
            v = dbg_dm
        elif dbg_sel == DBG_CSR:
            v = s.csr_rdata
        dbg_rdata.next = v

    return instances()
