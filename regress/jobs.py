"""One regression job: a test (directed group, random seed, coverage-driven seed, compiled
SLRM programs, the demo's queries, or the golden-model examples) on one named
configuration. A job is plain data (it travels to pytest-xdist workers as JSON and is
stored with its result, so a run's failures can be rerun exactly) and knows the `lpu`
command that reproduces it."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import asdict, dataclass

KINDS = ("examples", "directed", "random", "cdg", "compiled", "demo")
SIM_TESTS = {"directed": "directed", "random": "random", "cdg": "cdg",   # job kind -> verif.simulate test
             "compiled": "asm"}                                          # (the compiled programs' folder)


@dataclass(frozen=True)
class Job:
    config: str                 # a named configuration of the spec
    kind: str                   # one of KINDS
    seed: int | None = None     # random / cdg / compiled: the first program seed; demo: the sample's seed
    count: int = 1              # random / cdg / compiled: programs (seeds) in this job; demo: queries
    group: str = ""             # directed: the group label (a spec class, or "files")
    only: str = ""              # directed: the program-name regex of the group
    waves: bool = False         # rerun-failed: with a waveform
    coverage: bool = False      # built with line + toggle coverage
    path: str = ""              # examples: the folder of example programs (default examples/)
    shrink: int = 0             # random: on a failure, shrink the program within this many runs (0: never)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown job kind '{self.kind}' (known: {', '.join(KINDS)})")

    @property
    def test(self) -> str:
        """The test name recorded in history (stable across runs; the seed is separate)."""
        return f"directed/{self.group}" if self.kind == "directed" else self.kind

    @property
    def id(self) -> str:
        seed = f"/seed{self.seed}" if self.seed is not None else ""
        return f"{self.config}/{self.test}{seed}"

    @property
    def dirname(self) -> str:
        return re.sub(r"[^A-Za-z0-9_.-]+", "_", self.id)

    def repro(self) -> str:
        if self.kind == "demo":
            from .demo_family import argv

            return shlex.join(["lpu", *argv(self)])
        if self.kind == "examples":
            return shlex.join(["lpu", "regress", "smoke", "--no-rtl", "--config", self.config]
                              + (["--examples", self.path] if self.path else []))
        cmd = ["lpu", "sim"]
        if self.kind == "directed":
            cmd += ["--directed", "--only", self.only]
        else:
            flag = {"random": "--random", "cdg": "--coverage-driven", "compiled": "--compiled"}[self.kind]
            cmd += [flag, "--seed", str(self.seed)]
            if self.count != 1:
                cmd += ["--count", str(self.count)]
        return shlex.join(cmd + ["--config", self.config, "--waves"])

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Job:
        return cls(**json.loads(text))
