"""The lint gate: Verilator --lint-only -Wall on generated Verilog, with the waivers in
lint_waivers.vlt (each with its reason)."""

from __future__ import annotations

import subprocess
from pathlib import Path

WAIVERS = Path(__file__).resolve().parent / "lint_waivers.vlt"
LINT_FLAGS = ["--lint-only", "-Wall", "--default-language", "1364-2005"]


def lint(verilog: Path, top: str) -> list[str]:
    """Return Verilator's warning/error lines (empty = clean)."""
    from .toolchain import setup_verilator

    exe = setup_verilator()
    cmd = [str(exe), *LINT_FLAGS, "--top-module", top, str(WAIVERS), str(verilog)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    lines = [ln for ln in (proc.stdout + proc.stderr).splitlines() if ln.startswith("%")]
    if proc.returncode and not lines:
        lines = [f"verilator exited with {proc.returncode}: {proc.stderr.strip()[:500]}"]
    return lines
