"""Planted RTL bugs: edits of the generated Verilog that a working testbench must catch.

Each mutant is a list of (line pattern, old text, new text): the pattern must select exactly
one line of the generated design (the LAST match when `last` is set), so a generator change
that moves the site makes the mutant fail loudly instead of silently mutating nothing.

An edit with `regex` set treats `old` as a regular expression and `new` as its replacement
(with \\1 ... for groups), so that a mutant can name the signals of the line it edits without
spelling MyHDL's instance prefixes. `{name}` in `new` is the first group of the mutant's
`names[name]` pattern searched over the whole design (a signal declared elsewhere); a
mutant with names writes a Verilog brace as {{ or }}.

The pipeline bugs of issue 15 are in verif/mutants_pipeline.py; PLANTED is the union."""

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
    regex: bool = False


@dataclass(frozen=True)
class Mutant:
    name: str
    what: str
    edits: tuple[Edit, ...]
    names: tuple[tuple[str, str], ...] = ()   # placeholder -> pattern with one group

    def _names(self, verilog: str) -> dict[str, str]:
        out = {}
        for key, pattern in self.names:
            m = re.search(pattern, verilog, re.M)
            if not m:
                raise ValueError(f"mutant {self.name}: no signal for {{{key}}} ({pattern!r})")
            out[key] = m.group(1)
        return out

    def apply(self, verilog: str) -> str:
        names = self._names(verilog)
        lines = verilog.split("\n")
        for e in self.edits:
            hits = [i for i, ln in enumerate(lines) if re.search(e.line, ln)]
            if not hits or (len(hits) > 1 and not e.last):
                raise ValueError(f"mutant {self.name}: pattern {e.line!r} matches {len(hits)} lines")
            i = hits[-1]
            new = e.new.format(**names) if names else e.new
            if e.regex:
                line, n = re.subn(e.old, new, lines[i], count=1)
            else:
                line, n = lines[i].replace(e.old, new, 1), int(e.old in lines[i])
            if not n:
                raise ValueError(f"mutant {self.name}: {e.old!r} not in line {i + 1}: {lines[i]!r}")
            lines[i] = line
        return "\n".join(lines)

    def changed_lines(self, verilog: str) -> list[tuple[int, str, str]]:
        """(1-based line, before, after) of every line the mutant changes (edits keep lines)."""
        before, after = verilog.split("\n"), self.apply(verilog).split("\n")
        return [(i + 1, a, b) for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]

    def write(self, src: Path, dst: Path) -> Path:
        dst.mkdir(parents=True, exist_ok=True)
        (dst / src.name).write_text(self.apply(src.read_text()))
        return dst


CORE = (
    Mutant("rounding", "the scalar phi unit truncates instead of rounding (flse, fsoftp)",
           (Edit(r"^assign mw_stage\w*_scalar_nl_unit\w*_phi_unit\w* = "
                 r"\(mw_stage\w*_scalar_nl_unit\w*_phi_unit\w* \+ 1\);$",
                 "+ 1);", "+ 0);", last=True),)),
    Mutant("predictor_saturation", "the 2-bit predictor counter saturates at 2 instead of 3",
           (Edit(r"predictor\w*_table\[predictor\w*_tidx\] != 3\)", "!= 3)", "!= 2)"),)),
    Mutant("missed_hazard", "EX does not forward x[rs2] from MW: an instruction right after its producer reads "
                            "the stale register",
           (Edit(r"h = \(ex_stage\w*_src_ok && id_stage\w*_idex_reads2 &&", "_src_ok &&", "_src_ok && 1'b0 &&"),)),
    Mutant("trap_cause", "a misaligned load reports the store-misaligned cause",
           (Edit(r"\? 3 : 5;", "? 3 : 5;", "? 5 : 5;"),)),
    Mutant("lane_dropped", "box lane 1 never writes its box-register storage",
           (Edit(r"lane_store1\w*_we_lo = \(box_ops\w*_we_lo && hit\);", "_we_lo && hit)", "_we_lo && 1'b0)"),
            Edit(r"lane_store1\w*_we_hi = \(box_ops\w*_we_hi && hit\);", "_we_hi && hit)", "_we_hi && 1'b0)"))),
    # ID does not issue while EX holds a conditional branch: the instruction after a correctly
    # predicted branch enters EX a cycle late. Nothing but the cycles changes.
    Mutant("extra_stall", "an extra stall cycle after every conditional branch (only the timing check sees it)",
           (Edit(r"^assign go = \(ifid_valid && \(obs_why == 0\) && \(!redirect_valid\)\);$", "(!redirect_valid));",
                 f"(!redirect_valid) && !(obs_ex_valid && (id_stage0_idex_unit == {BRANCH_UNIT})));"),)),
)

# imported here, after Edit and Mutant exist: the pipeline module builds its mutants from them
from .mutants_pipeline import PIPELINE  # noqa: E402

PLANTED = CORE + PIPELINE
