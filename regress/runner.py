"""Run a regression: plan the jobs, build every configuration once, spread the jobs over
pytest-xdist workers, record every result, then merge the coverage and report.

Layout of OUT (default out/regress):
    results.sqlite                     the history of every run (regress/results.py)
    runNNNN/plan.json                  the jobs of run NNNN
    runNNNN/junit.xml                  JUnit XML for CI (regress/junit.py, from the database)
    runNNNN/tests/<job>/               each job's logs, coverage files and waveform
    runNNNN/slurm/                     --launcher slurm: manifest, job script, task logs and results
    runNNNN/report/                    coverage report: index.html, coverage.json, summary.txt
    latest -> runNNNN
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import shlex
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from isa_spec import Spec, make_config

from .demo_family import DEMO_CONFIGS, missing
from .jobs import Job
from .junit import write_junit
from .launchers import Launched, Launcher, LaunchError, Plan
from .launchers.slurm_config import SlurmOptions
from .progress import hms
from .results import ResultsDB, Status, TestResult
from .shrink import DEFAULT_RUNS as SHRINK_RUNS
from .suites import suite_jobs
from .triage import buckets

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = Path("out/regress")
DEFAULT_TIMEOUT = 900.0   # seconds per job: the slowest nightly job (wide, directed box) takes ~1 min
NIGHTLY_SEED_STRIDE = 100_000


@dataclass
class RunOptions:
    suite: str
    configs: list[str]
    seeds: int
    jobs: int = 2
    out: Path = DEFAULT_OUT
    db: Path | None = None
    timeout: float = DEFAULT_TIMEOUT
    seed_base: int | None = None
    report: bool = True
    examples: Job | None = None      # smoke: the golden-model job (another folder or config)
    echo: object = print
    launcher: str = "local"          # where the jobs run: local (pytest-xdist) or slurm
    slurm: SlurmOptions | None = None
    max_parallel: int | None = None  # local: caps -j; slurm: array tasks running at once
    shrink: int = SHRINK_RUNS        # a failing random program is shrunk within this many runs (0: never)

    @property
    def db_path(self) -> Path:
        return Path(self.db) if self.db else Path(self.out) / "results.sqlite"


@dataclass
class RunOutcome:
    run_id: int
    run_dir: Path
    status: str                          # passed | failed | interrupted
    counts: dict[str, int]
    seconds: float
    coverage: dict = field(default_factory=dict)
    coverage_lines: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return {"passed": 0, "failed": 1}.get(self.status, 130)


def commit_id() -> str:
    """HEAD's hash, '+dirty' when the tree has uncommitted changes; 'unknown' outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def _flavour(jobs: list[Job]) -> str:
    return "waves" if any(j.waves for j in jobs) else ("coverage" if any(j.coverage for j in jobs) else "plain")


def _build_one(config: str, flavour: str) -> TestResult:
    from isa_spec import load_spec
    from verif.build import build

    t0 = time.monotonic()
    try:
        build(make_config(load_spec(), config), flavour)
        return TestResult(config, "build", None, Status.PASSED, time.monotonic() - t0)
    except Exception as exc:  # the configuration's jobs cannot run; the others still do
        return TestResult(config, "build", None, Status.CRASHED, time.monotonic() - t0,
                          signature=f"build: {config}", message=f"{type(exc).__name__}: {exc}",
                          repro=f"lpu gen --config {config} -o out/{config} --lint")


def build_plan(jobs: list[Job]) -> list[tuple[str, str]]:
    """(configuration, flavour) of every build the jobs need: one per configuration, plus
    the plain build for a demo job (`lpu demo --rtl` runs on it) where the others differ."""
    per_config: dict[str, list[Job]] = {}
    demo = set()
    for j in jobs:
        if j.kind == "demo":
            demo.add(j.config)
        elif j.kind != "examples":
            per_config.setdefault(j.config, []).append(j)
    return sorted({(n, _flavour(js)) for n, js in per_config.items()} | {(n, "plain") for n in demo})


def prebuild(jobs: list[Job], parallel: int, echo) -> list[TestResult]:
    """Generate and Verilator-build each configuration once (workers reuse the builds).
    One result per configuration, named 'build', so build failures and times are history too.
    Separate processes: MyHDL's conversion keeps global state and is not thread-safe."""
    pairs = build_plan(jobs)
    names, flavours = [n for n, _ in pairs], [f for _, f in pairs]
    out = []
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=max(1, min(parallel, len(names) or 1)), mp_context=ctx) as pool:
        for name, flavour, res in zip(names, flavours, pool.map(_build_one, names, flavours), strict=True):
            echo(f"  build {name} ({flavour}): {res.status.value} in {res.duration:.0f} s", flush=True)
            if names.count(name) > 1 and flavour == "plain":
                res.test = "build/plain"      # the demo's second build of a configuration: its own history
            out.append(res)
    return out


def order_jobs(jobs: list[Job], spec: Spec) -> list[Job]:
    """Largest configurations first (pytest-xdist hands items out in order, so the long jobs
    start early and the short ones fill the tail), keeping each configuration's order."""
    size = {c: make_config(spec, c)["D"] for c in {j.config for j in jobs}}
    return sorted(jobs, key=lambda j: (j.kind != "examples", -size[j.config]))


def make_launcher(opts: RunOptions) -> Launcher:
    """The run's launcher; LaunchError (no sbatch) or ToolError (no pytest-xdist) when it cannot
    work here, before any run starts."""
    if opts.launcher == "local":
        from verif.tools import require_packages

        from .launchers.local import LocalLauncher

        require_packages("pytest", "xdist")   # the local launcher's jobs are pytest-xdist items
        return LocalLauncher(min(opts.jobs, opts.max_parallel or opts.jobs))
    if opts.launcher == "slurm":
        from .launchers.slurm import make_slurm_launcher

        slurm = replace(opts.slurm or SlurmOptions())
        if opts.max_parallel is not None:
            slurm.max_parallel = opts.max_parallel
        return make_slurm_launcher(slurm)
    raise LaunchError(f"unknown launcher '{opts.launcher}' (known: local, slurm)")


def execute(opts: RunOptions, jobs: list[Job] | None = None, label: str | None = None) -> RunOutcome:
    """Run a suite (or the given jobs, for a rerun) and record it as one run."""
    from isa_spec import load_spec

    echo = opts.echo
    launcher = make_launcher(opts)
    needs_rtl = bool(opts.configs) if jobs is None else any(j.kind != "examples" for j in jobs)
    if needs_rtl:
        from verif.tools import require_sim_tools

        require_sim_tools()   # before the run is recorded: a missing tool is not a failed run
    spec = load_spec()
    db = ResultsDB(opts.db_path)
    suite = label or opts.suite
    run_id = db.start_run(suite, commit_id(), platform.node(), shlex.join(sys.argv[1:]))
    run_dir = (Path(opts.out) / f"run{run_id:04d}").resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    latest = Path(opts.out) / "latest"
    if latest.is_symlink() or not latest.exists():
        latest.unlink(missing_ok=True)
        latest.symlink_to(run_dir.name)
    t0 = time.monotonic()
    status = "interrupted"
    try:
        if jobs is None:
            base = opts.seed_base
            if base is None:
                base = 1 if opts.suite == "smoke" else run_id * NIGHTLY_SEED_STRIDE + 1
            jobs = suite_jobs(spec, opts.suite, opts.configs, opts.seeds, base, opts.examples)
            where = ", ".join(opts.configs) or "the golden model"
            echo(f"run {run_id}: {suite} on {where}, {len(jobs)} tests, seeds from {base}, -j {opts.jobs}; "
                 f"results in {run_dir}")
            if opts.suite == "nightly" and opts.seeds and set(opts.configs) & set(DEMO_CONFIGS) and missing():
                echo(f"  the demo family is left out: {missing()}")
        else:
            echo(f"run {run_id}: {suite}, {len(jobs)} tests, -j {opts.jobs}; results in {run_dir}")
        jobs = [replace(j, shrink=opts.shrink) if j.kind == "random" else j for j in jobs]
        db.update_run(run_id, out_dir=str(run_dir), planned=len(jobs), launcher=launcher.describe())
        echo("building each configuration once (minutes the first time, then reused):")
        builds = prebuild(jobs, opts.jobs, echo)
        broken = set()
        for b in builds:
            db.record(run_id, b)
            if b.status is not Status.PASSED:
                broken.add(b.config)
        jobs = order_jobs([j for j in jobs if j.config not in broken], spec)
        means = db.mean_durations()
        expected = {j.id: means[j.config, j.test] for j in jobs if (j.config, j.test) in means}
        plan = Plan(run_id, opts.db_path.resolve(), run_dir, suite, opts.timeout, opts.jobs, jobs, expected)
        plan.write()
        launched = launcher.run(plan, db, echo) if jobs else Launched()
        counts = db.run_summary(run_id)
        if launched.interrupted:
            status = "interrupted"
        else:
            status = "passed" if set(counts) <= {Status.PASSED.value} and launched.clean else "failed"
    except LaunchError:
        status = "failed"
        raise
    finally:
        db.update_run(run_id, status=status)
        db.finish_run(run_id, status)
        write_junit(db, run_id, run_dir / "junit.xml", suite)
    outcome = RunOutcome(run_id, run_dir, status, db.run_summary(run_id), time.monotonic() - t0)
    if opts.report:
        from .covreport.collect import collect_runs
        from .covreport.render import text_summary, write_report

        cov = collect_runs(db, [run_id], spec)
        outcome.coverage = cov.summary()
        outcome.coverage_lines = text_summary(cov)
        db.update_run(run_id, functional=cov.functional, line=cov.line, toggle=cov.toggle)
        write_report(cov, db, run_dir / "report")
    _print_outcome(db, outcome, echo)
    db.close()
    return outcome


def _print_outcome(db: ResultsDB, o: RunOutcome, echo) -> None:
    rows = db.results(o.run_id)
    tests = [r for r in rows if r["test"] != "build"]
    counts: dict[str, int] = {}
    for r in tests:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    builds = len(rows) - len(tests)
    echo(f"run {o.run_id} {o.status}: {len(tests)} tests in {hms(o.seconds)}: "
         + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
         + (f" (and {builds} configuration builds)" if builds else ""))
    for b in buckets(rows, db.first_seen):
        echo(f"  FAIL x{b.count}  {b.signature}  (first seen in run {b.first_run})")
        echo(f"        e.g. {b.tests[0]}   reproduce: {b.repro}")
        if b.waves:
            echo(f"        waveform: {b.waves}")
        if b.reproducer:
            echo(f"        minimal reproducer: {b.reproducer_command()}")
    if o.status == "failed":
        echo(f"  rerun the failures with waveforms: lpu regress --rerun-failed {o.run_id}")
    for line in o.coverage_lines:
        echo("  " + line)
    if o.coverage_lines:
        echo(f"  coverage report: {o.run_dir / 'report' / 'index.html'}")
    echo(f"  JUnit: {o.run_dir / 'junit.xml'}   history: lpu regress history --db {db.path}")


def failed_jobs(db: ResultsDB, run_id: int) -> list[Job]:
    """The jobs of a run that did not pass, as they ran, now with a waveform."""
    jobs = []
    for r in db.results(run_id):
        if r["status"] != Status.PASSED.value and r["job"]:
            jobs.append(replace(Job.from_json(r["job"]), waves=True))
    return jobs


def rerun_failed(opts: RunOptions, run_id: int) -> RunOutcome | None:
    db = ResultsDB(opts.db_path)
    if db.run(run_id) is None:
        db.close()
        return None
    jobs = failed_jobs(db, run_id)
    db.close()
    return execute(replace(opts, report=False), jobs, label=f"rerun-of-{run_id}")


def env_summary() -> str:
    return f"python {platform.python_version()} on {platform.node()} ({os.cpu_count()} cpus)"
