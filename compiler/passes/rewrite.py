"""Shared by the passes: replace uses of values, and idom from dominator sets."""

from __future__ import annotations

from ..ir import Function, Value


def replace_uses(fn: Function, repl: dict[int, Value]) -> None:
    if not repl:
        return
    for op in fn.ops():
        op.operands = [_final(repl, v) for v in op.operands]


def _final(repl: dict[int, Value], v: Value) -> Value:
    while v.id in repl:
        v = repl[v.id]
    return v


def immediate_dominators(dom: dict[str, set[str]]) -> dict[str, str | None]:
    """idom[b]: the strict dominator of b that every other strict dominator dominates."""
    out: dict[str, str | None] = {}
    for b, ds in dom.items():
        strict = ds - {b}
        out[b] = max(strict, key=lambda d: len(dom[d])) if strict else None
    return out
