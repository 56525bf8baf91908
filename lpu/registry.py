"""The subcommand registry: each command group is one module with a `register` function.

Adding a command (gen, sim, regress nightly, cov, bench, mutate, ...) means writing one
module that defines `register(subparsers)` and naming it in COMMAND_MODULES; `cli.main`
never grows. A handler takes the parsed arguments and returns the exit status.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

Handler = Callable[[argparse.Namespace], int]
Subparsers = argparse._SubParsersAction  # argparse exposes no public name for this type

# Order is the order of `lpu --help`.
COMMAND_MODULES: tuple[str, ...] = (
    "lpu.cmd_isa",
    "lpu.cmd_asm",
    "lpu.cmd_compile",
    "lpu.cmd_run",
    "lpu.cmd_gen",
    "lpu.cmd_sim",
    "lpu.cmd_shrink",
    "lpu.cmd_regress",
    "lpu.cmd_cov",
    "lpu.cmd_mutate",
    "lpu.cmd_bench",
    "lpu.cmd_demo",
    "lpu.cmd_ask",
)


def add_command(sub: Subparsers, name: str, handler: Handler, help: str,
                description: str | None = None) -> argparse.ArgumentParser:
    """A subcommand parser whose parsed arguments carry their handler."""
    parser = sub.add_parser(name, help=help, description=description or help)
    parser.set_defaults(handler=handler)
    return parser


def add_group(sub: Subparsers, name: str, help: str) -> Subparsers:
    """A command group (`lpu isa ...`, `lpu regress ...`) with its own subcommands."""
    parser = sub.add_parser(name, help=help, description=help)
    return parser.add_subparsers(dest=f"{name}_command", required=True, metavar="COMMAND")


def register_all(sub: Subparsers) -> None:
    for module in COMMAND_MODULES:
        importlib.import_module(module).register(sub)
