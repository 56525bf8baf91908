"""Hostile spec files (issue 13, 2.2, 2.3, 3.4): each is a one-line `lpu: error:` naming the
file (and line, or entry and field), with exit status 1, from the command a user ran."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from isa_spec import loader
from isa_spec.loader import INSTRUCTION_DIR, ISA_FILE
from lpu.cli import main

PROG = "addi x1, x0, 1\nbeq x1, x0, 1\nhalt\n"


@pytest.fixture
def spec_dir(tmp_path: Path) -> Path:
    """A copy of the real spec that a test may break."""
    d = tmp_path / "spec"
    d.mkdir()
    shutil.copy(ISA_FILE, d / "isa.toml")
    shutil.copytree(INSTRUCTION_DIR, d / "instructions")
    return d


@pytest.fixture
def installed_spec(spec_dir: Path, monkeypatch) -> Iterator[Path]:
    """`spec_dir` standing in for isa_spec/ itself, for commands that have no --spec-dir."""
    monkeypatch.setattr(loader, "ISA_FILE", spec_dir / "isa.toml")
    monkeypatch.setattr(loader, "INSTRUCTION_DIR", spec_dir / "instructions")
    loader.load_spec.cache_clear()
    yield spec_dir
    loader.load_spec.cache_clear()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def _error(capsys, argv: list[str]) -> str:
    """Run `lpu ARGV`; it must fail with exactly one `lpu: error:` line. Returns that line."""
    rc = main(argv)
    err = capsys.readouterr().err
    assert rc == 1, err
    assert err.startswith("lpu: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def _check(capsys, d: Path) -> str:
    return _error(capsys, ["isa", "check", "--spec-dir", str(d)])


# ---- 2.2: a byte that is not UTF-8 ----

def _put_bad_byte(path: Path, line: int) -> None:
    lines = path.read_bytes().split(b"\n")
    lines[line - 1] = b"# caf\xe9 " + lines[line - 1]  # Latin-1, as an editor might save it
    path.write_bytes(b"\n".join(lines))


@pytest.mark.parametrize("name, line", [("isa.toml", 7), ("instructions/alu.toml", 3)])
def test_non_utf8_byte_isa_check_and_doc(spec_dir, capsys, tmp_path, name, line):
    _put_bad_byte(spec_dir / name, line)
    for argv in (["isa", "check", "--spec-dir", str(spec_dir)],
                 ["isa", "doc", "-o", str(tmp_path / "out"), "--spec-dir", str(spec_dir)]):
        err = _error(capsys, argv)
        assert f"{spec_dir / name}:{line}: not UTF-8 text (byte 0xe9" in err


def test_non_utf8_byte_in_the_installed_spec_lpu_run(installed_spec, capsys, tmp_path):
    _put_bad_byte(installed_spec / "instructions" / "branch.toml", 1)
    prog = tmp_path / "p.s"
    prog.write_text(PROG)
    err = _error(capsys, ["run", str(prog)])
    assert f"{installed_spec / 'instructions' / 'branch.toml'}:1: not UTF-8 text" in err


# ---- 2.3: a directory where a file belongs ----

def test_instruction_file_that_is_a_directory(spec_dir, capsys):
    (spec_dir / "instructions" / "zz.toml").mkdir()
    err = _check(capsys, spec_dir)
    assert f"{spec_dir / 'instructions' / 'zz.toml'}: is a directory, not a TOML file" in err


def test_isa_toml_that_is_a_directory(spec_dir, capsys):
    (spec_dir / "isa.toml").unlink()
    (spec_dir / "isa.toml").mkdir()
    err = _check(capsys, spec_dir)
    assert f"{spec_dir / 'isa.toml'}: is a directory, not a TOML file" in err


# ---- 3.4: every number has a legal range ----

@pytest.mark.parametrize("old, new, needles", [
    ("counter_bits = 2", "counter_bits = 0", ["[predictor]: field 'counter_bits'", "0 is outside", "[1, 8]"]),
    ("reset_counter = 1 ", "reset_counter = 4 ", ["[predictor]: field 'reset_counter'", "[0, 3]", "2-bit"]),
    ("taken_threshold = 2 ", "taken_threshold = 0 ", ["field 'taken_threshold'", "[1, 255]"]),
    ("[params.D]\nmin = 1", "[params.D]\nmin = 0", ["param 'D': field 'min'", "[1, 16777216]"]),
    ("[params.D]\nmin = 1\nmax = 64", "[params.D]\nmin = 1\nmax = 0", ["param 'D': field 'max'", "[1, "]),
    ("[params.SREGS]\nmin = 8\nmax = 32", "[params.SREGS]\nmin = 8\nmax = 64",
     ["param 'SREGS': field 'max'", "64 registers", "5-bit field", "at most 32"]),
    ("xlen = 32", "xlen = 64", ["[isa]: field 'xlen'", "[32, 32]", "32-bit machine"]),
    ("reset_pc = 0", "reset_pc = 2", ["field 'reset_pc'", "instruction-aligned"]),
    ("signed = true\nwidth = 32\nfrac = 16", "signed = true\nwidth = 32\nfrac = 40",
     ["format 'coord': field 'frac'", "[0, 32]"]),
    ("code = 1\n", "code = 0\n", ["trap 'illegal_instruction': field 'code'", "[1, 2147483647]"]),
    ("bound_ulp = 1.0", "bound_ulp = -1.0", ["nonlinear 'phi': field 'bound_ulp'", "not negative"]),
    ("bound_ulp = 1.0", "bound_ulp = nan", ["field 'bound_ulp'", "nan is outside"]),
    ("width = 32\ncount_param", "width = 0\ncount_param", ["regfile 'x': field 'width'", "[32, 32]"]),
    ("zero_register = 0", "zero_register = 5", ["regfile 'x': field 'zero_register'", "[0, 0]"]),
    ("frac = 30, summary = \"2 * Euler", "frac = 33, summary = \"2 * Euler",
     ["constant 'two_gamma': field 'frac'", "[0, 32]"]),
])
def test_out_of_range_numbers_in_isa_toml(spec_dir, capsys, old, new, needles):
    _edit(spec_dir / "isa.toml", old, new)
    err = _check(capsys, spec_dir)
    assert f"{spec_dir / 'isa.toml'}: " in err
    for n in needles:
        assert n in err, (n, err)


def test_lpu_run_refuses_a_zero_bit_predictor(installed_spec, capsys, tmp_path):
    """The original report: `lpu run` used counter_bits = 0 (a predictor with no states)."""
    _edit(installed_spec / "isa.toml", "counter_bits = 2", "counter_bits = 0")
    prog = tmp_path / "p.s"
    prog.write_text(PROG)
    err = _error(capsys, ["run", str(prog)])
    assert "isa.toml: [predictor]: field 'counter_bits': 0 is outside its legal range [1, 8]" in err


# ---- 3.4: worked examples name only what the configuration they run on has ----

ADD = 'expect = { x3 = -2 } }'   # alu.toml: add's first example
BINT = '"b1.hi" = [3.0, 1.0] }, expect = { "b2.lo"'  # box.toml: bint's first example


@pytest.mark.parametrize("file, old, new, needles", [
    ("alu.toml", ADD, 'expect = { x99 = -2 } }',
     ["instruction 'add' example 0: field 'expect'", "'x99'", "x0..x31", "SREGS = 32", "'default'"]),
    ("alu.toml", 'init = { x1 = 5, x2 = -7 }', 'init = { x1 = 5, x32 = -7 }',
     ["instruction 'add' example 0: field 'init'", "'x32'", "beyond the file"]),
    ("box.toml", BINT, '"b8.hi" = [3.0, 1.0] }, expect = { "b2.lo"',
     ["instruction 'bint' example 0: field 'init'", "'b8.hi'", "b0..b7", "BREGS = 8"]),
    ("alu.toml", ADD, 'expect = { mcycle = -2 } }', ["field 'expect'", "'mcycle': unknown key", "mtvec"]),
    ("alu.toml", ADD, 'expect = { X3 = -2 } }', ["'X3': unknown key"]),
    ("alu.toml", ADD, 'expect = { "x3 " = -2 } }', ["'x3 ': unknown key"]),
    ("alu.toml", ADD, 'expect = { MTVEC = -2 } }', ["did you mean 'mtvec'"]),
    ("alu.toml", 'init = { x1 = 5, x2 = -7 }', 'init = { x1 = 5, pc = 4 }', ["field 'init'", "'pc': unknown key"]),
    ("alu.toml", ADD, 'expect = { trap = "oops" } }', ["'trap': 'oops' is not a trap", "dim_fault"]),
    ("alu.toml", ADD, 'expect = { x3 = "-2" } }', ["'x3': must be a number"]),
    ("alu.toml", ADD, 'expect = { halted = 1 } }', ["'halted': must be true or false"]),
    ("alu.toml", ADD, 'expect = { "mem.6" = 1 } }', ["'mem.6'", "multiple of 4"]),
    ("alu.toml", ADD, 'expect = { "mem.4096" = 1 } }', ["'mem.4096'", "below 4096"]),
    ("box.toml", BINT, '"b1.hi" = [3.0] }, expect = { "b2.lo"', ["'b1.hi': must be a list of 2 numbers"]),
    ("alu.toml", ADD, 'expect = { x3 = -2 }, tol = -1.0 }',
     ["instruction 'add' example 0: field 'tol'", "legal range [0, "]),
])
def test_examples_with_bad_names_fail_isa_check(spec_dir, capsys, file, old, new, needles):
    _edit(spec_dir / "instructions" / file, old, new)
    err = _check(capsys, spec_dir)
    assert f"{spec_dir / 'instructions' / file}: " in err
    for n in needles:
        assert n in err, (n, err)


def test_example_with_too_many_dimensions(spec_dir, capsys):
    boxes = ", ".join(["0.0"] * 65)   # D = 65 is beyond the parameter's range
    _edit(spec_dir / "instructions" / "alu.toml", ADD, f'expect = {{ x3 = -2, "b1.lo" = [{boxes}] }} }}')
    err = _check(capsys, spec_dir)
    assert "instruction 'add' example 0" in err and "D=65 is outside its legal range [1, 64]" in err


def test_the_real_spec_still_passes(capsys):
    assert main(["isa", "check"]) == 0
    assert "isa check: OK" in capsys.readouterr().out


# ---- [timing] (docs/pipeline.md): every mistake is one located line ----

TIMING_MISTAKES = [
    # (the line replaced, its replacement, what the error must say)
    ('late_use = "1"', 'late_use = "1"\nbogus = "1"', "[timing]: field 'bogus': unknown key"),
    ('late_use = "1"', 'late_use = "LATE"', "[timing]: field 'late_use': 'LATE': unknown name 'LATE'"),
    ('late_use = "1"', "late_use = 1", "[timing]: field 'late_use': must be str, got 1"),
    ('late_use = "1"', 'late_use = "0 - 1"',
     "[timing]: field 'late_use': '0 - 1' is -1 in configuration 'tiny' (at least 0: a wait in cycles)"),
    ('retire = "1"', 'retire = "0"', "[timing]: field 'retire': '0' is 0 in configuration 'tiny' (at least 1"),
    ('mem_port = "1"', 'mem_port = "D / (LANES - 1)"',
     "[timing]: field 'mem_port': 'D / (LANES - 1)' in configuration 'tiny': divides by zero"),
    ('counter_read = "0"', 'counter_read = "9"',
     "[timing]: field 'counter_read': 9 is not an EX cycle of `csrr` (0 .. 0 in configuration 'tiny')"),
    ('fetch_to_ex = "2"', 'fetch_to_ex = "4"', "[timing]: field 'mispredict_penalty': 2 would fetch the "
     "redirect target before the cycle the branch resolves in (at least fetch_to_ex - 1 = 3"),
    ('late = ["lw", "nonlinear"', 'late = ["lw", "nonlinar"', "[timing]: field 'late': 'nonlinar' names no instruction or class"),
    ('late = ["lw", "nonlinear"', 'late = ["lw", "lw"', "[timing]: field 'late': 'lw' is listed twice"),
    ('mem_port_mw = ["lw", "sw"]', 'mem_port_mw = ["lw", 3]', "[timing]: field 'mem_port_mw': 3 is not a name"),
    ('resolve_in_mw = ["bgecp"]', 'resolve_in_mw = ["jal"]', "[timing]: field 'resolve_in_mw': 'jal' is not a conditional branch"),
    ('always_redirect = ["jalr"]', 'always_redirect = "jalr"', "[timing]: field 'always_redirect': must be list"),
    ('written_operands = ["rd", "bd"]', 'written_operands = ["rd", "bx"]',
     "[timing]: field 'written_operands': 'bx' is no operand"),
    ('stages = ["IF", "ID", "EX", "MW"]', "stages = []", "[timing]: field 'stages': must name the pipeline's stages"),
    ('trap = "1"\n', '', "[timing.ex_cycles]: field 'trap': missing (required)"),
    ('lbx = "2 * D"', 'lbz = "2 * D"', "[timing.ex_cycles]: field 'lbz': names no instruction, class or one of default, trap"),
    ('sbx = "2 * D"', 'sbx = "D - 1"', "[timing.ex_cycles]: field 'sbx': 'D - 1' is 0 in configuration 'tiny' (at least 1"),
    ('sbx = "2 * D"', 'sbx = "2 * Q"', "[timing.ex_cycles]: field 'sbx': '2 * Q': unknown name 'Q'"),
    ('[timing.ex_cycles]', '[timing.ex_cyclez]', "[timing]: field 'ex_cyclez': unknown key"),
    ('[timing]\n', '[timingz]\n', "isa.toml: field 'timingz': unknown section"),
]


@pytest.mark.parametrize("old, new, says", TIMING_MISTAKES, ids=[m[1].split("\n")[-1][:40] or m[0] for m in TIMING_MISTAKES])
def test_a_timing_mistake_is_one_located_line(spec_dir, capsys, old, new, says):
    _edit(spec_dir / "isa.toml", old, new)
    err = _check(capsys, spec_dir)
    assert "isa.toml: " in err and says in err, err


def test_lpu_run_refuses_timing_numbers_a_parameter_override_makes_illegal(installed_spec, capsys, tmp_path):
    """A timing expression legal in every named configuration (16 - BREGS: 14, 8, 0) but
    negative for a legal override (BREGS = 32) is refused once the configuration is fixed."""
    _edit(installed_spec / "isa.toml", 'mem_port = "1"', 'mem_port = "16 - BREGS"')
    prog = tmp_path / "p.s"
    prog.write_text(PROG)
    assert main(["run", str(prog)]) == 0
    capsys.readouterr()
    err = _error(capsys, ["run", str(prog), "--param", "BREGS=32"])
    assert "isa.toml: [timing]: field 'mem_port': '16 - BREGS' is -16 in configuration 'default+BREGS=32'" in err
