"""Instruction scheduling for the pipeline, per block, before register allocation.

A list scheduler over a sliding window of the input order: an op is ready when its operands
are computed; among the ready ops in the window it takes one that does not raise the
pressure on a full register class, then one that does not stall right after the previous
one (a reader of a late result, a box load after a word access:
the spec's [timing] rules via backend/timing.py), then the most critical (longest path of
EX cycles to the block's end). Ops with temperatures keep
the order of their temperature settings (each change costs CSR writes)."""

from __future__ import annotations

from ..backend.timing import CostModel
from ..ir import Block, Function, Op, Type
from ..target import Target

NAME = "schedule"
WINDOW = 16      # an op moves at most this far ahead of the input order (which the front end
                 # makes depth-first, so that few values are live): latency hidden, pressure kept


def _temps(op: Op) -> tuple | None:
    if "beta_i" not in op.attrs:
        return None
    return (op.attrs["beta_i"], op.attrs.get("beta_v"))


def _deps(ops: list[Op]) -> list[set[int]]:
    where = {op.result.id: i for i, op in enumerate(ops) if op.result is not None}
    deps: list[set[int]] = [set() for _ in ops]
    epoch_prev: list[int] = []
    epoch_cur: list[int] = []
    key = None
    for i, op in enumerate(ops):
        deps[i] |= {where[v.id] for v in op.operands if v.id in where}
        k = _temps(op)
        if k is not None:
            if key is not None and k != key:
                epoch_prev, epoch_cur = epoch_cur, []
            key = k
            deps[i] |= set(epoch_prev)
            epoch_cur.append(i)
    deps[-1] |= set(range(len(ops) - 1))          # the terminator stays last
    return deps


def schedule_block(block: Block, cost: CostModel, limits: dict[str, int]) -> tuple[list[Op], int]:
    """limits: registers the allocator has per class ("box", "x")."""
    ops = block.ops
    n = len(ops)
    if n <= 2:
        return ops, 0
    deps = _deps(ops)
    succs: list[list[int]] = [[] for _ in ops]
    for i, ds in enumerate(deps):
        for d in ds:
            succs[d].append(i)
    prio = [0] * n
    for i in range(n - 1, -1, -1):
        prio[i] = cost.cycles(ops[i]) + max((prio[s] for s in succs[i]), default=0)
    remaining = {op.result.id: 0 for op in ops if op.result is not None}
    for op in ops:
        for v in op.operands:
            if v.id in remaining:
                remaining[v.id] += 1
    waiting = [len(d) for d in deps]
    ready = [i for i in range(n) if waiting[i] == 0]
    out: list[Op] = []
    live = {"box": 0, "x": 0}
    prev = None
    avoided = 0
    done = [False] * n
    first = 0                      # the earliest op not yet scheduled, in the input order
    while ready:
        while done[first]:
            first += 1
        full = {c for c in live if live[c] >= limits[c]}
        near = [i for i in ready if i < first + WINDOW] or ready

        def key(i, prev=prev, full=full):
            # a spill costs a store and a load, a bubble one cycle: pressure first
            d = _delta(ops[i], remaining)
            return (any(d[c] > 0 for c in full), cost.bubble(prev, ops[i]) > 0, -prio[i], i)

        top = min(near, key=lambda i: (-prio[i], i))
        if cost.bubble(prev, ops[top]) == 0 and not any(_delta(ops[top], remaining)[c] > 0 for c in full):
            best = top                   # the common case: the most critical op is fine
        else:
            best = min(near, key=key)
        if cost.bubble(prev, ops[best]) == 0 and cost.bubble(prev, ops[top]) > 0:
            avoided += 1
        ready.remove(best)
        done[best] = True
        op = ops[best]
        out.append(op)
        prev = op
        for c, d in _delta(op, remaining).items():
            live[c] += d
        _consume(op, remaining)
        for s in succs[best]:
            waiting[s] -= 1
            if waiting[s] == 0:
                ready.append(s)
    assert len(out) == n, "scheduling lost ops"
    return out, avoided


def _cls(t: Type) -> str:
    return "box" if t == Type.BOX else "x"


def _delta(op: Op, remaining: dict[int, int]) -> dict[str, int]:
    """Live values per register class after op minus before (values defined outside the
    block are not counted: they are the allocator's to place)."""
    d = {"box": 0, "x": 0}
    for v in {v.id: v for v in op.operands}.values():
        if v.id in remaining and remaining[v.id] == sum(1 for u in op.operands if u is v):
            d[_cls(v.type)] -= 1
    r = op.result
    if r is not None and remaining.get(r.id, 0) > 0 and not (op.opcode == "lpu.li" and op.attrs["imm"] == 0):
        d[_cls(r.type)] += 1
    return d


def _consume(op: Op, remaining: dict[int, int]) -> None:
    for v in op.operands:
        if v.id in remaining:
            remaining[v.id] -= 1


def run(fn: Function, target: Target) -> Function:
    cost = CostModel(target)
    total = 0
    limits = {"box": target.BREGS, "x": target.SREGS - 2}     # x0 and the emitter's scratch
    for b in fn.blocks:
        b.ops, avoided = schedule_block(b, cost, limits)
        total += avoided
    fn.meta.setdefault("passes", {})[NAME] = {"bubbles_avoided": total}
    return fn
