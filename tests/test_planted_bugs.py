"""Planted RTL bugs (verif/mutants.py, verif/mutants_pipeline.py) are caught by the testbench
within the smoke budget: the directed programs, then a few random programs, under the UVM
testbench with `--rtl`; and the report names the right first wrong retirement."""

import hashlib
import os
import re
from pathlib import Path

import pytest

from isa_spec import load_spec, make_config
from verif.build import ensure_rtl
from verif.mutants import PLANTED
from verif.planted_schemata import planted_schemata, plusarg
from verif.simulate import SimRequest, simulate

SPEC = load_spec()
RANDOM_SEEDS = 8
BY_NAME = {m.name: m for m in PLANTED}
EXTRA_STALL = BY_NAME["extra_stall"]

# What each pipeline bug's report shows (docs/mutation.md): the first wrong retirement's
# instruction (a regex on its disassembly) and a field that differs there, or the final-state
# line. A report of another kind (e.g. only a cycle where a value should differ) fails the test.
INSN = r"instruction:\s+\d+ pc 0x[0-9a-f]+\s+[0-9a-f]{8}\s+"
REPORTS = {
    # a memory op right after a late producer of its operand: the stale value is stored
    "late_use_mem_consumer": INSN + r"(sw|lw|lbx|sbx) .*\n(  .*\n)*  mem_writes: model",
    # the instruction waiting in ID for lw's word gets the EX/MW register's 0 instead: the
    # value it writes (x_write), or stores (mem_writes: examples/mem_port.s stores it)
    "bypass_wrong_source": INSN + r".*\n(  .*\n)*  (x_write|mem_writes): model \(\(?\d+, -?\d+\)",
    # a register written again during a bubble: a wrong register value, seen when it is
    # stored (mem_port.s) or in the final state
    "rf_we_held": r"final state differs: x\d+: model|" + INSN + r".*\n(  .*\n)*  mem_writes: model",
    # the wrong-path instruction behind a bgecp retires: the PC differs, right after bgecp
    "wrong_path_after_gecp": INSN + r".*\n  pc: model \d+, rtl \d+\n(.*\n)*\s+\d+ pc 0x[0-9a-f]+\s+[0-9a-f]{8}\s+bgecp ",
    # the wrong-path illegal word traps: the RTL's record is a trap where the model has none,
    # or (the zero word behind a program's halt) a retirement after the model halted
    "wrong_path_trap": INSN + r".*\n(  .*\n)*  trap: model None, rtl 1\n|the RTL retired pc 0x[0-9a-f]+ after the "
                       r"model halted",
    # the lbx/sbx held in ID executes instead of the handler's first instruction
    "flush_dropped_stalled": INSN + r"csrr x3, mepc\n  pc: model \d+, rtl \d+\n(  .*\n)*  b_write: model None",
    # a consumer of blcp's result reads it a cycle early: a wrong value, one cycle early
    "box_result_not_interlocked": INSN + r".*\n(  .*\n)*  (mem_writes|x_write): model (.*\n)*"
                                  r"  cycle: model (\d+), rtl \d+ \(the RTL retires 1 cycle early\)",
    "instret_counts_flushed": r"final state differs: csr instret: model",
    # only the cycle differs (the timing check alone sees it), one cycle late
    "mispredict_penalty_plus1": INSN + r".*\n  cycle: model \d+, rtl \d+ \(the RTL retires 1 cycle late\)\n  last ",
}

def _session_dir(tmp_path_factory) -> Path:
    """This session's temporary directory, the same for every pytest-xdist worker (the
    workers' own directories are its popen-gwN subdirectories)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="module")
def mutant_rtl(tmp_path_factory):
    """(RTL tree, plusargs) of a planted bug: every bug in one model (verif/planted_schemata.py,
    one Verilator build for all of them), the bug chosen by its plusarg. The tree is one per
    session, shared by the xdist workers: verif.build keys a build by its RTL directory, so a
    directory per worker would build the same model once per worker."""
    config = make_config(SPEC, "default")
    src = (ensure_rtl(config) / "lpu_top.v").read_text()
    text = planted_schemata(src, PLANTED)
    rtl = _session_dir(tmp_path_factory) / f"planted_{hashlib.sha256(text.encode()).hexdigest()[:12]}" / "rtl"
    rtl.mkdir(parents=True, exist_ok=True)
    if not (rtl / "lpu_top.v").exists():
        # written whole, then linked into place: another worker never reads half a file, and
        # a tree already in place (perhaps being built from) is not rewritten
        tmp = rtl / f".lpu_top.v.{os.getpid()}"
        tmp.write_text(text)
        try:
            os.link(tmp, rtl / "lpu_top.v")
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    assert (rtl / "lpu_top.v").read_text() == text

    def get(mutant):
        assert mutant.changed_lines(src), mutant.name
        return rtl, (plusarg(PLANTED.index(mutant)),)
    return get


def smoke_catches(config, rtl_dir, tmp_path, plusargs: tuple[str, ...] = ()) -> str:
    """The first failure text of the smoke budget ('' if everything passed)."""
    base = dict(config=config, config_name="default", overrides={}, rtl_dir=rtl_dir, plusargs=plusargs)
    res = simulate(SimRequest(test="directed", test_dir=tmp_path / "directed", **base))
    if not res.passed:
        return res.failure
    res = simulate(SimRequest(test="random", test_dir=tmp_path / "random", seed=1, count=RANDOM_SEEDS, **base))
    return res.failure


@pytest.mark.rtl
@pytest.mark.parametrize("mutant", PLANTED, ids=[m.name for m in PLANTED])
def test_planted_bug_is_caught(mutant, mutant_rtl, tmp_path):
    config = make_config(SPEC, "default")
    rtl, plusargs = mutant_rtl(mutant)
    failure = smoke_catches(config, rtl, tmp_path, plusargs)
    assert failure, f"planted bug '{mutant.name}' ({mutant.what}) survived the smoke budget"
    if mutant.name in REPORTS:
        assert re.search(REPORTS[mutant.name], failure), \
            f"planted bug '{mutant.name}': the report does not name it as expected:\n{failure}"


def test_every_pipeline_bug_has_an_expected_report():
    from verif.mutants_pipeline import PIPELINE

    assert len(PIPELINE) >= 8
    assert {m.name for m in PIPELINE} == set(REPORTS)


def _run(tmp_path, name, program, mutated=(None, ())):
    """`program` on default's RTL, or on a planted bug's (`mutant_rtl(bug)`: tree, plusargs)."""
    config = make_config(SPEC, "default")
    asm = tmp_path / f"{name}.s"
    asm.write_text(program)
    rtl, plusargs = mutated
    return simulate(SimRequest(config=config, config_name="default", overrides={}, test="asm", asm=asm,
                               test_dir=tmp_path / name, rtl_dir=rtl, plusargs=plusargs))


def _report(failure: str) -> list[str]:
    lines = failure.splitlines()
    start = next(i for i, ln in enumerate(lines) if "retirement mismatch" in ln)
    return [ln.strip() for ln in lines[start + 1:]]


# Cycles by hand (docs/pipeline.md; per instruction "Fs Fe E X W", cycle 0 the first after reset).
# The branch is predicted not taken (the reset counter) and falls through: no redirect.
STALL_PROGRAM = """
        addi x1, x0, 1      # pc 0:  0 0 2 2 3
        beq x1, x0, end     # pc 4:  1 1 3 3 4, not taken, predicted not taken
        addi x2, x0, 7      # pc 8:  2 2 4 4 5 (Fe = E(beq) - 1 = 2, E = X(beq) + 1)
end:    halt                # pc 12: 3 3 5 5 6
"""


@pytest.mark.rtl
def test_a_stall_is_caught_at_the_instruction_that_retires_late_and_by_nothing_else(mutant_rtl, tmp_path):
    good = _run(tmp_path, "good", STALL_PROGRAM)
    assert good.passed, good.failure
    bad = _run(tmp_path, "bad", STALL_PROGRAM, mutant_rtl(EXTRA_STALL))
    # the instruction after the branch waits in ID while the branch is in EX: it retires in 6, not 5
    rep = _report(bad.failure)
    assert re.match(r"instruction:\s+2 pc 0x0008 .* addi x2, x0, 7$", rep[0]), bad.failure
    assert rep[1] == "cycle: model 5, rtl 6 (the RTL retires 1 cycle late)", bad.failure
    assert rep[2].startswith("last "), "another field differs too:\n" + bad.failure


# The branch is taken, predicted not taken: it redirects from EX in its cycle X = 3 (rule 5:
# Fs(halt) = 3 + 1 + mispredict_penalty - fetch_to_ex = 4, so E 6, W 7).
MISPREDICT_PROGRAM = """
        addi x1, x0, 1      # pc 0:  0 0 2 2 3
        bne x1, x0, end     # pc 4:  1 1 3 3 4, taken, predicted not taken: redirect in 3
        addi x2, x0, 7      # pc 8:  wrong path, flushed
end:    halt                # pc 12: 4 4 6 6 7
"""


@pytest.mark.rtl
def test_a_penalty_one_cycle_long_is_caught_at_the_branch_target_by_the_cycle_alone(mutant_rtl, tmp_path):
    good = _run(tmp_path, "good", MISPREDICT_PROGRAM)
    assert good.passed, good.failure
    bad = _run(tmp_path, "bad", MISPREDICT_PROGRAM, mutant_rtl(BY_NAME["mispredict_penalty_plus1"]))
    rep = _report(bad.failure)
    assert re.match(r"instruction:\s+2 pc 0x000c .* halt$", rep[0]), bad.failure
    assert rep[1] == "cycle: model 7, rtl 8 (the RTL retires 1 cycle late)", bad.failure
    assert rep[2].startswith("last "), "another field differs too:\n" + bad.failure
