"""Regression results history in an embedded database (SQLite, one file).

Safe under parallel writers and interrupted runs: the database runs in WAL mode, every
result is one short transaction (all or nothing), and writers wait for each other
(busy timeout) instead of failing. A run that was killed keeps every result it recorded;
its `finished` stays empty, which is how history shows it as interrupted."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    suite TEXT NOT NULL, commit_id TEXT, host TEXT,
    started REAL NOT NULL, finished REAL, status TEXT
);
CREATE TABLE IF NOT EXISTS results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    config TEXT NOT NULL, test TEXT NOT NULL, seed INTEGER,
    status TEXT NOT NULL, duration REAL, signature TEXT, message TEXT,
    repro TEXT, log TEXT, waves TEXT, functional REAL, recorded REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS results_by_test ON results(config, test, seed);
CREATE INDEX IF NOT EXISTS results_by_run ON results(run_id);
"""


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    CRASHED = "crashed"    # the simulator died or left no verdict
    TIMEOUT = "timeout"    # the per-test time limit expired (a hang)


@dataclass
class TestResult:
    __test__ = False   # not a pytest test class, despite the name
    config: str
    test: str
    seed: int | None
    status: Status
    duration: float
    signature: str = ""
    message: str = ""
    repro: str = ""
    log: str = ""
    waves: str = ""
    functional: float | None = None   # functional coverage percent of this test, if measured


class ResultsDB:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA busy_timeout=60000")
        self.conn.executescript(SCHEMA)

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

    def start_run(self, suite: str, commit_id: str = "", host: str = "") -> int:
        return self._write("INSERT INTO runs (suite, commit_id, host, started) VALUES (?, ?, ?, ?)",
                           (suite, commit_id, host, time.time()))

    def finish_run(self, run_id: int, status: str) -> None:
        self._write("UPDATE runs SET finished = ?, status = ? WHERE id = ?", (time.time(), status, run_id))

    def record(self, run_id: int, r: TestResult) -> None:
        d = asdict(r)
        d["status"] = Status(r.status).value
        self._write("INSERT INTO results (run_id, config, test, seed, status, duration, signature, message, "
                    "repro, log, waves, functional, recorded) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (run_id, d["config"], d["test"], d["seed"], d["status"], d["duration"], d["signature"],
                     d["message"], d["repro"], d["log"], d["waves"], d["functional"], time.time()))

    def runs(self, limit: int = 20) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()

    def results(self, run_id: int) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM results WHERE run_id = ? ORDER BY id", (run_id,)).fetchall()

    def run_summary(self, run_id: int) -> dict[str, int]:
        rows = self.conn.execute("SELECT status, COUNT(*) AS n FROM results WHERE run_id = ? GROUP BY status",
                                 (run_id,)).fetchall()
        return {r["status"]: r["n"] for r in rows}

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
