# Traps while the next instruction is held in ID (pipeline directed test).
#
# lw/sw use the one data-memory port in MW, so an lbx/sbx right behind one waits a cycle in
# ID (the mem_port interlock, docs/pipeline.md rule 2d). When the lw/sw traps, its redirect
# to mtvec must empty ID too: the held lbx/sbx is on the wrong path and must not execute
# before the handler. (ibex: "a flush that was not guaranteed while ID was stalled"; the
# planted bug flush_dropped_stalled, docs/mutation.md.) Random programs rarely put a
# misaligned lw/sw right before an lbx/sbx, so this program does it twice.
# The handler returns past the trapping instruction, so each held instruction then runs
# once, on the right path. Registers x0..x3 and b0 only: it runs on every configuration.

        la    x1, handler
        csrw  mtvec, x1
        addi  x2, x0, 5
        sw    x2, 2(x0)          # store_misaligned in EX while lbx waits in ID (mem_port)
        lbx   b0, 0(x0)          # flushed by the trap; runs after the handler returns
        lw    x2, 1(x0)          # load_misaligned in EX while sbx waits in ID
        sbx   b0, 64(x0)         # flushed by the trap; runs after the handler returns
        lw    x2, 64(x0)         # the word sbx stored
        halt

handler:
        csrr  x3, mepc           # return past the trapping instruction
        addi  x3, x3, 4
        jalr  x0, 0(x3)

        .data
        .word 11, 22, 33, 44
