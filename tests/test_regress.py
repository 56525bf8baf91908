"""The regression machinery without the RTL: suites, jobs and their repro commands, the
worker's timeout and crash handling, progress, history queries."""

import json
import os
import platform
import re
import shlex
import subprocess
import sys
import time

import pytest

from isa_spec import load_spec, make_config
from lpu.cli import build_parser
from regress.history import failures_of, format_history, history, spark
from regress.jobs import Job
from regress.progress import Progress, hms
from regress.results import ResultsDB, Status, TestResult
from regress.suites import (
    CDG_EVERY,
    COMPILED_EVERY,
    COMPILED_PROGRAMS,
    RANDOM_PROGRAMS,
    SMOKE_COMPILED,
    directed_groups,
    suite_jobs,
)
from regress.worker import run_job
from verif.programs import directed_programs


@pytest.fixture(scope="module")
def spec():
    return load_spec()


@pytest.mark.parametrize("config", ["tiny", "default", "wide"])
def test_every_directed_program_is_in_exactly_one_nightly_group(spec, config):
    groups = directed_groups(spec)
    for prog in directed_programs(spec, make_config(spec, config)):
        hits = [g for g, rx in groups if re.search(rx, prog.name)]
        assert len(hits) == 1, (prog.name, hits)


def test_nightly_plan_has_directed_random_and_coverage_driven_jobs_per_config(spec):
    jobs = suite_jobs(spec, "nightly", ["tiny", "wide"], 20, 500)
    for c in ("tiny", "wide"):
        mine = [j for j in jobs if j.config == c]
        rnd = [j for j in mine if j.kind == "random"]
        assert len(rnd) == 20 and all(j.count == RANDOM_PROGRAMS for j in rnd)
        # random jobs never share a program seed
        seeds = [s for j in rnd for s in range(j.seed, j.seed + j.count)]
        assert len(set(seeds)) == len(seeds) and min(seeds) == 500
        assert len([j for j in mine if j.kind == "cdg"]) == 20 // CDG_EVERY
        comp = [j for j in mine if j.kind == "compiled"]
        assert len(comp) == 20 // COMPILED_EVERY and all(j.count == COMPILED_PROGRAMS for j in comp)
        comp_seeds = [s for j in comp for s in range(j.seed, j.seed + j.count)]
        assert len(set(comp_seeds)) == len(comp_seeds) and min(comp_seeds) == 500
        assert {j.group for j in mine if j.kind == "directed"} == {g for g, _ in directed_groups(spec)}
        assert all(j.coverage for j in mine if j.kind != "demo")
    assert len({j.id for j in jobs}) == len(jobs), "job ids must be unique (they name test directories)"


def test_smoke_plan_is_fixed_seeds_on_tiny_and_default(spec):
    jobs = suite_jobs(spec, "smoke", ["tiny", "default"], 3, 1)
    assert [j.id for j in jobs] == ["default/examples", "tiny/directed/all", "tiny/random/seed1",
                                    "tiny/random/seed2", "tiny/random/seed3", "tiny/compiled/seed1",
                                    "default/directed/all", "default/random/seed1", "default/random/seed2",
                                    "default/random/seed3", "default/compiled/seed1"]
    assert all(j.count == SMOKE_COMPILED for j in jobs if j.kind == "compiled")
    # --seeds 0: no random programs, compiled ones neither
    assert not [j for j in suite_jobs(spec, "smoke", ["tiny"], 0, 1) if j.kind == "compiled"]


@pytest.mark.parametrize("job", [
    Job("tiny", "random", seed=7, count=4),
    Job("wide", "cdg", seed=3, count=16, coverage=True),
    Job("tiny", "compiled", seed=9, count=3),
    Job("default", "directed", group="box", only=r"^(bint|blcp)\[\d+\]$"),
    Job("default", "examples", path="/tmp/progs"),
])
def test_a_jobs_repro_is_a_valid_lpu_command_that_names_the_same_test(job):
    assert Job.from_json(job.to_json()) == job
    argv = shlex.split(job.repro())
    assert argv[0] == "lpu"
    args = build_parser().parse_args(argv[1:])      # a typo in a repro would fail here
    if job.kind in ("random", "cdg", "compiled"):
        assert (args.seed, args.count, args.config, args.waves) == (job.seed, job.count, job.config, True)
        assert args.random == (job.kind == "random") and args.coverage_driven == (job.kind == "cdg")
        assert args.compiled == (job.kind == "compiled")
    elif job.kind == "directed":
        assert args.directed and args.only == job.only and args.config == job.config
    else:
        assert not args.rtl and str(args.examples) == job.path


def test_unknown_job_kind_is_rejected():
    with pytest.raises(ValueError, match="unknown job kind 'fuzz'"):
        Job("tiny", "fuzz")


# ------------------------------------------------------------------ worker: hang and crash

def test_a_hung_job_is_killed_with_its_whole_process_group_and_recorded_as_a_timeout(tmp_path):
    pidfile = tmp_path / "grandchild.pid"
    # the child starts a grandchild (as the simulator would be) and both hang
    script = (f"import subprocess, sys, time; p = subprocess.Popen([sys.executable, '-c', 'import time; "
              f"time.sleep(600)']); open({str(pidfile)!r}, 'w').write(str(p.pid)); print('working', flush=True); "
              f"time.sleep(600)")
    t0 = time.monotonic()
    res = run_job(Job("tiny", "random", seed=1), tmp_path / "t", timeout=2.0, child=[sys.executable, "-c", script])
    assert time.monotonic() - t0 < 30
    assert res.status is Status.TIMEOUT and res.signature == "hang"
    assert "2 s limit" in res.message and "working" in res.message   # the log tail is kept
    grandchild = int(pidfile.read_text())
    for _ in range(50):
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the simulator-like grandchild survived the timeout")


def test_a_job_that_dies_is_recorded_as_a_crash_with_its_log(tmp_path):
    script = "import os, signal; print('about to die', flush=True); os.kill(os.getpid(), signal.SIGSEGV)"
    res = run_job(Job("tiny", "random", seed=1), tmp_path / "t", timeout=60, child=[sys.executable, "-c", script])
    assert res.status is Status.CRASHED
    assert f"code {-11}" in res.message and "about to die" in res.message
    assert res.signature.startswith("crash: ")
    assert res.repro == Job("tiny", "random", seed=1).repro()


def test_a_verdict_written_by_the_child_is_what_is_recorded(tmp_path):
    d = tmp_path / "t"
    script = (f"import json; open({str(d / 'result.json')!r}, 'w').write(json.dumps({{'status': 'failed', "
              f"'message': 'random seed 4: retirement mismatch', 'functional': 12.5}}))")
    res = run_job(Job("tiny", "random", seed=4), d, timeout=60, child=[sys.executable, "-c", script])
    assert res.status is Status.FAILED and res.functional == 12.5
    assert res.signature.startswith("retire:")


# ------------------------------------------------------------------ progress and history

def test_progress_counts_failures_and_estimates_the_time_left(capsys):
    p = Progress(total=4, out=sys.stdout)
    p.start -= 10.0           # 10 s elapsed when the first two finish
    p.update("tiny/random/seed1", "passed", 5.0)
    p.update("tiny/random/seed2", "timeout", 5.0)
    line = capsys.readouterr().out.splitlines()[-1]
    assert line.startswith("[2/4] timeout")
    assert "failures 1" in line
    # 2 done in 10 s: 2 left take about 10 s more
    assert re.search(r"left 0:00:1[01]", line), line
    assert hms(3725) == "1:02:05"


def test_spark_maps_the_range_onto_the_bars():
    assert spark([0.0, 100.0, None, 50.0]) == "▁█ ▅"


def _fill(db, outcomes):
    """One run per entry: {(config, test, seed): status}."""
    ids = []
    for results in outcomes:
        run = db.start_run("nightly", "c0ffee")
        for (config, test, seed), status in results.items():
            sig = "" if status == "passed" else "retire: bint: b_write"
            db.record(run, TestResult(config, test, seed, Status(status), 1.0, sig, "m", f"lpu sim {seed}"))
        db.finish_run(run, "failed" if "failed" in results.values() else "passed")
        ids.append(run)
    return ids


def test_history_says_what_failed_since_when_and_how_often(tmp_path):
    db = ResultsDB(tmp_path / "r.sqlite")
    ok = "passed"
    ids = _fill(db, [
        {("tiny", "random", 1): ok, ("tiny", "random", 2): "failed", ("wide", "cdg", 3): ok},   # run 1
        {("tiny", "random", 5): ok, ("tiny", "random", 6): ok, ("wide", "cdg", 7): ok},          # run 2
        {("tiny", "random", 9): "failed", ("wide", "cdg", 10): ok},                               # run 3
        {("tiny", "random", 11): "failed", ("tiny", "random", 12): "failed", ("wide", "cdg", 13): ok},  # run 4
    ])
    f = failures_of(db, ids[3])
    assert len(f) == 1
    t = f[0]
    assert (t["config"], t["test"], sorted(t["seeds"])) == ("tiny", "random", [11, 12])
    assert t["failing_since_run"] == ids[2]        # passed in run 2, failed in runs 3 and 4
    assert t["first_failed_run"] == ids[0]
    assert (t["failed_runs"], t["runs"]) == (3, 4)
    h = history(db, limit=10)
    assert h["run"] == ids[3] and [r["run"] for r in h["runs"]] == ids[::-1]
    assert h["buckets"][0]["count"] == 2 and h["buckets"][0]["first_run"] == ids[0]
    assert [r["pass_rate"] for r in h["runs"]] == [pytest.approx(100 / 3), 50.0, 100.0, pytest.approx(200 / 3)]
    text = "\n".join(format_history(h))
    assert f"failing since run {ids[2]}, failed in 3 of 4 runs" in text
    # a run whose process is alive is running; one whose process is gone was killed
    # (interrupted); neither is "last night"
    live = db.start_run("nightly", "c0ffee", host=platform.node())
    assert history(db, limit=10)["runs"][0]["status"] == "running"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    db.conn.execute("UPDATE runs SET pid = ? WHERE id = ?", (dead.pid, live))
    h = history(db, limit=10)
    assert h["runs"][0]["run"] == live and h["runs"][0]["status"] == "interrupted"
    assert h["run"] == ids[3]
    json.dumps(h, default=list)     # --json must serialise


def test_a_file_that_is_not_a_results_database_is_a_one_line_error(tmp_path, capsys):
    from lpu.cli import main

    bad = tmp_path / "results.sqlite"
    bad.write_text("this is not sqlite\n" * 100)
    assert main(["regress", "history", "--db", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: not a usable results database" in err and "Traceback" not in err
