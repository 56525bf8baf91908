"""Which block of the generator each statement of the generated lpu_top.v belongs to, and the
sampling scopes of `lpu mutate` (`--scope pipeline` or `--scope all`).

MyHDL flattens the hierarchy: a signal or an always block of an instance is named by its
instance path and its own name (`if_stage0_fetch`, `ex_stage0_forward0_comb`,
`if_stage0_decoder0_gated3_comb`), where each instance is a block function of rtl_gen
followed by a number. The owner of a statement is its always block's name (procedural
statements and if conditions) or the signal it assigns (continuous assigns); its instance
path is read off the owner's name with the block functions that rtl_gen defines (found in
its sources, never listed here).

The pipeline scope: the statements of the pipeline blocks (the blocks defined in the stage
and predictor modules of rtl_gen: IF, ID, EX with its forwarding, MW with the data-memory
port, the predictor) and of the generic cells they instantiate (wiring, netlist), but not
of the datapath units inside them (a decoder, the ALU, the scalar non-linear unit); plus
the top's own control glue between the stages: the signals whose names say redirect,
flush, stall, forward, bypass, prediction (and its counter), training or the stage
handshake. The
observation port (`obs_*`, and signals only it reads) is left out: it reports the control
for coverage and drives nothing."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from verif.mutation import Mutant

SCOPES = ("pipeline", "all")
PIPELINE_MODULES = frozenset({"if_stage", "id_stage", "ex_stage", "mw_stage", "predictor"})
NEUTRAL_MODULES = frozenset({"wiring", "netlist"})   # generic cells: part of whatever uses them
CONTROL_WORDS = frozenset({"redirect", "flush", "stall", "fwd", "forward", "byp", "bypass", "pred", "train",
                           "accept", "go", "ifid", "idex", "exmw", "mispred", "interlock", "counter"})
OBSERVATION_PREFIX = "obs_"

_ALWAYS = re.compile(r"^always\b.*\bbegin: (\w+)")
_ASSIGN = re.compile(r"^assign (\w+)")
_BLOCK = re.compile(r"^@block\s*\ndef (\w+)", re.M)


@lru_cache(maxsize=1)
def block_modules() -> dict[str, frozenset[str]]:
    """Block function name -> the rtl_gen modules that define a block of that name."""
    import rtl_gen

    out: dict[str, set[str]] = {}
    for path in sorted(Path(rtl_gen.__file__).parent.glob("*.py")):
        for name in _BLOCK.findall(path.read_text()):
            out.setdefault(name, set()).add(path.stem)
    return {k: frozenset(v) for k, v in out.items()}


def instance_path(name: str, blocks: dict[str, frozenset[str]] | None = None) -> tuple[str, ...]:
    """The block functions of the instances a flattened name lies in, outermost first:
    `ex_stage0_forward1_comb` -> ("ex_stage", "forward"); a top-level name -> ()."""
    blocks = block_modules() if blocks is None else blocks
    alt = "|".join(sorted(map(re.escape, blocks), key=len, reverse=True))
    step = re.compile(rf"({alt})\d+_")
    path, pos = [], 0
    while m := step.match(name, pos):
        path.append(m.group(1))
        pos = m.end()
    return tuple(path)


def statement_owners(lines: list[str]) -> dict[int, str]:
    """0-based line index -> owner name, for every line inside an always block or a
    continuous assign."""
    owners: dict[int, str] = {}
    current = ""
    for i, ln in enumerate(lines):
        if m := _ALWAYS.match(ln):
            current = m.group(1)
        elif current and ln.startswith("end"):
            owners[i] = current
            current = ""
            continue
        elif not current and (m := _ASSIGN.match(ln)):
            owners[i] = m.group(1)
            continue
        if current:
            owners[i] = current
    return owners


_TARGET = re.compile(r"^(?:assign\s+|\s+)(\w+)(?:\[[^\]]*\])?\s*<?=\s*(.*);$")
_WORD = re.compile(r"[A-Za-z_]\w*")


def observation_only(lines: list[str], owners: dict[int, str]) -> frozenset[str]:
    """The observation port's outputs and every signal that only they read, directly or
    through other such signals (a signal read in a condition, or by an always block's own
    logic, drives more than its target and is never one of them)."""
    readers: dict[str, set[str]] = {}
    for i in owners:
        m = _TARGET.match(lines[i])
        target, rhs = (m.group(1), m.group(2)) if m else ("", lines[i])   # '' = a condition
        for w in set(_WORD.findall(rhs)):
            readers.setdefault(w, set()).add(target)
    obs = {n for ln in lines if (n := ln.split()[-1].rstrip(";") if ln.startswith("output") else "")
           and n.startswith(OBSERVATION_PREFIX)}
    changed = True
    while changed:
        changed = False
        for sig, rd in readers.items():
            if sig not in obs and rd and rd <= obs:
                obs.add(sig)
                changed = True
    return frozenset(obs)


def in_pipeline(owner: str, blocks: dict[str, frozenset[str]] | None = None) -> bool:
    """The owner (an always block or an assigned signal) is pipeline control."""
    blocks = block_modules() if blocks is None else blocks
    path = instance_path(owner, blocks)
    if path:
        if not blocks[path[0]] & PIPELINE_MODULES:
            return False
        return all(blocks[b] & (PIPELINE_MODULES | NEUTRAL_MODULES) for b in path)
    return bool(CONTROL_WORDS & set(owner.split("_"))) and not owner.startswith(OBSERVATION_PREFIX)


def in_scope(mutants: list[Mutant], verilog: str, scope: str) -> list[Mutant]:
    """The mutants of the scope: all of them, or those of pipeline statements that change
    something other than the observation port."""
    if scope not in SCOPES:
        raise ValueError(f"unknown mutation scope '{scope}' (known: {', '.join(SCOPES)})")
    if scope == "all":
        return list(mutants)
    lines = verilog.split("\n")
    owners = statement_owners(lines)
    keep = {o: in_pipeline(o) for o in set(owners.values())}
    obs = observation_only(lines, owners)
    return [m for m in mutants if keep.get(owners.get(m.line - 1, ""), False) and m.signal not in obs]
