"""Instruction selection: slrm ops -> lpu ops (one LPU instruction each) on virtual registers.

- concept -> lbx from the concept's home in data memory; const -> li (0 is x0).
- inter/hinter/logvol/condp -> bint/bhint/blvol/blcp.
- `if` on `logP(A|B) >= t` whose probability nothing else reads -> one bgecp; on any other
  comparison whose bool nothing else reads -> one compare-and-branch (blt/bge/beq/bne).
- comparisons kept as values -> slt/sltu/xori sequences giving 0 or 1.
- argmax/max -> a branch-free chain (slt, a mask, xor/and select): no prediction to miss.
- out -> sw into the results region.
Fixed-point constants are rounded here to the spec's formats.
"""

from __future__ import annotations

from ..ir import Block, Function, Op, Type, Value
from ..target import Target

NAME = "isel"
_SWAP = {"lt": "gt", "gt": "lt", "le": "ge", "ge": "le", "eq": "eq", "ne": "ne"}


class _Sel:
    def __init__(self, fn: Function, target: Target):
        self.fn, self.t = fn, target
        self.map: dict[int, Value] = {}
        self.defs: dict[int, Op] = {op.result.id: op for op in fn.ops() if op.result is not None}
        self.users: dict[int, list[Op]] = {}
        for op in fn.ops():
            for v in op.operands:
                self.users.setdefault(v.id, []).append(op)
        self.ops: list[Op] = []
        self.imm_lo, self.imm_hi = target.imm_range()

    def emit(self, opcode: str, *operands: Value, type: Type | None = None, loc=None, hint="", **attrs) -> Value | None:
        res = None
        if type is not None:
            attrs = {"type": type, **attrs} if opcode in ("lpu.li", "lpu.alu", "lpu.alui", "lpu.lw") else attrs
            res = Value(type, hint)
        self.ops.append(Op(opcode, list(operands), res, attrs, loc or self.loc))
        return res

    def li(self, imm: int, type: Type = Type.INT) -> Value:
        return self.emit("lpu.li", type=type, imm=int(imm))

    def v(self, x: Value) -> Value:
        return self.map[x.id]

    # ---- one op ------------------------------------------------------------------------

    def select(self, op: Op) -> None:
        self.loc = op.loc
        o, a = op.opcode, [self.map.get(v.id) for v in op.operands]
        r = op.result
        if o == "concept":
            out = self.emit("lpu.lbx", type=Type.BOX, hint=op.attrs["name"], addr=("concept", op.attrs["name"]))
        elif o == "const":
            out = self.li(self._raw(r.type, op.attrs["value"]), r.type)
        elif o in ("inter", "hinter", "logvol", "condp"):
            name = {"inter": "lpu.bint", "hinter": "lpu.bhint", "logvol": "lpu.blvol", "condp": "lpu.blcp"}[o]
            out = self.emit(name, *a, type=r.type, hint=r.hint, **op.attrs)
        elif o in ("add", "sub"):
            out = self.emit("lpu.alu", *a, type=r.type, op=o)
        elif o == "neg":
            out = self.emit("lpu.alu", self.li(0), a[0], type=r.type, op="sub")
        elif o == "cmp":
            if self._fused_into_branch(op):
                return
            out = self.compare(a[0], a[1], op.attrs["pred"])
        elif o == "not":
            out = self.emit("lpu.alui", a[0], type=Type.BOOL, op="xori", imm=1)
        elif o in ("and", "or"):
            out = self.emit("lpu.alu", *a, type=Type.BOOL, op=o)
        elif o in ("argmax", "max"):
            out = self.reduce(o, a)
        elif o == "out":
            self.emit("lpu.sw", a[0], addr=("result", op.attrs["slot"]))
            return
        else:
            self.terminator(op, a)
            return
        if r is not None:
            out.hint = out.hint or r.hint
            self.map[r.id] = out

    def _raw(self, t: Type, value) -> int:
        if t == Type.LOGPROB:
            return self.t.log.to_raw(value)
        return int(value)

    def _fused_into_branch(self, op: Op) -> bool:
        """A compare read only by a cbr is selected together with the branch."""
        users = self.users.get(op.result.id, [])
        return len(users) == 1 and users[0].opcode == "cbr"

    def compare(self, x: Value, y: Value, pred: str) -> Value:
        B = Type.BOOL
        if pred in ("gt", "le"):
            x, y, pred = y, x, _SWAP[pred]
        if pred in ("lt", "ge"):
            c = self.emit("lpu.alu", x, y, type=B, op="slt")
            return c if pred == "lt" else self.emit("lpu.alui", c, type=B, op="xori", imm=1)
        d = self.emit("lpu.alu", x, y, type=Type.INT, op="xor")
        if pred == "eq":
            return self.emit("lpu.alui", d, type=B, op="sltiu", imm=1)
        return self.emit("lpu.alu", self.li(0), d, type=B, op="sltu")

    def reduce(self, func: str, scores: list[Value]) -> Value:
        """best = s0; for each later s: take = best < s (strict: the first best wins a tie);
        mask = -take; best ^= (best ^ s) & mask (and the same for the index)."""
        best, idx = scores[0], self.li(0, Type.INDEX) if func == "argmax" else None
        zero = self.li(0)
        for i, s in enumerate(scores[1:], start=1):
            take = self.emit("lpu.alu", best, s, type=Type.INT, op="slt")
            mask = self.emit("lpu.alu", zero, take, type=Type.INT, op="sub")
            best = self._blend(best, s, mask, Type.LOGPROB)
            if idx is not None:
                idx = self._blend(idx, self.li(i, Type.INDEX), mask, Type.INDEX)
        return idx if func == "argmax" else best

    def _blend(self, a: Value, b: Value, mask: Value, t: Type) -> Value:
        d = self.emit("lpu.alu", a, b, type=t, op="xor")
        d = self.emit("lpu.alu", d, mask, type=t, op="and")
        return self.emit("lpu.alu", a, d, type=t, op="xor")

    # ---- terminators -------------------------------------------------------------------

    def terminator(self, op: Op, a: list[Value | None]) -> None:
        if op.opcode == "halt":
            self.emit("lpu.halt")
        elif op.opcode == "br":
            self.emit("lpu.j", target=op.attrs["target"])
        else:
            self.branch(op)

    def branch(self, op: Op) -> None:
        then, other, likely = op.attrs["then"], op.attrs["else"], op.attrs.get("likely") or "then"
        likely_block = then if likely == "then" else other
        cond = op.operands[0]
        cdef = self.defs.get(cond.id)
        if cdef is not None and cdef.opcode == "cmp" and cond.id not in self.map:
            x, y, pred = cdef.operands[0], cdef.operands[1], cdef.attrs["pred"]
            pdef = self.defs.get(x.id)
            if pred in ("ge", "lt") and pdef is not None and pdef.opcode == "condp" \
                    and len(self.users[x.id]) == 1 and self._in_block(x):
                t_true, t_false = (then, other) if pred == "ge" else (other, then)
                if (t_true == then) == (likely == "else"):     # bgecp jumps to the unlikely side
                    self._bgecp(pdef, self.map[y.id], t_true, t_false, likely_block)
                    return
            self._bcc(self.map[x.id], self.map[y.id], pred, then, other, likely_block)
            return
        self.emit("lpu.bcc", self.map[cond.id], self.li(0), cond="bne", then=then, likely=likely_block,
                  **{"else": other})

    def _in_block(self, x: Value) -> bool:
        mine = self.map[x.id]
        return any(o.result is mine for o in self.ops)

    def _bcc(self, x: Value, y: Value, pred: str, then: str, other: str, likely: str) -> None:
        if pred in ("gt", "le"):
            x, y, pred = y, x, _SWAP[pred]
        cond = {"lt": "blt", "ge": "bge", "eq": "beq", "ne": "bne"}[pred]
        self.emit("lpu.bcc", x, y, cond=cond, then=then, likely=likely, **{"else": other})

    def _bgecp(self, pdef: Op, thr: Value, t_true: str, t_false: str, likely: str) -> None:
        a, b = self.map[pdef.operands[0].id], self.map[pdef.operands[1].id]
        # the blcp that isel emitted for the probability is dropped: bgecp computes it
        self.ops = [o for o in self.ops if o.result is not self.map[pdef.result.id]]
        self.emit("lpu.bgecp", a, b, thr, beta_i=pdef.attrs["beta_i"], beta_v=pdef.attrs["beta_v"],
                  then=t_true, likely=likely, **{"else": t_false})


def run(fn: Function, target: Target) -> Function:
    sel = _Sel(fn, target)
    blocks = []
    for b in fn.blocks:
        sel.ops = []
        for op in b.ops:
            sel.select(op)
        blocks.append(Block(b.name, sel.ops))
    out = Function(fn.D, blocks, fn.concepts, fn.outputs, "lpu", fn.meta)
    return out
