"""The golden model's timing model (golden_model/timing.py) on the 4-stage pipeline, against
reasons of its own: cycles of short programs worked out by hand from the rules of
docs/pipeline.md (/the contract: rules 1-7) in the comments, and a cycle-by-cycle stepper of
the four stages' occupancy written here (not the model's formulas) for random straight-line
programs.

Notation: for each instruction "Fs Fe E X W": first IF cycle, the cycle it leaves IF, first
and last EX cycle, retirement (MW). Cycle 0 is the first after reset. Spec values today:
fetch_to_ex 2, late_use 1, mem_port 1, gecp_resolve 1, mispredict_penalty 2, retire 1,
counter_read 0; EX cycles 1, box ops / bmov / bsetlo / bsethi BEATS, lbx / sbx 2D, a trap 1.
Default configuration: D = 8, LANES = 4 (BEATS = 2); wide: D = 64, LANES = 16 (BEATS = 4);
tiny: D = 1, LANES = 1, one predictor entry, 64 instruction words."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from golden_model import Iss
from golden_model.examples import _apply_init, make_iss_for
from golden_model.timing import TimingModel
from golden_model.trace import RetireRecord
from isa_spec import load_spec, make_config
from isa_spec.assembler import assemble

SPEC = load_spec()
CAUSE = {t.name: t.code for t in SPEC.traps.values()}


def run(src: str, config: str = "default", timing: TimingModel | None = None) -> tuple[Iss, list[RetireRecord]]:
    cfg = make_config(SPEC, config)
    iss = Iss(cfg, SPEC, timing=timing)
    p = assemble(src, "test.s")
    iss.load_program(p.text, p.data)
    trace: list[RetireRecord] = []
    iss.run(10_000, on_retire=trace.append)
    return iss, trace


def cycles(src: str, config: str = "default") -> tuple[list[int], int]:
    """(W of every retirement, the final cycle CSR)."""
    iss, trace = run(src, config)
    return [r.cycle for r in trace], iss.state.csr["cycle"]


def contract_ex_cycles(name: str, config) -> int:
    """EX cycles by the contract's rule 3, written here from its text (not read from the spec)."""
    beats = config["D"] // config["LANES"]
    if name in ("bint", "bhint", "blvol", "blcp", "bgecp", "bmov", "bsetlo", "bsethi"):
        return beats
    if name in ("lbx", "sbx"):
        return 2 * config["D"]
    return 1


def test_the_configurations_are_the_ones_the_hand_sums_assume():
    d, t, w = (make_config(SPEC, n) for n in ("default", "tiny", "wide"))
    assert (d["D"], d["LANES"], w["D"], w["LANES"], t["D"], t["LANES"]) == (8, 4, 64, 16, 1, 1)
    assert (t["PRED_ENTRIES"], t["IMEM_WORDS"]) == (1, 64)
    p = SPEC.predictor
    assert (p.counter_bits, p.reset_counter, p.taken_threshold) == (2, 1, 2)
    # the rule numbers the hand sums and the stepper assume (docs/pipeline.md); a changed
    # contract fails here first: re-derive the cycles below
    assert SPEC.timing.numbers == {
        "fetch_to_ex": "2", "late_use": "1", "mem_port": "1", "gecp_resolve": "1",
        "mispredict_penalty": "2", "retire": "1", "counter_read": "0"}


# ---------------------------------------------------------------- base CPI (rules 1-4)

@pytest.mark.parametrize("n", [1, 2, 5, 12])
def test_a_straight_line_alu_program_retires_one_instruction_per_cycle(n):
    # instruction k: Fs = Fe = k (rule 5: Fs(k) = Fe(k-1) + 1; rule 1: E(k-1) - 1 = k), E = X =
    # k + 2 (2a; 2b gives X(k-1) + 1 = k + 2 too), W = k + 3: the last (k = n - 1) at n + 2
    src = "\n".join(["addi x1, x1, 1"] * (n - 1) + ["halt"])
    w, final = cycles(src)
    assert w == [k + 3 for k in range(n)] and w[-1] == n + 2
    assert final == n + 3          # rule 6: W(last) + 1


# ---------------------------------------------------------------- late_use (rule 2c)

def test_a_load_use_waits_one_cycle():
    src = """
        addi x1, x0, 8    # 0 0 2 2 3
        lw x2, 0(x1)      # 1 1 3 3 4   (addi is not late: no wait)
        add x3, x2, x2    # 2 2 5 5 6   E = X(lw) + 1 + late_use = 5 (2c), not 4
        halt              # 3 4 6 6 7   Fe = E(add) - 1 = 4 (rule 1)
    """
    assert cycles(src) == ([3, 4, 6, 7], 8)


@pytest.mark.parametrize("second, why", [
    ("add x3, x1, x1", "does not read x2"),
    ("addi x2, x0, 5", "writes x2 (rd is a written operand), does not read it"),
    ("jal x0, 1", "reads no x register"),
])
def test_no_load_use_wait_for_a_non_reader(second, why):
    # lw 1 1 3 3 4; the next one 2 2 4 4 5 (2b only); halt 3 3 5 5 6
    assert cycles(f"addi x1, x0, 8\nlw x2, 0(x1)\n{second}\nhalt") == ([3, 4, 5, 6], 7), why


def test_no_load_use_wait_for_rd_x0():
    # lw x0 writes nothing (rd = 0), so add, reading x0, does not wait: 2 2 4 4 5
    assert cycles("addi x1, x0, 8\nlw x0, 0(x1)\nadd x3, x0, x0\nhalt") == ([3, 4, 5, 6], 7)


def test_no_load_use_wait_at_distance_two():
    src = """
        addi x1, x0, 8    # 0 0 2 2 3
        lw x2, 0(x1)      # 1 1 3 3 4
        addi x4, x0, 1    # 2 2 4 4 5
        add x3, x2, x2    # 3 3 5 5 6   i-1 is addi: 2c does not apply (the lw is 2 back)
        halt              # 4 4 6 6 7
    """
    assert cycles(src) == ([3, 4, 5, 6, 7], 8)


@pytest.mark.parametrize("producer, reader", [
    ("lw x2, 0(x1)", "sw x2, 4(x1)"),          # a store's data (rs2) is a source
    ("lw x2, 0(x1)", "lw x3, 0(x2)"),          # a load's base (rs1)
    ("fexp x2, x1", "add x3, x0, x2"),         # the nonlinear class is late
    ("fmul x2, x1, x1", "csrw mtval, x2"),
    ("lw x2, 0(x1)", "jalr x0, 16(x2)"),       # (jalr to 16 = pc + 4: the next line)
])
def test_late_producers_and_readers_from_the_spec_lists(producer, reader):
    # producer 1 1 3 3 4; reader 2 2 5 5 6 (2c); halt 3 4 6 6 7, except after the jalr
    # (always redirects from EX, rule 5: Fs = 5 + 1 + 2 - 2 = 6, E = 8, W = 9)
    w, _ = cycles(f"addi x1, x0, 8\n{producer}\n{reader}\nhalt")
    assert w[:3] == [3, 4, 6]
    assert w[3] == (9 if reader.startswith("jalr") else 7)


@pytest.mark.parametrize("op, taken, halt", [
    ("fexp", False, 12),   # x5 = exp(-20.7) = 0 in Q16.16: not taken, predicted so: halt 6 7 11 11 12 (2e)
    ("fln", True, 14),     # x5 = ln(negative) = the minimum: taken (to the next line, still a redirect),
])                         #   mispredicted, from MW: Fs = W(bgecp) + 1 + 2 - 2 = 11, E = 13 = X + 4, W = 14
def test_a_late_box_result_and_bgecp_reading_one(op, taken, halt):
    src = f"""
        blvol x2, b0              # 0 0 2 3 4   (BEATS = 2 EX cycles)
        add x3, x2, x2            # 1 1 5 5 6   E = X(blvol) + 2 (2c)
        {op} x5, x3               # 2 4 6 6 7   Fe = E(add) - 1 = 4; add is not late: no wait
        bgecp b0, b1, x5, 1       # 3 5 8 9 10  reads rt = x5 (a source although in field rd): 2c
        halt
    """
    iss, trace = run(src)
    assert trace[3].branch == (False, taken, 1)
    assert [r.cycle for r in trace] == [4, 6, 7, 10, halt]


# ---------------------------------------------------------------- mem_port (rule 2d)

@pytest.mark.parametrize("mem, block", [("sw x0, 0(x0)", "lbx b1, 0(x0)"), ("lw x1, 0(x0)", "sbx b0, 64(x0)")])
def test_a_box_transfer_right_after_a_load_or_store_waits_for_the_port(mem, block):
    # mem 0 0 2 2 3; lbx/sbx 1 1 4 19 20 (E = X(mem) + 1 + mem_port; 2D = 16 cycles); halt 2 3 20 20 21
    assert cycles(f"{mem}\n{block}\nhalt") == ([3, 20, 21], 22)


def test_no_port_wait_after_an_alu_op_or_at_distance_two():
    # addi 0 0 2 2 3; lbx 1 1 3 18 19; halt 2 2 19 19 20
    assert cycles("addi x1, x0, 0\nlbx b1, 0(x0)\nhalt") == ([3, 19, 20], 21)
    # sw 0 0 2 2 3; addi 1 1 3 3 4; lbx 2 2 4 19 20; halt 3 3 20 20 21
    assert cycles("sw x0, 0(x0)\naddi x1, x0, 0\nlbx b1, 0(x0)\nhalt") == ([3, 4, 20, 21], 22)


def test_a_trapped_load_still_holds_the_port_but_its_redirect_comes_later():
    # lw 0 0 2 2 3 traps (misaligned; mtvec = 12): redirect from EX, Fs(next) = 2 + 1 + 2 - 2 = 3,
    # so the handler's lbx gets E = max(3 + 2, X(lw) + 1 + mem_port = 4) = 5: 3 3 5 20 21
    src = "lw x1, 2(x0)\nhalt\nhalt\nlbx b1, 0(x0)\nhalt"
    iss = Iss(make_config(SPEC), SPEC)
    p = assemble(src, "t.s")
    iss.load_program(p.text)
    iss.state.csr["mtvec"] = 12
    trace: list[RetireRecord] = []
    iss.run(100, on_retire=trace.append)
    assert [(r.pc, r.trap is not None, r.cycle) for r in trace] == [(0, True, 3), (12, False, 21), (16, False, 22)]


# ---------------------------------------------------------------- bgecp (rules 2e, 5)

def test_a_correctly_predicted_bgecp_holds_the_next_instruction_in_id():
    src = """
        lui x5, 0x7ffff           # 0 0 2 2 3   threshold 32767: not taken
        bgecp b0, b1, x5, skip    # 1 1 3 4 5   predicted not taken (counter 1): right
        addi x1, x0, 1            # 2 2 6 6 7   E = X(bgecp) + 1 + gecp_resolve = 6 (2e), not 5
    skip: halt                    # 3 5 7 7 8
    """
    assert cycles(src) == ([3, 5, 7, 8], 9)


def test_a_mispredicted_bgecp_redirects_from_mw():
    src = """
        lui x5, 0x80000           # 0 0 2 2 3   threshold -32768: taken
        bgecp b0, b1, x5, skip    # 1 1 3 4 5   predicted not taken: wrong; resolves in MW, r = W = 5
        addi x1, x0, 1            #             (wrong path)
    skip: halt                    # 6 6 8 8 9   Fs = r + 1 + 2 - 2 = 6, E = X(bgecp) + 4 (rule 5)
    """
    assert cycles(src) == ([3, 5, 9], 10)


# ---------------------------------------------------------------- branches and jumps (rule 5)

def test_a_mispredicted_branch_costs_two_bubbles():
    src = """
        beq x0, x0, skip    # 0 0 2 2 3   taken, predicted not taken: redirect from EX, r = 2
        addi x1, x0, 1      #             (wrong path)
    skip: halt              # 3 3 5 5 6   Fs = r + 1 + 2 - 2 = 3, E = X(beq) + 3
    """
    assert cycles(src) == ([3, 6], 7)


def test_a_correctly_predicted_not_taken_branch_costs_nothing():
    # bne 0 0 2 2 3 (not taken, predicted not taken); addi 1 1 3 3 4; halt 2 2 4 4 5
    assert cycles("bne x0, x0, skip\naddi x1, x0, 1\nskip: halt") == ([3, 4, 5], 6)


def test_a_correctly_predicted_taken_branch_costs_nothing_and_a_wrong_one_to_pc_plus_4_does():
    # tiny has one predictor entry: both branches share it. Each is taken to the next line.
    src = """
        beq x0, x0, a     # 0 0 2 2 3   counter 1: predicted not taken, taken: redirect (even to pc + 4),
                          #             r = 2, Fs(next) = 3; trains at T = X = 2 -> 2
    a:  beq x0, x0, b     # 3 3 5 5 6   Fe = 3 > T = 2: sees 2, predicts taken: right, no bubble
    b:  halt              # 4 4 6 6 7   Fs = Fe(beq) + 1
    """
    iss, trace = run(src, "tiny")
    assert [r.cycle for r in trace] == [3, 6, 7] and iss.state.csr["cycle"] == 8
    assert [r.branch for r in trace[:2]] == [(False, True, 1), (True, True, 2)]
    assert iss.state.predictor.counters == [3]          # both trainings applied by the halt


def test_jal_is_steered_in_fetch_and_costs_nothing():
    src = """
        jal x1, target    # 0 0 2 2 3   the pre-decode in IF goes to the target: Fs(next) = Fe + 1
        addi x2, x0, 1    #             (never fetched)
    target: halt          # 1 1 3 3 4
    """
    iss, trace = run(src)
    assert [r.cycle for r in trace] == [3, 4] and iss.state.x[1] == 4


def test_jalr_always_redirects_even_to_the_next_instruction():
    src = """
        addi x1, x0, 8    # 0 0 2 2 3
        jalr x0, 0(x1)    # 1 1 3 3 4   to pc 8 = pc + 4, still a redirect from EX: Fs(next) = 3 + 1 = 4
        halt              # 4 4 6 6 7   E = X(jalr) + 3
    """
    assert cycles(src) == ([3, 4, 7], 8)


# ---------------------------------------------------------------- traps (rules 3, 5)

def test_a_trap_with_mtvec_set_redirects_from_ex():
    src = """
        addi x1, x0, 16     # pc 0:  0 0 2 2 3
        csrw mtvec, x1      # pc 4:  1 1 3 3 4
        lbx b1, 2(x0)       # pc 8:  2 2 4 4 5   misaligned: a trap takes 1 EX cycle (not 2D)
        halt                # pc 12: never runs
        csrr x3, cycle      # pc 16: 5 5 7 7 8   Fs = 4 + 1 + 2 - 2; reads E + 0 = 7
        halt                # pc 20: 6 6 8 8 9
    """
    iss, trace = run(src)
    assert [(r.pc, r.trap is not None, r.cycle) for r in trace] == [
        (0, False, 3), (4, False, 4), (8, True, 5), (16, False, 8), (20, False, 9)]
    assert iss.state.x[3] == 7 and iss.state.csr["cycle"] == 10


def test_a_trap_with_mtvec_zero_halts_and_stops_the_counter():
    # addi 0 0 2 2 3; lw 1 1 3 3 4 traps (misaligned) and halts: the counter stops at W + 1 = 5
    iss, trace = run("addi x1, x0, 1\nlw x2, 1(x0)\nhalt")
    assert [r.cycle for r in trace] == [3, 4] and trace[-1].trap == CAUSE["load_misaligned"]
    assert iss.state.csr["cycle"] == 5 and iss.state.trapped


def test_an_illegal_word_traps_like_any_instruction():
    # addi 0 0 2 2 3; the illegal word 1 1 3 3 4 (it reads no operand, takes "trap" = 1 EX cycle)
    iss = Iss(make_config(SPEC), SPEC)
    iss.load_program([assemble("addi x1, x0, 1", "t.s").text[0], 0xFFFFFFFF])
    trace: list[RetireRecord] = []
    iss.run(10, on_retire=trace.append)
    assert [(r.trap, r.cycle) for r in trace] == [(None, 3), (CAUSE["illegal_instruction"], 4)]
    assert iss.state.csr["cycle"] == 5


def test_a_fetch_fault_flows_down_the_pipeline_and_stops_the_counter():
    n = make_config(SPEC, "tiny")["IMEM_WORDS"]
    src = f"""
        addi x1, x0, {4 * n}   # 0 0 2 2 3
        jalr x0, 0(x1)         # 1 1 3 3 4   redirect from EX: Fs(next) = 4
        halt                   #             (never runs)
    """
    # the fetch at pc 4n faults: 4 4 6 6 7 (trap: 1 EX cycle), mtvec = 0 halts; the counter stops at 8
    iss, trace = run(src, "tiny")
    assert trace[-1].trap == CAUSE["fetch_fault"] and trace[-1].pc == 4 * n
    assert [r.cycle for r in trace] == [3, 4, 7]
    assert iss.state.csr["cycle"] == 8 and iss.state.trapped


# ---------------------------------------------------------------- multi-beat EX (rule 3)

@pytest.mark.parametrize("config, beats", [("tiny", 1), ("default", 2), ("wide", 4)])
def test_back_to_back_box_ops_take_beats_cycles_each(config, beats):
    # bint k: E = 2 + k * BEATS (2b: X(k-1) + 1), X = E + BEATS - 1, W = X + 1 = 2 + (k + 1) * BEATS;
    # Fe(k) = E(k-1) - 1 keeps the next one waiting in IF; halt: E = X(last bint) + 1, W = E + 1
    src = "bint b1, b0, b1\nbhint b1, b0, b1\nbmov b0, b1\nbsetlo b1, x0, x0\nhalt"
    w, final = cycles(src, config)
    box = [2 + (k + 1) * beats for k in range(4)]
    assert w == box + [box[-1] + 1] and final == box[-1] + 2


def test_single_element_box_moves_take_one_cycle():
    # bsetlo 0 0 2 3 4 (BEATS = 2); bgetlo 1 1 4 4 5 (1 EX cycle); bgethi 2 3 5 5 6; halt 3 4 6 6 7
    assert cycles("bsetlo b1, x0, x0\nbgetlo x1, b1, x0\nbgethi x2, b1, x0\nhalt") == ([4, 5, 6, 7], 8)


@pytest.mark.parametrize("config, d", [("default", 8), ("wide", 64)])
def test_whole_box_load_and_store_take_2d_cycles(config, d):
    # lbx 0 0 2 2D+1 2D+2; sbx 1 1 2D+2 4D+1 4D+2 (2b; lbx is not lw/sw: no port wait);
    # halt 2 2D+1 4D+2 4D+2 4D+3
    assert cycles("lbx b1, 0(x0)\nsbx b1, 256(x0)\nhalt", config) == ([2 * d + 2, 4 * d + 2, 4 * d + 3], 4 * d + 4)


@pytest.mark.parametrize("config", ["tiny", "default", "wide"])
def test_every_instruction_first_retires_after_its_contract_ex_cycles(config):
    # a first instruction: Fs = Fe = 0, E = 2, X = 2 + ex - 1, W = X + 1 = ex + 2; trapped: ex = 1
    cfg = make_config(SPEC, config)
    for name in SPEC.instructions:
        t = TimingModel(SPEC, cfg)
        assert t.retire(RetireRecord(0, 0, 0, name, 4), None) == contract_ex_cycles(name, cfg) + 2, name
        assert t.cycles == contract_ex_cycles(name, cfg) + 3
        t = TimingModel(SPEC, cfg)
        assert t.retire(RetireRecord(0, 0, 0, name, 0, trap=CAUSE["load_fault"]), None) == 3, name


def test_every_spec_example_retires_after_its_ex_cycles():
    seen = set()
    for ins in SPEC.instructions.values():
        for ex in ins.examples:
            iss = make_iss_for(ex, SPEC)
            prog = assemble(ex.asm, ex.where)
            iss.load_program(prog.text, prog.data)
            _apply_init(iss, ex, SPEC)
            rec = iss.step()
            if rec.trap is None:
                seen.add(ins.name)
                assert rec.cycle == contract_ex_cycles(ins.name, iss.config) + 2, ex.where
    assert seen == set(SPEC.instructions), f"no retiring example: {set(SPEC.instructions) - seen}"


# ---------------------------------------------------------------- the cycle CSR (rule 6)

def test_csrr_of_cycle_reads_its_first_ex_cycle():
    src = """
        csrr x1, cycle     # 0 0 2 2 3    reads E = 2
        csrr x2, cycle     # 1 1 3 3 4    reads 3
        lw x3, 0(x0)       # 2 2 4 4 5
        csrr x4, cycle     # 3 3 5 5 6    reads no x register: no wait; reads 5
        bint b2, b0, b1    # 4 4 6 7 8
        csrr x5, cycle     # 5 5 8 8 9    E = X(bint) + 1; reads 8
        halt               # 6 7 9 9 10   the counter stops at 11
    """
    iss, trace = run(src)
    assert [iss.state.x[i] for i in (1, 2, 4, 5)] == [2, 3, 5, 8]
    assert [r.cycle for r in trace] == [3, 4, 5, 6, 8, 9, 10] and iss.state.csr["cycle"] == 11


def test_the_counter_wraps_at_32_bits_as_the_csr_does():
    cfg = make_config(SPEC)
    start = (1 << 32) - 3                                   # Fs(0)
    iss, trace = run("csrr x1, cycle\nhalt", timing=TimingModel(SPEC, cfg, start=start))
    assert iss.state.x[1] == -1                             # read in E = start + 2 = 2^32 - 1
    assert trace[-1].cycle == (1 << 32) + 1                 # the record keeps the whole number
    assert iss.state.csr["cycle"] == 2                      # 2^32 + 2, modulo 2^32


class TenCycles(TimingModel):
    """A stand-in for another model: every instruction takes 10 cycles, reads in its cycle 3."""

    def begin(self, dec) -> int:
        self.start = getattr(self, "start", 0)
        return self.start

    @property
    def fetch_cycle(self):
        return getattr(self, "start", 0)

    def counter_read(self, dec) -> int:
        return self.start + 3

    def retire(self, rec, dec) -> int:
        self.start += 10
        self.last_w = self.start - 1
        return self.last_w

    @property
    def cycles(self) -> int:
        return getattr(self, "start", 0)


def test_the_iss_takes_its_cycles_from_the_timing_model_it_is_given():
    cfg = make_config(SPEC)
    iss = Iss(cfg, SPEC, timing=TenCycles(SPEC, cfg))
    p = assemble("addi x1, x0, 1\ncsrr x2, cycle\nhalt", "test.s")
    iss.load_program(p.text)
    trace: list[RetireRecord] = []
    iss.run(100, on_retire=trace.append)
    assert [r.cycle for r in trace] == [9, 19, 29]
    assert iss.state.x[2] == 13 and iss.state.csr["cycle"] == 30


# ---------------------------------------------------------------- a stage-by-stage stepper

X_DEST, X_WRITTEN = "rd", ("rd", "bd")   # the contract: written operands; other xregs are sources
LATE = ("lw", "fexp", "fln", "fsoftp", "flse", "fmul", "blvol", "blcp")
PORT_MW, PORT_EX = ("lw", "sw"), ("lbx", "sbx")


def _regs(rec: RetireRecord) -> tuple[set[int], set[int]]:
    """(late destinations that are not x0, sources) of a retired record, from its word."""
    if rec.name is None:
        return set(), set()
    ins = SPEC.instructions[rec.name]
    vals = {op.name: op.field.extract(rec.word) for op in ins.operands if op.kind == "xreg"}
    late = {v for n, v in vals.items() if n == X_DEST and v != 0} if rec.name in LATE and rec.trap is None else set()
    return late, {v for n, v in vals.items() if n not in X_WRITTEN}


def step_pipeline(trace: list[RetireRecord], config) -> tuple[list[int], list[int]]:
    """(E, W) of every record of a branch-free trace, by moving instructions through IF, ID,
    EX, MW one cycle at a time: EX holds one for its EX cycles; ID's instruction enters EX
    when EX is free next cycle, unless the one leaving EX this cycle writes late a register it
    reads, or holds the data-memory port (lw, sw) next cycle that it (lbx, sbx) needs in EX;
    IF's moves to ID when ID empties; IF fetches the next instruction when its own moves."""
    n = len(trace)
    ex = [1 if r.trap is not None else contract_ex_cycles(r.name, config) if r.name else 1 for r in trace]
    regs = [_regs(r) for r in trace]
    E, W = [None] * n, [None] * n
    IF, ID, EX, MW, left, fetched, t = 0, None, None, None, 0, 1, 0
    while None in W:
        if MW is not None:
            W[MW] = t
        if EX is not None and E[EX] is None:
            E[EX] = t
        leaving = EX if EX is not None and left == 1 else None
        new_MW, new_EX, new_left, id_free = leaving, None, 0, ID is None
        if EX is not None and left > 1:
            new_EX, new_left = EX, left - 1
        elif ID is not None:
            hazard = leaving is not None and (
                bool(regs[leaving][0] & regs[ID][1])
                or (trace[leaving].name in PORT_MW and trace[ID].name in PORT_EX))
            if not hazard:
                new_EX, new_left, id_free = ID, ex[ID], True
        if id_free:
            new_ID, new_IF = IF, (fetched if IF is not None and fetched < n else None)
            if IF is not None:
                fetched += 1
        else:
            new_ID, new_IF = ID, IF
        IF, ID, EX, MW, left, t = new_IF, new_ID, new_EX, new_MW, new_left, t + 1
    return E, W


def test_the_stepper_agrees_with_the_hand_sums():
    iss, trace = run("addi x1, x0, 8\nlw x2, 0(x1)\nadd x3, x2, x2\nbint b2, b0, b1\nsw x0, 0(x0)\nlbx b1, 0(x0)\nhalt")
    assert step_pipeline(trace, iss.config)[1] == [r.cycle for r in trace] == [3, 4, 6, 8, 9, 26, 27]


TEMPLATES = [
    "add x{a}, x{b}, x{c}", "addi x{a}, x{b}, 3", "sub x{a}, x{b}, x{c}", "lui x{a}, 1",
    "lw x{a}, {m}(x0)", "sw x{b}, {m}(x0)",
    "fexp x{a}, x{b}", "fln x{a}, x{b}", "fmul x{a}, x{b}, x{c}", "flse x{a}, x{b}, x{c}",
    "blvol x{a}, b{p}", "blcp x{a}, b{p}, b{q}", "bint b{p}, b{q}, b{p}", "bmov b{p}, b{q}",
    "bsetlo b{p}, x0, x{c}", "bgetlo x{a}, b{p}, x0", "bgethi x{a}, b{p}, x0",
    "lbx b{p}, 0(x0)", "sbx b{q}, 64(x0)", "csrr x{a}, cycle", "csrr x{a}, instret", "csrw beta_i, x{b}",
]
LINE = st.builds(lambda k, a, b, c, m, p, q: TEMPLATES[k].format(a=a, b=b, c=c, m=4 * m, p=p, q=q),
                 st.integers(0, len(TEMPLATES) - 1), st.integers(0, 3), st.integers(0, 3), st.integers(0, 3),
                 st.integers(0, 3), st.integers(0, 1), st.integers(0, 1))


@pytest.mark.parametrize("config", ["tiny", "default", "wide"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(LINE, min_size=1, max_size=25), end=st.sampled_from(["halt", "lw x1, 2(x0)", "bgethi x1, b0, x3"]))
def test_random_straight_line_programs_match_the_stage_stepper(config, lines, end):
    # ends in a halt or a trap (misaligned; a dimension x3 that may be out of range), which halts
    iss, trace = run("\n".join(lines + [end, "halt"]), config)
    w = [r.cycle for r in trace]
    assert all(b >= a + 1 for a, b in zip(w, w[1:], strict=False))       # strictly increasing
    e, w_step = step_pipeline(trace, iss.config)
    assert w == w_step
    for r, e_i in zip(trace, e, strict=True):                            # a csrr of cycle reads E
        if r.name == "csrr" and r.x_write and SPEC.instructions["csrr"].operands[1].field.extract(r.word) == \
                SPEC.csrs["cycle"].number:
            assert r.x_write[1] == e_i
    assert iss.state.csr["cycle"] == w[-1] + 1


def test_the_worked_example_of_docs_pipeline_md():
    src = """
        addi x1, x0, 8        # 0 0 2 2 3
        lw   x2, 0(x1)        # 1 1 3 3 4
        add  x3, x2, x2       # 2 2 5 5 6   2c
        beq  x3, x0, skip     # 3 4 6 6 7   taken, predicted not taken: redirect in 6
        addi x4, x0, 1        #             (wrong path)
    skip: halt                # 7 7 9 9 10
    """
    iss, trace = run(src)
    assert [r.cycle for r in trace] == [3, 4, 6, 7, 10] and iss.state.csr["cycle"] == 11
    assert trace[3].branch == (False, True, 1)
    doc = (Path(__file__).resolve().parent.parent / "docs" / "pipeline.md").read_text()
    for line in ("addi x1, x0, 8        Fs 0  Fe 0  E 2  X 2  W 3", "skip: halt            Fs 7  Fe 7  E 9  X 9  W 10"):
        assert line in doc
