"""EX: operand forwarding from MW, the scalar execute cases (ALU, branches, jumps, memory
address checks, CSRs, halt), traps, redirects, and the EX/MW register. EX is where an
instruction commits: everything older has resolved (branches resolve here, bgecp holds
younger instructions in ID until it resolves in MW), so its CSR, box and lbx/sbx writes take
effect at the end of its EX cycles and a trap taken here is precise. Box operations are
sequenced by rtl_gen/box_ops.py; EX sees them through `box`."""

from __future__ import annotations

from myhdl import always_comb, always_seq, block, instances

from isa_spec import load_spec

from .alu import alu
from .config import RtlConfig
from .control_units import CS, SY, B, J, M
from .signals import flag, u32, uint
from .stage_regs import LATE_LW, LATE_NL, LATE_NONE
from .units import UNITS


@block
def forward(src_ok, src_rd, src_value, reads, idx, value, y, hit):
    """y = the MW stage's EX-computed result when it writes the register read here."""
    @always_comb
    def comb():
        h = src_ok and reads and src_rd == idx
        hit.next = h
        y.next = src_value if h else value
    return comb


@block
def ex_stage(cfg: RtlConfig, clk, rst, v, exmw, box, csr, mtvec, ex, fwd, redirect, obs):
    """v: ID/EX; exmw: EX/MW (written here, read for forwarding); box: box_ex_bundle; csr:
    the CSR file's read side (rdata, valid, writable); ex: EX's outputs (done, trap, cause,
    tval, csr_we, train, taken, retire, mispred, base, late); fwd: forwarded operands (x1..x3)."""
    spec = load_spec()
    cause = {t.name: t.code for t in spec.traps.values()}
    C_ILL, C_FETCH, C_LMIS, C_LFLT, C_SMIS, C_SFLT, C_DIM = (cause[n] for n in (
        "illegal_instruction", "fetch_fault", "load_misaligned", "load_fault", "store_misaligned",
        "store_fault", "dim_fault"))
    U_ALU, U_BR, U_JMP, U_MEM, U_CSR, U_NL, U_BOX, U_BMV, U_SYS = (UNITS.index(u) for u in UNITS)
    D, BOXW, DMEM_WORDS = cfg.D, 2 * cfg.D, cfg.DMEM_WORDS
    STEP, ISH, CSRB = cfg.insn_bytes, cfg.insn_shift, cfg.csr_bits
    src_ok = flag()
    h1, h2, h3 = flag(), flag(), flag()
    fwds = [forward(src_ok, exmw.rd, exmw.value, v.reads1, v.rs1, v.x1, fwd.x1, h1),
            forward(src_ok, exmw.rd, exmw.value, v.reads2, v.rs2, v.x2, fwd.x2, h2),
            forward(src_ok, exmw.rd, exmw.value, v.reads3, v.rd, v.x3, fwd.x3, h3)]
    x1, x2 = fwd.x1, fwd.x2
    alu_b, alu_y, addr = u32(), u32(), u32()
    alu_inst = alu(v.op, x1, alu_b, alu_y)
    # the record EX hands to MW (registered below when the instruction leaves EX)
    e_next, e_tval, e_value, e_target = u32(), u32(), u32(), u32()
    e_halts, e_rd_we, e_csr_we, e_br, e_taken, e_gecp = flag(), flag(), flag(), flag(), flag(), flag()
    e_late, e_count, e_cause = uint(3), uint(16), uint(8)

    @always_comb
    def operands():
        src_ok.next = exmw.valid and exmw.rd_we and exmw.late == LATE_NONE
        alu_b.next = v.imm if v.has_imm else x2
        addr.next = x1 + v.imm
        e_target.next = v.pc + (v.imm << ISH)
        redirect.target.next = e_next
        obs.fwd1.next = h1 and v.valid
        obs.fwd2.next = h2 and v.valid
        obs.fwd3.next = h3 and v.valid

    @always_comb
    def decide():
        u = v.unit
        op = v.op
        ipc = v.pc
        trap = False
        e_cause.next = 0
        e_tval.next = 0
        e_next.next = ipc + STEP
        e_value.next = 0
        rd_we = False
        e_late.next = LATE_NONE
        csr_we = False
        br = False
        t = False
        gecp = False
        halt = False
        redir = False
        n = 1
        mem_one = False
        wordi = addr[32:2]
        if v.fault:
            trap = True
            e_cause.next = C_FETCH
            e_tval.next = ipc
        elif not v.legal:
            trap = True
            e_cause.next = C_ILL
            e_tval.next = v.insn
        elif u == U_ALU:
            rd_we = True
            e_value.next = alu_y
        elif u == U_BR:
            br = True
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
            if t:
                e_next.next = e_target
            redir = t != v.pred
        elif u == U_JMP:
            rd_we = True
            e_value.next = ipc + STEP
            if op == J.JAL:
                e_next.next = e_target
            elif op == J.JALR:
                e_next.next = addr
                redir = True
        elif u == U_MEM:
            if op == M.LBX or op == M.SBX:
                n = BOXW
            if addr[2:] != 0:
                trap = True
                e_tval.next = addr
                e_cause.next = C_LMIS if (op == M.LW or op == M.LBX) else C_SMIS
            elif wordi + n > DMEM_WORDS:
                trap = True
                e_tval.next = addr
                e_cause.next = C_LFLT if (op == M.LW or op == M.LBX) else C_SFLT
            elif op == M.LW:
                rd_we = True
                e_late.next = LATE_LW
            elif op == M.SW:
                mem_one = True
        elif u == U_CSR:
            if op == CS.READ:
                if not csr.valid:
                    trap = True
                    e_cause.next = C_ILL
                    e_tval.next = v.insn
                else:
                    rd_we = True
                    e_value.next = csr.rdata
            elif op == CS.WRITE:
                if not csr.writable:
                    trap = True
                    e_cause.next = C_ILL
                    e_tval.next = v.insn
                else:
                    csr_we = True
        elif u == U_NL:
            rd_we = True
            e_late.next = LATE_NL
        elif u == U_BOX or u == U_BMV:   # the box operations' cases are in box_ops.py
            if box.dim and x2 >= D:
                trap = True
                e_cause.next = C_DIM
                e_tval.next = x2
            else:
                rd_we = bool(box.rd_we)
                e_value.next = box.value
                e_late.next = box.late
                gecp = bool(box.gecp)
        elif u == U_SYS and op == SY.HALT:
            halt = True
            e_next.next = ipc
        if trap:
            rd_we = False
            e_late.next = LATE_NONE
            br = False
            gecp = False
            mem_one = False
            if mtvec != 0:
                e_next.next = mtvec
                redir = True
            else:
                e_next.next = ipc
                halt = True
                redir = False
        done = v.valid and (trap or box.last)
        ex.done.next = done
        ex.trap.next = v.valid and trap
        ex.csr_we.next = v.valid and csr_we
        ex.train.next = v.valid and br
        ex.taken.next = t
        ex.retire.next = done and not trap
        ex.mispred.next = v.valid and br and redir
        redirect.valid.next = done and (redir or halt)
        redirect.stop.next = halt
        e_halts.next = halt
        e_rd_we.next = rd_we and v.rd != 0
        e_csr_we.next = csr_we
        e_br.next = br
        e_taken.next = t
        e_gecp.next = gecp
        if mem_one:
            e_count.next = 1
        elif u == U_MEM and op == M.SBX and v.legal and not v.fault and not trap:
            e_count.next = BOXW
        else:
            e_count.next = 0

    @always_comb
    def late_result():   # ID's late_use interlock: the x result of this instruction is ready in MW
        ex.late.next = v.valid and e_rd_we and e_late != LATE_NONE

    @always_comb
    def trap_values():
        ex.cause.next = e_cause
        ex.tval.next = e_tval
        ex.base.next = addr[32:2]

    @always_seq(clk.posedge, reset=rst)
    def register():
        exmw.valid.next = ex.done
        if ex.done:
            exmw.pc.next = v.pc
            exmw.insn.next = v.insn
            exmw.next_pc.next = e_next
            exmw.trap.next = ex.trap
            exmw.cause.next = e_cause
            exmw.tval.next = e_tval
            exmw.halts.next = e_halts
            exmw.rd_we.next = e_rd_we
            exmw.rd.next = v.rd
            exmw.value.next = e_value
            exmw.late.next = e_late
            exmw.nl_op.next = v.op[3:]
            exmw.x1.next = x1
            exmw.x2.next = x2
            exmw.x3.next = fwd.x3
            exmw.addr.next = addr
            exmw.mem_count.next = e_count
            exmw.bd_we.next = box.bd_we and not ex.trap
            exmw.payload.next = box.payload
            exmw.csr_we.next = e_csr_we
            exmw.csr_addr.next = v.imm[CSRB:]
            exmw.csr_wdata.next = x1
            exmw.br_valid.next = e_br
            exmw.pred.next = v.pred
            exmw.taken.next = e_taken
            exmw.counter.next = v.counter
            exmw.gecp.next = e_gecp
            exmw.target.next = e_target

    return instances()
