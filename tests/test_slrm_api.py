"""The Python API (compiler/api.py) builds the same AST as the parser, with the caller's
file:line in every Loc, and rejects mistakes with the parser's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.api import ListHandle, ProgramBuilder, Value
from compiler.errors import CompileError, Loc
from compiler.frontend import ast
from compiler.frontend.locs import strip_locs
from compiler.frontend.parser import parse

SOURCE = """\
use "boxes.json";
concept dog = box(0.05, 0.25);
concept `przewalski's_horse.n.01` = box([0, -1], [1e-3, 2.]);
list L = [dog, cat.n.01];
list M = L;
temperature beta_v = 1, beta_i = 0.001;
let s = is_a(dog, animal) + -logP(dog & animal & cat | hard(dog, animal)) - logvol(dog);
out answer[c][d] = not s >= -0.5 and true or false;
if likely s < 1 { out a = 1; } else if unlikely x { out b = 2; } else { let y = max(c in L: is_a(c, x)); }
for c in [a, b] { out r[c] = argmax(k in M: is_a(c, k)); }
let z = 2 - s == s != -3;
"""


def build() -> ast.Module:
    p = ProgramBuilder(file="same.slrm")
    p.use("boxes.json")
    dog = p.concept("dog", lo=0.05, hi=0.25)
    p.concept("przewalski's_horse.n.01", lo=[0, -1], hi=[1e-3, 2.0])
    L = p.list("L", [dog, "cat.n.01"])
    M = p.list("M", L)
    p.temperature(beta_v=1.0, beta_i=0.001)
    animal = p.ref("animal")
    s = p.let("s", p.is_a(dog, animal) + -p.logP(dog & animal & "cat", p.hard(dog, animal)) - p.logvol(dog))
    p.out("answer", p.or_(p.and_(p.not_(s >= -0.5), True), False), index=["c", p.ref("d")])
    with p.if_(s < 1, likely="then"):
        p.out("a", 1)
    with p.else_():
        with p.if_(p.ref("x"), likely="else"):
            p.out("b", 2)
        with p.else_():
            p.let("y", p.max("c", "L", lambda c: p.is_a(c, "x")))
    with p.for_("c", ["a", "b"]) as c:
        p.out("r", p.argmax("k", M, lambda k: p.is_a(c, k)), index=[c])
    p.let("z", ((2 - s) == s) != -3)        # comparisons do not chain in SLRM: nested explicitly
    return p.module()


def test_api_and_parser_agree():
    parsed = parse(SOURCE.replace("2 - s == s != -3", "(2 - s == s) != -3"), "same.slrm")
    assert strip_locs(build()) == strip_locs(parsed)


def test_api_numbers_read_as_the_parser_reads_them():
    p = ProgramBuilder(file="n")
    for v in (3, 3.0, -0.5, -0.0, 10**20, True):
        p.let("x", p.lit(v))
    text = "let x = 3; let x = 3.0; let x = -0.5; let x = -0.0; let x = 100000000000000000000; let x = true;"
    assert strip_locs(p.module()) == strip_locs(parse(text, "n"))


def test_locations_are_the_callers_lines():
    p = ProgramBuilder()
    line = _line() + 1
    s = p.let("s", p.is_a("dog", "animal") & p.ref("x"))
    m = p.module()
    assert m.file == __file__
    let = m.body[0]
    assert let.loc == Loc(__file__, line, 0) == let.value.loc == let.value.left.args[0].loc
    assert str(let.loc) == f"{__file__}:{line}"
    assert isinstance(s, Value) and s.node == ast.Name(Loc(__file__, line, 0), "s")
    if_line = _line() + 1
    with p.if_(s > 0):
        pass
    assert p.module().body[1].loc == Loc(__file__, if_line, 0)


def _line() -> int:
    import inspect
    return inspect.currentframe().f_back.f_lineno


def test_values_do_not_hash_or_truth():
    p = ProgramBuilder(file="v")
    a, b = p.ref("a"), p.ref("b")
    assert isinstance(a == b, Value) and (a == b).node.op == "==" and a.eq(b).node == (a == b).node
    assert a.ne(b).node.op == "!="
    with pytest.raises(TypeError):
        hash(a)
    with pytest.raises(CompileError, match="no Python truth value"):
        bool(a < b)
    with pytest.raises(CompileError, match="no chained comparisons"):
        a < b < p.ref("c")          # noqa: B015
    assert repr(p.logP(a & b, b) >= -0.5) == "Value(logP(a & b | b) >= -0.5)"
    assert (0.5 < a).node.op == ">"                           # Python swaps the comparison


def test_thousands_of_queries():
    p = ProgramBuilder(file="big")
    names = [f"c{k}" for k in range(2000)]
    cands = p.list("C", names)
    for n in names:
        p.out("best", p.argmax("c", cands, lambda c, n=n: p.is_a(n, c)), index=[n])
    m = p.module()
    assert len(m.body) == 2001 and m.body[-1].index == ("c1999",)


def _raises(fn, message):
    with pytest.raises(CompileError) as info:
        fn()
    assert message in str(info.value), str(info.value)
    assert str(info.value).startswith(f"{__file__}:")


def test_mistakes():
    p = ProgramBuilder(file="m")
    _raises(lambda: p.concept("d", lo=0, hi=[1, 2]), "give both corners as numbers or both as lists")
    _raises(lambda: p.concept("d", lo=[0], hi=[1, 2]), "the lower corner has 1 values, the upper corner 2")
    _raises(lambda: p.concept("d", lo=0, hi=float("inf")), "the upper corner holds inf, not a finite number")
    _raises(lambda: p.concept("d", lo=None, hi=1), "the lower corner must be a number or a sequence")
    _raises(lambda: p.concept("", lo=0, hi=1), "a concept name must be a non-empty string")
    _raises(lambda: p.concept("a`b", lo=0, hi=1), "cannot be written in SLRM")
    _raises(lambda: p.temperature(), "give beta_i, beta_v or both")
    _raises(lambda: p.temperature(beta_x=1), "unknown temperature 'beta_x'")
    _raises(lambda: p.temperature(beta_i=0), "beta_i must be a finite number > 0, found 0")
    _raises(lambda: p.temperature(beta_v=float("nan")), "beta_v must be a finite number > 0, found nan")
    _raises(lambda: p.let("x", float("nan")), "nan is not a finite number (SLRM has no NaN or infinity)")
    _raises(lambda: p.let("x", 10**400), "is not a finite number")
    _raises(lambda: p.let("x", [1]), "cannot use a list as an SLRM expression")
    _raises(lambda: p.for_("c", []).__enter__(), "expected a name in the list, found an empty list")
    _raises(lambda: p.argmax("c", 3, 1), "expected a list (a list name or a sequence of names)")
    _raises(lambda: p.out("r", 1, index=[p.ref("a") & p.ref("b")]), "an index of out() must be a name")
    _raises(lambda: p.if_(1, likely="yes").__enter__(), "likely must be None, 'then' or 'else'")
    _raises(lambda: p.and_(1), "and_() takes two or more operands, found 1")
    _raises(lambda: p.else_().__enter__(), "else_() must come right after a `with p.if_(...)` block")
    _raises(lambda: p.use('a"b'), "use(): the path must be a string")
    assert p.module().body == ()                  # nothing half-built was added


def test_blocks():
    p = ProgramBuilder(file="b")
    with p.for_("c", ListHandle("L")):
        _raises(lambda: p.concept("d", lo=0, hi=1), "'concept' declarations are allowed only at the top level")
        _raises(lambda: p.list("K", ["a"]), "'list' declarations are allowed only at the top level")
        _raises(lambda: p.module(), "module() called inside an open if_/else_/for_ block")
        with p.if_(True):
            p.out("x", 1)
    _raises(lambda: p.else_().__enter__(), "else_() must come right after")   # the if_ was inside the for
    with p.if_(False):
        p.out("y", 1)
    p.let("z", 0)
    _raises(lambda: p.else_().__enter__(), "else_() must come right after")   # a statement came between
    with pytest.raises(ZeroDivisionError), p.if_(True):
        p.out("lost", 1)
        raise ZeroDivisionError
    with p.if_(True):
        pass
    with p.else_():
        pass
    _raises(lambda: p.else_().__enter__(), "else_() must come right after")   # one else per if
    body = p.module().body
    assert [type(s).__name__ for s in body] == ["For", "If", "Let", "If"]
    assert body[0].over == ast.ListRef(body[0].loc, "L") and body[0].body[0].then[0].name == "x"


def _doc_block(lang: str, first_line: str) -> str:
    text = (Path(__file__).resolve().parent.parent / "docs" / "slrm.md").read_text()
    for block in text.split(f"```{lang}\n")[1:]:
        body = block.split("```", 1)[0]
        if body.startswith(first_line):
            return body
    raise AssertionError(f"docs/slrm.md has no ```{lang} block starting {first_line!r}")


def test_docs_worked_example_api_equals_slrm():
    """The two worked examples of docs/slrm.md build the same module."""
    source = _doc_block("", "# zoo.slrm")
    code = _doc_block("python", "from compiler.api import ProgramBuilder")
    scope: dict = {}
    exec(compile(code, "docs/slrm.md", "exec"), scope)
    assert strip_locs(scope["module"]) == strip_locs(parse(source, "zoo.slrm"))
