"""The Python API for SLRM programs: builds the same `ast.Module` as the parser (docs/slrm.md).

    p = ProgramBuilder(file="queries")
    dog = p.concept("dog", lo=0.05, hi=0.25)
    s = p.let("s", p.is_a(dog, "animal"))
    with p.if_(s >= -0.5):
        p.out("answer", s)
    module = p.module()

Expressions are `Value`s (wrapping an `ast.Expr`) combined with & + - < <= > >= == != and
the builder's functions; Python numbers, bools and strings (names) are accepted wherever
an expression is. Every node's Loc is the caller's Python file and line (column 0).
Mistakes raise `CompileError` at the caller's line, in the parser's words where it has the
same rule.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from .errors import CompileError, Loc
from .frontend import ast
from .frontend.unparse import expr

_SKIP_FILES = frozenset({__file__, contextlib.__file__})


def _caller() -> Loc:
    """The place in the user's code that called into this module."""
    f = sys._getframe(1)
    while f is not None and f.f_code.co_filename in _SKIP_FILES:
        f = f.f_back
    return Loc(f.f_code.co_filename, f.f_lineno, 0) if f is not None else Loc("<api>", 0, 0)


def _name(text: object, what: str, loc: Loc) -> str:
    if not isinstance(text, str) or not text:
        raise CompileError(loc, f"{what} must be a non-empty string, found {text!r}")
    if "`" in text or "\n" in text:
        raise CompileError(loc, f"{what} {text!r} cannot be written in SLRM (it holds '`' or a newline)")
    return text


def _finite(x: object) -> float | None:
    """x as a finite float, or None (not a real number, a bool, NaN, infinite, too large)."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        return None
    try:
        value = float(x)
    except OverflowError:
        return None
    return value if math.isfinite(value) else None


def _number(x: numbers.Real, loc: Loc) -> ast.Expr:
    """A Python number as the parser would read it: a negative one is unary minus."""
    is_int = isinstance(x, numbers.Integral)
    value = _finite(x)
    if value is None:
        raise CompileError(loc, f"{x!r:.30} is not a finite number (SLRM has no NaN or infinity)")
    if math.copysign(1.0, value) < 0:
        return ast.Unary(loc, "-", ast.Num(loc, -value, is_int))
    return ast.Num(loc, value, is_int)


def _node(x: object, loc: Loc) -> ast.Expr:
    """Any accepted operand as an AST expression."""
    if isinstance(x, Value):
        return x.node
    if isinstance(x, bool):
        return ast.Bool(loc, x)
    if isinstance(x, numbers.Real):
        return _number(x, loc)
    if isinstance(x, str):
        return ast.Name(loc, _name(x, "a name", loc))
    raise CompileError(loc, f"cannot use a {type(x).__name__} as an SLRM expression ({x!r:.40})")


class Value:
    """An SLRM expression under construction; `node` is its AST.

    Python's `==` and `!=` build comparisons, so a Value is not hashable and has no truth
    value (`if v:`, `a < b < c`, `and`/`or`/`not` raise: use p.if_, p.and_, p.or_, p.not_).
    A number on the left of a comparison is swapped by Python: `0.5 < v` builds `v > 0.5`.
    """

    __slots__ = ("node",)
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, node: ast.Expr):
        self.node = node

    def __repr__(self) -> str:
        return f"Value({expr(self.node)})"

    def __bool__(self) -> bool:
        raise CompileError(_caller(), "an SLRM expression has no Python truth value: use p.if_(...), "
                           "p.and_, p.or_, p.not_, and no chained comparisons (a < b < c)")

    def _bin(self, op: str, other: object, swap: bool = False) -> Value:
        loc = _caller()
        left, right = self.node, _node(other, loc)
        return Value(ast.Binary(loc, op, *((right, left) if swap else (left, right))))

    def __and__(self, other: object) -> Value:
        return self._bin("&", other)

    def __rand__(self, other: object) -> Value:
        return self._bin("&", other, swap=True)

    def __add__(self, other: object) -> Value:
        return self._bin("+", other)

    def __radd__(self, other: object) -> Value:
        return self._bin("+", other, swap=True)

    def __sub__(self, other: object) -> Value:
        return self._bin("-", other)

    def __rsub__(self, other: object) -> Value:
        return self._bin("-", other, swap=True)

    def __neg__(self) -> Value:
        return Value(ast.Unary(_caller(), "-", self.node))

    def __lt__(self, other: object) -> Value:
        return self._bin("<", other)

    def __le__(self, other: object) -> Value:
        return self._bin("<=", other)

    def __gt__(self, other: object) -> Value:
        return self._bin(">", other)

    def __ge__(self, other: object) -> Value:
        return self._bin(">=", other)

    def __eq__(self, other: object) -> Value:  # type: ignore[override]
        return self._bin("==", other)

    def __ne__(self, other: object) -> Value:  # type: ignore[override]
        return self._bin("!=", other)

    def eq(self, other: object) -> Value:
        """`self == other` as a method (the same as the operator)."""
        return self._bin("==", other)

    def ne(self, other: object) -> Value:
        return self._bin("!=", other)


@dataclass(frozen=True)
class ListHandle:
    """A `list` declaration, returned by `ProgramBuilder.list`; usable wherever a list is."""

    name: str


ListArg = ListHandle | str | Sequence[str | Value]
_TOP_LEVEL_ONLY = "declarations are allowed only at the top level, not inside 'if', 'else' or 'for'"


class ProgramBuilder:
    """Builds one SLRM module statement by statement (see the module docstring)."""

    def __init__(self, file: str | None = None):
        self.file = file if file is not None else _caller().file
        self._blocks: list[list[ast.Stmt]] = [[]]
        self._last_if: ast.If | None = None    # the If an else_() may attach to

    # ---- statements ------------------------------------------------------------------------

    def _add(self, stmt: ast.Stmt) -> None:
        self._blocks[-1].append(stmt)
        self._last_if = None

    def _top_level(self, keyword: str, loc: Loc) -> None:
        if len(self._blocks) > 1:
            raise CompileError(loc, f"'{keyword}' {_TOP_LEVEL_ONLY}")

    def use(self, path: str) -> None:
        loc = _caller()
        self._top_level("use", loc)
        if not isinstance(path, str) or '"' in path or "\n" in path:
            raise CompileError(loc, f"use(): the path must be a string without '\"' or a newline, found {path!r}")
        self._add(ast.Use(loc, path))

    def concept(self, name: str, lo: float | Sequence[float], hi: float | Sequence[float]) -> Value:
        """`concept name = box(lo, hi);` and a reference to it. lo and hi: both numbers (every
        dimension) or both sequences of D numbers."""
        loc = _caller()
        self._top_level("concept", loc)
        name = _name(name, "a concept name", loc)
        corners = [_corner(lo, "lower", loc), _corner(hi, "upper", loc)]
        if isinstance(lo, numbers.Real) != isinstance(hi, numbers.Real):
            raise CompileError(loc, "box(LO, HI): give both corners as numbers or both as lists")
        if len(corners[0]) != len(corners[1]) or not corners[0]:
            raise CompileError(loc, f"box(LO, HI): the lower corner has {len(corners[0])} values, "
                               f"the upper corner {len(corners[1])}")
        self._add(ast.ConceptDecl(loc, name, ast.BoxLit(loc, corners[0], corners[1])))
        return Value(ast.Name(loc, name))

    def list(self, name: str, items: ListArg) -> ListHandle:
        """`list name = [a, b, ...];` (a sequence) or `list name = other;` (a name or handle)."""
        loc = _caller()
        self._top_level("list", loc)
        name = _name(name, "a list name", loc)
        self._add(ast.ListDecl(loc, name, _list(items, loc)))
        return ListHandle(name)

    def temperature(self, **settings: float) -> None:
        """`temperature beta_i = ..., beta_v = ...;` one or both, in the order given."""
        loc = _caller()
        if not settings:
            raise CompileError(loc, "temperature(): give beta_i, beta_v or both")
        out = []
        for key, value in settings.items():
            if key not in ("beta_i", "beta_v"):
                raise CompileError(loc, f"unknown temperature '{key}' (the temperatures are beta_i and beta_v)")
            number = _finite(value)
            if number is None or number <= 0:
                raise CompileError(loc, f"{key} must be a finite number > 0, found {value!r:.30}")
            out.append((key, number, loc))
        self._add(ast.Temperature(loc, tuple(out)))

    def let(self, name: str, value: object) -> Value:
        """`let name = value;` and a reference to the binding."""
        loc = _caller()
        name = _name(name, "a let name", loc)
        self._add(ast.Let(loc, name, _node(value, loc)))
        return Value(ast.Name(loc, name))

    def out(self, name: str, value: object, index: Sequence[str | Value] = ()) -> None:
        """`out name[i][j] = value;` indexed by loop variables (names or their Values)."""
        loc = _caller()
        name = _name(name, "an out name", loc)
        idx = tuple(_item_name(i, "an index of out()", loc) for i in index)
        self._add(ast.Out(loc, name, idx, _node(value, loc)))

    @contextlib.contextmanager
    def _body(self) -> Iterator[list[ast.Stmt]]:
        body: list[ast.Stmt] = []
        self._blocks.append(body)
        self._last_if = None
        try:
            yield body
        finally:
            self._blocks.pop()
            self._last_if = None

    @contextlib.contextmanager
    def if_(self, cond: object, likely: str | None = None) -> Iterator[None]:
        """`with p.if_(cond):` the statements of the then-branch; likely="then" is
        `if likely`, likely="else" is `if unlikely`."""
        loc = _caller()
        if likely not in (None, "then", "else"):
            raise CompileError(loc, f"if_(): likely must be None, 'then' or 'else', found {likely!r}")
        node = _node(cond, loc)
        with self._body() as body:
            yield
        stmt = ast.If(loc, node, tuple(body), (), likely)
        self._add(stmt)
        self._last_if = stmt

    @contextlib.contextmanager
    def else_(self) -> Iterator[None]:
        """`with p.else_():` the else-branch of the `with p.if_(...)` block just before it
        (an `else if` is an if_ block inside the else_ block)."""
        loc = _caller()
        last = self._last_if
        if last is None:
            raise CompileError(loc, "else_() must come right after a `with p.if_(...)` block")
        with self._body() as body:
            yield
        self._blocks[-1][-1] = replace(last, orelse=tuple(body))

    @contextlib.contextmanager
    def for_(self, var: str, over: ListArg) -> Iterator[Value]:
        """`with p.for_("c", items) as c:` the loop body; c is the loop variable."""
        loc = _caller()
        var = _name(var, "a loop variable", loc)
        items = _list(over, loc)
        with self._body() as body:
            yield Value(ast.Name(loc, var))
        self._add(ast.For(loc, var, items, tuple(body)))

    def module(self) -> ast.Module:
        """The program so far (callable more than once; not inside an open block)."""
        if len(self._blocks) > 1:
            raise CompileError(_caller(), "module() called inside an open if_/else_/for_ block")
        return ast.Module(self.file, tuple(self._blocks[0]))

    # ---- expressions -----------------------------------------------------------------------

    def ref(self, name: str) -> Value:
        """A concept, let binding or loop variable by name."""
        loc = _caller()
        return Value(ast.Name(loc, _name(name, "a name", loc)))

    def lit(self, x: bool | float) -> Value:
        """A number or truth value as an expression."""
        loc = _caller()
        if not isinstance(x, bool | numbers.Real):
            raise CompileError(loc, f"lit() takes a number or a bool, found {x!r:.40}")
        return Value(_node(x, loc))

    def _call(self, func: str, *args: object) -> Value:
        loc = _caller()
        return Value(ast.Call(loc, func, tuple(_node(a, loc) for a in args)))

    def is_a(self, a: object, b: object) -> Value:
        """log P(b | a): "a is a kind of b"."""
        return self._call("is_a", a, b)

    def logP(self, a: object, b: object) -> Value:  # noqa: N802 (the language's name)
        """log P(a | b) = logvol(a & b) - logvol(b)."""
        return self._call("logP", a, b)

    def logvol(self, a: object) -> Value:
        return self._call("logvol", a)

    def hard(self, a: object, b: object) -> Value:
        """The hard intersection of two boxes."""
        return self._call("hard", a, b)

    def not_(self, a: object) -> Value:
        loc = _caller()
        return Value(ast.Unary(loc, "not", _node(a, loc)))

    def _fold(self, op: str, args: tuple[object, ...]) -> Value:
        loc = _caller()
        if len(args) < 2:
            raise CompileError(loc, f"{op}_() takes two or more operands, found {len(args)}")
        node = _node(args[0], loc)
        for a in args[1:]:
            node = ast.Binary(loc, op, node, _node(a, loc))
        return Value(node)

    def and_(self, *args: object) -> Value:
        """a and b [and c ...] (left to right, like the parser)."""
        return self._fold("and", args)

    def or_(self, *args: object) -> Value:
        return self._fold("or", args)

    def _reduce(self, func: str, var: str, over: ListArg, body: Callable[[Value], object] | object) -> Value:
        loc = _caller()
        var = _name(var, f"the variable of {func}()", loc)
        items = _list(over, loc)
        score = body(Value(ast.Name(loc, var))) if callable(body) else body
        return Value(ast.Reduce(loc, func, var, items, _node(score, loc)))

    def argmax(self, var: str, over: ListArg, body: Callable[[Value], object] | object) -> Value:
        """argmax(var in over: body(var)): the index of the best candidate (the first on a tie)."""
        return self._reduce("argmax", var, over, body)

    def max(self, var: str, over: ListArg, body: Callable[[Value], object] | object) -> Value:
        """max(var in over: body(var)): the best score."""
        return self._reduce("max", var, over, body)


def _corner(corner: object, which: str, loc: Loc) -> tuple[float, ...]:
    if isinstance(corner, numbers.Real):
        corner = (corner,)
    try:
        values = tuple(corner)  # type: ignore[arg-type]
    except TypeError:
        raise CompileError(loc, f"box(LO, HI): the {which} corner must be a number or a sequence of numbers, "
                           f"found {corner!r:.30}") from None
    out = tuple(_finite(v) for v in values)
    for v, f in zip(values, out, strict=True):
        if f is None:
            raise CompileError(loc, f"box(LO, HI): the {which} corner holds {v!r:.30}, not a finite number")
    return out  # type: ignore[return-value]


def _item_name(item: object, what: str, loc: Loc) -> str:
    if isinstance(item, Value):
        if not isinstance(item.node, ast.Name):
            raise CompileError(loc, f"{what} must be a name, found an expression")
        return item.node.name
    return _name(item, what, loc)


def _list(items: object, loc: Loc) -> ast.ListExpr:
    """A list argument: a ListHandle or str names a list declaration, a sequence lists names."""
    if isinstance(items, ListHandle):
        return ast.ListRef(loc, items.name)
    if isinstance(items, str):
        return ast.ListRef(loc, _name(items, "a list name", loc))
    if not isinstance(items, Sequence):
        raise CompileError(loc, f"expected a list (a list name or a sequence of names), found {items!r:.40}")
    if not items:
        raise CompileError(loc, "expected a name in the list, found an empty list")
    return ast.ListLit(loc, tuple(_item_name(i, "a list item", loc) for i in items))
