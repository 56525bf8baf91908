"""The mutation score in the results database (table mutation_runs): stored, read back,
shown with a trend by `lpu mutate --history` and `lpu regress history`; an older database
gains the table; the CLI's errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lpu.cli import main
from regress.history import format_history, history
from regress.mutate import MutantResult, report
from regress.mutation_history import format_mutation_history, mutation_history, record_mutation_run
from regress.results import SCHEMA_VERSION, ResultsDB, Status, TestResult
from verif.mutation import Mutant

M = Mutant(3, "op", 10, "go", "assign go = (a && b);", "assign go = (a || b);")


def rep(killed: int, survived: int, config: str = "default", scope: str = "pipeline", seed: int = 1) -> dict:
    rs = [MutantResult(M, "killed")] * killed + [MutantResult(M, "survived")] * survived
    rs += [MutantResult(M, "equivalent"), MutantResult(M, "timeout"), MutantResult(M, "stillborn")]
    build = {"mode": "schemata", "seconds": 40.0, "mutants": killed + survived + 1, "per_mutant": 0.8}
    return report(rs, config, seed, 600.0, scope, build)


def test_a_run_is_stored_and_read_back_with_its_counts(tmp_path):
    db = ResultsDB(tmp_path / "r.sqlite")
    rid = record_mutation_run(db, rep(45, 2), "out/mutate/x/mutation.json")
    (row,) = mutation_history(db)
    assert row["id"] == rid
    assert (row["config"], row["scope"], row["seed"], row["count"]) == ("default", "pipeline", 1, 50)
    assert (row["killed"], row["survived"], row["equivalent"], row["timeout"], row["stillborn"]) == (45, 2, 1, 1, 1)
    assert row["kill_rate"] == pytest.approx(100 * 46 / 48)
    assert row["build_mode"] == "schemata" and row["build_per_mutant"] == 0.8 and row["seconds"] == 600.0
    assert row["commit_id"] and row["host"] and len(row["date"]) == 16
    assert row["report"] == "out/mutate/x/mutation.json"
    record_mutation_run(db, rep(46, 1), commit="abc123def456")   # the tree the run started from
    assert mutation_history(db)[0]["commit_id"] == "abc123def456"


def test_the_trend_runs_oldest_to_newest_per_config_and_scope(tmp_path):
    db = ResultsDB(tmp_path / "r.sqlite")
    for killed, survived in ((30, 17), (40, 7), (46, 1)):
        record_mutation_run(db, rep(killed, survived))
    record_mutation_run(db, rep(20, 20, config="tiny", scope="all"))
    rows = mutation_history(db)
    assert [r["killed"] for r in rows] == [20, 46, 40, 30]          # newest first
    text = "\n".join(format_mutation_history(rows))
    trend = next(ln for ln in text.splitlines() if ln.strip().startswith("default/pipeline"))
    rates = [100 * 31 / 48, 100 * 41 / 48, 100 * 47 / 48]
    assert "(3 runs: " in trend and f"last {rates[-1]:.1f} %" in trend and f"{rates[0]:.1f} .. " in trend
    spark = trend.split()[1]
    assert len(spark) == 3 and spark[0] < spark[1] < spark[2]       # rising
    assert any(ln.strip().startswith("tiny/all") and "(1 run:" in ln for ln in text.splitlines())
    assert len(mutation_history(db, 2)) == 2


def test_regress_history_shows_the_mutation_scores_after_the_runs(tmp_path):
    db = ResultsDB(tmp_path / "r.sqlite")
    run = db.start_run("smoke", "abc", "host")
    db.record(run, TestResult("tiny", "t", 1, Status.PASSED, 1.0))
    db.finish_run(run, "passed")
    record_mutation_run(db, rep(46, 1))
    h = history(db)
    assert len(h["mutation"]) == 1 and h["mutation"][0]["killed"] == 46
    lines = format_history(h)
    assert lines.index("mutation runs, newest first:") > lines.index("runs, newest first:")
    assert any("kill-rate trend" in ln for ln in lines)


def _version1_db(path: Path) -> Path:
    """A results database as lpu wrote it before the mutation_runs table (schema version 1)."""
    db = ResultsDB(path)
    run = db.start_run("nightly", "abc", "host")
    db.record(run, TestResult("default", "t", 1, Status.FAILED, 2.0, signature="sig"))
    db.finish_run(run, "failed")
    db.conn.execute("DROP TABLE mutation_runs")
    db.conn.execute("PRAGMA user_version = 1")
    db.close()
    return path


def test_an_older_database_reads_as_no_mutation_runs_and_gains_the_table_when_written(tmp_path):
    path = _version1_db(tmp_path / "old.sqlite")
    before = path.read_bytes()
    ro = ResultsDB(path, readonly=True)
    assert mutation_history(ro) == [] and len(history(ro)["runs"]) == 1
    ro.close()
    assert path.read_bytes() == before                                # reading never migrates
    db = ResultsDB(path)
    assert db.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    record_mutation_run(db, rep(46, 1))
    assert len(db.runs()) == 1 and db.results(db.runs()[0]["id"])[0]["signature"] == "sig"
    db.close()
    tables = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "mutation_runs" in tables
    assert mutation_history(ResultsDB(path, readonly=True))[0]["killed"] == 46


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


def test_mutate_history_prints_the_scores_and_the_trend(tmp_path, capsys):
    db = ResultsDB(tmp_path / "r.sqlite")
    for killed in (40, 46):
        record_mutation_run(db, rep(killed, 47 - killed))
    db.close()
    rc, out, _ = run_cli(capsys, "mutate", "--history", "--db", tmp_path / "r.sqlite")
    assert rc == 0 and "mutation runs, newest first:" in out and "default/pipeline" in out and "(2 runs" in out
    rc, out, _ = run_cli(capsys, "mutate", "--history", "5", "--json", "--db", tmp_path / "r.sqlite")
    assert rc == 0 and '"killed": 46' in out


@pytest.mark.parametrize("argv, message", [
    (["--history", "--db", "{tmp}/none.sqlite"], "none.sqlite: no results database (run `lpu mutate` first"),
    (["--history", "0"], "--history: need 1 or more runs to show, got 0"),
    (["--count", "0"], "--count and -j need at least 1"),
    (["--mutant", "-2"], "--mutant: -2 is not a mutant id"),
    (["--scope", "alu"], "invalid choice: 'alu'"),
])
def test_mutate_cli_errors_are_one_line(tmp_path, capsys, argv, message):
    rc, out, err = run_cli(capsys, "mutate", *[a.replace("{tmp}", str(tmp_path)) for a in argv])
    assert rc != 0 and message in err
    errors = [ln for ln in err.splitlines() if "error" in ln]
    assert len(errors) == 1 and message in errors[0], err


def test_a_damaged_database_is_one_line_and_refused_before_any_mutant_runs(tmp_path, capsys):
    good = tmp_path / "r.sqlite"
    db = ResultsDB(good)
    record_mutation_run(db, rep(46, 1))
    db.close()
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(good.read_bytes()[:-100])
    for argv in (["--history"], ["--config", "tiny", "--out", tmp_path / "m"]):
        rc, out, err = run_cli(capsys, "mutate", *argv, "--db", bad)
        assert rc == 1 and err.count("\n") == 1 and "bad.sqlite" in err, err
    assert not (tmp_path / "m" / "tiny-pipeline-seed1" / "work").exists()


def test_sim_refuses_a_plusarg_without_its_plus(capsys):
    rc, out, err = run_cli(capsys, "sim", "--directed", "--config", "tiny", "--plusarg", "lpu_mutant=3")
    assert rc == 1 and "--plusarg: 'lpu_mutant=3' is not a simulator plusarg (+NAME or +NAME=VALUE)" in err
