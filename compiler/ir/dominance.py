"""CFG facts: topological order (the CFG is acyclic), dominators, post-dominators."""

from __future__ import annotations

from .core import Function


def topological_order(fn: Function) -> list[str]:
    """Blocks reachable from the entry, each after all its predecessors; a cycle is a bug."""
    succ = {b.name: b.successors() for b in fn.blocks}
    state: dict[str, int] = {}
    order: list[str] = []
    stack = [(fn.blocks[0].name, iter(succ[fn.blocks[0].name]))]
    state[fn.blocks[0].name] = 1
    while stack:
        node, it = stack[-1]
        nxt = next(it, None)
        if nxt is None:
            stack.pop()
            state[node] = 2
            order.append(node)
        elif state.get(nxt) == 1:
            from .verifier import VerifyError

            raise VerifyError(f"IR verifier: the CFG has a cycle through ^{nxt}")
        elif nxt not in state:
            state[nxt] = 1
            stack.append((nxt, iter(succ[nxt])))
    return order[::-1]


def dominators(fn: Function) -> dict[str, set[str]]:
    """dom[b] = the blocks that dominate b (b included); unreachable blocks get only themselves."""
    order = topological_order(fn)
    preds = fn.predecessors()
    dom: dict[str, set[str]] = {}
    for b in order:                     # acyclic: one pass in topological order is exact
        ps = [p for p in preds[b] if p in dom]
        dom[b] = ({b} | set.intersection(*(dom[p] for p in ps))) if ps else {b}
    for b in fn.blocks:
        dom.setdefault(b.name, {b.name})
    return dom


def immediate_postdominator(fn: Function, block: str) -> str | None:
    """The first block every path from `block` to a halt passes through (None if none)."""
    order = topological_order(fn)
    succ = {b.name: b.successors() for b in fn.blocks}
    pdom: dict[str, set[str]] = {}
    for b in reversed(order):
        ss = [s for s in succ[b] if s in pdom]
        pdom[b] = ({b} | set.intersection(*(pdom[s] for s in ss))) if ss else {b}
    cands = pdom[block] - {block}
    # the nearest: the candidate that every other candidate post-dominates
    for c in cands:
        if all(o in pdom[c] for o in cands):
            return c
    return None
