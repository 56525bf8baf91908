"""What the closure loop steers (Knobs), a targeted item (Target) and the result
(GeneratedProgram)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace

from isa_spec import Spec

from .names import BOX_CHAINS, BOX_CLASSES, HAZARDS, IMM_CLASSES, PATTERNS, SHADOWS, STREAMS

UNIFORM_STREAM_PROB = 0.15  # about one item in seven of a uniform program is a stream


@dataclass
class Knobs:
    """What the closure loop steers. Weights need not sum to 1; zero disables."""

    instr_weights: dict[str, float]
    box_class_weights: dict[str, float]
    hazard_weights: dict[str, float]      # HAZARDS: distance 0..4 or "none"
    imm_class_weights: dict[str, float]   # IMM_CLASSES
    trap_weights: dict[str, float]        # spec trap names
    csr_weights: dict[str, float]         # spec CSR names
    pattern_weights: dict[str, float]     # PATTERNS: data-dependent branch outcome patterns
    length: int = 40                      # items per program (IMEM may end it earlier)
    loop_prob: float = 0.08
    loop_iterations: tuple[int, int] = (2, 6)
    illegal_prob: float = 0.03            # illegal encodings
    trap_prob: float = 0.04               # other deliberate traps
    temp_prob: float = 0.04               # temperature CSR writes
    inconsistent_temp_prob: float = 0.15
    value_prob: float = 0.08              # corner values loaded into registers
    zero_reg_prob: float = 0.1            # x0 as an operand
    # Targeted items only (verif/targets.py); empty or None leaves random generation unchanged.
    reg_pins: dict[str, tuple[int, ...]] = field(default_factory=dict)  # operand -> allowed indices
    branch_outcome: str | None = None     # "taken" / "not_taken": operand values proven by the oracle
    trap_mode: str | None = None          # the TrapRecipe mode a trap item uses
    result_class: str | None = None       # a result bin (verif/value_classes.py) to hit
    # Pipeline streams (STREAMS); the defaults (none) give the programs of the generator
    # before the streams existed (tests/test_generator_split.py), uniform turns them on.
    stream_prob: float = 0.0              # per item: a stream instead of a single item
    stream_weights: dict[str, float] = field(default_factory=dict)    # STREAMS
    shadow_weights: dict[str, float] = field(default_factory=dict)    # SHADOWS (wrong-path contents)
    box_chain_weights: dict[str, float] = field(default_factory=dict)  # BOX_CHAINS
    # Targeted items (verif/targets.py): fillers (hazard spacing) among the instructions that
    # still have holes; `dense`: set-ups in one word (an add-immediate) where the value fits,
    # and an item that does not fit IMEM leaves the room to the later targets that do.
    filler_weights: dict[str, float] = field(default_factory=dict)    # empty: instr_weights
    dense: bool = False
    fan_out: tuple[str, ...] = ()         # a fan-out target's consumers, by distance ("": a filler)
    fan_file: str = "xreg"                # the register file a fan-out forwards through: xreg / breg

    @classmethod
    def uniform(cls, spec: Spec) -> Knobs:
        return cls(instr_weights={n: 1.0 for n in spec.instructions},
                   box_class_weights=dict.fromkeys(BOX_CLASSES, 1.0),
                   hazard_weights=dict.fromkeys(HAZARDS, 1.0),
                   imm_class_weights=dict.fromkeys(IMM_CLASSES, 1.0),
                   trap_weights={n: 1.0 for n in spec.traps},
                   csr_weights={n: 1.0 for n in spec.csrs},
                   pattern_weights=dict.fromkeys(PATTERNS, 1.0),
                   stream_prob=UNIFORM_STREAM_PROB,
                   stream_weights=dict.fromkeys(STREAMS, 1.0),
                   shadow_weights=dict.fromkeys(SHADOWS, 1.0),
                   box_chain_weights=dict.fromkeys(BOX_CHAINS, 1.0))

    def before_streams(self) -> Knobs:
        """These knobs with everything added after the generator's split (issue 15) at its
        old value: no pipeline streams, fillers by instr_weights, set-ups with li."""
        return replace(self, stream_prob=0.0, stream_weights={}, shadow_weights={}, box_chain_weights={},
                       filler_weights={}, dense=False)


@dataclass
class Target:
    """One item of a targeted program: an instruction, a trap cause or a counted loop
    ('instr', 'trap', 'loop'), generated under its own knobs (often one-hot weights)."""

    kind: str
    name: str
    knobs: Knobs


@dataclass
class GeneratedProgram:
    asm: str
    text: list[int]
    data: list[int]                  # data memory image (signed words), len <= DMEM_WORDS
    seed: int
    config: str = ""
    trap_sites: dict[int, str] = field(default_factory=dict)  # pc (or bad fetch pc) -> cause
    # pc -> SHADOWS kind of each wrong-path instruction (fetched behind a redirect, never run)
    wrong_path: dict[int, str] = field(default_factory=dict)


def _index(reg: str) -> int:
    """The index of a register name (x12 -> 12)."""
    return int(re.sub(r"\D", "", reg))


def _pick(rng: random.Random, weights: dict[str, float], keys=None):
    keys = [k for k in (keys if keys is not None else weights) if weights.get(k, 0) > 0]
    if not keys:
        return None
    return rng.choices(keys, [weights[k] for k in keys])[0]

