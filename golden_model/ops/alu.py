"""Scalar integer ALU (isa_spec/instructions/alu.toml)."""

from .registry import semantic


def _u(v: int) -> int:
    return v & 0xFFFFFFFF


BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "sll": lambda a, b: a << (b & 31),
    "slt": lambda a, b: int(a < b),
    "sltu": lambda a, b: int(_u(a) < _u(b)),
    "xor": lambda a, b: a ^ b,
    "srl": lambda a, b: _u(a) >> (b & 31),
    "sra": lambda a, b: a >> (b & 31),
    "or": lambda a, b: a | b,
    "and": lambda a, b: a & b,
}
IMMEDIATE = {"addi": "add", "slti": "slt", "sltiu": "sltu", "xori": "xor", "ori": "or",
             "andi": "and", "slli": "sll", "srli": "srl", "srai": "sra"}


def _register(name: str, fn) -> None:
    semantic(name)(lambda c: c.wx("rd", fn(c.xr("rs1"), c.xr("rs2"))))


def _register_imm(name: str, fn) -> None:
    src = "shamt" if name in ("slli", "srli", "srai") else "imm"
    semantic(name)(lambda c: c.wx("rd", fn(c.xr("rs1"), c.op[src])))


for _n, _f in BINARY.items():
    _register(_n, _f)
for _n, _base in IMMEDIATE.items():
    _register_imm(_n, BINARY[_base])


@semantic("lui")
def lui(c):
    c.wx("rd", c.op["uimm"] << 12)
