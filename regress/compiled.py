"""The compiled test family: SLRM programs (examples/*.slrm and seeded random modules from
compiler/randprog.py) compiled for one configuration, written as assembly files that the
testbench runs on the RTL, checked retirement by retirement against the ISS.

Each program's .s is named by its source and part (`rand0007_O2_p1.s`: random seed 7 at
-O2, the second program it was split into); `manifest.json` lists per file its outputs
(source names, types, result addresses), so that the words the RTL leaves in data memory
read back as results.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from compiler.driver import Compilation, compile_file, compile_module
from compiler.errors import FitError
from compiler.passes.manager import PassOptions
from compiler.randprog import random_module
from compiler.results import ResultValue
from compiler.target import Target, make_target

from . import compiled_check

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
OPT = 2                 # every program at -O2 ...
O0_EVERY = 4            # ... and every 4th random seed at -O0 too (where it fits)
ATTEMPTS = 3            # a random seed whose program does not fit is drawn again (seed, attempt)
MAX_STEPS = 1_000_000


@dataclass
class Compiled:
    label: str                 # the file stem: source and optimisation level
    source: str                # what it came from (a file, or "random seed S attempt A")
    opt: int
    comp: Compilation


def random_source(seed: int, attempt: int, target: Target):
    """The random module of (seed, attempt): force_spills on every other seed."""
    rng = random.Random(seed * 1000 + attempt)
    return random_module(rng, target.D, force_spills=seed % 2 == 1, file=f"<random seed {seed}>")


def _random(seed: int, target: Target) -> list[Compiled]:
    for attempt in range(ATTEMPTS):
        module = random_source(seed, attempt, target)
        try:
            comp = compile_module(module, target, PassOptions(opt=OPT))
        except FitError:
            continue
        src = f"random seed {seed} attempt {attempt}"
        out = [Compiled(f"rand{seed:04d}_O{OPT}", src, OPT, comp)]
        if seed % O0_EVERY == 0:
            try:
                out.append(Compiled(f"rand{seed:04d}_O0", src, 0, compile_module(module, target, PassOptions(opt=0))))
            except FitError:
                pass                     # -O0 keeps nothing in registers: often too big for tiny
        return out
    return []


def write_compilation(c: Compiled, out_dir: Path) -> list[dict]:
    """Each program of `c` as LABEL_pK.s in out_dir; their manifest entries."""
    entries = []
    for k, cp in enumerate(c.comp.programs):
        path = out_dir / f"{c.label}_p{k}.s"
        path.write_text(cp.asm)
        outs = [{"name": s.name, "type": str(s.type), "slot": g, "address": cp.layout.results[i],
                 "labels": list(s.labels)} for i, (s, g) in enumerate(zip(cp.outputs, cp.slot_ids, strict=True))]
        entries.append({"file": path.name, "source": c.source, "opt": c.opt, "part": k,
                        "text_words": cp.text_words, "outputs": outs})
    return entries


def compile_family(config_name: str, seed: int, count: int, out_dir: Path) -> list[Path]:
    """examples/*.slrm and `count` random programs (seeds seed..seed+count-1) compiled for
    the configuration into out_dir; the .s files written, in sorted order."""
    target = make_target(config_name)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.s"):     # the testbench runs every *.s here: none of an earlier run
        old.unlink()
    done: list[Compiled] = []
    skipped: list[dict] = []
    for path in sorted(EXAMPLES_DIR.glob("*.slrm")):
        try:
            done.append(Compiled(f"ex_{path.stem}_O{OPT}", str(path.name), OPT,
                                 compile_file(path, target, PassOptions(opt=OPT))))
        except FitError as exc:
            skipped.append({"source": path.name, "why": str(exc)})
    for s in range(seed, seed + count):
        got = _random(s, target)
        if not got:
            skipped.append({"source": f"random seed {s}", "why": f"no attempt of {ATTEMPTS} fits"})
        done += got
    entries = [e for c in done for e in write_compilation(c, out_dir)]
    checks, bad = {}, []
    for c in done:                  # the ISS against the float interpreter, before the RTL runs
        _, cmp = compiled_check.check(c.comp, compiled_check.run_on_iss(c.comp, MAX_STEPS))
        checks[c.label] = cmp.counts
        if not cmp.ok:
            bad.append(f"{c.label} ({c.source}): {cmp}")
    manifest = {"config": config_name, "seed": seed, "count": count, "programs": entries, "skipped": skipped,
                "interpreter_check": checks}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1))
    if bad:
        raise InterpreterMismatch("the ISS disagrees with the float interpreter:\n" + "\n".join(bad))
    return sorted(out_dir / e["file"] for e in entries)


class InterpreterMismatch(Exception):
    """A compiled program's results on the ISS are outside the interpreter's bounds."""


def run_on_iss(comp: Compilation) -> tuple[dict[int, int], int]:
    """Every program of the compilation on the ISS: the raw word of each global slot, and the
    cycles of all programs together."""
    run = compiled_check.run_on_iss(comp, MAX_STEPS)
    return {g: w & 0xFFFFFFFF for g, w in run.words.items()}, run.total_cycles


def results(comp: Compilation) -> tuple[list[ResultValue], int]:
    """The compilation's results by source name (in slot order), decoded, and its cycles."""
    run = compiled_check.run_on_iss(comp, MAX_STEPS)
    return compiled_check.results(comp, run), run.total_cycles
