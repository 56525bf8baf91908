"""Roles: what each instruction reads and writes, found by running its semantic function
on a recording ExecContext (the role probe)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from golden_model.decode import Decoded
from golden_model.iss import ExecContext, Iss
from golden_model.ops import SEMANTICS
from isa_spec import Config, Spec
from isa_spec.types import Instruction

from .names import BOX_OPERATOR_CLASS, GeneratorError


class _Tag(int):
    """An int that remembers which operands it was computed from (for the role probe)."""

    tags: frozenset[str]

    def __new__(cls, value: int, tags) -> _Tag:
        obj = super().__new__(cls, value)
        obj.tags = frozenset(tags)
        return obj


def _tags(v) -> frozenset[str]:
    return getattr(v, "tags", frozenset())


def _lift(fn):
    return lambda a, b: _Tag(fn(int(a), int(b)), _tags(a) | _tags(b))


for _n, _f in {"__add__": lambda a, b: a + b, "__radd__": lambda a, b: b + a,
               "__sub__": lambda a, b: a - b, "__rsub__": lambda a, b: b - a,
               "__mul__": lambda a, b: a * b, "__rmul__": lambda a, b: b * a}.items():
    setattr(_Tag, _n, _lift(_f))


@dataclass(frozen=True)
class Roles:
    """How one instruction uses its operands (operand names), from the role probe."""

    name: str
    x_reads: tuple[str, ...]
    b_reads: tuple[str, ...]
    x_writes: tuple[str, ...]
    b_writes: tuple[str, ...]
    addr_ops: tuple[str, ...] = ()     # operands summed into a memory address
    mem: str | None = None             # "load" or "store"
    mem_words: int = 0                 # words per access
    dim_ops: tuple[str, ...] = ()      # operands that index a box dimension
    target_ops: tuple[str, ...] = ()   # operands that form a jump/branch target
    conditional: bool = False
    jumps: bool = False
    halts: bool = False
    csr_read: bool = False
    csr_write: bool = False
    temps: bool = False

    @property
    def sources(self) -> tuple[str, ...]:
        return self.x_reads + self.b_reads

    @property
    def free(self) -> bool:
        """Any operand values are legal and control flow is sequential (usable as filler)."""
        return not (self.mem or self.dim_ops or self.jumps or self.conditional or self.halts
                    or self.csr_read or self.csr_write)


class _Probe(ExecContext):
    """An ExecContext that records what a semantic function touches instead of doing it."""

    def __init__(self, iss: Iss, dec: Decoded):
        super().__init__(iss, dec, 0)
        self.seen: dict[str, list[str]] = defaultdict(list)
        self.flags: set[str] = set()
        self.words = 0

    def _see(self, key: str, names) -> None:
        self.seen[key].extend(n for n in sorted(names) if n not in self.seen[key])

    def xr(self, opname):
        self._see("x_reads", [opname])
        return _Tag(0, {opname})

    def br(self, opname):
        self._see("b_reads", [opname])
        return np.zeros(self.D, np.int64), np.zeros(self.D, np.int64)

    def wx(self, opname, value):
        self._see("x_writes", [opname])

    def wb(self, opname, lo, hi):
        self._see("b_writes", [opname])

    def temps(self):
        self.flags.add("temps")
        return super().temps()

    def dim(self, index):
        self._see("dim", _tags(index))
        return 0

    def _access(self, kind: str, addr, n: int) -> None:
        self.flags.add(kind)
        self._see("addr", _tags(addr))
        self.words = n

    def load(self, addr):
        self._access("load", addr, 1)
        return 0

    def load_block(self, addr, n):
        self._access("load", addr, n)
        return [0] * n

    def store(self, addr, value):
        self._access("store", addr, 1)

    def store_block(self, addr, values):
        self._access("store", addr, len(values))

    def csr_read(self, number):
        self.flags.add("csr_read")
        return 0

    def csr_write(self, number, value):
        self.flags.add("csr_write")

    def jump(self, target):
        self.flags.add("jump")
        self._see("target", _tags(target))

    def branch(self, taken, target):
        self.flags.add("branch")
        self._see("target", _tags(target))

    def halt(self):
        self.flags.add("halt")


def _reg_indices(ins: Instruction, nb: int) -> dict[str, int]:
    """Distinct register indices per register operand (x1.., b0..) for oracle runs."""
    out, xi, bi = {}, 1, 0
    for op in ins.operands:
        if op.kind == "xreg":
            out[op.name], xi = xi, xi + 1
        elif op.kind == "breg":
            out[op.name], bi = bi % nb, bi + 1
    return out


def _probe(iss: Iss, ins: Instruction) -> Roles:
    ops: dict[str, int] = dict(_reg_indices(ins, iss.config["BREGS"]))
    any_csr = next(iter(iss.spec.csrs.values())).number
    for op in ins.operands:
        if op.kind == "csr":
            ops[op.name] = any_csr
        elif op.kind not in ("xreg", "breg"):
            ops[op.name] = _Tag(0, {op.name})
    p = _Probe(iss, Decoded(ins, ops))
    try:
        SEMANTICS[ins.name](p)
    except Exception as exc:  # a semantic function the probe cannot follow
        raise GeneratorError(f"role probe of '{ins.name}' failed: {exc!r}") from exc
    s, f = p.seen, p.flags
    return Roles(name=ins.name, x_reads=tuple(s["x_reads"]), b_reads=tuple(s["b_reads"]),
                 x_writes=tuple(s["x_writes"]), b_writes=tuple(s["b_writes"]),
                 addr_ops=tuple(s["addr"]), mem="load" if "load" in f else "store" if "store" in f else None,
                 mem_words=p.words, dim_ops=tuple(s["dim"]), target_ops=tuple(s["target"]),
                 conditional="branch" in f, jumps="jump" in f, halts="halt" in f,
                 csr_read="csr_read" in f, csr_write="csr_write" in f, temps="temps" in f)


# Caches keyed by id(spec): the entries here keep their spec alive, so an id is never reused.
_ROLES: dict[tuple[int, Config], tuple[Spec, dict[str, Roles]]] = {}


def instruction_roles(spec: Spec, config: Config) -> dict[str, Roles]:
    """Roles of every spec instruction for this configuration (cached)."""
    key = (id(spec), config)
    if key not in _ROLES:
        iss = Iss(config, spec)
        _ROLES[key] = (spec, {name: _probe(iss, ins) for name, ins in spec.instructions.items()})
    return _ROLES[key][1]


def box_operators(spec: Spec) -> list[str]:
    """Instructions whose box operands get value classes (the spec's box-operator class)."""
    return [n for n, i in spec.instructions.items() if i.iclass == BOX_OPERATOR_CLASS]

