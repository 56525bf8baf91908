"""The IR verifier, run after every pass: types against the op table, SSA (one definition,
every use dominated by it), block structure, an acyclic CFG, slots and concepts that exist,
and after register allocation that every value has a legal register."""

from __future__ import annotations

from .core import Function, Op, Type
from .dominance import dominators, topological_order
from .ops import ALU_OPS, ALUI_OPS, BCC_CONDS, CMP_PREDS, OPS


class VerifyError(Exception):
    """A compiler bug: a pass produced IR that breaks an invariant (never a user's error)."""


def _fail(where, msg: str):
    raise VerifyError(f"IR verifier: {where}: {msg}")


class _Where:
    """The place named in a failure, formatted only when one is reported."""

    def __init__(self, op: Op):
        self.op = op

    def __str__(self) -> str:
        return f"{self.op.loc} {self.op.opcode}"


def _check_types(op: Op, where) -> None:
    d = OPS.get(op.opcode)
    if d is None:
        _fail(where, f"unknown opcode {op.opcode}")
    want = d.operands
    if d.variadic:
        want = (d.operands[0],) * len(op.operands)
        if not op.operands:
            _fail(where, f"{op.opcode} needs at least one operand")
    elif len(op.operands) != len(d.operands):
        _fail(where, f"{op.opcode} takes {len(d.operands)} operands, has {len(op.operands)}")
    for i, v in enumerate(op.operands):
        if v.type not in want[i]:
            _fail(where, f"operand {i} of {op.opcode} is {v.type}, not one of {sorted(t.value for t in want[i])}")
    if not op.attrs.keys() >= d.attr_set:
        _fail(where, f"{op.opcode} lacks attributes {sorted(d.attr_set - op.attrs.keys())}")
    rtype = d.result
    if rtype is None:
        if op.result is not None:
            _fail(where, f"{op.opcode} has no result")
        return
    if op.result is None:
        _fail(where, f"{op.opcode} must have a result")
    expect = op.operands[0].type if rtype == "same" else op.attrs["type"] if rtype == "attr" else rtype
    if op.result.type != expect:
        _fail(where, f"{op.opcode} result is {op.result.type}, expected {expect}")
    if op.opcode in ("add", "sub") and op.operands[0].type != op.operands[1].type:
        _fail(where, f"{op.opcode} of {op.operands[0].type} and {op.operands[1].type}")
    _check_attr_values(op, where)


def _check_attr_values(op: Op, where) -> None:
    a = op.attrs
    if op.opcode == "cmp" and a["pred"] not in CMP_PREDS:
        _fail(where, f"cmp predicate {a['pred']}")
    if op.opcode == "lpu.alu" and a["op"] not in ALU_OPS:
        _fail(where, f"alu op {a['op']}")
    if op.opcode == "lpu.alui" and (a["op"] not in ALUI_OPS or not -2048 <= a["imm"] <= 2047):
        _fail(where, f"alui {a['op']} {a['imm']}")
    for k in ("beta_i", "beta_v"):
        if k in a and not a[k] > 0:
            _fail(where, f"{k} = {a[k]}")


def verify(fn: Function, *, allocated: bool = False, bregs: int | None = None, sregs: int | None = None) -> None:
    """Raise VerifyError naming the first broken invariant."""
    if not fn.blocks:
        _fail("function", "no blocks")
    names = [b.name for b in fn.blocks]
    if len(set(names)) != len(names):
        _fail("function", "duplicate block names")
    known = set(names)
    for b in fn.blocks:
        if not b.ops or not OPS.get(b.ops[-1].opcode, OPS["halt"]).terminator:
            _fail(f"^{b.name}", "does not end in a terminator")
        for op in b.ops[:-1]:
            if OPS.get(op.opcode) and OPS[op.opcode].terminator:
                _fail(f"^{b.name}", f"terminator {op.opcode} in the middle of the block")
        for s in b.successors():
            if s not in known:
                _fail(f"^{b.name}", f"branches to unknown block ^{s}")
        for op in b.ops:
            if OPS.get(op.opcode) and OPS[op.opcode].dialect != fn.stage:
                _fail(f"^{b.name}", f"{op.opcode} in a {fn.stage} function")
    order = topological_order(fn)          # raises on a cycle
    if order[0] != fn.blocks[0].name:
        _fail("function", "the entry block has predecessors")
    _check_ssa(fn, order)
    nslots = len(fn.outputs)
    for op in fn.ops():
        where = _Where(op)
        _check_types(op, where)
        if op.opcode == "out" and not 0 <= op.attrs["slot"] < nslots:
            _fail(where, f"output slot {op.attrs['slot']} of {nslots}")
        if op.opcode == "concept" and op.attrs["name"] not in fn.concepts:
            _fail(where, f"unknown concept {op.attrs['name']}")
        if op.opcode == "lpu.bcc" and op.attrs["cond"] not in BCC_CONDS:
            _fail(where, f"branch condition {op.attrs['cond']}")
        if allocated:
            _check_regs(op, where, bregs, sregs)


def _check_ssa(fn: Function, order: list[str]) -> None:
    dom = dominators(fn)
    defined_in: dict[int, tuple[str, int]] = {}
    for b in fn.blocks:
        for i, op in enumerate(b.ops):
            if op.result is not None:
                if op.result.id in defined_in:
                    _fail(f"^{b.name}", f"%{op.result.id} defined twice")
                defined_in[op.result.id] = (b.name, i)
    for b in fn.blocks:
        for i, op in enumerate(b.ops):
            for v in op.operands:
                if v.fixed:
                    continue
                if v.id not in defined_in:
                    _fail(f"^{b.name} {op.opcode}", f"%{v.id} is never defined")
                db, di = defined_in[v.id]
                if db == b.name and di >= i:
                    _fail(f"^{b.name} {op.opcode}", f"%{v.id} used before its definition")
                if db != b.name and db not in dom[b.name]:
                    _fail(f"^{b.name} {op.opcode}", f"%{v.id} (defined in ^{db}) does not dominate this use")


def _check_regs(op: Op, where, bregs: int | None, sregs: int | None) -> None:
    for v in [*op.operands, *([op.result] if op.result is not None else [])]:
        if v.reg is None:
            _fail(where, f"%{v.id} has no register")
        limit = bregs if v.type == Type.BOX else sregs
        low = 0 if v.type == Type.BOX or v.fixed else 1      # x0 only as the fixed zero
        if limit is not None and not low <= v.reg < limit:
            _fail(where, f"%{v.id} in register {v.reg}, outside {low}..{limit - 1}")
