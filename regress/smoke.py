"""The smoke suite's golden-model part (the `examples` job, and `lpu regress smoke --no-rtl`).

1. Every worked example in the spec runs on the ISS and matches its expected state
   (golden_model.examples.run_example does the comparison).
2. Every program in examples/*.s assembles and runs on the ISS to a halt, without an
   unhandled trap.

The RTL part of the suite (directed and random programs under the UVM testbench) is in
regress/suites.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from isa_spec import Config, Spec
from verif.programs import EXAMPLES_DIR

__all__ = ["EXAMPLES_DIR"]   # re-exported: the CLI's --examples default
MAX_STEPS = 1_000_000


@dataclass
class CaseResult:
    suite: str
    name: str
    messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.messages


def _error(exc: Exception) -> str:
    # An exception in one case is that case's failure; it never stops the other cases.
    return f"{type(exc).__name__}: {exc}"


def spec_example_results(spec: Spec) -> list[CaseResult]:
    from golden_model.examples import run_example

    out = []
    for ins in spec.instructions.values():
        for i, ex in enumerate(ins.examples):
            res = CaseResult("spec examples", f"{ins.name} example {i}")
            try:
                res.messages = list(run_example(ex, spec))
            except Exception as exc:  # recorded as this case's failure
                res.messages = [f"{ex.where}: {_error(exc)}"]
            out.append(res)
    return out


def program_result(path: Path, config: Config, spec: Spec, max_steps: int = MAX_STEPS) -> CaseResult:
    """Assemble and run one program; it passes when the core halts without a trap."""
    from golden_model import Iss
    from isa_spec.assembler import assemble

    res = CaseResult("example programs", str(path))
    try:
        prog = assemble(path.read_text(encoding="utf-8"), str(path))
        iss = Iss(config, spec)
        iss.load_program(prog.text, prog.data)
        iss.run(max_steps)
    except Exception as exc:  # recorded as this case's failure
        res.messages = [f"{path}: {_error(exc)}"]
        return res
    if iss.state.trapped:
        csr = iss.state.csr
        trap = spec.trap_by_code(csr["mcause"])
        res.messages = [f"{path}: trapped: {trap.name if trap else csr['mcause']} at pc "
                        f"{csr['mepc']:#x} (mtval {csr['mtval']:#x})"]
    return res


def example_programs(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.s"))


def run_smoke(spec: Spec, config: Config, programs: Iterable[Path], max_steps: int = MAX_STEPS
              ) -> list[CaseResult]:
    results = spec_example_results(spec)
    results += [program_result(p, config, spec, max_steps) for p in programs]
    return results


def summary(results: list[CaseResult]) -> list[str]:
    """Failures first (every message), then one count line per suite and the total."""
    lines = []
    for r in results:
        if not r.ok:
            lines.append(f"FAIL {r.suite}: {r.name}")
            lines += [f"    {m}" for m in r.messages]
    suites: dict[str, list[CaseResult]] = {}
    for r in results:
        suites.setdefault(r.suite, []).append(r)
    for name, rs in suites.items():
        passed = sum(r.ok for r in rs)
        lines.append(f"{name}: {passed} passed, {len(rs) - passed} failed")
    passed = sum(r.ok for r in results)
    lines.append(f"smoke: {passed} passed, {len(results) - passed} failed")
    return lines
