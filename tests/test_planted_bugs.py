"""Planted RTL bugs (verif/mutants.py) are caught by the testbench within the smoke budget:
the directed programs, then a few random programs, under the UVM testbench with `--rtl`."""

import re

import pytest

from isa_spec import load_spec, make_config
from verif.build import ensure_rtl
from verif.mutants import PLANTED
from verif.simulate import SimRequest, simulate

SPEC = load_spec()
RANDOM_SEEDS = 8
EXTRA_STALL = next(m for m in PLANTED if m.name == "extra_stall")


def smoke_catches(config, rtl_dir, tmp_path) -> str:
    """The first failure text of the smoke budget ('' if everything passed)."""
    base = dict(config=config, config_name="default", overrides={}, rtl_dir=rtl_dir)
    res = simulate(SimRequest(test="directed", test_dir=tmp_path / "directed", **base))
    if not res.passed:
        return res.failure
    res = simulate(SimRequest(test="random", test_dir=tmp_path / "random", seed=1, count=RANDOM_SEEDS, **base))
    return res.failure


@pytest.mark.rtl
@pytest.mark.parametrize("mutant", PLANTED, ids=[m.name for m in PLANTED])
def test_planted_bug_is_caught(mutant, tmp_path):
    config = make_config(SPEC, "default")
    src = ensure_rtl(config) / "lpu_top.v"
    rtl = mutant.write(src, tmp_path / "rtl")
    assert (rtl / "lpu_top.v").read_text() != src.read_text()
    failure = smoke_catches(config, rtl, tmp_path)
    assert failure, f"planted bug '{mutant.name}' ({mutant.what}) survived the smoke budget"


# Cycles by hand (docs/pipeline.md; per instruction "Fs Fe E X W", cycle 0 the first after reset).
# The branch is predicted not taken (the reset counter) and falls through: no redirect.
STALL_PROGRAM = """
        addi x1, x0, 1      # pc 0:  0 0 2 2 3
        beq x1, x0, end     # pc 4:  1 1 3 3 4, not taken, predicted not taken
        addi x2, x0, 7      # pc 8:  2 2 4 4 5 (Fe = E(beq) - 1 = 2, E = X(beq) + 1)
end:    halt                # pc 12: 3 3 5 5 6
"""


@pytest.mark.rtl
def test_a_stall_is_caught_at_the_instruction_that_retires_late_and_by_nothing_else(tmp_path):
    config = make_config(SPEC, "default")
    asm = tmp_path / "stall.s"
    asm.write_text(STALL_PROGRAM)
    base = dict(config=config, config_name="default", overrides={}, test="asm", asm=asm)
    good = simulate(SimRequest(test_dir=tmp_path / "good", **base))
    assert good.passed, good.failure
    rtl = EXTRA_STALL.write(ensure_rtl(config) / "lpu_top.v", tmp_path / "rtl")
    bad = simulate(SimRequest(test_dir=tmp_path / "bad", rtl_dir=rtl, **base))
    # the instruction after the branch waits in ID while the branch is in EX: it retires in 6, not 5
    lines = bad.failure.splitlines()
    start = next(i for i, ln in enumerate(lines) if "retirement mismatch" in ln)
    assert re.match(r"\s+instruction:\s+2 pc 0x0008 .* addi x2, x0, 7$", lines[start + 1]), bad.failure
    assert lines[start + 2].strip() == "cycle: model 5, rtl 6 (the RTL retires 1 cycle late)", bad.failure
    assert lines[start + 3].strip().startswith("last "), "another field differs too:\n" + bad.failure
