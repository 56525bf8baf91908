"""The pipeline timing rules of isa.toml [timing] (docs/pipeline.md): their expressions,
checked at load, and their values for one configuration (`timing_table`)."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from . import schema
from .errors import SpecError
from .params import Config
from .types import Spec

_ALLOWED = (ast.Expression, ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv,
            ast.Constant, ast.Name, ast.Load)


MAX_DEPTH = 50  # _eval recurses once per operator; a timing formula is a few terms


def _depth(tree: ast.AST) -> int:
    """The tree's depth, without recursion (the tree may be deep enough to overflow it)."""
    deepest, todo = 0, [(tree, 1)]
    while todo:
        node, d = todo.pop()
        deepest = max(deepest, d)
        todo.extend((child, d + 1) for child in ast.iter_child_nodes(node))
    return deepest


def check_expression(expr: str, names: set[str]) -> ast.Expression:
    short = expr if len(expr) <= 60 else expr[:57] + "..."
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        raise ValueError(f"'{short}' is not an expression") from None
    except (RecursionError, MemoryError):  # the parser's own limits, on a huge formula
        raise ValueError(f"'{short}' is nested too deeply (at most {MAX_DEPTH} levels)") from None
    if _depth(tree) > MAX_DEPTH:
        raise ValueError(f"'{short}' is nested too deeply (at most {MAX_DEPTH} levels)")
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise ValueError(f"'{expr}': only integers, parameter names and + - * / are allowed")
        if isinstance(node, ast.Name) and node.id not in names:
            raise ValueError(f"'{expr}': unknown name '{node.id}' (known: {', '.join(sorted(names))})")
        if isinstance(node, ast.Constant) and not isinstance(node.value, int):
            raise ValueError(f"'{expr}': {node.value!r} is not an integer")
    return tree


def _eval(node: ast.AST, env: dict[str, int]) -> int:
    if isinstance(node, ast.Expression):
        return _eval(node.body, env)
    if isinstance(node, ast.Constant):
        return int(node.value)
    if isinstance(node, ast.Name):
        return env[node.id]
    assert isinstance(node, ast.BinOp)
    a, b = _eval(node.left, env), _eval(node.right, env)
    if isinstance(node.op, ast.Add):
        return a + b
    if isinstance(node.op, ast.Sub):
        return a - b
    if isinstance(node.op, ast.Mult):
        return a * b
    if b == 0:
        raise ValueError("divides by zero")
    return a // b


CSR_READ = "csrr"   # the instruction whose EX cycles counter_read must name one of
FILE = "isa.toml"


def expression_names(param_names) -> set[str]:
    """The names a timing expression may use: the parameters and BEATS."""
    return set(param_names) | {"BEATS"}


def environment(values: dict[str, int]) -> dict[str, int]:
    env = dict(values)
    env["BEATS"] = env["D"] // env["LANES"]
    return env


def members(spec: Spec, names) -> frozenset[str]:
    """The instructions named in a [timing] list: each entry an instruction or a class."""
    out = set()
    for n in names:
        out |= {n} if n in spec.instructions else {i.name for i in spec.instructions.values() if i.iclass == n}
    return frozenset(out)


def ex_key(spec: Spec, name: str) -> str:
    """The [timing.ex_cycles] key of an instruction: its name, else its class, else "default"."""
    table = spec.timing.ex_cycles
    ins = spec.instructions[name]
    return name if name in table else ins.iclass if ins.iclass in table else "default"


@dataclass(frozen=True)
class TimingTable:
    """[timing] evaluated for one configuration: the rule numbers, the EX cycles of every
    instruction (plus "trap"), and the name lists expanded to instruction names."""
    config: str
    stages: tuple[str, ...]
    fetch_to_ex: int
    late_use: int
    mem_port: int
    gecp_resolve: int
    mispredict_penalty: int
    retire: int
    counter_read: int
    ex_cycles: dict[str, int]
    late: frozenset[str]
    mem_port_mw: frozenset[str]
    mem_port_ex: frozenset[str]
    resolve_in_mw: frozenset[str]
    always_redirect: frozenset[str]
    written_operands: frozenset[str]


def evaluate(spec: Spec, config_name: str, values: dict[str, int]) -> TimingTable:
    """[timing] for one parameter set; a value below its least legal one (or an expression
    that divides by zero) is a SpecError naming isa.toml, the key and the configuration."""
    t = spec.timing
    env = environment(values)

    def value(entry: str, key: str, expr: str, least: int, why: str) -> int:
        try:
            v = _eval(check_expression(expr, set(env)), env)
        except ValueError as exc:
            raise SpecError(FILE, entry, key, f"'{expr}' in configuration '{config_name}': {exc}") from None
        if v < least:
            raise SpecError(FILE, entry, key, f"'{expr}' is {v} in configuration '{config_name}' "
                            f"(at least {least}: {why})")
        return v

    nums = {k: value("[timing]", k, t.numbers[k], least, why) for k, (least, why) in schema.TIMING_NUMBERS.items()}
    by_key = {k: value("[timing.ex_cycles]", k, e, schema.TIMING_EX_MIN, "an instruction occupies EX for a cycle")
              for k, e in t.ex_cycles.items()}
    ex = {name: by_key[ex_key(spec, name)] for name in spec.instructions}
    ex["trap"] = by_key["trap"]
    if CSR_READ in ex and nums["counter_read"] >= ex[CSR_READ]:
        raise SpecError(FILE, "[timing]", "counter_read", f"{nums['counter_read']} is not an EX cycle of "
                        f"`{CSR_READ}` (0 .. {ex[CSR_READ] - 1} in configuration '{config_name}')")
    if nums["mispredict_penalty"] < nums["fetch_to_ex"] - 1:
        raise SpecError(FILE, "[timing]", "mispredict_penalty", f"{nums['mispredict_penalty']} would fetch the "
                        f"redirect target before the cycle the branch resolves in (at least fetch_to_ex - 1 = "
                        f"{nums['fetch_to_ex'] - 1} in configuration '{config_name}')")
    lists = {k: members(spec, t.lists[k]) for k in schema.TIMING_NAME_LISTS}
    return TimingTable(config=config_name, stages=t.stages, ex_cycles=ex,
                       written_operands=frozenset(t.written_operands), **nums, **lists)


def timing_table(spec: Spec, config: Config) -> TimingTable:
    """The timing rules' values in one configuration (golden_model/timing.py reads them)."""
    return evaluate(spec, config.name, config.as_dict())
