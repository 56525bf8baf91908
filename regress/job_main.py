"""The child process of one regression job (started by regress/worker.py):

    python -m regress.job_main JOB_JSON TEST_DIR

Runs the job and writes TEST_DIR/result.json: status (passed / failed / crashed), the
failure message, the functional coverage percent and the waveform path. Anything it does
not write is the parent's to classify (a timeout or a crash)."""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

from isa_spec import load_spec, make_config

from .jobs import SIM_TESTS, Job
from .lifeline import watch_parent


def _examples(job: Job, spec) -> dict:
    from .smoke import EXAMPLES_DIR, example_programs, run_smoke

    folder = Path(job.path) if job.path else EXAMPLES_DIR
    results = run_smoke(spec, make_config(spec, job.config), example_programs(folder))
    bad = [r for r in results if not r.ok]
    msg = "\n".join(f"{r.suite}: {r.name}: {m}" for r in bad for m in r.messages)
    return {"status": "failed" if bad else "passed", "message": msg, "cases": len(results)}


def _simulate(job: Job, spec, test_dir: Path) -> dict:
    from verif.coverage import CoverageModel
    from verif.simulate import SimRequest, simulate

    config = make_config(spec, job.config)
    asm = None
    if job.kind == "compiled":       # the SLRM programs compiled here, then run as assembly files
        from .compiled import InterpreterMismatch, compile_family

        asm = test_dir / "compiled"
        try:
            compile_family(job.config, job.seed if job.seed is not None else 1, job.count, asm)
        except InterpreterMismatch as exc:
            return {"status": "failed", "message": str(exc)}
    req = SimRequest(config=config, config_name=job.config, overrides={}, test=SIM_TESTS[job.kind],
                     test_dir=test_dir, seed=job.seed if job.seed is not None else 1, count=job.count,
                     asm=asm, only=job.only or None, waves=job.waves, coverage=job.coverage)
    r = simulate(req)
    out: dict = {"status": "passed" if r.passed else "failed", "message": r.failure.strip()}
    if not r.results_xml.exists():
        out["status"] = "crashed"
    if r.coverage:
        out["functional"] = CoverageModel.from_json(r.coverage.read_text(), spec).percent()
    if r.waves:
        out["waves"] = str(r.waves)
    dat = test_dir / "coverage.dat"
    if job.coverage and dat.exists():
        from verif.code_coverage import CodeCoverage

        from .codecov_store import save

        save(CodeCoverage.read(dat), test_dir, test_dir.parent.parent / "points")
        if r.passed:
            dat.unlink()   # ~56 MB on wide; the compact copy has every count
    return out


def main(argv: list[str]) -> int:
    watch_parent()   # the simulator and this process die with the worker that started them
    job, test_dir = Job.from_json(argv[0]), Path(argv[1])
    spec = load_spec()
    (test_dir / "job.json").write_text(job.to_json())   # for `lpu shrink DIR` afterwards
    try:
        if job.kind == "demo":
            from .demo_family import run

            out = run(job, test_dir)
        else:
            out = _examples(job, spec) if job.kind == "examples" else _simulate(job, spec, test_dir)
    except Exception as exc:  # the job's own crash, recorded with its traceback
        out = {"status": "crashed", "message": f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"}
    if job.shrink:
        from .shrink_job import shrink_into

        shrink_into(out, job, spec, test_dir)
    (test_dir / "result.json").write_text(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
