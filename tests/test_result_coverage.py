"""Result coverage of predicates (issue 13, section 4): bins come from the spec's `result`
attribute, so a new predicate is covered without hand-written bins."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from golden_model import Iss
from isa_spec import load_spec, make_config
from isa_spec.assembler import assemble
from isa_spec.errors import SpecError
from isa_spec.loader import load_spec_from
from verif.coverage import CoverageModel, pre_state
from verif.value_classes import ORDERS, result_hits

SPEC = load_spec()
DEFAULT = make_config(SPEC, "default")
SPEC_DIR = Path(__file__).resolve().parent.parent / "isa_spec"


def result_names(model: CoverageModel, name: str) -> set[str]:
    return {b for b in model.names if b.startswith(f"result/{name}/")}


def with_result(name: str, kind: str):
    ins = dataclasses.replace(SPEC.instructions[name], result=kind)
    return dataclasses.replace(SPEC, instructions={**SPEC.instructions, name: ins})


def test_bins_follow_the_spec_attribute_and_nothing_else():
    m = CoverageModel(SPEC, DEFAULT)
    declared = {n for n, i in SPEC.instructions.items() if i.result}
    assert declared >= {"slt", "sltu", "slti", "sltiu"}
    assert {b.split("/")[1] for b in m.names if b.startswith("result/")} == declared
    assert result_names(m, "slt") == {"result/slt/0", "result/slt/1", *(f"result/slt/{o}" for o in ORDERS),
                                      "result/slt/mixed_signs/0", "result/slt/mixed_signs/1"}


def test_a_new_predicate_gets_bins_from_the_attribute_alone():
    assert result_names(CoverageModel(SPEC, DEFAULT), "sub") == set()
    m = CoverageModel(with_result("sub", "bool"), DEFAULT)
    assert result_names(m, "sub") == {"result/sub/0", "result/sub/1"}
    m = CoverageModel(with_result("and", "compare"), DEFAULT)
    assert len(result_names(m, "and")) == 7 and "result/and/a_eq_b" in m.holes()


def test_a_compare_without_two_scalar_sources_is_a_spec_error():
    with pytest.raises(SpecError, match=r"instruction 'lui'.*field 'result'.*two scalar sources"):
        CoverageModel(with_result("lui", "compare"), DEFAULT)


def test_an_unknown_result_kind_is_refused_by_the_loader(tmp_path):
    d = tmp_path / "spec"
    shutil.copytree(SPEC_DIR / "instructions", d / "instructions")
    shutil.copy(SPEC_DIR / "isa.toml", d / "isa.toml")
    f = d / "instructions" / "alu.toml"
    f.write_text(f.read_text().replace('result = "compare"', 'result = "truthy"', 1))
    with pytest.raises(SpecError, match=r"alu.toml: instruction 'slt': field 'result': 'truthy' is not one of"):
        load_spec_from(d / "isa.toml", d / "instructions")


def test_result_hits_classify_value_order_and_signs():
    assert result_hits("slt", 1, (-1, 1)) == ["result/slt/1", "result/slt/a_lt_b", "result/slt/mixed_signs/1"]
    assert result_hits("slt", 0, (5, 5)) == ["result/slt/0", "result/slt/a_eq_b"]
    assert result_hits("slt", 0, (7, -3)) == ["result/slt/0", "result/slt/a_gt_b", "result/slt/mixed_signs/0"]
    assert result_hits("slt", None, (1, 2)) == []   # rd = x0: the result is not observed
    assert result_hits("bx", 1, None) == ["result/bx/1"]


def run(asm: str, model: CoverageModel) -> None:
    prog = assemble(asm, spec=SPEC)
    iss = Iss(DEFAULT, SPEC)
    iss.load_program(prog.text, prog.data)
    while not iss.state.halted:
        pre = pre_state(iss)
        model.sample(iss.step(), pre)


def test_the_iss_run_fills_the_bins_of_sltu_and_sltiu():
    """Mixed signs are where sltu differs from slt: -1 is the largest unsigned value."""
    m = CoverageModel(SPEC, DEFAULT)
    run("addi x1, x0, -1\naddi x2, x0, 1\nsltu x3, x1, x2\nsltu x4, x2, x1\nsltu x5, x2, x2\n"
        "sltiu x6, x2, -1\nsltu x0, x1, x2\nhalt\n", m)
    hit = {b for b in result_names(m, "sltu") if m.hits[m.index[b]]}
    assert hit == {"result/sltu/0", "result/sltu/1", "result/sltu/a_lt_b", "result/sltu/a_gt_b",
                   "result/sltu/a_eq_b", "result/sltu/mixed_signs/0", "result/sltu/mixed_signs/1"}
    assert m.hits[m.index["result/sltu/a_lt_b"]] == 1  # the x0 write is not observed
    hit = {b for b in result_names(m, "sltiu") if m.hits[m.index[b]]}
    assert hit == {"result/sltiu/1", "result/sltiu/a_gt_b", "result/sltiu/mixed_signs/1"}
