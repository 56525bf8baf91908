"""The UVM tests (a cocotb test module). Settings come from the environment, set by
`lpu sim`, the regression runner or pytest: LPU_PARAMS (the configuration), LPU_SEED and
LPU_COUNT (random, coverage-driven), LPU_ASM (an assembly file or a directory of them),
LPU_DIRECTED_FILTER, LPU_COVERAGE_OUT, LPU_MAX_CYCLES."""

from __future__ import annotations

import os
import time

import cocotb
import pyuvm
from pyuvm import ConfigDB, uvm_test

from isa_spec import load_spec
from verif.config_env import config_from_env
from verif.harness import ProgramPort

from .env import LpuEnv
from .sequences import AsmFileSeq, CoverageDrivenProgramSeq, DirectedProgramSeq, RandomProgramSeq


class LpuBaseTest(uvm_test):
    def build_phase(self):
        self.spec = load_spec()
        self.config = config_from_env()
        db = ConfigDB()
        db.set(None, "*", "spec", self.spec)
        db.set(None, "*", "config", self.config)
        db.set(None, "*", "max_cycles", int(os.environ.get("LPU_MAX_CYCLES", "500000")))
        db.set(None, "*", "coverage_out", os.environ.get("LPU_COVERAGE_OUT", ""))
        # the "virtual interface": the verification top's program port, shared by driver and monitor
        db.set(None, "*", "program_port", ProgramPort(cocotb.top, self.spec, self.config))
        self.env = LpuEnv("env", self)

    def make_sequence(self):
        raise NotImplementedError

    async def run_phase(self):
        self.raise_objection()
        self.started = time.perf_counter()
        await self.make_sequence().start(self.env.seqr)
        self.drop_objection()

    def report_phase(self):
        sb = self.env.scoreboard
        # the seconds from the first program to the last verdict: the simulator's and Python's
        # start-up excluded (lpu bench reads this line)
        seconds = time.perf_counter() - self.started
        self.logger.info(f"{sb.programs} programs, {sb.retired} retirements checked, "
                         f"{len(sb.failures)} failures, {seconds:.3f} s")


@pyuvm.test()
class LpuDirectedTest(LpuBaseTest):
    """Every directed program: the spec's worked examples and examples/*.s."""

    def make_sequence(self):
        return DirectedProgramSeq("directed", self.spec, self.config, os.environ.get("LPU_DIRECTED_FILTER"))


@pyuvm.test()
class LpuRandomTest(LpuBaseTest):
    """LPU_COUNT constrained-random programs from seed LPU_SEED on."""

    def make_sequence(self):
        return RandomProgramSeq("random", self.spec, self.config, int(os.environ.get("LPU_SEED", "1")),
                                int(os.environ.get("LPU_COUNT", "1")))


@pyuvm.test()
class LpuCoverageDrivenTest(LpuBaseTest):
    """LPU_COUNT programs from seed LPU_SEED, steered toward this run's coverage holes."""

    def make_sequence(self):
        return CoverageDrivenProgramSeq("cdg", self.spec, self.config, int(os.environ.get("LPU_SEED", "1")),
                                        int(os.environ.get("LPU_COUNT", "1")))


@pyuvm.test()
class LpuAsmTest(LpuBaseTest):
    """One assembly file (LPU_ASM), or every *.s of the directory LPU_ASM names."""

    def make_sequence(self):
        return AsmFileSeq("asm", os.environ["LPU_ASM"], self.config)
