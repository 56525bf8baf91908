"""The SLRM lexer: source text -> a list of tokens, each with its place (line and column
from 1). Every malformed piece of text raises `CompileError` naming the place and the text.

Token kinds: "name" (plain, dotted `dog.n.01` or backquoted), "kw" (a keyword), "num",
"str" (a double-quoted string, no escapes), "op" (punctuation) and "eof".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..errors import CompileError, Loc

KEYWORDS = frozenset(
    "use concept list temperature let out if else for in likely unlikely not and or true false box".split()
)
# names that are built-in functions when a '(' follows them (otherwise ordinary names)
BUILTINS = frozenset("hard logvol logP is_a argmax max".split())
# names that look like the float specials: rejected where a number is expected
NON_NUMBERS = frozenset({"nan", "inf", "infinity"})

NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*")
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NUMBER_TAIL = re.compile(r"[A-Za-z0-9_.]+")     # what would make a number malformed
_SPACE = re.compile(r"[ \t\r\f\v]+")
_OPS = ("<=", ">=", "==", "!=", "(", ")", "[", "]", "{", "}", ",", ";", ":", "=", "|", "&", "+", "-", "<", ">")


@dataclass(frozen=True)
class Token:
    kind: str          # "name" | "kw" | "num" | "str" | "op" | "eof"
    text: str          # the source text (for a name: the name, without backquotes)
    loc: Loc
    value: float = 0.0          # a number's value
    is_int: bool = False        # a number written without '.' or exponent
    quoted: bool = False        # a name written in backquotes (never a keyword or built-in)

    def describe(self) -> str:
        """How an error message names this token: `found 'out'`, `found end of file`."""
        if self.kind == "eof":
            return "end of file"
        text = f"`{self.text}`" if self.quoted else f'"{self.text}"' if self.kind == "str" else self.text
        if len(text) > 30:
            text = text[:27] + "..."
        return show(text)


def show(text: str) -> str:
    """A piece of source text quoted for a message, control characters escaped."""
    body = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return f"'{body}'"


def number_value(text: str, loc: Loc) -> float:
    """The value of a number literal; a literal too large for a float is an error."""
    value = float(text)
    if not math.isfinite(value):
        raise CompileError(loc, f"number {show(_clip(text))} is out of range (the largest is about 1.8e308)")
    return value


def _clip(text: str) -> str:
    return text if len(text) <= 30 else text[:27] + "..."


class _Lexer:
    def __init__(self, text: str, file: str):
        self.text, self.file = text, file
        self.pos, self.line, self.line_start = 0, 1, 0
        self.tokens: list[Token] = []

    def loc(self, pos: int | None = None) -> Loc:
        pos = self.pos if pos is None else pos
        return Loc(self.file, self.line, pos - self.line_start + 1)

    def run(self) -> list[Token]:
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c == "\n":
                self.pos += 1
                self.line, self.line_start = self.line + 1, self.pos
            elif (m := _SPACE.match(text, self.pos)) is not None:
                self.pos = m.end()
            elif c == "#" or text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                self.tokens.append(self.token(c))
        self.tokens.append(Token("eof", "", self.loc()))
        return self.tokens

    def token(self, c: str) -> Token:
        loc, text, start = self.loc(), self.text, self.pos
        if (m := NAME_RE.match(text, start)) is not None:
            self.pos = m.end()
            word = m.group()
            return Token("kw" if word in KEYWORDS else "name", word, loc)
        if (m := _NUMBER.match(text, start)) is not None:
            return self.number(m.group(), loc)
        if c == "`":
            return self.delimited("`", "name", loc, "a backquoted name")
        if c == '"':
            return self.delimited('"', "str", loc, "a string")
        for op in _OPS:
            if text.startswith(op, start):
                self.pos += len(op)
                return Token("op", op, loc)
        hint = " (use 'not' for negation, '!=' for inequality)" if c == "!" else ""
        raise CompileError(loc, f"unexpected character {show(c)}{hint}")

    def number(self, literal: str, loc: Loc) -> Token:
        end = self.pos + len(literal)
        tail = _NUMBER_TAIL.match(self.text, end)
        if tail is not None:
            bad = literal + tail.group()
            raise CompileError(loc, f"malformed number {show(_clip(bad))}")
        self.pos = end
        is_int = "." not in literal and "e" not in literal.lower()
        return Token("num", literal, loc, value=number_value(literal, loc), is_int=is_int)

    def delimited(self, quote: str, kind: str, loc: Loc, what: str) -> Token:
        start = self.pos + 1
        end = start
        while end < len(self.text) and self.text[end] not in (quote, "\n"):
            end += 1
        if end >= len(self.text) or self.text[end] != quote:
            raise CompileError(loc, f"{what} is not closed on its line: expected {show(quote)}")
        body = self.text[start:end]
        if kind == "name" and not body:
            raise CompileError(loc, "empty backquoted name ``")
        self.pos = end + 1
        return Token(kind, body, loc, quoted=(kind == "name"))


def tokenize(text: str, file: str) -> list[Token]:
    """All the tokens of `text`, ending with one "eof" token. A leading byte-order mark is
    skipped (it does not count as a column)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return _Lexer(text, file).run()
