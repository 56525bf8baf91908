# Every predictor counter from its reset value (docs/mutation.md).
#
# 61 conditional branches that are always taken, to the next word, at word addresses 0..60,
# then the loop branch at word 62, run twice. The first pass meets each counter with its
# reset value (weakly not taken: every branch mispredicts and trains its counter to weakly
# taken); the second pass is predicted taken. A counter that resets to another value (or
# keeps the previous program's) predicts differently in one of the passes: the trace's
# prediction and counter, the misprediction count and the retirement cycles all show it.
# On default (64 counters, indexed by pc >> 2) this meets 62 of them: all but those of
# words 61 (the xori) and 63 (halt). Exactly 64 words: it fits tiny's instruction memory.
# x1 starts at 0 (reset): pass 1 sets it to 1 and branches back, pass 2 clears it.

w00:    beq   x0, x0, w01
w01:    beq   x0, x0, w02
w02:    beq   x0, x0, w03
w03:    beq   x0, x0, w04
w04:    beq   x0, x0, w05
w05:    beq   x0, x0, w06
w06:    beq   x0, x0, w07
w07:    beq   x0, x0, w08
w08:    beq   x0, x0, w09
w09:    beq   x0, x0, w10
w10:    beq   x0, x0, w11
w11:    beq   x0, x0, w12
w12:    beq   x0, x0, w13
w13:    beq   x0, x0, w14
w14:    beq   x0, x0, w15
w15:    beq   x0, x0, w16
w16:    beq   x0, x0, w17
w17:    beq   x0, x0, w18
w18:    beq   x0, x0, w19
w19:    beq   x0, x0, w20
w20:    beq   x0, x0, w21
w21:    beq   x0, x0, w22
w22:    beq   x0, x0, w23
w23:    beq   x0, x0, w24
w24:    beq   x0, x0, w25
w25:    beq   x0, x0, w26
w26:    beq   x0, x0, w27
w27:    beq   x0, x0, w28
w28:    beq   x0, x0, w29
w29:    beq   x0, x0, w30
w30:    beq   x0, x0, w31
w31:    beq   x0, x0, w32
w32:    beq   x0, x0, w33
w33:    beq   x0, x0, w34
w34:    beq   x0, x0, w35
w35:    beq   x0, x0, w36
w36:    beq   x0, x0, w37
w37:    beq   x0, x0, w38
w38:    beq   x0, x0, w39
w39:    beq   x0, x0, w40
w40:    beq   x0, x0, w41
w41:    beq   x0, x0, w42
w42:    beq   x0, x0, w43
w43:    beq   x0, x0, w44
w44:    beq   x0, x0, w45
w45:    beq   x0, x0, w46
w46:    beq   x0, x0, w47
w47:    beq   x0, x0, w48
w48:    beq   x0, x0, w49
w49:    beq   x0, x0, w50
w50:    beq   x0, x0, w51
w51:    beq   x0, x0, w52
w52:    beq   x0, x0, w53
w53:    beq   x0, x0, w54
w54:    beq   x0, x0, w55
w55:    beq   x0, x0, w56
w56:    beq   x0, x0, w57
w57:    beq   x0, x0, w58
w58:    beq   x0, x0, w59
w59:    beq   x0, x0, w60
w60:    beq   x0, x0, w61
w61:    xori  x1, x1, 1
        bne   x1, x0, w00        # word 62: the loop branch (taken, then not)
        halt                     # word 63
