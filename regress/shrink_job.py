"""Shrinking the failing program of a regression job (regress/shrink.py): a random job's
failure names its seed (`random seed N: ...`); the program is generated again from it (the
generator is reproducible), written next to the failure (`seedN.s`), and shrunk to
`minimal.s` in the test directory, on the same build the job ran on. `lpu regress` does this
for every failing random job within a run budget; `lpu shrink DIR` does it afterwards."""

from __future__ import annotations

import json
import re
from pathlib import Path

from isa_spec import Spec, make_config

from .jobs import Job
from .shrink import ShrinkError, ShrinkResult, Target, shrink
from .triage import signature

_SEED = re.compile(r"random seed (\d+):")
MINIMAL = "minimal.s"


def failing_seed(message: str) -> int | None:
    m = _SEED.search(message)
    return int(m.group(1)) if m else None


def shrinkable(job: Job, status: str, message: str) -> bool:
    """A random job that failed (a retirement, final-state or halt mismatch, or a hang)."""
    return job.kind == "random" and status == "failed" and failing_seed(message) is not None


def shrink_job(job: Job, spec: Spec, test_dir: Path, message: str, max_runs: int,
               rtl_dir: Path | None = None, max_seconds: float | None = None) -> ShrinkResult:
    from verif.generator import Knobs, generate

    seed = failing_seed(message)
    if job.kind != "random" or seed is None:
        raise ShrinkError(f"{test_dir}: not a failing random program (only those are shrunk)")
    config = make_config(spec, job.config)
    prog = generate(spec, config, seed, Knobs.uniform(spec))
    (test_dir / f"seed{seed}.s").write_text(prog.asm)
    target = Target(config, job.config, rtl_dir=rtl_dir, coverage=job.coverage, waves=job.waves)
    kw = {} if max_seconds is None else {"max_seconds": max_seconds}
    return shrink(prog.asm, target, test_dir / MINIMAL, origin=f"{job.config} random seed {seed}",
                  max_runs=max_runs, want=signature(message), **kw)


def shrink_into(out: dict, job: Job, spec: Spec, test_dir: Path) -> None:
    """After a job: shrink its failure when asked (`job.shrink` runs), recording the
    reproducer in the job's verdict (`out`). A shrink that fails never changes the verdict."""
    if not (job.shrink and shrinkable(job, out.get("status", ""), out.get("message", ""))):
        return
    try:
        res = shrink_job(job, spec, test_dir, out["message"], job.shrink)
    except ShrinkError as exc:
        out["shrink"] = f"not shrunk: {exc}"
        return
    out["reproducer"] = res.path
    out["shrink"] = f"{res.before} -> {res.after} instructions in {res.runs} runs: {res.repro}"


def read_test_dir(test_dir: Path) -> tuple[Job, dict]:
    """The job and verdict a regression left in a test directory."""
    try:
        job = Job.from_json((test_dir / "job.json").read_text())
        verdict = json.loads((test_dir / "result.json").read_text())
    except FileNotFoundError as exc:
        raise ShrinkError(f"{test_dir}: not a regression test directory (no {Path(exc.filename).name})") from None
    except (ValueError, TypeError) as exc:
        raise ShrinkError(f"{test_dir}: unreadable job.json or result.json ({exc})") from None
    return job, verdict
