"""The `lpu` command line, run in-process: isa check/doc, asm/disasm, run, regress smoke, errors."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import rtl_gen
from golden_model.ops import SEMANTICS
from isa_spec import load_spec
from isa_spec.loader import INSTRUCTION_DIR, ISA_FILE
from lpu.cli import main
from regress.results import ResultsDB

# Hand-computed expectations (see the comments): a count-down loop whose branch is taken,
# taken, not taken. The predictor's counter starts at 1 (weakly not-taken, taken from 2 up),
# so the predictions are not-taken (wrong), taken (right), taken (wrong): 2 mispredictions.
LOOP = """\
    addi x1, x0, 3        # x1 = 3
    addi x2, x0, -7       # x2 = -7
loop:
    addi x1, x1, -1
    bne x1, x0, loop      # 3 times: taken, taken, not taken
    add x3, x2, x2        # x3 = -14
    slli x4, x2, 16       # x4 = -7 << 16 = -458752 (-7.0 in Q16.16)
    halt                  # at byte address 6 * 4 = 24
"""
LOOP_RETIRED = 2 + 3 * 2 + 3  # 11


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


# ------------------------------------------------------------------ isa check

def test_isa_check_passes_on_the_real_spec(capsys):
    rc, out, err = run_cli(capsys, "isa", "check")
    assert rc == 0, out + err
    assert "isa check: OK" in out
    header = out.splitlines()[0].split()
    assert header == ["class", "instruction", "semantics", "examples", "rtl"]
    for name in load_spec().instructions:
        assert re.search(rf"^\S+\s+{name}\s", out, re.M), f"{name} missing from the table"


def test_isa_check_names_a_missing_and_an_extra_semantic_function(capsys, monkeypatch):
    monkeypatch.delitem(SEMANTICS, "sub")
    monkeypatch.setitem(SEMANTICS, "frobnicate", lambda c: None)
    rc, out, _ = run_cli(capsys, "isa", "check")
    assert rc != 0
    problems = [line for line in out.splitlines() if line.startswith("  - ")]
    assert len(problems) == 2, out
    assert any("'sub'" in p and "golden_model/ops/alu.py" in p for p in problems)
    assert any("'frobnicate'" in p and "no instruction in the spec" in p for p in problems)
    assert re.search(r"^alu\s+sub\s+MISSING", out, re.M)


def test_isa_check_reads_rtl_coverage_from_rtl_gen(capsys, monkeypatch):
    names = set(load_spec().instructions)
    monkeypatch.setattr(rtl_gen, "IMPLEMENTED", names - {"halt"}, raising=False)
    rc, out, _ = run_cli(capsys, "isa", "check")
    assert rc != 0
    problems = [line for line in out.splitlines() if line.startswith("  - ")]
    assert len(problems) == 1 and "'halt'" in problems[0] and "RTL" in problems[0], out
    assert "not checked yet" not in out

    monkeypatch.setattr(rtl_gen, "IMPLEMENTED", names, raising=False)
    rc, out, _ = run_cli(capsys, "isa", "check")
    assert rc == 0, out
    assert re.search(r"^system\s+halt\s+ok\s+\d+\s+ok$", out, re.M)


def test_isa_check_without_rtl_coverage_says_so(capsys, monkeypatch):
    monkeypatch.delattr(rtl_gen, "IMPLEMENTED", raising=False)
    rc, out, _ = run_cli(capsys, "isa", "check")
    assert rc == 0
    assert sum("RTL coverage is not checked yet" in line for line in out.splitlines()) == 1


def copy_spec(tmp_path: Path) -> Path:
    d = tmp_path / "spec"
    shutil.copytree(INSTRUCTION_DIR, d / "instructions")
    shutil.copy(ISA_FILE, d / "isa.toml")
    return d


def test_isa_check_on_a_broken_spec_is_one_error_line(capsys, tmp_path):
    d = copy_spec(tmp_path)
    isa = d / "isa.toml"
    text = isa.read_text()
    assert "opcode = [[6, 0]]" in text
    isa.write_text(text.replace("opcode = [[6, 0]]", "opcode = [[40, 0]]"))
    rc, out, err = run_cli(capsys, "isa", "check", "--spec-dir", d)
    assert rc == 1
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("lpu: error: ") and "isa.toml" in err and "opcode" in err


# ------------------------------------------------------------------ isa doc

def test_isa_doc_writes_a_page_per_class_with_every_instruction(capsys, tmp_path):
    spec = load_spec()
    rc, out, err = run_cli(capsys, "isa", "doc", "-o", tmp_path / "isa")
    assert rc == 0, err
    pages = {p.name for p in (tmp_path / "isa").glob("*.md")}
    assert pages == {"index.md"} | {f"{c}.md" for c in spec.classes}
    for ins in spec.instructions.values():
        page = (tmp_path / "isa" / f"{ins.iclass}.md").read_text()
        assert f"\n## {ins.name}\n" in page
        syntax = f"{ins.name} {ins.syntax}" if ins.syntax else ins.name
        assert f"Syntax: `{syntax}`" in page
    for p in (tmp_path / "isa").glob("*.md"):
        assert "Generated from isa_spec/ by `lpu isa doc`; do not edit." in p.read_text()


# ------------------------------------------------------------------ asm / disasm

def test_asm_then_disasm_round_trips(capsys, tmp_path):
    src = write(tmp_path, "prog.s", LOOP + ".data\n.word 42, -1\n")
    hexfile = tmp_path / "prog.hex"
    rc, _, err = run_cli(capsys, "asm", src, "-o", hexfile)
    assert rc == 0, err
    rc, out, err = run_cli(capsys, "disasm", hexfile)
    assert rc == 0, err
    lines = out.splitlines()
    split = lines.index("data:")
    text_lines, data_lines = lines[:split], lines[split + 1:]
    assert len(text_lines) == 7
    # Each listing line is "address:  word  assembly"; the assembly must encode to the word.
    asm, words = [], []
    for i, line in enumerate(text_lines):
        addr, word, dis = re.fullmatch(r"([0-9a-f]{8}):\s+([0-9a-f]{8})\s+(.*)", line).groups()
        assert int(addr, 16) == 4 * i
        words.append(int(word, 16))
        asm.append(dis.split("#")[0])
    again = write(tmp_path, "again.s", "\n".join(asm) + "\n")
    rc, _, err = run_cli(capsys, "asm", again, "-o", tmp_path / "again.hex")
    assert rc == 0, err
    assert (tmp_path / "again.hex").read_text() == "".join(f"{w:08x}\n" for w in words)
    assert [line.split()[-1] for line in data_lines] == ["42", "-1"]
    assert data_lines[1].startswith("00000004:  ffffffff")


# ------------------------------------------------------------------ run

def test_run_json_gives_the_hand_computed_state(capsys, tmp_path):
    src = write(tmp_path, "loop.s", LOOP)
    rc, out, err = run_cli(capsys, "run", src, "--json")
    assert rc == 0, err
    state = json.loads(out)
    assert state["x"][1:5] == [0, -7, -14, -458752]
    assert not any(state["x"][5:]) and state["x"][0] == 0
    assert state["pc"] == 24
    assert state["halted"] is True and state["trapped"] is False and state["trap"] is None
    assert state["counters"]["instret"] == LOOP_RETIRED
    assert state["counters"]["branches"] == 3
    assert state["counters"]["mispred"] == 2
    assert state["csr"]["instret"] == LOOP_RETIRED
    assert state["config"]["name"] == "default"


def test_run_with_a_config_and_param_override(capsys, tmp_path):
    src = write(tmp_path, "loop.s", LOOP)
    rc, out, err = run_cli(capsys, "run", src, "--config", "tiny", "--param", "SREGS=16", "--json")
    assert rc == 0, err
    state = json.loads(out)
    assert state["config"]["params"]["SREGS"] == 16 and state["config"]["params"]["D"] == 1
    assert len(state["x"]) == 16
    assert state["x"][3] == -14


def test_run_reports_a_trap_by_name(capsys, tmp_path):
    src = write(tmp_path, "trap.s", "addi x1, x0, 1\nlw x3, 2(x0)\nhalt\n")
    rc, out, err = run_cli(capsys, "run", src, "--json")
    assert rc == 0, err
    state = json.loads(out)
    # lw at pc 4 reads byte address 2: misaligned; mtvec is 0, so the core stops there.
    assert state["trapped"] is True
    assert state["trap"] == {"cause": "load_misaligned", "mcause": 3, "mepc": 4, "mtval": 2}
    assert state["counters"]["instret"] == 1
    rc, out, _ = run_cli(capsys, "run", src)
    assert "trapped: load_misaligned" in out and "mepc 0x00000004" in out


def test_run_text_output_shows_registers_boxes_and_csrs(capsys, tmp_path):
    src = write(tmp_path, "st.s", "li x5, fx(1.5)\naddi x6, x0, 1\nbsethi b2, x5, x6\nhalt\n")
    rc, out, err = run_cli(capsys, "run", src)
    assert rc == 0, err
    assert re.search(r"^pc\s+0x00000010$", out, re.M)
    assert re.search(r"^status\s+halted$", out, re.M)
    assert re.search(r"^\s+x5\s+0x00018000\s+98304\s+1\.5$", out, re.M)
    assert re.search(r"^\s+b2\s+lo \[0(, 0)*\]\s+hi \[0, 1\.5(, 0)*\]$", out, re.M)
    assert re.search(r"^\s+instret\s+0x00000005\s", out, re.M)  # li is two words
    assert not re.search(r"^\s+x7\s", out, re.M)  # zero registers are not listed


def test_run_trace_prints_one_line_per_retired_instruction(capsys, tmp_path):
    src = write(tmp_path, "loop.s", LOOP)
    rc, out, err = run_cli(capsys, "run", src, "--trace")
    assert rc == 0, err
    trace = [line for line in out.splitlines() if re.match(r"^\s*\d+\s+[0-9a-f]{8}\s+[0-9a-f]{8}\s", line)]
    assert len(trace) == LOOP_RETIRED
    assert [int(t.split()[0]) for t in trace] == list(range(LOOP_RETIRED))
    branches = [t for t in trace if " bne " in t]
    assert len(branches) == 3
    assert "predicted not-taken, taken (MISPREDICTED)" in branches[0]
    assert "predicted taken, taken (ok)" in branches[1]
    assert "predicted taken, not-taken (MISPREDICTED)" in branches[2]
    assert "x3 <- 0xfffffff2 (-14" in trace[8]
    assert trace[10].endswith("halted")


def test_run_trace_shows_a_trap(capsys, tmp_path):
    src = write(tmp_path, "trap.s", "lw x3, 0x100(x0)\nsw x3, 1(x0)\nhalt\n")
    rc, out, _ = run_cli(capsys, "run", src, "--trace", "--param", "DMEM_WORDS=64")
    assert rc == 0
    first = out.splitlines()[0]
    # 0x100 = word 64: just past a 64-word data memory.
    assert "lw x3, 256(x0)" in first and "TRAP load_fault mtval=0x00000100" in first


def test_run_accepts_a_hex_image(capsys, tmp_path):
    src = write(tmp_path, "loop.s", LOOP)
    assert run_cli(capsys, "asm", src, "-o", tmp_path / "loop.hex")[0] == 0
    rc, out, err = run_cli(capsys, "run", tmp_path / "loop.hex", "--json")
    assert rc == 0, err
    assert json.loads(out)["x"][3] == -14


# ------------------------------------------------------------------ user errors

ERROR_CASES = {
    "missing file": ({}, ["run", "{tmp}/nosuch.s"], "nosuch.s"),
    "missing hex": ({}, ["disasm", "{tmp}/nosuch.hex"], "nosuch.hex"),
    "asm error": ({"bad.s": "addi x1, x0, 1\nfrobnicate x1\n"}, ["run", "{tmp}/bad.s"], "bad.s:2:"),
    "asm error (asm)": ({"bad.s": "\n\nadd x1, x2\n"}, ["asm", "{tmp}/bad.s"], "bad.s:3:"),
    "illegal parameter": ({"ok.s": "halt\n"}, ["run", "{tmp}/ok.s", "--param", "D=0"], "D=0"),
    "LANES must divide D": ({"ok.s": "halt\n"}, ["run", "{tmp}/ok.s", "--param", "LANES=3"], "LANES=3"),
    "malformed parameter": ({"ok.s": "halt\n"}, ["run", "{tmp}/ok.s", "--param", "D"], "--param 'D'"),
    "unknown config": ({"ok.s": "halt\n"}, ["run", "{tmp}/ok.s", "--config", "huge"], "'huge'"),
    "hex error": ({"bad.hex": "00000073\nnot hex\n"}, ["run", "{tmp}/bad.hex"], "bad.hex:2:"),
    "hex error (disasm)": ({"bad.hex": "0000007\n"}, ["disasm", "{tmp}/bad.hex"], "bad.hex:1:"),
    "step limit": ({"spin.s": "top: j top\n"}, ["run", "{tmp}/spin.s", "--max-steps", "50"], "50"),
    "program too big": ({"big.s": "nop\n" * 65 + "halt\n"}, ["run", "{tmp}/big.s", "--config", "tiny"],
                        "IMEM_WORDS"),
    "unwritable output": ({"ok.s": "halt\n"}, ["asm", "{tmp}/ok.s", "-o", "{tmp}/no/such/dir/ok.hex"],
                          "ok.hex"),
}


@pytest.mark.parametrize("case", ERROR_CASES, ids=list(ERROR_CASES))
def test_user_errors_are_one_line_without_traceback(capsys, tmp_path, case):
    files, argv, needle = ERROR_CASES[case]
    for name, text in files.items():
        write(tmp_path, name, text)
    rc, out, err = run_cli(capsys, *(a.format(tmp=tmp_path) for a in argv))
    assert rc != 0
    assert "Traceback" not in out + err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("lpu: error: ")
    assert needle in err


def test_usage_errors_exit_non_zero(capsys):
    assert main(["run"]) != 0
    assert main(["no-such-command"]) != 0
    assert main(["isa"]) != 0
    assert "Traceback" not in capsys.readouterr().err


def test_help_lists_the_commands(capsys):
    rc, out, _ = run_cli(capsys, "--help")
    assert rc == 0
    for cmd in ("isa", "asm", "disasm", "run", "regress"):
        assert re.search(rf"^\s+{cmd}\s", out, re.M)


# ------------------------------------------------------------------ regress smoke

def test_regress_smoke_passes_on_the_spec_and_a_halting_program(capsys, tmp_path):
    write(tmp_path, "loop.s", LOOP)
    rc, out, _ = run_cli(capsys, "regress", "smoke", "--examples", tmp_path, "--no-rtl")
    assert rc == 0, out
    n_examples = sum(len(i.examples) for i in load_spec().instructions.values())
    assert f"spec examples: {n_examples} passed, 0 failed" in out
    assert "example programs: 1 passed, 0 failed" in out
    assert "checked the golden model only" in out


@pytest.mark.parametrize("argv, message", [
    (["regress", "nightly", "--configs", "tiny,huge"], "--configs: unknown configuration 'huge'"),
    (["regress", "smoke", "-j", "0"], "-j: need at least 1 worker"),
    (["regress", "smoke", "--seeds", "-1"], "--seeds: need 0 or more"),
    (["regress", "smoke", "--param", "D=4"], "--param applies to the golden-model part alone"),
    (["regress"], "give a suite (smoke, nightly), `history`, or --rerun-failed RUN"),
])
def test_regress_usage_errors_are_one_line(capsys, tmp_path, argv, message):
    rc, out, err = run_cli(capsys, *argv, "--out", tmp_path / "o")
    assert rc != 0
    assert message in err and "Traceback" not in err


def test_regress_history_and_rerun_need_a_database(capsys, tmp_path):
    rc, _, err = run_cli(capsys, "regress", "history", "--out", tmp_path)
    assert rc == 1 and "no results database" in err
    rc, _, err = run_cli(capsys, "regress", "--rerun-failed", "3", "--out", tmp_path)
    assert rc == 1 and "no results database" in err


@pytest.mark.rtl
def test_regress_smoke_runs_the_rtl_part(capsys, tmp_path):
    rc, out, _ = run_cli(capsys, "regress", "smoke", "--seeds", "2", "--out", tmp_path / "out")
    assert rc == 0, out
    # the golden-model job, then per configuration the directed job, two random seeds, the compiled job
    assert "run 1 passed: 9 tests" in out
    db = ResultsDB(tmp_path / "out" / "results.sqlite")
    tests = {(r["config"], r["test"], r["seed"]) for r in db.results(1) if r["status"] == "passed"}
    db.close()
    for name in ("tiny", "default"):
        assert {(name, "directed/all", None), (name, "random", 1), (name, "random", 2), (name, "compiled", 1)} <= tests


def test_regress_smoke_fails_on_a_trapping_or_endless_program(capsys, tmp_path):
    write(tmp_path, "a_ok.s", LOOP)
    write(tmp_path, "b_trap.s", "lw x1, 1(x0)\nhalt\n")
    write(tmp_path, "c_spin.s", "top: j top\n")
    rc, out, _ = run_cli(capsys, "regress", "smoke", "--examples", tmp_path, "--max-steps", "1000", "--no-rtl")
    assert rc != 0
    assert "example programs: 1 passed, 2 failed" in out
    assert re.search(r"b_trap\.s: trapped: load_misaligned", out)
    assert re.search(r"c_spin\.s: StepLimitExceeded", out)


def test_sim_with_rtl_of_other_parameters_is_a_located_error(capsys, tmp_path):
    from isa_spec import make_config
    from verif.build import ensure_rtl

    tiny_rtl = ensure_rtl(make_config(load_spec(), "tiny"))
    rc, out, err = run_cli(capsys, "sim", "--random", "--config", "default", "--rtl", tiny_rtl, "--out", tmp_path)
    assert rc != 0 and "Traceback" not in err
    assert "manifest.json" in err and "generated for other parameters than default" in err
    assert "rvfi_bd_lo is 32 bits, default needs 256" in err   # D=1 vs D=8 words of 32 bits
