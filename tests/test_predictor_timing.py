"""The predictor on the pipeline (docs/pipeline.md rule 7): branch j reads the counter table
in the cycle it leaves IF, Fe(j), and sees the training of an older branch k only when its
training cycle T(k) < Fe(j): T = X (its last EX cycle) for a branch resolved in EX, T = W for
bgecp (resolved in MW). rec.branch = (predicted, taken, counter used). Cycles as in
tests/test_timing.py: "Fs Fe E X W" per instruction, derived by hand from the rules. The
predictor: 2-bit counters, reset 1 (weakly not taken), predicts taken at >= 2; default has 64
entries (index = word address), tiny one."""

from __future__ import annotations

from golden_model import Iss
from golden_model.predictor import BranchPredictor
from isa_spec import load_spec, make_config
from isa_spec.assembler import assemble

SPEC = load_spec()


def start(src: str, config: str = "default") -> Iss:
    iss = Iss(make_config(SPEC, config), SPEC)
    iss.load_program(assemble(src, "test.s").text)
    return iss


def test_a_tight_loop_predicts_from_a_counter_its_previous_iteration_has_not_trained_yet():
    iss = start("""
            addi x1, x0, 3      # pc 0
    loop:   addi x1, x1, -1     # pc 4
            bne x1, x0, loop    # pc 8: counter entry 2
            halt                # pc 12
    """)
    entry = iss.state.predictor.index(8)
    steps = []   # (name, W, rec.branch, counter entry after the step, pending trainings)
    while not iss.state.halted:
        r = iss.step()
        steps.append((r.name, r.cycle, r.branch, iss.state.predictor.counters[entry],
                      [(t, taken) for t, _, _, taken in iss.state.predictor.pending]))
    assert steps == [
        ("addi", 3, None, 1, []),                 # 0 0 2 2 3
        ("addi", 4, None, 1, []),                 # 1 1 3 3 4
        # bne #1: 2 2 4 4 5. Reads the counter in Fe = 2: 1 (reset), predicts not taken; taken:
        # mispredicted, redirect from EX (r = 4): Fs(next) = 4 + 1 + 2 - 2 = 5. Trains at T = 4.
        ("bne", 5, (False, True, 1), 1, [(4, True)]),
        ("addi", 8, None, 1, [(4, True)]),        # 5 5 7 7 8
        # bne #2: 6 6 8 8 9. Fe = 6 > T = 4: bne #1's training is visible, 1 -> 2: predicts
        # taken; taken: right, no bubble (Fs(next) = Fe + 1 = 7). Trains at T = 8.
        ("bne", 9, (True, True, 2), 2, [(8, True)]),
        ("addi", 10, None, 2, [(8, True)]),       # 7 7 9 9 10
        # bne #3: 8 8 10 10 11. Fe = 8 = T(bne #2): not visible (it trains at the end of cycle
        # 8), so it reads 2, not 3: predicts taken; not taken (x1 = 0): mispredicted, r = 10.
        ("bne", 11, (True, False, 2), 2, [(8, True), (10, False)]),
        # halt: 11 11 13 13 14; at the halt both pending trainings apply in order: 2 -> 3 -> 2
        ("halt", 14, None, 2, []),
    ]
    assert iss.state.csr["cycle"] == 15
    assert (iss.state.csr["branches"], iss.state.csr["mispred"]) == (3, 2)   # counted in program order


def test_a_loop_one_instruction_longer_sees_every_training():
    iss = start("""
            addi x1, x0, 3
    loop:   addi x1, x1, -1
            addi x2, x2, 1
            bne x1, x0, loop    # pc 12
            halt
    """)
    trace = []
    iss.run(100, on_retire=trace.append)
    # bne #1: 3 3 5 5 6, counter 1, mispredicted: Fs(next) = 6. Trains at 5.
    # addi 6 6 8 8 9; addi 7 7 9 9 10; bne #2: 8 8 10 10 11: Fe 8 > 5: reads 2, right; trains at 10.
    # addi 9 9 11 11 12; addi 10 10 12 12 13; bne #3: 11 11 13 13 14: Fe 11 > 10: reads 3
    # (with the tight loop's timing it would have read 2); predicts taken, not taken: mispredicted.
    branches = [(r.branch, r.cycle) for r in trace if r.branch]
    assert branches == [((False, True, 1), 6), ((True, True, 2), 11), ((True, False, 3), 14)]
    assert trace[-1].cycle == 17 and iss.state.predictor.counters[3] == 2


def test_bgecp_trains_in_mw_so_a_branch_fetched_then_does_not_see_it():
    # tiny: one counter for every branch; BEATS = 1
    prologue = """
        lui x5, 0x7ffff          # 0 0 2 2 3
        bgecp b0, b1, x5, 1      # 1 1 3 3 4   not taken, predicted not taken (1): trains at T = W = 4 -> 0
        addi x1, x0, 1           # 2 2 5 5 6   2e: E = X(bgecp) + 2
    """
    # beq: 3 4 6 6 7: Fe = E(addi) - 1 = 4, T = 4 is not < 4: reads 1 (trained at X = 3, it would read 0)
    iss = start(prologue + "beq x0, x0, 1\nhalt", "tiny")
    trace = []
    iss.run(100, on_retire=trace.append)
    assert [(r.branch, r.cycle) for r in trace if r.branch] == [((False, False, 1), 4), ((False, True, 1), 7)]
    # one more instruction before it: addi 3 4 6 6 7, beq 4 5 7 7 8: Fe = 5 > 4: reads 0
    iss = start(prologue + "addi x2, x0, 1\nbeq x0, x0, 1\nhalt", "tiny")
    trace = []
    iss.run(100, on_retire=trace.append)
    assert [(r.branch, r.cycle) for r in trace if r.branch] == [((False, False, 1), 4), ((False, True, 0), 8)]


def test_pending_trainings_apply_before_a_read_in_a_later_cycle_in_order():
    p = BranchPredictor(SPEC, 4)
    p.train(0, True, cycle=5)
    p.train(0, True, cycle=7)
    assert p.predict(0, 5) == (False, 1)          # T = 5 is not before cycle 5
    assert p.predict(0, 6) == (True, 2)           # 5 < 6: applied; 7 still pending
    assert [t for t, *_ in p.pending] == [7]
    p.train(0, False, cycle=9)
    assert p.predict(0, 100) == (True, 2)         # 2 -> 3 (T 7) -> 2 (T 9), in that order
    p.train(0, True, cycle=3)
    p.train(0, True, cycle=3)
    p.train(0, True, cycle=3)
    p.settle()                                    # all pending: saturates at 3
    assert p.counters[0] == 3 and p.pending == []
    p.train(0, False)                             # no cycle: applies now
    assert p.counters[0] == 2
    assert p.predict(0) == (True, 2)              # no cycle: after every training
