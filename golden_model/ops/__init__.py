"""Instruction semantics, one module per instruction class (named as in isa_spec/instructions)."""

from . import alu, box, boxmove, branch, csr, mem, nonlinear, system  # noqa: F401  (registers)
from .registry import SEMANTICS, semantic

__all__ = ["SEMANTICS", "semantic"]
