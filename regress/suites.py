"""The regression suites, as lists of jobs.

- smoke: minutes on 2 cores, run on every change. The golden-model examples; on tiny and
  default all directed programs (one job each), N random seeds (one program each) and one
  compiled job (examples/*.slrm and SMOKE_COMPILED random SLRM programs, compiled).
  Seeds are fixed (1..N) so that a red smoke is reproducible as it is.
- nightly: many seeds on tiny, default and wide. Directed programs one job per spec class
  (plus examples/*.s), N random jobs of RANDOM_PROGRAMS programs each, N/10
  coverage-driven jobs that steer their generator toward the holes of their own coverage,
  and N/10 compiled jobs of COMPILED_PROGRAMS random SLRM programs each; and one demo job
  per configuration that can hold the demo's boxes (regress/demo_family.py: `lpu demo` on
  a fresh random sample of the taxonomy's test queries, ISS and RTL), when the demo extra
  is installed.
  Every night takes fresh seeds (the base comes from the run number unless --seed-base
  is given); each result records its seed and the exact command that reproduces it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from isa_spec import Spec

from .demo_family import demo_jobs
from .jobs import Job

RANDOM_PROGRAMS = 2      # nightly: programs per random job
CDG_PROGRAMS = 24       # nightly: programs per coverage-driven job (1 uniform, then targeted): one
                        # job closes every bin, the pipeline's too, on tiny (64-word IMEM) as on wide
CDG_EVERY = 10           # nightly: one coverage-driven job per this many random seeds
SMOKE_COMPILED = 3       # smoke: random SLRM programs in its compiled job (one job per configuration)
COMPILED_PROGRAMS = 8    # nightly: random SLRM programs per compiled job
COMPILED_EVERY = 10      # nightly: one compiled job per this many random seeds


@dataclass(frozen=True)
class SuiteSpec:
    name: str
    configs: tuple[str, ...]
    default_seeds: int
    coverage: bool           # build with line + toggle coverage
    description: str


SUITES = {
    "smoke": SuiteSpec("smoke", ("tiny", "default"), 20, False,
                       "golden-model examples; directed, random and compiled programs on tiny and default"),
    "nightly": SuiteSpec("nightly", ("tiny", "default", "wide"), 50, True,
                         "directed, random, coverage-driven and compiled programs on tiny, default and wide, "
                         "with line and toggle coverage; the demo's queries on default and wide"),
}


def directed_groups(spec: Spec) -> list[tuple[str, str]]:
    """(group, program-name regex): one group per spec class, and the example files."""
    classes: dict[str, list[str]] = {}
    for ins in spec.instructions.values():
        if ins.examples:
            classes.setdefault(ins.iclass, []).append(re.escape(ins.name))
    groups = [(c, r"^(" + "|".join(names) + r")\[\d+\]$") for c, names in classes.items()]
    return groups + [("files", r"\.s$")]


def suite_jobs(spec: Spec, suite: str, configs: list[str], seeds: int, seed_base: int,
               examples: Job | None = None) -> list[Job]:
    """The suite's jobs; `examples` replaces smoke's golden-model job (another folder or config)."""
    s = SUITES[suite]
    jobs: list[Job] = []
    if suite == "smoke":
        jobs.append(examples or Job("default", "examples"))
        for c in configs:
            jobs.append(Job(c, "directed", group="all", only=".", coverage=s.coverage))
            jobs += [Job(c, "random", seed=seed_base + i, coverage=s.coverage) for i in range(seeds)]
            if seeds:                                  # --seeds 0: no random programs, compiled ones neither
                jobs.append(Job(c, "compiled", seed=seed_base, count=SMOKE_COMPILED, coverage=s.coverage))
        return jobs
    for c in configs:
        jobs += [Job(c, "directed", group=g, only=rx, coverage=s.coverage) for g, rx in directed_groups(spec)]
        jobs += [Job(c, "random", seed=seed_base + i * RANDOM_PROGRAMS, count=RANDOM_PROGRAMS, coverage=s.coverage)
                 for i in range(seeds)]
        jobs += [Job(c, "cdg", seed=seed_base + i, count=CDG_PROGRAMS, coverage=s.coverage)
                 for i in range(max(1, seeds // CDG_EVERY) if seeds else 0)]
        jobs += [Job(c, "compiled", seed=seed_base + i * COMPILED_PROGRAMS, count=COMPILED_PROGRAMS,
                     coverage=s.coverage)
                 for i in range(max(1, seeds // COMPILED_EVERY) if seeds else 0)]
    return jobs + (demo_jobs(configs, seed_base) if seeds else [])
