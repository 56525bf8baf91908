"""The check of one program's RTL run against the golden model: steps the ISS once per
retirement the RTL logged and compares the records (one integer compare each, in the trace
port's canonical form, verif/tb_top.py; a field-by-field report on a mismatch), then the
final architectural state and counters; samples functional coverage on the way. A record
includes its retirement cycle, so the timing model's prediction (golden_model/timing.py) is
checked at every retirement in the same compare.

The scoreboard runs it in a worker process (CheckerPool) so that the model works on program
k while the simulator runs program k+1; it has no state that the order of programs does not
already fix, so the verdicts are those of an inline check."""

from __future__ import annotations

import multiprocessing
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from golden_model import Iss
from isa_spec import Config, Spec
from isa_spec.bits import to_s32
from isa_spec.disassembler import disassemble

from .coverage import CoverageModel, pre_state
from .harness import ProgramRun
from .retire import RtlRetire, compare, diff_states, model_fields
from .tb_top import TraceLayout, obs_layout, port_widths

HISTORY = 8


@dataclass
class CheckResult:
    retired: int              # retirements that matched
    failure: str | None       # the first problem, as a report for a person
    coverage: np.ndarray      # functional-coverage hit counts this program added


def _line(rec) -> str:
    return f"{rec.order:6d} pc {rec.pc:#06x}  {rec.word:08x}  {disassemble(rec.word)}"


class ProgramChecker:
    def __init__(self, spec: Spec, config: Config, layout: TraceLayout, max_cycles: int,
                 obs_layout: TraceLayout | None = None):
        self.spec, self.config, self.layout, self.max_cycles = spec, config, layout, max_cycles
        self.obs_layout = obs_layout or obs_layout_of(spec, config)
        self.coverage = CoverageModel(spec, config, uarch=True)
        self._pack = {n: (lsb, (1 << w) - 1) for n, lsb, w in layout.fields}

    def expected(self, rec) -> int | None:
        """The model's record in the canonical form the RTL logs (None: not representable)."""
        f = model_fields(rec)
        if f is None:
            return None
        out, pack = 0, self._pack
        for n, v in f.items():
            lsb, mask = pack[n]
            out |= (v & mask) << lsb
        return out

    def check(self, text: list[int], data: list[int], run: ProgramRun) -> CheckResult:
        before = self.coverage.hits.copy()
        retired, failure = self._check(text, data, run)
        return CheckResult(retired, failure, self.coverage.hits - before)

    def _check(self, text: list[int], data: list[int], run: ProgramRun) -> tuple[int, str | None]:
        if run.timed_out:
            return 0, f"no halt within {self.max_cycles} cycles"
        iss = Iss(self.config, self.spec)
        iss.load_program(text, [to_s32(v) for v in data])
        history: deque = deque(maxlen=HISTORY)
        sample, expected = self.coverage.sample, self.expected
        retired, records = 0, []
        for raw in run.trace:
            if iss.state.halted:
                return retired, f"the RTL retired pc {self.layout.unpack(raw)['pc']:#x} after the model halted"
            pre = pre_state(iss)
            rec = iss.step()
            if expected(rec) != raw:
                return retired, self._mismatch(rec, raw, history)
            history.append(rec)
            records.append(rec)
            sample(rec, pre)
            retired += 1
        if not iss.state.halted:
            return retired, (f"the RTL halted at pc {run.state['pc']:#x}, the model has not (it is at "
                             f"pc {iss.state.pc:#x})")
        self.coverage.sample_uarch(text, run.obs, self.obs_layout, records)
        want = iss.state.snapshot()
        want["dmem"] = list(iss.state.dmem)
        problems = diff_states(want, run.state)
        return retired, ("final state differs: " + "; ".join(problems[:8])) if problems else None

    def _mismatch(self, rec, raw: int, history: deque) -> str:
        got = self.layout.unpack(raw)
        problems = compare(RtlRetire(got), rec, self.config["D"])
        want = self.expected(rec)
        if want is None:
            problems.append("the model's record has writes the trace port cannot show")
        elif not problems:   # a difference the report's view folds away (e.g. a count of 0 words)
            want_f = self.layout.unpack(want)
            problems = [f"rvfi_{n}: model {want_f[n]:#x}, rtl {got[n]:#x}" for n in got if got[n] != want_f[n]]
        last = "\n".join("    " + _line(h) for h in history) or "    (none)"
        return ("retirement mismatch\n"
                f"  instruction: {_line(rec).strip()}\n"
                + "".join(f"  {p}\n" for p in problems)
                + f"  last {len(history)} retired:\n{last}")


def obs_layout_of(spec: Spec, config: Config) -> TraceLayout:
    return obs_layout(port_widths(config, spec))


_WORKER: ProgramChecker | None = None


def _init(checker: ProgramChecker) -> None:
    global _WORKER
    _WORKER = checker


def _check_in_worker(text: list[int], data: list[int], run: ProgramRun) -> CheckResult:
    return _WORKER.check(text, data, run)


class CheckerPool:
    """Checks programs in order, in one worker process (forked: it inherits the loaded spec
    and model), or inline when `workers` is 0. submit() returns at once; results() gives the
    finished results in submission order; drain() waits for all of them."""

    def __init__(self, checker: ProgramChecker, workers: int = 1):
        self.checker = checker
        self.pending: deque[tuple[object, Future | CheckResult]] = deque()
        self.pool = None
        if workers:
            self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                                            initializer=_init, initargs=(checker,))

    def submit(self, tag, text: list[int], data: list[int], run: ProgramRun) -> None:
        if self.pool is None:
            self.pending.append((tag, self.checker.check(text, data, run)))
        else:
            self.pending.append((tag, self.pool.submit(_check_in_worker, text, data, run)))

    def results(self, wait: bool = False) -> list[tuple[object, CheckResult]]:
        out = []
        while self.pending:
            tag, r = self.pending[0]
            if isinstance(r, Future):
                if not (wait or r.done()):
                    break
                r = r.result()
            self.pending.popleft()
            out.append((tag, r))
        return out

    def drain(self) -> list[tuple[object, CheckResult]]:
        return self.results(wait=True)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
