"""`lpu mutate` on one build: the run's mutants as mutant schemata (verif/schemata.py).

1. The schemata of the non-equivalent mutants are linted with Verilator; a mutant whose
   code is on a line with an error is stillborn and taken out, and the rest linted again.
2. One Verilator build of the schemata.
3. The smoke budget without a mutant selected must pass (the schemata are the design as
   generated when no mutant is chosen); otherwise the run stops with that failure.
4. The smoke budget against each mutant (`+lpu_mutant=ID`), -j at a time."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from isa_spec.errors import LpuError
from verif.mutation import Mutant
from verif.schemata import Schemata, build_schemata, lint_error_lines, plusarg

from .mutate import MutantResult, smoke_budget

MAX_LINT_ROUNDS = 8


class SchemataError(LpuError, RuntimeError):
    """The schemata cannot be built, or fail without a mutant selected (one line: the CLI
    prints it as an error)."""


@dataclass
class BuildFigures:
    mode: str            # schemata | separate
    seconds: float       # all Verilator builds of the run
    mutants: int         # mutants built

    @property
    def per_mutant(self) -> float | None:
        return self.seconds / self.mutants if self.mutants else None

    def as_dict(self) -> dict:
        per = self.per_mutant
        return {"mode": self.mode, "seconds": round(self.seconds, 1), "mutants": self.mutants,
                "per_mutant": None if per is None else round(per, 2)}


def _lint(path: Path) -> list[int]:
    """Lines of lpu_top.v with a Verilator error."""
    lines, last = lint_error_lines(path)
    if last:
        raise SchemataError(f"{path}: Verilator lint failed: {last}")
    return lines


def legal_schemata(verilog: str, mutants: list[Mutant], rtl: Path) -> tuple[Schemata, list[MutantResult]]:
    """The schemata of the mutants that compile (written to rtl/lpu_top.v), and the
    stillborn ones."""
    live, dead = list(mutants), []
    rtl.mkdir(parents=True, exist_ok=True)
    for _ in range(MAX_LINT_ROUNDS):
        sch = build_schemata(verilog, live)
        (rtl / "lpu_top.v").write_text(sch.text)
        bad = _lint(rtl / "lpu_top.v")
        if not bad:
            return sch, dead
        ids = {i for ln in bad for i in sch.mutants_at(ln)}
        if not ids:
            raise SchemataError(f"{rtl / 'lpu_top.v'}:{bad[0]}: a Verilator error outside every mutant")
        dead += [MutantResult(m, "stillborn", detail=f"Verilator error at line {m.line}") for m in live
                 if m.id in ids]
        live = [m for m in live if m.id not in ids]
    raise SchemataError(f"still not legal after {MAX_LINT_ROUNDS} rounds of taking out stillborn mutants")


def run_schemata(mutants: list[Mutant], config_name: str, src: Path, work: Path, seeds: int, timeout: float,
                 jobs: int, echo: Callable[..., None] = print) -> tuple[list[MutantResult], BuildFigures]:
    from isa_spec import load_spec, make_config
    from verif.build import build

    results = [MutantResult(m, "equivalent", detail=m.equivalent) for m in mutants if m.equivalent]
    rtl = (work / "schemata").resolve()
    sch, stillborn = legal_schemata(src.read_text(), [m for m in mutants if not m.equivalent], rtl)
    results += stillborn
    manifest = src.parent / "manifest.json"
    if manifest.exists():
        (rtl / "manifest.json").write_text(manifest.read_text())
    live = [m for m in mutants if not m.equivalent and m not in {r.mutant for r in stillborn}]
    t0 = time.monotonic()
    try:
        build(make_config(load_spec(), config_name), "plain", rtl)
    except (Exception, SystemExit) as exc:   # the cocotb runner exits on a failed build
        raise SchemataError(f"{rtl / 'lpu_top.v'}: the schemata do not build ({type(exc).__name__}: {exc})") from None
    figures = BuildFigures("schemata", time.monotonic() - t0, len(live))
    echo(f"schemata of {len(live)} mutants built in {figures.seconds:.0f} s ({len(stillborn)} stillborn); "
         f"checking the design with no mutant selected", flush=True)
    outcome, by, detail = smoke_budget(config_name, rtl, work / "none", seeds, timeout)
    if outcome != "survived":
        raise SchemataError(f"the schemata fail the smoke budget with no mutant selected ({by}: {detail})")
    results += _each(live, config_name, rtl, work, seeds, timeout, jobs, echo)
    return sorted(results, key=lambda r: (r.mutant.line, r.mutant.id)), figures


def _each(live: list[Mutant], config_name: str, rtl: Path, work: Path, seeds: int, timeout: float, jobs: int,
          echo: Callable[..., None]) -> list[MutantResult]:
    def one(m: Mutant) -> MutantResult:
        t = time.monotonic()
        outcome, by, detail = smoke_budget(config_name, rtl, work / f"m{m.id:05d}", seeds, timeout,
                                           (plusarg(m.id),))
        return MutantResult(m, outcome, by=by, seconds=time.monotonic() - t, detail=detail)

    out: list[MutantResult] = []
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(one, m) for m in live]
        for f in as_completed(futures):
            r = f.result()
            out.append(r)
            left = (time.monotonic() - t0) / len(out) * (len(live) - len(out))
            echo(f"[{len(out):>{len(str(len(live)))}}/{len(live)}] {r.outcome:<10} {r.mutant.kind:<6} line "
                 f"{r.mutant.line}  id {r.mutant.id}  ({r.seconds:.0f} s; left ~{left / 60:.0f} min)", flush=True)
    (work / "schemata_mutants.json").write_text(json.dumps({m.id: m.describe() for m in live}, indent=1))
    return out
