"""Instruction scheduling for the pipeline, per block, before register allocation.

A list scheduler: an op is ready when its operands are computed; among the ready ops it
takes the most critical (longest path of EX cycles to the block's end) that does not stall
right after the previous one (a reader of a late result, a box load after a word access:
the spec's [timing] rules via backend/timing.py). Box loads are held back while every box
register is live, so that scheduling does not force spills. Ops with temperatures keep
the order of their temperature settings (each change costs CSR writes)."""

from __future__ import annotations

import heapq

from ..backend.timing import CostModel
from ..ir import Block, Function, Op, Type
from ..target import Target

NAME = "schedule"
WINDOW = 6           # ready ops examined per step (the most critical first)


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


def schedule_block(block: Block, cost: CostModel, bregs: int) -> tuple[list[Op], int]:
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
    remaining_uses = {op.result.id: 0 for op in ops if op.result is not None}
    for op in ops:
        for v in op.operands:
            if v.id in remaining_uses:
                remaining_uses[v.id] += 1
    waiting = [len(d) for d in deps]
    ready = [(-prio[i], i) for i in range(n) if waiting[i] == 0]
    heapq.heapify(ready)
    out: list[Op] = []
    live_boxes = 0
    prev = None
    avoided = 0
    while ready:
        window = [heapq.heappop(ready) for _ in range(min(WINDOW, len(ready)))]

        def score(item, prev=prev, full=live_boxes >= bregs):
            # a spill costs two box transfers, a bubble one cycle: pressure first
            op = ops[item[1]]
            grows = op.result is not None and op.result.type == Type.BOX and not _frees_box(op, remaining_uses)
            return (grows and full, cost.bubble(prev, op) > 0, item)

        best = min(window, key=score)
        if cost.bubble(prev, ops[best[1]]) == 0 and cost.bubble(prev, ops[window[0][1]]) > 0:
            avoided += 1
        for item in window:
            if item is not best:
                heapq.heappush(ready, item)
        i = best[1]
        op = ops[i]
        out.append(op)
        prev = op
        live_boxes += _box_delta(op, remaining_uses)
        for s in succs[i]:
            waiting[s] -= 1
            if waiting[s] == 0:
                heapq.heappush(ready, (-prio[s], s))
    assert len(out) == n, "scheduling lost ops"
    return out, avoided


def _frees_box(op: Op, remaining: dict[int, int]) -> bool:
    return any(v.type == Type.BOX and remaining.get(v.id) == 1 for v in op.operands)


def _box_delta(op: Op, remaining: dict[int, int]) -> int:
    d = 0
    for v in {v.id: v for v in op.operands}.values():
        if v.id in remaining:
            remaining[v.id] -= sum(1 for u in op.operands if u is v)
            if remaining[v.id] == 0 and v.type == Type.BOX:
                d -= 1
    if op.result is not None and op.result.type == Type.BOX and remaining.get(op.result.id, 0) > 0:
        d += 1
    return d


def run(fn: Function, target: Target) -> Function:
    cost = CostModel(target)
    total = 0
    for b in fn.blocks:
        b.ops, avoided = schedule_block(b, cost, target.BREGS)
        total += avoided
    fn.meta.setdefault("passes", {})[NAME] = {"bubbles_avoided": total}
    return fn
