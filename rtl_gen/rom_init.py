"""The one post-processing step of MyHDL's Verilog, used by the build (generate.py) and by
the unit tests (tests/test_rtl_units.py), so both lint the Verilog that ships."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from .progress import QUIET, Progress

ROM_INIT_REASON = ("// MyHDL sizes ROM words of 2^30 and more by their own bit length (32'h40000000 into a\n"
                   "// 33-bit word): value-preserving for a constant, so waived for this block only.")
ROM_INIT_RULES = ("WIDTHEXPAND",)
_ROM_BLOCK = re.compile(r"^initial begin\n(?:    \w+\[\d+\] = .*;\n)+end$", re.M)


def fix_rom_init(verilog: str) -> str:
    """MyHDL writes memory initialisers (the ROM tables) as non-blocking assignments in
    `initial` blocks; at time 0 a blocking assignment means the same and is what lint expects
    (INITIALDLY), so rewrite them, and wrap each ROM block in its WIDTHEXPAND waiver."""
    out, inside = [], False
    for line in verilog.splitlines(keepends=True):
        if line.startswith("initial begin"):
            inside = True
        elif inside and line.startswith("end"):
            inside = False
        elif inside:
            line = line.replace(" <= ", " = ", 1)
        out.append(line)
    off = "".join(f"/* verilator lint_off {r} */\n" for r in ROM_INIT_RULES)
    on = "".join(f"\n/* verilator lint_on {r} */" for r in ROM_INIT_RULES)
    return _ROM_BLOCK.sub(lambda m: f"{ROM_INIT_REASON}\n{off}{m.group(0)}{on}", "".join(out))


def convert(inst, outdir: Path, name: str | None = None, quiet: bool = True, progress: Progress = QUIET) -> Path:
    """Convert a MyHDL block instance to OUTDIR/<name>.v (initial values on: the ROM tables
    need them) and apply fix_rom_init. quiet: drop MyHDL's warnings about constant wires
    and unread intermediates (the Verilator lint gate is the judge of the result)."""
    name = name or inst.func.__name__
    with warnings.catch_warnings(), progress.step("convert"):
        if quiet:
            warnings.simplefilter("ignore")
        inst.convert(hdl="Verilog", path=str(outdir), name=name, initial_values=True, testbench=False)
    path = Path(outdir) / f"{name}.v"
    with progress.step("ROM init"):
        path.write_text(fix_rom_init(path.read_text()))
    return path
