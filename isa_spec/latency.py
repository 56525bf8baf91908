"""Latency expressions of the spec's [latency] table: checked at load, evaluated per config."""

from __future__ import annotations

import ast

from .params import Config
from .types import Spec

_ALLOWED = (ast.Expression, ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv,
            ast.Constant, ast.Name, ast.Load)


MAX_DEPTH = 50  # _eval recurses once per operator; a latency formula is a few terms


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
    return a // b


# Keys of [latency] that name no instruction or class.
SPECIAL_KEYS = ("default", "trap", "fetch_fault", "counter_read")
CSR_READ = "csrr"   # the instruction whose counter_read cycle defaults to its last one


def latency_table(spec: Spec, config: Config) -> dict[str, int]:
    """Cycles per instruction name, plus 'trap' and 'fetch_fault', for one configuration;
    and 'counter_read', the cycle of `csrr` (0 = its first) that samples a counter."""
    env = dict(config.as_dict())
    env["BEATS"] = env["D"] // env["LANES"]

    def value(key: str) -> int:
        return _eval(check_expression(spec.latency[key], set(env)), env)

    table = {}
    for ins in spec.instructions.values():
        key = ins.name if ins.name in spec.latency else ins.iclass if ins.iclass in spec.latency else "default"
        table[ins.name] = value(key)
    table["trap"] = value("trap" if "trap" in spec.latency else "default")
    table["fetch_fault"] = value("fetch_fault") if "fetch_fault" in spec.latency else table["trap"]
    if "counter_read" in spec.latency:
        table["counter_read"] = value("counter_read")
    else:
        table["counter_read"] = table[CSR_READ] - 1 if CSR_READ in table else 0
    return table
