"""The SLRM abstract syntax tree: what the parser and the Python API both build.

Names are resolved and types checked by `lower.py`, not here, so that the API and the
parser report the same mistakes in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Loc

# ---- expressions -------------------------------------------------------------------------

@dataclass(frozen=True)
class Expr:
    loc: Loc


@dataclass(frozen=True)
class Num(Expr):
    value: float
    is_int: bool          # written without a point or exponent: an int literal


@dataclass(frozen=True)
class Bool(Expr):
    value: bool


@dataclass(frozen=True)
class Name(Expr):
    name: str             # a concept, a let binding or a loop variable


@dataclass(frozen=True)
class Unary(Expr):
    op: str               # "-" | "not"
    arg: Expr


@dataclass(frozen=True)
class Binary(Expr):
    op: str               # "&" (soft intersection) "+" "-" "<" "<=" ">" ">=" "==" "!=" "and" "or"
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Call(Expr):
    """A built-in: hard(A, B), logvol(A), logP(A | B) (args = (A, B)), is_a(A, B)."""

    func: str             # "hard" | "logvol" | "logP" | "is_a"
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class ListLit:
    loc: Loc
    items: tuple[str, ...]    # concept names


@dataclass(frozen=True)
class ListRef:
    loc: Loc
    name: str                 # a `list` declaration


ListExpr = ListLit | ListRef


@dataclass(frozen=True)
class Reduce(Expr):
    """argmax(c in L: score) -> index of the best candidate in L (the first on a tie);
    max(c in L: score) -> the best score."""

    func: str                 # "argmax" | "max"
    var: str
    over: ListExpr
    body: Expr


# ---- boxes ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class BoxLit:
    """box(lo, hi): numbers (the same interval in every dimension) or lists of D numbers."""

    loc: Loc
    lo: tuple[float, ...]     # one value (broadcast) or D values
    hi: tuple[float, ...]


# ---- statements ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Stmt:
    loc: Loc


@dataclass(frozen=True)
class Use(Stmt):
    """use "file.boxes.json";  every concept of an embedding file (and its temperatures,
    unless the program sets its own)."""

    path: str


@dataclass(frozen=True)
class ConceptDecl(Stmt):
    name: str
    box: BoxLit


@dataclass(frozen=True)
class ListDecl(Stmt):
    name: str
    items: ListExpr


@dataclass(frozen=True)
class Temperature(Stmt):
    """temperature beta_i = 0.001, beta_v = 0.01;  applies to the statements after it."""

    settings: tuple[tuple[str, float, Loc], ...]


@dataclass(frozen=True)
class Let(Stmt):
    name: str
    value: Expr


@dataclass(frozen=True)
class Out(Stmt):
    """out name[i][j] = expr;  a result the host reads back, indexed by loop variables."""

    name: str
    index: tuple[str, ...]
    value: Expr


@dataclass(frozen=True)
class If(Stmt):
    cond: Expr
    then: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...] = ()
    likely: str | None = None     # "then" | "else" from `if likely` / `if unlikely`, else None


@dataclass(frozen=True)
class For(Stmt):
    var: str
    over: ListExpr
    body: tuple[Stmt, ...]


@dataclass(frozen=True)
class Module:
    """A parsed program: its statements in order, and the file they came from."""

    file: str
    body: tuple[Stmt, ...] = field(default_factory=tuple)
