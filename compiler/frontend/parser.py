"""The SLRM parser: recursive descent over the lexer's tokens, one method per rule of the
grammar in docs/slrm.md. `parse(text, file)` returns an `ast.Module`; any mistake raises
`CompileError` at the offending token: "expected X <context>, found Y".

Statements are parsed by `_Statements`, expressions by `_Expressions` (its base class).
"""

from __future__ import annotations

from ..errors import CompileError, Loc
from . import ast
from .lexer import BUILTINS, NON_NUMBERS, Token, tokenize

MAX_NESTING = 64          # parentheses, calls and blocks inside one another
_CMP_OPS = frozenset({"<", "<=", ">", ">=", "==", "!="})
_STATEMENTS = "use, concept, list, temperature, let, out, if or for"
_TOP_LEVEL_ONLY = frozenset({"use", "concept", "list"})
_TEMPERATURES = ("beta_i", "beta_v")


class _Cursor:
    """The token stream: look at, match and expect tokens."""

    def __init__(self, tokens: list[Token]):
        self.tokens, self.i = tokens, 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, ahead: int = 1) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        if tok.kind != "eof":
            self.i += 1
        return tok

    def at(self, text: str) -> bool:
        """The current token is the keyword or punctuation `text`."""
        return self.tok.kind in ("op", "kw") and self.tok.text == text

    def accept(self, text: str) -> Token | None:
        return self.advance() if self.at(text) else None

    def fail(self, expected: str, context: str, tok: Token | None = None) -> CompileError:
        tok = tok or self.tok
        where = f" {context}" if context else ""
        return CompileError(tok.loc, f"expected {expected}{where}, found {tok.describe()}")

    def expect(self, text: str, context: str) -> Token:
        if not self.at(text):
            raise self.fail(f"'{text}'", context)
        return self.advance()

    def name(self, context: str) -> Token:
        if self.tok.kind != "name":
            what = "a name" if self.tok.kind != "kw" else "a name (keywords are not names)"
            raise self.fail(what, context)
        return self.advance()

    def enter(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise CompileError(tok.loc, f"nesting deeper than {MAX_NESTING} levels")

    def leave(self) -> None:
        self.depth -= 1


class _Expressions(_Cursor):
    """Expressions, loosest to tightest: or, and, not, comparison, + -, unary -, &, primary."""

    def expr(self, context: str) -> ast.Expr:
        return self._binary_chain(("or",), self._and, context)

    def _and(self, context: str) -> ast.Expr:
        return self._binary_chain(("and",), self._not, context)

    def _binary_chain(self, ops: tuple[str, ...], operand, context: str) -> ast.Expr:
        left = operand(context)
        while self.tok.kind in ("op", "kw") and self.tok.text in ops:
            op = self.advance()
            left = ast.Binary(op.loc, op.text, left, operand(f"after '{op.text}'"))
        return left

    def _not(self, context: str) -> ast.Expr:
        nots: list[Token] = []
        while self.at("not"):
            nots.append(self.advance())
        result = self._comparison(context if not nots else "after 'not'")
        for tok in reversed(nots):
            result = ast.Unary(tok.loc, "not", result)
        return result

    def _comparison(self, context: str) -> ast.Expr:
        left = self._sum(context)
        if not (self.tok.kind == "op" and self.tok.text in _CMP_OPS):
            return left
        op = self.advance()
        result = ast.Binary(op.loc, op.text, left, self._sum(f"after '{op.text}'"))
        if self.tok.kind == "op" and self.tok.text in _CMP_OPS:
            raise CompileError(
                self.tok.loc,
                f"comparisons do not chain: found {self.tok.describe()} after a comparison "
                "(write (a < b) and (b < c))",
            )
        return result

    def _sum(self, context: str) -> ast.Expr:
        return self._binary_chain(("+", "-"), self._negation, context)

    def _negation(self, context: str) -> ast.Expr:
        minuses: list[Token] = []
        while self.at("-"):
            minuses.append(self.advance())
        result = self._binary_chain(("&",), self._primary, context if not minuses else "after '-'")
        for tok in reversed(minuses):
            result = ast.Unary(tok.loc, "-", result)
        return result

    def _primary(self, context: str) -> ast.Expr:
        tok = self.tok
        if tok.kind == "num":
            self.advance()
            return ast.Num(tok.loc, tok.value, tok.is_int)
        if tok.kind == "kw" and tok.text in ("true", "false"):
            self.advance()
            return ast.Bool(tok.loc, tok.text == "true")
        if tok.kind == "op" and tok.text == "(":
            self.enter(self.advance())
            inner = self.expr("after '('")
            self._close(")", tok, "the parenthesis")
            return inner
        if tok.kind == "name":
            return self._name_or_call(tok)
        raise self.fail("an expression", context)

    def _name_or_call(self, tok: Token) -> ast.Expr:
        self.advance()
        is_call = self.at("(")
        if is_call and not tok.quoted and tok.text in BUILTINS:
            self.enter(self.advance())
            result = self._call(tok)
            self._close(")", tok, f"{tok.text}(")
            return result
        if is_call:
            raise CompileError(tok.loc, f"{tok.describe()} is not a function (the built-ins are "
                               f"{', '.join(sorted(BUILTINS, key=str.lower))})")
        if not tok.quoted and tok.text.lower() in NON_NUMBERS:
            raise CompileError(tok.loc, f"{tok.describe()} is not a number: SLRM has no NaN or infinity "
                               f"(write `{tok.text}` in backquotes for a concept of that name)")
        return ast.Name(tok.loc, tok.text)

    def _call(self, tok: Token) -> ast.Expr:
        func = tok.text
        if func in ("argmax", "max"):
            var = self.name(f"for the variable of {func}(NAME in LIST: score)")
            self.expect("in", f"after the variable of {func}(NAME in LIST: score)")
            over = self.list_expr(f"after 'in' in {func}(...)")
            self.expect(":", f"after the list of {func}(NAME in LIST: score)")
            return ast.Reduce(tok.loc, func, var.text, over, self.expr(f"for the score of {func}(...)"))
        first = self.expr(f"for the first argument of {func}(...)")
        if func == "logvol":
            return ast.Call(tok.loc, func, (first,))
        sep = "|" if func == "logP" else ","
        form = "logP(A | B)" if func == "logP" else f"{func}(A, B)"
        self.expect(sep, f"after the first argument of {form}")
        return ast.Call(tok.loc, func, (first, self.expr(f"for the second argument of {form}")))

    def _close(self, text: str, opener: Token, what: str) -> None:
        if not self.at(text):
            raise self.fail(f"'{text}' to close {what} opened at {opener.loc.line}:{opener.loc.col}", "")
        self.advance()
        self.leave()

    def list_expr(self, context: str) -> ast.ListExpr:
        """`[a, b, c]` (one or more names, a trailing comma allowed) or a list's name."""
        tok = self.tok
        if tok.kind == "name":
            self.advance()
            return ast.ListRef(tok.loc, tok.text)
        if not self.at("["):
            raise self.fail("a list ('[' or a list name)", context)
        self.advance()
        items = [self.name("in the list").text]
        while self.accept(","):
            if self.at("]"):
                break
            items.append(self.name("in the list after ','").text)
        if not self.at("]"):
            raise self.fail("',' or ']'", "in the list")
        self.advance()
        return ast.ListLit(tok.loc, tuple(items))

    def number(self, context: str) -> tuple[float, Token]:
        """A number with an optional leading '-' (in box(...) and temperature)."""
        minus = self.accept("-")
        tok = self.tok
        if tok.kind != "num":
            if tok.kind == "name" and not tok.quoted and tok.text.lower() in NON_NUMBERS:
                raise CompileError(tok.loc, f"expected a number {context}, found {tok.describe()} "
                                   "(NaN and infinity are not allowed)")
            raise self.fail("a number", context)
        self.advance()
        return (-tok.value if minus else tok.value), (minus or tok)


class _Statements(_Expressions):
    def module(self, file: str) -> ast.Module:
        body = []
        while self.tok.kind != "eof":
            body.append(self.statement(top=True))
        return ast.Module(file, tuple(body))

    def statement(self, top: bool) -> ast.Stmt:
        tok = self.tok
        if tok.kind != "kw" or not hasattr(self, f"_stmt_{tok.text}"):
            hint = ""
            if tok.kind == "name" and self.peek().kind == "op" and self.peek().text == "=":
                hint = f" (write 'let {tok.text} = ...;')"
            raise CompileError(tok.loc, f"expected a statement ({_STATEMENTS}), found {tok.describe()}{hint}")
        if tok.text in _TOP_LEVEL_ONLY and not top:
            raise CompileError(tok.loc, f"'{tok.text}' declarations are allowed only at the top level, "
                               "not inside 'if', 'else' or 'for'")
        self.advance()
        return getattr(self, f"_stmt_{tok.text}")(tok)

    def _end(self, what: str) -> None:
        self.expect(";", f"after the {what} statement")

    def _stmt_use(self, kw: Token) -> ast.Stmt:
        tok = self.tok
        if tok.kind != "str":
            raise self.fail('a file name in double quotes', "after 'use'")
        self.advance()
        self._end("use")
        return ast.Use(kw.loc, tok.text)

    def _stmt_concept(self, kw: Token) -> ast.Stmt:
        name = self.name("after 'concept'")
        self.expect("=", f"after 'concept {name.text}'")
        box = self.expect("box", f"in 'concept {name.text} = box(LO, HI)'")
        self.expect("(", "after 'box'")
        lo, lo_tok = self._box_bound("for the lower corner of box(LO, HI)")
        self.expect(",", "after the lower corner of box(LO, HI)")
        hi, hi_tok = self._box_bound("for the upper corner of box(LO, HI)")
        self.expect(")", "after the upper corner of box(LO, HI)")
        if lo_tok.text != hi_tok.text:
            raise CompileError(hi_tok.loc, "box(LO, HI): give both corners as numbers or both as "
                               f"lists, found a {'list' if lo_tok.text == '[' else 'number'} and a "
                               f"{'list' if hi_tok.text == '[' else 'number'}")
        if len(lo) != len(hi):
            raise CompileError(hi_tok.loc, f"box(LO, HI): the lower corner has {_values(len(lo))}, "
                               f"the upper corner {_values(len(hi))}")
        self._end("concept")
        return ast.ConceptDecl(kw.loc, name.text, ast.BoxLit(box.loc, lo, hi))

    def _box_bound(self, context: str) -> tuple[tuple[float, ...], Token]:
        """One corner: a number, or `[n, n, ...]`; the token returned tells which ('[' or 'num')."""
        start = self.tok
        if not self.at("["):
            value, _ = self.number(context)
            return (value,), Token("num", "num", start.loc)
        self.advance()
        values = [self.number("in the list of coordinates")[0]]
        while self.accept(","):
            if self.at("]"):
                break
            values.append(self.number("in the list of coordinates after ','")[0])
        if not self.at("]"):
            raise self.fail("',' or ']'", "in the list of coordinates")
        self.advance()
        return tuple(values), Token("op", "[", start.loc)

    def _stmt_list(self, kw: Token) -> ast.Stmt:
        name = self.name("after 'list'")
        self.expect("=", f"after 'list {name.text}'")
        items = self.list_expr(f"in 'list {name.text} = ...'")
        self._end("list")
        return ast.ListDecl(kw.loc, name.text, items)

    def _stmt_temperature(self, kw: Token) -> ast.Stmt:
        settings: list[tuple[str, float, Loc]] = []
        while True:
            tok = self.name("in the temperature statement (beta_i or beta_v)")
            if tok.text not in _TEMPERATURES or tok.quoted:
                raise CompileError(tok.loc, f"unknown temperature {tok.describe()} (the temperatures are "
                                   "beta_i and beta_v)")
            if any(s[0] == tok.text for s in settings):
                raise CompileError(tok.loc, f"temperature '{tok.text}' is set twice in one statement")
            self.expect("=", f"after '{tok.text}'")
            value, vtok = self.number(f"for {tok.text}")
            if value <= 0:
                raise CompileError(vtok.loc, f"{tok.text} must be > 0, found {value!r}")
            settings.append((tok.text, value, tok.loc))
            if not self.accept(","):
                break
        self._end("temperature")
        return ast.Temperature(kw.loc, tuple(settings))

    def _stmt_let(self, kw: Token) -> ast.Stmt:
        name = self.name("after 'let'")
        self.expect("=", f"after 'let {name.text}'")
        value = self.expr(f"after 'let {name.text} ='")
        self._end("let")
        return ast.Let(kw.loc, name.text, value)

    def _stmt_out(self, kw: Token) -> ast.Stmt:
        name = self.name("after 'out'")
        index = []
        while self.accept("["):
            index.append(self.name(f"as an index of '{name.text}' (a loop variable)").text)
            self.expect("]", f"after the index '{index[-1]}'")
        self.expect("=", f"after 'out {name.text}{''.join(f'[{i}]' for i in index)}'")
        value = self.expr("after 'out ... ='")
        self._end("out")
        return ast.Out(kw.loc, name.text, tuple(index), value)

    def _stmt_if(self, kw: Token) -> ast.Stmt:
        likely = "then" if self.accept("likely") else "else" if self.accept("unlikely") else None
        cond = self.expr("for the condition of 'if'")
        then = self.block("after the condition of 'if'", kw)
        orelse: tuple[ast.Stmt, ...] = ()
        if self.at("else"):
            else_tok = self.advance()
            if self.at("if"):
                self.enter(else_tok)
                orelse = (self._stmt_if(self.advance()),)
                self.leave()
            else:
                orelse = self.block("after 'else'", else_tok)
        return ast.If(kw.loc, cond, then, orelse, likely)

    def _stmt_for(self, kw: Token) -> ast.Stmt:
        var = self.name("after 'for'")
        self.expect("in", f"after 'for {var.text}'")
        over = self.list_expr(f"after 'for {var.text} in'")
        body = self.block("after the list of 'for'", kw)
        return ast.For(kw.loc, var.text, over, body)

    def block(self, context: str, owner: Token) -> tuple[ast.Stmt, ...]:
        opener = self.expect("{", context)
        self.enter(opener)
        body = []
        while not self.at("}"):
            if self.tok.kind == "eof":
                raise self.fail(f"'}}' to close the block of '{owner.text}' opened at "
                                f"{opener.loc.line}:{opener.loc.col}", "")
            body.append(self.statement(top=False))
        self.advance()
        self.leave()
        return tuple(body)


def _values(n: int) -> str:
    return f"{n} value" if n == 1 else f"{n} values"


def parse(text: str, file: str) -> ast.Module:
    """Parse SLRM source `text` (named `file` in locations and messages)."""
    parser = _Statements(tokenize(text, file))
    try:
        return parser.module(file)
    except RecursionError:
        raise CompileError(parser.tok.loc, "the program is nested too deeply") from None


__all__ = ["parse"]
