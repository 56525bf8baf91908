"""The compiled queries on the ISS (every program, its results region read back) and a
fixed sample on the RTL under the testbench (verif.simulate, test "asm")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from compiler.execute import run_programs
from compiler.interp import interpret
from compiler.results import decode
from compiler.target import Target
from golden_model.halt import run_to_halt

from .dataset import Query
from .queries import QueryProgram, compile_queries

RTL_SAMPLE = 64   # the first RTL_SAMPLE test queries, always the same ones


@dataclass
class LpuRun:
    config: str
    scores: np.ndarray            # per query: the LPU's log P(parent | child)
    decisions: np.ndarray         # per query: the LPU's decision (bool)
    float_scores: np.ndarray      # per query: compiler.interp's float64 value (at the config's D)
    bounds: np.ndarray            # per query: the interpreter's stated error bound (err + 1 log ulp)
    cycles: list[int]             # per program
    instret: list[int]
    comparison: dict[str, int]    # ISS vs compiler.interp: agree / disagree / near slot counts
    programs: int = 0
    mismatches: list[str] = field(default_factory=list)   # the disagreeing slots, as compare() words them

    @property
    def total_cycles(self) -> int:
        return sum(self.cycles)

    def cycles_per_query(self) -> float:
        return self.total_cycles / max(len(self.scores), 1)


def run_iss(qp: QueryProgram, max_steps: int = 10_000_000) -> LpuRun:
    """Every program on a fresh ISS; scores and decisions decoded by slot."""
    comp, t = qp.comp, qp.comp.target
    run = run_programs(comp, lambda text, data: run_to_halt(t.config, t.spec, text, data, max_steps))
    words, cycles, instret = run.words, run.cycles, run.instret
    interp = interpret(comp.slrm, t)
    ulp = 2.0 ** -t.log.frac
    scores = np.array([_value(comp, t, words, s) for s in qp.score_slot], dtype=np.float64)
    decisions = np.array([bool(_value(comp, t, words, s)) for s in qp.dec_slot])
    fl = np.array([interp.slots[s].value for s in qp.score_slot], dtype=np.float64)
    bounds = np.array([interp.slots[s].err + ulp for s in qp.score_slot])
    cmp = interp.compare(words, t)
    return LpuRun(t.name, scores, decisions, fl, bounds, cycles, instret, dict(cmp.counts), len(comp.programs),
                  [str(e) for e in cmp.disagree])


def _chunk(args: tuple) -> LpuRun:
    queries, emb, config, threshold, work_dir = args
    from compiler.target import make_target

    return run_iss(compile_queries(queries, emb, make_target(config), threshold, work_dir))


def run_all(queries: Sequence[Query], emb, config: str, threshold: float, work_dir: Path, jobs: int = 1,
            chunk: int = 500) -> LpuRun:
    """All queries, compiled and run in chunks of `chunk` queries (each its own compilation,
    split by the compiler into programs), on `jobs` processes; the runs joined in order."""
    parts = [list(queries[k:k + chunk]) for k in range(0, len(queries), chunk)]
    args = [(p, emb, config, threshold, work_dir / f"chunk{k}") for k, p in enumerate(parts)]
    if jobs > 1 and len(parts) > 1:
        import concurrent.futures as cf
        import multiprocessing as mp

        with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn")) as pool:
            runs = list(pool.map(_chunk, args))
    else:
        runs = [_chunk(a) for a in args]
    counts = {k: sum(r.comparison.get(k, 0) for r in runs) for k in ("agree", "disagree", "near")}
    return LpuRun(config, np.concatenate([r.scores for r in runs]), np.concatenate([r.decisions for r in runs]),
                  np.concatenate([r.float_scores for r in runs]), np.concatenate([r.bounds for r in runs]),
                  [c for r in runs for c in r.cycles], [c for r in runs for c in r.instret], counts,
                  sum(r.programs for r in runs), [m for r in runs for m in r.mismatches])


def _value(comp, t: Target, words: dict[int, int], slot: int) -> float:
    v = decode(comp.outputs[slot], words[slot], t).value
    if v is None:
        raise RuntimeError(f"the demo program did not write {comp.outputs[slot].name}")
    return float(v)


@dataclass
class RtlSample:
    config: str
    queries: int
    passed: bool
    failure: str
    iss_cycles: list[int]          # per program, the timing model
    programs: list[str] = field(default_factory=list)
    seconds: float = 0.0
    repro: str = ""

    @property
    def cycles(self) -> int | None:
        """The RTL's cycles: passing means every retirement, the cycle CSR included, equals
        the ISS's (the testbench checks it), so they are the ISS's."""
        return sum(self.iss_cycles) if self.passed else None


def run_rtl_sample(queries: Sequence[Query], emb, target: Target, threshold: float, work_dir: Path,
                   n: int = RTL_SAMPLE) -> tuple[RtlSample, LpuRun]:
    """The first n queries compiled for target, written as .s files and run on its RTL."""
    sample = list(queries)[:n]
    qp = compile_queries(sample, emb, target, threshold, work_dir / "boxes")
    iss = run_iss(qp)
    r = run_on_rtl(qp.comp, work_dir, f"demo_{target.name}")
    return RtlSample(target.name, len(sample), r.passed, r.failure, iss.cycles, r.programs,
                     r.seconds, r.repro), iss


@dataclass
class RtlOutcome:
    passed: bool
    failure: str
    seconds: float
    repro: str
    programs: list[str]            # the .s files, in run order


def run_on_rtl(comp, work_dir: Path, stem: str) -> RtlOutcome:
    """A compilation's programs as .s files in work_dir/asm, run on its target's RTL under
    the testbench (verif.simulate, test "asm"), each checked against the ISS."""
    from verif.simulate import SimRequest, simulate

    target = comp.target
    asm = work_dir / "asm"
    asm.mkdir(parents=True, exist_ok=True)
    for old in asm.glob("*.s"):
        old.unlink()
    names = []
    for k, p in enumerate(comp.programs):
        f = asm / f"{stem}_p{k}.s"
        f.write_text(p.asm)
        names.append(f.name)
    req = SimRequest(config=target.config, config_name=target.name, overrides={}, test="asm",
                     test_dir=work_dir / "sim", asm=asm)
    r = simulate(req)
    return RtlOutcome(r.passed, r.failure.strip(), r.seconds, r.repro, names)
