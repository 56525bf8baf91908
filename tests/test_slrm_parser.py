"""The SLRM parser (compiler/frontend/parser.py): every construct, precedence, locations,
the message of each mistake, fuzzing (only CompileError, never a traceback) and the
unparse round trip on generated ASTs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compiler.errors import NOWHERE, CompileError, Loc
from compiler.frontend import ast
from compiler.frontend.locs import strip_locs
from compiler.frontend.parser import parse
from compiler.frontend.unparse import unparse

PROGRAM = """\
use "boxes.json";
# a comment
concept dog = box(0.05, 0.25);  // another
concept `przewalski's_horse.n.01` = box([0, -1], [1e-3, 2.]);
list L = [dog, cat.n.01,];
list M = L;
temperature beta_v = 1, beta_i = 0.001;
let s = is_a(dog, animal);
out answer[c][d] = s >= -0.5;
if likely s < 1 { out a = 1; } else if unlikely x { out b = 2; } else { let y = max(c in L: is_a(c, x)); }
for c in [a, b] { out r[c] = argmax(k in M: logP(c | k)); }
"""


def sx(e: ast.Expr) -> str:
    """An expression as an s-expression, to state precedence plainly."""
    if isinstance(e, ast.Num):
        return str(int(e.value)) if e.is_int else repr(e.value)
    if isinstance(e, ast.Bool):
        return str(e.value).lower()
    if isinstance(e, ast.Name):
        return e.name
    if isinstance(e, ast.Unary):
        return f"({e.op} {sx(e.arg)})"
    if isinstance(e, ast.Binary):
        return f"({e.op} {sx(e.left)} {sx(e.right)})"
    if isinstance(e, ast.Call):
        return f"({e.func} {' '.join(sx(a) for a in e.args)})"
    assert isinstance(e, ast.Reduce)
    over = e.over.name if isinstance(e.over, ast.ListRef) else "[" + " ".join(e.over.items) + "]"
    return f"({e.func} {e.var} {over} {sx(e.body)})"


def expr_of(source: str) -> ast.Expr:
    stmt = parse(f"let x = {source};", "e.slrm").body[0]
    assert isinstance(stmt, ast.Let)
    return stmt.value


def test_every_statement():
    m = strip_locs(parse(PROGRAM, "p.slrm"))
    N = NOWHERE
    assert m.file == "p.slrm"
    use, dog, horse, lst, lst2, temp, let, out, if_, for_ = m.body
    assert use == ast.Use(N, "boxes.json")
    assert dog == ast.ConceptDecl(N, "dog", ast.BoxLit(N, (0.05,), (0.25,)))
    assert horse == ast.ConceptDecl(N, "przewalski's_horse.n.01", ast.BoxLit(N, (0.0, -1.0), (0.001, 2.0)))
    assert lst == ast.ListDecl(N, "L", ast.ListLit(N, ("dog", "cat.n.01")))
    assert lst2 == ast.ListDecl(N, "M", ast.ListRef(N, "L"))
    assert temp == ast.Temperature(N, (("beta_v", 1.0, N), ("beta_i", 0.001, N)))
    assert sx(let.value) == "(is_a dog animal)" and let.name == "s"
    assert (out.name, out.index, sx(out.value)) == ("answer", ("c", "d"), "(>= s (- 0.5))")
    assert if_.likely == "then" and sx(if_.cond) == "(< s 1)"
    assert if_.then == (ast.Out(N, "a", (), ast.Num(N, 1.0, True)),)
    (inner,) = if_.orelse
    assert isinstance(inner, ast.If) and inner.likely == "else" and sx(inner.cond) == "x"
    assert sx(inner.orelse[0].value) == "(max c L (is_a c x))"
    assert for_.var == "c" and for_.over == ast.ListLit(N, ("a", "b"))
    assert sx(for_.body[0].value) == "(argmax k M (logP c k))"


@pytest.mark.parametrize("source, tree", [
    ("a or b and c", "(or a (and b c))"),
    ("a and b or c", "(or (and a b) c)"),
    ("not a and b", "(and (not a) b)"),
    ("not a < b", "(not (< a b))"),
    ("not not a", "(not (not a))"),
    ("a + b < c - d", "(< (+ a b) (- c d))"),
    ("a - b - c", "(- (- a b) c)"),
    ("a - b + c", "(+ (- a b) c)"),
    ("-a + b", "(+ (- a) b)"),
    ("-a & b", "(- (& a b))"),
    ("- -a", "(- (- a))"),
    ("a & b & c", "(& (& a b) c)"),
    ("a & (b & c)", "(& a (& b c))"),
    ("(a + b) - c", "(- (+ a b) c)"),
    ("logvol(a & b) - logvol(b)", "(- (logvol (& a b)) (logvol b))"),
    ("logP(a & b | c)", "(logP (& a b) c)"),
    ("hard(a, b) & c", "(& (hard a b) c)"),
    ("is_a(a, b) >= -0.5 == true", None),
    ("(a < b) == (c != d)", "(== (< a b) (!= c d))"),
    ("max", "max"),
    ("hard + logP", "(+ hard logP)"),
    ("`if` + `x y`", "(+ if x y)"),
    ("dog.n.01 & in.n.01", "(& dog.n.01 in.n.01)"),
    ("1 + 2.5e3 - .5", "(- (+ 1 2500.0) 0.5)"),
    ("1e2", "100.0"),
    ("argmax(c in [a, b]: is_a(c, x) + 1)", "(argmax c [a b] (+ (is_a c x) 1))"),
])
def test_precedence(source, tree):
    if tree is None:
        with pytest.raises(CompileError, match="comparisons do not chain"):
            expr_of(source)
    else:
        assert sx(expr_of(source)) == tree


def test_numbers_are_int_only_without_point_or_exponent():
    assert [(n.value, n.is_int) for n in map(expr_of, ["3", "3.", "3e0", "0.25"])] == [
        (3.0, True), (3.0, False), (3.0, False), (0.25, False)]


def test_locations():
    m = parse("let s =\n  is_a(dog,\n animal) & `x y`;\nout r[c] = -s;\n", "loc.slrm")
    let, out = m.body
    assert let.loc == Loc("loc.slrm", 1, 1)
    amp = let.value
    assert amp.loc == Loc("loc.slrm", 3, 10)                       # a binary node: its operator
    assert amp.left.loc == Loc("loc.slrm", 2, 3)                   # a call: the function's name
    assert amp.left.args[1].loc == Loc("loc.slrm", 3, 2)
    assert amp.right.loc == Loc("loc.slrm", 3, 12)                 # the opening backquote
    assert out.loc == Loc("loc.slrm", 4, 1) and out.value.loc == Loc("loc.slrm", 4, 12)
    temp = parse("\ttemperature beta_i = 1;", "t").body[0]
    assert temp.settings[0][2] == Loc("t", 1, 14)                  # a tab is one column
    box = parse("\ufeffconcept a = box(0, 1);", "b").body[0]
    assert box.loc == Loc("b", 1, 1) and box.box.loc == Loc("b", 1, 13)


BAD = [
    ("let x = 1\nout y = 2;", "2:1", "expected ';' after the let statement, found 'out'"),
    ("let x = a < b < c;", "1:15", "comparisons do not chain"),
    ("concept d = box(1, [1, 2]);", "1:20", "both as lists, found a number and a list"),
    ("concept d = box([1], [1, 2]);", "1:22", "the lower corner has 1 value, the upper corner 2 values"),
    ("concept d = box(0, 1)", "1:22", "expected ';' after the concept statement, found end of file"),
    ("concept d = (0, 1);", "1:13", "expected 'box' in 'concept d = box(LO, HI)', found '('"),
    ("concept d = box(a, 1);", "1:17", "expected a number for the lower corner of box(LO, HI), found 'a'"),
    ("if x { concept d = box(0, 1); }", "1:8", "'concept' declarations are allowed only at the top level"),
    ("for c in L { use \"a\"; }", "1:14", "'use' declarations are allowed only at the top level"),
    ("if x { } else { list L = [a]; }", "1:17", "'list' declarations are allowed only at the top level"),
    ("if x { out a = 1;", "1:18", "expected '}' to close the block of 'if' opened at 1:6, found end of file"),
    ("for c in L { if x { }", "1:22", "expected '}' to close the block of 'for' opened at 1:12"),
    ("}", "1:1", "expected a statement (use, concept, list, temperature, let, out, if or for), found '}'"),
    ("let x = (1 + 2;", "1:15", "expected ')' to close the parenthesis opened at 1:9, found ';'"),
    ("let x = logvol(a;", "1:17", "expected ')' to close logvol( opened at 1:9, found ';'"),
    ("let x = 1e999;", "1:9", "number '1e999' is out of range"),
    ("let x = " + "9" * 400 + ";", "1:9", "is out of range"),
    ("let x = 1e;", "1:9", "malformed number '1e'"),
    ("let x = 1.2.3;", "1:9", "malformed number '1.2.3'"),
    ("let x = 12abc;", "1:9", "malformed number '12abc'"),
    ("let x = nan;", "1:9", "'nan' is not a number: SLRM has no NaN or infinity"),
    ("let x = -Infinity;", "1:10", "'Infinity' is not a number"),
    ("concept d = box(-inf, 1);", "1:18", "found 'inf' (NaN and infinity are not allowed)"),
    ("temperature beta_i = NaN;", "1:22", "found 'NaN' (NaN and infinity are not allowed)"),
    ("temperature beta_i = 0;", "1:22", "beta_i must be > 0, found 0.0"),
    ("temperature beta_v = -2;", "1:22", "beta_v must be > 0, found -2.0"),
    ("temperature beta_v = 1e400;", "1:22", "out of range"),
    ("temperature beta_x = 1;", "1:13", "unknown temperature 'beta_x' (the temperatures are beta_i and beta_v)"),
    ("temperature beta_i = 1, beta_i = 2;", "1:25", "'beta_i' is set twice"),
    ("temperature;", "1:12", "expected a name in the temperature statement (beta_i or beta_v), found ';'"),
    ("let x = logP(a, b);", "1:15", "expected '|' after the first argument of logP(A | B), found ','"),
    ("let x = hard(a);", "1:15", "expected ',' after the first argument of hard(A, B), found ')'"),
    ("let x = is_a(a, b, c);", "1:18", "expected ')' to close is_a( opened at 1:9, found ','"),
    ("let x = foo(a);", "1:9", "'foo' is not a function (the built-ins are argmax, hard, is_a, logP, logvol, max)"),
    ("let x = `max`(a, b);", "1:9", "'`max`' is not a function"),
    ("let x = max(1, 2);", "1:13", "expected a name for the variable of max(NAME in LIST: score), found '1'"),
    ("let x = argmax(c of L: c);", "1:18", "expected 'in' after the variable of argmax(NAME in LIST: score), found 'of'"),
    ("let x = argmax(c in L, c);", "1:22", "expected ':' after the list of argmax(NAME in LIST: score), found ','"),
    ("let x = argmax(c in []: c);", "1:22", "expected a name in the list, found ']'"),
    ("let x = argmax(c in [a b]: c);", "1:24", "expected ',' or ']' in the list, found 'b'"),
    ("x = 1;", "1:1", "found 'x' (write 'let x = ...;')"),
    ("let if = 1;", "1:5", "expected a name (keywords are not names) after 'let', found 'if'"),
    ("let x = `abc;", "1:9", "a backquoted name is not closed on its line"),
    ("let x = `ab\nc`;", "1:9", "a backquoted name is not closed on its line"),
    ("let x = ``;", "1:9", "empty backquoted name"),
    ("use foo;", "1:5", "expected a file name in double quotes after 'use', found 'foo'"),
    ('use "foo', "1:5", "a string is not closed on its line"),
    ("let x = a ! b;", "1:11", "unexpected character '!' (use 'not' for negation"),
    ("let x = a % b;", "1:11", "unexpected character '%'"),
    ("\x00", "1:1", "unexpected character '\\x00'"),
    ("out a[1] = 2;", "1:7", "expected a name as an index of 'a' (a loop variable), found '1'"),
    ("out a[i = 2;", "1:9", "expected ']' after the index 'i', found '='"),
    ("out a[i] 2;", "1:10", "expected '=' after 'out a[i]', found '2'"),
    ("for c in L out a = 1;", "1:12", "expected '{' after the list of 'for', found 'out'"),
    ("for c L { }", "1:7", "expected 'in' after 'for c', found 'L'"),
    ("for c in 3 { }", "1:10", "expected a list ('[' or a list name) after 'for c in', found '3'"),
    ("if { }", "1:4", "expected an expression for the condition of 'if', found '{'"),
    ("if x { } else y", "1:15", "expected '{' after 'else', found 'y'"),
    ("let x = ;", "1:9", "expected an expression after 'let x =', found ';'"),
    ("let x = 1 +;", "1:12", "expected an expression after '+', found ';'"),
    ("let x = not;", "1:12", "expected an expression after 'not', found ';'"),
    ("list L = 3;", "1:10", "expected a list ('[' or a list name) in 'list L = ...', found '3'"),
    ("let x = " + "(" * 100 + "a" + ")" * 100 + ";", "1:73", "nesting deeper than 64 levels"),
    ("if a { " * 100 + "}" * 100, "1:454", "nesting deeper than 64 levels"),
    ("let x = a" + " & a" * 5000 + ";", None, None),          # long but flat: fine
    ("let x = " + "-" * 5000 + "a;", None, None),
]


@pytest.mark.parametrize("source, where, message", BAD)
def test_bad_input_message(source, where, message):
    if where is None:
        parse(source, "q.slrm")
        return
    with pytest.raises(CompileError) as info:
        parse(source, "q.slrm")
    text = str(info.value)
    assert text.startswith(f"q.slrm:{where}: "), text
    assert message in text, text
    assert "\n" not in text


def test_truncated_programs_raise_only_compile_errors():
    for end in range(len(PROGRAM)):
        try:
            parse(PROGRAM[:end], "cut.slrm")
        except CompileError as e:
            assert str(e).startswith("cut.slrm:")


_VOCAB = ["use", "concept", "list", "temperature", "let", "out", "if", "else", "for", "in", "likely",
          "unlikely", "not", "and", "or", "true", "false", "box", "hard", "logvol", "logP", "is_a", "argmax",
          "max", "beta_i", "beta_v", "x", "dog.n.01", "`a b`", '"p"', "1", "-2.5", "1e999", "nan", "(", ")",
          "[", "]", "{", "}", ",", ";", ":", "=", "|", "&", "+", "-", "<", "<=", ">", ">=", "==", "!=", "#",
          "\n", "`", '"']


@given(st.one_of(st.text(), st.binary().map(lambda b: b.decode("latin-1")),
                 st.lists(st.sampled_from(_VOCAB), max_size=40).map(" ".join)))
def test_fuzz_only_compile_errors(text):
    try:
        parse(text, "f.slrm")
    except CompileError as e:
        assert str(e).startswith("f.slrm:") and "\n" not in str(e)


# ---- round trip on generated ASTs ---------------------------------------------------------

N = NOWHERE
_names = st.one_of(
    st.sampled_from(["a", "dog", "dog.n.01", "in.n.01", "_x9", "max", "hard", "logP", "beta_i", "nan2"]),
    st.sampled_from(["if", "box", "nan", "Inf", "a b", "przewalski's_horse.n.01", "1x"]),
    st.text(st.characters(blacklist_characters="`\n", blacklist_categories=("Cs",)), min_size=1, max_size=8),
)
_nums = st.one_of(
    st.floats(min_value=0, allow_nan=False, allow_infinity=False).map(lambda v: ast.Num(N, abs(v), False)),
    st.integers(0, 10**20).map(lambda i: ast.Num(N, float(i), True)),
)
_lists = st.one_of(_names.map(lambda n: ast.ListRef(N, n)),
                   st.lists(_names, min_size=1, max_size=3).map(lambda xs: ast.ListLit(N, tuple(xs))))
_BINOPS = ["&", "+", "-", "<", "<=", ">", ">=", "==", "!=", "and", "or"]


def _compound(inner):
    return st.one_of(
        st.builds(lambda op, a: ast.Unary(N, op, a), st.sampled_from(["-", "not"]), inner),
        st.builds(lambda op, a, b: ast.Binary(N, op, a, b), st.sampled_from(_BINOPS), inner, inner),
        st.builds(lambda f, a, b: ast.Call(N, f, (a, b)), st.sampled_from(["hard", "logP", "is_a"]), inner, inner),
        inner.map(lambda a: ast.Call(N, "logvol", (a,))),
        st.builds(lambda f, v, o, b: ast.Reduce(N, f, v, o, b), st.sampled_from(["argmax", "max"]),
                  _names, _lists, inner),
    )


exprs = st.recursive(
    st.one_of(_nums, st.booleans().map(lambda b: ast.Bool(N, b)), _names.map(lambda n: ast.Name(N, n))),
    _compound, max_leaves=12)
_coord = st.floats(allow_nan=False, allow_infinity=False)
_beta = st.floats(min_value=0, exclude_min=True, allow_infinity=False)


def _box(lo_hi):
    lo, hi = zip(*lo_hi, strict=True)
    return ast.BoxLit(N, lo, hi)


_decls = st.one_of(
    st.text(st.characters(blacklist_characters='"\n', blacklist_categories=("Cs",))).map(lambda p: ast.Use(N, p)),
    st.builds(lambda n, b: ast.ConceptDecl(N, n, b), _names,
              st.lists(st.tuples(_coord, _coord), min_size=1, max_size=4).map(_box)),
    st.builds(lambda n, items: ast.ListDecl(N, n, items), _names, _lists),
)
_simple = st.one_of(
    st.builds(lambda n, e: ast.Let(N, n, e), _names, exprs),
    st.builds(lambda n, i, e: ast.Out(N, n, tuple(i), e), _names, st.lists(_names, max_size=2), exprs),
    st.permutations(["beta_i", "beta_v"]).flatmap(
        lambda ks: st.integers(1, 2).flatmap(
            lambda k: st.tuples(*[_beta.map(lambda v, key=key: (key, v, N)) for key in ks[:k]]))
    ).map(lambda s: ast.Temperature(N, s)),
)


def _blocks(inner):
    body = st.lists(inner, max_size=3).map(tuple)
    likely = st.sampled_from([None, "then", "else"])
    plain_if = st.builds(lambda c, t, e, lk: ast.If(N, c, t, e, lk), exprs, body, body, likely)
    return st.one_of(
        plain_if,
        st.builds(lambda c, t, e, lk: ast.If(N, c, t, (e,), lk), exprs, body, plain_if, likely),   # else if
        st.builds(lambda v, o, b: ast.For(N, v, o, b), _names, _lists, body),
    )


stmts = st.recursive(_simple, _blocks, max_leaves=8)
modules = st.lists(st.one_of(_decls, stmts), max_size=6).map(lambda b: ast.Module("r.slrm", tuple(b)))


@given(modules)
def test_unparse_round_trip(module):
    text = unparse(module)
    assert strip_locs(parse(text, "r.slrm")) == module, text


def test_unparse_writes_readable_source():
    assert unparse(parse(PROGRAM, "p.slrm")).splitlines()[8:11] == [
        "if likely s < 1 {", "    out a = 1;", "} else if unlikely x {"]


def test_unparse_long_left_chains():
    """A sum of thousands of terms (as the API builds it) unparses without deep recursion."""
    e: ast.Expr = ast.Name(N, "t0")
    ops = ["+" if k % 2 else "-" for k in range(1, 5000)]
    for k, op in enumerate(ops, 1):
        e = ast.Binary(N, op, e, ast.Call(N, "logvol", (ast.Name(N, f"t{k}"),)))
    text = unparse(ast.Module("s", (ast.Let(N, "x", e),)))
    assert text.startswith("let x = t0 + logvol(t1) - logvol(t2) + logvol(t3) - ")
    node, seen = parse(text, "s").body[0].value, []       # walk the left spine in a loop
    while isinstance(node, ast.Binary):
        seen.append((node.op, node.right.args[0].name))
        node = node.left
    assert node.name == "t0" and seen[::-1] == [(op, f"t{k}") for k, op in enumerate(ops, 1)]
