"""Planted RTL bugs: edits of the generated Verilog that a working testbench must catch.

Each mutant is a list of (line pattern, old text, new text): the pattern must select exactly
one line of the generated design (the LAST match when `last` is set), so a generator change
that moves the site makes the mutant fail loudly instead of silently mutating nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rtl_gen.units import UNITS

BRANCH_UNIT = UNITS.index("branch")   # the decoder's unit code of conditional branches


@dataclass(frozen=True)
class Edit:
    line: str      # regex selecting the line
    old: str
    new: str
    last: bool = False


@dataclass(frozen=True)
class Mutant:
    name: str
    what: str
    edits: tuple[Edit, ...]

    def apply(self, verilog: str) -> str:
        lines = verilog.split("\n")
        for e in self.edits:
            hits = [i for i, ln in enumerate(lines) if re.search(e.line, ln)]
            if not hits or (len(hits) > 1 and not e.last):
                raise ValueError(f"mutant {self.name}: pattern {e.line!r} matches {len(hits)} lines")
            i = hits[-1]
            if e.old not in lines[i]:
                raise ValueError(f"mutant {self.name}: {e.old!r} not in line {i + 1}: {lines[i]!r}")
            lines[i] = lines[i].replace(e.old, e.new, 1)
        return "\n".join(lines)

    def write(self, src: Path, dst: Path) -> Path:
        dst.mkdir(parents=True, exist_ok=True)
        (dst / src.name).write_text(self.apply(src.read_text()))
        return dst


PLANTED = (
    Mutant("rounding", "the scalar phi unit truncates instead of rounding (flse, fsoftp)",
           (Edit(r"^assign scalar_nl_unit\w*_phi_unit\w* = \(scalar_nl_unit\w*_phi_unit\w* \+ 1\);$",
                 "+ 1);", "+ 0);", last=True),)),
    Mutant("predictor_saturation", "the 2-bit predictor counter saturates at 2 instead of 3",
           (Edit(r"predictor\w*_table\[predictor\w*_idx\] != 3\)", "!= 3)", "!= 2)"),)),
    Mutant("missed_hazard", "an instruction whose destination is also its rs1 source does not write it",
           (Edit(r"if \(\(regfile\w*_we && \(\w+ != 0\)\)\) begin", "!= 0))", "!= 0) && (ir[19:15] != ir[11:7]))"),)),
    Mutant("trap_cause", "a misaligned load reports the store-misaligned cause",
           (Edit(r"\? 3 : 5;", "? 3 : 5;", "? 5 : 5;"),)),
    Mutant("lane_dropped", "box lane 1 never writes its box-register storage",
           (Edit(r"lane_store1\w*_we_lo = \(c_box_we_lo && hit\);", "(c_box_we_lo && hit)", "1'b0"),
            Edit(r"lane_store1\w*_we_hi = \(c_box_we_hi && hit\);", "(c_box_we_hi && hit)", "1'b0"))),
    # FETCH goes to EXEC (3'b001) unless a record is on the trace port and ir still holds a
    # branch: the first fetch after a branch repeats once. Nothing but the cycles changes.
    Mutant("extra_stall", "an extra stall cycle after every conditional branch (only the timing check sees it)",
           (Edit(r"^\s+core_control\w*_c_goto = 3'b001;$", "3'b001;",
                 f"((rvfi_valid && (s_unit == {BRANCH_UNIT})) ? 3'b000 : 3'b001);"),)),
)
