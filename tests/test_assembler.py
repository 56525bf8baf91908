"""Assembler, disassembler and hex-file I/O, checked against the spec's field table."""

from __future__ import annotations

import re
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isa_spec.assembler import PSEUDO_INSTRUCTIONS, AsmError, Program, assemble
from isa_spec.disassembler import decode, disassemble, disassemble_program
from isa_spec.hexfile import HexError, read_hex, write_hex
from isa_spec.loader import INSTRUCTION_DIR, ISA_FILE, load_spec, load_spec_from

SPEC = load_spec()
NAMES = sorted(SPEC.instructions)
PREFIX = {rf.kind: rf.prefix for rf in SPEC.regfiles.values()}


def sext(value: int, bits: int) -> int:
    return value - (1 << bits) if value >> (bits - 1) & 1 else value


def op_of(name: str, kind: str):
    """The (only) operand of `kind` in instruction `name`."""
    (op,) = [o for o in SPEC.instructions[name].operands if o.kind == kind]
    return op


def field(name: str, word: int) -> int:
    return SPEC.fields[name].extract(word)


# ---- (a) disassemble -> assemble round trip over the whole encoding space ----

@st.composite
def legal_words(draw):
    ins = SPEC.instructions[draw(st.sampled_from(NAMES))]
    free = draw(st.integers(0, (1 << SPEC.ilen) - 1))
    return ins, ins.match_bits | (free & ~ins.mask_bits)  # every operand bit pattern is legal


@settings(max_examples=600)
@given(legal_words())
def test_disassembly_reassembles_to_the_same_word(case):
    ins, word = case
    text = disassemble(word)
    assert text.split()[0] == ins.name
    again = assemble(text).text
    assert again == [word], text
    assert disassemble(again[0]) == text


@settings(max_examples=300)
@given(st.integers(0, (1 << 32) - 1), st.integers(0, 1000))
def test_any_word_disassembles_to_something_that_reassembles(word, index):
    text = disassemble(word, pc=4 * index)
    matches = [i.name for i in SPEC.instructions.values() if word & i.mask_bits == i.match_bits]
    if text.startswith(".word"):
        assert matches == []
    else:
        assert [text.split()[0]] == matches
    assert assemble(text).text == [word]


# ---- (b) every operand of every instruction lands in its field ----

def _operand_text(op, value: int, draw) -> str:
    if op.kind in ("xreg", "breg"):
        return f"{PREFIX[op.kind]}{value}"
    if op.kind == "csr":
        known = SPEC.csr_by_number(value)
        if known is not None and draw(st.booleans()):
            return known.name
    if value >= 0 and draw(st.booleans()):
        return hex(value)
    return str(value)


@st.composite
def instruction_with_operands(draw):
    ins = SPEC.instructions[draw(st.sampled_from(NAMES))]
    values, texts = {}, {}
    for op in ins.operands:
        w = op.field.width
        lo, hi = (-(1 << (w - 1)), (1 << (w - 1)) - 1) if op.signed else (0, (1 << w) - 1)
        values[op.name] = draw(st.integers(lo, hi))
        texts[op.name] = _operand_text(op, values[op.name], draw)
    spaced = draw(st.booleans())
    operands = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: texts[m.group(0)], ins.syntax)
    if spaced:
        operands = operands.replace(",", " ,  ").replace("(", " ( ")
    return ins, values, f"  {ins.name.upper() if spaced else ins.name}   {operands}  # c"


@settings(max_examples=600)
@given(instruction_with_operands())
def test_assembled_operands_extract_to_the_given_values(case):
    ins, values, line = case
    (word,) = assemble(line).text
    assert word & ins.mask_bits == ins.match_bits
    for op in ins.operands:
        raw = op.field.extract(word)
        got = sext(raw, op.field.width) if op.signed else raw
        assert got == values[op.name], (line, op.name)
    assert decode(word) is ins


def test_every_spec_example_assembles_to_its_instruction():
    for ins in SPEC.instructions.values():
        for ex in ins.examples:
            words = assemble(ex.asm, ex.where).text
            assert decode(words[0]) is ins, ex.where


# ---- (c) encodings worked out by hand from [fields] in isa.toml ----

@pytest.mark.parametrize("asm, expected", [
    # add: opcode 0x33, funct3 0, funct7 0; rd=3 at [11:7], rs1=1 at [19:15], rs2=2 at [24:20]
    # 0x33 | 3<<7 (0x180) | 1<<15 (0x8000) | 2<<20 (0x200000) = 0x002081B3
    ("add x3, x1, x2", 0x002081B3),
    # addi: opcode 0x13, funct3 0; imm_i [31:20] = -1 -> 0xFFF<<20 = 0xFFF00000;
    # rs1=6 -> 0x30000, rd=5 -> 0x280: 0xFFF00000 | 0x30000 | 0x280 | 0x13 = 0xFFF30293
    ("addi x5, x6, -1", 0xFFF30293),
    # sw: opcode 0x23, funct3 2 -> 0x2000; imm_s = [31:25],[11:7] = 8: high 7 bits 0, low 5 bits 8
    # -> 8<<7 = 0x400; rs2=2 -> 0x200000, rs1=1 -> 0x8000: total 0x0020A423
    ("sw x2, 8(x1)", 0x0020A423),
    # beq: opcode 0x63, funct3 0; boff (imm_s) = 3 instructions -> 3<<7 = 0x180;
    # rs1=1 -> 0x8000, rs2=2 -> 0x200000: 0x00208000 | 0x180 | 0x63 = 0x002081E3
    ("beq x1, x2, 3", 0x002081E3),
    # jal: opcode 0x6f; joff (imm_u [31:12]) = -2 -> 0xFFFFE<<12 = 0xFFFFE000; rd=1 -> 0x80
    ("jal x1, -2", 0xFFFFE0EF),
    # csrr: opcode 0x73, funct3 2 -> 0x2000, rs1 0; csr [31:20] = cycle 0xC00 -> 0xC0000000; rd=1
    ("csrr x1, cycle", 0xC00020F3),
    # halt: opcode 0x73 and every other field 0
    ("halt", 0x00000073),
])
def test_hand_checked_encodings(asm, expected):
    assert assemble(asm).text == [expected]
    assert disassemble(expected) == asm


# ---- (d) labels, pseudo-instructions, directives ----

def test_forward_and_backward_labels():
    prog = assemble(
        "back: addi x1, x1, 1\n"       # 0
        "      beq x1, x2, fwd\n"      # 1: fwd is at 4 -> +3
        "      bne x1, x2, back\n"     # 2: -> -2
        "      jal x0, back\n"         # 3: -> -3
        "fwd:\n"
        "      halt\n")                # 4
    boff, joff = op_of("beq", "label").field, op_of("jal", "label").field
    assert sext(boff.extract(prog.text[1]), boff.width) == 3
    assert sext(boff.extract(prog.text[2]), boff.width) == -2
    assert sext(joff.extract(prog.text[3]), joff.width) == -3
    assert prog.symbols == {"back": 0, "fwd": 16}
    assert prog.text_lines == [1, 2, 3, 4, 6]


@pytest.mark.parametrize("value, hi20, lo12", [
    (0x12345FFF, 0x12346, -1),   # low part 0xFFF is -1, so the high part rounds up
    (-1, 0x00000, -1),
    (0xFFFFFFFF, 0x00000, -1),
    (0x800, 0x00001, -2048),     # 0x1000 - 0x800
    (0x7FF, 0x00000, 0x7FF),
    (0x7FFFFFFF, 0x80000, -1),
    (-0x80000000, 0x80000, 0),
    (0, 0, 0),
])
def test_li_is_always_two_words_with_carry_corrected_split(value, hi20, lo12):
    prog = assemble(f"li x7, {value}\nafter: halt")
    assert len(prog.text) == 3 and prog.symbols["after"] == 8
    lui, addi = prog.text[:2]
    assert decode(lui).name == "lui" and decode(addi).name == "addi"
    assert field("rd", lui) == field("rd", addi) == field("rs1", addi) == 7
    imm = op_of("addi", "simm").field
    assert op_of("lui", "uimm").field.extract(lui) == hi20
    assert sext(imm.extract(addi), imm.width) == lo12
    assert ((hi20 << 12) + lo12) & 0xFFFFFFFF == value & 0xFFFFFFFF


def test_la_loads_data_and_text_label_addresses():
    prog = assemble("la x1, tbl\nla x2, code\ncode: halt\n.data\n.space 0x300\ntbl: .word 5")
    imm = op_of("addi", "simm").field
    lui_imm = op_of("lui", "uimm").field

    def loaded(k):
        return ((lui_imm.extract(prog.text[k]) << 12) + sext(imm.extract(prog.text[k + 1]), 12)) % 2**32

    assert loaded(0) == 4 * 0x300 and loaded(2) == 16
    assert prog.data[0x300] == 5


def test_other_pseudo_instructions_expand_as_documented():
    assert assemble("nop").text == assemble("addi x0, x0, 0").text
    assert assemble("mv x4, x9").text == assemble("addi x4, x9, 0").text
    assert assemble("j end\nnop\nend: halt").text == assemble("jal x0, 2\nnop\nhalt").text
    for p in PSEUDO_INSTRUCTIONS.values():
        for line in p.expansion:
            assert line.split()[0] in SPEC.instructions


def test_data_directives_and_symbols():
    prog = assemble(
        ".equ N, 3\n"
        ".equ STEP, N + 2\n"
        "start: addi x1, x0, STEP\n"
        "  lw x2, tbl+4(x0)\n"
        "  addi x3, x0, fx(0.01)\n"          # 0.01 * 65536 = 655.36 -> 655
        "  addi x4, x0, -fx(0.01) + 1\n"
        "  halt\n"
        ".data\n"
        "tbl: .word 1, -1, 0xFFFFFFFF, start, end, tbl\n"
        "  .fx 1.5, -0.5, 7.62939453125e-06, -7.62939453125e-06\n"  # +-2^-17: half an ulp, rounds up
        "  .space N\n"
        "end: .word 0b101\n")
    imm = op_of("addi", "simm").field
    assert [sext(imm.extract(w), 12) for w in prog.text[:4]] == [5, 4, 655, -654]
    assert prog.data == [1, -1, -1, 0, 4 * 13, 0,
                         98304, -32768, 1, 0,
                         0, 0, 0, 5]
    assert prog.symbols["end"] == 4 * 13 and prog.symbols["STEP"] == 5


def test_raw_word_in_text_and_empty_program():
    assert assemble(".word 0xFFFFFFFF, -1, end\nend: halt").text == [0xFFFFFFFF, 0xFFFFFFFF, 12, 0x73]
    assert assemble("# nothing\n\n   ; here\n") == Program([], [], {}, [])


def test_a_new_instruction_with_new_punctuation_needs_no_assembler_change(tmp_path):
    used = {i.match.get("opcode") for i in SPEC.instructions.values()}
    opcode = next(o for o in range(3, 128, 4) if o not in used)
    inst = tmp_path / "instructions"
    shutil.copytree(INSTRUCTION_DIR, inst)
    (inst / "zz_extra.toml").write_text(
        'class = "zzextra"\nsummary = "test only"\n[[instruction]]\nname = "ldx"\n'
        'syntax = "rd, [rs1 + imm]"\n'
        f'match = {{ opcode = {opcode}, funct3 = 5 }}\n'
        'summary = "s"\nsemantics = "s"\nexample = [{ asm = "ldx x1, [x2 + 4]", expect = { x1 = 0 } }]\n')
    shutil.copy(ISA_FILE, tmp_path / "isa.toml")
    spec = load_spec_from(tmp_path / "isa.toml", inst)
    (word,) = assemble("ldx x1, [ x2 + -4 ]", spec=spec).text
    assert word & 0x7F == opcode and field("funct3", word) == 5
    assert (field("rd", word), field("rs1", word), sext(field("imm_i", word), 12)) == (1, 2, -4)
    assert disassemble(word, spec=spec) == "ldx x1, [x2 + -4]"
    with pytest.raises(AsmError, match=r"do not match the syntax 'ldx rd, \[rs1 \+ imm\]'"):
        assemble("ldx x1, x2 + 4", spec=spec)


# ---- (e) errors name the line and the offending token ----

@pytest.mark.parametrize("source, line, needles", [
    ("nop\nfrob x1, x2", 2, ["unknown mnemonic", "'frob'"]),
    ("add x1, x2", 1, ["wrong operand count", "'add", "expected 3", "got 2"]),
    ("halt x1", 1, ["wrong operand count", "'x1'"]),
    ("nop\n\nadd x1, x2, x32", 3, ["bad register", "'x32'", "x0..x31"]),
    ("bint b1, x2, b3", 1, ["bad register", "'x2'", "b0..b31"]),
    ("addi x1, x0, 2048", 1, ["out of range", "'2048'", "[-2048, 2047]"]),
    ("lui x1, -1", 1, ["out of range", "'-1'", "[0, 1048575]"]),
    ("slli x1, x1, 32", 1, ["out of range", "'32'", "[0, 31]"]),
    ("beq x1, x2, -2049", 1, ["out of range", "'-2049'", "[-2048, 2047]"]),
    ("csrr x1, 0x1000", 1, ["CSR number", "'0x1000'", "[0, 4095]"]),
    ("csrr x1, nosuchcsr", 1, ["unknown CSR", "'nosuchcsr'"]),
    ("halt\nbeq x1, x2, nowhere", 2, ["undefined label", "'nowhere'"]),
    ("addi x1, x0, missing + 1", 1, ["undefined", "'missing'"]),
    ("li x1, ghost", 1, ["undefined", "'ghost'", "'li'"]),
    ("addi x1, x0, x2", 1, ["register", "'x2'"]),
    ("a: halt\nb: halt\na: halt", 3, ["duplicate label", "'a'", "line 1"]),
    (".equ K, 1\n.equ K, 2", 2, ["duplicate", "'K'"]),
    (".bogus 1", 1, ["unknown directive", "'.bogus'"]),
    (".data\nadd x1, x2, x3", 2, ["instruction", "'add'", ".data"]),
    ("halt\n.fx 1.0", 2, ["data directive", "'.fx'", ".text"]),
    (".space 4", 1, ["data directive", "'.space'"]),
    ("addi x1, x0, 12abc", 1, ["bad number", "'12abc'"]),
    ("addi x1, x0, 1.5", 1, ["bad number", "'1.5'", "fx(1.5)"]),
    (".data\n.fx 40000", 2, ["out of Q16.16 range", "40000"]),
    (".data\n.fx abc", 2, ["bad real number", "'abc'"]),
    (".data\n.word 0x100000000", 2, ["does not fit 32 bits", "'0x100000000'"]),
    (".data\n.word", 2, ["'.word' needs"]),
    (".data\n.space N\n.equ N, 2", 2, ["undefined symbol", "'N'"]),
    (".data\nd: .word 1\n.text\nj d", 4, ["data label", "'d'"]),
    ("1abc: halt", 1, ["cannot parse", "'1abc'"]),
    ("lw x1, 4(x2", 1, ["do not match the syntax", "'x1, 4(x2'", "'lw rd, imm(rs1)'"]),
    (".equ 5, 5", 1, ["'.equ' needs", "'5, 5'"]),
])
def test_errors_name_line_and_token(source, line, needles):
    with pytest.raises(AsmError) as info:
        assemble(source, "prog.s")
    err = info.value
    assert (err.file, err.line) == ("prog.s", line)
    assert str(err) == f"prog.s:{line}: {err.message}"
    for needle in needles:
        assert needle in err.message, (needle, err.message)


TOKENS = st.sampled_from([*NAMES, *PSEUDO_INSTRUCTIONS, "x1", "x31", "x32", "b2", "loop", "loop:",
                          ",", "(", ")", "-", "+", "0x10", "99999999999", "fx(", "1.5", "%hi(",
                          ".data", ".text", ".word", ".fx", ".space", ".equ", "cycle", "#", ";", ":"])


@settings(max_examples=400)
@given(st.lists(st.lists(TOKENS, max_size=7).map(" ".join), max_size=6).map("\n".join))
def test_garbage_raises_only_asm_error(source):
    try:
        prog = assemble(source)
    except AsmError as err:
        assert 1 <= err.line <= max(1, source.count("\n") + 1)
        return
    assert all(0 <= w < 1 << 32 for w in prog.text)
    assert all(-(1 << 31) <= d < 1 << 31 for d in prog.data)


# ---- (f) hex files ----

def test_hex_round_trip_with_and_without_data(tmp_path):
    prog = assemble("li x1, 0x12345FFF\nlw x2, 0(x1)\nhalt\n.data\n.word -1, 7\n.fx -2.5")
    path = tmp_path / "p.hex"
    write_hex(prog, path)
    lines = path.read_text().splitlines()
    assert lines[:4] == [f"{w:08x}" for w in prog.text] and lines[4] == "// .data"
    assert lines[5:] == ["ffffffff", "00000007", "fffd8000"]
    assert read_hex(path) == (prog.text, prog.data)

    code_only = assemble("addi x1, x0, -1\nhalt")
    write_hex(code_only, path)
    assert "// .data" not in path.read_text()
    assert read_hex(path) == (code_only.text, [])


def test_hex_reader_accepts_case_comments_and_blanks(tmp_path):
    path = tmp_path / "h.hex"
    path.write_text("// program\n\nDEADBEEF\n  0000abcd  \n//.data\n// a comment\nFFFFFFFE\n")
    assert read_hex(path) == ([0xDEADBEEF, 0xABCD], [-2])


@pytest.mark.parametrize("body, line", [
    ("00000073\n1234567\n", 2),          # 7 digits
    ("00000073\n\n0000007g\n", 3),
    ("0x000073\n", 1),
    ("00000073\n// .data\n00000001\n// .data\n", 4),
])
def test_hex_reader_rejects_bad_lines(tmp_path, body, line):
    path = tmp_path / "bad.hex"
    path.write_text(body)
    with pytest.raises(HexError) as info:
        read_hex(path)
    assert info.value.line == line and str(path) in str(info.value)


def test_disassemble_program_shows_branch_targets():
    prog = assemble("top: nop\nbne x1, x0, top\n.word 0xFFFFFFFF")
    assert disassemble_program(prog.text, base_pc=0x40) == [
        "addi x0, x0, 0", "bne x1, x0, -1  # -> 0x00000040", ".word 0xffffffff"]


def test_operand_splitting_fast_paths_agree_with_the_general_search():
    """match_syntax's fast paths (regex, comma split) give what the general search gives,
    on random operand texts for every syntax of the spec."""
    import random

    from isa_spec.assembler import _match_general, match_syntax

    atoms = ["x1", "x31", "b0", "12", "-7", "0x10", "lbl", "%hi(lbl)", "%lo(8)", "fx(1.5)", "(4)", "a b",
             "(x2)", "((3))", "(", ")", "", " ", "1+2", "-(3)"]
    syntaxes = sorted({i.syntax for i in SPEC.instructions.values()} | {"rd, imm(rs1)", "a", ""})
    rng, matched = random.Random(5), 0
    for _ in range(4000):
        syntax = rng.choice(syntaxes)
        seps = [", ", ",", " , ", "(", ")", " ", ",,"]
        if rng.random() < 0.5:   # the template filled in: mostly matches
            text = re.sub(r"[A-Za-z_]\w*", lambda m: rng.choice(atoms) + rng.choice(["", " "]), syntax)
        else:                    # anything
            text = "".join(rng.choice(atoms) + (rng.choice(seps) if rng.random() < 0.8 else "")
                           for _ in range(rng.randint(0, 4)))
        want = _match_general(syntax, text)
        assert match_syntax(syntax, text) == want, (syntax, text)
        matched += want is not None
    assert matched > 1000


def test_hi_lo_of_a_plain_integer_match_the_expression_parser():
    import random

    rng = random.Random(3)
    for v in [0, 1, -1, 2047, 2048, -2048, -2049, 2**31 - 1, -(2**31)] + [rng.randint(-2**31, 2**31 - 1)
                                                                          for _ in range(200)]:
        fast = assemble(f"lui x1, %hi({v})\naddi x1, x1, %lo({v})\n", spec=SPEC)
        slow = assemble(f"lui x1, %hi({v} + 0)\naddi x1, x1, %lo(0 + {v})\n", spec=SPEC)
        assert fast.text == slow.text, v
    with pytest.raises(AsmError, match="does not fit"):
        assemble(f"lui x1, %hi({2**32})\n", spec=SPEC)
