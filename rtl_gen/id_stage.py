"""ID: decode, the scalar register read (with a bypass of the value MW writes this cycle),
and the interlocks that hold an instruction here:
  late_use   EX holds a producer whose result is ready only in MW (lw, the scalar non-linear
             ops, blvol, blcp) and this instruction reads it;
  mem_port   this is lbx/sbx and EX holds lw/sw (one data-memory port, used by MW);
  gecp       EX holds bgecp, which resolves in MW (the instruction after it issues while
             bgecp is in MW, unless bgecp redirects fetch there);
  ex_busy    EX holds a multi-cycle operation that is not in its last cycle.
The ID/EX register is written here: loaded when the instruction issues, its operands
refreshed with EX's forwarded values while EX holds the instruction."""

from __future__ import annotations

from types import SimpleNamespace

from myhdl import always_comb, always_seq, block, instances

from isa_spec import Spec

from .config import RtlConfig
from .control_units import BOX_UNIT, MEM_UNIT, M, X
from .decode import DecodeTables, decoder
from .signals import flag, u32, uint
from .units import UNITS
from .wiring import field_bits

U_MEM, U_BOX = (UNITS.index(u.unit) for u in (MEM_UNIT, BOX_UNIT))
# observation port codes (docs/rtl_ports.md): why ID did not issue this cycle
STALL_NONE, STALL_LATE_USE, STALL_MEM_PORT, STALL_GECP, STALL_EX_BUSY = range(5)


@block
def id_stage(cfg: RtlConfig, clk, rst, ifid, idex, rf, mw_byp, fwd, ex_done, ex_late, redirect, go, obs,
             tables: DecodeTables, spec: Spec):
    """rf: register-file read data (x1, x2, x3 for the fields rs1, rs2, rd of ifid.insn);
    mw_byp: MW's register write this cycle (we, rd, wd);
    fwd: EX's forwarded operands (x1, x2, x3); ex_done: EX's instruction is in its last cycle;
    ex_late: its x result is ready only in MW; go: ID issues to EX this cycle (out);
    obs: observation outputs (stall code; byp1..3: the read of x[rs1], x[rs2], x[rd field]
    took MW's value)."""
    legal, has_imm = flag(), flag()
    unit, op, imm = uint(len(idex.unit)), uint(5), u32()
    rw = SimpleNamespace(rd=flag(), rs1=flag(), rs2=flag())
    dec = decoder(cfg, ifid.insn, legal, unit, op, imm, has_imm, tables, spec, rw)
    lsb = {n: spec.fields[n].slices[0][1] for n in ("rd", "rs1", "rs2")}
    rd_f, rs1_f, rs2_f = uint(5), uint(5), uint(5)
    fields = [field_bits(ifid.insn, lsb["rd"], rd_f), field_bits(ifid.insn, lsb["rs1"], rs1_f),
              field_bits(ifid.insn, lsb["rs2"], rs2_f)]
    x1, x2, x3, lbx_sbx = u32(), u32(), u32(), flag()

    @always_comb
    def bypass():
        b1 = mw_byp.we and mw_byp.rd == rs1_f
        b2 = mw_byp.we and mw_byp.rd == rs2_f
        b3 = mw_byp.we and mw_byp.rd == rd_f
        x1.next = mw_byp.wd if b1 else rf.x1
        x2.next = mw_byp.wd if b2 else rf.x2
        x3.next = mw_byp.wd if b3 else rf.x3
        obs.byp1.next = b1 and rw.rs1
        obs.byp2.next = b2 and rw.rs2
        obs.byp3.next = b3 and rw.rd

    @always_comb
    def interlock():
        lbx_sbx.next = legal and unit == U_MEM and (op == M.LBX or op == M.SBX)
        reads = (rw.rs1 and rs1_f == idex.rd) or (rw.rs2 and rs2_f == idex.rd) or (rw.rd and rd_f == idex.rd)
        obs.why.next = STALL_NONE
        if ifid.valid:
            if idex.valid and idex.legal and idex.unit == U_BOX and idex.op == X.GECP:
                obs.why.next = STALL_GECP
            elif ex_late and legal and reads:
                obs.why.next = STALL_LATE_USE
            elif lbx_sbx and idex.valid and idex.legal and idex.unit == U_MEM and (
                    idex.op == M.LW or idex.op == M.SW):
                obs.why.next = STALL_MEM_PORT
            elif idex.valid and not ex_done:
                obs.why.next = STALL_EX_BUSY

    @always_comb
    def issue():
        go.next = ifid.valid and obs.why == STALL_NONE and not redirect.valid

    @always_seq(clk.posedge, reset=rst)
    def register():
        if go:
            idex.valid.next = True
            idex.pc.next = ifid.pc
            idex.insn.next = ifid.insn
            idex.fault.next = ifid.fault
            idex.legal.next = legal
            idex.unit.next = unit
            idex.op.next = op
            idex.imm.next = imm
            idex.has_imm.next = has_imm
            idex.rd.next = rd_f
            idex.rs1.next = rs1_f
            idex.rs2.next = rs2_f
            idex.x1.next = x1
            idex.x2.next = x2
            idex.x3.next = x3
            idex.reads1.next = rw.rs1
            idex.reads2.next = rw.rs2
            idex.reads3.next = rw.rd
            idex.pred.next = ifid.pred
            idex.counter.next = ifid.counter
        else:
            if ex_done:
                idex.valid.next = False
            idex.x1.next = fwd.x1
            idex.x2.next = fwd.x2
            idex.x3.next = fwd.x3

    return instances()
