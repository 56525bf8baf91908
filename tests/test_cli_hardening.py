"""User mistakes on the command line are found at the door, as one located line and a
non-zero exit, before any work (issue 13, items 2.4, 2.5, 3.3 and 3.6). Each test runs the
command from the issue."""

from __future__ import annotations

from pathlib import Path

import pytest

from isa_spec import load_spec, make_config
from lpu.cli import main
from regress.jobs import Job
from regress.results import ResultsDB, Status, TestResult
from verif.coverage import CoverageModel


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


def one_error(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("lpu: error: ") and "Traceback" not in err, err
    return err


@pytest.fixture
def no_simulation(monkeypatch):
    """`lpu sim` must stop before it builds or runs anything."""
    import verif.simulate

    def refuse(*_a, **_k):
        raise AssertionError("simulate() was called: the error came after the work started")
    monkeypatch.setattr(verif.simulate, "simulate", refuse)


@pytest.fixture
def covered_run(tmp_path: Path) -> Path:
    """A results database with run 1: one tiny test with functional coverage on disk."""
    spec = load_spec()
    db_path = tmp_path / "results.sqlite"
    db = ResultsDB(db_path)
    run = db.start_run("smoke", "c0ffee")
    run_dir = tmp_path / f"run{run:04d}"
    db.update_run(run, out_dir=str(run_dir))
    job = Job("tiny", "random", seed=1)
    d = run_dir / "tests" / job.dirname
    d.mkdir(parents=True)
    model = CoverageModel(spec, make_config(spec, "tiny"))
    model.hits[: len(model.hits) // 3] = 1
    (d / "functional_coverage.json").write_text(model.to_json())
    db.record(run, TestResult("tiny", "random", 1, Status.PASSED, 1.0, job=job.to_json()))
    db.finish_run(run, "passed")
    db.close()
    return db_path


# ------------------------------------------------------------------ 2.4 cov report --html


@pytest.mark.parametrize("where", ["/proc/nope", "existing file"])
def test_cov_report_html_target_is_checked_before_the_summary(capsys, tmp_path, covered_run, where):
    target = tmp_path / "report.html" if where == "existing file" else Path(where)
    if where == "existing file":
        target.write_text("keep me")
    rc, out, err = run_cli(capsys, "cov", "report", "1", "--db", covered_run, "--html", target)
    assert rc == 1 and out == ""          # no summary first, then a traceback
    msg = one_error(err)
    assert f"--html: {target}" in msg or f"--html: cannot create directory {target}" in msg
    if where == "existing file":
        assert "exists and is not a directory" in msg and target.read_text() == "keep me"
    else:
        assert "No such file or directory" in msg


def test_cov_report_html_into_a_new_directory_still_works(capsys, tmp_path, covered_run):
    rc, out, _ = run_cli(capsys, "cov", "report", "1", "--db", covered_run, "--html", tmp_path / "rep")
    assert rc == 0 and "HTML report:" in out and (tmp_path / "rep" / "index.html").is_file()


# ------------------------------------------------------------------ 2.5 --out is a file


def test_regress_smoke_out_an_existing_file_is_refused_before_a_run(capsys, tmp_path):
    f = tmp_path / "afile"
    f.write_text("x")
    rc, out, err = run_cli(capsys, "regress", "smoke", "--out", f, "--configs", "tiny", "--seeds", "1",
                           "--no-report", "-j", "1")
    assert rc == 1 and "run 1" not in out
    assert one_error(err) == f"lpu: error: --out: {f} exists and is not a directory\n"
    assert f.read_text() == "x" and sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_sim_out_an_existing_file_is_refused_before_the_build(capsys, tmp_path, no_simulation):
    prog = tmp_path / "x.s"
    prog.write_text("halt\n")
    f = tmp_path / "afile"
    f.write_text("x")
    rc, _, err = run_cli(capsys, "sim", prog, "--out", f)
    assert rc == 1 and one_error(err) == f"lpu: error: --out: {f} exists and is not a directory\n"
    rc, _, err = run_cli(capsys, "sim", prog, "--out", "/proc/nope/t")
    assert rc == 1 and "--out: cannot create directory /proc/nope/t" in one_error(err)


def test_regress_smoke_db_under_a_file_is_refused_before_a_run(capsys, tmp_path):
    f = tmp_path / "afile"
    f.write_text("x")
    rc, out, err = run_cli(capsys, "regress", "smoke", "--db", f / "r.sqlite", "--out", tmp_path / "o",
                           "--configs", "tiny", "--seeds", "1", "--no-report", "-j", "1")
    assert rc == 1 and "run 1" not in out
    assert one_error(err) == f"lpu: error: {f / 'r.sqlite'}: cannot create its directory {f}: File exists\n"


# ------------------------------------------------------------------ 3.3 counts, suites, reruns, examples


@pytest.mark.parametrize("count", ["0", "-3"])
def test_sim_random_count_below_one_is_an_error_not_a_pass(capsys, tmp_path, count, no_simulation):
    rc, out, err = run_cli(capsys, "sim", "--random", "--count", count, "--out", tmp_path / "s")
    assert rc == 1 and "PASS" not in out
    assert one_error(err) == f"lpu: error: --count: need at least 1 program, got {count}\n"


def _db_with_runs(path: Path, statuses: dict[str, Status]) -> Path:
    db = ResultsDB(path)
    for suite, st in statuses.items():
        run = db.start_run(suite, "c0ffee")
        db.record(run, TestResult("tiny", "random", 1, st, 1.0))
        db.finish_run(run, "passed" if st is Status.PASSED else "failed")
    db.close()
    return path


def test_history_runs_zero_is_an_error(capsys, tmp_path):
    db = _db_with_runs(tmp_path / "r.sqlite", {"smoke": Status.PASSED})
    rc, out, err = run_cli(capsys, "regress", "history", "--db", db, "--runs", "0")
    assert rc == 1 and "no runs recorded yet" not in out + err
    assert one_error(err) == "lpu: error: --runs: need at least 1, got 0\n"


def test_history_of_an_unknown_suite_names_the_recorded_ones(capsys, tmp_path):
    db = _db_with_runs(tmp_path / "r.sqlite", {"smoke": Status.PASSED})
    rc, out, err = run_cli(capsys, "regress", "history", "--db", db, "--suite", "nosuchsuite")
    assert rc == 1 and "no runs recorded yet" not in out + err
    assert one_error(err) == f"lpu: error: {db}: no runs of suite 'nosuchsuite' (suites recorded: smoke)\n"
    rc, out, _ = run_cli(capsys, "regress", "history", "--db", db, "--suite", "smoke")
    assert rc == 0 and "smoke" in out


def test_rerun_failed_of_a_run_without_failures_records_no_run(capsys, tmp_path):
    db_path = _db_with_runs(tmp_path / "r.sqlite", {"smoke": Status.PASSED})
    rc, out, err = run_cli(capsys, "regress", "--rerun-failed", "1", "--db", db_path, "--out", tmp_path / "o")
    assert rc == 0 and err == ""
    assert out == "run 1: nothing to rerun (no test failed); no run recorded\n"
    db = ResultsDB(db_path, readonly=True)
    assert [r["id"] for r in db.runs()] == [1]
    db.close()
    assert not (tmp_path / "o").exists()


def test_rerun_failed_without_recorded_jobs_says_why(capsys, tmp_path):
    db_path = _db_with_runs(tmp_path / "r.sqlite", {"nightly": Status.FAILED})   # a result without its job
    rc, _, err = run_cli(capsys, "regress", "--rerun-failed", "1", "--db", db_path, "--out", tmp_path / "o")
    assert rc == 1 and "run 1: no recorded job to rerun its 1 failure (recorded by an older lpu)" in one_error(err)
    db = ResultsDB(db_path, readonly=True)
    assert len(db.runs()) == 1
    db.close()


@pytest.mark.parametrize("rtl", [False, True])
def test_smoke_examples_that_are_missing_or_empty_are_errors(capsys, tmp_path, rtl):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("no programs here")
    extra = [] if rtl else ["--no-rtl"]
    for where, message in ((tmp_path / "NO_SUCH_DIR", "is not a directory"), (empty, "no programs (*.s) in")):
        rc, out, err = run_cli(capsys, "regress", "smoke", *extra, "--examples", where, "--out", tmp_path / "o",
                               "--configs", "tiny", "--seeds", "1", "--no-report")
        assert rc == 1 and "passed" not in out
        msg = one_error(err)
        assert msg.startswith("lpu: error: --examples: ") and message in msg and str(where) in msg
    assert not (tmp_path / "o").exists()


# ------------------------------------------------------------------ 3.6 binary files, bad --only


def test_sim_on_a_binary_file_names_the_file(capsys, tmp_path, no_simulation):
    prog = tmp_path / "prog.s"
    prog.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(128, 256)))
    rc, _, err = run_cli(capsys, "sim", prog, "--out", tmp_path / "s")
    assert rc == 1
    assert one_error(err).startswith(f"lpu: error: {prog}: not a text file (")
    assert "'utf-8' codec" not in err


def test_sim_directed_with_a_bad_only_regex_is_an_option_error(capsys, tmp_path, no_simulation):
    rc, out, err = run_cli(capsys, "sim", "--directed", "--only", "(", "--out", tmp_path / "s")
    assert rc == 1 and "FAIL" not in out
    assert one_error(err).startswith("lpu: error: --only: '(' is not a valid regular expression (missing )")
