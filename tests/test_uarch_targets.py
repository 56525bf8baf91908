"""Closure of the pipeline's bins: every pipeline hole becomes a target whose program runs
on the golden model to its halt with its wrong path never executed, the wrong-path items
put the class a flush bin names in the slot it names, and on the RTL one coverage-driven
job closes every bin (architectural and pipeline) of default."""

from __future__ import annotations

import random

import pytest

from golden_model import Iss
from golden_model.decode import Decoder
from isa_spec import load_spec, make_config
from isa_spec.timing import timing_table
from verif.coverage import CoverageModel
from verif.generator import Knobs, generate_targeted
from verif.targets import Planner
from verif.uarch_targets import uarch_targets

SPEC = load_spec()
MW = timing_table(SPEC, make_config(SPEC, "default")).resolve_in_mw
STEP_LIMIT = 200_000


def _run(config, prog) -> set[int]:
    """The pcs the golden model retires or traps at, to its halt."""
    iss = Iss(config, SPEC)
    iss.load_program(prog.text, prog.data)
    pcs = set()
    for _ in range(STEP_LIMIT):
        if iss.state.halted:
            return pcs
        pcs.add(iss.step().pc)
    raise AssertionError(f"seed {prog.seed}: no halt")


def _targets(config, holes, rng):
    base = Knobs.uniform(SPEC)
    planner = Planner(CoverageModel(SPEC, config, uarch=True), base)
    pipe, closing = uarch_targets(SPEC, config, holes, base, rng, planner._loop)
    return base, pipe + closing


@pytest.mark.parametrize("name", ["tiny", "default"])
def test_every_pipeline_hole_gives_a_program_that_halts_without_running_its_wrong_path(name):
    config = make_config(SPEC, name)
    holes = [h for h in CoverageModel(SPEC, config, uarch=True).holes() if h.startswith("uarch/")]
    for i in range(0, len(holes), 3):   # three holes per program, every hole once
        rng = random.Random(i)
        base, targets = _targets(config, holes[i:i + 3], rng)
        assert targets, holes[i:i + 3]
        prog = generate_targeted(SPEC, config, i, targets, base)
        ran = _run(config, prog)
        assert not ran & set(prog.wrong_path), f"{holes[i:i + 3]}: a wrong-path instruction ran"


def test_a_flush_item_puts_the_class_it_names_in_the_slot_it_names():
    config = make_config(SPEC, "default")
    dec = Decoder(SPEC, config)
    classes = sorted({i.iclass for i in SPEC.instructions.values()})
    for k, (src, slot, cls) in enumerate((s, t, c) for s in ("ex", "mw") for t in ("id", "if") for c in classes):
        hole = f"uarch/flush/{src}/{slot}/{cls}"
        base, targets = _targets(config, [hole], random.Random(k))
        prog = generate_targeted(SPEC, config, k, targets, base)
        shadow = sorted(prog.wrong_path)
        assert shadow, hole
        pc = shadow[0] + (4 if slot == "if" else 0)      # ID holds the first word behind the branch
        d = dec.decode(prog.text[pc // 4])
        assert d is not None and d.ins.iclass == cls, f"{hole}: {d and d.ins.name} at pc {pc:#x}"
        branch = dec.decode(prog.text[shadow[0] // 4 - 1])
        assert branch.ins.conditional and (branch.ins.name in MW) == (src == "mw"), hole


@pytest.mark.rtl
def test_one_coverage_driven_job_closes_every_bin_of_default_on_the_rtl(tmp_path):
    from regress.suites import CDG_PROGRAMS
    from verif.simulate import SimRequest, simulate

    config = make_config(SPEC, "default")
    res = simulate(SimRequest(config=config, config_name="default", overrides={}, test="cdg", seed=1,
                              count=CDG_PROGRAMS, test_dir=tmp_path / "cdg"))
    assert res.passed, res.failure
    model = CoverageModel.from_json((tmp_path / "cdg" / "functional_coverage.json").read_text(), SPEC)
    assert model.uarch and model.holes() == []
