"""Directed programs for the RTL: the spec's worked examples (each turned into a program that
sets up its initial state, runs the instruction and halts) and the programs in examples/.

An example's boxes are given for D = 2; on another D the pattern is repeated or cut, so the
program runs on every configuration (the RTL is compared with the ISS, not with the example's
expected values, which tests/test_examples.py checks on the ISS)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from isa_spec import Config, Spec
from isa_spec.assembler import assemble
from isa_spec.example_check import BOX_KEY, MEM_KEY, X_KEY, mem_address
from isa_spec.types import Example

# verif/examples is a symlink to the checkout's examples/ (so the wheel ships them as package
# data); resolved, a checkout's messages name examples/*.s
EXAMPLES_DIR = (Path(__file__).resolve().parent / "examples").resolve()


@dataclass(frozen=True)
class DirectedProgram:
    name: str
    text: list[int]
    data: list[int]


def data_image(data: list[int], words: int) -> list[int]:
    """The whole data-memory image a program is loaded with (unsigned words, zero-padded)."""
    return [v & 0xFFFFFFFF for v in data] + [0] * (words - len(data))


def _raw(value, frac: int) -> int:
    if isinstance(value, float):
        return math.floor(value * (1 << frac) + 0.5)
    return int(value)


def example_program(name: str, ex: Example, spec: Spec, config: Config) -> DirectedProgram:
    q, d = spec.formats["coord"].frac, config["D"]
    words = config["DMEM_WORDS"]
    data = [0] * words
    boxes: dict[int, dict[str, list[int]]] = {}
    lines = []
    for key, value in ex.init.items():
        if m := MEM_KEY.match(key):
            data[mem_address(m.group(1)) // 4] = _raw(value, q)
        elif m := BOX_KEY.match(key):
            vals = [_raw(v, q) for v in value]
            boxes.setdefault(int(m.group(1)), {})[m.group(2)] = [vals[i % len(vals)] for i in range(d)]
    base = words - 2 * d * len(boxes)
    for n, (reg, sides) in enumerate(sorted(boxes.items())):
        addr = base + 2 * d * n
        data[addr: addr + d] = sides.get("lo", [0] * d)
        data[addr + d: addr + 2 * d] = sides.get("hi", [0] * d)
        lines += [f"li x1, {4 * addr}", f"lbx b{reg}, 0(x1)"]
    for key, value in ex.init.items():
        if key in spec.csrs:
            fmt = spec.csrs[key].format
            lines += [f"li x1, {_raw(value, spec.formats[fmt].frac if fmt else 0)}", f"csrw {key}, x1"]
    for key, value in ex.init.items():
        if m := X_KEY.match(key):
            lines.append(f"li x{m.group(1)}, {_raw(value, q)}")
    # a halt on each side of the example catches short backward and forward branches
    lines += ["j 2", "halt", *ex.asm.splitlines(), *["halt"] * 8]
    prog = assemble("\n".join(lines), f"{ex.where} (as a directed program)")
    return DirectedProgram(name, prog.text, [v & 0xFFFFFFFF for v in data])


def example_programs(spec: Spec, config: Config) -> list[DirectedProgram]:
    return [example_program(f"{ins.name}[{k}]", ex, spec, config)
            for ins in spec.instructions.values() for k, ex in enumerate(ins.examples)]


def file_programs(config: Config, folder: Path = EXAMPLES_DIR) -> list[DirectedProgram]:
    out = []
    for path in sorted(folder.glob("*.s")):
        prog = assemble(path.read_text(), str(path))
        data = [v & 0xFFFFFFFF for v in prog.data] + [0] * (config["DMEM_WORDS"] - len(prog.data))
        out.append(DirectedProgram(path.name, prog.text, data))
    return out


def directed_programs(spec: Spec, config: Config) -> list[DirectedProgram]:
    return example_programs(spec, config) + file_programs(config)
