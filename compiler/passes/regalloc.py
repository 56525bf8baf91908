"""Register allocation for box and scalar registers, with spilling to data memory.

Per block, in program order, Belady's rule: when a register is needed and none is free,
the value used furthest in the future leaves it. A value that can be loaded again for
free stays clean (a concept box is reloaded with `lbx` from its home, a constant rebuilt
with `li`); any other value is stored once to a spill slot (`sbx`/`sw`) when it first
leaves its register, and reloaded (`lbx`/`lw`) when next needed. A block with a single
predecessor starts with that block's registers; a join starts empty, so every value live
into a join is in memory on each incoming path (stored at the end of the predecessors).

One scalar register (the highest) is kept for the emitter: temperature CSR writes and the
base of data addresses beyond the 12-bit offset. x0 serves every constant 0.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from ..ir import Function, Op, Type, Value
from ..ir.dominance import topological_order
from ..ir.ops import OPS
from ..target import Target
from .liveness import live_out

NAME = "regalloc"
LIVE_OUT = 10**9      # next use of a value needed only after this block


def scratch_register(target: Target) -> int:
    return target.SREGS - 1


def _is_zero(op: Op | None) -> bool:
    return op is not None and op.opcode == "lpu.li" and op.attrs["imm"] == 0


@dataclass
class _Slot:
    cur: Value          # the value in the register now (the original, or its latest reload)
    dirty: bool         # not in memory and not rebuildable


@dataclass
class _State:
    regs: dict[str, dict[int, int]]          # class -> reg -> original value id
    slots: dict[int, _Slot] = field(default_factory=dict)   # original id -> in-register info

    def copy(self) -> _State:
        return _State({k: dict(v) for k, v in self.regs.items()},
                      {k: _Slot(s.cur, s.dirty) for k, s in self.slots.items()})


class _Allocator:
    def __init__(self, fn: Function, target: Target, naive: bool = False):
        self.fn, self.t, self.naive = fn, target, naive
        self.defs: dict[int, Op] = {op.result.id: op for op in fn.ops() if op.result is not None}
        self.live_out = live_out(fn)
        self.nregs = {"box": list(range(target.BREGS)),
                      "x": [r for r in range(1, target.SREGS) if r != scratch_register(target)]}
        self.spill_addr: dict[int, tuple] = {}
        self.stats = {"spill_stores": 0, "reloads": 0, "remats": 0}
        self.zero = Value(Type.INT, "zero", reg=target.zero_register, fixed=True)

    @staticmethod
    def cls(v: Value) -> str:
        return "box" if v.type == Type.BOX else "x"

    # ---- per block ---------------------------------------------------------------------

    def block(self, name: str, state: _State) -> _State:
        b = self.fn.block(name)
        self.uses: dict[int, list[int]] = {}
        for i, op in enumerate(b.ops):
            for v in op.operands:
                self.uses.setdefault(v.id, []).append(i)
        self.lo = self.live_out[name]
        joins = any(len(self.preds[s]) > 1 for s in b.successors())
        self.out: list[Op] = []
        for pos, op in enumerate(b.ops):
            if pos == len(b.ops) - 1 and joins:
                for vid, s in list(state.slots.items()):
                    if s.dirty and vid in self.lo:
                        self.store(state, vid)
            self.op(state, op, pos)
        b.ops = self.out
        return state

    def op(self, state: _State, op: Op, pos: int) -> None:
        pinned: set[int] = set()
        new = []
        for v in op.operands:
            if _is_zero(self.defs.get(v.id)):
                new.append(self.zero)
                continue
            new.append(self.ensure(state, v, pos, pinned))
            pinned.add(v.id)
        for v in {v.id: v for v in op.operands}.values():
            if v.id in state.slots and self.next_use(v.id, pos) < 0:
                self.free(state, v.id)
        op.operands = new
        r = op.result
        if r is not None:
            if _is_zero(op):
                return                                  # x0: no instruction, no register
            # the op reads its operands before it writes: the result may take an operand's
            # register (the operand stored first if it is still needed)
            reg = self.take_register(state, self.cls(r), pos, set())
            r.reg = reg
            state.regs[self.cls(r)][reg] = r.id
            state.slots[r.id] = _Slot(r, dirty=not self.rebuildable(r.id))
            if self.next_use(r.id, pos) < 0:
                self.free(state, r.id)
        self.out.append(op)
        if self.naive and not OPS[op.opcode].terminator:    # -O0: nothing stays in a register
            for vid in list(state.slots):
                if state.slots[vid].dirty and self.next_use(vid, pos) >= 0:
                    self.store(state, vid)
                self.free(state, vid)

    def next_use(self, vid: int, pos: int) -> int:
        """Distance to the next use after pos; LIVE_OUT if only later blocks read it; -1 if dead."""
        us = self.uses.get(vid, [])
        i = bisect.bisect_right(us, pos)
        if i < len(us):
            return us[i] - pos
        return LIVE_OUT if vid in self.lo else -1

    def rebuildable(self, vid: int) -> bool:
        d = self.defs.get(vid)
        return d is not None and (d.opcode == "lpu.li" or (d.opcode == "lpu.lbx" and d.attrs["addr"][0] == "concept"))

    def ensure(self, state: _State, v: Value, pos: int, pinned: set[int]) -> Value:
        if v.id in state.slots:
            return state.slots[v.id].cur
        reg = self.take_register(state, self.cls(v), pos, pinned)
        cur = Value(v.type, v.hint, reg=reg)
        self.out.append(self.reload_op(v, cur))
        state.regs[self.cls(v)][reg] = v.id
        state.slots[v.id] = _Slot(cur, dirty=False)
        return cur

    def reload_op(self, v: Value, cur: Value) -> Op:
        d = self.defs[v.id]
        if self.rebuildable(v.id):
            self.stats["remats"] += 1
            attrs = dict(d.attrs)
            return Op(d.opcode, [], cur, attrs, d.loc)
        self.stats["reloads"] += 1
        addr = self.spill_addr[v.id]
        if v.type == Type.BOX:
            return Op("lpu.lbx", [], cur, {"addr": addr}, d.loc)
        return Op("lpu.lw", [], cur, {"type": v.type, "addr": addr}, d.loc)

    def take_register(self, state: _State, cls: str, pos: int, pinned: set[int]) -> int:
        used = state.regs[cls]
        for reg in self.nregs[cls]:
            if reg not in used:
                return reg
        cands = [(reg, vid) for reg, vid in used.items() if vid not in pinned]
        if not cands:
            raise AssertionError("register allocation: every register holds an operand of this op")
        reg, vid = max(cands, key=lambda rv: (self.next_use(rv[1], pos), not state.slots[rv[1]].dirty))
        if state.slots[vid].dirty and self.next_use(vid, pos) >= 0:
            self.store(state, vid)
        self.free(state, vid)
        return reg

    def store(self, state: _State, vid: int) -> None:
        s = state.slots[vid]
        if vid not in self.spill_addr:
            kind = "box" if s.cur.type == Type.BOX else "word"
            self.spill_addr[vid] = ("spill", len(self.spill_addr), kind)
        addr = self.spill_addr[vid]
        self.out.append(Op("lpu.sbx" if s.cur.type == Type.BOX else "lpu.sw", [s.cur], None, {"addr": addr}))
        self.stats["spill_stores"] += 1
        s.dirty = False

    def free(self, state: _State, vid: int) -> None:
        s = state.slots.pop(vid)
        del state.regs[self.cls(s.cur)][s.cur.reg]

    def run(self) -> None:
        self.preds = self.fn.predecessors()
        exits: dict[str, _State] = {}
        for name in topological_order(self.fn):
            ps = self.preds[name]
            state = exits[ps[0]].copy() if len(ps) == 1 else _State({"box": {}, "x": {}})
            exits[name] = self.block(name, state)


def run(fn: Function, target: Target, naive: bool = False) -> Function:
    a = _Allocator(fn, target, naive)
    a.run()
    fn.meta["spill_slots"] = sorted(set(a.spill_addr.values()), key=lambda s: s[1])
    fn.meta.setdefault("passes", {})[NAME] = dict(a.stats, slots=len(a.spill_addr), naive=naive)
    return fn
