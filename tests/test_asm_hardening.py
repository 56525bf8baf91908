"""Hostile assembler inputs (issue 13, 2.1): deep nesting is a located error or a value,
never a RecursionError; the iterative evaluator agrees with Python's own arithmetic."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from isa_spec import load_spec
from isa_spec.assembler import AsmError, assemble
from isa_spec.loader import load_spec_from
from isa_spec.timing import check_expression
from isa_spec.types import Field
from lpu.cli import main

SPEC = load_spec()
IMM = SPEC.instructions["addi"].operands[2].field  # where addi's immediate is encoded


def _imm(word: int, fld: Field = IMM) -> int:
    raw = fld.extract(word)
    return raw - (1 << fld.width) if raw >> (fld.width - 1) else raw


def _lpu_asm(tmp_path: Path, capsys, source: str) -> tuple[int, str, str]:
    src = tmp_path / "deep.s"
    src.write_text(source)
    rc = main(["asm", str(src), "-o", str(tmp_path / "deep.hex")])
    out, err = capsys.readouterr()
    return rc, err, str(src)


@pytest.mark.parametrize("operand, value", [
    ("(" * 400 + "5" + ")" * 400, 5),
    ("-" * 1000 + "7", 7),        # an even number of signs
    ("-" * 1001 + "7", -7),
    ("-(" * 500 + "3" + ")" * 500, 3),
    ("%lo(" * 300 + "9" + ")" * 300, 9),
])
def test_deep_expressions_assemble_through_the_cli(tmp_path, capsys, operand, value):
    rc, err, _ = _lpu_asm(tmp_path, capsys, f"addi x1, x0, {operand}\nhalt\n")
    assert (rc, err) == (0, "")
    from isa_spec.hexfile import read_hex

    text, _ = read_hex(tmp_path / "deep.hex")
    assert _imm(text[0]) == value


@pytest.mark.parametrize("operand, needle", [
    ("(" * 400 + "5" + ")" * 399, "do not match the syntax"),   # unbalanced: the split sees it
    ("-" * 1000, "expected a number or symbol"),
    ("(" * 400 + "5000" + ")" * 400, "out of range [-2048, 2047]"),
    ("%hi(" * 400 + "1 2" + ")" * 400, "expected ')'"),
])
def test_deep_bad_expressions_are_located_one_line_errors(tmp_path, capsys, operand, needle):
    rc, err, path = _lpu_asm(tmp_path, capsys, f"nop\naddi x1, x0, {operand}\n")
    assert rc == 1
    assert err.startswith(f"lpu: error: {path}:2: ") and err.count("\n") == 1
    assert needle in err
    assert "Traceback" not in err and "RecursionError" not in err


def test_expressions_agree_with_python_arithmetic():
    """Random +, -, unary signs and parentheses, deep and shallow: the assembler's value is
    what Python computes for the same text (an independent evaluator)."""
    rng = random.Random(13)

    def expr(depth: int) -> str:
        if depth == 0 or rng.random() < 0.3:
            return str(rng.randint(0, 40))
        parts = [expr(depth - 1) for _ in range(rng.randint(1, 3))]
        body = parts[0] + "".join(rng.choice([" + ", " - ", "-", "+ -", "- -"]) + p for p in parts[1:])
        return rng.choice(["", "-", "- ", "+", "--"]) + "(" + body + ")"

    for _ in range(300):
        e = expr(rng.randint(1, 8))
        want = eval(e)  # noqa: S307 - digits, signs and parentheses only
        if -2048 <= want <= 2047:
            assert _imm(assemble(f"addi x1, x0, {e}", spec=SPEC).text[0]) == want, e
        else:
            with pytest.raises(AsmError, match="out of range"):
                assemble(f"addi x1, x0, {e}", spec=SPEC)


def test_deep_data_word_and_equ(tmp_path):
    prog = assemble(".equ K, " + "(" * 2000 + "-3" + ")" * 2000 + "\n.data\n.word " + "-" * 3001 + "K\n",
                    spec=SPEC)
    assert prog.symbols["K"] == -3 and prog.data == [3]


@pytest.mark.parametrize("expr", ["(" * 400 + "1" + ")" * 400, "-" * 1000 + "1", "1+" * 100000 + "1",
                                  "1 + " * 60 + "D"])
def test_timing_formulas_that_would_overflow_the_stack_are_refused(expr):
    with pytest.raises(ValueError, match="nested too deeply|not an expression"):
        check_expression(expr, {"D"})


def test_a_deep_timing_formula_is_a_located_spec_error(tmp_path, capsys):
    import shutil

    spec_dir = Path(load_spec_from.__code__.co_filename).parent
    shutil.copytree(spec_dir / "instructions", tmp_path / "instructions")
    text = (spec_dir / "isa.toml").read_text().replace('late_use = "1"', 'late_use = "' + "1+" * 5000 + '2"', 1)
    (tmp_path / "isa.toml").write_text(text)
    rc = main(["isa", "check", "--spec-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert rc == 1
    assert err.startswith("lpu: error: ") and err.count("\n") == 1
    assert "isa.toml: [timing]: field 'late_use'" in err and "nested too deeply" in err


def test_word_layout_is_read_from_the_spec():
    """%hi/%lo split and fx() format come from lui/addi's fields and formats.coord; a spec
    whose split does not make one word is refused once, with the reason."""
    import dataclasses

    from isa_spec.asm_expr import AsmFail, WordLayout

    lay = WordLayout.from_spec(SPEC, "lui", "addi")
    lui, addi = SPEC.instructions["lui"].operands[1].field, IMM
    assert (lay.word_bits, lay.hi_bits, lay.lo_bits) == (SPEC.xlen, lui.width, addi.width) == (32, 20, 12)
    assert lay.fx is SPEC.formats["coord"]
    odd = dataclasses.replace(SPEC, xlen=40)
    with pytest.raises(AsmFail, match=r"lui's immediate \(20 bits\) \+ addi's \(12 bits\) must make xlen \(40"):
        WordLayout.from_spec(odd, "lui", "addi")
    with pytest.raises(AsmError, match="must make xlen"):
        assemble("nop", "x.s", spec=odd)
