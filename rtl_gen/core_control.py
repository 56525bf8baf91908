"""The core's control: a multi-cycle state machine (FETCH, EXEC, then BOX / BOXMEM /
READBACK / FINISH for multi-cycle instructions), its combinational decisions (writes, traps,
next PC) and the registered retirement trace. Arithmetic lives in the units; this block
only sequences them. Latencies are documented in docs/rtl.md."""

from __future__ import annotations

from myhdl import always_comb, always_seq, block, concat, enum, intbv

from isa_spec import load_spec

from .box_datapath import W_HARD, W_MOV, W_SCALAR, W_SOFT
from .config import RtlConfig, clog2
from .units import UNITS, UnitOps

U = {u: UNITS.index(u) for u in UNITS}
State = enum("FETCH", "EXEC", "BOX", "BOXMEM", "READBACK", "FINISH", "HALT")

# The operations whose cases are written in this file (rtl_gen/units.py); each has its own
# branch below and a code the decoder does not emit for the unit does nothing.
_F = "rtl_gen/core_control.py"
BRANCH_UNIT = UnitOps("branch", _F, ("eq", "ne", "lt", "ge", "ltu", "geu"), alias="B")
JUMP_UNIT = UnitOps("jump", _F, ("jal", "jalr"), alias="J")
MEM_UNIT = UnitOps("mem", _F, ("lw", "sw", "lbx", "sbx"), alias="M")
CSR_UNIT = UnitOps("csr", _F, ("read", "write"), alias="CS")
BOX_UNIT = UnitOps("box", _F, ("soft", "hard", "lvol", "lcp", "gecp"), alias="X")
BOXMOVE_UNIT = UnitOps("boxmove", _F, ("mov", "getlo", "gethi", "setlo", "sethi"), alias="V")
SYSTEM_UNIT = UnitOps("system", _F, ("halt",), alias="SY")
CONTROL_UNITS = (BRANCH_UNIT, JUMP_UNIT, MEM_UNIT, CSR_UNIT, BOX_UNIT, BOXMOVE_UNIT, SYSTEM_UNIT)
B, J, M, CS, X, V, SY = (u.consts for u in CONTROL_UNITS)


@block
def core_control(cfg: RtlConfig, clk, rst, io):
    """`io` is a namespace of the signals shared with the datapath (see top.py)."""
    spec = load_spec()
    cause = {t.name: t.code for t in spec.traps.values()}
    C_ILL, C_FETCH, C_LMIS, C_LFLT, C_SMIS, C_SFLT, C_DIM = (cause[n] for n in (
        "illegal_instruction", "fetch_fault", "load_misaligned", "load_fault", "store_misaligned",
        "store_fault", "dim_fault"))
    U_ALU, U_BR, U_JMP, U_MEM, U_CSR, U_NL, U_BOX, U_BMV, U_SYS = (U[u] for u in UNITS)
    D, LANES, BEATS = cfg.D, cfg.LANES, cfg.beats
    IMEM_BYTES, DMEM_WORDS = cfg.insn_bytes * cfg.IMEM_WORDS, cfg.DMEM_WORDS
    STEP, ISH, CSRB = cfg.insn_bytes, cfg.insn_shift, cfg.csr_bits  # from the spec (ilen, csr field)
    BOXW = 2 * D
    IB, DB = clog2(cfg.IMEM_WORDS), clog2(cfg.DMEM_WORDS)
    LOW, HIGH = -(1 << 31), (1 << 31) - 1

    s = io
    state = s.state
    pc, ir = s.pc, s.ir
    beat, lane, side, k = s.beat, s.lane, s.side, s.k
    mbase = s.mbase
    acc_i, acc_b = s.acc_int, s.acc_b

    # combinational decisions of this cycle
    c = s.c

    unit, op = s.unit, s.op
    x1, x2, x3, imm = s.x1, s.x2, s.x3, s.imm
    dim_beat, dim_lane = s.dim_beat, s.dim_lane
    mbase_low = s.mbase(DB, 0)

    @always_comb
    def decide():
        c.retire.next = False
        c.trap.next = False
        c.cause.next = 0
        c.tval.next = 0
        c.next_pc.next = pc + STEP
        c.rd_we.next = False
        c.rd_wd.next = 0
        c.dm_we.next = False
        c.dm_waddr.next = 0
        c.dm_wdata.next = 0
        c.box_we_lo.next = False
        c.box_we_hi.next = False
        c.all_lanes.next = False
        c.lane_w.next = 0
        c.w_beat.next = beat
        c.wmode.next = W_SCALAR
        c.wscalar.next = x2.signed()
        c.csr_we.next = False
        c.train.next = False
        c.taken.next = False
        c.halt.next = False
        c.goto.next = State.FETCH
        c.mem_count.next = 0
        c.bd_we.next = False
        c.dm_raddr.next = s.addr[DB + 2:2]
        c.a_reg.next = s.rs1
        c.a_beat.next = beat
        c.a_lane.next = 0
        dim = x2
        addr = s.addr
        word = addr[32:2]
        t = False      # every variable gets a value on every path: no latches
        count = 1
        if state == State.FETCH:
            if pc[ISH:] != 0 or pc >= IMEM_BYTES:
                c.trap.next = True
                c.cause.next = C_FETCH
                c.tval.next = pc
            else:
                c.goto.next = State.EXEC
        elif state == State.EXEC:
            if unit == U_MEM and op == M.SBX:
                c.a_reg.next = s.rs2
            if unit == U_BMV:
                c.a_beat.next = dim_beat
                c.a_lane.next = dim_lane
                c.w_beat.next = dim_beat
                c.lane_w.next = dim_lane
            if not s.legal:
                c.trap.next = True
                c.cause.next = C_ILL
                c.tval.next = ir
            elif unit == U_ALU:
                c.retire.next = True
                c.rd_we.next = True
                c.rd_wd.next = s.alu_y
            elif unit == U_BR:
                c.retire.next = True
                c.train.next = True
                if op == B.EQ:
                    t = x1 == x2
                elif op == B.NE:
                    t = x1 != x2
                elif op == B.LT:
                    t = x1.signed() < x2.signed()
                elif op == B.GE:
                    t = x1.signed() >= x2.signed()
                elif op == B.LTU:
                    t = x1 < x2
                elif op == B.GEU:
                    t = x1 >= x2
                c.taken.next = t
                if t:
                    c.next_pc.next = pc + (imm << ISH)
            elif unit == U_JMP:
                c.retire.next = True
                c.rd_we.next = True
                c.rd_wd.next = pc + STEP
                if op == J.JAL:
                    c.next_pc.next = pc + (imm << ISH)
                elif op == J.JALR:
                    c.next_pc.next = x1 + imm
            elif unit == U_MEM:
                if op == M.LBX or op == M.SBX:
                    count = BOXW
                if addr[2:] != 0:
                    c.trap.next = True
                    c.tval.next = addr
                    c.cause.next = C_LMIS if (op == M.LW or op == M.LBX) else C_SMIS
                elif word + count > DMEM_WORDS:
                    c.trap.next = True
                    c.tval.next = addr
                    c.cause.next = C_LFLT if (op == M.LW or op == M.LBX) else C_SFLT
                elif op == M.LW:
                    c.retire.next = True
                    c.rd_we.next = True
                    c.rd_wd.next = s.dm_rdata
                elif op == M.SW:
                    c.retire.next = True
                    c.dm_we.next = True
                    c.dm_waddr.next = word[DB:]
                    c.dm_wdata.next = x2
                    c.mem_count.next = 1
                elif op == M.LBX or op == M.SBX:
                    c.goto.next = State.BOXMEM
            elif unit == U_CSR:
                if op == CS.READ:
                    if not s.csr_valid:
                        c.trap.next = True
                        c.cause.next = C_ILL
                        c.tval.next = ir
                    else:
                        c.retire.next = True
                        c.rd_we.next = True
                        c.rd_wd.next = s.csr_rdata
                elif op == CS.WRITE:
                    if not s.csr_writable:
                        c.trap.next = True
                        c.cause.next = C_ILL
                        c.tval.next = ir
                    else:
                        c.retire.next = True
                        c.csr_we.next = True
            elif unit == U_NL:
                c.retire.next = True
                c.rd_we.next = True
                c.rd_wd.next = s.nl_y
            elif unit == U_BOX or (unit == U_BMV and op == V.MOV):
                c.goto.next = State.BOX
            elif unit == U_BMV:
                if dim >= D:
                    c.trap.next = True
                    c.cause.next = C_DIM
                    c.tval.next = dim
                elif op == V.GETLO or op == V.GETHI:
                    c.retire.next = True
                    c.rd_we.next = True
                    c.rd_wd.next = s.a_word_lo if op == V.GETLO else s.a_word_hi
                elif op == V.SETLO or op == V.SETHI:
                    c.wscalar.next = x1.signed()
                    c.box_we_lo.next = op == V.SETLO
                    c.box_we_hi.next = op == V.SETHI
                    c.goto.next = State.READBACK
            elif unit == U_SYS and op == SY.HALT:
                c.retire.next = True
                c.halt.next = True
                c.next_pc.next = pc
        elif state == State.BOX:
            if unit == U_BMV:
                c.wmode.next = W_MOV
                c.box_we_lo.next = True
                c.box_we_hi.next = True
            elif op == X.SOFT or op == X.HARD:
                c.wmode.next = W_SOFT if op == X.SOFT else W_HARD
                c.box_we_lo.next = True
                c.box_we_hi.next = True
            c.all_lanes.next = True
            if beat == BEATS - 1:
                c.goto.next = State.FINISH
            else:
                c.goto.next = State.BOX
        elif state == State.BOXMEM:
            c.dm_raddr.next = mbase_low + k
            c.lane_w.next = lane
            c.a_lane.next = lane
            c.goto.next = State.BOXMEM
            if op == M.LBX:
                c.wscalar.next = s.dm_rdata.signed()
                c.box_we_lo.next = not side
                c.box_we_hi.next = side
                if k == BOXW - 1:
                    c.goto.next = State.READBACK
            elif op == M.SBX:
                c.a_reg.next = s.rs2
                c.dm_we.next = True
                c.dm_waddr.next = mbase_low + k
                c.dm_wdata.next = s.a_word_hi if side else s.a_word_lo
                if k == BOXW - 1:
                    c.goto.next = State.FINISH
        elif state == State.READBACK:
            c.a_reg.next = s.rd
            if beat == BEATS - 1:
                c.goto.next = State.FINISH
            else:
                c.goto.next = State.READBACK
        elif state == State.FINISH:
            c.retire.next = True
            if unit == U_BOX and op == X.LVOL:
                c.rd_we.next = True
                c.rd_wd.next = s.lvol
            elif unit == U_BOX and op == X.LCP:
                c.rd_we.next = True
                c.rd_wd.next = s.lcp
            elif unit == U_BOX and op == X.GECP:
                c.train.next = True
                t = s.lcp.signed() >= x3.signed()
                c.taken.next = t
                if t:
                    c.next_pc.next = pc + (imm << ISH)
            elif unit == U_MEM and op == M.SBX:
                c.mem_count.next = BOXW
            elif ((unit == U_BOX and (op == X.SOFT or op == X.HARD)) or (unit == U_MEM and op == M.LBX)
                  or (unit == U_BMV and (op == V.MOV or op == V.SETLO or op == V.SETHI))):
                c.bd_we.next = True
        else:
            c.goto.next = State.HALT

    return decide, _sequencer(cfg, clk, rst, io, State, LOW, HIGH)


@block
def _sequencer(cfg: RtlConfig, clk, rst, s, State, LOW, HIGH):
    """State, PC, beat counters, accumulators, and the registered trace outputs."""
    c, t = s.c, s.trace
    D, LANES, BEATS = cfg.D, cfg.LANES, cfg.beats
    BOXW = 2 * D
    state, pc = s.state, s.pc
    x1, imm = s.x1, s.imm
    CSRB = cfg.csr_bits

    @always_seq(clk.posedge, reset=rst)
    def seq():
        t.valid.next = False
        t.halt.next = False
        if state == State.FETCH:
            s.ir.next = s.imem_rdata
            s.beat.next = 0
            s.lane.next = 0
            s.side.next = False
            s.k.next = 0
            s.acc_int.next = 0
            s.acc_b.next = 0
        if state == State.EXEC:
            s.mbase.next = s.addr[32:2]
        if state == State.BOX or state == State.READBACK:
            s.beat.next = 0 if s.beat == BEATS - 1 else s.beat + 1
            s.acc_int.next = s.acc_int + s.sum_int
            s.acc_b.next = s.acc_b + s.sum_b
        if state == State.BOXMEM:
            s.k.next = s.k + 1
            if s.lane == LANES - 1:
                s.lane.next = 0
                if s.beat == BEATS - 1:
                    s.beat.next = 0
                    s.side.next = True
                else:
                    s.beat.next = s.beat + 1
            else:
                s.lane.next = s.lane + 1
            if s.op_is_sbx:
                s.tr_mem.next = s.tr_mem_shift
            if s.k == BOXW - 1:
                s.beat.next = 0
        if (state == State.BOX and s.box_we_any) or state == State.READBACK:
            s.tr_lo.next = s.tr_lo_shift
            s.tr_hi.next = s.tr_hi_shift
        if c.trap or c.retire:
            t.valid.next = True
            t.order.next = s.order
            s.order.next = s.order + 1
            t.pc.next = pc
            t.cycle.next = s.cycle   # the counter in this, the retirement cycle
            t.insn.next = s.ir if state != State.FETCH else 0
            t.trap.next = c.trap
            t.cause.next = c.cause
            t.tval.next = c.tval
            t.rd_we.next = c.rd_we and s.rd != 0
            t.rd_addr.next = s.rd if (c.rd_we and s.rd != 0) else 0
            t.rd_wdata.next = c.rd_wd if (c.rd_we and s.rd != 0) else 0
            t.bd_we.next = c.bd_we
            t.bd_addr.next = s.rd if c.bd_we else 0
            t.bd_lo.next = s.tr_lo if c.bd_we else 0
            t.bd_hi.next = s.tr_hi if c.bd_we else 0
            t.mem_we.next = c.mem_count != 0
            t.mem_addr.next = s.addr if c.mem_count == 1 else concat(s.mbase, intbv(0)[2:])
            t.mem_count.next = c.mem_count
            t.mem_wdata.next = s.mem_trace if c.mem_count != 0 else 0
            t.csr_we.next = c.csr_we
            t.csr_addr.next = imm[CSRB:] if c.csr_we else 0
            t.csr_wdata.next = x1 if c.csr_we else 0
            t.br_valid.next = c.train
            t.br_pred.next = s.pred_taken if c.train else 0
            t.br_taken.next = c.taken if c.train else 0
            t.br_counter.next = s.pred_counter if c.train else 0
            if c.trap:
                if s.mtvec != 0:
                    pc.next = s.mtvec
                    t.next_pc.next = s.mtvec
                    state.next = State.FETCH
                else:
                    t.next_pc.next = pc
                    t.halt.next = True
                    s.trapped.next = True
                    state.next = State.HALT
            else:
                pc.next = c.next_pc
                t.next_pc.next = c.next_pc
                if c.halt:
                    t.halt.next = True
                    state.next = State.HALT
                else:
                    state.next = State.FETCH
        else:
            state.next = c.goto

    return seq
