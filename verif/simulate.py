"""Run one UVM test on the RTL (build once, then a cocotb run) and return a typed result
with the command that reproduces it. Used by `lpu sim` and by the regressions."""

from __future__ import annotations

import shlex
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from isa_spec import Config

from .build import build, run
from .config_env import config_env

TESTS = {"directed": "LpuDirectedTest", "random": "LpuRandomTest", "cdg": "LpuCoverageDrivenTest",
         "asm": "LpuAsmTest"}


@dataclass
class SimRequest:
    config: Config
    config_name: str                     # the named configuration it started from
    overrides: dict[str, int]
    test: str                            # directed | random | cdg (coverage-driven) | asm
    test_dir: Path
    seed: int = 1
    count: int = 1
    asm: Path | None = None
    rtl_dir: Path | None = None
    waves: bool = False
    coverage: bool = False
    only: str | None = None
    plusargs: tuple[str, ...] = ()       # extra simulator plusargs (+NAME or +NAME=VALUE)

    def repro(self) -> str:
        cmd = ["lpu", "sim"]
        if self.test in ("random", "cdg"):
            cmd += ["--random" if self.test == "random" else "--coverage-driven", "--seed", str(self.seed)]
            cmd += ["--count", str(self.count)] if self.count != 1 else []
        elif self.test == "asm":
            cmd += [str(self.asm)]
        else:
            cmd += ["--directed"] + (["--only", self.only] if self.only else [])
        cmd += ["--config", self.config_name]
        for k, v in sorted(self.overrides.items()):
            cmd += ["--param", f"{k}={v}"]
        if self.rtl_dir:
            cmd += ["--rtl", str(self.rtl_dir)]
        for a in self.plusargs:
            cmd += [f"--plusarg={a}"]
        return shlex.join(cmd + ["--waves"])


@dataclass
class SimResult:
    passed: bool
    failure: str
    test_dir: Path
    results_xml: Path
    seconds: float
    repro: str
    waves: Path | None = None
    coverage: Path | None = None
    extra: dict = field(default_factory=dict)


def _failure_text(results: Path) -> str:
    if not results.exists():
        return "the simulation produced no results (crashed?)"
    root = ET.parse(results).getroot()
    cases = list(root.iter("testcase"))
    if not cases:
        return "no test case ran"
    out = []
    for case in cases:
        for f in list(case.iter("failure")) + list(case.iter("error")):
            # the message carries the scoreboard's report; the traceback is in sim.log
            out.append(f.get("message") or (f.text or "failed").strip().splitlines()[-1])
    return "\n".join(out)


def simulate(req: SimRequest) -> SimResult:
    flavour = "waves" if req.waves else ("coverage" if req.coverage else "plain")
    b = build(req.config, flavour, req.rtl_dir)
    env = config_env(req.config)
    test_dir = Path(req.test_dir).resolve()
    test_dir.mkdir(parents=True, exist_ok=True)
    cov = test_dir / "functional_coverage.json"
    env.update({"LPU_SEED": str(req.seed), "LPU_COUNT": str(req.count), "LPU_COVERAGE_OUT": str(cov)})
    if req.asm:
        env["LPU_ASM"] = str(Path(req.asm).resolve())
    if req.only:
        env["LPU_DIRECTED_FILTER"] = req.only
    plusargs = ["+verilator+coverage+file+coverage.dat"] if req.coverage else []
    plusargs += list(req.plusargs)
    t0 = time.monotonic()
    results = run(b, "verif.uvm.tests", test_dir, env, testcase=TESTS[req.test], plusargs=plusargs)
    failure = _failure_text(results)
    waves = test_dir / "dump.vcd" if req.waves else None
    return SimResult(passed=not failure, failure=failure, test_dir=test_dir, results_xml=results,
                     seconds=time.monotonic() - t0, repro=req.repro(),
                     waves=waves if waves and waves.exists() else None, coverage=cov if cov.exists() else None)
