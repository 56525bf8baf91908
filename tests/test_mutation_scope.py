"""The sampling scopes of `lpu mutate` (verif/mutation_scope.py) and the mutant schemata
(verif/schemata.py): which statements are pipeline control, and one model holding many
mutants."""

import re
import subprocess

import pytest

from isa_spec import load_spec, make_config
from verif.build import ensure_rtl
from verif.mutation import enumerate_mutants, sample
from verif.mutation_scope import block_modules, in_scope, instance_path, observation_only, statement_owners
from verif.schemata import PLUSARG, SELECT, build_schemata, plusarg

# the stage and predictor instances MyHDL names in lpu_top (instance = block function + number)
PIPELINE_INSTANCE = re.compile(r"^(if_stage|id_stage|ex_stage|mw_stage|dmem_port|predictor)\d+_")
DATAPATH_UNIT = re.compile(r"_(decoder|alu|scalar_nl_unit|phi_unit|ln_unit|exp_unit|lnphi_unit)\d+_")


@pytest.fixture(scope="module")
def tiny() -> str:
    return (ensure_rtl(make_config(load_spec(), "tiny")) / "lpu_top.v").read_text()


def test_instance_paths_are_read_with_rtl_gens_block_functions():
    blocks = block_modules()
    assert {"if_stage", "ex_stage", "forward", "decoder", "predictor"} <= set(blocks)
    assert blocks["forward"] == {"ex_stage"} and blocks["low_bits"] == {"wiring"}
    assert instance_path("ex_stage0_forward1_comb") == ("ex_stage", "forward")
    assert instance_path("if_stage0_decoder0_gated3_comb") == ("if_stage", "decoder", "gated")
    # a local name that ends in a digit is not an instance (rs1 is no block function)
    assert instance_path("id_stage0_rs1_f") == ("id_stage",)
    assert instance_path("redirect_valid") == ()


def test_every_pipeline_site_lies_in_a_pipeline_blocks_signals_and_is_a_strict_subset(tiny):
    every = enumerate_mutants(tiny)
    pipe = in_scope(every, tiny, "pipeline")
    lines = tiny.split("\n")
    owners = statement_owners(lines)
    assert set(pipe) < set(every) and len(pipe) > 100
    assert in_scope(every, tiny, "all") == every
    obs = observation_only(lines, owners)
    for seed in (1, 2, 3):
        for m in sample(pipe, 50, seed):
            owner = owners[m.line - 1]
            assert m in pipe
            assert PIPELINE_INSTANCE.match(owner) or not re.match(r"^[a-z_]+?\d+_", owner), (owner, m)
            assert not DATAPATH_UNIT.search(owner), (owner, m)
            assert not owner.startswith("obs_") and m.signal not in obs, m
            if not PIPELINE_INSTANCE.match(owner):   # the top's glue between the stages
                assert set(owner.split("_")) & {"redirect", "pred", "train", "go", "accept", "mispred",
                                                "counter"}, owner
    kinds = {m.kind for m in pipe}
    assert kinds == {"op", "const", "invert", "stuck", "drop"}


def test_the_pipeline_scope_keeps_control_and_leaves_out_datapath_and_observation(tiny):
    every = enumerate_mutants(tiny)
    pipe = set(in_scope(every, tiny, "pipeline"))
    owners = statement_owners(tiny.split("\n"))

    def owned(pattern: str) -> list:
        return [m for m in every if re.match(pattern, owners.get(m.line - 1, ""))]

    for inside in (r"^redirect_valid$", r"^go$", r"^ex_stage0_forward\d+_", r"^predictor0_update$",
                   r"^id_stage0_interlock$"):
        ms = owned(inside)
        assert ms and any(m in pipe for m in ms), inside
    for outside in (r"^box_volume0_", r"^if_stage0_decoder0_", r"^csr_file0_", r"^obs_", r"^mw_stage0_scalar_nl"):
        ms = owned(outside)
        assert ms and not any(m in pipe for m in ms), outside
    # the forward hit flags feed only obs_fwd: observation, not control
    assert any(m.signal.startswith("ex_stage0_obs_fwd") for m in every)
    assert not any(m.signal.startswith("ex_stage0_obs_fwd") for m in pipe)


def test_an_unknown_scope_is_refused(tiny):
    with pytest.raises(ValueError, match="unknown mutation scope 'alu' \\(known: pipeline, all\\)"):
        in_scope(enumerate_mutants(SMALL), SMALL, "alu")


SMALL = """module m (
    clk, a, y, z
);
input clk;
input [7:0] a;
output [7:0] y;
reg [7:0] y;
output [3:0] z;
wire [3:0] z;

assign z[3-1:0] = (a[2:0] + 1);

always @(posedge clk) begin: m_seq
    if ((a == 5)) begin
        y <= (a + 2);
    end
end

endmodule
"""


def test_schemata_select_each_mutant_and_keep_the_original_as_the_default():
    ms = enumerate_mutants(SMALL)
    sch = build_schemata(SMALL, ms)
    text = sch.text
    plain = build_schemata(SMALL, []).text.split("\n")
    assert plain[:3] + plain[7:] == SMALL.split("\n") and plain[3] == f"integer {SELECT};"
    assert f'$value$plusargs("{PLUSARG}=%d", {SELECT})' in text and f"{SELECT} = -1;" in text
    for m in ms:
        assert f"{SELECT} == {m.id}" in text, m
        assert m.id in {i for ids in sch.line_mutants.values() for i in ids}
    # the assign's alternatives are wires of the target's width (3 bits: the select [3-1:0])
    assert "wire [2:0] lpu_orig11 = (a[2:0] + 1);" in text
    assert re.search(r"assign z\[3-1:0\] = \(lpu_mutant_sel == \d+\) \? lpu_mut\d+ :", text)
    # a dropped assignment is an empty statement; the original is the last else
    assert re.search(rf"if \({SELECT} == \d+\) ;", text)
    assert "        else y <= (a + 2);" in text
    assert plusarg(7) == "+lpu_mutant=7"


def test_schemata_refuse_a_mutant_of_another_text():
    m = enumerate_mutants(SMALL)[0]
    with pytest.raises(ValueError, match=f"mutant {m.id}: line {m.line} is not what it was generated from"):
        build_schemata(SMALL.replace("(a[2:0] + 1)", "(a[2:0] + 2)"), [m])


@pytest.mark.rtl
def test_schemata_of_a_pipeline_sample_are_legal_verilog(tmp_path, tiny):
    from rtl_gen.toolchain import setup_verilator

    ms = [m for m in sample(in_scope(enumerate_mutants(tiny), tiny, "pipeline"), 50, 1) if not m.equivalent]
    path = tmp_path / "lpu_top.v"
    path.write_text(build_schemata(tiny, ms).text)
    p = subprocess.run([str(setup_verilator()), "--lint-only", "--default-language", "1364-2005", "-Wno-fatal",
                        "-Wno-lint", "-Wno-style", str(path)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr[-2000:]


@pytest.mark.rtl
def test_a_mutant_that_does_not_compile_is_stillborn_and_the_rest_stay(tmp_path):
    from dataclasses import replace

    from regress.mutate_schemata import legal_schemata

    good = [m for m in enumerate_mutants(SMALL) if m.kind == "op"]
    broken = replace(good[0], id=99, new=good[0].new.replace(" - 1", " -"))   # `(a[2:0] -)`
    sch, dead = legal_schemata(SMALL, [*good, broken], tmp_path)
    assert [r.mutant.id for r in dead] == [99] and dead[0].outcome == "stillborn"
    assert "lpu_mut99" not in sch.text and all(f"{SELECT} == {m.id}" in sch.text for m in good)
    assert sch.mutants_at(next(i for i, t in enumerate(sch.text.split("\n"), 1) if "lpu_mut0 =" in t)) == (0,)
    assert (tmp_path / "lpu_top.v").read_text() == sch.text
