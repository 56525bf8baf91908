"""The op table: every opcode's operand and result types, attributes and properties.

Two dialects share one IR. `slrm` ops are the language's meaning (what the interpreter
runs and CSE/DCE rewrite); `lpu` ops are LPU instructions on virtual (then physical)
registers, made by instruction selection. The verifier checks every op against this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from .core import Type

B, L, BO, N, X = Type.BOX, Type.LOGPROB, Type.BOOL, Type.INT, Type.INDEX
SCALARS = frozenset({L, BO, N, X})      # what lives in a scalar register


@dataclass(frozen=True)
class OpDef:
    name: str
    operands: tuple[frozenset[Type], ...]   # allowed types per operand
    result: Type | None | str               # a type, None, or "same" (as operand 0) / "attr" (attrs["type"])
    attrs: tuple[str, ...] = ()
    pure: bool = True                       # no side effect: CSE may merge it, DCE may drop it
    commutative: bool = False
    terminator: bool = False
    variadic: bool = False                  # operands: any number (>= 1) of operands[0]'s types
    dialect: str = "slrm"

    @property
    def attr_set(self) -> frozenset[str]:
        return frozenset(self.attrs)


def _d(name, operands, result, attrs=(), **kw) -> OpDef:
    return OpDef(name, tuple(frozenset(t) for t in operands), result, tuple(attrs), **kw)


TEMPS = ("beta_i", "beta_v")
_SLRM = [
    _d("concept", (), B, ("name",)),
    _d("const", (), "attr", ("type", "value")),
    _d("inter", ({B}, {B}), B, ("beta_i",), commutative=True),
    _d("hinter", ({B}, {B}), B, (), commutative=True),
    _d("logvol", ({B},), L, TEMPS),
    _d("condp", ({B}, {B}), L, TEMPS),                    # log P(operand 0 | operand 1)
    _d("add", ({L, N}, {L, N}), "same", (), commutative=True),
    _d("sub", ({L, N}, {L, N}), "same"),
    _d("neg", ({L, N},), "same"),
    _d("cmp", ({L, N, X}, {L, N, X}), BO, ("pred",)),     # pred: lt le gt ge eq ne
    _d("not", ({BO},), BO),
    _d("and", ({BO}, {BO}), BO, (), commutative=True),
    _d("or", ({BO}, {BO}), BO, (), commutative=True),
    _d("argmax", ({L},), X, (), variadic=True),           # the first best on a tie
    _d("max", ({L},), L, (), variadic=True),
    _d("out", ({L, BO, N, X},), None, ("slot",), pure=False),
    _d("br", (), None, ("target",), pure=False, terminator=True),
    _d("cbr", ({BO},), None, ("then", "else"), pure=False, terminator=True),
    _d("halt", (), None, (), pure=False, terminator=True),
]

# lpu ops: one LPU instruction each (li may be two words). Scalar operands are any scalar
# type: after selection a bool is 0/1 and an index an integer in a register.
S = SCALARS
_LPU = [
    _d("lpu.lbx", (), B, ("addr",)),                      # a concept's home or a spill slot
    _d("lpu.sbx", ({B},), None, ("addr",), pure=False),
    _d("lpu.bint", ({B}, {B}), B, ("beta_i",), commutative=True),
    _d("lpu.bhint", ({B}, {B}), B, (), commutative=True),
    _d("lpu.blvol", ({B},), L, TEMPS),
    _d("lpu.blcp", ({B}, {B}), L, TEMPS),
    _d("lpu.li", (), "attr", ("type", "imm")),
    _d("lpu.alu", (S, S), "attr", ("type", "op")),        # add sub slt sltu xor or and
    _d("lpu.alui", (S,), "attr", ("type", "op", "imm")),  # addi xori slti sltiu andi ori
    _d("lpu.lw", (), "attr", ("type", "addr")),           # reload of a spilled scalar
    _d("lpu.sw", (S,), None, ("addr",), pure=False),      # a result, or a scalar spill
    _d("lpu.bcc", (S, S), None, ("cond", "then", "else"), pure=False, terminator=True),
    _d("lpu.bgecp", ({B}, {B}, S), None, TEMPS + ("then", "else"), pure=False, terminator=True),
    _d("lpu.j", (), None, ("target",), pure=False, terminator=True),
    _d("lpu.halt", (), None, (), pure=False, terminator=True),
]
for _o in _LPU:
    object.__setattr__(_o, "dialect", "lpu")

OPS: dict[str, OpDef] = {o.name: o for o in _SLRM + _LPU}

CMP_PREDS = ("lt", "le", "gt", "ge", "eq", "ne")
ALU_OPS = ("add", "sub", "slt", "sltu", "xor", "or", "and")
ALUI_OPS = ("addi", "xori", "slti", "sltiu", "andi", "ori")
BCC_CONDS = ("beq", "bne", "blt", "bge")
BOX_OPS = frozenset({"lpu.bint", "lpu.bhint", "lpu.blvol", "lpu.blcp", "lpu.bgecp"})
