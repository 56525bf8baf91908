"""RTL execute cases: each datapath unit declares the instructions it implements and the
operation it performs for each (VexRiscv-style). The decode tables are the union; an
instruction claimed twice is rejected, and `IMPLEMENTED` is what `lpu isa check` compares
with the spec. Adding an instruction to the RTL = one line here (plus a new operation in the
unit if the datapath lacks it)."""

from __future__ import annotations

from dataclasses import dataclass

UNITS = ("alu", "branch", "jump", "mem", "csr", "scalar_nl", "box", "boxmove", "system")

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

ALU_OPS = ("add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and", "lui")


@dataclass(frozen=True)
class ExecCase:
    unit: str
    op: str

    @property
    def unit_code(self) -> int:
        return UNITS.index(self.unit)

    @property
    def op_code(self) -> int:
        return sorted(set(UNIT_CASES[self.unit].values())).index(self.op)


def op_code(unit: str, op: str) -> int:
    """The code the decoder emits for `op` of `unit` (stable: sorted op names)."""
    return sorted(set(UNIT_CASES[unit].values())).index(op)


def _build() -> dict[str, ExecCase]:
    out: dict[str, ExecCase] = {}
    for unit, cases in UNIT_CASES.items():
        assert unit in UNITS, unit
        for name, op in cases.items():
            if name in out:
                raise ValueError(f"instruction '{name}' claimed by units '{out[name].unit}' and '{unit}'")
            out[name] = ExecCase(unit, op)
    return out


EXECUTE_CASES = _build()
IMPLEMENTED = frozenset(EXECUTE_CASES)
