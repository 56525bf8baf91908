"""Operand text against an instruction's syntax template ('rd, imm(rs1)'), for the assembler.

Operands may hold balanced parentheses (`fx(1.5)(x2)`), so the general search tries every
split; the fast paths (a comma split, one regex) give the same answer for the common
templates and are checked against the general search by the tests.
"""

from __future__ import annotations

import functools
import re

NAME = r"[A-Za-z_][A-Za-z0-9_.]*"  # a symbol or label
NAME_RE = re.compile(NAME)
_SYNTAX_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\S")


def split_top(text: str) -> list[str]:
    """Split on commas outside parentheses; [] for blank text."""
    if not text.strip():
        return []
    if "(" not in text and ")" not in text:
        return [p.strip() for p in text.split(",")]
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        depth += (c == "(") - (c == ")")
        if c == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return parts


@functools.cache
def _syntax_regex(syntax: str) -> tuple[re.Pattern, tuple[int, int], tuple[str, ...]] | None:
    """A regex for a template whose operands hold no parentheses, the template's own
    parenthesis counts, and its operand names when commas alone separate them; None if an
    operand name repeats."""
    rx, names = [r"\s*"], set()
    for p in _SYNTAX_TOKEN.findall(syntax):
        if NAME_RE.fullmatch(p):
            if p in names:
                return None
            names.add(p)
            rx.append(rf"(?P<{p}>[^\s,()](?:[^,()]*?[^\s,()])?)\s*")
        else:
            rx.append(re.escape(p) + r"\s*")
    tokens = _SYNTAX_TOKEN.findall(syntax)
    lits = "".join(p for p in tokens if not NAME_RE.fullmatch(p))
    # "a, b, c": names separated by single commas (the common case), else ()
    names = tuple(tokens[::2]) if tokens and all(t == "," for t in tokens[1::2]) and len(tokens) % 2 \
        and all(NAME_RE.fullmatch(t) for t in tokens[::2]) else ()
    return re.compile("".join(rx) + r"\Z"), (lits.count("("), lits.count(")")), names


def match_syntax(syntax: str, text: str) -> dict[str, str] | None:
    """Match operand text against a syntax template such as 'rd, imm(rs1)'.

    Returns operand name -> its text, or None. An operand's text is non-empty, has
    balanced parentheses and no top-level comma, so 'fx(1.5)(x2)' splits correctly.
    """
    fast = _syntax_regex(syntax)
    if fast is not None and fast[2]:
        # operands separated by commas only: the top-level split is the only possible match
        parts = split_top(text)
        if len(parts) == len(fast[2]) and all(p and _balanced(p) for p in parts):
            return dict(zip(fast[2], parts, strict=True))
        return None if len(parts) != len(fast[2]) or not all(parts) else _match_general(syntax, text)
    if fast is not None and (text.count("("), text.count(")")) == fast[1]:
        # every parenthesis is the template's, so no operand holds one: the first match of
        # the regex is the first match of the general search below (same order of tries)
        m = fast[0].match(text)
        return m.groupdict() if m else None
    return _match_general(syntax, text)


def _balanced(text: str) -> bool:
    if "(" not in text and ")" not in text:
        return True
    depth = 0
    for c in text:
        depth += (c == "(") - (c == ")")
        if depth < 0:
            return False
    return depth == 0


def _match_general(syntax: str, text: str) -> dict[str, str] | None:
    """The general search: operands may hold balanced parentheses."""
    parts = _SYNTAX_TOKEN.findall(syntax)

    def go(k: int, pos: int, got: dict[str, str]) -> dict[str, str] | None:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if k == len(parts):
            return got if pos == len(text) else None
        p = parts[k]
        if not NAME_RE.fullmatch(p):
            return go(k + 1, pos + len(p), got) if text.startswith(p, pos) else None
        depth = 0
        for end in range(pos, len(text)):
            c = text[end]
            depth += (c == "(") - (c == ")")
            if depth < 0 or (c == "," and depth == 0):
                break
            if depth == 0 and not c.isspace():
                found = go(k + 1, end + 1, {**got, p: text[pos:end + 1].strip()})
                if found is not None:
                    return found
        return None

    return go(0, 0, {})
