"""Constrained-random LPU programs, in the spirit of riscv-dv, driven by the ISA spec.

Everything the generator knows about instructions comes from `load_spec()` and from asking
the golden model (never from a list of names written here):

- operand kinds, fields, widths, CSR names and access, trap names, register files: the spec;
- which operands an instruction reads and writes, which feed a memory address, a dimension
  index or a jump target, whether it branches, reads CSRs or halts: a *role probe* that runs
  each instruction's semantic function once on a recording ExecContext (`instruction_roles`);
- which operand values make a conditional branch never taken, which branches can close a
  counted loop or test a bit, which instruction adds an immediate, and which stimulus raises
  which trap cause: the same semantic functions on a scratch ISS (`_Oracle`).

Only strategy-specific names appear: the trap-vector and trap-PC CSRs the handler uses,
the never-read cycle counter, the spec class of the Gumbel-box operators, and the
assembler's documented pseudo-instructions (li, la, j, mv, nop).

Program shape (always terminates, always fits IMEM):

    prologue   la xT, handler; csrw mtvec, xT; corner values into a few registers
    body       items: random instructions with hazard set-ups, box-class pairs, forward
               branches, counted loops (one counter register, no nesting), traps
    halt
    handler    xT = mepc + 4; if xR != 0: xT = xR;  jalr x0, 0(xT)

Reserved registers: xT (handler scratch), xR (resume address for deliberate fetch faults,
zero otherwise: mepc + 4 of a bad PC is still bad) and xL (loop counter); they are the
three highest scalar registers and never a random destination.

The package, one job per module (the streams are mixins composed in `program._Gen`):

    names      strategy-specific names, the stimulus classes knobs weigh, errors
    roles      the role probe (`instruction_roles`, `Roles`)
    domains    stimulus values: immediate ranges/classes, corners, box pairs, temperatures
    oracle     semantic functions on a scratch ISS; trap recipes
    knobs      `Knobs`, `Target`, `GeneratedProgram`
    stimuli    sizes of a configuration, trap stimuli (bad words, addresses, indices, targets)
    facts      per-configuration ISA facts found once with the oracle (`analysis`)
    emitter    lines, words, labels, hazard distances, roll-back of an item that does not fit
    regs       register allocation and operand choices (pins of targeted items)
    memory     the data image, box-pair slots, addresses, box loads
    items      one instruction with its set-ups; fillers, producers; the choice of an item
    branches   conditional branches, direct and indirect jumps
    traps      deliberate traps, temperature CSR writes, the trap handler
    loops      counted loops with data-dependent pattern branches (and the branch-heavy
               loop stream); blocks of items
    pipeline_facts  what the pipeline streams know, from isa.toml [timing] and the roles
    setups     operand set-ups of stream items (constrained values, one-word loads)
    streams    the choice of a pipeline stream (Knobs.stream_weights)
    chains     dependency chains, fan-outs, load-use, late results, data-memory port pairs
    box_chains box-operation pairs: dependent, independent, through a temperature write
    wrong_path what is fetched behind a redirected branch or jalr (never executed)
    program    the builder composed from the above; `generate`, `generate_targeted`

docs/verification.md describes the streams, their knobs and how to add one.
"""


from .domains import box_pair, imm_classes, imm_range, scalar_corners, temperatures
from .knobs import GeneratedProgram, Knobs, Target
from .names import (
                    BETAS,
                    BOX_CHAINS,
                    BOX_CLASSES,
                    BOX_OPERATOR_CLASS,
                    HAZARDS,
                    IMM_CLASSES,
                    IMM_KINDS,
                    PATTERNS,
                    PSEUDOS,
                    SHADOWS,
                    STREAMS,
                    TRAP_PC_CSR,
                    TRAP_VECTOR_CSR,
                    UNPREDICTED_CSR,
                    GeneratorError,
)
from .oracle import TrapRecipe, encode
from .pipeline_facts import box_fan_readers, fan_readers
from .program import generate, generate_targeted
from .roles import Roles, box_operators, instruction_roles

__all__ = ["BETAS", "BOX_CHAINS", "BOX_CLASSES", "BOX_OPERATOR_CLASS", "HAZARDS", "IMM_CLASSES", "IMM_KINDS",
           "PATTERNS", "PSEUDOS", "SHADOWS", "STREAMS", "TRAP_PC_CSR", "TRAP_VECTOR_CSR", "UNPREDICTED_CSR",
           "GeneratedProgram", "GeneratorError", "Knobs", "Roles", "Target", "TrapRecipe", "box_fan_readers",
           "box_operators", "box_pair", "encode", "fan_readers", "generate", "generate_targeted", "imm_classes",
           "imm_range", "instruction_roles", "scalar_corners", "temperatures"]
