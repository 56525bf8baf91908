"""The preflight checks of rtl_gen/toolchain.py, for the layers above verif (regress may not
import rtl_gen). Importing this loads neither MyHDL nor cocotb, so a missing package is
reported by the check instead of an ImportError."""

from rtl_gen.toolchain import ToolError, require_packages, require_sim_tools

__all__ = ["ToolError", "require_packages", "require_sim_tools"]
