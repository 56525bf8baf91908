"""Value classes of operands and results that the coverage model bins (verif/coverage.py).

Result bins come from the spec: an instruction with `result = "bool"` (its result is a truth
value) gets result/NAME/0 and result/NAME/1; with `result = "compare"` (a truth value that
compares two scalar sources a, b: register or immediate, in operand order) also the order of
the sources as signed values, result/NAME/a_lt_b, a_eq_b, a_gt_b, and both results with
mixed-sign sources, result/NAME/mixed_signs/0 and /1 (where signed and unsigned orders
differ). A new predicate is covered by adding the attribute, not by writing bins.
"""

from __future__ import annotations

import itertools

import numpy as np

from isa_spec import Spec
from isa_spec.errors import SpecError

ORDERS = ("a_lt_b", "a_eq_b", "a_gt_b")
IMMEDIATES = ("simm", "uimm")


def box_classes(boxes: list[tuple[np.ndarray, np.ndarray]], extreme: int) -> list[str]:
    """Value classes of one box or a pair: properties, then (pairs) the relation."""
    out = []
    los = [np.asarray(lo) for lo, _ in boxes]
    his = [np.asarray(hi) for _, hi in boxes]
    if any((lo == hi).any() for lo, hi in zip(los, his, strict=True)):
        out.append("degenerate")
    if any((lo > hi).any() for lo, hi in zip(los, his, strict=True)):
        out.append("inverted")
    if any((np.abs(v) >= extreme).any() for v in los + his):
        out.append("extreme")
    if not out:
        out.append("plain")
    if len(boxes) == 2:
        (la, lb), (ha, hb) = los, his
        if (la == lb).all() and (ha == hb).all():
            out.append("identical")
        elif (np.maximum(la, lb) > np.minimum(ha, hb)).any():
            out.append("disjoint")
        elif ((la <= lb) & (hb <= ha)).all() or ((lb <= la) & (ha <= hb)).all():
            out.append("nested")
        else:
            out.append("overlap")
    return out


Source = tuple[str, bool]  # (operand name, True: a register read, False: an immediate)


def compare_sources(spec: Spec, roles: dict) -> dict[str, tuple[Source, Source]]:
    """instruction -> its two scalar sources (a, b) for every `result = "compare"`
    instruction; roles: verif.generator.instruction_roles (x_reads: registers it reads)."""
    out = {}
    for n, ins in spec.instructions.items():
        if ins.result != "compare":
            continue
        reads = roles[n].x_reads
        srcs = tuple((o.name, o.name in reads) for o in ins.operands if o.name in reads or o.kind in IMMEDIATES)
        if len(srcs) != 2:
            raise SpecError(ins.source, f"instruction '{n}'", "result", f"\"compare\" needs two scalar "
                            f"sources (registers or an immediate), it has {len(srcs)}")
        out[n] = srcs
    return out


def result_bins(spec: Spec, compares: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """(instruction, bin name) of every result bin the spec asks for."""
    out = []
    for n, ins in spec.instructions.items():
        if ins.result is None:
            continue
        out += [(n, f"result/{n}/{v}") for v in (0, 1)]
        if n in compares:
            out += [(n, f"result/{n}/{o}") for o in ORDERS]
            out += [(n, f"result/{n}/mixed_signs/{v}") for v in (0, 1)]
    return out


def result_hits(name: str, value: int | None, sources: tuple[int, int] | None) -> list[str]:
    """The result bins one retirement hits: value = the written result (None: rd is x0, the
    result is not observed), sources = the compared values (signed) or None."""
    if value is None:
        return []
    out = [f"result/{name}/{value}"] if value in (0, 1) else []
    if sources is not None:
        a, b = sources
        out.append(f"result/{name}/{ORDERS[(a > b) - (a < b) + 1]}")
        if (a < 0) != (b < 0) and value in (0, 1):
            out.append(f"result/{name}/mixed_signs/{value}")
    return out


SCALAR_CORNERS = (0, 1, -1, 5, (1 << 31) - 1, -(1 << 31))


def result_sources(oracle, name: str, wanted: str) -> list[dict[str, int]]:
    """Source values (operand -> value) under which `name` hits result/NAME/WANTED, proven
    by the generator's oracle (the golden model's semantics); [] if no corner pair does."""
    key = (name, wanted)
    cache = oracle.__dict__.setdefault("_result_sources", {})
    if key in cache:
        return cache[key]
    srcs = compare_sources(oracle.spec, oracle.roles).get(name)
    ops = {o.name: o for o in oracle.spec.instructions[name].operands}
    out: list[dict[str, int]] = []
    for a, b in itertools.product(*(_candidates(ops[o], reg) for o, reg in srcs or ())):
        vals = dict(zip((o for o, _ in srcs), (a, b), strict=True))
        x = {o: v for o, v in vals.items() if dict(srcs)[o]}
        ctx = oracle.run(name, x, imm={o: v for o, v in vals.items() if o not in x})
        if wanted in ("/".join(h.split("/")[2:]) for h in result_hits(name, ctx.x_write and ctx.x_write[1], (a, b))):
            out.append(vals)
    cache[key] = out
    return out


def _candidates(op, register: bool) -> tuple[int, ...]:
    if register:
        return SCALAR_CORNERS
    w = op.field.width
    lo, hi = (-(1 << (w - 1)), (1 << (w - 1)) - 1) if op.signed else (0, (1 << w) - 1)
    return tuple(v for v in (*SCALAR_CORNERS, lo, hi) if lo <= v <= hi)
