"""The IR interpreter (compiler/interp.py), the compiler's oracle: each op against direct
calls of golden_model.reference, the propagation of error bounds, near decisions (Kleene
logic, argmax ties, branches on a near bool), InterpResult.compare on hand-made result
words, and the bound against the real ISS on random boxes (hand-written LPU assembly)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from compiler import bounds
from compiler.interp import InterpError, interpret
from compiler.ir import ConceptBox, Function, OutputSlot, Type
from compiler.ir.builder import Builder
from compiler.ir.verifier import verify
from compiler.results import NOT_WRITTEN, NOT_WRITTEN_WORD
from compiler.target import make_target
from golden_model import Iss
from golden_model import reference as R
from isa_spec.assembler import assemble

T = make_target("default")
SPEC = T.spec
D = T.D
LOG_ULP = T.log.ulp


def quant(x) -> np.ndarray:
    c = T.coord
    return np.array([c.to_float(c.to_raw(v)) for v in np.broadcast_to(np.asarray(x, dtype=np.float64), (D,))])


def temp(beta: float) -> float:
    """A temperature as the CSR stores it."""
    f = T.csr_format("beta_i")
    return f.to_float(f.to_raw(beta))


def new_fn(boxes: dict[str, tuple], outputs: list[tuple[str, Type]]) -> tuple[Function, Builder]:
    fn = Function(D=D)
    for name, (lo, hi) in boxes.items():
        fn.concepts[name] = ConceptBox(name, quant(lo), quant(hi))
    fn.outputs = [OutputSlot(n, t) for n, t in outputs]
    return fn, Builder(fn)


def run(fn: Function):
    verify(fn)
    return interpret(fn, T)


def box(fn: Function, name: str):
    c = fn.concepts[name]
    return c.lo, c.hi


# A (small) partly inside B; C elsewhere: P(A|B) and P(B|A) differ.
BOXES = {"A": (np.linspace(0.1, 0.3, D), np.linspace(0.5, 0.9, D)),
         "B": (np.linspace(0.0, 0.2, D), np.linspace(1.0, 1.5, D)),
         "C": (np.linspace(0.4, -0.2, D), np.linspace(1.2, 0.6, D))}
BI, BV = temp(0.1), temp(0.5)


# ---- each op against the reference ------------------------------------------------------

def test_each_op_matches_reference():
    outs = [("inter_vol", Type.LOGPROB), ("hard_vol", Type.LOGPROB), ("volA", Type.LOGPROB),
            ("pAB", Type.LOGPROB), ("pBA", Type.LOGPROB), ("sum", Type.LOGPROB), ("diff", Type.LOGPROB),
            ("neg", Type.LOGPROB), ("max", Type.LOGPROB), ("c", Type.LOGPROB), ("ge", Type.BOOL),
            ("arg", Type.INDEX), ("i", Type.INT)]
    fn, b = new_fn(BOXES, outs)
    A, B, C = (b.op("concept", name=n) for n in "ABC")
    t = {"beta_i": BI, "beta_v": BV}
    ab = b.op("inter", A, B, beta_i=BI)
    hac = b.op("hinter", A, C)
    vals = [b.op("logvol", ab, **t), b.op("logvol", hac, **t), b.op("logvol", A, **t),
            b.op("condp", A, B, **t), b.op("condp", B, A, **t)]
    vals.append(b.op("add", vals[0], vals[2]))
    vals.append(b.op("sub", vals[0], vals[2]))
    vals.append(b.op("neg", vals[2]))
    vals.append(b.op("max", vals[3], vals[4], vals[0]))
    vals.append(b.op("const", type=Type.LOGPROB, value=-0.75))
    vals.append(b.op("cmp", vals[3], vals[9], pred="ge"))
    vals.append(b.op("argmax", vals[3], vals[4], vals[0]))
    i1, i2 = b.op("const", type=Type.INT, value=2 ** 31 - 1), b.op("const", type=Type.INT, value=3)
    vals.append(b.op("add", i1, i2))
    for slot, v in enumerate(vals):
        b.op("out", v, slot=slot)
    b.op("halt")
    r = run(fn)

    (la, ha), (lb, hb), (lc, hc) = (box(fn, n) for n in "ABC")
    ilo, ihi = R.intersect(la, ha, lb, hb, BI)
    np.testing.assert_array_equal(r.values[ab.id].value[0], ilo)
    np.testing.assert_array_equal(r.values[ab.id].value[1], ihi)
    hlo, hhi = np.maximum(la, lc), np.minimum(ha, hc)
    want = [R.log_volume(ilo, ihi, BI, BV), R.log_volume(hlo, hhi, BI, BV), R.log_volume(la, ha, BI, BV),
            R.log_cond_prob(la, ha, lb, hb, BI, BV), R.log_cond_prob(lb, hb, la, ha, BI, BV)]
    want += [want[0] + want[2], want[0] - want[2], -want[2], max(want[3], want[4], want[0]), -0.75]
    got = [s.value for s in r.slots]
    assert got[:10] == pytest.approx(want, rel=0, abs=1e-12)
    assert got[10] is (want[3] >= -0.75)
    assert got[11] == int(np.argmax([want[3], want[4], want[0]]))
    assert got[12] == -(2 ** 31) + 2        # ints wrap to 32 bits, as in a register
    # the order of condp matters: log P(A|B) is not log P(B|A), and slot 3 is the former
    assert abs(want[3] - want[4]) > 0.1
    assert got[3] == pytest.approx(R.log_cond_prob(la, ha, lb, hb, BI, BV), abs=1e-12)
    assert r.counts["condp"] == 2 and r.counts["concept"] == 3 and r.counts["out"] == len(outs)
    assert r.path == ["entry"]


def test_condp_nested_closed_form():
    """Nested 1-D intervals (the same in every dimension) at small temperatures:
    log P(child | parent) ~ D * log(len_child / len_parent), log P(parent | child) ~ 0."""
    bi, bv = temp(1e-4), temp(1e-3)
    fn, b = new_fn({"child": (0.2, 0.4), "parent": (0.0, 1.0)},
                   [("cp", Type.LOGPROB), ("pc", Type.LOGPROB)])
    child, parent = b.op("concept", name="child"), b.op("concept", name="parent")
    b.op("out", b.op("condp", child, parent, beta_i=bi, beta_v=bv), slot=0)
    b.op("out", b.op("condp", parent, child, beta_i=bi, beta_v=bv), slot=1)
    b.op("halt")
    r = run(fn)
    cp, pc = r.slots[0].value, r.slots[1].value
    assert cp == pytest.approx(D * math.log(0.2 / 1.0), abs=0.02 * D)
    assert pc == pytest.approx(0.0, abs=0.02 * D)
    assert cp < pc - 1.0


# ---- error bounds -----------------------------------------------------------------------

def test_bounds_read_from_spec():
    """compiler/bounds.py reads the spec: a changed spec number changes the bound."""
    b = SPEC.bounds["intersect"]
    assert bounds.intersect_bound(SPEC, 0.5) == (b["const_ulp"] + 0.5 * b["beta_i_ulp"]) * 2.0 ** -T.coord.frac
    lv = SPEC.bounds["log_volume_term"]
    term = bounds.log_volume_term_bound(SPEC, np.zeros(1), np.full(1, 3.0), 0.5, 2.0)
    x = 3.0 - 2 * R.EULER_GAMMA * 0.5
    assert term[0] == pytest.approx(lv["const_ulp"] * T.log.ulp + lv["abs_x"] * x + lv["inv_beta_v"] / 2.0)
    import copy
    spec2 = copy.deepcopy(SPEC)
    spec2.bounds["intersect"]["const_ulp"] = 5.0
    assert bounds.intersect_bound(spec2, 0.5) > bounds.intersect_bound(SPEC, 0.5)


def test_err_of_leaves_and_single_ops():
    fn, b = new_fn(BOXES, [("v", Type.LOGPROB), ("p", Type.LOGPROB)])
    A, B = b.op("concept", name="A"), b.op("concept", name="B")
    k = b.op("const", type=Type.LOGPROB, value=-1.0)
    ab = b.op("inter", A, B, beta_i=BI)
    va = b.op("logvol", A, beta_i=BI, beta_v=BV)
    pab = b.op("condp", A, B, beta_i=BI, beta_v=BV)
    b.op("out", va, slot=0)
    b.op("out", pab, slot=1)
    b.op("halt")
    r = run(fn)
    assert r.values[A.id].err == 0 and r.values[k.id].err == 0
    assert r.values[ab.id].err == bounds.intersect_bound(SPEC, BI)
    # on exact (concept) inputs, logvol and condp carry exactly the spec's operator bound
    assert r.slots[0].err == bounds.log_volume_bound(SPEC, *box(fn, "A"), BI, BV)
    assert r.slots[1].err == bounds.log_cond_prob_bound(SPEC, *box(fn, "A"), *box(fn, "B"), BI, BV)


def test_err_grows_with_more_ops():
    """Chained intersections: each adds its corner bound; the log volume of a longer chain,
    sums, and condp on intersected boxes all carry more err."""
    names = ["A", "B", "C", "A2", "B2"]
    boxes = dict(BOXES, A2=(BOXES["A"][0] - 0.05, BOXES["A"][1] + 0.1), B2=(BOXES["B"][0] + 0.05, BOXES["B"][1]))
    fn, b = new_fn(boxes, [(f"v{k}", Type.LOGPROB) for k in range(len(names))]
                   + [("s1", Type.LOGPROB), ("s2", Type.LOGPROB), ("p0", Type.LOGPROB), ("p1", Type.LOGPROB)])
    cs = [b.op("concept", name=n) for n in names]
    chain, vols = [cs[0]], []
    for c in cs[1:]:
        chain.append(b.op("inter", chain[-1], c, beta_i=BI))
    for k, x in enumerate(chain):
        vols.append(b.op("logvol", x, beta_i=BI, beta_v=BV))
        b.op("out", vols[-1], slot=k)
    s1 = b.op("add", vols[1], vols[2])
    s2 = b.op("sub", s1, vols[3])
    p0 = b.op("condp", cs[0], cs[2], beta_i=BI, beta_v=BV)
    p1 = b.op("condp", chain[1], cs[2], beta_i=BI, beta_v=BV)
    for k, v in enumerate((s1, s2, p0, p1)):
        b.op("out", v, slot=len(names) + k)
    b.op("halt")
    r = run(fn)
    box_err = [r.values[x.id].err for x in chain]
    assert all(e1 > e0 for e0, e1 in itertools.pairwise(box_err))
    assert box_err[-1] == pytest.approx((len(names) - 1) * bounds.intersect_bound(SPEC, BI))
    v = [r.values[x.id].err for x in vols]
    assert all(e1 > e0 for e0, e1 in itertools.pairwise(v))
    assert r.values[s1.id].err == pytest.approx(v[1] + v[2])
    assert r.values[s2.id].err == pytest.approx(v[1] + v[2] + v[3])
    assert r.values[p1.id].err > r.values[p0.id].err


# ---- near decisions ---------------------------------------------------------------------

def _near_fn(delta_in_err: float, pred: str = "ge", ulps: float = 0.0):
    """cmp(logvol(A), k) with k = logvol(A) + delta_in_err * err + ulps log ulps (quantised
    to the log format)."""
    fn, b = new_fn(BOXES, [("d", Type.BOOL)])
    v = b.op("logvol", b.op("concept", name="A"), beta_i=BI, beta_v=BV)
    x = R.log_volume(*box(fn, "A"), BI, BV)
    e = bounds.log_volume_bound(SPEC, *box(fn, "A"), BI, BV)
    k = b.op("const", type=Type.LOGPROB, value=T.log.to_float(T.log.to_raw(x + delta_in_err * e + ulps * LOG_ULP)))
    b.op("out", b.op("cmp", v, k, pred=pred), slot=0)
    b.op("halt")
    return run(fn).slots[0]


def test_near_threshold_compare():
    for pred in ("ge", "lt", "eq", "ne"):
        assert _near_fn(0.5, pred).near and _near_fn(-0.5, pred).near
        assert not _near_fn(3.0, pred).near and not _near_fn(-3.0, pred).near
    s = _near_fn(0.5)
    assert s.value is False            # the float decision is kept
    # the tolerance is err + 1 log ulp (what compare() allows a logprob): k is within it...
    assert _near_fn(1.0, ulps=0.5).near and _near_fn(-1.0, ulps=-0.5).near
    # ...and 2 ulps beyond it is not near
    assert not _near_fn(1.0, ulps=2.5).near and not _near_fn(-1.0, ulps=-2.5).near
    assert _near_fn(-3.0).value is True and _near_fn(3.0).value is False


def test_exact_operands_never_near():
    fn, b = new_fn({}, [("eq", Type.BOOL), ("le", Type.BOOL)])
    i, j = b.op("const", type=Type.INT, value=7), b.op("const", type=Type.INT, value=7)
    b.op("out", b.op("cmp", i, j, pred="eq"), slot=0)
    b.op("out", b.op("cmp", i, j, pred="lt"), slot=1)
    b.op("halt")
    r = run(fn)
    assert (r.slots[0].value, r.slots[0].near) == (True, False)
    assert (r.slots[1].value, r.slots[1].near) == (False, False)


def _tri(b: Builder, fn: Function, x: bool | None, float_value: bool = True):
    """A bool value: a const for True/False; for None a near cmp whose float decision is
    float_value."""
    if x is not None:
        return b.op("const", type=Type.BOOL, value=x)
    v = b.op("logvol", b.op("concept", name="A"), beta_i=BI, beta_v=BV)
    xv = R.log_volume(*box(fn, "A"), BI, BV)
    k = b.op("const", type=Type.LOGPROB, value=T.log.to_float(T.log.to_raw(xv)) + (-1 if float_value else 1) * T.log.ulp)
    return b.op("cmp", v, k, pred="ge")


def _kleene_and(x, y):
    if x is False or y is False:
        return False
    return True if (x is True and y is True) else None


def _kleene_or(x, y):
    if x is True or y is True:
        return True
    return False if (x is False and y is False) else None


def test_kleene_truth_table_exhaustive():
    tri = (True, False, None)
    for x, y in itertools.product(tri, tri):
        for fx, fy in itertools.product((True, False), repeat=2):   # the float decisions under a near
            fn, b = new_fn(BOXES, [("and", Type.BOOL), ("or", Type.BOOL), ("notx", Type.BOOL)])
            vx, vy = _tri(b, fn, x, fx), _tri(b, fn, y, fy)
            ra, ro, rn = b.op("and", vx, vy), b.op("or", vx, vy), b.op("not", vx)
            for slot, v in enumerate((ra, ro, rn)):
                b.op("out", v, slot=slot)
            b.op("halt")
            r = run(fn)
            px = fx if x is None else x
            py = fy if y is None else y
            assert r.values[vx.id].kleene is x and r.values[vy.id].kleene is y
            assert r.values[ra.id].kleene is _kleene_and(x, y), (x, y)
            assert r.values[ro.id].kleene is _kleene_or(x, y), (x, y)
            assert r.values[rn.id].kleene is (None if x is None else not x)
            # the float decision underneath is plain two-valued logic
            assert r.slots[0].value is (px and py) and r.slots[1].value is (px or py)
            assert r.slots[2].value is (not px)
            assert [s.near for s in r.slots] == [_kleene_and(x, y) is None, _kleene_or(x, y) is None, x is None]


def test_argmax_tie_first_and_near():
    fn, b = new_fn(dict(BOXES, A2=BOXES["A"], S=(0.0, 0.05)), [("exact_tie", Type.INDEX), ("near_tie", Type.INDEX),
                                                 ("clear", Type.INDEX), ("max", Type.LOGPROB),
                                                 ("is2", Type.BOOL), ("is0", Type.BOOL)])
    k = [b.op("const", type=Type.LOGPROB, value=v) for v in (-3.0, -1.0, -1.0, -2.0)]
    b.op("out", b.op("argmax", *k), slot=0)
    t = {"beta_i": BI, "beta_v": BV}
    vA, vB, vA2 = (b.op("logvol", b.op("concept", name=n), **t) for n in ("A", "B", "A2"))
    vC = b.op("logvol", b.op("concept", name="C"), **t)
    vS = b.op("logvol", b.op("concept", name="S"), **t)
    near = b.op("argmax", vS, vA, vA2)              # A and A2 are the same box: an exact float tie
    b.op("out", near, slot=1)
    b.op("out", b.op("argmax", vA, vB, vC), slot=2)
    b.op("out", b.op("max", vA, vB, vC), slot=3)
    two, zero = b.op("const", type=Type.INT, value=2), b.op("const", type=Type.INT, value=0)
    b.op("out", b.op("cmp", near, two, pred="eq"), slot=4)
    b.op("out", b.op("cmp", near, zero, pred="eq"), slot=5)
    b.op("halt")
    r = run(fn)
    # exact scores (err 0) tie: the first best, and the LPU takes it too (not near)
    assert (r.slots[0].value, r.slots[0].near) == (1, False)
    scores = [R.log_volume(*box(fn, n), BI, BV) for n in ("S", "A", "A2")]
    assert scores[1] == scores[2] and scores[1] > scores[0]
    assert (r.slots[1].value, r.slots[1].near) == (1, True)
    assert r.values[near.id].choices == (1, 2)
    vols = [R.log_volume(*box(fn, n), BI, BV) for n in "ABC"]
    assert r.slots[2].value == int(np.argmax(vols)) and not r.slots[2].near
    assert r.slots[3].value == max(vols)
    assert r.slots[3].err == max(bounds.log_volume_bound(SPEC, *box(fn, n), BI, BV) for n in "ABC")
    # a cmp of a near index: near when the choices disagree (1 or 2 == 2?), not when they agree (== 0)
    assert r.slots[4].near and r.slots[4].value is False
    assert not r.slots[5].near and r.slots[5].value is False


def _branchy(delta_in_err: float, then_halts: bool = False):
    """if logvol(A) >= k { out s0, s1 } else { out s2 }; join: out s3."""
    fn, b = new_fn(BOXES, [("t_vol", Type.LOGPROB), ("t_dec", Type.BOOL), ("e_vol", Type.LOGPROB),
                           ("j_vol", Type.LOGPROB)])
    A, B = b.op("concept", name="A"), b.op("concept", name="B")
    v = b.op("logvol", A, beta_i=BI, beta_v=BV)
    x = R.log_volume(*box(fn, "A"), BI, BV)
    e = bounds.log_volume_bound(SPEC, *box(fn, "A"), BI, BV)
    k = b.op("const", type=Type.LOGPROB, value=T.log.to_float(T.log.to_raw(x - delta_in_err * e)))
    c = b.op("cmp", v, k, pred="ge")
    b.op("cbr", c, then="", **{"else": ""})
    cbr = b.block.ops[-1]
    then, els = b.new_block("then"), b.new_block("else")
    join = b.new_block("join")
    cbr.attrs.update({"then": then.name, "else": els.name})
    b.at(then)
    b.op("out", v, slot=0)
    b.op("out", c, slot=1)
    b.op("halt") if then_halts else b.op("br", target=join.name)
    b.at(els)
    b.op("out", b.op("logvol", B, beta_i=BI, beta_v=BV), slot=2)
    b.op("br", target=join.name)
    b.at(join)
    b.op("out", b.op("logvol", b.op("hinter", A, B), beta_i=BI, beta_v=BV), slot=3)
    b.op("halt")
    return fn, run(fn)


def test_cbr_near_marks_both_branches():
    fn, r = _branchy(0.5)                  # logvol(A) just above k, within err: near, then taken
    assert r.near_branches == ["entry"]
    assert r.path == ["entry", "then1", "join3"]
    assert [s.near for s in r.slots] == [True, True, True, False]     # not the join's slot
    assert r.slots[0].written and r.slots[1].value is True and not r.slots[2].written
    assert r.slots[3].written
    # far from the threshold: nothing is near, the untaken branch's slot is simply unwritten
    fn, r = _branchy(5.0)
    assert r.near_branches == [] and [s.near for s in r.slots] == [False] * 4
    assert r.slots[0].written and not r.slots[2].written
    fn, r = _branchy(-5.0)
    assert r.path == ["entry", "else2", "join3"] and not r.slots[0].written and r.slots[2].written
    assert [s.near for s in r.slots] == [False] * 4


def test_cbr_near_without_postdominator():
    """The then branch halts: no post-dominator, every block after the cbr is in the region."""
    fn, r = _branchy(0.5, then_halts=True)
    assert r.path == ["entry", "then1"]
    assert [s.near for s in r.slots] == [True, True, True, True]
    assert not r.slots[3].written


# ---- compare() on hand-made words -------------------------------------------------------

def _cmp_fn():
    fn, b = new_fn(BOXES, [("lp", Type.LOGPROB), ("dec", Type.BOOL), ("idx", Type.INDEX), ("n", Type.INT),
                           ("t_vol", Type.LOGPROB), ("e_vol", Type.LOGPROB), ("never", Type.LOGPROB)])
    A, B = b.op("concept", name="A"), b.op("concept", name="B")
    lp = b.op("condp", A, B, beta_i=BI, beta_v=BV)
    b.op("out", lp, slot=0)
    b.op("out", b.op("cmp", lp, b.op("const", type=Type.LOGPROB, value=-50.0), pred="ge"), slot=1)
    b.op("out", b.op("argmax", b.op("logvol", B, beta_i=BI, beta_v=BV), lp), slot=2)
    b.op("out", b.op("const", type=Type.INT, value=-5), slot=3)
    vA = b.op("logvol", A, beta_i=BI, beta_v=BV)
    k = b.op("const", type=Type.LOGPROB, value=T.log.to_float(T.log.to_raw(R.log_volume(*box(fn, "A"), BI, BV))))
    b.op("cbr", b.op("cmp", vA, k, pred="ge"), then="", **{"else": ""})
    cbr = b.block.ops[-1]
    then, els, join = b.new_block("then"), b.new_block("else"), b.new_block("join")
    cbr.attrs.update({"then": then.name, "else": els.name})
    b.at(then)
    b.op("out", vA, slot=4)
    b.op("br", target=join.name)
    b.at(els)
    b.op("out", vA, slot=5)
    b.op("br", target=join.name)
    b.at(join)
    f = b.op("const", type=Type.BOOL, value=False)
    b.op("cbr", f, then="", **{"else": ""})
    cbr2 = b.block.ops[-1]
    t2, e2 = b.new_block("never"), b.new_block("end")
    cbr2.attrs.update({"then": t2.name, "else": e2.name})
    b.at(t2)
    b.op("out", vA, slot=6)
    b.op("br", target=e2.name)
    b.at(e2)
    b.op("halt")
    return fn, run(fn)


def _word(x: float) -> int:
    return T.log.to_raw(x) & 0xFFFFFFFF


def test_compare_hand_made_words():
    fn, r = _cmp_fn()
    lp = r.slots[0]
    assert r.slots[4].near and r.slots[5].near and not r.slots[6].near and not r.slots[6].written
    assert r.slots[2].value == 0                # logvol(B) > log P(A|B)
    good = {0: _word(lp.value + 0.9 * lp.err), 1: 1, 2: 0, 3: (-5) & 0xFFFFFFFF,
            4: NOT_WRITTEN_WORD, 5: _word(-1234.0), 6: NOT_WRITTEN_WORD}
    c = r.compare(good, T)
    assert c.ok, str(c)
    assert c.counts == {"agree": 5, "disagree": 0, "near": 2}
    assert c.entries[3].lpu == -5 and c.entries[6].note == "not written on either side"
    assert c.entries[0].bound == lp.err + LOG_ULP
    # the signed spelling of a word reads the same
    assert r.compare({**good, 3: -5, 0: T.log.to_raw(lp.value)}, T).ok

    def bad(**kw):
        c = r.compare({**good, **{int(k[1:]): v for k, v in kw.items()}}, T)
        assert not c.ok and len(c.disagree) == 1
        return c.disagree[0]

    e = bad(s0=_word(lp.value + lp.err + 3 * LOG_ULP))
    assert e.slot == 0 and e.diff > e.bound
    assert bad(s0=NOT_WRITTEN_WORD).note == "not written by the LPU"
    assert bad(s1=0).slot == 1
    assert "not a bool word" in bad(s1=2).note
    assert bad(s2=1).slot == 2
    assert bad(s3=5).slot == 3
    assert bad(s6=_word(-1.0)).note == "written by the LPU only"
    assert "1 disagree" in str(r.compare({**good, 0: 0}, T))
    # the rounding ulp is part of the bound: at err + 1 ulp the logprob still agrees
    lo = math.ceil((lp.value - lp.err - LOG_ULP) * (1 << T.log.frac))
    e = r.compare({**good, 0: lo & 0xFFFFFFFF}, T).entries[0]
    assert e.status == "agree" and e.err < e.diff <= e.bound
    assert r.compare({**good, 0: (lo - 1) & 0xFFFFFFFF}, T).entries[0].status == "disagree"


def test_compare_rejects_bad_word_sets():
    fn, r = _cmp_fn()
    words = dict.fromkeys(range(len(r.slots)), NOT_WRITTEN_WORD)
    with pytest.raises(ValueError, match="no result word for slot 2"):
        r.compare({k: v for k, v in words.items() if k != 2}, T)
    with pytest.raises(ValueError, match="slot"):
        r.compare({**words, 9: 0}, T)
    assert NOT_WRITTEN == -(2 ** 31) and NOT_WRITTEN_WORD == 0x80000000


def test_interpreter_errors():
    fn, b = new_fn(BOXES, [])
    b.op("halt")
    fn.stage = "lpu"
    with pytest.raises(InterpError, match="slrm"):
        interpret(fn, T)
    fn, b = new_fn(BOXES, [])
    b.op("concept", name="A")
    with pytest.raises(InterpError, match="terminator"):
        interpret(fn, T)


# ---- against the ISS --------------------------------------------------------------------

# One case: boxes a, b, c at case + 0, 8D, 16D bytes (each: D lower, then D upper corners).
# Results per case (8 words): the IR below writes the same slots.
ISS_LOOP = """
        li    x1, {bi}
        csrw  beta_i, x1
        li    x1, {ibi}
        csrw  ibeta_i, x1
        li    x1, {bv}
        csrw  beta_v, x1
        li    x1, {ibv}
        csrw  ibeta_v, x1
        la    x6, cases
        la    x7, results
        la    x8, corners
        li    x9, {n}
        li    x20, {thr}
loop:   lbx   b0, 0(x6)
        lbx   b1, {ob}(x6)
        lbx   b2, {oc}(x6)
        bint  b3, b0, b1
        bint  b4, b3, b2
        blvol x10, b4            # 0: logvol(a & b & c)
        sw    x10, 0(x7)
        blcp  x11, b0, b1        # 1: log P(a | b)
        sw    x11, 4(x7)
        blcp  x12, b1, b0        # 2: log P(b | a)
        sw    x12, 8(x7)
        blvol x13, b0            # 3: logvol(a)
        sw    x13, 12(x7)
        bhint b5, b0, b2
        blvol x14, b5            # 4: logvol(hard(a, c))
        sw    x14, 16(x7)
        blvol x15, b3
        blvol x16, b2
        sub   x15, x15, x16      # 5: logvol(a & b) - logvol(c)
        sw    x15, 20(x7)
        blcp  x17, b3, b2        # 6: log P(a & b | c)
        sw    x17, 24(x7)
        slt   x18, x11, x20
        xori  x18, x18, 1        # 7: log P(a | b) >= thr
        sw    x18, 28(x7)
        sbx   b4, 0(x8)          # the corners of a & b & c
        addi  x6, x6, {case}
        addi  x7, x7, 32
        addi  x8, x8, {boxb}
        addi  x9, x9, -1
        bne   x9, x0, loop
        halt
.data
cases:  .word {data}
results: .space {nres}
corners: .space {ncorner}
"""
ISS_SLOTS = [("abc_vol", Type.LOGPROB), ("pab", Type.LOGPROB), ("pba", Type.LOGPROB), ("vol_a", Type.LOGPROB),
             ("hard_vol", Type.LOGPROB), ("diff", Type.LOGPROB), ("p_ab_c", Type.LOGPROB), ("ge", Type.BOOL)]


def _case_fn(lohi: list[tuple[np.ndarray, np.ndarray]], bi: float, bv: float, threshold: float):
    fn, b = new_fn(dict(zip("abc", lohi, strict=True)), ISS_SLOTS)
    a, bb, c = (b.op("concept", name=n) for n in "abc")
    t = {"beta_i": bi, "beta_v": bv}
    ab = b.op("inter", a, bb, beta_i=bi)
    abc = b.op("inter", ab, c, beta_i=bi)
    pab = b.op("condp", a, bb, **t)
    vals = [b.op("logvol", abc, **t), pab, b.op("condp", bb, a, **t), b.op("logvol", a, **t),
            b.op("logvol", b.op("hinter", a, c), **t),
            b.op("sub", b.op("logvol", ab, **t), b.op("logvol", c, **t)),
            b.op("condp", ab, c, **t),
            b.op("cmp", pab, b.op("const", type=Type.LOGPROB, value=threshold), pred="ge")]
    for slot, v in enumerate(vals):
        b.op("out", v, slot=slot)
    b.op("halt")
    return fn, abc


def _random_boxes(rng: np.random.Generator, n: int) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    """n cases of three boxes: unit-scale overlapping ones, some inverted or disjoint in a
    dimension, and wider ones; coordinates rounded to the coord format."""
    cases = []
    for k in range(n):
        scale = (1.0, 1.0, 5.0, 20.0)[k % 4]
        case = []
        for _ in range(3):
            lo = rng.uniform(-0.5, 0.5, D) * scale
            ext = rng.uniform(-0.1, 1.2, D) * scale
            case.append((quant(lo), quant(lo + ext)))
        cases.append(case)
    return cases


TEMPS = [(1.0, 1.0), (0.1, 0.5), (0.01, 0.1), (0.001, 0.05), (1e-4, 0.01), (2.0, 10.0)]
N_CASES = 200


def _run_iss(cases, bi_raw: int, bv_raw: int, threshold: float):
    coord, itemp = T.coord, T.csr_format("ibeta_i")
    ibi = itemp.to_raw(1.0 / T.csr_format("beta_i").to_float(bi_raw))
    ibv = itemp.to_raw(1.0 / T.csr_format("beta_v").to_float(bv_raw))
    words = [coord.to_raw(x) for case in cases for lo, hi in case for x in (*lo, *hi)]
    src = ISS_LOOP.format(bi=bi_raw, ibi=ibi, bv=bv_raw, ibv=ibv, n=len(cases), thr=T.log.to_raw(threshold),
                          ob=8 * D, oc=16 * D, case=24 * D, boxb=8 * D, data=", ".join(map(str, words)),
                          nres=8 * len(cases), ncorner=2 * D * len(cases))
    prog = assemble(src, "<interp-accuracy>", spec=SPEC)
    assert len(prog.data) <= _T_WIDE.DMEM_WORDS
    iss = Iss(_T_WIDE.config, SPEC)
    iss.load_program(prog.text, prog.data)
    iss.run(max_steps=100 * len(cases) + 100)
    assert iss.state.halted and not iss.state.trapped
    res, cor = prog.symbols["results"] // 4, prog.symbols["corners"] // 4
    dm = iss.state.dmem
    results = [dm[res + 8 * k: res + 8 * k + 8] for k in range(len(cases))]
    corners = [np.array(dm[cor + 2 * D * k: cor + 2 * D * (k + 1)]) / (1 << coord.frac) for k in range(len(cases))]
    return results, corners


_T_WIDE = make_target("default", {"DMEM_WORDS": 16384})     # room for the 200 cases


def test_bounds_hold_on_the_iss(capsys):
    """200 random cases per temperature on the real ISS: every result within the
    interpreter's propagated bound (compare() agrees), the chained intersection's corners
    within its box err, decisions equal unless near (the threshold is the median of
    log P(a | b), so they split both ways); prints the largest |iss - float| / err seen."""
    rng = np.random.default_rng(20261201)
    cases = _random_boxes(rng, N_CASES)
    worst: dict[str, float] = {}
    per_temp: dict[tuple[float, float], float] = {}
    near = total = taken = 0
    for beta_i, beta_v in TEMPS:
        f = T.csr_format("beta_i")
        bi_raw, bv_raw = f.to_raw(beta_i), f.to_raw(beta_v)
        bi, bv = f.to_float(bi_raw), f.to_float(bv_raw)
        pab = [R.log_cond_prob(*a, *b, bi, bv) for a, b, _ in cases]
        threshold = T.log.to_float(T.log.to_raw(float(np.median(pab))))
        results, corners = _run_iss(cases, bi_raw, bv_raw, threshold)
        for case, words, got_corners in zip(cases, results, corners, strict=True):
            fn, abc = _case_fn(case, bi, bv, threshold)
            r = run(fn)
            c = r.compare(dict(enumerate(words)), T)
            assert c.ok, f"beta_i={bi} beta_v={bv} case {case}:\n{c}"
            for e in c.entries:
                if e.type == Type.LOGPROB:
                    worst[e.name] = max(worst.get(e.name, 0.0), e.diff / e.err)
                    per_temp[beta_i, beta_v] = max(per_temp.get((beta_i, beta_v), 0.0), e.diff / e.err)
            near += len(c.near)
            taken += bool(r.slots[7].value)
            total += 1
            (lo, hi), err = r.values[abc.id].value, r.values[abc.id].err
            cdiff = np.abs(got_corners - np.concatenate([lo, hi])).max()
            assert cdiff <= err, (bi, case)
            worst["abc_corners"] = max(worst.get("abc_corners", 0.0), cdiff / err)
    with capsys.disabled():
        print(f"\nmax |iss - float| / err over {total} cases ({N_CASES} x {len(TEMPS)} temperatures):")
        for k, v in sorted(worst.items(), key=lambda kv: -kv[1]):
            print(f"  {k:12s} {v:.4f}")
        for (bi, bv), v in per_temp.items():
            print(f"  beta_i={bi:<7g} beta_v={bv:<5g} {v:.4f}")
        print(f"  decisions: {taken} true of {total}; near the threshold (not compared): {near}")
    assert near < total // 4 and total // 4 < taken < 3 * total // 4   # the decision check is not vacuous
    assert max(worst.values()) > 0.01       # the ISS differs from float: the check can fail
