"""Compiled programs on the ISS against the float interpreter and against what the boxes
say by construction; splitting, spills, fit errors (compiler/, regress/compiled_check.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from compiler.driver import compile_file, compile_module, compile_source
from compiler.embedding import Embedding, save_embedding
from compiler.errors import CompileError, FitError
from compiler.ir import Type
from compiler.passes.manager import PassOptions
from compiler.target import make_target
from golden_model import Iss
from isa_spec.assembler import assemble
from lpu.cli import main
from regress.bench_compiler import query_module
from regress.compiled_check import check, results

EX = Path(__file__).resolve().parent.parent / "examples"
# the answers of examples/taxonomy.s, from the geometry of its boxes (nested, disjoint, partial)
TAXONOMY_ANSWERS = {"dog_is_animal": True, "bird_is_animal": True, "dog_is_entity": True, "plant_is_animal": False,
                    "dog_is_bird": False, "animal_is_dog": False, "fungus_is_plant": False, "plant_is_entity": True}


def _decisions(comp, run) -> dict:
    return {v.name: v.value for v in results(comp, run) if v.type in (Type.BOOL, Type.INDEX)}


@pytest.mark.parametrize("cfg", ["tiny", "default", "wide"])
def test_taxonomy_compiled_agrees_with_the_interpreter_and_the_geometry(cfg):
    t = make_target(cfg)
    decisions = {}
    for level in (0, 1, 2):
        comp = compile_file(EX / "taxonomy.slrm", t, PassOptions(level))
        run, cmp = check(comp)
        assert cmp.ok, str(cmp)
        assert cmp.counts["agree"] + cmp.counts["near"] == len(comp.outputs)
        decisions[level] = _decisions(comp, run)
    assert decisions[0] == decisions[1] == decisions[2]
    near = {e.name for e in cmp.near}
    for name, want in TAXONOMY_ANSWERS.items():
        if name not in near:
            assert decisions[2][name] is want, name


@pytest.mark.parametrize("cfg", ["tiny", "default", "wide"])
def test_taxonomy_at_O2_takes_no_more_cycles_than_the_hand_written_program(cfg):
    t = make_target(cfg)
    hand = assemble((EX / "taxonomy.s").read_text(), "taxonomy.s", spec=t.spec)
    iss = Iss(t.config, t.spec)
    iss.load_program(hand.text, hand.data)
    iss.run(1_000_000)
    run, _ = check(compile_file(EX / "taxonomy.slrm", t, PassOptions(2)))
    assert run.total_cycles <= iss.state.csr["cycle"]
    o0, _ = check(compile_file(EX / "taxonomy.slrm", t, PassOptions(0)))
    assert run.total_cycles < o0.total_cycles


def test_many_live_boxes_spill_on_tiny_and_still_agree():
    t = make_target("tiny")
    comp = compile_module(query_module(6, 4, t.D, seed=5, live=8), t, PassOptions(2))
    assert sum(p.stats["regalloc"]["spill_stores"] for p in comp.programs) > 0
    run, cmp = check(comp)
    assert cmp.ok, str(cmp)
    big = make_target("default")
    comp2 = compile_module(query_module(6, 4, big.D, seed=5, live=8), big, PassOptions(2))
    assert sum(p.stats["regalloc"]["spill_stores"] for p in comp2.programs) == 0


def test_a_thousand_concepts_run_on_tiny_split_into_programs_that_each_fit():
    t = make_target("tiny")
    comp = compile_module(query_module(1000, 300, t.D, seed=7), t, PassOptions(2))
    assert len(comp.programs) > 10
    for p in comp.programs:
        assert p.text_words <= t.IMEM_WORDS and p.layout.words <= t.DMEM_WORDS
    ids = sorted(i for p in comp.programs for i in p.slot_ids)
    assert ids == list(range(len(comp.outputs)))          # every result in exactly one program
    run, cmp = check(comp)
    assert cmp.ok, str(cmp)


def test_addresses_beyond_the_offset_range_use_a_base_register():
    t = make_target("default")                 # 64 concepts x 16 words: past 2047 bytes
    comp = compile_module(query_module(64, 40, t.D, seed=8), t, PassOptions(2))
    assert any("data base" in p.asm for p in comp.programs)
    _, cmp = check(comp)
    assert cmp.ok, str(cmp)


SRC_TEMPS = """
concept a = box(0.0, 1.0);
concept b = box(0.5, 2.0);
temperature beta_i = 0.5, beta_v = 0.5;
out warm = logP(a | b);
temperature beta_i = 0.01, beta_v = 0.05;
out cold = logP(a | b);
if likely logvol(a & b) >= -3.0 { out big = true; } else { out big = false; }
"""


@pytest.mark.parametrize("cfg", ["tiny", "default"])
def test_temperature_changes_between_statements(cfg):
    t = make_target(cfg)
    comp = compile_source(SRC_TEMPS, t, "temps.slrm")
    run, cmp = check(comp)
    assert cmp.ok, str(cmp)
    vals = {v.name: v.value for v in results(comp, run)}
    assert vals["warm"] != pytest.approx(vals["cold"], abs=0.05)   # the temperatures did change


def test_the_embedding_must_have_the_targets_dimension(tmp_path):
    emb = Embedding(D=4, beta_i=0.01, beta_v=0.1, names=["x", "y"], lo=np.zeros((2, 4)), hi=np.ones((2, 4)), meta={})
    path = tmp_path / "e.boxes.json"
    save_embedding(emb, path)
    src = tmp_path / "q.slrm"
    src.write_text('use "e.boxes.json";\nout s = is_a(x, y);\n')
    with pytest.raises(CompileError, match=r"q.slrm:1:1: .*D = 4.*D = 8"):
        compile_file(src, make_target("default"))
    comp = compile_file(src, make_target("default", {"D": 4, "LANES": 4}))
    _, cmp = check(comp)
    assert cmp.ok


def test_a_statement_too_big_for_data_memory_says_what_would_fit():
    t = make_target("wide", {"DMEM_WORDS": 256})   # one box is 128 words
    src = "concept a = box(0, 1);\nconcept b = box(0, 2);\nconcept c = box(1, 3);\nout s = logvol(a & b & c);\n"
    with pytest.raises(FitError, match=r"x.slrm:4:1: .*DMEM_WORDS = 256.*--param DMEM_WORDS=512"):
        compile_source(src, t, "x.slrm")


@pytest.mark.parametrize(("src", "msg"), [
    ("concept a = box(0, 1);\nout s = is_a(a, zebra);\n", "2:17: unknown name 'zebra'"),
    ("concept a = box(0, 1);\nout s = a;\n", "2:9: output 's' is a box"),
    ("concept a = box(0, 1);\nif logvol(a) { out s = 1; }\n", "2:4: the condition of `if` is logprob"),
    ("concept a = box(0, 1);\nout s = 1;\nout s = 2;\n", "3:1: output 's' is written twice"),
    ("concept a = box([0, 0], [1, 1]);\n", "1:1: concept 'a' has 2 lower"),
    ("concept a = box(0, 70000);\n", "outside the coord format's range"),
    ("temperature beta_i = 1e-12;\n", "beta_i = 1e-12 is not representable"),
])
def test_mistakes_name_their_place(src, msg):
    with pytest.raises(CompileError, match=msg.replace("(", r"\(").replace(")", r"\)")):
        compile_source(src, make_target("default"), "m.slrm")


def test_cli_compile_run_and_emit_ir(tmp_path, capsys):
    out = tmp_path / "t.s"
    assert main(["compile", str(EX / "taxonomy.slrm"), "--config", "tiny", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    parts = sorted(tmp_path.glob("t.*.s"))
    assert len(parts) >= 2 and all(p.name in printed for p in parts)
    assert main(["compile", str(EX / "taxonomy.slrm"), "--emit", "ir", "--no-schedule"]) == 0
    ir = capsys.readouterr().out
    assert "// ---- after cse" in ir and "// ---- after schedule" not in ir and "lpu.blcp" in ir
    assert main(["run", str(EX / "taxonomy.slrm"), "--json", "-O", "1"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["results"]["dog_is_animal"]["value"] is True and doc["check"]["disagree"] == 0
    bad = tmp_path / "bad.slrm"
    bad.write_text("let x = ;\n")
    assert main(["run", str(bad)]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.slrm:1:9" in err and "Traceback" not in err


@pytest.mark.parametrize(("cond", "likely", "want"), [
    ("is_a(dog, animal) >= -0.5", "unlikely", 1),      # taken side unlikely: one bgecp
    ("is_a(animal, dog) >= -0.5", "unlikely", 0),
    ("is_a(dog, animal) < -0.5", "", 0),
    ("is_a(animal, dog) < -0.5", "", 1),
    ("is_a(dog, animal) >= -0.5", "likely", 1),        # taken side likely: blcp and a branch
])
@pytest.mark.parametrize("cfg", ["tiny", "default"])
def test_a_branch_on_a_probability_goes_the_way_the_boxes_say(cfg, cond, likely, want):
    src = (f"concept animal = box(0.0, 0.5);\nconcept dog = box(0.05, 0.25);\ntemperature beta_i = 0.001, beta_v = 0.001;\n"
           f"if {likely} {cond} {{ out r = 1; }} else {{ out r = 0; }}\n")
    comp = compile_source(src, make_target(cfg), "b.slrm")
    fused = any("bgecp" in p.asm for p in comp.programs)
    assert fused == (likely != "likely")
    run, cmp = check(comp)
    assert cmp.ok and results(comp, run)[0].value == want


# found by tests/test_compiler_property.py: one `if` that fits tiny's 64-word IMEM at -O1 but
# needs 65 words once scheduled and laid out
_ONE_WORD_OVER = """temperature beta_i = 0.01, beta_v = 0.05;
concept k0 = box([0.0], [0.0]);
concept k1 = box([0.0], [0.0]);
concept k2 = box([0.0], [0.0]);
if (is_a((k0 & k1), (k1 & k2)) < 0.0 and is_a((k0 & k2), (k0 & k1)) < 0.0) {
  out d2 = (is_a((k0 & k0), (k0 & k0)) < 0.0 and is_a(k1, hard(k1, k0)) < -6.0); out d3 = logvol(k0) < 0.0;
  out r1 = 1;
} else { out d4 = (is_a(k0, k0) < -5.25 and is_a(k0, (k0 & k0)) < 0.0); out r1 = 0; }
out s6 = is_a(k0, k0);
"""


def test_a_statement_too_big_for_O2_is_compiled_without_the_speed_passes():
    t = make_target("tiny")
    comp = compile_source(_ONE_WORD_OVER, t, "over.slrm", PassOptions(2))
    headers = [p.asm.splitlines()[0] for p in comp.programs]
    assert any("(no layout, schedule)" in h for h in headers), headers
    assert all(len(p.program.text) <= t.config["IMEM_WORDS"] for p in comp.programs)
    _, cmp = check(comp)
    assert not cmp.disagree
    with pytest.raises(FitError, match="this statement alone does not fit"):
        compile_source(_ONE_WORD_OVER, t, "over.slrm", PassOptions(0))



# also found by the property test: a statement that needs 65 words at -O1 and fits at -O2
_O1_OVER = """temperature beta_i = 0.01, beta_v = 0.05;
concept k0 = box([0.0], [0.0]);
concept k1 = box([0.0], [0.0]);
concept k2 = box([0.0], [0.0]);
concept k3 = box(0.0, 0.765625);
let w1 = k0;
let w2 = k0;
let w3 = k0;
let w4 = (k0 & k0);
let w5 = k2;
out p6 = logvol(w1);
out p7 = logvol(w2);
out p8 = logvol(w3);
out p9 = logvol(w4);
out p10 = logvol(w5);
if (is_a(w4, k0) >= -4.75 and is_a((k0 & k3), (w4 & k0)) != -9.25) { out d12 = (is_a(k0, k0) < -4.0 and is_a(k0, (k0 & k0)) < -9.75); out r11 = 1; } else { out d13 = (logvol(k0) < 0.25 and is_a(k0, k0) < -4.0); out d14 = not (is_a((k1 & k2), w4) < -8.75); out r11 = 0; }
out s15 = is_a(k0, k0);
out s16 = is_a(k0, k0);
out s17 = is_a(k0, k0);
let m18 = k0;
"""


def test_a_statement_too_big_for_O1_is_compiled_with_the_O2_passes():
    t = make_target("tiny")
    comp = compile_source(_O1_OVER, t, "over1.slrm", PassOptions(1))
    headers = [p.asm.splitlines()[0] for p in comp.programs]
    assert any(h.endswith("at -O2") for h in headers) and any("at -O1" in h for h in headers), headers
    _, cmp = check(comp)
    assert not cmp.disagree
