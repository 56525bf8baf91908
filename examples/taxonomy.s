# Taxonomy reasoning on the LPU.
#
# Concepts are boxes (here the same interval in every one of the D dimensions, so the
# program runs unchanged on any configuration). For each query "is CHILD a kind of
# PARENT?" the program computes log P(PARENT | CHILD) = logvol(PARENT n CHILD) - logvol(CHILD)
# and answers yes when it is >= -0.5 (a branch on the threshold, bgecp).
# Results: answers[q] = 1 or 0, scores[q] = log P(PARENT | CHILD) in Q16.16.
# Registers: only x0..x7 and b0..b1, so it fits the tiny configuration too.

        li    x1, 16777          # beta_i = beta_v = 0.001 (Q8.24: round(0.001 * 2^24))
        csrw  beta_i, x1
        csrw  beta_v, x1
        li    x1, 262147375      # 1 / 0.00099998713 = 1000.0129 (Q14.18)
        csrw  ibeta_i, x1
        csrw  ibeta_v, x1
        csrr  x7, dims           # x7 = D
        la    x6, queries        # x6 -> current query (child, parent)
        la    x5, answers        # x5 -> current answer slot

next:   lw    x1, 0(x6)          # child index; -1 ends the list
        blt   x1, x0, done
        lw    x1, 4(x6)          # b1 = parent
        jal   x4, load_b0
        bmov  b1, b0
        lw    x1, 0(x6)          # b0 = child
        jal   x4, load_b0
        blcp  x3, b1, b0         # log P(parent | child)
        sw    x3, 32(x5)         # scores follow the 8 answers
        li    x2, fx(-0.5)       # threshold
        addi  x3, x0, 1
        bgecp b1, b0, x2, yes
        addi  x3, x0, 0
yes:    sw    x3, 0(x5)
        addi  x5, x5, 4
        addi  x6, x6, 8
        j     next
done:   halt

# b0 = concept[x1] in every dimension. Clobbers x1..x3; returns through x4.
load_b0:
        slli  x1, x1, 3
        addi  x1, x1, concepts
        lw    x2, 0(x1)          # lower corner
        lw    x3, 4(x1)          # upper corner
        addi  x1, x0, 0
fill:   bsetlo b0, x2, x1
        bsethi b0, x3, x1
        addi  x1, x1, 1
        blt   x1, x7, fill
        jalr  x0, 0(x4)

.data
concepts:                        # (lower, upper) per concept
        .fx 0.00, 1.00           # 0 entity
        .fx 0.00, 0.50           # 1 animal
        .fx 0.05, 0.25           # 2 dog       (inside animal)
        .fx 0.30, 0.45           # 3 bird      (inside animal, disjoint from dog)
        .fx 0.60, 0.95           # 4 plant     (disjoint from animal)
        .fx 0.40, 0.70           # 5 fungus    (overlaps animal and plant in part)
queries:                         # (child, parent)
        .word 2, 1               # dog a kind of animal?     yes
        .word 3, 1               # bird a kind of animal?    yes
        .word 2, 0               # dog a kind of entity?     yes
        .word 4, 1               # plant a kind of animal?   no (disjoint)
        .word 2, 3               # dog a kind of bird?       no (disjoint)
        .word 1, 2               # animal a kind of dog?     no (parent smaller)
        .word 5, 4               # fungus a kind of plant?   no (partial overlap)
        .word 4, 0               # plant a kind of entity?   yes
        .word -1
answers:
        .space 8
scores:
        .space 8
