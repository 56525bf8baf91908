"""Splitting a program into several that each fit the target's memories.

The top level of a program is a sequence of independent units: an `out` statement, or a
whole `if` (everything between its branch and its join). Each unit needs the pure values
it reads (its backward slice) and the concept boxes they load. Units are packed greedily,
in source order, into groups whose estimated code and data fit; a group that still does
not fit once compiled is halved. A single unit that does not fit is compiled again with
other pass sets (without the passes that may add words for speed, then -O2's); if none
fits, it is a FitError naming it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .errors import FitError
from .ir import Block, Function, Op, Value
from .ir.dominance import immediate_postdominator, topological_order
from .passes.manager import PassOptions
from .target import Target

SIZE_COSTLY = frozenset({"schedule", "layout"})   # passes that may add words (moves, jumps) for speed
FILL = 0.85          # estimates are packed to this share of a memory


@dataclass
class Unit:
    ops: list[Op]                                  # the top-level out, or the region's cbr
    blocks: list[Block] = field(default_factory=list)   # a region's blocks (then/else sides)
    join: str | None = None
    reads: set[int] = field(default_factory=set)   # top-level values it needs
    slots: list[int] = field(default_factory=list)
    loc: object = None
    pos: int = 0                                   # place among the top-level ops


def _region(fn: Function, head: Block, join: str) -> list[Block]:
    seen, todo = [], list(head.successors())
    while todo:
        n = todo.pop(0)
        if n == join or n in seen:
            continue
        seen.append(n)
        todo += fn.block(n).successors()
    order = topological_order(fn)
    return [fn.block(n) for n in sorted(seen, key=order.index)]


@dataclass
class TopLevel:
    units: list[Unit]
    pure: list[Op]                                  # top-level pure ops, in order
    pos: dict[int, int]                             # value id of a pure op -> its place
    by_id: dict[int, Op]


def top_level(fn: Function) -> TopLevel:
    units, pure = units_of(fn)
    taken = {u.pos for u in units}
    pos: dict[int, int] = {}
    k = 0
    for op in pure:
        while k in taken:
            k += 1
        pos[op.result.id] = k
        k += 1
    _slice(units, pure)
    return TopLevel(units, pure, pos, {op.result.id: op for op in pure})


def units_of(fn: Function) -> tuple[list[Unit], list[Op]]:
    """The top-level units in order, and the top-level pure ops (in order)."""
    units: list[Unit] = []
    pure: list[Op] = []
    name: str | None = fn.blocks[0].name
    while name is not None:
        b = fn.block(name)
        name = None
        for op in b.ops:
            if op.opcode == "out":
                units.append(Unit([op], slots=[op.attrs["slot"]], loc=op.loc, pos=len(units) + len(pure)))
            elif op.opcode == "cbr":
                join = immediate_postdominator(fn, b.name)
                blocks = _region(fn, b, join)
                slots = [o.attrs["slot"] for blk in blocks for o in blk.ops if o.opcode == "out"]
                units.append(Unit([op], blocks, join, slots=list(dict.fromkeys(slots)), loc=op.loc,
                                  pos=len(units) + len(pure)))
                name = join
            elif op.opcode == "br":
                name = op.attrs["target"]
            elif op.result is not None:
                pure.append(op)
    return units, pure


def _slice(units: list[Unit], pure: list[Op]) -> None:
    defs = {op.result.id: op for op in pure}
    for u in units:
        inner = {o.result.id for blk in u.blocks for o in blk.ops if o.result is not None}
        todo = [v for op in u.ops + [o for blk in u.blocks for o in blk.ops] for v in op.operands
                if v.id not in inner]
        while todo:
            v = todo.pop()
            if v.id in u.reads or v.id not in defs:
                continue
            u.reads.add(v.id)
            todo += defs[v.id].operands


def _estimate(ops: list[Op], D: int) -> tuple[int, set[str]]:
    words, concepts = 0, set()
    for op in ops:
        words += {"const": 2, "argmax": 8 * len(op.operands), "max": 5 * len(op.operands)}.get(op.opcode, 1)
        if op.opcode == "concept":
            concepts.add(op.attrs["name"])
    return words, concepts


def _region_copy(sub: Function, cur: Block, u: Unit, k: int, clone) -> Block:
    names = {b.name: f"r{k}_{b.name}" for b in u.blocks}
    join = Block(f"r{k}_join")
    names[u.join] = join.name
    cbr = clone(u.ops[0])
    cbr.attrs["then"], cbr.attrs["else"] = names[cbr.attrs["then"]], names[cbr.attrs["else"]]
    cur.ops.append(cbr)
    for b in u.blocks:
        nb = Block(names[b.name], [clone(op) for op in b.ops])
        t = nb.ops[-1]
        for key in ("then", "else", "target"):
            if key in t.attrs:
                t.attrs[key] = names[t.attrs[key]]
        sub.blocks.append(nb)
    sub.blocks.append(join)
    return join


def build(fn: Function, top: TopLevel, units: list[Unit]) -> tuple[Function, list[int]]:
    """A function holding only `units` (and the values they read); its slots renumbered."""
    reads = set().union(*(u.reads for u in units)) if units else set()
    pos = top.pos
    needed = [top.by_id[v] for v in sorted(reads, key=pos.__getitem__)]
    slot_ids = [s for u in units for s in u.slots]
    local = {s: i for i, s in enumerate(slot_ids)}
    vmap: dict[int, Value] = {}

    def clone(op: Op) -> Op:
        res = None
        if op.result is not None:
            res = vmap[op.result.id] = Value(op.result.type, op.result.hint)
        attrs = dict(op.attrs)
        if op.opcode == "out":
            attrs["slot"] = local[attrs["slot"]]
        return Op(op.opcode, [vmap[v.id] for v in op.operands], res, attrs, op.loc)

    sub = Function(fn.D, outputs=[fn.outputs[s] for s in slot_ids], meta={})
    cur = Block("entry")
    sub.blocks.append(cur)
    # the input order is kept (the front end's depth-first order keeps few values live)
    items = [(pos[op.result.id], op) for op in needed] + [(u.pos, u) for u in units]
    k = 0
    for _, item in sorted(items, key=lambda it: it[0]):
        if isinstance(item, Op):
            cur.ops.append(clone(item))
        elif not item.blocks:
            cur.ops.append(clone(item.ops[0]))
        else:
            cur = _region_copy(sub, cur, item, k, clone)
            k += 1
    cur.ops.append(Op("halt", []))
    used = {op.attrs["name"] for blk in sub.blocks for op in blk.ops if op.opcode == "concept"}
    sub.concepts = {n: c for n, c in fn.concepts.items() if n in used}
    return sub, slot_ids


def split_function(fn: Function, target: Target, opts: PassOptions, filename: str) -> list:
    top = top_level(fn)
    groups: list[list[Unit]] = [[]]
    words, concepts, slots = 0, set(), 0
    for u in top.units:
        w, c = _estimate([top.by_id[i] for i in u.reads] + u.ops + [o for b in u.blocks for o in b.ops], target.D)
        new_c = concepts | c
        data = slots + len(u.slots) + len(new_c) * target.box_words
        if groups[-1] and (words + w > FILL * target.IMEM_WORDS or data > FILL * target.DMEM_WORDS):
            groups.append([])
            words, new_c, slots = 0, set(c), 0
        groups[-1].append(u)
        words, concepts, slots = words + w, new_c, slots + len(u.slots)
    out = []
    for g in groups:
        out += _compile_group(fn, top, g, target, opts, filename)
    return out


def _alternatives(opts: PassOptions) -> list[PassOptions]:
    """Other pass sets for one statement that does not fit at opts (never at -O0, which
    promises no optimisation): without the speed passes, then -O2's set. Either may need a
    word less; the program's header names the level and the passes left out."""
    if opts.opt == 0:
        return []
    alts = [replace(opts, disabled=opts.disabled | SIZE_COSTLY), replace(opts, opt=2)]
    return [a for a in dict.fromkeys(alts) if a != opts]


def _compile_group(fn: Function, top: TopLevel, group: list[Unit], target: Target, opts: PassOptions,
                   filename: str) -> list:
    from .driver import compile_function

    sub, ids = build(fn, top, group)
    try:
        return [compile_function(sub, target, opts, ids, filename)]
    except FitError as exc:
        if len(group) <= 1:
            for alt in _alternatives(opts):   # code size is not monotone in the passes: try the others
                try:
                    return [compile_function(build(fn, top, group)[0], target, alt, ids, filename)]
                except FitError:
                    pass
            what = group[0].loc if group else "the program"
            raise FitError(what, f"this statement alone does not fit: {exc}") from None
    half = len(group) // 2
    return (_compile_group(fn, top, group[:half], target, opts, filename)
            + _compile_group(fn, top, group[half:], target, opts, filename))
