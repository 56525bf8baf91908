"""The regression results database (parallel writers, killed writers, history) and the
failure signatures used for triage."""

import multiprocessing as mp
import os
import signal
import time

from regress.results import ResultsDB, Status, TestResult
from regress.triage import buckets, signature

RETIRE_FAIL = """random seed {seed}: retirement mismatch
  instruction: {n} pc {pc:#06x}  0020a183  lw x3, 2(x1)
  trap: model 3, rtl 5
  last 3 retired:
         0 pc 0x0000  000000b7  lui x1, 0
"""


def _writer(path, run_id, base, n):
    db = ResultsDB(path)
    for i in range(n):
        db.record(run_id, TestResult("default", "random", base + i, Status.PASSED, 0.1))
    db.close()


def _endless_writer(path, run_id):
    db = ResultsDB(path)
    i = 0
    while True:
        db.record(run_id, TestResult("tiny", "random", i, Status.FAILED, 0.2, "retire: lw: trap", "m" * 200))
        i += 1


def test_parallel_writers_lose_nothing(tmp_path):
    path = tmp_path / "r.sqlite"
    db = ResultsDB(path)
    run = db.start_run("nightly", "abc123")
    procs = [mp.Process(target=_writer, args=(path, run, k * 1000, 150)) for k in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    rows = db.results(run)
    assert len(rows) == 450 and len({r["seed"] for r in rows}) == 450
    assert db.run_summary(run) == {"passed": 450}


def test_a_killed_writer_leaves_complete_rows_and_a_usable_database(tmp_path):
    path = tmp_path / "r.sqlite"
    db = ResultsDB(path)
    run = db.start_run("nightly")
    p = mp.Process(target=_endless_writer, args=(path, run))
    p.start()
    deadline = time.time() + 20
    while len(db.results(run)) < 50 and time.time() < deadline:
        time.sleep(0.05)
    os.kill(p.pid, signal.SIGKILL)
    p.join()
    db.close()
    db = ResultsDB(path)   # reopens after the kill (WAL recovery)
    rows = db.results(run)
    assert len(rows) >= 50
    assert all(r["status"] == "failed" and r["message"] == "m" * 200 for r in rows)
    assert db.runs()[0]["finished"] is None          # shown as interrupted
    nxt = db.start_run("nightly")
    db.record(nxt, TestResult("tiny", "random", 1, Status.PASSED, 0.1))
    db.finish_run(nxt, "passed")
    assert db.run_summary(nxt) == {"passed": 1}


def test_history_says_since_when_and_how_often(tmp_path):
    db = ResultsDB(tmp_path / "r.sqlite")
    statuses = [Status.PASSED, Status.FAILED, Status.PASSED, Status.FAILED, Status.TIMEOUT]
    runs = []
    for st in statuses:
        run = db.start_run("nightly")
        runs.append(run)
        db.record(run, TestResult("wide", "random", 7, st, 1.0))
        db.finish_run(run, "done")
    h = db.test_history("wide", "random", 7)
    assert h["runs"] == 5 and h["failures"] == 3
    assert h["failing_since_run"] == runs[3] and h["last_status"] == "timeout"


def test_signatures_ignore_seeds_and_values_and_name_the_bug():
    a = signature(RETIRE_FAIL.format(seed=3, n=17, pc=0x40))
    b = signature(RETIRE_FAIL.format(seed=99, n=5, pc=0x1c))
    assert a == b == "retire: lw: trap"
    assert signature("random seed 2: final state differs: csr mispred: model 0x16, rtl 0x24") == "final: mispred"
    assert signature("x: final state differs: b1.lo: model [1], rtl [0]; b1.hi: model [2]") == "final: b"
    assert signature("x: final state differs: mem word 12: model 0x1, rtl 0x0") == "final: mem word"
    assert signature("", "timeout") == "hang"
    assert signature("no halt within 5000 cycles") == "hang"
    assert signature("the simulation produced no results (crashed?)", "crashed").startswith("crash: ")


def test_buckets_group_failures_with_counts_first_run_and_one_repro(tmp_path):
    db = ResultsDB(tmp_path / "r.sqlite")
    r1, r2 = db.start_run("nightly"), db.start_run("nightly")
    for run, seed in ((r1, 1), (r2, 2), (r2, 3)):
        msg = RETIRE_FAIL.format(seed=seed, n=seed, pc=4 * seed)
        db.record(run, TestResult("default", "random", seed, Status.FAILED, 1.0, signature(msg), msg,
                                  repro=f"lpu sim --random --seed {seed} --waves", waves=f"w{seed}.vcd"))
    db.record(r2, TestResult("default", "random", 4, Status.PASSED, 1.0))
    db.record(r2, TestResult("tiny", "random", 5, Status.TIMEOUT, 9.0, "hang"))
    rows = db.results(r1) + db.results(r2)
    bs = buckets(rows)
    assert [(b.signature, b.count) for b in bs] == [("retire: lw: trap", 3), ("hang", 1)]
    assert bs[0].first_run == r1 and bs[0].repro == "lpu sim --random --seed 1 --waves" and bs[0].waves == "w1.vcd"
