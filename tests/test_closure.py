"""Coverage-driven closure (verif/closure.py) and its hole fillers (verif/targets.py)."""

import random

import pytest

from isa_spec import load_spec, make_config
from verif.closure import driven_program, program_seed, run_closure, run_program
from verif.coverage import CoverageModel
from verif.generator import Knobs, generate, generate_targeted
from verif.targets import Planner, plan

SPEC = load_spec()
BASE = Knobs.uniform(SPEC)
PACKER = BASE.before_streams()   # the per-instruction packer alone: no hazard hole goes to a fan-out


def model_with_holes(config, holes):
    m = CoverageModel(SPEC, config)
    m.hits[:] = 1
    for h in holes:
        m.hits[m.index[h]] = 0
    m._recount()
    return m


@pytest.mark.parametrize("name", ["tiny", "default"])
def test_every_hole_is_filled_by_a_program_aimed_at_it(name):
    """For each bin of a fresh model, a targeted program planned for that bin alone hits
    it (three seeds at most: box values, loop patterns and hazards have random parts)."""
    config = make_config(SPEC, name)
    planner = Planner(CoverageModel(SPEC, config), BASE)
    missed, sizes = [], []
    for i, hole in enumerate(CoverageModel(SPEC, config).holes()):
        for s in range(3):
            m = CoverageModel(SPEC, config)
            prog = generate_targeted(SPEC, config, 1000 * i + s, planner.plan([hole], random.Random(s)), BASE)
            n, _ = run_program(SPEC, config, prog, m, stop_at_full=False)
            sizes.append(n)
            if m.hits[m.index[hole]]:
                break
        else:
            missed.append(hole)
    assert missed == []
    # a single-hole program is short: the trap handler set-up, the item and its set-ups, halt
    assert sum(sizes) / len(sizes) < 20


def test_compatible_holes_share_one_item():
    config = make_config(SPEC, "default")
    m = model_with_holes(config, ["hazard/add/3", "field/add/rs1/x0", "field/add/rs2/x8+", "field/add/rd/x0"])
    (t,) = plan(m, PACKER, random.Random(0))
    assert t.kind == "instr" and t.name == "add"
    assert max(t.knobs.hazard_weights, key=t.knobs.hazard_weights.get) == "3"
    assert sum(t.knobs.hazard_weights.values()) == 1 and sum(t.knobs.instr_weights.values()) == 1
    assert t.knobs.reg_pins["rs1"] == (0,) and t.knobs.reg_pins["rd"] == (0,)
    assert min(t.knobs.reg_pins["rs2"]) == 8 and max(t.knobs.reg_pins["rs2"]) == config["SREGS"] - 1


def test_incompatible_holes_get_separate_items():
    """A hazard needs a source other than x0; a zero base register makes the offset the
    address, so a negative offset cannot go with it."""
    config = make_config(SPEC, "default")
    m = model_with_holes(config, ["hazard/add/2", "field/add/rs1/x0", "field/add/rs2/x0",
                                  "field/lw/rs1/x0", "field/lw/imm/negative"])
    targets = plan(m, PACKER, random.Random(0))
    adds = [t.knobs for t in targets if t.name == "add"]
    lws = [t.knobs for t in targets if t.name == "lw"]
    assert len(adds) == 2 and len(lws) == 2
    assert not any(k.reg_pins.get("rs1") == k.reg_pins.get("rs2") == (0,) and k.hazard_weights["2"] for k in adds)
    assert not any(k.reg_pins.get("rs1") == (0,) and k.imm_class_weights["negative"] == 1 and
                   sum(k.imm_class_weights.values()) == 1 for k in lws)


@pytest.mark.parametrize("name", ["tiny", "default"])
def test_hazard_holes_of_several_instructions_share_one_fan_out(name):
    """Hazard holes at distances 0..4 of five different instructions (scalar, box reading
    an x index, a store, a branch) become one fan-out item, and its program hits all five:
    one producer read at distance d by the consumer in position d."""
    config = make_config(SPEC, name)
    holes = ["hazard/add/0", "hazard/bgetlo/1", "hazard/sw/2", "hazard/bne/3", "hazard/fexp/4"]
    (t,) = plan(model_with_holes(config, holes), BASE, random.Random(0))
    assert t.kind == "fan_out" and t.knobs.fan_out == ("add", "bgetlo", "sw", "bne", "fexp")
    m = CoverageModel(SPEC, config)
    run_program(SPEC, config, generate_targeted(SPEC, config, 3, [t], BASE), m, stop_at_full=False)
    assert all(m.hits[m.index[h]] for h in holes)
    box = ["hazard/bint/0", "hazard/bmov/1", "hazard/blvol/2", "hazard/bhint/4"]
    (t,) = plan(model_with_holes(config, box), BASE, random.Random(0))
    assert t.knobs.fan_file == "breg" and t.knobs.fan_out == ("bint", "bmov", "blvol", "", "bhint")
    m = CoverageModel(SPEC, config)
    run_program(SPEC, config, generate_targeted(SPEC, config, 3, [t], BASE), m, stop_at_full=False)
    assert all(m.hits[m.index[h]] for h in box)


def test_trap_and_predictor_holes_become_trap_and_loop_items():
    config = make_config(SPEC, "default")
    m = model_with_holes(config, ["trap/dim_fault", "trap/illegal_instruction/reg_beyond_file",
                                  "pred/counter3/taken/predicted"])
    targets = plan(m, BASE, random.Random(0))
    assert {(t.kind, t.name) for t in targets} == {("trap", "dim_fault"), ("trap", "illegal_instruction"),
                                                   ("loop", "")}
    assert [t.knobs.trap_mode for t in targets if t.name == "illegal_instruction"] == ["regidx"]
    loop = next(t.knobs for t in targets if t.kind == "loop")
    assert max(loop.pattern_weights, key=loop.pattern_weights.get) == "taken"


def test_driven_closes_tiny_within_a_budget_random_does_not_reach():
    config = make_config(SPEC, "tiny")
    for seed in (1, 2):
        driven = run_closure(SPEC, config, "driven", seed, 5000)
        rand = run_closure(SPEC, config, "random", seed, 5000)
        assert driven.retired_to_full is not None and driven.model.holes() == []
        assert rand.retired_to_full is None and rand.holes


def test_both_strategies_are_reproducible_and_share_their_first_program():
    config = make_config(SPEC, "tiny")
    a = run_closure(SPEC, config, "driven", 4, 3000)
    b = run_closure(SPEC, config, "driven", 4, 3000)
    assert a.curve == b.curve and (a.model.hits == b.model.hits).all()
    m = CoverageModel(SPEC, config)
    first = driven_program(SPEC, config, m, 4, 0, BASE)
    assert first.asm == generate(SPEC, config, program_seed(4, 0), BASE).asm
    run_program(SPEC, config, first, m)
    second = driven_program(SPEC, config, m, 4, 1, BASE)
    assert second.asm.startswith("# targeted") and second.asm == driven_program(SPEC, config, m, 4, 1, BASE).asm


def test_random_strategy_is_uniform_random():
    """The baseline is Knobs.uniform on the same program seeds, untouched by targeting."""
    config = make_config(SPEC, "tiny")
    r = run_closure(SPEC, config, "random", 5, 1500)
    m, retired = CoverageModel(SPEC, config), 0
    for i in range(r.programs):
        n, _ = run_program(SPEC, config, generate(SPEC, config, program_seed(5, i), BASE), m)
        retired += n
    assert retired == r.retired and (m.hits == r.model.hits).all()


RATIO = 10   # issue 15: the driven loop reaches 100 % at least 10x sooner than uniform random


@pytest.mark.parametrize("name", ["tiny", "default", "wide"])
def test_driven_closes_every_config_ten_times_sooner_than_random(name):
    """The driven loop reaches 100 % of the bins; uniform random (Knobs.uniform, streams
    included, the same program seeds) given ten times the driven loop's retired
    instructions is still short of it. That bounds the closure ratio of `compare` from
    below without running random to the end (its tail is long)."""
    config = make_config(SPEC, name)
    driven = run_closure(SPEC, config, "driven", 1, 20_000)
    assert driven.retired_to_full is not None and driven.holes == []
    rand = run_closure(SPEC, config, "random", 1, RATIO * driven.retired_to_full)
    assert rand.retired_to_full is None and rand.holes, (name, rand.retired)
