"""Regression results history in an embedded database (SQLite, one file).

Safe under parallel writers and interrupted runs: the database runs in WAL mode, every
result is one short transaction (all or nothing), and writers wait for each other
(busy timeout) instead of failing. A run that was killed keeps every result it recorded;
its `finished` stays empty, which is how history shows it as interrupted."""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

from .results_file import ResultsDBError, check_file

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    suite TEXT NOT NULL, commit_id TEXT, host TEXT,
    started REAL NOT NULL, finished REAL, status TEXT,
    out_dir TEXT, args TEXT, planned INTEGER,
    functional REAL, line REAL, toggle REAL, pid INTEGER, launcher TEXT
);
CREATE TABLE IF NOT EXISTS results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    config TEXT NOT NULL, test TEXT NOT NULL, seed INTEGER,
    status TEXT NOT NULL, duration REAL, signature TEXT, message TEXT,
    repro TEXT, log TEXT, waves TEXT, functional REAL, recorded REAL NOT NULL,
    job TEXT, reproducer TEXT
);
CREATE TABLE IF NOT EXISTS mutation_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    config TEXT NOT NULL, scope TEXT NOT NULL, seed INTEGER, count INTEGER,
    killed INTEGER, survived INTEGER, equivalent INTEGER, timeout INTEGER, stillborn INTEGER,
    kill_rate REAL, commit_id TEXT, host TEXT, recorded REAL NOT NULL, seconds REAL,
    build_mode TEXT, build_per_mutant REAL, report TEXT
);
CREATE INDEX IF NOT EXISTS results_by_test ON results(config, test, seed);
CREATE INDEX IF NOT EXISTS results_by_run ON results(run_id);
"""
# columns added after the first release: an older database gains them when opened
ADDED_COLUMNS = {"runs": ("out_dir TEXT", "args TEXT", "planned INTEGER", "functional REAL", "line REAL",
                          "toggle REAL", "pid INTEGER", "launcher TEXT"),
                 "results": ("job TEXT", "reproducer TEXT")}
# PRAGMA user_version of a database this code wrote: 0 is a database from before the
# version was kept (the same tables, perhaps without the added columns); 2 added the
# mutation_runs table (`lpu mutate` scores), which opening an older database creates
SCHEMA_VERSION = 2
TABLES = ("runs", "results")          # a results database has these; the others are added when missing
MUTATION_COLUMNS = ("config", "scope", "seed", "count", "killed", "survived", "equivalent", "timeout", "stillborn",
                    "kill_rate", "commit_id", "host", "recorded", "seconds", "build_mode", "build_per_mutant",
                    "report")

__all__ = ["ResultsDB", "ResultsDBError", "Status", "TestResult", "SCHEMA_VERSION"]


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    CRASHED = "crashed"    # the simulator died or left no verdict
    TIMEOUT = "timeout"    # the per-test time limit expired (a hang)
    KILLED = "killed"      # the cluster scheduler ended the test's task (scancel, time limit, node failure)


@dataclass
class TestResult:
    __test__ = False   # not a pytest test class, despite the name
    config: str
    test: str
    seed: int | None
    status: Status
    duration: float | None          # None: the test never ran to an end (its task was killed)
    signature: str = ""
    message: str = ""
    repro: str = ""
    log: str = ""
    waves: str = ""
    functional: float | None = None   # functional coverage percent of this test, if measured
    job: str = ""                      # the job's JSON (regress/jobs.py), to rerun it exactly
    reproducer: str = ""               # the shrunk program (regress/shrink.py), when one was made


class ResultsDB:
    """The results database at `path`. Opening checks it (file size against its header,
    `PRAGMA quick_check`, schema version) and refuses a damaged one with a ResultsDBError
    naming the file, so that it is never read as empty or written to. `readonly=True` (the
    reporting commands) never creates, migrates or writes the file."""

    def __init__(self, path: str | Path, *, readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        check_file(self.path)
        if readonly and not self.path.exists():
            raise ResultsDBError(f"{self.path}: no results database (run a regression first, or give --db)")
        if not readonly:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ResultsDBError(f"{self.path}: cannot create its directory {self.path.parent}: "
                                     f"{exc.strerror or exc}") from None
        try:
            self.conn = self._connect()
            self._verify()
            if not readonly:
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.executescript(SCHEMA)
                self._migrate()
        except sqlite3.DatabaseError as exc:
            raise ResultsDBError(f"{self.path}: not a usable results database ({exc})") from None
        except OSError as exc:
            raise ResultsDBError(f"{self.path}: cannot open the results database: {exc.strerror or exc}") from None

    def _connect(self) -> sqlite3.Connection:
        if self.readonly:
            # a URI with mode=ro: SQLite neither creates the file nor writes it
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, timeout=60, isolation_level=None)
        else:
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout=60000")
        return conn

    def _verify(self) -> None:
        problems = [r[0] for r in self.conn.execute("PRAGMA quick_check(1)")]
        if problems != ["ok"]:
            first = problems[0].replace("*** in database main ***", "").strip().splitlines()[0]
            raise ResultsDBError(f"{self.path}: damaged results database (SQLite quick_check: {first})")
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ResultsDBError(f"{self.path}: results database of a newer lpu (schema version {version}, "
                                 f"this lpu knows up to {SCHEMA_VERSION})")
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and not set(TABLES) <= tables:
            raise ResultsDBError(f"{self.path}: not a usable results database (an SQLite file without "
                                 f"{' and '.join(t for t in TABLES if t not in tables)} tables)")
        if self.readonly:
            if not tables:
                raise ResultsDBError(f"{self.path}: not a usable results database (an SQLite file without tables)")
            self._shadow_missing_columns()
            if "mutation_runs" not in tables:   # older than version 2: read as no mutation runs
                self.conn.execute("CREATE TEMP TABLE mutation_runs (id INTEGER, "
                                  + ", ".join(MUTATION_COLUMNS) + ")")

    def _missing_columns(self, table: str) -> list[str]:
        have = {r["name"] for r in self.conn.execute(f"PRAGMA main.table_info({table})")}
        return [col for col in ADDED_COLUMNS[table] if col.split()[0] not in have]

    def _shadow_missing_columns(self) -> None:
        # an older database read without migrating it: a temporary view (temp names are
        # found before main ones) adds the missing columns as NULL
        for table in TABLES:
            missing = self._missing_columns(table)
            if missing:
                extra = ", ".join(f"NULL AS {col.split()[0]}" for col in missing)
                self.conn.execute(f"CREATE TEMP VIEW {table} AS SELECT *, {extra} FROM main.{table}")

    def _migrate(self) -> None:
        for table in TABLES:
            for col in self._missing_columns(table):
                self._write(f"ALTER TABLE {table} ADD COLUMN {col}", ())
        if self.conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self.conn.close()

    def _write(self, sql: str, args: tuple) -> int:
        # BEGIN IMMEDIATE takes the write lock up front: parallel writers queue, never deadlock
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            cur.execute(sql, args)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        return cur.lastrowid

    def start_run(self, suite: str, commit_id: str = "", host: str = "", args: str = "") -> int:
        return self._write("INSERT INTO runs (suite, commit_id, host, started, args, pid) VALUES (?, ?, ?, ?, ?, ?)",
                           (suite, commit_id, host, time.time(), args, os.getpid()))

    def update_run(self, run_id: int, **fields) -> None:
        allowed = {"out_dir", "planned", "functional", "line", "toggle", "status", "launcher"}
        bad = set(fields) - allowed
        if bad:
            raise ValueError(f"not a run field: {', '.join(sorted(bad))}")
        sets = ", ".join(f"{k} = ?" for k in fields)
        self._write(f"UPDATE runs SET {sets} WHERE id = ?", (*fields.values(), run_id))

    def run(self, run_id: int) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()

    def finish_run(self, run_id: int, status: str) -> None:
        self._write("UPDATE runs SET finished = ?, status = ? WHERE id = ?", (time.time(), status, run_id))

    def record(self, run_id: int, r: TestResult) -> None:
        d = asdict(r)
        d["status"] = Status(r.status).value
        self._write("INSERT INTO results (run_id, config, test, seed, status, duration, signature, message, "
                    "repro, log, waves, functional, recorded, job, reproducer) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (run_id, d["config"], d["test"], d["seed"], d["status"], d["duration"], d["signature"],
                     d["message"], d["repro"], d["log"], d["waves"], d["functional"], time.time(), d["job"],
                     d["reproducer"]))

    def record_mutation_run(self, **fields) -> int:
        bad = set(fields) - set(MUTATION_COLUMNS)
        if bad:
            raise ValueError(f"not a mutation-run field: {', '.join(sorted(bad))}")
        fields.setdefault("recorded", time.time())
        cols = ", ".join(fields)
        return self._write(f"INSERT INTO mutation_runs ({cols}) VALUES ({', '.join('?' * len(fields))})",
                           tuple(fields.values()))

    def mutation_runs(self, limit: int = 20) -> list[sqlite3.Row]:
        """The newest recorded mutation runs first."""
        return self.conn.execute("SELECT * FROM mutation_runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()

    def runs(self, limit: int = 20, suite: str | None = None) -> list[sqlite3.Row]:
        """The newest runs first."""
        if suite:
            return self.conn.execute("SELECT * FROM runs WHERE suite = ? ORDER BY id DESC LIMIT ?",
                                     (suite, limit)).fetchall()
        return self.conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()

    def suites(self) -> list[str]:
        """The suites that have runs, in the order of their first run."""
        rows = self.conn.execute("SELECT suite FROM runs GROUP BY suite ORDER BY MIN(id)").fetchall()
        return [r["suite"] for r in rows]

    def results(self, run_id: int) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM results WHERE run_id = ? ORDER BY id", (run_id,)).fetchall()

    def run_summary(self, run_id: int) -> dict[str, int]:
        rows = self.conn.execute("SELECT status, COUNT(*) AS n FROM results WHERE run_id = ? GROUP BY status",
                                 (run_id,)).fetchall()
        return {r["status"]: r["n"] for r in rows}

    def mean_durations(self, last_runs: int = 10) -> dict[tuple[str, str], float]:
        """Mean duration of each (config, test) over the last runs: what a job will take."""
        rows = self.conn.execute(
            "SELECT config, test, AVG(duration) AS d FROM results WHERE run_id IN "
            "(SELECT id FROM runs ORDER BY id DESC LIMIT ?) AND duration IS NOT NULL GROUP BY config, test",
            (last_runs,)).fetchall()
        return {(r["config"], r["test"]): r["d"] for r in rows}

    def first_seen(self, signature: str) -> int | None:
        """The first run in which a failure signature was recorded."""
        row = self.conn.execute("SELECT MIN(run_id) AS r FROM results WHERE signature = ? AND status != 'passed'",
                                (signature,)).fetchone()
        return row["r"]

    def test_record(self, config: str, test: str, before_run: int | None = None) -> dict:
        """A test across runs, whatever its seeds: runs it took part in, runs where it
        failed, the first run of its current failing streak, and its last status."""
        q = "SELECT run_id, MIN(status = 'passed') AS ok FROM results WHERE config = ? AND test = ?"
        args: tuple = (config, test)
        if before_run is not None:
            q += " AND run_id <= ?"
            args += (before_run,)
        rows = self.conn.execute(q + " GROUP BY run_id ORDER BY run_id", args).fetchall()
        failed = [r["run_id"] for r in rows if not r["ok"]]
        last_pass = max((r["run_id"] for r in rows if r["ok"]), default=None)
        since = min((f for f in failed if last_pass is None or f > last_pass), default=None)
        return {"runs": len(rows), "failed_runs": len(failed), "failing_since_run": since,
                "first_failed_run": failed[0] if failed else None,
                "last_ok": bool(rows[-1]["ok"]) if rows else None}

    def test_history(self, config: str, test: str, seed: int | None) -> dict:
        """How often a test failed, since when (the first failing run after its last pass)."""
        rows = self.conn.execute(
            "SELECT run_id, status FROM results WHERE config = ? AND test = ? AND seed IS ? ORDER BY run_id",
            (config, test, seed)).fetchall()
        fails = [r["run_id"] for r in rows if r["status"] != Status.PASSED.value]
        last_pass = max((r["run_id"] for r in rows if r["status"] == Status.PASSED.value), default=None)
        since = min((f for f in fails if last_pass is None or f > last_pass), default=None)
        return {"runs": len(rows), "failures": len(fails), "failing_since_run": since,
                "last_status": rows[-1]["status"] if rows else None}
