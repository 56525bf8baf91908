"""The datapath units and the operations each implements: the one table behind the decoder's
unit/op codes, the units' case statements and `lpu isa check`'s RTL column.

Each unit declares its operations where their cases are written (`UnitOps` in alu.py,
scalar_nl.py, core_control.py); rtl_gen/execute.py maps instructions onto them. A case in
execute.py that names an operation its unit does not declare, or a declared operation whose
unit file has no case for it, is reported by `unit_problems()` (`lpu isa check`) and refused
by generation, so an instruction can no longer fall into some unit's default branch.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace

from isa_spec.errors import LpuError

# Decoder unit code = index here (the order only fixes the codes in the generated RTL).
UNITS = ("alu", "branch", "jump", "mem", "csr", "scalar_nl", "box", "boxmove", "system")
ROOT = Path(__file__).resolve().parent.parent


class RtlError(LpuError):
    """The RTL generator's tables disagree (an instruction mapped to an operation no unit
    implements); the message names the file to edit."""


@dataclass(frozen=True)
class UnitOps:
    """The operations of one unit. `alias` is the name the unit file binds `consts` to; its
    cases read `ALIAS.OP` (upper case), which is how `missing_cases` finds them."""
    unit: str
    file: str            # the module with the cases, e.g. "rtl_gen/alu.py"
    ops: tuple[str, ...]
    alias: str
    extra_files: tuple[str, ...] = field(default=())  # other modules with cases of this unit

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise RtlError(f"{self.file}: unit '{self.unit}' is not one of rtl_gen/units.py UNITS")
        if len(set(self.ops)) != len(self.ops):
            raise RtlError(f"{self.file}: unit '{self.unit}' declares an operation twice: {self.ops}")

    def code(self, op: str) -> int:
        """The op code the decoder emits (sorted names: stable when ops are appended)."""
        return sorted(self.ops).index(op)

    @cached_property
    def consts(self) -> SimpleNamespace:
        """OP -> code as attributes (MyHDL converts `K.ADD` inside a block to the constant)."""
        return SimpleNamespace(**{op.upper(): self.code(op) for op in self.ops})

    def missing_cases(self) -> list[str]:
        """Declared operations that no case in the unit's files names (`ALIAS.OP`)."""
        used: set[str] = set()
        for f in (self.file, *self.extra_files):
            for node in ast.walk(ast.parse((ROOT / f).read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                        and node.value.id == self.alias:
                    used.add(node.attr)
        return [op for op in self.ops if op.upper() not in used]
