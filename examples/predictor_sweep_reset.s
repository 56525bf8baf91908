# Every predictor counter is reset between programs (docs/mutation.md); it runs after
# predictor_sweep.s (file order: the directed programs run one after the other in one
# simulation, with a reset before each).
#
# 61 conditional branches that are never taken, at word addresses 0..60, met once. Right
# after reset each counter is weakly not taken: every branch is predicted correctly. A
# counter the reset does not bring back (predictor_sweep.s leaves its counters strongly
# taken) or resets to another value predicts taken: a misprediction the trace, the
# misprediction count and the retirement cycles show.

w00:    bne   x0, x0, w01
w01:    bne   x0, x0, w02
w02:    bne   x0, x0, w03
w03:    bne   x0, x0, w04
w04:    bne   x0, x0, w05
w05:    bne   x0, x0, w06
w06:    bne   x0, x0, w07
w07:    bne   x0, x0, w08
w08:    bne   x0, x0, w09
w09:    bne   x0, x0, w10
w10:    bne   x0, x0, w11
w11:    bne   x0, x0, w12
w12:    bne   x0, x0, w13
w13:    bne   x0, x0, w14
w14:    bne   x0, x0, w15
w15:    bne   x0, x0, w16
w16:    bne   x0, x0, w17
w17:    bne   x0, x0, w18
w18:    bne   x0, x0, w19
w19:    bne   x0, x0, w20
w20:    bne   x0, x0, w21
w21:    bne   x0, x0, w22
w22:    bne   x0, x0, w23
w23:    bne   x0, x0, w24
w24:    bne   x0, x0, w25
w25:    bne   x0, x0, w26
w26:    bne   x0, x0, w27
w27:    bne   x0, x0, w28
w28:    bne   x0, x0, w29
w29:    bne   x0, x0, w30
w30:    bne   x0, x0, w31
w31:    bne   x0, x0, w32
w32:    bne   x0, x0, w33
w33:    bne   x0, x0, w34
w34:    bne   x0, x0, w35
w35:    bne   x0, x0, w36
w36:    bne   x0, x0, w37
w37:    bne   x0, x0, w38
w38:    bne   x0, x0, w39
w39:    bne   x0, x0, w40
w40:    bne   x0, x0, w41
w41:    bne   x0, x0, w42
w42:    bne   x0, x0, w43
w43:    bne   x0, x0, w44
w44:    bne   x0, x0, w45
w45:    bne   x0, x0, w46
w46:    bne   x0, x0, w47
w47:    bne   x0, x0, w48
w48:    bne   x0, x0, w49
w49:    bne   x0, x0, w50
w50:    bne   x0, x0, w51
w51:    bne   x0, x0, w52
w52:    bne   x0, x0, w53
w53:    bne   x0, x0, w54
w54:    bne   x0, x0, w55
w55:    bne   x0, x0, w56
w56:    bne   x0, x0, w57
w57:    bne   x0, x0, w58
w58:    bne   x0, x0, w59
w59:    bne   x0, x0, w60
w60:    bne   x0, x0, w61
w61:    halt
