"""Planted pipeline bugs (issue 15): each one an escape class that ibex or CVA6 DV met, as
an edit of the generated Verilog (verif/mutants.py's Edit and Mutant). Each one changes a
hazard, flush or counter decision of rtl_gen/{id,ex,mw,if}_stage.py or rtl_gen/top.py;
docs/mutation.md says what each models and which test catches it.

The patterns name signals by their suffix (MyHDL prefixes them with instance names), so a
new line or port elsewhere in the design does not move them."""

from __future__ import annotations

from rtl_gen.id_stage import STALL_NONE
from rtl_gen.stage_regs import LATE_LVOL, LATE_NONE
from rtl_gen.units import UNITS

from .mutants import Edit, Mutant

MEM_UNIT = UNITS.index("mem")   # the decoder's unit code of lw, sw, lbx, sbx

# ID's issue line (rtl_gen/id_stage.py `issue`)
GO_LINE = r"^assign go = \(ifid_valid && \(obs_why == 0\) && \(!redirect_valid\)\);$"
# the EX/MW register's signals, looked up by the lines that drive them
EXMW_NAMES = (("valid", r"^\s+(\w*exmw_valid) <= \w+_done;"),) + tuple(
    (f, rf"^\s+(\w*exmw_{f}) <= ") for f in ("br_valid", "pred", "taken"))
# MW holds a conditional branch that EX resolved against its prediction (it redirected last cycle)
MISPREDICTED_IN_MW = "({valid} && {br_valid} && ({pred} != {taken}))"

PIPELINE = (
    # 1. ibex: a load-use stall that did not fire for some instructions
    Mutant("late_use_mem_consumer",
           "the late_use interlock ignores consumers in the memory unit: lw/sw/lbx/sbx right after a late "
           "producer (lw, fexp.., blvol, blcp) read the stale base register or store data",
           (Edit(r"else if \(\(\w+_ex_late && \w+_legal && reads\)\) begin$", r"(\w+)_legal && reads\)\)",
                 rf"\1_legal && reads && (\1_unit != {MEM_UNIT})))", regex=True),)),
    # 2. forwarding from the wrong pipeline register
    Mutant("bypass_wrong_source",
           "ID's register-read bypass takes the EX/MW register's EX result instead of MW's write-back value: "
           "an instruction waiting in ID for a late result (lw, the nl ops, blvol, blcp) gets 0 or an address",
           (Edit(r"begin: id_stage\w*_bypass$", r"^always @\(", "always @({value}, ", regex=True),
            Edit(r"^\s+id_stage\w*_x1 = b1 \? \w+ : \w+;$", r"b1 \? \w+ :", "b1 ? {value} :", regex=True),
            Edit(r"^\s+id_stage\w*_x2 = b2 \? \w+ : \w+;$", r"b2 \? \w+ :", "b2 ? {value} :", regex=True)),
           names=(("value", r"^\s+\w*fwd_x1 = h \? (\w+) :"),)),
    # 3. ibex: a register-file write enable held during a stall
    Mutant("rf_we_held",
           "the register-file write enable is the EX/MW register's rd_we without its valid bit: while MW holds "
           "a bubble (EX busy or stalled) the last writer's register is written again, with a late result "
           "(lw's word, lvol) read anew",
           (Edit(r"^assign regfile\w*_we = \(\w+_valid && \w+_rd_we\);$", r"\(\w+_valid && (\w+_rd_we)\)",
                 r"\1", regex=True),)),
    # 4. a wrong-path instruction with an effect (store, register write)
    Mutant("wrong_path_after_gecp",
           "ID issues during MW's redirect (it only looks at EX's): the instruction behind a mispredicted "
           "bgecp executes, writes and retires",
           (Edit(GO_LINE, "(!redirect_valid));", "(!{ex_redirect}));"),),
           names=(("ex_redirect", r"^\s+(\w*ex_redirect_valid) = \("),)),
    # 5. CVA6: an exception from a mispredicted path made architecturally visible
    Mutant("wrong_path_trap",
           "an illegal word in ID issues even during a redirect: an illegal instruction (or a fetch fault) "
           "behind a mispredicted branch, a jalr or a trap traps",
           (Edit(GO_LINE, "(!redirect_valid));", "(!redirect_valid || !{legal}));"),),
           names=(("legal", r"^\s+(\w*id_stage\w*_legal) = ok;"),)),
    # 6. ibex: a flush that was not guaranteed while ID was stalled
    Mutant("flush_dropped_stalled",
           "a redirect does not empty IF/ID while ID is stalled: lbx/sbx waiting for the data port behind a "
           "trapping lw/sw survives the trap and executes before the handler",
           (Edit(r"^\s+\w*ifid_valid <= 1'b0;$", r"(\w*ifid_valid) <= 1'b0;",
                 rf"\1 <= (\1 && ({{why}} != {STALL_NONE}));", regex=True),),
           names=(("why", rf"^\s+(\w*obs_why) = {STALL_NONE};$"),)),
    # 7. a box result read too early (box stage 2's blvol/blcp result, ready in MW)
    Mutant("box_result_not_interlocked",
           "blvol and blcp are not late for the late_use interlock: the next instruction reads x[rd] a cycle "
           "before box stage 2 writes it",
           (Edit(r"^assign \w+_ex_late = \(.*_e_late != 0\)\);$", r"\((\w+_e_late) != 0\)",
                 rf"(\1 != {LATE_NONE}) && (\1 < {LATE_LVOL})", regex=True),)),
    # 8. a counter that counts a flushed instruction
    Mutant("instret_counts_flushed",
           "instret also counts the instruction a mispredicted branch flushes from ID (its count lands in "
           "the cycle after the flush, while the branch is in MW and EX is empty)",
           (Edit(r"^assign ev_retire = \w+;$", r"= (\w+);", r"= (\1 || " + MISPREDICTED_IN_MW + ");", regex=True),),
           names=EXMW_NAMES),
    # 9. a misprediction penalty one cycle off (only the retirement-cycle check sees it)
    Mutant("mispredict_penalty_plus1",
           "IF waits one more cycle after a conditional branch mispredicted in EX (while it is in MW): "
           "a penalty of 3 bubbles instead of 2",
           (Edit(r"^\s+else if \(\w*accept\) begin$", r"\((\w*accept)\)",
                 r"(\1 && !" + MISPREDICTED_IN_MW + ")", regex=True),),
           names=EXMW_NAMES),
)
