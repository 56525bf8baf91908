"""ISS behaviour beyond the single-instruction examples: predictor and counters over loops,
traps (cause, mepc, mtval, no partial effects, vectoring), register-file limits, hooks.
Expected values are derived by hand in the comments."""

import pytest

from golden_model import Iss, StepLimitExceeded
from isa_spec import load_spec, make_config
from isa_spec.assembler import assemble

SPEC = load_spec()
CAUSE = {t.name: t.code for t in SPEC.traps.values()}


def run(src, config="default", overrides=None, **kw):
    iss = Iss(make_config(SPEC, config, overrides), SPEC, **kw)
    p = assemble(src, "test.s")
    iss.load_program(p.text, p.data)
    trace = []
    iss.run(10_000, on_retire=trace.append)
    return iss, trace


def test_x0_is_hardwired_zero():
    iss, trace = run("addi x0, x0, 5\nadd x1, x0, x0\nhalt")
    assert iss.state.x[0] == 0 and iss.state.x[1] == 0
    assert trace[0].x_write is None


def test_loop_predictor_counts():
    # bne outcomes over 5 iterations: T T T T N. Counter starts at 1 (weakly not-taken):
    # 1:NT->miss(c=2) 2:T ok(c=3) 3:T ok 4:T ok 5:predict T, not taken -> miss (c=2)
    iss, trace = run("addi x1, x0, 5\nloop: addi x1, x1, -1\nbne x1, x0, loop\nhalt")
    c = iss.state.csr
    assert (c["branches"], c["mispred"], c["instret"]) == (5, 2, 1 + 10 + 1)
    outcomes = [r.branch for r in trace if r.branch]
    assert [t for _, t, _ in outcomes] == [True] * 4 + [False]
    assert [p for p, _, _ in outcomes] == [False, True, True, True, True]
    assert iss.state.predictor.counters[2 % 64] == 2


def test_predictor_entries_alias_with_one_counter():
    # Two branches share the only counter. b1 (always taken) trains it up, b2 (never taken)
    # trains it down: each alternation mispredicts.
    src = """
        addi x1, x0, 3
    top: beq x0, x0, next      # always taken
    next: bne x0, x0, top      # never taken
        addi x1, x1, -1
        bne x1, x0, top        # taken twice, then falls through
        halt
    """
    iss1, _ = run(src, overrides={"PRED_ENTRIES": 1})
    iss64, _ = run(src, overrides={"PRED_ENTRIES": 64})
    assert iss1.state.csr["branches"] == iss64.state.csr["branches"] == 9
    assert iss1.state.csr["mispred"] > iss64.state.csr["mispred"]


def test_trap_without_vector_halts_with_cause_epc_tval():
    iss, trace = run("addi x1, x0, 6\nlw x2, 0(x1)\nhalt")
    s = iss.state
    assert s.halted and s.trapped
    assert (s.csr["mcause"], s.csr["mepc"], s.csr["mtval"]) == (CAUSE["load_misaligned"], 4, 6)
    assert s.csr["instret"] == 1  # the trapping load does not retire
    assert trace[-1].trap == CAUSE["load_misaligned"] and not trace[-1].retired


def test_trap_vectors_to_handler_which_reads_csrs():
    src = """
        la x1, handler
        csrw mtvec, x1
        .word 0xffffffff       # illegal
        halt
    handler:
        csrr x3, mcause
        csrr x4, mepc
        csrr x5, mtval
        halt
    """
    iss, _ = run(src)
    x = iss.state.x
    assert x[3] == CAUSE["illegal_instruction"] and x[4] == 12 and x[5] == -1
    assert not iss.state.trapped


def test_trapping_box_load_changes_nothing():
    # a box at the last word of memory overruns it: load_fault, b1 untouched
    n = make_config(SPEC, "default")["DMEM_WORDS"]
    iss, _ = run(f"li x1, {4 * (n - 1)}\nlbx b1, 0(x1)\nhalt")
    assert iss.state.csr["mcause"] == CAUSE["load_fault"]
    assert not iss.state.box_lo.any() and not iss.state.box_hi.any()


def test_misaligned_store_does_not_write():
    iss, _ = run("addi x1, x0, 9\naddi x2, x0, 7\nsw x2, -1(x1)\nsw x2, 1(x1)\nhalt")
    assert iss.state.dmem[2] == 7          # 9 - 1 = 8: word 2 written
    assert iss.state.csr["mcause"] == CAUSE["store_misaligned"] and iss.state.csr["mtval"] == 10


def test_fetch_fault_on_jump_outside_imem():
    n = make_config(SPEC, "tiny")["IMEM_WORDS"]
    iss, trace = run(f"li x1, {4 * n}\njalr x0, 0(x1)\nhalt", config="tiny")
    assert iss.state.csr["mcause"] == CAUSE["fetch_fault"] and iss.state.csr["mtval"] == 4 * n


def test_register_beyond_configured_file_is_illegal():
    iss, _ = run("add x9, x1, x2\nhalt", config="tiny")  # tiny has 8 scalar registers
    assert iss.state.csr["mcause"] == CAUSE["illegal_instruction"]
    iss, _ = run("bmov b3, b0\nhalt", config="tiny")    # and 2 box registers
    assert iss.state.csr["mcause"] == CAUSE["illegal_instruction"]


def test_reserved_field_nonzero_is_illegal():
    word = assemble("fexp x3, x1").text[0] | (5 << 20)  # rs2 must be zero
    iss = Iss(make_config(SPEC), SPEC)
    iss.load_program([word])
    iss.run(10)
    assert iss.state.csr["mcause"] == CAUSE["illegal_instruction"] and iss.state.csr["mtval"] == word


def test_dims_csr_reads_the_configuration():
    for cfg in ("tiny", "default", "wide"):
        iss, _ = run("csrr x1, dims\nhalt", config=cfg)
        assert iss.state.x[1] == make_config(SPEC, cfg)["D"]


def test_cycle_read_is_the_counter_in_the_reading_cycle():
    # addi: IF 0, ID 1, EX 2, MW 3; csrr: IF 1, ID 2, EX 3 (reads the counter in EX cycle
    # counter_read = 0 of it: 3, docs/pipeline.md rule 6), retires in MW in cycle 4
    iss, trace = run("addi x1, x0, 1\ncsrr x2, cycle\nhalt")
    assert iss.state.x[2] == 3 and trace[1].cycle == 4


def test_step_limit_and_step_after_halt():
    with pytest.raises(StepLimitExceeded):
        run("loop: j loop")
    iss, _ = run("halt")
    with pytest.raises(RuntimeError, match="halted"):
        iss.step()


def test_box_store_then_load_round_trips_across_dimensions():
    src = """
        csrr x5, dims          # x5 = D
        addi x2, x0, 0         # dimension index
    fill:
        slli x3, x2, 16        # lo[d] = d, hi[d] = d + 0.5 (Q16.16)
        bsetlo b1, x3, x2
        lui x4, 8              # 8 << 12 = 0x8000 = 0.5
        add x4, x4, x3
        bsethi b1, x4, x2
        addi x2, x2, 1
        blt x2, x5, fill
        sbx b1, 0(x0)
        lbx b0, 0(x0)
        halt
    """
    iss, _ = run(src, config="wide")
    d = make_config(SPEC, "wide")["D"]
    assert [int(v) for v in iss.state.box_lo[0]] == [i << 16 for i in range(d)]
    assert [int(v) for v in iss.state.box_hi[0]] == [(i << 16) + 0x8000 for i in range(d)]
    assert iss.state.dmem[d] == 0x8000  # hi[0] follows the D lower corners
