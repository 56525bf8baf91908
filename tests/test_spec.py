"""The spec loader: the real spec loads and is consistent; each kind of malformed spec fails
with a message naming the file, the entry and the field."""

import re
import shutil
from pathlib import Path

import pytest

from isa_spec import ConfigError, SpecError, load_spec, make_config
from isa_spec.loader import INSTRUCTION_DIR, ISA_FILE, load_spec_from
from isa_spec.params import parse_param_overrides

SPEC = load_spec()
BRIEF_CLASSES = {"alu", "mem", "branch", "box", "nonlinear", "boxmove", "csr", "system"}


def test_every_instruction_class_of_the_brief_is_present():
    assert BRIEF_CLASSES <= set(SPEC.classes)
    names = set(SPEC.instructions)
    # the operators LPU_BRIEF section 3 requires by name
    assert {"bint", "bhint", "blvol", "blcp", "bgecp", "fexp", "fln", "fsoftp", "flse", "halt"} <= names


def test_every_encoding_bit_is_an_operand_or_fixed_and_no_two_overlap():
    full = (1 << SPEC.ilen) - 1
    ins = list(SPEC.instructions.values())
    for i in ins:
        op_mask = 0
        for op in i.operands:
            op_mask |= op.field.mask
        assert op_mask & i.mask_bits == 0 and (op_mask | i.mask_bits) == full, i.name
    for a in ins:
        for b in ins:
            if a is not b:
                common = a.mask_bits & b.mask_bits
                assert (a.match_bits ^ b.match_bits) & common, (a.name, b.name)


def test_named_configurations_exist_and_are_legal():
    for name in ("tiny", "default", "wide"):
        cfg = make_config(SPEC, name)
        assert cfg["D"] % cfg["LANES"] == 0
    tiny = make_config(SPEC, "tiny")
    for p in SPEC.params.values():
        if p.name not in ("LANES",):
            assert tiny[p.name] == p.min, f"tiny must be the smallest legal {p.name}"


@pytest.mark.parametrize("overrides, message", [
    ({"D": 0}, r"D=0 is outside its legal range \[1, 64\]"),
    ({"LANES": 3}, r"LANES=3 must divide D=8"),
    ({"SREGS": 12}, r"SREGS=12 must be a power of two"),
    ({"FOO": 1}, r"unknown parameter 'FOO'"),
])
def test_illegal_parameters_are_refused_with_reason(overrides, message):
    with pytest.raises(ConfigError, match=message):
        make_config(SPEC, "default", overrides)


def test_param_override_parsing():
    assert parse_param_overrides(["D=16", "LANES=0x4"]) == {"D": 16, "LANES": 4}
    with pytest.raises(ConfigError, match="'D' is not KEY=VALUE"):
        parse_param_overrides(["D"])
    with pytest.raises(ConfigError, match="'x' is not an integer"):
        parse_param_overrides(["D=x"])


@pytest.fixture
def spec_copy(tmp_path: Path):
    shutil.copy(ISA_FILE, tmp_path / "isa.toml")
    shutil.copytree(INSTRUCTION_DIR, tmp_path / "instructions")
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"test setup: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _load(d: Path):
    return load_spec_from(d / "isa.toml", d / "instructions")


def test_copy_loads(spec_copy):
    assert set(_load(spec_copy).instructions) == set(SPEC.instructions)


@pytest.mark.parametrize("file, old, new, expect", [
    ("instructions/alu.toml", 'match = { opcode = 0x33, funct3 = 0, funct7 = 0x20 }',
     'match = { opcode = 0x33, funct3 = 0, funct7 = 0x00 }', r"alu.toml: instruction 'sub': field 'match': encoding overlaps instruction 'add'"),
    ("instructions/alu.toml", 'summary = "Subtract."\n', '', r"alu.toml: instruction 'sub': field 'summary': missing"),
    ("instructions/alu.toml", 'syntax = "rd, rs1, rs2"', 'syntax = "rd, rs1, rq"', r"alu.toml: instruction 'add': field 'syntax': unknown operand 'rq'"),
    ("instructions/alu.toml", 'funct3 = 0, funct7 = 0x00 }', 'funct3 = 9, funct7 = 0x00 }', r"instruction 'add': field 'match': funct3 = 9 does not fit 3 bits"),
    ("instructions/system.toml", 'rs2 = 0, funct7 = 0 }', 'rs2 = 0 }', r"system.toml: instruction 'halt': field 'match': encoding bits 0xfe000000"),
    ("instructions/box.toml", 'name = "bhint"', 'name = "bint"', r"instruction 'bint': field 'name': already defined"),
    ("instructions/csr.toml", 'summary = "Read a CSR."', 'summary = "Read a CSR."\ncolour = 1', r"csr.toml: instruction 'csrr': field 'colour': unknown key"),
    ("isa.toml", 'number = 0xC03', 'number = 0xC02', r"isa.toml: csr 'branches': field 'number': 0xc02 already used by csr 'instret'"),
    ("isa.toml", 'frac = 24\nsummary = "Temperatures', 'frac = "24"\nsummary = "Temperatures', r"isa.toml: format 'temp': field 'frac': must be int"),
    ("isa.toml", '[configs.wide]\nsummary = "Large boxes, many lanes."\nD = 64\nLANES = 16',
     '[configs.wide]\nsummary = "Large boxes, many lanes."\nD = 64\nLANES = 24', r"isa.toml: config 'wide': LANES=24 must divide D=64"),
    ("isa.toml", 'imm_i  = [[31, 20]]', 'imm_i  = [[33, 20]]', r"isa.toml: field 'imm_i': slice \[33, 20\] outside 0..31"),
    ("isa.toml", '[isa]', '[isa\n', r"isa.toml: not valid TOML"),
])
def test_malformed_spec_names_file_entry_and_field(spec_copy, file, old, new, expect):
    _edit(spec_copy / file, old, new)
    with pytest.raises(SpecError, match=expect):
        _load(spec_copy)


def test_missing_example_is_an_error(spec_copy):
    p = spec_copy / "instructions/system.toml"
    text = re.sub(r"example = \[.*\]\n", "example = []\n", p.read_text())
    p.write_text(text)
    with pytest.raises(SpecError, match="instruction 'halt': field 'example': at least one"):
        _load(spec_copy)
