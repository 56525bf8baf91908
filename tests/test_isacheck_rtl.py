"""`lpu isa check` and generation catch an RTL execute case whose unit lacks the operation
(issue 13, section 4: `bcontain` added to execute.py alone passed both), and no unit has a
catch-all branch that silently performs some real operation."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from myhdl import Signal, block, delay, instance, intbv, modbv

import rtl_gen
from isa_spec import load_spec, make_config
from lpu.cli import main
from rtl_gen import execute
from rtl_gen.alu import ALU_UNIT, alu
from rtl_gen.control_units import BOX_UNIT
from rtl_gen.decode import decode_tables
from rtl_gen.units import UNITS, RtlError, UnitOps

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def execute_line_only(monkeypatch):
    """The state after adding only `"bcontain": "contain"` to execute.py's box cases."""
    cases = {u: dict(c) for u, c in execute.UNIT_CASES.items()}
    cases["box"]["bcontain"] = "contain"
    monkeypatch.setattr(execute, "UNIT_CASES", cases)
    built, problems = execute._build()
    monkeypatch.setattr(execute, "_PROBLEMS", problems)
    monkeypatch.setattr(rtl_gen, "IMPLEMENTED", frozenset(built))
    return problems


def test_the_shipped_units_and_execute_cases_agree():
    assert rtl_gen.unit_problems() == []
    assert set(execute.UNIT_OPS) == set(UNITS)
    for unit, cases in execute.UNIT_CASES.items():  # every declared op is used by some instruction
        assert set(cases.values()) == set(execute.UNIT_OPS[unit].ops), unit


def test_an_execute_case_without_its_unit_operation_fails_isa_check(execute_line_only, capsys):
    assert len(execute_line_only) == 1
    assert main(["isa", "check"]) == 1
    out = capsys.readouterr().out
    problems = [ln for ln in out.splitlines() if ln.startswith("  - ")]
    assert len(problems) == 1, out
    assert "'bcontain'" in problems[0] and "'contain'" in problems[0]
    assert "rtl_gen/box_ops.py does not implement" in problems[0]
    assert "X.CONTAIN" in problems[0]  # says which case to write


def test_an_execute_case_without_its_unit_operation_fails_generation(execute_line_only, tmp_path, capsys):
    with pytest.raises(RtlError, match="rtl_gen/box_ops.py does not implement"):
        decode_tables()
    assert main(["gen", "--config", "tiny", "-o", str(tmp_path / "rtl")]) != 0
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("lpu: error: ") and "'bcontain'" in err
    assert not (tmp_path / "rtl" / "lpu_top.v").exists()


def test_a_declared_operation_without_a_case_is_reported():
    decl = UnitOps("box", BOX_UNIT.file, (*BOX_UNIT.ops, "contain"), alias=BOX_UNIT.alias)
    assert decl.missing_cases() == ["contain"]
    assert BOX_UNIT.missing_cases() == []
    # the alias matters: the ALU's ops are not read as `X.<op>` in box_ops.py
    assert UnitOps("alu", BOX_UNIT.file, ALU_UNIT.ops, alias="X").missing_cases() == list(ALU_UNIT.ops)


def test_op_codes_are_the_sorted_positions_of_the_declared_operations():
    for decl in execute.UNIT_OPS.values():
        assert sorted(decl.code(o) for o in decl.ops) == list(range(len(decl.ops)))
        assert all(getattr(decl.consts, o.upper()) == decl.code(o) for o in decl.ops)
    tables = decode_tables(load_spec())
    i = tables.iid("bhint")
    assert tables.unit[i] == UNITS.index("box") and tables.op[i] == BOX_UNIT.code("hard")


def test_the_alu_gives_zero_for_an_op_code_it_does_not_implement():
    """The old `else` computed LUI for any unknown code."""
    op, a, b = Signal(intbv(0)[5:]), Signal(modbv(0)[32:]), Signal(modbv(0)[32:])
    y = Signal(modbv(0)[32:])
    got: dict[int, int] = {}

    @block
    def tb():
        dut = alu(op, a, b, y)

        @instance
        def drive():
            a.next, b.next = 0x1234, 5
            for code in (ALU_UNIT.code("lui"), len(ALU_UNIT.ops), 31):
                op.next = code
                yield delay(1)
                got[code] = int(y.val)
        return dut, drive
    tb().run_sim(quiet=1)
    assert got == {ALU_UNIT.code("lui"): 5 << 12, len(ALU_UNIT.ops): 0, 31: 0}


def _chains(tree: ast.AST, selector: str):
    """(line, final else body) of every if/elif chain that compares `selector`."""
    inner = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
            inner.add(id(node.orelse[0]))
    for node in ast.walk(tree):
        if not isinstance(node, ast.If) or id(node) in inner:
            continue
        links, tail = [node], node
        while len(tail.orelse) == 1 and isinstance(tail.orelse[0], ast.If):
            tail = tail.orelse[0]
            links.append(tail)
        names = {n.id for link in links for n in ast.walk(link.test) if isinstance(n, ast.Name)}
        if selector in names and len(links) > 1:
            yield node.lineno, tail.orelse


def _is_nothing(stmt: ast.stmt) -> bool:
    """`sig.next = 0` / `False`, or a nested default: a default that performs no operation."""
    return isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant) and not stmt.value.value


@pytest.mark.parametrize("path", ["rtl_gen/alu.py", "rtl_gen/ex_stage.py", "rtl_gen/box_ops.py", "rtl_gen/box_datapath.py"])
def test_no_case_chain_ends_in_a_catch_all_that_performs_an_operation(path):
    tree = ast.parse((ROOT / path).read_text())
    chains = [c for sel in ("op", "mode") for c in _chains(tree, sel)]
    assert chains, "no op/mode case chain found: the test no longer sees the unit's cases"
    bad = [line for line, tail in chains if not all(_is_nothing(s) for s in tail)]
    assert bad == [], f"{path}: case chains at lines {bad} end in an else that does something"


def test_the_chain_check_sees_a_catch_all():
    """The AST check above fails on the old ALU shape (`else: y = b << 12`)."""
    old = "def f():\n    if op == A.ADD:\n        y.next = a + b\n    elif op == A.SUB:\n        y.next = a - b\n" \
          "    else:\n        y.next = b << 12\n"
    [(line, tail)] = list(_chains(ast.parse(old), "op"))
    assert line == 2 and not all(_is_nothing(s) for s in tail)


def test_generation_needs_a_consistent_table_before_it_converts(monkeypatch):
    """require_consistent is the gate generate() passes through (via decode_tables)."""
    monkeypatch.setattr(execute, "_PROBLEMS", ["rtl_gen/alu.py: test problem"])
    from rtl_gen.config import RtlConfig
    from rtl_gen.top import lpu_top, top_ports

    cfg = RtlConfig.from_config(make_config(load_spec(), "tiny"), load_spec())
    with pytest.raises(RtlError, match="rtl_gen/alu.py: test problem"):
        lpu_top(cfg, **top_ports(cfg))
