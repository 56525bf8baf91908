"""AST -> SLRM source text: `parse(unparse(m), m.file)` equals `m` up to locations.

Names that are not plain or dotted identifiers (or that are keywords) are written in
backquotes; numbers with `repr`, so that every float reads back exactly.
"""

from __future__ import annotations

from ..errors import CompileError
from . import ast
from .lexer import KEYWORDS, NAME_RE, NON_NUMBERS

# binding strength of each expression form (higher binds tighter), as in the grammar
_OR, _AND, _NOT, _CMP, _SUM, _NEG, _INTER, _ATOM = range(1, 9)
_BINARY = {"or": _OR, "and": _AND, "+": _SUM, "-": _SUM, "&": _INTER,
           "<": _CMP, "<=": _CMP, ">": _CMP, ">=": _CMP, "==": _CMP, "!=": _CMP}
_INDENT = "    "


def name(text: str) -> str:
    """A name as SLRM source: plain if it lexes as one name, else in backquotes."""
    m = NAME_RE.fullmatch(text)
    if m is not None and text not in KEYWORDS and text.lower() not in NON_NUMBERS:
        return text
    if not text or "`" in text or "\n" in text:
        raise CompileError(None, f"the name {text!r} cannot be written in SLRM (empty, or holds '`' or a newline)")
    return f"`{text}`"


def number(value: float, is_int: bool = False) -> str:
    if is_int and float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _list(items: ast.ListExpr) -> str:
    if isinstance(items, ast.ListRef):
        return name(items.name)
    return "[" + ", ".join(name(i) for i in items.items) + "]"


def expr(e: ast.Expr) -> str:
    return _expr(e)[0]


def _wrap(e: ast.Expr, at_least: int) -> str:
    text, strength = _expr(e)
    return text if strength >= at_least else f"({text})"


def _expr(e: ast.Expr) -> tuple[str, int]:
    """The text of `e` and how tightly it binds."""
    if isinstance(e, ast.Num):
        text = number(e.value, e.is_int)
        return (text, _ATOM) if not text.startswith("-") else (f"({text})", _ATOM)
    if isinstance(e, ast.Bool):
        return ("true" if e.value else "false"), _ATOM
    if isinstance(e, ast.Name):
        return name(e.name), _ATOM
    if isinstance(e, ast.Unary):
        if e.op == "not":
            return f"not {_wrap(e.arg, _NOT)}", _NOT
        return f"-{_wrap(e.arg, _NEG)}", _NEG
    if isinstance(e, ast.Binary):
        level = _BINARY[e.op]
        if level == _CMP:
            return f"{_wrap(e.left, _CMP + 1)} {e.op} {_wrap(e.right, _CMP + 1)}", level
        # a left-associative chain a - b + c ... is walked in a loop, not recursively (an
        # API program may sum thousands of terms)
        chain: list[ast.Binary] = []
        node: ast.Expr = e
        while isinstance(node, ast.Binary) and _BINARY[node.op] == level:
            chain.append(node)
            node = node.left
        parts = [_wrap(node, level)]
        parts += [f" {b.op} {_wrap(b.right, level + 1)}" for b in reversed(chain)]
        return "".join(parts), level
    if isinstance(e, ast.Call):
        sep = " | " if e.func == "logP" else ", "
        return f"{e.func}({sep.join(expr(a) for a in e.args)})", _ATOM
    if isinstance(e, ast.Reduce):
        return f"{e.func}({name(e.var)} in {_list(e.over)}: {expr(e.body)})", _ATOM
    raise TypeError(f"not an SLRM expression: {e!r}")


def _corner(values: tuple[float, ...]) -> str:
    if len(values) == 1:
        return number(values[0])
    return "[" + ", ".join(number(v) for v in values) + "]"


def _block(body: tuple[ast.Stmt, ...], depth: int) -> list[str]:
    lines: list[str] = []
    for s in body:
        lines.extend(_stmt(s, depth))
    return lines


def _if(s: ast.If, depth: int, head: str) -> list[str]:
    pad = _INDENT * depth
    likely = {"then": "likely ", "else": "unlikely ", None: ""}[s.likely]
    lines = [f"{head}if {likely}{expr(s.cond)} {{", *_block(s.then, depth + 1)]
    if len(s.orelse) == 1 and isinstance(s.orelse[0], ast.If):
        nested = _if(s.orelse[0], depth, f"{pad}}} else ")
        return lines + nested
    if s.orelse:
        lines += [f"{pad}}} else {{", *_block(s.orelse, depth + 1)]
    return lines + [f"{pad}}}"]


def _stmt(s: ast.Stmt, depth: int) -> list[str]:
    pad = _INDENT * depth
    if isinstance(s, ast.Use):
        if '"' in s.path or "\n" in s.path:
            raise CompileError(s.loc, f"the path {s.path!r} cannot be written in SLRM (holds '\"' or a newline)")
        return [f'{pad}use "{s.path}";']
    if isinstance(s, ast.ConceptDecl):
        return [f"{pad}concept {name(s.name)} = box({_corner(s.box.lo)}, {_corner(s.box.hi)});"]
    if isinstance(s, ast.ListDecl):
        return [f"{pad}list {name(s.name)} = {_list(s.items)};"]
    if isinstance(s, ast.Temperature):
        return [f"{pad}temperature " + ", ".join(f"{k} = {number(v)}" for k, v, _ in s.settings) + ";"]
    if isinstance(s, ast.Let):
        return [f"{pad}let {name(s.name)} = {expr(s.value)};"]
    if isinstance(s, ast.Out):
        index = "".join(f"[{name(i)}]" for i in s.index)
        return [f"{pad}out {name(s.name)}{index} = {expr(s.value)};"]
    if isinstance(s, ast.If):
        return _if(s, depth, pad)
    if isinstance(s, ast.For):
        return [f"{pad}for {name(s.var)} in {_list(s.over)} {{", *_block(s.body, depth + 1), f"{pad}}}"]
    raise TypeError(f"not an SLRM statement: {s!r}")


def unparse(module: ast.Module) -> str:
    """The module as SLRM source, one statement per line, blocks indented by four spaces."""
    return "".join(line + "\n" for line in _block(module.body, 0))
