"""The pass pipeline for an -O level, with the verifier after every pass.

    -O0: instruction selection, every value kept in memory (reloaded at each use), source order
    -O1: + cse, dce, the register allocator (Belady)
    -O2: + scheduling, branch layout
`--no-PASS` turns one off at any level; register allocation off means the -O0 allocator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..backend import isel
from ..ir import Function
from ..ir.printer import format_function
from ..ir.verifier import verify
from ..target import Target
from . import cse, dce, layout, regalloc, schedule

OPTIONAL = ("cse", "dce", "schedule", "regalloc", "layout")
LEVELS = {0: frozenset(), 1: frozenset({"cse", "dce", "regalloc"}), 2: frozenset(OPTIONAL)}


@dataclass(frozen=True)
class PassOptions:
    opt: int = 2
    disabled: frozenset[str] = frozenset()
    dump: Callable[[str, str], None] | None = None     # (after which pass, IR text), for --emit ir
    verify_each: bool = True                           # the verifier after every pass (else at the end)

    def enabled(self, name: str) -> bool:
        return name in LEVELS[self.opt] and name not in self.disabled


@dataclass
class PassLog:
    ran: list[str] = field(default_factory=list)


def run_pipeline(fn: Function, target: Target, opts: PassOptions) -> Function:
    """slrm IR in, allocated and laid-out lpu IR out."""

    def step(name: str, f: Callable[[], Function], **vk) -> Function:
        out = f()
        if opts.verify_each or name == last:
            verify(out, **vk)
        out.meta.setdefault("ran", []).append(name)
        if opts.dump:
            opts.dump(name, format_function(out))
        return out

    last = "layout" if opts.enabled("layout") else "regalloc"
    verify(fn)
    if opts.dump:
        opts.dump("lower", format_function(fn))
    if opts.enabled("cse"):
        fn = step("cse", lambda: cse.run(fn, target))
    if opts.enabled("dce"):
        fn = step("dce", lambda: dce.run(fn, target))
    fn = step("isel", lambda: isel.run(fn, target))
    if opts.enabled("dce"):       # again on the instructions: e.g. argmax's unused running maximum
        fn = step("dce", lambda: dce.run(fn, target))
    if opts.enabled("schedule"):
        fn = step("schedule", lambda: schedule.run(fn, target))
    naive = not opts.enabled("regalloc")
    fn = step("regalloc", lambda: regalloc.run(fn, target, naive=naive), allocated=True,
              bregs=target.BREGS, sregs=target.SREGS)
    if opts.enabled("layout"):
        fn = step("layout", lambda: layout.run(fn, target), allocated=True, bregs=target.BREGS, sregs=target.SREGS)
    return fn
