"""A damaged, empty, missing or foreign results database is refused when opened, with one
line naming the file, and never read as empty or written; reporting commands open it
read-only and never create or migrate it (issue 13, items 2.6, 3.1 and 3.2).

Reproduced before the fix on a database of two runs (3 and 8 tests), 6 pages of 4096 bytes
(24,576 bytes): minus its last byte (or 5 bytes), `history` died with sqlite3.DatabaseError
("database disk image is malformed") although `PRAGMA quick_check` said "ok"; cut to 24,000
bytes, `history` printed both runs with "tests 0" and quick_check only reported
"Fragmentation of 18 bytes reported as 0 on page 6". The file-size checks catch all of them.
The truncated files here are cut from a real database made by each test.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lpu.cli import main
from regress.results import SCHEMA_VERSION, ResultsDB, ResultsDBError, Status, TestResult


def make_db(path: Path) -> Path:
    """Two finished runs of 3 and 8 tests, closed (so no write-ahead log is left)."""
    db = ResultsDB(path)
    for n in (3, 8):
        run = db.start_run("smoke", "abc123", "host")
        for i in range(n):
            st = Status.FAILED if i == 0 else Status.PASSED
            db.record(run, TestResult("tiny", f"t{i}", i, st, 1.0, signature="sig" if i == 0 else "",
                                      message="m" * 50, log="l" * 50))
        db.finish_run(run, "failed")
    db.close()
    return path


def page_size(path: Path) -> int:
    size = int.from_bytes(path.read_bytes()[16:18], "big")
    return 65536 if size == 1 else size


def cut(src: Path, dst: Path, size: int) -> Path:
    dst.write_bytes(src.read_bytes()[:size])
    return dst


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = make_db(tmp_path / "good.sqlite")
    size = path.stat().st_size
    assert size % page_size(path) == 0 and size >= 3 * page_size(path)
    return path


def truncations(good: Path) -> dict[str, int]:
    size, page = good.stat().st_size, page_size(good)
    # 24,576 -> 24,575 / 24,571 / 24,000 / 20,480 on the database of the bug report
    return {"minus 1 byte": size - 1, "minus 5 bytes": size - 5, "576 bytes short": size - 576,
            "a page short": size - page}


@pytest.mark.parametrize("case", ["minus 1 byte", "minus 5 bytes", "576 bytes short", "a page short"])
def test_history_refuses_a_truncated_database_naming_the_file(capsys, tmp_path, good, case):
    t = cut(good, tmp_path / "t.sqlite", truncations(good)[case])
    before = digest(t)
    rc, out, err = run_cli(capsys, "regress", "history", "--db", t)
    assert rc == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"lpu: error: {t}: damaged results database")
    assert "truncated?" in err and "Traceback" not in err
    assert digest(t) == before   # never written


@pytest.mark.parametrize("case", ["minus 1 byte", "576 bytes short"])
def test_smoke_refuses_a_truncated_database_before_a_run_starts(capsys, tmp_path, good, case):
    t = cut(good, tmp_path / "t.sqlite", truncations(good)[case])
    before = digest(t)
    out_dir = tmp_path / "out"
    rc, out, err = run_cli(capsys, "regress", "smoke", "--db", t, "--out", out_dir, "--configs", "tiny",
                           "--seeds", "1", "--no-report", "-j", "1")
    assert rc == 1
    assert err.strip().startswith(f"lpu: error: {t}: damaged results database")
    assert "run 3" not in out and not (out_dir / "run0003").exists()
    assert digest(t) == before


def test_cov_report_refuses_a_truncated_database(capsys, tmp_path, good):
    t = cut(good, tmp_path / "t.sqlite", good.stat().st_size - 576)
    rc, _, err = run_cli(capsys, "cov", "report", "1", "--db", t)
    assert rc == 1 and err.startswith(f"lpu: error: {t}: damaged results database")


def test_damage_inside_a_page_is_found_by_quick_check(capsys, tmp_path, good):
    # the right size, but the index's cell pointers overwritten
    conn = sqlite3.connect(good)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'results_by_run'").fetchone()[0]
    conn.close()
    bad = tmp_path / "bad.sqlite"
    data = bytearray(good.read_bytes())
    start = (root - 1) * page_size(good) + 8   # past a leaf page's 8-byte header
    data[start:start + 16] = bytes(16)
    bad.write_bytes(bytes(data))
    rc, _, err = run_cli(capsys, "regress", "history", "--db", bad)
    assert rc == 1 and err.startswith(f"lpu: error: {bad}: damaged results database (SQLite quick_check: ")
    with pytest.raises(ResultsDBError, match="damaged"):
        ResultsDB(bad)   # a writer is refused as well


def test_history_on_an_empty_file_says_so_and_leaves_it_empty(capsys, tmp_path):
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    for argv in (("regress", "history", "--db", empty), ("cov", "report", "1", "--db", empty)):
        rc, _, err = run_cli(capsys, *argv)
        assert rc == 1 and err.startswith(f"lpu: error: {empty}: an empty file, not a results database")
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.sqlite"]   # no -wal, no -shm


def test_a_missing_database_is_a_message_and_no_file(capsys, tmp_path):
    missing = tmp_path / "sub" / "none.sqlite"
    rc, _, err = run_cli(capsys, "regress", "history", "--db", missing)
    assert rc == 1 and err.startswith(f"lpu: error: {missing}: no results database")
    with pytest.raises(ResultsDBError, match="no results database"):
        ResultsDB(missing, readonly=True)
    assert not missing.parent.exists()


def test_other_files_are_not_results_databases(capsys, tmp_path):
    text = tmp_path / "notes.sqlite"
    text.write_text("x" * 5000)
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    for path, why in ((text, "not an SQLite file"), (other, "an SQLite file without runs and results tables")):
        rc, _, err = run_cli(capsys, "regress", "history", "--db", path)
        assert rc == 1 and err.startswith(f"lpu: error: {path}: not a usable results database ({why}")
    with pytest.raises(ResultsDBError, match="not a usable results database"):
        ResultsDB(other)   # nor written


def test_history_reads_a_good_database_without_changing_it(capsys, good):
    before = digest(good)
    rc, out, _ = run_cli(capsys, "regress", "history", "--db", good)
    assert rc == 0
    rows = [line.split() for line in out.splitlines() if line.strip().startswith(("1 ", "2 "))]
    assert [(r[0], r[6]) for r in rows] == [("2", "8"), ("1", "3")]   # run, tests
    assert digest(good) == before


def test_a_database_of_a_newer_lpu_is_refused(capsys, tmp_path, good):
    conn = sqlite3.connect(good)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    rc, _, err = run_cli(capsys, "regress", "history", "--db", good)
    assert rc == 1 and "results database of a newer lpu" in err and str(good) in err


def test_an_older_database_is_read_without_migrating_and_migrated_by_a_writer(capsys, tmp_path):
    old = tmp_path / "old.sqlite"
    conn = sqlite3.connect(old)
    conn.executescript("""
        CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, suite TEXT NOT NULL, commit_id TEXT,
                           host TEXT, started REAL NOT NULL, finished REAL, status TEXT);
        CREATE TABLE results (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL,
                              config TEXT NOT NULL, test TEXT NOT NULL, seed INTEGER, status TEXT NOT NULL,
                              duration REAL, signature TEXT, message TEXT, repro TEXT, log TEXT, waves TEXT,
                              functional REAL, recorded REAL NOT NULL);
        INSERT INTO runs (suite, started, finished, status) VALUES ('nightly', 1.0, 2.0, 'passed');
        INSERT INTO results (run_id, config, test, seed, status, duration, recorded)
            VALUES (1, 'tiny', 'random', 1, 'passed', 1.0, 1.0);
    """)
    conn.close()
    before = digest(old)
    rc, out, _ = run_cli(capsys, "regress", "history", "--db", old)
    assert rc == 0 and "nightly" in out and "run 1: nothing failed" in out
    assert digest(old) == before
    db = ResultsDB(old)   # a writer adds the new columns and the schema version
    assert db.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.run(1)["launcher"] is None
    db.close()


def test_a_database_being_written_is_not_taken_for_a_damaged_one(tmp_path):
    # while a run is open, newer pages live in the write-ahead log and the file lags its header
    path = tmp_path / "live.sqlite"
    writer = ResultsDB(path)
    run = writer.start_run("nightly")
    for i in range(300):
        writer.record(run, TestResult("tiny", "random", i, Status.PASSED, 0.1, message="m" * 300))
    reader = ResultsDB(path, readonly=True)
    assert reader.run_summary(run) == {"passed": 300}
    reader.close()
    writer.close()


def test_the_installed_command_exits_non_zero_on_the_24000_byte_cut(tmp_path, good):
    # the command of the bug report, as a user runs it (a separate process)
    t = cut(good, tmp_path / "t.sqlite", good.stat().st_size - 576)
    p = subprocess.run([sys.executable, "-m", "lpu.cli", "regress", "history", "--db", str(t)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1 and p.stdout == ""
    assert p.stderr.startswith(f"lpu: error: {t}: damaged results database: ") and p.stderr.count("\n") == 1
