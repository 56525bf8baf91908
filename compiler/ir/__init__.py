"""The SLRM IR: typed SSA values in basic blocks (core.py), the op table (ops.py), a
printer (printer.py) and a verifier (verifier.py) run between passes."""

from .core import Block, ConceptBox, Function, Op, OutputSlot, Type, Value
from .ops import OPS, OpDef

__all__ = ["OPS", "Block", "ConceptBox", "Function", "Op", "OpDef", "OutputSlot", "Type", "Value"]
