"""The functional coverage model (verif/coverage.py) and the closure loop (verif/closure.py)."""

import numpy as np
import pytest

from golden_model import Iss, RetireRecord
from golden_model.decode import Decoder
from isa_spec import load_spec, make_config
from isa_spec.assembler import assemble
from verif.closure import compare, run_closure, run_program
from verif.coverage import CoverageModel, PreState, merge, pre_state
from verif.generator import Knobs, generate

SPEC = load_spec()
DEFAULT = make_config(SPEC, "default")
Q = 1 << 16


def record(order: int, asm: str, config=DEFAULT, boxes=None, **kw) -> tuple[RetireRecord, PreState]:
    """A hand-built retirement of one assembled instruction, and its PreState."""
    word = assemble(asm, spec=SPEC).text[0]
    dec = Decoder(SPEC, config).decode(word)
    pre = PreState(4 * order, dec.ins.name if dec else None, dec.ops if dec else {}, boxes or {})
    return RetireRecord(order, 4 * order, word, pre.name if "trap" not in kw else None, 4 * order + 4, **kw), pre


def hits(model: CoverageModel, name: str) -> int:
    return int(model.hits[model.index[name]])


def box(lo, hi):
    return np.array([int(v * Q) for v in lo]), np.array([int(v * Q) for v in hi])


def test_scalar_hazard_distance():
    m = CoverageModel(SPEC, DEFAULT)
    for r, pre in (record(0, "addi x1, x0, 5", x_write=(1, 5)),
                   record(1, "lui x2, 1", x_write=(2, 4096)),
                   record(2, "lui x3, 1", x_write=(3, 4096)),
                   record(3, "add x4, x1, x0", x_write=(4, 5)),      # x1 written 2 instructions earlier
                   record(4, "sub x5, x4, x1", x_write=(5, 0)),      # x4 back to back
                   record(5, "xor x6, x9, x0", x_write=(6, 0))):     # x9 never written
        m.sample(r, pre)
    assert hits(m, "hazard/add/2") == 1 and hits(m, "hazard/sub/0") == 1 and hits(m, "hazard/xor/none") == 1
    assert sum(hits(m, f"hazard/add/{d}") for d in ("0", "1", "3", "4", "none")) == 0
    assert hits(m, "hazard_kind/x/2") == 1 and hits(m, "hazard_kind/x/0") == 1
    assert hits(m, "instr/add") == 1 and hits(m, "field/add/rs2/x0") == 1 and hits(m, "field/add/rd/x1-7") == 1
    assert hits(m, "field/xor/rs1/x8+") == 1
    assert hits(m, "field/addi/imm/positive") == 1 and hits(m, "field/lui/uimm/positive") == 2
    assert "hazard/lui/none" not in m.index  # lui reads no register: no hazard bins


def test_immediate_corners():
    m = CoverageModel(SPEC, DEFAULT)
    for i, asm in enumerate(("addi x1, x1, -2048", "addi x1, x1, 2047", "addi x1, x1, 0", "addi x1, x1, -7",
                             "srli x1, x1, 31", "srli x1, x1, 0", "lui x1, 0xfffff")):
        m.sample(*record(i, asm, x_write=(1, 0)))
    for cls in ("min", "max", "zero", "negative"):
        assert hits(m, f"field/addi/imm/{cls}") == 1
    assert hits(m, "field/addi/imm/positive") == 0
    assert hits(m, "field/srli/shamt/max") == 1 and hits(m, "field/srli/shamt/zero") == 1
    assert hits(m, "field/lui/uimm/max") == 1
    assert "field/srli/shamt/negative" not in m.index  # unsigned: no negative class


def test_box_classes_and_box_hazard():
    m = CoverageModel(SPEC, make_config(SPEC, "tiny"))
    tiny = m.config
    unit = box([0.0], [1.0])
    m.sample(*record(0, "lbx b1, 0(x0)", tiny, b_write=(1, (0,), (Q,))))
    m.sample(*record(1, "bint b0, b1, b1", tiny, boxes={"ba": unit, "bb": unit}, b_write=(0, (0,), (Q,))))
    assert hits(m, "hazard/bint/0") == 1 and hits(m, "hazard_kind/b/0") == 1
    assert hits(m, "box/bint/identical") == 1 and hits(m, "box/bint/plain") == 1
    cases = [("bhint b0, b0, b1", {"ba": unit, "bb": box([2.0], [3.0])}, ["disjoint", "plain"]),
             ("blcp x1, b0, b1", {"ba": unit, "bb": box([0.25], [0.5])}, ["nested"]),
             ("bgecp b0, b1, x1, 2", {"ba": unit, "bb": box([0.5], [1.5])}, ["overlap"]),
             ("blvol x1, b0", {"ba": box([3.0], [1.0])}, ["inverted"]),
             ("blvol x1, b1", {"ba": box([-32767.0], [2.0])}, ["extreme"]),
             ("bint b0, b0, b1", {"ba": box([1.0], [1.0]), "bb": unit}, ["degenerate", "nested"])]
    for i, (asm, boxes, classes) in enumerate(cases, start=2):
        name = asm.split()[0]
        before = {c: hits(m, f"box/{name}/{c}") for c in classes}
        m.sample(*record(i, asm, tiny, boxes=boxes))
        for c in classes:
            assert hits(m, f"box/{name}/{c}") == before[c] + 1, (asm, c)
    assert "box/blvol/disjoint" not in m.index  # one box: properties only


def test_predictor_and_branch_bins():
    m = CoverageModel(SPEC, DEFAULT)
    m.sample(*record(0, "beq x1, x2, 4", branch=(False, True, 1)))
    m.sample(*record(1, "bne x1, x2, 4", branch=(True, True, 3)))
    assert hits(m, "pred/counter1/taken/mispredicted") == 1 and hits(m, "branch/beq/taken") == 1
    assert hits(m, "pred/counter3/taken/predicted") == 1 and hits(m, "branch/bne/taken") == 1
    excluded = dict(m.excluded())
    assert "pred/counter1/taken/predicted" in excluded and "pred/counter3/taken/mispredicted" in excluded
    assert sum(n.startswith("pred/") for n, _ in m.bins()) == 8


def test_trap_bins_and_illegal_kinds():
    tiny = make_config(SPEC, "tiny")
    m = CoverageModel(SPEC, tiny)
    code = SPEC.traps["illegal_instruction"].code
    m.sample(*record(0, ".word 0xffffffff", tiny, trap=code, tval=0xFFFFFFFF))
    m.sample(*record(1, "add x1, x2, x20", tiny, trap=code))    # x20 is beyond SREGS = 8
    r, pre = record(2, "csrr x1, 0x123", tiny, trap=code)        # decodes, CSR unknown
    m.sample(r, pre)
    m.sample(*record(3, "lw x1, 1(x0)", tiny, trap=SPEC.traps["load_misaligned"].code))
    assert hits(m, "trap/illegal_instruction") == 3
    for kind in ("no_match", "reg_beyond_file", "in_execute"):
        assert hits(m, f"trap/illegal_instruction/{kind}") == 1
    assert hits(m, "trap/load_misaligned") == 1 and hits(m, "instr/lw") == 0  # a trap does not retire


def test_config_dependent_exclusions():
    tiny, default, wide = (CoverageModel(SPEC, make_config(SPEC, c)) for c in ("tiny", "default", "wide"))
    assert "field/add/rd/x8+" in dict(tiny.excluded()) and "field/add/rd/x8+" not in dict(default.excluded())
    assert "field/bint/bd/b8+" in dict(default.excluded()) and "field/bint/bd/b8+" not in dict(wide.excluded())
    for m in (tiny, default, wide):
        ex = dict(m.excluded())
        assert "field/csrr/csr/cycle" in ex and "field/csrw/csr/instret" in ex and "field/jal/joff/zero" in ex
        assert not set(ex) & set(m.holes())
        assert m.total == len(m.names) - len(ex)
    assert tiny.total < default.total < wide.total
    narrow = CoverageModel(SPEC, make_config(SPEC, "tiny", {"D": 64, "LANES": 1}))  # 2 * D > DMEM_WORDS
    assert "instr/lbx" in dict(narrow.excluded()) and "hazard/sbx/0" in dict(narrow.excluded())
    assert "instr/lbx" not in dict(tiny.excluded())
    print(f"\nbins possible/defined: tiny {tiny.total}/{len(tiny.names)}, default {default.total}/"
          f"{len(default.names)}, wide {wide.total}/{len(wide.names)}")


def test_pre_state_from_the_iss():
    prog = assemble("lbx b1, 0(x0)\nbint b0, b1, b1\nhalt\n.data\n.fx 0.5, 2.0\n", spec=SPEC)
    tiny = make_config(SPEC, "tiny")
    iss = Iss(tiny, SPEC)
    iss.load_program(prog.text, prog.data)
    assert pre_state(iss).name == "lbx" and pre_state(iss).boxes == {}
    iss.step()
    pre = pre_state(iss)
    assert pre.name == "bint" and pre.ops["ba"] == 1
    assert pre.boxes["ba"][0].tolist() == [Q // 2] and pre.boxes["bb"][1].tolist() == [2 * Q]


def _program_models(config, n):
    out = []
    for seed in range(n):
        m = CoverageModel(SPEC, config)
        run_program(SPEC, config, generate(SPEC, config, seed, Knobs.uniform(SPEC)), m, stop_at_full=False)
        out.append(m)
    return out


def test_holes_shrink_monotonically_when_merging():
    models = _program_models(DEFAULT, 6)
    total = models[0]
    for m in models[1:]:
        merged = merge(total, m)
        assert set(merged.holes()) <= set(total.holes()) and set(merged.holes()) <= set(m.holes())
        assert merged.percent() >= max(total.percent(), m.percent())
        assert (merged.hits == total.hits + m.hits).all()
        total = merged
    assert total.percent() > models[0].percent()


def test_json_round_trip_and_merge_errors():
    m = _program_models(make_config(SPEC, "tiny"), 1)[0]
    again = CoverageModel.from_json(m.to_json(), SPEC)
    assert again.names == m.names and (again.hits == m.hits).all()
    assert again.percent() == m.percent() and again.holes() == m.holes() and again.bins() == m.bins()
    assert (merge(m, again).hits == 2 * m.hits).all()
    with pytest.raises(ValueError, match="cannot merge"):
        merge(m, CoverageModel(SPEC, DEFAULT))
    with pytest.raises(ValueError, match="format"):
        CoverageModel.from_json('{"hits": {}}', SPEC)


def test_closure_curve_is_monotone():
    r = run_closure(SPEC, make_config(SPEC, "tiny"), "random", 3, 3000)
    xs, ys = zip(*r.curve, strict=True)
    assert list(xs) == sorted(xs) and list(ys) == sorted(ys) and r.retired >= 3000


@pytest.mark.parametrize("seed", [0, 1])
def test_driven_closure_beats_random(seed, record_property):
    budget = 60_000
    driven, rand, ratio = compare(SPEC, DEFAULT, seed, budget)
    assert driven.retired_to_full is not None and driven.retired_to_full <= budget, driven.holes
    assert driven.model.holes() == [] and driven.percent == 100.0
    reached = rand.retired_to_full if rand.retired_to_full is not None else f">{rand.retired}"
    print(f"\nseed {seed}: driven 100 % after {driven.retired_to_full} retired ({driven.programs} programs), "
          f"random {reached} ({rand.programs} programs, {rand.percent:.1f} %): ratio {ratio:.2f}")
    record_property("closure_ratio", ratio)
    assert ratio > 1
