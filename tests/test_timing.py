"""The golden model's timing model (golden_model/timing.py) against reasons of its own: the
spec's [latency] formulas evaluated here by the documented lookup (an instruction's name,
else its class, else "default"), and cycle sums for short programs worked out by hand in the
comments (default configuration: D = 8, LANES = 4, so BEATS = 2; box operations take
BEATS + 3 = 5 cycles, lbx 2D + BEATS + 3 = 21, sbx 2D + 3 = 19, everything else 2; a trap 2,
a fetch fault 1). Cycle c is the c-th cycle after reset, from 0; an instruction retires in its
last cycle; `csrr` samples the counter in its cycle 1."""

from __future__ import annotations

import dataclasses

import pytest

from golden_model import Iss
from golden_model.examples import _apply_init, make_iss_for
from golden_model.timing import TimingModel
from golden_model.trace import RetireRecord
from isa_spec import load_spec, make_config
from isa_spec.assembler import assemble

SPEC = load_spec()
CAUSE = {t.name: t.code for t in SPEC.traps.values()}


def spec_cycles(name: str, config) -> int:
    """An instruction's cycles from the spec's text, by the rule isa.toml documents."""
    ins = SPEC.instructions[name]
    key = name if name in SPEC.latency else ins.iclass if ins.iclass in SPEC.latency else "default"
    env = {"D": config["D"], "LANES": config["LANES"], "BEATS": config["D"] // config["LANES"]}
    return eval(SPEC.latency[key].replace("/", "//"), {}, env)  # noqa: S307  (the spec's own formula)


def run(src: str, config: str = "default", start: int = 0) -> tuple[Iss, list[RetireRecord]]:
    iss = Iss(make_config(SPEC, config), SPEC)
    iss.timing.start = start
    p = assemble(src, "test.s")
    iss.load_program(p.text, p.data)
    trace: list[RetireRecord] = []
    iss.run(10_000, on_retire=trace.append)
    return iss, trace


def test_default_config_is_the_one_the_hand_sums_assume():
    c = make_config(SPEC, "default")
    assert (c["D"], c["LANES"]) == (8, 4)


def test_a_short_program_retires_at_the_hand_computed_cycles():
    src = """
        addi x1, x0, 1      # cycles 0-1
        bint b2, b0, b1     # 2-6   (5)
        lbx b3, 0(x0)       # 7-27  (21)
        sbx b3, 64(x0)      # 28-46 (19)
        csrr x2, cycle      # 47-48: reads the counter in cycle 48
        blvol x3, b2        # 49-53 (5)
        halt                # 54-55; the counter stops at 56
    """
    iss, trace = run(src)
    assert [r.cycle for r in trace] == [1, 6, 27, 46, 48, 53, 55]
    assert iss.state.x[2] == 48
    assert iss.state.csr["cycle"] == 56


@pytest.mark.parametrize("config", ["tiny", "default", "wide"])
def test_every_instruction_takes_its_spec_formula(config):
    cfg = make_config(SPEC, config)
    for name in SPEC.instructions:
        t = TimingModel(SPEC, cfg)
        t.start = 100
        lat = spec_cycles(name, cfg)
        assert t.retire(RetireRecord(0, 0, 0, name, 4), None) == 100 + lat - 1, name
        assert t.cycles == 100 + lat, name
    # a trap takes "trap" cycles whatever the instruction; a fetch fault "fetch_fault"
    env = {"D": cfg["D"], "LANES": cfg["LANES"], "BEATS": cfg["D"] // cfg["LANES"]}
    trap, fetch = (eval(SPEC.latency[k], {}, env) for k in ("trap", "fetch_fault"))  # noqa: S307
    for name in ("lw", "lbx", "bgetlo", None):
        t = TimingModel(SPEC, cfg)
        assert t.retire(RetireRecord(0, 0, 0, name, 0, trap=CAUSE["load_fault"]), None) == trap - 1
    t = TimingModel(SPEC, cfg)
    assert t.retire(RetireRecord(0, 0, 0, None, 0, trap=CAUSE["fetch_fault"]), None) == fetch - 1


def test_every_spec_example_retires_after_its_formula_on_the_iss():
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
                assert rec.cycle == spec_cycles(ins.name, iss.config) - 1, ex.where
                assert iss.state.csr["cycle"] == spec_cycles(ins.name, iss.config), ex.where
    assert seen == set(SPEC.instructions), f"no retiring example: {set(SPEC.instructions) - seen}"


def test_a_trap_and_its_handler():
    src = """
        addi x1, x0, 16     # pc 0:  cycles 0-1
        csrw mtvec, x1      # pc 4:  2-3
        lw x2, 1(x0)        # pc 8:  misaligned, traps in 4-5
        halt                # pc 12: never runs
        csrr x3, cycle      # pc 16: the handler, 6-7: reads 7
        halt                # 8-9; the counter stops at 10
    """
    iss, trace = run(src)
    assert [(r.pc, r.trap is not None, r.cycle) for r in trace] == [
        (0, False, 1), (4, False, 3), (8, True, 5), (16, False, 7), (20, False, 9)]
    assert iss.state.x[3] == 7 and iss.state.csr["cycle"] == 10


def test_a_fetch_fault_takes_one_cycle_and_stops_the_counter():
    n = make_config(SPEC, "tiny")["IMEM_WORDS"]
    iss, trace = run(f"addi x1, x0, {4 * n}\njalr x0, 0(x1)\nhalt", config="tiny")
    # addi 0-1, jalr 2-3, the fetch at pc 4n faults in cycle 4; the counter stops at 5
    assert trace[-1].trap == CAUSE["fetch_fault"] and trace[-1].pc == 4 * n
    assert [r.cycle for r in trace] == [1, 3, 4]
    assert iss.state.csr["cycle"] == 5 and iss.state.trapped


def test_the_counter_wraps_at_32_bits_as_the_csr_does():
    iss, trace = run("csrr x1, cycle\nhalt", start=(1 << 32) - 2)
    assert iss.state.x[1] == -1                     # read in cycle 2^32 - 1
    assert iss.state.csr["cycle"] == 2              # 2^32 + 2, modulo 2^32
    assert trace[-1].cycle == (1 << 32) + 1         # the record keeps the whole number


def test_a_counter_read_outside_the_instruction_is_refused():
    spec = dataclasses.replace(SPEC, latency={**SPEC.latency, "counter_read": "2"})
    with pytest.raises(ValueError, match="counter_read = 2"):
        TimingModel(spec, make_config(SPEC))
    # absent, csrr samples the counter in its last cycle (the documented default)
    spec = dataclasses.replace(SPEC, latency={k: v for k, v in SPEC.latency.items() if k != "counter_read"})
    assert TimingModel(spec, make_config(SPEC)).read_at == 1


class TenCycles(TimingModel):
    """A stand-in for a later model: every instruction takes 10 cycles, reads in its cycle 3."""

    def counter_read(self, dec) -> int:
        return self.start + 3

    def retire(self, rec, dec) -> int:
        self.start += 10
        return self.start - 1


def test_the_iss_takes_its_cycles_from_the_timing_model_it_is_given():
    cfg = make_config(SPEC)
    iss = Iss(cfg, SPEC, timing=TenCycles(SPEC, cfg))
    p = assemble("addi x1, x0, 1\ncsrr x2, cycle\nhalt", "test.s")
    iss.load_program(p.text)
    trace: list[RetireRecord] = []
    iss.run(100, on_retire=trace.append)
    assert [r.cycle for r in trace] == [9, 19, 29]
    assert iss.state.x[2] == 13 and iss.state.csr["cycle"] == 30
