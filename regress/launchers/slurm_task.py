"""One Slurm array task of a regression (the job script runs this on a compute node):

    python -m regress.launchers.slurm_task MANIFEST [TASK]

TASK defaults to $SLURM_ARRAY_TASK_ID. Runs the task's tests one after the other with
`regress.worker.run_job` (each in its own process group, with the per-test time limit) and
keeps RESULTS_DIR/task_<TASK>.json up to date, rewritten atomically (a temporary file and
a rename) before each test (which one is running) and after it (its result). The submitter
reads these files, never the database, so that a shared filesystem is all a cluster needs.

When Slurm ends the task (scancel, time limit, preemption) it sends SIGTERM first: the
running test's processes are killed and the file keeps every finished result."""

from __future__ import annotations

import json
import os
import platform
import signal
import sys
from dataclasses import asdict
from pathlib import Path

from ..jobs import Job
from ..worker import run_job

TERMINATED_EXIT = 128 + signal.SIGTERM


class Terminated(BaseException):
    """SIGTERM from the scheduler (a BaseException, so that run_job kills its child group)."""


def result_file(results_dir: Path, task: int) -> Path:
    return Path(results_dir) / f"task_{task}.json"


def write_atomic(path: Path, doc: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w") as fh:
        json.dump(doc, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def run_task(manifest: dict, task: int) -> int:
    os.environ["LPU_BUILD_DIR"] = manifest["build_root"]   # the builds made before submission
    jobs = [Job(**j) for j in manifest["tasks"][task]]
    run_dir = Path(manifest["run_dir"])
    out = result_file(Path(manifest["results_dir"]), task)
    array = os.environ.get("SLURM_ARRAY_JOB_ID", "")
    doc = {"task": task, "slurm_job": f"{array}_{task}" if array else "", "host": platform.node(),
           "results": [], "current": None, "done": False}
    terminated = False

    def on_term(signum, frame):
        nonlocal terminated
        terminated = True
        raise Terminated()

    signal.signal(signal.SIGTERM, on_term)
    print(f"task {doc['slurm_job'] or task} on {doc['host']}: {len(jobs)} tests", flush=True)
    try:
        for job in jobs:
            doc["current"] = job.id
            write_atomic(out, doc)
            print(f"  {job.id} ...", flush=True)
            res = run_job(job, run_dir / "tests" / job.dirname, manifest["timeout"])
            if terminated:      # the test's processes died of the same SIGTERM: not its verdict
                break
            res.job = job.to_json()
            doc["results"].append(asdict(res))
            print(f"  {job.id} {res.status.value} in {res.duration:.1f} s  (log {res.log})", flush=True)
        else:
            doc["current"] = None
            doc["done"] = True
    except Terminated:
        pass
    signal.signal(signal.SIGTERM, signal.SIG_IGN)   # the last write must not be cut short
    doc["terminated"] = terminated
    write_atomic(out, doc)
    print(f"task {doc['slurm_job'] or task}: " + ("terminated (SIGTERM)" if terminated else "done"), flush=True)
    return TERMINATED_EXIT if terminated else 0


def main(argv: list[str]) -> int:
    manifest = json.loads(Path(argv[0]).read_text())
    task = int(argv[1]) if len(argv) > 1 else int(os.environ["SLURM_ARRAY_TASK_ID"])
    return run_task(manifest, task)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
