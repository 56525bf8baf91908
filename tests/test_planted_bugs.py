"""Planted RTL bugs (verif/mutants.py) are caught by the testbench within the smoke budget:
the directed programs, then a few random programs, under the UVM testbench with `--rtl`."""

import pytest

from isa_spec import load_spec, make_config
from verif.build import ensure_rtl
from verif.mutants import PLANTED
from verif.simulate import SimRequest, simulate

SPEC = load_spec()
RANDOM_SEEDS = 8


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
