"""Strategy-specific names, the stimulus classes the knobs weigh, and the generator's errors."""

from __future__ import annotations

from isa_spec.errors import LpuError

# Strategy-specific names (checked against the spec when a generator is built).
TRAP_VECTOR_CSR = "mtvec"   # the handler is installed here
TRAP_PC_CSR = "mepc"        # the handler resumes after the faulting instruction
UNPREDICTED_CSR = "cycle"   # never read by generated code (the spec's csrr example reads it)
BOX_OPERATOR_CLASS = "box"  # spec class whose operands get box value classes
PSEUDOS = ("li", "la", "j", "mv", "nop")

HAZARDS = ("0", "1", "2", "3", "4", "none")
IMM_CLASSES = ("zero", "positive", "negative", "min", "max")
BOX_CLASSES = ("disjoint", "nested", "overlap", "identical", "degenerate", "extreme", "inverted")
PATTERNS = ("taken", "not_taken", "alternate", "rare", "random")
IMM_KINDS = ("simm", "uimm")
BETAS = (1e-4, 1e-3, 0.01, 0.1, 0.5, 1.0, 2.0, 10.0, 50.0, 200.0)
# Pipeline-aimed streams (verif/generator/chains.py, box_chains.py, wrong_path.py, loops.py),
# weighed by Knobs.stream_weights; docs/verification.md describes each.
STREAMS = ("chain", "fan_out", "load_use", "late_use", "mem_port", "box_chain", "branchy_loop", "wrong_path")
BOX_CHAINS = ("dependent", "independent", "through_csr")
# What a wrong path (the instructions fetched behind a redirected branch or jalr) holds.
SHADOWS = ("box", "store", "box_store", "csr", "illegal", "misaligned", "halt")


class GeneratorError(LpuError, RuntimeError):
    """The spec lacks something a generation strategy needs."""


class _Full(Exception):
    """The current item does not fit instruction memory."""

