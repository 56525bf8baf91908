"""RTL execute cases: which unit operation each instruction uses (VexRiscv-style). The
units declare their operations (rtl_gen/units.py `UnitOps`, next to their cases); this file
maps instructions onto them. The decode tables are the union; an instruction claimed twice,
or mapped to an operation its unit does not declare, is in `unit_problems()`, which
`lpu isa check` reports and generation refuses. Adding an instruction to the RTL = one line
here, plus the operation in its unit if the datapath lacks it."""

from __future__ import annotations

from dataclasses import dataclass

from .alu import ALU_UNIT
from .control_units import CONTROL_UNITS
from .scalar_nl import SCALAR_NL_UNIT
from .units import UNITS, RtlError, UnitOps

UNIT_OPS: dict[str, UnitOps] = {u.unit: u for u in (ALU_UNIT, SCALAR_NL_UNIT, *CONTROL_UNITS)}

UNIT_CASES: dict[str, dict[str, str]] = {
    # instruction -> ALU operation (the second operand is x[rs2] or the immediate, by spec)
    "alu": {"add": "add", "addi": "add", "sub": "sub", "sll": "sll", "slli": "sll",
            "slt": "slt", "slti": "slt", "sltu": "sltu", "sltiu": "sltu", "xor": "xor",
            "xori": "xor", "srl": "srl", "srli": "srl", "sra": "sra", "srai": "sra",
            "or": "or", "ori": "or", "and": "and", "andi": "and", "lui": "lui"},
    "branch": {"beq": "eq", "bne": "ne", "blt": "lt", "bge": "ge", "bltu": "ltu", "bgeu": "geu"},
    "jump": {"jal": "jal", "jalr": "jalr"},
    "mem": {"lw": "lw", "sw": "sw", "lbx": "lbx", "sbx": "sbx"},
    "csr": {"csrr": "read", "csrw": "write"},
    "scalar_nl": {"fexp": "fexp", "fln": "fln", "fsoftp": "fsoftp", "flse": "flse", "fmul": "fmul"},
    "box": {"bint": "soft", "bhint": "hard", "blvol": "lvol", "blcp": "lcp", "bgecp": "gecp"},
    "boxmove": {"bmov": "mov", "bgetlo": "getlo", "bgethi": "gethi", "bsetlo": "setlo",
                "bsethi": "sethi"},
    "system": {"halt": "halt"},
}


@dataclass(frozen=True)
class ExecCase:
    unit: str
    op: str

    @property
    def unit_code(self) -> int:
        return UNITS.index(self.unit)

    @property
    def op_code(self) -> int:
        return UNIT_OPS[self.unit].code(self.op)


def op_code(unit: str, op: str) -> int:
    """The code the decoder emits for `op` of `unit` (rtl_gen/units.py UnitOps.code)."""
    return UNIT_OPS[unit].code(op)


def _build() -> tuple[dict[str, ExecCase], list[str]]:
    out: dict[str, ExecCase] = {}
    problems = [f"rtl_gen/units.py: unit '{u}' has no UnitOps declaration" for u in UNITS if u not in UNIT_OPS]
    for unit, cases in UNIT_CASES.items():
        decl = UNIT_OPS.get(unit)
        if decl is None:
            problems.append(f"rtl_gen/execute.py: unit '{unit}' is not one of {', '.join(UNITS)}")
            continue
        for name, op in cases.items():
            if name in out:
                problems.append(f"rtl_gen/execute.py: instruction '{name}' claimed by units "
                                f"'{out[name].unit}' and '{unit}'")
            elif op not in decl.ops:
                problems.append(f"rtl_gen/execute.py: instruction '{name}' uses operation '{op}' of unit "
                                f"'{unit}', which {decl.file} does not implement (add '{op}' to its "
                                f"UnitOps and a case {decl.alias}.{op.upper()}; it has {', '.join(decl.ops)})")
            else:
                out[name] = ExecCase(unit, op)
    for decl in UNIT_OPS.values():
        for op in decl.missing_cases():
            problems.append(f"{decl.file}: unit '{decl.unit}' declares operation '{op}' but no case "
                            f"reads {decl.alias}.{op.upper()}")
    return out, problems


EXECUTE_CASES, _PROBLEMS = _build()
IMPLEMENTED = frozenset(EXECUTE_CASES)


def unit_problems() -> list[str]:
    """What is inconsistent between execute.py and the units (empty = consistent)."""
    return list(_PROBLEMS)


def require_consistent() -> None:
    """Generation's gate: refuse to build an RTL in which an instruction has no operation."""
    if _PROBLEMS:
        raise RtlError(_PROBLEMS[0] + (f" (and {len(_PROBLEMS) - 1} more; see `lpu isa check`)"
                                       if len(_PROBLEMS) > 1 else ""))
