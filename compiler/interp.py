"""The IR interpreter: the compiler's independent oracle (LPU_BRIEF section 11).

`interpret(fn, target)` runs a stage "slrm" Function in float64 on golden_model.reference,
following its CFG from the entry block to a halt, and carries with every value an error
bound `err`: how far the fixed-point LPU may be from the float value, from the spec's
stated operator bounds (compiler/bounds.py) propagated through the program:

- concept, const: exact (concepts are exact coord values, constants already quantised): 0.
- box values carry one scalar, the max-abs error over all their corners:
  inter:  max(err_a, err_b) + intersect_bound(beta_i)   (soft max is 1-Lipschitz per corner);
  hinter: max(err_a, err_b)                             (max/min are exact and 1-Lipschitz).
- logvol(a): log_volume_bound(a) + D * 2 * err_a * (1/beta_v + abs_x). Each term
  log(softplus(x_d) + 1e-13) has slope at most 1/beta_v in x_d, x_d moves by at most
  2 * err_a (two corners), and the stated bound, which the LPU meets at its own (perturbed)
  inputs, grows by abs_x per unit of |x_d|.
- condp(a, b) = log P(a | b): log_cond_prob_bound(a, b) + 2 * D * (max(err_a, err_b) + err_b)
  * (1/beta_v + abs_x): the intersection's corners move by max(err_a, err_b), B's by err_b.
- add, sub: the sum of the errs; neg: the same err; max: the max of the errs.
  Ints are exact (err 0) and wrap to 32 bits, as in a register.

Decisions. cmp(x, y) is *near* when |x - y| <= tol_x + tol_y: the LPU may decide either way.
tol is err + 1 ulp of the log format for a computed value (err > 0): the same tolerance
compare() holds a logprob to, so a logprob that agrees never flips a decision that is not
near; it is 0 for an exact value (two exact operands are never near, even when equal). A near
bool is three-valued (True / False / None = near) through not / and / or with Kleene logic
(and(False, near) = False, or(True, near) = True). argmax takes the first best; it is near
when some other candidate i has |s_best - s_i| <= tol_best + tol_i (a positive sum); a near
index carries the candidates the LPU may pick, and a cmp on it is near when the predicate
differs between them. A `cbr` on a near bool follows the float decision but marks
every output slot written in any block between the cbr and its immediate post-dominator as
near, on both sides: the LPU may have taken the other branch.

`InterpResult.compare(words, target)` checks the raw result words of a run on the LPU (ISS
or RTL) slot by slot against this result.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import golden_model.reference as R

from . import bounds
from .ir.core import Function, Op, Type
from .ir.dominance import immediate_postdominator
from .results import NOT_WRITTEN, to_signed


class InterpError(Exception):
    """The function cannot be interpreted: not slrm IR, or IR that breaks an invariant the
    verifier checks (the message names the op or block)."""


@dataclass
class Val:
    """One runtime value: `value` is (lo, hi) arrays for a box, a float for a logprob, a
    bool, or an int (int, index); `err` its error bound; `near` for a decision or index the
    LPU may take differently; `choices` the indices the LPU may pick (an index only)."""

    value: Any
    err: float = 0.0
    near: bool = False
    choices: tuple[int, ...] = ()

    @property
    def kleene(self) -> bool | None:
        """A bool as three-valued logic: None when near."""
        return None if self.near else bool(self.value)


@dataclass
class SlotResult:
    slot: int
    name: str
    type: Type
    value: float | bool | int | None     # None: not written on the path the float run took
    err: float = 0.0
    near: bool = False
    labels: tuple[str, ...] = ()

    @property
    def written(self) -> bool:
        return self.value is not None


@dataclass
class SlotComparison:
    slot: int
    name: str
    type: Type
    status: str                  # "agree", "disagree" or "near"
    lpu: float | int | None      # decoded LPU word (None: not written)
    expected: float | bool | int | None
    diff: float | None = None    # |lpu - expected| for a logprob
    err: float | None = None     # the interpreter's propagated bound
    bound: float | None = None   # the bound the diff was checked against (err + 1 log ulp)
    note: str = ""

    def __str__(self) -> str:
        s = f"slot {self.slot} {self.name} ({self.type}): {self.status}: lpu {self.lpu!r}, float {self.expected!r}"
        if self.diff is not None:
            s += f", |diff| {self.diff:.3g} vs bound {self.bound:.3g}"
        return s + (f" ({self.note})" if self.note else "")


@dataclass
class Comparison:
    entries: list[SlotComparison]

    def _with(self, status: str) -> list[SlotComparison]:
        return [e for e in self.entries if e.status == status]

    @property
    def agree(self) -> list[SlotComparison]:
        return self._with("agree")

    @property
    def disagree(self) -> list[SlotComparison]:
        return self._with("disagree")

    @property
    def near(self) -> list[SlotComparison]:
        return self._with("near")

    @property
    def ok(self) -> bool:
        return not self.disagree

    @property
    def counts(self) -> dict[str, int]:
        return {s: len(self._with(s)) for s in ("agree", "disagree", "near")}

    def __str__(self) -> str:
        c = self.counts
        lines = [f"{c['agree']} agree, {c['disagree']} disagree, {c['near']} near (not compared)"]
        lines += [f"  {e}" for e in self.disagree]
        return "\n".join(lines)


@dataclass
class InterpResult:
    slots: list[SlotResult]
    counts: Counter = field(default_factory=Counter)      # ops executed, by opcode
    path: list[str] = field(default_factory=list)         # blocks in execution order
    values: dict[int, Val] = field(default_factory=dict)  # every computed value, by Value.id
    near_branches: list[str] = field(default_factory=list)  # blocks whose cbr was near

    def compare(self, iss_values: dict[int, int], target) -> Comparison:
        """Compare the raw 32-bit result words of an LPU run (slot -> word, signed or
        unsigned spelling) with this float result, slot by slot.

        Words decode as: logprob, the log format (signed raw / 2**frac); bool 0 / 1; int
        and index, signed ints; NOT_WRITTEN (0x80000000) a slot the program did not write.
        A logprob agrees when |lpu - float| <= err + 1 ulp of the log format: the LPU's
        result is rounded to that format, so one ulp is added to the propagated bound. A
        bool or index agrees when equal. A near slot is counted, not compared. A slot not
        written on both sides agrees; written on one side only, it disagrees (unless near).
        """
        fmt = target.log
        extra = sorted(set(iss_values) - set(range(len(self.slots))))
        if extra:
            raise ValueError(f"result words for slot(s) {extra}, but the function has {len(self.slots)} output slot(s)")
        entries = []
        for s in self.slots:
            if s.slot not in iss_values:
                raise ValueError(f"no result word for slot {s.slot} ({s.name})")
            raw = to_signed(iss_values[s.slot])
            written = raw != NOT_WRITTEN
            lpu: float | int | None
            if not written:
                lpu = None
            elif s.type == Type.LOGPROB:
                lpu = fmt.to_float(raw)
            else:
                lpu = raw
            e = SlotComparison(s.slot, s.name, s.type, "agree", lpu, s.value, err=s.err)
            if s.near:
                e.status, e.note = "near", "the LPU may decide either way"
            elif not written and not s.written:
                e.note = "not written on either side"
            elif not written or not s.written:
                e.status = "disagree"
                e.note = "written by the LPU only" if written else "not written by the LPU"
            elif s.type == Type.LOGPROB:
                e.diff, e.bound = abs(lpu - s.value), s.err + fmt.ulp
                if not e.diff <= e.bound:
                    e.status = "disagree"
            elif s.type == Type.BOOL:
                if raw not in (0, 1):
                    e.status, e.note = "disagree", f"{raw} is not a bool word (0 or 1)"
                elif bool(raw) != s.value:
                    e.status = "disagree"
            elif raw != s.value:
                e.status = "disagree"
            entries.append(e)
        return Comparison(entries)


# ---- the interpreter -------------------------------------------------------------------

_PREDS = {
    "lt": lambda x, y: x < y, "le": lambda x, y: x <= y, "gt": lambda x, y: x > y,
    "ge": lambda x, y: x >= y, "eq": lambda x, y: x == y, "ne": lambda x, y: x != y,
}


def _wrap32(v: int) -> int:
    return to_signed(int(v))


def _within(x: float, y: float, tx: float, ty: float) -> bool:
    """Could an LPU within tx of x and ty of y order them differently than x and y are?"""
    tol = tx + ty
    return tol > 0 and abs(x - y) <= tol


class _Run:
    def __init__(self, fn: Function, target):
        self.fn, self.spec = fn, target.spec
        self.env: dict[int, Val] = {}
        self.counts: Counter = Counter()
        self.slots = [SlotResult(i, o.name, o.type, None, labels=o.labels) for i, o in enumerate(fn.outputs)]
        self.near_slots: set[int] = set()
        self.near_branches: list[str] = []
        self.abs_x = bounds.abs_x(self.spec)
        self.log_ulp = bounds.log_ulp(self.spec)

    def arg(self, op: Op, i: int) -> Val:
        v = op.operands[i]
        if v.id not in self.env:
            raise InterpError(f"{op.loc} {op.opcode}: operand %{v.id} has no value on this path")
        return self.env[v.id]

    def tol(self, v: Val) -> float:
        """How far the LPU's copy of a scalar may be from v: its err plus the log format's
        rounding ulp (the tolerance compare() holds a logprob to), 0 for an exact value."""
        return v.err + self.log_ulp if v.err > 0 else 0.0

    def slope(self, beta_v: float) -> float:
        return min(1.0 / beta_v, bounds.SLOPE_CAP) + self.abs_x

    def eval(self, op: Op) -> Val | None:
        o, a = op.opcode, op.attrs
        args = [self.arg(op, i) for i in range(len(op.operands))]
        if o == "concept":
            c = self.fn.concepts.get(a["name"])
            if c is None:
                raise InterpError(f"{op.loc} concept: unknown concept '{a['name']}'")
            return Val((np.asarray(c.lo, dtype=np.float64), np.asarray(c.hi, dtype=np.float64)))
        if o == "const":
            t, v = a["type"], a["value"]
            return Val(float(v) if t == Type.LOGPROB else bool(v) if t == Type.BOOL else int(v),
                       choices=(int(v),) if t == Type.INDEX else ())
        if o in ("inter", "hinter"):
            (la, ha), (lb, hb) = args[0].value, args[1].value
            err = max(args[0].err, args[1].err)
            if o == "inter":
                lo, hi = R.intersect(la, ha, lb, hb, a["beta_i"])
                err += bounds.intersect_bound(self.spec, a["beta_i"])
            else:
                lo, hi = R.hard_intersect(la, ha, lb, hb)
            return Val((lo, hi), err)
        if o == "logvol":
            (lo, hi), e = args[0].value, args[0].err
            bi, bv = a["beta_i"], a["beta_v"]
            err = bounds.log_volume_bound(self.spec, lo, hi, bi, bv) + len(lo) * 2 * e * self.slope(bv)
            return Val(R.log_volume(lo, hi, bi, bv), err)
        if o == "condp":
            (la, ha), (lb, hb) = args[0].value, args[1].value
            ea, eb = args[0].err, args[1].err
            bi, bv = a["beta_i"], a["beta_v"]
            err = (bounds.log_cond_prob_bound(self.spec, la, ha, lb, hb, bi, bv)
                   + 2 * len(la) * (max(ea, eb) + eb) * self.slope(bv))
            return Val(R.log_cond_prob(la, ha, lb, hb, bi, bv), err)
        if o in ("add", "sub", "neg"):
            x = args[0].value
            if o == "neg":
                v, err = -x, args[0].err
            else:
                y = args[1].value
                v, err = (x + y if o == "add" else x - y), args[0].err + args[1].err
            if op.result.type == Type.INT:
                v = _wrap32(v)
            return Val(v, err)
        if o == "cmp":
            x, y = args
            pred = _PREDS.get(a["pred"])
            if pred is None:
                raise InterpError(f"{op.loc} cmp: unknown predicate '{a['pred']}'")
            near = _within(x.value, y.value, self.tol(x), self.tol(y))
            cx, cy = x.choices or (x.value,), y.choices or (y.value,)
            near = near or len({pred(p, q) for p in cx for q in cy}) > 1
            return Val(bool(pred(x.value, y.value)), 0.0, near)
        if o == "not":
            return Val(not args[0].value, 0.0, args[0].near)
        if o in ("and", "or"):
            x, y = args
            decisive = o == "or"          # the value that decides alone: False for and, True for or
            v = (x.value or y.value) if decisive else (x.value and y.value)
            known = (not x.near and not y.near) or any(not z.near and bool(z.value) == decisive for z in args)
            return Val(bool(v), 0.0, not known)
        if o in ("argmax", "max"):
            s = [z.value for z in args]
            best = int(np.argmax(s))         # numpy: the first of equal maxima
            if o == "max":
                return Val(float(s[best]), max(z.err for z in args))
            others = tuple(i for i, z in enumerate(args)
                           if i != best and _within(s[best], z.value, self.tol(args[best]), self.tol(z)))
            return Val(best, 0.0, bool(others), (best, *others))
        raise InterpError(f"{op.loc}: the interpreter has no semantics for '{o}'")

    def out(self, op: Op) -> None:
        v = self.arg(op, 0)
        slot = op.attrs["slot"]
        if not 0 <= slot < len(self.slots):
            raise InterpError(f"{op.loc} out: slot {slot} of {len(self.slots)}")
        s = self.slots[slot]
        if s.written:
            raise InterpError(f"{op.loc} out: slot {slot} ({s.name}) written twice on one path")
        t = s.type
        s.value = (float(v.value) if t == Type.LOGPROB else bool(v.value) if t == Type.BOOL else int(v.value))
        s.err, s.near = v.err, v.near

    def region_slots(self, block: str) -> set[int]:
        """Slots written in blocks between `block`'s cbr and its immediate post-dominator."""
        stop = immediate_postdominator(self.fn, block)
        seen, todo = set(), list(self.fn.block(block).successors())
        while todo:
            b = todo.pop()
            if b == stop or b in seen:
                continue
            seen.add(b)
            todo.extend(self.fn.block(b).successors())
        return {op.attrs["slot"] for b in seen for op in self.fn.block(b).ops if op.opcode == "out"}

    def run(self) -> InterpResult:
        if self.fn.stage != "slrm":
            raise InterpError(f"the interpreter runs slrm functions, not stage '{self.fn.stage}'")
        if not self.fn.blocks:
            raise InterpError("the function has no blocks")
        block, path = self.fn.blocks[0], []
        while True:
            if block.name in path:
                raise InterpError(f"the CFG has a cycle through ^{block.name}")
            path.append(block.name)
            nxt = None
            for i, op in enumerate(block.ops):
                self.counts[op.opcode] += 1
                last = i == len(block.ops) - 1
                if op.opcode in ("br", "cbr", "halt"):
                    if not last:
                        raise InterpError(f"^{block.name}: terminator {op.opcode} in the middle of the block")
                    if op.opcode == "br":
                        nxt = op.attrs["target"]
                    elif op.opcode == "cbr":
                        c = self.arg(op, 0)
                        nxt = op.attrs["then"] if c.value else op.attrs["else"]
                        if c.near:
                            self.near_branches.append(block.name)
                            self.near_slots |= self.region_slots(block.name)
                    else:
                        nxt = "halt"
                elif op.opcode == "out":
                    self.out(op)
                elif op.opcode.startswith("lpu."):
                    raise InterpError(f"{op.loc}: {op.opcode} is an lpu op; the interpreter runs slrm ops")
                else:
                    v = self.eval(op)
                    if op.result is not None:
                        self.env[op.result.id] = v
            if nxt is None:
                raise InterpError(f"^{block.name} does not end in a terminator")
            if nxt == "halt":
                break
            try:
                block = self.fn.block(nxt)
            except KeyError:
                raise InterpError(f"^{block.name} branches to unknown block ^{nxt}") from None
        for s in self.near_slots:
            self.slots[s].near = True
        return InterpResult(self.slots, self.counts, path, dict(self.env), self.near_branches)


def interpret(fn: Function, target) -> InterpResult:
    """Run a stage "slrm" function in float64 with error bounds; see the module docstring."""
    return _Run(fn, target).run()
