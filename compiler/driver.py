"""Source -> LPU programs: parse, lower, split to fit the target, run the passes, emit and
assemble. The public entry points are `compile_source`, `compile_file` and `compile_module`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from isa_spec.assembler import AsmError, Program, assemble

from .backend.emit import data_section, emit
from .backend.memory import Layout, layout
from .errors import CompileError
from .frontend import ast
from .frontend.lower import lower
from .ir import Function, OutputSlot
from .ir.clone import clone_function
from .passes.manager import PassOptions, run_pipeline
from .results import NOT_WRITTEN
from .target import Target


@dataclass
class CompiledProgram:
    """One LPU program: its assembly, the assembled image, where its results are."""

    asm: str
    program: Program
    outputs: list[OutputSlot]              # this program's slots, in its results region
    slot_ids: list[int]                    # the slot of the whole compilation each one is
    layout: Layout
    stats: dict
    slrm: Function                         # the slrm IR it was compiled from (the interpreter's input)

    @property
    def text_words(self) -> int:
        return len(self.program.text)


@dataclass
class Compilation:
    target: Target
    outputs: list[OutputSlot]              # every slot of the source program
    slrm: Function | None = None           # the whole program as lowered (the interpreter's input)
    programs: list[CompiledProgram] = field(default_factory=list)
    ir_dumps: list[tuple[str, str]] = field(default_factory=list)


def compile_function(fn: Function, target: Target, opts: PassOptions, slot_ids: list[int] | None = None,
                     filename: str = "<slrm>") -> CompiledProgram:
    """One slrm function (already fitting, or raising FitError) -> one program."""
    slrm = clone_function(fn)
    low = run_pipeline(fn, target, opts)
    lay = layout(low, target, NOT_WRITTEN)
    em = emit(low, target, lay)
    header = (f"# compiled from {filename} for configuration '{target.name}' at -O{opts.opt}"
              f"{' (no ' + ', '.join(sorted(opts.disabled)) + ')' if opts.disabled else ''}\n")
    asm = header + em.text + data_section(low, lay)
    try:
        prog = assemble(asm, f"{filename} (compiled)", spec=target.spec)
    except AsmError as exc:                      # the back end emitted a bad line: a compiler bug
        raise AssertionError(f"compiler emitted bad assembly: {exc}\n{asm}") from None
    stats = dict(low.meta.get("passes", {}), text_words=len(prog.text), data_words=lay.words,
                 concepts=len(lay.concepts))
    ids = slot_ids if slot_ids is not None else list(range(len(low.outputs)))
    return CompiledProgram(asm, prog, list(low.outputs), ids, lay, stats, slrm)


def compile_module(module: ast.Module, target: Target, opts: PassOptions | None = None) -> Compilation:
    from .split import split_function

    opts = opts or PassOptions()
    try:
        fn = lower(module, target)
    except RecursionError:
        raise CompileError(module.file, "an expression is nested too deeply to compile (bind parts of it "
                                        "with `let`)") from None
    comp = Compilation(target, list(fn.outputs), clone_function(fn))
    comp.programs = split_function(fn, target, opts, module.file)
    return comp


def compile_source(text: str, target: Target, filename: str = "<input>", opts: PassOptions | None = None
                   ) -> Compilation:
    from .frontend.parser import parse

    return compile_module(parse(text, filename), target, opts)


def compile_file(path: Path, target: Target, opts: PassOptions | None = None) -> Compilation:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CompileError(None, f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise CompileError(None, f"{path}: not a text file ({exc.reason})") from None
    except OSError as exc:
        raise CompileError(None, f"{path}: cannot read: {exc.strerror or exc}") from None
    return compile_source(text, target, str(path), opts)
