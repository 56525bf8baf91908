"""Common-subexpression elimination of the slrm ops (concept loads, intersections, volumes,
conditional probabilities, constants, scalar arithmetic): a value computed once is reused
wherever its first computation dominates. Commutative ops (`&`, hard intersection, +, and,
or) match in either operand order; the temperatures are part of an op's identity.

One rewrite is specific to box logic: log P(A | B) whose two volumes, logvol(A & B) and
logvol(B), are both already computed is their difference (one subtraction instead of a
box operation)."""

from __future__ import annotations

from ..ir import Function, Op, Value
from ..ir.dominance import dominators, topological_order
from ..ir.ops import OPS
from .rewrite import immediate_dominators, replace_uses

NAME = "cse"


def _key(op: Op, ids: list[int]) -> tuple:
    if OPS[op.opcode].commutative:
        ids = sorted(ids)
    attrs = tuple(sorted((k, v if not isinstance(v, list) else tuple(v)) for k, v in op.attrs.items()
                         if k != "type") + [("type", str(op.attrs.get("type")))])
    return (op.opcode, tuple(ids), attrs)


def run(fn: Function, target=None) -> Function:
    dom = dominators(fn)
    idom = immediate_dominators(dom)
    tables: dict[str, dict[tuple, Value]] = {}
    repl: dict[int, Value] = {}
    removed: dict[str, int] = {}
    for name in topological_order(fn):
        block = fn.block(name)
        table = dict(tables[idom[name]]) if idom[name] else {}
        kept = []
        for op in block.ops:
            op.operands = [repl.get(v.id, v) for v in op.operands]
            d = OPS[op.opcode]
            if not d.pure or op.result is None:
                kept.append(op)
                continue
            key = _key(op, [v.id for v in op.operands])
            if key in table:
                repl[op.result.id] = table[key]
                removed[op.opcode] = removed.get(op.opcode, 0) + 1
                continue
            if op.opcode == "condp":
                hit = _condp_from_volumes(op, table)
                if hit is not None:
                    kept.append(hit)
                    table[key] = hit.result
                    removed["condp->sub"] = removed.get("condp->sub", 0) + 1
                    continue
            table[key] = op.result
            kept.append(op)
        block.ops = kept
        tables[name] = table
    replace_uses(fn, repl)
    fn.meta.setdefault("passes", {})[NAME] = {"removed": removed}
    return fn


def _condp_from_volumes(op: Op, table: dict[tuple, Value]) -> Op | None:
    a, b = op.operands
    bi, bv = op.attrs["beta_i"], op.attrs["beta_v"]
    vol = lambda v: table.get(_key(Op("logvol", [v], None, {"beta_i": bi, "beta_v": bv}), [v.id]))  # noqa: E731
    inter = table.get(_key(Op("inter", [a, b], None, {"beta_i": bi}), [a.id, b.id]))
    if inter is None:
        return None
    va, vb = vol(inter), vol(b)
    if va is None or vb is None:
        return None
    return Op("sub", [va, vb], op.result, {}, op.loc)
