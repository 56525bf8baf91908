"""The regression runner end to end on the tiny RTL: a nightly run recorded in history with
JUnit XML and a coverage report; hangs recorded and rerun with waveforms; a run killed
midway (SIGKILL or SIGINT) keeps what it recorded and the next run works."""

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import pytest

from isa_spec import load_spec
from lpu.cli import main
from regress.results import ResultsDB
from regress.suites import CDG_EVERY, COMPILED_EVERY, directed_groups

pytestmark = pytest.mark.rtl


def _rows(db_path, run):
    con = sqlite3.connect(db_path)
    con.row_factory = sqlite3.Row
    try:
        return con.execute("SELECT * FROM results WHERE run_id = ? ORDER BY id", (run,)).fetchall()
    finally:
        con.close()


def test_nightly_twice_gives_history_junit_and_a_coverage_report(tmp_path, capsys):
    out = tmp_path / "out"
    seeds = 2
    cmd = [sys.executable, "-m", "lpu.cli", "regress", "nightly", "--configs", "tiny", "--seeds", str(seeds),
           "-j", "2", "--out", str(out)]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "run 1 passed" in first.stdout
    assert re.search(r"^\[ ?1/\d+\] passed .* failures 0 +elapsed \d:\d\d:\d\d +left ", first.stdout, re.M)
    assert subprocess.run(cmd, capture_output=True, text=True, timeout=900).returncode == 0
    db = ResultsDB(out / "results.sqlite")
    runs = db.runs()
    assert [r["id"] for r in runs] == [2, 1] and all(r["status"] == "passed" for r in runs)
    planned = len(directed_groups(load_spec())) + seeds + max(1, seeds // CDG_EVERY) + max(1, seeds // COMPILED_EVERY)
    for r in runs:
        rows = [x for x in db.results(r["id"]) if x["test"] != "build"]
        assert len(rows) == planned == r["planned"]
        assert all(x["status"] == "passed" and x["repro"].startswith("lpu ") for x in rows)
        assert r["functional"] > 50 and r["line"] > 50 and r["toggle"] > 30
        junit = ET.parse(out / f"run{r['id']:04d}" / "junit.xml").getroot()
        cases = list(junit.iter("testcase"))
        assert len(cases) == planned and not list(junit.iter("failure"))
        report = json.loads((out / f"run{r['id']:04d}" / "report" / "coverage.json").read_text())
        assert report["functional"] == pytest.approx(r["functional"], abs=0.01)
        assert (out / f"run{r['id']:04d}" / "report" / "index.html").exists()
    # a nightly takes fresh seeds every run
    seeds_of = [{x["seed"] for x in db.results(r["id"]) if x["test"] == "random"} for r in runs]
    assert not seeds_of[0] & seeds_of[1]
    db.close()
    assert main(["regress", "history", "--out", str(out)]) == 0
    hist = capsys.readouterr().out
    assert "run 2: nothing failed" in hist
    assert len([ln for ln in hist.splitlines() if " nightly " in ln]) == 2
    # the coverage of both runs merges
    assert main(["cov", "report", "1", "2", "--out", str(out), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["runs"] == [1, 2] and doc["configs"]["tiny"]["tests"] == 2 * planned


def test_hangs_are_recorded_and_rerun_failed_reruns_them_with_waveforms(tmp_path, capsys):
    out = tmp_path / "out"
    # a limit no simulation meets: every test is a "hang"
    rc = main(["regress", "smoke", "--configs", "tiny", "--seeds", "1", "--timeout", "0.2", "--no-report",
               "--out", str(out)])
    text = capsys.readouterr().out
    assert rc == 1
    rows = [x for x in _rows(out / "results.sqlite", 1) if x["test"] != "build"]
    assert len(rows) == 4 and {x["status"] for x in rows} == {"timeout"}      # examples, directed, random, compiled
    assert {x["signature"] for x in rows} == {"hang"}
    assert "FAIL x4  hang" in text and "--rerun-failed 1" in text
    junit = ET.parse(out / "run0001" / "junit.xml").getroot()
    assert len(list(junit.iter("failure"))) == 4
    assert main(["regress", "--rerun-failed", "1", "--out", str(out)]) == 0
    capsys.readouterr()
    rerun = _rows(out / "results.sqlite", 2)
    sims = [x for x in rerun if x["test"] in ("directed/all", "random", "compiled")]
    assert len(sims) == 3 and all(x["status"] == "passed" for x in sims)
    for x in sims:
        assert x["waves"] and os.path.getsize(x["waves"]) > 0
    db = ResultsDB(out / "results.sqlite")
    assert db.run(2)["suite"] == "rerun-of-1"
    db.close()


def _start(out, n_seeds):
    cmd = [sys.executable, "-m", "lpu.cli", "regress", "smoke", "--configs", "tiny", "--seeds", str(n_seeds),
           "-j", "1", "--no-report", "--out", str(out)]
    # Ctrl-C as a terminal user has it: a test run from a background job (`cmd &` in a script,
    # as CI may be) inherits SIGINT ignored, which Python then keeps, and the run never stops
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _wait_for_results(db_path, run, n, proc, limit=300):
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        if db_path.exists():
            try:
                if len(_rows(db_path, run)) >= n:
                    return
            except sqlite3.OperationalError:
                pass
        assert proc.poll() is None, proc.stdout.read()
        time.sleep(0.2)
    pytest.fail(f"fewer than {n} results after {limit} s")


@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT"])
def test_killing_a_run_midway_loses_nothing_and_the_next_run_works(tmp_path, how):
    out = tmp_path / "out"
    db_path = out / "results.sqlite"
    proc = _start(out, 10)
    _wait_for_results(db_path, 1, 4, proc)     # the build and three tests
    os.killpg(proc.pid, getattr(signal, how))
    proc.wait(120)
    rows = _rows(db_path, 1)
    assert 4 <= len(rows) < 14     # the build, examples, directed, 10 random, compiled
    assert all(r["status"] in ("passed", "failed", "crashed", "timeout") and r["duration"] is not None
               for r in rows)
    kept = len(rows)
    db = ResultsDB(db_path)
    run = db.run(1)
    if how == "SIGKILL":
        assert run["finished"] is None          # shown as interrupted by history
    else:
        assert run["status"] == "interrupted" and run["finished"] is not None
        assert proc.returncode != 0
    db.close()
    again = _start(out, 10)
    assert again.wait(600) == 0, again.stdout.read()
    assert len(_rows(db_path, 1)) == kept                      # nothing of the first run changed
    assert [r["status"] for r in _rows(db_path, 2)].count("passed") == 14
