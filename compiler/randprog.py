"""Seeded random SLRM programs, built as `ast.Module`, for the compiled test family.

Every program is valid (all names defined, types right, every `out` written at most once
on a path) and uses every statement kind: concept boxes (broadcast intervals and full
D-vectors, nested, disjoint, inverted), temperatures, lets of boxes and scalars, outs of
log probabilities, decisions, integers and indices, `if`/`else` (nested, with hints),
`for` loops with indexed outs, `argmax`/`max` over lists. Each top-level statement is
kept within an estimated BUDGET words (the top-level lets it reads and its temperature
changes included), so that the programs compile for tiny (IMEM 64 words, DMEM 64 words)
at -O1/-O2 (the compiler splits a program by top-level statement). With `force_spills`,
six or more intersections are live at once, so that tiny's two box registers spill.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .errors import Loc
from .frontend import ast as A

FILE = "<random>"
BUDGET = 40.0           # estimated words of one top-level statement: tiny has 64 words of IMEM
TEMPS_WORDS = 8.0       # setting beta_i, beta_v (and their inverses) again


@dataclass
class _Gen:
    rng: random.Random
    D: int
    file: str
    concepts: dict[str, tuple[list[float], list[float]]] = field(default_factory=dict)
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    scopes: list[dict[str, str]] = field(default_factory=lambda: [{}])   # name -> box | logprob | ...
    loops: list[str] = field(default_factory=list)                       # enclosing loop variables
    out_kinds: dict[str, str] = field(default_factory=dict)
    reduces: int = 1            # argmax/max left for the current top-level statement (tiny's IMEM)
    let_costs: dict[str, tuple[float, int]] = field(default_factory=dict)   # top-level let: (words, epoch)
    epoch: int = 0              # top-level temperature statements so far (a change costs CSR writes)
    line: int = 0
    serial: int = 0

    # ---- helpers ---------------------------------------------------------------------

    def loc(self) -> Loc:
        self.line += 1
        return Loc(self.file, self.line, 1)

    def fresh(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}{self.serial}"

    def visible(self, kind: str) -> list[str]:
        return [n for f in self.scopes for n, k in f.items() if k == kind]

    def bind(self, name: str, kind: str) -> None:
        self.scopes[-1][name] = kind

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def num(self, value: float, is_int: bool = False) -> A.Expr:
        """A literal; a negative one sometimes written as unary minus (as the parser reads it)."""
        if value < 0 and self.chance(0.5):
            return A.Unary(self.loc(), "-", A.Num(self.loc(), -value, is_int))
        return A.Num(self.loc(), value, is_int)

    def concept_list(self, most: int) -> A.ListExpr:
        if self.lists and self.chance(0.3):
            name = self.rng.choice(sorted(self.lists))
            if len(self.lists[name]) <= most:
                return A.ListRef(self.loc(), name)
        k = self.rng.randint(2, max(2, min(most, len(self.concepts))))
        return A.ListLit(self.loc(), tuple(self.rng.sample(sorted(self.concepts), k)))

    # ---- declarations ----------------------------------------------------------------

    def coord(self) -> float:
        if self.chance(0.05):
            return round(self.rng.choice([-1, 1]) * self.rng.uniform(2, 8), 3)
        return round(self.rng.uniform(-2, 2), 3)

    def concept(self) -> A.ConceptDecl:
        D, rng = self.D, self.rng
        style = rng.choice(["interval", "interval", "vector", "vector", "nested", "disjoint", "inverted"])
        parent = self.concepts[rng.choice(sorted(self.concepts))] if self.concepts else None
        if style in ("nested", "disjoint") and parent is not None:
            plo, phi = parent
            if style == "nested":
                lo = [a + rng.uniform(0, 0.4) * (b - a) for a, b in zip(plo, phi, strict=True)]
                hi = [b - rng.uniform(0, 0.4) * (b - a) for a, b in zip(plo, phi, strict=True)]
            else:
                shift = rng.choice([-1, 1]) * rng.uniform(0.1, 1.0)
                lo = [(b if shift > 0 else a - (b - a)) + shift for a, b in zip(plo, phi, strict=True)]
                hi = [x + rng.uniform(0.05, 1.0) for x in lo]
        else:
            lo = [self.coord() for _ in range(D)]
            hi = [x + rng.uniform(0.05, 2.0) for x in lo]
            if style == "inverted":           # lo > hi in some dimensions: legal, an empty side
                for d in rng.sample(range(D), rng.randint(1, D)):
                    lo[d], hi[d] = hi[d], lo[d]
        lo = [round(max(-30.0, min(30.0, x)), 4) for x in lo]
        hi = [round(max(-30.0, min(30.0, x)), 4) for x in hi]
        broadcast = style == "interval" or (D == 1 and self.chance(0.5))
        if broadcast:
            lo, hi = [lo[0]] * D, [hi[0]] * D
        name = self.fresh("c")
        self.concepts[name] = (lo, hi)
        box = A.BoxLit(self.loc(), (lo[0],) if broadcast else tuple(lo), (hi[0],) if broadcast else tuple(hi))
        return A.ConceptDecl(self.loc(), name, box)

    def temperature(self) -> A.Temperature:
        rng = self.rng
        beta_i = float(f"{10 ** rng.uniform(-3, 0):.4g}")
        beta_v = float(f"{10 ** (rng.uniform(-2, -1.3) if self.chance(0.1) else rng.uniform(-1.3, 0)):.4g}")
        settings = [("beta_i", beta_i, self.loc()), ("beta_v", beta_v, self.loc())]
        if self.chance(0.2):
            settings = [rng.choice(settings)]
        return A.Temperature(self.loc(), tuple(settings))

    # ---- expressions -----------------------------------------------------------------

    def box(self, depth: int) -> A.Expr:
        r = self.rng.random()
        if depth > 0 and r < 0.25:
            return A.Binary(self.loc(), "&", self.box(depth - 1), self.box(depth - 1))
        if depth > 0 and r < 0.32:
            return A.Call(self.loc(), "hard", (self.box(depth - 1), self.box(depth - 1)))
        atoms = sorted(self.concepts) + self.visible("box") + self.loops * 3
        return A.Name(self.loc(), self.rng.choice(atoms))

    def logprob(self, depth: int) -> A.Expr:
        r, rng = self.rng.random(), self.rng
        bd = min(depth, 1)
        if r < 0.25:
            return A.Call(self.loc(), "logP", (self.box(bd), self.box(bd)))
        if r < 0.45:
            return A.Call(self.loc(), "is_a", (self.box(bd), self.box(bd)))
        if r < 0.58:
            return A.Call(self.loc(), "logvol", (self.box(bd),))
        if r < 0.68 and self.visible("logprob"):
            return A.Name(self.loc(), rng.choice(self.visible("logprob")))
        if r < 0.8 and depth > 0:
            op = rng.choice(["+", "-"])
            right = self.num(rng.choice([-1, 0, 1, 2]), True) if self.chance(0.2) else self.logprob(depth - 1)
            return A.Binary(self.loc(), op, self.logprob(depth - 1), right)
        if r < 0.85 and depth > 0:
            return A.Unary(self.loc(), "-", self.logprob(depth - 1))
        if r < 0.9 or not self.reduces:
            return self.num(round(rng.uniform(-12, 2), 3))
        return self.reduce("max", most=3 if depth > 1 else 2)

    def reduce(self, func: str, most: int) -> A.Reduce:
        self.reduces -= 1
        var = self.fresh("v")
        over = self.concept_list(most)
        self.loops.append(var)
        body = self.rng.choice([
            lambda: A.Call(self.loc(), "is_a", (self.box(0), A.Name(self.loc(), var))),
            lambda: A.Call(self.loc(), "logP", (A.Name(self.loc(), var), self.box(0))),
            lambda: A.Call(self.loc(), "logvol", (A.Binary(self.loc(), "&", A.Name(self.loc(), var), self.box(0)),)),
            lambda: self.logprob(0),
        ])()
        self.loops.pop()
        return A.Reduce(self.loc(), func, var, over, body)

    def threshold(self) -> A.Expr:
        if self.chance(0.25):
            return self.num(self.rng.choice([0, -1, -2, -5]), True)     # an int literal, read as a logprob
        return self.num(round(self.rng.uniform(-10, 0.5), 3))

    def boolean(self, depth: int) -> A.Expr:
        r, rng = self.rng.random(), self.rng
        cmp = rng.choice(["<", "<=", ">", ">=", "==", "!="] if self.chance(0.2) else ["<", ">=", ">", "<="])
        if r < 0.4:
            return A.Binary(self.loc(), cmp, self.logprob(min(depth, 1)), self.threshold())
        if r < 0.5:
            return A.Binary(self.loc(), cmp, self.logprob(0), self.logprob(0))
        if r < 0.58 and self.visible("bool"):
            return A.Name(self.loc(), rng.choice(self.visible("bool")))
        if r < 0.72 and depth > 0:
            return A.Binary(self.loc(), rng.choice(["and", "or"]), self.boolean(depth - 1), self.boolean(depth - 1))
        if r < 0.8 and depth > 0:
            return A.Unary(self.loc(), "not", self.boolean(depth - 1))
        if r < 0.88 and (self.reduces or self.visible("index")):
            return A.Binary(self.loc(), rng.choice(["==", "!=", "<", ">="]), self.index(1),
                            self.num(rng.randint(0, 2), True))
        if r < 0.96:
            return A.Binary(self.loc(), cmp, self.integer(1), self.integer(0))
        return A.Bool(self.loc(), self.chance(0.5))

    def integer(self, depth: int) -> A.Expr:
        if depth > 0 and self.chance(0.3):
            return A.Binary(self.loc(), self.rng.choice(["+", "-"]), self.integer(depth - 1), self.integer(depth - 1))
        if self.visible("int") and self.chance(0.3):
            return A.Name(self.loc(), self.rng.choice(self.visible("int")))
        return self.num(self.rng.randint(-1000, 1000), True)

    def index(self, depth: int) -> A.Expr:
        if self.visible("index") and (self.chance(0.3) or not self.reduces):
            return A.Name(self.loc(), self.rng.choice(self.visible("index")))
        return self.reduce("argmax", most=3 if depth > 0 else 2)

    def scalar(self, kind: str, depth: int) -> A.Expr:
        return {"logprob": self.logprob, "bool": self.boolean, "int": self.integer, "index": self.index}[kind](depth)

    # ---- statements ------------------------------------------------------------------

    def let(self, depth: int) -> A.Let:
        kind = self.rng.choice(["box", "box", "logprob", "logprob", "bool", "int", "index"])
        kind = "bool" if kind == "index" and not (self.reduces or self.visible("index")) else kind
        value = A.Binary(self.loc(), "&", self.box(depth), self.box(0)) if kind == "box" else self.scalar(kind, depth)
        name = self.fresh(kind[0] + "_")
        st = A.Let(self.loc(), name, value)
        self.bind(name, kind)
        return st

    def out(self, depth: int, reuse: list[tuple[str, str]] | None = None) -> A.Out:
        if reuse:
            name, kind = reuse.pop(self.rng.randrange(len(reuse)))
        else:
            kind = self.rng.choice(["logprob", "logprob", "bool", "bool", "int", "index"])
            kind = "bool" if kind == "index" and not (self.reduces or self.visible("index")) else kind
            name = self.fresh({"logprob": "p", "bool": "ok", "int": "n", "index": "best"}[kind])
            self.out_kinds[name] = kind
        return A.Out(self.loc(), name, tuple(self.loops), self.scalar(kind, depth))

    def block(self, n: int, nest: int, reuse: list[tuple[str, str]] | None = None) -> tuple[A.Stmt, ...]:
        """n statements inside an `if` side or a loop body (nest: how much deeper they may go)."""
        self.scopes.append({})
        body: list[A.Stmt] = []
        for _ in range(n):
            r = self.rng.random()
            if r < 0.2:
                body.append(self.let(0))
            elif r < 0.4 and nest > 0:
                body.append(self.if_(nest - 1))
            elif r < 0.48 and nest > 0 and len(self.loops) < 2:
                body.append(self.for_(nest - 1))
            else:
                body.append(self.out(0, reuse))
        if not any(isinstance(s, A.Out | A.If | A.For) for s in body):
            body.append(self.out(0, reuse))
        self.scopes.pop()
        return tuple(body)

    def if_(self, nest: int) -> A.If:
        loc = self.loc()
        cond = self.boolean(1)
        then = self.block(self.rng.randint(1, 2), nest)
        shared = [(s.name, self.out_kinds[s.name]) for s in then if isinstance(s, A.Out)]
        orelse = self.block(self.rng.randint(1, 2), nest, shared) if self.chance(0.7) else ()
        likely = self.rng.choice([None, None, "then", "else"])
        return A.If(loc, cond, then, orelse, likely)

    def for_(self, nest: int) -> A.For:
        loc = self.loc()
        var = self.fresh("x")
        over = self.concept_list(3 if not self.loops else 2)
        self.loops.append(var)
        body = self.block(self.rng.randint(1, 2), nest)
        self.loops.pop()
        return A.For(loc, var, over, body)

    def top(self) -> A.Stmt:
        """One top-level statement whose estimated code (with the top-level lets it reads)
        stays within BUDGET words; a larger draw is drawn again, smaller."""
        for attempt in range(4):
            self.reduces = 1
            r = self.rng.random()
            depth = self.rng.randint(0, 2) if attempt < 2 else 0
            if r < 0.25:
                st: A.Stmt = self.let(depth)
            elif r < 0.5:
                st = self.out(depth)
            elif r < 0.75:
                st = self.if_(self.rng.randint(0, 1) if attempt < 2 else 0)
            elif r < 0.95:
                st = self.for_(self.rng.randint(0, 1) if attempt < 2 else 0)
            else:
                self.epoch += 1
                return self.temperature()
            est = _Cost(self.let_costs, self.epoch)
            cost = est.stmt(st) + TEMPS_WORDS * len(est.epochs - {self.epoch})
            if cost <= BUDGET:
                if isinstance(st, A.Let):
                    self.let_costs[st.name] = (cost, self.epoch)
                return st
            if isinstance(st, A.Let):
                del self.scopes[-1][st.name]
        self.reduces = 0
        return self.out(0)

    def spills(self) -> list[A.Stmt]:
        """Six or more intersections, all live until the outs that read them at the end."""
        names = sorted(self.concepts)
        boxes = []
        out: list[A.Stmt] = []
        for _ in range(self.rng.randint(6, 9)):
            a, b = self.rng.sample(names, 2)
            name = self.fresh("s_")
            out.append(A.Let(self.loc(), name, A.Binary(self.loc(), "&", A.Name(self.loc(), a), A.Name(self.loc(), b))))
            self.bind(name, "box")
            self.let_costs[name] = (3.0, self.epoch)
            boxes.append(name)
        k = len(boxes)
        terms = [A.Call(self.loc(), "logP", (A.Name(self.loc(), boxes[i]), A.Name(self.loc(), boxes[k - 1 - i])))
                 for i in range(k)]
        for i in range(0, k, 3):                    # sums of three: each out fits tiny's IMEM
            total = terms[i]
            for t in terms[i + 1:i + 3]:
                total = A.Binary(self.loc(), "+", total, t)
            out.append(A.Out(self.loc(), self.fresh("p"), (), total))
        out.append(A.Out(self.loc(), self.fresh("ok"), (),
                         A.Binary(self.loc(), ">=", A.Call(self.loc(), "is_a", (A.Name(self.loc(), boxes[0]),
                                                                                A.Name(self.loc(), boxes[-1]))),
                                  self.threshold())))
        return out


@dataclass
class _Cost:
    """A rough estimate of the instruction words a statement compiles to (loops unrolled),
    the top-level lets it reads counted once each."""

    lets: dict[str, tuple[float, int]]
    epoch: int
    counted: set[str] = field(default_factory=set)
    epochs: set[int] = field(default_factory=set)      # the temperatures of the lets it reads

    def expr(self, e) -> float:
        if isinstance(e, A.Name):
            if e.name in self.lets and e.name not in self.counted:
                self.counted.add(e.name)
                self.epochs.add(self.lets[e.name][1])
                return self.lets[e.name][0]
            return 1.0
        if isinstance(e, A.Num):
            return 2.0
        if isinstance(e, A.Bool):
            return 1.0
        if isinstance(e, A.Unary):
            return 1.0 + self.expr(e.arg)
        if isinstance(e, A.Binary):
            return 1.0 + self.expr(e.left) + self.expr(e.right)
        if isinstance(e, A.Call):
            return 1.0 + sum(self.expr(a) for a in e.args)
        if isinstance(e, A.Reduce):
            n = len(e.over.items) if isinstance(e.over, A.ListLit) else 3
            return 4.0 + n * ((8.0 if e.func == "argmax" else 5.0) + self.expr(e.body))
        raise TypeError(type(e).__name__)

    def stmt(self, st: A.Stmt) -> float:
        if isinstance(st, A.Let):
            return self.expr(st.value)
        if isinstance(st, A.Out):
            return 2.0 + self.expr(st.value)
        if isinstance(st, A.If):
            return 3.0 + self.expr(st.cond) + sum(self.stmt(s) for s in st.then + st.orelse)
        if isinstance(st, A.For):
            n = len(st.over.items) if isinstance(st.over, A.ListLit) else 3
            return n * sum(self.stmt(s) for s in st.body)
        return 0.0


def random_module(rng: random.Random, D: int, *, n_concepts: int | None = None, n_stmts: int | None = None,
                  force_spills: bool = False, file: str = FILE) -> A.Module:
    """A valid random program for configurations with D dimensions."""
    g = _Gen(rng, D, file)
    body: list[A.Stmt] = []
    if rng.random() < 0.85:
        body.append(g.temperature())
    body += [g.concept() for _ in range(n_concepts if n_concepts is not None else rng.randint(3, 7))]
    if len(g.concepts) < 2:
        body += [g.concept() for _ in range(2 - len(g.concepts))]
    for _ in range(rng.randint(0, 2)):
        name = g.fresh("L")
        items = tuple(rng.sample(sorted(g.concepts), rng.randint(2, min(3, len(g.concepts)))))
        g.lists[name] = items
        body.append(A.ListDecl(g.loc(), name, A.ListLit(g.loc(), items)))
    if force_spills:
        body += g.spills()
    body += [g.top() for _ in range(n_stmts if n_stmts is not None else rng.randint(4, 10))]
    g.reduces = 0
    body.append(A.Out(g.loc(), g.fresh("ok"), (), g.boolean(0)))      # at least one decision
    return A.Module(file, tuple(body))
