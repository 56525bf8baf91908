"""Failure minimisation (regress/shrink.py, regress/shrink_job.py): a failing random program
of a planted bug shrunk to a small reproducer that still fails the same way on the bug's
RTL and passes on the good RTL; the pieces without a simulator; the triage link."""

import json
import re
import subprocess
import sys

import pytest

from isa_spec import load_spec, make_config
from isa_spec.assembler import assemble
from regress.jobs import Job
from regress.results import ResultsDB, Status, TestResult
from regress.shrink import render, tidy, units
from regress.triage import buckets, signature
from verif.build import ensure_rtl
from verif.mutants import PLANTED
from verif.simulate import SimRequest, simulate

SPEC = load_spec()
# the planted bug and a random seed whose program it fails (the smoke budget's seed 1; the
# shrink takes about 10 runs: docs/mutation.md)
MUTANT, SEED = next(m for m in PLANTED if m.name == "instret_counts_flushed"), 1

SOURCE = """# a comment
        la    x1, handler
        csrw  mtvec, x1
start:  addi  x2, x0, 3      # a counted loop
loop:   addi  x2, x2, -1
        bne   x2, x0, loop
        .word 0              # illegal
        halt
unused: halt
handler: halt
        .data
        .word 1, 2
"""


def test_units_are_the_lines_that_hold_words_and_a_removed_one_keeps_its_labels():
    lines = SOURCE.splitlines()
    u = units(SOURCE)
    assert [lines[i].split("#")[0].strip() for i in u] == [
        "la    x1, handler", "csrw  mtvec, x1", "start:  addi  x2, x0, 3", "loop:   addi  x2, x2, -1",
        "bne   x2, x0, loop", ".word 0", "halt", "unused: halt", "handler: halt"]
    kept = set(u) - {u[3], u[5]}       # the loop body's addi (a label on it) and the illegal word
    out = render(lines, u, kept)
    prog = assemble(out)
    assert len(prog.text) == len(assemble(SOURCE).text) - 2
    assert "loop:" in out and ".word 0" not in out and prog.data == [1, 2]


def test_tidy_drops_comments_and_unused_labels_only_when_the_words_stay_the_same():
    out = tidy(SOURCE)
    assert "#" not in out and "unused" not in out and "start" not in out
    assert "loop:" in out and "handler:" in out
    a, b = assemble(SOURCE), assemble(out)
    assert (a.text, a.data) == (b.text, b.data)


def test_a_failure_record_links_its_reproducer_in_the_bucket(tmp_path):
    db = ResultsDB(tmp_path / "r.sqlite")
    run = db.start_run("smoke")
    msg = "random seed 3: retirement mismatch\n  instruction: 5 pc 0x0010  00000000  add x1, x2, x3\n" \
          "  x_write: model (1, 2), rtl (1, 3)\n  last 0 retired:\n"
    for seed, rep in ((3, ""), (4, str(tmp_path / "minimal.s"))):
        db.record(run, TestResult("default", "random", seed, Status.FAILED, 1.0, signature(msg), msg,
                                  "lpu sim --random", reproducer=rep))
    [b] = buckets(db.results(run))
    assert b.count == 2 and b.reproducer == str(tmp_path / "minimal.s")
    assert b.reproducer_command() == f"lpu sim {tmp_path / 'minimal.s'} --config default"


def test_the_worker_records_the_reproducer_and_history_prints_it_under_the_bucket(tmp_path):
    from regress.history import format_history, history
    from regress.worker import run_job

    d = tmp_path / "default_random_seed4"
    verdict = {"status": "failed", "message": "random seed 4: retirement mismatch", "reproducer": str(d / "minimal.s")}
    script = f"import json; open({str(d / 'result.json')!r}, 'w').write(json.dumps({verdict!r}))"
    res = run_job(Job("default", "random", seed=4, shrink=5), d, timeout=60, child=[sys.executable, "-c", script])
    assert res.status is Status.FAILED and res.reproducer == str(d / "minimal.s")
    db = ResultsDB(tmp_path / "r.sqlite")
    run = db.start_run("smoke")
    db.record(run, res)
    db.finish_run(run, "failed")
    text = "\n".join(format_history(history(db)))
    assert f"minimal reproducer: lpu sim {d / 'minimal.s'} --config default" in text


@pytest.mark.parametrize("job, verdict", [
    (Job("default", "random", seed=2), {"status": "failed", "message": "random seed 2: hang"}),     # shrink 0
    (Job("default", "random", seed=2, shrink=9), {"status": "passed", "message": ""}),
    (Job("default", "directed", group="all", only=".", shrink=9), {"status": "failed", "message": "x"}),
    (Job("default", "random", seed=2, shrink=9), {"status": "crashed", "message": "random seed 2: x"}),
])
def test_only_failing_random_jobs_with_a_budget_are_shrunk(tmp_path, job, verdict):
    from regress.shrink_job import shrink_into

    out = dict(verdict)
    shrink_into(out, job, SPEC, tmp_path)   # would need a simulator if it tried
    assert out == verdict and not list(tmp_path.iterdir())


@pytest.mark.parametrize("argv, message", [
    (["shrink", "{tmp}"], "not a regression test directory (no job.json)"),
    (["shrink", "{tmp}/none.s"], "no such file"),
    (["shrink", "{tmp}/a.s", "--runs", "0"], "--runs: need at least 1 candidate run, got 0"),
    (["shrink", "{tmp}/a.s", "--rtl", "{tmp}"], "no lpu_top.v here"),
])
def test_bad_shrink_arguments_are_one_line_errors(tmp_path, argv, message):
    (tmp_path / "a.s").write_text("halt\n")
    args = [a.format(tmp=tmp_path) for a in argv]
    p = subprocess.run([sys.executable, "-m", "lpu.cli", *args], capture_output=True, text=True)
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert p.stderr.count("\n") == 1 and message in p.stderr, p.stderr


@pytest.mark.rtl
def test_a_failing_random_program_of_a_planted_bug_shrinks_to_a_small_reproducer(tmp_path):
    from regress.shrink_job import shrink_job

    config = make_config(SPEC, "default")
    rtl = MUTANT.write(ensure_rtl(config) / "lpu_top.v", tmp_path / "rtl")
    base = dict(config=config, config_name="default", overrides={})
    failed = simulate(SimRequest(test="random", seed=SEED, test_dir=tmp_path / "random", rtl_dir=rtl, **base))
    assert not failed.passed
    test_dir = tmp_path / "default_random_seed1"
    test_dir.mkdir()
    res = shrink_job(Job("default", "random", seed=SEED), SPEC, test_dir, failed.failure, 60, rtl)
    sig = signature(failed.failure)
    assert res.signature == sig and res.runs <= 60
    assert res.after * 10 <= res.before, (res.before, res.after)
    assert (test_dir / "seed1.s").exists() and json.loads((test_dir / "minimal.json").read_text())["after"] == res.after
    text = (test_dir / "minimal.s").read_text()
    assert re.search(rf"^# reproduce: lpu sim \S+minimal.s --config default --rtl {re.escape(str(rtl))}$", text, re.M)
    assert len(assemble(text).text) == res.after
    # run again, independently: the same signature on the bug's RTL, a pass on the good one
    again = simulate(SimRequest(test="asm", asm=test_dir / "minimal.s", test_dir=tmp_path / "again", rtl_dir=rtl,
                                **base))
    assert not again.passed and signature(again.failure) == sig, again.failure
    good = simulate(SimRequest(test="asm", asm=test_dir / "minimal.s", test_dir=tmp_path / "good", **base))
    assert good.passed, good.failure
