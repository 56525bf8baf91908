"""Completeness of the ISA: does every spec instruction have all the pieces written by hand?

LPU_BRIEF section 7: an instruction is one spec entry, one semantic function in the golden
model and one execute case in the RTL generator; everything else follows from the spec. This
module compares those three (plus the worked examples the directed tests come from) and
names exactly what is missing.
"""

from __future__ import annotations

import importlib
from collections.abc import Collection
from dataclasses import dataclass, field

from isa_spec import Spec


@dataclass(frozen=True)
class Row:
    iclass: str
    name: str
    semantics: bool
    examples: int
    rtl: bool | None  # None: RTL coverage is not checked (rtl_gen does not declare it yet)


@dataclass
class Report:
    rows: list[Row]
    rtl_checked: bool
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def rtl_implemented() -> set[str] | None:
    """`rtl_gen.IMPLEMENTED` (the instruction names with an execute case), or None while
    rtl_gen does not declare it. An rtl_gen that fails to import is a real failure."""
    rtl_gen = importlib.import_module("rtl_gen")
    names = getattr(rtl_gen, "IMPLEMENTED", None)
    return None if names is None else set(names)


def rtl_unit_problems() -> list[str]:
    """Execute cases whose unit lacks the operation, and declared operations without a case
    (rtl_gen.unit_problems): an instruction that decodes but does nothing is a failure."""
    rtl_gen = importlib.import_module("rtl_gen")
    probe = getattr(rtl_gen, "unit_problems", None)
    return [] if probe is None else list(probe())


def check(spec: Spec, semantics: Collection[str], rtl: Collection[str] | None,
          rtl_problems: Collection[str] = ()) -> Report:
    """Compare the spec with the semantic functions and the RTL execute cases; rtl_problems
    (from `rtl_unit_problems`) are reported as they are."""
    rows: list[Row] = []
    problems: list[str] = []
    for ins in spec.instructions.values():
        has_sem = ins.name in semantics
        has_rtl = None if rtl is None else ins.name in rtl
        rows.append(Row(ins.iclass, ins.name, has_sem, len(ins.examples), has_rtl))
        where = f"instruction '{ins.name}' ({ins.source})"
        if not has_sem:
            problems.append(f"{where}: no semantic function; add @semantic(\"{ins.name}\") "
                            f"in golden_model/ops/{ins.iclass}.py")
        if not ins.examples:
            problems.append(f"{where}: no worked example in the spec")
        # a case that names a missing unit operation is reported by rtl_problems instead
        if has_rtl is False and not any(f"instruction '{ins.name}'" in p for p in rtl_problems):
            problems.append(f"{where}: no RTL execute case in rtl_gen/execute.py")
    for name in sorted(set(semantics) - set(spec.instructions)):
        problems.append(f"semantic function '{name}' names no instruction in the spec")
    for name in sorted(set(rtl or ()) - set(spec.instructions)):
        problems.append(f"rtl_gen.IMPLEMENTED names '{name}', which is not in the spec")
    problems += rtl_problems
    return Report(rows, rtl is not None, problems)


def format_table(report: Report) -> list[str]:
    header = ("class", "instruction", "semantics", "examples", "rtl")
    body = [(r.iclass, r.name, "ok" if r.semantics else "MISSING",
             str(r.examples) if r.examples else "MISSING",
             "-" if r.rtl is None else "ok" if r.rtl else "MISSING") for r in report.rows]
    widths = [max(len(row[i]) for row in (header, *body)) for i in range(len(header))]
    return ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in (header, *body)]
