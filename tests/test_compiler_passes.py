"""Each compiler pass alone: IR in, IR out, the verifier between (compiler/passes/)."""

from __future__ import annotations

import numpy as np
import pytest

from compiler.backend import isel
from compiler.backend.timing import CostModel
from compiler.ir import ConceptBox, Function, OutputSlot, Type
from compiler.ir.builder import Builder
from compiler.ir.verifier import VerifyError, verify
from compiler.passes import cse, dce, layout, regalloc, schedule
from compiler.target import make_target

T = {"beta_i": 0.5, "beta_v": 0.5}


def _fn(D: int, names=("a", "b", "c")) -> tuple[Function, Builder]:
    fn = Function(D)
    for k, n in enumerate(names):
        fn.concepts[n] = ConceptBox(n, np.full(D, 0.1 * k), np.full(D, 1.0 + 0.1 * k))
    return fn, Builder(fn)


def _out(fn: Function, b: Builder, v, name: str) -> None:
    fn.outputs.append(OutputSlot(name, v.type))
    b.op("out", v, slot=len(fn.outputs) - 1)


def _count(fn: Function, opcode: str) -> int:
    return sum(op.opcode == opcode for op in fn.ops())


def test_cse_merges_commutative_intersections_and_repeated_concepts():
    fn, b = _fn(2)
    a1, b1 = b.op("concept", name="a"), b.op("concept", name="b")
    a2, b2 = b.op("concept", name="a"), b.op("concept", name="b")
    x = b.op("inter", a1, b1, beta_i=0.5)
    y = b.op("inter", b2, a2, beta_i=0.5)           # the same intersection, operands swapped
    z = b.op("inter", a1, b1, beta_i=0.25)          # another temperature: another value
    for i, v in enumerate((x, y, z)):
        _out(fn, b, b.op("logvol", v, **T), f"v{i}")
    b.op("halt")
    verify(fn)
    cse.run(fn)
    verify(fn)
    assert _count(fn, "concept") == 2 and _count(fn, "inter") == 2 and _count(fn, "logvol") == 2
    outs = [op.operands[0] for op in fn.ops() if op.opcode == "out"]
    assert outs[0] is outs[1] and outs[0] is not outs[2]


def test_cse_does_not_merge_a_value_from_a_branch_that_does_not_dominate():
    fn, b = _fn(1)
    a0 = b.op("concept", name="a")
    c = b.op("cmp", b.op("logvol", a0, **T), b.op("const", type=Type.LOGPROB, value=0.0), pred="ge")
    then, other, join = b.new_block("then"), b.new_block("else"), b.new_block("join")
    b.op("cbr", c, then=then.name, **{"else": other.name})
    for blk in (then, other):
        b.at(blk)
        _out(fn, b, b.op("logvol", b.op("inter", a0, b.op("concept", name="b"), beta_i=0.5), **T), f"in_{blk.name}")
        b.op("br", target=join.name)
    b.at(join)
    _out(fn, b, b.op("logvol", b.op("inter", a0, b.op("concept", name="b"), beta_i=0.5), **T), "after")
    b.op("halt")
    cse.run(fn)
    verify(fn)                        # a merge into the join from one side would break dominance
    assert _count(fn, "inter") == 3 and _count(fn, "concept") == 4


def test_cse_turns_a_conditional_probability_into_a_difference_of_known_volumes():
    fn, b = _fn(2)
    a0, b0 = b.op("concept", name="a"), b.op("concept", name="b")
    _out(fn, b, b.op("logvol", b.op("inter", a0, b0, beta_i=0.5), **T), "vab")
    _out(fn, b, b.op("logvol", b0, **T), "vb")
    _out(fn, b, b.op("condp", a0, b0, **T), "p")
    b.op("halt")
    cse.run(fn)
    verify(fn)
    assert _count(fn, "condp") == 0 and _count(fn, "sub") == 1
    sub = next(op for op in fn.ops() if op.opcode == "sub")
    assert [o.opcode for o in fn.ops() if o.result in sub.operands] == ["logvol", "logvol"]


def test_dce_drops_unused_values_and_keeps_outputs():
    fn, b = _fn(2)
    a0, b0 = b.op("concept", name="a"), b.op("concept", name="b")
    b.op("logvol", b.op("inter", a0, b0, beta_i=0.5), **T)       # never read
    _out(fn, b, b.op("logvol", a0, **T), "va")
    b.op("halt")
    dce.run(fn)
    verify(fn)
    assert [op.opcode for op in fn.ops()] == ["concept", "logvol", "out", "halt"]


def test_verifier_rejects_broken_ir():
    fn, b = _fn(1)
    a0 = b.op("concept", name="a")
    b.op("logvol", a0, **T)
    b.op("halt")
    fn.blocks[0].ops[1].operands = [fn.blocks[0].ops[1].result]    # uses itself
    with pytest.raises(VerifyError, match="before its definition"):
        verify(fn)
    fn, b = _fn(1)
    a0 = b.op("concept", name="a")
    b.op("halt")
    fn.blocks[0].ops.insert(1, fn.blocks[0].ops[0].__class__("condp", [a0], None, dict(T)))
    with pytest.raises(VerifyError, match="takes 2 operands"):
        verify(fn)


def _lpu(fn: Function, cfg: str):
    t = make_target(cfg)
    return isel.run(fn, t), t


def _bubbles(ops, cost) -> int:
    return sum(cost.bubble(p, c) for p, c in zip(ops, ops[1:], strict=False))


def test_schedule_separates_late_results_from_their_readers():
    fn, b = _fn(2, names=tuple("abcdef"))
    boxes = [b.op("concept", name=n) for n in "abcdef"]
    for i in range(3):                       # each probability stored right after it is made
        _out(fn, b, b.op("condp", boxes[2 * i], boxes[2 * i + 1], **T), f"p{i}")
    b.op("halt")
    low, t = _lpu(fn, "default")
    cost = CostModel(t)
    before = _bubbles(low.blocks[0].ops, cost)
    schedule.run(low, t)
    verify(low)
    after = _bubbles(low.blocks[0].ops, cost)
    assert before >= 3 and after < before
    assert low.blocks[0].ops[-1].opcode == "lpu.halt"


@pytest.mark.parametrize("cfg", ["tiny", "default"])
def test_regalloc_spills_when_boxes_outnumber_registers(cfg):
    fn, b = _fn(1, names=tuple("abcdef"))
    boxes = [b.op("concept", name=n) for n in "abcdef"]
    inters = [b.op("inter", boxes[i], boxes[(i + 1) % 6], beta_i=0.5) for i in range(6)]  # 6 live boxes
    for i, x in enumerate(inters):
        _out(fn, b, b.op("logvol", x, **T), f"v{i}")
    b.op("halt")
    low, t = _lpu(fn, cfg)
    regalloc.run(low, t)
    verify(low, allocated=True, bregs=t.BREGS, sregs=t.SREGS)
    stats = low.meta["passes"]["regalloc"]
    assert (stats["spill_stores"] > 0) == (t.BREGS < 6 + 1)   # 6 intersections + the operands


def test_layout_puts_the_likely_side_next_and_inverts_the_branch():
    fn, b = _fn(1)
    a0 = b.op("concept", name="a")
    c = b.op("cmp", b.op("logvol", a0, **T), b.op("const", type=Type.LOGPROB, value=0.0), pred="ge")
    then, other, join = b.new_block("then"), b.new_block("else"), b.new_block("join")
    b.op("cbr", c, then=then.name, likely="else", **{"else": other.name})
    fn.outputs.append(OutputSlot("r", Type.INT))
    for blk, k in ((then, 1), (other, 0)):
        b.at(blk)
        b.op("out", b.op("const", type=Type.INT, value=k), slot=0)
        b.op("br", target=join.name)
    b.at(join)
    b.op("halt")
    low, t = _lpu(fn, "default")
    regalloc.run(low, t)
    layout.run(low, t)
    verify(low, allocated=True, bregs=t.BREGS, sregs=t.SREGS)
    order = [blk.name for blk in low.blocks]
    assert order[:3] == ["entry", other.name, join.name]
    br = low.blocks[0].terminator
    assert br.attrs["else"] == other.name          # not taken = falls through = the likely side
