"""The operations of the control-heavy units (branch, jump, mem, csr, box, boxmove, system)
and the files whose cases implement them (rtl_gen/units.py `UnitOps`): the decoder's op codes
come from here, and `lpu isa check` finds a declared operation without a case."""

from __future__ import annotations

from .units import UnitOps

_EX, _BOX, _MW = "rtl_gen/ex_stage.py", "rtl_gen/box_ops.py", "rtl_gen/mw_stage.py"
BRANCH_UNIT = UnitOps("branch", _EX, ("eq", "ne", "lt", "ge", "ltu", "geu"), alias="B")
JUMP_UNIT = UnitOps("jump", _EX, ("jal", "jalr"), alias="J")
MEM_UNIT = UnitOps("mem", _EX, ("lw", "sw", "lbx", "sbx"), alias="M", extra_files=(_BOX,))
CSR_UNIT = UnitOps("csr", _EX, ("read", "write"), alias="CS")
BOX_UNIT = UnitOps("box", _BOX, ("soft", "hard", "lvol", "lcp", "gecp"), alias="X")
BOXMOVE_UNIT = UnitOps("boxmove", _BOX, ("mov", "getlo", "gethi", "setlo", "sethi"), alias="V")
SYSTEM_UNIT = UnitOps("system", _EX, ("halt",), alias="SY")
CONTROL_UNITS = (BRANCH_UNIT, JUMP_UNIT, MEM_UNIT, CSR_UNIT, BOX_UNIT, BOXMOVE_UNIT, SYSTEM_UNIT)
B, J, M, CS, X, V, SY = (u.consts for u in CONTROL_UNITS)
