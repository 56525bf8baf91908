"""AST -> slrm IR: names resolved, types checked, loops over concept lists unrolled,
temperatures attached to every box op, concept boxes rounded to the coord format, and
one output slot per `out` name (with its loop indices).

Every mistake is a CompileError at the construct's file:line:column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import CompileError, Loc
from ..ir import ConceptBox, Function, OutputSlot, Type, Value
from ..ir.builder import Builder
from ..target import Target
from . import ast
from .scope import Binding, Scopes

_CMP = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne"}
_CHAINS = ("&", "+", "-", "and", "or")      # left-associative operators


@dataclass
class _Temps:
    beta_i: float
    beta_v: float
    explicit: bool = False      # set by the program: an embedding's temperatures do not override it


@dataclass
class _Lowering:
    target: Target
    base_dir: Path
    fn: Function = field(init=False)
    b: Builder = field(init=False)
    scopes: Scopes = field(default_factory=Scopes)
    lists: dict[str, tuple[tuple[str, ...], Loc]] = field(default_factory=dict)
    concept_locs: dict[str, Loc] = field(default_factory=dict)
    slots: dict[str, int] = field(default_factory=dict)
    written: set[int] = field(default_factory=set)      # slots written on the current path
    index_labels: dict[int, tuple[str, ...]] = field(default_factory=dict)   # argmax value -> candidates

    def __post_init__(self):
        self.fn = Function(D=self.target.D)
        self.b = Builder(self.fn)
        csr = self.target.spec.csrs
        fmt = self.target.csr_format
        self.temps = _Temps(fmt("beta_i").to_float(csr["beta_i"].reset), fmt("beta_v").to_float(csr["beta_v"].reset))

    # ---- declarations ------------------------------------------------------------------

    def add_concept(self, name: str, lo, hi, loc: Loc) -> None:
        if name in self.fn.concepts:
            raise CompileError(loc, f"concept '{name}' is already defined at {self.concept_locs[name]}")
        D, coord = self.target.D, self.target.coord
        lo, hi = np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)
        if lo.size == 1 and hi.size == 1:
            lo, hi = np.full(D, lo.item()), np.full(D, hi.item())
        if lo.shape != (D,) or hi.shape != (D,):
            raise CompileError(loc, f"concept '{name}' has {lo.size} lower and {hi.size} upper coordinates; "
                                    f"configuration '{self.target.name}' has D = {D}")
        for side, arr in (("lower", lo), ("upper", hi)):
            if not np.all(np.isfinite(arr)):
                raise CompileError(loc, f"concept '{name}': a {side} coordinate is not finite")
            lim = coord.to_float(coord.min_raw), coord.to_float(coord.max_raw)
            bad = np.flatnonzero((arr < lim[0]) | (arr > lim[1]))
            if bad.size:
                raise CompileError(loc, f"concept '{name}': {side} coordinate {bad[0]} = {arr[bad[0]]:g} is outside "
                                        f"the coord format's range [{lim[0]:g}, {lim[1]:g}]")
        q = lambda a: np.array([coord.to_float(coord.to_raw(x)) for x in a])  # noqa: E731
        self.fn.concepts[name] = ConceptBox(name, q(lo), q(hi))
        self.concept_locs[name] = loc

    def use(self, st: ast.Use) -> None:
        from ..embedding import load_embedding

        path = Path(st.path)
        if not path.is_absolute():
            path = self.base_dir / path
        try:
            emb = load_embedding(path)
        except CompileError as exc:
            raise CompileError(st.loc, str(exc)) from None
        if emb.D != self.target.D:
            raise CompileError(st.loc, f"{st.path}: the embedding has D = {emb.D}; configuration "
                                       f"'{self.target.name}' has D = {self.target.D} (compile for a "
                                       f"configuration with D = {emb.D}, e.g. --param D={emb.D})")
        for i, name in enumerate(emb.names):
            self.add_concept(name, emb.lo[i], emb.hi[i], st.loc)
        if not self.temps.explicit:
            self.set_temps({"beta_i": emb.beta_i, "beta_v": emb.beta_v}, st.loc, explicit=False)

    def set_temps(self, values: dict[str, float], loc: Loc, explicit: bool = True) -> None:
        for name, v in values.items():
            fmt = self.target.csr_format(name)
            inv = self.target.csr_format("i" + name)
            raw = fmt.to_raw(v)
            stored = fmt.to_float(raw)
            if raw <= 0 or not np.isfinite(v) or v <= 0 or abs(stored - v) > 0.5 * v:
                raise CompileError(loc, f"{name} = {v:g} is not representable: the {fmt.name} format holds "
                                        f"({fmt.ulp:g}, {fmt.to_float(fmt.max_raw):g})")
            if inv.to_raw(1.0 / stored) >= inv.max_raw or inv.to_raw(1.0 / stored) <= 0:
                raise CompileError(loc, f"{name} = {v:g}: 1/{name} does not fit the {inv.name} format "
                                        f"(up to {inv.to_float(inv.max_raw):g})")
            setattr(self.temps, name, stored)
        self.temps.explicit = self.temps.explicit or explicit

    def list_items(self, lx: ast.ListExpr) -> tuple[str, ...]:
        if isinstance(lx, ast.ListRef):
            if lx.name not in self.lists:
                raise CompileError(lx.loc, f"unknown list '{lx.name}'")
            return self.lists[lx.name][0]
        for n in lx.items:
            if n not in self.fn.concepts:
                raise CompileError(lx.loc, f"unknown concept '{n}' in the list")
        return lx.items

    # ---- statements --------------------------------------------------------------------

    def stmts(self, body, top: bool) -> None:
        for st in body:
            self.stmt(st, top)

    def stmt(self, st: ast.Stmt, top: bool) -> None:
        if isinstance(st, ast.Use | ast.ConceptDecl | ast.ListDecl) and not top:
            raise CompileError(st.loc, "declarations (use, concept, list) belong at the top level")
        if isinstance(st, ast.Use):
            self.use(st)
        elif isinstance(st, ast.ConceptDecl):
            self.add_concept(st.name, st.box.lo, st.box.hi, st.loc)
        elif isinstance(st, ast.ListDecl):
            if st.name in self.lists:
                raise CompileError(st.loc, f"list '{st.name}' is already defined at {self.lists[st.name][1]}")
            self.lists[st.name] = (self.list_items(st.items), st.loc)
        elif isinstance(st, ast.Temperature):
            self.set_temps({k: v for k, v, _ in st.settings}, st.loc)
        elif isinstance(st, ast.Let):
            self.let(st)
        elif isinstance(st, ast.Out):
            self.out(st)
        elif isinstance(st, ast.If):
            self.if_(st)
        elif isinstance(st, ast.For):
            self.for_(st)
        else:
            raise CompileError(st.loc, f"unknown statement {type(st).__name__}")

    def let(self, st: ast.Let) -> None:
        if st.name in self.fn.concepts:
            raise CompileError(st.loc, f"'{st.name}' is a concept (defined at {self.concept_locs[st.name]})")
        if isinstance(st.value, ast.Name):          # an alias of a concept keeps its name for outputs
            b = self.scopes.lookup(st.value.name)
            concept = st.value.name if st.value.name in self.fn.concepts else (b.concept if b else None)
            if concept is not None:
                self.scopes.bind(st.name, Binding(None, st.loc, concept), "name")
                return
        v = self.expr(st.value)
        v.hint = st.name
        self.scopes.bind(st.name, Binding(v, st.loc), "name")

    def out(self, st: ast.Out) -> None:
        labels = []
        for ix in st.index:
            b = self.scopes.lookup(ix)
            if b is None or b.concept is None:
                raise CompileError(st.loc, f"output index '{ix}' is not a loop variable over concepts")
            labels.append(b.concept)
        name = st.name + "".join(f"[{c}]" for c in labels)
        v = self.expr(st.value)
        if v.type == Type.BOX:
            raise CompileError(st.value.loc, f"output '{name}' is a box; outputs are log probabilities, "
                                             f"decisions, integers or indices")
        slot = self.slots.get(name)
        if slot is None:
            slot = self.slots[name] = len(self.fn.outputs)
            self.fn.outputs.append(OutputSlot(name, v.type, self.index_labels.get(v.id, ()), st.loc))
        else:
            prev = self.fn.outputs[slot]
            if slot in self.written:
                raise CompileError(st.loc, f"output '{name}' is written twice on one path (first at {prev.loc})")
            if prev.type != v.type:
                raise CompileError(st.loc, f"output '{name}' is {v.type} here but {prev.type} at {prev.loc}")
        self.written.add(slot)
        self.b.op("out", v, loc=st.loc, slot=slot)

    def if_(self, st: ast.If) -> None:
        cond = self.expr(st.cond)
        if cond.type != Type.BOOL:
            raise CompileError(st.cond.loc, f"the condition of `if` is {cond.type}, not bool "
                                            f"(compare it with a threshold, e.g. `>= -0.5`)")
        self.b.op("cbr", cond, loc=st.loc, then="", likely=st.likely, **{"else": ""})
        cbr_op = self.b.block.ops[-1]
        before, after, ends = set(self.written), set(), []
        for key, body in (("then", st.then), ("else", st.orelse)):
            blk = self.b.new_block(key)
            cbr_op.attrs[key] = blk.name
            self.b.at(blk)
            self.written = set(before)
            self.scopes.push()
            self.stmts(body, top=False)
            self.scopes.pop()
            ends.append(self.b.block)
            after |= self.written
        join = self.b.new_block("join")
        for blk in ends:
            self.b.at(blk)
            self.b.op("br", loc=st.loc, target=join.name)
        self.written = after
        self.b.at(join)

    def for_(self, st: ast.For) -> None:
        for name in self.list_items(st.over):
            self.scopes.push()
            self.scopes.bind(st.var, Binding(None, st.loc, name), "loop variable")
            self.stmts(st.body, top=False)
            self.scopes.pop()

    # ---- expressions -------------------------------------------------------------------

    def expr(self, e: ast.Expr) -> Value:
        if isinstance(e, ast.Num):
            return self.const(Type.INT if e.is_int else Type.LOGPROB, e.value, e.loc)
        if isinstance(e, ast.Bool):
            return self.const(Type.BOOL, bool(e.value), e.loc)
        if isinstance(e, ast.Name):
            return self.name(e)
        if isinstance(e, ast.Unary):
            return self.unary(e)
        if isinstance(e, ast.Binary):
            return self.binary(e)
        if isinstance(e, ast.Call):
            return self.call(e)
        if isinstance(e, ast.Reduce):
            return self.reduce(e)
        raise CompileError(e.loc, f"unknown expression {type(e).__name__}")

    def const(self, t: Type, value, loc: Loc) -> Value:
        if t == Type.LOGPROB:
            fmt = self.target.log
            if not np.isfinite(value) or not fmt.to_float(fmt.min_raw) <= value <= fmt.to_float(fmt.max_raw):
                raise CompileError(loc, f"{value:g} is outside the log format's range")
            value = fmt.to_float(fmt.to_raw(value))
        elif t == Type.INT:
            value = int(value)
            if not -(1 << 31) <= value < (1 << 31):
                raise CompileError(loc, f"{value} does not fit a 32-bit register")
        return self.b.op("const", type=t, loc=loc, value=value)

    def name(self, e: ast.Name) -> Value:
        b = self.scopes.lookup(e.name)
        concept = b.concept if b is not None else (e.name if e.name in self.fn.concepts else None)
        if b is not None and b.value is not None:
            return b.value
        if concept is None:
            raise CompileError(e.loc, f"unknown name '{e.name}' (not a concept, let or loop variable)")
        return self.b.op("concept", loc=e.loc, hint=concept, name=concept)

    def box(self, e: ast.Expr, what: str) -> Value:
        v = self.expr(e)
        if v.type != Type.BOX:
            raise CompileError(e.loc, f"{what} needs a box, got {v.type}")
        return v

    def unary(self, e: ast.Unary) -> Value:
        if e.op == "-" and isinstance(e.arg, ast.Num):
            return self.expr(ast.Num(e.loc, -e.arg.value, e.arg.is_int))
        v = self.expr(e.arg)
        if e.op == "not":
            if v.type != Type.BOOL:
                raise CompileError(e.loc, f"`not` needs a bool, got {v.type}")
            return self.b.op("not", v, loc=e.loc)
        if v.type not in (Type.LOGPROB, Type.INT):
            raise CompileError(e.loc, f"unary '-' needs a number, got {v.type}")
        return self.b.op("neg", v, loc=e.loc)

    def _promote(self, a: Value, b: Value, ea: ast.Expr, eb: ast.Expr) -> tuple[Value, Value]:
        """An int literal meets a logprob: it is read as a logprob (`>= 0` means 0.0)."""
        if a.type == Type.LOGPROB and b.type == Type.INT and self._is_literal(eb):
            b = self.const(Type.LOGPROB, float(self._literal(eb)), eb.loc)
        elif b.type == Type.LOGPROB and a.type == Type.INT and self._is_literal(ea):
            a = self.const(Type.LOGPROB, float(self._literal(ea)), ea.loc)
        return a, b

    @staticmethod
    def _is_literal(e: ast.Expr) -> bool:
        return isinstance(e, ast.Num) or (isinstance(e, ast.Unary) and e.op == "-" and isinstance(e.arg, ast.Num))

    @staticmethod
    def _literal(e: ast.Expr) -> float:
        return e.value if isinstance(e, ast.Num) else -e.arg.value

    def binary(self, e: ast.Binary) -> Value:
        """A left-nested chain (a + b + c ..., a & b & c ...) is walked without recursion, so
        that a sum of thousands of terms (the API builds them) compiles."""
        spine = [e]
        while isinstance(spine[-1].left, ast.Binary) and spine[-1].left.op in _CHAINS \
                and spine[-1].op in _CHAINS:
            spine.append(spine[-1].left)
        acc = self.expr(spine[-1].left)
        for node in reversed(spine):
            acc = self.binary_step(node, acc)
        return acc

    def binary_step(self, e: ast.Binary, a: Value) -> Value:
        if e.op == "&":
            if a.type != Type.BOX:
                raise CompileError(e.left.loc, f"'&' needs a box, got {a.type}")
            return self.b.op("inter", a, self.box(e.right, "'&'"), loc=e.loc, beta_i=self.temps.beta_i)
        b = self.expr(e.right)
        if e.op in ("and", "or"):
            if a.type != Type.BOOL or b.type != Type.BOOL:
                raise CompileError(e.loc, f"`{e.op}` needs two bools, got {a.type} and {b.type}")
            return self.b.op(e.op, a, b, loc=e.loc)
        a, b = self._promote(a, b, e.left, e.right)
        if e.op in ("+", "-"):
            if a.type != b.type or a.type not in (Type.LOGPROB, Type.INT):
                raise CompileError(e.loc, f"'{e.op}' needs two logprobs or two ints, got {a.type} and {b.type}")
            return self.b.op("add" if e.op == "+" else "sub", a, b, loc=e.loc)
        if e.op in _CMP:
            ok = a.type == b.type and a.type in (Type.LOGPROB, Type.INT, Type.INDEX)
            ok = ok or {a.type, b.type} == {Type.INDEX, Type.INT}
            if not ok:
                raise CompileError(e.loc, f"cannot compare {a.type} with {b.type}")
            return self.b.op("cmp", a, b, loc=e.loc, pred=_CMP[e.op])
        raise CompileError(e.loc, f"unknown operator '{e.op}'")

    def call(self, e: ast.Call) -> Value:
        arity = {"hard": 2, "logvol": 1, "logP": 2, "is_a": 2}
        if e.func not in arity:
            raise CompileError(e.loc, f"unknown function '{e.func}'")
        if len(e.args) != arity[e.func]:
            raise CompileError(e.loc, f"{e.func} takes {arity[e.func]} argument(s), got {len(e.args)}")
        boxes = [self.box(a, e.func) for a in e.args]
        t = {"beta_i": self.temps.beta_i, "beta_v": self.temps.beta_v}
        if e.func == "hard":
            return self.b.op("hinter", *boxes, loc=e.loc)
        if e.func == "logvol":
            return self.b.op("logvol", *boxes, loc=e.loc, **t)
        if e.func == "logP":           # logP(A | B)
            return self.b.op("condp", boxes[0], boxes[1], loc=e.loc, **t)
        return self.b.op("condp", boxes[1], boxes[0], loc=e.loc, **t)   # is_a(A, B) = log P(B | A)

    def reduce(self, e: ast.Reduce) -> Value:
        items = self.list_items(e.over)
        if not items:
            raise CompileError(e.loc, f"{e.func} over an empty list")
        scores = []
        for name in items:
            self.scopes.push()
            self.scopes.bind(e.var, Binding(None, e.loc, name), "loop variable")
            v = self.expr(e.body)
            self.scopes.pop()
            if v.type != Type.LOGPROB:
                raise CompileError(e.body.loc, f"{e.func} needs a logprob score, got {v.type}")
            scores.append(v)
        v = self.b.op(e.func, *scores, loc=e.loc)
        if e.func == "argmax":
            self.index_labels[v.id] = items
        return v


def lower(module: ast.Module, target: Target) -> Function:
    """The module as slrm IR for the target's D and formats."""
    lw = _Lowering(target, Path(module.file).parent if module.file and not module.file.startswith("<") else Path("."))
    lw.stmts(module.body, top=True)
    lw.b.op("halt")
    fn = lw.fn
    fn.meta["temps_default"] = (lw.temps.beta_i, lw.temps.beta_v)
    return fn
