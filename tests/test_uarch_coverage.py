"""The pipeline's micro-architectural coverage (verif/uarch_coverage.py): bins derived from
the spec, the sampler on observation records built by hand, box pairs and predictor bins
from the golden model's records, and the whole path on the RTL (observation log ->
testbench -> coverage file) against events derived by hand from the pipeline's rules."""

from __future__ import annotations

import pytest

from golden_model import Iss
from isa_spec import load_spec, make_config
from isa_spec.assembler import assemble
from isa_spec.timing import timing_table
from verif.coverage import CoverageModel
from verif.tb_top import obs_layout, port_widths

SPEC = load_spec()
CONFIGS = ("tiny", "default", "wide")

# pc: instruction; the comments give the events the pipeline rules (docs/pipeline.md) imply
PROGRAM = """
        lw x1, 0(x0)       # 0:  late producer
        add x2, x1, x1     # 4:  waits in ID (late_use, alu), then reads both operands from MW (bypass)
        addi x3, x0, 1     # 8
        add x4, x3, x3     # 12: both operands forwarded MW -> EX
        beq x0, x0, t      # 16: taken, counter 1 predicts not taken: EX flushes ID (halt) and IF (lw)
        halt               # 20: the wrong path
t:      lw x6, 0(x0)       # 24
        lbx b0, 0(x0)      # 28: waits while lw is in EX (mem_port), then is multi-cycle in EX
        halt               # 32: waits behind lbx (ex_busy, system); stops fetch: flushes two zero words
"""
PROGRAM_BINS = {
    "uarch/stall/late_use/alu", "uarch/fwd/id/rs1/alu", "uarch/fwd/id/rs2/alu", "uarch/fwd/ex/rs1/alu",
    "uarch/fwd/ex/rs2/alu", "uarch/flush/ex/id/system", "uarch/flush/ex/if/mem", "uarch/shadow/halt/id",
    "uarch/pred/counter1/taken/ex", "uarch/stall/mem_port/mem", "uarch/stall/ex_busy/system",
    "uarch/flush/ex/id/illegal", "uarch/flush/ex/if/illegal",
}


def uarch_hits(model: CoverageModel) -> set[str]:
    return {n for n, h in model.bins() if h and n.startswith("uarch/")}


@pytest.mark.parametrize("name", CONFIGS)
def test_the_bins_follow_the_spec_roles_and_timing_lists(name):
    config = make_config(SPEC, name)
    m = CoverageModel(SPEC, config, uarch=True)
    t = timing_table(SPEC, config)
    arch = CoverageModel(SPEC, config)
    assert m.names[:len(arch.names)] == arch.names          # appended: architectural indices unchanged
    classes = {i.iclass for i in SPEC.instructions.values()}
    port_classes = {SPEC.instructions[n].iclass for n in t.mem_port_ex}
    for n, _ in m.bins():
        p = n.split("/")
        if n.startswith("uarch/stall/mem_port/"):
            assert p[3] in port_classes
        if n.startswith("uarch/fwd/"):   # some instruction of the class reads an x register in that field
            assert any(i.iclass == p[4] and any(o.kind == "xreg" and o.field.name == p[3] for o in i.operands)
                       for i in SPEC.instructions.values()), n
    stalls = {n.split("/")[3] for n, _ in m.bins() if n.startswith("uarch/stall/gecp/")}
    assert stalls == classes                                 # anything can follow a bgecp
    assert all(why for n, why in m.excluded() if n.startswith("uarch/"))


def test_the_sampler_names_each_event_of_hand_built_observation_records():
    config = make_config(SPEC, "default")
    layout = obs_layout(port_widths(config, SPEC))
    prog = assemble("""
        addi x1, x0, 1                 # 0
        bgecp b0, b1, x1, e            # 4
        sw x1, 0(x0)                   # 8
        lbx b0, 0(x0)                  # 12
e:      beq x1, x0, e                  # 16
        """, "<hand>", spec=SPEC)
    text = prog.text + [0]             # pc 20: a word that does not decode
    rows = [
        # ID (lbx, pc 12) waits for the data port while EX (sw, pc 8) traps and redirects
        dict(stall=2, flush=1, ex_valid=1, ex_pc=8, id_valid=1, id_pc=12, if_valid=1, if_pc=16),
        # MW resolves bgecp mispredicted: ID (sw) and IF (the illegal word) are its wrong path
        dict(flush=2, mispred=2, id_valid=1, id_pc=8, if_valid=1, if_pc=20),
        # a mispredicted branch in EX with a branch in ID and nothing fetched (fetch stopped)
        dict(flush=1, mispred=1, ex_valid=1, ex_pc=0, id_valid=1, id_pc=16, if_valid=0, if_pc=24),
        # bgecp's threshold forwarded into EX; ID (sw) bypasses x[rs2] and x[rs1]
        dict(fwd=0b100, bypass=0b011, ex_valid=1, ex_pc=4, id_valid=1, id_pc=8),
        # ID holds the illegal word while EX is busy: no class, so no stall bin
        dict(stall=4, ex_valid=1, ex_pc=12, id_valid=1, id_pc=20),
    ]
    m = CoverageModel(SPEC, config, uarch=True)
    m.sample_uarch(text, [layout.pack(r) for r in rows], layout, [])
    assert uarch_hits(m) == {
        "uarch/stall/mem_port/mem", "uarch/stall_flush/mem_port/ex", "uarch/flush/ex/id/mem",
        "uarch/flush/ex/if/branch",
        "uarch/flush/mw/id/mem", "uarch/flush/mw/if/illegal", "uarch/shadow/trap/if",
        "uarch/flush/ex/id/branch", "uarch/shadow/branch/id",
        "uarch/fwd/ex/rd/box", "uarch/fwd/id/rs1/mem", "uarch/fwd/id/rs2/mem",
    }


def test_back_to_back_box_operations_are_told_apart_by_their_registers():
    config = make_config(SPEC, "default")
    prog = assemble("""
        bint b0, b1, b1        # 0
        bint b1, b0, b0        # 4: reads b0, which 0 wrote: dependent
        bhint b2, b3, b3       # 8: reads b3, not b1: independent
        csrw mtvec, x0         # 12
        bint b3, b2, b2        # 16: box, CSR write, box back to back
        addi x1, x0, 1         # 20
        bint b0, b0, b0        # 24: after an addi: no pair
        halt
        """, "<pairs>", spec=SPEC)
    iss = Iss(config, SPEC)
    iss.load_program(prog.text, prog.data)
    records = []
    while not iss.state.halted:
        records.append(iss.step())
    m = CoverageModel(SPEC, config, uarch=True)
    layout = obs_layout(port_widths(config, SPEC))
    m.sample_uarch(prog.text, [], layout, records)
    hits = dict(m.bins())
    assert hits["uarch/boxpair/dependent"] == 1
    assert hits["uarch/boxpair/independent"] == 1
    assert hits["uarch/boxpair/through_csr"] == 1


def test_a_model_without_pipeline_bins_refuses_pipeline_samples():
    config = make_config(SPEC, "tiny")
    m = CoverageModel(SPEC, config)
    assert not any(n.startswith("uarch/") for n in m.names)
    with pytest.raises(ValueError, match="uarch"):
        m.sample_uarch([], [], obs_layout(port_widths(config, SPEC)), [])
    back = CoverageModel.from_json(CoverageModel(SPEC, config, uarch=True).to_json(), SPEC)
    assert back.uarch and back.names == CoverageModel(SPEC, config, uarch=True).names


@pytest.mark.rtl
def test_the_testbench_samples_the_rtl_observation_port(tmp_path):
    from verif.simulate import SimRequest, simulate

    config = make_config(SPEC, "tiny")
    asm = tmp_path / "u.s"
    asm.write_text(PROGRAM)
    res = simulate(SimRequest(config=config, config_name="tiny", overrides={}, test="asm", asm=asm,
                              test_dir=tmp_path / "run"))
    assert res.passed, res.failure
    model = CoverageModel.from_json((tmp_path / "run" / "functional_coverage.json").read_text(), SPEC)
    assert uarch_hits(model) == PROGRAM_BINS
