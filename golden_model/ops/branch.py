"""Branches and jumps (isa_spec/instructions/branch.toml)."""

from .registry import semantic

CONDITIONS = {
    "beq": lambda a, b: a == b,
    "bne": lambda a, b: a != b,
    "blt": lambda a, b: a < b,
    "bge": lambda a, b: a >= b,
    "bltu": lambda a, b: (a & 0xFFFFFFFF) < (b & 0xFFFFFFFF),
    "bgeu": lambda a, b: (a & 0xFFFFFFFF) >= (b & 0xFFFFFFFF),
}


def _register(name: str, cond) -> None:
    semantic(name)(lambda c: c.branch(cond(c.xr("rs1"), c.xr("rs2")), c.pc + c.isize * c.op["boff"]))


for _n, _cond in CONDITIONS.items():
    _register(_n, _cond)


@semantic("jal")
def jal(c):
    c.wx("rd", c.pc + c.isize)
    c.jump(c.pc + c.isize * c.op["joff"])


@semantic("jalr")
def jalr(c):
    target = c.xr("rs1") + c.op["imm"]
    c.wx("rd", c.pc + c.isize)
    c.jump(target)
