"""IF: the PC, the fetch of the word at PC, and the next-fetch prediction: a pre-decode of the
word (the spec's decoder) and the predictor's counter at PC steer conditional branches
(bgecp included) predicted taken and `jal` to their target; everything else, `jalr`
included, continues at pc + 4. A redirect (a misprediction, jalr, a trap) replaces the PC
and empties IF/ID; `stop` (the core is halting) ends fetching."""

from __future__ import annotations

from myhdl import always_comb, always_seq, block, instances

from isa_spec import Spec

from .config import RtlConfig, clog2
from .control_units import BOX_UNIT, BRANCH_UNIT, JUMP_UNIT, J, X
from .decode import DecodeTables, decoder
from .signals import flag, u32, uint
from .units import UNITS

U_BR, U_JMP, U_BOX = (UNITS.index(u.unit) for u in (BRANCH_UNIT, JUMP_UNIT, BOX_UNIT))


@block
def if_stage(cfg: RtlConfig, clk, rst, pc, word, counter, taken, ifid, accept, redirect, fetching,
             tables: DecodeTables, spec: Spec):
    """pc: the fetch address (drives imem and the predictor); word: imem[pc]; counter/taken:
    the predictor at pc; ifid: the IF/ID register (written here); accept: ID takes IF/ID's
    content this cycle; redirect: a Redirect bundle; fetching (out): IF fetches this cycle
    (fetch has not been stopped by halt)."""
    STEP, ISH = cfg.insn_bytes, cfg.insn_shift
    IMEM_BYTES = cfg.insn_bytes * cfg.IMEM_WORDS
    legal, has_imm_unused = flag(), flag()
    unit, op, imm = uint(clog2(len(UNITS))), uint(5), u32()
    pre = decoder(cfg, word, legal, unit, op, imm, has_imm_unused, tables, spec)
    next_pc, fault, pred, stopped = u32(), flag(), flag(), flag()

    @always_comb
    def predict():
        bad = pc[ISH:] != 0 or pc >= IMEM_BYTES
        cond = legal and (unit == U_BR or (unit == U_BOX and op == X.GECP))
        jal = legal and unit == U_JMP and op == J.JAL
        fault.next = bad
        pred.next = cond and taken and not bad
        if (jal or (cond and taken)) and not bad:
            next_pc.next = pc + (imm << ISH)
        else:
            next_pc.next = pc + STEP

    @always_comb
    def fetch_state():
        fetching.next = not stopped

    @always_seq(clk.posedge, reset=rst)
    def fetch():
        if redirect.valid:
            ifid.valid.next = False
            if redirect.stop:
                stopped.next = True
            else:
                pc.next = redirect.target
        elif accept:
            ifid.valid.next = not stopped
            if not stopped:
                ifid.pc.next = pc
                ifid.insn.next = 0 if fault else word
                ifid.fault.next = fault
                ifid.pred.next = pred
                ifid.counter.next = counter
                pc.next = next_pc

    return instances()
