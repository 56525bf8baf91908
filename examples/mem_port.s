# Back-to-back data-memory accesses: the one data port (docs/rtl.md, rule 2d `mem_port`).
#
# Every pair of a scalar access in EX (lw or sw, whose data access MW makes a cycle later)
# followed at once by lw, sw, lbx or sbx in ID: only lbx and sbx wait a cycle (their word
# transfers run in EX and would meet the scalar access in MW); lw and sw right after lw or
# sw do not. The stores go to distinct words and everything is read back, so a transfer that
# collides with the scalar access, a wrong interlock (a missing or an extra stall, which the
# retirement cycles show) or a store of the wrong data is seen.
# Registers x1..x7 and b0 only, addresses inside 64 words: it runs on tiny too.

        la    x6, buf
        la    x7, boxes
        li    x1, 0x1234
        li    x2, -77
        sw    x1, 0(x6)          # sw ; sw
        sw    x2, 4(x6)
        lw    x3, 0(x6)          # lw ; sw (the store reads x2, not the loaded x3)
        sw    x2, 8(x6)
        sw    x1, 12(x6)         # sw ; lw
        lw    x4, 4(x6)
        lw    x5, 8(x6)          # lw ; lw
        lw    x3, 12(x6)
        lbx   b0, 0(x7)          # a box to move
        sw    x4, 16(x6)         # sw ; sbx: sbx waits for the port
        sbx   b0, 64(x7)
        lw    x5, 16(x6)         # lw ; sbx
        sbx   b0, 128(x7)
        sw    x3, 20(x6)         # sw ; lbx
        lbx   b0, 64(x7)
        lw    x4, 20(x6)         # lw ; lbx
        lbx   b0, 128(x7)
        sw    x5, 24(x6)         # lw ; sw of the loaded register: the late-use wait as well
        lw    x1, 24(x6)
        sw    x1, 28(x6)
        halt

.data
buf:
        .space 8
boxes:                           # 2 * D words per box: 16 on default
        .fx 0.25, -0.5, 1.5, 2.0, 0.125, 3.0, -1.0, 0.75
        .fx 0.5, 0.25, 2.5, 2.5, 0.5, 3.5, 0.0, 1.0
        .space 32
