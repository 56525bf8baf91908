"""The demo test family of the nightly: `lpu demo` on a fresh random sample of the
taxonomy's test queries, the ISS on all of them and the RTL on the first 64, per
configuration. regress never imports demo/ (LPU_BRIEF section 8): a job runs the CLI as a
child process, and passes when it exits 0 (see demo.report.failures: the RTL sample
passed, the ISS agrees with the interpreter, and every decision that differs from the
float model's lies within its error bound of the threshold)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from .jobs import Job

DEMO_CONFIGS = ("default", "wide")   # the committed boxes have D = 8; tiny's D is smaller
DEMO_QUERIES = 500                   # per job: the ISS runs them all, the RTL the first 64
NEEDS = ("torch", "box_embeddings", "demo")


def missing() -> str | None:
    """Why the family cannot run here (the demo extra is not installed), or None."""
    gone = [m for m in NEEDS if importlib.util.find_spec(m) is None]
    return f"the demo extra is not installed ({', '.join(gone)} missing: pip install -e '.[demo]')" if gone else None


def demo_jobs(configs: list[str], seed: int) -> list[Job]:
    if missing():
        return []
    return [Job(c, "demo", seed=seed, count=DEMO_QUERIES) for c in configs if c in DEMO_CONFIGS]


def argv(job: Job) -> list[str]:
    """The `lpu demo` arguments of a job (also its reproducer)."""
    return ["demo", "--config", job.config, "--rtl", "--queries", str(job.count),
            "--seed", str(job.seed if job.seed is not None else 1), "--jobs", "1"]


def run(job: Job, test_dir: Path) -> dict:
    """Run the job's `lpu demo` in a child process; its output goes to TEST_DIR/sim.log."""
    log = test_dir / "sim.log"
    cmd = [sys.executable, "-m", "lpu.cli", *argv(job), "--work", str(test_dir / "work")]
    with open(log, "w") as fh:
        code = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, check=False).returncode
    text = log.read_text(errors="replace")
    bad = [ln.removeprefix("lpu demo: FAILED: ") for ln in text.splitlines() if ln.startswith("lpu demo: FAILED: ")]
    if code == 0:
        return {"status": "passed", "message": ""}
    if code == 1 and bad:
        return {"status": "failed", "message": "\n".join(bad)}
    tail = "\n".join(text.splitlines()[-5:])
    return {"status": "crashed", "message": f"lpu demo exited with code {code}:\n{tail}"}
